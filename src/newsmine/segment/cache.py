"""Segmentation data prepared once and kept on disk, next to jieba's own cache.

jieba keeps its prepared dictionary in the temporary folder (`jieba.cache`); newsmine keeps what
it derives from jieba's files in `newsmine.cache/` beside it (or in $NEWSMINE_CACHE_DIR): the
POS model as arrays, and user dictionaries with their frequencies resolved. A file's name carries
a hash of everything it was built from (jieba's files by path, size and modification time; the
dictionary entries), so a changed dictionary or another jieba gets a new file, never a stale one.
Files are written to a temporary name and renamed into place, so processes that start together
never read a half-written file; a cache that cannot be read or written is rebuilt in memory.
Only numpy arrays (without pickle) and JSON are stored, and only in a folder of the user's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

CACHE_DIR_ENV = "NEWSMINE_CACHE_DIR"
CACHE_FOLDER = "newsmine.cache"
FORMAT_VERSION = "1"  # bump when what a cache file holds changes


def cache_dir() -> Path:
    """The folder of newsmine's cache files: $NEWSMINE_CACHE_DIR, else beside jieba's cache."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / CACHE_FOLDER


def jieba_file(*parts: str) -> Path:
    """A file of the installed jieba package, found without importing jieba (which is slow)."""
    spec = find_spec("jieba")
    assert spec is not None and spec.origin is not None, "jieba is not installed"
    return Path(spec.origin).parent.joinpath(*parts)


def cache_key(*parts: Any, files: Iterable[Path] = ()) -> str:
    """A short hash of `parts` (JSON-serialisable) and of each file's path, size and mtime."""
    signature = [FORMAT_VERSION, parts]
    for path in files:
        stat = path.stat()
        signature.append([str(path), stat.st_size, stat.st_mtime_ns])
    return hashlib.sha256(json.dumps(signature, ensure_ascii=False).encode()).hexdigest()[:20]


def cached_arrays(name: str, key: str, build: Callable[[], dict]) -> dict:
    """The numpy arrays `build()` returns, read from the cache when an earlier run kept them."""
    import numpy as np

    path = cache_dir() / f"{name}-{key}.npz"
    if _ours(path.parent):
        try:
            with np.load(path, allow_pickle=False) as stored:
                return {name: stored[name] for name in stored.files}
        except (OSError, ValueError):
            pass
    arrays = build()
    _write_atomically(path, lambda handle: np.savez(handle, **arrays))
    return arrays


def cached_json(name: str, key: str, build: Callable[[], Any]) -> Any:
    """The JSON value `build()` returns, read from the cache when an earlier run kept it."""
    path = cache_dir() / f"{name}-{key}.json"
    if _ours(path.parent):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    value = build()
    text = json.dumps(value, ensure_ascii=False)
    _write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))
    return value


def _write_atomically(path: Path, write: Callable) -> None:
    """Write a file through `write(binary_handle)` under a temporary name, then rename it into
    place. Any failure (read-only or foreign folder, full disk) leaves no file and is ignored."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _ours(path.parent):
            return
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _ours(folder: Path) -> bool:
    """Whether `folder` belongs to this user: in a shared temporary folder, one that another user
    made could hold anything, so it is neither read nor written."""
    getuid = getattr(os, "getuid", None)  # not on Windows, whose temporary folder is per user
    try:
        return getuid is None or folder.stat().st_uid == getuid()
    except OSError:
        return False
