"""Find the statistical figures in Chinese text: numbers with what they count or measure.

One compiled pattern finds every numeral candidate; small anchored patterns then read what sits
right after it (unit, measure word, percent sign, range) and right before it (qualifier, change
verb, 第, quotes). Precision rules turn away years, dates, times, ordinals, names, codes and idioms.
Context (metric, period, basis, sentence) is read from the clause and sentence around a figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import regex

from newsmine.stats.numerals import FINANCIAL, normalize, parse_numeral_vague, tidy
from newsmine.stats.units import (
    ARABIC_ONLY_UNITS,
    CURRENCIES,
    DURATION_UNITS,
    MEASURE_WORDS,
    PERCENT_POINT_WORDS,
    QUANTITY_UNITS,
    SUBUNIT_SCALE,
)

FIGURE_KINDS = ("money", "percent", "percentage_point", "count", "quantity", "ratio", "multiple", "fraction", "number")
OTHER_KINDS = ("ordinal", "year", "date", "time")
KINDS = FIGURE_KINDS + OTHER_KINDS


def _alternation(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


_CN_DIGIT = "零一二两三四五六七八九"
# 千 and 兆 before 瓦/克/米/字节... are unit prefixes (18.7万千瓦, 五十兆字节), not scale words.
_UNIT_PREFIXED = r"(?:瓦|克|米|卡|伏|焦|字节|比特|赫|帕|位)"
_SCALE = rf"(?:[十百万亿]|[千兆](?!{_UNIT_PREFIXED}))"
_CN_CHAR = rf"(?:[{_CN_DIGIT}]|{_SCALE})"
_SP = r"[ \u3000]"
_ARABIC = r"(?<![\d.A-Za-z])\d+(?:[,，]\d{3}(?!\d))*(?:\.\d+)?(?:[eE][+-]?\d+(?![\d.]))?(?:[kK](?![A-Za-z]))?"
_ARABIC_MIXED = (
    rf"{_ARABIC}(?:{_SP}{{0,2}}[多余几]?{_SCALE}+"
    rf"(?:{_SP}{{0,2}}零?\d{{1,4}}(?:\.\d+)?{_SP}{{0,2}}{_SCALE}+|零?\d{{1,4}}(?:\.\d+)?(?![\d.])"
    rf"|零?[一二三四五六七八九两](?=[十百千万亿]){_SCALE}+)*)?"
)
_CHINESE = (
    rf"{_CN_CHAR}(?:{_SP}{{0,4}}(?:{_CN_CHAR}|[多余几](?={_SP}*[十百千万亿])|点(?={_SP}*[{_CN_DIGIT}])))*"
)
_SIGN = r"(?:(?<![\dA-Za-z.])[-−+]|负)?"
_NUMBER = rf"{_SIGN}(?:{_ARABIC_MIXED}|{_CHINESE})"

CANDIDATE = regex.compile(rf"(?P<half>一半)|(?P<n>{_NUMBER})")
FRACTION_AT = regex.compile(
    rf"(?:(?P<whole>{_NUMBER}){_SP}*又{_SP}*)?(?P<den>{_NUMBER}){_SP}*分{_SP}*之{_SP}*(?P<num>{_NUMBER})"
)
_NUMBER_AT = regex.compile(_NUMBER)

_UNIT_WORDS = {}
for _word in MEASURE_WORDS:
    _UNIT_WORDS[_word] = "count"
for _word in QUANTITY_UNITS:
    _UNIT_WORDS[_word] = "quantity"
for _word in DURATION_UNITS:
    _UNIT_WORDS[_word] = "duration"
for _word in CURRENCIES:
    _UNIT_WORDS[_word] = "money"
for _word in PERCENT_POINT_WORDS:
    _UNIT_WORDS[_word] = "percentage_point"
for _word in ("%", "‰", "成", "折"):
    _UNIT_WORDS[_word] = "percent"
_UNIT_WORDS["倍"] = "multiple"
for _word in ("年", "年度"):
    _UNIT_WORDS[_word] = "year_or_duration"
for _word in ("月份", "月", "日", "号"):
    _UNIT_WORDS[_word] = "date"
for _word in ("时", "点", "点钟"):
    _UNIT_WORDS[_word] = "time"
for _word in ("强", "届", "版", "期", "代", "年代", "年级", "周年", "中全会", "大", "号线"):
    _UNIT_WORDS[_word] = "name"

_MEASURE_SET = frozenset(MEASURE_WORDS)
_PLAIN_NUMBER = regex.compile(r"\d+(?:\.\d+)?")
_PLAIN_NUMBER_AT = regex.compile(r"\d+(?:\.\d+)?(?![\d.])")
_UNIT_FIRST_CHARS = frozenset(word[0] for word in _UNIT_WORDS) | frozenset("多余几来 \u3000至到~～—–-－打")
# Without --all-numbers, the commonest candidates are dropped by the pattern itself (cheaper than in
# Python): day, month and hour numbers (15日, 3月, 8时), four-digit years (2024年), and a lone Chinese
# digit that no unit can follow (统一, 一些) - exactly what `candidate` would drop.
_NOT_A_FIGURE_START = (
    r"(?!\d{1,2}[月日号时]|\d{4}年"
    rf"|[{_CN_DIGIT}十百千万亿兆][^{regex.escape(''.join(sorted(_UNIT_FIRST_CHARS)))}{_CN_DIGIT}十百千万亿兆点])"
)
FIGURE_CANDIDATE = regex.compile(rf"(?P<half>一半)|(?P<n>{_NOT_A_FIGURE_START}{_NUMBER})")
_FRACTION_STARTS = frozenset("分又 \u3000")
# After "/" or 每 (元/吨, 微克每立方米): any physical unit, measure word or time unit, with an optional 标 (元/标吨).
_PER_UNITS = "标?(?:" + _alternation([*QUANTITY_UNITS, *MEASURE_WORDS, "小时", "分钟", "秒", "年", "天", "月", "周", "m·K", "s", "h"]) + ")"
SUFFIX = regex.compile(
    rf"(?P<space>{_SP}{{0,4}})(?P<inner>[多余几来]|{_SP}余)?"
    rf"(?P<unit>个{_SP}*百{_SP}*分{_SP}*点|{_alternation(_UNIT_WORDS)})"
    rf"(?P<per>(?:/|每)(?:{_PER_UNITS}))?"
    rf"(?P<half>半)?"
    rf"(?P<post>左右|上下|以上|以下|开外|多|余)?"
)
_POST_ONLY = regex.compile(r"(?P<post>左右|上下|以上|以下|开外)")
_RANGE_JOIN = regex.compile(rf"{_SP}*(?:至|到|~|～|—{{1,2}}|–|-|－){_SP}*")
_SLASH = regex.compile(r"/([0-9]+)(?![\d/.])")
_COLON = regex.compile(r":([0-9]+(?:\.[0-9]+)?)(?![\d:])")
_CONSECUTIVE = regex.compile(r"([一二三四五六七八九])([二三四五六七八九])([十百千万亿]*)")
_SPACES = regex.compile(rf"{_SP}+")
_DUO = regex.compile("多")
_TRAILING_SCALE = regex.compile(r"[万亿千]+$")
_TEMPERATURE_SCALE = regex.compile(r"(华氏|摄氏)(?:温度)?$")
_HAS_DIGIT = regex.compile(r"\d")
_CN_SCALE_OR_POINT = regex.compile(r"[十百千万亿兆点]")
_GRADE_WORDS = frozenset("类级等档线期号代")
_PERCENT_DENOMINATORS = {"百": 100, "千": 1000, "万": 10**4, "十万": 10**5, "百万": 10**6, "千万": 10**7,
                         "万万": 10**8, "百万万": 10**10}
_CLAUSE_END = frozenset("，,。；;、）)！？!?\n ")
# Before a duration, these make it the measured value (寿命达到79岁, 缩短至2小时), not a framing period.
_DURATION_MEASURED = regex.compile(
    r"(?:达到|达|为|提高到|提高至|升至|增至|延长至|延长到|缩短至|缩短到|压缩至|压缩到|缩短|延长|提前|推迟|用时|历时|耗时|时长|仅用|只用|用了|寿命|年龄|工期|周期)$"
)
_TIME_REFERENCE_AFTER = frozenset("前后来间里中内")
_FRAMING = regex.compile(r"(?:未来|近|连续|过去|前|后|今后|每|这|那|最近|此后|已经|已|再|多)\s?$")
_LAST_DIGIT = regex.compile(r"(?r)[\d%]")
_LIST_SEPARATOR = regex.compile(r"[、和]")
_POWER = regex.compile(r"\^(-?[0-9]{1,3}(?:\.[0-9]+)?)(?![\d.])")
_MIXED_FRACTION = regex.compile(r" ([0-9]+)/([0-9]+)(?![\d/.])")
_DOZEN = regex.compile(r"打(?![造击开破通响算工卡好赢下出进拼球电折印扮包动断压架针量听扫捞理磨气牌分法车])")
_CENTS = regex.compile(rf"{_SP}*(?:又|零){_SP}*(?P<n>[{_CN_DIGIT}十\d]+)(?:美分|欧分)")
_URL = regex.compile(r"(?:https?://|www\.)[!-~]+")
_MONEY_TAIL = regex.compile(rf"(?:又)?(?P<jiao>[{_CN_DIGIT}\d])(?:[角毛])(?:(?P<fen>[{_CN_DIGIT}\d])分)?")

# Unit words that are the start of a longer ordinary word when followed by these characters.
_UNIT_BLOCKERS = {
    "成": "为立员长本功果就交熟型品绩效分", "折": "合算射扣腾叠旧现", "元": "素旦首宵年帅老气件器化",
    "升": "至到为级高幅值温降", "台": "阶湾风", "人": "民才大员", "家": "庭乡长属", "个": "体性案",
    "点": "名赞评燃亮击", "度": "过", "方": "面式案向法针", "期": "间望待货", "代": "表替理价",
    "号": "召称", "米": "粮面跑仰蛙蝶栏", "次": "要日会全", "部": "长门分署委", "条": "件例款约", "口": "岸号径罩",
    "头": "条", "本": "地土身质报", "届": "满", "类": "似", "道": "路理德", "门": "槛户", "起": "来步点",
    "天": "然津空下", "周": "边围期转", "单": "位元独", "片": "区面", "间": "接", "处": "理",
    "位": "于置数", "场": "所景面合", "户": "籍型", "吨": "位", "对": "于外接象", "双": "方重向边",
    "首": "都先", "两": "会岸国地侧", "股": "东份市票权本价民息指", "手": "机段术续工艺中里下上写法脚套指握", "批": "准复示", "项": "目", "笔": "记者", "层": "面次级", "种": "植类",
}

PRE_QUALIFIER = regex.compile(
    r"(?:约合|大约|约为|约占|约有|约达|达约|约|将近|接近|近|超过|超出|超|逾|突破|破|不到|不足|不超过|不低于|不少于|多于|少于|高于|低于|上|过)(?:了)?\s?$"
)
_QUALIFIER_MEANING = {
    "约合": "about", "大约": "about", "约为": "about", "约占": "about", "约有": "about", "约达": "about",
    "达约": "about", "约": "about", "左右": "about", "上下": "about", "来": "about",
    "将近": "under", "接近": "under", "近": "under", "不到": "under", "不足": "under", "不超过": "under",
    "以下": "under", "少于": "under", "低于": "under",
    "超过": "over", "超出": "over", "超": "over", "逾": "over", "突破": "over", "不低于": "over", "不少于": "over",
    "多于": "over", "高于": "over", "破": "over", "上": "over", "过": "over", "以上": "over", "开外": "over", "多": "over",
    "余": "over", "几": "over",
}
#: Scale words a numeral may start with (上百, 过万): only before them are 上/过 qualifiers of a lone 一 or a scale.
_SCALE_CHARS = frozenset("十百千万亿")
# Qualifiers cut off from the number by a verb: they set approx but stay out of the figure's text.
_DETACHED_QUALIFIERS = {"约为", "约占", "约有", "约达", "约合", "达约"}
# Characters before 过/近/上/超 that make them part of another word (通过, 最近, 赶超).
_QUALIFIER_LAST_CHARS = frozenset("约合为占有达近超过逾破到足低少于上了")
# X上 words (地上, 网上, 会上, 以上): 上 after these is not the qualifier of 上百/上千/上万.
_WORDS_ENDING_IN_SHANG = frozenset("地天身马路线网会场面海岸山楼台桌墙街村晚早向以之加北南手心世班镇岛船车架")
_QUALIFIER_BLOCKERS = {"过": "通经超越度不路跨闯错", "破": "打冲攻识击侦爆突", "近": "最附临接将邻", "上": "以之加向", "超": "赶高",
                       "低于": "不", "高于": "不", "少于": "不", "多于": "不",
                       "不到": "得找拿买办看听想见做"}  # 得不到一个办法: "cannot get", not "under"

_INCREASE = "增收|增长|增加|提高|上升|上涨|扩大|加快|上调|提升|攀升|增|涨|升|高出|多出|高|多|净增"
_DECREASE = "下降|减少|降低|回落|下滑|缩小|下跌|放缓|下调|收窄|回调|减|降|跌|低|少"
CHANGE_VERB = regex.compile(rf"(?P<verb>{_INCREASE}|{_DECREASE})(?:了)?\s?$")
_DECREASE_SET = set(_DECREASE.split("|"))
_VERB_BLOCKERS = {"高": "最较更提很偏", "多": "最较更很许诸众增颇差", "低": "最较更降很偏", "少": "最较更减很至不多",
                  "升": "上提攀", "增": "新净", "降": "下", "减": "削缩", "涨": "上", "跌": "下", "提高": "",
                  "增长": "", "增加": "新"}
CHANGE_NOUN = regex.compile(r"(?P<noun>跌幅|降幅|减幅|涨幅|增幅)(?:为|达到|达|是|约为|约)?\s?$")
LEVEL_WORDS = regex.compile(r"(?:为|达|达到|提高到|提高至|提升到|提升至|降至|降到|下降到|下降至|升至|上升到|上升至|是|报收|报|收于|收报)$")

ORDINAL_PREFIX = regex.compile(r"第\s?$")
_DEMONSTRATIVE = regex.compile(r"(?:这|那|上述|前述|此)$")
_ORDINAL_LIST = regex.compile(r"第[\d一二三四五六七八九十]+(?:、[\d一二三四五六七八九十]+)*、$")  # 第1、2名
_NAME_PREFIX = regex.compile(rf"(?:[{_CN_DIGIT}十\d][院厂局所室系队团师旅营连号楼区]|[A-Za-z]|双|男子|女子)$")
# Before a Chinese numeral: 周三, 星期一, 初二, 高三 are days and school years.
_NAME_PREFIX_CN = regex.compile(r"(?:周|星期|礼拜|初|高)$")
_NAME_PREFIX_LAST = frozenset("院厂局所室系队团师旅营连号楼区双子") | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_PHONE_PREFIX = regex.compile(r"(?:电话|热线|手机|传真|号码|热线电话|电话号码|QQ|微信)[：:\s]*$")
_OPEN_QUOTES = "“「『\"‘《〈"
_NAME_FOLLOWERS = regex.compile(r"(?:决赛|强赛|分之|号|届|次会议|中全会|大$)")
_SCORE_CONTEXT = regex.compile(r"(?:以$|比分$)")
_SCORE_AFTER = regex.compile(r"(?:的比分|比分|战胜|击败|获胜|取胜|告负|胜出|赢|惜败|险胜|憾负|落败|战平|逆转|负于|胜|败|[万亿千])")

#: Set phrases and idioms that contain numerals but no figure.
IDIOMS = frozenset(
    [
            "一年一个样", "三年大变样", "一以贯之", "一如既往", "一丝不苟", "一系列", "一体化", "一次性", "一站式",
            "一把手", "一盘棋", "一张蓝图", "一刀切", "一带一路", "一国两制", "一心一意", "一五一十", "一成不变",
            "三番五次", "九牛一毛", "七上八下", "千方百计", "千家万户", "千军万马", "万无一失", "成千上万",
            "成千成万", "三心二意", "五湖四海", "四面八方", "十全十美", "百年大计", "百尺竿头", "一日千里",
            "两个维护", "两个确立", "两个一百年", "两个大局", "四个意识", "四个自信", "四个全面", "五位一体",
            "三个代表", "八项规定", "两学一做", "三严三实", "三去一降一补",
            "一对一", "一条龙", "一揽子", "一股绳", "一把尺", "一碗水",
            "三角", "四川", "万象", "万物", "万一", "一一", "亿万", "千万不", "十分", "十足", "百分百",
            "一点点", "一点儿", "有点", "一些", "一切", "一起", "一样", "一般", "一直", "一定", "一批",
            "三大", "四大", "五大", "六大", "七大", "八大", "九大", "十大", "百强", "千强", "三北", "三农",
            "四中全会", "三中全会", "五中全会", "两会", "两岸", "半边天", "万家灯火", "百花齐放", "一马当先",
            "一流", "两手抓", "两翼", "一体",
            "一线", "一道", "一边", "一面", "一方面", "半个", "一手", "一度", "一口气", "一个个", "一项项",
            "一串串", "一次次", "一步步", "一天天", "一年年", "一批批", "一座座", "一条条", "一场场",
    ]
)
_NOT_NUMERAL_HAN = rf"[^\P{{Han}}{_CN_DIGIT}十百千万亿兆]"
# Besides the list, three patterns of set phrases: 一X一Y (一省一策, 一村一品, 一人一档), N连X (三连冠, 四连胜),
# N等奖 (一等奖): numerals in them count nothing.
_IDIOM_PATTERN = regex.compile(
    rf"一{_NOT_NUMERAL_HAN}一{_NOT_NUMERAL_HAN}|[{_CN_DIGIT}十]连[冠胜赢败平]|[{_CN_DIGIT}十]等奖|" + _alternation(IDIOMS)
)
_LONGEST_IDIOM = max(map(len, IDIOMS))

_SENTENCE_END = regex.compile(r"[。！？!?；;]+[”’」』]?|\n")
_CLAUSE_BREAK_BACK = regex.compile(r"(?r)[，,；;：:。！？!?\n（）()]")
_SENTENCE_BREAK_BACK = regex.compile(r"(?r)[。！？!?；;\n]")
_LONGEST_SENTENCE = 600
PERIOD = regex.compile(
    r"(?:\d{4}|二[零〇][一二三四五六七八九零〇]{2})年(?:度|底|末|初|年底|年末|上半年|下半年|前\d+个?月|前[两三四五六七八九十]个?月|[一二三四]季度末?|\d{1,2}(?:—\d{1,2})?月(?:份|末|底)?|以来)?"
    r"|今年(?:以来|前\d+个?月|前[两三四五六七八九十]个?月|上半年|下半年|[一二三四]季度末?|\d{1,2}(?:[—-]\d{1,2})?月(?:份|末|底)?)?"
    r"|去年(?:同期|全年|底|末)?|上半年|下半年|[一二三四]季度末?|前(?:\d+|[两三四五六七八九十]+)个?月|\d{1,2}[—-]\d{1,2}月份?"
    r"|\d{1,2}月(?:份|末|底)|“十[一二三四五]五”(?:时期|期间|规划期内)?|“十[一二三四五]五”|未来[一二三四五六七八九十\d]+年|全年|每年|每天|日均|年均|目前|当前"
)
_PERIOD_BACK = regex.compile("(?r)(?:" + PERIOD.pattern + ")")
# Times are not what is measured: periods, dates (6月11日, 22日) and relative days are dropped from a metric.
_TIME_WORDS = regex.compile(
    PERIOD.pattern + r"|(?:\d{4}年)?\d{1,2}月\d{1,2}日|\d{1,2}日|今天|昨天|当天|当日|近日|日前|近期|近年来|近年"
)
_TIME_HINT = regex.compile(r"[年月季五天均前日今昨当近]")  # every _TIME_WORDS match holds one
_PERIOD_HINT = regex.compile(r"(?r)[年月季五天均前]")  # every PERIOD match holds one: a cheap test first
_PERIOD_AT_END = regex.compile("(?r)(?:" + PERIOD.pattern + ")$")
_BASIS = regex.compile(
    rf"(?P<basis>同比|环比|(?:相比|较之|比|较)(?![重例率值较])[^，,。；;：:、\s]{{1,14}}?)(?=(?:同期)?(?:分别|均|都)?(?:{_INCREASE}|{_DECREASE}))"
)
_MULTIPLE_BASIS = regex.compile(r"(?:是|为|达|相当于|达到)(?P<basis>[^，,。；;：:、]{1,14}?)的(?:约)?$")
_METRIC_TRIM_END_WORDS = (
    "的|同比|环比|分别|均|都|共|共计|合计|累计|总计|约|大约|已经|已|将于|将|可|可达|达到|达|为|是|实现|完成|超过|突破|高达|仅为|仅|只有|有|占|约占|"
    "占到|增至|提高到|提高至|增加到|上升至|提升至|下降到|降至|增长|增加|下降|减少|提高|上升|降低|上涨|下跌|回落|扩大|缩小|加快|放缓|上调|下调|"
    "保持在|保持|稳定在|在|了|达约|逾|近|超|不到|不足|预计|计划|力争|有望|可能|能|会|年均|平均|每年|每天|日均|更是|更|也|还|仍|又|再|就|于|最|由|从|自|“|”"
).split("|")
# A trailing run of these words (or a verb + 至/到, or spaces) is cut off a metric. Matched backwards from
# the end, longest word first: as fast as one step per character, and the same cut as the leftmost match.
_METRIC_TRIM_END = regex.compile(
    "(?r)(?:" + "|".join([*(regex.escape(w) for w in sorted(_METRIC_TRIM_END_WORDS, key=len, reverse=True) if len(w) > 2),
                          r"\p{Han}[至到]", *(regex.escape(w) for w in sorted(_METRIC_TRIM_END_WORDS, key=len, reverse=True) if len(w) <= 2),
                          r"\s"]) + ")+$"
)
_METRIC_TRIM_START = regex.compile(
    r"^(?:其中|此外|同时|另外|而且|而|并且|并|但是|但|且|以及|和|及|与|据|经|全年|全市|我市|我国|截至|截止|至|到|共|目前|当前|在|从|由|是|为|对"
    r"|已经|已|通过|之前|此前|以前|如今|[—…·\-－.．\s]+)+"
)
# Verbs whose object is the figure (安排10亿元资金, 带动70户贫困户): the metric is not before them.
_OBJECT_VERBS = (
    "签约|引进|新建|建成|建起|建设|安排|带动|吸收|吸引|拥有|进口|出口|获得|惠及|覆盖|举办|接待|种植|投入|收到|设立|新设|开展|选择|"
    "新上|实施|出台|成立|培育|打造|形成|安装|发放|发行|募集|筹集|支付|赔付|捐赠|提供|招聘|培训|救治|转移|安置|帮助|"
    "服务|解决|造成|导致|涉及|包括|组织|推出|开通|新增|作出|做出|给予|完成|实现|达到|显示|表明|介绍|称|说|让|使|把|将|向|对|给|了|在|于"
)
# A verb followed by one of these is the head of a noun (种植户, 出口额, 投资者, 脱贫县), not a verb.
_NOMINAL_SUFFIX = r"(?![户额量业费率值者商方区园点品物员人数县村镇市省家项线类])"
_METRIC_CUT = regex.compile(rf"(?r)(?:{_OBJECT_VERBS}){_NOMINAL_SUFFIX}")
_VERB_ONLY = regex.compile(rf"(?:新?成立|共有|有|{_OBJECT_VERBS})")
# The noun a figure modifies: 70户贫困户, 10亿元资金, 98%的员工 (a share of 员工), 350亩荒山上.
_NOUN_AFTER = regex.compile(r"(?P<of>的)?(?P<noun>[\p{Han}A-Za-z“”]{1,12})")
_NOUN_STOP = regex.compile(r"(?:的|和|与|及|等|中|里|上|为|是|在|都|均|全部|已|将|正|获|得|实现|完成|达|共|被|从|到|向|对|以|同比|分别|人均|平均)")
_FUNCTION_CHARS = frozenset("的和与及等为是在都均已将获得被从到向对以也还就又再更仍")
# Words right after a figure that make it the subject of a verb (1.5万人参加), not the modifier of a noun.
_VERB_AFTER = regex.compile(
    rf"(?:{_OBJECT_VERBS}|参加|参与|受益|出席|就业|脱贫|入住|报名|获益|参赛|到场|返乡|落户|入驻|上岗|死亡|受伤|遇难|失踪|确诊|"
    r"感染|治愈|出院|来自|左右|以上|以下|上下|不等|之间|增长|增加|下降|减少|提高|上升|降低|同比|环比|比|较|相比|是|为|即|相当于|占"
    r"|支持|用于|用来|推动|促进|进行|发展|保障|投向|流向|提交|通过|处于|联合|起诉|角逐|举行|召开|参观|访问|加入|退出|赢得|夺得"
    r"|出现|发生|遭受|受到|接受|得到|取得|拿到|申请|登记|注册|入选|入围|签署|签订|达成|投产|开工|竣工|恢复|同庆|庆祝)"
    + _NOMINAL_SUFFIX
)
_LOCATIVE_END = regex.compile(r"[上中里内下间]$")
_OWNER_END = regex.compile(r"(?:公司|集团|企业|银行|机构|单位|政府|部门|全国|全省|全市|全县|全区|全村|[国省市县区镇乡村])$")


@dataclass(slots=True)
class _Candidate:
    start: int  # start of the numeral (after qualifier/verb)
    end: int  # end of numeral + unit + post qualifier
    kind: str
    value: float | int | None
    low: float | int | None = None
    high: float | int | None = None
    unit: str | None = None
    qualifier: str | None = None
    approx: str | None = None
    text_start: int | None = None
    bare_scale: bool = False
    cn_only: bool = False
    numeral: str = ""
    unit_word: str = ""
    noun_at: int | None = None  # where the noun it counts starts, when not right after it (30、27、35个行业)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _qualifier_before(norm: str, pos: int) -> tuple[str | None, int]:
    """The approximation word ending at `pos` (and where it starts), or (None, pos)."""
    numeral_start = pos
    if norm.endswith("人民币", max(0, pos - 3), pos):  # 约合人民币640万元
        pos -= 3
    m = PRE_QUALIFIER.search(norm, max(0, pos - 5), pos)
    if not m:
        return None, pos
    word = m.group().strip().removesuffix("了")
    if word == "上" and norm[numeral_start : numeral_start + 1] not in _SCALE_CHARS:
        return None, pos  # 上 means "over" only before a scale word (上百座, 上万人); 迈上14万亿元 is reached
    if (word in ("上", "过") and norm[numeral_start : numeral_start + 1] == "一"
            and (m.group().strip().endswith("了") or norm[numeral_start + 1 : numeral_start + 2] not in "十百千万亿半成倍")):
        return None, pos  # 看到过一个, 上了一个台阶, 过了一半: a verb ending; but 过一成, 过一半 are "over"
    if word == "上" and m.start() > 0 and norm[m.start() - 1] in _WORDS_ENDING_IN_SHANG:
        return None, pos  # 地上万家: 上 belongs to the word before
    blockers = _QUALIFIER_BLOCKERS.get(word)
    if blockers and m.start() > 0 and norm[m.start() - 1] in blockers:
        return None, pos
    return word, m.start()


def _parse(text: str, *, allow_bare: bool = False):
    return parse_numeral_vague(text, allow_bare_scale=allow_bare, normalized=True)


def _consecutive_range(numeral: str):
    """七八千 -> (7000, 8000), 三四 -> (3, 4): two neighbouring digits read as a range."""
    m = _CONSECUTIVE.fullmatch(numeral)
    if not m:
        return None
    first, second = "一二三四五六七八九".index(m[1]) + 1, "一二三四五六七八九".index(m[2]) + 1
    if second != first + 1:
        return None
    scaled = _parse("一" + m[3]) if m[3] else (1, False)
    if scaled is None:
        return None
    scale = scaled[0]
    return first * scale, second * scale


class _Extractor:
    """Extraction over one text; holds the normalised text and lazily computed sentence spans."""

    def __init__(self, text: str, all_numbers: bool):
        self.text = text
        self.norm = normalize(text)
        self.all_numbers = all_numbers
        has_url = "://" in self.norm or "www." in self.norm
        self.url_spans = [m.span() for m in _URL.finditer(self.norm)] if has_url else []
        self.url_mask = bytearray(len(self.norm) if self.url_spans else 0)  # 1 for each character of a URL
        for url_start, url_end in self.url_spans:
            self.url_mask[url_start:url_end] = b"\x01" * (url_end - url_start)
        self.last_sentence: tuple[int, int, str] | None = None


    def clause_start(self, pos: int, floor: int) -> int:
        """Start of the clause (text after the last ，；： or sentence break) holding `pos`."""
        m = _CLAUSE_BREAK_BACK.search(self.norm, floor, pos)
        return m.end() if m else floor

    # --- precision rules -------------------------------------------------------------------
    def in_url(self, start: int, end: int) -> bool:
        """Whether [start, end) touches a URL (its digits are not figures)."""
        return self.url_mask.find(1, start, end) >= 0

    def in_idiom(self, start: int, end: int) -> bool:
        """Whether [start, end) touches a set phrase (一系列, 长三角) or a URL."""
        if self.url_spans and self.in_url(start, end):
            return True
        # Only idioms starting within _LONGEST_IDIOM before `end` can touch the span: scan just that window.
        window_start = max(0, start - _LONGEST_IDIOM + 1)
        for m in _IDIOM_PATTERN.finditer(self.norm, window_start, end + _LONGEST_IDIOM - 1, overlapped=True):
            s, e = m.span()
            # An idiom inside a longer numeral (万一 in 一万一千) does not count.
            if e > start and s < end and not (start <= s and e <= end and end - start > e - s):
                return True
        return False

    def read_unit(self, pos: int, numeral: str):
        """The unit word (and its surroundings) right after a numeral ending at `pos`, or None."""
        norm = self.norm
        if norm[pos : pos + 1] not in _UNIT_FIRST_CHARS:  # cheap test before the big pattern
            return None
        m = SUFFIX.match(norm, pos)
        if not m:
            return None
        unit = m["unit"]
        unit_key = _SPACES.sub("", unit) if " " in unit or "\u3000" in unit else unit
        category = _UNIT_WORDS.get(unit_key)
        if category is None:
            return None
        after = norm[m.end("unit") : m.end("unit") + 1]
        blockers = _UNIT_BLOCKERS.get(unit_key)
        if blockers and after and after in blockers:
            return None
        if after == "级" and category in ("quantity", "money", "count"):
            return None  # 万吨级, 千亿元级, 4米级: a size class
        if m["space"] and (category not in ("money", "quantity", "percent", "percentage_point") or len(m["space"]) > 1 and category != "percentage_point"):
            return None
        if unit_key in ARABIC_ONLY_UNITS and _HAS_DIGIT.search(numeral) is None:
            return None
        if unit_key[-1:].isascii() and unit_key[-1:].isalpha():
            nxt = norm[m.end("unit") : m.end("unit") + 1]
            if nxt and nxt.isascii() and (nxt.isalnum() or nxt in "·/"):
                return None
        return m, unit_key, category

    # --- main loop ---------------------------------------------------------------------------
    def candidates(self):
        """The figures (and with --all-numbers the other numbers) of the text, in order."""
        norm = self.norm
        pattern = CANDIDATE if self.all_numbers else FIGURE_CANDIDATE
        consumed = 0
        for segment_start, segment_end in self.segments_outside_urls():
            for m in pattern.finditer(norm, segment_start, segment_end):
                if m.start() < consumed:
                    continue
                found = self.candidate(m)
                if found is None:
                    continue
                consumed = found.end
                yield found

    def segments_outside_urls(self) -> list[tuple[int, int]]:
        """The spans of the text between URLs (whose many digits are never figures, so not scanned)."""
        segments, start = [], 0
        for url_start, url_end in self.url_spans:
            segments.append((start, url_start))
            start = url_end
        segments.append((start, len(self.norm)))
        return segments

    def candidate(self, m) -> _Candidate | None:
        norm = self.norm
        if m["half"]:
            start, end = m.span()
            if self.in_idiom(start, end):
                return None
            post = _POST_ONLY.match(norm, end) or _DUO.match(norm, end)
            cand = _Candidate(start, end, "fraction", 0.5, numeral="一半")
            if post:
                cand.end, cand.qualifier, cand.approx = post.end(), post.group(), "over" if post.group() != "左右" else "about"
            return cand
        start, end = m.span()  # never inside a URL: candidates() scans around them
        following = norm[end : end + 1]
        if following in _FRACTION_STARTS:
            fraction = FRACTION_AT.match(norm, start)
            if fraction:
                return self.fraction(fraction)
        numeral = m["n"]
        if not self.all_numbers and numeral.isdigit():
            # Fast path for the commonest non-figures: 2024年, 3月, 15日, 8时.
            if (following and following in "月日号时" and len(numeral) <= 2) or (following == "年" and len(numeral) == 4):
                return None
        if not self.all_numbers and len(numeral) == 1 and not numeral.isdigit():
            # Most lone Chinese digits are words (一些, 统一): skip them unless a unit may follow.
            if following not in _UNIT_FIRST_CHARS:
                return None
            if numeral == "一" and (not following or following not in "倍成折%") and norm[start - 1 : start] not in _QUALIFIER_LAST_CHARS:
                return None
        return self.number(start, end, numeral)

    def fraction(self, m) -> _Candidate | None:
        den_text, num_text = m["den"], m["num"]
        den_clean = _SPACES.sub("", den_text)
        num_end = m.end("num")
        num_parsed = _parse(num_text, allow_bare=True)
        while num_parsed is None and len(num_text) > 1:  # 百分之七十百分位: the numeral ends early
            num_text, num_end = num_text[:-1], num_end - 1
            num_parsed = _parse(num_text, allow_bare=True)
        if num_parsed is None:
            return None
        numerator = num_parsed[0]
        if den_clean in _PERCENT_DENOMINATORS:  # 百分之35, 千分之2.4, 万分之四: percent
            value = tidy(numerator * 100 / _PERCENT_DENOMINATORS[den_clean])
            end = num_end
            post = _POST_ONLY.match(self.norm, end)
            cand = _Candidate(m.start(), post.end() if post else end, "percent", value, unit="%", numeral=m.group())
            if post:
                cand.qualifier, cand.approx = post.group(), _QUALIFIER_MEANING[post.group()]
            return cand
        den_parsed = _parse(den_text)
        if den_parsed is None or den_parsed[0] == 0:
            return None
        value = numerator / den_parsed[0]
        if m["whole"]:
            whole = _parse(m["whole"])
            if whole is None:
                return None
            value = whole[0] + value if whole[0] >= 0 else whole[0] - value
        if self.in_idiom(m.start(), num_end) or _NAME_FOLLOWERS.match(self.norm, num_end):
            return None
        end = num_end
        post = _POST_ONLY.match(self.norm, end)
        cand = _Candidate(m.start(), post.end() if post else end, "fraction", tidy(round(value, 4) if not self.all_numbers else value), numeral=m.group())
        if post:
            cand.qualifier, cand.approx = post.group(), _QUALIFIER_MEANING[post.group()]
        return cand

    def number(self, start: int, end: int, numeral: str) -> _Candidate | None:
        norm = self.norm
        cn_only = _HAS_DIGIT.search(numeral) is None
        if (cn_only and self.in_idiom(start, end)) or (self.url_spans and self.in_url(start, end)):
            return None
        parsed = _parse(numeral, allow_bare=True)
        range_pair = None
        if cn_only and len(numeral) > 1 and not _CN_SCALE_OR_POINT.search(numeral):
            # Chinese digits without scale words: 三四个 is a range, 二〇二九年 a year, 三八折 38%; 一二类 is a grade.
            range_pair = _consecutive_range(numeral)
            if range_pair is not None and norm[end : end + 1] in _GRADE_WORDS:
                return None
            if range_pair is None and not (norm.startswith(("年", "折"), end) or (self.all_numbers and len(numeral) >= 3)):
                return None
        elif parsed is None and cn_only:
            range_pair = _consecutive_range(numeral.strip())  # 七八千
        if range_pair is not None:
            value, vague = None, False
        elif parsed is None:
            return None
        else:
            value, vague = parsed
        bare_scale = cn_only and all(ch in "十百千万亿兆" for ch in numeral.lstrip("负")) and numeral != "十"
        cand = _Candidate(start, end, "number", value, numeral=numeral, cn_only=cn_only, bare_scale=bare_scale)
        if range_pair:
            cand.value, cand.low, cand.high = None, *range_pair
        if vague:
            cand.approx, cand.qualifier = "over", next(ch for ch in numeral if ch in "多余几")
        # What follows: ratio, slash fraction, unit, range.
        if numeral[-1].isdigit() and self.all_numbers and cand.value is not None:
            # Notation a general number reader should know: 2^-1 = 0.5, "1 4/3" = 1 + 4/3.
            power = _POWER.match(norm, end)
            mixed = _MIXED_FRACTION.match(norm, end) if power is None else None
            if power:
                try:
                    result = cand.value ** float(power[1])
                except (OverflowError, ZeroDivisionError):
                    return None
                if isinstance(result, complex) or not math.isfinite(result):
                    return None
                cand.value = tidy(result)
                cand.end = power.end()
                return self.other(cand, "number")
            if mixed and 0 < int(mixed[2]):
                cand.value, cand.end = tidy(cand.value + int(mixed[1]) / int(mixed[2])), mixed.end()
                return self.other(cand, "number")
        if numeral[-1].isdigit():
            colon = _COLON.match(norm, end)
            if colon:
                return self.ratio(cand, colon)
            slash = _SLASH.match(norm, end)
            if slash and (norm[max(0, start - 1) : start] == "/" or norm[slash.end() : slash.end() + 1] == "/"):
                return None  # 2026/3/12: a date
            if slash:
                denominator = int(slash[1])
                if 1900 <= (value or 0) < denominator <= 2100:
                    return None  # 2024/2025赛季: a span of years
                if value is not None and 0 < value < denominator:
                    cand.end, cand.kind = slash.end(), "fraction"
                    cand.value = tidy(round(value / denominator, 4) if not self.all_numbers else value / denominator)
                    if _NAME_FOLLOWERS.match(norm, slash.end()) or _NAME_PREFIX.search(norm, max(0, start - 2), start):
                        return self.other(cand, "number")
                    post = _POST_ONLY.match(norm, cand.end)
                    if post:
                        cand.end, cand.qualifier, cand.approx = post.end(), post.group(), _QUALIFIER_MEANING[post.group()]
                    return cand
                return None if not self.all_numbers else self.other(cand, "number")
        unit = self.read_unit(end, numeral)
        if unit is None:
            joined = self.range_after(cand, end)
            if joined is not None:
                return joined
            shared = self.shared_unit(cand)
            if shared is not None:
                return shared
            return self.bare(cand)
        found = self.with_unit(cand, unit)
        if found is not None and found.value is not None and found.qualifier is None:
            return self.unit_range(found)
        return found

    def unit_range(self, first: _Candidate) -> _Candidate:
        """10%-15%, 增长0.1%至0.8%: two figures of the same unit joined by a range word become one range."""
        join = _RANGE_JOIN.match(self.norm, first.end)
        if not join:
            return first
        second_m = _NUMBER_AT.match(self.norm, join.end())
        if not second_m:
            return first
        second = self.number(second_m.start(), second_m.end(), second_m.group())
        if (second is None or second.kind != first.kind or second.unit_word != first.unit_word
                or second.value is None or second.value < first.value):
            return first
        first.low, first.high, first.value = first.value, second.value, None
        first.end = second.end
        first.qualifier, first.approx = second.qualifier, second.approx
        return first

    def shared_unit(self, cand: _Candidate) -> _Candidate | None:
        """`cand` (a plain Arabic number) as a count or quantity when it heads a 、-list whose last
        number carries the unit for all (覆盖30、27、35个行业), or None."""
        if not _PLAIN_NUMBER.fullmatch(cand.numeral) or cand.value is None:
            return None
        pos = cand.end
        for _ in range(12):
            if self.norm[pos : pos + 1] != "、":
                return None
            item = _PLAIN_NUMBER_AT.match(self.norm, pos + 1)
            if not item:
                return None
            pos = item.end()
            unit = self.read_unit(pos, item.group())
            if unit is not None:
                m, unit_key, category = unit
                if category not in ("count", "quantity") or m["inner"] or m["post"] or m["space"]:
                    return None
                cand.kind, cand.unit, cand.unit_word, cand.noun_at = category, unit_key, unit_key, m.end("unit")
                return self.finish(cand, None, m)
        return None

    def range_after(self, cand: _Candidate, end: int) -> _Candidate | None:
        """`cand` (a bare number) joined to a following number with a unit as a range, or None."""
        join = _RANGE_JOIN.match(self.norm, end)
        if not join or cand.value is None:
            return None
        second = _NUMBER_AT.match(self.norm, join.end())
        if not second:
            return None
        second_text = second.group()
        parsed = _parse(second_text)
        unit = self.read_unit(second.end(), second_text)
        if parsed is None or unit is None:
            return None
        low = cand.value
        high = parsed[0]
        # 3～5万元: the second number's scale word applies to the first.
        trailing_scale = _TRAILING_SCALE.search(second_text)
        if not any(ch in "十百千万亿" for ch in cand.numeral) and trailing_scale:
            scale_text = trailing_scale.group()
            low = tidy(low * _parse("1" + scale_text)[0])
        if high is None or low is None or low > high:
            return None
        cand.low, cand.high, cand.value = tidy(low), tidy(high), None
        cand.end = second.end()
        return self.with_unit(cand, unit)

    def ratio(self, cand: _Candidate, colon) -> _Candidate | None:
        first, second = cand.numeral, colon[1]
        start = cand.start
        if len(first) <= 2 and first.isdigit() and len(second) == 2 and second.isdigit() and int(first) <= 24:
            cand.end, cand.kind, cand.value = colon.end(), "time", int(first)
            return self.other(cand, "time")
        value = float(second)
        if value == 0 or cand.value is None:
            return None
        if _SCORE_CONTEXT.search(self.norm, max(0, start - 2), start) or _SCORE_AFTER.match(self.norm, colon.end()):
            return None
        cand.end, cand.kind = colon.end(), "ratio"
        cand.value = tidy(round(cand.value / value, 4))
        return cand

    def bare(self, cand: _Candidate) -> _Candidate | None:
        """A number with no unit: a statistic only after a level verb (系数提高到0.487), else other."""
        norm, start = self.norm, cand.start
        if cand.value is None or cand.bare_scale:
            return None
        if ORDINAL_PREFIX.search(norm, max(0, start - 2), start):
            return self.other(cand, "ordinal")
        dozen = _DOZEN.match(norm, cand.end)
        if dozen and self.all_numbers:
            cand.value, cand.end, cand.cn_only = tidy(cand.value * 12), dozen.end(), False
            return self.other(cand, "number")
        if not self.all_numbers and cand.numeral[:1].isdigit() and cand.numeral[-1:] in "万亿":
            # 牲畜损失超过66万。: a scaled amount whose unit is left implicit.
            nxt = norm[cand.end : cand.end + 1]
            if (not nxt or nxt in _CLAUSE_END) and not self.quoted(cand):
                cand.kind = "number"
                return cand
        if cand.numeral[-1:].isdigit() and "." in cand.numeral and not self.all_numbers:
            if LEVEL_WORDS.search(norm, max(0, start - 4), start) and not self.quoted(cand):
                nxt = norm[cand.end : cand.end + 1]
                if not (nxt.isascii() and nxt.isalpha()):
                    cand.kind = "number"
                    return cand
        return self.other(cand, "number")

    def other(self, cand: _Candidate, kind: str) -> _Candidate | None:
        """A number that is not a figure: reported only with --all-numbers (and not lone words)."""
        if not self.all_numbers or cand.value is None and cand.low is None:
            return None
        norm, start = self.norm, cand.start
        if kind == "number":
            if _PHONE_PREFIX.search(norm, max(0, start - 8), start):
                return None
            if cand.cn_only and len(cand.numeral.strip()) == 1 and not self.lone_ok(cand):
                return None
            if cand.cn_only and len(cand.numeral) == 2 and cand.low is None and all(ch in "零一二两三四五六七八九" for ch in cand.numeral):
                return None
            nxt = norm[cand.end : cand.end + 1]
            if nxt.isascii() and nxt.isalpha() and cand.kind == "number" and nxt not in "kKeE":
                return None
        cand.kind = kind
        if kind == "ordinal" and norm[start - 1 : start] == "第":
            cand.text_start = start - 1  # the figure text is 第五名, not 五名
        return cand

    def lone_ok(self, cand: _Candidate) -> bool:
        """A lone Chinese digit is a number only standing by itself: “一”和“五”, 答案是四不是五."""
        before = self.norm[cand.start - 1] if cand.start else ""
        after = self.norm[cand.end : cand.end + 1]
        if self.text[cand.start] in FINANCIAL:
            return False
        standalone = "是不而和这那或与及到至的"
        ok_before = not before or not _is_han(before) or before in standalone
        ok_after = not after or not _is_han(after) or after in standalone
        return ok_before and ok_after

    def quoted(self, cand: _Candidate) -> bool:
        start = cand.text_start if cand.text_start is not None else cand.start
        before = self.text[start - 1] if start else ""
        return bool(before) and before in _OPEN_QUOTES

    def with_unit(self, cand: _Candidate, unit_info) -> _Candidate | None:
        """Classify `cand` by the unit read after it (money, percent, count, quantity, date ...)."""
        m, unit_key, category = unit_info
        norm = self.norm
        start = cand.start
        cand.unit_word = unit_key
        per = m["per"]
        # 4665万件/套 is "pieces or sets", not a rate: after a measure word, another measure word is an alternative.
        is_rate = per and not (category == "count" and per[1:] in _MEASURE_SET)
        cand.end = m.end("per") if is_rate else m.end("unit")
        inner = (m["inner"] or "").strip()
        post = m["post"]
        if inner:
            cand.qualifier, cand.approx = inner, _QUALIFIER_MEANING[inner]
        value = cand.value
        if category == "money":
            cand.kind, cand.unit = "money", CURRENCIES[unit_key]
            if unit_key in SUBUNIT_SCALE and value is not None:
                cand.value = tidy(value * SUBUNIT_SCALE[unit_key])
            cents = _CENTS.match(norm, cand.end) if unit_key in ("美元", "欧元") and value is not None else None
            if cents and _parse(cents["n"]) is not None:
                cand.value, cand.end = tidy(value + _parse(cents["n"])[0] / 100), cents.end()
            if unit_key in ("元", "块钱", "元钱") and value is not None:
                tail = _MONEY_TAIL.match(norm, cand.end)
                if tail:
                    jiao = _parse(tail["jiao"])[0]
                    fen = _parse(tail["fen"])[0] if tail["fen"] else 0
                    cand.value = tidy(value + jiao / 10 + fen / 100)
                    cand.end = tail.end()
        elif category == "percent":
            cand.kind, cand.unit = "percent", "%"
            if unit_key == "‰":
                cand.value = tidy(value / 10) if value is not None else None
            elif unit_key in ("成", "折"):
                if value is not None and unit_key == "折" and value >= 10 and len(cand.numeral) == 2 and all(ch in "一二三四五六七八九" for ch in cand.numeral):
                    cand.value = value
                else:
                    cand = self.scale(cand, 10)
                if m["half"] and cand.value is not None:
                    cand.value = tidy(cand.value + 5)
                    cand.end = m.end("half")
        elif category == "percentage_point":
            cand.kind, cand.unit = "percentage_point", "pp"
            cand = self.scale(cand, PERCENT_POINT_WORDS.get(unit_key, 1.0))
        elif category == "multiple":
            cand.kind = "multiple"
        elif category == "count":
            cand.kind, cand.unit = "count", unit_key
        elif category == "quantity":
            cand.kind, cand.unit = "quantity", unit_key
            if norm.endswith("零下", max(0, start - 2), start) and cand.value is not None:
                cand.value, cand.text_start = -cand.value, start - 2  # 零下5℃ = -5
            prefix = _TEMPERATURE_SCALE.search(norm, max(0, start - 4), start)
            if prefix:
                cand.unit = "℉" if prefix[1] == "华氏" else "℃"
                cand.text_start = start - len(prefix.group())
            if m["half"] and cand.value is not None:
                cand.value, cand.end = tidy(cand.value + 0.5), m.end("half")
        elif category == "duration":
            cand.kind, cand.unit = "duration", unit_key.lstrip("个").replace("多", "").replace("半", "")
            if m["half"] and cand.value is not None:
                cand.value, cand.end = tidy(cand.value + 0.5), m.end("half")
            after = norm[cand.end : cand.end + 1]
            if after == "大":  # 三周大, 90天大: an age
                cand.end += 1
        elif category == "year_or_duration":
            if self.is_year(cand):
                return self.other(cand, "year")
            cand.kind, cand.unit = "duration", "年"
        elif category == "date":
            if cand.value is not None and (cand.value != int(cand.value) or not 0 < cand.value <= 31):
                if unit_key == "日" and cand.value is not None and cand.value > 31:
                    cand.kind, cand.unit = "duration", "天"
                    return self.finish(cand, post, m)
                return self.other(cand, "number")
            if unit_key.startswith("月") and cand.value is not None and cand.value > 12:
                return self.other(cand, "number")
            return self.other(cand, "date")
        elif category == "time":
            if unit_key == "点" and cand.value is not None and (cand.value > 24 or cand.value != int(cand.value)):
                cand.kind, cand.unit = "number", "点"
                return self.finish(cand, post, m)
            return self.other(cand, "time")
        elif category == "name":
            return self.other(cand, "number")
        return self.finish(cand, post, m)

    def scale(self, cand: _Candidate, factor: float) -> _Candidate:
        if cand.value is not None:
            cand.value = tidy(cand.value * factor)
        if cand.low is not None:
            cand.low, cand.high = tidy(cand.low * factor), tidy(cand.high * factor)
        return cand

    def is_year(self, cand: _Candidate) -> bool:
        numeral = cand.numeral
        if cand.low is not None:
            return 1000 <= cand.low <= 2200
        if numeral.isdigit():
            return len(numeral) == 4 or (len(numeral) == 2 and not self.norm[cand.end:cand.end + 1] == "间")
        return cand.cn_only and all(ch in "零一二两三四五六七八九" for ch in numeral) and len(numeral) >= 2

    def finish(self, cand: _Candidate, post: str | None, m) -> _Candidate | None:
        """Apply the post qualifier and the precision rules that need the whole figure."""
        norm, start = self.norm, cand.start
        if post:
            if (post in ("多", "余") and cand.kind not in ("multiple", "fraction") and cand.unit_word != "成"
                    and not (cand.kind in ("quantity", "money") and not _is_han(norm[m.end("post") : m.end("post") + 1] or "。")
                             and not norm[m.end("post") : m.end("post") + 1] in "“‘《")):
                # 多/余 after other units start the next word (万人多次); 一倍多, 两成多 and 42公里多， are approximate
                post = None
            if post:
                cand.end = m.end("post")
                if cand.qualifier is None:
                    cand.qualifier, cand.approx = post, _QUALIFIER_MEANING[post]
                else:
                    cand.qualifier += post
        # Name and code rules (each pattern is tried only when the character before can end its match).
        before_two = norm[max(0, start - 2) : start]
        last = before_two[-1:]
        if ("第" in before_two and ORDINAL_PREFIX.search(norm, max(0, start - 2), start)) or (
                last == "、" and _ORDINAL_LIST.search(norm, max(0, start - 24), start)):
            return self.other(cand, "ordinal")
        before = self.text[start - 1] if start else ""
        if (before and before in _OPEN_QUOTES) or (last and last in _NAME_PREFIX_LAST
                                                   and _NAME_PREFIX.search(norm, max(0, start - 2), start)):
            return self.other(cand, "number")
        if cand.cn_only and last and last in "周期拜初高" and _NAME_PREFIX_CN.search(norm, max(0, start - 2), start):
            return self.other(cand, "number")
        if (cand.cn_only and self.in_idiom(start, cand.end)) or (self.url_spans and self.in_url(start, cand.end)):
            return self.other(cand, "number")
        if cand.kind in ("count", "quantity", "duration", "multiple", "money") and cand.cn_only:
            numeral = cand.numeral
            if numeral == "一" and not self.all_numbers and cand.kind != "multiple":
                qualifier, _ = _qualifier_before(norm, start)
                if qualifier is None:
                    return None
            if self.text[start] in FINANCIAL and len(numeral) == 1 and before and _is_han(before):
                return None
        if cand.cn_only and before and before in "数几":
            return None  # 数十人, 几十家: no value
        if last and last in "这那述此" and _DEMONSTRATIVE.search(norm, max(0, start - 2), start) and cand.kind != "multiple":
            return self.other(cand, "number")  # 这两类产品, 上述3家银行: things already named, not a figure
        if cand.unit_word in ("位", "名") and norm[max(0, start - 1) : start] in ("前", "后"):
            return self.other(cand, "ordinal")  # 前两位, 前三名: ranks
        if cand.bare_scale:
            qualifier, _ = _qualifier_before(norm, start)
            before_char = norm[start - 1] if start else ""
            if before_char and before_char in "数几成亿万千百":
                return None
            if qualifier is None and len(cand.numeral) < 2:
                return None
            if cand.kind == "money" and _is_han(norm[cand.end : cand.end + 1] or "。") and norm[cand.end] not in "的，。；、":
                return None
        if cand.kind == "duration":
            if self.all_numbers:
                cand.kind = "quantity"
                return cand
            after = norm[cand.end : cand.end + 2].lstrip("多余")[:1]
            if after and after in _TIME_REFERENCE_AFTER:
                return None  # 十多年前, 三年来, 五年间: a time reference
            qualifier, _ = _qualifier_before(norm, cand.text_start or start)
            framing = _FRAMING.search(norm, max(0, start - 3), start)
            measured = _DURATION_MEASURED.search(norm, max(0, (cand.text_start or start) - 6), _qualifier_before(norm, start)[1])
            if (cand.low is not None or cand.approx in ("under", "over") or measured) and not framing:
                cand.kind = "quantity"
                return cand
            if qualifier in ("不到", "不足", "超过"):
                cand.kind = "quantity"
                return cand
            return None
        return cand


def _sentence_bounds(ex: _Extractor, pos: int) -> tuple[int, int]:
    """Start and end of the sentence holding `pos` (ends at 。！？； or a line break, with a closing quote)."""
    back = _SENTENCE_BREAK_BACK.search(ex.norm, max(0, pos - _LONGEST_SENTENCE), pos)
    start = back.end() if back else max(0, pos - _LONGEST_SENTENCE)
    if start < pos and ex.norm[start] in "”’」』":
        start += 1
    forward = _SENTENCE_END.search(ex.norm, pos, pos + _LONGEST_SENTENCE)
    end = forward.end() if forward else min(len(ex.norm), pos + _LONGEST_SENTENCE)
    return start, end


def _context(ex: _Extractor, cand: _Candidate, floor: int = 0) -> dict:
    """approx, change, basis, metric, period and sentence for a figure; its metric is read from
    the clause after `floor` (the end of the previous figure)."""
    text, norm = ex.text, ex.norm
    numeral_start = cand.text_start if cand.text_start is not None else cand.start
    fig_start = numeral_start
    qualifier, q_start = _qualifier_before(norm, numeral_start)
    approx, qual_text = cand.approx, cand.qualifier
    verb_end = numeral_start
    if qualifier:
        approx = _QUALIFIER_MEANING[qualifier]
        qual_text = qualifier + (qual_text or "")
        if qualifier not in _DETACHED_QUALIFIERS:
            fig_start = q_start
        verb_end = q_start
    change = None
    verb = CHANGE_VERB.search(norm, max(0, verb_end - 4), verb_end)
    if verb:
        word = verb["verb"]
        blockers = _VERB_BLOCKERS.get(word, "")
        prev = norm[verb.start() - 1] if verb.start() else ""
        if not (blockers and prev and prev in blockers):
            change = "decrease" if word in _DECREASE_SET else "increase"
            if cand.kind in ("percent", "percentage_point"):
                fig_start = verb.start()
            verb_end = verb.start()
    if change is None and cand.kind in ("percent", "percentage_point"):
        noun = CHANGE_NOUN.search(norm, max(0, verb_end - 6), verb_end)
        if noun:
            change = "decrease" if noun["noun"] in ("跌幅", "降幅", "减幅") else "increase"
            verb_end = noun.start()
    if ex.last_sentence is not None and ex.last_sentence[0] <= numeral_start < ex.last_sentence[1]:
        s_start, s_end, sentence = ex.last_sentence
    else:
        s_start, s_end = _sentence_bounds(ex, numeral_start)
        sentence = text[s_start:s_end].strip()
        ex.last_sentence = (s_start, s_end, sentence)
    clause_start = ex.clause_start(verb_end, s_start)
    prefix = norm[clause_start:verb_end]
    basis = None
    basis_span = (0, 0)
    if change or cand.kind == "multiple":
        found = None
        for b in _BASIS.finditer(norm, clause_start, verb_end + 12 if change else verb_end):
            if b.start() < verb_end:
                found = b
        if found:
            basis = text[found.start("basis") : found.end("basis")]
            basis_span = found.span("basis")
        elif cand.kind == "multiple":
            mb = _MULTIPLE_BASIS.search(prefix)
            if mb:
                basis = mb["basis"]
    period = None
    search_end = numeral_start if _PERIOD_HINT.search(norm, s_start, numeral_start) else s_start
    while search_end > s_start:
        p = _PERIOD_BACK.search(norm, s_start, search_end)
        if p is None:
            break
        if not (basis_span[0] <= p.start() < basis_span[1]):  # 较去年全年 is a basis, not a period
            period = text[p.start() : p.end()]
            break
        search_end = p.start()
    metric = _metric(ex, prefix[max(0, floor - clause_start) :], basis, cand)
    return {
        "fig_start": fig_start,
        "approx": approx,
        "qualifier": qual_text,
        "change": change,
        "basis": basis,
        "metric": metric,
        "period": period,
        "sentence": sentence,
    }


def _metric(ex: _Extractor, prefix: str, basis: str | None, cand: _Candidate) -> str | None:
    """The noun phrase a figure measures: the clause text before it, trimmed of verbs and times,
    or the noun the figure modifies (70户贫困户, 10亿元资金, 98%的员工) when that is what it counts."""
    phrase = prefix
    if basis and basis in phrase:
        phrase = phrase[: phrase.rfind(basis)]
    for _ in range(3):
        trimmed = _strip_suffix(_METRIC_TRIM_END, phrase)
        trimmed = _strip_suffix(_PERIOD_AT_END, trimmed)
        if trimmed == phrase:
            break
        phrase = trimmed
    cut = _METRIC_CUT.search(phrase)
    uncut = phrase
    if cut:  # 安排10亿元资金: the figure is the verb's object; what stands before the verb is not measured
        phrase = phrase[cut.end() :]
    phrase = _clean_metric(phrase)
    if cand.kind == "count" and ("、" in phrase or "和" in phrase):
        phrase = _LIST_SEPARATOR.split(phrase)[-1]
        if len(phrase) < 2:
            phrase = ""
    noun, of = _noun_after(ex, cand)
    if noun and (cand.kind == "count" or not phrase or _VERB_ONLY.fullmatch(phrase) or phrase.endswith("等")
                 or of and "占" not in prefix and (cand.kind in ("percent", "fraction") or _OWNER_END.search(phrase))):
        phrase = noun
    elif not phrase and cut and cut.end() == len(uncut) and len(cut.group()) > 1:
        phrase = uncut[cut.start() :]  # 河池共投入8.27亿元: nothing follows, so the verb is what is reported
    if len(phrase) > 16:  # keep the head noun's end; a cut must not leave a closing quote in front
        phrase = phrase[-16:].lstrip("”’」』）)、，")
    return phrase or None


def _strip_suffix(pattern: regex.Pattern, phrase: str) -> str:
    """`phrase` without the match of `pattern` (a reverse, end-anchored pattern) at its end."""
    m = pattern.search(phrase)
    return phrase[: m.start()] if m else phrase


def _clean_metric(phrase: str) -> str:
    """`phrase` without times, leading connectives, trailing verbs and numbers before it ("" if under 2 characters)."""
    if _TIME_HINT.search(phrase):
        phrase = _TIME_WORDS.sub("", phrase)
    for _ in range(2):
        trimmed = _strip_suffix(_METRIC_TRIM_END, _METRIC_TRIM_START.sub("", phrase))
        if trimmed == phrase:
            break
        phrase = trimmed
    phrase = phrase.strip(" “”\"、的")
    digit = _LAST_DIGIT.search(phrase)
    if digit:  # 引进世界500强项目、…和超亿美元项目: keep what follows the last number
        phrase = phrase[digit.end() :].lstrip(" .．、")
    return phrase if len(phrase) >= 2 else ""


def _noun_after(ex: _Extractor, cand: _Candidate) -> tuple[str | None, bool]:
    """The noun right after a figure (and whether 的 links them), or None when a verb or nothing follows."""
    m = _NOUN_AFTER.match(ex.norm, cand.noun_at or cand.end)
    if not m or _VERB_AFTER.match(m["noun"]):
        return None, False
    word = m["noun"]
    if word[0] in _FUNCTION_CHARS:
        return None, False
    stop = _NOUN_STOP.search(word, 1)
    if stop:
        word = word[: stop.start()]
    verb = _VERB_AFTER.search(word, 1)
    if verb:  # 98%的员工选择了留平过年 -> 员工
        word = word[: verb.start()]
    if len(word) > 2:
        word = _LOCATIVE_END.sub("", word)  # 350亩荒山上 -> 荒山
    word = word.strip("“”")
    return word or None, bool(m["of"])


def extract_figures(text: str, *, all_numbers: bool = False, kinds: set[str] | None = None) -> list[dict]:
    """The figures in `text`, in document order.

    Each figure is a dict: text, start, end (text[start:end] == figure text), kind, value, low,
    high, unit, approx, qualifier, change, basis, metric, period, sentence. With `all_numbers`,
    other numbers are reported too (kinds number, ordinal, year, date, time). `kinds` keeps only
    figures of those kinds.
    """
    if not text:
        return []
    ex = _Extractor(text, all_numbers)
    figures: list[dict] = []
    previous: dict | None = None
    for cand in ex.candidates():
        if cand.kind == "duration":
            continue
        ctx = _context(ex, cand, figures[-1]["end"] if figures else 0)
        start = ctx["fig_start"]
        if figures and start < figures[-1]["end"]:
            start = max(cand.start, figures[-1]["end"])
        figure = {
            "text": text[start : cand.end],
            "start": start,
            "end": cand.end,
            "kind": cand.kind,
            "value": cand.value,
            "low": cand.low,
            "high": cand.high,
            "unit": cand.unit,
            "approx": ctx["approx"],
            "qualifier": ctx["qualifier"],
            "change": ctx["change"],
            "basis": ctx["basis"],
            "metric": ctx["metric"],
            "period": ctx["period"],
            "sentence": ctx["sentence"],
        }
        if previous is not None and figure["change"] is None and _continues_list(ex, previous, figure):
            figure["change"] = previous["change"]
            figure["basis"] = figure["basis"] or previous["basis"]
        if (figure["metric"] is None and previous is not None and previous["sentence"] == figure["sentence"]
                and (figure["change"] or figure["kind"] in _RELATIVE_KINDS
                     or _SAME_THING_JOIN.fullmatch(ex.norm, previous["end"], figure["start"]))):
            figure["metric"] = previous["metric"]  # 营业收入3.95亿元，同比增长23.63%; 110万亿元、120万亿元
        previous = figure
        figures.append(figure)
    if "分别" in ex.norm:
        _respective_metrics(ex, figures)
    if kinds is not None:
        figures = [f for f in figures if f["kind"] in kinds]
    return figures


_LIST_JOIN = regex.compile(r"\s?(?:、|和|及|与|以及|，|,)\s?")
#: Kinds that relate to a quantity named before them (是平日的2.59倍, 增速加快2.6个百分点): without a metric of
#: their own they inherit the previous figure's, as does any figure with a change verb (同比增长8%).
_RELATIVE_KINDS = frozenset(("percentage_point", "multiple", "fraction"))
#: Text between two figures of the same thing: a list, a range or level in the same clause, a conversion.
_SAME_THING_JOIN = regex.compile(r"[^，,。；;：:！？!?\n]{0,12}|\s?[（(](?:约合|折合|合|约|相当于)?(?:人民币)?")


def _continues_list(ex: _Extractor, previous: dict, figure: dict) -> bool:
    """Whether `figure` is the next item of a list whose change verb stands before the first item."""
    if previous["change"] is None or previous["kind"] != figure["kind"]:
        return False
    join = _LIST_JOIN.fullmatch(ex.norm, previous["end"], figure["start"])
    if not join:
        return False
    if join.group().strip() in ("，", ","):
        return "分别" in ex.norm[max(0, previous["start"] - 8) : previous["start"]]
    return True


_RESPECTIVE = regex.compile(r"分别\s?(?:为|是|达|达到|占|较[^，,。；;、]{0,10}?|比[^，,。；;、]{0,10}?)?(?:%s)?\s?$" % (_INCREASE + "|" + _DECREASE))
_NAME_LIST_SPLIT = regex.compile(r"、|和|及|与")


def _respective_metrics(ex: _Extractor, figures: list[dict]) -> None:
    """Give the items of a 分别 list their own metrics: from a list of names before it
    (上证指数、深证成指分别下跌0.16%、0.68%) or, failing that, from the figures just before it
    (合同额1032.5亿元，执行额716.8亿元，分别增长12.3%和9.6%)."""
    i = 0
    while i < len(figures):
        first = figures[i]
        if not _RESPECTIVE.search(ex.norm, max(0, first["start"] - 20), first["start"]):
            i += 1
            continue
        run = [first]
        while (i + len(run) < len(figures) and figures[i + len(run)]["kind"] == run[-1]["kind"]
               and _LIST_JOIN.fullmatch(ex.norm, run[-1]["end"], figures[i + len(run)]["start"])):
            run.append(figures[i + len(run)])
        if len(run) > 1:
            respective = ex.norm.rfind("分别", max(0, first["start"] - 20), first["start"])
            clause_start = ex.clause_start(respective, max(0, respective - 60))
            names = [n for n in _NAME_LIST_SPLIT.split(ex.norm[clause_start:respective]) if n]
            before = figures[max(0, i - len(run)) : i]
            if len(names) >= len(run):
                for figure, name in zip(run, names[-len(run):]):
                    figure["metric"] = name.strip(" “”")
            elif len(before) == len(run) and all(f["sentence"] == first["sentence"] and f["metric"] for f in before):
                for figure, earlier in zip(run, before):
                    figure["metric"] = earlier["metric"]
        i += len(run)
