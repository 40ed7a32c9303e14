"""Time `newsmine export` against the script a user would write instead, in the same run.

    .venv/bin/python bench/bench_export.py [--records N] [--repeat R] [--formats csv,parquet,...]
                                           [--article-mb MB]

Figure records: N synthetic figures (Chinese metrics, units, sentences, long batch-style ids,
`date` and `page`, shaped like `stats` output from a batch run), 200,000 and 1,000,000 by default.
For each format it runs `newsmine export FILE -o out.FORMAT` as a subprocess, R times, interleaved
with the peer, and prints the child's CPU seconds (user + system: the machine may be busy, so wall
time is noisy) as min and max, and its peak RSS. The peers:

- parquet: pyarrow's own JSON reader and writer (`pyarrow.json.read_json` then
  `pyarrow.parquet.write_table`), which guesses types and holds the whole table in memory;
- csv: a plain `csv.writer` script (json.loads per line, lists as JSON text, the first record's
  fields as header): the same bytes as newsmine's CSV for these records.

The ratio is newsmine's CPU time over the peer's (min over min; the spread is the range of the
R pairwise ratios). Other formats run once per size (xlsx on the smallest only: openpyxl writes a
few thousand rows a second). Article records: `split` and `segment` of the sample page, repeated with new
ids to about MB megabytes (tokens included), exported to every format: the peak memory must stay
flat whatever the input size. Times include start-up (about 0.3 s for the peers, 0.6 s for
newsmine's CLI). Needs about 2 GB in the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import PYTHON, ROOT, measure

NEWSMINE = [PYTHON, "-m", "newsmine"]
FORMATS = ["csv", "tsv", "jsonl", "json", "markdown", "sqlite", "parquet", "xlsx"]
EXTENSION = {"markdown": "md"}
PEERS = {
    "parquet": (
        "pyarrow JSON->Parquet",
        "import sys, pyarrow.json as pj, pyarrow.parquet as pq\n"
        "pq.write_table(pj.read_json(sys.argv[1]), sys.argv[2])\n",
    ),
    "csv": (
        "csv.writer script",
        "import csv, json, sys\n"
        "with open(sys.argv[1], encoding='utf-8') as lines, open(sys.argv[2], 'w', encoding='utf-8', newline='') as out:\n"
        "    writer, header = csv.writer(out, lineterminator='\\r\\n'), None\n"
        "    for line in lines:\n"
        "        record = json.loads(line)\n"
        "        if header is None:\n"
        "            header = list(record)\n"
        "            writer.writerow(header)\n"
        "        writer.writerow([json.dumps(v, ensure_ascii=False, separators=(',', ':')) if isinstance(v, (list, dict))"
        " else v for v in map(record.get, header)])\n",
    ),
}
METRICS = [
    ("规上工业总产值", "money", "亿元", 1e8), ("实到外资", "money", "亿美元", 1e8), ("城乡居民收入", "percent", "%", 1),
    ("固定资产投资", "money", "亿元", 1e8), ("社会消费品零售总额", "money", "亿元", 1e8), ("新能源车产量", "quantity", "万台", 1e4),
    ("财政收入", "money", "亿元", 1e8), ("出口额", "percent", "%", 1), ("重点项目", "count", "个", 1), ("规上企业", "count", "家", 1),
    ("粮食产量", "quantity", "万吨", 1e4), ("常住人口", "count", "万人", 1e4),
]  # fmt: skip
PERIODS = ["2021年", "今年一季度", "去年", "1—10月", "“十三五”期间", None]
PLACES = ["平湖", "嘉兴", "海宁", "桐乡", "嘉善", "海盐"]


def figure(number: int, rng: random.Random) -> dict:
    """One synthetic figure record shaped like `stats` output from a batch run."""
    metric, kind, unit, scale = rng.choice(METRICS)
    amount = round(rng.uniform(0.1, 40) if kind == "percent" else rng.uniform(1, 2000), rng.choice((0, 1, 2)))
    amount_text = f"{amount:g}"
    text = f"{amount_text}{unit}"
    change = rng.choice(("increase", "decrease", None))
    period = rng.choice(PERIODS)
    place = rng.choice(PLACES)
    verb = {"increase": "增长", "decrease": "下降", None: "达到"}[change]
    trend = rng.choice(("提高", "回落", "持平"))
    sentence = f"{period or '今年'}，{place}市{metric}{verb}{text}，较上年同期{trend}，为全年目标任务打下坚实基础。"
    start = sentence.index(text)
    day = number // 400
    date = f"2022-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}"
    page = 1 + number // 40 % 8
    article = f"archive/{date.replace('-', '/')}/pinghu-{page:02d}.txt#{1 + number // 8 % 5}"
    return {
        "type": "figure",
        "id": f"{article}/{number}",
        "article": article,
        "source": article.split("#")[0],
        "text": text,
        "start": start,
        "end": start + len(text),
        "kind": kind,
        "value": amount * scale if kind != "percent" else amount,
        "low": None,
        "high": None,
        "unit": ("USD" if "美元" in unit else "CNY") if kind == "money" else unit,
        "approx": rng.choice((None, None, None, "about", "over")),
        "qualifier": None,
        "change": change,
        "basis": "同比" if change else None,
        "metric": metric,
        "period": period,
        "sentence": sentence,
        "date": date,
        "page": page,
    }


def write_figures(path: Path, count: int) -> None:
    rng = random.Random(5)
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(json.dumps(figure(number, rng), ensure_ascii=False, separators=(",", ":")) + "\n")


def write_articles(path: Path, megabytes: float) -> int:
    """The sample page split and segmented, its articles repeated with new ids to `megabytes`; the count."""
    page = ROOT / "samples" / "pinghu-front-page.txt"
    split = subprocess.run([*NEWSMINE, "split", str(page)], capture_output=True, check=True)
    segmented = subprocess.run([*NEWSMINE, "segment"], input=split.stdout, capture_output=True, check=True)
    articles = [json.loads(line) for line in segmented.stdout.decode().splitlines()]
    count = written = 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < megabytes * 1e6:
            for article in articles:
                line = json.dumps(dict(article, id=f"archive/{count // 6:06d}.txt#{article['seq']}"), ensure_ascii=False) + "\n"
                handle.write(line)
                written += len(line.encode())
                count += 1
    return count


def run(cmd: list[str], label: str, records: int) -> tuple[float, float]:
    """Run one export; print and return its CPU seconds and peak RSS in MB."""
    result = measure(cmd)
    if result.returncode != 0:
        sys.exit(f"{label} failed ({result.returncode}): {' '.join(cmd)}")
    print(
        f"  {label:<24} {records:>10,} {result.seconds:>8.2f} {result.cpu_seconds:>8.2f}"
        f" {records / result.cpu_seconds:>11,.0f} {result.peak_mb:>8.0f}",
        flush=True,
    )
    return result.cpu_seconds, result.peak_mb


def compare(fmt: str, source: Path, records: int, folder: Path, repeat: int) -> str:
    """newsmine against its peer on one input, interleaved `repeat` times; the summary line."""
    ours, theirs = [], []
    name, code = PEERS[fmt]
    for _ in range(repeat):
        out = folder / f"out.{fmt}"
        ours.append(run([*NEWSMINE, "export", str(source), "-o", str(out), "-q"], f"newsmine {fmt}", records))
        out.unlink()
        peer_out = folder / f"peer.{fmt}"
        theirs.append(run([PYTHON, "-c", code, str(source), str(peer_out)], f"peer {name}", records))
        peer_out.unlink()
    ratios = [mine[0] / peer[0] for mine, peer in zip(ours, theirs)]
    best = min(cpu for cpu, _ in ours) / min(cpu for cpu, _ in theirs)
    return (
        f"{fmt:<8} {records:>9,} figures: newsmine {min(c for c, _ in ours):6.2f} CPU s, {name} "
        f"{min(c for c, _ in theirs):6.2f} CPU s: x{best:.2f} (pairs x{min(ratios):.2f}–x{max(ratios):.2f},"
        f" median x{statistics.median(ratios):.2f}); peak {max(m for _, m in ours):.0f} MB vs {max(m for _, m in theirs):.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", default="200000,1000000", help="figure records, comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (interleaved with its peer)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--article-mb", type=float, default=80, help="megabytes of article records with tokens")
    args = parser.parse_args()
    formats = args.formats.split(",")
    sizes = [int(size) for size in args.records.split(",")]

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = Path(tmp)
        header = f"  {'run':<24} {'records':>10} {'wall s':>8} {'CPU s':>8} {'rec/CPU s':>11} {'peak MB':>8}"
        summary = []
        for size in sizes:
            source = folder / f"figures-{size}.jsonl"
            write_figures(source, size)
            print(f"\n{size:,} figure records ({source.stat().st_size / 1e6:.0f} MB of JSON lines)\n{header}")
            for fmt in formats:
                if fmt in PEERS:
                    summary.append(compare(fmt, source, size, folder, args.repeat))
                elif fmt != "xlsx" or size == sizes[0]:  # openpyxl writes a few thousand rows a second
                    out = folder / f"out.{EXTENSION.get(fmt, fmt)}"
                    cpu, peak = run([*NEWSMINE, "export", str(source), "-o", str(out), "-q"], f"newsmine {fmt}", size)
                    summary.append(f"{fmt:<8} {size:>9,} figures: newsmine {cpu:6.2f} CPU s ({size / cpu:,.0f} records per CPU s), peak {peak:.0f} MB")
                    out.unlink()
            source.unlink()

        articles = folder / "input-articles.jsonl"
        count = write_articles(articles, args.article_mb)
        megabytes = articles.stat().st_size / 1e6
        print(f"\n{count:,} article records with tokens ({megabytes:.0f} MB of JSON lines)\n{header}")
        for fmt in formats:
            out = folder / f"articles.{EXTENSION.get(fmt, fmt)}"
            cpu, peak = run([*NEWSMINE, "export", str(articles), "-o", str(out), "-q"], f"newsmine {fmt}", count)
            summary.append(f"{fmt:<8} {megabytes:.0f} MB of articles with tokens: peak {peak:.0f} MB, {cpu:.2f} CPU s")
            out.unlink()
        print("\nsummary (CPU seconds, start-up included; x = newsmine / peer)")
        print("\n".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
