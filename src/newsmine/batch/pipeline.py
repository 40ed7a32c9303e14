"""The work done for one input file: read, split, segment, stats, write its part files.

`process_input(job, settings)` is the unit both engines run (in this process, in a worker
process, or on a dask worker). It never raises for a bad input: it returns an InputOutcome
whose status says what happened. Heavy state (the segmenter's dictionaries) is loaded once per
process and reused for every input.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import signal
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from newsmine import __version__
from newsmine.io import InputError, Source, dumps
from newsmine.tasks import TextInput

ARTICLES_SUFFIX = ".articles.part"
FIGURES_SUFFIX = ".figures.part"

Status = Literal["done", "unchanged", "failed"]


@dataclass(frozen=True)
class PipelineSettings:
    """Everything that changes what an input's records look like (so a change means redo)."""

    segment: bool = True
    segmenter_options: tuple[tuple[str, Any], ...] = ()
    kinds: tuple[str, ...] | None = None
    all_numbers: bool = False
    encoding: str | None = None
    date_pattern: str | None = None

    def fingerprint(self) -> str:
        """A short hash of these settings, the newsmine version and its stage code, stored in the manifest."""
        described = json.dumps(
            {"version": __version__, "code": stage_code_hash(), **asdict(self)}, sort_keys=True, default=str
        )
        return hashlib.sha256(described.encode()).hexdigest()[:16]


# What decides the records an input gives: a change here (even without a version bump, as in an
# editable install or after editing a data file) means every input must be processed again.
STAGE_CODE = ("split", "stats", "segment", "data", "io.py", "tasks.py", "records.py")


@functools.lru_cache(maxsize=1)
def stage_code_hash() -> str:
    """A hash of the installed stage modules and data files."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in STAGE_CODE:
        top = package / name
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for path in files:
            if path.is_file() and path.suffix != ".pyc":
                digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class InputJob:
    """One input to process. Paths are absolute so any worker (any cwd, any machine) can use them.

    `expected_sha256`: when the content still hashes to this, the existing part files are kept
    and the input is reported unchanged (its size or mtime moved but its bytes did not).
    """

    source: str
    path: str
    part: str
    date: str | None = None
    page: int | None = None
    expected_sha256: str | None = None


@dataclass
class InputOutcome:
    """What happened to one input; becomes its manifest entry."""

    source: str
    status: Status
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None
    articles: int = 0
    figures: int = 0
    articles_bytes: int = 0
    figures_bytes: int = 0
    reason: str | None = None


class Stages:
    """The stage functions with their heavy state, built once per process for one settings value."""

    def __init__(self, settings: PipelineSettings):
        from newsmine.split import split_page
        from newsmine.stats import figures_for_record

        self.settings = settings
        self.split_page = split_page
        self.figures_for_record = figures_for_record
        self.kinds = set(settings.kinds) if settings.kinds else None
        self.segmenter = None
        if settings.segment:
            from newsmine.segment import Segmenter

            self.segmenter = Segmenter(**dict(settings.segmenter_options)).load()

    def run(self, text: str, job: InputJob) -> tuple[list[dict], list[dict]]:
        """Articles and figures for one page's text, with the issue date and page added."""
        stage = "split"
        try:
            articles = self.split_page(text, source=job.source)
            figures: list[dict] = []
            for index, article in enumerate(articles):
                article["date"] = job.date
                article["page"] = job.page
                if self.segmenter is not None:
                    stage = "segment"
                    article = articles[index] = self.segmenter.segment_record(article)
                stage = "stats"  # figures carry the article's date and page
                figures += self.figures_for_record(article, kinds=self.kinds, all_numbers=self.settings.all_numbers)
        except Exception as exc:  # a stage bug on one page must not stop an archive run
            raise StageError(f"{stage} failed: {type(exc).__name__}: {exc}") from exc
        return articles, figures


class StageError(Exception):
    """A stage raised on this input's text; the message names the stage."""


_stages_cache: dict[PipelineSettings, Stages] = {}
_stages_lock = threading.Lock()


def stages_for(settings: PipelineSettings) -> Stages:
    """This process's Stages for `settings`, built on first use (dask workers call this too)."""
    with _stages_lock:
        stages = _stages_cache.get(settings)
        if stages is None:
            stages = _stages_cache[settings] = Stages(settings)
        return stages


def init_worker(settings: PipelineSettings) -> None:
    """Pool initializer: load heavy state once; worker processes leave Ctrl-C to the parent."""
    if multiprocessing.parent_process() is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_settings
    _worker_settings = settings
    stages_for(settings)


_worker_settings: PipelineSettings | None = None


def process_job(job: InputJob) -> InputOutcome:
    """process_input with the settings given to init_worker (for newsmine.parallel.ordered_map)."""
    assert _worker_settings is not None, "init_worker was not called"
    return process_input(job, _worker_settings)


def process_inputs(jobs: list[InputJob], settings: PipelineSettings) -> list[InputOutcome]:
    """process_input over a small batch (one dask task: amortises the scheduler's per-task cost)."""
    return [process_input(job, settings) for job in jobs]


def process_input(job: InputJob, settings: PipelineSettings) -> InputOutcome:
    """Read one input, run the stages and write its part files atomically; never raises for bad input."""
    try:
        with open(job.path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
    except OSError as exc:
        return InputOutcome(job.source, "failed", reason=exc.strerror or str(exc))
    outcome = InputOutcome(job.source, "failed", size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    outcome.sha256 = hashlib.sha256(data).hexdigest()
    if job.expected_sha256 == outcome.sha256:
        outcome.status = "unchanged"
        return outcome
    try:
        text = TextInput(Source(job.source, Path(job.path)), settings.encoding, data).read()
        try:
            stages = stages_for(settings)
        except Exception as exc:  # reported per input on a remote worker; locally run_batch checks first
            raise StageError(f"cannot load the pipeline: {type(exc).__name__}: {exc}") from exc
        articles, figures = stages.run(text, job)
    except InputError as error:
        outcome.reason = error.reason
        return outcome
    except StageError as error:
        outcome.reason = str(error)
        return outcome
    try:
        outcome.articles_bytes, outcome.figures_bytes = write_parts(Path(job.part), articles, figures)
    except OSError as exc:
        outcome.reason = f"cannot write its output: {exc.strerror or exc}"
        return outcome
    outcome.articles, outcome.figures = len(articles), len(figures)
    outcome.status = "done"
    return outcome


def write_parts(stem: Path, articles: list[dict], figures: list[dict]) -> tuple[int, int]:
    """Write `<stem>.articles.part` and `<stem>.figures.part` (JSON lines; temp file + rename); return their sizes."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    sizes = []
    for suffix, records in ((ARTICLES_SUFFIX, articles), (FIGURES_SUFFIX, figures)):
        target = stem.with_name(stem.name + suffix)
        payload = "".join(dumps(record) + "\n" for record in records).encode("utf-8")
        temp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(temp, "wb") as handle:
            handle.write(payload)
        os.replace(temp, target)
        sizes.append(len(payload))
    return sizes[0], sizes[1]
