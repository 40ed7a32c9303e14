"""Speed of `newsmine stats` on the 23 MB news corpus, against the closest PyPI peers, in one run.

Measured (each a separate process, so startup is included and peak RSS is the process's own):
- newsmine stats: `python -m newsmine stats --quiet CORPUS` (each .txt file one plain-text document),
  one worker, and `--jobs 0` (all cores);
- cn2an 0.5.24 `transform(text, "cn2an")` over the same files: numeral conversion only (no extraction);
- JioNLP 1.5.31 `ner.extract_money(text, with_parsing=True)` over the same files: money only.
Prints wall and CPU seconds, MB/s (UTF-8 bytes) and chars/s, peak memory, what each found, and the
ratio of each peer's speed to newsmine's (CPU-time based: the machine may be shared).

Usage: .venv/bin/python bench/bench_stats.py [--limit-mb N]      (peer mode: --peer NAME FILE...)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path

from _common import CORPUS, PYTHON, corpus_files, measure

PEERS = ("cn2an", "jionlp")


def run_peer(name: str, paths: list[str]) -> None:
    """Child process: run one peer over the files; print how many items it produced."""
    warnings.simplefilter("ignore")
    if name == "cn2an":
        import cn2an

        def work(text: str) -> int:
            cn2an.transform(text, "cn2an")
            return 0  # a rewritten text, not items
    else:
        import jionlp

        def work(text: str) -> int:
            return len(jionlp.ner.extract_money(text, with_parsing=True))

    found = 0
    for path in paths:
        found += work(Path(path).read_text(encoding="utf-8"))
    print(found)


def timed(cmd: list[str], out: Path, is_peer: bool) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS MB and items found (figure lines, or the peer's count)."""
    result = measure(cmd, stdout_path=out)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:4])} ...")
    cpu = result.cpu_seconds
    if is_peer:
        found = int(out.read_text().split()[-1])  # jionlp prints a banner first
    else:
        with out.open("rb") as handle:
            found = sum(1 for _ in handle)
    return result.seconds, cpu, result.peak_mb, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", choices=PEERS, help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--limit-mb", type=float, default=None, help="Use only the first N MB of the corpus.")
    args = parser.parse_args()
    if args.peer:
        run_peer(args.peer, args.files)
        return

    files = corpus_files()
    if args.limit_mb:
        chosen, total = [], 0
        for path in files:
            if total >= args.limit_mb * 1e6:
                break
            chosen.append(path)
            total += path.stat().st_size
        files = chosen
    size = sum(path.stat().st_size for path in files)
    chars = sum(len(path.read_text(encoding="utf-8")) for path in files)
    print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB, {chars / 1e6:.2f} M chars ({CORPUS})")

    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "inputs"
        listing.mkdir()
        for path in files:  # symlinks, so --limit-mb subsets run through the same folder input
            (listing / f"{path.parent.name}__{path.name}").symlink_to(path)
        out = Path(tmp) / "out"
        runs = {
            "newsmine stats": [PYTHON, "-m", "newsmine", "stats", "--quiet", str(listing)],
            "newsmine stats -j0": [PYTHON, "-m", "newsmine", "stats", "--quiet", "--jobs", "0", str(listing)],
            "cn2an transform": [PYTHON, __file__, "--peer", "cn2an", *map(str, files)],
            "jionlp extract_money": [PYTHON, __file__, "--peer", "jionlp", *map(str, files)],
        }
        results = {name: timed(cmd, out, not name.startswith("newsmine")) for name, cmd in runs.items()}
    base_cpu = results["newsmine stats"][1]
    print(f"\n{'run':22} {'wall s':>7} {'cpu s':>7} {'MB/s wall':>9} {'MB/s cpu':>9} {'Mchar/s cpu':>11} "
          f"{'peak MB':>8} {'found':>8} {'speed vs newsmine':>18}")
    for name, (wall, cpu, peak, found) in results.items():
        ratio = base_cpu / cpu if cpu else float("nan")
        print(f"{name:22} {wall:7.2f} {cpu:7.2f} {size / 1e6 / wall:9.2f} {size / 1e6 / cpu:9.2f} "
              f"{chars / 1e6 / cpu:11.2f} {peak:8.1f} {found:8d} {ratio:17.2f}x")
    print("\nfound: figure records (newsmine), money items (jionlp); cn2an rewrites text and finds no items. "
          "Last column: CPU throughput relative to one-worker newsmine (below 1 = slower).")


if __name__ == "__main__":
    main()
