"""Chinese, Arabic and mixed numerals: normalisation and parsing to a number.

`normalize` maps full-width, traditional and financial characters to plain forms one character
for one character, so offsets in the normalised text are offsets in the original text.
`parse_numeral` reads a numeral as written ("三千二百万", "1,234.5", "3.5万", "1亿2千万",
"3万4000", "二〇二九", "零点五") and returns its value, or None when it is not a numeral.
"""

from __future__ import annotations

import math

import regex

_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_ONE_FOR_ONE = {
    **_FULLWIDTH,
    "．": ".", "％": "%", "－": "-", "＋": "+", "／": "/", "：": ":", "∶": ":", "，": "，", "〇": "零", "○": "零",
    "Ｋ": "K", "ｋ": "k",
    # traditional forms
    "萬": "万", "億": "亿", "兩": "两", "倆": "两", "點": "点", "個": "个", "負": "负", "幾": "几",
    "餘": "余", "雙": "双", "對": "对", "塊": "块", "價": "价", "噸": "吨", "米": "米", "裡": "里",
    "長": "长", "們": "们", "這": "这", "還": "还", "議": "议", "億": "亿", "帶": "带", "兆": "兆",
    # financial (anti-fraud) digits
    "壹": "一", "贰": "二", "貳": "二", "叁": "三", "肆": "四", "伍": "五", "陆": "六", "陸": "六",
    "柒": "七", "捌": "八", "玖": "九", "拾": "十", "佰": "百", "仟": "千",
}
_ONE_FOR_ONE = {k: v for k, v in _ONE_FOR_ONE.items() if k != v}
# str.translate looks every character up; substituting only the rare characters that change is faster.
_CHANGING = regex.compile("[" + "".join(regex.escape(ch) for ch in _ONE_FOR_ONE) + "]")

#: Financial digits that are also ordinary words (陆地, 退伍, 拾取): a lone one is not a numeral.
FINANCIAL = frozenset("壹贰貳叁肆伍陆陸柒捌玖拾佰仟")

DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000, "兆": 1_000_000_000_000}
SCALE_CHARS = "十百千万亿兆"
CN_DIGIT_CHARS = "零一二两三四五六七八九"
VAGUE = "多余几来"

_TOKEN = regex.compile(rf"\d+(?:[,，]\d{{3}})*(?:\.\d+)?(?:[eE][+-]?\d+)?[kK]?|[{CN_DIGIT_CHARS}{SCALE_CHARS}{VAGUE}]")
_SPACES = regex.compile(r"[ \u3000\u00a0]+")
_PLAIN_DECIMAL = regex.compile(r"[0-9]{1,15}(?:\.[0-9]+)?")


def normalize(text: str) -> str:
    """`text` with full-width, traditional and financial numeral characters mapped to plain ones.

    The result has the same length as `text`, character for character.
    """
    return _CHANGING.sub(_replace, text)


def _replace(match: regex.Match) -> str:
    return _ONE_FOR_ONE[match.group()]


def tidy(value: float) -> float | int:
    """A parsed value without float noise (12 significant digits); integral values as int."""
    value = float(f"{value:.12g}")
    if value == int(value) and abs(value) < 1e18:
        return int(value)
    return value


def _arabic_value(token: str) -> float:
    multiplier = 1000 if token[-1] in "kK" else 1
    token = token.rstrip("kK").replace(",", "").replace("，", "")
    return float(token) * multiplier


def _digit_string(text: str) -> float | None:
    """二零二九 -> 2029 (digits read one by one, as in years)."""
    if all(ch in DIGITS for ch in text):
        return float("".join(str(DIGITS[ch]) for ch in text))
    return None


def _parse_integer_part(text: str) -> tuple[float, bool] | None:
    """Value of a numeral without a decimal point; also whether a vague digit (多 余 几) was in it."""
    tokens = _TOKEN.findall(text)
    if not tokens or "".join(tokens) != text:
        return None
    if len(tokens) > 1 and not any(t in SCALE_CHARS for t in tokens):
        if all(t in DIGITS for t in tokens):
            return _digit_string(text), False
        return None
    parts: list[tuple[float, int]] = []
    section = 0.0
    number: float | None = None
    number_is_cn_digit = False
    last_unit = 0
    zero_seen = False
    vague = False
    has_digit = False
    for token in tokens:
        if token in DIGITS:
            if token == "零":
                zero_seen = True
                has_digit = True
                continue
            if number is not None:
                return None
            number, number_is_cn_digit, has_digit = float(DIGITS[token]), True, True
        elif token in SMALL_UNITS:
            unit = SMALL_UNITS[token]
            if number is None and section and not zero_seen and last_unit and last_unit <= unit:
                return None  # "百百", "千百"
            section += (number if number is not None else 1) * unit
            number, last_unit, zero_seen = None, unit, False
        elif token in BIG_UNITS:
            unit = BIG_UNITS[token]
            if number is not None:
                section += number
            if section == 0 and not parts:
                if not has_digit and last_unit == 0:
                    section = 1  # a bare scale word (万, 亿): only valid with a unit; callers check
                else:
                    return None
            # A big unit straight after another (万亿, 万万) scales everything before it.
            follows_big = number is None and section == 0 and last_unit in BIG_UNITS.values()
            lower = sum(v for v, scale in parts if scale < unit or (follows_big and scale <= unit)) + section
            if follows_big:
                parts = [(v, scale) for v, scale in parts if scale > unit]
                parts.append((lower * unit, unit))
                section, number, last_unit, zero_seen = 0.0, None, unit, False
                continue
            parts = [(v, scale) for v, scale in parts if scale >= unit]
            parts.append((lower * unit, unit))
            section, number, last_unit, zero_seen = 0.0, None, unit, False
        elif token in VAGUE:
            vague = True
        else:
            if number is not None:
                return None
            try:
                number, number_is_cn_digit, has_digit = _arabic_value(token), False, True
            except ValueError:  # a digit newer than Python's Unicode tables (regex's \d knows it)
                return None
    if number is not None:
        if number_is_cn_digit and not zero_seen and last_unit >= 10:
            number *= last_unit / 10  # 一万三 = 13000, 两千四百五 = 2450
        section += number
    return sum(v for v, _ in parts) + section, vague


def parse_numeral(text: str, *, allow_bare_scale: bool = False) -> float | int | None:
    """The value of a numeral as written, or None when `text` is not a numeral.

    Accepts signs (负, -, +), spaces between Chinese numeral characters, decimal points (. and 点),
    thousands separators, scale words (十 百 千 万 亿 兆 万亿) and vague digits (五百余万 -> 5000000).
    """
    result = parse_numeral_vague(text, allow_bare_scale=allow_bare_scale)
    return None if result is None else result[0]


def parse_numeral_vague(
    text: str, *, allow_bare_scale: bool = False, normalized: bool = False
) -> tuple[float | int, bool] | None:
    """Like parse_numeral, also returning whether the numeral held a vague digit (多 余 几 来).

    A bare scale word ("万", "千万") is a numeral only with `allow_bare_scale` (as in 千万人次).
    `normalized` says `text` has already been through `normalize`.
    """
    if _PLAIN_DECIMAL.fullmatch(text):  # the common case, 1612.3: no Chinese to read
        return tidy(float(text)), False
    if not normalized:
        text = normalize(text)
    if " " in text or "\u3000" in text or "\u00a0" in text:
        text = _SPACES.sub("", text)
    if not allow_bare_scale and text and all(ch in SCALE_CHARS for ch in text) and text != "十":
        return None
    sign = 1
    if text and text[0] in "负-−+正":
        sign = -1 if text[0] in "负-−" else 1
        text = text[1:]
    if not text:
        return None
    if "点" in text:
        whole, _, fraction = text.partition("点")
        scale = 1
        while fraction and fraction[-1] in BIG_UNITS:
            scale *= BIG_UNITS[fraction[-1]]
            fraction = fraction[:-1]
        if not fraction:
            return None
        if fraction.isdigit():
            decimals = fraction
        elif all(ch in DIGITS for ch in fraction):
            decimals = "".join(str(DIGITS[ch]) for ch in fraction)
        else:
            return None
        head = _parse_integer_part(whole) if whole else (0.0, False)
        if head is None or not math.isfinite(head[0]):
            return None
        return tidy(sign * (head[0] + float("0." + decimals)) * scale), head[1]
    parsed = _parse_integer_part(text)
    if parsed is None or not math.isfinite(parsed[0]):
        return None
    return tidy(sign * parsed[0]), parsed[1]

