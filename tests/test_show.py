"""`newsmine show` and newsmine.show: records rendered for people, checked as text."""

from __future__ import annotations

import json
import re
from itertools import chain
from pathlib import Path

import pytest

from newsmine.cli import app
from newsmine.show import Selection, attach_figures, index_figures, pager_console, render, renderables, select

DATA = Path(__file__).resolve().parent / "data"
PASSTHROUGH = DATA / "pinghu-passthrough.jsonl"
ARTICLES = DATA / "pinghu-articles.jsonl"
FIGURES = DATA / "pinghu-figures.jsonl"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def squeeze(text: str) -> str:
    """Rendered text without box drawing and line wrapping, to search for whole phrases."""
    return re.sub(r"[\s│╭╮╰╯─]+", "", text)


@pytest.fixture
def stream() -> list[dict]:
    return read_jsonl(PASSTHROUGH)


def test_article_panel_has_heading_byline_body_and_marked_figures(stream):
    text = render(stream, width=100)
    article = stream[0]
    flat = squeeze(text)
    assert text.startswith("╭─ article pinghu-front-page.txt#2 ")
    assert "逐梦春天里 阔步新征程" in text
    assert "写在平湖荣获嘉兴工作目标责任制考核“五连赢”之际" in text
    assert "记者 胡佳英" in text
    assert squeeze("subheads: " + " / ".join(article["subheads"])) in flat
    assert squeeze(article["paragraphs"][0]) in flat
    figures = [r for r in stream if r["type"] == "figure" and r["article"] == article["id"]]
    for figure in figures:
        assert f"[{figure['text']}]" in flat
    assert "10 figures" in text
    assert "161,230,000,000" in text  # 1612.3亿元 in the article's figure list
    assert "\x1b[" not in text


def test_every_article_gets_only_its_own_figures(stream):
    text = squeeze(render(stream, width=100))
    # 15个 in article 4 is not a figure of the fixture; 15,000,000,000 belongs to article 2
    assert "[15个]" not in text and "15个" in text
    assert text.count("[112%]") == 1 and "[5.3万台]" in text


def test_colour_highlights_without_brackets(stream):
    text = render(stream[:11], width=100, color=True)
    assert "\x1b[" in text
    plain = ANSI.sub("", text)
    assert "[150亿元]" not in plain and "150亿元" in plain
    highlighted = re.search(r"\x1b\[[0-9;]*m150亿元\x1b\[0m", text)
    assert highlighted is not None


def test_figure_stream_is_a_table_with_sentences(stream):
    figures = [r for r in stream if r["type"] == "figure"]
    text = render(figures, width=120)
    header = next(line for line in text.splitlines() if "value" in line)
    assert header.split() == ["value", "unit", "kind", "metric", "change", "approx", "sentence"]
    assert "pinghu-front-page.txt#2" in text and "pinghu-front-page.txt#4" in text  # one table per article
    row = next(line for line in text.splitlines() if "11,220,000,000" in line)
    assert row.split()[:4] == ["11,220,000,000", "元", "money", "完成投资"]
    assert "[112.2亿元]" in squeeze(text)
    assert "about" in text and "over" in text


def test_ranges_and_missing_offsets():
    article = {"type": "article", "id": "p#1", "title": "标题", "text": "增长10%至20%。另有三成。"}
    figures = [
        {"type": "figure", "id": "p#1/1", "article": "p#1", "text": "10%至20%", "start": 2, "end": 9,
         "kind": "percent", "value": None, "low": 10, "high": 20, "unit": "%", "sentence": "增长10%至20%。"},
        {"type": "figure", "id": "p#1/2", "article": "p#1", "text": "三成", "start": 3, "end": 5,
         "kind": "fraction", "value": 0.3, "sentence": "另有三成。"},
    ]  # fmt: skip
    text = render([article, *figures], width=100)
    assert "增长[10%至20%]。" in text
    assert "[三成]" not in text and "三成 (offsets do not match the text)" in text
    assert "10–20" in text


def test_figures_from_a_separate_index(stream):
    articles = [r for r in stream if r["type"] == "article"]
    index = index_figures(r for r in stream if r["type"] == "figure")
    text = squeeze(render(articles, width=100, figures=index))
    assert "[4.03亿美元]" in text and "[97家]" in text


def test_limit_counts_articles_and_stops_reading(stream):
    def exploding():
        raise AssertionError("read past the limit")
        yield

    text = render(chain(stream, exploding()), width=100, limit=2)
    assert "春节不停步" in text and "冲刺开门红" not in text
    figures = [r for r in stream if r["type"] == "figure"]
    assert len(list(renderables(chain(figures[:3], exploding()), limit=3))) == 1


def test_other_records_as_key_values_and_errors_as_lines():
    text = render(
        [
            {"type": "page", "id": "p1", "edition": "A", "number": 1, "sections": ["要闻", "评论"]},
            {"type": "error", "source": "pages/x.txt", "line": 7, "reason": "binary file (not text); skipped"},
            {"type": "document", "id": "notes.txt", "source": "notes.txt", "text": "正文第一段\n第二段"},
        ],
        width=80,
    )
    assert "page p1" in text
    assert re.search(r"edition\s+A", text) and re.search(r'sections\s+\["要闻", "评论"\]', text)
    assert "error: pages/x.txt:7: binary file (not text); skipped" in text
    assert "document notes.txt" in text and "正文第一段" in text


# --------------------------------------------------------------------------- CLI


def test_cli_plain_text_without_ansi(runner):
    result = runner.invoke(app, ["show", str(PASSTHROUGH), "--limit", "1"])
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert "逐梦春天里 阔步新征程" in result.stdout and "[150亿元]" in squeeze(result.stdout)
    assert "春节不停步" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_cli_color_and_width(runner):
    result = runner.invoke(app, ["show", str(FIGURES), "--color", "--width", "60", "--limit", "2"])
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" in result.stdout
    assert max(len(ANSI.sub("", line)) for line in result.stdout.splitlines()) <= 60


def test_cli_figures_option(runner):
    result = runner.invoke(app, ["show", str(ARTICLES), "--figures", str(FIGURES)])
    assert result.exit_code == 0, result.stderr
    assert "[1612.3亿元]" in squeeze(result.stdout) and "2 figures" in result.stdout


def test_cli_reads_stdin_and_text_files(runner, sample_page):
    result = runner.invoke(app, ["show"], input=FIGURES.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.stderr
    assert "11,220,000,000" in result.stdout
    result = runner.invoke(app, ["show", str(sample_page)])
    assert result.exit_code == 0, result.stderr
    assert "document" in result.stdout and "逐梦春天里" in result.stdout


def test_cli_bad_lines_are_reported_and_the_rest_shown(tmp_path, runner):
    bad = tmp_path / "bad.jsonl"
    lines = FIGURES.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[0], "{oops", '{"type":"figure","id":"x","value":"lots"}', lines[1]]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["show", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2: invalid JSON" in result.stderr
    assert f"{bad}:3: figure field 'value' should be a number or null" in result.stderr
    assert "15,000,000,000" in result.stdout and "11,220,000,000" in result.stdout


def test_pager_gets_the_output(tmp_path, monkeypatch):
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", f"sh -c 'cat > {paged}'")
    with pager_console() as console:
        console.print("逐梦春天里")
    assert "逐梦春天里" in paged.read_text(encoding="utf-8")


def test_pager_that_quits_early_ends_quietly(monkeypatch):
    monkeypatch.setenv("PAGER", "true")
    with pager_console() as console:
        for _ in range(20_000):
            console.print("一行又一行" * 10)


def test_terminal_escape_sequences_in_records_never_reach_the_terminal(tmp_path, runner):
    """Issue 12.20: show wrote raw escape sequences from record text (set title, clear screen, OSC 8 links)."""
    hostile = {
        "type": "article", "id": "p#1", "source": "p.txt", "seq": 1, "kind": "article",
        "title": "标题\x1b]0;pwned\x07", "authors": ["记者\x1b[2J"],
        "text": "点击\x1b]8;;http://example.invalid\x1b\\这里\x1b]8;;\x1b\\，全年产值增长5%。\x9b31m",
    }  # fmt: skip
    start = hostile["text"].index("5%")
    figure = {"type": "figure", "id": "p#1/1", "article": "p#1", "source": "p.txt", "text": "5%", "start": start,
              "end": start + 2, "kind": "percent", "value": 5, "unit": "%", "sentence": "全年产值增长5%。"}  # fmt: skip
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (hostile, figure)), encoding="utf-8")
    for options in (["--color"], []):
        result = runner.invoke(app, ["show", str(path), "--no-pager", *options])
        assert result.exit_code == 0, result.stderr
        shown = ANSI.sub("", result.stdout)  # rich's own colours, when asked for
        assert not any(char in shown for char in "\x1b\x07\x9b"), repr(shown)
        assert "标题␛]0;pwned␇" in shown and "记者␛[2J" in shown
    assert "[5%]" in squeeze(result.stdout)  # one symbol per character: the figure's offsets still fit


# --------------------------------------------------------------------------- run folders, picking, facts

RUN = DATA / "analyze-run"  # a `run` folder of two invented issues; figures carry basis and fact fields


def test_cli_run_folder_shows_articles_with_their_figures(runner):
    result = runner.invoke(app, ["show", str(RUN), "--width", "120"])
    assert result.exit_code == 0, result.stderr
    flat = squeeze(result.stdout)
    subtitles = re.findall(r"(\d+) figures ─╯", result.stdout)
    assert result.stdout.count("╭─ article") == 4 and subtitles == ["10", "5", "6", "3"]
    assert "[1260582亿元]" in flat and "[增长5.4%]" in flat
    assert "manifest" not in result.stdout and "binary file" not in result.stdout  # no manifest or error panels


def test_cli_shows_basis_and_facts(runner):
    result = runner.invoke(app, ["show", str(RUN), "--width", "140", "--id", "tests/data/analyze-pages/2024/04/17/01.txt#1"])
    assert result.exit_code == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if "figure" in line and "value" in line)
    assert header.strip("│ ").split() == ["figure", "value", "unit", "kind", "metric", "change", "basis", "approx", "period"]
    assert re.search(r"增长1\.6%.+increase\s+比上年四季度环比", result.stdout)
    facts = next(line for line in result.stdout.splitlines() if "indicator" in line)
    assert facts.strip("│ ").split() == ["figure", "indicator", "subject", "period", "modality"]
    assert re.search(r"5%左右\s+国内生产总值\s+中国\s+2024 2024-01-01–2024-12-31\s+target", result.stdout)
    assert re.search(r"增长4\.5%\s+国内生产总值\s+中国\s+2023-Q1 2023-01-01–2023-03-31", result.stdout)


def test_cli_figure_tables_show_basis_and_fact(runner):
    result = runner.invoke(app, ["show", str(RUN / "figures.jsonl"), "--width", "160", "--limit", "3"])
    assert result.exit_code == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if "value" in line)
    assert header.split() == ["value", "unit", "kind", "metric", "change", "basis", "fact", "sentence"]
    assert "国内生产总值 · 中国 · 2023-Q1" in result.stdout


def test_cli_pick_by_id_date_and_grep(runner):
    def panels(*options: str) -> int:
        return runner.invoke(app, ["show", str(RUN), *options]).stdout.count("╭─ article")

    assert panels("--date", "2024-04") == 2 and panels("--date", "2024-01-18") == 2
    assert panels("--date", "2024-01..2024-03") == 2 and panels("--date", "2023") == 0
    assert panels("--grep", "春播|充电桩") == 2 and panels("--grep", "^一季度") == 1  # title or text
    assert panels("--id", "tests/data/analyze-pages/2024/01/18/01.txt#2", "--id", "tests/data/analyze-pages/2024/04/17/01.txt#2") == 2
    assert panels("--date", "2024-04", "--grep", "新能源") == 0
    picked = runner.invoke(app, ["show", str(RUN), "--id", "tests/data/analyze-pages/2024/04/17/01.txt#2/3"]).stdout
    assert "╭─ article" not in picked and "5.4" in picked  # a figure asked for by id comes alone, as a table


def test_cli_pick_usage_errors(runner):
    assert runner.invoke(app, ["show", str(RUN), "--grep", "("]).exit_code == 2
    assert runner.invoke(app, ["show", str(RUN), "--date", "April"]).exit_code == 2


def test_figures_whose_article_never_comes_are_kept():
    articles = [{"type": "article", "id": "p#1", "text": "增长5%"}, {"type": "article", "id": "p#3", "text": "增长7%"}]
    figures = [
        {"type": "figure", "id": "p#1/1", "article": "p#1", "text": "增长5%", "start": 0, "end": 4},
        {"type": "figure", "id": "p#2/1", "article": "p#2", "text": "增长6%", "start": 0, "end": 4},
        {"type": "figure", "id": "p#3/1", "article": "p#3", "text": "增长7%", "start": 0, "end": 4},
    ]  # fmt: skip
    merged = list(attach_figures(articles, figures))
    assert [record["id"] for record in merged] == ["p#1", "p#1/1", "p#3", "p#2/1", "p#3/1"]


def test_select_keeps_an_articles_figures_with_it():
    stream = read_jsonl(PASSTHROUGH)
    chosen = list(select(stream, Selection(pattern=re.compile("嘉吉"))))
    assert {record.get("article", record["id"]) for record in chosen} == {"pinghu-front-page.txt#4"}
    assert sum(record["type"] == "figure" for record in chosen) == sum(
        record["type"] == "figure" and record["article"] == "pinghu-front-page.txt#4" for record in stream
    )
