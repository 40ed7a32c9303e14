"""The record contract: the JSON objects every stage reads and writes, defined once.

One JSON object per line, UTF-8, `ensure_ascii=False`. Every record has a `type` and a stable
`id`. Stages add fields and keep every field they do not own; names are never renamed.
`FIELD_CHECKS` names the JSON type of every contract field of each record type (export and show
check records against it); docs/schema.md describes what each field means.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any


def dumps(value: Any) -> str:
    """A record (or any JSON value) as the contract writes it: one line, Chinese kept readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# What json.dumps(ensure_ascii=False) escapes inside a string.
_JSON_ESCAPED = re.compile(r'[\\\x00-\x1f]')


def dumps_with(record: dict, fields: dict[str, Any]) -> str:
    """`dumps({**record, **fields})`, faster for fields that are lists of strings (tokens, pos):
    the record is encoded once and each such list is joined as a whole, unless some string in
    it needs escaping. Same text as dumps, character for character."""
    if not record or any(name in record for name in fields):
        return dumps({**record, **fields})
    added = "".join(f",{dumps(name)}:{_dumps_value(value)}" for name, value in fields.items())
    return f"{dumps(record)[:-1]}{added}}}"


def _dumps_value(value: Any) -> str:
    if type(value) is list and value and type(value[0]) is str:
        try:
            body = '","'.join(value)
        except TypeError:  # not only strings
            return dumps(value)
        if body.count('"') == 2 * (len(value) - 1) and _JSON_ESCAPED.search(body) is None:
            return f'["{body}"]'
    return dumps(value)


def article_id(source: str, seq: int) -> str:
    """Stable article id: the source name and the article's number on the page."""
    return f"{source}#{seq}"


def figure_id(article: str, ordinal: int) -> str:
    """Stable figure id: the article id and the figure's ordinal within it (from 1)."""
    return f"{article}/{ordinal}"


@dataclass(frozen=True)
class Check:
    """The JSON types a field may have: Python types of the value and, for a list, of its items.

    Exact type tests (`type(value) in types`) keep booleans out of integers, and are fast.
    """

    expected: str
    types: frozenset[type]
    item_types: frozenset[type] | None = None

    def accepts(self, value: Any) -> bool:
        if type(value) not in self.types:
            return False
        if self.item_types is not None and value:
            item_types = self.item_types
            return all(type(item) in item_types for item in value)
        return True


def _optional(check: Check) -> Check:
    return Check(f"{check.expected} or null", check.types | {type(None)}, check.item_types)


def _list_of(check: Check) -> Check:
    return Check(f"a list of {check.expected.split(' ', 1)[1]}s", frozenset({list}), check.types)


KNOWN_TYPES = ("article", "figure", "document", "error", "input", "series", "kwic", "frequency")

STRING = Check("a string", frozenset({str}))
INTEGER = Check("an integer", frozenset({int}))
NUMBER = Check("a number", frozenset({int, float}))
OBJECT = Check("an object", frozenset({dict}))
INT_OR_STRING = Check("an integer or a string", frozenset({int, str}))

_COMMON: dict[str, Check] = {
    "id": STRING,
    "source": STRING,
    "date": _optional(STRING),
    "page": _optional(INT_OR_STRING),
}
# Fields `segment` adds to articles and documents.
_SEGMENTED: dict[str, Check] = {
    # Words, or {"w", "start", "end"} objects with `segment --offsets`.
    "tokens": Check("a list of strings or of objects", frozenset({list}), frozenset({str, dict})),
    "pos": _list_of(STRING),
    "keywords": _list_of(OBJECT),
    "entities": _list_of(OBJECT),
}
FIELD_CHECKS: dict[str, dict[str, Check]] = {
    "article": {
        **_COMMON,
        **_SEGMENTED,
        "seq": INTEGER,
        "kind": STRING,
        "kicker": _optional(STRING),
        "title": _optional(STRING),
        "subtitle": _optional(STRING),
        "authors": _list_of(STRING),
        "author_role": _optional(STRING),
        "dateline": _optional(STRING),
        "column": _optional(STRING),
        "subheads": _list_of(STRING),
        "paragraphs": _list_of(STRING),
        "text": STRING,
        "lines": _list_of(INTEGER),
        "byline": _optional(STRING),
        "page_marks": _list_of(STRING),
        "page_refs": _list_of(STRING),
        "edition": _optional(STRING),
    },
    "figure": {
        **_COMMON,
        "article": STRING,
        "text": STRING,
        "start": INTEGER,
        "end": INTEGER,
        "kind": STRING,
        "value": _optional(NUMBER),
        "low": _optional(NUMBER),
        "high": _optional(NUMBER),
        "unit": _optional(STRING),
        "approx": _optional(STRING),
        "qualifier": _optional(STRING),
        "change": _optional(STRING),
        "basis": _optional(STRING),
        "metric": _optional(STRING),
        "period": _optional(STRING),
        "sentence": STRING,
    },
    "document": {**_COMMON, **_SEGMENTED, "text": STRING},
    "error": {"source": _optional(STRING), "line": _optional(INTEGER), "reason": STRING},
    # A line of `run`'s manifest.jsonl: one input file, what it was and what came out of it.
    "input": {**_COMMON, "path": STRING, "status": STRING, "size": INTEGER, "articles": INTEGER, "figures": INTEGER},
    # A fact of `newsmine series`: one indicator's value for a subject over a period, from its mentions.
    "series": {
        "id": STRING,
        "indicator": STRING,
        "subject": _optional(STRING),
        "kind": _optional(STRING),
        "unit": _optional(STRING),
        "period_start": STRING,
        "period_end": STRING,
        "grain": STRING,
        "period": _optional(STRING),
        "modality": _optional(STRING),
        "comparison": _optional(STRING),
        "value": _optional(NUMBER),
        "low": _optional(NUMBER),
        "high": _optional(NUMBER),
        "n": INTEGER,
        "first_date": _optional(STRING),
        "last_date": _optional(STRING),
        "figures": _list_of(STRING),
        "conflict": _list_of(OBJECT),
    },
    # A hit of `newsmine kwic`: a word in its article's text, with the context either side.
    "kwic": {
        "id": STRING,
        "article": STRING,
        "date": _optional(STRING),
        "page": _optional(INT_OR_STRING),
        "title": _optional(STRING),
        "left": STRING,
        "word": STRING,
        "right": STRING,
        "start": INTEGER,
        "end": INTEGER,
    },
    # A word of `newsmine freq`: its count (and TF-IDF weight with --keywords) in one period.
    "frequency": {
        "id": STRING,
        "period": STRING,
        "rank": INTEGER,
        "word": STRING,
        "count": INTEGER,
        "docs": INTEGER,
        "articles": INTEGER,
        "share": NUMBER,
        "weight": _optional(NUMBER),
    },
}
