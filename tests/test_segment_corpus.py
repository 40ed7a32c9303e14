"""rjieba (bridged) gives jieba's tokens on the real 23 MB corpus in ../shared/corpus/bench.

By default a deterministic eighth of the corpus files (every 8th, sorted) is compared, to fit a
2-core CI box; NEWSMINE_CORPUS_STRIDE=1 compares every file. bench/bench_segment.py compares
the whole corpus in every configuration and prints the result.
"""

from __future__ import annotations

import os

import jieba
import pytest

from newsmine.segment import Segmenter
from newsmine.segment.dictionary import news_dictionary

jieba.setLogLevel(60)
STRIDE = int(os.environ.get("NEWSMINE_CORPUS_STRIDE", "8"))
# New words, words jieba already has (frequency replaced), lines without frequency or with a tag only.
USER_DICT = "新征程 50 n\n中国 10 ns\n发展 3000000 v\n国务院 20 nt\n高质量发展\n一带一路 nz\n央视网消息\n"


@pytest.fixture
def corpus_texts(shared_dir):
    files = sorted((shared_dir / "corpus" / "bench").rglob("*.txt"))[::STRIDE]
    assert len(files) >= 100 // STRIDE
    return [path.read_text(encoding="utf-8") for path in files]


@pytest.fixture(scope="module")
def dict_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dicts")
    (folder / "news.txt").write_text("".join(f"{e.word} {e.freq} {e.tag}\n" for e in news_dictionary()), encoding="utf-8")
    (folder / "user.txt").write_text(USER_DICT, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("dicts", "hmm", "mode"),
    [
        ("news", True, "accurate"),  # the default
        ("news", False, "accurate"),
        ("none", True, "accurate"),
        ("news+user", True, "accurate"),
        ("news+user", False, "accurate"),
        ("news+user", True, "search"),
    ],
)
def test_rjieba_tokens_equal_jiebas_on_the_corpus(corpus_texts, dict_files, dicts, hmm, mode):
    reference = jieba.Tokenizer()
    reference.initialize()
    user_dicts = [dict_files / "user.txt"] if dicts == "news+user" else []
    for path in ([dict_files / "news.txt"] if dicts != "none" else []) + user_dicts:
        reference.load_userdict(str(path))
    segmenter = Segmenter(backend="rjieba", mode=mode, hmm=hmm, news_dict=dicts != "none", user_dicts=user_dicts)
    cut = reference.cut if mode == "accurate" else reference.cut_for_search
    differing = [
        index for index, text in enumerate(corpus_texts)
        if segmenter.cut(text) != [word for word in cut(text, HMM=hmm) if word.strip()]
    ]  # fmt: skip
    assert differing == []
