"""The segment cache: built once, read back, rebuilt when its sources change, safe when processes
start together, and never in the way (an unwritable or corrupt cache is rebuilt in memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from newsmine.segment import Segmenter
from newsmine.segment.cache import CACHE_DIR_ENV, cache_key, cached_arrays, cached_json
from newsmine.segment.posseg import PosHmm


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


def test_a_value_is_built_once_and_read_back(cache_folder):
    builds = []

    def build():
        builds.append(1)
        return {"words": ["亿欧元", "个百分点"], "total": 3}

    assert cached_json("demo", "k1", build) == cached_json("demo", "k1", build) == {"words": ["亿欧元", "个百分点"], "total": 3}
    assert len(builds) == 1
    assert [path.name for path in cache_folder.iterdir()] == ["demo-k1.json"]


def test_arrays_round_trip_without_pickle(cache_folder):
    arrays = {"scores": np.array([-3.14e100, -np.inf, 0.5]), "chars": np.array(["的", "鑑"])}
    cached_arrays("demo", "k1", lambda: arrays)
    read = cached_arrays("demo", "k1", lambda: pytest.fail("rebuilt"))
    assert read.keys() == arrays.keys()
    assert all(np.array_equal(read[name], arrays[name]) for name in arrays)


def test_the_key_changes_with_the_parts_and_with_a_source_file(tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text("新征程 50 n\n", encoding="utf-8")
    key = cache_key("resolved", [["新征程", 50, "n"]], files=[source])
    assert key == cache_key("resolved", [["新征程", 50, "n"]], files=[source])
    assert key != cache_key("resolved", [["新征程", 60, "n"]], files=[source])
    source.write_text("新征程 50 n\n高质量发展 80 n\n", encoding="utf-8")
    assert key != cache_key("resolved", [["新征程", 50, "n"]], files=[source])


def test_a_corrupt_file_is_rebuilt_and_an_unwritable_folder_is_no_error(cache_folder, tmp_path, monkeypatch):
    cache_folder.mkdir()
    (cache_folder / "demo-k1.json").write_text('{"trunc', encoding="utf-8")
    assert cached_json("demo", "k1", lambda: [1, 2]) == [1, 2]
    assert json.loads((cache_folder / "demo-k1.json").read_text(encoding="utf-8")) == [1, 2]
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocked / "cache"))
    assert cached_json("demo", "k2", lambda: [3]) == [3]
    assert cached_arrays("demo", "k2", lambda: {"a": np.zeros(2)})["a"].tolist() == [0.0, 0.0]


def test_processes_starting_together_share_one_complete_file(cache_folder):
    """Each builds slowly into the same empty cache; each must end with the same complete value,
    and the folder with one file and no temporary leftovers."""
    script = textwrap.dedent(
        """
        import json, sys, time
        from newsmine.segment.cache import cached_json
        def build():
            time.sleep(0.5)
            return {"tokens": ["平湖"] * 200000}
        json.dump(len(cached_json("race", "k1", build)["tokens"]), sys.stdout)
        """
    )
    env = {**os.environ, CACHE_DIR_ENV: str(cache_folder)}
    workers = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 4
    assert outputs == [b"200000"] * 4
    assert [path.name for path in cache_folder.iterdir()] == ["race-k1.json"]


def test_the_pos_model_is_cached_and_the_same_when_read_back(cache_folder):
    built = PosHmm()
    assert len(list(cache_folder.glob("posseg-hmm-*.npz"))) == 1
    read = PosHmm()
    for run in ("程铄钦说", "黯黯", "新质生产"):
        assert read.viterbi(run) == built.viterbi(run)


def test_a_user_dictionary_is_resolved_once(cache_folder, tmp_path):
    user = tmp_path / "user.txt"
    user.write_text("央视网消息\n高质量发展\n新征程 50 n\n", encoding="utf-8")
    first = Segmenter(user_dicts=[user]).entries
    resolved = list(cache_folder.glob("resolved-frequencies-*.json"))
    assert len(resolved) == 1
    assert Segmenter(user_dicts=[user]).entries == first
    assert all(entry.freq is not None for entry in first)
    user.write_text("央视网消息 7\n", encoding="utf-8")
    Segmenter(user_dicts=[user])  # every frequency given: nothing to resolve, nothing cached
    assert list(cache_folder.glob("resolved-frequencies-*.json")) == resolved
