"""Keywords with jieba.analyse's own TF-IDF and TextRank, fed with a backend's words or tags.

jieba.analyse cuts the text itself with the global jieba tokenizer. Here its extractor is given
a stand-in tokenizer that returns the words (TF-IDF) or tagged words (TextRank) the Segmenter
already has, so the scores are jieba's and the words are the chosen backend's (identical to
jieba's where the routing says so), with the user dictionaries applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TypeVar

import regex

METHODS = ("tfidf", "textrank")
WEIGHT_DIGITS = 6

# A number: digits with number punctuation only, no letter of any script (2024, 5.2, 1.64:1, ２０２４);
# 5G, C919 and 二〇二四 hold letters and stay words.
_NUMBER = regex.compile(r"[\p{Nd}.,:：/%％+\-−~～·．，]*\p{Nd}[\p{Nd}.,:：/%％+\-−~～·．，]*")
# A URL begins with a scheme or www (tokenizers cut https://tv.cctv.com/2024/... into https : / / tv . cctv
# . com / 2024 ...) and runs on through the ASCII tokens that follow it.
_URL_START = frozenset({"http", "https", "ftp", "www"})
_URL_PIECE = regex.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
Item = TypeVar("Item")


def content_words(words: Iterable[Item], word_of: Callable[[Item], str] | None = None) -> Iterator[Item]:
    """`words` without numbers and the pieces of web addresses (https, www, cctv, com, 2024 ...).

    The one number/URL filter of newsmine: keyword extraction (`segment --keywords`) and word
    counts (`freq`) both use it. `word_of` gives the word of an item (e.g. of a (word, tag) pair).
    """
    for item in without_web_addresses(words, word_of):
        if not _is_number(item if word_of is None else word_of(item)):
            yield item


def without_web_addresses(words: Iterable[Item], word_of: Callable[[Item], str] | None = None) -> Iterator[Item]:
    """`words` without the runs of words a web address was cut into."""
    in_url = False
    for item in words:
        word = item if word_of is None else word_of(item)
        if not word.isascii():
            in_url = False
            yield item
            continue
        if in_url and _URL_PIECE.fullmatch(word):
            continue
        lowered = word.lower()
        in_url = lowered in _URL_START or "://" in word or lowered.startswith("www.")
        if not in_url:
            yield item


@lru_cache(maxsize=1 << 16)
def _is_number(word: str) -> bool:
    return _NUMBER.fullmatch(word) is not None


def is_number(word: str) -> bool:
    """Whether a word is a number (digits with number punctuation, no letter): content_words drops it."""
    return _is_number(word)


def may_hold_web_address(text: str) -> bool:
    """False when `text` surely holds no web address, so no word of it is a piece of one and
    content_words can be applied word by word (is_number) instead of to the word sequence."""
    return "://" in text or "www." in text.lower()


class _GivenWords:
    """A tokenizer stand-in whose `cut` returns the words it was last given."""

    def __init__(self) -> None:
        self.words: Iterable = ()

    def cut(self, sentence: str, *args, **kwargs) -> Iterable:
        return self.words


class KeywordExtractor:
    """Top-N keywords by jieba.analyse TF-IDF (over words) or TextRank (over tagged words)."""

    def __init__(self, method: str = "tfidf", stopwords: Iterable[str] = ()):
        if method not in METHODS:
            raise ValueError(f"unknown keyword method {method!r} (choose from {', '.join(METHODS)})")
        from newsmine.segment.backends import quiet_jieba

        quiet_jieba()
        import jieba.analyse
        import jieba.posseg

        self.method = method
        self._pair = jieba.posseg.pair
        self._extractor = jieba.analyse.TFIDF() if method == "tfidf" else jieba.analyse.TextRank()
        # Replaces jieba's small English list: newsmine's list (or --stopwords) is the whole set.
        self._extractor.stop_words = set(stopwords)
        self._given = _GivenWords()
        self._extractor.tokenizer = self._extractor.postokenizer = self._given

    @property
    def needs_tags(self) -> bool:
        """TextRank ranks nouns and verbs, so it needs POS tags; TF-IDF needs words only."""
        return self.method == "textrank"

    def extract(self, words: Iterable, top: int) -> list[dict]:
        """The `top` keywords as [{"word", "weight"}], best first.

        `words` are accurate-mode words for TF-IDF, (word, tag) pairs for TextRank (any iterable:
        it is read once). Numbers and web-address pieces never count (`content_words`).
        """
        if self.needs_tags:
            self._given.words = tuple(self._pair(word, tag) for word, tag in content_words(words, _first))
        else:
            self._given.words = content_words(words)
        try:
            ranked = self._extractor.extract_tags("", topK=top, withWeight=True)
        finally:
            self._given.words = ()
        return [{"word": word, "weight": round(weight, WEIGHT_DIGITS)} for word, weight in ranked]


def _first(pair: tuple[str, str]) -> str:
    return pair[0]
