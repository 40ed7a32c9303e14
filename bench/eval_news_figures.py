"""Score `newsmine stats` on ../shared/eval/news_figures_dev.jsonl (80 hand-annotated news sentences).

Runs the real CLI (`python -m newsmine stats`, default figure kinds, no --all-numbers) over the
sentences written as article records. Rule (../shared/eval/README.md): a gold figure is found when a
predicted figure overlaps its span with the same kind (percent and percentage_point apart), the same
value (or range bounds) and, for money, the same currency. Predictions overlapping a gold item marked
`doubt` count neither way. Also reports how often approx and change agree on the matched figures.

Usage: .venv/bin/python bench/eval_news_figures.py [--verbose] [--set PATH]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from _evalkit import EVAL, close, load_cases, overlaps, prf, print_table, run_stats

# Gold fractions and ratios are rounded to 4 places.
ABS_TOLERANCE = {"fraction": 5e-5, "ratio": 5e-5}


def same_figure(gold: dict, figure: dict) -> bool:
    if not overlaps(gold["start"], gold["end"], figure["start"], figure["end"]) or gold["kind"] != figure["kind"]:
        return False
    tolerance = ABS_TOLERANCE.get(gold["kind"], 0.0)
    if gold["value"] is not None:
        if not close(gold["value"], figure["value"], absolute=tolerance):
            return False
    elif not (close(gold["low"], figure["low"], absolute=tolerance) and close(gold["high"], figure["high"], absolute=tolerance)):
        return False
    return gold["kind"] != "money" or gold["unit"] == figure["unit"]


def loosely_equal(gold: str | None, ours: str | None) -> bool:
    """Both absent, or one phrase contains the other (metric and period are free-text phrases)."""
    if gold is None or ours is None:
        return gold is None and ours is None
    return gold in ours or ours in gold


def score(cases: list[dict], predictions: dict[str, list[dict]], verbose: bool) -> None:
    tp, fp, fn = Counter(), Counter(), Counter()
    approx_agree = change_agree = basis_agree = metric_agree = period_agree = matched = 0
    for case in cases:
        gold = [g for g in case["figures"] if not g.get("doubt")]
        doubts = [g for g in case["figures"] if g.get("doubt")]
        used: set[int] = set()
        for figure in predictions.get(case["id"], []):
            hit = next((i for i, g in enumerate(gold) if i not in used and same_figure(g, figure)), None)
            if hit is not None:
                used.add(hit)
                tp[figure["kind"]] += 1
                matched += 1
                approx_agree += gold[hit]["approx"] == figure["approx"]
                change_agree += gold[hit]["change"] == figure["change"]
                basis_agree += gold[hit]["basis"] == figure["basis"]
                metric_agree += loosely_equal(gold[hit]["metric"], figure["metric"])
                period_agree += loosely_equal(gold[hit]["period"], figure["period"])
                if verbose and (gold[hit]["approx"] != figure["approx"] or gold[hit]["change"] != figure["change"]):
                    print(f"  ~ {case['id']} {figure['text']}: approx {figure['approx']} vs {gold[hit]['approx']}, "
                          f"change {figure['change']} vs {gold[hit]['change']}")
            elif any(overlaps(d["start"], d["end"], figure["start"], figure["end"]) for d in doubts):
                continue
            else:
                fp[figure["kind"]] += 1
                if verbose:
                    print(f"  FP {case['id']} {figure['text']} {figure['kind']} {figure['value']} {figure['low']}-{figure['high']} {figure['unit']}")
        for i, g in enumerate(gold):
            if i not in used:
                fn[g["kind"]] += 1
                if verbose:
                    value = g["value"] if g["value"] is not None else (g["low"], g["high"])
                    print(f"  FN {case['id']} {g['surface']} {g['kind']} {value} {g['unit']}")
    kinds = sorted(set(tp) | set(fp) | set(fn), key=lambda k: -(tp[k] + fn[k]))
    rows = {"overall": (sum(tp.values()), sum(fp.values()), sum(fn.values()))}
    rows.update({kind: (tp[kind], fp[kind], fn[kind]) for kind in kinds})
    print_table(f"news_figures: {len(cases)} sentences, {sum(tp.values()) + sum(fn.values())} gold figures (doubts excluded)", rows)
    if matched:
        print(f"\napprox agreement on matched figures: {approx_agree / matched:.3f} ({approx_agree}/{matched})")
        print(f"change agreement on matched figures: {change_agree / matched:.3f} ({change_agree}/{matched})")
        print(f"basis agreement (exact): {basis_agree / matched:.3f}; metric agreement (one contains the other): "
              f"{metric_agree / matched:.3f}; period agreement (same test): {period_agree / matched:.3f}")
    p, r, f = prf(*rows["overall"])
    print(f"\nRESULT news_figures precision={p:.3f} recall={r:.3f} F1={f:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=EVAL / "news_figures_dev.jsonl")
    parser.add_argument("--verbose", "-v", action="store_true", help="List misses, false positives, disagreements.")
    args = parser.parse_args()
    cases = load_cases(args.set)
    score(cases, run_stats(cases, []), args.verbose)


if __name__ == "__main__":
    main()
