"""Text formats: CSV and TSV (the csv module), Markdown tables, JSON lines and a JSON array."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from newsmine.export.common import Columns, JsonLines, Warn, batch_records, flat_rows
from newsmine.records import dumps

# RFC 4180 line ends: with them the csv module also quotes a lone "\r" inside a field.
CSV_LINE_END = "\r\n"
# A text cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

Rows = Callable[[list[dict], list[str]], list[list[Any]]]


def neutralised_rows(rows: list[dict], names: list[str]) -> list[list[Any]]:
    """flat_rows, with text cells that a spreadsheet would read as a formula prefixed with "'".

    Only strings are touched: a negative number stays a number.
    """
    starts, text = FORMULA_STARTS, dumps
    table = []
    for row in rows:
        cells = []
        for value in map(row.get, names):
            kind = type(value)
            if kind is str:
                if value.startswith(starts):
                    value = "'" + value
            elif kind is list or kind is dict:
                value = text(value)  # JSON text starts with [ or {
            cells.append(value)
        table.append(cells)
    return table


def write_text(
    fmt: str,
    batches: Iterable[list[dict] | JsonLines],
    handle: IO[str],
    columns: Columns,
    bom: bool,
    neutralise: bool,
    warn: Warn,
    rewrite: Path | None,
) -> int:
    """Write a text format ("csv", "tsv", "markdown", "jsonl", "json") to `handle`; return the count.

    `rewrite` is the file behind `handle`, if any, so that a header can be completed when columns
    appear after it was written; on stdout they are left out with a warning.
    """
    chunks = (chunk for chunk in map(batch_records, batches) if chunk)
    if fmt == "jsonl":
        return _write_jsonl(chunks, handle, columns, bom)
    if fmt == "json":
        return _write_json_array(chunks, handle, columns, bom)
    rows = neutralised_rows if neutralise else flat_rows
    write_rows = _markdown_writer(handle, rows) if fmt == "markdown" else _csv_writer(handle, fmt, rows)
    count = 0
    header: list[str] | None = None
    widths: list[tuple[int, int]] = []  # (rows, cells per row) for each chunk written
    for chunk in chunks:
        columns.update(chunk)
        if header is None:
            header = list(columns.names)
            _start(handle, bom)
            write_rows(None, header)
        names = header if rewrite is None else columns.names
        write_rows(chunk, names)
        widths.append((len(chunk), len(names)))
        count += len(chunk)
    if header is None:
        _start(handle, bom)
        if columns.fixed:
            write_rows(None, columns.names)
    elif len(columns.names) > len(header):
        late = columns.names[len(header) :]
        if rewrite is None:
            warn(
                f"fields that first appeared after the first chunk were left out of stdout: {', '.join(late)}"
                " (name the columns with --fields, or write to a file)"
            )
        else:
            handle.close()
            _complete_header(fmt, rewrite, columns.names, bom, widths)
    return count


def _start(handle: IO[str], bom: bool) -> None:
    if bom:
        handle.write(BOM)


def _csv_writer(handle: IO[str], fmt: str, rows: Rows) -> Callable[[list[dict] | None, list[str]], None]:
    writer = csv.writer(handle, delimiter="\t" if fmt == "tsv" else ",", lineterminator=CSV_LINE_END)

    def write_rows(chunk: list[dict] | None, names: list[str]) -> None:
        if chunk is None:
            writer.writerow(names)
        else:
            writer.writerows(rows(chunk, names))

    return write_rows


def _markdown_cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def _markdown_line(cells: Iterable[Any]) -> str:
    return "| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |\n"


def _markdown_header(names: list[str]) -> str:
    return _markdown_line(names) + "|" + "|".join(" --- " for _ in names) + "|\n"


def _markdown_writer(handle: IO[str], rows: Rows) -> Callable[[list[dict] | None, list[str]], None]:
    def write_rows(chunk: list[dict] | None, names: list[str]) -> None:
        if chunk is None:
            handle.write(_markdown_header(names))
        else:
            handle.writelines(_markdown_line(cells) for cells in rows(chunk, names))

    return write_rows


def _complete_header(fmt: str, path: Path, names: list[str], bom: bool, widths: list[tuple[int, int]]) -> None:
    """Rewrite a CSV/TSV/Markdown file whose header lacks columns that appeared later, padding
    earlier rows with empty cells. `widths` says how many cells the rows of each chunk have
    (a Markdown row is one line)."""
    completed = path.with_name(path.name + ".header")
    encoding = "utf-8-sig" if bom else "utf-8"
    try:
        with open(path, encoding=encoding, newline="") as old, open(completed, "w", encoding=encoding, newline="") as new:
            if fmt == "markdown":
                old.readline(), old.readline()
                new.write(_markdown_header(names))
                for rows, width in widths:
                    padding = "  |" * (len(names) - width)
                    for line in islice(old, rows):
                        new.write(line[:-1] + padding + "\n")
            else:
                separator = "\t" if fmt == "tsv" else ","
                reader = csv.reader(old, delimiter=separator)
                writer = csv.writer(new, delimiter=separator, lineterminator=CSV_LINE_END)
                next(reader)
                writer.writerow(names)
                width = len(names)
                for row in reader:
                    writer.writerow(row + [""] * (width - len(row)))
        os.replace(completed, path)
    finally:
        completed.unlink(missing_ok=True)


def _write_jsonl(chunks: Iterator[list[dict]], handle: IO[str], columns: Columns, bom: bool) -> int:
    count = 0
    _start(handle, bom)
    for chunk in chunks:
        columns.update(chunk)
        handle.writelines(dumps(_pick(record, columns)) + "\n" for record in chunk)
        count += len(chunk)
    return count


def _write_json_array(chunks: Iterator[list[dict]], handle: IO[str], columns: Columns, bom: bool) -> int:
    count = 0
    started = False
    for chunk in chunks:
        columns.update(chunk)
        if not started:
            _start(handle, bom)
            handle.write("[")
            started = True
        for record in chunk:
            handle.write(",\n" if count else "\n")
            handle.write(dumps(_pick(record, columns)))
            count += 1
    if not started:
        _start(handle, bom)
        handle.write("[")
    handle.write("\n]\n" if count else "]\n")
    return count


def _pick(record: dict, columns: Columns) -> dict:
    if not columns.fixed:
        return record
    return {name: record.get(name) for name in columns.names}
