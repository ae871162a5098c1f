"""The disk cache: a second load makes no request; writes are atomic and only happen
after a load succeeded."""

from __future__ import annotations

import os

import pytest

import openml_lite
from compare import assert_same
from openml_lite.cache.disk import DiskCache
from test_errors import cache_files


def test_second_load_is_served_from_disk(mirror_url, data_home, mirror_log):
    first = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, data_home=data_home)
    assert "/datasets/0004/40945/dataset_40945.pq" in mirror_log.paths()
    mirror_log.reset()
    second = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, data_home=data_home)
    assert mirror_log.paths() == []
    assert_same(dict(second), dict(first))


def test_cache_layout_mirrors_urls_per_server(mirror_url, data_home):
    openml_lite.fetch_openml("iris", version=1, base_url=mirror_url, data_home=data_home)
    host = mirror_url.split("//")[1].replace(":", "_")
    entries = DiskCache(os.path.join(data_home, "openml_lite")).entries()
    assert entries == sorted(f"{host}/{p}" for p in [
        "api/v1/json/data/61",
        "api/v1/json/data/features/61",
        "api/v1/json/data/qualities/61",
        "api/v1/json/data/list/data_name/iris/limit/2/data_version/1",
        "datasets/0000/0061/dataset_61.pq",
    ])


def test_cache_false_writes_nothing(mirror_url, data_home):
    openml_lite.fetch_openml(data_id=61, base_url=mirror_url, data_home=data_home, cache=False)
    assert cache_files(data_home) == []


def test_interrupted_write_leaves_no_entry(mirror_url, data_home, monkeypatch):
    def crash(src, dst):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        openml_lite.fetch_openml(data_id=61, base_url=mirror_url, data_home=data_home)
    assert cache_files(data_home) == []  # no entry and no .partial- leftovers


def test_failed_load_caches_nothing_even_after_downloads(mirror_url, data_home, mirror_log):
    # description + features are downloaded before the target check fails
    with pytest.raises(openml_lite.TargetColumnError):
        openml_lite.fetch_openml(data_id=40945, target_column=["survived", "nope"],
                                 base_url=mirror_url, data_home=data_home)
    assert "/api/v1/json/data/features/40945" in mirror_log.paths()
    assert cache_files(data_home) == []


def test_a_url_whose_path_is_another_ones_folder(tmp_path):
    """OpenML's name lookups .../data_version/1 and .../data_version/1/status/deactivated:
    whichever comes second is not cached (a file cannot be a folder too), and reading
    either is a miss, never an error."""
    from openml_lite._sync import run_without_loop

    lookup = "https://www.openml.org/api/v1/json/data/list/data_name/australian/limit/2/data_version/1"
    for first, second in [(lookup, lookup + "/status/deactivated"), (lookup + "/status/deactivated", lookup)]:
        cache = DiskCache(tmp_path / first.rsplit("/", 1)[1])
        run_without_loop(cache.put(first, b"first"))
        run_without_loop(cache.put(second, b"second"))
        assert run_without_loop(cache.get(first)) == b"first"
        assert run_without_loop(cache.get(second)) is None
