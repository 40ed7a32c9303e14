"""Page text -> classified lines: what each line is (headline, paragraph, byline, footer…) and
which layout the page uses (indented paragraphs, hard-wrapped PDF text, or one line per paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from newsmine.split.bylines import parse_byline
from newsmine.split.patterns import (
    BYLINE_HINT_RE,
    CLOSING_CHARS,
    CREDIT_RE,
    DECORATION_LINE_RE,
    EDITION_RE,
    HASH_HEADING_RE,
    LEADING_MARKS,
    PAGE_MARK_RE,
    PAGE_REF_RE,
    SENTENCE_END_CHARS,
)

# A line longer than this is running text, whatever else it looks like.
MAX_HEADLINE_CHARS = 40
MAX_SHORT_LINE_CHARS = 60
HEAD_BAD_END = frozenset("。！？!?；;，,、：:…")
# Hard-wrapped (PDF) pages: most long lines have nearly the same display width.
WRAP_MIN_WIDTH = 40
WRAP_MAX_WIDTH = 130
WRAP_SLACK = 8
WRAP_SHARE = 0.5
WRAP_MIN_LINES = 6
INDENT_SHARE = 0.6
INDENT_MIN_LINES = 3


def _full_line(pattern: re.Pattern[str]) -> str:
    """A pattern's source without anchors, ending at the end of the line."""
    return pattern.pattern.removeprefix("^").removesuffix("$") + "$"


class Kind(Enum):
    PARA = "para"
    HEAD = "head"
    BYLINE = "byline"
    MARK = "mark"  # "第 N 页" page footer
    EDITION = "edition"  # publication/date line
    CREDIT = "credit"  # editor/designer/column credit
    REF = "ref"  # teaser pointing to another page
    DECOR = "decor"  # a rule or marks only


# One match decides all page furniture (footers, publication lines, credits, rules).
FURNITURE_RE = re.compile(
    f"(?P<mark>{_full_line(PAGE_MARK_RE)})|(?P<edition>{_full_line(EDITION_RE)})"
    f"|(?P<credit>{CREDIT_RE.pattern.removeprefix('^')})|(?P<decor>{_full_line(DECORATION_LINE_RE)})"
)
FURNITURE_KINDS = {"mark": Kind.MARK, "edition": Kind.EDITION, "credit": Kind.CREDIT, "decor": Kind.DECOR}


@dataclass(slots=True)
class Line:
    """One logical line: its stripped text, 1-based source line span and classification."""

    first: int
    last: int
    text: str
    kind: Kind
    indent: bool = False
    width: int = 0  # display width of its last physical line
    hashed: bool = False  # a markdown "### " heading
    joined: int = 1  # physical lines merged into it (hard wraps)


@dataclass(slots=True)
class Layout:
    """What kind of page this is."""

    indented: bool = False  # paragraphs start with full-width/ASCII spaces (e.g. web e-paper)
    wrapped: bool = False  # hard line wraps at a fixed width (PDF extraction)
    wrap_width: int = 0
    editions: bool = False  # "《报名》（日期 第 N 版）" lines introduce each article body
    lines: list[Line] = field(default_factory=list)


def display_width(text: str) -> int:
    """Columns the text takes: 2 for CJK (3-byte UTF-8) characters, 1 for ASCII.

    Lines far wider than any hard-wrapped column only need a lower bound, which is cheaper.
    """
    if len(text) > WRAP_MAX_WIDTH:
        return len(text)
    return (len(text.encode("utf-8")) + len(text)) // 2


def is_headline_like(text: str) -> bool:
    """Short, no sentence punctuation at its end and no full stop inside: reads as a headline."""
    return len(text) <= MAX_HEADLINE_CHARS and text[-1] not in HEAD_BAD_END and "。" not in text


def is_open(paragraph: str) -> bool:
    """True when the paragraph stops mid-sentence (no closing punctuation at its end)."""
    return paragraph[-1] not in CLOSING_CHARS


def ends_sentence(text: str) -> bool:
    return text.rstrip("”’」』）)")[-1:] in SENTENCE_END_CHARS


def classify(text: str) -> Kind:
    """Classify one stripped, non-empty line on its own."""
    if len(text) > MAX_SHORT_LINE_CHARS:
        return Kind.PARA
    furniture = FURNITURE_RE.match(text)
    if furniture:
        return FURNITURE_KINDS[furniture.lastgroup]  # type: ignore[index]
    if len(text) <= MAX_HEADLINE_CHARS and "版" in text and PAGE_REF_RE.search(text) and (text[0] in "》>" or len(text) <= 24):
        return Kind.REF
    if (text[0] in LEADING_MARKS or BYLINE_HINT_RE.search(text)) and parse_byline(text) is not None:
        return Kind.BYLINE
    if is_headline_like(text):
        return Kind.HEAD
    return Kind.PARA


def read_lines(text: str) -> list[Line]:
    """Classify the non-blank lines of a page, keeping their 1-based line numbers."""
    lines: list[Line] = []
    append = lines.append
    para = Kind.PARA
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped:
            continue
        size = len(stripped)
        if size > MAX_SHORT_LINE_CHARS and stripped[0] != "#":
            # Running text: too long for a headline, byline or footer.
            width = size if size > WRAP_MAX_WIDTH else (len(stripped.encode("utf-8")) + size) // 2
            append(Line(number, number, stripped, para, raw[0].isspace(), width))
            continue
        hashed = stripped[0] == "#"
        if hashed:
            stripped = HASH_HEADING_RE.sub("", stripped) or stripped
        kind = Kind.HEAD if hashed and len(stripped) <= MAX_SHORT_LINE_CHARS else classify(stripped)
        append(Line(number, number, stripped, kind, raw[0].isspace(), display_width(stripped), hashed))
    return lines


def detect_layout(lines: list[Line]) -> Layout:
    """Decide which page layout the lines follow."""
    layout = Layout(lines=lines)
    layout.editions = any(line.kind is Kind.EDITION and line.text[0] == "《" for line in lines)
    paragraphs = [line for line in lines if line.kind is Kind.PARA]
    indented = sum(line.indent for line in paragraphs)
    layout.indented = indented >= INDENT_MIN_LINES and indented >= INDENT_SHARE * len(paragraphs)
    widths = sorted(line.width for line in lines if line.width >= WRAP_MIN_WIDTH)
    if len(widths) >= WRAP_MIN_LINES and not layout.indented:
        width = widths[int(0.8 * (len(widths) - 1))]
        near = sum(1 for w in widths if width - WRAP_SLACK <= w <= width + WRAP_SLACK // 2)
        if width <= WRAP_MAX_WIDTH and near >= WRAP_SHARE * len(widths):
            layout.wrapped = True
            layout.wrap_width = width
    if layout.wrapped:
        layout.lines = unwrap(lines, layout.wrap_width - WRAP_SLACK)
    return layout


def unwrap(lines: list[Line], full_width: int) -> list[Line]:
    """Join hard-wrapped lines: a line as wide as the text column continues on the next line.

    Page footers ("第 N 页") falling inside a paragraph do not break it; they are moved after it.
    """
    out: list[Line] = []
    current: Line | None = None
    marks: list[Line] = []
    for line in lines:
        if line.kind is Kind.MARK:
            marks.append(line)
            continue
        continues = (
            current is not None
            and current.kind in (Kind.PARA, Kind.HEAD)
            and current.width >= full_width
            and line.kind in (Kind.PARA, Kind.HEAD)
            and not (marks and ends_sentence(current.text))
        )
        if continues:
            current.text += line.text
            current.last = line.last
            current.width = line.width
            current.kind = Kind.PARA
            current.joined += 1
            continue
        if current is not None:
            out.append(current)
        out.extend(marks)
        marks = []
        current = line
    if current is not None:
        out.append(current)
    out.extend(marks)
    return out
