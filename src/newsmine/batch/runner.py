"""`run_batch`: plan which inputs need work, run them on an engine, record, merge, summarise."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from newsmine.batch.engines import check_dask, run_dask, run_local
from newsmine.batch.paths import date_matcher
from newsmine.batch.pipeline import InputJob, InputOutcome, PipelineSettings, stages_for
from newsmine.batch.progress import choose_progress, format_mb, format_seconds
from newsmine.batch.store import ARTICLES, ERRORS, FIGURES, BatchError, OutputDir, manifest_entry
from newsmine.console import err_console
from newsmine.io import ErrorLog, InputError, Source, expand_inputs


@dataclass
class BatchOptions:
    """What `newsmine run` was asked to do."""

    inputs: Sequence[str]
    out: Path
    pattern: str = "*.txt"
    settings: PipelineSettings = field(default_factory=PipelineSettings)
    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    force: bool = False
    export: str | None = None
    quiet: bool = False
    progress_every: float = 10.0


@dataclass
class RunSummary:
    """What a run did, for the closing summary (counts of inputs, records and bytes)."""

    out: Path
    inputs: int = 0
    processed: int = 0
    unchanged: int = 0
    failed: int = 0
    removed: int = 0
    articles: int = 0
    figures: int = 0
    new_articles: int = 0
    new_figures: int = 0
    bytes_processed: int = 0
    seconds: float = 0.0
    exported: list[Path] = field(default_factory=list)


def run_batch(options: BatchOptions, errors: ErrorLog) -> RunSummary:
    """Process every input of `options` into `options.out`; bad inputs go to `errors`.

    Raises BatchError (output folder unusable or busy), EngineUnavailable, and lets
    KeyboardInterrupt through after recording every finished input (a re-run resumes).
    """
    started = time.monotonic()
    if options.engine == "dask":
        check_dask()
    store = OutputDir(options.out)
    summary = RunSummary(out=options.out)
    with store.opened():
        inputs = expand_inputs(options.inputs, errors, options.pattern)
        sources = [source for source in unique_files(inputs, errors) if not store.contains(source.path)]
        summary.inputs = len(sources)
        previous = store.load_manifest()
        fingerprint = options.settings.fingerprint()
        entries, plan, plan_bytes = plan_work(sources, previous, store, options, fingerprint)
        summary.unchanged = len(entries)
        if plan:
            load_pipeline(options.settings)
        progress = choose_progress(options.quiet, options.progress_every)
        progress.start(len(plan), plan_bytes)
        jobs_by_source = {job.source: job for job in plan}
        finished = 0
        try:
            for outcome in _outcomes(plan, options):
                entry = _entry_for(outcome, jobs_by_source[outcome.source], previous, fingerprint, summary)
                if outcome.status == "failed":
                    store.remove_parts(outcome.source)
                    errors.report(InputError(outcome.source, outcome.reason or "failed"))
                store.append(entry)
                entries[outcome.source] = entry
                finished += 1
                progress.advance(outcome.size)
        except BrokenProcessPool:
            raise BatchError(
                f"a worker process died (out of memory?) after {finished:,} of {len(plan):,} inputs to do; "
                "run the same command again to resume"
            ) from None
        except KeyboardInterrupt:
            progress.stop()
            if not options.quiet:
                err_console().print(
                    f"newsmine run: interrupted after {finished:,} of {len(plan):,} inputs to do; "
                    "run the same command again to resume.",
                    markup=False,
                )
            raise
        finally:
            progress.stop()
        current = [entries[source.name] for source in sources if source.name in entries]
        summary.removed = len(previous.keys() - entries.keys())
        finish_outputs(store, current, errors)
        merged = [entry for entry in current if entry["status"] == "done"]
        summary.articles = sum(entry["articles"] for entry in merged)
        summary.figures = sum(entry["figures"] for entry in merged)
        if options.export:
            summary.exported = export_outputs(store.root, options.export, options.quiet)
    summary.seconds = time.monotonic() - started
    return summary


def plan_work(
    sources: list[Source], previous: dict[str, dict], store: OutputDir, options: BatchOptions, fingerprint: str
) -> tuple[dict[str, dict], list[InputJob], int]:
    """Split the inputs into those done and unchanged (their manifest entries) and jobs to run.

    Returns (entries of the skipped inputs, jobs in input order, bytes the jobs will read).
    """
    matcher = date_matcher(options.settings.date_pattern)
    entries: dict[str, dict] = {}
    plan: list[InputJob] = []
    plan_bytes = 0
    for source in sources:
        old = previous.get(source.name)
        reusable = (
            old is not None
            and not options.force
            and old.get("status") == "done"
            and old.get("settings") == fingerprint
            and store.parts_intact(old)
        )
        stat = _stat(source.path)
        if reusable and stat is not None and (stat.st_size, stat.st_mtime_ns) == (old["size"], old["mtime_ns"]):
            entries[source.name] = old
            continue
        date, page = matcher.find(source.name)
        plan_bytes += stat.st_size if stat is not None else 0
        # A reusable entry whose size or mtime moved: the worker compares content hashes first.
        expected_sha256 = old["sha256"] if reusable else None
        part = str(store.part_stem(source.name))
        plan.append(InputJob(source.name, str(source.path.resolve()), part, date, page, expected_sha256))
    return entries, plan, plan_bytes


def finish_outputs(store: OutputDir, current: list[dict], errors: ErrorLog) -> None:
    """Keep only the current inputs in the manifest and parts; merge their parts; write errors.jsonl."""
    store.rewrite_manifest(current)
    merged = [entry for entry in current if entry["status"] == "done"]
    store.prune_parts(entry["id"] for entry in merged)
    if not store.merged_outputs_match(merged):
        store.merge(merged)
    store.write_errors(error.as_record() for error in errors.errors)


def _outcomes(plan: list[InputJob], options: BatchOptions) -> Iterator[InputOutcome]:
    if not plan:
        return iter(())
    if options.engine == "dask":
        return run_dask(plan, options.settings, options.jobs, options.scheduler)
    return run_local(plan, options.settings, options.jobs)


def _entry_for(
    outcome: InputOutcome, job: InputJob, previous: dict[str, dict], fingerprint: str, summary: RunSummary
) -> dict:
    """The manifest entry for a finished input, counting it into `summary`."""
    old = previous.get(outcome.source)
    if outcome.status == "unchanged" and old is not None:
        summary.unchanged += 1
        return {**old, "size": outcome.size, "mtime_ns": outcome.mtime_ns}
    entry = manifest_entry(outcome, job.path, job.date, job.page, fingerprint)
    if outcome.status == "failed":
        summary.failed += 1
    else:
        summary.processed += 1
        summary.bytes_processed += outcome.size
        summary.new_articles += outcome.articles
        summary.new_figures += outcome.figures
    return entry


def _stat(path: Path | None) -> os.stat_result | None:
    try:
        return os.stat(path) if path is not None else None
    except OSError:
        return None


def unique_files(sources: Iterable[Source], errors: ErrorLog) -> Iterator[Source]:
    """Each named file once (the first time it is named); stdin is refused (a run reads files)."""
    seen: set[str] = set()
    for source in sources:
        if source.is_stdin:
            errors.report(InputError("-", "`newsmine run` reads files and folders, not stdin"))
            continue
        if source.name not in seen:
            seen.add(source.name)
            yield source


def load_pipeline(settings: PipelineSettings) -> None:
    """Build the stages here first: a broken setup is one clear error, not one per input.

    Local worker processes are forked afterwards and inherit the loaded state.
    """
    try:
        stages_for(settings)
    except Exception as exc:
        raise BatchError(f"cannot load the pipeline: {type(exc).__name__}: {exc}") from None


def export_outputs(root: Path, fmt: str, quiet: bool = False) -> list[Path]:
    """Write articles.<ext> and figures.<ext> beside the JSON lines with newsmine.export."""
    from newsmine.export import EXTENSIONS, ExportError, ExportFormat, export_records
    from newsmine.io import iter_jsonl

    chosen = ExportFormat(fmt)
    extension = next(ext for ext, known in EXTENSIONS.items() if known is chosen)
    warn = (lambda message: None) if quiet else (lambda message: err_console().print(f"warning: {message}", markup=False))
    written = []
    for name in (ARTICLES, FIGURES):
        target = root / (Path(name).stem + extension)
        with open(root / name, encoding="utf-8") as handle:
            try:
                export_records(
                    iter_jsonl(handle, name, ErrorLog()), target, chosen,
                    recreate=chosen is ExportFormat.sqlite, on_warning=warn,
                )
            except ExportError as exc:
                raise BatchError(f"--export {fmt}: {exc}") from None
        written.append(target)
    return written


def format_summary(summary: RunSummary, errors: int) -> str:
    """The closing summary: inputs, what was done or skipped, records, errors, time and speed."""
    seconds = max(summary.seconds, 1e-9)
    lines = [
        f"newsmine run: {summary.inputs:,} inputs in {format_seconds(summary.seconds)}:"
        f" {summary.processed:,} processed,"
        f" {summary.unchanged:,} unchanged (skipped), {summary.failed:,} failed",
    ]
    if summary.processed:
        lines.append(
            f"  speed     {format_mb(summary.bytes_processed)} processed, "
            f"{summary.bytes_processed / 1e6 / seconds:.2f} MB/s, {summary.processed / seconds:.1f} files/s"
        )
    lines += [
        f"  output    {summary.articles:,} articles, {summary.figures:,} figures "
        f"({summary.new_articles:,} and {summary.new_figures:,} new) in {summary.out}/",
    ]
    if summary.exported:
        lines.append("  export    " + ", ".join(path.name for path in summary.exported))
    if summary.removed:
        inputs = "input" if summary.removed == 1 else "inputs"
        lines.append(f"  removed   {summary.removed:,} {inputs} of an earlier run no longer given (dropped)")
    lines.append(f"  errors    {errors:,}" + (f" (listed in {summary.out / ERRORS})" if errors else ""))
    return "\n".join(lines)
