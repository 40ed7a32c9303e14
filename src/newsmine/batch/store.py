"""The output folder of `newsmine run`: part files, the manifest, merged outputs, errors, a lock.

    DIR/parts/ab/abcdef....articles.part    one input's articles, JSON lines (name: hash of the input's path)
    DIR/parts/ab/abcdef....figures.part     one input's figures, JSON lines
    DIR/manifest.jsonl                      one line per input: fingerprint, counts, status
    DIR/articles.jsonl, DIR/figures.jsonl   every input's parts joined in input order
    DIR/errors.jsonl                        the inputs that failed in the last run, with the reason

Every file is written to a temporary name and renamed into place, so a crash never leaves a
truncated file; the manifest is appended one whole line per finished input (a torn last line
after a crash is ignored when read back).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from newsmine import __version__
from newsmine.batch.pipeline import ARTICLES_SUFFIX, FIGURES_SUFFIX, InputOutcome
from newsmine.io import dumps

MANIFEST = "manifest.jsonl"
ERRORS = "errors.jsonl"
ARTICLES = "articles.jsonl"
FIGURES = "figures.jsonl"
PARTS = "parts"
LOCK = ".lock"
MERGED = ".merged"  # merge_key of the entries articles.jsonl and figures.jsonl were last joined from


class BatchError(Exception):
    """A problem with the run as a whole (not one input): the output folder is unusable or busy."""


class OutputDir:
    """The files of one run's output folder."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.parts = self.root / PARTS
        self.manifest_path = self.root / MANIFEST
        self._manifest_handle: IO[str] | None = None

    # ------------------------------------------------------------------ lifecycle

    @contextlib.contextmanager
    def opened(self) -> Iterator[OutputDir]:
        """Create the folder, take its lock (one run at a time), remove leftovers of a crashed run."""
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
            lock = open(self.root / LOCK, "w")
        except OSError as exc:
            raise BatchError(f"{self.root}: cannot create the output folder ({exc.strerror or exc})") from None
        with lock:
            _lock_or_fail(lock, self.root)
            self._remove_temporaries()
            try:
                yield self
            finally:
                if self._manifest_handle is not None:
                    self._manifest_handle.close()
                    self._manifest_handle = None

    def _remove_temporaries(self) -> None:
        for pattern in (".*.tmp", f"{PARTS}/*/.*.tmp"):
            for leftover in self.root.glob(pattern):
                leftover.unlink(missing_ok=True)

    def contains(self, path: Path | None) -> bool:
        """True for a file inside this folder (never an input: an archive may hold its own output)."""
        if path is None:
            return False
        absolute = os.path.abspath(path)
        if os.path.islink(absolute):
            return self.root in path.resolve().parents
        return self._folder_inside(os.path.dirname(absolute))

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one OutputDir per run
    def _folder_inside(self, folder: str) -> bool:
        # Resolved once per folder, not per file: resolving costs an lstat per path component.
        real = Path(os.path.realpath(folder))
        return real == self.root or self.root in real.parents

    # ------------------------------------------------------------------ parts

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one OutputDir per run; called 4 times per input
    def part_stem(self, source: str) -> Path:
        """Where an input's part files go: a hash of its name, in one of 256 sub-folders."""
        key = hashlib.sha1(source.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        return self.parts / key[:2] / key

    def parts_intact(self, entry: dict) -> bool:
        """True when the entry's part files exist with the sizes the manifest recorded."""
        stem = self.part_stem(entry["id"])
        for suffix, recorded in ((ARTICLES_SUFFIX, "articles_bytes"), (FIGURES_SUFFIX, "figures_bytes")):
            try:
                if os.stat(stem.with_name(stem.name + suffix)).st_size != entry.get(recorded):
                    return False
            except OSError:
                return False
        return True

    def remove_parts(self, source: str) -> None:
        stem = self.part_stem(source)
        for suffix in (ARTICLES_SUFFIX, FIGURES_SUFFIX):
            stem.with_name(stem.name + suffix).unlink(missing_ok=True)

    def prune_parts(self, sources: Iterable[str]) -> int:
        """Delete part files of inputs not in `sources` (removed since an earlier run); return how many."""
        keep = {self.part_stem(source).name for source in sources}
        removed = 0
        for sub in self.parts.iterdir():
            if not sub.is_dir():
                continue
            for part in sub.iterdir():
                if part.name.split(".", 1)[0] not in keep:
                    part.unlink(missing_ok=True)
                    removed += 1
        return removed

    # ------------------------------------------------------------------ manifest

    def load_manifest(self) -> dict[str, dict]:
        """The latest manifest entry of each input (a torn or foreign line is skipped)."""
        entries: dict[str, dict] = {}
        try:
            handle = open(self.manifest_path, encoding="utf-8")
        except FileNotFoundError:
            return entries
        with handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(entry, dict) and entry.get("type") == "input" and isinstance(entry.get("id"), str):
                    entries[entry["id"]] = entry
        return entries

    def append(self, entry: dict) -> None:
        """Append a finished input's manifest entry: one whole line, flushed at once."""
        if self._manifest_handle is None:
            self._manifest_handle = open(self.manifest_path, "a", encoding="utf-8")
        self._manifest_handle.write(dumps(entry) + "\n")
        self._manifest_handle.flush()

    def rewrite_manifest(self, entries: Iterable[dict]) -> None:
        """Replace the manifest by `entries` (the current inputs only), atomically."""
        if self._manifest_handle is not None:
            self._manifest_handle.close()
            self._manifest_handle = None
        write_jsonl_atomically(self.manifest_path, entries)

    # ------------------------------------------------------------------ outputs

    def merge(self, entries: Iterable[dict]) -> None:
        """Join the part files of `entries` (in the order given) into articles.jsonl and figures.jsonl."""
        entries = list(entries)
        for suffix, name in ((ARTICLES_SUFFIX, ARTICLES), (FIGURES_SUFFIX, FIGURES)):
            with atomic_writer(self.root / name) as out:
                for entry in entries:
                    stem = self.part_stem(entry["id"])
                    try:
                        with open(stem.with_name(stem.name + suffix), "rb") as part:
                            shutil.copyfileobj(part, out, 1 << 20)
                    except OSError as exc:
                        raise BatchError(
                            f"{entry['id']}: its part file vanished during the run ({exc.strerror}); re-run"
                        ) from None
        with atomic_writer(self.root / MERGED) as out:
            out.write(merge_key(entries).encode("utf-8"))

    def merged_outputs_match(self, entries: list[dict]) -> bool:
        """True when the last merge joined exactly these entries' parts and its outputs are intact.

        Lets a re-run with nothing to do skip rewriting gigabytes of identical output.
        """
        try:
            recorded = (self.root / MERGED).read_text(encoding="utf-8")
            sizes = [os.stat(self.root / name).st_size for name in (ARTICLES, FIGURES)]
        except OSError:
            return False
        expected = [sum(entry[field] for entry in entries) for field in ("articles_bytes", "figures_bytes")]
        return recorded == merge_key(entries) and sizes == expected

    def write_errors(self, errors: Iterable[dict]) -> None:
        write_jsonl_atomically(self.root / ERRORS, errors)


def write_jsonl_atomically(target: Path, records: Iterable[dict]) -> None:
    """Replace `target` by `records` as JSON lines, atomically."""
    with atomic_writer(target) as out:
        for record in records:
            out.write((dumps(record) + "\n").encode("utf-8"))


def merge_key(entries: list[dict]) -> str:
    """A hash of which parts, with which content and settings, a merge joins and in what order."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(dumps([entry["id"], entry["sha256"], entry["settings"], entry["articles_bytes"],
                             entry["figures_bytes"]]).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def manifest_entry(outcome: InputOutcome, path: str, date: str | None, page: int | None, settings: str) -> dict:
    """An input's manifest line: what it was (size, mtime, hash), how it was processed, what came out."""
    return {
        "type": "input",
        "id": outcome.source,
        "path": path,
        "status": "done" if outcome.status == "unchanged" else outcome.status,
        "size": outcome.size,
        "mtime_ns": outcome.mtime_ns,
        "sha256": outcome.sha256,
        "date": date,
        "page": page,
        "articles": outcome.articles,
        "figures": outcome.figures,
        "articles_bytes": outcome.articles_bytes,
        "figures_bytes": outcome.figures_bytes,
        "reason": outcome.reason,
        "version": __version__,
        "settings": settings,
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


@contextlib.contextmanager
def atomic_writer(target: Path) -> Iterator[IO[bytes]]:
    """A binary file that replaces `target` only when the block ends without an exception."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as out:
            yield out
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _lock_or_fail(lock: IO[str], root: Path) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock; one run at a time is then the user's care
        return
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise BatchError(f"{root}: another `newsmine run` is writing to this folder") from None
