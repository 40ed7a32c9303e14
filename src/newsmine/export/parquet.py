"""Parquet through Arrow: JSON lines read by pyarrow's JSON reader, column types from records.py.

Each block of JSON lines is read by pyarrow in C with an explicit schema for the fields the record
contract types (records.py FIELD_CHECKS: `date` stays a string, `value` a double, `authors` a list
of strings, whether or not a block has a value for them); other fields get the type pyarrow infers
(a string stays a string, never a timestamp). A block pyarrow cannot take as it is (a bad line, a
record that breaks the contract, a type conflict) is cut in halves until the bad lines are found;
those lines are parsed in Python, so bad records are reported as in every other format. Tables are
collected into row groups of about ROW_GROUP_BYTES.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsmine.checks import arrow_block_problem, arrow_record_types
from newsmine.export.common import Columns, JsonLines, Warn, contract_kinds
from newsmine.records import dumps

# JSON lines handed to pyarrow at once (the CLI reads input blocks of this size for Parquet).
ARROW_BLOCK_BYTES = 8 << 20
# Lines parsed by Python at once: few enough that their records are still in the CPU's cache
# when they are written (4 MB at once made CSV 1.3x slower than 16 KB).
RECORD_BLOCK_BYTES = 16 << 10
# Arrow data collected into one row group.
ROW_GROUP_BYTES = 32 << 20
# pyarrow's JSON reader recurses on nesting and overflows its stack somewhere past 5,000 levels:
# a line with this many "[" or "{" goes to Python instead.
MAX_OPENERS_PER_LINE = 2_000
_KEEP_OPENERS = bytes(byte for byte in range(256) if byte not in b"[{\n")


def arrow_types() -> dict[str, Any]:
    """The Arrow type of each field whose kind the record contract fixes (see contract_kinds)."""
    import pyarrow as pa

    scalars = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
    types = {}
    for name, kind in contract_kinds().items():
        if kind is None:
            continue
        kind_name, item = kind
        types[name] = pa.list_(scalars[item]) if kind_name == "list" else scalars[kind_name]
    return types


def write_parquet(
    batches: Iterable[list[dict] | JsonLines], path: Path, columns: Columns, record_type: str | None, warn: Warn
) -> int:
    """Write the batches to a Parquet file; return the number of records."""
    import pyarrow as pa

    # The system allocator gives memory back as it goes; pyarrow's default one keeps the peak of
    # every block it read (about 40 MB more for articles with tokens).
    pool = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    sink = _ParquetSink(path, warn)
    reader = _ArrowReader(sink.types, record_type)
    count = 0
    try:
        for batch in batches:
            for table in _tables(batch, reader, sink, columns):
                count += table.num_rows
                sink.add(table)
        if count == 0 and sink.writer is None and not sink.buffered:  # an empty file with the requested columns
            sink.add(sink.table([], columns.names))
        sink.flush()
    finally:
        if sink.writer is not None:
            sink.writer.close()
        pa.set_memory_pool(pool)
    return count


def _tables(batch: list[dict] | JsonLines, reader: _ArrowReader, sink: _ParquetSink, columns: Columns) -> Iterable[Any]:
    """The batch as Arrow tables: straight from pyarrow where it can, else from parsed records."""
    if isinstance(batch, list):
        if batch:
            columns.update(batch)
            yield sink.table(batch, columns.names)
        return
    pending = [batch]
    while pending:
        block = pending.pop()
        if not block.data:
            continue
        table = reader.read(block.data, block.line_ends())
        if table is not None:
            columns.update_names(table.column_names)
            if columns.fixed:
                table = sink.select(table, columns.names)
            yield table
        elif len(block.data) > RECORD_BLOCK_BYTES and block.data.find(b"\n", 0, len(block.data) - 1) >= 0:
            head, tail = block.halves()
            pending += [tail, head]
        else:
            records = block.records()
            if records:
                columns.update(records)
                yield sink.table(records, columns.names)


class _ArrowReader:
    """Reads blocks of JSON lines with pyarrow into tables that keep the record contract, or says
    (None) that a block needs Python: anything pyarrow would read differently from json.loads and
    the contract checks (blank lines, NaN, explicit nulls where the contract wants a value, a
    record of an unknown type...)."""

    def __init__(self, types: dict[str, Any], record_type: str | None):
        import pyarrow as pa
        import pyarrow.json as pj

        self.pa, self.pj = pa, pj
        self.types = types
        self.record_type = record_type
        self.explicit: dict[str, Any] = {}  # fields given to pyarrow with their type
        self.position: dict[str, int] = {}  # each field's place in first-seen order
        self.sampled = False

    def read(self, data: bytes, line_ends: int) -> Any:
        """`data` (whole JSON lines with `line_ends` line ends) as a table, or None."""
        pa = self.pa
        lines = line_ends + (not data.endswith(b"\n"))
        if not self._plain(data, lines):
            return None
        if not self.sampled:
            self._sample(data)
        learned: list[str] = []
        for _ in range(3):  # a new contract field, or a string pyarrow took for a timestamp: read again
            try:
                table = self.pj.read_json(
                    io.BytesIO(data),
                    parse_options=self.pj.ParseOptions(explicit_schema=pa.schema(list(self.explicit.items())), unexpected_field_behavior="infer"),
                )
                table.validate(full=True)  # pyarrow does not check UTF-8 itself
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, UnicodeDecodeError):
                break
            if table.num_rows != lines:
                break  # a line with more than one value
            present = arrow_record_types(table)
            if present is None or (self.record_type is not None and present != [self.record_type]):
                break  # (--type: records of other types must not add their fields)
            retyped = self._retype(table)
            learned += retyped
            if any(name in self.types or table.schema.field(name).type != pa.string() for name in retyped):
                continue  # read as pyarrow guessed, not with the type now fixed
            if arrow_block_problem(table, data, self.record_type) is not None:
                break
            self._note_order(table.column_names)
            return table.select(sorted(table.column_names, key=self.position.__getitem__))
        for name in learned:  # fields of records that go to Python: they may be bad ones
            del self.explicit[name]
        return None

    def _note_order(self, names: Iterable[str]) -> None:
        """pyarrow puts the fields of the explicit schema first: keep the order records have them in."""
        for name in names:
            self.position.setdefault(name, len(self.position))

    def _plain(self, data: bytes, lines: int) -> bool:
        """Whether every line of `data` (`lines` of them) is one object with nothing pyarrow reads
        differently from json.loads (pyarrow crashes on a first line `null`)."""
        if not data.startswith(b"{") or data.count(b"\n{") != lines - 1:
            return False  # blank or indented lines, or a line that is not an object
        kept = data.translate(None, _KEEP_OPENERS)
        return max(map(len, kept.split(b"\n"))) < MAX_OPENERS_PER_LINE

    def _sample(self, data: bytes) -> None:
        """Learn the fields of the first record, so that the first read is usually the only one."""
        import json

        self.sampled = True
        try:
            first = json.loads(data[: data.find(b"\n") if b"\n" in data else len(data)])
        except ValueError:
            return
        if isinstance(first, dict) and (self.record_type is None or first.get("type") == self.record_type):
            self._note_order(first)
            self.explicit.update((name, self.types[name]) for name in first if name in self.types)

    def _retype(self, table: Any) -> list[str]:
        """Fields pyarrow inferred that get a fixed type from now on: contract fields, and strings
        (so that a later block cannot take them for timestamps); their names."""
        pa = self.pa
        fixed = []
        for field in table.schema:
            if field.name in self.explicit:
                continue
            if field.name in self.types:
                self.explicit[field.name] = self.types[field.name]
            elif pa.types.is_timestamp(field.type) or pa.types.is_string(field.type):
                self.explicit[field.name] = pa.string()
            else:
                continue
            fixed.append(field.name)
        return fixed


def _storable(pa: Any, arrow_type: Any) -> bool:
    """Whether Parquet can store `arrow_type` (it has no struct without fields)."""
    if pa.types.is_struct(arrow_type):
        return arrow_type.num_fields > 0 and all(_storable(pa, arrow_type.field(i).type) for i in range(arrow_type.num_fields))
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return _storable(pa, arrow_type.value_type)
    return True


def _as_float(value: Any) -> Any:
    """A JSON number as a double (an integer beyond 2**53 to the nearest one, beyond 1e308 to infinity)."""
    if type(value) is not int:
        return value
    try:
        return float(value)
    except OverflowError:
        return math.copysign(math.inf, value)


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return dumps(value)


class _ParquetSink:
    """A ParquetWriter that collects tables into row groups and whose schema can widen: a later
    table with new columns or wider types (null -> string, int -> double, conflicting -> JSON text)
    makes it copy the row groups written so far into a new file with the merged schema."""

    def __init__(self, path: Path, warn: Warn):
        import pyarrow as pa

        self.pa = pa
        self.path = path
        self.warn = warn
        self.schema: Any = None
        self.writer: Any = None
        self.types = arrow_types()
        self.texted: set[str] = set()
        self.buffered: list[Any] = []
        self.buffered_bytes = 0

    def table(self, rows: list[dict], names: list[str]) -> Any:
        """Records as a table: contract fields with their type, others as pyarrow infers them."""
        pa = self.pa
        arrays = []
        for name in names:
            values = [row.get(name) for row in rows]
            wanted = self.types.get(name)
            try:
                array = self._array(name, values, wanted)
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
                if name not in self.texted:
                    self.texted.add(name)
                    self.warn(f"field {name!r} mixes value types; written to Parquet as JSON text")
                array = pa.array([_as_text(value) for value in values], type=pa.string())
            arrays.append(array)
        return pa.Table.from_arrays(arrays, names=names)

    def _array(self, name: str, values: list[Any], wanted: Any) -> Any:
        pa = self.pa
        if name in self.texted:
            return pa.array([_as_text(value) for value in values], type=pa.string())
        if wanted is None:
            return pa.array(values)
        try:
            return pa.array(values, type=wanted)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            if wanted == pa.float64():
                return pa.array([_as_float(value) for value in values], type=wanted)
            if wanted == pa.int64() and all(type(value) in (int, type(None)) for value in values):
                fits = [value if value is None or -(2**63) <= value < 2**63 else None for value in values]
                self.warn(f"field {name!r}: integers beyond 64 bits written to Parquet as null")
                return pa.array(fits, type=wanted)
            return pa.array(values)  # not the contract's type (records not checked): as pyarrow infers

    def writable(self, table: Any) -> Any:
        """`table` with the columns Parquet cannot store (objects without fields: `{}`) as JSON text."""
        pa = self.pa
        for index, field in enumerate(table.schema):
            if not _storable(pa, field.type):
                if field.name not in self.texted:
                    self.texted.add(field.name)
                    self.warn(f"field {field.name!r} holds empty objects; written to Parquet as JSON text")
                text = pa.array([_as_text(value) for value in table.column(index).to_pylist()], type=pa.string())
                table = table.set_column(index, field.name, text)
        return table

    def select(self, table: Any, names: list[str]) -> Any:
        """`table` with exactly the columns `names` (missing ones as nulls of the contract's type)."""
        pa = self.pa
        arrays = [
            table.column(name) if name in table.column_names else pa.nulls(table.num_rows, self.types.get(name, pa.null()))
            for name in names
        ]
        return pa.Table.from_arrays(arrays, names=names)

    def add(self, table: Any) -> None:
        """Collect `table` for the next row group (widening the schema if it needs to)."""
        table = self.writable(table)
        if self.schema is None:
            self.schema = table.schema
        else:
            merged = self.merge(table.schema)
            if not merged.equals(self.schema):
                if self.writer is not None:
                    self.widen(merged)
                self.schema = merged
        self.buffered.append(table)
        self.buffered_bytes += table.nbytes
        if self.buffered_bytes >= ROW_GROUP_BYTES:
            self.flush()

    def flush(self) -> None:
        """Write the collected tables as one row group."""
        import pyarrow.parquet as pq

        if not self.buffered:
            return
        group = self.pa.concat_tables([self.conform(table) for table in self.buffered])
        self.buffered, self.buffered_bytes = [], 0
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema)
        self.writer.write_table(group, row_group_size=max(group.num_rows, 1))

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
                    if field.name not in self.texted:
                        self.texted.add(field.name)
                        self.warn(f"field {field.name!r} mixes value types; written to Parquet as JSON text")
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
        """Copy the row groups written so far into a new file with `schema`, one at a time."""
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
