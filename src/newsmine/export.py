"""Write newsmine records where analysts work: CSV/TSV, Excel, Parquet, SQLite, Markdown, JSON.

`export_records(records, path, fmt)` reads any records (articles, figures, documents, anything
with fields), streams them in chunks so memory stays flat, and writes file outputs atomically:
into a temporary file beside the target, renamed over it only when everything was written.
SQLite into an existing database is the exception: one transaction, rolled back on failure.

pandas writes CSV/TSV, pyarrow Parquet, openpyxl Excel and sqlite3 SQLite; each is imported
only when its format is used. Nested fields (lists, objects) become JSON text in flat formats
and stay native lists/structs in Parquet and JSON.
"""

from __future__ import annotations

import contextlib
import csv
import os
import sqlite3
import stat
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import IO, Any

from newsmine.records import dumps

CHUNK_SIZE = 10_000
STDOUT = "-"
# RFC 4180 line ends: with them the csv module also quotes a lone "\r" inside a field.
CSV_LINE_END = "\r\n"
# Excel's sheet limits: 1,048,576 rows (one is the header) and 32,767 characters per cell.
XLSX_MAX_ROWS = 1_048_575
XLSX_MAX_CELL_CHARS = 32_767


class ExportFormat(str, Enum):
    csv = "csv"
    tsv = "tsv"
    xlsx = "xlsx"
    parquet = "parquet"
    sqlite = "sqlite"
    markdown = "markdown"
    jsonl = "jsonl"
    json = "json"


TEXT_FORMATS = {ExportFormat.csv, ExportFormat.tsv, ExportFormat.markdown, ExportFormat.jsonl, ExportFormat.json}
EXTENSIONS = {
    ".csv": ExportFormat.csv,
    ".tsv": ExportFormat.tsv,
    ".tab": ExportFormat.tsv,
    ".xlsx": ExportFormat.xlsx,
    ".parquet": ExportFormat.parquet,
    ".pq": ExportFormat.parquet,
    ".sqlite": ExportFormat.sqlite,
    ".sqlite3": ExportFormat.sqlite,
    ".db": ExportFormat.sqlite,
    ".md": ExportFormat.markdown,
    ".markdown": ExportFormat.markdown,
    ".jsonl": ExportFormat.jsonl,
    ".ndjson": ExportFormat.jsonl,
    ".json": ExportFormat.json,
}
# Types of the fields the record contract names, so Parquet and SQLite columns get the right
# type even when a first chunk holds only nulls for them.
_INTEGER_FIELDS = {"seq", "start", "end", "line"}
_REAL_FIELDS = {"value", "low", "high"}
_STRING_LIST_FIELDS = {"authors", "subheads", "paragraphs", "tokens", "pos"}
_STRING_FIELDS = {
    "type", "id", "source", "article", "text", "kind", "kicker", "title", "subtitle", "author_role", "dateline",
    "column", "unit", "approx", "qualifier", "change", "basis", "metric", "period", "sentence", "date", "reason",
}  # fmt: skip

Warn = Callable[[str], None]


class ExportError(Exception):
    """An export that cannot be done as asked; the message is meant for the user."""


def format_for(path: str, fmt: ExportFormat | str | None = None) -> ExportFormat:
    """The output format: `fmt` when given, else from the output's extension.

    Raises ExportError when neither says, or when a binary format is asked for stdout.
    """
    if fmt is not None:
        chosen = ExportFormat(fmt)
    elif path == STDOUT:
        raise ExportError("writing to stdout needs --format (csv, tsv, markdown, jsonl or json)")
    else:
        suffix = Path(path).suffix.lower()
        if suffix not in EXTENSIONS:
            known = ", ".join(sorted(EXTENSIONS))
            raise ExportError(f"cannot tell the format from {path!r}; use --format or one of the extensions {known}")
        chosen = EXTENSIONS[suffix]
    if path == STDOUT and chosen not in TEXT_FORMATS:
        raise ExportError(f"{chosen.value} is a binary format and cannot be written to stdout; give a file with --output")
    return chosen


def resolve_format(
    path: str, fmt: ExportFormat | str | None = None, excel: bool = False, table: str | None = None, replace: bool = False
) -> ExportFormat:
    """The output format (see format_for), checked against the options that only some formats take."""
    try:
        chosen = format_for(path, fmt)
    except ValueError:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(f.value for f in ExportFormat)}") from None
    if excel and chosen not in (ExportFormat.csv, ExportFormat.tsv):
        raise ExportError("--excel applies to csv and tsv only")
    if table is not None and chosen not in (ExportFormat.sqlite, ExportFormat.xlsx):
        raise ExportError("--table applies to sqlite and xlsx only")
    if replace and chosen is not ExportFormat.sqlite:
        raise ExportError("--replace applies to sqlite only")
    return chosen


def export_records(
    records: Iterable[dict],
    path: str | os.PathLike[str],
    fmt: ExportFormat | str | None = None,
    fields: Sequence[str] | None = None,
    record_type: str | None = None,
    table: str | None = None,
    replace: bool = False,
    excel: bool = False,
    chunk_size: int = CHUNK_SIZE,
    stream: IO[str] | None = None,
    on_warning: Warn | None = None,
) -> int:
    """Write `records` to `path` ("-" = `stream`, default stdout) as `fmt`; return how many were written.

    fields: the columns, in order (default: every field, in first-seen order).
    record_type: keep only records of this `type`.
    table: SQLite table / Excel sheet for every record (default: one per record type).
    replace: SQLite only: drop the tables this export writes to before writing.
    excel: CSV/TSV only: start with the byte-order mark Excel needs to read UTF-8.
    Raises ExportError for exports that cannot be done (e.g. too many rows for a sheet).
    """
    target = os.fspath(path)
    chosen = resolve_format(target, fmt, excel=excel, table=table, replace=replace)
    warn = on_warning or (lambda message: warnings.warn(message, stacklevel=3))
    selected = records if record_type is None else (r for r in records if r.get("type") == record_type)
    columns = Columns(fields)
    chunks = _chunks(selected, chunk_size)
    try:
        if target == STDOUT:
            count = _write_text(chosen, chunks, stream or sys.stdout, columns, excel, warn, rewrite=None)
        elif chosen is ExportFormat.sqlite:
            count = _write_sqlite(chunks, Path(target), columns, table, replace)
        else:
            with _atomic_file(Path(target)) as temporary:
                if chosen is ExportFormat.parquet:
                    count = _write_parquet(chunks, temporary, columns, warn)
                elif chosen is ExportFormat.xlsx:
                    count = _write_xlsx(chunks, temporary, columns, table, warn)
                else:
                    with open(temporary, "w", encoding="utf-8", newline="") as handle:
                        count = _write_text(chosen, chunks, handle, columns, excel, warn, rewrite=temporary)
    except BrokenPipeError:
        raise  # the reader of stdout has gone: the CLI ends quietly
    except OSError as exc:
        raise ExportError(f"cannot write the output: {exc.strerror or exc}") from None
    if columns.unseen:
        missing = ", ".join(name for name in columns.names if name in columns.unseen)
        warn(f"no record has the field(s) {missing}; their columns are empty")
    return count


# --------------------------------------------------------------------------- shared pieces


class Columns:
    """Output columns: exactly `fields` when given, else every field in first-seen order."""

    def __init__(self, fields: Sequence[str] | None = None):
        self.fixed = fields is not None
        self.names: list[str] = list(dict.fromkeys(fields or []))
        self._known = set(self.names)
        self.unseen = set(self.names)  # requested fields no record had (so far)

    def copy(self) -> Columns:
        twin = Columns(self.names if self.fixed else None)
        twin.unseen = set(self.unseen)
        return twin

    def update(self, rows: list[dict]) -> None:
        """Take note of the fields in `rows`: new ones become columns (unless the columns are fixed)."""
        if self.fixed:
            if self.unseen:
                self.unseen = {name for name in self.unseen if not any(name in row for row in rows)}
            return
        known, names = self._known, self.names
        for row in rows:
            if len(row) <= len(known) and known.issuperset(row):
                continue
            for name in row:
                if name not in known:
                    known.add(name)
                    names.append(name)


def _chunks(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _by_table(chunk: list[dict], table: str | None) -> dict[str, list[dict]]:
    """The records of `chunk` grouped by the table (or sheet) they go to: `table`, else their type."""
    groups: dict[str, list[dict]] = {}
    for record in chunk:
        groups.setdefault(table or str(record.get("type") or "records"), []).append(record)
    return groups


def flat_value(value: Any) -> Any:
    """A field value for a flat format: lists and objects as JSON text, scalars as they are."""
    if isinstance(value, (list, dict)):
        return dumps(value)
    return value


_NESTED = frozenset({list, dict})


def _flat_rows(rows: list[dict], names: list[str]) -> list[list[Any]]:
    """Rows as lists of flat values, in `names` order (the hot loop of flat formats)."""
    nested, text = _NESTED, dumps
    return [[text(value) if type(value) in nested else value for value in map(row.get, names)] for row in rows]


@contextlib.contextmanager
def _atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it over `path` if the block succeeds, else delete it."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    """The permissions the output should get: those of the file it replaces, else the umask default."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# --------------------------------------------------------------------------- text formats


def _write_text(
    fmt: ExportFormat,
    chunks: Iterator[list[dict]],
    handle: IO[str],
    columns: Columns,
    excel: bool,
    warn: Warn,
    rewrite: Path | None,
) -> int:
    """Write a text format to `handle`. `rewrite` is the file behind it, if any, so that a header
    can be completed when columns appear after it was written; on stdout they are left out."""
    if excel:
        handle.write("\ufeff")
    if fmt is ExportFormat.jsonl:
        return _write_jsonl(chunks, handle, columns)
    if fmt is ExportFormat.json:
        return _write_json_array(chunks, handle, columns)
    write_rows = _markdown_rows if fmt is ExportFormat.markdown else _csv_rows(fmt)
    count = 0
    header: list[str] | None = None
    widths: list[tuple[int, int]] = []  # (rows, cells per row) for each chunk written
    for chunk in chunks:
        columns.update(chunk)
        if header is None:
            header = list(columns.names)
            write_rows(handle, [], header, header=True)
        names = header if rewrite is None else columns.names
        write_rows(handle, chunk, names, header=False)
        widths.append((len(chunk), len(names)))
        count += len(chunk)
    if header is None and columns.fixed:
        write_rows(handle, [], columns.names, header=True)
    if header is not None and len(columns.names) > len(header):
        late = columns.names[len(header) :]
        if rewrite is None:
            warn(
                f"fields that first appeared after the first chunk were left out of stdout: {', '.join(late)}"
                " (name the columns with --fields, or write to a file)"
            )
        else:
            handle.close()
            _complete_header(fmt, rewrite, columns.names, excel, widths)
    return count


def _csv_rows(fmt: ExportFormat) -> Callable[..., None]:
    separator = "\t" if fmt is ExportFormat.tsv else ","

    def write_rows(handle: IO[str], rows: list[dict], names: list[str], header: bool) -> None:
        import pandas as pd

        frame = pd.DataFrame(_flat_rows(rows, names), columns=names, dtype=object)
        frame.to_csv(handle, sep=separator, header=header, index=False, lineterminator=CSV_LINE_END)

    return write_rows


def _markdown_cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def _markdown_line(cells: Iterable[Any]) -> str:
    return "| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |\n"


def _markdown_rows(handle: IO[str], rows: list[dict], names: list[str], header: bool) -> None:
    if header:
        handle.write(_markdown_line(names))
        handle.write("|" + "|".join(" --- " for _ in names) + "|\n")
    handle.writelines(_markdown_line(cells) for cells in _flat_rows(rows, names))


def _complete_header(fmt: ExportFormat, path: Path, names: list[str], excel: bool, widths: list[tuple[int, int]]) -> None:
    """Rewrite a CSV/TSV/Markdown file whose header lacks columns that appeared later, padding
    earlier rows with empty cells. `widths` says how many cells the rows of each chunk have
    (a Markdown row is one line)."""
    completed = path.with_name(path.name + ".header")
    encoding = "utf-8-sig" if excel else "utf-8"
    try:
        with open(path, encoding=encoding, newline="") as old, open(completed, "w", encoding=encoding, newline="") as new:
            if fmt is ExportFormat.markdown:
                old.readline(), old.readline()
                _markdown_rows(new, [], names, header=True)
                for rows, width in widths:
                    padding = "  |" * (len(names) - width)
                    for line in islice(old, rows):
                        new.write(line[:-1] + padding + "\n")
            else:
                separator = "\t" if fmt is ExportFormat.tsv else ","
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


def _write_jsonl(chunks: Iterator[list[dict]], handle: IO[str], columns: Columns) -> int:
    count = 0
    for chunk in chunks:
        columns.update(chunk)
        handle.writelines(dumps(_pick(record, columns)) + "\n" for record in chunk)
        count += len(chunk)
    return count


def _write_json_array(chunks: Iterator[list[dict]], handle: IO[str], columns: Columns) -> int:
    count = 0
    handle.write("[")
    for chunk in chunks:
        columns.update(chunk)
        for record in chunk:
            handle.write(",\n" if count else "\n")
            handle.write(dumps(_pick(record, columns)))
            count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


def _pick(record: dict, columns: Columns) -> dict:
    if not columns.fixed:
        return record
    return {name: record.get(name) for name in columns.names}


# --------------------------------------------------------------------------- Excel


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


def _write_xlsx(chunks: Iterator[list[dict]], path: Path, columns: Columns, table: str | None, warn: Warn) -> int:
    """One sheet per record type (or one sheet named `table`), openpyxl in write-only mode.

    openpyxl streams each sheet to its own temporary file and zips them on save.
    """
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
        for chunk in chunks:
            for name, rows in _by_table(chunk, table).items():
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


# --------------------------------------------------------------------------- Parquet


def _arrow_types() -> dict[str, Any]:
    import pyarrow as pa

    types: dict[str, Any] = {name: pa.string() for name in _STRING_FIELDS}
    types.update({name: pa.int64() for name in _INTEGER_FIELDS})
    types.update({name: pa.float64() for name in _REAL_FIELDS})
    types.update({name: pa.list_(pa.string()) for name in _STRING_LIST_FIELDS})
    types["lines"] = pa.list_(pa.int64())
    return types


def _nested_arrow_types() -> dict[str, Any]:
    """Types for nested contract fields, used only when a chunk has no value to infer them from
    (their objects may carry extra keys, which a forced type would drop)."""
    import pyarrow as pa

    return {
        "keywords": pa.list_(pa.struct([("word", pa.string()), ("weight", pa.float64())])),
        "entities": pa.list_(
            pa.struct([("text", pa.string()), ("type", pa.string()), ("start", pa.int64()), ("end", pa.int64())])
        ),
    }


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return dumps(value)


class _ParquetSink:
    """A ParquetWriter whose schema can widen: a later chunk with new columns or wider types
    (null -> string, int -> float, conflicting -> string) makes it copy the row groups written so
    far into a new file with the merged schema, one row group at a time."""

    def __init__(self, path: Path, warn: Warn):
        import pyarrow as pa

        self.pa = pa
        self.path = path
        self.warn = warn
        self.schema: Any = None
        self.writer: Any = None
        self.types = _arrow_types()
        self.nested_types = _nested_arrow_types()
        self.texted: set[str] = set()

    def table(self, rows: list[dict], names: list[str]) -> Any:
        pa = self.pa
        arrays = []
        for name in names:
            values = [row.get(name) for row in rows]
            try:
                try:
                    array = pa.array(values, type=self.types.get(name))
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    if name not in self.types:
                        raise
                    array = pa.array(values)  # another shape than usual, e.g. tokens with offsets
                if array.type == pa.null() and name in self.nested_types:
                    array = pa.nulls(len(values), self.nested_types[name])
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
                if name not in self.texted:
                    self.texted.add(name)
                    self.warn(f"field {name!r} mixes value types; written to Parquet as JSON text")
                array = pa.array([_as_text(value) for value in values], type=pa.string())
            arrays.append(array)
        return pa.Table.from_arrays(arrays, names=names)

    def write(self, rows: list[dict], names: list[str]) -> None:
        import pyarrow.parquet as pq

        table = self.table(rows, names)
        if self.writer is None:
            self.schema = table.schema
            self.writer = pq.ParquetWriter(self.path, self.schema)
        else:
            merged = self.merge(table.schema)
            if not merged.equals(self.schema):
                self.widen(merged)
            table = self.conform(table)
        self.writer.write_table(table)

    def merge(self, schema: Any) -> Any:
        pa = self.pa
        try:
            return pa.unify_schemas([self.schema, schema], promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            fields = {field.name: field for field in self.schema}
            for field in schema:
                old = fields.get(field.name)
                if old is None:
                    fields[field.name] = field
                    continue
                try:
                    fields[field.name] = pa.unify_schemas(
                        [pa.schema([old]), pa.schema([field])], promote_options="permissive"
                    ).field(0)
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    fields[field.name] = pa.field(field.name, pa.string())
            return pa.schema(list(fields.values()))

    def conform(self, table: Any) -> Any:
        """`table` with the sink's schema: missing columns as nulls, others cast (or as JSON text)."""
        pa = self.pa
        arrays = []
        for field in self.schema:
            if field.name not in table.column_names:
                arrays.append(pa.nulls(table.num_rows, field.type))
                continue
            column = table.column(field.name)
            if column.type != field.type:
                try:
                    column = column.cast(field.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                    column = pa.array([_as_text(value) for value in column.to_pylist()], type=field.type)
            arrays.append(column)
        return pa.Table.from_arrays(arrays, schema=self.schema)

    def widen(self, schema: Any) -> None:
        import pyarrow.parquet as pq

        self.writer.close()
        narrow = self.path.with_name(self.path.name + ".narrow")
        os.replace(self.path, narrow)
        try:
            self.schema = schema
            self.writer = pq.ParquetWriter(self.path, schema)
            written = pq.ParquetFile(narrow)
            for group in range(written.num_row_groups):
                self.writer.write_table(self.conform(written.read_row_group(group)))
            written.close()
        finally:
            narrow.unlink(missing_ok=True)


def _write_parquet(chunks: Iterator[list[dict]], path: Path, columns: Columns, warn: Warn) -> int:
    """One row group per chunk; lists stay lists, objects become structs."""
    sink = _ParquetSink(path, warn)
    count = 0
    try:
        for chunk in chunks:
            columns.update(chunk)
            sink.write(chunk, columns.names)
            count += len(chunk)
        if sink.writer is None:  # no records: an empty file with the requested columns
            sink.write([], columns.names)
    finally:
        if sink.writer is not None:
            sink.writer.close()
    return count


# --------------------------------------------------------------------------- SQLite


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return dumps(value)
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return str(value)  # beyond SQLite's 64-bit integers
    return value


def _sql_type(name: str, rows: list[dict]) -> str:
    if name in _INTEGER_FIELDS:
        return "INTEGER"
    if name in _REAL_FIELDS:
        return "REAL"
    if name in _STRING_FIELDS or name in _STRING_LIST_FIELDS:
        return "TEXT"
    for row in rows:
        value = row.get(name)
        if value is not None:
            if isinstance(value, (bool, int)):
                return "INTEGER"
            return "REAL" if isinstance(value, float) else "TEXT"
    return ""  # no declared type: values are stored as they come


def _write_sqlite(
    chunks: Iterator[list[dict]], path: Path, columns: Columns, table: str | None, replace: bool
) -> int:
    """Upsert on `id` into one table per record type (or `table`).

    A new database is written to a temporary file and renamed into place. An existing one is
    changed in a single transaction, so a crash or Ctrl-C rolls it back to what it was (copying
    a large database first would cost more than the export).
    """
    if path.exists():
        return _sqlite_transaction(path, chunks, columns, table, replace, new=False)
    with _atomic_file(path) as temporary:
        return _sqlite_transaction(temporary, chunks, columns, table, replace, new=True)


def _sqlite_transaction(
    path: Path, chunks: Iterator[list[dict]], columns: Columns, table: str | None, replace: bool, new: bool
) -> int:
    try:
        connection = sqlite3.connect(path, isolation_level=None)
        if new:  # a private temporary file: no journal needed, the rename is the commit
            connection.execute("PRAGMA journal_mode=OFF")
            connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise ExportError(f"cannot open as a SQLite database: {exc}") from None
    tables: dict[str, _SqliteTable] = {}
    count = 0
    try:
        for chunk in chunks:
            for name, rows in _by_table(chunk, table).items():
                if name not in tables:
                    tables[name] = _SqliteTable(connection, name, columns.copy(), replace)
                tables[name].upsert(rows)
            count += len(chunk)
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(connection)
        raise ExportError(f"SQLite error: {exc}") from None
    except BaseException:
        _rollback(connection)
        raise
    finally:
        connection.close()
    for sqlite_table in tables.values():
        columns.unseen &= sqlite_table.columns.unseen
    return count


def _rollback(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.execute("ROLLBACK")


class _SqliteTable:
    """One table: created on first use (dropped first with `replace`), widened as fields appear,
    with a unique index on `id` for upserts."""

    def __init__(self, connection: sqlite3.Connection, name: str, columns: Columns, replace: bool):
        self.connection = connection
        self.name = name
        self.columns = columns
        if columns.fixed and "id" not in columns.names:
            columns.names.insert(0, "id")  # the upsert key is always kept
        if replace:
            connection.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
        self.existing = [row[1] for row in connection.execute(f"PRAGMA table_info({_quote(name)})")]
        self.indexed = False

    def _add_columns(self, names: list[str], rows: list[dict]) -> None:
        missing = [name for name in names if name not in self.existing]
        if "id" not in self.existing and "id" not in missing:
            missing.insert(0, "id")
        if not missing:
            return
        definitions = [f"{_quote(name)} {_sql_type(name, rows)}".rstrip() for name in missing]
        if not self.existing:
            self.connection.execute(f"CREATE TABLE {_quote(self.name)} ({', '.join(definitions)})")
        else:
            for definition in definitions:
                self.connection.execute(f"ALTER TABLE {_quote(self.name)} ADD COLUMN {definition}")
        self.existing += missing

    def _index_ids(self) -> None:
        index = _quote(self.name + "_id")
        try:
            self.connection.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {_quote(self.name)} (id)")
        except sqlite3.IntegrityError:
            raise ExportError(f"table {self.name!r} already has rows with the same id; use --replace") from None
        self.indexed = True

    def upsert(self, rows: list[dict]) -> None:
        self.columns.update(rows)
        names = self.columns.names
        self._add_columns(names, rows)
        if not self.indexed:
            self._index_ids()
        # An existing id gets every column this export writes (missing fields become NULL);
        # columns it never writes keep their values.
        assignments = ", ".join(f"{_quote(name)} = excluded.{_quote(name)}" for name in names if name != "id")
        conflict = f"DO UPDATE SET {assignments}" if assignments else "DO NOTHING"
        statement = (
            f"INSERT INTO {_quote(self.name)} ({', '.join(map(_quote, names))})"
            f" VALUES ({', '.join('?' for _ in names)}) ON CONFLICT (id) {conflict}"
        )
        try:
            self.connection.executemany(statement, _flat_rows(rows, names))
        except OverflowError:  # an integer beyond 64 bits: store such values as text (upserts repeat safely)
            self.connection.executemany(statement, ([_sql_value(row.get(name)) for name in names] for row in rows))
