"""Type checks of records against the record contract, shared by `export` and `show`.

`record_problem(record)` returns why a record cannot be trusted (unknown type, a field of the
wrong type), or None. Fields the contract does not name are never checked: stages may add them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

KNOWN_TYPES = ("article", "figure", "document", "error")


@dataclass(frozen=True)
class Check:
    """The JSON types a field may have: Python types of the value and, for a list, of its items.

    Exact type tests (`type(value) in types`) keep booleans out of integers, and are fast.
    """

    expected: str
    types: frozenset[type]
    item_types: frozenset[type] | None = None

    def accepts(self, value: Any) -> bool:
        if type(value) not in self.types:
            return False
        if self.item_types is not None and value:
            item_types = self.item_types
            return all(type(item) in item_types for item in value)
        return True


def _optional(check: Check) -> Check:
    return Check(f"{check.expected} or null", check.types | {type(None)}, check.item_types)


def _list_of(check: Check) -> Check:
    return Check(f"a list of {check.expected.split(' ', 1)[1]}s", frozenset({list}), check.types)


STRING = Check("a string", frozenset({str}))
INTEGER = Check("an integer", frozenset({int}))
NUMBER = Check("a number", frozenset({int, float}))
OBJECT = Check("an object", frozenset({dict}))
INT_OR_STRING = Check("an integer or a string", frozenset({int, str}))

_COMMON: dict[str, Check] = {
    "id": STRING,
    "source": STRING,
    "date": _optional(STRING),
    "page": _optional(INT_OR_STRING),
}
# Fields `segment` adds to articles and documents.
_SEGMENTED: dict[str, Check] = {
    # Words, or {"w", "start", "end"} objects with `segment --offsets`.
    "tokens": Check("a list of strings or of objects", frozenset({list}), frozenset({str, dict})),
    "pos": _list_of(STRING),
    "keywords": _list_of(OBJECT),
    "entities": _list_of(OBJECT),
}
FIELD_CHECKS: dict[str, dict[str, Check]] = {
    "article": {
        **_COMMON,
        **_SEGMENTED,
        "seq": INTEGER,
        "kind": STRING,
        "kicker": _optional(STRING),
        "title": _optional(STRING),
        "subtitle": _optional(STRING),
        "authors": _list_of(STRING),
        "author_role": _optional(STRING),
        "dateline": _optional(STRING),
        "column": _optional(STRING),
        "subheads": _list_of(STRING),
        "paragraphs": _list_of(STRING),
        "text": STRING,
        "lines": _list_of(INTEGER),
    },
    "figure": {
        **_COMMON,
        "article": STRING,
        "text": STRING,
        "start": INTEGER,
        "end": INTEGER,
        "kind": STRING,
        "value": _optional(NUMBER),
        "low": _optional(NUMBER),
        "high": _optional(NUMBER),
        "unit": _optional(STRING),
        "approx": _optional(STRING),
        "qualifier": _optional(STRING),
        "change": _optional(STRING),
        "basis": _optional(STRING),
        "metric": _optional(STRING),
        "period": _optional(STRING),
        "sentence": STRING,
    },
    "document": {**_COMMON, **_SEGMENTED, "text": STRING},
    "error": {"source": _optional(STRING), "line": _optional(INTEGER), "reason": STRING},
}


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
