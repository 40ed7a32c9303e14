"""Per-input units of work shared by the stage commands and the batch engines.

Each function here takes one picklable item and returns records (or the InputError that stopped
it), so it can run in this process, in a worker process (`--jobs`) or on a dask worker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from newsmine.io import InputError, Source, decode_bytes, read_text


@dataclass(frozen=True)
class TextInput:
    """One text input to process: its Source and, for stdin, the bytes already read.

    Workers cannot read the parent's stdin, so stdin is read by the parent and shipped as bytes.
    """

    source: Source
    encoding: str | None = None
    data: bytes | None = None

    def read(self) -> str:
        """The decoded text; raises InputError when it cannot be read or decoded."""
        if self.data is None:
            return read_text(self.source, self.encoding)
        return decode_bytes(self.data, self.source.name, self.encoding)


def split_input(item: TextInput) -> list[dict] | InputError:
    """Read one page file and split it into article records (or return why it failed)."""
    from newsmine.split import split_page

    try:
        text = item.read()
    except InputError as error:
        return error
    if _looks_like_records(text):
        return InputError(item.source.name, "this is JSON lines (records), not page text; split reads page text files")
    return split_page(text, source=item.source.name)


def _looks_like_records(text: str) -> bool:
    """True when the text's first line is a JSON object: records fed to split by mistake."""
    first_line = text.lstrip().partition("\n")[0]
    if not first_line.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first_line), dict)
    except ValueError:
        return False
