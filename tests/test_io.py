"""The shared input layer: encodings, input expansion, JSON lines, errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmine.io import (
    ErrorLog,
    InputError,
    Source,
    StopOnError,
    decode_bytes,
    detect_encoding,
    dumps,
    expand_inputs,
    iter_records,
    read_text,
)

from conftest import SAMPLE_PAGE

PAGE = SAMPLE_PAGE.read_text(encoding="utf-8")


def quiet_log(strict: bool = False) -> ErrorLog:
    return ErrorLog(strict=strict, on_error=lambda error: None)


@pytest.mark.parametrize(
    "encoding, data",
    [
        ("utf-8", PAGE.encode("utf-8")),
        ("utf-8 with BOM", b"\xef\xbb\xbf" + PAGE.encode("utf-8")),
        ("gb18030", PAGE.encode("gb18030")),
        ("gbk", PAGE.encode("gbk")),
        ("utf-16 with BOM", PAGE.encode("utf-16")),
        ("utf-16-le without BOM", PAGE.encode("utf-16-le")),
        ("utf-16-be without BOM", PAGE.encode("utf-16-be")),
    ],
)
def test_page_decodes_the_same_in_every_supported_encoding(encoding, data):
    assert decode_bytes(data, "page.txt") == PAGE


def test_short_gbk_text_is_detected_as_gb18030():
    text = "本报讯 记者张三报道，今年全市生产总值增长10%。\n"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert decode_bytes(text.encode("gbk"), "x") == text


def test_crlf_and_cr_become_lf_and_other_spaces_are_kept():
    data = "标题\r\n\u3000\u3000正文\u00a0第一段\r第二段\r\n".encode("utf-8")
    assert decode_bytes(data, "x") == "标题\n\u3000\u3000正文\u00a0第一段\n第二段\n"


def test_binary_bytes_are_refused_with_a_reason():
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(bytes(range(256)) * 40, "blob.bin")


def test_forced_wrong_encoding_names_the_byte():
    with pytest.raises(InputError, match=r"undecodable bytes as ascii at byte 0"):
        decode_bytes("中文".encode("utf-8"), "x.txt", encoding="ascii")


def test_unknown_forced_encoding_is_an_input_error():
    with pytest.raises(InputError, match="unknown encoding"):
        decode_bytes(b"abc", "x.txt", encoding="no-such-codec")


TEXT_CHARACTERS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff") | st.sampled_from("\n\t")


@given(st.text(TEXT_CHARACTERS, min_size=1).filter(str.strip))
def test_any_text_without_control_characters_round_trips_through_utf8_detection(text):
    assert decode_bytes(text.encode("utf-8"), "x") == text


def test_empty_file_is_an_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n\n")
    with pytest.raises(InputError, match="empty input"):
        read_text(Source(str(empty), empty))


def test_folders_are_searched_recursively_in_sorted_order(tmp_path):
    for name in ["b/2.txt", "a/1.txt", "a/0.txt", "c.md"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = [source.path.relative_to(tmp_path).as_posix() for source in expand_inputs([str(tmp_path)], quiet_log())]
    assert found == ["a/0.txt", "a/1.txt", "b/2.txt"]
    found_md = [source.path.name for source in expand_inputs([str(tmp_path)], quiet_log(), pattern="*.md")]
    assert found_md == ["c.md"]


def test_globs_missing_files_and_empty_folders_are_reported(tmp_path):
    (tmp_path / "p1.txt").write_text("x", encoding="utf-8")
    (tmp_path / "p2.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    log = quiet_log()
    args = [str(tmp_path / "p*.txt"), str(tmp_path / "missing.txt"), str(tmp_path / "empty"), str(tmp_path / "q*.txt")]
    found = [source.path.name for source in expand_inputs(args, log)]
    assert found == ["p1.txt", "p2.txt"]
    reasons = [error.reason for error in log.errors]
    assert reasons == ["no such file or directory", "no files matching '*.txt' in this directory", "no files match this pattern"]
    assert log.exit_status == 1


def test_no_argument_means_stdin():
    assert [source.name for source in expand_inputs([], quiet_log())] == ["-"]


def test_strict_log_stops_at_first_error():
    log = quiet_log(strict=True)
    with pytest.raises(StopOnError):
        list(expand_inputs(["/no/such/file"], log))


def test_jsonl_inputs_stream_records_and_report_bad_lines_by_number(tmp_path):
    path = tmp_path / "records.jsonl"
    lines = [dumps({"type": "article", "id": "a#1", "text": "一"}), "{not json", "", "[1, 2]", dumps({"type": "article", "id": "a#2"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = quiet_log()
    records = list(iter_records([str(path)], log))
    assert [record["id"] for record in records] == ["a#1", "a#2"]
    assert [(error.line, error.reason.split(" (")[0]) for error in log.errors] == [
        (2, "invalid JSON"),
        (4, "a JSON line must be an object"),
    ]
    assert str(log.errors[0]).startswith(f"{path}:2: invalid JSON")


def test_text_inputs_become_document_records(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(PAGE.encode("gb18030"))
    (record,) = list(iter_records([str(path)], quiet_log()))
    assert record == {"type": "document", "id": str(path), "source": str(path), "text": PAGE}


def test_dumps_keeps_chinese_readable_on_one_line():
    line = dumps({"type": "figure", "text": "增长31.7%", "nested": {"a": [1, 2]}})
    assert "\n" not in line and "增长31.7%" in line
    assert json.loads(line)["nested"] == {"a": [1, 2]}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16", "utf-16-le"])
def test_jsonl_inputs_in_other_encodings_are_detected_not_garbled(tmp_path, encoding):
    records = [{"type": "article", "id": f"a#{n}", "title": "逐梦春天里 阔步新征程", "text": "实到外资4.03亿美元。" * 40}
               for n in range(1, 4)]
    path = tmp_path / "records.jsonl"
    path.write_bytes("".join(dumps(record) + "\n" for record in records).encode(encoding))
    log = quiet_log()
    assert list(iter_records([str(path)], log)) == records
    assert log.errors == []


def test_jsonl_lines_that_do_not_decode_are_reported_by_number_not_replaced(tmp_path):
    good = [dumps({"type": "article", "id": f"a#{n}", "text": "增长31.7%"}).encode("utf-8") for n in range(2000)]
    bad = dumps({"type": "article", "id": "bad", "text": "增长9.1%"}).encode("gbk")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([*good[:1999], bad, good[1999]]) + b"\n")  # the bad line is past the sniffed head
    log = quiet_log()
    records = list(iter_records([str(path)], log))
    assert [record["id"] for record in records] == [f"a#{n}" for n in range(2000)]
    assert {record["text"] for record in records} == {"增长31.7%"}
    assert [(error.line, error.reason.split(" at ")[0]) for error in log.errors] == [(2000, "undecodable bytes as utf-8")]


def test_forced_encoding_applies_to_jsonl_inputs(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_bytes(dumps({"type": "article", "id": "a#1", "text": "增长31.7%"}).encode("gbk") + b"\n")
    (record,) = list(iter_records([str(path)], quiet_log(), encoding="gbk"))
    assert record["text"] == "增长31.7%"
    log = quiet_log()
    assert list(iter_records([str(path)], log, encoding="no-such-codec")) == []
    assert [error.reason for error in log.errors] == ["unknown encoding 'no-such-codec'"]


def test_an_empty_jsonl_file_is_a_stream_of_no_records_but_empty_text_is_an_error(tmp_path):
    (tmp_path / "none.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    log = quiet_log()
    assert list(iter_records([str(tmp_path / "none.jsonl"), str(tmp_path / "empty.txt")], log)) == []
    assert [(error.source.rsplit("/", 1)[-1], error.reason) for error in log.errors] == [("empty.txt", "empty input")]
