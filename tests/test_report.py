"""`newsmine report`: one offline HTML file, checked as a file and in a real headless browser (chromium).

The browser tests need Debian's chromium and chromium-driver (`make install-test` installs them);
they are skipped where chromium is missing, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from newsmine.analyze.report import CHUNK_BYTES
from newsmine.cli import app

DATA = Path(__file__).resolve().parent / "data"
RUN = DATA / "analyze-run"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,900")  # fmt: skip


def build(runner, tmp_path: Path, *inputs: str, name: str = "report.html") -> Path:
    output = tmp_path / name
    result = runner.invoke(app, ["report", *inputs, "-o", str(output)])
    assert result.exit_code == 0, result.stderr
    return output


def embedded(page: str) -> tuple[dict, dict[int, list[dict]]]:
    """The report's index and its unpacked article blocks."""
    index = json.loads(re.search(r'<script type="application/json" id="nm-index">(.*?)</script>', page).group(1))
    chunks = {
        int(number): json.loads(gzip.decompress(base64.b64decode(data)))
        for number, data in re.findall(r'<script type="text/plain" id="nm-chunk-(\d+)">([^<]*)</script>', page)
    }
    return index, chunks


@pytest.fixture
def report(runner, tmp_path) -> Path:
    return build(runner, tmp_path, str(RUN))


def test_report_is_one_self_contained_file(report):
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # nothing is fetched: no linked or imported scripts, stylesheets, fonts or images
    assert not re.search(r"<(?:link|img|iframe)\b|\bsrc\s*=|@import|@font-face|url\(", page)
    assert "<script" in page and "<style>" in page


def test_report_embeds_articles_figures_series_and_run_summary(report):
    index, chunks = embedded(report.read_text(encoding="utf-8"))
    assert [issue["date"] for issue in index["issues"]] == ["2024-01-18", "2024-04-17"]
    assert index["totals"] == {"issues": 2, "articles": 4, "figures": 24, "series": 16, "facts": 21}
    articles = [article for issue in index["issues"] for number in issue["chunks"] for article in chunks[number]]
    first = articles[0]
    assert first["title"] == "去年经济总量迈上新台阶" and first["text"].startswith("国家统计局17日发布数据")
    figure = first["figures"][1]
    assert first["text"][figure["start"] : figure["end"]] == figure["text"] == "增长5.2%"
    assert figure["indicator"] == "国内生产总值" and figure["subject"] == "中国" and figure["basis"] == "比上年"
    assert figure["period"] == "2023年 = 2023 (2023-01-01 – 2023-12-31)" and figure["change"] == "increase"
    gdp = next(line for line in index["series"] if line["label"] == "国内生产总值 · 中国 · quarter" and line["kind"] == "percent")
    assert [(point["period"], point["value"]) for point in gdp["points"]] == [
        ("2023-Q1", 4.5), ("2023-Q2", 6.3), ("2023-Q3", 4.9), ("2023-Q4", 5.2), ("2024-Q1", 5.3),
    ]  # fmt: skip
    summary = index["summary"]
    assert (summary["inputs"], summary["done"], summary["failed"]) == (3, 2, 1)
    assert (summary["articles"], summary["figures"]) == (4, 24)
    assert summary["errors"][0]["reason"] == "binary file (not text); skipped"


def test_report_from_record_files_has_no_run_summary(runner, tmp_path):
    report = build(runner, tmp_path, str(RUN / "articles.jsonl"), str(RUN / "figures.jsonl"))
    index, _ = embedded(report.read_text(encoding="utf-8"))
    assert index["summary"] is None and index["totals"]["figures"] == 24


def test_report_usage_errors_and_bad_lines(runner, tmp_path):
    assert runner.invoke(app, ["report", "-", "-o", str(tmp_path / "r.html")]).exit_code == 2
    assert runner.invoke(app, ["report", str(RUN), "-o", str(tmp_path / "missing" / "r.html")]).exit_code == 2
    bad = tmp_path / "bad.jsonl"
    lines = (RUN / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[0], "{oops", lines[1]]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and result.stderr.count(f"{bad}:2: invalid JSON") == 1  # read twice, told once
    index, _ = embedded((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert index["totals"]["articles"] == 2


def big_archive(folder: Path, issues: int = 1000) -> Path:
    """A run-like folder of `issues` dated issues of two short articles each (no manifest: plain records)."""
    folder.mkdir()
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as articles:
        for day in range(issues):
            date = f"{2021 + day // 336}-{day % 336 // 28 + 1:02d}-{day % 28 + 1:02d}"
            for seq in (1, 2):
                text = f"第{day}期第{seq}篇。全市粮食产量比上年增长{seq}.5%，" + "各地持续推进高标准农田建设。" * 40
                record = {"type": "article", "id": f"{date}.txt#{seq}", "date": date, "title": f"第{day}期要闻{seq}", "text": text}
                articles.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder / "articles.jsonl"


def test_a_thousand_issues_stay_small_and_in_blocks(runner, tmp_path):
    articles = big_archive(tmp_path / "archive")
    report = build(runner, tmp_path, str(articles))
    page = report.read_text(encoding="utf-8")
    index, chunks = embedded(page)
    assert len(index["issues"]) == 1000 and len(chunks) == 1000
    assert report.stat().st_size < articles.stat().st_size / 5  # compressed: repetitive text packs well
    assert max(len(json.dumps(chunk, ensure_ascii=False)) for chunk in chunks.values()) < 2 * CHUNK_BYTES


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser():
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        if os.environ.get("CI"):
            pytest.fail(f"CI needs chromium and chromedriver ({CHROMIUM}, {CHROMEDRIVER}): run `make install-test`")
        pytest.skip("chromium and chromium-driver are not installed (make install-test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="newsmine-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path) -> list[dict]:
    """Load the report, wait until it has drawn its first issue; return the console's messages."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # forget earlier pages' messages
    driver.get(path.as_uri())
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))
    return driver.get_log("browser")


def problems(messages: list[dict]) -> list[dict]:
    return [message for message in messages if message["level"] in ("SEVERE", "WARNING")]


def test_browser_loads_without_errors_and_highlights_the_figures(browser, report):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    assert problems(open_page(browser, report)) == []
    heading = browser.find_element(By.CSS_SELECTOR, ".issue h2").text
    assert heading.startswith("2024-04-17")  # the newest issue first
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.fig")
    assert [mark.text for mark in marks] == ["296299亿元", "增长5.3%", "增长1.6%", "增长4.5%", "增长5.2%", "5%左右",
                                             "12.5万亩", "增加8%", "增长5.4%"]  # fmt: skip
    ActionChains(browser).move_to_element(marks[1]).perform()
    tip = browser.find_element(By.ID, "tip")
    assert tip.is_displayed()
    for shown in ("增长5.3%", "value 5.3 %", "indicator 国内生产总值", "subject 中国",
                  "period 一季度 = 2024-Q1 (2024-01-01 – 2024-03-31)", "change increase", "basis 同比"):  # fmt: skip
        assert shown in tip.text.replace("\n", " "), tip.text
    ActionChains(browser).move_to_element(browser.find_element(By.CSS_SELECTOR, "h1")).perform()
    assert not tip.is_displayed()


def test_browser_pages_through_issues_series_and_the_run_summary(browser, report):
    from selenium.webdriver.common.by import By

    open_page(browser, report)
    browser.find_element(By.LINK_TEXT, "← 2024-01-18").click()
    browser.implicitly_wait(5)
    assert browser.find_element(By.CSS_SELECTOR, ".issue h2").text.startswith("2024-01-18")
    assert len(browser.find_elements(By.CSS_SELECTOR, "mark.fig")) == 15
    search = browser.find_element(By.CSS_SELECTOR, "input[type=search]")
    search.send_keys("春耕")
    browser.find_element(By.PARTIAL_LINK_TEXT, "春耕备耕有序推进").click()
    assert browser.find_element(By.CSS_SELECTOR, ".issue h2").text.startswith("2024-04-17")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Series").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#view-series tr.line")
    assert len(rows) == 16 and len(browser.find_elements(By.CSS_SELECTOR, "#view-series svg.spark")) == 16
    quarterly = next(row for row in rows if row.text.startswith("国内生产总值 · 中国 · quarter %"))
    assert "2024-Q1: 5.3" in quarterly.text
    quarterly.click()
    assert "2023-Q4" in browser.find_element(By.CSS_SELECTOR, "#view-series tr.detail:not([hidden])").text
    browser.find_element(By.PARTIAL_LINK_TEXT, "Run summary").click()
    summary = browser.find_element(By.ID, "view-run").text
    assert "3 (2 done, 1 failed)" in summary and "binary file (not text); skipped" in summary
    assert problems(browser.get_log("browser")) == []


def test_browser_opens_a_thousand_issue_report_paged(browser, runner, tmp_path):
    from selenium.webdriver.common.by import By

    report = build(runner, tmp_path, str(big_archive(tmp_path / "archive")))
    assert problems(open_page(browser, report)) == []
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.issues li")) == 50
    assert "page 1 of 20" in browser.find_element(By.CSS_SELECTOR, ".pager").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "mark.fig")) == 0 and len(browser.find_elements(By.TAG_NAME, "article")) == 2
    browser.find_element(By.XPATH, "//button[contains(., 'next')]").click()
    assert "page 2 of 20" in browser.find_element(By.CSS_SELECTOR, ".pager").text
