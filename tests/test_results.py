"""results.json: atomic writes, strict JSON, schema version."""

import json
import math
import os

import pytest

from actlab.results import RESULTS_FILE, SCHEMA_VERSION, load_results, write_results


def test_write_then_load_round_trip(tmp_path):
    results = {"schema_version": SCHEMA_VERSION, "final": {"test": {"accuracy": 0.9}}}
    path = write_results(tmp_path, results)
    assert path == tmp_path / RESULTS_FILE
    assert load_results(tmp_path) == results
    assert load_results(path) == results


def test_non_finite_floats_become_null(tmp_path):
    results = {"schema_version": SCHEMA_VERSION, "values": [math.nan, math.inf, 1.5]}
    path = write_results(tmp_path, results)
    assert json.loads(path.read_text())["values"] == [None, None, 1.5]


def test_failed_write_keeps_old_file(tmp_path):
    write_results(tmp_path, {"schema_version": SCHEMA_VERSION, "run": 1})
    with pytest.raises(TypeError):
        write_results(tmp_path, {"schema_version": SCHEMA_VERSION, "bad": object()})
    assert load_results(tmp_path)["run"] == 1
    assert [p.name for p in tmp_path.iterdir()] == [RESULTS_FILE]


def test_interrupted_write_keeps_old_file(tmp_path, monkeypatch):
    write_results(tmp_path, {"schema_version": SCHEMA_VERSION, "run": 1})

    def fail_replace(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", fail_replace)
    with pytest.raises(KeyboardInterrupt):
        write_results(tmp_path, {"schema_version": SCHEMA_VERSION, "run": 2})
    monkeypatch.undo()
    assert load_results(tmp_path)["run"] == 1
    assert [p.name for p in tmp_path.iterdir()] == [RESULTS_FILE]


def test_unsupported_schema_version_names_it(tmp_path):
    (tmp_path / RESULTS_FILE).write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(ValueError, match="schema_version=99 is not supported"):
        load_results(tmp_path)


def test_written_file_follows_umask(tmp_path):
    path = write_results(tmp_path, {"schema_version": SCHEMA_VERSION})
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
