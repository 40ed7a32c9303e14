"""Type checks of records against the record contract, shared by `export` and `show`.

`record_problem(record)` returns why a record cannot be trusted (unknown type, a field of the
wrong type), or None. Fields the contract does not name are never checked: stages may add them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsmine.records import FIELD_CHECKS, KNOWN_TYPES, Check


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
    specs = _SPECS.get(record_type) if type(record_type) is str else None
    if specs is not None and _fits(record, specs):
        return None  # the fast answer for good records; the loop below says what is wrong
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


# Each record type's fields as name -> (value types, item types): what Check.accepts tests.
_SPECS = {
    record_type: {name: (check.types, check.item_types) for name, check in checks.items()}
    for record_type, checks in FIELD_CHECKS.items()
}


def _fits(record: dict, specs: dict[str, tuple[frozenset[type], frozenset[type] | None]]) -> bool:
    """Whether every field of `record` that `specs` names has a value of an accepted type (the hot loop)."""
    for name, value in record.items():
        spec = specs.get(name)
        if spec is not None:
            types, item_types = spec
            if type(value) not in types:
                return False
            if item_types is not None and value and not item_types.issuperset(map(type, value)):
                return False
    return True


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
            if self.passes(source, line, record):
                yield record

    def keep(self, source: str, numbered: Iterable[tuple[int, dict]], only_type: str | None = None) -> list[dict]:
        """The good records among (line, record) pairs of one input, as filter (the fast loop for
        bulk reads); with `only_type`, records of other types are left out without a word."""
        good = []
        for line, record in numbered:
            record_type = record.get("type")
            if only_type is not None and record_type != only_type:
                continue
            specs = _SPECS.get(record_type) if type(record_type) is str else None
            if (specs is not None and _fits(record, specs)) or self.passes(source, line, record):
                good.append(record)
        return good

    def passes(self, source: str, line: int | None, record: dict) -> bool:
        """Whether `record` is good; if not, its problem is reported (or counted)."""
        problem = record_problem(record, self.extra_types, self.any_type)
        if problem is None:
            return True
        if problem.startswith("unknown record type"):
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
        return False

    def finish(self) -> None:
        """Report the problems counted but not listed one by one."""
        for (source, record_type), count in self.skipped_types.items():
            if count:
                self.report(source, None, f"{_more_records(count)} of unknown type {record_type!r} skipped")
        for source, count in self.skipped_silently.items():
            self.report(source, None, f"{_more_records(count)} with wrong field types skipped (not listed)")


def _more_records(count: int) -> str:
    return f"{count:,} more record" + ("" if count == 1 else "s")


# --------------------------------------------------------------------------- Arrow tables

_PYTHON_TYPES = {"string": str, "large_string": str, "int64": int, "double": float, "bool": bool, "null": type(None)}


def _python_type(arrow_type: Any) -> type:
    """The Python type json.loads gives for values pyarrow read as `arrow_type`."""
    import pyarrow as pa

    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return list
    if pa.types.is_struct(arrow_type):
        return dict
    return _PYTHON_TYPES.get(str(arrow_type), object)


def arrow_record_types(table: Any) -> list[str] | None:
    """The record types in an Arrow table's `type` column, or None when a record has no type string."""
    if "type" not in table.column_names:
        return None
    types = table.column("type")
    if _python_type(types.type) is not str or types.null_count:
        return None
    return _compute("unique", types).to_pylist()


def arrow_block_problem(table: Any, data: bytes, record_type: str | None = None) -> str | None:
    """Why the Arrow `table` that pyarrow read from the JSON lines `data` may hold a record that
    record_problem refuses (or, with `record_type`, a record of another type), or None when it
    holds none: then the table can be exported as it is.

    A reason means "check these lines one by one": pyarrow reads a missing field and a null alike,
    so a column with nulls where the contract wants a value is looked up in `data`.
    """
    import pyarrow as pa

    present = arrow_record_types(table)
    if present is None:
        return 'a record without a "type" string'
    types = table.column("type")
    if record_type is not None and present != [record_type]:
        return "records of other types"
    unknown = [name for name in present if name not in FIELD_CHECKS and name != record_type]
    if unknown:
        return f"unknown record type {unknown[0]!r}"
    for name in present:
        checks = FIELD_CHECKS.get(name, {})
        rows = table if len(present) == 1 else _compute("filter", table, _compute("equal", types, pa.scalar(name)))
        for field_name, check in checks.items():
            if field_name not in rows.column_names:
                continue
            problem = _column_problem(rows.column(field_name), check)
            if problem == "null" and not _explicit_null(field_name, data):
                continue  # the field is missing from some records, which the contract allows
            if problem is not None:
                return f"{name} field {field_name!r}: {problem}"
    return None


def _column_problem(column: Any, check: Check) -> str | None:
    """"null" when the column has nulls the check refuses, another reason for values of a type
    the check refuses (or NaN and infinities, which strict JSON has not), else None."""
    if column.null_count == len(column):
        return None if type(None) in check.types else "null"
    python_type = _python_type(column.type)
    if python_type not in check.types:
        return f"{column.type} values"
    if python_type is float and not _compute("all", _compute("is_finite", column)).as_py():
        return "NaN or infinite values"
    if check.item_types is not None:
        items = _compute("list_flatten", column)
        if items.null_count or (len(items) and _python_type(items.type) not in check.item_types):
            return f"{column.type} items"
    if column.null_count and type(None) not in check.types:
        return "null"
    return None


def _explicit_null(name: str, data: bytes) -> bool:
    """Whether `data` may hold `"name": null` (possibly inside a nested object: then it is checked line by line too)."""
    return re.search(rb'"%s"\s*:\s*null' % re.escape(name.encode()), data) is not None


def _compute(function: str, *arguments: Any) -> Any:
    """Call an Arrow compute function (pyarrow.compute's wrappers take 0.1 s to import: a tenth
    of a 100,000-record export)."""
    from pyarrow._compute import call_function

    return call_function(function, list(arguments))
