"""Shared by the eval scorers: run `newsmine stats` on cases, match figures to gold spans."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
NEWSMINE = [sys.executable, "-m", "newsmine"]


def load_cases(path: Path) -> list[dict]:
    if not path.is_file():
        sys.exit(f"evaluation set not found at {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_stats(cases: list[dict], extra_args: list[str]) -> dict[str, list[dict]]:
    """Run the real `newsmine stats` CLI over the cases (as article records); figures by case id."""
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "cases.jsonl"
        with records.open("w", encoding="utf-8") as out:
            for case in cases:
                out.write(json.dumps({"type": "article", "id": case["id"], "text": case["text"]}, ensure_ascii=False) + "\n")
        proc = subprocess.run([*NEWSMINE, "stats", str(records), "--quiet", *extra_args], capture_output=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"newsmine stats failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}")
    by_case: dict[str, list[dict]] = defaultdict(list)
    for line in proc.stdout.decode("utf-8").splitlines():
        figure = json.loads(line)
        by_case[figure["article"]].append(figure)
    return by_case


def close(a, b, rel: float = 1e-6, absolute: float = 0.0) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), absolute)


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def print_table(title: str, rows: dict[str, tuple[int, int, int]]) -> None:
    print(f"\n{title}")
    print(f"{'':18} {'P':>6} {'R':>6} {'F1':>6}   {'TP':>4} {'FP':>4} {'FN':>4}")
    for name, (tp, fp, fn) in rows.items():
        p, r, f = prf(tp, fp, fn)
        print(f"{name:18} {p:6.3f} {r:6.3f} {f:6.3f}   {tp:4d} {fp:4d} {fn:4d}")
