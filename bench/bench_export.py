"""Time `newsmine export` into every format on 1 million synthetic figure records, then 2 million.

    .venv/bin/python bench/bench_export.py [--records N] [--xlsx-records N] [--formats csv,parquet,...] [--no-peer]

Writes N realistic figure records (Chinese metrics, units, sentences, long batch-style ids, `date`
and `page`) to a JSON-lines file in a temporary folder, and a second file twice as long. For
each format it runs `newsmine export FILE -o out.FORMAT` as a subprocess and prints records/s
(per wall second and per CPU second of the child: the machine may be busy) and the child's peak
RSS for 1x and 2x: memory must stay flat as the input doubles. xlsx runs on
a smaller subset (openpyxl writes a few thousand rows a second, and a sheet holds at most
1,048,575 rows). The peer, measured in the same run, is the one-liner people write with pandas:
`pd.read_json(lines=True)` then `to_csv` / `to_parquet` / `to_sql`, which holds the whole input
in memory (14 GB at 2 million records: --no-peer skips it). Times include the interpreter and
CLI start-up (about 0.3 s). Needs about 2 GB in the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from _common import PYTHON, measure

NEWSMINE = [PYTHON, "-m", "newsmine"]
FORMATS = ["csv", "tsv", "jsonl", "json", "markdown", "sqlite", "parquet", "xlsx"]
EXTENSION = {"markdown": "md"}
PEER_WRITERS = {
    "csv": "frame.to_csv(out, index=False)",
    "parquet": "frame.to_parquet(out, index=False)",
    "sqlite": "import sqlite3; frame.to_sql('figure', sqlite3.connect(out), index=False)",
}
PEER = (
    "import sys, pandas as pd\n"
    "frame = pd.read_json(sys.argv[1], lines=True)\n"
    "out = sys.argv[2]\n"
    "{writer}\n"
)
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


def write_records(path: Path, count: int) -> None:
    rng = random.Random(5)
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(json.dumps(figure(number, rng), ensure_ascii=False, separators=(",", ":")) + "\n")


def head(source: Path, target: Path, count: int) -> None:
    with open(source, "rb") as lines, open(target, "wb") as out:
        for _, line in zip(range(count), lines):
            out.write(line)


def run(cmd: list[str], records: int, label: str) -> tuple[float, float]:
    """Run one export; print and return records per CPU second and the peak RSS in MB."""
    result = measure(cmd)
    cpu = result.cpu_seconds
    if result.returncode != 0:
        sys.exit(f"{label} failed ({result.returncode}): {' '.join(cmd)}")
    print(
        f"{label:<26} {records:>10,} {result.seconds:>8.1f} {records / result.seconds:>11,.0f}"
        f" {cpu:>8.1f} {records / cpu:>11,.0f} {result.peak_mb:>9.0f}",
        flush=True,
    )
    return records / cpu, result.peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000, help="records in the 1x file")
    parser.add_argument("--xlsx-records", type=int, default=100_000, help="records in the 1x xlsx subset")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--no-peer", action="store_true", help="skip the pandas peer")
    args = parser.parse_args()
    formats = args.formats.split(",")

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = Path(tmp)
        double = folder / "figures-2x.jsonl"
        write_records(double, 2 * args.records)
        inputs: dict[int, Path] = {2 * args.records: double}
        for count in (args.records, args.xlsx_records, 2 * args.xlsx_records):
            if count not in inputs:
                inputs[count] = folder / f"figures-{count}.jsonl"
                head(double, inputs[count], count)
        size_mb = inputs[args.records].stat().st_size / 1e6
        print(f"input: {args.records:,} figure records ({size_mb:.0f} MB of JSON lines) and {2 * args.records:,}\n")
        print(f"{'run':<26} {'records':>10} {'wall s':>8} {'rec/wall s':>11} {'CPU s':>8} {'rec/CPU s':>11} {'peak MB':>9}")
        summary = []
        for fmt in formats:
            base = args.xlsx_records if fmt == "xlsx" else args.records
            results = []
            for count in (base, 2 * base):
                out = folder / f"out.{EXTENSION.get(fmt, fmt)}"
                results.append(run([*NEWSMINE, "export", str(inputs[count]), "-o", str(out), "-q"], count, f"newsmine export {fmt}"))
                out.unlink()
            line = (
                f"{fmt:<9} {results[0][0]:>8,.0f} rec/CPU s, peak {results[0][1]:>4.0f} MB at {base:,}"
                f" and {results[1][1]:>4.0f} MB at {2 * base:,}"
            )
            if fmt in PEER_WRITERS and not args.no_peer:
                peer = []
                for count in (base, 2 * base):
                    out = folder / f"peer.{fmt}"
                    code = PEER.format(writer=PEER_WRITERS[fmt])
                    peer.append(run([PYTHON, "-c", code, str(inputs[count]), str(out)], count, f"peer pandas {fmt}"))
                    out.unlink()
                line += (
                    f" | pandas one-shot {peer[0][0]:>7,.0f} rec/CPU s, peak {peer[0][1]:>5.0f} -> {peer[1][1]:>5.0f} MB"
                    f" | speed x{results[0][0] / peer[0][0]:.2f}, peak memory x{results[1][1] / peer[1][1]:.2f} at 2x"
                )
            summary.append(line)
        print("\nsummary (newsmine export vs the pandas one-shot peer)")
        print("\n".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
