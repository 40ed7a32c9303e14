"""`newsmine segment`: jieba's tokens from every backend, offsets, dictionaries, keywords, entities, CLI."""

from __future__ import annotations

import json
import math

import jieba
import jieba.analyse
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmine.cli import app
from newsmine.records import dumps, dumps_with
from newsmine.segment import RjiebaBackend, Segmenter
from newsmine.segment.dictionary import default_stopwords, news_dictionary, parse_dictionary
from newsmine.segment.entities import find_entities
from newsmine.segment.keywords import content_words

from conftest import SAMPLE_PAGE

jieba.setLogLevel(60)
SAMPLE_TEXT = SAMPLE_PAGE.read_text(encoding="utf-8")

# A user dictionary in jieba's format that exercises every rule: new words, words already in
# jieba's dictionary (their frequency replaced), lines without frequency (jieba suggests one),
# a tag without frequency, and a word with a space.
USER_DICT = """提质提效年 30 n
开门红 5 l
中国 10 ns
发展 3000000 v
平湖 9000 ns
高质量发展
长三角一体化 nz
New York 5
"""


_reference_tokenizers: dict[tuple, jieba.Tokenizer] = {}


def jieba_reference(text: str, mode: str = "accurate", hmm: bool = True, dict_files=()) -> list[str]:
    """Words straight from a jieba.Tokenizer that read the dictionaries with jieba's own load_userdict."""
    key = tuple(map(str, dict_files))
    if key not in _reference_tokenizers:
        tokenizer = _reference_tokenizers[key] = jieba.Tokenizer()
        tokenizer.initialize()
        for path in dict_files:
            tokenizer.load_userdict(str(path))
    tokenizer = _reference_tokenizers[key]
    if mode == "accurate":
        words = tokenizer.cut(text, HMM=hmm)
    elif mode == "search":
        words = tokenizer.cut_for_search(text, HMM=hmm)
    else:
        words = tokenizer.cut(text, cut_all=True)
    return [word for word in words if word.strip()]


@pytest.fixture(scope="module")
def dict_files(tmp_path_factory):
    """The user dictionary, and the news dictionary without its comment lines (jieba reads '#' as words)."""
    folder = tmp_path_factory.mktemp("dicts")
    user = folder / "user.txt"
    user.write_text(USER_DICT, encoding="utf-8")
    news = folder / "news.txt"
    news.write_text("".join(f"{e.word} {e.freq} {e.tag}\n" for e in news_dictionary()), encoding="utf-8")
    return {"user": user, "news": news}


@pytest.mark.parametrize("backend", ["auto", "jieba", "rjieba"])
@pytest.mark.parametrize("mode", ["accurate", "search"])
@pytest.mark.parametrize("hmm", [True, False])
@pytest.mark.parametrize("dicts", ["none", "news", "news+user"])
def test_tokens_equal_jiebas_on_the_sample(backend, mode, hmm, dicts, dict_files):
    user_dicts = [dict_files["user"]] if dicts == "news+user" else []
    segmenter = Segmenter(backend=backend, mode=mode, hmm=hmm, news_dict=dicts != "none", user_dicts=user_dicts)
    reference_dicts = ([dict_files["news"]] if dicts != "none" else []) + user_dicts
    assert segmenter.cut(SAMPLE_TEXT) == jieba_reference(SAMPLE_TEXT, mode, hmm, reference_dicts)


def test_full_mode_comes_from_jieba_by_default_and_differs_in_rjieba():
    reference = jieba_reference(SAMPLE_TEXT, "full", dict_files=())
    assert Segmenter(mode="full", news_dict=False).cut(SAMPLE_TEXT) == reference
    assert Segmenter(mode="full", news_dict=False).routing["tokens"] == "jieba"
    assert Segmenter(mode="full", news_dict=False, backend="rjieba").cut(SAMPLE_TEXT) != reference


# Text built from what trips segmenters: Chinese words, Latin/digit runs joined by . - _ % + # &,
# whitespace of every kind, and characters outside jieba's Chinese range (Extension A/B, U+9FD6+).
_PIECES = st.sampled_from(
    ["平湖", "市", "人民政府", "经济网", "发展", "长三角", "嘉吉", "增长", "个百分点", "亿欧元", "的", "了",
     "tv", "cctv", "com", "2026", "06", "PM2", "5", "3", "A", "x", "SZ", "1.5", "a1b2",
     ".", "-", "_", "%", "+", "#", "&", "/", "（", "）", "，", "。", " ", "\n", "\u3000", "\t", "\x00", "\r\n",
     "\u3400", "\u9fd6", "\U00020000", "\uf900", "龘", "𠮷"]
)
arbitrary_text = st.lists(_PIECES, max_size=40).map("".join)


@pytest.fixture(scope="module")
def engines():
    reference = jieba.Tokenizer()
    reference.initialize()
    return reference, RjiebaBackend()


@settings(max_examples=300, deadline=None)
@given(text=arbitrary_text, hmm=st.booleans())
def test_rjieba_cuts_arbitrary_text_like_jieba(engines, text, hmm):
    reference, rjieba = engines
    words = rjieba.cut(text, hmm)
    assert words == list(reference.cut(text, HMM=hmm))
    assert "".join(words) == text
    assert [span[0] for span in rjieba.search(text, hmm)] == list(reference.cut_for_search(text, HMM=hmm))


@pytest.fixture(scope="module")
def offset_segmenters():
    return {mode: Segmenter(mode=mode, offsets=True) for mode in ("accurate", "search", "full")}


@settings(max_examples=100, deadline=None)
@given(text=arbitrary_text, mode=st.sampled_from(["accurate", "search", "full"]))
def test_offsets_round_trip_on_arbitrary_text(offset_segmenters, text, mode):
    record = offset_segmenters[mode].segment_record({"text": text})
    for token in record["tokens"]:
        assert text[token["start"] : token["end"]] == token["w"]
        assert token["w"].strip()


@pytest.mark.parametrize("mode", ["accurate", "search", "full"])
def test_offsets_round_trip_on_the_sample_and_match_plain_tokens(mode):
    tokens = Segmenter(mode=mode, offsets=True).segment_record({"text": SAMPLE_TEXT})["tokens"]
    assert all(SAMPLE_TEXT[t["start"] : t["end"]] == t["w"] for t in tokens)
    assert [t["w"] for t in tokens] == Segmenter(mode=mode).cut(SAMPLE_TEXT)
    if mode == "accurate":
        starts = [t["start"] for t in tokens]
        assert starts == sorted(starts)


def test_rjieba_word_frequency_total_equals_jiebas(dict_files):
    """The bridge keeps jieba-rs's frequency total equal to jieba's (probed through suggest_freq)."""
    entries = list(news_dictionary()) + parse_dictionary(USER_DICT.splitlines())
    segmenter = Segmenter(user_dicts=[dict_files["user"]])
    backend = RjiebaBackend(segmenter.entries)
    reference = jieba.Tokenizer()
    reference.initialize()
    for entry in entries:
        reference.add_word(entry.word, entry.freq, entry.tag)
    # With "的" at frequency F, suggest_freq("的的") = int(F * F / total) + 1.
    probe = 10**12
    old = reference.FREQ["的"]
    backend.engine.add_word("的", probe, None)
    suggested = backend.engine.suggest_freq("的的")
    total = probe * probe / (suggested - 1) - probe + old
    assert math.isclose(total, reference.total, abs_tol=2)


def test_user_dictionaries_take_effect_in_tokens_and_tags(tmp_path):
    assert "提质提效年" not in Segmenter().cut(SAMPLE_TEXT)
    user = tmp_path / "user.txt"
    user.write_text("提质提效年 30 nz\n胡佳英 nr\n", encoding="utf-8")
    assert {"提质提效年", "胡佳英"} <= set(Segmenter(user_dicts=[user]).cut(SAMPLE_TEXT))
    record = Segmenter(user_dicts=[user], pos=True).segment_record({"text": SAMPLE_TEXT})
    tags = dict(zip(record["tokens"], record["pos"]))
    assert tags["提质提效年"] == "nz" and tags["胡佳英"] == "nr"


def test_news_dictionary_keeps_figure_units_whole():
    text = "同比提高1.2个百分点，投资12亿欧元，发电3.5万千瓦时"
    with_news = Segmenter().cut(text)
    assert {"个百分点", "亿欧元", "万千瓦时"} <= set(with_news)
    assert not {"个百分点", "亿欧元", "万千瓦时"} & set(Segmenter(news_dict=False).cut(text))


def test_tfidf_keywords_are_jieba_analyses_with_our_stop_words():
    keywords = Segmenter(keywords=10, news_dict=False).segment_record({"text": SAMPLE_TEXT})["keywords"]
    extractor = jieba.analyse.TFIDF()
    words = jieba.lcut(SAMPLE_TEXT)
    numbers = set(words) - set(content_words(words))  # the sample page has numbers, no web addresses
    extractor.stop_words = set(default_stopwords()) | numbers
    expected = extractor.extract_tags(SAMPLE_TEXT, topK=10, withWeight=True)
    assert [(k["word"], k["weight"]) for k in keywords] == [(w, round(x, 6)) for w, x in expected]
    assert keywords[0]["word"] == "平湖"
    assert not {k["word"] for k in keywords} & default_stopwords()


def test_textrank_keywords_and_a_replacement_stop_word_list(tmp_path):
    keywords = Segmenter(keywords=5, keywords_method="textrank").segment_record({"text": SAMPLE_TEXT})["keywords"]
    assert keywords[0] == {"word": "平湖", "weight": 1.0}
    stop = tmp_path / "stop.txt"
    stop.write_text("平湖\n", encoding="utf-8")
    replaced = Segmenter(keywords=5, stopwords=stop).segment_record({"text": SAMPLE_TEXT})["keywords"]
    assert "平湖" not in {k["word"] for k in replaced}


def test_entities_on_the_sample_are_sensible():
    entities = Segmenter(entities=True).segment_record({"text": SAMPLE_TEXT})["entities"]
    by_type = {kind: {e["text"] for e in entities if e["type"] == kind} for kind in ("person", "place", "organization")}
    assert {e["type"] for e in entities} == set(by_type)
    assert all(SAMPLE_TEXT[e["start"] : e["end"]] == e["text"] for e in entities)
    assert {"平湖", "浙江", "嘉兴市"} <= by_type["place"]
    assert {"嘉吉食品科技(平湖)有限公司", "浙江荣晟环保纸业股份有限公司", "平湖市人民政府"} <= by_type["organization"]
    assert {"周健", "马晓鸣"} <= by_type["person"]
    # Generic words are not organisations; dictionary words jieba mis-tags are not people.
    assert not {"有限公司", "公司", "科技公司"} & by_type["organization"]
    assert not {"荣获", "文明", "智慧"} & by_type["person"]


def test_organisation_rule_needs_a_proper_name_and_allows_a_bracketed_place():
    tagged = [("该", "r"), ("科技", "n"), ("公司", "n"), ("与", "p"), ("华为", "nz"), ("技术", "n"),
              ("(", "x"), ("深圳", "ns"), (")", "x"), ("有限公司", "n"), ("签约", "v")]
    entities = find_entities(tagged)
    assert [(e["text"], e["type"]) for e in entities] == [("华为技术(深圳)有限公司", "organization")]


def parse_jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def articles_file(tmp_path_factory):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["split", str(SAMPLE_PAGE)])
    assert result.exit_code == 0
    path = tmp_path_factory.mktemp("articles") / "articles.jsonl"
    path.write_text(result.stdout, encoding="utf-8")
    return path


def test_cli_adds_tokens_and_keeps_every_field(runner, articles_file):
    articles = parse_jsonl(articles_file.read_text(encoding="utf-8"))
    result = runner.invoke(app, ["segment", str(articles_file)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no "Building prefix dict..." from jieba
    records = parse_jsonl(result.stdout)
    assert len(records) == len(articles)
    segmenter = Segmenter()
    for article, record in zip(articles, records):
        assert {key: record[key] for key in article} == article
        assert set(record) - set(article) == {"tokens"}
        assert record["tokens"] == segmenter.cut(article["text"])


def test_cli_text_only_prints_the_words_of_each_record(runner, articles_file):
    words = runner.invoke(app, ["segment", "--text-only", str(articles_file)])
    records = parse_jsonl(runner.invoke(app, ["segment", str(articles_file)]).stdout)
    assert words.exit_code == 0
    assert words.stdout.splitlines() == [" ".join(record["tokens"]) for record in records]


def test_cli_pos_keywords_entities_and_plain_text_input(runner):
    result = runner.invoke(app, ["segment", "--pos", "--keywords", "3", "--entities", str(SAMPLE_PAGE)])
    assert result.exit_code == 0, result.stderr
    (record,) = parse_jsonl(result.stdout)
    assert record["type"] == "document" and record["text"] == SAMPLE_TEXT
    assert len(record["pos"]) == len(record["tokens"]) > 2000
    assert len(record["keywords"]) == 3 and record["entities"]


def test_cli_jobs_2_gives_the_same_output_as_jobs_1(runner, articles_file):
    options = ["segment", "--offsets", "--keywords", "3", str(articles_file)]
    one = runner.invoke(app, [*options, "--jobs", "1"])
    two = runner.invoke(app, [*options, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 6


def test_cli_reports_bad_lines_and_still_segments_good_ones(runner):
    lines = [
        '{"type": "article", "id": "a", "text": "平湖市今天发布"}',
        "not json",
        '{"type": "article", "id": "b"}',
        '{"type": "article", "id": "c", "text": 5}',
        '{"type": "article", "id": "d", "text": "增长1.2个百分点"}',
    ]
    result = runner.invoke(app, ["segment"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    assert [(r["id"], r["tokens"]) for r in parse_jsonl(result.stdout)] == [
        ("a", ["平湖市", "今天", "发布"]),
        ("d", ["增长", "1.2", "个百分点"]),
    ]
    assert result.stderr.splitlines() == [
        "error: -:2: invalid JSON (Expecting value, column 1)",
        "error: -:3: record has no `text` string; skipped",
        "error: -:4: record has no `text` string; skipped",
    ]


def test_cli_passes_figures_through_untouched(runner, articles_file):
    """`split | stats --passthrough | segment`: articles get tokens, figure records stay as they were."""
    stream = runner.invoke(app, ["stats", "--passthrough", str(articles_file)]).stdout
    figures = [record for record in parse_jsonl(stream) if record["type"] == "figure"]
    assert figures
    result = runner.invoke(app, ["segment"], input=stream)
    assert result.exit_code == 0, result.stderr
    records = parse_jsonl(result.stdout)
    assert [record for record in records if record["type"] == "figure"] == figures
    assert all("tokens" in record for record in records if record["type"] == "article")
    words = runner.invoke(app, ["segment", "--text-only"], input=stream)
    assert len(words.stdout.splitlines()) == len(records) - len(figures)


@pytest.mark.parametrize(
    "options",
    [["--mode", "fast"], ["--backend", "spacy"], ["--pos", "--mode", "search"], ["--dict", "missing.txt"],
     ["--text-only", "--pos"], ["--keywords-method", "lda", "--keywords", "2"]],
)
def test_cli_bad_options_are_usage_errors(runner, options):
    result = runner.invoke(app, ["segment", *options, str(SAMPLE_PAGE)])
    assert result.exit_code == 2
    assert result.stdout == ""


@pytest.fixture(scope="module")
def plain_segmenter():
    return Segmenter(news_dict=False)


@settings(max_examples=200, deadline=None)
@given(text=arbitrary_text)
def test_segmenter_drops_exactly_the_whitespace_words(engines, plain_segmenter, text):
    """Tokens are cut per whitespace-free piece, so no word is tested with strip(): the same words."""
    reference, _ = engines
    assert plain_segmenter.cut(text) == [word for word in reference.cut(text) if word.strip()]
    assert plain_segmenter.segment_text(text)["tokens"] == plain_segmenter.cut(text)


_JSON_STRINGS = st.lists(st.sampled_from(["平", "湖", "a", ",", '"', "\\", "\n", "\t", "\x00", "\x1f", "\x7f",
                                            "\u2028", "\ud800", '","', " "]), max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(st.sampled_from(["type", "id", "text", "tokens", "pos"]), _JSON_STRINGS | st.integers()),
       tokens=st.lists(_JSON_STRINGS), pos=st.lists(_JSON_STRINGS))
def test_records_with_token_lists_are_written_as_dumps_writes_them(record, tokens, pos):
    fields = {"tokens": tokens, "pos": pos}
    assert dumps_with(record, fields) == dumps({**record, **fields})
