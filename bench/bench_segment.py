"""Benchmark `newsmine segment` against `python -m jieba` on the 23 MB corpus, and check tokens.

    .venv/bin/python bench/bench_segment.py [--quick] [--keep]

Builds, in a temporary folder, the ../shared/corpus/bench/ corpus (1,016 files, 23 MB, never
copied into the repository) as one concatenated text file for `python -m jieba` and as a JSONL
of one `document` record per file for newsmine, plus a doubled JSONL. Then, in one run:

1. times `python -m jieba -q -d <sep>` (the reference CLI, one core), with the news dictionary as
   its user dictionary (-u, the same words newsmine's default uses) and without, and `newsmine
   segment` with --backend jieba, --backend rjieba, the default (auto), --no-news-dict, --jobs 2,
   and the default and --jobs 2 on the doubled input (memory should stay flat); prints wall and CPU seconds,
   chars/s, MB/s, peak RSS and the ratios to `python -m jieba -u news.txt`;
2. checks that each newsmine run's tokens equal `python -m jieba`'s (the run with the same
   dictionaries), token for token;
3. (unless --quick) compares rjieba's tokens with jieba's through the library on the whole corpus
   in every configuration: no dictionary / news dictionary / news + a user dictionary, HMM on and
   off, accurate and search mode.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import PYTHON, Measurement, corpus_files, measure

NEWSMINE = [PYTHON, "-m", "newsmine"]
SEPARATOR = "\x1f"  # never in the corpus, so `python -m jieba` output splits back into tokens
USER_DICT = "新征程 50 n\n中国 10 ns\n发展 3000000 v\n国务院 20 nt\n高质量发展\n一带一路 nz\n央视网消息\n"


def build_inputs(folder: Path) -> dict[str, Path]:
    """corpus.txt (all files joined by newlines), corpus.jsonl (a record per file), corpus2.jsonl (twice),
    news.txt (the news dictionary without comment lines, which `python -m jieba -u` would read as words)."""
    from newsmine.segment.dictionary import news_dictionary

    paths = {name: folder / name for name in ("corpus.txt", "corpus.jsonl", "corpus2.jsonl", "news.txt")}
    paths["news.txt"].write_text("".join(f"{e.word} {e.freq} {e.tag}\n" for e in news_dictionary()), encoding="utf-8")
    with open(paths["corpus.txt"], "w", encoding="utf-8") as text_out, \
            open(paths["corpus.jsonl"], "w", encoding="utf-8") as jsonl_out:  # fmt: skip
        for path in corpus_files():
            text = path.read_text(encoding="utf-8")
            text_out.write(text if text.endswith("\n") else text + "\n")
            record = {"type": "document", "id": path.name, "source": path.name, "text": text}
            jsonl_out.write(json.dumps(record, ensure_ascii=False) + "\n")
    with open(paths["corpus2.jsonl"], "wb") as doubled:
        for _ in range(2):
            doubled.write(paths["corpus.jsonl"].read_bytes())
    return paths


def jieba_cli_tokens(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            for token in line.rstrip("\n").split(SEPARATOR):
                if token.strip():
                    yield token


def newsmine_tokens(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield from json.loads(line)["tokens"]


def first_difference(left: Iterator[str], right: Iterator[str]) -> tuple[int, str | None]:
    """(number of equal tokens, description of the first difference or None)."""
    count = 0
    sentinel = object()
    while True:
        a, b = next(left, sentinel), next(right, sentinel)
        if a is sentinel and b is sentinel:
            return count, None
        if a != b:
            return count, f"token {count}: {a if a is not sentinel else '<end>'!r} != {b if b is not sentinel else '<end>'!r}"
        count += 1


def library_identity(dict_file: Path) -> None:
    """rjieba vs jieba tokens, through Segmenter, on every corpus file in every configuration."""
    from newsmine.segment import Segmenter

    texts = [path.read_text(encoding="utf-8") for path in corpus_files()]
    print("\nrjieba vs jieba tokens on the whole corpus (library, per file):")
    print(f"  {'dictionaries':<12} {'hmm':<5} {'mode':<9} {'files':>6} {'differing':>9} {'tokens':>10} {'jieba s':>8} {'rjieba s':>8}")
    for dicts in ("none", "news", "news+user"):
        user = [dict_file] if dicts == "news+user" else []
        for hmm in (True, False):
            for mode in ("accurate", "search"):
                options = dict(mode=mode, hmm=hmm, news_dict=dicts != "none", user_dicts=user)
                reference, fast = Segmenter(backend="jieba", **options), Segmenter(backend="rjieba", **options)
                differing = tokens = 0
                seconds = {"jieba": 0.0, "rjieba": 0.0}
                for text in texts:
                    started = time.perf_counter()
                    expected = reference.cut(text)
                    seconds["jieba"] += time.perf_counter() - started
                    started = time.perf_counter()
                    got = fast.cut(text)
                    seconds["rjieba"] += time.perf_counter() - started
                    differing += got != expected
                    tokens += len(expected)
                print(f"  {dicts:<12} {str(hmm):<5} {mode:<9} {len(texts):>6} {differing:>9} {tokens:>10}"
                      f" {seconds['jieba']:>8.1f} {seconds['rjieba']:>8.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Skip the library identity check in every configuration.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (its path is printed).")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_segment_"))
    try:
        inputs = build_inputs(folder)
        text = inputs["corpus.txt"].read_text(encoding="utf-8")
        chars, megabytes = len(text), inputs["corpus.txt"].stat().st_size / 1e6
        print(f"corpus: {len(corpus_files())} files, {chars:,} characters, {megabytes:.1f} MB (UTF-8)")
        jieba_cli = [PYTHON, "-m", "jieba", "-q", "-d", SEPARATOR]
        runs = [
            ("python -m jieba -u news.txt", [*jieba_cli, "-u", str(inputs["news.txt"]), str(inputs["corpus.txt"])], 1),
            ("python -m jieba (no user dict)", [*jieba_cli, str(inputs["corpus.txt"])], 1),
            ("newsmine segment --backend jieba", [*NEWSMINE, "segment", "-q", "--backend", "jieba", str(inputs["corpus.jsonl"])], 1),
            ("newsmine segment --backend rjieba", [*NEWSMINE, "segment", "-q", "--backend", "rjieba", str(inputs["corpus.jsonl"])], 1),
            ("newsmine segment (default: auto)", [*NEWSMINE, "segment", "-q", str(inputs["corpus.jsonl"])], 1),
            ("newsmine segment --no-news-dict", [*NEWSMINE, "segment", "-q", "--no-news-dict", str(inputs["corpus.jsonl"])], 1),
            ("newsmine segment --jobs 2", [*NEWSMINE, "segment", "-q", "--jobs", "2", str(inputs["corpus.jsonl"])], 1),
            ("newsmine segment, input doubled", [*NEWSMINE, "segment", "-q", str(inputs["corpus2.jsonl"])], 2),
            ("newsmine segment --jobs 2, doubled", [*NEWSMINE, "segment", "-q", "--jobs", "2", str(inputs["corpus2.jsonl"])], 2),
        ]
        outputs: dict[str, Path] = {}
        results: dict[str, Measurement] = {}
        print(f"\n{'run':<36} {'wall s':>7} {'cpu s':>7} {'M chars/s':>10} {'MB/s':>6} {'peak MB':>8}"
              f" {'x jieba (wall)':>14} {'x jieba (cpu)':>13}")
        for name, cmd, copies in runs:
            output = folder / f"out{len(outputs)}.txt"
            result = measure(cmd, stdout_path=output)
            if result.returncode != 0:
                sys.exit(f"{name} failed with exit status {result.returncode}")
            outputs[name], results[name] = output, result
            reference = results[runs[0][0]]
            print(f"{name:<36} {result.seconds:>7.2f} {result.cpu_seconds:>7.2f}"
                  f" {chars * copies / result.seconds / 1e6:>10.2f} {megabytes * copies / result.seconds:>6.2f}"
                  f" {result.peak_mb:>8.0f} {reference.seconds * copies / result.seconds:>13.1f}x"
                  f" {reference.cpu_seconds * copies / result.cpu_seconds:>12.1f}x", flush=True)
        print("\ntokens compared with python -m jieba's, token for token (whitespace tokens left out):")
        for name, _, copies in runs[2:]:
            if copies != 1:
                continue
            reference_name = runs[1][0] if "no-news-dict" in name else runs[0][0]
            count, difference = first_difference(jieba_cli_tokens(outputs[reference_name]), newsmine_tokens(outputs[name]))
            print(f"  {name:<36} vs {reference_name:<31} {'IDENTICAL' if difference is None else 'DIFFERENT'}:"
                  f" {count:,} equal tokens" + (f"; first difference at {difference}" if difference else ""))
        if not args.quick:
            dict_file = folder / "user.txt"
            dict_file.write_text(USER_DICT, encoding="utf-8")
            library_identity(dict_file)
    finally:
        if args.keep:
            print(f"\nkept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
