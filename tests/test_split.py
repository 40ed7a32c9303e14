"""`newsmine split`: the sample page, its golden output, constructed page shapes, the corpus pages."""

from __future__ import annotations

import json
import os
import sys

import pytest
from conftest import GOLDEN, ROOT, SAMPLE_PAGE

from newsmine.cli import app
from newsmine.split import split_page
from newsmine.split.bylines import parse_byline, parse_photo_credit

GOLDEN_SAMPLE = GOLDEN / "pinghu-front-page.articles.jsonl"
SAMPLE_ARG = "samples/pinghu-front-page.txt"  # relative, as a user types it: it becomes `source`


def parse_jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture
def sample_records(runner, monkeypatch) -> list[dict]:
    """The sample page split by the real CLI, run from the repository root."""
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["split", SAMPLE_ARG])
    assert result.exit_code == 0, result.output
    return parse_jsonl(result.stdout)


# --------------------------------------------------------------------------- the sample page


def test_sample_page_gives_exactly_the_expected_articles(sample_records):
    summary = [(r["kind"], r["title"], r["authors"], r["author_role"]) for r in sample_records]
    assert summary == [
        ("index", None, [], None),
        ("news", "逐梦春天里 阔步新征程", ["胡佳英"], "记者"),
        ("news", "市人大常委会与市政府联席会议召开", ["华婷婷"], "记者"),
        ("news", "春节不停步 奋战“开门红” 平湖企业车间“过年”", ["李雨婷"], "记者"),
        ("photo", "冲刺开门红", ["王强", "徐冰艳", "陈明远"], "摄影"),
        ("commentary", "虎力全开向未来", ["汪锦秀"], None),
    ]


def test_sample_page_header_fields(sample_records):
    guide, feature, meeting, factories, photo, commentary = sample_records
    assert guide["page_refs"] == ["详见本期3版、4版、5版、6版、7版"]
    assert guide["paragraphs"][0].startswith("发布2022“提质提效年”动员令")
    assert feature["subtitle"] == "写在平湖荣获嘉兴工作目标责任制考核“五连赢”之际"
    assert (meeting["dateline"], factories["dateline"], feature["dateline"]) == ("本报讯", "本报讯", None)
    assert meeting["paragraphs"][0].startswith("昨天下午，市人大常委会")
    assert photo["paragraphs"][0].startswith("昨天，在日本电产东测")
    assert commentary["column"] == "DIYIPINGLUN 栏目统筹：黄金凤"
    assert [r["id"] for r in sample_records] == [f"{SAMPLE_ARG}#{n}" for n in range(1, 7)]
    assert [r["lines"] for r in sample_records] == [[5, 9], [11, 39], [41, 53], [55, 66], [68, 72], [76, 88]]


def test_sample_page_repairs(sample_records):
    feature, commentary = sample_records[1], sample_records[5]
    # A paragraph broken across a blank line mid-sentence is joined.
    assert any("全市打造了一系列数字化改革“硬核”成果……" in p for p in feature["paragraphs"])
    # A word broken across lines is joined.
    assert any("获评省级生态文明建设示范区(市、区)" in p for p in commentary["paragraphs"])
    # A subhead dropped mid-sentence: the sentence is whole again, the subhead kept as a subhead.
    assert any("城乡居民收入同比分别增长9.1%和10.1%" in p for p in feature["paragraphs"])
    assert feature["subheads"] == ["提质提效，发展脉搏澎湃", "城乡统筹，赋能共美共富", "民生为要，优享幸福品质", "锚定民生小事，让幸福像花"]
    assert not any(subhead in p for p in feature["paragraphs"] for subhead in feature["subheads"])
    assert feature["text"] == "\n".join(feature["paragraphs"])


def test_no_byline_subhead_or_footer_becomes_a_title(sample_records):
    titles = {r["title"] for r in sample_records}
    furniture = {s for r in sample_records for s in r["subheads"]} | {r["byline"] for r in sample_records}
    furniture |= {r["column"] for r in sample_records}
    assert not titles & (furniture - {None})
    assert not any(t and ("记者" in t or "摄影" in t or "栏目" in t) for t in titles)


def test_golden_file(sample_records):
    """The CLI output, byte for byte; NEWSMINE_REGEN_GOLDEN=1 rewrites the golden file on purpose."""
    produced = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in sample_records)
    if os.environ.get("NEWSMINE_REGEN_GOLDEN") == "1":
        GOLDEN_SAMPLE.write_text(produced, encoding="utf-8")
    assert produced == GOLDEN_SAMPLE.read_text(encoding="utf-8")


def test_library_matches_cli(sample_records):
    assert split_page(SAMPLE_PAGE.read_text(encoding="utf-8"), source=SAMPLE_ARG) == sample_records


def test_stdin_source_and_several_files(runner, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("今日要闻\n\n●记者 王小明\n\n本报讯 记者昨天获悉，一项新规开始实施。\n", encoding="utf-8")
    from_stdin = parse_jsonl(runner.invoke(app, ["split", "-"], input=other.read_bytes()).stdout)
    assert [(r["id"], r["source"], r["title"]) for r in from_stdin] == [("-#1", "-", "今日要闻")]
    both = parse_jsonl(runner.invoke(app, ["split", str(SAMPLE_PAGE), str(other)]).stdout)
    assert len({r["id"] for r in both}) == len(both) == 7
    assert [r["seq"] for r in both] == [1, 2, 3, 4, 5, 6, 1]


# --------------------------------------------------------------------------- constructed page shapes

INDENTED_PAGE = """\
东部沿海三省联合发布
海洋牧场建设实现新突破
本报记者  林  涛

　　海风轻拂，渔船归港。记者近日走访沿海多个海洋牧场，看到一派繁忙景象。
　　生态养殖让渔民增收
　　过去靠天吃饭的渔民，如今用上了智能网箱，收入稳步增长。
　　新华社记者  周  明摄

山区学校开设编程课
　　本报昆明5月8日电  （记者赵云、钱进）山区的孩子们第一次在课堂上学习编程。
　　据介绍，当地已有二十所学校开设相关课程。

图片报道
　　5月7日，游客在湖边赏花。
　　钱  雨摄
"""


def test_indented_page_with_kicker_bylines_and_dateline_parentheses():
    first, second, photo = split_page(INDENTED_PAGE, source="indented")
    assert (first["kicker"], first["title"]) == ("东部沿海三省联合发布", "海洋牧场建设实现新突破")
    assert first["byline"] == "本报记者  林  涛\n新华社记者  周  明摄"  # every byline line, in order
    assert first["authors"] == ["林涛", "周明"] and first["author_role"] == "记者"
    assert first["subheads"] == ["生态养殖让渔民增收"]
    assert len(first["paragraphs"]) == 2
    assert second["title"] == "山区学校开设编程课"
    assert second["dateline"] == "本报昆明5月8日电  （记者赵云、钱进）"
    assert second["authors"] == ["赵云", "钱进"]
    assert second["paragraphs"][0] == "山区的孩子们第一次在课堂上学习编程。"
    assert (photo["kind"], photo["title"], photo["authors"], photo["author_role"]) == ("photo", "图片报道", ["钱雨"], "摄影")


WRAPPED_PAGE = """\
江南古镇推出夜游线路带动周边民宿和餐
\n饮消费持续升温
\n本报记者  何  青  宋立新
\n《江南日报》（2031年3月2日 第 05 版）
\n春节过后，古镇的夜晚依旧热闹。河道两岸灯火通明，游客乘船
\n穿行在石桥之间，沿岸的茶馆和小吃店座无虚席。
\n第 12 页
\n“今年的客流比往年多了不少，”一位船工告诉记者，“晚上出船
\n的次数翻了一番，收入也跟着涨了，大家干劲十足，盼着旺季早
\n点到来。”
\n夜游带旺消费
\n据统计，节日期间古镇接待游客人次同比增长，带动周边民宿入
\n住率明显上升，不少民宿提前一个月就被订满，店主们忙着添置
\n床铺、培训服务人员，为即将到来的旅游旺季做好各项准备工作。
\n第 13 页
\n本版责编：吴  桐
\n《江南日报》（2031年3月2日 第 05 版）
\n第 14 页
"""


def test_hard_wrapped_pdf_page():
    article, credit = split_page(WRAPPED_PAGE, source="wrapped")
    # PDF text keeps no font sizes: wrapped headline lines are joined into the title.
    assert article["title"] == "江南古镇推出夜游线路带动周边民宿和餐饮消费持续升温"
    assert article["authors"] == ["何青", "宋立新"]
    assert article["edition"] == "《江南日报》（2031年3月2日 第 05 版）"
    assert article["paragraphs"][0].endswith("沿岸的茶馆和小吃店座无虚席。")
    # A page footer falling inside a paragraph does not break it; it is kept in page_marks.
    assert article["paragraphs"][1].startswith("“今年的客流比往年多了不少，”一位船工告诉记者，“晚上出船的次数翻了一番，")
    assert len(article["paragraphs"]) == 3
    assert article["page_marks"] == ["第 12 页", "第 13 页"]
    assert article["subheads"] == ["夜游带旺消费"]
    assert (credit["kind"], credit["title"], credit["column"]) == ("other", None, "本版责编：吴  桐")


PLAIN_PAGE = """\
▲▲▲ 今日导读 ▲▲▲
春季招聘会本周六举行
》》》详见第2版

新能源公交线路开通
——全市公交电动化率再创新高
▲通讯员 孙丽 记者 郑浩

本报讯 昨天上午，首批新能源公交车正式投入运营，
市民可以扫码乘车。

新线路沿途经过多个大型社区，预计日均客流可达万人次。

智慧站台
同步启用

湖面泛舟
游客在湖面上泛舟游玩，享受春日好时光。
●摄影 陈一帆
"""


def test_plain_page_with_teasers_subtitle_mixed_bylines_and_photo():
    guide, bus, photo = split_page(PLAIN_PAGE, source="plain")
    assert guide["kind"] == "index" and guide["page_refs"] == ["详见第2版"]
    assert guide["paragraphs"] == ["今日导读", "春季招聘会本周六举行"]
    assert (bus["title"], bus["subtitle"]) == ("新能源公交线路开通", "全市公交电动化率再创新高")
    assert bus["authors"] == ["孙丽", "郑浩"] and bus["author_role"] == "通讯员"
    assert bus["dateline"] == "本报讯"
    assert bus["paragraphs"][0] == "昨天上午，首批新能源公交车正式投入运营，市民可以扫码乘车。"
    assert bus["subheads"] == ["智慧站台", "同步启用"]
    assert (photo["kind"], photo["title"], photo["authors"]) == ("photo", "湖面泛舟", ["陈一帆"])


def test_agency_datelines_and_hash_headings():
    page = "### 海外侨胞欢度传统节日\n新华社巴黎2月3日电 当地侨胞举办庆祝活动。\n### 国内联播快讯\n央视网消息（新闻联播）：多地迎来降雨。\n"
    first, second = split_page(page, source="tv")
    assert (first["title"], first["dateline"], first["paragraphs"]) == ("海外侨胞欢度传统节日", "新华社巴黎2月3日电", ["当地侨胞举办庆祝活动。"])
    assert (second["title"], second["dateline"]) == ("国内联播快讯", "央视网消息（新闻联播）：")


def test_short_dateline_line_broken_mid_sentence_is_body_not_subhead():
    page = "零碳公园开园\n\n本报讯 昨天，全市首座零碳公园建成开放，市民可以\n\n免费入园游览。\n\n绿色设计\n\n园内路灯全部使用太阳能供电。\n"
    (park,) = split_page(page)
    assert (park["title"], park["dateline"], park["subheads"]) == ("零碳公园开园", "本报讯", ["绿色设计"])
    assert park["paragraphs"] == ["昨天，全市首座零碳公园建成开放，市民可以免费入园游览。", "园内路灯全部使用太阳能供电。"]


def test_text_before_any_article_is_kept_as_other():
    records = split_page("这是一段没有标题的文字，它不属于任何文章。\n\n另一段文字。\n")
    assert [(r["kind"], r["paragraphs"]) for r in records] == [("other", ["这是一段没有标题的文字，它不属于任何文章。", "另一段文字。"])]


def test_blank_and_whitespace_only_pages_give_no_records():
    assert split_page("") == split_page(" \n\u3000\n\xa0\n") == []


@pytest.mark.parametrize(
    ("line", "bare_names_ok", "expected"),
    [
        ("■记者 周小川", False, ("记者", ["周小川"])),
        ("●通讯员 孙丽 记者 郑浩", False, ("通讯员", ["孙丽", "郑浩"])),
        ("本报记者  乔  栋  曹继炜", False, ("记者", ["乔栋", "曹继炜"])),
        ("本报驻开罗记者  韩一鸣", False, ("记者", ["韩一鸣"])),
        ("本报记者  方  舟摄影报道", False, ("摄影", ["方舟"])),
        ("▲实习生 林晓", False, ("实习生", ["林晓"])),
        ("新华社记者", False, ("记者", [])),
        ("◆汪一平", False, (None, ["汪一平"])),
        ("马跃进  徐  宁", True, (None, ["马跃进", "徐宁"])),
        ("斯  雄", True, (None, ["斯雄"])),
        ("马跃进  徐  宁", False, None),  # bare names only where a byline belongs
        ("记者手记", False, None),  # a column label, not a reporter
        ("■链接", False, None),
        ("小土豆 新希望", True, None),  # a headline, not names
        ("油菜花开 乡村如画", True, None),
    ],
)
def test_byline_conventions(line, bare_names_ok, expected):
    assert parse_byline(line, bare_names_ok=bare_names_ok) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("新华社记者  王一摄", ("摄影", ["王一"])),
        ("李 博摄（人民视觉）", ("摄影", ["李博"])),
        ("本报记者  刘一川摄", ("摄影", ["刘一川"])),
        ("人民视觉", None),
        ("图为村民在田间劳作。", None),
    ],
)
def test_photo_credit_conventions(line, expected):
    assert parse_photo_credit(line) == expected


# --------------------------------------------------------------------------- real People's Daily pages


def test_corpus_pages_score(shared_dir):
    """Articles found and bodies started right on the 10 gold pages (bench/split_pages.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from split_pages import GOLD, PAGES, score_page
    finally:
        sys.path.remove(str(ROOT / "bench"))
    totals = {"gold": 0, "found": 0, "matched": 0, "body": 0}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        gold_page = json.loads(line)
        records = split_page((PAGES / gold_page["file"]).read_text(encoding="utf-8"), source=gold_page["file"])
        counts = score_page(gold_page, records, [])
        for key in totals:
            totals[key] += counts[key]
    assert totals["gold"] == 57
    assert totals["matched"] / totals["found"] >= 0.95  # precision
    assert totals["matched"] / totals["gold"] >= 0.95  # recall
    assert totals["body"] / totals["gold"] >= 0.95
