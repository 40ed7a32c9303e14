"""`Segmenter`: words, POS tags, keywords and entities for texts and records, built once per process.

Backend routing ("auto"): each output comes from the fastest backend shown to be identical to
jieba's for it (tests/test_segment.py on the sample page, tests/test_segment_corpus.py,
tests/test_segment_pos.py and bench/bench_segment.py on the 23 MB corpus):

    tokens, accurate and search modes  rjieba (bridged)   identical to jieba, HMM on and off, user dicts
    pos, entities, textrank            rjieba (bridged)   identical to jieba.posseg, HMM on and off
    tokens, full mode                  jieba              jieba-rs's full mode differs
    anything with a frequency-0 entry  jieba              jieba-rs cannot force-split words
    keywords (tfidf)                   jieba.analyse over the token backend's accurate-mode words
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import Any

from newsmine.segment.backends import JiebaBackend, RjiebaBackend, Tagged
from newsmine.segment.dictionary import (
    DictEntry,
    default_stopwords,
    news_dictionary,
    prepared_frequencies,
    read_dictionary,
    read_stopwords,
)
from newsmine.segment.entities import find_entities
from newsmine.segment.keywords import METHODS, KeywordExtractor

BACKENDS = ("auto", "jieba", "rjieba")
MODES = ("accurate", "search", "full")
TEXT_FIELD = "text"


class Segmenter:
    """Segment texts with jieba's results; dictionaries are loaded once, on first use.

    backend: "auto" (fastest identical backend per output), "jieba" or "rjieba" for everything.
    mode: "accurate", "search" (adds the dictionary words inside long words) or "full".
    hmm: let the HMM join unknown words. pos: add jieba POS tags (accurate mode only).
    offsets: tokens as {"w", "start", "end"}. keywords: add the top N keywords
    (keywords_method "tfidf" or "textrank"). entities: add people, places and organisations.
    user_dicts: jieba-format dictionary files (or DictEntry lists), applied after the built-in
    news dictionary (news_dict). stopwords: keyword stop words, a file or words; None = built-in.
    """

    def __init__(
        self,
        backend: str = "auto",
        mode: str = "accurate",
        hmm: bool = True,
        pos: bool = False,
        offsets: bool = False,
        keywords: int = 0,
        keywords_method: str = "tfidf",
        entities: bool = False,
        user_dicts: Sequence[str | Path | Sequence[DictEntry]] = (),
        news_dict: bool = True,
        stopwords: str | Path | Iterable[str] | None = None,
    ):
        _check_choice("backend", backend, BACKENDS)
        _check_choice("mode", mode, MODES)
        _check_choice("keywords method", keywords_method, METHODS)
        if pos and mode != "accurate":
            raise ValueError("POS tags need accurate mode (jieba tags accurate-mode words only)")
        if keywords < 0:
            raise ValueError("the number of keywords cannot be negative")
        self.backend, self.mode, self.hmm = backend, mode, hmm
        self.pos, self.offsets, self.entities = pos, offsets, entities
        self.keywords, self.keywords_method = keywords, keywords_method
        entries = list(news_dictionary()) if news_dict else []
        for user_dict in user_dicts:
            entries += read_dictionary(user_dict) if isinstance(user_dict, (str, Path)) else list(user_dict)
        self.entries = prepared_frequencies(entries)
        if isinstance(stopwords, (str, Path)):
            self.stopwords = read_stopwords(stopwords)
        elif stopwords is not None:
            self.stopwords = frozenset(stopwords)
        else:  # the built-in list, read only when keywords or entities need it
            self.stopwords = default_stopwords() if keywords or entities else None
        self.routing = self._route()
        self._backends: dict[str, JiebaBackend | RjiebaBackend] = {}
        self._keyword_extractor: KeywordExtractor | None = None

    def options(self) -> dict[str, Any]:
        """Keyword arguments that rebuild this Segmenter (picklable; dictionaries already read)."""
        return {
            "backend": self.backend, "mode": self.mode, "hmm": self.hmm, "pos": self.pos,
            "offsets": self.offsets, "keywords": self.keywords, "keywords_method": self.keywords_method,
            "entities": self.entities, "user_dicts": (self.entries,), "news_dict": False,
            "stopwords": self.stopwords,
        }  # fmt: skip

    def _route(self) -> dict[str, str]:
        """Which backend gives what: "tokens" (the token field), "accurate" (accurate-mode words
        for TF-IDF) and "tagger" (POS tags, entities, TextRank)."""
        if self.backend != "auto":
            return {"tokens": self.backend, "accurate": self.backend, "tagger": self.backend}
        fast = "jieba" if any(entry.freq == 0 for entry in self.entries) else "rjieba"
        tokens = "jieba" if self.mode == "full" else fast
        return {"tokens": fast if self.pos else tokens, "accurate": fast, "tagger": fast}

    def _needs(self) -> set[str]:
        needs = {self.routing["tokens"]}
        if self.pos or self.entities or (self.keywords_method == "textrank" and self.keywords):
            needs.add(self.routing["tagger"])
        if self.keywords and self.keywords_method == "tfidf" and not (self.mode == "accurate" and not self.pos):
            needs.add(self.routing["accurate"])
        return needs

    def _engine(self, name: str) -> JiebaBackend | RjiebaBackend:
        if name not in self._backends:
            backend_class = JiebaBackend if name == "jieba" else RjiebaBackend
            self._backends[name] = backend_class(self.entries)
        return self._backends[name]

    def load(self) -> Segmenter:
        """Load every dictionary this configuration needs now (else on first use); returns self."""
        for name in self._needs():
            self._engine(name)
        if self.keywords:
            self._keywords()
        return self

    # ------------------------------------------------------------------ texts

    def cut(self, text: str) -> list[str]:
        """The words of `text` in the configured mode, whitespace-only words dropped."""
        if self.pos:
            return [word for word, _ in self.tag(text)]
        engine = self._engine(self.routing["tokens"])
        if self.mode == "accurate":
            return _without_whitespace(engine.cut, text, self.hmm)
        if self.mode == "search":
            words = [word for word, _, _ in engine.search(text, self.hmm)]
        else:
            words = engine.cut_all(text)
        return list(filter(str.strip, words))

    def tag(self, text: str) -> list[Tagged]:
        """(word, tag) pairs of `text` (accurate mode), whitespace-only words dropped."""
        return [pair for pair in self._engine(self.routing["tagger"]).tag(text, self.hmm) if not pair[0].isspace()]

    def segment_text(self, text: str) -> dict[str, Any]:
        """The fields this Segmenter adds for `text`: tokens, and pos/keywords/entities if asked."""
        fields: dict[str, Any] = {}
        tagged = accurate = None
        if self.entities or (self.keywords and self.keywords_method == "textrank") or (self.pos and self.offsets):
            tagged = self._engine(self.routing["tagger"]).tag(text, self.hmm)
        if self.pos and self.offsets:
            kept = [span for span in zip(_spans_in_order([word for word, _ in tagged]), tagged) if span[1][0].strip()]
            fields["tokens"] = self._token_list([span for span, _ in kept])
            fields["pos"] = [tag for _, (_, tag) in kept]
        elif self.pos:
            pairs = self.tag(text) if tagged is None else [pair for pair in tagged if not pair[0].isspace()]
            fields["tokens"] = list(map(itemgetter(0), pairs))
            fields["pos"] = list(map(itemgetter(1), pairs))
        else:
            engine = self._engine(self.routing["tokens"])
            if self.mode == "accurate" and self.offsets:
                accurate = engine.cut(text, self.hmm)
                fields["tokens"] = self._token_list(_spans_in_order(accurate))
            elif self.mode == "accurate":
                fields["tokens"] = accurate = _without_whitespace(engine.cut, text, self.hmm)
            elif self.mode == "search":
                spans = engine.search(text, self.hmm)
                fields["tokens"] = self._token_list(spans) if self.offsets else [w for w, _, _ in spans if w.strip()]
            else:
                words = engine.cut_all(text)
                spans = _spans_found(text, words) if self.offsets else [(word, 0, 0) for word in words]
                fields["tokens"] = self._token_list(spans)
        if self.keywords:
            extractor = self._keywords()
            if extractor.needs_tags:
                fields["keywords"] = extractor.extract(tagged, self.keywords)
            else:
                if accurate is None:
                    accurate = _without_whitespace(self._engine(self.routing["accurate"]).cut, text, self.hmm)
                fields["keywords"] = extractor.extract(accurate, self.keywords)
        if self.entities:
            tagger = self._engine(self.routing["tagger"])
            fields["entities"] = find_entities(tagged, tagger.has_word, self.stopwords)
        return fields

    def segment_record(self, record: dict) -> dict:
        """`record` with the segment fields added from its `text`; every other field is kept.

        A record without `text` comes back unchanged; a non-string `text` raises ValueError.
        """
        if TEXT_FIELD not in record:
            return record
        text = record[TEXT_FIELD]
        if not isinstance(text, str):
            raise ValueError(f"field {TEXT_FIELD!r} is {type(text).__name__}, not a string")
        record.update(self.segment_text(text))
        return record

    def segment_records(self, records: Iterable[dict]) -> Iterable[dict]:
        """Segment a stream of records lazily, in order."""
        return map(self.segment_record, records)

    # ------------------------------------------------------------------ helpers

    def _token_list(self, spans: Iterable[tuple[str, int, int]]) -> list:
        """Tokens from (word, start, end) spans, whitespace-only words dropped."""
        if self.offsets:
            return [{"w": word, "start": start, "end": end} for word, start, end in spans if word.strip()]
        return [word for word, _, _ in spans if word.strip()]

    def _keywords(self) -> KeywordExtractor:
        """The keyword extractor, made on first use (it imports jieba.analyse)."""
        if self._keyword_extractor is None:
            self._keyword_extractor = KeywordExtractor(self.keywords_method, self.stopwords)
        return self._keyword_extractor


def _check_choice(what: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r} (choose from {', '.join(choices)})")


def _without_whitespace(cut: Callable[[str, bool], list], text: str, hmm: bool) -> list:
    """`cut(text, hmm)` without its whitespace words. jieba (and jieba.posseg) yield whitespace
    one character (or CR LF) at a time and never inside a block of words, so this is the words
    of the text's whitespace-free pieces, found without testing every word."""
    words: list = []
    for piece in text.split():
        words += cut(piece, hmm)
    return words


def _spans_in_order(words: Sequence[str]) -> list[tuple[str, int, int]]:
    """Offsets of words that concatenate to the text."""
    ends = accumulate(map(len, words))
    return [(word, end - len(word), end) for word, end in zip(words, ends)]


def _spans_found(text: str, words: Sequence[str]) -> list[tuple[str, int, int]]:
    """Offsets of full-mode words (overlapping, in order of start): each found from the last start."""
    spans = []
    cursor = 0
    for word in words:
        start = text.find(word, cursor)
        if start < 0:
            start = text.find(word)
        spans.append((word, start, start + len(word)))
        cursor = start
    return spans
