"""What can follow a number: currencies (with ISO codes), percent and point words, physical units,
measure words, time words. Each table maps the form as written to its canonical unit."""

from __future__ import annotations

#: Currency words -> ISO 4217 code (BTC is not ISO but is how the spec names it).
CURRENCIES = {
    "元人民币": "CNY", "人民币元": "CNY", "元钱": "CNY", "块钱": "CNY", "元": "CNY", "人民币": "CNY",
    "美元": "USD", "美金": "USD", "美刀": "USD", "欧元": "EUR", "日元": "JPY", "日圆": "JPY",
    "港元": "HKD", "港币": "HKD", "英镑": "GBP", "加元": "CAD", "加拿大元": "CAD", "韩元": "KRW",
    "澳元": "AUD", "澳大利亚元": "AUD", "新西兰元": "NZD", "卢布": "RUB", "新台币": "TWD", "台币": "TWD",
    "新加坡元": "SGD", "瑞士法郎": "CHF", "瑞郎": "CHF", "卢比": "INR", "泰铢": "THB", "林吉特": "MYR",
    "兰特": "ZAR", "里拉": "TRY", "雷亚尔": "BRL", "越南盾": "VND", "澳门元": "MOP", "澳门币": "MOP",
    "比特币": "BTC", "美分": "USD", "欧分": "EUR",
}
#: Sub-units worth a fraction of the main unit.
SUBUNIT_SCALE = {"美分": 0.01, "欧分": 0.01}

#: Physical units: value stays in the unit as written (59.3亿吨 -> 5930000000 吨).
QUANTITY_UNITS = [
    "平方公里", "平方千米", "平方米", "平方厘米", "平方英尺", "平米", "公顷", "亩", "㎡", "m²", "km²",
    "公里", "千米", "厘米", "毫米", "微米", "纳米", "海里", "英里", "英尺", "米",
    "标准立方米", "立方米", "立方", "毫升", "升",
    "吨标准煤", "载重吨", "标准箱", "总吨", "吨公里", "盎司", "英亩", "千公顷", "吨", "公斤", "千克", "毫克", "微克", "克",
    "万千瓦时", "千瓦时", "兆瓦时", "吉瓦时", "太瓦时", "千瓦", "兆瓦", "吉瓦", "千伏", "伏", "千焦", "焦耳", "千卡", "大卡",
    "W/m·K", "W/(m·K)", "摄氏度", "华氏度", "℃", "°C", "°F", "℉",
    "兆赫兹", "兆赫", "赫兹", "千字节", "兆字节", "字节", "千比特", "比特",
    "标箱", "马力", "分贝",
    "kWh", "kW", "MW", "GW", "GWh", "TWh", "km/h", "km", "cm", "mm", "nm", "kg", "mg", "μg", "GHz", "MHz", "Hz",
    "GB", "MB", "TB", "KB", "m³", "ml", "mL", "t", "W", "m", "g", "L",
]
#: Units that follow only Arabic numerals (after a Chinese numeral they are words: 两度, 四方, 斤两).
ARABIC_ONLY_UNITS = {"度", "方", "两", "级", "手", "t", "W", "m", "g", "L"}
QUANTITY_UNITS += ["度", "方", "两", "级", "斤"]

#: Time spans: figures only when qualified (不到20天) or a range; with --all-numbers always.
DURATION_UNITS = [
    "个多月", "个半月", "个半小时", "个多星期", "个星期", "个交易日", "交易日", "个月", "个多小时", "个小时", "个工作日", "工作日", "小时", "分钟", "秒钟", "秒",
    "周岁", "岁", "星期", "周", "天", "年",
]

#: Measure words that make a number a count.
MEASURE_WORDS = [
    "人次", "场次", "台次", "台套", "站次", "例次", "架次", "列次", "艘次", "辆次", "车次", "班次", "航次", "批次", "户次", "家次", "个次", "项次", "吨次",
    "个", "家", "名", "人", "位", "座", "台", "辆", "条", "项", "支", "所", "户", "套", "件", "次", "场",
    "只", "头", "匹", "本", "部", "篇", "册", "种", "类", "批", "起", "份", "张", "片", "棵", "株", "间",
    "栋", "幢", "处", "枚", "颗", "粒", "根", "块", "把", "首", "宗", "例", "床", "口", "艘", "架", "列",
    "趟", "层", "门", "单", "笔", "组", "对", "双", "副", "道", "轮", "款", "段", "盏", "孔", "眼", "所",
    "股", "手", "枝", "朵", "尾", "羽", "箱", "袋", "瓶", "桶", "盒", "罐", "剂", "幅",
]

PERCENT_POINT_WORDS = {"个百分点": 1.0, "百分点": 1.0, "个基点": 0.01, "基点": 0.01}
