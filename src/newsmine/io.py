"""Shared input and output for every command: inputs, decoding, JSON lines, errors, exit codes.

Stages never import this module; they work on strings and records. The CLI (and the batch
engine) use it to turn paths into text or records and records into JSON lines.
"""

from __future__ import annotations

import codecs
import glob as globlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from io import BufferedReader, BytesIO
from pathlib import Path
from typing import IO, Any

from newsmine.records import dumps  # noqa: F401  (re-exported: the CLI and run write records with it)


STDIN = "-"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SNIFF_BYTES = 64 * 1024
BINARY_CONTROL_RATIO = 0.01
# Bytes that are not suspicious in text: printable and high bytes, tab, newlines, form feed, escape.
_NOT_CONTROL_BYTES = bytes(range(32, 256)) + b"\t\n\x0c\r\x1b"


class ExitStatus(IntEnum):
    """Process exit codes, the same for every command."""

    OK = 0
    ERROR = 1  # at least one input or record failed; the rest were processed
    USAGE = 2  # bad options (Typer/click's own code)
    INTERRUPTED = 130  # Ctrl-C


class InputError(Exception):
    """A problem with one input (a file, or one line of a JSON-lines stream).

    `str()` gives the one-line message shown to users: "source:line: reason".
    """

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source = source
        self.reason = reason
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"

    def as_record(self) -> dict[str, Any]:
        """The error as a JSON-serialisable dict (for errors.jsonl)."""
        return {"type": "error", "source": self.source, "line": self.line, "reason": self.reason}


class StopOnError(Exception):
    """Raised by ErrorLog in strict mode to stop at the first error."""

    def __init__(self, error: InputError):
        self.error = error
        super().__init__(str(error))


@dataclass
class ErrorLog:
    """Collects input errors, prints each as one line on stderr, and decides the exit status.

    `on_error` (default: print to stderr unless quiet) is called with each error; in strict
    mode the first error raises StopOnError after being shown.
    """

    strict: bool = False
    quiet: bool = False
    errors: list[InputError] = field(default_factory=list)
    on_error: Callable[[InputError], None] | None = None

    def report(self, error: InputError) -> None:
        self.errors.append(error)
        if self.on_error is not None:
            self.on_error(error)
        else:
            print_error(str(error))
        if self.strict:
            raise StopOnError(error)

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.ERROR if self.errors else ExitStatus.OK


def print_error(message: str) -> None:
    """Print one error line on stderr (styled with rich when stderr is a terminal)."""
    from rich.markup import escape

    from newsmine.console import err_console

    err_console().print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Source:
    """One input: a file path as given by the user, or stdin ("-")."""

    name: str
    path: Path | None = None

    @property
    def is_stdin(self) -> bool:
        return self.path is None

    def open_binary(self) -> IO[bytes]:
        if self.path is None:
            return sys.stdin.buffer
        return open(self.path, "rb")

    def size(self) -> int:
        return self.path.stat().st_size if self.path is not None else 0


def expand_inputs(paths: Sequence[str], errors: ErrorLog, pattern: str = "*.txt") -> Iterator[Source]:
    """Turn command-line arguments into Sources, in order.

    No argument or "-" means stdin; a directory is searched recursively for `pattern`, in sorted
    order; an argument with glob characters is expanded; a missing path, or a file whose name is
    not valid UTF-8 (it could not be written into UTF-8 records), is reported to `errors`.
    """
    for source in _expand_inputs(paths, errors, pattern):
        try:
            source.name.encode("utf-8")
        except UnicodeEncodeError:
            shown = source.name.encode("utf-8", "backslashreplace").decode("utf-8")
            errors.report(InputError(shown, "the file name is not valid UTF-8; rename the file"))
            continue
        yield source


def _expand_inputs(paths: Sequence[str], errors: ErrorLog, pattern: str) -> Iterator[Source]:
    if not paths:
        paths = [STDIN]
    for arg in paths:
        if arg == STDIN:
            yield Source(STDIN)
            continue
        path = Path(arg)
        if path.is_dir():
            matches = sorted(p for p in path.rglob(pattern) if p.is_file())
            if not matches:
                errors.report(InputError(arg, f"no files matching {pattern!r} in this directory"))
            for match in matches:
                yield Source(str(match), match)
        elif path.is_file():
            yield Source(arg, path)
        elif globlib.has_magic(arg):
            matches = sorted(Path(m) for m in globlib.glob(arg, recursive=True) if os.path.isfile(m))
            if not matches:
                errors.report(InputError(arg, "no files match this pattern"))
            for match in matches:
                yield Source(str(match), match)
        elif path.exists():
            errors.report(InputError(arg, "not a regular file"))
        else:
            errors.report(InputError(arg, "no such file or directory"))


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer names for the Chinese encodings it may pick; GB18030 is a superset of all.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


def detect_encoding(data: bytes) -> str | None:
    """Return the most likely encoding of `data`, or None when it looks binary or undecodable.

    Fast paths first (BOM, then strict UTF-8); charset-normalizer decides the rest.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if _looks_binary(data):
        return _sniff_bomless_utf16(data)
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A file cut in the middle of a multi-byte character is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    import charset_normalizer  # here: most inputs are UTF-8, and start-up counts in shell loops

    best = charset_normalizer.from_bytes(data[: 4 * SNIFF_BYTES]).best()
    if best is None:
        return None
    name = best.encoding.replace("_", "").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    return best.encoding


def _sniff_bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark looks binary (NUL bytes); accept it when it decodes to text."""
    if len(data) % 2:
        return None
    sample = data[:SNIFF_BYTES]
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for char in text if char.isprintable() or char in "\n\r\t")
        if printable >= 0.99 * len(text):
            return codec
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL_BYTES))
    return controls > BINARY_CONTROL_RATIO * max(len(sample), 1)


def decode_bytes(data: bytes, source: str, encoding: str | None = None) -> str:
    """Decode a whole input to text with universal newlines (CRLF/CR -> LF).

    `encoding` forces a codec; otherwise it is detected. Raises InputError when the bytes are
    empty (or only ASCII whitespace), binary or cannot be decoded.
    """
    if not data.strip():
        raise InputError(source, "empty input")
    if encoding is None:
        encoding = detect_encoding(data)
        if encoding is None:
            if _looks_binary(data):
                raise InputError(source, "binary file (not text); skipped")
            raise InputError(source, "cannot detect the text encoding; try --encoding")
    try:
        text = data.decode(encoding)
    except LookupError:
        raise InputError(source, f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            source, f"undecodable bytes as {encoding} at byte {exc.start}; try --encoding"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(source: Source, encoding: str | None = None) -> str:
    """Read and decode one whole input. Raises InputError on any failure."""
    try:
        with source.open_binary() as handle:
            data = handle.read()
    except OSError as exc:
        raise InputError(source.name, exc.strerror or str(exc)) from None
    return decode_bytes(data, source.name, encoding)


# --------------------------------------------------------------------------- JSON lines


def iter_jsonl_numbered(
    lines: Iterable[str], source: str, errors: ErrorLog, first_line: int = 1
) -> Iterator[tuple[int, dict]]:
    """Parse JSON lines into (line number, dict); bad lines are reported to `errors` and skipped.

    Blank lines are ignored. Every record must be a JSON object.
    """
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.report(InputError(source, f"invalid JSON ({exc.msg}, column {exc.colno})", number))
            continue
        if not isinstance(record, dict):
            errors.report(InputError(source, "a JSON line must be an object", number))
            continue
        yield number, record


def iter_jsonl(lines: Iterable[str], source: str, errors: ErrorLog) -> Iterator[dict]:
    """Parse JSON lines into dicts, as iter_jsonl_numbered without the line numbers."""
    return (record for _, record in iter_jsonl_numbered(lines, source, errors))


def _jsonl_encoding(head: bytes, forced: str | None) -> str | None:
    """The encoding to read a JSON-lines input in, judged from its first bytes (`forced` when
    given, else detected as for text), or None when the input does not start with "{"."""
    ascii_start = head.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
    if forced is None and ascii_start != b"{" and b"\x00" not in head[:4]:
        return None  # plain text, told apart without detecting its encoding (UTF-16/32 JSON has NULs)
    encoding = forced or detect_encoding(head) or "utf-8"
    text = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(head)
    return encoding if text.lstrip("\ufeff \t\r\n")[:1] == "{" else None


def _decoded_lines(handle: IO[bytes], encoding: str, source: str, errors: ErrorLog) -> Iterator[str]:
    """The lines of a JSON-lines input, decoded strictly: an undecodable line is reported with its
    number and read as blank (never silently turned into replacement characters)."""
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        lines = _decoded_wide_lines(handle, encoding, source, errors)
    else:
        lines = _decoded_narrow_lines(handle, encoding, source, errors)
    first = next(lines, None)
    if first is not None:
        yield first.removeprefix("\ufeff")  # a byte-order mark left by a forced encoding
        yield from lines


def _decoded_narrow_lines(
    handle: IO[bytes], encoding: str, source: str, errors: ErrorLog, first_line: int = 1
) -> Iterator[str]:
    """_decoded_lines for UTF-8, GB18030 and the other ASCII-compatible encodings, in which byte
    10 is always a line end."""
    for number, raw in enumerate(handle, start=first_line):
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as exc:
            reason = f"undecodable bytes as {encoding} at byte {exc.start} of the line; try --encoding"
            errors.report(InputError(source, reason, number))
            yield ""


def _decoded_wide_lines(handle: IO[bytes], encoding: str, source: str, errors: ErrorLog) -> Iterator[str]:
    """_decoded_lines for UTF-16/32, whose line ends are not single bytes; a decoding error ends the input."""
    decoder = codecs.getincrementaldecoder(encoding)()
    pending, number = "", 0
    try:
        for raw in iter(lambda: handle.read(SNIFF_BYTES), b""):
            *lines, pending = (pending + decoder.decode(raw)).split("\n")
            number += len(lines)
            yield from lines
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        errors.report(InputError(source, f"undecodable bytes as {encoding}; rest of the input skipped", number + 1))
        return
    yield pending


def document_record(source: str, text: str) -> dict:
    """A plain-text input as a record, so text and records flow through the same stages."""
    return {"type": "document", "id": source, "source": source, "text": text}


def iter_numbered_records(
    paths: Sequence[str],
    errors: ErrorLog,
    encoding: str | None = None,
    pattern: str = "*.txt",
) -> Iterator[tuple[str, int | None, dict]]:
    """Records from every input in order, as (source name, line number, record).

    A stream whose first non-blank character is "{" is read as JSON lines, streamed line by
    line, each record with its line number. Anything else is text: one `document` record
    {type, id, source, text} for the input, with line number None. Input failures are reported
    to `errors` and end that input only.
    """
    for source in expand_inputs(paths, errors, pattern):
        yield from _iter_numbered_source(source, errors, encoding)


def iter_records(
    paths: Sequence[str],
    errors: ErrorLog,
    encoding: str | None = None,
    pattern: str = "*.txt",
) -> Iterator[dict]:
    """Records from every input in order: JSON lines as they are, text files as documents."""
    return (record for _, _, record in iter_numbered_records(paths, errors, encoding, pattern))


def _iter_numbered_source(
    source: Source, errors: ErrorLog, encoding: str | None
) -> Iterator[tuple[str, int | None, dict]]:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            errors.report(InputError(source.name, f"unknown encoding {encoding!r}"))
            return
    try:
        handle = source.open_binary()
    except OSError as exc:
        errors.report(InputError(source.name, exc.strerror or str(exc)))
        return
    try:
        if not hasattr(handle, "peek"):
            handle = BufferedReader(handle)  # type: ignore[arg-type]  # e.g. a test runner's stdin
        jsonl_encoding = _jsonl_encoding(handle.peek(SNIFF_BYTES)[:SNIFF_BYTES], encoding)
        if jsonl_encoding is not None:
            text_lines = _decoded_lines(handle, jsonl_encoding, source.name, errors)
            for number, record in iter_jsonl_numbered(text_lines, source.name, errors):
                yield source.name, number, record
            return
        data = handle.read()
    except OSError as exc:
        errors.report(InputError(source.name, exc.strerror or str(exc)))
        return
    finally:
        if not source.is_stdin:
            handle.close()
    if not data.strip() and source.name.endswith(JSONL_SUFFIXES):
        return  # an empty JSON-lines file is a stream of no records (e.g. run's errors.jsonl)
    try:
        text = decode_bytes(data, source.name, encoding)
    except InputError as error:
        errors.report(error)
        return
    yield source.name, None, document_record(source.name, text)


@dataclass(frozen=True)
class RawJsonLines:
    """Whole lines of a UTF-8 JSON-lines input, not decoded yet; `first_line` is the first one's number."""

    source: str
    first_line: int
    data: bytes
    lines: int = -1  # how many line ends `data` has (-1: not counted)


def iter_raw_jsonl(
    paths: Sequence[str],
    errors: ErrorLog,
    encoding: str | None = None,
    pattern: str = "*.txt",
    block_bytes: int = 4 << 20,
) -> Iterator[RawJsonLines | tuple[str, int | None, dict]]:
    """As iter_numbered_records, but a UTF-8 JSON-lines input comes as RawJsonLines blocks of about
    `block_bytes` (whole lines, a byte-order mark left out), for readers that parse bytes in bulk
    (e.g. pyarrow); iter_raw_jsonl_numbered parses a block as iter_numbered_records would."""
    for source in expand_inputs(paths, errors, pattern):
        handle = _open_utf8_jsonl(source, encoding)
        if handle is None:
            yield from _iter_numbered_source(source, errors, encoding)
            continue
        first_line = 1
        try:
            while data := handle.read(block_bytes):
                data += handle.readline()
                lines = data.count(b"\n")
                yield RawJsonLines(source.name, first_line, data, lines)
                first_line += lines
        except OSError as exc:
            errors.report(InputError(source.name, exc.strerror or str(exc)))
        finally:
            if not source.is_stdin:
                handle.close()


def _open_utf8_jsonl(source: Source, forced: str | None) -> IO[bytes] | None:
    """`source` opened after its byte-order mark when it is UTF-8 JSON lines, else None (and closed)."""
    try:
        handle = source.open_binary()
    except OSError:
        return None  # reported when it is read the ordinary way
    if not hasattr(handle, "peek"):  # e.g. a test runner's stdin: what it peeked would be lost
        return None
    try:
        head = handle.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        encoding = _jsonl_encoding(head, forced)
        if encoding is not None and codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
            if head.startswith(codecs.BOM_UTF8):
                handle.read(len(codecs.BOM_UTF8))
            return handle
    except (OSError, LookupError):
        pass
    if not source.is_stdin:
        handle.close()
    return None


def iter_raw_jsonl_numbered(raw: RawJsonLines, errors: ErrorLog) -> Iterator[tuple[int, dict]]:
    """The records of a RawJsonLines block as (line number, record); bad lines are reported."""
    try:
        lines: Iterable[str] = raw.data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        lines = _decoded_narrow_lines(BytesIO(raw.data), "utf-8", raw.source, errors, raw.first_line)
    return iter_jsonl_numbered(lines, raw.source, errors, raw.first_line)


def write_lines(lines: Iterable[str], stream: IO[str] | None = None) -> int:
    """Write already-serialised lines to `stream` (stdout by default); return how many were written."""
    out = stream if stream is not None else sys.stdout
    count = 0
    write = out.write
    for line in lines:
        write(line)
        write("\n")
        count += 1
    out.flush()
    return count


def write_jsonl(records: Iterable[dict], stream: IO[str] | None = None) -> int:
    """Write records as JSON lines to `stream` (stdout by default); return how many were written."""
    return write_lines(map(dumps, records), stream)
