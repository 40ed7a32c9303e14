"""Charts of `series` rows with matplotlib, as SVG or PNG, legible on machines without Chinese fonts.

Text is set in Noto Sans SC, shipped by the pylopdf-fonts-zh-cn package (SIL OFL), and SVG text
is drawn as glyph outlines, so Chinese labels render the same in any viewer, with or without
Chinese fonts installed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from newsmine.analyze.series import line_label, series_lines

FORMATS = (".svg", ".png")
MAX_LINES = 10
FIGURE_SIZE = (9, 4.8)  # inches
DPI = 120


class PlotError(ValueError):
    """A plot that cannot be drawn (no rows, an unknown file type); str() is a one-line message."""


def plot_series(rows: Sequence[dict], path: str | Path, title: str | None = None) -> list[str]:
    """Draw the `series` rows as lines over time (x: end of each period) into `path` (.svg or .png).

    A line is the rows alike but for the period (series_lines); ranges (low–high, e.g. targets of
    4.5%–5%) are vertical bars. Draws the MAX_LINES longest lines and returns the labels left out.
    """
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise PlotError(f"{path}: a plot is .svg or .png")
    lines = series_lines(rows)
    if not lines:
        raise PlotError("no series rows to plot")
    from matplotlib import rc_context, rcParams
    from matplotlib.figure import Figure

    with rc_context(_style()):
        figure = Figure(figsize=FIGURE_SIZE, dpi=DPI, layout="constrained")
        axes = figure.add_subplot()
        drawn = lines[:MAX_LINES]
        indicators = sorted({line["key"]["indicator"] for line in drawn})
        colors = rcParams["axes.prop_cycle"].by_key()["color"]
        for number, line in enumerate(drawn):
            # one indicator: it is the title, and the legend names the rest of each line's key
            label = line_label({**line["key"], "indicator": None}) if len(indicators) == 1 else line["label"]
            _draw_line(axes, line["rows"], label, colors[number % len(colors)])
        units = sorted({str(line["key"]["unit"]) for line in drawn if line["key"]["unit"]})
        axes.set_ylabel(" / ".join(units))
        axes.set_title(title or " / ".join(indicators))
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
        figure.autofmt_xdate()
        figure.savefig(path, metadata={"Date": None} if path.suffix.lower() == ".svg" else None)
    return [line["label"] for line in lines[MAX_LINES:]]


def _draw_line(axes, rows: list[dict], label: str, color: str) -> None:
    """One line: its values joined over time, its ranges as vertical bars in the same colour."""
    points = [(_date(row["period_end"]), row["value"]) for row in rows if row["value"] is not None]
    drawn = axes.plot(*zip(*points), marker="o", markersize=4, color=color, label=label) if points else None
    ranges = [(_date(row["period_end"]), row["low"], row["high"]) for row in rows
              if row["value"] is None and row["low"] is not None and row["high"] is not None]  # fmt: skip
    if ranges:
        dates, lows, highs = zip(*ranges)
        axes.vlines(dates, lows, highs, colors=color, linewidth=6, alpha=0.8, label=None if drawn else label)


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@cache
def _style() -> dict:
    """matplotlib settings: the shipped Chinese font, SVG text as outlines, reproducible SVG ids."""
    from matplotlib import font_manager
    from pylopdf_fonts_zh_cn import sans_path

    font_file = str(sans_path())
    font_manager.fontManager.addfont(font_file)
    family = font_manager.FontProperties(fname=font_file).get_name()
    return {
        "font.family": [family],
        "axes.unicode_minus": False,  # the font has no U+2212
        "svg.fonttype": "path",
        "svg.hashsalt": "newsmine",
    }
