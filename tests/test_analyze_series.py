"""`newsmine series`: facts from figure records, one row per fact, through the CLI and the library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmine.analyze.series import SeriesFilter, build_series, comparison, date_bound, period_grain, period_label
from newsmine.cli import app

DATA = Path(__file__).resolve().parent / "data"
RUN = DATA / "analyze-run"  # a `run` folder of two invented issues, figures with fact fields
EXTRA = DATA / "analyze-figures-extra.jsonl"  # more figures: a province, cumulative spans, a range target, a forecast
GDP = "国内生产总值"


def rows_of(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def series(runner, *args: str, stdin: str | None = None) -> list[dict]:
    return rows_of(runner.invoke(app, ["series", *args], input=stdin))


def by_period(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(row["period_start"], row["period_end"]): row for row in rows}


def test_gdp_growth_from_a_run_folder_one_row_per_quarter_and_year(runner):
    rows = series(runner, str(RUN), "--indicator", GDP, "--kind", "percent", "--subject", "中国")
    assert all(row["type"] == "series" and row["indicator"] == GDP and row["modality"] is None for row in rows)
    yoy = by_period([row for row in rows if row["comparison"] is None])
    assert {period: row["value"] for period, row in yoy.items()} == {
        ("2023-01-01", "2023-03-31"): 4.5,
        ("2023-04-01", "2023-06-30"): 6.3,
        ("2023-07-01", "2023-09-30"): 4.9,
        ("2023-10-01", "2023-12-31"): 5.2,
        ("2023-01-01", "2023-12-31"): 5.2,
        ("2024-01-01", "2024-03-31"): 5.3,
    }
    # 2023's first quarter was reported in January and again in April: one fact, two mentions
    first_quarter = yoy[("2023-01-01", "2023-03-31")]
    assert first_quarter["n"] == 2 and (first_quarter["first_date"], first_quarter["last_date"]) == ("2024-01-18", "2024-04-17")
    assert len(first_quarter["figures"]) == 2 and first_quarter["conflict"] == []
    assert first_quarter["grain"] == "quarter" and first_quarter["period"] == "一季度"


def test_a_disagreeing_mention_is_a_conflict_and_the_most_mentioned_value_wins(runner):
    year = by_period(series(runner, str(RUN / "figures.jsonl"), "--indicator", GDP, "--kind", "percent"))
    row = year[("2023-01-01", "2023-12-31")]
    assert row["value"] == 5.2 and row["n"] == 2
    assert [(other["value"], other["n"], other["last_date"]) for other in row["conflict"]] == [(5.4, 1, "2024-04-17")]
    assert row["conflict"][0]["figures"] == ["tests/data/analyze-pages/2024/04/17/01.txt#2/3"]


def test_on_a_tie_the_latest_report_wins():
    said = [
        {"type": "figure", "id": "a#1/1", "date": "2024-01-10", "indicator": "出口", "kind": "percent", "value": 3.1,
         "period_start": "2023-01-01", "period_end": "2023-12-31"},
        {"type": "figure", "id": "b#1/1", "date": "2024-03-02", "indicator": "出口", "kind": "percent", "value": 3.3,
         "period_start": "2023-01-01", "period_end": "2023-12-31"},
    ]  # fmt: skip
    for figures in (said, said[::-1]):
        [row] = build_series(figures)
        assert row["value"] == 3.3 and [other["value"] for other in row["conflict"]] == [3.1]


def test_period_on_period_growth_is_not_taken_for_a_conflicting_year_on_year_figure(runner):
    rows = series(runner, str(RUN), "--indicator", GDP, "--kind", "percent", "--grain", "quarter")
    quarter = [row for row in rows if row["period_start"] == "2024-01-01"]
    assert sorted((row["comparison"] or "", row["value"]) for row in quarter) == [("", 5.3), ("环比", 1.6)]
    assert all(row["conflict"] == [] for row in quarter)


def test_targets_and_forecasts_only_when_asked(runner):
    inputs = [str(RUN), str(EXTRA)]
    outcomes = series(runner, *inputs, "--indicator", GDP, "--kind", "percent")
    assert {row["modality"] for row in outcomes} == {None}
    targets = series(runner, *inputs, "--indicator", GDP, "--modality", "target")
    assert [(row["period_start"][:4], row["value"], row["low"], row["high"]) for row in targets] == [
        ("2024", 5, None, None), ("2025", None, 4.5, 5),
    ]  # fmt: skip
    every = series(runner, *inputs, "--indicator", GDP, "--kind", "percent", "--modality", "all")
    assert {row["modality"] for row in every} == {None, "target", "forecast"}
    assert series(runner, *inputs, "--modality", "forecast,target", "--indicator", GDP) == [
        row for row in every if row["modality"] in ("forecast", "target")
    ]


def test_grain_keeps_cumulative_spans_apart(runner):
    inputs = [str(RUN), str(EXTRA)]
    rows = series(runner, *inputs, "--indicator", GDP, "--kind", "percent", "--subject", "中国")
    grains = {(row["grain"], row["period_start"], row["period_end"]): row["value"] for row in rows if not row["comparison"]}
    assert grains[("half", "2023-01-01", "2023-06-30")] == 5.5
    assert grains[("to_date", "2023-01-01", "2023-09-30")] == 5.2
    halves = series(runner, *inputs, "--indicator", GDP, "--grain", "half,to_date")
    assert {row["grain"] for row in halves} == {"half", "to_date"}


def test_subject_none_from_and_to(runner):
    inputs = [str(RUN), str(EXTRA)]
    zhejiang = series(runner, *inputs, "--indicator", GDP, "--subject", "浙江")
    assert [(row["subject"], row["value"]) for row in zhejiang] == [("浙江", 6)]
    local = series(runner, *inputs, "--subject", "none")
    assert local and all(row["subject"] is None for row in local)
    assert {row["indicator"] for row in local} == {"新能源汽车产量", "新能源汽车产值", "春播面积"}
    in_2024 = series(runner, *inputs, "--indicator", GDP, "--from", "2024", "--to", "2024-03")
    assert {(row["period_start"], row["period_end"]) for row in in_2024} == {("2024-01-01", "2024-03-31")}


def test_decreases_are_negative_and_shares_of_gdp_are_another_indicator(runner):
    rows = series(runner, str(RUN), "--indicator", "单位国内生产总值能耗")
    assert [(row["value"], row["kind"]) for row in rows] == [(-0.5, "percent")]
    assert all(row["indicator"] == GDP for row in series(runner, str(RUN), "--indicator", GDP))


def test_stdin_and_figures_without_facts(runner):
    text = EXTRA.read_text(encoding="utf-8")
    rows = series(runner, "--modality", "all", stdin=text)
    assert len(rows) == 5  # the sixth figure has no indicator or period: not a fact
    assert rows == series(runner, str(EXTRA), "--modality", "all")


def test_rows_go_through_export(runner, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(runner.invoke(app, ["series", str(RUN)]).stdout, encoding="utf-8")
    result = runner.invoke(app, ["export", str(rows), "-o", "-", "-f", "csv", "--fields", "indicator,period_start,value,n"])
    assert result.exit_code == 0, result.stderr
    assert "国内生产总值,2023-01-01,5.2,2" in result.stdout.splitlines()


def test_a_run_folder_reads_only_its_figures(runner, tmp_path):
    folder = tmp_path / "mined"
    shutil.copytree(RUN, folder)
    assert series(runner, str(folder)) == series(runner, str(RUN / "figures.jsonl"))


def test_bad_lines_are_reported_and_the_rest_counted(runner, tmp_path):
    bad = tmp_path / "bad.jsonl"
    lines = (RUN / "figures.jsonl").read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[1], "{oops", lines[2]]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["series", str(bad)])
    assert result.exit_code == 1 and f"{bad}:2: invalid JSON" in result.stderr
    assert len(result.stdout.splitlines()) == 2


@pytest.mark.parametrize(
    "option, value, message",
    [("--modality", "hope", "unknown hope"), ("--grain", "week", "unknown week"), ("--kind", "money,pct", "unknown pct"),
     ("--from", "2024/01", "not a date"), ("--plot", "chart.pdf", ".svg or .png")],
)  # fmt: skip
def test_usage_errors(runner, option, value, message):
    result = runner.invoke(app, ["series", str(RUN), option, value])
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_plot(runner, tmp_path, suffix):
    plot = tmp_path / f"gdp{suffix}"
    result = runner.invoke(app, ["series", str(RUN), str(EXTRA), "--indicator", GDP, "--kind", "percent",
                                 "--modality", "all", "--plot", str(plot)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = plot.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
    else:
        svg = data.decode("utf-8")
        # Chinese labels are drawn as outlines: no text left for a viewer without Chinese fonts
        assert svg.startswith("<?xml") and "<text" not in svg and svg.count("<path") > 50


def test_plot_without_rows_is_an_error(runner, tmp_path):
    result = runner.invoke(app, ["series", str(RUN), "--indicator", "无此指标", "--plot", str(tmp_path / "x.svg")])
    assert result.exit_code == 1 and "no series rows to plot" in result.stderr
    assert not (tmp_path / "x.svg").exists()


# --------------------------------------------------------------------------- periods and bases


@pytest.mark.parametrize(
    "start, end, grain, label",
    [("2024-01-01", "2024-12-31", "year", "2024"), ("2024-07-01", "2024-12-31", "half", "2024-H2"),
     ("2024-04-01", "2024-06-30", "quarter", "2024-Q2"), ("2024-02-01", "2024-02-29", "month", "2024-02"),
     ("2024-01-01", "2024-09-30", "to_date", "2024-01..09"), ("2021-01-01", "2025-12-31", "years", "2021..2025"),
     ("2024-03-05", "2024-03-05", "day", "2024-03-05"), ("2024-02-01", "2024-04-30", "other", "2024-02-01..2024-04-30"),
     ("2024-01-01", "2024-04-16", "other", "2024-01-01..2024-04-16")],
)  # fmt: skip
def test_period_grain_and_label(start, end, grain, label):
    assert period_grain(start, end) == grain and period_label(start, end) == label


@pytest.mark.parametrize(
    "basis, expected",
    [(None, None), ("同比", None), ("比上年", None), ("较去年同期", None), ("比上年末", None), ("比上年名义", None),
     ("环比", "环比"), ("比上月", "环比"), ("比上年四季度环比", "环比"), ("较上一季度", "环比"),
     ("比2019年", "比2019年"), ("比“十三五”时期", "比“十三五”时期")],
)  # fmt: skip
def test_comparison(basis, expected):
    assert comparison(basis) == expected


def test_date_bounds():
    assert date_bound("2024", False) == "2024-01-01" and date_bound("2024", True) == "2024-12-31"
    assert date_bound("2024-02", True) == "2024-02-29" and date_bound("2023-02-07", True) == "2023-02-07"
    for bad in ("24", "2024-13", "2024/1", "soon"):
        with pytest.raises(ValueError):
            date_bound(bad, False)


@given(st.lists(st.tuples(st.sampled_from([4.5, 5.2, 5.4]), st.sampled_from(["2024-01-18", "2024-04-17", None])),
                min_size=1, max_size=12))  # fmt: skip
def test_every_mention_is_counted_once_and_the_winner_is_said_most(mentions):
    figures = [{"type": "figure", "id": f"a#{i}/1", "date": date, "indicator": GDP, "kind": "percent", "value": value,
                "period_start": "2023-01-01", "period_end": "2023-12-31"} for i, (value, date) in enumerate(mentions)]  # fmt: skip
    [row] = build_series(figures, SeriesFilter())
    readings = [row, *row["conflict"]]
    assert sum(reading["n"] for reading in readings) == len(mentions)
    assert sorted(f for reading in readings for f in reading["figures"]) == sorted(f["id"] for f in figures)
    assert row["n"] == max(reading["n"] for reading in readings)
    assert len({reading["value"] for reading in readings}) == len(readings)
