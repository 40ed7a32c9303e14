"""Batch runs over whole archives: `newsmine run` as a library.

    from pathlib import Path
    from newsmine.batch import BatchOptions, run_batch
    from newsmine.io import ErrorLog

    summary = run_batch(BatchOptions(["archive/"], Path("out"), jobs=0), ErrorLog())

Each input file goes through split -> segment (optional) -> stats in a worker; its records are
written to part files under OUT/parts/, recorded in OUT/manifest.jsonl, and finally joined in
input order into OUT/articles.jsonl and OUT/figures.jsonl. See docs/batch.md.
"""

from newsmine.batch.engines import ENGINES, EngineUnavailable
from newsmine.batch.paths import DatePatternError, DateMatcher, date_matcher
from newsmine.batch.pipeline import InputJob, InputOutcome, PipelineSettings, process_input
from newsmine.batch.runner import BatchOptions, RunSummary, format_summary, run_batch
from newsmine.batch.store import BatchError, OutputDir

__all__ = [
    "ENGINES",
    "BatchError",
    "BatchOptions",
    "DateMatcher",
    "DatePatternError",
    "EngineUnavailable",
    "InputJob",
    "InputOutcome",
    "OutputDir",
    "PipelineSettings",
    "RunSummary",
    "date_matcher",
    "format_summary",
    "process_input",
    "run_batch",
]
