"""Word segmentation for Chinese news text: jieba's results at jieba-rs's speed.

    from newsmine.segment import Segmenter
    segmenter = Segmenter(keywords=5, entities=True)
    segmenter.cut("平湖市人民政府")            # -> ['平湖市', '人', '民政', '府'] (jieba's words)
    segmenter.segment_record({"type": "article", "id": "a#1", "text": "..."})  # adds tokens, ...

Backends, routing and the identity evidence: segmenter.py and docs/segment.md.
"""

from __future__ import annotations

from newsmine.segment.backends import JiebaBackend, RjiebaBackend
from newsmine.segment.dictionary import DictEntry, DictionaryError
from newsmine.segment.segmenter import BACKENDS, MODES, Segmenter

__all__ = [
    "BACKENDS",
    "MODES",
    "DictEntry",
    "DictionaryError",
    "JiebaBackend",
    "RjiebaBackend",
    "Segmenter",
    "segment_in_worker",
    "start_worker",
]

_worker_segmenter: Segmenter | None = None


def start_worker(options: dict) -> None:
    """Process initializer for parallel runs: build this process's Segmenter once.

    Called in the parent first, it loads the dictionaries there, and workers forked from it
    inherit them (shared, not copied) instead of loading their own."""
    global _worker_segmenter
    if _worker_segmenter is None or _worker_segmenter.options() != options:
        _worker_segmenter = Segmenter(**options).load()


def segment_in_worker(text: str) -> dict | str:
    """The fields this process's Segmenter adds for `text` (tokens, ...), or why it cannot."""
    assert _worker_segmenter is not None, "start_worker() was not called in this process"
    try:
        return _worker_segmenter.segment_text(text)
    except ValueError as error:
        return str(error)
