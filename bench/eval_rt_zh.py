"""Score `newsmine stats --all-numbers` on ../shared/eval/rt_zh_dev.jsonl (Recognizers-Text Chinese specs).

Runs the real CLI (`python -m newsmine stats --all-numbers`) over the cases written as article
records. Rule (../shared/eval/README.md): a gold item is found when a figure overlaps its span with
the same value (relative 1e-6) and, for money and quantities, the same unit after folding aliases.
In number-scope cases every figure counts, whatever its kind; in other scopes only figures of the
scope's kind. Cases flagged `questionable` are skipped. Prints P/R/F1 overall and per scope.

Kind folding for the spec's conventions: the specs have no percentage-point kind (个百分点 is plain
%), so newsmine's `percentage_point` counts as `percent`; the spec's `quantity` covers newsmine's
`quantity` (physical units, ages and durations).

A range figure matches a gold number equal to either of its bounds.

Unit folding (newsmine writes units as printed; the spec names them in English):
UNIT_ALIASES below maps each printed unit to the spec's name, e.g. 公斤/千克/kg -> Kilogram,
亩 -> Mu, 岁/周岁/年 -> Year, 摄氏度/℃ -> C, 华氏度/℉ -> F, bare 度 -> Degree.

Usage: .venv/bin/python bench/eval_rt_zh.py [--verbose] [--set PATH]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from _evalkit import EVAL, close, load_cases, overlaps, prf, print_table, run_stats

UNIT_ALIASES = {
    # mass
    "公斤": "Kilogram", "千克": "Kilogram", "kg": "Kilogram", "克": "Gram", "g": "Gram", "毫克": "Milligram",
    "mg": "Milligram", "微克": "Microgram", "μg": "Microgram", "吨": "Ton", "t": "Ton", "斤": "Jin", "两": "Liang",
    # length and area
    "米": "Meter", "m": "Meter", "千米": "Kilometer", "公里": "Kilometer", "km": "Kilometer", "厘米": "Centimeter",
    "cm": "Centimeter", "毫米": "Millimeter", "mm": "Millimeter", "纳米": "Nanometer", "nm": "Nanometer",
    "亩": "Mu", "公顷": "Hectare", "平方米": "SquareMeter", "平方公里": "SquareKilometer",
    # time and age
    "岁": "Year", "周岁": "Year", "年": "Year", "周": "Week", "星期": "Week", "天": "Day", "日": "Day",
    "月": "Month", "小时": "Hour", "分钟": "Minute", "秒": "Second", "秒钟": "Second",
    # temperature
    "℃": "C", "°C": "C", "摄氏度": "C", "℉": "F", "°F": "F", "华氏度": "F", "度": "Degree",
    # energy, frequency, data
    "千卡": "Kilocalorie", "大卡": "Kilocalorie", "赫兹": "Hertz", "Hz": "Hertz", "兆赫兹": "Megahertz",
    "兆赫": "Megahertz", "MHz": "Megahertz", "千比特": "Kilobit", "比特": "Bit", "字节": "Byte",
    "千字节": "Kilobyte", "兆字节": "Megabyte", "千瓦": "Kilowatt", "千瓦时": "KilowattHour",
    "升": "Liter", "毫升": "Milliliter", "立方米": "CubicMeter",
}
KIND_FOLD = {"percentage_point": "percent"}


def unit_matches(gold: dict, figure: dict) -> bool:
    if gold["kind"] == "money":
        return figure["unit"] == gold["unit"]
    if gold["kind"] == "quantity":
        return UNIT_ALIASES.get(figure["unit"], figure["unit"]) == gold["unit"]
    return True


def counts_in_scope(figure: dict, scope: str) -> bool:
    return scope == "number" or KIND_FOLD.get(figure["kind"], figure["kind"]) == scope


def found(gold: dict, figure: dict, scope: str) -> bool:
    if not overlaps(gold["start"], gold["end"], figure["start"], figure["end"]):
        return False
    # A range matches a gold number equal to either bound (the spec annotates 70 - 90天 as 90).
    values = [figure["value"]] if figure["value"] is not None else [figure["low"], figure["high"]]
    if not any(close(gold["value"], value) for value in values):
        return False
    return scope == "number" or unit_matches(gold, figure)


def score(cases: list[dict], predictions: dict[str, list[dict]], verbose: bool) -> None:
    tp, fp, fn = Counter(), Counter(), Counter()
    skipped = 0
    for case in cases:
        if "questionable" in case["flags"]:
            skipped += 1
            continue
        scope = case["scope"][0]
        figures = [f for f in predictions.get(case["id"], []) if counts_in_scope(f, scope)]
        used: set[int] = set()
        for figure in figures:
            hit = next((i for i, g in enumerate(case["expected"]) if i not in used and found(g, figure, scope)), None)
            if hit is not None:
                used.add(hit)
                tp[scope] += 1
            else:
                fp[scope] += 1
                if verbose:
                    print(f"  FP {case['id']} {case['text'][:40]!r}: {figure['text']} {figure['kind']} {figure['value']} {figure['unit']}")
        for i, gold in enumerate(case["expected"]):
            if i not in used:
                fn[scope] += 1
                if verbose:
                    print(f"  FN {case['id']} {case['text'][:40]!r}: {gold['span']} {gold['value']} {gold['unit']}")
    rows = {"overall": (sum(tp.values()), sum(fp.values()), sum(fn.values()))}
    for scope in ("number", "percent", "money", "quantity", "ordinal"):
        rows[scope] = (tp[scope], fp[scope], fn[scope])
    print_table(f"rt_zh: {len(cases) - skipped} cases scored ({skipped} questionable skipped)", rows)
    p, r, f = prf(*rows["overall"])
    print(f"\nRESULT rt_zh precision={p:.3f} recall={r:.3f} F1={f:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=EVAL / "rt_zh_dev.jsonl")
    parser.add_argument("--verbose", "-v", action="store_true", help="List misses and false positives.")
    args = parser.parse_args()
    cases = load_cases(args.set)
    score(cases, run_stats(cases, ["--all-numbers"]), args.verbose)


if __name__ == "__main__":
    main()
