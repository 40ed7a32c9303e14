"""The two segmentation engines behind one interface: jieba (the reference) and rjieba (fast).

Both take the same dictionary entries and offer accurate cut, search-mode tokens with offsets,
full-mode cut and POS tagging. `RjiebaBackend` bridges the places where jieba-rs 0.11 (inside
rjieba 0.2.2) is not token-for-token jieba 0.42.1; tests/test_segment_corpus.py checks the
result on the 23 MB corpus:

- jieba-rs treats CJK Extension A/B.., compatibility ideographs and U+9FD6..U+9FFF as Chinese;
  jieba yields each as a single token. Such characters are cut out before calling rjieba.
- In HMM mode jieba splits unknown Latin/digit runs with `[a-zA-Z0-9]+(?:\\.\\d+)?%?`, so
  "tv.cctv.com" and "2026-06-12" become several tokens; jieba-rs keeps them whole. Such tokens
  (not dictionary words) are re-split with jieba's rule.
- jieba adds a user word's frequency to its total even when the word already exists, and counts
  the duplicate "B超" line of dict.txt twice; jieba-rs does neither. A word that no text can
  reach carries the difference, so both totals (and so all path probabilities) are equal.
- jieba-rs has no dictionary-file loader: entries are added word by word with explicit
  frequencies (see dictionary.resolve_frequencies).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter

from newsmine.segment.dictionary import DictEntry, jieba_base_frequencies

Tagged = tuple[str, str]
Span = tuple[str, int, int]

# Characters jieba-rs cuts as Chinese but jieba 0.42.1 (\u4E00-\u9FD5 only) yields one by one.
_OUTSIDE_JIEBA_HAN = re.compile("[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Inside every Latin/digit run that jieba-rs's HMM keeps whole but jieba splits: a joiner next to a
# letter or digit, a dot next to a letter, or a dot before digits and a letter or another dot.
# Every branch starts at the joiner, so the regex engine scans for that character set only.
_MERGE_CANDIDATE = re.compile(
    r"[+#&_.\-](?:(?<=[a-zA-Z0-9][+#&_\-])|(?<=[a-zA-Z]\.)|(?<=[+#&_\-])(?=[a-zA-Z0-9])|(?<=\.)(?=[a-zA-Z]|\d+[a-zA-Z.]))"
)
_WORD_SEPARATOR = "\x00"
# jieba finalseg's split of non-Chinese text inside an HMM buffer (jieba/finalseg, re_skip).
_JIEBA_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_NON_HAN_WORD = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
# jieba.posseg's tags for the pieces of such a split (posseg __cut_detail).
_NUMBER = re.compile(r"[\.0-9]+")
_LATIN = re.compile(r"[a-zA-Z0-9]+")
# jieba's total exceeds jieba-rs's by the frequency of the duplicate "B超 3 n" line in dict.txt.
BASE_TOTAL_DEFICIT = 3
# A "word" of noncharacters: outside every Chinese block, so no text ever reaches it.
_BALLAST_WORD = "\ufdd0\ufdd1"


def quiet_jieba() -> None:
    """Stop jieba printing "Building prefix dict..." to stderr."""
    import jieba

    jieba.setLogLevel(logging.WARNING)


def new_jieba_tokenizer():
    """A fresh, initialised jieba.Tokenizer on the default dictionary (not the global one)."""
    import jieba

    quiet_jieba()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


class JiebaBackend:
    """jieba 0.42.1, the reference: its own Tokenizer and POSTokenizer, user words added in order."""

    name = "jieba"

    def __init__(self, entries: Sequence[DictEntry] = ()):
        self.tokenizer = new_jieba_tokenizer()
        for entry in entries:
            self.tokenizer.add_word(entry.word, entry.freq, entry.tag)
        self._tagger = None

    def has_word(self, word: str) -> bool:
        """Whether `word` is in the dictionary (user words included) with a frequency above 0."""
        return bool(self.tokenizer.FREQ.get(word))

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """Accurate-mode words; they concatenate back to `text`."""
        return list(self.tokenizer.cut(text, HMM=hmm))

    def search(self, text: str, hmm: bool = True) -> list[Span]:
        """Search-mode words with offsets (sub-words first, then the word)."""
        return list(self.tokenizer.tokenize(text, mode="search", HMM=hmm))

    def cut_all(self, text: str) -> list[str]:
        """Full-mode words (every dictionary word found, overlapping)."""
        return [word for word in self.tokenizer.cut(text, cut_all=True) if word]

    def tag(self, text: str, hmm: bool = True) -> list[Tagged]:
        """jieba.posseg words and tags; its words can differ from `cut`'s."""
        if self._tagger is None:
            import jieba.posseg

            self._tagger = jieba.posseg.POSTokenizer(self.tokenizer)
        return [(pair.word, pair.flag) for pair in self._tagger.cut(text, HMM=hmm)]


class RjiebaBackend:
    """jieba-rs through rjieba, bridged to give jieba's tokens (see the module docstring)."""

    name = "rjieba"

    def __init__(self, entries: Sequence[DictEntry] = ()):
        self.engine = _fresh_rjieba()
        self._zero_freq = frozenset(entry.word for entry in entries if entry.freq == 0)
        self._apply_entries(entries)
        self._is_word = self.has_word = lru_cache(maxsize=1 << 16)(self._lookup_word)

    def _apply_entries(self, entries: Sequence[DictEntry]) -> None:
        has_word = self.engine.has_word
        base = jieba_base_frequencies(entry.word for entry in entries if has_word(entry.word))
        added: dict[str, int] = {}
        deficit = BASE_TOTAL_DEFICIT
        for entry in entries:
            if entry.freq is None:
                raise ValueError(f"rjieba needs an explicit frequency for {entry.word!r}")
            # jieba-rs replaces the old frequency in its total; jieba keeps adding.
            deficit += added.get(entry.word, base.get(entry.word, 0))
            self.engine.add_word(entry.word, entry.freq, entry.tag)
            added[entry.word] = entry.freq
        self.engine.add_word(_BALLAST_WORD, deficit, None)

    def _lookup_word(self, word: str) -> bool:
        return word not in self._zero_freq and self.engine.has_word(word)

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """Accurate-mode words, identical to jieba's; they concatenate back to `text`."""
        return self._around_outsiders(text, hmm, self._cut_block, str)

    def tag(self, text: str, hmm: bool = True) -> list[Tagged]:
        """jieba-rs tags on `cut`'s words: dictionary tags, which differ from jieba.posseg's."""
        return self._around_outsiders(text, hmm, self._tag_block, lambda char: (char, "x"))

    def _around_outsiders(self, text: str, hmm: bool, cut_block: Callable, single: Callable) -> list:
        """Cut `text`, giving each character outside jieba's Chinese range a token of its own."""
        if _OUTSIDE_JIEBA_HAN.search(text) is None:
            return cut_block(text, hmm)
        words: list = []
        position = 0
        for match in _OUTSIDE_JIEBA_HAN.finditer(text):
            if match.start() > position:
                words += cut_block(text[position : match.start()], hmm)
            words.append(single(match.group()))
            position = match.end()
        if position < len(text):
            words += cut_block(text[position:], hmm)
        return words

    def _cut_block(self, text: str, hmm: bool) -> list[str]:
        words = self.engine.cut(text, hmm)
        return self._split_like_jieba(text, words, _resplit_word) if hmm else words

    def _tag_block(self, text: str, hmm: bool) -> list[Tagged]:
        tagged = self.engine.tag(text, hmm)
        return self._split_like_jieba(text, tagged, _resplit_tagged) if hmm else tagged

    def _split_like_jieba(self, text: str, words: list, resplit: Callable) -> list:
        """`words` with the non-dictionary Latin/digit words jieba-rs's HMM kept whole re-split."""
        if _MERGE_CANDIDATE.search(text) is None:
            return words
        strings = words if resplit is _resplit_word else list(map(itemgetter(0), words))
        if _WORD_SEPARATOR in text:
            strings = [string.replace(_WORD_SEPARATOR, " ") for string in strings]
        # Candidates never span a word boundary, so the count of separators before one is its word.
        joined = _WORD_SEPARATOR.join(strings)
        replacements: dict[int, list] = {}
        index = position = 0
        for match in _MERGE_CANDIDATE.finditer(joined):
            index += joined.count(_WORD_SEPARATOR, position, match.start())
            position = match.start()
            if index not in replacements:
                pieces = resplit(words[index], self._is_word)
                if pieces is not None:
                    replacements[index] = pieces
        if not replacements:
            return words
        fixed: list = []
        previous = 0
        for index in sorted(replacements):
            fixed += words[previous:index]
            fixed += replacements[index]
            previous = index + 1
        fixed += words[previous:]
        return fixed

    def search(self, text: str, hmm: bool = True) -> list[Span]:
        """Search-mode words with offsets, built from `cut` the way jieba does it."""
        spans: list[Span] = []
        is_word = self._is_word
        start = 0
        for word in self.cut(text, hmm):
            width = len(word)
            if width > 2:
                for i in range(width - 1):
                    if is_word(gram := word[i : i + 2]):
                        spans.append((gram, start + i, start + i + 2))
                if width > 3:
                    for i in range(width - 2):
                        if is_word(gram := word[i : i + 3]):
                            spans.append((gram, start + i, start + i + 3))
            spans.append((word, start, start + width))
            start += width
        return spans

    def cut_all(self, text: str) -> list[str]:
        """jieba-rs's full mode. NOT jieba's: it also lists single characters inside words."""
        return self.engine.cut_all(text)


_adopted_default = False


def _fresh_rjieba():
    """A jieba-rs instance with only the default dictionary loaded.

    Importing rjieba already builds one (its module-level default); the first backend in a
    process adopts it rather than loading the dictionary a second time (~0.4 s). So after that,
    rjieba's module-level functions (rjieba.cut...) see this backend's user words.
    """
    global _adopted_default
    import rjieba

    if not _adopted_default:
        _adopted_default = True
        return rjieba._DEFAULT_JIEBA
    return rjieba.Jieba()


def _resplit_word(word: str, is_word: Callable[[str], bool]) -> list[str] | None:
    """jieba's pieces of a Latin/digit word that jieba-rs kept whole, or None to keep it."""
    if len(word) < 2 or not _NON_HAN_WORD.fullmatch(word) or is_word(word):
        return None
    pieces = [piece for piece in _JIEBA_HMM_SKIP.split(word) if piece]
    return pieces if len(pieces) > 1 else None


def _resplit_tagged(pair: Tagged, is_word: Callable[[str], bool]) -> list[Tagged] | None:
    pieces = _resplit_word(pair[0], is_word)
    if pieces is None:
        return None
    return [(piece, _detail_tag(piece)) for piece in pieces]


def _detail_tag(piece: str) -> str:
    if _NUMBER.match(piece):
        return "m"
    if _LATIN.match(piece):
        return "eng"
    return "x"
