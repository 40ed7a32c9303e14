"""The `newsmine` command line: parses options, opens inputs, streams records through a stage.

Every command reads files, folders, globs or stdin ("-") and writes JSON lines to stdout.
Messages go to stderr. Exit status: 0 ok, 1 some input failed, 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Annotated, Optional

import typer

from newsmine import __version__
from newsmine.io import ErrorLog, ExitStatus, InputError, Source, StopOnError, expand_inputs, write_jsonl
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
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = all cores); output keeps input order.")]
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


def main() -> None:
    """Console entry point."""
    app()
