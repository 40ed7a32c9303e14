"""POS tags from rjieba (bridged) are jieba.posseg's, word for word and tag for tag.

Checked against jieba.posseg itself (its own POSTokenizer, dictionaries read by load_userdict):
on arbitrary generated text, on user-dictionary corner cases, on the sample page, and on a
deterministic share of the real 23 MB corpus in ../shared/corpus/bench (every 32nd file;
NEWSMINE_POS_CORPUS_STRIDE=1 checks every file). bench/bench_segment.py checks the whole corpus.
"""

from __future__ import annotations

import json
import os

import jieba
import jieba.posseg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmine.cli import app
from newsmine.segment import RjiebaBackend, Segmenter
from newsmine.segment.dictionary import news_dictionary
from newsmine.segment.posseg import PosHmm

from conftest import SAMPLE_PAGE

jieba.setLogLevel(60)
SAMPLE_TEXT = SAMPLE_PAGE.read_text(encoding="utf-8")
STRIDE = int(os.environ.get("NEWSMINE_POS_CORPUS_STRIDE", "32"))
# New words with and without tags, jieba's own words re-tagged (the last tag given wins), a word
# given twice with two tags, and single characters (one of them traditional: jieba-rs knows a tag
# for it that jieba does not).
USER_DICT = """新征程 50 n
中国 10 ns
发展 3000000 v
国务院 20 nt
高质量发展
一带一路 nz
新质生产力 80 n
新质生产力 80 vn
鑫 200
鑑 300 ng
央视网消息
"""

_reference_taggers: dict[tuple, jieba.posseg.POSTokenizer] = {}


def posseg_reference(text: str, hmm: bool = True, dict_files=()) -> list[tuple[str, str]]:
    """(word, tag) pairs straight from jieba.posseg, whitespace words left out."""
    key = tuple(map(str, dict_files))
    if key not in _reference_taggers:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for path in dict_files:
            tokenizer.load_userdict(str(path))
        _reference_taggers[key] = jieba.posseg.POSTokenizer(tokenizer)
    return [(pair.word, pair.flag) for pair in _reference_taggers[key].cut(text, HMM=hmm) if pair.word.strip()]


@pytest.fixture(scope="module")
def dict_files(tmp_path_factory):
    """The news dictionary without comment lines (jieba reads '#' as words) and the user dictionary."""
    folder = tmp_path_factory.mktemp("dicts")
    (folder / "news.txt").write_text("".join(f"{e.word} {e.freq} {e.tag}\n" for e in news_dictionary()), encoding="utf-8")
    (folder / "user.txt").write_text(USER_DICT, encoding="utf-8")
    return folder


# What trips a tagger: Chinese words and single characters, unknown names, Latin letters and
# digits alone or in runs, the characters jieba.posseg's blocks end at (% -) and that jieba.cut's
# do not, whitespace, characters outside jieba's Chinese range, traditional characters.
_PIECES = st.sampled_from(
    ["平湖", "市", "人民政府", "发展", "长三角", "嘉吉", "增长", "个百分点", "亿欧元", "的", "了", "在", "年",
     "程", "铄", "钦", "黯", "滁", "皆", "鑑", "傳", "偵", "冊", "新征程", "张晓", "蔡", "阿卜杜拉",
     "tv", "cctv", "com", "2026", "06", "PM2", "5", "3", "A", "x", "B超", "1.5", "a1b2", "CEO",
     ".", "-", "_", "%", "+", "#", "&", "/", "（", "）", "，", "。", " ", "\n", "\u3000", "\t", "\x00", "\r\n",
     "\u3400", "\u9fd6", "\U00020000", "\uf900", "龘"]
)
arbitrary_text = st.lists(_PIECES, max_size=40).map("".join)


@pytest.fixture(scope="module")
def tagger():
    return RjiebaBackend()


@settings(max_examples=300, deadline=None)
@given(text=arbitrary_text, hmm=st.booleans())
def test_tags_equal_posseg_on_arbitrary_text(tagger, text, hmm):
    tagged = tagger.tag(text, hmm)
    assert "".join(word for word, _ in tagged) == text
    assert [pair for pair in tagged if pair[0].strip()] == posseg_reference(text, hmm)


@pytest.fixture(scope="module")
def hmm():
    return PosHmm()


def jieba_viterbi(text: str) -> list[tuple[str, str]]:
    posseg = jieba.posseg
    return posseg.viterbi(text, posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)[1]


# Common characters, rare ones, ones missing from posseg's state table (every state is possible),
# and ones no state emits.
_RUN_CHARS = st.sampled_from(list("的是在国人有和这中大为程铄钦黯滁皆栩揣冰杉奕蔡晓鑫龘䶮鿏𠮷乂乜") + ["傳", "冊", "僱"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_RUN_CHARS, min_size=1, max_size=12).map("".join))
def test_hmm_finds_jiebas_states_on_arbitrary_runs(hmm, text):
    assert hmm.viterbi(text) == jieba_viterbi(text)
    assert hmm._viterbi_narrowed(text) == jieba_viterbi(text)


@pytest.mark.parametrize("text", ["黯黯", "是铄们", "栩揣", "记者滁皆说"])
def test_hmm_hands_unreachable_characters_to_jiebas_narrowed_search(hmm, monkeypatch, text):
    """A character none of whose states the previous ones can reach: every fast score is -inf."""
    calls = []
    narrowed = hmm._viterbi_narrowed
    monkeypatch.setattr(hmm, "_viterbi_narrowed", lambda run: calls.append(run) or narrowed(run))
    assert hmm.viterbi(text) == jieba_viterbi(text)
    assert calls == [text]


@pytest.mark.parametrize("hmm_on", [True, False])
@pytest.mark.parametrize("dicts", ["none", "news", "news+user"])
def test_tags_equal_posseg_on_the_sample(dict_files, hmm_on, dicts):
    user_dicts = [dict_files / "user.txt"] if dicts == "news+user" else []
    segmenter = Segmenter(pos=True, hmm=hmm_on, news_dict=dicts != "none", user_dicts=user_dicts)
    assert segmenter.routing["tagger"] == "rjieba"
    reference_dicts = ([dict_files / "news.txt"] if dicts != "none" else []) + user_dicts
    assert segmenter.tag(SAMPLE_TEXT) == posseg_reference(SAMPLE_TEXT, hmm_on, reference_dicts)


def test_user_words_take_jiebas_tags(dict_files):
    """The last tag given wins (jieba-rs keeps the first); a new word given no tag is x."""
    text = "我们的新征程，加快发展新质生产力，央视网消息，新征程鑫发展，高质量发展鑑新征程。"
    tags = dict(Segmenter(pos=True, user_dicts=[dict_files / "user.txt"]).tag(text))
    assert tags["新质生产力"] == "vn"
    assert tags["发展"] == "v"
    assert tags["央视网消息"] == "x"
    assert tags["鑑"] == "ng"
    assert tags == dict(posseg_reference(text, True, [dict_files / "news.txt", dict_files / "user.txt"]))


@pytest.mark.parametrize(("hmm_on", "dicts"), [(True, "news"), (False, "news"), (True, "news+user")])
def test_tags_equal_posseg_on_the_corpus(shared_dir, dict_files, hmm_on, dicts):
    files = sorted((shared_dir / "corpus" / "bench").rglob("*.txt"))[::STRIDE]
    assert len(files) >= 1000 // STRIDE
    user_dicts = [dict_files / "user.txt"] if dicts == "news+user" else []
    segmenter = Segmenter(pos=True, hmm=hmm_on, user_dicts=user_dicts)
    reference_dicts = [dict_files / "news.txt", *user_dicts]
    differing = [
        path.name for path in files
        if segmenter.tag(text := path.read_text(encoding="utf-8")) != posseg_reference(text, hmm_on, reference_dicts)
    ]  # fmt: skip
    assert differing == []


def test_cli_pos_tags_are_poseggs(runner, dict_files):
    text = "规上工业总产值增长31.7%，实到外资4.03亿美元，程铄钦说。\n第二段 PM2.5 下降"
    record = {"type": "article", "id": "x#1", "text": text}
    result = runner.invoke(app, ["segment", "--pos"], input=json.dumps(record, ensure_ascii=False) + "\n")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(zip(out["tokens"], out["pos"])) == posseg_reference(text, True, [dict_files / "news.txt"])
