"""Properties of `split_page` over generated pages: nothing is lost, nothing crashes, ids are unique."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmine.split import split_page
from newsmine.split.patterns import DECORATION_CHARS

# Fields holding page text. `text` repeats `paragraphs`; `authors`/`author_role` are parsed from `byline`/`dateline`.
TEXT_FIELDS = ("kicker", "title", "subtitle", "byline", "dateline", "column", "edition")
LIST_FIELDS = ("subheads", "paragraphs", "page_marks", "page_refs")
REQUIRED = {
    "type", "id", "source", "seq", "kind", "kicker", "title", "subtitle", "authors", "author_role", "byline",
    "dateline", "column", "subheads", "paragraphs", "text", "lines", "page_marks", "page_refs", "edition",
}
KINDS = {"news", "commentary", "photo", "brief", "index", "other"}

HAN = "江河湖海山川城乡村镇市县区省国家人民企业工厂车间学校医院农田科技创新发展建设改革开放服务经济文化生态绿色春夏秋冬年月日"
SURNAME = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PUNCT = "，、：；“”（）《》"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def significant(text: str) -> Counter:
    """Characters that must survive splitting: all but whitespace and layout decoration."""
    return Counter(char for char in text if not char.isspace() and char not in DECORATION_CHARS)


def output_chars(records: list[dict]) -> Counter:
    counts: Counter = Counter()
    for record in records:
        for name in TEXT_FIELDS:
            counts += significant(record[name] or "")
        for name in LIST_FIELDS:
            for item in record[name]:
                counts += significant(item)
    return counts


han = st.text(alphabet=HAN, min_size=2, max_size=12)
name = st.builds(lambda s, g: s + g, st.sampled_from(SURNAME), st.text(alphabet=HAN, min_size=1, max_size=2))
headline = st.builds(
    lambda parts, tag: " ".join(parts) + tag,
    st.lists(han, min_size=1, max_size=2),
    st.sampled_from(["", "（" + HAN[:4] + "）"]),
)
sentence = st.builds(
    lambda words, digits, end: "，".join(words) + digits + end,
    st.lists(han, min_size=1, max_size=5),
    st.sampled_from(["", "3.5%", "120万元", "（见图）", "“" + HAN[5:9] + "”"]),
    st.sampled_from(["。", "！", "？", "", "；", "……"]),
)
paragraph = st.builds("".join, st.lists(sentence, min_size=1, max_size=4))
byline = st.builds(
    lambda mark, role, names: mark + role + " " + "  ".join(names),
    st.sampled_from(["", "■", "●", "▲", "◆"]),
    st.sampled_from(["记者", "本报记者", "通讯员", "实习生", "摄影", "新华社记者"]),
    st.lists(name, min_size=1, max_size=3),
)
dateline = st.sampled_from(["本报讯 ", "新华社北京3月2日电  ", "本报上海5月8日电　（记者 王江）", "【本报讯】", "央视网消息："])
furniture = st.sampled_from(
    ["第 12 页", "■■■■", "——————", "》》》》详见第3版", "本版责编：张  三", "《江海日报》（2030年5月8日 第 03 版）",
     "DIYI 栏目统筹：李四", "（下转第二版）", "### 新闻", "▲", "图片报道", "王五摄", "1. 目录"]
)


@st.composite
def wrapped(draw, text_strategy) -> list[str]:
    """A paragraph hard-wrapped at a random width, as PDF extraction does."""
    text = draw(text_strategy)
    width = draw(st.integers(min_value=4, max_value=40))
    return [text[i : i + width] for i in range(0, len(text), width)]


block = st.one_of(
    headline.map(lambda h: [h]),
    headline.map(lambda h: ["——" + h]),
    byline.map(lambda b: [b]),
    st.builds(lambda d, p: [d + p], dateline, paragraph),
    paragraph.map(lambda p: [p]),
    paragraph.map(lambda p: ["\u3000\u3000" + p]),
    wrapped(paragraph),
    furniture.map(lambda f: [f]),
)


@st.composite
def pages(draw) -> str:
    """A page of random headlines, bylines, datelines, paragraphs, wraps, furniture and blank lines."""
    lines: list[str] = []
    for lines_of_block in draw(st.lists(block, min_size=0, max_size=25)):
        for line in lines_of_block:
            lines.append(draw(st.sampled_from(["", " ", "\u3000\u3000", "\xa0"])) + line)
            lines.extend([""] * draw(st.integers(min_value=0, max_value=2)))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


def check_records(records: list[dict], text: str, source: str) -> None:
    """Record-level invariants every split output satisfies."""
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert len({r["id"] for r in records}) == len(records)
    line_count = len(text.splitlines())
    previous_first = 0
    for record in records:
        assert REQUIRED <= record.keys()
        assert record["type"] == "article" and record["source"] == source and record["kind"] in KINDS
        assert record["text"] == "\n".join(record["paragraphs"])
        first, last = record["lines"]
        assert previous_first < first <= last <= line_count
        previous_first = first
        assert all(record[name] is None or record[name].strip() for name in TEXT_FIELDS)


@SETTINGS
@given(pages())
def test_no_text_is_lost_on_generated_pages(page):
    records = split_page(page, source="page.txt")
    check_records(records, page, "page.txt")
    assert output_chars(records) == significant(page)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(HAN + PUNCT + DECORATION_CHARS + "。！？0123456789 \u3000\xa0\n\n\n第页版记者摄■"), max_size=400))
def test_no_text_is_lost_on_arbitrary_text(text):
    records = split_page(text, source="-")
    check_records(records, text, "-")
    assert output_chars(records) == significant(text)


@SETTINGS
@given(st.text(max_size=300))
def test_split_never_crashes_on_any_unicode(text):
    records = split_page(text, source="x")
    check_records(records, text, "x")
    assert output_chars(records) == significant(text)
