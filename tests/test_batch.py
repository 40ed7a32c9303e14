"""`newsmine run`: whole archives through split -> segment -> stats, parallel, resumable, observable."""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmine.batch import date_matcher
from newsmine.cli import app

from conftest import SAMPLE_PAGE

NEWSMINE = [sys.executable, "-m", "newsmine"]
SAMPLE_TEXT = SAMPLE_PAGE.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- helpers


def small_page(n: int) -> str:
    """A small constructed page: two short articles whose figures differ with `n`."""
    return (
        f"本市第{n}季度外贸进出口总额增长{n + 3}.5%\n\n■记者 王{n}\n\n"
        f"　　本报讯 今年以来，全市实现进出口总额{120 + n}亿元，同比增长{n + 3}.5%，"
        f"其中出口{80 + n}亿元，比上年提高{n}个百分点。\n\n"
        f"新建学校{n + 2}所\n\n"
        f"　　本报讯 我市今年新建中小学{n + 2}所，新增学位{1000 * n}个，惠及学生约{n}万名。\n"
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_archive(root: Path, days: int = 2, pages: int = 3) -> list[Path]:
    """A dated archive root/2022/02/DD/PP.txt: the sample page and small constructed pages."""
    files = []
    for day in range(days):
        for page in range(1, pages + 1):
            text = SAMPLE_TEXT if page == 1 else small_page(10 * day + page)
            files.append(write(root / "2022" / "02" / f"{10 + day:02d}" / f"{page:02d}.txt", text))
    return files


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def invoke(runner, args: list[str], cwd: Path):
    """Invoke the CLI in this process from `cwd`, so paths in records stay relative."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, args)
    finally:
        os.chdir(previous)


def run(runner, *args: str, cwd: Path):
    return invoke(runner, ["run", *args], cwd)


def run_process(*args: str, cwd: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [*NEWSMINE, "run", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen
    )


def outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "articles.jsonl").read_bytes(), (out / "figures.jsonl").read_bytes()


def summary_counts(stderr: str) -> dict[str, int]:
    """The processed / unchanged / failed numbers from the closing summary line."""
    line = next(line for line in stderr.splitlines() if line.startswith("newsmine run:") and " inputs in " in line)
    counts = {}
    for part in line.split(":", 2)[2].split(","):
        number, word = part.split()[:2]
        counts[word] = int(number.replace(",", ""))
    return counts


def wait_for_manifest_lines(out: Path, count: int, proc: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the run ended before it could be stopped: {proc.stderr.read()}"
        manifest = out / "manifest.jsonl"
        if manifest.exists():
            lines = manifest.read_bytes().count(b"\n")
            if lines >= count:
                return lines
        time.sleep(0.005)
    raise AssertionError("the run made no progress")


# --------------------------------------------------------------------------- outputs


def test_run_writes_the_stages_records_in_input_order(runner, tmp_path):
    make_archive(tmp_path / "archive")
    result = run(runner, "archive", "--out", "out", "--no-segment", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    out = tmp_path / "out"
    articles, figures = read_jsonl(out / "articles.jsonl"), read_jsonl(out / "figures.jsonl")

    # The same records as the stage commands give for each file, plus the date and page of its path.
    expected_articles, expected_figures = [], []
    for source in sorted((tmp_path / "archive").rglob("*.txt")):
        name = str(source.relative_to(tmp_path))
        date, page = f"2022-02-{source.parent.name}", int(source.stem)
        split = invoke(runner, ["split", name], cwd=tmp_path).stdout
        expected_articles += [{**article, "date": date, "page": page} for article in map(json.loads, split.splitlines())]
        stats = runner.invoke(app, ["stats"], input=split).stdout
        expected_figures += [{**figure, "date": date, "page": page} for figure in map(json.loads, stats.splitlines())]
    assert articles == expected_articles
    assert figures == expected_figures
    assert len(articles) > 6 and len(figures) > 10
    assert "errors    0" in result.stderr
    assert f"{len(articles):,} articles, {len(figures):,} figures" in result.stderr
    assert (out / "errors.jsonl").read_text() == ""


def test_segment_runs_by_default_and_no_segment_skips_it(runner, tmp_path):
    write(tmp_path / "2022-02-10-p01.txt", SAMPLE_TEXT)
    assert run(runner, ".", "--out", "seg", cwd=tmp_path).exit_code == 0
    assert run(runner, ".", "--out", "plain", "--no-segment", cwd=tmp_path).exit_code == 0
    segmented, plain = read_jsonl(tmp_path / "seg/articles.jsonl"), read_jsonl(tmp_path / "plain/articles.jsonl")
    piped = runner.invoke(app, ["segment"], input=(tmp_path / "plain/articles.jsonl").read_text(encoding="utf-8"))
    assert segmented == [json.loads(line) for line in piped.stdout.splitlines()]  # = `newsmine segment`
    assert set(segmented[0]) > set(plain[0])
    assert outputs(tmp_path / "seg")[1] == outputs(tmp_path / "plain")[1]  # figures never depend on segment


@pytest.mark.parametrize(
    ("relative", "date", "page"),
    [
        ("2022/02/10/01.txt", "2022-02-10", 1),
        ("20220211_02.txt", "2022-02-11", 2),
        ("2022-02-12-p03.txt", "2022-02-12", 3),
        ("rmrb_20170325_p04.txt", "2017-03-25", 4),
        ("xwlb/2023-12-01.txt", "2023-12-01", None),
        ("misc/front.txt", None, None),
        ("bad/20220230_01.txt", None, None),  # 30 February is no date
    ],
)
def test_date_and_page_come_from_the_path(runner, tmp_path, relative, date, page):
    write(tmp_path / "archive" / relative, small_page(1))
    result = run(runner, "archive", "--out", "out", "--no-segment", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    records = read_jsonl(tmp_path / "out/articles.jsonl") + read_jsonl(tmp_path / "out/figures.jsonl")
    assert records and {(record["date"], record["page"]) for record in records} == {(date, page)}


def test_date_pattern_overrides_the_default(runner, tmp_path):
    write(tmp_path / "archive/issue-10022022/seite-7.txt", small_page(2))
    pattern = r"issue-(?P<day>\d\d)(?P<month>\d\d)(?P<year>\d{4})/seite-(?P<page>\d+)"
    result = run(runner, "archive", "--out", "out", "--no-segment", "--date-pattern", pattern, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert {(a["date"], a["page"]) for a in read_jsonl(tmp_path / "out/articles.jsonl")} == {("2022-02-10", 7)}
    bad = run(runner, "archive", "--out", "out", "--date-pattern", "(?P<year>\\d{4}", cwd=tmp_path)
    assert bad.exit_code == 2 and "--date-pattern" in bad.output


@given(
    day=st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2099, 12, 31)),
    page=st.integers(1, 999),
    layout=st.sampled_from(
        ["{y}/{m}/{d}/{p:02d}.txt", "{y}{m}{d}_{p:02d}.txt", "{y}-{m}-{d}-p{p:02d}.txt", "paper_{y}{m}{d}_p{p}.txt",
         "scans/{y}年{m}月{d}日第{p}版.txt"]
    ),
)
def test_every_layout_gives_back_its_date_and_page(day, page, layout):
    path = "archive/" + layout.format(y=day.year, m=f"{day.month:02d}", d=f"{day.day:02d}", p=page)
    assert date_matcher(None).find(path) == (day.isoformat(), page)


# --------------------------------------------------------------------------- parallel engines


def test_jobs_2_writes_exactly_what_jobs_1_writes(tmp_path):
    make_archive(tmp_path / "archive", days=3)
    one = run_process("archive", "--out", "one", "--jobs", "1", cwd=tmp_path)
    two = run_process("archive", "--out", "two", "--jobs", "2", cwd=tmp_path)
    assert one.wait() == 0 and two.wait() == 0, two.stderr.read()
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert summary_counts(two.stderr.read())["processed"] == 9


def test_dask_engine_writes_exactly_what_the_local_engine_writes(runner, tmp_path):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    make_archive(tmp_path / "archive")
    local = run(runner, "archive", "--out", "local", cwd=tmp_path)
    assert local.exit_code == 0, local.output
    started = run_process("archive", "--out", "dask", "--engine", "dask", "--jobs", "2", cwd=tmp_path)
    _, stderr = started.communicate(timeout=120)
    assert started.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        existing = run(
            runner, "archive", "--out", "existing", "--engine", "dask", "--scheduler", cluster.scheduler_address,
            cwd=tmp_path,
        )
    assert existing.exit_code == 0, existing.output
    assert outputs(tmp_path / "existing") == outputs(tmp_path / "local")


def test_dask_engine_without_the_extra_says_how_to_install_it(tmp_path):
    write(tmp_path / "page.txt", small_page(1))
    code = (
        "import sys; sys.modules['dask'] = sys.modules['distributed'] = None; "
        "from newsmine.cli import main; sys.argv = ['newsmine', 'run', 'page.txt', '--out', 'out', '--engine', 'dask']; "
        "main()"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert "pip install 'newsmine[dask]'" in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- resume


def test_rerun_skips_unchanged_redoes_changed_and_force_redoes_all(runner, tmp_path):
    files = make_archive(tmp_path / "archive")
    first = run(runner, "archive", "--out", "out", "--no-segment", cwd=tmp_path)
    assert summary_counts(first.stderr) == {"processed": 6, "unchanged": 0, "failed": 0}
    out = tmp_path / "out"
    parts = sorted((out / "parts").rglob("*.part"))
    written = {part: part.stat().st_mtime_ns for part in parts}
    before = outputs(out)

    merged_at = (out / "articles.jsonl").stat().st_mtime_ns
    again = run(runner, "archive", "--out", "out", "--no-segment", cwd=tmp_path)
    assert summary_counts(again.stderr) == {"processed": 0, "unchanged": 6, "failed": 0}
    assert {part: part.stat().st_mtime_ns for part in parts} == written
    assert (out / "articles.jsonl").stat().st_mtime_ns == merged_at  # nothing to do: not even re-merged
    assert outputs(out) == before

    with open(out / "articles.jsonl", "r+b") as damaged:
        damaged.truncate(100)
    repaired = run(runner, "archive", "--out", "out", "--no-segment", cwd=tmp_path)
    assert summary_counts(repaired.stderr)["processed"] == 0
    assert outputs(out) == before

    files[1].write_text(small_page(99), encoding="utf-8")  # changed content
    os.utime(files[2], ns=(time.time_ns(), time.time_ns() + 10**9))  # touched, same bytes
    changed = run(runner, "archive", "--out", "out", "--no-segment", cwd=tmp_path)
    assert summary_counts(changed.stderr) == {"processed": 1, "unchanged": 5, "failed": 0}
    assert "本市第99季度" in (out / "articles.jsonl").read_text(encoding="utf-8")

    forced = run(runner, "archive", "--out", "out", "--no-segment", "--force", cwd=tmp_path)
    assert summary_counts(forced.stderr) == {"processed": 6, "unchanged": 0, "failed": 0}

    files[0].unlink()
    removed = run(runner, "archive", "--out", "out", "--no-segment", cwd=tmp_path)
    assert summary_counts(removed.stderr) == {"processed": 0, "unchanged": 5, "failed": 0}
    assert "1 input of an earlier run no longer given" in removed.stderr
    assert len(list((out / "parts").rglob("*.part"))) == 2 * 5
    assert len(read_jsonl(out / "manifest.jsonl")) == 5
    clean = run(runner, "archive", "--out", "clean", "--no-segment", cwd=tmp_path)
    assert clean.exit_code == 0
    assert outputs(out) == outputs(tmp_path / "clean")


def test_changed_settings_redo_every_input(runner, tmp_path):
    make_archive(tmp_path / "archive", days=1)
    run(runner, "archive", "--out", "out", "--no-segment", cwd=tmp_path)
    redo = run(runner, "archive", "--out", "out", "--no-segment", "--all-numbers", cwd=tmp_path)
    assert summary_counts(redo.stderr) == {"processed": 3, "unchanged": 0, "failed": 0}


def test_a_killed_run_loses_only_inputs_in_flight_and_a_rerun_completes_it(tmp_path):
    for n in range(120):
        write(tmp_path / "archive" / f"2022030{n % 5 + 1}_{n:03d}.txt", SAMPLE_TEXT + small_page(n))
    proc = run_process("archive", "--out", "out", "--jobs", "2", cwd=tmp_path, start_new_session=True)
    wait_for_manifest_lines(tmp_path / "out", 10, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    out = tmp_path / "out"
    assert not (out / "articles.jsonl").exists()  # merged only when a run completes
    manifest = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    recorded = [json.loads(line) for line in manifest[:-1]]  # the last line may be torn
    assert 10 <= len(manifest) < 120
    for part in (out / "parts").rglob("*.part"):  # every part is whole: written to a temp name, renamed
        for line in part.read_text(encoding="utf-8").splitlines():
            json.loads(line)

    rerun = run_process("archive", "--out", "out", "--jobs", "2", cwd=tmp_path)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    counts = summary_counts(stderr)
    assert counts["unchanged"] >= len(recorded) and counts["processed"] + counts["unchanged"] == 120
    clean = run_process("archive", "--out", "clean", "--jobs", "2", cwd=tmp_path)
    assert clean.wait(timeout=120) == 0
    assert outputs(out) == outputs(tmp_path / "clean")
    assert not list(out.rglob("*.tmp"))


def test_ctrl_c_exits_130_quietly_and_a_rerun_resumes(tmp_path):
    for n in range(120):
        write(tmp_path / "archive" / f"2022-03-{n % 28 + 1:02d}-p{n:03d}.txt", SAMPLE_TEXT + small_page(n))
    proc = run_process("archive", "--out", "out", "--jobs", "2", cwd=tmp_path, start_new_session=True)
    wait_for_manifest_lines(tmp_path / "out", 5, proc)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: to the whole process group
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert "interrupted after" in stderr and "run the same command again to resume" in stderr
    rerun = run_process("archive", "--out", "out", "--jobs", "2", cwd=tmp_path)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0
    assert summary_counts(stderr)["unchanged"] >= 5


# --------------------------------------------------------------------------- errors and messages


def test_bad_inputs_are_listed_and_the_rest_continue(runner, tmp_path):
    make_archive(tmp_path / "archive", days=1)
    (tmp_path / "archive/scan.txt").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "archive/empty.txt").write_text("\n  \n", encoding="utf-8")
    (tmp_path / "archive/gbk.txt").write_bytes(small_page(5).encode("gb18030"))
    result = run(runner, "archive", "missing-folder", "--out", "out", "--encoding", "utf-8", "--no-segment",
                 cwd=tmp_path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = read_jsonl(tmp_path / "out/errors.jsonl")
    reasons = {error["source"]: error["reason"] for error in errors}
    assert set(reasons) == {"missing-folder", "archive/scan.txt", "archive/empty.txt", "archive/gbk.txt"}
    assert reasons["missing-folder"] == "no such file or directory"
    assert reasons["archive/empty.txt"] == "empty input"
    assert reasons["archive/gbk.txt"].startswith("undecodable bytes as utf-8")
    for source, reason in reasons.items():
        assert f"error: {source}: {reason}" in result.stderr
    assert {article["source"] for article in read_jsonl(tmp_path / "out/articles.jsonl")} == {
        f"archive/2022/02/10/0{page}.txt" for page in (1, 2, 3)
    }
    assert summary_counts(result.stderr) == {"processed": 3, "unchanged": 0, "failed": 3}
    assert "errors    4 (listed in" in result.stderr

    (tmp_path / "archive/empty.txt").unlink()
    (tmp_path / "archive/scan.txt").unlink()
    (tmp_path / "archive/gbk.txt").unlink()
    fixed = run(runner, "archive", "--out", "out", "--encoding", "utf-8", "--no-segment", cwd=tmp_path)
    assert fixed.exit_code == 0
    assert (tmp_path / "out/errors.jsonl").read_text() == ""


def test_progress_lines_go_to_stderr_and_quiet_silences_them(runner, tmp_path):
    make_archive(tmp_path / "archive", days=1)
    result = run(runner, "archive", "--out", "out", "--no-segment", "--progress-every", "0", cwd=tmp_path)
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if "/3 inputs" in line]
    assert [line.split(" inputs")[0] for line in lines] == [f"newsmine run: {n}/3" for n in (1, 2, 3)]
    assert all("MB/s" in line and "ETA" in line for line in lines)
    quiet = run(runner, "archive", "--out", "quiet", "--no-segment", "--quiet", cwd=tmp_path)
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_usage_errors_and_a_busy_output_folder(runner, tmp_path):
    write(tmp_path / "page.txt", small_page(1))
    assert run(runner, "-", "--out", "out", cwd=tmp_path).exit_code == 2
    assert run(runner, "page.txt", "--out", "out", "--scheduler", "tcp://h:8786", cwd=tmp_path).exit_code == 2
    assert run(runner, "page.txt", "--out", "out", "--engine", "spark", cwd=tmp_path).exit_code == 2
    (tmp_path / "out").mkdir()
    with open(tmp_path / "out/.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        busy = run(runner, "page.txt", "--out", "out", cwd=tmp_path)
    assert busy.exit_code == 1
    assert "another `newsmine run` is writing to this folder" in busy.stderr


def test_export_writes_a_table_beside_the_json_lines(runner, tmp_path):
    make_archive(tmp_path / "archive", days=1)
    result = run(runner, "archive", "--out", "out", "--no-segment", "--export", "csv", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    import csv

    with open(tmp_path / "out/figures.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    figures = read_jsonl(tmp_path / "out/figures.jsonl")
    assert [row["id"] for row in rows] == [figure["id"] for figure in figures]
    assert {row["date"] for row in rows} == {"2022-02-10"}


def test_a_terminal_gets_a_progress_bar_and_stdout_stays_empty(tmp_path):
    import pty

    make_archive(tmp_path / "archive", days=1)
    terminal, stderr_end = pty.openpty()
    proc = subprocess.Popen(
        [*NEWSMINE, "run", "archive", "--out", "out", "--no-segment"],
        cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr_end,
    )
    os.close(stderr_end)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the run closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert proc.wait(timeout=60) == 0
    assert proc.stdout.read() == b""
    text = shown.decode("utf-8", "replace")
    assert "━" in text and "/3 files" in text and "ETA" in text  # the bar: done/total files, speed, time left
    assert "newsmine run: 3 inputs in" in text  # then the summary


def test_an_output_folder_inside_the_archive_is_not_read_as_input(runner, tmp_path):
    make_archive(tmp_path / "archive", days=1)
    first = run(runner, "archive", "--out", "archive/mined", "--glob", "*", "--no-segment", cwd=tmp_path)
    again = run(runner, "archive", "--out", "archive/mined", "--glob", "*", "--no-segment", cwd=tmp_path)
    assert summary_counts(first.stderr) == {"processed": 3, "unchanged": 0, "failed": 0}
    assert summary_counts(again.stderr) == {"processed": 0, "unchanged": 3, "failed": 0}


def test_exporting_a_run_folder_gives_each_record_once(tmp_path, runner):
    archive = tmp_path / "archive" / "2022" / "02" / "10"
    archive.mkdir(parents=True)
    shutil.copy(SAMPLE_PAGE, archive / "01.txt")
    out = tmp_path / "mined"
    assert runner.invoke(app, ["run", str(tmp_path / "archive"), "--out", str(out), "--no-segment", "-q"]).exit_code == 0
    database = tmp_path / "all.sqlite"
    result = runner.invoke(app, ["export", str(out), "-o", str(database)])
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(database) as connection:
        counts = {table: connection.execute(f"select count(*) from {table}").fetchone()[0]
                  for (table,) in connection.execute("select name from sqlite_master where type='table'")}
    assert counts == {"article": 6, "figure": 28, "input": 1}
