"""Excel workbooks, with openpyxl in write-only mode."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from newsmine.export.common import (
    Columns, ExportError, JsonLines, Warn, batch_records, by_table, flat_value, staging_folder,
)

# Excel's sheet limits: 1,048,576 rows (one is the header) and 32,767 characters per cell.
XLSX_MAX_ROWS = 1_048_575
XLSX_MAX_CELL_CHARS = 32_767


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in name).strip("'")
    return cleaned[:31] or "records"


class _Sheet:
    """One write-only sheet: its columns, the header it was started with, its row count."""

    def __init__(self, book: Any, name: str, columns: Columns, rows: list[dict]):
        self.worksheet = book.create_sheet(_sheet_name(name))
        self.name = name
        self.columns = columns.copy()
        self.columns.update(rows)
        self.header = list(self.columns.names)
        self.rows = 0
        self.worksheet.append(self.header)


def write_xlsx(
    batches: Iterable[list[dict] | JsonLines], path: Path, columns: Columns, table: str | None, warn: Warn
) -> int:
    """One sheet per record type (or one sheet named `table`), openpyxl in write-only mode.

    openpyxl streams each sheet to its own temporary file and zips them on save; those files go
    to a folder beside `path` (not the system's temporary folder), so that they are cleaned up
    with the output's temporary file when a killed export left them.
    """
    with _temporary_files_in(staging_folder(path)):
        return _write_xlsx(batches, path, columns, table, warn)


@contextlib.contextmanager
def _temporary_files_in(folder: Path) -> Iterator[None]:
    """Make the tempfile module (which openpyxl uses) create its files in `folder` meanwhile."""
    folder.mkdir()
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved
        shutil.rmtree(folder, ignore_errors=True)


def _write_xlsx(
    batches: Iterable[list[dict] | JsonLines], path: Path, columns: Columns, table: str | None, warn: Warn
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheets: dict[str, _Sheet] = {}
    truncated = 0

    def cell(worksheet: Any, value: Any) -> Any:
        nonlocal truncated
        value = flat_value(value)
        if not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > XLSX_MAX_CELL_CHARS:
            truncated += 1
            value = value[:XLSX_MAX_CELL_CHARS]
        return _text_cell(worksheet, value)

    count = 0
    try:
        for chunk in map(batch_records, batches):
            for name, rows in by_table(chunk, table).items():
                sheet = sheets.get(name)
                if sheet is None:
                    sheet = sheets[name] = _Sheet(book, name, columns, rows)
                sheet.columns.update(rows)
                sheet.rows += len(rows)
                if sheet.rows > XLSX_MAX_ROWS:
                    raise ExportError(
                        f"sheet {name!r} would have more than {XLSX_MAX_ROWS:,} rows, Excel's limit;"
                        " split the input, pick one --type, or export to csv, parquet or sqlite"
                    )
                names, worksheet = sheet.columns.names, sheet.worksheet
                for row in rows:
                    worksheet.append([cell(worksheet, row.get(column)) for column in names])
                count += len(rows)
        if not sheets:
            book.create_sheet(_sheet_name(table or "records")).append(columns.names)
        book.save(path)
    except BaseException:
        _discard_sheets(book)
        raise
    if truncated:
        warn(f"{truncated} cell(s) longer than Excel's {XLSX_MAX_CELL_CHARS:,} characters were cut")
    if any(len(sheet.columns.names) > len(sheet.header) for sheet in sheets.values()):
        _complete_xlsx_headers(path, {sheet.worksheet.title: sheet.columns.names for sheet in sheets.values()})
    for sheet in sheets.values():
        columns.unseen &= sheet.columns.unseen
        columns.first_fields = columns.first_fields or sheet.columns.first_fields
    return count


def _discard_sheets(book: Any) -> None:
    """Close an unsaved write-only workbook's sheets and delete their temporary files."""
    for worksheet in book.worksheets:
        with contextlib.suppress(Exception):
            worksheet.close()
        writer = getattr(worksheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


def _complete_xlsx_headers(path: Path, names_by_sheet: dict[str, list[str]]) -> None:
    """Copy the workbook, streaming, with each sheet's full header (columns that appeared late)."""
    from openpyxl import Workbook, load_workbook

    completed = path.with_name(path.name + ".header")
    new = Workbook(write_only=True)
    try:
        with open(path, "rb") as source:  # a file object: openpyxl rejects a .tmp file name
            old = load_workbook(source, read_only=True)
            for old_sheet in old.worksheets:
                names = names_by_sheet[old_sheet.title]
                sheet = new.create_sheet(old_sheet.title)
                sheet.append(names)
                for row in islice(old_sheet.iter_rows(values_only=True), 1, None):
                    padded = [_text_cell(sheet, value) for value in row] + [None] * (len(names) - len(row))
                    sheet.append(padded)
            new.save(completed)
            old.close()
        os.replace(completed, path)
    except BaseException:
        _discard_sheets(new)
        raise
    finally:
        completed.unlink(missing_ok=True)


def _text_cell(worksheet: Any, value: Any) -> Any:
    """`value`, as a cell that stays text when it is a string starting with "=" (not a formula)."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        text_cell = WriteOnlyCell(worksheet, value)
        text_cell.data_type = "s"
        return text_cell
    return value
