"""jieba.posseg's tagging of unknown words, identical to jieba 0.42.1 and about 20 times faster.

jieba.posseg tags dictionary words from the dictionary; a run of single characters that is no
dictionary word goes through its joint segmentation-and-tagging HMM, whose states are
(B/M/E/S, tag) pairs. That Viterbi search (jieba/posseg/viterbi.py) is where jieba.posseg spends
most of its time. `PosHmm.viterbi` finds the same path over numpy arrays:

- Every score is the same float: the same additions in the same order, `(V[prev] + trans) + emit`.
- Ties go the same way: jieba takes `max()` of (score, state) tuples, so among equal scores the
  greatest state wins. States are indexed greatest first, and argmax returns the first maximum.
- jieba narrows each step to the character's states that some previous state can reach. The fast
  path keeps all the character's states: an unreachable one scores -inf, so it never wins against
  the finite score every reachable state has. Only when no state of a character is reachable does
  everything become -inf; jieba then falls back to every reachable state, and so does the exact
  path (`_viterbi_narrowed`), which that run is handed to (about 1 run in 1,000).

The model's arrays are built from jieba.posseg's tables once and cached on disk (cache.py), so
jieba.posseg (and its 0.4 s of tables) is not imported on later runs.
tests/test_segment_pos.py and bench/bench_segment.py compare the results with jieba.posseg's.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from newsmine.segment.cache import cache_key, cached_arrays, jieba_file

Tagged = tuple[str, str]

# jieba.posseg's patterns for the pieces of an unknown run (posseg/__init__.py, __cut_detail).
_HAN = re.compile("([\u4e00-\u9fd5]+)")
_NON_HAN_PIECE = re.compile(r"([\.0-9]+|[a-zA-Z0-9]+)")
_NUMBER = re.compile(r"[\.0-9]+")
_LATIN = re.compile("[a-zA-Z0-9]+")
MIN_FLOAT = -3.14e100  # jieba's score of an emission the model never saw
CACHED_RUNS = 1 << 16
MODEL_CACHE_NAME = "posseg-hmm"
MODEL_TABLES = ("char_state_tab", "prob_start", "prob_trans", "prob_emit")


def _build_model() -> dict[str, np.ndarray]:
    """jieba.posseg's HMM as arrays, states greatest first.

    `states` (position letter and tag joined by a space), `start`, `trans` (-inf where jieba has
    no transition); for each character the model knows (`chars`), its states (all states for one
    missing from jieba's state table) and their emission scores, in `char_states` / `char_emit`
    at the range `char_bounds` gives; and the few (`extra_emit_chars`, `extra_emit_states`,
    `extra_emit`) where a state outside a character's list emits it.
    """
    from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P

    states = sorted(trans_P, reverse=True)
    index = {state: i for i, state in enumerate(states)}
    trans = np.full((len(states), len(states)), -np.inf)
    for previous, row in trans_P.items():
        for state, probability in row.items():
            trans[index[previous], index[state]] = probability
    chars = sorted(set(char_state_tab_P) | {char for row in emit_P.values() for char in row})
    number = {char: i for i, char in enumerate(chars)}
    char_states: list[int] = []
    char_emit: list[float] = []
    bounds = [0]
    for char in chars:
        listed = char_state_tab_P.get(char)
        ordered = sorted(index[state] for state in listed) if listed is not None else range(len(states))
        char_states += ordered
        char_emit += [emit_P[states[i]].get(char, MIN_FLOAT) for i in ordered]
        bounds.append(len(char_states))
    extra = [
        (number[char], index[state], probability)
        for state, row in emit_P.items()
        for char, probability in row.items()
        if char in char_state_tab_P and state not in char_state_tab_P[char]
    ]
    return {
        "states": np.array([" ".join(state) for state in states]),
        "start": np.array([start_P[state] for state in states]),
        "trans": trans,
        "chars": np.array(chars),
        "char_states": np.array(char_states, dtype=np.intp),
        "char_emit": np.array(char_emit),
        "char_bounds": np.array(bounds, dtype=np.intp),
        "extra_emit_chars": np.array([char for char, _, _ in extra], dtype=np.intp),
        "extra_emit_states": np.array([state for _, state, _ in extra], dtype=np.intp),
        "extra_emit": np.array([probability for _, _, probability in extra]),
    }


class PosHmm:
    """jieba.posseg's HMM tagger for runs of characters that are not dictionary words."""

    def __init__(self) -> None:
        tables = [jieba_file("posseg", f"{name}.py") for name in MODEL_TABLES]
        model = cached_arrays(MODEL_CACHE_NAME, cache_key(files=tables), _build_model)
        self.states = [tuple(state.split(" ")) for state in model["states"].tolist()]
        count = len(self.states)
        self._start, self._trans = model["start"], model["trans"]
        self._successors = self._trans > -np.inf
        self._has_successor = self._successors.any(axis=1)
        self._unknown_char = (np.arange(count), np.full(count, MIN_FLOAT))
        self._char_number = {char: i for i, char in enumerate(model["chars"].tolist())}
        self._char_states, self._char_emit = model["char_states"], model["char_emit"]
        self._char_bounds = model["char_bounds"].tolist()
        self._extra_emit = {}
        for char, state, probability in zip(model["extra_emit_chars"].tolist(), model["extra_emit_states"].tolist(),
                                            model["extra_emit"].tolist()):  # fmt: skip
            self._extra_emit.setdefault(char, []).append((state, probability))
        self._char_models: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.cut = lru_cache(maxsize=CACHED_RUNS)(self._cut)

    def _char_model(self, char: str) -> tuple[np.ndarray, np.ndarray]:
        """(the states jieba may give `char`, greatest first; their emission scores of `char`)."""
        model = self._char_models.get(char)
        if model is None:
            number = self._char_number.get(char)
            if number is None:
                model = self._unknown_char
            else:
                span = slice(self._char_bounds[number], self._char_bounds[number + 1])
                model = (self._char_states[span], self._char_emit[span])
            self._char_models[char] = model
        return model

    def viterbi(self, text: str) -> list[tuple[str, str]]:
        """The best (B/M/E/S, tag) state of each character, as jieba.posseg.viterbi finds it."""
        states, emit = self._char_model(text[0])
        scores = self._start[states] + emit
        path = [(states, None)]
        trans = self._trans
        for char in text[1:]:
            previous = states
            states, emit = self._char_model(char)
            table = scores[:, None] + trans[previous[:, None], states]
            table += emit
            path.append((states, table.argmax(axis=0)))
            scores = table.max(axis=0)
        position = int(scores.argmax())
        if scores[position] == -np.inf:
            return self._viterbi_narrowed(text)
        return self._route(path, position)

    def _viterbi_narrowed(self, text: str) -> list[tuple[str, str]]:
        """jieba's search step by step: each step over the character's states that some previous
        state (one with successors) can reach, else over every reachable state, else all."""
        states, emit = self._char_model(text[0])
        scores = self._start[states] + emit
        path = [(states, None)]
        for char in text[1:]:
            keep = np.flatnonzero(self._has_successor[states])
            if keep.size == 0:
                raise ValueError(f"jieba.posseg's HMM cannot tag {text!r}")  # as jieba's max() of nothing
            previous, previous_scores = states[keep], scores[keep]
            reachable = self._successors[previous].any(axis=0)
            listed, _ = self._char_model(char)
            candidates = np.zeros(len(self.states), dtype=bool)
            candidates[listed] = True
            candidates &= reachable
            if not candidates.any():
                candidates = reachable if reachable.any() else np.ones(len(self.states), dtype=bool)
            states = np.flatnonzero(candidates)
            table = previous_scores[:, None] + self._trans[np.ix_(previous, states)]
            table += self._every_emission(char)[states]
            path.append((states, keep[table.argmax(axis=0)]))
            scores = table.max(axis=0)
        return self._route(path, int(scores.argmax()))

    def _every_emission(self, char: str) -> np.ndarray:
        """The emission score of `char` in every state."""
        listed, emit = self._char_model(char)
        scores = np.full(len(self.states), MIN_FLOAT)
        scores[listed] = emit
        for state, probability in self._extra_emit.get(self._char_number.get(char), ()):
            scores[state] = probability
        return scores

    def _route(self, path: list[tuple[np.ndarray, np.ndarray | None]], position: int) -> list[tuple[str, str]]:
        """The states back from `position` in the last step; each step holds its states and, for
        each, the position of its best predecessor in the step before."""
        route = []
        for states, best in reversed(path):
            route.append(self.states[states[position]])
            if best is not None:
                position = int(best[position])
        route.reverse()
        return route

    def _cut(self, text: str) -> tuple[Tagged, ...]:
        """Words and tags of a Chinese run, as jieba.posseg's __cut makes them from the states."""
        route = self.viterbi(text)
        words = []
        begin = following = 0
        for i, (position, tag) in enumerate(route):
            if position == "B":
                begin = i
            elif position == "E":
                words.append((text[begin : i + 1], tag))
                following = i + 1
            elif position == "S":
                words.append((text[i], tag))
                following = i + 1
        if following < len(text):
            words.append((text[following:], route[following][1]))
        return tuple(words)

    def cut_unknown(self, run: str) -> list[Tagged]:
        """jieba.posseg's words and tags for a run of single characters that is no dictionary word:
        Chinese stretches through the HMM, numbers `m`, Latin `eng`, anything else `x`."""
        words: list[Tagged] = []
        for block in _HAN.split(run):
            if not block:
                continue
            if _HAN.match(block):
                words += self.cut(block)
                continue
            for piece in _NON_HAN_PIECE.split(block):
                if piece:
                    words.append((piece, "m" if _NUMBER.match(piece) else "eng" if _LATIN.match(piece) else "x"))
        return words
