"""Across the archive: indicator series, concordance, word frequencies and an HTML report.

    from newsmine.analyze import build_series, SeriesFilter, concordance, word_pattern
    rows = build_series(figures, SeriesFilter(indicators={"国内生产总值"}, kinds={"percent"}))
    hits = concordance(articles, word_pattern(["增长"]), width=15)

Each module is plain functions over records: series.py (facts from figures), chart.py
(matplotlib plots), kwic.py, freq.py, report.py (the offline HTML report).
"""

from newsmine.analyze.freq import WordFilter, count_words, top_keywords, top_words
from newsmine.analyze.kwic import concordance, plain_line, word_pattern
from newsmine.analyze.series import SeriesFilter, build_series, period_grain, period_label, series_lines

__all__ = [
    "SeriesFilter",
    "WordFilter",
    "build_series",
    "concordance",
    "count_words",
    "period_grain",
    "period_label",
    "plain_line",
    "series_lines",
    "top_keywords",
    "top_words",
    "word_pattern",
]
