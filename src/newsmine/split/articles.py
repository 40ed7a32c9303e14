"""Classified lines -> article records: find where articles start, then fill each record's fields.

Where an article starts depends on the page layout (see `layout.Layout`):
- pages with publication lines ("《人民日报》（… 第 N 版）"): the headline/byline lines just above
  each publication line open an article;
- indented pages: each run of unindented lines (kicker / title / subtitle / byline) opens one;
- everywhere else: a headline line followed by a byline or by a dateline paragraph
  ("本报讯", "新华社北京4月21日电"), or a photo caption closed by a photographer credit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import attrgetter

from newsmine.records import article_id
from newsmine.split.bylines import parse_byline, parse_photo_credit
from newsmine.split.layout import Kind, Layout, Line, is_headline_like, is_open
from newsmine.split.patterns import (
    BYLINE_HINT_RE,
    CLOSING_CHARS,
    COLUMN_TAG_RE,
    COMMENTARY_TAG_RE,
    DATELINE_RE,
    DIGIT_RE,
    ENUMERATED_RE,
    HAN,
    PARENS_ONLY_RE,
    PHOTO_TITLE_RE,
    SUBTITLE_DASH_RE,
    TEASER_ARROWS_RE,
    strip_edge_marks,
    strip_leading_marks,
)

MAX_HEADER_LINES = 5
MAX_CAPTION_PARAGRAPHS = 3
SHORT_KICKER_CHARS = 6  # "广东", "公安部": a place or body named above the headline
TITLE_WRAP_WIDTH = 34  # a PDF headline line this wide (17 CJK characters) was wrapped
TITLE_CLOSERS = frozenset("）)”’》」』")
BRIEF_CHARS = 120
MIN_SUBHEAD_HAN = 2
MAX_CREDIT_CHARS = 40
QUESTION_TITLE_CHARS = 30

_HAN_RE = re.compile(f"[{HAN}]")
KIND_OF = attrgetter("kind")
TEXT_KINDS = (Kind.PARA, Kind.HEAD)


@dataclass(slots=True)
class Segment:
    """The lines of one article: header (kicker/title/subtitle/byline) and body."""

    header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)


def is_title_candidate(line: Line) -> bool:
    """A headline line, or a short question/exclamation headline."""
    if line.kind is Kind.HEAD:
        return True
    text = line.text
    return line.kind is Kind.PARA and len(text) <= QUESTION_TITLE_CHARS and text[-1] in "？！?!" and "。" not in text


def find_starts(layout: Layout) -> list[tuple[int, int]]:
    """(first header line, first body line) index pairs of the articles on the page, in order."""
    lines = layout.lines
    starts: dict[int, int] = {}
    if layout.indented:
        _indented_starts(lines, starts)
    else:
        _cue_starts(lines, starts, layout.wrapped)
    if layout.editions:
        edition_starts: dict[int, int] = {}
        _edition_starts(lines, edition_starts)
        # A publication line's header wins over cues found inside it.
        for first, body_at in edition_starts.items():
            for inside in range(first + 1, body_at + 1):
                starts.pop(inside, None)
        starts.update(edition_starts)
    return sorted(starts.items())


def is_wrapped_title_line(line: Line) -> bool:
    """In PDF text, a headline line as wide as the headline column that does not close with a
    bracket or quote continues on the next line."""
    return line.kind is Kind.HEAD and line.width >= TITLE_WRAP_WIDTH and line.text[-1] not in TITLE_CLOSERS


def _edition_starts(lines: list[Line], starts: dict[int, int]) -> None:
    """The headline, byline (or credit) lines right above each publication line open an article."""
    floor = 0
    for index, line in enumerate(lines):
        if line.kind is not Kind.EDITION or line.text[0] != "《":
            continue
        first = index
        if index and lines[index - 1].kind is Kind.CREDIT:
            first = index - 1
        else:
            while (
                first > floor
                and index - first < MAX_HEADER_LINES
                and lines[first - 1].kind in (Kind.HEAD, Kind.BYLINE)
            ):
                first -= 1
        if first < index:
            starts[first] = index
        floor = index + 1


def _indented_starts(lines: list[Line], starts: dict[int, int]) -> None:
    """Each run of unindented lines followed by indented body text is an article header."""
    header_kinds = (Kind.HEAD, Kind.PARA, Kind.BYLINE)
    index = 0
    while index < len(lines):
        if lines[index].indent or lines[index].kind not in header_kinds:
            index += 1
            continue
        end = index
        while end < len(lines) and not lines[end].indent and lines[end].kind in header_kinds:
            end += 1
        starts.setdefault(max(index, end - MAX_HEADER_LINES), end)
        index = end


def _cue_starts(lines: list[Line], starts: dict[int, int], wrapped: bool) -> None:
    """Headlines followed by a byline or dateline, and captions closed by a photo credit."""
    last_start = -1
    last_body = -1
    para = Kind.PARA
    after_text = False  # the previous line is running text, too long to be a headline
    for index, line in enumerate(lines):
        is_text = line.kind is para and len(line.text) > QUESTION_TITLE_CHARS
        if is_text and after_text and not line.hashed:
            # Running text after running text: the common case, never an article start.
            last_body = index
            continue
        after_text = is_text
        title_at = -1
        body_at = index
        if line.hashed:
            title_at, body_at = index, index + 1
        elif line.kind is Kind.BYLINE and index and is_title_candidate(lines[index - 1]):
            title_at, body_at = index - 1, index + 1
        elif line.kind in TEXT_KINDS and index and is_title_candidate(lines[index - 1]):
            if DATELINE_RE.match(line.text):
                title_at = index - 1
        elif line.kind is Kind.BYLINE and index and lines[index - 1].kind is Kind.PARA:
            title_at = _caption_title(lines, index, last_start)
            body_at = title_at + 1
        if title_at < 0 or title_at <= last_start:
            if line.kind is Kind.PARA:
                last_body = index
            continue
        first = title_at
        while wrapped and first > last_start + 1 and is_wrapped_title_line(lines[first - 1]):
            first -= 1
        # Subtitle lines ("——…") hang below the title: the title is above them.
        while first > 0 and lines[first].text.startswith("—") and lines[first - 1].kind is Kind.HEAD:
            first -= 1
        # Further headline lines above are kickers, unless they follow body text: then they are
        # the previous article's closing subheads.
        if last_body < 0:
            while first > last_start + 1 and lines[first - 1].kind is Kind.HEAD and title_at - first < MAX_HEADER_LINES:
                first -= 1
        starts[first] = body_at
        last_start = body_at - 1
        if line.kind is Kind.PARA:
            last_body = index


def _caption_title(lines: list[Line], credit_at: int, last_start: int) -> int:
    """For a photographer credit after text, the headline above the caption (or -1)."""
    line = lines[credit_at]
    parsed = parse_byline(line.text)
    if parsed is None or parsed[0] != "摄影":
        return -1
    index = credit_at - 1
    while index > last_start and lines[index].kind is Kind.PARA and credit_at - index <= MAX_CAPTION_PARAGRAPHS:
        index -= 1
    if index > last_start + 1 and lines[index].kind is Kind.HEAD:
        return index
    return -1


def segments(layout: Layout) -> list[Segment]:
    """Cut the page's lines into article segments; lines before the first article form their own."""
    lines = layout.lines
    starts = find_starts(layout)
    result: list[Segment] = []
    if not starts or starts[0][0] > 0:
        result.append(Segment(body=lines[: starts[0][0] if starts else len(lines)]))
    for number, (first, body_at) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        body_at = min(body_at, end)
        result.append(Segment(header=lines[first:body_at], body=lines[body_at:end]))
    return [segment for segment in result if segment.header or segment.body]


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class Draft:
    """Fields of one article record while it is being filled."""

    kicker: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    subtitle: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    column: list[str] = field(default_factory=list)
    subheads: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    page_marks: list[str] = field(default_factory=list)
    page_refs: list[str] = field(default_factory=list)
    edition: list[str] = field(default_factory=list)
    photo_credit: bool = False

    def add_byline(self, text: str, role: str | None, names: list[str]) -> None:
        self.bylines.append(text)
        if role and role not in self.roles:
            self.roles.append(role)
        self.authors.extend(name for name in names if name not in self.authors)


def _furniture(draft: Draft, line: Line) -> bool:
    """File page furniture (footers, credits, publication lines, teasers); True when filed."""
    kind = line.kind
    if kind is Kind.MARK:
        draft.page_marks.append(line.text)
    elif kind is Kind.EDITION:
        draft.edition.append(line.text)
    elif kind is Kind.CREDIT:
        draft.column.append(line.text)
    elif kind is Kind.REF:
        draft.page_refs.append(TEASER_ARROWS_RE.sub("", line.text))
    elif kind is Kind.DECOR:
        pass
    else:
        return False
    return True


def fill_header(draft: Draft, header: list[Line], layout: Layout) -> None:
    """Kicker, title, subtitle and byline from the header lines."""
    heads: list[Line] = []
    for position, line in enumerate(header):
        if _furniture(draft, line):
            continue
        if line.kind is Kind.BYLINE:
            role, names = parse_byline(line.text)  # type: ignore[misc]
            draft.add_byline(strip_leading_marks(line.text), role, names)
            continue
        if (
            heads
            and not line.text.startswith("—")
            and all(later.kind not in TEXT_KINDS for later in header[position + 1 :])
        ):
            parsed = parse_byline(line.text, bare_names_ok=True)
            wrapped_title = layout.wrapped and is_wrapped_title_line(heads[-1])
            if parsed is not None and not wrapped_title:
                draft.add_byline(line.text, *parsed)
                continue
        heads.append(line)
    subtitles = [line for line in heads if line.text.startswith("—")]
    draft.subtitle = [SUBTITLE_DASH_RE.sub("", line.text) for line in subtitles]
    heads = [line for line in heads if not line.text.startswith("—")]
    if not heads:
        return
    if layout.wrapped:
        # PDF text keeps no font sizes: every headline line belongs to the title.
        draft.titles = [line.text for line in heads]
        return
    texts = [line.text for line in heads]
    if subtitles or len(texts) == 1:
        draft.kicker, draft.titles = texts[:-1], texts[-1:]
    elif len(texts) == 2:
        first, second = texts
        if _is_subtitle(first, second):
            draft.titles, draft.subtitle = [first], [second]
        else:
            draft.kicker, draft.titles = [first], [second]
    else:
        draft.kicker, draft.titles, draft.subtitle = texts[:1], texts[1:2], texts[2:]


def _is_subtitle(first: str, second: str) -> bool:
    """Two headline lines: does the second explain the first (副题) rather than the first lead into
    the second (引题)? Column tags mark the main title; short lead lines name a place or body;
    subtitles carry the figures."""
    if COLUMN_TAG_RE.search(second):
        return False
    if COLUMN_TAG_RE.search(first):
        return True
    if len(first) <= SHORT_KICKER_CHARS or "，" in first:
        return False
    return bool(DIGIT_RE.search(second)) and not DIGIT_RE.search(first)


def _han_count(text: str) -> int:
    return len(_HAN_RE.findall(text))


def fill_body(draft: Draft, body: list[Line], layout: Layout) -> None:
    """Paragraphs, subheads, dateline and trailing credits from the body lines, with repairs:
    a paragraph cut mid-sentence (by a blank line, a line break inside a word, or a subhead or
    page footer dropped into it) is joined with the text that continues it."""
    joins = not layout.indented
    paragraphs = draft.paragraphs
    para = Kind.PARA
    for line in body:
        text = line.text
        if line.kind is para and len(text) > MAX_CREDIT_CHARS and (paragraphs or draft.dateline is not None):
            # Running text, the bulk of any page.
            if joins and paragraphs and paragraphs[-1][-1] not in CLOSING_CHARS:
                paragraphs[-1] += text
            else:
                paragraphs.append(text)
            continue
        if _furniture(draft, line):
            continue
        if line.kind is Kind.BYLINE:
            role, names = parse_byline(text)  # type: ignore[misc]
            draft.add_byline(strip_leading_marks(text), role, names)
            continue
        if len(text) <= MAX_CREDIT_CHARS and ("摄" in text or "供图" in text):
            credit = parse_photo_credit(text)
            if credit is not None:
                draft.add_byline(text, *credit)
                draft.photo_credit = True
                continue
        opens_body = not paragraphs and draft.dateline is None
        if (
            line.kind is Kind.HEAD
            and not (opens_body and DATELINE_RE.match(text))
            and is_headline_like(text)
            and not PARENS_ONLY_RE.match(text)
            and _han_count(text) >= MIN_SUBHEAD_HAN
            and not (draft.paragraphs and not is_open(draft.paragraphs[-1]) and text[0] in "”’」』）)")
        ):
            draft.subheads.append(strip_leading_marks(text))
            continue
        if opens_body:
            match = DATELINE_RE.match(text)
            if match:
                draft.dateline = text[: match.end()].rstrip()
                _dateline_authors(draft, draft.dateline)
                text = text[match.end() :]
                if not text:
                    continue
        if joins and paragraphs and is_open(paragraphs[-1]):
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
    if not draft.paragraphs and draft.subheads and draft.titles:
        # Short lines only (verse, a list): they are the body, not subheads.
        draft.paragraphs, draft.subheads = draft.subheads, []


def _dateline_authors(draft: Draft, dateline: str) -> None:
    """Reporters named in the dateline's parentheses: "（记者杨迅、王云松）"."""
    open_at = max(dateline.find("（"), dateline.find("("), dateline.find("【"))
    if open_at < 0 or not BYLINE_HINT_RE.search(dateline, open_at):
        return
    inner = dateline[open_at + 1 :].rstrip("）)】 \u3000\xa0")
    parsed = parse_byline(inner)
    if parsed is not None:
        role, names = parsed
        if role and role not in draft.roles:
            draft.roles.append(role)
        draft.authors.extend(name for name in names if name not in draft.authors)


def decide_kind(draft: Draft) -> str:
    """news / commentary / photo / brief / index / other, from layout evidence."""
    if draft.page_refs and not draft.titles and not draft.bylines and draft.dateline is None:
        return "index"
    if not draft.titles or not (draft.paragraphs or draft.subheads):
        return "other"
    title = draft.titles[-1]
    tag = COLUMN_TAG_RE.search(title)
    if PHOTO_TITLE_RE.search(title) or (
        ("摄影" in draft.roles or draft.photo_credit) and len(draft.paragraphs) <= MAX_CAPTION_PARAGRAPHS
    ):
        return "photo"
    if (tag and COMMENTARY_TAG_RE.search(tag.group(1))) or "评论员" in draft.roles:
        return "commentary"
    if draft.column and draft.authors and not draft.roles and draft.dateline is None:
        return "commentary"
    if sum(map(len, draft.paragraphs)) < BRIEF_CHARS:
        return "brief"
    return "news"


def _index_draft(draft: Draft, lines: list[Line]) -> None:
    """A front-page guide: teaser headlines become its paragraphs, page pointers its page_refs."""
    for line in lines:
        if not _furniture(draft, line):
            draft.paragraphs.append(strip_edge_marks(line.text) or line.text)


def _is_index(segment: Segment, lines: list[Line]) -> bool:
    """Teasers pointing to other pages, or a contents list ("1. …", "2. …") ahead of any article.

    `lines` are the segment's header and body lines."""
    if Kind.REF in map(KIND_OF, lines):
        return not any(
            line.kind is Kind.BYLINE or (line.kind is Kind.PARA and DATELINE_RE.match(line.text)) for line in lines
        )
    if segment.header:
        return False
    enumerated = sum(1 for line in segment.body if ENUMERATED_RE.match(line.text))
    return enumerated >= 3 and enumerated >= 0.8 * (len(segment.body) - 1)


def build_record(segment: Segment, layout: Layout, source: str, seq: int) -> dict:
    """The article record for one segment."""
    draft = Draft()
    spans = segment.header + segment.body
    if _is_index(segment, spans):
        _index_draft(draft, spans)
        kind = "index"
    else:
        fill_header(draft, segment.header, layout)
        fill_body(draft, segment.body, layout)
        kind = decide_kind(draft)
    # Lines are in page order, except page footers moved after the paragraph they interrupted.
    trailing = len(spans) - 1
    while trailing > 0 and spans[trailing].kind is Kind.MARK:
        trailing -= 1
    last_line = max(line.last for line in spans[trailing:])
    title_sep = " " if not layout.wrapped else ""
    return {
        "type": "article",
        "id": article_id(source, seq),
        "source": source,
        "seq": seq,
        "kind": kind,
        "kicker": " ".join(draft.kicker) or None,
        "title": title_sep.join(draft.titles) or None,
        "subtitle": " ".join(draft.subtitle) or None,
        "authors": draft.authors,
        "author_role": draft.roles[0] if draft.roles else None,
        "byline": "\n".join(draft.bylines) or None,
        "dateline": draft.dateline,
        "column": "\n".join(draft.column) or None,
        "subheads": draft.subheads,
        "paragraphs": draft.paragraphs,
        "text": "\n".join(draft.paragraphs),
        "lines": [spans[0].first, last_line],
        "page_marks": draft.page_marks,
        "page_refs": draft.page_refs,
        "edition": "\n".join(draft.edition) or None,
    }

