"""Golden test: every figure on the bundled sample page, through the real `split | stats` CLI."""

from __future__ import annotations

import json

import pytest

from conftest import GOLDEN
from newsmine.cli import app

GOLDEN_FIGURES = GOLDEN / "pinghu-front-page.figures.jsonl"
FIELDS = ("text", "kind", "value", "low", "high", "unit", "approx", "qualifier", "change", "basis")


@pytest.fixture(scope="module")
def page_figures(tmp_path_factory) -> list[dict]:
    from typer.testing import CliRunner

    from conftest import SAMPLE_PAGE

    runner = CliRunner()
    split = runner.invoke(app, ["split", str(SAMPLE_PAGE)])
    assert split.exit_code == 0, split.output
    articles = tmp_path_factory.mktemp("golden") / "articles.jsonl"
    articles.write_text(split.stdout, encoding="utf-8")
    stats = runner.invoke(app, ["stats", str(articles)])
    assert stats.exit_code == 0, stats.output
    figures = [json.loads(line) for line in stats.stdout.splitlines()]
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in split.stdout.splitlines()}
    for figure in figures:
        assert texts[figure["article"]][figure["start"] : figure["end"]] == figure["text"]
        figure["article_text"] = texts[figure["article"]]
    return figures


def test_sample_page_matches_golden(page_figures) -> None:
    expected = [json.loads(line) for line in GOLDEN_FIGURES.read_text(encoding="utf-8").splitlines()]
    assert [{field: f[field] for field in FIELDS} for f in page_figures] == expected


def by_text(figures: list[dict], text: str) -> dict:
    matches = [f for f in figures if f["text"] == text]
    assert len(matches) == 1, (text, matches)
    return matches[0]


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "approx", "change"),
    [
        ("150亿元", "money", 15_000_000_000, "CNY", None, None),
        ("112.2亿元", "money", 11_220_000_000, "CNY", None, None),
        ("18个", "count", 18, "个", None, None),
        ("4.03亿美元", "money", 403_000_000, "USD", None, None),
        ("1612.3亿元", "money", 161_230_000_000, "CNY", None, None),
        ("增长31.7%", "percent", 31.7, "%", None, "increase"),
        ("10支", "count", 10, "支", None, None),
        ("28条", "count", 28, "条", None, None),
        ("1.64:1", "ratio", 1.64, None, None, None),
        ("1016个", "count", 1016, "个", None, None),
        ("4万余名", "count", 40_000, "名", "over", None),
        ("60座", "count", 60, "座", None, None),
        ("30座", "count", 30, "座", None, None),
        ("98%", "percent", 98, "%", None, None),
        ("140多个", "count", 140, "个", "over", None),
        ("10亿元", "money", 1_000_000_000, "CNY", None, None),
        ("增长25%", "percent", 25, "%", None, "increase"),
        ("3亿元左右", "money", 300_000_000, "CNY", "about", "increase"),
        ("93.5%", "percent", 93.5, "%", None, None),
        ("15个", "count", 15, "个", None, None),
        ("97家", "count", 97, "家", None, None),
        ("5.3万台", "count", 53_000, "台", None, None),
        ("增长112%", "percent", 112, "%", None, "increase"),
        ("2500亿元", "money", 250_000_000_000, "CNY", None, None),
        ("5.94亿美元", "money", 594_000_000, "USD", None, None),
    ],
)
def test_key_figures(page_figures, text, kind, value, unit, approx, change) -> None:
    figure = by_text(page_figures, text)
    assert (figure["kind"], figure["value"], figure["unit"], figure["approx"], figure["change"]) == (
        kind, value, unit, approx, change
    )


def test_shared_verb_across_the_repaired_line_break(page_figures) -> None:
    first, second = by_text(page_figures, "增长9.1%"), by_text(page_figures, "10.1%")
    for figure, value in ((first, 9.1), (second, 10.1)):
        assert (figure["value"], figure["change"], figure["basis"], figure["metric"]) == (value, "increase", "同比", "城乡居民收入")


@pytest.mark.parametrize(
    "phrase",
    ["2021年", "2023年", "第一名", "第五年", "二院23所", "“上市100”", "“12458”", "世界500强", "一年一个样",
     "三年大变样", "三大行动", "四大工程", "一体化", "一系列", "长三角", "三连冠四连胜五连赢", "五连赢", "一公里外",
     "八个一流", "过去五年", "今后五年", "五年的", "连续三年", "一以贯之"],
)
def test_no_dates_names_or_idioms(page_figures, phrase) -> None:
    """No figure overlaps any occurrence of these phrases in the articles."""
    seen = False
    for figure in page_figures:
        text = figure["article_text"]
        start = text.find(phrase)
        while start != -1:
            seen = True
            assert not (figure["start"] < start + len(phrase) and start < figure["end"]), (phrase, figure["text"])
            start = text.find(phrase, start + 1)
    assert seen, f"{phrase} is not on the page"


@pytest.mark.parametrize("phrase", ["发布2022“提质提效年”", "详见本期3版、4版", "2021年度先进集体"])
def test_no_figures_in_raw_page_headings(phrase) -> None:
    """Read as one plain-text document (no split), the page's headings give no figure either."""
    from conftest import SAMPLE_PAGE
    from newsmine.stats import extract_figures

    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    start = text.index(phrase)
    assert not [f for f in extract_figures(text) if f["start"] < start + len(phrase) and start < f["end"]]
