"""A self-contained offline HTML report of an archive: articles by date with their figures
highlighted, the archive's series with small charts, and the run summary.

One HTML file, no external script, font or stylesheet. Articles are embedded per issue as
gzip-compressed, base64-encoded JSON, one <script type="text/plain"> block per run of
articles of one date, and unpacked by the browser (DecompressionStream) only when an issue is
opened, so a report of 1,000 issues opens at once and stays a fraction of the text's size. The
index (dates, titles, series, summary) is one JSON block; report.js and report.css (in
newsmine/data/) draw the page.

    index = FigureIndex()
    rows = build_series(index.collect(figures), SeriesFilter(modalities=None))
    write_report(articles, index, rows, run_summary(manifest, errors), handle, title="...")
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from collections.abc import Iterable
from importlib import resources
from typing import IO, Any

from newsmine.analyze.series import period_label, series_lines
from newsmine.show import figure_span, figure_value

UNDATED = "undated"
CHUNK_BYTES = 256 * 1024  # of JSON per embedded block, before compression
FIGURE_FIELDS = ("unit", "kind", "indicator", "subject", "metric", "change", "basis", "approx", "modality")
ARTICLE_FIELDS = ("kicker", "title", "subtitle", "byline", "dateline", "kind", "page", "source")
ASSETS = ("report.css", "report.js")


class FigureIndex:
    """The figures of each article, kept small: what the report's highlights and tooltips show."""

    def __init__(self) -> None:
        self.by_article: dict[str, list[dict]] = {}
        self.count = 0

    def collect(self, records: Iterable[dict]) -> Iterable[dict]:
        """Pass `records` through, indexing the figures among them."""
        for record in records:
            if record.get("type") == "figure" and isinstance(record.get("article"), str):
                self.by_article.setdefault(record["article"], []).append(tooltip_fields(record))
                self.count += 1
            yield record


def tooltip_fields(figure: dict) -> dict[str, Any]:
    """The fields of a figure the report shows: text, offsets, value, and those of FIGURE_FIELDS
    and the period that are set."""
    fields: dict[str, Any] = {"text": figure.get("text"), "start": figure.get("start"), "end": figure.get("end"),
                              "value": figure_value(figure)}  # fmt: skip
    for name in FIGURE_FIELDS:
        if figure.get(name) not in (None, ""):
            fields[name] = figure[name]
    period = figure.get("period")
    start, end = figure.get("period_start"), figure.get("period_end")
    if isinstance(start, str) and isinstance(end, str):
        resolved = f"{period_label(start, end)} ({start} – {end})"
        period = f"{period} = {resolved}" if period else resolved
    if period:
        fields["period"] = period
    return fields


def run_summary(inputs: Iterable[dict], errors: Iterable[dict]) -> dict[str, Any]:
    """A run's summary from its manifest lines (`input` records) and `error` records."""
    inputs, errors = list(inputs), list(errors)
    dates = sorted(entry["date"] for entry in inputs if isinstance(entry.get("date"), str))
    finished = sorted(entry["finished"] for entry in inputs if isinstance(entry.get("finished"), str))
    return {
        "inputs": len(inputs),
        "done": sum(entry.get("status") == "done" for entry in inputs),
        "failed": sum(entry.get("status") == "failed" for entry in inputs),
        "bytes": sum(entry.get("size") or 0 for entry in inputs),
        "articles": sum(entry.get("articles") or 0 for entry in inputs),
        "figures": sum(entry.get("figures") or 0 for entry in inputs),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "versions": sorted({str(entry["version"]) for entry in inputs if entry.get("version")}),
        "last_finished": finished[-1] if finished else None,
        "errors": [{"source": error.get("source"), "line": error.get("line"), "reason": error.get("reason")}
                   for error in errors],  # fmt: skip
    }


def write_report(
    articles: Iterable[dict],
    figures: FigureIndex,
    series_rows: list[dict],
    summary: dict[str, Any] | None,
    out: IO[str],
    title: str = "newsmine report",
) -> dict[str, int]:
    """Write the HTML report to `out`; return how many issues, articles, figures and series it holds.

    `articles` are article (or document) records in any order; those of one date are shown
    together, in the order read. `summary` (run_summary) is None when the inputs were not a run.
    """
    css, script = (resources.files("newsmine").joinpath("data", name).read_text(encoding="utf-8") for name in ASSETS)
    out.write(f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
              f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
              f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
              '<noscript>This report needs JavaScript.</noscript>\n')  # fmt: skip
    issues: dict[str, dict[str, Any]] = {}
    chunks = _Chunks(out)
    placed = 0
    for article in articles:
        if not isinstance(article.get("text"), str):
            continue
        date = article.get("date") if isinstance(article.get("date"), str) and article.get("date") else UNDATED
        shown = _article(article, figures.by_article.get(str(article.get("id")), []))
        placed += len(shown["figures"])
        issue = issues.setdefault(date, {"date": date, "chunks": [], "articles": [], "figures": 0})
        issue["articles"].append([shown["title"] or shown["id"], len(shown["figures"])])
        issue["figures"] += len(shown["figures"])
        chunks.add(date, shown, issue)
    chunks.flush()
    lines = series_lines(series_rows)
    index = {
        "title": title,
        "issues": sorted(issues.values(), key=lambda issue: (issue["date"] == UNDATED, issue["date"])),
        "series": [_line(line) for line in lines],
        "summary": summary,
        "totals": {"issues": len(issues), "articles": sum(len(i["articles"]) for i in issues.values()),
                   "figures": placed, "series": len(lines), "facts": len(series_rows)},  # fmt: skip
    }
    out.write(f'<script type="application/json" id="nm-index">{_script_json(index)}</script>\n')
    out.write(f"<script>\n{script}</script>\n</body>\n</html>\n")
    return index["totals"]


class _Chunks:
    """Articles of one date gathered into blocks of about CHUNK_BYTES, each written compressed."""

    def __init__(self, out: IO[str]):
        self.out = out
        self.written = 0
        self.date: str | None = None
        self.issue: dict | None = None
        self.pending: list[str] = []
        self.size = 0

    def add(self, date: str, article: dict, issue: dict) -> None:
        if date != self.date or self.size >= CHUNK_BYTES:
            self.flush()
            self.date, self.issue = date, issue
        line = json.dumps(article, ensure_ascii=False, separators=(",", ":"))
        self.pending.append(line)
        self.size += len(line)

    def flush(self) -> None:
        if not self.pending or self.issue is None:
            return
        data = gzip.compress(("[" + ",".join(self.pending) + "]").encode("utf-8"), compresslevel=9, mtime=0)
        self.out.write(f'<script type="text/plain" id="nm-chunk-{self.written}">'
                       f"{base64.b64encode(data).decode('ascii')}</script>\n")  # fmt: skip
        self.issue["chunks"].append(self.written)
        self.written += 1
        self.pending, self.size = [], 0


def _article(record: dict, figures: list[dict]) -> dict[str, Any]:
    """An article as the report embeds it: heading fields, text, and its figures that point at
    the text (in text order; a figure overlapping the one before is dropped)."""
    text = record["text"]
    shown: dict[str, Any] = {"id": str(record.get("id")), "text": text}
    for name in ARTICLE_FIELDS:
        if record.get(name) not in (None, "", []):
            shown[name] = record[name]
    shown.setdefault("title", None)
    placed, end = [], 0
    for figure in sorted(figures, key=lambda figure: figure.get("start") or 0):
        span = figure_span(figure, text)
        if span is not None and span[0] >= end:
            placed.append(figure)
            end = span[1]
    shown["figures"] = placed
    shown["unplaced"] = len(figures) - len(placed)
    return shown


def _line(line: dict) -> dict[str, Any]:
    """A series line as the report's table shows it: key fields and points."""
    points = [
        {"period": period_label(row["period_start"], row["period_end"]), "start": row["period_start"],
         "end": row["period_end"], "value": row["value"], "low": row["low"], "high": row["high"], "n": row["n"],
         "conflict": [reading["value"] if reading["value"] is not None else [reading["low"], reading["high"]]
                      for reading in row["conflict"]]}
        for row in line["rows"]
    ]  # fmt: skip
    return {**line["key"], "label": line["label"], "points": points}


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no "</script>", no "<!--")."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
