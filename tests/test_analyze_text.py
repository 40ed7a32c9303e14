"""`newsmine kwic` and `newsmine freq`, and the number/URL filter they share with `segment --keywords`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len

from newsmine.analyze.kwic import concordance, word_pattern
from newsmine.cli import app
from newsmine.segment.keywords import content_words

DATA = Path(__file__).resolve().parent / "data"
RUN = DATA / "analyze-run"
ARTICLES = RUN / "articles.jsonl"  # segmented: articles with tokens
PINGHU = DATA / "pinghu-articles.jsonl"  # not segmented


def lines_of(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def article(text: str, date: str | None = "2024-05-06", number: int = 1, **fields) -> dict:
    return {"type": "article", "id": f"page#{number}", "date": date, "title": f"标题{number}", "text": text, **fields}


# --------------------------------------------------------------------------- kwic


def test_kwic_hits_with_context(runner):
    hits = lines_of(runner.invoke(app, ["kwic", str(RUN), "--word", "国内生产总值", "--width", "6"]))
    assert len(hits) == 8  # every occurrence in the two issues, 单位国内生产总值能耗 included
    first = hits[0]
    assert first["type"] == "kwic" and first["date"] == "2024-01-18" and first["title"] == "去年经济总量迈上新台阶"
    assert (first["left"], first["word"], first["right"]) == ("，2023年", "国内生产总值", "126058")
    text = json.loads(ARTICLES.read_text(encoding="utf-8").splitlines()[0])["text"]
    for hit in hits[:3]:
        assert text[hit["start"] : hit["end"]] == hit["word"] and hit["id"] == f"{hit['article']}@{hit['start']}"
        assert text[hit["start"] - 6 : hit["start"]] == hit["left"]


def test_kwic_context_is_one_line_and_stops_at_the_text_edges():
    records = [article("增长来自消费。\n第二段也说增长")]
    hits = list(concordance(records, word_pattern(["增长"]), width=5))
    assert [(hit["left"], hit["right"]) for hit in hits] == [("", "来自消费。"), ("第二段也说", "")]
    hits = list(concordance([article("消费拉动\n增长")], word_pattern(["增长"]), width=3))
    assert hits[0]["left"] == "拉动 "


def test_kwic_several_words_regex_and_case(runner, tmp_path):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps(article("5G基站和5g手机，新增基站3万个。"), ensure_ascii=False) + "\n", encoding="utf-8")
    words = lines_of(runner.invoke(app, ["kwic", str(source), "-w", "基站", "-w", "5G基站"]))
    assert [hit["word"] for hit in words] == ["5G基站", "基站"]  # the longer word first where both match
    regex = lines_of(runner.invoke(app, ["kwic", str(source), "--regex", "-w", r"\d+万个"]))
    assert [hit["word"] for hit in regex] == ["3万个"]
    anycase = lines_of(runner.invoke(app, ["kwic", str(source), "-i", "-w", "5g"]))
    assert [hit["word"] for hit in anycase] == ["5G", "5g"]


def test_kwic_plain_lines_are_aligned_in_terminal_cells(runner):
    result = runner.invoke(app, ["kwic", str(PINGHU), "--word", "增长", "--width", "10", "--plain"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and all("  增长  " in line for line in lines)
    # the word starts in the same terminal column on every line, whatever mix of wide and narrow characters precedes it
    assert len({cell_len(line[: line.index("  增长  ")]) for line in lines}) == 1
    assert lines[0].rstrip().endswith("pinghu-front-page.txt#2")


def test_kwic_reads_stdin_and_skips_figures(runner):
    stdin = (RUN / "figures.jsonl").read_text(encoding="utf-8") + ARTICLES.read_text(encoding="utf-8")
    hits = lines_of(runner.invoke(app, ["kwic", "--word", "春播"], input=stdin))
    assert [hit["article"][-14:] for hit in hits] == ["04/17/01.txt#2"]


@pytest.mark.parametrize("args", [["--word", ""], ["--regex", "--word", "("]])
def test_kwic_usage_errors(runner, args):
    result = runner.invoke(app, ["kwic", str(ARTICLES), *args])
    assert result.exit_code == 2


# --------------------------------------------------------------------------- the number/URL filter


def test_content_words_drop_numbers_and_web_addresses():
    words = "视频 链接 ( https : / / tv . example . com / 2024 / 05 / 06 / VIDEab12 . shtml ) 发布会 2024 年 5.2 % 1.64:1 ２０２４".split()
    assert list(content_words(words)) == ["视频", "链接", "(", "发布会", "年", "%"]
    kept = "5G C919 G20 二〇二四 十四五 www是 访问 www . gov . cn 了解".split()
    assert list(content_words(kept)) == ["5G", "C919", "G20", "二〇二四", "十四五", "www是", "访问", "了解"]
    pairs = [("https", "eng"), (":", "x"), ("example", "eng"), ("新闻", "n"), ("2024", "m")]
    assert list(content_words(pairs, lambda pair: pair[0])) == [("新闻", "n")]


def test_segment_keywords_leave_out_numbers_and_web_addresses(runner, tmp_path):
    text = ("记者从发布会获悉，2024年全市新能源汽车产量2024辆，新能源汽车出口增长。详见https://www.example.com/2024/"
            "news/2024.shtml 新能源汽车产业链正在完善，充电网络覆盖2024个小区。")  # fmt: skip
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps(article(text), ensure_ascii=False) + "\n", encoding="utf-8")
    for method in ("tfidf", "textrank"):
        [record] = lines_of(runner.invoke(app, ["segment", str(source), "--keywords", "20", "--keywords-method", method]))
        words = [keyword["word"] for keyword in record["keywords"]]
        assert words and not {"2024", "https", "www", "example", "com", "shtml", "news"} & set(words), words


# --------------------------------------------------------------------------- freq


def test_freq_counts_tokens_per_month(runner, tmp_path):
    records = [
        article("新能源汽车产量增长，新能源汽车出口增长。", "2024-05-06", 1, tokens=["新能源汽车", "产量", "增长", "，", "新能源汽车", "出口", "增长", "。"]),
        article("新能源汽车下乡。", "2024-05-20", 2, tokens=["新能源汽车", "下乡", "。"]),
        article("粮食产量增长。", "2024-06-01", 3, tokens=["粮食", "产量", "增长", "。"]),
    ]  # fmt: skip
    source = tmp_path / "a.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    rows = lines_of(runner.invoke(app, ["freq", str(source), "--by", "month", "--top", "2"]))
    assert [(row["period"], row["rank"], row["word"], row["count"], row["docs"]) for row in rows] == [
        ("2024-05", 1, "新能源汽车", 3, 2), ("2024-05", 2, "增长", 2, 1),
        ("2024-06", 1, "产量", 1, 1), ("2024-06", 2, "增长", 1, 1),
    ]  # fmt: skip
    assert rows[0]["type"] == "frequency" and rows[0]["articles"] == 2 and rows[0]["share"] == round(3 / 8, 6)
    assert rows[0]["id"] == "2024-05/新能源汽车" and rows[0]["weight"] is None
    overall = lines_of(runner.invoke(app, ["freq", str(source), "--top", "1"]))
    assert [(row["period"], row["word"], row["count"]) for row in overall] == [("all", "增长", 3)]  # 新能源汽车 too: ties go by word
    yearly = lines_of(runner.invoke(app, ["freq", str(source), "--by", "year", "--top", "1", "--min-length", "3"]))
    assert [(row["period"], row["word"]) for row in yearly] == [("2024", "新能源汽车")]


def test_freq_segments_text_without_tokens_and_leaves_out_stopwords_and_numbers(runner):
    rows = lines_of(runner.invoke(app, ["freq", str(PINGHU), "--top", "50"]))
    words = {row["word"] for row in rows}
    assert rows[0]["word"] == "平湖" and rows[0]["count"] == 19  # as a word of its own 19 times (once inside another)
    assert not words & {"的", "和", "在", "，", "2021", "10", "1612.3"}
    numbers = lines_of(runner.invoke(app, ["freq", str(PINGHU), "--top", "200", "--keep-numbers"]))
    assert {"2021", "10"} <= {row["word"] for row in numbers}


def test_freq_leaves_out_web_address_pieces(runner, tmp_path):
    text = "发布会现场。视频链接(https://tv.example.com/2024/05/06/VIDEab12.shtml)发布会"
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps(article(text), ensure_ascii=False) + "\n", encoding="utf-8")
    words = [row["word"] for row in lines_of(runner.invoke(app, ["freq", str(source)]))]
    assert words[0] == "发布会" and not {"https", "tv", "example", "com", "shtml", "2024"} & set(words)
    kept = [row["word"] for row in lines_of(runner.invoke(app, ["freq", str(source), "--keep-numbers"]))]
    assert {"https", "example", "2024"} <= set(kept)


def test_freq_keywords_and_stopword_file(runner, tmp_path):
    rows = lines_of(runner.invoke(app, ["freq", str(ARTICLES), "--keywords", "--by", "day", "--top", "3"]))
    assert [row["period"] for row in rows] == ["2024-01-18"] * 3 + ["2024-04-17"] * 3
    assert all(row["weight"] > 0 and row["count"] >= 1 for row in rows)
    assert rows[0]["weight"] >= rows[1]["weight"] >= rows[2]["weight"]
    stop = tmp_path / "stop.txt"
    stop.write_text("增长\n", encoding="utf-8")
    plain = lines_of(runner.invoke(app, ["freq", str(ARTICLES), "--top", "3"]))
    assert (plain[0]["word"], plain[0]["count"]) == ("增长", 15)
    without = lines_of(runner.invoke(app, ["freq", str(ARTICLES), "--top", "3", "--stopwords", str(stop)]))
    assert "增长" not in {row["word"] for row in without} and without[0]["word"] in ("国内", "生产总值")


def test_freq_undated_records_and_usage_errors(runner, tmp_path):
    rows = lines_of(runner.invoke(app, ["freq", str(PINGHU), "--by", "day", "--top", "1"]))
    assert [row["period"] for row in rows] == ["undated"]
    assert runner.invoke(app, ["freq", str(PINGHU), "--by", "week"]).exit_code == 2
    assert runner.invoke(app, ["freq", str(PINGHU), "--stopwords", str(tmp_path / "missing.txt")]).exit_code == 2
