"""User dictionaries in jieba's format, the built-in news dictionary, and stop-word lists.

A dictionary line is `word [freq] [tag]` (jieba's `load_userdict` rules: the word may contain
spaces, freq is digits, tag is lower-case letters). Entries are parsed once and then applied to
each backend in the same order, so jieba and rjieba end up with the same word frequencies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

# jieba's own user-dictionary line pattern (jieba/__init__.py, re_userdict).
_USERDICT_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")

NEWS_DICT_NAME = "news_dict.txt"
STOPWORDS_NAME = "stopwords_zh.txt"


class DictionaryError(ValueError):
    """A dictionary or stop-word file that cannot be used; str() is a one-line message."""


@dataclass(frozen=True)
class DictEntry:
    """One dictionary word: its frequency (None: let jieba suggest one) and POS tag (None: keep)."""

    word: str
    freq: int | None = None
    tag: str | None = None


def parse_dictionary(lines: Iterable[str], name: str = "<dict>", comments: bool = False) -> list[DictEntry]:
    """Parse jieba user-dictionary lines into entries, exactly as jieba.load_userdict reads them.

    Blank lines are skipped; with `comments` (newsmine's own files) so are lines starting with '#'.
    """
    entries = []
    for line in lines:
        line = line.strip().lstrip("\ufeff")
        if not line or (comments and line.startswith("#")):
            continue
        match = _USERDICT_LINE.match(line)
        if match is None:
            raise DictionaryError(f"{name}: cannot parse dictionary line {line!r}")
        word, freq, tag = match.groups()
        entries.append(DictEntry(word, int(freq) if freq else None, tag.strip() if tag else None))
    return entries


def read_dictionary(path: str | Path) -> list[DictEntry]:
    """Entries of a UTF-8 jieba-format dictionary file; raises DictionaryError when unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DictionaryError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DictionaryError(f"{path}: a dictionary must be UTF-8 text") from None
    return parse_dictionary(text.splitlines(), str(path))


@cache
def news_dictionary() -> tuple[DictEntry, ...]:
    """The built-in news dictionary (figure units kept whole), see docs/segment.md."""
    text = resources.files("newsmine").joinpath("data", NEWS_DICT_NAME).read_text(encoding="utf-8")
    return tuple(parse_dictionary(text.splitlines(), NEWS_DICT_NAME, comments=True))


def parse_stopwords(lines: Iterable[str]) -> frozenset[str]:
    """Stop words, one per line; blank lines and '#' comments are skipped."""
    words = (line.strip().lstrip("\ufeff") for line in lines)
    return frozenset(word for word in words if word and not word.startswith("#"))


@cache
def default_stopwords() -> frozenset[str]:
    """The built-in Chinese stop-word list used for keywords."""
    text = resources.files("newsmine").joinpath("data", STOPWORDS_NAME).read_text(encoding="utf-8")
    return parse_stopwords(text.splitlines())


def read_stopwords(path: str | Path) -> frozenset[str]:
    """A UTF-8 stop-word file (one word a line); raises DictionaryError when unreadable."""
    try:
        return parse_stopwords(Path(path).read_text(encoding="utf-8").splitlines())
    except OSError as exc:
        raise DictionaryError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DictionaryError(f"{path}: a stop-word file must be UTF-8 text") from None


def resolve_frequencies(entries: Sequence[DictEntry]) -> tuple[DictEntry, ...]:
    """Entries with every missing frequency filled in by jieba's own `suggest_freq` (cached)."""
    return _resolve_frequencies(tuple(entries))


@lru_cache(maxsize=8)
def _resolve_frequencies(entries: tuple[DictEntry, ...]) -> tuple[DictEntry, ...]:
    """jieba computes a missing frequency from its dictionary state at the moment the word is
    added; jieba-rs computes it differently (log-space, and unknown pieces count 1 where jieba
    counts 0). To keep both backends identical, a jieba tokenizer replays the entries in order
    and its frequencies are passed explicitly to every backend. Costs one jieba dictionary load,
    only when some entry lacks a frequency.
    """
    if all(entry.freq is not None for entry in entries):
        return tuple(entries)
    from newsmine.segment.backends import new_jieba_tokenizer

    tokenizer = new_jieba_tokenizer()
    resolved = []
    for entry in entries:
        freq = entry.freq if entry.freq is not None else tokenizer.suggest_freq(entry.word, False)
        tokenizer.add_word(entry.word, freq, entry.tag)
        resolved.append(DictEntry(entry.word, freq, entry.tag))
    return tuple(resolved)


def jieba_dictionary_path() -> Path:
    """jieba's main dictionary file (dict.txt), which jieba-rs embeds too."""
    import jieba

    return Path(jieba.__file__).with_name("dict.txt")


def jieba_base_frequencies(words: Iterable[str]) -> dict[str, int]:
    """Frequency of each of `words` in jieba's main dictionary (absent words are left out).

    Read like jieba reads it: the last line of a word wins.
    """
    wanted = set(words)
    freqs: dict[str, int] = {}
    if not wanted:
        return freqs
    with open(jieba_dictionary_path(), encoding="utf-8") as handle:
        for line in handle:
            word, freq = line.split(" ", 2)[:2]
            if word in wanted:
                freqs[word] = int(freq)
    return freqs


def prepared_frequencies(entries: Sequence[DictEntry]) -> tuple[DictEntry, ...]:
    """`resolve_frequencies(entries)`, kept in the cache: resolving loads jieba's dictionary (~1 s)."""
    entries = tuple(entries)
    if all(entry.freq is not None for entry in entries):
        return entries
    from newsmine.segment.cache import cache_key, cached_json, jieba_file

    rows = [[entry.word, entry.freq, entry.tag] for entry in entries]
    key = cache_key("resolved", rows, files=[jieba_file("dict.txt"), jieba_file("__init__.py")])
    resolved = cached_json("resolved-frequencies", key,
                           lambda: [[entry.word, entry.freq, entry.tag] for entry in resolve_frequencies(entries)])
    return tuple(DictEntry(word, freq, tag) for word, freq, tag in resolved)


def prepared_base_frequencies(words: Iterable[str]) -> dict[str, int]:
    """`jieba_base_frequencies(words)`, kept in the cache: it reads jieba's 5 MB dictionary."""
    wanted = sorted(set(words))
    if not wanted:
        return {}
    from newsmine.segment.cache import cache_key, cached_json, jieba_file

    key = cache_key("base", wanted, files=[jieba_file("dict.txt")])
    return cached_json("base-frequencies", key, lambda: jieba_base_frequencies(wanted))
