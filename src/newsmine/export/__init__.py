"""Write newsmine records where analysts work: CSV/TSV, Excel, Parquet, SQLite, Markdown, JSON.

`export_records(records, path, fmt)` writes any records (articles, figures, documents, anything
with fields); `export_batches(batches, ...)` also takes blocks of raw JSON lines (`JsonLines`),
which Parquet hands to pyarrow's JSON reader without making Python objects of them. Memory is
bounded by the bytes of a batch, not by a count of records. File outputs are written atomically:
into a temporary file beside the target, renamed over it only when everything was written; the
temporary files of a killed export are deleted by the next export of the same output. SQLite is
written in one transaction of the real database, so concurrent exports wait for each other.

The csv module writes CSV/TSV, pyarrow Parquet, openpyxl Excel and sqlite3 SQLite; each library is
imported only when its format is used. Nested fields (lists, objects) become JSON text in flat
formats and stay native lists/structs in Parquet and JSON.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import IO, Any

from newsmine.export.common import (
    BATCH_VALUES, STDOUT, Columns, ExportError, JsonLines, UnknownFieldError, Warn, atomic_file, flat_value, record_batches,
)

__all__ = [
    "EXTENSIONS", "STDOUT", "ExportError", "ExportFormat", "JsonLines", "UnknownFieldError", "block_bytes_for",
    "export_batches", "export_records", "flat_value", "format_for", "record_batches", "resolve_format",
]  # fmt: skip


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
    path: str,
    fmt: ExportFormat | str | None = None,
    excel: bool = False,
    table: str | None = None,
    recreate: bool = False,
    replace: bool = False,
    escape_formulas: bool = False,
) -> ExportFormat:
    """The output format (see format_for), checked against the options that only some formats take."""
    try:
        chosen = format_for(path, fmt)
    except ValueError:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(f.value for f in ExportFormat)}") from None
    if (excel or escape_formulas) and chosen not in (ExportFormat.csv, ExportFormat.tsv):
        raise ExportError(f"{'--excel' if excel else '--escape-formulas'} applies to csv and tsv only")
    if table is not None and chosen not in (ExportFormat.sqlite, ExportFormat.xlsx):
        raise ExportError("--table applies to sqlite and xlsx only")
    for flag, given in (("--recreate", recreate), ("--replace", replace)):
        if given and chosen is not ExportFormat.sqlite:
            raise ExportError(f"{flag} applies to sqlite only")
    if recreate and replace:
        raise ExportError("--recreate and --replace cannot go together (--recreate drops the tables first)")
    return chosen


def block_bytes_for(fmt: ExportFormat | str) -> int:
    """How many bytes of JSON lines to hand `export_batches` at once for `fmt`."""
    from newsmine.export.parquet import ARROW_BLOCK_BYTES, RECORD_BLOCK_BYTES

    return ARROW_BLOCK_BYTES if ExportFormat(fmt) is ExportFormat.parquet else RECORD_BLOCK_BYTES


def export_records(
    records: Iterable[dict],
    path: str | os.PathLike[str],
    fmt: ExportFormat | str | None = None,
    fields: Sequence[str] | None = None,
    record_type: str | None = None,
    batch_values: int = BATCH_VALUES,
    **options: Any,
) -> int:
    """Write `records` to `path` ("-" = stdout) as `fmt`; return how many were written.

    Takes the options of export_batches; `record_type` keeps only the records of this `type`.
    Records are written in batches of about `batch_values` field values (a list counts its items).
    """
    selected = records if record_type is None else (r for r in records if r.get("type") == record_type)
    return export_batches(record_batches(selected, batch_values), path, fmt, fields, record_type, **options)


def export_batches(
    batches: Iterable[list[dict] | JsonLines],
    path: str | os.PathLike[str],
    fmt: ExportFormat | str | None = None,
    fields: Sequence[str] | None = None,
    record_type: str | None = None,
    table: str | None = None,
    recreate: bool = False,
    replace: bool = False,
    excel: bool = False,
    escape_formulas: bool = False,
    stream: IO[str] | None = None,
    on_warning: Warn | None = None,
    before_commit: Callable[[int], None] | None = None,
) -> int:
    """Write batches of records to `path` ("-" = `stream`, default stdout) as `fmt`; return the count.

    batches: lists of records, or JsonLines whose records are all of `record_type` when it is given.
    fields: the columns, in order (default: every field, in first-seen order); a field that neither
        the record contract nor any record has raises UnknownFieldError, and the output is not
        replaced (on stdout the rows were written already).
    record_type: the records' type, when only one type is exported (Parquet reads JsonLines with it).
    table: SQLite table / Excel sheet for every record (default: one per record type).
    recreate: SQLite: drop the tables this export writes to before writing.
    replace: SQLite: replace a row with the same id whole (default: update the columns written).
    excel: CSV/TSV for Excel: the byte-order mark it needs for UTF-8, and escape_formulas.
    escape_formulas: CSV/TSV: text cells starting with = + - @ tab or CR get a leading "'".
    before_commit: called with the count before the output replaces the old one; may raise ExportError.
    Raises ExportError for exports that cannot be done (e.g. too many rows for a sheet).
    """
    target = os.fspath(path)
    chosen = resolve_format(target, fmt, excel, table, recreate, replace, escape_formulas)
    warn = on_warning or (lambda message: warnings.warn(message, stacklevel=3))
    columns = Columns(fields)

    def commit(count: int) -> None:
        columns.check_known(count)
        if before_commit is not None:
            before_commit(count)
    try:
        if target == STDOUT:
            count = _write_text(chosen, batches, stream or sys.stdout, columns, excel, escape_formulas, warn, None)
            commit(count)
        elif chosen is ExportFormat.sqlite:
            from newsmine.export.sqlite import write_sqlite

            count = write_sqlite(batches, Path(target), columns, table, recreate, replace, commit)
        else:
            with atomic_file(Path(target)) as temporary:
                count = _write_file(chosen, batches, temporary, columns, record_type, table, excel, escape_formulas, warn)
                commit(count)
    except BrokenPipeError:
        raise  # the reader of stdout has gone: the CLI ends quietly
    except OSError as exc:
        raise ExportError(f"cannot write the output: {exc.strerror or exc}") from None
    if columns.unseen:
        missing = ", ".join(name for name in columns.names if name in columns.unseen)
        warn(f"no record has the field(s) {missing}; their columns are empty")
    return count


def _write_file(
    fmt: ExportFormat,
    batches: Iterable[list[dict] | JsonLines],
    path: Path,
    columns: Columns,
    record_type: str | None,
    table: str | None,
    excel: bool,
    escape_formulas: bool,
    warn: Warn,
) -> int:
    if fmt is ExportFormat.parquet:
        from newsmine.export.parquet import write_parquet

        return write_parquet(batches, path, columns, record_type, warn)
    if fmt is ExportFormat.xlsx:
        from newsmine.export.xlsx import write_xlsx

        return write_xlsx(batches, path, columns, table, warn)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        return _write_text(fmt, batches, handle, columns, excel, escape_formulas, warn, path)


def _write_text(
    fmt: ExportFormat,
    batches: Iterable[list[dict] | JsonLines],
    handle: IO[str],
    columns: Columns,
    excel: bool,
    escape_formulas: bool,
    warn: Warn,
    rewrite: Path | None,
) -> int:
    from newsmine.export.text import write_text

    return write_text(fmt.value, batches, handle, columns, excel, excel or escape_formulas, warn, rewrite)
