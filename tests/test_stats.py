"""`newsmine stats`: numeral parsing, figure kinds, precision rules, context, and the CLI."""

from __future__ import annotations

import json

import pytest

from newsmine.cli import app
from newsmine.stats import KINDS, extract_figures, figure_lines, figures_for_record, parse_numeral


def figures(text: str, **options) -> list[tuple]:
    """(text, kind, value or (low, high), unit) for each figure in `text`."""
    return [
        (f["text"], f["kind"], f["value"] if f["value"] is not None else (f["low"], f["high"]), f["unit"])
        for f in extract_figures(text, **options)
    ]


def one(text: str, **options) -> dict:
    found = extract_figures(text, **options)
    assert len(found) == 1, found
    return found[0]


# --- numerals ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("1,234.5", 1234.5), ("1，234", 1234), ("１２.５", 12.5), ("-3.5", -3.5), ("负三十二", -32),
        ("三千二百万", 32_000_000), ("两千", 2000), ("一百零五", 105), ("十二", 12), ("十", 10), ("零点五", 0.5),
        ("3.5万", 35_000), ("1.2亿", 120_000_000), ("5千", 5000), ("2万亿", 2_000_000_000_000),
        ("1亿2千万", 120_000_000), ("3万4000", 34_000), ("25万6千", 256_000), ("5亿1万4千6百", 500_014_600),
        ("一万三", 13_000), ("两千四百五", 2450), ("九百九", 990), ("一千零五", 1005), ("九万零四百", 90_400),
        ("四亿五千六百四十二万零一十五", 456_420_015), ("一百零十万", 1_100_000), ("两千三点一", 2300.1),
        ("四百亿点零五零", 40_000_000_000.05), ("二〇二九", 2029), ("壹佰伍拾", 150), ("肆佰陸拾", 460),
        ("4.03亿", 403_000_000), ("1612.3亿", 161_230_000_000), ("一千多万", 10_000_000), ("五百 余万", 5_000_000),
        ("7 万5 千4 百", 75_400), ("4.78萬億", 4_780_000_000_000), ("40k", 40_000), ("一万万", 100_000_000),
    ],
)
def test_parse_numeral(numeral: str, value: float) -> None:
    assert parse_numeral(numeral) == pytest.approx(value)


@pytest.mark.parametrize("text", ["万", "亿", "百百", "三五七九十", "abc", ""])
def test_parse_numeral_rejects_non_numerals(text: str) -> None:
    assert parse_numeral(text) is None


def test_bare_scale_word_only_when_allowed() -> None:
    assert parse_numeral("千万") is None
    assert parse_numeral("千万", allow_bare_scale=True) == 10_000_000


# --- kinds and units ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("实到外资4.03亿美元", ("4.03亿美元", "money", 403_000_000, "USD")),
        ("拨款2.56亿加元", ("2.56亿加元", "money", 256_000_000, "CAD")),
        ("合同额1264.2亿元人民币", ("1264.2亿元人民币", "money", 126_420_000_000, "CNY")),
        ("赔偿1170000000 韩元", ("1170000000 韩元", "money", 1_170_000_000, "KRW")),
        ("捐款约30亿港元", ("约30亿港元", "money", 3_000_000_000, "HKD")),
        ("损失2900亿欧元", ("2900亿欧元", "money", 290_000_000_000, "EUR")),
        ("占比72.2%", ("72.2%", "percent", 72.2, "%")),
        ("百分之三十五的学生", ("百分之三十五", "percent", 35, "%")),
        ("九成地区", ("九成", "percent", 90, "%")),
        ("东北六成半", ("六成半", "percent", 65, "%")),
        ("千分之二点四", ("千分之二点四", "percent", 0.24, "%")),
        ("提高3.7个百分点", ("提高3.7个百分点", "percentage_point", 3.7, "pp")),
        ("低约40个基点", ("低约40个基点", "percentage_point", 0.4, "pp")),
        ("惠及4万余名学生", ("4万余名", "count", 40_000, "名")),
        ("接待游客两万多人次", ("两万多人次", "count", 20_000, "人次")),
        ("飞机26万架次", ("26万架次", "count", 260_000, "架次")),
        ("货运量41.6亿吨", ("41.6亿吨", "quantity", 4_160_000_000, "吨")),
        ("单机容量为18.7万千瓦", ("18.7万千瓦", "quantity", 187_000, "千瓦")),
        ("发电6.8万千瓦时", ("6.8万千瓦时", "quantity", 68_000, "千瓦时")),
        ("浓度是30.5微克每立方米", ("30.5微克每立方米", "quantity", 30.5, "微克")),
        ("收入比为1.64:1", ("1.64:1", "ratio", 1.64, None)),
        ("撬动比达到1:10.3", ("1:10.3", "ratio", 0.0971, None)),
        ("市净率仅1.33倍", ("1.33倍", "multiple", 1.33, None)),
        ("约占三分之一", ("三分之一", "fraction", 0.3333, None)),
        ("近3/4的人口", ("近3/4", "fraction", 0.75, None)),
        ("占广西的一半多", ("一半多", "fraction", 0.5, None)),
        ("系数提高到0.487", ("0.487", "number", 0.487, None)),
        ("气温降至零下5℃", ("零下5℃", "quantity", -5, "℃")),
        ("利润同比-3.2%", ("-3.2%", "percent", -3.2, "%")),
        ("持有股份27,319,090股", ("27,319,090股", "count", 27_319_090, "股")),
        ("成交量40.76亿手", ("40.76亿手", "count", 4_076_000_000, "手")),
        ("打三八折", ("三八折", "percent", 38, "%")),
        ("覆盖全国上百座城市", ("上百座", "count", 100, "座")),
        ("人均预期寿命达到79岁", ("79岁", "quantity", 79, "岁")),
        ("牲畜损失超过66万。", ("超过66万", "number", 660_000, None)),
    ],
)
def test_kinds_values_units(text: str, expected: tuple) -> None:
    assert figures(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("建设周期为3至5年", ("3至5年", "quantity", (3, 5), "年")),
        ("利润率为10%-15%", ("10%-15%", "percent", (10, 15), "%")),
        ("每户补贴3～5万元", ("3～5万元", "money", (30_000, 50_000), "CNY")),
        ("价格提高10%到20%", ("提高10%到20%", "percent", (10, 20), "%")),
        ("每天七八千名居民", ("七八千名", "count", (7000, 8000), "名")),
        ("气温将下降6～10℃", ("6～10℃", "quantity", (6, 10), "℃")),
        ("成本是铜的3—5倍", ("3—5倍", "multiple", (3, 5), None)),
        ("培育2至3个主导产业", ("2至3个", "count", (2, 3), "个")),
    ],
)
def test_ranges(text: str, expected: tuple) -> None:
    assert figures(text) == [expected]


def test_range_needs_matching_units() -> None:
    found = figures("增速上调0.1个百分点至4.2%")
    assert [f[1] for f in found] == ["percentage_point", "percent"]


# --- precision: what is not a figure ----------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "在2021年度考核中", "2月3日召开", "10月20日至23日", "今年1—5月", "规划（2014—2020年）", "下午3时", "8:00—20:00",
        "荣获第一名", "连续第五年获奖", "第10个半年度", "首个网点", "航天科工二院23所平湖实验室", "开展“上市100”专项行动",
        "锚定“12458”战略", "世界500强项目", "详见本期3版", "抢抓长三角一体化机遇", "一年一个样，三年大变样",
        "打造了一系列成果", "实施三大行动", "深化四大工程", "一以贯之", "热线电话4000060822", "党的十九大",
        "“十三五”规划", "二十届四中全会", "北京PM2.5浓度", "沪深300指数", "一省一策", "“三连冠四连胜五连赢”",
        "离不开一公里外的企业", "以4:0的比分战胜对手", "2015年1/4决赛", "“双2/3特别多数原则”", "数十人受伤",
        "2026/3/12", "八项规定精神", "2025中国企业500强", "乒乓球16强赛", "“八个一流”蓝图", "过去五年",
        "守护地上万家的安宁", "十多年前", "涨幅达两年多来新高", "一二类苗", "男子1500米金牌", "1∶250万地质图",
        "十四届全国人大四次会议", "保持两位数增长", "位居前两位", "https://tv.cctv.com/2024/09/15/VIDE3.shtml",
    ],
)
def test_not_figures(text: str) -> None:
    assert figures(text) == []


@pytest.mark.parametrize(
    "text",
    ["这两类产品的规模", "上述3家银行已解散", "我在城郊看到过一个例子", "作战能力上了一个大台阶", "2024两会期间",
     "2024/2025赛季", "获得第1、2名", "永远得不到一个办法"],
)
def test_not_figures_references_and_verb_endings(text: str) -> None:
    assert figures(text) == []


def test_shang_means_over_only_before_a_scale_word() -> None:
    assert one("广东地区生产总值迈上14万亿元新台阶")["approx"] is None
    assert (one("覆盖全国上百座城市")["text"], one("覆盖全国上百座城市")["approx"]) == ("上百座", "over")
    assert (one("全国春播已过一成。")["text"], one("全国春播已过一成。")["approx"]) == ("过一成", "over")


def test_numbers_sharing_the_unit_of_the_last_list_item() -> None:
    found = extract_figures("这些指数分别覆盖30、27、35个二级行业")
    assert [(f["text"], f["kind"], f["value"], f["unit"], f["metric"]) for f in found] == [
        ("30", "count", 30, "个", "二级行业"), ("27", "count", 27, "个", "二级行业"), ("35个", "count", 35, "个", "二级行业"),
    ]
    assert figures("3、4月份") == [] and figures("2019、2020年") == []


def test_duo_after_a_physical_unit_at_a_clause_end_is_approximate() -> None:
    assert (one("每天要跑42公里多，从不间断")["text"], one("每天要跑42公里多，从不间断")["approx"]) == ("42公里多", "over")


def test_one_with_measure_word_is_an_article_unless_qualified() -> None:
    assert figures("一件童装") == []
    assert figures("缴获近一吨冰毒") == [("近一吨", "quantity", 1, "吨")]


def test_duration_is_a_figure_only_when_qualified() -> None:
    assert figures("未来5年") == []
    assert figures("不到20天，全部耕完") == [("不到20天", "quantity", 20, "天")]


def test_all_numbers_reports_other_numbers() -> None:
    found = {(f["text"], f["kind"], f["value"]) for f in extract_figures("2021年2月3日第五名，答案是四，共十二", all_numbers=True)}
    assert {("2021年", "year", 2021), ("2月", "date", 2), ("3日", "date", 3),
            ("四", "number", 4), ("十二", "number", 12)} <= found
    assert ("第五名", "ordinal", 5) in found
    assert extract_figures("我一看你就笑，四川一切都好", all_numbers=True) == []
    assert [(f["text"], f["value"]) for f in extract_figures("2^-1和1 4/3", all_numbers=True)] == [
        ("2^-1", 0.5), ("1 4/3", pytest.approx(2.3333333))
    ]


def test_kinds_filter() -> None:
    text = "投资150亿元，增长31.7%，新建10座"
    assert [f["kind"] for f in extract_figures(text, kinds={"money", "count"})] == ["money", "count"]


# --- context ------------------------------------------------------------------------------------------

def test_approx_qualifiers() -> None:
    assert (one("总产值将增加3亿元左右")["approx"], one("总产值将增加3亿元左右")["qualifier"]) == ("about", "左右")
    assert one("惠及4万余名学生")["approx"] == "over"
    assert one("超过2000亿元")["approx"] == "over"
    assert one("近800亿美元")["approx"] == "under"
    assert one("不超过130亿元")["approx"] == "under"
    assert one("加权平均利率约为3.1%")["approx"] == "about"
    assert one("加权平均利率约为3.1%")["text"] == "3.1%"


def test_change_and_shared_verbs() -> None:
    found = extract_figures("去年，我市城乡居民收入同比分别增长9.1%和10.1%，城乡居民收入比为1.64:1。")
    assert [(f["text"], f["change"], f["basis"], f["metric"]) for f in found[:2]] == [
        ("增长9.1%", "increase", "同比", "城乡居民收入"), ("10.1%", "increase", "同比", "城乡居民收入"),
    ]
    assert found[2]["change"] is None
    assert [f["change"] for f in extract_figures("分别下跌0.16%、0.68%、1.13%，科创综指上涨1%")] == ["decrease"] * 3 + ["increase"]
    assert one("总产值将增加3亿元左右")["change"] == "increase"
    assert one("比重提高到31%")["change"] is None  # a level reached, not a change
    assert one("券商板块跌幅为17.53%")["change"] == "decrease"


def test_basis_metric_period_sentence() -> None:
    text = "前三个月，全省完成营业性货运量41.6亿吨，同比增长7.4%，增速较去年全年加快1.9个百分点。下一句。"
    tonnage, growth, points = extract_figures(text)
    assert tonnage["metric"] == "营业性货运量" and tonnage["period"] == "前三个月"
    assert growth["basis"] == "同比" and growth["metric"] == "营业性货运量"
    assert points["basis"] == "较去年全年" and points["metric"] == "增速"
    assert points["sentence"] == text[: text.index("下一句")]


@pytest.mark.parametrize(
    ("text", "figure", "metric"),
    [
        ("某食品有限公司98%的员工选择了留在本地过年。", "98%", "员工"),  # X的Y: a share of Y, not of the company
        ("今年安排10亿元资金支持示范县。", "10亿元", "资金"),  # the object of 安排, not 安排
        ("全村32户贫困户人均增收", "32户", "贫困户"),  # the noun after the measure word is what is counted
        ("种植户1.7万余户，种植面积20万亩。", "1.7万余户", "种植户"),  # 种植 + 户 is a noun, not a verb
        ("该县河道由去年的12.1万米延长到13.3万米。", "13.3万米", "该县河道"),  # a level in the same clause
        ("截至6月11日，两市主力资金净流出近300亿元", "近300亿元", "两市主力资金净流出"),  # dates are not metrics
        ("河池共投入8.27亿元，节水效果明显。", "8.27亿元", "投入"),  # nothing after: the verb is what is reported
        ("从进展看，5家企业提交注册，12个州联合起诉。", "12个", "州"),  # the noun stops at the verb
    ],
)
def test_metric_heuristic(text: str, figure: str, metric: str) -> None:
    assert next(f for f in extract_figures(text) if f["text"] == figure)["metric"] == metric


def test_respective_lists_take_their_own_metrics() -> None:
    by_names = extract_figures("收盘时，甲指数、乙指数、丙指数分别下跌0.16%、0.68%、1.13%。")
    assert [f["metric"] for f in by_names] == ["甲指数", "乙指数", "丙指数"]
    by_figures = extract_figures("合同额1032.5亿元，执行额716.8亿元，分别增长12.3%和9.6%。")
    assert [f["metric"] for f in by_figures] == ["合同额", "执行额", "合同额", "执行额"]


def test_offsets_match_text() -> None:
    text = "规上工业总产值实现1612.3亿元，增长31.7%；惠及4万余名学生，１２.５％的人"
    for figure in extract_figures(text, all_numbers=True):
        assert text[figure["start"] : figure["end"]] == figure["text"]


def test_figure_lines_are_the_json_of_figure_records() -> None:
    record = {"type": "article", "id": "p#3", "source": "p.txt", "date": "2022-02-10", "page": 1,
              "text": "实到外资4.03亿美元，增长31.7%，1.64:1；“引号”\\和\n换行，约3.5万吨，1e3个"}
    expected = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in figures_for_record(record)]
    assert figure_lines(record) == expected and len(expected) >= 4


def test_figures_for_record_builds_records() -> None:
    record = {"type": "article", "id": "p#3", "source": "p.txt", "date": "2022-02-10", "page": 1,
              "text": "实到外资4.03亿美元，增长31.7%"}
    first, second = figures_for_record(record)
    assert first["type"] == "figure" and first["id"] == "p#3/1" and second["id"] == "p#3/2"
    assert first["article"] == "p#3" and first["source"] == "p.txt"
    assert first["date"] == "2022-02-10" and first["page"] == 1
    assert first["value"] == 403_000_000 and first["unit"] == "USD"


# --- CLI -------------------------------------------------------------------------------------------------

def _records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture
def articles(tmp_path):
    path = tmp_path / "articles.jsonl"
    rows = [
        {"type": "article", "id": "a#1", "source": "a", "text": "投资150亿元，增长31.7%"},
        {"type": "article", "id": "a#2", "source": "a", "text": "新建桥梁60座"},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_cli_writes_figure_records(runner, articles) -> None:
    result = runner.invoke(app, ["stats", str(articles)])
    assert result.exit_code == 0, result.output
    records = _records(result.stdout)
    assert [(r["id"], r["text"], r["kind"]) for r in records] == [
        ("a#1/1", "150亿元", "money"), ("a#1/2", "增长31.7%", "percent"), ("a#2/1", "60座", "count"),
    ]


def test_cli_kinds_and_bad_kind(runner, articles) -> None:
    result = runner.invoke(app, ["stats", "--kinds", "money,count", str(articles)])
    assert [r["kind"] for r in _records(result.stdout)] == ["money", "count"]
    bad = runner.invoke(app, ["stats", "--kinds", "money,dollars", str(articles)])
    assert bad.exit_code == 2
    assert "dollars" in bad.output


def test_cli_passthrough_keeps_records_before_their_figures(runner, articles) -> None:
    result = runner.invoke(app, ["stats", "--passthrough", str(articles)])
    assert [r["type"] for r in _records(result.stdout)] == ["article", "figure", "figure", "article", "figure"]


def test_cli_bad_lines_are_reported_and_skipped(runner, tmp_path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"type":"article","id":"x#1","text":"增长5%"}\n{"type":"article","id":"x#2"}\nnot json\n'
                    '{"type":"article","id":"x#3","text":"新建10座"}\n', encoding="utf-8")
    result = runner.invoke(app, ["stats", str(path)])
    assert result.exit_code == 1
    assert [r["article"] for r in _records(result.stdout)] == ["x#1", "x#3"]
    assert "mixed.jsonl:2" in result.stderr and "mixed.jsonl:3" in result.stderr


def test_cli_plain_text_and_parallel_jobs(runner, sample_page) -> None:
    single = runner.invoke(app, ["stats", str(sample_page)])
    parallel = runner.invoke(app, ["stats", "--jobs", "2", str(sample_page)])
    assert single.exit_code == 0 and single.stdout == parallel.stdout
    records = _records(single.stdout)
    assert records[0]["article"] == records[0]["source"] == str(sample_page)


def test_cli_all_numbers(runner, tmp_path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("2021年我市荣获第一名，投资150亿元", encoding="utf-8")
    kinds = [r["kind"] for r in _records(runner.invoke(app, ["stats", "--all-numbers", str(path)]).stdout)]
    assert kinds == ["year", "ordinal", "money"]
    assert [r["kind"] for r in _records(runner.invoke(app, ["stats", str(path)]).stdout)] == ["money"]


def test_kind_names_are_the_documented_ones() -> None:
    assert set(KINDS) == {"money", "percent", "percentage_point", "count", "quantity", "ratio", "multiple",
                          "fraction", "number", "ordinal", "year", "date", "time"}


# --- evaluation floors (need ../shared; skipped without it) ----------------------------------------

def test_dev_sets_stay_above_floor(shared_dir) -> None:
    """The bench scorers' matching rules, run in-process: F1 must not fall below 0.9 on either dev set."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import eval_news_figures
        import eval_rt_zh
        from _evalkit import prf
    finally:
        sys.path.remove(str(ROOT / "bench"))

    cases = [json.loads(line) for line in (shared_dir / "eval" / "news_figures_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    tp = fp = fn = 0
    for case in cases:
        gold = [g for g in case["figures"] if not g.get("doubt")]
        doubts = [g for g in case["figures"] if g.get("doubt")]
        used: set[int] = set()
        for figure in extract_figures(case["text"]):
            hit = next((i for i, g in enumerate(gold) if i not in used and eval_news_figures.same_figure(g, figure)), None)
            if hit is not None:
                used.add(hit)
                tp += 1
            elif not any(d["start"] < figure["end"] and figure["start"] < d["end"] for d in doubts):
                fp += 1
        fn += len(gold) - len(used)
    assert prf(tp, fp, fn)[2] >= 0.9

    tp = fp = fn = 0
    for line in (shared_dir / "eval" / "rt_zh_dev.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if "questionable" in case["flags"]:
            continue
        scope = case["scope"][0]
        found = [f for f in extract_figures(case["text"], all_numbers=True) if eval_rt_zh.counts_in_scope(f, scope)]
        used = set()
        for figure in found:
            hit = next((i for i, g in enumerate(case["expected"]) if i not in used and eval_rt_zh.found(g, figure, scope)), None)
            if hit is None:
                fp += 1
            else:
                used.add(hit)
                tp += 1
        fn += len(case["expected"]) - len(used)
    assert prf(tp, fp, fn)[2] >= 0.9


def test_a_long_metric_cut_to_length_does_not_start_with_a_closing_quote() -> None:
    (figure,) = extract_figures("“五一”假期预计全社会跨区域人员流动量14.67亿人次。")
    assert figure["metric"] and figure["metric"][0] not in "”’）)"
