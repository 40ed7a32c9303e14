"""Benchmark `newsmine segment` against `python -m jieba` and a jieba.posseg script, and check identity.

    .venv/bin/python bench/bench_segment.py [--quick] [--repeat N] [--groups tokens,1m,pos,jobs] [--keep]

Builds, in a temporary folder, the ../shared/corpus/bench/ corpus (1,016 files, 23 MB, never
copied into the repository) as one text file for the peers and as a JSONL of one `document`
record per file for newsmine; the same for its first 1 M characters (whole files); and the
corpus four times over. After a warm-up run (which builds newsmine's cache if it is absent, as
a user's first run does), in one run (each command a subprocess, start-up included):

1. times the peers and newsmine and prints wall and CPU seconds, M chars/s, MB/s, peak RSS and
   the ratio of each newsmine run to its peer measured in the same run, in wall and CPU time:
   - tokens: peer `python -m jieba -q -d <sep> -u news.txt` (the news dictionary newsmine uses
     by default, as a user dictionary) on the whole corpus and on 1 M chars; `newsmine segment`
     default, --backend jieba / rjieba, --no-news-dict (peer: `python -m jieba` without -u);
   - POS: peer a plain jieba.posseg script (load_userdict(news.txt), then posseg.cut line by
     line, printing word and tag), on 1 M chars and on the whole corpus; `newsmine segment --pos`;
   - --jobs: `newsmine segment` with --jobs 1 and --jobs 2 on the corpus four times over
     (ratio: --jobs 2 against --jobs 1; peak memory against the single corpus: flat?);
2. checks each newsmine run's output against its peer's, token for token (and tag for tag with
   --pos): IDENTICAL, or the count of equal tokens and the first difference;
3. (unless --quick) compares rjieba's tokens and tags with jieba's and jieba.posseg's through the
   library on every corpus file, in every configuration of dictionaries, HMM and mode.

--repeat N runs the 1 M-character comparisons N times, interleaved, and prints the spread of
the ratios (the box is shared: single figures are noisy).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import PYTHON, Measurement, corpus_files, measure

NEWSMINE = [PYTHON, "-m", "newsmine"]
SEPARATOR = "\x1f"  # never in the corpus, so the peers' output splits back into tokens
TAG_SEPARATOR = "\x1e"
ONE_MILLION = 1_000_000
COPIES = 4  # the corpus this many times over, for --jobs
USER_DICT = "新征程 50 n\n中国 10 ns\n发展 3000000 v\n国务院 20 nt\n高质量发展\n一带一路 nz\n央视网消息\n"
# The peer for POS: what a user of jieba would write. Prints word<RS>tag pairs joined by <US>.
POSSEG_SCRIPT = """
import sys, jieba, jieba.posseg
jieba.setLogLevel(60)
if len(sys.argv) > 2:
    jieba.load_userdict(sys.argv[2])
write = sys.stdout.write
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        write("\\x1f".join(word + "\\x1e" + flag for word, flag in jieba.posseg.cut(line.rstrip("\\n"))) + "\\n")
"""


def build_inputs(folder: Path) -> dict[str, Path]:
    """corpus.txt (the files joined by newlines) and corpus.jsonl (a record per file), the same for
    the first 1 M characters (1m.txt, 1m.jsonl), corpus4.jsonl (the corpus four times over), and
    news.txt (the news dictionary without comment lines, which jieba would read as words)."""
    from newsmine.segment.dictionary import news_dictionary

    names = ("corpus.txt", "corpus.jsonl", "1m.txt", "1m.jsonl", f"corpus{COPIES}.jsonl", "news.txt")
    paths = {name: folder / name for name in names}
    paths["news.txt"].write_text("".join(f"{e.word} {e.freq} {e.tag}\n" for e in news_dictionary()), encoding="utf-8")
    chars = 0
    with open(paths["corpus.txt"], "w", encoding="utf-8") as text_out, \
            open(paths["corpus.jsonl"], "w", encoding="utf-8") as jsonl_out, \
            open(paths["1m.txt"], "w", encoding="utf-8") as text_1m, \
            open(paths["1m.jsonl"], "w", encoding="utf-8") as jsonl_1m:  # fmt: skip
        for path in corpus_files():
            text = path.read_text(encoding="utf-8")
            line = text if text.endswith("\n") else text + "\n"
            record = json.dumps({"type": "document", "id": path.name, "source": path.name, "text": text}, ensure_ascii=False) + "\n"
            text_out.write(line)
            jsonl_out.write(record)
            if chars < ONE_MILLION:
                text_1m.write(line)
                jsonl_1m.write(record)
                chars += len(text)
    with open(paths[f"corpus{COPIES}.jsonl"], "wb") as repeated:
        for _ in range(COPIES):
            repeated.write(paths["corpus.jsonl"].read_bytes())
    return paths


def peer_tokens(path: Path, tags: bool = False) -> Iterator[str]:
    """The tokens (word<RS>tag with `tags`) a peer printed, whitespace tokens left out."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            for token in line.rstrip("\n").split(SEPARATOR):
                word = token.split(TAG_SEPARATOR)[0]
                if word.strip():
                    yield token if tags else word


def newsmine_tokens(path: Path, tags: bool = False) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if tags:
                yield from (f"{word}{TAG_SEPARATOR}{tag}" for word, tag in zip(record["tokens"], record["pos"]))
            else:
                yield from record["tokens"]


def first_difference(left: Iterator[str], right: Iterator[str]) -> tuple[int, str | None]:
    """(number of equal tokens, description of the first difference or None)."""
    count = 0
    sentinel = object()
    while True:
        a, b = next(left, sentinel), next(right, sentinel)
        if a is sentinel and b is sentinel:
            return count, None
        if a != b:
            shown = [repr(x.replace(TAG_SEPARATOR, "/")) if x is not sentinel else "<end>" for x in (a, b)]
            return count, f"token {count}: {shown[0]} != {shown[1]}"
        count += 1


def library_identity(dict_file: Path) -> None:
    """rjieba vs jieba tokens, and tags vs jieba.posseg's, through Segmenter, on every corpus file."""
    from newsmine.segment import Segmenter

    texts = [path.read_text(encoding="utf-8") for path in corpus_files()]
    print("\nrjieba vs jieba through the library, on the whole corpus, file by file (tokens; pos = tokens and tags):")
    print(f"  {'dictionaries':<12} {'hmm':<5} {'output':<9} {'files':>6} {'differing':>9} {'tokens':>10} {'jieba s':>8} {'rjieba s':>8}")
    for dicts in ("none", "news", "news+user"):
        user = [dict_file] if dicts == "news+user" else []
        for hmm in (True, False):
            for output in ("accurate", "search", "pos"):
                options = {"pos": True} if output == "pos" else {"mode": output}
                options.update(hmm=hmm, news_dict=dicts != "none", user_dicts=user)
                reference, fast = Segmenter(backend="jieba", **options), Segmenter(backend="rjieba", **options)
                segment = (lambda segmenter, text: segmenter.tag(text)) if output == "pos" else (lambda segmenter, text: segmenter.cut(text))
                differing = tokens = 0
                seconds = {"jieba": 0.0, "rjieba": 0.0}
                for text in texts:
                    started = time.process_time()
                    expected = segment(reference, text)
                    seconds["jieba"] += time.process_time() - started
                    started = time.process_time()
                    got = segment(fast, text)
                    seconds["rjieba"] += time.process_time() - started
                    differing += got != expected
                    tokens += len(expected)
                print(f"  {dicts:<12} {str(hmm):<5} {output:<9} {len(texts):>6} {differing:>9} {tokens:>10}"
                      f" {seconds['jieba']:>8.1f} {seconds['rjieba']:>8.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Skip the library identity check in every configuration.")
    parser.add_argument("--repeat", type=int, default=1, help="Run the 1 M-character comparisons this many times.")
    parser.add_argument("--groups", default="tokens,1m,pos,jobs",
                        help="Which runs: tokens (whole corpus), 1m (tokens and POS on 1 M chars), pos (whole corpus), jobs.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (its path is printed).")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_segment_"))
    try:
        inputs = build_inputs(folder)
        sizes = {}
        for name in ("corpus", "1m"):
            text = inputs[f"{name}.txt"].read_text(encoding="utf-8")
            sizes[name] = (len(text), inputs[f"{name}.txt"].stat().st_size / 1e6)
        print(f"corpus: {len(corpus_files())} files, {sizes['corpus'][0]:,} characters, {sizes['corpus'][1]:.1f} MB (UTF-8);"
              f" 1 M input: its first {sizes['1m'][0]:,} characters ({sizes['1m'][1]:.1f} MB)")
        (folder / "posseg_peer.py").write_text(POSSEG_SCRIPT, encoding="utf-8")
        jieba = [PYTHON, "-m", "jieba", "-q", "-d", SEPARATOR]
        posseg = [PYTHON, str(folder / "posseg_peer.py")]
        news = str(inputs["news.txt"])

        def segment(*options: str, data: str = "corpus.jsonl") -> list[str]:
            return [*NEWSMINE, "segment", "-q", *options, str(inputs[data])]

        # (group, name, command, input size, peer's name or None, whose tokens [and tags] to compare with)
        runs = [
            ("tokens", "python -m jieba -u news.txt", [*jieba, "-u", news, str(inputs["corpus.txt"])], "corpus", None),
            ("tokens", "python -m jieba (no user dict)", [*jieba, str(inputs["corpus.txt"])], "corpus", None),
            ("tokens", "segment --backend jieba", segment("--backend", "jieba"), "corpus", "python -m jieba -u news.txt"),
            ("tokens", "segment --backend rjieba", segment("--backend", "rjieba"), "corpus", "python -m jieba -u news.txt"),
            ("tokens", "segment (default)", segment(), "corpus", "python -m jieba -u news.txt"),
            ("tokens", "segment --no-news-dict", segment("--no-news-dict"), "corpus", "python -m jieba (no user dict)"),
            ("1m", "1M: python -m jieba -u news.txt", [*jieba, "-u", news, str(inputs["1m.txt"])], "1m", None),
            ("1m", "1M: segment (default)", segment(data="1m.jsonl"), "1m", "1M: python -m jieba -u news.txt"),
            ("1m", "1M: jieba.posseg script", [*posseg, str(inputs["1m.txt"]), news], "1m", None),
            ("1m", "1M: segment --pos", segment("--pos", data="1m.jsonl"), "1m", "1M: jieba.posseg script"),
            ("pos", "jieba.posseg script", [*posseg, str(inputs["corpus.txt"]), news], "corpus", None),
            ("pos", "segment --pos", segment("--pos"), "corpus", "jieba.posseg script"),
            ("jobs", f"{COPIES}x: segment --jobs 1", segment("--jobs", "1", data=f"corpus{COPIES}.jsonl"), "4x", None),
            ("jobs", f"{COPIES}x: segment --jobs 2", segment("--jobs", "2", data=f"corpus{COPIES}.jsonl"), "4x",
             f"{COPIES}x: segment --jobs 1"),
        ]
        runs = [run[1:] for run in runs if run[0] in args.groups.split(",")]
        warm_up(folder)
        outputs: dict[str, Path] = {}
        results: dict[str, Measurement] = {}
        print(f"\n{'run':<34} {'wall s':>7} {'cpu s':>7} {'M chars/s':>10} {'MB/s':>6} {'peak MB':>8}"
              f" {'x peer (wall)':>13} {'x peer (cpu)':>12}  peer")
        for name, cmd, size, peer in runs:
            output = folder / f"out{len(outputs)}.txt"
            result = measure(cmd, stdout_path=output)
            if result.returncode != 0:
                sys.exit(f"{name} failed with exit status {result.returncode}")
            outputs[name], results[name] = output, result
            chars, megabytes = sizes["corpus"] if size == "4x" else sizes[size]
            copies = COPIES if size == "4x" else 1
            ratios = ""
            if peer is not None:
                reference = results[peer]
                ratios = f" {reference.seconds / result.seconds:>12.2f}x {reference.cpu_seconds / result.cpu_seconds:>11.2f}x  {peer}"
            print(f"{name:<34} {result.seconds:>7.2f} {result.cpu_seconds:>7.2f} {chars * copies / result.seconds / 1e6:>10.2f}"
                  f" {megabytes * copies / result.seconds:>6.2f} {result.peak_mb:>8.0f}{ratios}", flush=True)

        print("\nnewsmine's output against its peer's, token for token (--pos: word and tag), whitespace tokens left out:")
        for name, _, _, peer in runs:
            if peer is None or name.startswith(f"{COPIES}x"):
                continue
            tags = "--pos" in name
            count, difference = first_difference(peer_tokens(outputs[peer], tags), newsmine_tokens(outputs[name], tags))
            print(f"  {name:<28} vs {peer:<31} {'IDENTICAL' if difference is None else 'DIFFERENT'}:"
                  f" {count:,} equal tokens" + (f"; first difference at {difference}" if difference else ""))
        if f"{COPIES}x: segment --jobs 1" in outputs:
            jobs_1, jobs_2 = (outputs[f"{COPIES}x: segment --jobs {jobs}"].read_bytes() for jobs in (1, 2))
            print(f"  {COPIES}x: --jobs 2 output {'IDENTICAL to' if jobs_1 == jobs_2 else 'DIFFERENT from'} --jobs 1's")

        if args.repeat > 1:
            repeat_pairs(args.repeat, [run for run in runs if run[0].startswith("1M: ")])
        if not args.quick:
            dict_file = folder / "user.txt"
            dict_file.write_text(USER_DICT, encoding="utf-8")
            library_identity(dict_file)
    finally:
        if args.keep:
            print(f"\nkept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def warm_up(folder: Path) -> None:
    """Run `segment --pos` on one record, so the runs below find the cache as a user's second run
    does; print what this first run cost (most when it built the cache)."""
    from newsmine.segment.cache import cache_dir

    record = folder / "one.jsonl"
    record.write_text(json.dumps({"type": "document", "id": "warm-up", "text": "平湖市人民政府"}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    result = measure([*NEWSMINE, "segment", "-q", "--pos", str(record)])
    print(f"warm-up: segment --pos on one record, {result.seconds:.2f} s wall, {result.cpu_seconds:.2f} s CPU"
          f" (cache: {cache_dir()})")


def repeat_pairs(times: int, runs: list) -> None:
    """Run newsmine and its peer `times` times, interleaved, and print the spread of the ratios."""
    commands = {name: cmd for name, cmd, _, _ in runs}
    print(f"\n1 M characters, {times} interleaved runs each: ratio to the peer (min / median / max)")
    for name, _, _, peer in runs:
        if peer is None:
            continue
        wall, cpu = [], []
        for _ in range(times):
            reference, result = measure(commands[peer]), measure(commands[name])
            wall.append(reference.seconds / result.seconds)
            cpu.append(reference.cpu_seconds / result.cpu_seconds)
        print(f"  {name:<22} vs {peer:<31} wall {min(wall):.2f} / {statistics.median(wall):.2f} / {max(wall):.2f}x"
              f"   cpu {min(cpu):.2f} / {statistics.median(cpu):.2f} / {max(cpu):.2f}x", flush=True)


if __name__ == "__main__":
    main()
