"""Run every benchmark and evaluation in bench/, one after another (`make bench`).

Each script prints its own table; this only runs them in a sensible order and stops on failure.
Needs ../shared/ (the corpus and evaluation sets) beside the repository.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = [
    ["split_pages.py"],
    ["eval_news_figures.py"],
    ["eval_rt_zh.py"],
    ["bench_split.py"],
    ["bench_segment.py", "--quick"],
    ["bench_stats.py"],
    ["bench_export.py"],
    ["bench_batch.py"],
    ["bench_analyze.py"],
]


def main() -> int:
    for script, *args in SCRIPTS:
        print(f"\n=== {script} {' '.join(args)}", flush=True)
        result = subprocess.run([sys.executable, str(BENCH / script), *args])
        if result.returncode != 0:
            print(f"{script} failed with exit status {result.returncode}", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
