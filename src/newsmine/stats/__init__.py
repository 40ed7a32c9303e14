"""`newsmine stats`: statistical figures in Chinese news text, normalised.

    >>> [(f["text"], f["kind"], f["value"], f["unit"]) for f in extract_figures("实到外资4.03亿美元，增长31.7%")]
    [('4.03亿美元', 'money', 403000000, 'USD'), ('增长31.7%', 'percent', 31.7, '%')]
"""

from __future__ import annotations

import math
from json.encoder import encode_basestring

from newsmine.records import dumps, figure_id
from newsmine.stats.extract import FIGURE_KINDS, KINDS, OTHER_KINDS, extract_figures
from newsmine.stats.numerals import normalize, parse_numeral

__all__ = [
    "FIGURE_KINDS", "KINDS", "OTHER_KINDS", "extract_figures", "figure_lines", "figures_for_record", "normalize",
    "parse_numeral",
]

#: Article fields copied onto each figure when present (batch runs add them).
CARRIED_FIELDS = ("date", "page")


def figures_for_record(record: dict, *, kinds: set[str] | None = None, all_numbers: bool = False) -> list[dict]:
    """Figure records for one article/document record (which must have a `text` string).

    Each is {type: "figure", id, article, source, [date, page], text, start, end, kind, value, ...}.
    """
    article = record.get("id")
    figures = []
    for n, figure in enumerate(extract_figures(record["text"], all_numbers=all_numbers, kinds=kinds), start=1):
        out = {"type": "figure", "id": figure_id(str(article), n), "article": article, "source": record.get("source")}
        for field in CARRIED_FIELDS:
            if field in record:
                out[field] = record[field]
        out.update(figure)
        figures.append(out)
    return figures


def figure_lines(record: dict, *, kinds: set[str] | None = None, all_numbers: bool = False) -> list[str]:
    """figures_for_record(record) as JSON lines (no newline), byte for byte what
    json.dumps(figure, ensure_ascii=False, separators=(",", ":")) gives, only faster: the fields
    are known, and a sentence shared by several figures is encoded once."""
    article = record.get("id")
    head = ',"article":' + _json(article) + ',"source":' + _json(record.get("source"))
    for field in CARRIED_FIELDS:
        if field in record:
            head += f',"{field}":' + _json(record[field])
    lines = []
    last_sentence, encoded_sentence = None, ""
    for n, f in enumerate(extract_figures(record["text"], all_numbers=all_numbers, kinds=kinds), start=1):
        if f["sentence"] is not last_sentence:
            last_sentence, encoded_sentence = f["sentence"], encode_basestring(f["sentence"])
        lines.append(
            f'{{"type":"figure","id":{encode_basestring(figure_id(str(article), n))}{head}'
            f',"text":{encode_basestring(f["text"])},"start":{f["start"]},"end":{f["end"]},"kind":"{f["kind"]}"'
            f',"value":{_json(f["value"])},"low":{_json(f["low"])},"high":{_json(f["high"])},"unit":{_json(f["unit"])}'
            f',"approx":{_json(f["approx"])},"qualifier":{_json(f["qualifier"])},"change":{_json(f["change"])}'
            f',"basis":{_json(f["basis"])},"metric":{_json(f["metric"])},"period":{_json(f["period"])}'
            f',"sentence":{encoded_sentence}}}'
        )
    return lines


def _json(value) -> str:
    """One JSON value as json.dumps writes it (strings unescaped beyond what JSON needs)."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return dumps(value)
