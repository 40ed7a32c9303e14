"""Newspaper layout conventions as precompiled patterns: bylines, datelines, footers, decoration.

Everything here is about how Chinese newspapers are typeset in general (byline markers, agency
datelines, page furniture), never about the wording of any particular page.
"""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Layout decoration: bullet marks before bylines/teasers and rules. Dropped where they decorate
# (line starts, teaser arrows, subtitle dashes); kept when they sit inside running text.
DECORATION_CHARS = "■□●○◆◇▲△▼▽★☆◎※》—─━═#"
LEADING_MARKS = "■□●○◆◇▲△▼▽★☆◎※"
_LEADING_MARKS_RE = re.compile(f"^[{LEADING_MARKS}\\s]+")
DECORATION_LINE_RE = re.compile(f"^[{DECORATION_CHARS}\\s]+$")
# Markdown heading marks some transcripts use for story titles.
HASH_HEADING_RE = re.compile(r"^#{1,6}\s*")
SUBTITLE_DASH_RE = re.compile(r"^—+\s*")
TEASER_ARROWS_RE = re.compile(r"^》+\s*")

# Sentence-final punctuation: a line ending in one of these closes its paragraph.
CLOSING_CHARS = frozenset("。！？!?…；;：:」』”’）)】》—")
SENTENCE_END_CHARS = frozenset("。！？!?；;")

# "第 12 页" page footers from PDF extraction; kept in `page_marks`.
PAGE_MARK_RE = re.compile(r"^(?:第\s*\d{1,4}\s*页|-\s*\d{1,4}\s*-|\d{1,4}\s*/\s*\d{1,4})$")
# Publication line: 《人民日报》（2025年10月20日 第 04 版）, or "中国经济网 2026-06-12 11:38".
EDITION_RE = re.compile(
    r"^(?:《[^》]{2,16}》\s*[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^）)]{0,20}[）)]"
    rf"|[{HAN}A-Za-z]{{2,12}}\s+\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?)$"
)
# Editor / designer credits and column furniture ("本版责编：…", "DIYIPINGLUN 栏目统筹：…").
CREDIT_RE = re.compile(
    r"^[A-Za-z\s]{0,24}(?:本版|本期|[一二三四五六七八九十\d]{1,3}版)?(?:责编|责任编辑|编辑|主编|版式设计|版式|美编|美术编辑|图片编辑|制图|"
    r"栏目统筹|栏目主持|统筹|校对|审校|策划|监制)\s*[：:]"
)
# Teasers pointing to other pages: "详见本期3版", "见第五版", "转8版".
PAGE_REF_RE = re.compile(
    r"(?:详见|请看|敬请关注|见本期|(?:^|[（(])见|[转接]第?)\s*(?:本期|今日)?第?\s*[\d一二三四五六七八九十]{1,3}\s*版"
)

# Dateline opening a body paragraph: 本报讯 / 本报北京4月22日电 / 新华社北京4月21日电 /
# 中国经济网北京6月12日讯 / 央视网消息（新闻联播）： — optionally followed by (记者 …) or 【…】.
_AGENCY = (
    rf"(?:据)?(?:本报|新华社|中新社|中新网|人民网|新华网|央视网|央广网|光明网|[{HAN}]{{2,6}}(?:日报|晚报|社|网|台))"
)
DATELINE_RE = re.compile(
    rf"^{_AGENCY}(?:[{HAN}]{{0,10}}?\d{{1,2}}月\d{{1,2}}日(?:[{HAN}]{{0,4}})?)?(?:电|讯|消息)"
    r"(?:[（(][^）)\n]{1,12}[）)])?[：:]?"
    r"(?:[\s\u3000\xa0]*(?:[（(](?:[^）)\n]{0,10}(?:记者|通讯员|实习生|特约|编辑|撰稿|摄)[^）)\n]{0,40})[）)]|【[^】\n]{1,40}】))?"
    r"[\s\u3000\xa0]*"
)

# Byline roles; a byline may be "■记者 胡佳英", "本报记者  乔  栋  曹继炜", "■摄影 王强 …".
ROLE_RE = re.compile(
    r"^(?:本报|新华社|中新社|人民日报|人民网|央视|光明日报|经济日报)?(?:[驻赴][{HAN}]{1,6}?)?(?:特约|特派|首席|见习|实习)?"
    r"(?:摄影记者|记者|通讯员|实习生|摄影|评论员|撰稿人?|编辑|文/图|图/文|文图|图文)"
    .replace("{HAN}", HAN)
)
# Cheap pre-check: only lines holding a role word can be unmarked bylines.
BYLINE_HINT_RE = re.compile(r"记者|通讯员|实习生|摄影|评论员|撰稿|编辑|文/图|图/文|图文|文图")
PHOTO_SUFFIX_RE = re.compile(r"(?:摄影报道|摄影|摄|报道)$")
NAME_TOKEN_RE = re.compile(rf"^[{HAN}]{{1,4}}$|^[{HAN}]{{1,6}}·[{HAN}·]{{1,10}}$")
BYLINE_SPLIT_RE = re.compile(r"[\s\u3000\xa0、，,]+")
# "新华社记者  王建威摄", "李 博摄（人民视觉）": a photo credit closing a caption.
PHOTO_CREDIT_RE = re.compile(
    rf"^(?:(?:本报|新华社|中新社)?(?:特约)?(?:记者|通讯员)?[\s\u3000\xa0]*)"
    rf"[{HAN}][{HAN}\s\u3000\xa0、·]{{0,20}}?(?:摄影?|供图)(?:[（(][^）)]{{1,12}}[）)])?$"
)
# A column tag closing a headline: "……（绿色家园）".
COLUMN_TAG_RE = re.compile(r"[（(]([^（()）]{1,24})[）)]\s*$")
COMMENTARY_TAG_RE = re.compile(r"评|论|手记|随笔|杂谈|札记|漫谈|言论|社论|短论")
PHOTO_TITLE_RE = re.compile(r"图片|摄影|图说|组图|图片新闻|影像|镜头")
DIGIT_RE = re.compile(r"\d")

# Common surnames: a bare name line (no role, no marker) is a byline only when each name starts
# with one of them. Compound surnames first.
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯", "端木")
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温"
    "康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂"
    "成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党"
    "宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝亓"
    "官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井"
    "祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亢羿"
)

# "1. 标题", "2、标题": an enumerated contents line.
ENUMERATED_RE = re.compile(r"^\d{1,3}\s*[.、．]\s*\S")
PARENS_ONLY_RE = re.compile(r"^[（(][^）)]*[）)]$")


def strip_leading_marks(text: str) -> str:
    """The line without bullet marks (■ ● ▲ …) and spaces at its start."""
    return _LEADING_MARKS_RE.sub("", text)


_EDGE_MARKS_RE = re.compile(f"^[{LEADING_MARKS}\\s]+|[{LEADING_MARKS}\\s]+$")


def strip_edge_marks(text: str) -> str:
    """The line without bullet marks and spaces at either end ("▲▲ 今日导读 ▲▲" -> "今日导读")."""
    return _EDGE_MARKS_RE.sub("", text)


def has_leading_mark(text: str) -> bool:
    return bool(text) and text[0] in LEADING_MARKS
