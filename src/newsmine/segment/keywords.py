"""Keywords with jieba.analyse's own TF-IDF and TextRank, fed with a backend's words or tags.

jieba.analyse cuts the text itself with the global jieba tokenizer. Here its extractor is given
a stand-in tokenizer that returns the words (TF-IDF) or tagged words (TextRank) the Segmenter
already has, so the scores are jieba's and the words are the chosen backend's (identical to
jieba's where the routing says so), with the user dictionaries applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

METHODS = ("tfidf", "textrank")
WEIGHT_DIGITS = 6


class _GivenWords:
    """A tokenizer stand-in whose `cut` returns the words it was last given."""

    def __init__(self) -> None:
        self.words: Sequence = ()

    def cut(self, sentence: str, *args, **kwargs) -> Sequence:
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

    def extract(self, words: Sequence, top: int) -> list[dict]:
        """The `top` keywords as [{"word", "weight"}], best first.

        `words` are accurate-mode words for TF-IDF, (word, tag) pairs for TextRank.
        """
        if self.needs_tags:
            self._given.words = tuple(self._pair(word, tag) for word, tag in words)
        else:
            self._given.words = words
        try:
            ranked = self._extractor.extract_tags("", topK=top, withWeight=True)
        finally:
            self._given.words = ()
        return [{"word": word, "weight": round(weight, WEIGHT_DIGITS)} for word, weight in ranked]
