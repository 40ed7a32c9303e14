"""SQLite: one table per record type, upserted on `id`, written in one transaction."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from newsmine.export.common import Columns, ExportError, JsonLines, batch_records, by_table, contract_kinds, flat_rows
from newsmine.records import dumps

# How long an export waits for another one writing to the same database to finish.
LOCK_WAIT_SECONDS = 600.0
_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "string": "TEXT", "list": "TEXT"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return dumps(value)
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return str(value)  # beyond SQLite's 64-bit integers
    return value


def _sql_type(name: str, rows: list[dict], kinds: dict[str, Any]) -> str:
    """The column type: the record contract's, else judged from the first value present."""
    kind = kinds.get(name)
    if kind is not None:
        return _SQL_TYPES[kind[0]]
    for row in rows:
        value = row.get(name)
        if value is not None:
            if isinstance(value, (bool, int)):
                return "INTEGER"
            return "REAL" if isinstance(value, float) else "TEXT"
    return ""  # no declared type: values are stored as they come


def write_sqlite(
    batches: Iterable[list[dict] | JsonLines],
    path: Path,
    columns: Columns,
    table: str | None,
    recreate: bool,
    replace: bool,
    before_commit: Callable[[int], None],
) -> int:
    """Write into one table per record type (or `table`) of the database at `path` (created when
    missing); return the number of records.

    Rows are upserted on `id` (`replace`: a row with the same id is replaced whole; `recreate`:
    the tables are dropped first). Everything happens in one transaction of the real database:
    SQLite's lock makes concurrent exports wait for each other, and a failure, Ctrl-C or kill
    rolls the database back to what it was. `before_commit(count)` may still abandon it (by raising).
    """
    try:
        connection = sqlite3.connect(path, isolation_level=None, timeout=LOCK_WAIT_SECONDS)
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise ExportError(f"the database is still locked by another writer after {LOCK_WAIT_SECONDS:.0f} s") from None
        raise ExportError(f"cannot open as a SQLite database: {exc}") from None
    except sqlite3.Error as exc:
        raise ExportError(f"cannot open as a SQLite database: {exc}") from None
    kinds = contract_kinds()
    tables: dict[str, _SqliteTable] = {}
    count = 0
    try:
        for chunk in map(batch_records, batches):
            for name, rows in by_table(chunk, table).items():
                if name not in tables:
                    tables[name] = _SqliteTable(connection, name, columns.copy(), kinds, recreate, replace)
                tables[name].write(rows)
            count += len(chunk)
        for sqlite_table in tables.values():
            columns.unseen &= sqlite_table.columns.unseen
            columns.first_fields = columns.first_fields or sqlite_table.columns.first_fields
        before_commit(count)
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(connection)
        raise ExportError(f"SQLite error: {exc}") from None
    except BaseException:
        _rollback(connection)
        raise
    finally:
        connection.close()
    return count


def _rollback(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.execute("ROLLBACK")


class _SqliteTable:
    """One table: created on first use (dropped first with `recreate`), widened as fields appear,
    with a unique index on `id` for upserts."""

    def __init__(
        self, connection: sqlite3.Connection, name: str, columns: Columns, kinds: dict[str, Any], recreate: bool, replace: bool
    ):
        self.connection = connection
        self.name = name
        self.columns = columns
        self.kinds = kinds
        self.replace = replace
        if columns.fixed and "id" not in columns.names:
            columns.names.insert(0, "id")  # the upsert key is always kept
        if recreate:
            connection.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
        self.existing = [row[1] for row in connection.execute(f"PRAGMA table_info({_quote(name)})")]
        self.indexed = False

    def _add_columns(self, names: list[str], rows: list[dict]) -> None:
        missing = [name for name in names if name not in self.existing]
        if "id" not in self.existing and "id" not in missing:
            missing.insert(0, "id")
        if not missing:
            return
        definitions = [f"{_quote(name)} {_sql_type(name, rows, self.kinds)}".rstrip() for name in missing]
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
            raise ExportError(f"table {self.name!r} already has rows with the same id; use --recreate") from None
        self.indexed = True

    def write(self, rows: list[dict]) -> None:
        self.columns.update(rows)
        names = self.columns.names
        self._add_columns(names, rows)
        if not self.indexed:
            self._index_ids()
        placeholders = ", ".join("?" for _ in names)
        if self.replace:
            # sqlite-utils' --replace: a row with the same id is deleted, the new one inserted.
            statement = f"INSERT OR REPLACE INTO {_quote(self.name)} ({', '.join(map(_quote, names))}) VALUES ({placeholders})"
        else:
            # An existing id gets every column this export writes (missing fields become NULL);
            # columns it never writes keep their values.
            assignments = ", ".join(f"{_quote(name)} = excluded.{_quote(name)}" for name in names if name != "id")
            conflict = f"DO UPDATE SET {assignments}" if assignments else "DO NOTHING"
            statement = (
                f"INSERT INTO {_quote(self.name)} ({', '.join(map(_quote, names))})"
                f" VALUES ({placeholders}) ON CONFLICT (id) {conflict}"
            )
        try:
            self.connection.executemany(statement, flat_rows(rows, names))
        except OverflowError:  # an integer beyond 64 bits: store such values as text (upserts repeat safely)
            self.connection.executemany(statement, ([_sql_value(row.get(name)) for name in names] for row in rows))
