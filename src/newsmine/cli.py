"""The `newsmine` command line: parses options, opens inputs, streams records through a stage.

Every command reads files, folders, globs or stdin ("-") and writes JSON lines to stdout.
Messages go to stderr. Exit status: 0 ok, 1 some input failed, 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from newsmine import __version__
from newsmine.checks import RecordChecker
from newsmine.export import ExportFormat
from newsmine.io import (
    ErrorLog, ExitStatus, InputError, Source, StopOnError, expand_inputs, write_jsonl, write_lines,
)
from newsmine.parallel import ordered_map
from newsmine.tasks import TextInput, split_input

EXIT_CODES_HELP = "Exit status: 0 ok, 1 some input failed (the rest were processed), 2 usage error, 130 interrupted."

app = typer.Typer(
    name="newsmine",
    help=f"Mine Chinese newspaper text as JSON lines: split pages, segment words, extract figures, export.\n\n{EXIT_CODES_HELP}",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Options shared by the commands, defined once.
PathsArg = Annotated[
    Optional[list[str]],
    typer.Argument(help="Input files, folders (searched recursively) or globs; '-' or nothing reads stdin.", show_default=False),
]
GlobOpt = Annotated[str, typer.Option("--glob", help="File pattern used inside folders.")]
EncodingOpt = Annotated[
    Optional[str], typer.Option("--encoding", help="Force the input encoding (default: detect UTF-8/BOM, GB18030, UTF-16...).")
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes (0 = all cores); output keeps input order.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Stop at the first bad input instead of skipping it.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr except errors.")]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"newsmine {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Mine Chinese newspaper text as JSON lines."""
    _utf8_stdout()


def _utf8_stdout() -> None:
    """Write UTF-8 into pipes and files whatever the locale says (e.g. GBK on a Chinese Windows),
    as the record contract promises; a terminal keeps its own encoding."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and not sys.stdout.isatty():
        reconfigure(encoding="utf-8")


@contextlib.contextmanager
def command_guard(errors: ErrorLog) -> Iterator[None]:
    """Run a command body: stop quietly on a closed pipe, exit 130 on Ctrl-C, stop on --strict.

    Always ends the command with the exit status that `errors` implies.
    """
    try:
        yield
    except StopOnError:
        raise typer.Exit(ExitStatus.ERROR) from None
    except BrokenPipeError:
        # The reader (e.g. `head`) has gone: silence the final flush and end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(errors.exit_status) from None
    except KeyboardInterrupt:
        raise typer.Exit(ExitStatus.INTERRUPTED) from None
    raise typer.Exit(errors.exit_status)


def collect(results: Iterable[list[dict] | InputError], errors: ErrorLog) -> Iterator[dict]:
    """Flatten per-input results into one record stream, reporting the inputs that failed."""
    for result in results:
        if isinstance(result, InputError):
            errors.report(result)
        else:
            yield from result


def text_inputs(sources: Iterable[Source], encoding: str | None) -> Iterator[TextInput]:
    """Wrap Sources as picklable work items; stdin is read here, since workers cannot read it."""
    for source in sources:
        data = sys.stdin.buffer.read() if source.is_stdin else None
        yield TextInput(source, encoding, data)


@app.command()
def split(
    paths: PathsArg = None,
    glob: GlobOpt = "*.txt",
    encoding: EncodingOpt = None,
    jobs: JobsOpt = 1,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Split newspaper page text into article records (title, subtitle, authors, dateline, body).

    Reads plain-text pages (one page or issue per file) and writes one `article` JSON line per
    article, repairing PDF-extraction damage (broken paragraphs, split words, stray subheads).

    Example: newsmine split pages/ | jq -r .title
    """
    errors = ErrorLog(strict=strict, quiet=quiet)
    with command_guard(errors):
        sources = expand_inputs(paths or [], errors, glob)
        write_jsonl(collect(ordered_map(split_input, text_inputs(sources, encoding), jobs), errors))


@app.command()
def run(
    paths: Annotated[
        list[str], typer.Argument(help="Page files, folders (searched recursively) or globs.", show_default=False)
    ],
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output folder; re-running into it resumes.", show_default=False)
    ],
    glob: GlobOpt = "*.txt",
    encoding: EncodingOpt = None,
    jobs: JobsOpt = 1,
    segment: Annotated[
        bool, typer.Option("--segment/--no-segment", help="Run the segment stage (adds word tokens to articles).")
    ] = True,
    all_numbers: Annotated[
        bool, typer.Option("--all-numbers", help="Also extract ordinals, years and dates as figures.")
    ] = False,
    date_pattern: Annotated[
        Optional[str],
        typer.Option(
            "--date-pattern",
            help="Regex with named groups year, month, day and/or page, searched in each input path "
            "(default: understands 2022/02/10/01.txt, 20220210_01.txt, 2022-02-10-p01.txt ...).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo every input, even those done and unchanged.")] = False,
    export: Annotated[
        Optional[str],
        typer.Option("--export", help="Also write articles.FORMAT and figures.FORMAT (via `newsmine export`).",
                     show_default=False),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="'local' (processes on this machine) or 'dask' (a dask cluster).")
    ] = "local",
    scheduler: Annotated[
        Optional[str],
        typer.Option("--scheduler", help="With --engine dask: address of a running scheduler (tcp://host:8786); "
                     "default: start a local cluster of --jobs workers.", show_default=False),
    ] = None,
    progress_every: Annotated[
        float, typer.Option("--progress-every", min=0, help="Seconds between progress lines when stderr is not a terminal.")
    ] = 10.0,
    quiet: QuietOpt = False,
) -> None:
    """Run split -> segment -> stats over a whole archive, in parallel, resumably.

    Writes OUT/articles.jsonl and OUT/figures.jsonl (in input order), with each record's issue
    `date` and `page` taken from its file path; OUT/manifest.jsonl remembers what is done, so a
    re-run skips unchanged inputs and an interrupted run resumes. Failed inputs are listed in
    OUT/errors.jsonl. Progress and a summary go to stderr.

    Example: newsmine run archive/ --out mined/ --jobs 0
    """
    from pathlib import Path

    from newsmine.batch import (
        ENGINES, BatchError, BatchOptions, DatePatternError, EngineUnavailable, PipelineSettings, date_matcher,
        format_summary, run_batch,
    )
    from newsmine.console import err_console
    from newsmine.io import print_error

    if engine not in ENGINES:
        raise typer.BadParameter(f"choose one of: {', '.join(ENGINES)}", param_hint="--engine")
    if "-" in paths:
        raise typer.BadParameter("`run` reads files and folders, not stdin", param_hint="PATHS")
    if scheduler is not None and engine != "dask":
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    try:
        date_matcher(date_pattern)
    except DatePatternError as exc:
        raise typer.BadParameter(str(exc), param_hint="--date-pattern") from None
    if export is not None:
        if export not in ExportFormat.__members__:
            raise typer.BadParameter(f"choose one of: {', '.join(ExportFormat.__members__)}", param_hint="--export")
    settings = PipelineSettings(segment=segment, all_numbers=all_numbers, encoding=encoding, date_pattern=date_pattern)
    options = BatchOptions(
        paths, Path(out), glob, settings, jobs, engine, scheduler, force, export, quiet, progress_every
    )
    errors = ErrorLog(quiet=quiet)
    with command_guard(errors):
        try:
            summary = run_batch(options, errors)
        except EngineUnavailable as exc:
            print_error(str(exc))
            raise typer.Exit(ExitStatus.USAGE) from None
        except BatchError as exc:
            print_error(str(exc))
            raise typer.Exit(ExitStatus.ERROR) from None
        if not quiet:
            err_console().print(format_summary(summary, len(errors.errors)), markup=False, highlight=False)


def _record_checker(errors: ErrorLog, **options: Any) -> RecordChecker:
    """A RecordChecker whose problems go to `errors` as line-numbered input errors."""
    return RecordChecker(report=lambda source, line, reason: errors.report(InputError(source, reason, line)), **options)


def _print_warning(message: str, quiet: bool) -> None:
    from rich.text import Text

    from newsmine.console import err_console

    if not quiet:
        err_console().print(Text.assemble(("warning: ", "bold yellow"), message), soft_wrap=True)


def _keep_previous_output_if_all_failed(errors: ErrorLog, output: str) -> Any:
    """A before_commit check for export: when no record came and inputs failed, raise ExportError
    so that the export is abandoned and an existing output is not replaced by an empty one."""
    from newsmine.export import STDOUT, ExportError

    def check(count: int) -> None:
        if count == 0 and errors.errors:
            kept = "" if output == STDOUT else "; an existing output was left as it was"
            raise ExportError(f"no good records to export{kept}")

    return check


def _export_batches(
    paths: list[str], errors: ErrorLog, encoding: str | None, glob: str, checker: RecordChecker,
    record_type: str | None, block_bytes: int,
) -> Iterator[Any]:
    """The inputs as export batches: UTF-8 JSON lines as raw blocks (parsed and checked only when
    the format needs records), other inputs as lists of checked records."""
    from itertools import groupby

    from newsmine.export import JsonLines, record_batches
    from newsmine.io import RawJsonLines, iter_raw_jsonl, iter_raw_jsonl_numbered

    def checked(numbered: Iterable[tuple[str, int | None, dict]]) -> Iterator[dict]:
        if record_type is not None:
            numbered = (item for item in numbered if item[2].get("type") == record_type)
        return checker.filter(numbered)

    def parser(source: str) -> Any:
        def parse(data: bytes, first_line: int) -> list[dict]:
            numbered = iter_raw_jsonl_numbered(RawJsonLines(source, first_line, data), errors)
            return checker.keep(source, numbered, record_type)

        return parse

    items = iter_raw_jsonl(paths, errors, encoding, glob, block_bytes)
    for raw, run in groupby(items, key=lambda item: isinstance(item, RawJsonLines)):
        if raw:
            yield from (JsonLines(block.data, block.first_line, parser(block.source), block.lines) for block in run)
        else:
            yield from record_batches(checked(run))


@app.command()
def export(
    paths: PathsArg = None,
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or '-' for stdout (text formats).")] = "-",
    fmt: Annotated[
        Optional[ExportFormat],
        typer.Option("--format", "-f", case_sensitive=False, help="Output format (default: from the output's extension)."),
    ] = None,
    fields: Annotated[
        Optional[str], typer.Option("--fields", help="Columns to write, in order, comma-separated (default: every field).")
    ] = None,
    record_type: Annotated[
        Optional[str], typer.Option("--type", help="Keep only records of this type (article, figure, document...).")
    ] = None,
    table: Annotated[
        Optional[str],
        typer.Option("--table", help="sqlite/xlsx: one table (sheet) with this name for every record (default: one per type)."),
    ] = None,
    recreate: Annotated[
        bool, typer.Option("--recreate", help="sqlite: drop the table(s) this export writes to, then write them anew.")
    ] = False,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="sqlite: replace a row with the same id whole (default: update the columns written)."),
    ] = False,
    excel: Annotated[
        bool,
        typer.Option("--excel", help="csv/tsv for Excel: the byte-order mark it needs for Chinese, and --escape-formulas."),
    ] = False,
    escape_formulas: Annotated[
        bool,
        typer.Option("--escape-formulas", help="csv/tsv: prefix text cells starting with = + - @ tab or CR with ' (no formulas)."),
    ] = False,
    glob: GlobOpt = "*.jsonl",
    encoding: EncodingOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Export records to csv, tsv, xlsx, parquet, sqlite, markdown, jsonl or json.

    Reads any newsmine records (stdin by default) and writes them where analysts work. Lists and
    objects become JSON text in flat formats and stay lists in Parquet. Files are written
    atomically; SQLite upserts on `id`, so re-running an export does not duplicate rows.

    Example: newsmine split page.txt | newsmine stats | newsmine export -o figures.xlsx
    """
    from newsmine.console import stderr_is_terminal
    from newsmine.export import ExportError, UnknownFieldError, block_bytes_for, export_batches, resolve_format
    from newsmine.io import print_error

    try:
        chosen = resolve_format(output, fmt, excel, table, recreate, replace, escape_formulas)
    except ExportError as exc:
        print_error(str(exc))
        raise typer.Exit(ExitStatus.USAGE) from None
    columns = [name.strip() for name in fields.split(",") if name.strip()] if fields else None
    errors = ErrorLog(strict=strict, quiet=quiet)
    checker = _record_checker(errors, extra_types=(record_type,) if record_type else ())
    with command_guard(errors):
        batches = _export_batches(paths or [], errors, encoding, glob, checker, record_type, block_bytes_for(chosen))
        try:
            count = export_batches(
                batches,
                output,
                chosen,
                fields=columns,
                record_type=record_type,
                table=table,
                recreate=recreate,
                replace=replace,
                excel=excel,
                escape_formulas=escape_formulas,
                on_warning=lambda message: _print_warning(message, quiet),
                before_commit=_keep_previous_output_if_all_failed(errors, output),
            )
        except UnknownFieldError as exc:
            print_error(str(exc))
            raise typer.Exit(ExitStatus.USAGE) from None
        except ExportError as exc:
            checker.finish()
            errors.report(InputError(output, str(exc)))
        else:
            checker.finish()
            if output != "-" and not quiet and stderr_is_terminal():
                from newsmine.console import err_console

                err_console().print(f"exported {count:,} records to {output}", markup=False, highlight=False)


@app.command()
def show(
    paths: PathsArg = None,
    figures: Annotated[
        Optional[str], typer.Option("--figures", help="Also highlight the figures in this file (figure records).")
    ] = None,
    limit: Annotated[
        Optional[int],
        typer.Option("--limit", "-n", min=0, help="Show at most N records (an article with its figures counts once)."),
    ] = None,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Never page, even on a terminal.")] = False,
    color: Annotated[
        bool, typer.Option("--color", help="Colours even when stdout is not a terminal (e.g. for less -R).")
    ] = False,
    width: Annotated[
        Optional[int], typer.Option("--width", min=20, help="Line width (default: the terminal's, else 100).")
    ] = None,
    ids: Annotated[
        Optional[list[str]], typer.Option("--id", help="Only the record with this id (repeatable).", show_default=False)
    ] = None,
    grep: Annotated[
        Optional[str],
        typer.Option("--grep", help="Only records matching this regular expression (article title or text; "
                     "figure text, sentence, metric or indicator).", show_default=False),
    ] = None,
    date: Annotated[
        Optional[str],
        typer.Option("--date", help="Only records of this date: YYYY, YYYY-MM, YYYY-MM-DD, or FROM..TO.", show_default=False),
    ] = None,
    glob: GlobOpt = "*.jsonl",
    encoding: EncodingOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Show records for people: articles with their figures highlighted, figure tables.

    Reads any newsmine records (stdin by default), or a `run` output folder (its articles, each
    with its figures). An article is a panel with its title, authors and body, each figure from
    `stats` highlighted in place (figures that follow their article in the stream, as `stats
    --passthrough` writes them, or from --figures). Figures alone become tables. --id, --grep and
    --date pick records. Long output goes through a pager on a terminal; without a terminal (or
    colour), figures are marked with square brackets.

    Example: newsmine show mined/ --date 2024-03 --grep 国内生产总值
    """
    from newsmine.io import iter_numbered_records
    from newsmine.show import PipeConsole, Selection, index_figures, pager_console, renderables, select

    selection = Selection(frozenset(ids or ()), _pattern_option(grep, "--grep"), *_date_range(date, "--date"))
    errors = ErrorLog(strict=strict, quiet=quiet)
    checker = _record_checker(errors, any_type=True)
    with command_guard(errors):
        index = None
        if figures is not None:
            index = index_figures(checker.filter(iter_numbered_records([figures], errors, encoding, glob)))
        records = select(_show_records(paths, checker, errors, encoding, glob), selection)
        on_terminal = sys.stdout.isatty()
        if on_terminal and not no_pager:
            output = pager_console()
        else:
            output = contextlib.nullcontext(
                PipeConsole(
                    file=sys.stdout,
                    width=width or (None if on_terminal else 100),
                    force_terminal=True if color else None,
                    highlight=False,
                )
            )
        with output as console:
            if width:
                console.width = width
            for item in renderables(records, index, markers=console.color_system is None, limit=limit):
                console.print(item)
        checker.finish()


def _show_records(paths: list[str] | None, checker: RecordChecker, errors: ErrorLog, encoding: str | None,
                  glob: str) -> Iterator[dict]:
    """The records of each input in turn; a `run` output folder gives its articles, each followed
    by its figures."""
    from newsmine.batch.store import ARTICLES, FIGURES
    from newsmine.io import iter_numbered_records
    from newsmine.show import attach_figures

    for path in paths or ["-"]:
        folder = _run_folder(path)
        if folder is None:
            yield from checker.filter(iter_numbered_records([path], errors, encoding, glob))
            continue
        articles = checker.filter(iter_numbered_records([str(folder / ARTICLES)], errors, encoding, glob))
        figures = checker.filter(iter_numbered_records([str(folder / FIGURES)], errors, encoding, glob))
        yield from attach_figures(articles, figures)


def _pattern_option(value: str | None, hint: str) -> Any:
    import regex

    if value is None:
        return None
    try:
        return regex.compile(value)
    except regex.error as exc:
        raise typer.BadParameter(f"bad regular expression: {exc}", param_hint=hint) from None


def _date_range(value: str | None, hint: str) -> tuple[str | None, str | None]:
    """(first, last) ISO day of YYYY[-MM[-DD]] or FROM..TO (either side may be left empty)."""
    if value is None:
        return None, None
    low, separator, high = value.partition("..")
    if not separator:
        high = low
    return _date_option(low or None, False, hint), _date_option(high or None, True, hint)


# Records whose `text` is not an article's (a figure's is its own few characters): segment and
# stats pass them on as they are.
_RECORDS_WITHOUT_ARTICLE_TEXT = frozenset({"figure", "error"})


def _missing_text(source: str, line: int | None, record: dict) -> InputError | None:
    """Why a record cannot be segmented or mined (it has no `text` string), or None."""
    if isinstance(record.get("text"), str):
        return None
    where = "" if line is not None else f" (record {record.get('id')!r})"
    return InputError(source, f"record has no `text` string{where}; skipped", line)


def _stats_work(item: tuple[str, int | None, dict], kinds: frozenset[str] | None, all_numbers: bool,
                passthrough: bool) -> list[str] | InputError:
    """The figure records of one (source, line, record) item as JSON lines (serialised here, so
    --jobs workers share that work too), or the InputError for a record without text."""
    from newsmine.io import dumps
    from newsmine.stats import figure_lines

    source, line, record = item
    if record.get("type") in _RECORDS_WITHOUT_ARTICLE_TEXT:
        return [dumps(record)] if passthrough else []
    if problem := _missing_text(source, line, record):
        return problem
    if "id" not in record:  # figure ids are built on the article's id: give it one that points back
        record = {**record, "id": source if line is None else f"{source}:{line}"}
    lines = figure_lines(record, kinds=set(kinds) if kinds is not None else None, all_numbers=all_numbers)
    return [dumps(record), *lines] if passthrough else lines


def _parse_kinds(value: str | None) -> frozenset[str] | None:
    from newsmine.stats import KINDS

    if value is None:
        return None
    names = frozenset(name.strip() for name in value.split(",") if name.strip())
    unknown = sorted(names - set(KINDS))
    if unknown or not names:
        raise typer.BadParameter(
            f"unknown kind {', '.join(unknown) or '(none given)'}; choose from: {', '.join(KINDS)}", param_hint="--kinds"
        )
    return names


@app.command()
def stats(
    paths: PathsArg = None,
    kinds: Annotated[
        Optional[str],
        typer.Option("--kinds", help="Only these kinds, comma-separated: money, percent, percentage_point, count, "
                     "quantity, ratio, multiple, fraction, number (and ordinal, year, date, time with --all-numbers).",
                     show_default=False),
    ] = None,
    all_numbers: Annotated[
        bool, typer.Option("--all-numbers", help="Also report every other number (kinds number, ordinal, year, date, time).")
    ] = False,
    passthrough: Annotated[
        bool, typer.Option("--passthrough", help="Also write each input record, before its figures (for `newsmine show`).")
    ] = False,
    glob: GlobOpt = "*.txt",
    encoding: EncodingOpt = None,
    jobs: JobsOpt = 1,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Find the statistical figures in articles (or plain text) and normalise them.

    Reads article records from `split`/`segment` (or text files, one document each) and writes one
    `figure` record per figure, in document order: money (ISO currency), percent, percentage
    points, counts with measure words, physical quantities, ratios, multiples, fractions, with
    value in base units, range bounds, approximation, direction of change, basis, metric and period.

    Example: newsmine split page.txt | newsmine stats --kinds money,percent | jq -c '[.text,.value,.unit]'
    """
    import functools

    from newsmine.io import iter_numbered_records

    kind_set = _parse_kinds(kinds)
    errors = ErrorLog(strict=strict, quiet=quiet)
    with command_guard(errors):
        items = iter_numbered_records(paths or [], errors, encoding, glob)
        work = functools.partial(_stats_work, kinds=kind_set, all_numbers=all_numbers, passthrough=passthrough)
        write_lines(collect(ordered_map(work, items, jobs, chunk_size=64), errors))



def _segment_work(item: tuple[str, int | None, dict], text_only: bool) -> list[str] | InputError:
    """One (source, line, record) item segmented by this process's Segmenter, as its output line
    (serialised here, so --jobs workers share that work too), or why it failed."""
    from newsmine.records import dumps, dumps_with
    from newsmine.segment import segment_in_worker

    source, line, record = item
    if record.get("type") in _RECORDS_WITHOUT_ARTICLE_TEXT:
        return [] if text_only else [dumps(record)]
    if problem := _missing_text(source, line, record):
        return problem
    fields = segment_in_worker(record["text"])
    if isinstance(fields, str):
        return InputError(source, f"{fields}; skipped", line)
    return [" ".join(fields["tokens"]) if text_only else dumps_with(record, fields)]


@app.command()
def segment(
    paths: PathsArg = None,
    mode: Annotated[
        str, typer.Option("--mode", "-m", help="jieba's mode: accurate, search (adds words inside long words) or full.")
    ] = "accurate",
    no_hmm: Annotated[bool, typer.Option("--no-hmm", help="Do not let jieba's HMM join unknown words.")] = False,
    pos: Annotated[bool, typer.Option("--pos", help="Add `pos`: jieba part-of-speech tags aligned with tokens.")] = False,
    offsets: Annotated[
        bool, typer.Option("--offsets", help='Tokens as {"w","start","end"} with text\\[start:end] == w.')
    ] = False,
    keywords: Annotated[
        int, typer.Option("--keywords", "-k", help="Add `keywords`: the top N words with weights (0 = none).", min=0)
    ] = 0,
    keywords_method: Annotated[
        str, typer.Option("--keywords-method", help="tfidf (jieba.analyse TF-IDF) or textrank.")
    ] = "tfidf",
    stopwords: Annotated[
        Optional[str], typer.Option("--stopwords", help="Stop-word file (one a line) replacing the built-in list.",
                                    show_default=False)
    ] = None,
    entities: Annotated[
        bool, typer.Option("--entities", "-e", help="Add `entities`: people, places, organisations with offsets.")
    ] = False,
    dicts: Annotated[
        Optional[list[str]], typer.Option("--dict", "-d", help="User dictionary in jieba's format (repeatable).",
                                          show_default=False)
    ] = None,
    no_news_dict: Annotated[
        bool, typer.Option("--no-news-dict", help="Leave out the built-in news dictionary of figure units.")
    ] = False,
    text_only: Annotated[
        bool, typer.Option("--text-only", help="Print words separated by spaces, one line per record, not JSON.")
    ] = False,
    backend: Annotated[
        str, typer.Option("--backend", help="auto (fastest backend identical to jieba per output), jieba or rjieba.")
    ] = "auto",
    glob: GlobOpt = "*.txt",
    encoding: EncodingOpt = None,
    jobs: JobsOpt = 1,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Split article text into words with jieba's results (at jieba-rs speed); add POS, keywords, entities.

    Reads article records from `split` (or text files, one document each) and writes each record
    with `tokens` added (and `pos`, `keywords`, `entities` when asked), every other field kept.

    Example: newsmine split page.txt | newsmine segment --keywords 5 | jq -c .keywords
    """
    import functools

    from newsmine.io import iter_numbered_records
    from newsmine.segment import DictionaryError, Segmenter, start_worker

    if text_only and (pos or offsets or keywords or entities):
        raise typer.BadParameter("prints words only; leave out --pos, --offsets, --keywords and --entities",
                                 param_hint="--text-only")
    try:
        segmenter = Segmenter(
            backend=backend, mode=mode, hmm=not no_hmm, pos=pos, offsets=offsets, keywords=keywords,
            keywords_method=keywords_method, entities=entities, user_dicts=dicts or (),
            news_dict=not no_news_dict, stopwords=stopwords,
        )  # fmt: skip
    except (DictionaryError, ValueError) as error:
        raise typer.BadParameter(str(error)) from None
    errors = ErrorLog(strict=strict, quiet=quiet)
    with command_guard(errors):
        items = iter_numbered_records(paths or [], errors, encoding, glob)
        work = functools.partial(_segment_work, text_only=text_only)
        start_worker(segmenter.options())  # here first: forked workers inherit the loaded dictionaries
        results = ordered_map(work, items, jobs, chunk_size=16, initializer=start_worker,
                              initargs=(segmenter.options(),))
        write_lines(collect(results, errors))


# --------------------------------------------------------------------------- across the archive


def _run_folder(path: str) -> Path | None:
    """`path` as a `run` output folder (one holding manifest.jsonl), or None."""
    folder = Path(path)
    if not folder.is_dir():
        return None
    from newsmine.batch.store import MANIFEST

    return folder if (folder / MANIFEST).is_file() else None


def _with_run_folders(paths: list[str] | None, names: tuple[str, ...]) -> list[str]:
    """`paths` with each `run` output folder replaced by those of its files `names` that exist."""
    result = []
    for path in paths or []:
        folder = _run_folder(path)
        if folder is None:
            result.append(path)
        else:
            result.extend(str(folder / name) for name in names if (folder / name).is_file())
    return result


def _names(value: str | None) -> frozenset[str] | None:
    """A comma-separated option as a set of names (None when not given)."""
    if value is None:
        return None
    return frozenset(name.strip() for name in value.split(",") if name.strip())


def _date_option(value: str | None, upper: bool, hint: str) -> str | None:
    from newsmine.analyze.series import date_bound

    if value is None:
        return None
    try:
        return date_bound(value, upper)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=hint) from None


def _checked_choices(value: str | None, choices: Iterable[str], hint: str) -> frozenset[str] | None:
    names = _names(value)
    if names is not None and (not names or names - set(choices)):
        unknown = ", ".join(sorted(names - set(choices))) or "(none given)"
        raise typer.BadParameter(f"unknown {unknown}; choose from: {', '.join(choices)}", param_hint=hint)
    return names


ArticlesArg = Annotated[
    Optional[list[str]],
    typer.Argument(help="Article records: JSON-lines files, folders, globs, `run` output folders (their "
                   "articles.jsonl); '-' or nothing reads stdin.", show_default=False),
]


@app.command()
def series(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(help="Figure records: JSON-lines files, folders, globs, `run` output folders (their "
                       "figures.jsonl); '-' or nothing reads stdin.", show_default=False),
    ] = None,
    indicator: Annotated[
        Optional[str], typer.Option("--indicator", help="Only these indicators (comma-separated, exact).", show_default=False)
    ] = None,
    subject: Annotated[
        Optional[str],
        typer.Option("--subject", help="Only these subjects (comma-separated); 'none' = figures without subject.",
                     show_default=False),
    ] = None,
    kind: Annotated[
        Optional[str], typer.Option("--kind", help="Only these kinds (percent, money, count ...; comma-separated).",
                                    show_default=False)
    ] = None,
    modality: Annotated[
        str, typer.Option("--modality", help="outcome (modality null), target, forecast, comma-separated, or all.")
    ] = "outcome",
    grain: Annotated[
        Optional[str],
        typer.Option("--grain", help="Only periods of this length: day, month, quarter, half, year, to_date "
                     "(1 January to a month's end, e.g. 1-9月), years, other; comma-separated.", show_default=False),
    ] = None,
    date_from: Annotated[
        Optional[str], typer.Option("--from", help="Only periods starting on or after this date (YYYY[-MM[-DD]]).",
                                    show_default=False)
    ] = None,
    date_to: Annotated[
        Optional[str], typer.Option("--to", help="Only periods ending on or before this date (YYYY[-MM[-DD]]).",
                                    show_default=False)
    ] = None,
    plot: Annotated[
        Optional[str], typer.Option("--plot", help="Also draw the series into FILE.svg or FILE.png.", show_default=False)
    ] = None,
    glob: GlobOpt = "*.jsonl",
    encoding: EncodingOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Indicator time series from figures: one `series` record per fact, repeated mentions counted once.

    Reads figure records with indicator, subject, period_start/period_end and modality (from
    `stats`) and writes one row per fact (indicator, subject, kind, unit, period, modality,
    comparison) with the value, the number of mentions, the first and last report dates, the
    figure ids, and the other values seen when mentions disagree (`conflict`; the value said most
    often wins, then that of the latest report). Values are signed (下降3% -> -3).

    Example: newsmine series mined/ --indicator 国内生产总值 --kind percent --grain quarter,year
    """
    from newsmine.analyze.series import GRAINS, MODALITIES, SeriesFilter, build_series
    from newsmine.batch.store import FIGURES
    from newsmine.io import iter_numbered_records
    from newsmine.stats import KINDS

    modalities = None if modality.strip() == "all" else _checked_choices(modality, MODALITIES, "--modality")
    if plot is not None and not plot.lower().endswith((".svg", ".png")):
        raise typer.BadParameter("the plot file must end in .svg or .png", param_hint="--plot")
    selection = SeriesFilter(
        indicators=_names(indicator), subjects=_names(subject), kinds=_checked_choices(kind, KINDS, "--kind"),
        modalities=modalities, grains=_checked_choices(grain, GRAINS, "--grain"),
        start=_date_option(date_from, False, "--from"), end=_date_option(date_to, True, "--to"),
    )  # fmt: skip
    errors = ErrorLog(strict=strict, quiet=quiet)
    checker = _record_checker(errors, any_type=True)
    with command_guard(errors):
        records = checker.filter(iter_numbered_records(_with_run_folders(paths, (FIGURES,)), errors, encoding, glob))
        rows = build_series(records, selection)
        checker.finish()
        write_jsonl(rows)
        if plot is not None:
            _plot(rows, plot, errors, quiet)


def _plot(rows: list[dict], path: str, errors: ErrorLog, quiet: bool) -> None:
    from newsmine.analyze.chart import MAX_LINES, PlotError, plot_series

    try:
        left_out = plot_series(rows, path)
    except (PlotError, OSError) as exc:
        errors.report(InputError(path, str(exc)))
        return
    if left_out:
        _print_warning(f"{path}: drew the {MAX_LINES} longest lines, left out {len(left_out)} more "
                       "(narrow the selection with --indicator, --subject, --grain)", quiet)


@app.command()
def kwic(
    paths: ArticlesArg = None,
    words: Annotated[
        list[str], typer.Option("--word", "-w", help="The word to find (repeatable).", show_default=False)
    ] = ...,  # type: ignore[assignment]
    is_regex: Annotated[bool, typer.Option("--regex", "-r", help="The words are regular expressions.")] = False,
    ignore_case: Annotated[bool, typer.Option("--ignore-case", "-i", help="Match Latin letters in any case.")] = False,
    width: Annotated[int, typer.Option("--width", min=1, help="Characters of context either side.")] = 20,
    plain: Annotated[
        bool, typer.Option("--plain", help="Print aligned text lines (date, left, word, right, article) instead of JSON.")
    ] = False,
    glob: GlobOpt = "*.jsonl",
    encoding: EncodingOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Keyword in context: every occurrence of a word in the articles, with the text around it.

    Writes one `kwic` record per hit (date, article id, title, left, word, right, offsets), in
    input order; --plain prints aligned lines for reading (Chinese characters count double).

    Example: newsmine kwic mined/ --word 新质生产力 --width 15 --plain
    """
    from newsmine.analyze.kwic import concordance, plain_line, word_pattern
    from newsmine.batch.store import ARTICLES
    from newsmine.io import iter_numbered_records

    try:
        pattern = word_pattern(words, is_regex, ignore_case)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--word") from None
    errors = ErrorLog(strict=strict, quiet=quiet)
    checker = _record_checker(errors, any_type=True)
    with command_guard(errors):
        records = checker.filter(iter_numbered_records(_with_run_folders(paths, (ARTICLES,)), errors, encoding, glob))
        hits = concordance(records, pattern, width)
        if plain:
            write_lines(plain_line(hit, width) for hit in hits)
        else:
            write_jsonl(hits)
        checker.finish()


@app.command()
def freq(
    paths: ArticlesArg = None,
    by: Annotated[
        Optional[str], typer.Option("--by", help="Count per day, month or year of the records' date (default: all together).",
                                    show_default=False)
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Words per period.")] = 20,
    keywords: Annotated[
        bool, typer.Option("--keywords", help="Rank by TF-IDF (jieba's IDF) instead of by count.")
    ] = False,
    keep_numbers: Annotated[
        bool, typer.Option("--keep-numbers", help="Count numbers and web-address pieces (https, www, 2024 ...) too.")
    ] = False,
    min_length: Annotated[int, typer.Option("--min-length", min=1, help="Shortest word counted, in characters.")] = 2,
    stopwords: Annotated[
        Optional[str], typer.Option("--stopwords", help="Stop-word file (one a line) replacing the built-in list.",
                                    show_default=False)
    ] = None,
    glob: GlobOpt = "*.jsonl",
    encoding: EncodingOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Word frequencies (or TF-IDF keywords) per period of the articles.

    Counts the words `segment` put in `tokens` (articles without them are segmented here) and
    writes the --top words of each period as `frequency` records: period, rank, word, count, docs
    (articles holding the word), articles, share. Stop words, punctuation, numbers and pieces of
    web addresses are left out.

    Example: newsmine freq mined/ --by month --top 10 | jq -r '[.period, .word, .count] | @tsv'
    """
    from newsmine.analyze.freq import BY, WordFilter, count_words, top_keywords, top_words
    from newsmine.batch.store import ARTICLES
    from newsmine.io import iter_numbered_records
    from newsmine.segment import DictionaryError, Segmenter
    from newsmine.segment.dictionary import default_stopwords, read_stopwords
    from newsmine.segment.keywords import KeywordExtractor

    if by is not None and by not in BY:
        raise typer.BadParameter(f"choose one of: {', '.join(BY)}", param_hint="--by")
    try:
        stop_words = read_stopwords(stopwords) if stopwords else default_stopwords()
    except DictionaryError as exc:
        raise typer.BadParameter(str(exc), param_hint="--stopwords") from None
    segmenter = Segmenter()
    words = WordFilter(stop_words, keep_numbers, min_length)
    errors = ErrorLog(strict=strict, quiet=quiet)
    checker = _record_checker(errors, any_type=True)
    with command_guard(errors):
        records = checker.filter(iter_numbered_records(_with_run_folders(paths, (ARTICLES,)), errors, encoding, glob))
        periods = count_words(records, segmenter.cut, words, by)
        checker.finish()
        if keywords:
            write_jsonl(top_keywords(periods, KeywordExtractor("tfidf", stop_words), top))
        else:
            write_jsonl(top_words(periods, top))


@app.command()
def report(
    paths: Annotated[
        list[str],
        typer.Argument(help="`run` output folders, or files and folders of article and figure records.",
                       show_default=False),
    ],
    output: Annotated[str, typer.Option("--output", "-o", help="The HTML file to write.", show_default=False)],
    title: Annotated[Optional[str], typer.Option("--title", help="The report's title (default: the inputs).",
                                                 show_default=False)] = None,
    glob: GlobOpt = "*.jsonl",
    encoding: EncodingOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write one self-contained offline HTML report of an archive.

    The page shows the articles issue by issue (newest first, paged, titles searchable) with every
    figure highlighted (hover or focus shows value, unit, indicator, subject, period, change,
    basis), a table of the archive's series (every modality) with small charts, and the run
    summary from a run folder's manifest. No external script, font or stylesheet; articles are
    embedded compressed and unpacked when an issue is opened.

    Example: newsmine run archive/ --out mined/ && newsmine report mined/ -o mined.html
    """
    from newsmine.analyze.report import FigureIndex, run_summary, write_report
    from newsmine.analyze.series import SeriesFilter, build_series
    from newsmine.batch.store import ARTICLES, ERRORS, FIGURES, MANIFEST
    from newsmine.export.common import atomic_file
    from newsmine.io import iter_numbered_records

    if "-" in paths:
        raise typer.BadParameter("`report` reads its inputs twice, so files and folders only, not stdin", param_hint="PATHS")
    target = Path(output)
    if target.is_dir() or not target.parent.is_dir():
        raise typer.BadParameter(f"{output}: not a file in an existing folder", param_hint="--output")
    errors = ErrorLog(strict=strict, quiet=quiet)
    read_once: set[str] = set()

    def again(error: InputError) -> None:
        """Pass-two errors: those of inputs already read (and reported) in pass one are dropped."""
        if error.source not in read_once:
            errors.report(error)

    second_errors = ErrorLog(strict=strict, quiet=quiet, on_error=again)
    inputs: list[dict] = []
    run_errors: list[dict] = []

    def first_pass(numbered: Iterable[tuple[str, int | None, dict]]) -> Iterator[tuple[str, int | None, dict]]:
        """The records of pass one, keeping the manifest lines and run errors aside."""
        for source, line, record in numbered:
            read_once.add(source)
            if record.get("type") == "input":
                inputs.append(record)
            elif record.get("type") == "error":
                run_errors.append(record)
            yield source, line, record

    with command_guard(errors):
        checker = _record_checker(errors, any_type=True)
        numbered = iter_numbered_records(_with_run_folders(paths, (FIGURES, MANIFEST, ERRORS)), errors, encoding, glob)
        index = FigureIndex()
        rows = build_series(index.collect(checker.filter(first_pass(numbered))), SeriesFilter(modalities=None))
        checker.finish()
        second_checker = _record_checker(second_errors, any_type=True)
        articles = second_checker.filter(
            iter_numbered_records(_with_run_folders(paths, (ARTICLES,)), second_errors, encoding, glob)
        )
        summary = run_summary(inputs, run_errors) if any(_run_folder(path) for path in paths) else None
        with atomic_file(target) as temporary, open(temporary, "w", encoding="utf-8") as handle:
            totals = write_report(articles, index, rows, summary, handle, title or " ".join(paths))
        second_checker.finish()
        if not quiet:
            from newsmine.console import err_console

            err_console().print(
                f"report: {totals['issues']:,} issues, {totals['articles']:,} articles, {totals['figures']:,} figures, "
                f"{totals['series']:,} series ({totals['facts']:,} facts) in {output}", markup=False, highlight=False
            )


# `newsmine --help` lists the commands in pipeline order, whatever order they are defined in.
PIPELINE_ORDER = ("split", "segment", "stats", "export", "show", "run", "series", "kwic", "freq", "report")
app.registered_commands.sort(key=lambda command: PIPELINE_ORDER.index(command.callback.__name__))


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:  # before a command's own guard is in place
        sys.exit(ExitStatus.INTERRUPTED)
