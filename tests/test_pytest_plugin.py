"""openml-lite's pytest plugin (src/openml_lite/pytest_plugin.py, entry point pytest11):
the session fixture ``openml_mirror``, used here as a project would use it (no fixture of
this repository's conftest.py), and in fresh projects run by pytest's ``pytester``: the
options and ini keys, the error without scikit-learn, and no cost to a project that does
not ask for the fixture."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import openml_lite
from openml_lite.mirror.build import default_fixtures_dir

pytest_plugins = ["pytester"]

IRIS_PARQUET = "/datasets/0000/0061/dataset_61.pq"
IRIS_FEATURES = ["sepallength", "sepalwidth", "petallength", "petalwidth"]
IRIS_CLASSES = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
# what a project that does not use the fixture must not get by having openml-lite installed
HEAVY = ("numpy", "pandas", "pyarrow", "sklearn", "scipy", "polars", "fastparquet", "openml_lite.mirror")


def _get(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as answer:
        return answer.status, dict(answer.headers), answer.read()


def _status(url) -> int:
    try:
        return _get(url)[0]
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_fetch_openml_reads_the_mirror_from_the_environment(openml_mirror, tmp_path):
    assert openml_mirror.url.startswith("http://127.0.0.1:") and not openml_mirror.url.endswith("/")
    assert os.environ["OPENML_LITE_BASE_URL"] == openml_mirror.url
    assert {61, 40945} <= {rec["data_id"] for rec in openml_mirror.datasets}
    openml_mirror.reset_requests()

    iris = openml_lite.fetch_openml(data_id=61, data_home=str(tmp_path))  # no base_url

    assert iris.frame.shape == (150, 5)
    assert iris.data.shape == (150, 4) and iris.target.shape == (150,)
    assert iris.feature_names == IRIS_FEATURES and iris.target_names == ["class"]
    assert list(iris.target.cat.categories) == IRIS_CLASSES
    assert iris.target.value_counts().tolist() == [50, 50, 50]
    assert iris.details["id"] == "61" and iris.details["name"] == "iris"
    assert openml_lite.last_load_report().source == "parquet"
    served = openml_mirror.requests()
    paths = [r["path"] for r in served]
    assert "/api/v1/json/data/61" in paths and IRIS_PARQUET in paths
    assert not [p for p in paths if p.startswith("/data/v1/download/")]  # no ARFF
    assert all(r["method"] == "GET" and r["status"] == 200 for r in served)
    assert set(served[0]) >= {"method", "path", "status", "range"}
    assert openml_mirror.reset_requests() == len(served) and openml_mirror.requests() == []


def test_add_file_serves_bytes_with_cors_and_range(openml_mirror):
    url = openml_mirror.add_file("/files/notes.txt", b"0123456789")
    assert url == openml_mirror.url + "/files/notes.txt"
    status, headers, body = _get(url, {"Origin": "http://example.test"})
    assert (status, body) == (200, b"0123456789")
    assert headers["Content-Type"] == "text/plain" and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, body = _get(url, {"Range": "bytes=2-4"})
    assert (status, body, headers["Content-Range"]) == (206, b"234", "bytes 2-4/10")
    openml_mirror.add_file("/files/notes.txt", b"new")  # replaced
    assert _get(url)[2] == b"new"
    assert openml_mirror.requests()[-1]["path"] == "/files/notes.txt"

    # a path of OpenML's API is answered as the mirror answers it: origins made its own,
    # an error body with HTTP 412
    doc = {"data_set_description": {"id": "990070", "url": "https://www.openml.org/data/v1/download/1"}}
    openml_mirror.add_file("/api/v1/json/data/990070", json.dumps(doc).encode())
    assert (openml_mirror.folder / "api/v1/json/data/990070.json").is_file()
    served = json.loads(_get(openml_mirror.url + "/api/v1/json/data/990070")[2])
    assert served["data_set_description"]["url"] == openml_mirror.url + "/data/v1/download/1"
    openml_mirror.add_file("/api/v1/json/data/990071", b'{"error": {"code": "111", "message": "Unknown dataset"}}')
    assert _status(openml_mirror.url + "/api/v1/json/data/990071") == 412
    assert _status(openml_mirror.url + "/files/not-added.txt") == 404


def _recorded_iris_as(folder: Path, data_id: int, file_id: int, name: str) -> Path:
    """sklearn's recorded iris responses (id_61), renamed to another id, file id and name:
    a folder in scikit-learn's recorded layout."""
    recorded = default_fixtures_dir() / "id_61"
    target = folder / f"id_{data_id}"
    target.mkdir(parents=True)

    def load(name_):
        return json.loads(gzip.decompress((recorded / name_).read_bytes()))

    def save(name_, doc):
        (target / name_).write_bytes(gzip.compress(json.dumps(doc).encode()))

    desc = load("api-v1-jd-61.json.gz")
    desc["data_set_description"].update(id=str(data_id), file_id=str(file_id), name=name)
    save(f"api-v1-jd-{data_id}.json.gz", desc)
    save(f"api-v1-jdf-{data_id}.json.gz", load("api-v1-jdf-61.json.gz"))
    save(f"api-v1-jdq-{data_id}.json.gz", load("api-v1-jdq-61.json.gz"))
    shutil.copy(recorded / "data-v1-dl-61.arff.gz", target / f"data-v1-dl-{file_id}.arff.gz")
    return folder


def test_add_responses_in_sklearns_recorded_layout(openml_mirror, tmp_path):
    folder = _recorded_iris_as(tmp_path / "recorded", 990061, 99006101, "iris-again")
    [record] = openml_mirror.add_responses(folder)
    assert record["data_id"] == 990061 and record["name"] == "iris-again" and record["has_parquet"]
    assert 990061 in {rec["data_id"] for rec in openml_mirror.datasets}
    assert (openml_mirror.folder / "datasets/0099/990061/dataset_990061.pq").is_file()
    openml_mirror.reset_requests()

    again = openml_lite.fetch_openml(data_id=990061, cache=False)

    iris = openml_lite.fetch_openml(data_id=61, cache=False)
    assert again.frame.equals(iris.frame)
    assert "/datasets/0099/990061/dataset_990061.pq" in [r["path"] for r in openml_mirror.requests()]


def test_add_responses_at_openml_url_paths(openml_mirror, tmp_path):
    """The other layout: files at their URL paths (what the mirror itself stores, or
    answers saved from openml.org), copied as they are."""
    served, folder, new = openml_mirror.folder, tmp_path / "saved", 990062
    desc = json.loads((served / "api/v1/json/data/61.json").read_text())
    desc["data_set_description"].update(
        id=str(new), name="iris-saved",
        parquet_url=f"https://data.openml.org/datasets/0099/{new}/dataset_{new}.pq")
    files = {
        f"api/v1/json/data/{new}.json": json.dumps(desc).encode(),
        f"api/v1/json/data/features/{new}.json": (served / "api/v1/json/data/features/61.json").read_bytes(),
        f"api/v1/json/data/qualities/{new}.json": (served / "api/v1/json/data/qualities/61.json").read_bytes(),
        f"datasets/0099/{new}/dataset_{new}.pq": (served / IRIS_PARQUET[1:]).read_bytes(),
    }
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)

    [record] = openml_mirror.add_responses(folder)

    assert (record["data_id"], record["name"], record["has_parquet"]) == (new, "iris-saved", True)
    loaded = openml_lite.fetch_openml(data_id=new, cache=False)
    assert loaded.frame.shape == (150, 5) and loaded.details["name"] == "iris-saved"

    (folder / "notes.txt").write_text("not an OpenML response")
    with pytest.raises(ValueError, match="not at an OpenML URL path: notes.txt"):
        openml_mirror.add_responses(folder)


# -- fresh projects (pytester) ----------------------------------------------------------

USES_THE_FIXTURE = """
    import os

    import openml_lite


    def test_iris(openml_mirror, tmp_path):
        assert os.environ["OPENML_LITE_BASE_URL"] == openml_mirror.url
        openml_mirror.reset_requests()
        iris = openml_lite.fetch_openml(data_id=61, data_home=str(tmp_path))
        assert iris.frame.shape == (150, 5)
        paths = [r["path"] for r in openml_mirror.requests()]
        assert "/datasets/0000/0061/dataset_61.pq" in paths
        assert not any(p.startswith("/data/v1/download/") for p in paths)
"""


def _inner(pytester, *args):
    # pytest-pyodide and pytest-asyncio (when installed) have nothing to do here
    return pytester.runpytest("-p", "no:pytest_pyodide", "-p", "no:asyncio", *args)


def test_a_fresh_project_uses_the_fixture(pytester):
    pytester.makepyfile(USES_THE_FIXTURE)
    before = os.environ.get("OPENML_LITE_BASE_URL")
    result = _inner(pytester)
    result.assert_outcomes(passed=1)
    assert os.environ.get("OPENML_LITE_BASE_URL") == before  # restored at the session's end


def test_options_serve_only_the_given_folders(pytester, tmp_path):
    responses = _recorded_iris_as(tmp_path / "responses", 990063, 99006301, "iris-mine")
    pytester.makepyfile("""
        import pytest

        import openml_lite


        def test_only_mine(openml_mirror):
            assert [rec["data_id"] for rec in openml_mirror.datasets] == [990063]
            assert openml_lite.fetch_openml(data_id=990063, cache=False).frame.shape == (150, 5)
            with pytest.raises(openml_lite.DatasetNotFoundError):
                openml_lite.fetch_openml(data_id=61, cache=False)
    """)
    result = _inner(pytester, "--openml-mirror-no-defaults", f"--openml-mirror-responses={responses}")
    result.assert_outcomes(passed=1)

    # the same from the ini file (paths relative to it)
    shutil.copytree(responses, pytester.path / "openml-responses")
    pytester.makeini("""
        [pytest]
        openml_mirror_responses = openml-responses
        openml_mirror_defaults = false
    """)
    _inner(pytester).assert_outcomes(passed=1)
    result = _inner(pytester, "--help")
    result.stdout.fnmatch_lines(["*--openml-mirror-responses=DIR*", "*--openml-mirror-no-defaults*",
                                 "*openml_mirror_responses (paths)*"])


def test_without_scikit_learn_the_error_says_what_to_install(pytester, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "sklearn" else real(name, *args))
    pytester.makepyfile("def test_it(openml_mirror):\n    pass\n")
    result = _inner(pytester)
    result.assert_outcomes(errors=1)
    assert "scikit-learn is not installed: pip install 'openml-lite[mirror]'" in result.stdout.str()


# -- no cost to projects that do not use it --------------------------------------------

REPORT_SESSION = """
    import json, os, sys, threading


    def pytest_unconfigure(config):
        report = {
            "plugin": config.pluginmanager.hasplugin("openml_lite"),
            "modules": sorted(sys.modules),
            "threads": [t.name for t in threading.enumerate()],
            "base_url": os.environ.get("OPENML_LITE_BASE_URL"),
            "mirror_folders": [str(p) for p in config._tmp_path_factory.getbasetemp().glob("openml-mirror*")]
            if config._tmp_path_factory._basetemp else [],
        }
        with open("report.json", "w") as f:
            json.dump(report, f)
"""


def test_a_project_that_does_not_use_the_fixture_pays_nothing(pytester, monkeypatch):
    """The plugin is loaded (entry point) but builds, starts and imports nothing: the
    modules it adds to a run are openml-lite's own package and the standard library."""
    monkeypatch.delenv("OPENML_LITE_BASE_URL", raising=False)  # this session's mirror set it
    pytester.makeconftest(REPORT_SESSION)
    pytester.makepyfile("def test_nothing(tmp_path):\n    assert tmp_path.is_dir()\n")
    reports = {}
    for label, args in [("with", ()), ("without", ("-p", "no:openml_lite"))]:
        result = pytester.runpytest_subprocess("-p", "no:pytest_pyodide", "-p", "no:asyncio",
                                               "-p", "no:cacheprovider", *args)
        result.assert_outcomes(passed=1)
        reports[label] = json.loads((pytester.path / "report.json").read_text())
    used, baseline = reports["with"], reports["without"]
    assert used["plugin"] and not baseline["plugin"]
    assert not [m for m in used["modules"] if m.startswith(HEAVY)]
    added = set(used["modules"]) - set(baseline["modules"])
    foreign = sorted(m for m in added if m.split(".")[0] not in sys.stdlib_module_names
                     and m.split(".")[0] not in ("openml_lite", "_openml_lite_editable"))
    assert not foreign, f"the plugin imported {foreign}"
    assert not [t for t in used["threads"] if "mirror" in t]
    assert used["base_url"] is None and used["mirror_folders"] == []


def test_importing_the_plugin_imports_no_data_stack():
    code = ("import sys, json; import openml_lite.pytest_plugin; "
            f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({HEAVY!r}))))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert json.loads(out.stdout) == []
