"""The stderr console shared by every command: messages and progress for people, never data."""

from __future__ import annotations

import sys
from functools import lru_cache

from rich.console import Console


@lru_cache(maxsize=1)
def err_console() -> Console:
    """A rich Console on stderr; colours and live displays only when stderr is a terminal."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
