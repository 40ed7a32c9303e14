"""Type checks of records against the record contract, shared by `export` and `show`.

`record_problem(record)` returns why a record cannot be trusted (unknown type, a field of the
wrong type), or None. Fields the contract does not name are never checked: stages may add them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsmine.records import FIELD_CHECKS, KNOWN_TYPES


def describe(value: Any) -> str:
    """A short description of a JSON value for error messages: its JSON type and a preview."""
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "object"}.get(
        type(value), type(value).__name__
    )
    if value is None:
        return "null"
    preview = repr(value)
    if len(preview) > 40:
        preview = preview[:37] + "..."
    return f"{kind} {preview}"


def record_problem(record: dict, extra_types: Collection[str] = (), any_type: bool = False) -> str | None:
    """Why `record` breaks the record contract, or None when it is fine.

    Checks that `type` is a string naming a known type (or one of `extra_types`, or any type with
    `any_type`) and that each field the contract names has the right JSON type. Fields the
    contract does not name are accepted.
    """
    record_type = record.get("type")
    if record_type is None:
        return 'record has no "type" field'
    if not isinstance(record_type, str):
        return f'"type" should be a string, got {describe(record_type)}'
    checks = FIELD_CHECKS.get(record_type)
    if checks is None:
        if any_type or record_type in extra_types:
            return None
        known = ", ".join(KNOWN_TYPES)
        return f"unknown record type {record_type!r} (known: {known})"
    for name, value in record.items():
        check = checks.get(name)
        if check is None:
            continue
        if not check.accepts(value):
            return f"{record_type} field {name!r} should be {check.expected}, got {describe(value)}"
    return None


Report = Callable[[str, "int | None", str], None]


@dataclass
class RecordChecker:
    """Filters (source, line, record) triples down to the records that pass `record_problem`.

    Each problem goes to `report(source, line, reason)`, but without flooding: an unknown type is
    reported once per input, and only the first `max_reported` other problems are listed;
    `finish()` reports how many more were skipped.
    """

    report: Report
    extra_types: Collection[str] = ()
    any_type: bool = False
    max_reported: int = 20
    reported: int = 0
    skipped_types: dict[tuple[str, str], int] = field(default_factory=dict)
    skipped_silently: dict[str, int] = field(default_factory=dict)

    def filter(self, numbered: Iterable[tuple[str, int | None, dict]]) -> Iterator[dict]:
        for source, line, record in numbered:
            problem = record_problem(record, self.extra_types, self.any_type)
            if problem is None:
                yield record
            elif problem.startswith("unknown record type"):
                key = (source, record["type"])
                if key not in self.skipped_types:
                    self.skipped_types[key] = 0
                    hint = f"records of this type are skipped (keep them with --type {record['type']})"
                    self.report(source, line, f"{problem}; {hint}")
                else:
                    self.skipped_types[key] += 1
            elif self.reported < self.max_reported:
                self.reported += 1
                self.report(source, line, f"{problem}; record skipped")
            else:
                self.skipped_silently[source] = self.skipped_silently.get(source, 0) + 1

    def finish(self) -> None:
        """Report the problems counted but not listed one by one."""
        for (source, record_type), count in self.skipped_types.items():
            if count:
                self.report(source, None, f"{_more_records(count)} of unknown type {record_type!r} skipped")
        for source, count in self.skipped_silently.items():
            self.report(source, None, f"{_more_records(count)} with wrong field types skipped (not listed)")


def _more_records(count: int) -> str:
    return f"{count:,} more record" + ("" if count == 1 else "s")
