"""A static mirror (``python -m openml_lite.mirror export``), served by a plain static file
server (``python -m http.server``, not the mirror), loads every recorded dataset by id and by
name as the mirror does. The Node and browser runs of the same: tests/pyodide/
test_static_export_in_pyodide.py and tests/browser/test_static_export_in_browsers.py."""

from __future__ import annotations

import json
import warnings

import pytest

import openml_lite
from compare import assert_same
from openml_lite.mirror.__main__ import main
from openml_lite.mirror.export import INDEX, export_mirror
from static_exports import openml_urls, static_export_names
from support import DATASETS, PlainStaticServer

IDS = [d["data_id"] for d in DATASETS]
# every name lookup the mirror has (sklearn recorded some): (name, version) pairs
LOOKUPS = sorted({(d["name"].lower(), d["version"]) for d in DATASETS if d["lookups"]})


def load(base_url, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # inactive datasets, several active versions: as from the mirror
        result = openml_lite.fetch_openml(base_url=base_url, cache=False, **kwargs)
    return result, openml_lite.last_load_report()


def assert_same_load(static: dict, mirror: dict, mirror_url: str) -> None:
    mirror = {**mirror, "details": openml_urls(mirror["details"], mirror_url)}
    assert_same(static, mirror)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, mirror_url):
    folder = tmp_path_factory.mktemp("static-mirror")
    records = export_mirror(folder, IDS, static_export_names(), base_url=mirror_url,
                            data_home=tmp_path_factory.mktemp("export-cache"))
    assert [r.skipped for r in records if r.skipped] == []
    return folder, records


@pytest.fixture(scope="module")
def static(exported):
    with PlainStaticServer(exported[0]) as server:
        yield server


def test_the_export_is_plain_files_at_openml_paths(exported):
    folder, records = exported
    index = json.loads((folder / INDEX).read_text())
    assert sorted(d["data_id"] for d in index["datasets"]) == sorted(IDS)
    assert (folder / "api/v1/json/data/61").is_file()
    assert (folder / "datasets/0000/0061/dataset_61.pq").is_file()
    assert (folder / "api/v1/json/data/list/data_name/iris/limit/2/status/active/index.html").is_file()
    # sparse data: its ARFF (the only copy OpenML has)
    sparse = next(r for r in records if r.data_id == 292)
    assert any(path.startswith("data/v1/download/49822/") for path in sparse.files)
    # the older parquet URL of wine_reviews is kept; the file is where openml-lite maps it
    wine = json.loads((folder / "api/v1/json/data/42074").read_bytes())["data_set_description"]
    assert wine["parquet_url"] == "http://openml1.win.tue.nl/dataset42074/dataset_42074.pq"
    assert (folder / "datasets/0004/42074/dataset_42074.pq").is_file()
    # no answer holds the mirror it was read from
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".pq" and path.name != INDEX:
            assert b"127.0.0.1" not in path.read_bytes(), path


@pytest.mark.parametrize("data_id", IDS)
def test_by_id_as_from_the_mirror(static, mirror_url, data_id):
    static.reset()
    got, report = load(static.url, data_id=data_id)
    assert {s["server"] for s in report.served} == {static.url}, report.served
    expected, _ = load(mirror_url, data_id=data_id)
    assert_same_load(dict(got), dict(expected), mirror_url)
    assert all(status == 200 for _, status in static.paths()), static.paths()


@pytest.mark.parametrize(("name", "version"), LOOKUPS)
@pytest.mark.parametrize("how", ["active", "version"])
def test_by_name_as_from_the_mirror(static, mirror_url, name, version, how):
    asked = {"version": version} if how == "version" else {}
    try:
        expected, _ = load(mirror_url, name=name, **asked)
    except openml_lite.DatasetNotFoundError:  # (a deactivated one has no active version, ...)
        with pytest.raises(openml_lite.DatasetNotFoundError):
            load(static.url, name=name, **asked)
        return
    got, report = load(static.url, name=name, **asked)
    assert {s["server"] for s in report.served} == {static.url}
    assert_same_load(dict(got), dict(expected), mirror_url)


def test_a_dataset_not_in_the_static_mirror_comes_from_the_next_server(tmp_path, mirror_url, mirror_log):
    export_mirror(tmp_path, [61], base_url=mirror_url, cache=False)
    with PlainStaticServer(tmp_path) as static:
        got, report = load([static.url, mirror_url], data_id=40945)
        assert ("/api/v1/json/data/40945", 404) in static.paths()
    served = {s["what"]: s["server"] for s in report.served}
    assert served == dict.fromkeys(["the description", "the features", "the qualities", "the parquet file"],
                                   mirror_url)
    assert report.skipped == {}  # not found is no failure: the static mirror stays in the pool
    expected, _ = load(mirror_url, data_id=40945)
    assert_same(dict(got), dict(expected))


def test_columns_from_a_host_without_ranges(static, mirror_url):
    got, report = load(static.url, data_id=40945, columns=["age", "fare"])
    assert report.range_requests == 0  # http.server ignores Range: the whole file came
    expected, _ = load(mirror_url, data_id=40945, columns=["age", "fare"])
    assert_same_load(dict(got), dict(expected), mirror_url)


def test_export_from_openml_lites_cache_alone(tmp_path, mirror_url):
    """A first export reads the mirror (and fills the cache); a second, offline, reads the
    cache alone and writes the same files."""
    cache = tmp_path / "cache"
    first, second = tmp_path / "first", tmp_path / "second"
    export_mirror(first, [61, 42074], base_url=mirror_url, data_home=cache)
    records = export_mirror(second, [61, 42074], base_url=mirror_url, data_home=cache, offline=True)
    assert [r.skipped for r in records] == [None, None]
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and p.name != INDEX)
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file() and p.name != INDEX)
    for path in files:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path
    nothing = export_mirror(tmp_path / "third", [40945], base_url=mirror_url, data_home=cache, offline=True)
    assert "not in openml-lite's cache" in nothing[0].skipped


def test_limits_and_exclusions(tmp_path, mirror_url):
    records = export_mirror(tmp_path, [61, 40945, 42585], base_url=mirror_url, cache=False,
                            max_dataset_bytes=50_000, exclude=["penguins"])
    outcome = {r.data_id: r.skipped for r in records}
    assert outcome[61] is None
    assert "over the limit of 50,000 a dataset" in outcome[40945]
    assert outcome[42585] == "excluded"
    assert not (tmp_path / "api/v1/json/data/40945").exists()
    assert not (tmp_path / "datasets/0004/40945").exists()
    index = json.loads((tmp_path / INDEX).read_text())
    assert [d["data_id"] for d in index["datasets"]] == [61]
    total = export_mirror(tmp_path, [40945], base_url=mirror_url, cache=False,
                          max_total_bytes=records[0].size + 1000)
    assert "over the limit" in total[0].skipped


def test_a_failing_load_writes_nothing(tmp_path, mirror_url):
    records = export_mirror(tmp_path, [424242], base_url=mirror_url, cache=False)
    assert records[0].skipped.startswith("DatasetNotFoundError")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [INDEX]


def test_cli(tmp_path, mirror_url, capsys):
    assert main(["export", str(tmp_path), "--data-id", "61", "--base-url", mirror_url,
                 "--data-home", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    assert "61  iris" in out and "wrote 1 of 1 datasets" in out and "http.server" in out
    assert main(["export", str(tmp_path)]) == 2
