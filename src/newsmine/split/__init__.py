"""Page text -> article records (`newsmine split`).

    >>> from newsmine.split import split_page
    >>> records = split_page(open("page.txt", encoding="utf-8").read(), source="page.txt")

See docs/split.md for the record fields and the layout rules.
"""

from __future__ import annotations

from newsmine.split.articles import build_record, segments
from newsmine.split.layout import detect_layout, read_lines

__all__ = ["split_page"]


def split_page(text: str, source: str = "-") -> list[dict]:
    """Split one page (or issue) of newspaper text into article records, in reading order.

    Every non-blank character lands in one field of one record, except layout decoration
    (bullet marks, rules, teaser arrows, subtitle dashes); text that fits no article becomes a
    record of kind "other".
    """
    layout = detect_layout(read_lines(text))
    return [
        build_record(segment, layout, source, seq)
        for seq, segment in enumerate(segments(layout), 1)
    ]
