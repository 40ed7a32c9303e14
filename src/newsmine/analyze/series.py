"""Indicator time series from figure records: one row per fact, the same fact quoted again counted once.

A fact is an indicator's value for a subject over a period: the figures that share its key

    indicator, subject, kind, unit, period_start, period_end, modality, comparison

are mentions of one fact. When they disagree, the value said most often wins, then the value of
the latest report (`date`), then the one read last; the others are listed in `conflict`.
Values are signed: a decrease (下降3%) is -3. `comparison` tells 环比 (period on period) and
other stated bases (比2019年) from the usual year-on-year growth, so they are not taken for
conflicting mentions of it.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import regex

MODALITIES = ("outcome", "target", "forecast")
GRAINS = ("day", "month", "quarter", "half", "year", "to_date", "years", "other")
_GRAIN_ORDER = {grain: number for number, grain in enumerate(GRAINS)}
NO_SUBJECT = "none"  # in a --subject list: figures without a subject
PERIOD_ON_PERIOD = "环比"
VALUE_DIGITS = 10  # values equal to this many decimals are the same value

_YEAR_ON_YEAR = regex.compile(r"同比|同期|(?:上|去|前一)年(?:年末|末|底|全年)?$|^(?:比|较|相比|较之)?(?:上|去)年")
_PREVIOUS_PERIOD = regex.compile(r"环比|上(?:个|一)?(?:月|季|旬|周)|前一(?:个)?(?:月|季)")


@dataclass(frozen=True)
class SeriesFilter:
    """Which figures count: each collection None means any. `modalities` holds "outcome" for
    modality null; `grains` are names from GRAINS; `start`/`end` bound the period (ISO, inclusive)."""

    indicators: Collection[str] | None = None
    subjects: Collection[str] | None = None  # NO_SUBJECT stands for a figure without subject
    kinds: Collection[str] | None = None
    modalities: Collection[str] | None = ("outcome",)
    grains: Collection[str] | None = None
    start: str | None = None
    end: str | None = None

    def accepts(self, figure: dict, grain: str) -> bool:
        subject = figure.get("subject") or NO_SUBJECT
        return (
            (self.indicators is None or figure.get("indicator") in self.indicators)
            and (self.subjects is None or subject in self.subjects)
            and (self.kinds is None or figure.get("kind") in self.kinds)
            and (self.modalities is None or (figure.get("modality") or "outcome") in self.modalities)
            and (self.grains is None or grain in self.grains)
            and (self.start is None or figure["period_start"] >= self.start)
            and (self.end is None or figure["period_end"] <= self.end)
        )


class _Mention(NamedTuple):
    """One figure as a mention of a fact."""

    value: tuple[float | None, float | None, float | None]  # signed_value
    figure: str
    date: str | None
    period: str | None
    seen: int  # its place in the input


def build_series(figures: Iterable[dict], selection: SeriesFilter = SeriesFilter()) -> list[dict]:
    """The `series` records of the figures that have an indicator and a resolved period, sorted
    by indicator, subject, kind, unit, modality, comparison and period."""
    facts: dict[tuple, list[_Mention]] = {}
    for seen, figure in enumerate(figures):
        indicator, start, end = figure.get("indicator"), figure.get("period_start"), figure.get("period_end")
        if not (indicator and start and end and figure.get("type") == "figure"
                and type(indicator) is str and type(start) is str and type(end) is str):  # fmt: skip
            continue
        grain = period_grain(start, end)
        if not selection.accepts(figure, grain):
            continue
        get = figure.get
        key = (indicator, get("subject"), get("kind"), get("unit"), start, end, get("modality"), comparison(get("basis")))
        date, period = get("date"), get("period")
        mention = _Mention(signed_value(figure), str(get("id")), date if type(date) is str else None,
                           period if type(period) is str else None, seen)  # fmt: skip
        mentions = facts.get(key)
        if mentions is None:
            facts[key] = [mention]
        else:
            mentions.append(mention)
    rows = [_row(key, mentions) for key, mentions in facts.items()]
    rows.sort(key=_row_order)
    return rows


def _row(key: tuple, mentions: list[_Mention]) -> dict[str, Any]:
    indicator, subject, kind, unit, start, end, modality, compared = key
    if len(mentions) == 1:  # most facts are said once
        ranked, period = [mentions], mentions[0].period
    else:
        readings: dict[tuple, list[_Mention]] = {}
        for mention in mentions:
            readings.setdefault(mention.value, []).append(mention)
        ranked = sorted(readings.values(), key=_rank, reverse=True)
        periods = Counter(mention.period for mention in mentions if mention.period)
        period = periods.most_common(1)[0][0] if periods else None
    return {
        "type": "series",
        "id": series_id(key),
        "indicator": indicator, "subject": subject, "kind": kind, "unit": unit,
        "period_start": start, "period_end": end, "grain": period_grain(start, end),
        "period": period, "modality": modality, "comparison": compared,
        **_reading(ranked[0]),
        "conflict": [_reading(reading) for reading in ranked[1:]],
    }  # fmt: skip


def _rank(reading: list[_Mention]) -> tuple:
    """Sort key of the winning value: most mentions, then the latest report, then read last."""
    return len(reading), max((mention.date or "" for mention in reading)), reading[-1].seen


def _reading(reading: list[_Mention]) -> dict[str, Any]:
    """The mentions of one value: the value, how many, the first and last report, the figures."""
    value, low, high = reading[0].value
    if len(reading) == 1:
        first = last = reading[0].date
    else:
        dates = [mention.date for mention in reading if mention.date]
        first, last = min(dates, default=None), max(dates, default=None)
    return {
        "value": value, "low": low, "high": high, "n": len(reading), "first_date": first, "last_date": last,
        "figures": [mention.figure for mention in reading],
    }  # fmt: skip


def _row_order(row: dict) -> tuple:
    """Rows of one line (series_lines) together, in time order."""
    return (row["indicator"], row["subject"] or "", row["kind"] or "", row["unit"] or "", row["modality"] or "",
            row["comparison"] or "", _GRAIN_ORDER[row["grain"]], row["period_start"], row["period_end"])  # fmt: skip


def series_id(key: tuple) -> str:
    """A readable stable id: indicator/subject/kind/unit/start..end/modality[/comparison]."""
    indicator, subject, kind, unit, start, end, modality, compared = key
    parts = [indicator, subject or "-", kind or "-", unit or "-", f"{start}..{end}", modality or "outcome"]
    if compared:
        parts.append(compared)
    return "/".join(parts)


# --------------------------------------------------------------------------- values and bases


def signed_value(figure: dict) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) of a figure, negated for a decrease and rounded to VALUE_DIGITS."""
    sign = -1 if figure.get("change") == "decrease" else 1
    value, low, high = _rounded(figure.get("value"), sign), _rounded(figure.get("low"), sign), _rounded(figure.get("high"), sign)
    if sign < 0 and low is not None and high is not None:
        low, high = high, low
    return value, low, high


def _rounded(number: Any, sign: int) -> float | None:
    """A JSON number times `sign`: whole numbers as int, others rounded to VALUE_DIGITS; else None."""
    kind = type(number)
    if kind is int:
        return sign * number
    if kind is not float:
        return None
    number = round(sign * number, VALUE_DIGITS)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


@lru_cache(maxsize=4096)
def comparison(basis: str | None) -> str | None:
    """What a growth figure is compared with: None for year on year (同比, 比上年, 较去年同期)
    or unstated, "环比" for the previous period (环比, 比上月, 比上季度), else the basis as written."""
    if not basis:
        return None
    if _PREVIOUS_PERIOD.search(basis):
        return PERIOD_ON_PERIOD
    if _YEAR_ON_YEAR.search(basis):
        return None
    return basis


# --------------------------------------------------------------------------- periods


@lru_cache(maxsize=4096)
def period_grain(start: str, end: str) -> str:
    """The length of the period [start, end] (ISO dates, inclusive): day, month, quarter, half,
    year, to_date (from 1 January to a month's end, e.g. 1–9月), years (whole years), or other."""
    try:
        first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    except ValueError:
        return "other"
    if first == last:
        return "day"
    if first.day != 1 or last != _month_end(last.year, last.month):
        return "other"
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months == 1:
        return "month"
    if months == 3 and first.month in (1, 4, 7, 10):
        return "quarter"
    if months == 6 and first.month in (1, 7):
        return "half"
    if months == 12 and first.month == 1:
        return "year"
    if first.month == 1 and months % 12 == 0:
        return "years"
    if first.month == 1 and months < 12:
        return "to_date"
    return "other"


def period_label(start: str, end: str) -> str:
    """A short name of a period: 2024, 2024-H1, 2024-Q3, 2024-03, 2024-01..09, 2021..2025, or start..end."""
    grain = period_grain(start, end)
    year, month = start[:4], int(start[5:7]) if len(start) >= 7 else 1
    if grain == "year":
        return year
    if grain == "half":
        return f"{year}-H{1 if month == 1 else 2}"
    if grain == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if grain == "month":
        return start[:7]
    if grain == "to_date":
        return f"{year}-01..{end[5:7]}"
    if grain == "years":
        return f"{year}..{end[:4]}"
    if grain == "day":
        return start
    return f"{start}..{end}"


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def date_bound(text: str, upper: bool) -> str:
    """An ISO date from YYYY, YYYY-MM or YYYY-MM-DD: the first day of it, or the last with `upper`.

    Raises ValueError for anything else.
    """
    parts = text.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts) or len(parts[0]) != 4:
        raise ValueError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(parts[0])
    if len(parts) == 1:
        return f"{year:04d}-12-31" if upper else f"{year:04d}-01-01"
    month = int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f"not a date: {text!r} (month {month})")
    if len(parts) == 2:
        return _month_end(year, month).isoformat() if upper else f"{year:04d}-{month:02d}-01"
    return datetime.date(year, month, int(parts[2])).isoformat()


# --------------------------------------------------------------------------- lines

LINE_FIELDS = ("indicator", "subject", "kind", "unit", "modality", "comparison", "grain")


def series_lines(rows: Iterable[dict]) -> list[dict]:
    """`series` rows grouped into lines (rows alike but for the period), each line's points in
    time order: [{"key": {LINE_FIELDS...}, "label": str, "rows": [row, ...]}], longest first."""
    lines: dict[tuple, list[dict]] = {}
    for row in rows:
        lines.setdefault(tuple(row.get(name) for name in LINE_FIELDS), []).append(row)
    result = []
    for key, members in lines.items():
        members.sort(key=lambda row: (row["period_start"], row["period_end"]))
        fields = dict(zip(LINE_FIELDS, key))
        result.append({"key": fields, "label": line_label(fields), "rows": members})
    result.sort(key=lambda line: (-len(line["rows"]), line["label"]))
    return result


def line_label(fields: dict) -> str:
    """A line's name: indicator · subject · grain, with the modality and comparison when stated."""
    parts = [fields.get("indicator"), fields.get("subject"), fields.get("grain")]
    if fields.get("modality"):
        parts.append(fields["modality"])
    parts.append(fields.get("comparison"))
    return " · ".join(str(part) for part in parts if part)
