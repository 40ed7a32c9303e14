"""Benchmark `series`, `kwic`, `freq` and `report` on the bench xwlb transcripts (973 issues), and the report in a browser.

    .venv/bin/python bench/bench_analyze.py [--out D] [--repeat 3] [--stand-in-facts]

1. `newsmine run ../shared/corpus/bench/xwlb --out D` (skipped work when D is already done);
2. `newsmine series D --indicator 国内生产总值 --kind percent` (its rows for China printed, to check
   against the National Bureau of Statistics' published growth; then the targets), and `series D`
   over every figure (the target: <= 5 s), against the peer a user writes today: pandas reading
   figures.jsonl and grouping it by the same key;
3. `kwic D --word 国内生产总值` against `grep -o` with 20 characters either side;
4. `freq D --by month`;
5. `report D -o D/report.html` (the target: <= 30 s), its size, and the time headless chromium
   takes to open it and draw the newest issue (the target: <= 3 s), when chromium is installed.

Prints wall and CPU seconds, peak memory, records/s and ratios, each repeated --repeat times
(min and max). Before the stats facts fields exist in the figures (indicator, period_start ...),
--stand-in-facts times `series` on a copy whose facts are made up from metric and issue year
(same volume, made-up meaning: for speed only).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from _common import CORPUS, PYTHON, Measurement, measure

NEWSMINE = [PYTHON, "-m", "newsmine"]
XWLB = CORPUS / "xwlb"
PANDAS_PEER = """
import sys, pandas as pd
figures = pd.read_json(sys.argv[1], lines=True)
figures = figures[figures["indicator"].notna() & figures["period_start"].notna()]
key = ["indicator", "subject", "kind", "unit", "period_start", "period_end", "modality"]
counts = figures.groupby(key, dropna=False)["value"].agg(["first", "count", "nunique"]).reset_index()
counts.to_json(sys.stdout, orient="records", lines=True, force_ascii=False)
"""


def timed(label: str, cmd: list[str], repeat: int, stdout: Path | None = None) -> list[Measurement]:
    runs = [measure(cmd, stdout_path=stdout) for _ in range(repeat)]
    failed = [run.returncode for run in runs if run.returncode != 0]
    walls, cpus = [run.seconds for run in runs], [run.cpu_seconds for run in runs]
    print(f"{label:<44} wall {min(walls):6.2f}–{max(walls):6.2f} s   cpu {min(cpus):6.2f}–{max(cpus):6.2f} s   "
          f"peak {max(run.peak_mb for run in runs):6.0f} MB" + (f"   FAILED {failed}" if failed else ""))  # fmt: skip
    return runs


def stand_in_facts(figures: Path, target: Path) -> int:
    """Copy figures giving each one with a metric and a date made-up facts: indicator = metric, the issue's year."""
    count = 0
    with open(figures, encoding="utf-8") as source, open(target, "w", encoding="utf-8") as out:
        for line in source:
            figure = json.loads(line)
            if figure.get("metric") and figure.get("date"):
                year = figure["date"][:4]
                figure.update(indicator=figure["metric"], subject=None, period_start=f"{year}-01-01",
                              period_end=f"{year}-12-31", modality=None)  # fmt: skip
                count += 1
            out.write(json.dumps(figure, ensure_ascii=False) + "\n")
    return count


def print_gdp(rows: Path) -> None:
    """The GDP growth rows for China (subject 中国 or none), to check against the published figures."""
    facts = [json.loads(line) for line in open(rows, encoding="utf-8")]
    china = [row for row in facts if row["subject"] in ("中国", None)]
    print(f"    {len(facts):,} rows, {len(china)} for China (subject 中国 or none):")
    for row in sorted(china, key=lambda row: (row["comparison"] or "", row["period_start"], row["period_end"])):
        value = row["value"] if row["value"] is not None else f"{row['low']}–{row['high']}"
        others = ", ".join(str(other["value"]) for other in row["conflict"])
        print(f"      {row['period_start']}..{row['period_end']} {row['grain']:<8} {row['comparison'] or '':<4} "
              f"{value!s:>6}  n={row['n']:<3} {row['subject'] or '-'}" + (f"  conflict: {others}" if others else ""))  # fmt: skip


def browser_load_seconds(report: Path, repeat: int) -> list[tuple[float, float, float]] | None:
    """Per load, in a fresh headless chromium: (wall seconds of opening an empty page, the peer;
    wall seconds of then opening the report until its newest issue is drawn; the same as the page
    measures it, from navigation start), or None without chromium."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    empty = report.parent / "empty.html"
    empty.write_text("<!DOCTYPE html><title>empty</title>", encoding="utf-8")
    loads = []
    for _ in range(repeat):
        profile = tempfile.mkdtemp(prefix="newsmine-bench-")
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={profile}"):  # fmt: skip
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(driver_path))
        try:
            started = time.perf_counter()
            driver.get(empty.as_uri())
            baseline = time.perf_counter() - started
            started = time.perf_counter()
            driver.get(report.as_uri())
            WebDriverWait(driver, 60, poll_frequency=0.02).until(
                lambda d: d.execute_script("return document.documentElement.dataset.ready")
            )
            wall = time.perf_counter() - started
            page = int(driver.execute_script("return document.documentElement.dataset.loadMs")) / 1000
            loads.append((baseline, wall, page))
        finally:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)
    return loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="the run folder (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stand-in-facts", action="store_true", help="time series on made-up facts if the figures have none")
    options = parser.parse_args()
    if not XWLB.is_dir():
        raise SystemExit(f"benchmark corpus not found at {XWLB}")
    out = options.out or Path(tempfile.mkdtemp(prefix="newsmine-analyze-")) / "xwlb"
    print(f"run folder: {out}")
    timed("run xwlb (973 issues) --jobs 2", [*NEWSMINE, "run", str(XWLB), "--out", str(out), "--jobs", "2", "-q"], 1)
    figures = out / "figures.jsonl"
    articles = out / "articles.jsonl"
    figure_count = sum(1 for _ in open(figures, encoding="utf-8"))
    has_facts = any("indicator" in json.loads(line) for line, _ in zip(open(figures, encoding="utf-8"), range(1000)))
    print(f"{figure_count:,} figures, {sum(1 for _ in open(articles, encoding='utf-8')):,} articles; "
          f"fact fields present: {has_facts}")  # fmt: skip
    series_input = out
    if not has_facts and options.stand_in_facts:
        series_input = out.parent / "stand-in-figures.jsonl"
        print(f"series on stand-in facts: {stand_in_facts(figures, series_input):,} figures with made-up facts")
    rows = out.parent / "series.jsonl"
    timed("series --indicator 国内生产总值 --kind percent",
          [*NEWSMINE, "series", str(series_input), "--indicator", "国内生产总值", "--kind", "percent"],
          options.repeat, rows)  # fmt: skip
    print_gdp(rows)
    timed("series ... --modality target", [*NEWSMINE, "series", str(series_input), "--indicator", "国内生产总值",
                                           "--kind", "percent", "--modality", "target"], 1, rows)  # fmt: skip
    print_gdp(rows)
    whole = timed("series (every figure)", [*NEWSMINE, "series", str(series_input), "--modality", "all"], options.repeat, rows)
    row_count = sum(1 for _ in open(rows, encoding="utf-8"))
    print(f"    {row_count:,} rows, {figure_count / min(run.seconds for run in whole):,.0f} figures/s")
    peer_input = series_input if series_input.is_file() else figures
    if has_facts or series_input != out:
        peer = timed("peer: pandas read_json + groupby", [PYTHON, "-c", PANDAS_PEER, str(peer_input)], options.repeat)
        print(f"    series / pandas wall: {min(r.seconds for r in whole) / min(r.seconds for r in peer):.2f}x, "
              f"cpu: {min(r.cpu_seconds for r in whole) / min(r.cpu_seconds for r in peer):.2f}x")
    # both write to a file: GNU grep stops at the first match when its output is /dev/null
    kwic = timed("kwic --word 国内生产总值", [*NEWSMINE, "kwic", str(out), "--word", "国内生产总值"], options.repeat,
                 out.parent / "kwic.jsonl")  # fmt: skip
    grep = timed("peer: grep -oP '.{0,20}国内生产总值.{0,20}'",
                 ["grep", "-oP", ".{0,20}国内生产总值.{0,20}", str(articles)], options.repeat, out.parent / "grep.txt")  # fmt: skip
    print(f"    {sum(1 for _ in open(out.parent / 'kwic.jsonl', encoding='utf-8')):,} hits; grep: "
          f"{sum(1 for _ in open(out.parent / 'grep.txt', encoding='utf-8')):,} (one per line of articles.jsonl, tokens included)")
    print(f"    kwic / grep wall: {min(r.seconds for r in kwic) / min(r.seconds for r in grep):.2f}x")
    timed("freq --by month --top 20", [*NEWSMINE, "freq", str(out), "--by", "month"], options.repeat)
    report = out.parent / "report.html"
    timed("report", [*NEWSMINE, "report", str(out), "-o", str(report), "-q"], options.repeat)
    print(f"    {report.stat().st_size / 1e6:.1f} MB report for {articles.stat().st_size / 1e6:.1f} MB of articles.jsonl")
    loads = browser_load_seconds(report, options.repeat)
    if loads is None:
        print("browser load: chromium or chromedriver not installed (make install-test)")
    else:
        baselines, walls, pages = zip(*loads)
        print(f"{'browser: open report, newest issue drawn':<44} wall {min(walls):6.2f}–{max(walls):6.2f} s   "
              f"in the page {min(pages):6.2f}–{max(pages):6.2f} s")  # fmt: skip
        print(f"{'peer: open an empty page':<44} wall {min(baselines):6.2f}–{max(baselines):6.2f} s")


if __name__ == "__main__":
    main()
