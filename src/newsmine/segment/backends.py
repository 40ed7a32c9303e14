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

POS tags are jieba.posseg's, built on jieba-rs's dictionary path (tests/test_segment_pos.py
checks them on the corpus). jieba.posseg walks the same best dictionary path as jieba.cut, within
blocks that also end at % and -, and differs after it:
- a run of single characters that is no dictionary word goes through posseg's own HMM, which
  cuts and tags at once (posseg.PosHmm, numpy, identical); a one-character run gets the
  dictionary tag or x; a run that is a dictionary word gives its characters one by one;
- without HMM, runs of single Latin letters and digits are joined and tagged eng;
- a user word's tag is the last one given (jieba-rs keeps the first), a user word given no tag
  is x (jieba-rs: empty);
- a character with no dictionary entry is x; jieba-rs guesses a tag for about 1,200 of them.
Every run is found from jieba-rs's path without HMM, whose single-character words are the
path's (jieba-rs joins single Latin letters and digits; such a token that is no dictionary word
is a run of them).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from newsmine.segment.cache import cache_key, cached_json
from newsmine.segment.dictionary import DictEntry, prepared_base_frequencies

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
# Characters jieba.posseg yields alone (tag x) but jieba-rs keeps inside a block of words: those
# outside jieba's Chinese range, and % and - (in jieba.cut's blocks, not in jieba.posseg's).
_POSSEG_ALONE = re.compile("[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003134f%\\-]")
# A path word that jieba.posseg would buffer: one character of a block, or Latin letters and
# digits (jieba-rs joins single ones). Runs of two or more, or any Latin/digit word, need a look.
_BUFFERED = "(?:[\u4e00-\u9fd5+#&._]|[a-zA-Z0-9]+)"
_LATIN_CHAR = re.compile("[a-zA-Z0-9]")
CACHED_RUNS = 1 << 16
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
        self._entries = tuple(entries)
        self._posseg_patterns: dict[bool, re.Pattern] | None = None
        self._retagged: dict[str, tuple[int, list[Tagged]]] = {}
        self._zero_freq = frozenset(entry.word for entry in entries if entry.freq == 0)
        self._tag_fixes = _posseg_tag_fixes(entries, self.engine.has_word)
        self._apply_entries(entries)
        self._is_word = self.has_word = lru_cache(maxsize=1 << 16)(self._lookup_word)
        self._char_tag = lru_cache(maxsize=1 << 14)(self._dictionary_char_tag)
        self._pos_hmm = None

    def _apply_entries(self, entries: Sequence[DictEntry]) -> None:
        has_word = self.engine.has_word
        base = prepared_base_frequencies(entry.word for entry in entries if has_word(entry.word))
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
        """jieba.posseg's words and tags, identical to it; they concatenate back to `text`."""
        return self._around_outsiders(text, hmm, self._tag_block, lambda char: (char, "x"), _POSSEG_ALONE)

    def _around_outsiders(self, text: str, hmm: bool, cut_block: Callable, single: Callable,
                          outsiders: re.Pattern = _OUTSIDE_JIEBA_HAN) -> list:
        """Cut `text`, giving each character `outsiders` matches a token of its own."""
        if outsiders.search(text) is None:
            return cut_block(text, hmm)
        words: list = []
        position = 0
        for match in outsiders.finditer(text):
            if match.start() > position:
                words += cut_block(text[position : match.start()], hmm)
            words.append(single(match.group()))
            position = match.end()
        if position < len(text):
            words += cut_block(text[position:], hmm)
        return words

    def _cut_block(self, text: str, hmm: bool) -> list[str]:
        words = self.engine.cut(text, hmm)
        return self._split_like_jieba(text, words) if hmm else words

    def _tag_block(self, text: str, hmm: bool) -> list[Tagged]:
        """jieba.posseg's words and tags for a block (see the module docstring): jieba-rs's best
        path without HMM, tagged from the dictionary, with the words jieba.posseg tags otherwise
        found by one pattern over the path's words joined by NUL and replaced."""
        tagged = self.engine.tag(text, False)
        if self._tag_fixes:
            fixes = self._tag_fixes
            tagged = [(word, fixes.get(word, tag)) for word, tag in tagged]
        if _WORD_SEPARATOR in text:
            joined = _WORD_SEPARATOR.join(word.replace(_WORD_SEPARATOR, " ") for word, _ in tagged)
        else:
            joined = _WORD_SEPARATOR.join(map(itemgetter(0), tagged))
        if self._posseg_patterns is None:
            self._posseg_patterns = self._make_posseg_patterns()
        retag = self._retag_hmm if hmm else self._retag_no_hmm
        replacements = []
        index = position = 0
        for match in self._posseg_patterns[hmm].finditer(joined):
            start = match.start()
            index += joined.count(_WORD_SEPARATOR, position, start)
            position = start
            replacements.append((index, retag(match.group(), tagged, index)))
        if not replacements:
            return tagged
        fixed: list[Tagged] = []
        previous = 0
        for index, (count, pairs) in replacements:
            fixed += tagged[previous:index]
            fixed += pairs
            previous = index + count
        fixed += tagged[previous:]
        return fixed

    def _make_posseg_patterns(self) -> dict[bool, re.Pattern]:
        """The path words jieba.posseg tags otherwise than jieba-rs, with HMM (True) and without:
        runs of words it buffers and Latin/digit words, or Latin/digit words; and one-character
        words jieba has no tag for (x) that jieba-rs tags anyway (about 1,200 traditional
        characters, found once, user words of one character aside, and cached)."""
        def untagged() -> str:
            chars = (chr(code) for code in range(0x4E00, 0x9FD6))
            engine = self.engine
            return "".join(char for char in chars if not engine.has_word(char) and engine.tag(char, False)[0][1] != "x")

        user_chars = sorted({entry.word for entry in self._entries if len(entry.word) == 1})
        key = cache_key("untagged-chars", user_chars, files=[_rjieba_library()])
        chars = cached_json("rjieba-untagged-chars", key, untagged)
        untagged_word = f"|[{re.escape(chars)}]" if chars else ""
        return {
            hmm: re.compile(f"(?<![^\x00])(?:{run}[a-zA-Z0-9]+{untagged_word})(?![^\x00])")
            for hmm, run in ((True, f"{_BUFFERED}(?:\x00{_BUFFERED})+|"), (False, ""))
        }

    def _retag_hmm(self, group: str, tagged: list[Tagged], index: int) -> tuple[int, list[Tagged]]:
        """(number of path words, jieba.posseg's words and tags) for a match of the HMM pattern
        starting at path word `index`; kept per match text, as runs repeat (names, terms)."""
        result = self._retagged.get(group)
        if result is None:
            if len(self._retagged) >= CACHED_RUNS:
                self._retagged.clear()
            count = group.count(_WORD_SEPARATOR) + 1
            result = self._retagged[group] = (count, self._posseg_run(tagged[index : index + count]))
        return result

    def _posseg_run(self, tagged: list[Tagged]) -> list[Tagged]:
        """jieba.posseg's words for consecutive path words it may buffer: single characters, and
        Latin/digit tokens, which are runs of single characters unless they are dictionary words."""
        result: list[Tagged] = []
        buffer: list[str] = []
        for word, tag in tagged:
            if len(word) > 1 and self._is_word(word):
                result += self._posseg_buffer("".join(buffer))
                result.append((word, tag))
                buffer = []
            else:
                buffer.append(word)
        result += self._posseg_buffer("".join(buffer))
        return result

    def _posseg_buffer(self, buffer: str) -> list[Tagged]:
        """jieba.posseg's words for single characters of its best path (posseg __cut_DAG)."""
        if len(buffer) <= 1:
            return [(buffer, self._char_tag(buffer))] if buffer else []
        if self._is_word(buffer):
            return [(char, self._char_tag(char)) for char in buffer]
        if self._pos_hmm is None:
            from newsmine.segment.posseg import PosHmm

            self._pos_hmm = PosHmm()
        return self._pos_hmm.cut_unknown(buffer)

    def _dictionary_char_tag(self, char: str) -> str:
        """jieba.posseg's dictionary tag of one character, x when it has none."""
        if char in self._tag_fixes:
            return self._tag_fixes[char]
        if not self.engine.has_word(char):
            return "x"
        return self.engine.tag(char, False)[0][1] or "x"

    def _retag_no_hmm(self, word: str, tagged: list[Tagged], index: int) -> tuple[int, list[Tagged]]:
        """jieba.posseg without HMM: Latin letters and digits joined from single ones are eng."""
        if len(word) == 1 and not _LATIN_CHAR.match(word):  # a character jieba has no tag for
            return 1, [(word, "x")]
        return 1, [(word, tagged[index][1] if len(word) > 1 and self._is_word(word) else "eng")]

    def _split_like_jieba(self, text: str, words: list[str]) -> list[str]:
        """`words` with the non-dictionary Latin/digit words jieba-rs's HMM kept whole re-split."""
        if _MERGE_CANDIDATE.search(text) is None:
            return words
        strings = words
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
                pieces = _resplit_word(words[index], self._is_word)
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


def _rjieba_library() -> Path:
    """rjieba's compiled module, whose file identifies its version and embedded dictionary."""
    import rjieba.rjieba

    return Path(rjieba.rjieba.__file__)


def _posseg_tag_fixes(entries: Sequence[DictEntry], in_base_dictionary: Callable[[str], bool]) -> dict[str, str]:
    """Tags jieba.posseg gives user words where jieba-rs gives others: jieba takes the last tag
    given for a word and x for a new word given none; jieba-rs the first tag given to a new word
    ("" for none) and, for a word of its own dictionary, its own tag. Call before adding `entries`."""
    jieba_tags: dict[str, str] = {}
    rjieba_tags: dict[str, str | None] = {}
    for entry in entries:
        if entry.word not in rjieba_tags:
            rjieba_tags[entry.word] = None if in_base_dictionary(entry.word) else entry.tag or ""
        if entry.tag:
            jieba_tags[entry.word] = entry.tag
    fixes = {}
    for word, rjieba_tag in rjieba_tags.items():
        jieba_tag = jieba_tags.get(word)
        if rjieba_tag is None:  # a word of the base dictionary keeps its tag unless one is given
            if jieba_tag is not None:
                fixes[word] = jieba_tag
        elif (jieba_tag or "x") != rjieba_tag:
            fixes[word] = jieba_tag or "x"
    return fixes


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
