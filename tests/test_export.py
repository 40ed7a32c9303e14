"""`newsmine export` and newsmine.export: every format read back by the tool people would use."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmine.export import xlsx as xlsx_module
from newsmine.cli import app
from newsmine.export import ExportError, export_records, flat_value

DATA = Path(__file__).resolve().parent / "data"
PASSTHROUGH = DATA / "pinghu-passthrough.jsonl"  # articles, each followed by its figures
FIGURES = DATA / "pinghu-figures.jsonl"
NEWSMINE = [sys.executable, "-m", "newsmine"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def of_type(records: list[dict], record_type: str) -> list[dict]:
    return [record for record in records if record["type"] == record_type]


def columns_of(records: list[dict]) -> list[str]:
    return list(dict.fromkeys(name for record in records for name in record))


def as_text(value: object) -> str:
    """How a value reads back from CSV/TSV/Markdown as a string."""
    value = flat_value(value)
    return "" if value is None else str(value)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or ".tmp" in p.name)


@pytest.fixture
def records() -> list[dict]:
    return read_jsonl(PASSTHROUGH)


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt, separator", [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_round_trip(tmp_path, runner, records, fmt, separator):
    out = tmp_path / f"records.{fmt}"
    result = runner.invoke(app, ["export", str(PASSTHROUGH), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(out, sep=separator, dtype=str, keep_default_na=False)
    assert list(frame.columns) == columns_of(records)
    assert len(frame) == len(records)
    for row, record in zip(frame.to_dict("records"), records):
        assert row == {name: as_text(record.get(name)) for name in frame.columns}
    article = frame.iloc[0]
    assert article["title"] == "逐梦春天里 阔步新征程"
    assert json.loads(article["authors"]) == ["胡佳英"]
    assert json.loads(article["paragraphs"]) == records[0]["paragraphs"]  # newlines, quotes, commas survive


def test_excel_flag_adds_bom(tmp_path, runner):
    out = tmp_path / "figures.csv"
    result = runner.invoke(app, ["export", str(FIGURES), "-o", str(out), "--excel"])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbftype,id,")
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert frame["metric"].iloc[0] == "总投资"


def test_xlsx_round_trip_one_sheet_per_type(tmp_path, runner, records):
    out = tmp_path / "page.xlsx"
    result = runner.invoke(app, ["export", str(PASSTHROUGH), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["article", "figure"]
    for name in book.sheetnames:
        expected = of_type(records, name)
        rows = list(book[name].iter_rows(values_only=True))
        header = list(rows[0])
        assert header == columns_of(expected)
        assert len(rows) - 1 == len(expected)
        for row, record in zip(rows[1:], expected):
            for column, value in zip(header, row):
                wanted = flat_value(record.get(column))
                assert value == wanted or (value is None and wanted in (None, "")), (column, value, wanted)
    figure = dict(zip(*list(book["figure"].iter_rows(values_only=True))[:2]))
    assert figure["text"] == "150亿元" and figure["value"] == 15_000_000_000


def test_parquet_round_trip_keeps_lists(tmp_path, runner, records):
    out = tmp_path / "page.parquet"
    result = runner.invoke(app, ["export", str(PASSTHROUGH), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    table = pq.read_table(out)
    assert table.column_names == columns_of(records)
    assert table.num_rows == len(records)
    for row, record in zip(table.to_pylist(), records):
        assert row == {name: record.get(name) for name in table.column_names}
    assert str(table.schema.field("authors").type) == "list<element: string>"
    assert str(table.schema.field("value").type) == "double"  # ints (18) and floats in one column
    assert pd.read_parquet(out)["title"].iloc[0] == "逐梦春天里 阔步新征程"


def test_sqlite_round_trip_one_table_per_type(tmp_path, runner, records):
    out = tmp_path / "page.sqlite"
    result = runner.invoke(app, ["export", str(PASSTHROUGH), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(out) as db:
        db.row_factory = sqlite3.Row
        for name in ("article", "figure"):
            rows = [dict(row) for row in db.execute(f"SELECT * FROM {name} ORDER BY rowid")]
            assert rows == [{column: flat_value(record.get(column)) for column in rows[0]} for record in of_type(records, name)]
        title, authors = db.execute("SELECT title, authors FROM article WHERE id = 'pinghu-front-page.txt#2'").fetchone()
    assert title == "逐梦春天里 阔步新征程" and json.loads(authors) == ["胡佳英"]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_formats_round_trip(tmp_path, runner, records, fmt):
    out = tmp_path / f"page.{fmt}"
    result = runner.invoke(app, ["export", str(PASSTHROUGH), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "逐梦春天里" in text  # not \u escapes
    back = read_jsonl(out) if fmt == "jsonl" else json.loads(text)
    assert back == records


def test_markdown_table(tmp_path, runner, records):
    out = tmp_path / "figures.md"
    result = runner.invoke(app, ["export", str(PASSTHROUGH), "-o", str(out), "--type", "article", "--fields", "id,title,text"])
    assert result.exit_code == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    articles = of_type(records, "article")
    assert lines[:2] == ["| id | title | text |", "| --- | --- | --- |"]
    assert len(lines) == 2 + len(articles)  # each article's multi-line text stays on one row
    cells = [cell.strip() for cell in lines[2].strip("|").split(" | ")]
    assert cells[:2] == ["pinghu-front-page.txt#2", "逐梦春天里 阔步新征程"]
    assert cells[2].replace("<br>", "\n") == articles[0]["text"]


def test_text_input_exports_as_a_document(tmp_path, runner, sample_page):
    out = tmp_path / "page.jsonl"
    result = runner.invoke(app, ["export", str(sample_page), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    [document] = read_jsonl(out)
    assert document["type"] == "document"
    assert "逐梦春天里 阔步新征程" in document["text"]


# --------------------------------------------------------------------------- options


def test_fields_and_type_to_stdout(runner, records):
    result = runner.invoke(
        app, ["export", str(PASSTHROUGH), "-o", "-", "-f", "csv", "--type", "figure", "--fields", "metric,value,text"]
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    figures = of_type(records, "figure")
    assert lines[0] == "metric,value,text"
    assert len(lines) == 1 + len(figures)
    assert lines[1] == "总投资,15000000000.0,150亿元"


def test_stdin_to_stdout_jsonl(runner):
    result = runner.invoke(app, ["export", "-o", "-", "-f", "jsonl", "--fields", "id,unit"], input=FIGURES.read_text())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[3]) == {"id": "pinghu-front-page.txt#2/4", "unit": "美元"}


def test_contract_field_nobody_has_is_an_empty_column_with_a_warning(tmp_path, runner):
    out = tmp_path / "f.csv"
    result = runner.invoke(app, ["export", str(FIGURES), "-o", str(out), "--fields", "id,date"])
    assert result.exit_code == 0, result.stderr
    assert "date" in result.stderr
    assert pd.read_csv(out)["date"].isna().all()


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "sqlite", "xlsx"])
def test_unknown_field_is_a_usage_error_naming_it_and_the_known_ones(tmp_path, runner, fmt):
    """Issue 12.18: `--fields text,valu` wrote an empty valu column with exit 0."""
    out = tmp_path / f"f.{fmt}"
    result = runner.invoke(app, ["export", str(FIGURES), "-o", str(out), "--fields", "text,valu"])
    assert result.exit_code == 2
    message = result.stderr
    assert "unknown field(s) 'valu' (did you mean 'value'?)" in message
    assert "the records have: type, id, article, source, text, start, end, kind, value" in message
    if fmt == "sqlite":  # written in place, rolled back: an empty database
        with sqlite3.connect(out) as db:
            assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    else:
        assert list(tmp_path.iterdir()) == []


def test_unknown_field_to_stdout_is_a_usage_error(runner):
    result = runner.invoke(app, ["export", str(FIGURES), "-f", "csv", "--fields", "id,colour"])
    assert result.exit_code == 2
    assert "unknown field(s) 'colour'" in result.stderr


def test_a_field_that_only_later_records_have_is_known(tmp_path):
    records = [{"type": "note", "id": str(n), **({"remark": "补记"} if n == 40 else {})} for n in range(50)]
    out = tmp_path / "notes.csv"
    export_records(records, out, fields=["id", "remark"], batch_values=4)
    assert pd.read_csv(out, dtype=str)["remark"].tolist()[39:41] == [None, "补记"] or out.read_text().count("补记") == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "-"], "needs --format"),
        (["-o", "-", "-f", "xlsx"], "cannot be written to stdout"),
        (["-o", "out.unknown"], "cannot tell the format"),
        (["-o", "out.parquet", "--excel"], "--excel applies to csv and tsv"),
        (["-o", "out.csv", "--table", "t"], "--table applies to sqlite and xlsx"),
        (["-o", "out.csv", "--replace"], "--replace applies to sqlite"),
        (["-o", "out.csv", "--recreate"], "--recreate applies to sqlite"),
        (["-o", "out.parquet", "--escape-formulas"], "--escape-formulas applies to csv and tsv"),
    ],
)
def test_usage_errors(tmp_path, runner, args, message):
    result = runner.invoke(app, ["export", str(FIGURES), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not list(tmp_path.iterdir())


def test_format_option_overrides_extension(tmp_path, runner):
    out = tmp_path / "figures.txt"
    result = runner.invoke(app, ["export", str(FIGURES), "-o", str(out), "--format", "tsv"])
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("type\tid\tarticle\t")


# --------------------------------------------------------------------------- SQLite upsert


def sqlite_rows(path: Path, table: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT id, metric, value FROM {table} ORDER BY id").fetchall()


def test_sqlite_rerun_does_not_duplicate_and_updates_changed_rows(tmp_path, runner, records):
    out = tmp_path / "news.db"
    for _ in range(2):
        assert runner.invoke(app, ["export", str(FIGURES), "-o", str(out)]).exit_code == 0
    figures = of_type(records, "figure")
    assert len(sqlite_rows(out, "figure")) == len(figures)

    changed = dict(figures[0], metric="签约总投资", value=1.6e10)
    result = runner.invoke(app, ["export", "-o", str(out)], input=json.dumps(changed, ensure_ascii=False) + "\n")
    assert result.exit_code == 0, result.stderr
    rows = dict((id_, (metric, value)) for id_, metric, value in sqlite_rows(out, "figure"))
    assert len(rows) == len(figures)
    assert rows[figures[0]["id"]] == ("签约总投资", 1.6e10)
    assert rows[figures[1]["id"]] == ("完成投资", 1.122e10)


def test_sqlite_appends_new_ids_and_new_columns(tmp_path, runner):
    out = tmp_path / "news.db"
    assert runner.invoke(app, ["export", str(FIGURES), "-o", str(out), "--table", "figures"]).exit_code == 0
    later = {"type": "figure", "id": "2022-02-08#1/1", "text": "七成", "start": 0, "end": 2, "value": 70.0,
             "metric": "员工", "sentence": "七成", "date": "2022-02-08", "page": 1}  # fmt: skip
    result = runner.invoke(app, ["export", "-o", str(out), "--table", "figures"], input=json.dumps(later) + "\n")
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(out) as db:
        assert db.execute("SELECT count(*) FROM figures").fetchone()[0] == len(read_jsonl(FIGURES)) + 1
        assert db.execute("SELECT date, page FROM figures WHERE id = '2022-02-08#1/1'").fetchone() == ("2022-02-08", 1)
        assert db.execute("SELECT count(*) FROM figures WHERE date IS NULL").fetchone()[0] == len(read_jsonl(FIGURES))


def test_sqlite_recreate_starts_fresh(tmp_path, runner):
    out = tmp_path / "news.db"
    assert runner.invoke(app, ["export", str(FIGURES), "-o", str(out)]).exit_code == 0
    one = read_jsonl(FIGURES)[4]
    result = runner.invoke(app, ["export", "-o", str(out), "--recreate"], input=json.dumps(one) + "\n")
    assert result.exit_code == 0, result.stderr
    assert sqlite_rows(out, "figure") == [(one["id"], one["metric"], one["value"])]


def test_sqlite_replace_replaces_rows_with_the_same_id_as_sqlite_utils_does(tmp_path, runner):
    """Issue 12.24: --replace dropped the whole table; in sqlite-utils it replaces the rows with the same key."""
    out = tmp_path / "news.db"
    figures = read_jsonl(FIGURES)
    noted = dict(figures[0], note="核对过")
    assert runner.invoke(app, ["export", str(FIGURES), "-o", str(out)]).exit_code == 0
    assert runner.invoke(app, ["export", "-o", str(out)], input=json.dumps(noted) + "\n").exit_code == 0
    corrected = {"type": "figure", "id": figures[0]["id"], "metric": "签约总投资", "value": 1.6e10}

    def row() -> tuple:
        with sqlite3.connect(out) as db:
            return db.execute("SELECT metric, value, note, text FROM figure WHERE id = ?", (figures[0]["id"],)).fetchone()

    assert runner.invoke(app, ["export", "-o", str(out)], input=json.dumps(corrected) + "\n").exit_code == 0
    assert row() == ("签约总投资", 1.6e10, "核对过", figures[0]["text"])  # upsert: columns not written are kept
    result = runner.invoke(app, ["export", "-o", str(out), "--replace"], input=json.dumps(corrected) + "\n")
    assert result.exit_code == 0, result.stderr
    assert row() == ("签约总投资", 1.6e10, None, None)  # replace: the whole row is the new record
    assert len(sqlite_rows(out, "figure")) == len(figures)


def test_recreate_and_replace_do_not_go_together(tmp_path, runner):
    result = runner.invoke(app, ["export", str(FIGURES), "-o", str(tmp_path / "n.db"), "--recreate", "--replace"])
    assert result.exit_code == 2
    assert "cannot go together" in result.stderr


def test_sqlite_existing_non_database_is_a_clear_error(tmp_path, runner):
    out = tmp_path / "notes.db"
    out.write_text("not a database, just notes\n" * 100)
    result = runner.invoke(app, ["export", str(FIGURES), "-o", str(out)])
    assert result.exit_code == 1
    assert "notes.db" in result.stderr and "Traceback" not in result.stderr
    assert out.read_text().startswith("not a database")


# --------------------------------------------------------------------------- columns that appear late


def late_column_records() -> list[dict]:
    """Five figures, then five more that carry `date` (null at first) and `page` for the first time."""
    base = read_jsonl(FIGURES)[:10]
    return [
        {**record, "approx": None} if n < 5 else {**record, "date": "2022-02-08", "page": n}
        for n, record in enumerate(base)
    ]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "markdown", "xlsx", "parquet", "sqlite"])
def test_columns_that_appear_after_the_first_chunk(tmp_path, fmt):
    records = late_column_records()
    out = tmp_path / f"late.{fmt}"
    assert export_records(iter(records), out, fmt, batch_values=3) == len(records)
    if fmt in ("csv", "tsv"):
        frame = pd.read_csv(out, sep="\t" if fmt == "tsv" else ",", dtype=str, keep_default_na=False)
        header, rows = list(frame.columns), frame.values.tolist()
    elif fmt == "markdown":
        lines = out.read_text(encoding="utf-8").splitlines()
        header, *rows = [[cell.strip() for cell in line[1:-1].split("|")] for line in lines[:1] + lines[2:]]
    elif fmt == "xlsx":
        rows = list(openpyxl.load_workbook(out, read_only=True)["figure"].iter_rows(values_only=True))
        header = list(rows[0])  # trailing empty cells do not exist in a sheet: pad them
        rows = [list(row) + [None] * (len(header) - len(row)) for row in rows[1:]]
    elif fmt == "parquet":
        table = pq.read_table(out)
        header, rows = table.column_names, [list(row.values()) for row in table.to_pylist()]
        assert str(table.schema.field("date").type) == "string"
        assert str(table.schema.field("page").type) == "int64"
    else:
        with sqlite3.connect(out) as db:
            cursor = db.execute("SELECT * FROM figure ORDER BY rowid")
            header, rows = [d[0] for d in cursor.description], [list(row) for row in cursor]
    assert header[-2:] == ["date", "page"]
    assert len(rows) == len(records)
    assert rows[0][-1] in (None, "") and str(rows[9][-1]) == "9" and rows[9][-2] == "2022-02-08"


def test_stdout_leaves_out_late_columns_with_a_warning():
    import io

    out, warnings = io.StringIO(), []
    export_records(late_column_records(), "-", "csv", batch_values=3, stream=out, on_warning=warnings.append)
    assert "date" not in out.getvalue().splitlines()[0]
    assert len(out.getvalue().splitlines()) == 11
    assert "date, page" in warnings[0]


def test_parquet_conflicting_types_fall_back_to_text(tmp_path):
    records = [{"type": "x", "id": "1", "page": 3}, {"type": "x", "id": "2", "page": "A3"}, {"type": "x", "id": "3", "page": [1]}]
    warnings: list[str] = []
    export_records(records, tmp_path / "p.parquet", batch_values=1, on_warning=warnings.append)
    assert pq.read_table(tmp_path / "p.parquet").column("page").to_pylist() == ["3", "A3", "[1]"]
    export_records(records, tmp_path / "q.parquet", batch_values=10, on_warning=warnings.append)
    assert pq.read_table(tmp_path / "q.parquet").column("page").to_pylist() == ["3", "A3", "[1]"]
    assert any("page" in message for message in warnings)
    export_records([{"type": "x", "id": "1", "marks": [{}]}], tmp_path / "e.parquet", on_warning=warnings.append)
    assert pq.read_table(tmp_path / "e.parquet").column("marks").to_pylist() == ["[{}]"]  # Parquet has no empty struct


# --------------------------------------------------------------------------- atomic writes


def failing_after(records: list[dict], count: int, error: BaseException):
    yield from records[:count]
    raise error


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "parquet", "markdown", "jsonl", "json", "sqlite"])
@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failure_mid_export_keeps_the_previous_file(tmp_path, records, fmt, error):
    out = tmp_path / f"good.{fmt}"
    export_records(records, out, fmt)
    before = out.read_bytes()
    with pytest.raises(type(error)):
        export_records(failing_after(records * 3, 50, error), out, fmt, batch_values=7)
    assert out.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_failure_on_a_new_file_leaves_nothing(tmp_path, records):
    for fmt in ("csv", "sqlite", "parquet"):
        with pytest.raises(RuntimeError):
            export_records(failing_after(records, 10, RuntimeError("boom")), tmp_path / f"new.{fmt}", fmt, batch_values=4)
    # SQLite writes into the database itself (so that concurrent exports are safe): what stays is
    # an empty database, no tables, no journal.
    assert [path.name for path in tmp_path.iterdir()] == ["new.sqlite"]
    assert (tmp_path / "new.sqlite").stat().st_size == 0


def test_sqlite_failure_rolls_back_an_existing_database(tmp_path, records):
    out = tmp_path / "news.db"
    export_records(of_type(records, "figure")[:5], out)
    before = sqlite_rows(out, "figure")
    changed = [dict(r, metric="改过") for r in of_type(records, "figure")]
    with pytest.raises(KeyboardInterrupt):
        export_records(failing_after(changed, 12, KeyboardInterrupt()), out, batch_values=4)
    assert sqlite_rows(out, "figure") == before
    assert leftovers(tmp_path) == []


def test_xlsx_row_limit_is_a_clear_error(tmp_path, records, monkeypatch):
    monkeypatch.setattr(xlsx_module, "XLSX_MAX_ROWS", 10)
    out = tmp_path / "too-long.xlsx"
    with pytest.raises(ExportError, match="more than 10 rows"):
        export_records(records, out)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_a_real_export_keeps_the_previous_file(tmp_path):
    out = tmp_path / "figures.csv"
    out.write_text("a previous good export\n", encoding="utf-8")
    line = FIGURES.read_text(encoding="utf-8").splitlines()[0] + "\n"
    process = subprocess.Popen(
        [*NEWSMINE, "export", "-o", str(out)], stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    )
    process.stdin.write((line * 30_000).encode())  # a few chunks, and the input stays open
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while not leftovers(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(tmp_path), "the export never started its temporary file"
    process.send_signal(signal.SIGINT)
    process.stdin.close()
    assert process.wait(timeout=30) == 130
    assert out.read_text(encoding="utf-8") == "a previous good export\n"
    assert leftovers(tmp_path) == []


def test_new_file_gets_ordinary_permissions(tmp_path, records):
    out = tmp_path / "f.csv"
    export_records(records, out)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


# --------------------------------------------------------------------------- bad input


BAD_LINES = [
    '{"type":"figure","id":"a#1/1","article":"a#1","text":"5%","start":2,"end":4,"value":5,"sentence":"增长5%"}',
    "{not json",
    '{"type":"widget","id":"w1"}',
    '{"type":"figure","id":"a#1/2","article":"a#1","text":"x","start":"3","end":4,"sentence":"x"}',
    '{"type":"widget","id":"w2"}',
    '["a list"]',
    '{"type":"figure","id":"a#1/3","article":"a#1","text":"七成","start":0,"end":2,"value":70,"sentence":"七成"}',
]


@pytest.fixture
def bad_input(tmp_path) -> Path:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(BAD_LINES) + "\n", encoding="utf-8")
    return path


def test_bad_lines_are_reported_and_good_records_exported(tmp_path, runner, bad_input):
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", str(bad_input), "-o", str(out)])
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"error: {bad_input}:2: invalid JSON")
    assert errors[1].startswith(f"error: {bad_input}:3: unknown record type 'widget'")
    assert errors[2] == f"error: {bad_input}:4: figure field 'start' should be an integer, got string '3'; record skipped"
    assert errors[3] == f"error: {bad_input}:6: a JSON line must be an object"
    assert errors[4] == f"error: {bad_input}: 1 more record of unknown type 'widget' skipped"
    assert len(errors) == 5
    assert "Traceback" not in result.stderr
    assert pd.read_csv(out)["id"].tolist() == ["a#1/1", "a#1/3"]


def test_type_option_accepts_an_unknown_type(tmp_path, runner, bad_input):
    result = runner.invoke(app, ["export", str(bad_input), "-o", "-", "-f", "jsonl", "--type", "widget"])
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["w1", "w2"]
    assert "widget" not in result.stderr  # only the broken lines are reported
    assert result.exit_code == 1


def test_strict_stops_at_the_first_bad_line_and_writes_nothing(tmp_path, runner, bad_input):
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["export", str(bad_input), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert result.stderr.count("error:") == 1 and ":2: invalid JSON" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]


def test_an_export_whose_inputs_all_failed_keeps_the_previous_file(tmp_path, runner):
    out = tmp_path / "figures.csv"
    out.write_text("a previous good export\n", encoding="utf-8")
    result = runner.invoke(app, ["export", str(tmp_path / "missing.jsonl"), "-o", str(out)])
    assert result.exit_code == 1
    assert "missing.jsonl: no such file or directory" in result.stderr
    assert out.read_text(encoding="utf-8") == "a previous good export\n"
    assert leftovers(tmp_path) == []


def test_many_bad_records_are_summarised(tmp_path, runner):
    path = tmp_path / "many.jsonl"
    path.write_text("".join('{"type":"figure","id":"%d","start":"x"}\n' % n for n in range(50)), encoding="utf-8")
    result = runner.invoke(app, ["export", str(path), "-o", "-", "-f", "csv"])
    assert result.exit_code == 1
    assert result.stderr.count("should be an integer") == 20
    assert f"error: {path}: 30 more records with wrong field types skipped" in result.stderr


# --------------------------------------------------------------------------- properties


text_values = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
flat_records = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.just("note"),
            "id": st.text(min_size=1, max_size=8),
            "body": text_values,
            "tags": st.lists(st.text(max_size=5), max_size=3),
        },
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=flat_records)
def test_any_text_survives_csv_and_sqlite(tmp_path_factory, notes):
    folder = tmp_path_factory.mktemp("prop")
    notes = list({note["id"]: note for note in notes}.values())  # ids are unique in real streams
    fields = ["id", "body", "tags"]
    export_records(notes, folder / "n.csv", fields=fields, batch_values=5, on_warning=lambda message: None)
    frame = pd.read_csv(folder / "n.csv", dtype=str, keep_default_na=False)
    expected = [[as_text(note.get(name)) for name in fields] for note in notes]
    # (CSV cannot tell an empty string from a missing value: both read back as "")
    assert frame.values.tolist() == expected
    export_records(notes, folder / "n.db", fields=fields, table="note", batch_values=5, on_warning=lambda message: None)
    with sqlite3.connect(folder / "n.db") as db:
        rows = db.execute("SELECT id, body, tags FROM note ORDER BY rowid").fetchall() if notes else []
    assert [list(row) for row in rows] == [[flat_value(note.get(name)) for name in fields] for note in notes]


# --------------------------------------------------------------------------- the whole pipe


def test_sample_page_pipeline_to_a_spreadsheet(tmp_path, sample_page):
    """The README pipe, as processes: split | stats --passthrough | export -o page.xlsx."""
    out = tmp_path / "page.xlsx"
    split = subprocess.run([*NEWSMINE, "split", str(sample_page)], capture_output=True, check=True)
    stats = subprocess.run([*NEWSMINE, "stats", "--passthrough"], input=split.stdout, capture_output=True, check=True)
    subprocess.run([*NEWSMINE, "export", "-o", str(out)], input=stats.stdout, capture_output=True, check=True)
    streamed = [json.loads(line) for line in stats.stdout.decode().splitlines()]
    sheets = pd.read_excel(out, sheet_name=None, dtype=str, keep_default_na=False)
    assert list(sheets) == ["article", "figure"]
    for name, frame in sheets.items():
        expected = of_type(streamed, name)
        assert frame["id"].tolist() == [record["id"] for record in expected]
        assert frame["text"].tolist() == [record["text"] for record in expected]
    assert "逐梦春天里 阔步新征程" in sheets["article"]["title"].tolist()


def test_segmented_articles_with_offsets_export_and_show(tmp_path, runner, sample_page):
    """`segment --offsets` turns tokens into objects: export and show must take them, not skip them."""
    split = runner.invoke(app, ["split", str(sample_page)])
    segmented = runner.invoke(app, ["segment", "--offsets", "--pos"], input=split.stdout)
    assert segmented.exit_code == 0, segmented.stderr
    articles = [json.loads(line) for line in segmented.stdout.splitlines()]
    path = tmp_path / "segmented.jsonl"
    path.write_text(segmented.stdout, encoding="utf-8")
    out = tmp_path / "words.parquet"
    result = runner.invoke(app, ["export", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert pq.read_table(out).column("tokens").to_pylist() == [article["tokens"] for article in articles]
    csv_out = runner.invoke(app, ["export", str(path), "-f", "csv", "--fields", "id,tokens"])
    assert csv_out.exit_code == 0, csv_out.stderr
    frame = pd.read_csv(io.StringIO(csv_out.stdout))
    assert [json.loads(cell) for cell in frame["tokens"]] == [article["tokens"] for article in articles]
    shown = runner.invoke(app, ["show", str(path), "--limit", "2"])
    assert shown.exit_code == 0, shown.stderr
    assert "逐梦春天里 阔步新征程" in shown.stdout


# --------------------------------------------------------------------------- issue 12: unsafe and concurrent


FORMULA_CELLS = ["=HYPERLINK(\"http://example.invalid\",\"点这里\")", "+86-573", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def formula_records() -> list[dict]:
    return [
        {"type": "figure", "id": f"f#{n}", "text": cell, "value": -5 - n, "metric": "利润", "sentence": cell}
        for n, cell in enumerate(FORMULA_CELLS)
    ]


def export_stdin(runner, records: list[dict], *args: str):
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    result = runner.invoke(app, ["export", *args], input=lines)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("fmt, separator", [("csv", ","), ("tsv", "\t")])
@pytest.mark.parametrize("option", ["--excel", "--escape-formulas"])
def test_text_cells_that_spreadsheets_read_as_formulas_are_neutralised(tmp_path, runner, fmt, separator, option):
    """Issue 12.19: cells starting with = + - @ tab or CR were written verbatim, also with --excel."""
    out = tmp_path / f"f.{fmt}"
    export_stdin(runner, formula_records(), "-o", str(out), option)
    frame = pd.read_csv(out, sep=separator, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["text"].tolist() == ["'" + cell for cell in FORMULA_CELLS]
    assert frame["sentence"].tolist() == ["'" + cell for cell in FORMULA_CELLS]
    assert frame["value"].tolist() == [str(-5 - n) for n in range(len(FORMULA_CELLS))]  # numbers stay numbers
    assert frame["metric"].tolist() == ["利润"] * len(FORMULA_CELLS)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") == (option == "--excel")


def test_plain_csv_keeps_cells_as_they_are(tmp_path, runner):
    out = tmp_path / "f.csv"
    export_stdin(runner, formula_records(), "-o", str(out))
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert frame["text"].tolist() == FORMULA_CELLS


def test_two_exports_into_one_new_database_at_once_keep_both(tmp_path):
    """Issue 12.2: both exited 0 but the file held only the last one's rows."""
    figure = read_jsonl(FIGURES)[0]
    inputs = []
    for part in ("a", "b"):
        path = tmp_path / f"{part}.jsonl"
        path.write_text("".join(json.dumps(dict(figure, id=f"{part}#{n}"), ensure_ascii=False) + "\n" for n in range(40_000)))
        inputs.append(path)
    out = tmp_path / "news.db"
    processes = [subprocess.Popen([*NEWSMINE, "export", str(path), "-o", str(out)], stderr=subprocess.PIPE) for path in inputs]
    for process in processes:
        assert process.wait(timeout=300) == 0, process.stderr.read().decode()
    with sqlite3.connect(out) as db:
        counts = db.execute("SELECT substr(id, 1, 1), count(*) FROM figure GROUP BY 1 ORDER BY 1").fetchall()
    assert counts == [("a", 40_000), ("b", 40_000)]
    assert leftovers(tmp_path) == []


def start_export_and_wait_for_its_temporary_file(tmp_path: Path, out: Path) -> subprocess.Popen:
    line = FIGURES.read_text(encoding="utf-8").splitlines()[0] + "\n"
    process = subprocess.Popen([*NEWSMINE, "export", "-o", str(out)], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write((line * 30_000).encode())  # a few batches, and the input stays open
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while not leftovers(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(tmp_path), "the export never started its temporary file"
    return process


@pytest.mark.parametrize("fmt, signal_number", [("csv", signal.SIGTERM), ("xlsx", signal.SIGTERM), ("parquet", signal.SIGKILL)])
def test_a_killed_export_leaves_nothing_after_the_next_one(tmp_path, fmt, signal_number):
    """Issue 12.21: SIGTERM or kill left .NAME.XXXX.tmp beside the output (and xlsx staging files), never cleaned."""
    out = tmp_path / f"figures.{fmt}"
    process = start_export_and_wait_for_its_temporary_file(tmp_path, out)
    process.send_signal(signal_number)
    process.stdin.close()
    process.wait(timeout=30)
    assert not out.exists()
    result = subprocess.run([*NEWSMINE, "export", str(FIGURES), "-o", str(out)], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    assert leftovers(tmp_path) == []
    assert out.exists()


def test_the_temporary_files_of_a_running_export_are_kept(tmp_path):
    out = tmp_path / "figures.csv"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        alive = tmp_path / f".figures.csv.{running.pid}.0a1b2c3d.tmp"
        stale = tmp_path / f".figures.csv.{dead.pid}.0a1b2c3d.tmp"
        staging = tmp_path / f".figures.csv.{dead.pid}.0a1b2c3d.tmp.staging"
        other = tmp_path / f".other.csv.{dead.pid}.0a1b2c3d.tmp"
        for path in (alive, stale, other):
            path.write_text("partial")
        staging.mkdir()
        (staging / "openpyxl.xyz.xml").write_text("<sheet/>")
        result = subprocess.run([*NEWSMINE, "export", str(FIGURES), "-o", str(out)], capture_output=True)
        assert result.returncode == 0, result.stderr.decode()
        assert alive.exists() and other.exists()
        assert not stale.exists() and not staging.exists()
    finally:
        running.kill()
        running.wait()


# --------------------------------------------------------------------------- Parquet through pyarrow


def odd_lines() -> list[str]:
    """Lines pyarrow's JSON reader would take differently from json.loads and the contract checks."""
    figure = read_jsonl(FIGURES)[1]
    article = read_jsonl(PASSTHROUGH)[0]

    def line(record: dict) -> str:
        return json.dumps(record, ensure_ascii=False)

    many = "[" + ",".join(['{"n": 1}'] * 2500) + "]"  # as many "{" as deep nesting would have
    return [
        line(dict(figure, text=None)),  # explicit null where the contract wants a string
        line(dict(article, authors=["胡佳英", None])),  # a null inside a list of strings
        line(dict(figure, start=3.0)),  # a float where the contract wants an integer
        line(dict(figure, value=True)),  # a boolean is not a number
        line(figure).replace('"value": 11220000000.0', '"value": NaN'),
        line(figure) + " " + line(figure),  # two objects on one line
        "",
        "null",
        '{"type": "widget", "id": "w1"}',
        '{"type": "figure", "id": "many", "nested": %s}' % many,
        line(dict(figure, id="big", value=2**60 + 1)),  # beyond a double's exact integers: the nearest double
        line(dict(figure, id="stamp", note="2022-02-08")),  # a date-like string outside the contract stays a string
        '{"type": "figure", "id": "dup", "id": "dup2"}',
        "{not json",
    ]


def mixed_input(tmp_path: Path) -> Path:
    good = FIGURES.read_text(encoding="utf-8").splitlines()
    lines = []
    for n, odd in enumerate(odd_lines()):
        lines += good[n % len(good) : n % len(good) + 3] + [odd]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"type": "figure", "id": "bad\xff"}\n')
    return path


@pytest.mark.parametrize("block_bytes", [1 << 20, 1500])
def test_parquet_through_pyarrow_agrees_with_the_record_path(tmp_path, runner, monkeypatch, block_bytes):
    """Whatever pyarrow reads, Parquet gets exactly the records (and the error lines) the other formats get."""
    from newsmine.export import parquet as parquet_module

    monkeypatch.setattr(parquet_module, "ARROW_BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(parquet_module, "RECORD_BLOCK_BYTES", min(block_bytes, 600))
    path = mixed_input(tmp_path)
    as_jsonl = runner.invoke(app, ["export", str(path), "-o", str(tmp_path / "out.jsonl")])
    as_parquet = runner.invoke(app, ["export", str(path), "-o", str(tmp_path / "out.parquet")])
    assert "Traceback" not in as_parquet.stderr
    assert as_parquet.exit_code == as_jsonl.exit_code == 1
    assert as_parquet.stderr == as_jsonl.stderr  # the same error lines, no warning
    expected = read_jsonl(tmp_path / "out.jsonl")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column_names == columns_of(expected)
    rows = table.to_pylist()
    assert [row["id"] for row in rows] == [record["id"] for record in expected]
    for row, record in zip(rows, expected):
        for name, value in record.items():
            wanted = float(value) if name in ("value", "low", "high") and value is not None else value
            assert row[name] == wanted or (wanted != wanted and row[name] != row[name]), (record["id"], name)  # NaN
    assert {str(table.schema.field(name).type) for name in ("note", "metric", "text")} == {"string"}
    assert str(table.schema.field("value").type) == "double" and str(table.schema.field("start").type) == "int64"


def test_nesting_deep_enough_to_crash_pyarrow_is_left_to_python():
    from newsmine.export.parquet import _ArrowReader, arrow_types

    deep = b'{"type": "note", "id": "deep", "nested": ' + b"[" * 20_000 + b"]" * 20_000 + b"}\n"
    reader = _ArrowReader(arrow_types(), None)
    assert reader.read(b'{"type": "note", "id": "flat"}\n' + deep, 2) is None  # and the process is still alive
    assert reader.read(b"null\n", 1) is None


def test_clean_json_lines_go_to_parquet_without_python_records(tmp_path, runner, monkeypatch):
    from newsmine.export.common import JsonLines

    def no_records(self):
        raise AssertionError("parsed in Python")

    monkeypatch.setattr(JsonLines, "records", no_records)
    out = tmp_path / "page.parquet"
    result = runner.invoke(app, ["export", str(PASSTHROUGH), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert pq.read_table(out).num_rows == len(read_jsonl(PASSTHROUGH))


def test_a_contract_field_first_seen_later_is_read_by_pyarrow_with_its_type(tmp_path, runner, monkeypatch):
    """`date` looks like a timestamp to pyarrow: once seen, later blocks read it as a string, in C."""
    from newsmine.export import parquet as parquet_module
    from newsmine.export.common import JsonLines

    figures = read_jsonl(FIGURES)
    lines = [json.dumps(figures[0], ensure_ascii=False)] + [
        json.dumps(dict(figure, id=f"{figure['id']}-{n}", date="2022-02-08"), ensure_ascii=False)
        for n in range(20) for figure in figures
    ]  # fmt: skip
    path = tmp_path / "dated.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = []
    original = JsonLines.records
    monkeypatch.setattr(JsonLines, "records", lambda self: parsed.append(len(self.data)) or original(self))
    monkeypatch.setattr(parquet_module, "ARROW_BLOCK_BYTES", 40_000)
    out = tmp_path / "dated.parquet"
    result = runner.invoke(app, ["export", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    table = pq.read_table(out)
    assert str(table.schema.field("date").type) == "string"
    assert table.column("date").to_pylist() == [None] + ["2022-02-08"] * (len(lines) - 1)
    assert parsed == []  # no block needed Python


def test_parquet_types_come_from_the_record_contract(tmp_path, runner):
    """Issue 12.15: floats with integers >= 2**53 made `value` a string column; `edition` was
    written as type null and `page_marks` as list<null> (export's copy of the schema had drifted)."""
    article = dict(read_jsonl(PASSTHROUGH)[0], edition=None, page_marks=[], page_refs=[])
    figures = [dict(read_jsonl(FIGURES)[0], value=1.5), dict(read_jsonl(FIGURES)[1], value=2**53 + 1)]
    path = tmp_path / "mixed-values.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [article, *figures]), encoding="utf-8")
    for args in ([str(path)], ["--type", "figure", str(path)]):  # through pyarrow, and through Python records
        out = tmp_path / "out.parquet"
        result = runner.invoke(app, ["export", *args, "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        table = pq.read_table(out)
        assert str(table.schema.field("value").type) == "double"
        assert table.column("value").to_pylist()[-2:] == [1.5, float(2**53)]
        if "--type" not in args:
            assert str(table.schema.field("edition").type) == "string"
            assert str(table.schema.field("page_marks").type) == "list<element: string>"
