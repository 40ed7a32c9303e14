"""Render newsmine records for people, with rich.

An article (or document) becomes a panel: kicker, title, subtitle, authors, kind, dateline, subheads and
body, with every figure `stats` found in it highlighted in place and listed below. A stream of
figures becomes tables (value or range, unit, kind, metric, change, the sentence with the figure
highlighted). Errors are one red line; any other record is a key/value panel.

`renderables(records)` streams: it holds back only the current article, until the figures that
follow it (as `stats --passthrough` writes them) are in. Without colour, figures are marked
[like this] so plain text shows them too.
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
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

HIGHLIGHT = "bold black on yellow"
MARK_OPEN, MARK_CLOSE = "[", "]"
FIGURES_PER_TABLE = 100
CONTEXT_CHARS = 20  # of a figure's sentence shown either side of it in a figure table
TEXT_TYPES = ("article", "document")
# Figure fields shown after the value: in an article's figure list, and in a figure table.
ATTACHED_COLUMNS = ("unit", "kind", "metric", "change", "approx", "period")
TABLE_COLUMNS = ("unit", "kind", "metric", "change", "approx")


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
    title = Text(f"{record.get('type')} {_plain(record.get('id'))}")
    subtitle = Text(f"{len(figures)} figures") if figures else None
    return Panel(Group(*parts), title=title, title_align="left", subtitle=subtitle, subtitle_align="right")


def _filled(names: Iterable[str], figures: list[dict]) -> list[str]:
    """The names of the fields that at least one of the figures has a value for."""
    return [name for name in names if any(figure.get(name) not in (None, "") for figure in figures)]


def _attached_table(placed: list[tuple[dict, tuple[int, int] | None]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("figure", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    shown = _filled(ATTACHED_COLUMNS, [figure for figure, _ in placed])
    for name in shown:
        table.add_column(name, overflow="fold")
    for figure, span in placed:
        label = _plain(figure.get("text"))
        if span is None:
            label += " (offsets do not match the text)"
        table.add_row(
            Text(label),
            Text(figure_value(figure)),
            *(Text(_plain(figure.get(name))) for name in shown),
            style=None if span is not None else "dim",
        )
    return table


def figure_table(figures: list[dict], markers: bool) -> Table:
    """Figures as a table, titled with their article's id; each sentence with its figure highlighted."""
    articles = {_plain(figure.get("article")) for figure in figures}
    table = Table(title=Text(" ".join(sorted(articles))) if articles else None, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("value", justify="right", no_wrap=True)
    shown = _filled(TABLE_COLUMNS, figures)
    for name in shown:
        table.add_column(name, overflow="fold")
    table.add_column("sentence", ratio=1, overflow="fold")
    for figure in figures:
        table.add_row(
            Text(figure_value(figure)),
            *(Text(_plain(figure.get(name))) for name in shown),
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
