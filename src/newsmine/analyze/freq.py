"""Word frequencies (or TF-IDF keywords) per period over articles.

Words are the `tokens` that `segment` added, else the text cut by a segmenter the caller gives.
Stop words, punctuation, words shorter than `min_length`, and (unless `keep_numbers`) numbers and
web-address pieces (segment.keywords' number/URL filter, the one `segment --keywords` uses) are
left out. Each period's counts are kept until the end, so memory grows with the number of
distinct words per period, not with the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field

import regex

from newsmine.segment.keywords import KeywordExtractor, is_number, may_hold_web_address, without_web_addresses

BY = ("day", "month", "year")
DATE_LENGTH = {"day": 10, "month": 7, "year": 4}
ALL = "all"  # the period of every record when counting is not by date
UNDATED = "undated"  # the period of records without a date
DEFAULT_TOP = 20
SHARE_DIGITS = 6
TEXT_TYPES = frozenset({"article", "document"})
_HAS_LETTER = regex.compile(r"[\p{L}\p{N}]")


@dataclass
class WordFilter:
    """Which words count: not stop words, not punctuation, at least `min_length` characters,
    and no numbers or web-address pieces unless `keep_numbers`."""

    stopwords: Collection[str] = frozenset()
    keep_numbers: bool = False
    min_length: int = 2
    _verdicts: dict[str, bool] = field(default_factory=dict, repr=False)  # per distinct word

    def counts(self, tokens: list[str], text: str) -> Counter:
        """How often each word that counts occurs among `tokens` (the words of `text`)."""
        if not self.keep_numbers and may_hold_web_address(text):
            tokens = list(without_web_addresses(tokens))  # a web address is a run of words: read them in order
        counted = Counter(tokens)
        for word in [word for word in counted if not self.keeps(word)]:
            del counted[word]
        return counted

    def keeps(self, word: str) -> bool:
        verdict = self._verdicts.get(word)
        if verdict is None:
            verdict = self._verdicts[word] = (
                len(word) >= self.min_length and word not in self.stopwords and _HAS_LETTER.search(word) is not None
                and (self.keep_numbers or not is_number(word))
            )  # fmt: skip
        return verdict


@dataclass
class PeriodCounts:
    """The counts of one period: word -> occurrences, word -> articles holding it, articles, words."""

    counts: Counter = field(default_factory=Counter)
    docs: Counter = field(default_factory=Counter)
    articles: int = 0
    words: int = 0


def period_of(record: dict, by: str | None) -> str:
    """The period a record counts in: ALL without `by`, else its date cut to day, month or year."""
    if by is None:
        return ALL
    date = record.get("date")
    return date[: DATE_LENGTH[by]] if isinstance(date, str) and date else UNDATED


def record_tokens(record: dict, cut: Callable[[str], list[str]]) -> list[str]:
    """The words of a record: its `tokens` (words, or {"w": word} objects), else `cut(text)`."""
    tokens = record.get("tokens")
    if not isinstance(tokens, list):
        return cut(record["text"])
    if all(type(token) is str for token in tokens[:1]):
        return tokens
    return [token["w"] if isinstance(token, dict) else token for token in tokens]


def count_words(
    records: Iterable[dict], cut: Callable[[str], list[str]], words: WordFilter, by: str | None = None
) -> dict[str, PeriodCounts]:
    """Word counts per period of the articles and documents among `records`."""
    periods: dict[str, PeriodCounts] = {}
    for record in records:
        if record.get("type") not in TEXT_TYPES or not isinstance(record.get("text"), str):
            continue
        period = periods.setdefault(period_of(record, by), PeriodCounts())
        counted = words.counts(record_tokens(record, cut), record["text"])
        period.counts.update(counted)
        period.docs.update(counted.keys())
        period.articles += 1
        period.words += counted.total()
    return periods


def top_words(periods: dict[str, PeriodCounts], top: int = DEFAULT_TOP) -> Iterator[dict]:
    """`frequency` records: the `top` most frequent words of each period, periods in order."""
    for name in sorted(periods):
        period = periods[name]
        ranked = sorted(period.counts.items(), key=lambda item: (-item[1], item[0]))[:top]
        for rank, (word, count) in enumerate(ranked, start=1):
            yield _record(name, period, rank, word, None)


def top_keywords(periods: dict[str, PeriodCounts], extractor: KeywordExtractor, top: int = DEFAULT_TOP) -> Iterator[dict]:
    """`frequency` records: each period's `top` TF-IDF keywords (jieba's IDF over the period's words)."""
    for name in sorted(periods):
        period = periods[name]
        every_word = (word for word, count in period.counts.items() for _ in range(count))
        for rank, keyword in enumerate(extractor.extract(every_word, top), start=1):
            yield _record(name, period, rank, keyword["word"], keyword["weight"])


def _record(name: str, period: PeriodCounts, rank: int, word: str, weight: float | None) -> dict:
    count = period.counts[word]
    return {
        "type": "frequency",
        "id": f"{name}/{word}",
        "period": name,
        "rank": rank,
        "word": word,
        "count": count,
        "docs": period.docs[word],
        "articles": period.articles,
        "share": round(count / period.words, SHARE_DIGITS) if period.words else 0.0,
        "weight": weight,
    }
