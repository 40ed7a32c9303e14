"""Pieces every export format shares: errors, columns, batches of input, atomic files."""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsmine.records import FIELD_CHECKS, dumps

STDOUT = "-"
# A batch of records taken from an iterable of dicts holds about this many values (a list counts
# one per item): memory follows the size of the records, not their number.
BATCH_VALUES = 250_000
CONTRACT_FIELDS = frozenset(name for checks in FIELD_CHECKS.values() for name in checks)

Warn = Callable[[str], None]


class ExportError(Exception):
    """An export that cannot be done as asked; the message is meant for the user."""


class UnknownFieldError(ExportError):
    """`fields` names a field that neither the records nor the record contract have (a usage error)."""


# --------------------------------------------------------------------------- batches


@dataclass(frozen=True)
class JsonLines:
    """Whole JSON lines, undecoded (UTF-8), and how to turn them into checked records.

    `parse(data, first_line)` returns the good records of `data`, whose first line has the number
    `first_line`; it reports bad lines itself. Parquet hands `data` to pyarrow's JSON reader and
    parses only the lines pyarrow cannot take; the other formats parse every line.
    """

    data: bytes
    first_line: int
    parse: Callable[[bytes, int], list[dict]]
    lines: int = -1  # how many line ends `data` has, when the reader counted them already

    def line_ends(self) -> int:
        return self.lines if self.lines >= 0 else self.data.count(b"\n")

    def records(self) -> list[dict]:
        return self.parse(self.data, self.first_line)

    def halves(self) -> tuple[JsonLines, JsonLines]:
        """The lines cut in two at a line end near the middle (the second half is empty for one line)."""
        cut = self.data.rfind(b"\n", 0, len(self.data) // 2) + 1 or self.data.find(b"\n") + 1
        head, tail = self.data[:cut], self.data[cut:]
        head_lines = head.count(b"\n")
        return (
            JsonLines(head, self.first_line, self.parse, head_lines),
            JsonLines(tail, self.first_line + head_lines, self.parse, self.line_ends() - head_lines),
        )


def record_batches(records: Iterable[dict], budget: int = BATCH_VALUES) -> Iterator[list[dict]]:
    """`records` in lists of about `budget` values each (a list-valued field counts its items)."""
    batch: list[dict] = []
    size = 0
    for record in records:
        batch.append(record)
        size += len(record)
        for value in record.values():
            if type(value) is list:
                size += len(value)
        if size >= budget:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def batch_records(batch: list[dict] | JsonLines) -> list[dict]:
    return batch.records() if isinstance(batch, JsonLines) else batch


# --------------------------------------------------------------------------- contract types

_KINDS = {frozenset({str}): "string", frozenset({int}): "integer", frozenset({int, float}): "number"}


def _kind(types: frozenset[type]) -> str | None:
    return _KINDS.get(types - {type(None)})


def contract_kinds() -> dict[str, tuple[str, str | None] | None]:
    """The kind of value of each field records.py names, as (kind, item kind): ("string", None),
    ("integer", None), ("number", None), ("list", "string"|"integer"|"number"), or None when the
    field takes several kinds (`page`: an integer or a string) or objects, or when record types
    disagree about it. Formats with typed columns take their types from here."""
    kinds: dict[str, tuple[str, str | None] | None] = {}
    for checks in FIELD_CHECKS.values():
        for name, check in checks.items():
            if check.item_types is not None:
                item = _kind(check.item_types)
                kind = ("list", item) if item is not None and check.types == frozenset({list}) else None
            else:
                scalar = _kind(check.types)
                kind = (scalar, None) if scalar is not None else None
            kinds[name] = kind if kinds.get(name, kind) == kind else None
    return kinds


# --------------------------------------------------------------------------- columns


class Columns:
    """Output columns: exactly `fields` when given, else every field in first-seen order."""

    def __init__(self, fields: Sequence[str] | None = None):
        self.fixed = fields is not None
        self.names: list[str] = list(dict.fromkeys(fields or []))
        self._known = set(self.names)
        self.unseen = set(self.names)  # requested fields no record had (so far)
        self.first_fields: list[str] = []  # the fields of the first records, for messages

    def copy(self) -> Columns:
        twin = Columns(self.names if self.fixed else None)
        twin.unseen = set(self.unseen)
        return twin

    def update(self, rows: list[dict]) -> None:
        """Take note of the fields in `rows`: new ones become columns (unless the columns are fixed)."""
        if not self.first_fields:
            self.first_fields = list(dict.fromkeys(name for row in rows for name in row))
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

    def update_names(self, present: Iterable[str]) -> None:
        """As update, from the field names of a batch (e.g. an Arrow table's columns)."""
        self.update([dict.fromkeys(present)])

    def check_known(self, count: int) -> None:
        """Raise UnknownFieldError when records were written and a requested field is neither in
        any of them nor in the record contract (a typo: `valu` for `value`)."""
        unknown = [name for name in self.names if name in self.unseen and name not in CONTRACT_FIELDS]
        if not count or not unknown:
            return
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, [*self.first_fields, *sorted(CONTRACT_FIELDS)], n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise UnknownFieldError(
            f"--fields names unknown field(s) {', '.join(hints)}; the records have: {', '.join(self.first_fields)}"
        )


def by_table(chunk: list[dict], table: str | None) -> dict[str, list[dict]]:
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


def flat_rows(rows: list[dict], names: list[str]) -> list[list[Any]]:
    """Rows as lists of flat values, in `names` order (the hot loop of flat formats)."""
    nested, text = _NESTED, dumps
    return [[text(value) if type(value) in nested else value for value in map(row.get, names)] for row in rows]


# --------------------------------------------------------------------------- atomic files


def _temporary_pattern(path: Path) -> re.Pattern[str]:
    """Names of the temporary files and folders an export of `path` makes beside it:
    .NAME.PID.RANDOM.tmp, and .NAME.PID.RANDOM.tmp.SUFFIX derived from it."""
    return re.compile(rf"\.{re.escape(path.name)}\.(\d+)\.[0-9a-f]+\.tmp(\..+)?")


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete the temporary files left beside `path` by exports of it whose process has died
    (killed, or the machine stopped); return them. Those of running exports are kept."""
    pattern = _temporary_pattern(path)
    removed = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except (OverflowError, OSError):
        return False
    return True


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it over `path` if the block succeeds, else delete it.

    The name carries this process's id, so that the next export of `path` can delete what a
    killed one left behind (see remove_stale_temporaries).
    """
    remove_stale_temporaries(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def staging_folder(temporary: Path) -> Path:
    """A folder beside the output for a writer's own temporary files, cleaned as the temporary file is."""
    return temporary.with_name(temporary.name + ".staging")


def _file_mode(path: Path) -> int:
    """The permissions the output should get: those of the file it replaces, else the umask default."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
