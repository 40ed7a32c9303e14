"""Score `split` on the People's Daily pages in ../shared/corpus/pages against pages_gold.jsonl.

    .venv/bin/python bench/split_pages.py [--show-misses]

Rules (also in docs/split.md):
- Gold articles are the gold items of kind "article" or "photo" (adverts and page footers are not
  articles). Found articles are split's records of kind news/commentary/photo/brief that have a
  title ("other" and "index" records are not articles).
- An article is found when split's `title` equals the gold headline after removing all whitespace
  (one-to-one, in page order). Precision = matched / found, recall = matched / gold.
- A body started right when the gold `body_first20` is a prefix of the printed body, i.e. split's
  `dateline` followed by its `text` (split moves the dateline "本报北京4月22日电（记者 …）" out of the
  first paragraph into its own field), whitespace removed on both sides. Rate = over gold articles.
- Kicker / subtitle / byline agreement is reported over matched articles whose gold has the field.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict

from _common import SHARED

from newsmine.split import split_page

PAGES = SHARED / "corpus" / "pages"
GOLD = PAGES / "pages_gold.jsonl"
ARTICLE_KINDS = {"news", "commentary", "photo", "brief"}
GOLD_KINDS = {"article", "photo"}
_SPACE_RE = re.compile(r"\s+")


def norm(text: str | None) -> str:
    """Text without any whitespace (ASCII, full-width and no-break spaces)."""
    return _SPACE_RE.sub("", text or "")


def score_page(gold_page: dict, records: list[dict], misses: list[str]) -> dict[str, int]:
    """Counts for one page: gold, found, matched, bodies right, field agreement."""
    gold = [item for item in gold_page["articles"] if item["kind"] in GOLD_KINDS]
    found = [record for record in records if record["kind"] in ARTICLE_KINDS and record["title"]]
    counts = defaultdict(int, gold=len(gold), found=len(found))
    unused = list(found)
    for item in gold:
        match = next((record for record in unused if norm(record["title"]) == norm(item["headline"])), None)
        if match is None:
            misses.append(f"{gold_page['file']}: missed headline {item['headline']!r}")
            continue
        unused.remove(match)
        counts["matched"] += 1
        body = norm((match["dateline"] or "") + match["text"])
        if body.startswith(norm(item["body_first20"])):
            counts["body"] += 1
        else:
            misses.append(f"{gold_page['file']}: body of {item['headline']!r} starts {body[:24]!r}, gold {item['body_first20']!r}")
        for name in ("kicker", "subtitle", "byline"):
            if item.get(name):
                counts[f"{name}_gold"] += 1
                counts[name] += norm(match.get(name)) == norm(item[name])
    misses.extend(f"{gold_page['file']}: extra record titled {record['title']!r}" for record in unused)
    return counts


def ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:6.1%}" if denominator else "     -"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="list every miss and extra record")
    args = parser.parse_args()
    if not GOLD.is_file():
        sys.exit(f"gold file not found at {GOLD}")
    totals: dict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[str] = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        gold_page = json.loads(line)
        path = PAGES / gold_page["file"]
        records = split_page(path.read_text(encoding="utf-8"), source=str(path))
        counts = score_page(gold_page, records, misses)
        for group in (gold_page["source"], "overall"):
            totals[group]["pages"] += 1
            for key, value in counts.items():
                totals[group][key] += value
    header = f"{'source':<15}{'pages':>6}{'gold':>6}{'found':>6}{'match':>6}{'prec':>8}{'recall':>8}{'body ok':>9}{'kicker':>8}{'subtit':>8}{'byline':>8}"
    print(header)
    print("-" * len(header))
    for group in [*sorted(name for name in totals if name != "overall"), "overall"]:
        c = totals[group]
        print(
            f"{group:<15}{c['pages']:>6}{c['gold']:>6}{c['found']:>6}{c['matched']:>6}"
            f"{ratio(c['matched'], c['found']):>8}{ratio(c['matched'], c['gold']):>8}{ratio(c['body'], c['gold']):>9}"
            f"{ratio(c['kicker'], c['kicker_gold']):>8}{ratio(c['subtitle'], c['subtitle_gold']):>8}{ratio(c['byline'], c['byline_gold']):>8}"
        )
    if args.show_misses:
        print("\n".join(["", *misses]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
