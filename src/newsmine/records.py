"""The record contract: the JSON objects every stage reads and writes.

One JSON object per line, UTF-8, `ensure_ascii=False`. Every record has a `type` and a stable
`id`. Stages add fields and keep every field they do not own; names are never renamed.
See docs/schema.md for the full description of each field.
"""

from __future__ import annotations

from typing import Literal, TypedDict

SCHEMA_VERSION = 1

ArticleKind = Literal["news", "commentary", "photo", "brief", "index", "other"]
FigureKind = Literal[
    "money", "percent", "percentage_point", "count", "quantity", "ratio", "multiple", "fraction", "number",
    # with --all-numbers only:
    "ordinal", "year", "date",
]


class Article(TypedDict, total=False):
    """An article found on a page by `split`."""

    type: Literal["article"]
    id: str
    source: str
    seq: int
    kind: ArticleKind
    kicker: str | None
    title: str | None
    subtitle: str | None
    authors: list[str]
    author_role: str | None
    dateline: str | None
    column: str | None
    subheads: list[str]
    paragraphs: list[str]
    text: str
    lines: list[int]


class Figure(TypedDict, total=False):
    """A statistical figure found by `stats` in an article's (or document's) text."""

    type: Literal["figure"]
    id: str
    article: str
    source: str
    text: str
    start: int
    end: int
    kind: FigureKind
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    approx: Literal["about", "over", "under"] | None
    qualifier: str | None
    change: Literal["increase", "decrease"] | None
    basis: str | None
    metric: str | None
    period: str | None
    sentence: str


def article_id(source: str, seq: int) -> str:
    """Stable article id: the source name and the article's number on the page."""
    return f"{source}#{seq}"


def figure_id(article: str, ordinal: int) -> str:
    """Stable figure id: the article id and the figure's ordinal within it (from 1)."""
    return f"{article}/{ordinal}"
