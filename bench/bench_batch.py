"""Benchmark `newsmine run` on a generated archive against a shell loop of single-file calls.

    .venv/bin/python bench/bench_batch.py [--segment] [--loop-files 100] [--out-root /dev/shm] [--keep]

Builds an archive of page-sized files (>= 2,000) in a temporary folder from samples/ and
../shared/corpus/bench/ (never copied into the repository), then measures in one run:

- the shell loop users write today, `for f ...; do newsmine split $f | newsmine stats > ...; done`,
  on the first --loop-files files, extrapolated per file to the whole archive;
- `newsmine run --jobs 1`, `--jobs 2`, and `--engine dask --jobs 2` (a LocalCluster of 2 workers)
  over the whole archive.

The runs use --no-segment (the same split -> stats work as the loop) unless --segment is given.
Prints wall and CPU seconds, files/s, MB/s, peak memory (of the main process) and the speed-up
ratios; checks the three runs' outputs are identical.
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import os
import shlex
import shutil
import tempfile
from pathlib import Path

from _common import CORPUS, PYTHON, ROOT, Measurement, corpus_files, measure

PAGE_BYTES = 10_000
MIN_FILES = 2_000
SAMPLE = ROOT / "samples" / "pinghu-front-page.txt"
NEWSMINE = [PYTHON, "-m", "newsmine"]


def page_chunks(text: str, size: int = PAGE_BYTES) -> list[str]:
    """Cut a text at blank lines into pieces of about `size` UTF-8 bytes (a page each)."""
    pages, current, current_bytes = [], [], 0
    for block in text.split("\n\n"):
        current.append(block)
        current_bytes += len(block.encode("utf-8")) + 2
        if current_bytes >= size:
            pages.append("\n\n".join(current).strip("\n") + "\n")
            current, current_bytes = [], 0
    if "".join(current).strip():
        pages.append("\n\n".join(current).strip("\n") + "\n")
    return pages


def build_archive(root: Path) -> list[Path]:
    """archive/YYYY/MM/DD/PP.txt: corpus pages, topped up with copies of the sample page to MIN_FILES."""
    pages = []
    for path in corpus_files():
        pages.extend(page_chunks(path.read_text(encoding="utf-8")))
    sample = SAMPLE.read_text(encoding="utf-8")
    pages.extend(sample for _ in range(max(MIN_FILES - len(pages), 100)))
    files, day = [], datetime.date(2020, 1, 1)
    for start in range(0, len(pages), 8):
        for number, text in enumerate(pages[start : start + 8], start=1):
            path = root / f"{day:%Y/%m/%d}" / f"{number:02d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            files.append(path)
        day += datetime.timedelta(days=1)
    return files


def row(name: str, files: int, nbytes: int, result: Measurement, note: str = "") -> float:
    rate = files / result.seconds
    print(
        f"{name:<38} {files:>6,} {result.seconds:>9.2f} {result.cpu_seconds:>8.2f} {rate:>9.1f}"
        f" {nbytes / 1e6 / result.seconds:>7.2f} {result.peak_mb:>8.0f}  {note}"
    )
    return rate


def same_outputs(first: Path, second: Path) -> bool:
    return all(filecmp.cmp(first / name, second / name, shallow=False) for name in ("articles.jsonl", "figures.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segment", action="store_true", help="run the segment stage too (the loop never does)")
    parser.add_argument("--loop-files", type=int, default=100, help="files timed in the shell loop (0: no loop)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary archive and outputs")
    parser.add_argument("--out-root", type=Path, help="write the runs' output folders here, e.g. /dev/shm to "
                        "measure the engine rather than the disk (default: beside the archive)")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"benchmark corpus not found at {CORPUS}")

    work = Path(tempfile.mkdtemp(prefix="newsmine-bench-batch-"))
    outputs = Path(tempfile.mkdtemp(prefix="newsmine-bench-batch-out-", dir=args.out_root)) if args.out_root else work
    try:
        archive = work / "archive"
        files = build_archive(archive)
        total_bytes = sum(path.stat().st_size for path in files)
        print(f"archive: {len(files):,} page files, {total_bytes / 1e6:.1f} MB, "
              f"from samples/ and {CORPUS} cut into ~{PAGE_BYTES // 1000} KB pages ({work})")
        segment = ["--segment"] if args.segment else ["--no-segment"]
        print(f"pipeline: split -> {'segment -> ' if args.segment else ''}stats; "
              f"the shell loop runs split | stats per file")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; outputs in {outputs}")
        print(f"{'method':<38} {'files':>6} {'seconds':>9} {'cpu s':>8} {'files/s':>9} {'MB/s':>7} {'peak MB':>8}")

        loop_rate = None
        if args.loop_files:
            loop_files = files[: args.loop_files]
            loop_bytes = sum(path.stat().st_size for path in loop_files)
            loop_out = work / "loop"
            loop_out.mkdir()
            newsmine = " ".join(shlex.quote(part) for part in NEWSMINE)
            script = "\n".join(
                f"{newsmine} split {shlex.quote(str(path))} | {newsmine} stats > {loop_out / f'{n}.jsonl'}"
                for n, path in enumerate(loop_files)
            )
            loop = measure(["bash", "-c", script])
            loop_rate = row(f"shell loop, {len(loop_files)} files (per file)", len(loop_files), loop_bytes, loop,
                            f"-> {len(files) / (len(loop_files) / loop.seconds):,.0f} s for all {len(files):,}")

        def run(name: str, out: str, *options: str) -> float:
            result = measure([*NEWSMINE, "run", str(archive), "--out", str(outputs / out), "--quiet", *segment, *options])
            if result.returncode != 0:
                raise SystemExit(f"{name} failed with exit status {result.returncode}")
            return row(name, len(files), total_bytes, result)

        jobs1 = run("newsmine run --jobs 1", "jobs1", "--jobs", "1")
        jobs2 = run("newsmine run --jobs 2", "jobs2", "--jobs", "2")
        dask = run("newsmine run --engine dask --jobs 2", "dask", "--engine", "dask", "--jobs", "2")
        resumed = measure([*NEWSMINE, "run", str(archive), "--out", str(outputs / "jobs1"), "--quiet", *segment])
        row("re-run, nothing changed (all skipped)", len(files), total_bytes, resumed)

        if loop_rate is not None:
            print(f"speed-up: run --jobs 1 / shell loop = {jobs1 / loop_rate:.1f}x (goal >= 20x)")
        print(f"speed-up: --jobs 2 / --jobs 1 = {jobs2 / jobs1:.2f}x (goal >= 1.7x); "
              f"dask 2 workers / --jobs 2 = {dask / jobs2:.2f}x")
        identical = same_outputs(outputs / "jobs1", outputs / "jobs2") and same_outputs(outputs / "jobs1", outputs / "dask")
        print(f"outputs of --jobs 1, --jobs 2 and dask identical: {'yes' if identical else 'NO'}")
        print(f"load average {os.getloadavg()[0]:.2f} at the end (other processes on the machine slow every figure)")
    finally:
        if args.keep:
            print(f"kept {work} {outputs if outputs != work else ''}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(outputs, ignore_errors=True)


if __name__ == "__main__":
    main()
