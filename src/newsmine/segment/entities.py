"""People, places and organisations from jieba POS tags (nr / ns / nt) and their neighbours.

Rules (conventions of Chinese names, not a trained model; see docs/segment.md for the limits):
- person: a word tagged nrt (transliterated name), or nr/nrfg of 2-3 characters (4 with a
  compound surname) starting with a common surname; two-character dictionary words tagged nr
  are left out (in jieba's dictionary they are mostly ordinary words: 荣获, 文明, 智慧);
- place: a word tagged ns of two or more characters, joined with a following administrative
  suffix written as its own word (平湖 + 市, 浙江 + 省). Words found by the HMM (not in the
  dictionary) count only when they end like a place name (市, 县, 镇...), and the ordinary
  words among the most frequent ns entries of jieba's dictionary (城市, 美丽, 上市...) never;
- organisation: a word tagged nt, or a run of name-like words ending in an organisation-form word
  (公司, 有限公司, 集团, 研究院, 银行, 大学, 委员会...). The run may hold a bracketed place, as
  in 嘉吉食品科技(平湖)有限公司, starts at its first proper-name word (place, person, brand,
  abbreviation, Latin name) and must contain one, so 科技公司 alone is not an organisation.
- a short name: a word tagged nr/nz that is part of an organisation name found in the same
  text is that organisation again (嘉吉 after 嘉吉食品科技(平湖)有限公司), not a person.
Entities do not overlap: an organisation takes the places and people inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import accumulate

Tagged = tuple[str, str]

PERSON_TAGS = frozenset({"nr", "nrfg"})
TRANSLITERATED_PERSON_TAG = "nrt"
PLACE_TAG = "ns"
ORGANISATION_TAG = "nt"
# Words that make a run a proper name (the run must contain one).
ANCHOR_TAGS = frozenset({"ns", "nr", "nrfg", "nrt", "nz", "nt", "j", "eng"})
# Words that may stand inside an organisation name before its form word.
NAME_PART_TAGS = ANCHOR_TAGS | frozenset({"n", "vn", "an", "ng", "b", "l"})
ORGANISATION_FORMS = frozenset(
    """公司 有限公司 有限责任公司 股份有限公司 股份公司 集团 集团公司 控股 银行 分行 支行 信用社
    大学 学院 中学 小学 研究院 研究所 研究中心 分院 科学院 医院 委员会 常委会 协会 学会 商会
    联合会 基金会 合作社 总局 管理局 事务所 实验室 工作站 出版社 报社 电视台 广播电台 博物馆
    图书馆 法院 检察院 人民政府 政府 党委 工委 中心 总部 分公司 子公司 俱乐部 代表处 办事处""".split()
)
PLACE_SUFFIXES = frozenset("省 市 县 区 镇 乡 村 州 盟 旗 街道 社区 新区 开发区 自治区 自治州 自治县".split())
PLACE_NAME_ENDINGS = frozenset("省市县区镇乡村州旗岛山河湖江海港湾")
# Ordinary words among the 250 most frequent ns-tagged entries of jieba's dict.txt.
NOT_PLACES = frozenset(
    """城市 东西 南北 平原 外国 爱国 英雄 朝廷 太阳 哥哥 海洋 湖泊 大桥 高原 上市 永乐 建国 美丽
    山区 江湖 大街 王国 开国 共和国 城镇 大都 京城 阿哥 庆典 南路 深度 山脉 回国 治安 大国 新鲜
    古城 河口 冰川 长度 山水 长大 琉璃瓦 莫非""".split()
)
# Tags of a word that, found inside an organisation's full name in the same text, is its short
# name (荣晟 after 浙江荣晟环保纸业股份有限公司), not a person.
SHORT_NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "nz"})
CLOSE_BRACKETS = {")": "(", "）": "（"}
MAX_NAME_WORDS = 8
MAX_BRACKET_WORDS = 4

# Common Chinese surnames (single and compound), composed for newsmine from general knowledge.
SURNAMES = frozenset(
    """王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹
    彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石
    廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱
    严 覃 武 戴 莫 孔 向 汤 常 温 康 施 文 牛 樊 葛 邢 安 齐 易 乔 伍 庞 颜 倪 庄 聂 章 鲁 岳 翟
    殷 詹 申 欧 耿 关 兰 焦 俞 左 柳 甘 祝 包 宁 尚 符 舒 阮 柯 纪 梅 童 凌 毕 单 季 裴 霍 涂 成
    苗 谷 盛 曲 翁 冉 骆 蓝 路 游 辛 靳 管 柴 蒙 鲍 华 喻 祁 蒲 房 滕 屈 饶 解 牟 艾 尤 阳 时 穆
    农 司 卓 古 吉 缪 简 车 项 连 芦 麦 褚 娄 窦 戚 岑 景 党 宫 费 卜 冷 晏 席 卫 米 柏 宗 瞿 桂
    全 佟 应 臧 闵 苟 邬 边 卞 姬 师 和 仇 栾 隋 商 刁 沙 荣 巫 寇 桑 郎 甄 丛 仲 虞 敖 巩 明 佘
    池 查 麻 苑 迟 邝 官 封 谈 匡 鞠 惠 荆 乐 冀 郁 胥 南 班 储 原 栗 燕 楚 鄢 劳 谌 奚 皮 粟 冼
    蔺 楼 盘 满 闻 位 厉 伊 仝 区 郜 海 阚 花 权 强 帅 屠 豆 朴 盖 练 廉 禹 井 祖 漆 巴 丰 支 卿
    国 狄 平 计 索 宣 晋 相 初 门 云 容 敬 来 扈 晁 芮 都 普 阙 浦 戈 伏 鹿 薄 邸 雍 辜 羊 阿 乌
    母 裘 亓 修 邰 赫 杭 况 那 宿 鲜 印 逯 隆 茹 诸 战 慕 危 玉 银 亢 嵇 公 哈 湛 宾 戎 勾 茅 利
    于 呼 居 揭 干 但 尉 冶 斯 元 束 檀 衣 信 展 阴 昝 智 幸 奉 植 衡 富 尧 闭 由
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫""".split()
)


def find_entities(
    tagged: Sequence[Tagged],
    is_dictionary_word: Callable[[str], bool] = lambda word: True,
    stopwords: frozenset[str] = frozenset(),
) -> list[dict]:
    """Entities in tagged words that concatenate to the text, as [{"text","type","start","end"}].

    `is_dictionary_word` tells words of the segmenter's dictionary from words its HMM found.
    """
    words = [word for word, _ in tagged]
    tags = [tag for _, tag in tagged]
    ends = list(accumulate(map(len, words)))
    starts = [end - len(word) for end, word in zip(ends, words)]
    taken = [False] * len(words)
    entities = []
    for first, last in _organisation_spans(words, tags):
        entities.append(_entity(words, starts, ends, first, last, "organization"))
        taken[first : last + 1] = [True] * (last + 1 - first)
    organisation_names = [entity["text"] for entity in entities]
    index = 0
    while index < len(words):
        word, tag = words[index], tags[index]
        if taken[index] or word in stopwords:
            index += 1
            continue
        if tag == PLACE_TAG and _is_place(word, is_dictionary_word):
            last = index + 1 if index + 1 < len(words) and words[index + 1] in PLACE_SUFFIXES else index
            entities.append(_entity(words, starts, ends, index, last, "place"))
            index = last + 1
            continue
        if tag in SHORT_NAME_TAGS and len(word) >= 2 and any(word in name for name in organisation_names):
            entities.append(_entity(words, starts, ends, index, index, "organization"))
        elif _is_person(word, tag, is_dictionary_word):
            entities.append(_entity(words, starts, ends, index, index, "person"))
        elif tag == ORGANISATION_TAG:
            entities.append(_entity(words, starts, ends, index, index, "organization"))
        index += 1
    entities.sort(key=lambda entity: entity["start"])
    return entities


def _entity(words: Sequence[str], starts: list[int], ends: list[int], first: int, last: int, kind: str) -> dict:
    return {"text": "".join(words[first : last + 1]), "type": kind, "start": starts[first], "end": ends[last]}


def _is_person(word: str, tag: str, is_dictionary_word: Callable[[str], bool]) -> bool:
    if tag == TRANSLITERATED_PERSON_TAG:
        return len(word) >= 2
    if tag not in PERSON_TAGS:
        return False
    if word[:2] in SURNAMES:
        return 3 <= len(word) <= 4
    if word[0] not in SURNAMES or not 2 <= len(word) <= 3:
        return False
    return len(word) == 3 or not is_dictionary_word(word)


def _is_place(word: str, is_dictionary_word: Callable[[str], bool]) -> bool:
    if len(word) < 2 or word in NOT_PLACES:
        return False
    return word[-1] in PLACE_NAME_ENDINGS or is_dictionary_word(word)


def _organisation_spans(words: Sequence[str], tags: Sequence[str]) -> list[tuple[int, int]]:
    """(first, last) word indexes of organisation names, right to left, not overlapping."""
    spans = []
    limit = len(words)
    for index in range(len(words) - 1, -1, -1):
        if index >= limit or not (words[index] in ORGANISATION_FORMS or tags[index] == ORGANISATION_TAG):
            continue
        first = _name_start(words, tags, index)
        if first is not None:
            spans.append((first, index))
            limit = first
    spans.reverse()
    return spans


def _name_start(words: Sequence[str], tags: Sequence[str], form: int) -> int | None:
    """Index of the first word of the name ending at `form`, or None when it is not a name."""
    parts: list[int] = []
    bracketed: set[int] = set()
    index = form - 1
    while index >= 0 and len(parts) < MAX_NAME_WORDS:
        word = words[index]
        if word in CLOSE_BRACKETS:
            opening = _bracket_start(words, tags, index)
            if opening is None:
                break
            bracketed.update(range(opening, index + 1))
            parts.extend(range(index, opening - 1, -1))
            index = opening - 1
        elif tags[index] in NAME_PART_TAGS and word.strip():
            parts.append(index)
            index -= 1
        else:
            break
    # The name starts at its first proper-name word outside brackets: (平湖)有限公司 is no name.
    anchors = [i for i in parts if tags[i] in ANCHOR_TAGS and i not in bracketed]
    return min(anchors) if anchors else None


def _bracket_start(words: Sequence[str], tags: Sequence[str], close: int) -> int | None:
    """Index of the bracket opening the one at `close`, when only name words are between them."""
    opening = CLOSE_BRACKETS[words[close]]
    index = close - 1
    while index >= 0 and close - index <= MAX_BRACKET_WORDS + 1:
        if words[index] == opening:
            return index if index < close - 1 else None
        if tags[index] not in NAME_PART_TAGS:
            return None
        index -= 1
    return None
