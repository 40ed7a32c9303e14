"""Issue date and page number from an input's path (`2022/02/10/01.txt` -> 2022-02-10, page 1)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

import regex

# A date written as year, month, day (separated by / - _ . or 年月日, or as 8 digits), then
# optionally the page: a separator, an optional "p"/"page"/"第" or section letter, 1-3 digits, an optional 版/页.
# (The `regex` module allows the same group name in both alternatives.)
DEFAULT_DATE_PATTERN = r"""
    (?<!\d)
    (?:
        (?P<year>(?:19|20)\d{2}) [-_./年] (?P<month>\d{1,2}) [-_./月] (?P<day>\d{1,2}) 日?
      | (?P<year>(?:19|20)\d{2}) (?P<month>\d{2}) (?P<day>\d{2})
    )
    (?!\d)
    (?:
        [-_./ ]* (?:p|pg|page|第|[A-Z])? (?P<page>\d{1,3}) (?:版|页)? (?!\d)
    )?
"""


class DatePatternError(ValueError):
    """A --date-pattern that does not compile or names none of year/month/day/page."""


@dataclass(frozen=True)
class DateMatcher:
    """Finds an issue date and page in a path with a regular expression using named groups.

    Groups: `year`, `month`, `day` (all three for a date) and `page`; each optional. The last
    match in the path wins, so the file name beats the folders above it.
    """

    pattern: str = DEFAULT_DATE_PATTERN
    verbose: bool = True

    def __post_init__(self) -> None:
        compiled = self.compiled
        if not {"year", "month", "day", "page"} & set(compiled.groupindex):
            raise DatePatternError("the date pattern must have named groups year, month, day and/or page")

    @cached_property
    def compiled(self) -> regex.Pattern:
        try:
            return regex.compile(self.pattern, regex.VERBOSE if self.verbose else 0)
        except regex.error as exc:
            raise DatePatternError(f"invalid date pattern: {exc}") from None

    def find(self, path: str) -> tuple[str | None, int | None]:
        """The (date as "YYYY-MM-DD", page) carried by `path`; None for what it does not carry."""
        path = path.replace("\\", "/")
        best: tuple[str | None, int | None] = (None, None)
        groups = set(self.compiled.groupindex)
        dated = {"year", "month", "day"} <= groups
        for match in self.compiled.finditer(path, overlapped=True):
            date = _date_of(match) if dated else None
            page = int(match["page"]) if "page" in groups and match["page"] else None
            # With date groups, a match is only believed when it is a real calendar date.
            if (dated and date is None) or (date is None and page is None):
                continue
            best = (date, page)
        return best


def _date_of(match: regex.Match) -> str | None:
    if not (match["year"] and match["month"] and match["day"]):
        return None
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
    except ValueError:
        return None


def date_matcher(pattern: str | None) -> DateMatcher:
    """The default matcher, or one for a user's --date-pattern (a plain, non-verbose regex)."""
    if pattern is None:
        return DateMatcher()
    return DateMatcher(pattern, verbose=False)
