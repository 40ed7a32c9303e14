"""CLI behaviour shared by every command: bad input, exit codes, pipes, Ctrl-C, help and docs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import typer.main

from newsmine.cli import app

from conftest import ROOT, SAMPLE_PAGE

NEWSMINE = [sys.executable, "-m", "newsmine"]


def parse_jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_good_files_still_come_through_when_others_fail(runner, tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    result = runner.invoke(app, ["split", str(missing), str(SAMPLE_PAGE), str(binary), str(empty)])
    assert result.exit_code == 1
    articles = parse_jsonl(result.stdout)
    assert {article["source"] for article in articles} == {str(SAMPLE_PAGE)}
    assert len(articles) == 6
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"error: {missing}: no such file or directory",
        f"error: {binary}: binary file (not text); skipped",
        f"error: {empty}: empty input",
    ]
    assert "Traceback" not in result.stderr


def test_undecodable_bytes_with_forced_encoding_name_the_file(runner):
    result = runner.invoke(app, ["split", "--encoding", "ascii", str(SAMPLE_PAGE)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {SAMPLE_PAGE}: undecodable bytes as ascii at byte ")


def test_strict_stops_at_the_first_bad_input(runner, tmp_path):
    missing = tmp_path / "missing.txt"
    result = runner.invoke(app, ["split", "--strict", str(missing), str(SAMPLE_PAGE)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_gbk_page_splits_like_its_utf8_original(runner, tmp_path):
    gbk = tmp_path / "page-gbk.txt"
    gbk.write_bytes(SAMPLE_PAGE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gbk"))
    from_gbk = parse_jsonl(runner.invoke(app, ["split", str(gbk)]).stdout)
    from_utf8 = parse_jsonl(runner.invoke(app, ["split", str(SAMPLE_PAGE)]).stdout)
    strip = lambda records: [{k: v for k, v in r.items() if k not in ("id", "source")} for r in records]  # noqa: E731
    assert strip(from_gbk) == strip(from_utf8)


def test_stdin_is_read_when_no_path_is_given(runner):
    result = runner.invoke(app, ["split"], input=SAMPLE_PAGE.read_bytes())
    assert result.exit_code == 0
    articles = parse_jsonl(result.stdout)
    assert [article["id"] for article in articles][:2] == ["-#1", "-#2"]


def test_folders_give_one_stream_in_sorted_order(runner, tmp_path):
    for name in ["2022/02/11/01.txt", "2022/02/10/02.txt", "2022/02/10/01.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SAMPLE_PAGE.read_bytes())
    result = runner.invoke(app, ["split", str(tmp_path)])
    sources = list(dict.fromkeys(article["source"] for article in parse_jsonl(result.stdout)))
    assert [os.path.relpath(source, tmp_path) for source in sources] == [
        "2022/02/10/01.txt",
        "2022/02/10/02.txt",
        "2022/02/11/01.txt",
    ]


def test_jobs_keep_input_order(runner, tmp_path):
    paths = []
    for number in range(6):
        path = tmp_path / f"page{number}.txt"
        path.write_bytes(SAMPLE_PAGE.read_bytes())
        paths.append(str(path))
    serial = runner.invoke(app, ["split", *paths])
    parallel = runner.invoke(app, ["split", "--jobs", "2", *paths])
    assert parallel.exit_code == 0
    assert parallel.stdout == serial.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_piping_into_head_ends_quietly(tmp_path, jobs):
    many = [str(SAMPLE_PAGE)] * 300
    pipeline = subprocess.run(
        " ".join(NEWSMINE + ["split", "--jobs", jobs, *many]) + " | head -n 2",
        shell=True, capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert len(pipeline.stdout.splitlines()) == 2
    assert pipeline.stderr == ""


def test_ctrl_c_exits_130_without_a_traceback():
    process = subprocess.Popen(
        NEWSMINE + ["split", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    process.stdin.write(SAMPLE_PAGE.read_bytes())
    process.stdin.flush()
    time.sleep(1.5)  # let the interpreter start and block on stdin
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"Traceback" not in stderr


def test_folder_without_matching_files_is_reported(runner, tmp_path):
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["split", str(tmp_path), str(SAMPLE_PAGE)])
    assert result.exit_code == 1
    assert len(parse_jsonl(result.stdout)) == 6
    assert result.stderr == f"error: {tmp_path}: no files matching '*.txt' in this directory\n"


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes as a name")
def test_file_names_that_are_not_utf8_are_reported_not_written_into_records(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / os.fsdecode(b"\xb5\xda1\xb0\xe6.txt")).write_bytes(SAMPLE_PAGE.read_bytes())  # "第1版" in GBK
    (folder / "p2.txt").write_bytes(SAMPLE_PAGE.read_bytes())
    result = subprocess.run(
        NEWSMINE + ["split", str(folder)], capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    )
    assert result.returncode == 1
    assert {article["source"] for article in parse_jsonl(result.stdout.decode("utf-8"))} == {str(folder / "p2.txt")}
    assert result.stderr.decode("utf-8") == f"error: {folder}/\\udcb5\\udcda1\\udcb0\\udce6.txt: the file name is not valid UTF-8; rename the file\n"


def test_records_are_utf8_even_when_the_locale_is_not(tmp_path):
    """A GBK locale (as on a Chinese Windows) must not turn JSON lines into GBK, or crash on 😀."""
    page = tmp_path / "page.txt"
    page.write_text(SAMPLE_PAGE.read_text(encoding="utf-8") + "\n网友点赞😀超过3万次。\n", encoding="utf-8")
    environment = {**os.environ, "PYTHONIOENCODING": "gbk"}
    result = subprocess.run(NEWSMINE + ["split", str(page)], capture_output=True, cwd=ROOT, env=environment)
    assert result.returncode == 0, result.stderr
    articles = parse_jsonl(result.stdout.decode("utf-8"))
    assert "😀" in articles[-1]["text"] and articles[1]["title"] == "逐梦春天里 阔步新征程"


def test_usage_errors_exit_2(runner):
    result = runner.invoke(app, ["split", "--no-such-option"])
    assert result.exit_code == 2


def test_python_dash_m_and_version():
    result = subprocess.run(NEWSMINE + ["--version"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout.startswith("newsmine ")


def command_names() -> list[str]:
    return sorted(command.name for command in typer.main.get_command(app).commands.values())


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_and_a_readme_section(runner, name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"### `newsmine {name}`" in readme


def test_stats_passes_figure_records_through_instead_of_mining_them(runner):
    split = runner.invoke(app, ["split", str(SAMPLE_PAGE)]).stdout
    once = runner.invoke(app, ["stats", "--passthrough"], input=split).stdout
    figures_only = runner.invoke(app, ["stats"], input=once)
    assert figures_only.exit_code == 0
    first_ids = [record["id"] for record in parse_jsonl(once) if record["type"] == "figure"]
    again_ids = [record["id"] for record in parse_jsonl(figures_only.stdout)]
    assert again_ids == first_ids  # figures of the articles only, none of the figures themselves


def test_a_record_without_id_gets_figure_ids_that_point_back_to_its_line(runner):
    lines = '{"type":"article","id":"a#1","text":"无"}\n{"type":"article","text":"实到外资4.03亿美元"}\n'
    result = runner.invoke(app, ["stats"], input=lines)
    (figure,) = parse_jsonl(result.stdout)
    assert (figure["article"], figure["id"], figure["value"]) == ("-:2", "-:2/1", 403000000)


def test_every_record_the_stages_write_fits_the_contract(runner):
    from newsmine.checks import record_problem

    split = runner.invoke(app, ["split", str(SAMPLE_PAGE)]).stdout
    segmented = runner.invoke(app, ["segment", "--pos", "--keywords", "3", "--entities"], input=split).stdout
    mined = runner.invoke(app, ["stats", "--passthrough"], input=segmented).stdout
    records = parse_jsonl(mined)
    assert {record["type"] for record in records} == {"article", "figure"}
    assert [problem for record in records if (problem := record_problem(record))] == []


def test_split_refuses_records_given_instead_of_page_text(runner, tmp_path):
    records = tmp_path / "articles.jsonl"
    records.write_text(runner.invoke(app, ["split", str(SAMPLE_PAGE)]).stdout, encoding="utf-8")
    result = runner.invoke(app, ["split", str(records), str(SAMPLE_PAGE)])
    assert result.exit_code == 1
    assert len(parse_jsonl(result.stdout)) == 6
    assert result.stderr.strip() == f"error: {records}: this is JSON lines (records), not page text; split reads page text files"
