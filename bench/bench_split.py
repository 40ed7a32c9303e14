"""Time `newsmine split` on the 23 MB shared corpus, once and twice over (memory must stay flat).

    .venv/bin/python bench/bench_split.py [--repeat N]

Prints MB/s (per wall second and per CPU second of the child: one core, whatever else the machine
runs), articles/s and the child's peak RSS for 1x and 2x the corpus (the folder passed twice), and
the ratio against an I/O floor peer measured in the same run: a Python process that only reads,
decodes and writes each file as one JSON line (what any JSON-lines stage must pay). Times include
the interpreter and CLI start-up (about 0.2 s); the last line times `split_page` alone, in process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import CORPUS, PYTHON, ROOT, Measurement, corpus_files, measure

NEWSMINE = [PYTHON, "-m", "newsmine"]
SAMPLE_PAGE = ROOT / "samples" / "pinghu-front-page.txt"
# The peer: read + decode + one JSON line per file, no splitting.
IO_FLOOR = (
    "import json, pathlib, sys\n"
    "out = sys.stdout\n"
    "for folder in sys.argv[1:]:\n"
    "    for path in sorted(pathlib.Path(folder).rglob('*.txt')):\n"
    "        text = path.read_bytes().decode('utf-8')\n"
    "        out.write(json.dumps({'id': str(path), 'text': text}, ensure_ascii=False) + '\\n')\n"
)


def best_of(cmd: list[str], repeat: int) -> tuple[Measurement, float, int]:
    """The fastest of `repeat` runs (wall time, peak memory), the least CPU time of a run (user +
    sys: what one core spends, unaffected by other load on the machine) and the output lines."""
    best: Measurement | None = None
    best_cpu = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        for _ in range(repeat):
            run = measure(cmd, stdout_path=out)
            best_cpu = min(best_cpu, run.cpu_seconds)
            if run.returncode != 0:
                sys.exit(f"command failed ({run.returncode}): {' '.join(cmd)}")
            if best is None or run.seconds < best.seconds:
                best = run
        with open(out, "rb") as handle:
            lines = sum(1 for _ in handle)
    assert best is not None
    return best, best_cpu, lines


def library_rate(files: list[Path]) -> tuple[float, int]:
    """CPU seconds for `split_page` alone over the corpus already in memory (no start-up, no JSON),
    and the records it made."""
    from newsmine.split import split_page

    texts = [(str(path), path.read_text(encoding="utf-8")) for path in files]
    started = time.process_time()
    records = sum(len(split_page(text, source=name)) for name, text in texts)
    return time.process_time() - started, records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest counts")
    args = parser.parse_args()
    files = corpus_files()
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    print(f"corpus: {CORPUS} ({len(files)} files, {megabytes:.1f} MB), best of {args.repeat}")
    print(
        f"{'run':<26}{'input MB':>9}{'wall s':>8}{'MB/s':>7}{'cpu s':>7}{'MB/cpu-s':>9}"
        f"{'records/s':>10}{'records':>8}{'peak MB':>8}"
    )
    results = {}
    for label, cmd, copies in (
        ("start-up (sample page)", [*NEWSMINE, "split", "--quiet", str(SAMPLE_PAGE)], 0),
        ("io floor (read+json) 1x", [PYTHON, "-c", IO_FLOOR, str(CORPUS)], 1),
        ("newsmine split 1x", [*NEWSMINE, "split", "--quiet", str(CORPUS)], 1),
        ("newsmine split 2x", [*NEWSMINE, "split", "--quiet", str(CORPUS), str(CORPUS)], 2),
    ):
        run, cpu, records = best_of(cmd, args.repeat)
        size = megabytes * copies
        results[label] = (run, cpu)
        print(
            f"{label:<26}{size:>9.1f}{run.seconds:>8.2f}{size / run.seconds:>7.1f}{cpu:>7.2f}{size / cpu:>9.1f}"
            f"{records / run.seconds:>10.0f}{records:>8}{run.peak_mb:>8.0f}"
        )
    (_, start_cpu), (floor, floor_cpu), (once, once_cpu), (twice, twice_cpu) = results.values()
    print(
        f"split / io floor: {once.seconds / floor.seconds:.1f}x wall, {once_cpu / floor_cpu:.1f}x cpu;"
        f"  peak RSS 2x / 1x input: {twice.peak_mb / once.peak_mb:.2f}"
    )
    print(
        f"after start-up: {megabytes / (once_cpu - start_cpu):.1f} MB/cpu-s (1x), "
        f"{2 * megabytes / (twice_cpu - start_cpu):.1f} MB/cpu-s (2x)"
    )
    library_cpu, records = min(library_rate(files) for _ in range(args.repeat))
    print(f"split_page() in-process: {library_cpu:.2f} cpu s, {megabytes / library_cpu:.1f} MB/cpu-s, {records / library_cpu:.0f} records/cpu-s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
