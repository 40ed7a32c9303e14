"""Render newsmine records for people, with rich.

An article (or document) becomes a panel: kicker, title, subtitle, authors, kind, dateline, subheads and
body, with every figure `stats` found in it highlighted in place and listed below. A stream of
figures becomes tables (value or range, unit, kind, metric, change, the sentence with the figure
highlighted). Errors are one red line; any other record is a key/value panel.

`renderables(records)` streams: it holds back only the current article, until the figures that
follow it (as `stats --passthrough` writes them) are in. Without colour, figures are marked
[like this] so plain text shows them too. `attach_figures` puts a run folder's figures after their
articles, `select` picks records by id, date and pattern.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import regex
from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsmine.analyze.series import period_label

HIGHLIGHT = "bold black on yellow"
MARK_OPEN, MARK_CLOSE = "[", "]"
FIGURES_PER_TABLE = 100
CONTEXT_CHARS = 20  # of a figure's sentence shown either side of it in a figure table
TEXT_TYPES = ("article", "document")
SEARCHED_FIGURE_FIELDS = ("text", "sentence", "metric", "indicator")
# Figure fields shown after the value: in an article's figure list, and in a figure table (a
# column only when some figure has it). `fact` is indicator · subject · resolved period · modality;
# in an article's panel the facts get a table of their own (FACT_COLUMNS), for room.
ATTACHED_COLUMNS = ("unit", "kind", "metric", "change", "basis", "approx", "period")
TABLE_COLUMNS = ("unit", "kind", "metric", "change", "basis", "approx", "fact")
FACT_COLUMNS = ("indicator", "subject", "resolved", "modality")
SHORT_COLUMNS = frozenset({"unit", "kind", "change", "approx"})  # never folded


class PipeConsole(Console):
    """A Console that lets a closed pipe raise BrokenPipeError (rich's default exits with 1),
    so the command ends quietly and with its own exit status."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def render(
    records: Iterable[dict],
    width: int = 100,
    figures: Mapping[str, list[dict]] | None = None,
    color: bool = False,
    limit: int | None = None,
) -> str:
    """Render records to a string (plain text with figures marked [so], or ANSI with `color`)."""
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="truecolor" if color else None,
        force_terminal=color,
        highlight=False,
    )
    for item in renderables(records, figures, markers=not color, limit=limit):
        console.print(item)
    return console.file.getvalue()  # type: ignore[attr-defined]


# Control characters in record text would reach the terminal as commands (ESC sequences set the
# window title, clear the screen, hide links): each is shown as a visible symbol instead, one
# character for one, so that figure offsets still point at their text.
_CONTROL_SYMBOLS = {
    **{code: 0x2400 + code for code in range(0x20) if chr(code) not in "\n\t"},  # ␛ for ESC, ␇ for BEL...
    0x7F: 0x2421,  # ␡
    **{code: 0xFFFD for code in range(0x80, 0xA0)},  # C1 controls (0x9B is CSI on some terminals)
}


def terminal_safe(value: Any) -> Any:
    """`value` (a record, or any JSON value) with the control characters of its strings made visible."""
    if isinstance(value, str):
        return value.translate(_CONTROL_SYMBOLS)
    if isinstance(value, list):
        return [terminal_safe(item) for item in value]
    if isinstance(value, dict):
        return {terminal_safe(name): terminal_safe(item) for name, item in value.items()}
    return value


def index_figures(figures: Iterable[dict]) -> dict[str, list[dict]]:
    """Figure records grouped by the id of the article (or document) they were found in."""
    index: dict[str, list[dict]] = {}
    for figure in figures:
        if figure.get("type") == "figure" and isinstance(figure.get("article"), str):
            index.setdefault(figure["article"], []).append(terminal_safe(figure))
    return index


def attach_figures(articles: Iterable[dict], figures: Iterable[dict]) -> Iterator[dict]:
    """Each article followed by its figures, from an article stream and a figure stream in the
    same order (as `run` writes OUT/articles.jsonl and OUT/figures.jsonl); memory stays flat.

    A figure whose article never comes holds back the figures after it: they follow the last
    article, where `renderables` shows them as tables, so nothing is lost.
    """
    figures = iter(figures)
    pending = next(figures, None)
    for article in articles:
        yield article
        while pending is not None and pending.get("article") == article.get("id"):
            yield pending
            pending = next(figures, None)
    if pending is not None:
        yield pending
        yield from figures


@dataclass(frozen=True)
class Selection:
    """Which records `select` keeps: any of `ids`, dated within [start, end] (ISO prefixes), and
    matching `pattern` (in the title, subtitle, kicker or text of an article; the text, sentence,
    metric or indicator of a figure). An empty selection keeps everything."""

    ids: frozenset[str] = frozenset()
    pattern: regex.Pattern | None = None
    start: str | None = None
    end: str | None = None

    def accepts(self, record: dict) -> bool:
        if self.ids and record.get("id") not in self.ids:
            return False
        if self.start is not None or self.end is not None:
            date = record.get("date")
            if not isinstance(date, str) or not (self.start or "") <= date[:10] <= (self.end or "9999"):
                return False
        if self.pattern is not None:
            fields = ("title", "subtitle", "kicker", "text") if record.get("type") in TEXT_TYPES else SEARCHED_FIGURE_FIELDS
            return any(isinstance(record.get(name), str) and self.pattern.search(record[name]) for name in fields)
        return True


def select(records: Iterable[dict], selection: Selection) -> Iterator[dict]:
    """The records `selection` accepts; the figures that follow an article go with it (and a
    figure asked for by id comes on its own)."""
    article_id: Any = None
    keep_article = False
    for record in records:
        is_text = record.get("type") in TEXT_TYPES
        if not is_text and article_id is not None and record.get("type") == "figure" and record.get("article") == article_id:
            if keep_article or record.get("id") in selection.ids:
                yield record
            continue
        article_id = record.get("id") if is_text else None
        keep = selection.accepts(record)
        keep_article = is_text and keep
        if keep:
            yield record


def renderables(
    records: Iterable[dict],
    figures: Mapping[str, list[dict]] | None = None,
    markers: bool = False,
    limit: int | None = None,
) -> Iterator[RenderableType]:
    """One renderable per article, document, error or other record, and one table per run of
    figures (up to FIGURES_PER_TABLE, one article each).

    Figures that directly follow their article (figure.article == article.id) are shown inside
    its panel, as are those `figures` holds for it. `limit` counts articles, documents, other
    records and figures shown in tables, and stops reading the input once it is reached.
    """
    figures = figures or {}
    shown = 0
    current: dict | None = None  # the article waiting for the figures that follow it
    attached: list[dict] = []
    run: list[dict] = []  # figures waiting to be shown as a table

    def flush() -> Iterator[RenderableType]:
        nonlocal current, run
        if current is not None:
            found = [*figures.get(str(current.get("id")), []), *attached]
            unique = {figure.get("id", number): figure for number, figure in enumerate(found)}  # in both sources
            yield text_panel(current, list(unique.values()), markers)
            current = None
            attached.clear()
        if run:
            yield figure_table(run, markers)
            run = []

    for record in map(terminal_safe, records):
        kind = record.get("type")
        if kind == "figure" and current is not None and record.get("article") == current.get("id"):
            attached.append(record)
            continue
        if limit is not None and shown >= limit:
            break
        shown += 1
        if kind == "figure":
            table_full = len(run) >= FIGURES_PER_TABLE
            if current is not None or (run and (table_full or run[0].get("article") != record.get("article"))):
                yield from flush()
            run.append(record)
            if limit is not None and shown >= limit:
                break
            continue
        yield from flush()
        if kind in TEXT_TYPES:
            current = record
        elif kind == "error":
            yield error_line(record)
        else:
            yield key_value_panel(record)
        if limit is not None and shown >= limit and current is None:
            break
    yield from flush()


# --------------------------------------------------------------------------- pieces


def _plain(value: Any) -> str:
    """A field value as text: nested values as JSON, null as empty."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _plain(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        value = int(value)
    return f"{value:,}"


def figure_value(figure: dict) -> str:
    """The figure's value, or its low–high range."""
    if figure.get("low") is not None or figure.get("high") is not None:
        return f"{_number(figure.get('low'))}–{_number(figure.get('high'))}"
    return _number(figure.get("value"))


def figure_field(figure: dict, name: str) -> str:
    """A figure field as shown. Made-up names: `resolved` is the period as dates (2024-Q1
    2024-01-01–2024-03-31), `fact` joins indicator, subject, resolved period and modality."""
    if name not in ("fact", "resolved"):
        return _plain(figure.get(name))
    start, end = figure.get("period_start"), figure.get("period_end")
    if name == "resolved":
        return f"{period_label(start, end)} {start}–{end}" if isinstance(start, str) and isinstance(end, str) else ""
    resolved = period_label(start, end) if isinstance(start, str) and isinstance(end, str) else None
    parts = (figure.get("indicator"), figure.get("subject"), resolved, figure.get("modality"))
    return " · ".join(_plain(part) for part in parts if part not in (None, ""))


def figure_span(figure: dict, text: str) -> tuple[int, int] | None:
    """The figure's (start, end) in `text`, when its offsets are integers inside the text and
    (if the figure has a `text`) point at that text."""
    start, end = figure.get("start"), figure.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return None
    expected = figure.get("text")
    if isinstance(expected, str) and text[start:end] != expected:
        return None
    return start, end


def highlighted(text: str, spans: Iterable[tuple[int, int]], markers: bool, line_break: str = "\n") -> Text:
    """`text` with the spans styled (and bracketed with `markers`); overlapping spans are merged.

    Line breaks outside the spans are replaced by `line_break` (e.g. a blank line between paragraphs).
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    result = Text()
    position = 0
    for start, end in merged:
        result.append(text[position:start].replace("\n", line_break))
        if markers:
            result.append(MARK_OPEN)
        result.append(text[start:end], style=HIGHLIGHT)
        if markers:
            result.append(MARK_CLOSE)
        position = end
    result.append(text[position:].replace("\n", line_break))
    return result


def _heading(record: dict) -> list[Text]:
    lines = []
    if record.get("kicker"):
        lines.append(Text(_plain(record["kicker"]), style="dim"))
    lines.append(Text(_plain(record.get("title")) or _plain(record.get("source")) or _plain(record.get("id")), style="bold"))
    if record.get("subtitle"):
        lines.append(Text(_plain(record["subtitle"]), style="italic"))
    byline = []
    authors = record.get("authors")
    if authors:
        names = "、".join(map(_plain, authors)) if isinstance(authors, list) else _plain(authors)
        byline.append(f"{_plain(record.get('author_role'))} {names}".strip())
    for name in ("dateline", "column", "kind", "date", "page"):
        if record.get(name) not in (None, "", []):
            byline.append(f"{name}: {_plain(record[name])}")
    if byline:
        lines.append(Text(" · ".join(byline), style="cyan"))
    subheads = record.get("subheads")
    if isinstance(subheads, list) and subheads:
        lines.append(Text("subheads: " + " / ".join(map(_plain, subheads)), style="magenta"))
    return lines


def text_panel(record: dict, figures: list[dict], markers: bool) -> Panel:
    """An article or document: heading, byline, body with figures highlighted, figure list."""
    text = record.get("text") if isinstance(record.get("text"), str) else _plain(record.get("text"))
    placed = [(figure, figure_span(figure, text)) for figure in figures]
    body = highlighted(text, [span for _, span in placed if span is not None], markers, line_break="\n\n")
    parts: list[RenderableType] = [*_heading(record), Text(), body]
    keywords = record.get("keywords")
    if isinstance(keywords, list) and keywords:
        words = [_plain(k.get("word")) if isinstance(k, dict) else _plain(k) for k in keywords]
        parts += [Text(), Text("keywords: " + "、".join(words), style="green")]
    if placed:
        parts += [Text(), _attached_table(placed)]
        facts = _fact_table([figure for figure, _ in placed])
        if facts is not None:
            parts += [Text(), facts]
    title = Text(f"{record.get('type')} {_plain(record.get('id'))}")
    subtitle = Text(f"{len(figures)} figures") if figures else None
    return Panel(Group(*parts), title=title, title_align="left", subtitle=subtitle, subtitle_align="right")


def _filled(names: Iterable[str], figures: list[dict]) -> list[str]:
    """The names of the fields that at least one of the figures has a value for."""
    return [name for name in names if any(figure_field(figure, name) for figure in figures)]


def _attached_table(placed: list[tuple[dict, tuple[int, int] | None]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("figure", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    shown = _filled(ATTACHED_COLUMNS, [figure for figure, _ in placed])
    for name in shown:
        table.add_column(name, overflow="fold", no_wrap=name in SHORT_COLUMNS)
    for figure, span in placed:
        label = _plain(figure.get("text"))
        if span is None:
            label += " (offsets do not match the text)"
        table.add_row(
            Text(label),
            Text(figure_value(figure)),
            *(Text(figure_field(figure, name)) for name in shown),
            style=None if span is not None else "dim",
        )
    return table


def _fact_table(figures: list[dict]) -> Table | None:
    """What each figure is a value of (indicator, subject, resolved period, modality), or None
    when no figure says."""
    shown = _filled(FACT_COLUMNS, figures)
    if not shown:
        return None
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("figure", no_wrap=True)
    for name in shown:
        table.add_column("period" if name == "resolved" else name, overflow="fold")
    for figure in figures:
        if any(figure_field(figure, name) for name in shown):
            table.add_row(Text(_plain(figure.get("text"))), *(Text(figure_field(figure, name)) for name in shown))
    return table


def figure_table(figures: list[dict], markers: bool) -> Table:
    """Figures as a table, titled with their article's id; each sentence with its figure highlighted."""
    articles = {_plain(figure.get("article")) for figure in figures}
    table = Table(title=Text(" ".join(sorted(articles))) if articles else None, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("value", justify="right", no_wrap=True)
    shown = _filled(TABLE_COLUMNS, figures)
    for name in shown:
        table.add_column(name, overflow="fold", no_wrap=name in SHORT_COLUMNS)
    table.add_column("sentence", ratio=1, overflow="fold")
    for figure in figures:
        table.add_row(
            Text(figure_value(figure)),
            *(Text(figure_field(figure, name)) for name in shown),
            _sentence(figure, markers),
        )
    return table


def _sentence(figure: dict, markers: bool) -> Text:
    """The figure's sentence, cut to CONTEXT_CHARS either side of the figure, which is highlighted."""
    sentence = _plain(figure.get("sentence"))
    found = _plain(figure.get("text"))
    where = sentence.find(found) if found else -1
    if where < 0:
        return Text(sentence or found)
    start, end = max(where - CONTEXT_CHARS, 0), min(where + len(found) + CONTEXT_CHARS, len(sentence))
    text = highlighted(sentence[start:end], [(where - start, where - start + len(found))], markers)
    if start > 0:
        text = Text("…") + text
    if end < len(sentence):
        text.append("…")
    return text


def error_line(record: dict) -> Text:
    where = _plain(record.get("source"))
    if record.get("line") is not None:
        where += f":{record['line']}"
    return Text(f"error: {where}: {_plain(record.get('reason'))}", style="bold red")


def key_value_panel(record: dict) -> Panel:
    """Any other record: its fields as a two-column grid."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in record.items():
        if name not in ("type", "id"):
            grid.add_row(Text(str(name)), Text(_plain(value)))
    title = Text(" ".join(_plain(record.get(name)) for name in ("type", "id") if record.get(name) is not None) or "record")
    return Panel(grid, title=title, title_align="left")


# --------------------------------------------------------------------------- paging


@contextlib.contextmanager
def pager_console() -> Iterator[Console]:
    """A console that streams into the user's pager ($PAGER, else `less`), with colours.

    Output is piped as it is rendered, so memory stays flat; the pager quitting early ends the
    output quietly. Without a usable pager, the console writes to stdout.
    """
    environment = dict(os.environ)
    environment.setdefault("LESS", "FRX")  # quit on one screen, pass colours, keep the screen
    command = shlex.split(environment.get("PAGER") or "less")
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=environment, text=True, encoding="utf-8")
    except (OSError, ValueError):
        yield PipeConsole(highlight=False)
        return
    console = PipeConsole(
        file=process.stdin, force_terminal=True, width=shutil.get_terminal_size().columns, highlight=False
    )
    try:
        yield console
    except BrokenPipeError:
        pass  # the user quit the pager
    finally:
        with contextlib.suppress(BrokenPipeError, OSError):
            process.stdin.close()  # type: ignore[union-attr]
        process.wait()
