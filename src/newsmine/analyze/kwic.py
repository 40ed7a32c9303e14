"""Keyword in context (a concordance): every occurrence of a word in article text, with the text around it.

    for hit in concordance(articles, ["增长"], width=10): ...
    print(plain_line(hit, width=10))      # date, left context, word, right context, article id

A hit is a `kwic` record: article, date, page, title, left, word, right, and the word's offsets
in the article's `text`. Line breaks in the context become spaces, so a hit is one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import regex
from rich.cells import cell_len

DEFAULT_WIDTH = 20
TEXT_TYPES = frozenset({"article", "document"})


def word_pattern(words: Sequence[str], is_regex: bool = False, ignore_case: bool = False) -> regex.Pattern:
    """One pattern for the words (literal unless `is_regex`); the longest literal word is tried first.

    Raises ValueError for an empty word or a bad regular expression.
    """
    if not words or any(not word for word in words):
        raise ValueError("give a non-empty word")
    parts = list(words) if is_regex else [regex.escape(word) for word in sorted(words, key=len, reverse=True)]
    try:
        return regex.compile("|".join(f"(?:{part})" for part in parts), regex.IGNORECASE if ignore_case else 0)
    except regex.error as exc:
        raise ValueError(f"bad regular expression: {exc}") from None


def concordance(records: Iterable[dict], pattern: regex.Pattern, width: int = DEFAULT_WIDTH) -> Iterator[dict]:
    """A `kwic` record for each match of `pattern` in the `text` of each article or document,
    with `width` characters of context either side (fewer at the edges of the text)."""
    for record in records:
        text = record.get("text")
        if record.get("type") not in TEXT_TYPES or not isinstance(text, str):
            continue
        article = str(record.get("id"))
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end:
                continue  # a regex that matches nothing (e.g. x*) gives no hit
            yield {
                "type": "kwic",
                "id": f"{article}@{start}",
                "article": article,
                "date": record.get("date"),
                "page": record.get("page"),
                "title": record.get("title"),
                "left": _one_line(text[max(start - width, 0) : start]),
                "word": match.group(),
                "right": _one_line(text[end : end + width]),
                "start": start,
                "end": end,
            }


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def plain_line(hit: dict, width: int = DEFAULT_WIDTH) -> str:
    """A hit as one aligned line: date, the left context right-aligned and the right context
    left-aligned in 2 x width terminal cells each (a Chinese character takes two), the article id."""
    left, right = hit["left"], hit["right"]
    left_padding = " " * max(2 * width - cell_len(left), 0)
    right_padding = " " * max(2 * width - cell_len(right), 0)
    date = hit.get("date") or ""
    return f"{date:<10}  {left_padding}{left}  {hit['word']}  {right}{right_padding}  {hit['article']}"
