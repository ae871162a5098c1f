"""Errors: typed, naming the dataset, and leaving nothing in the cache."""

from __future__ import annotations

import os
import socket
import warnings

import pytest

import openml_lite
from openml_lite import (
    DatasetNotFoundError, DownloadError, InactiveDatasetWarning, InvalidParameterError,
    TargetColumnError,
)


def cache_files(data_home) -> list[str]:
    found = []
    for folder, _, files in os.walk(data_home):
        found += [os.path.join(folder, f) for f in files]
    return found


def test_unknown_id(mirror_url, data_home, mirror_log):
    with pytest.raises(DatasetNotFoundError, match="data_id 424242") as caught:
        openml_lite.fetch_openml(data_id=424242, base_url=mirror_url, data_home=data_home)
    assert isinstance(caught.value, ValueError)  # what sklearn raises
    assert caught.value.url.endswith("/api/v1/json/data/424242")
    # a 412 is not retried; the features and qualities, asked side by side with the
    # description (the sync API's threads), at most once each
    asked = mirror_log.paths()
    assert asked.count("/api/v1/json/data/424242") == 1
    assert set(asked) <= {"/api/v1/json/data/424242", "/api/v1/json/data/features/424242",
                          "/api/v1/json/data/qualities/424242"}
    assert len(asked) == len(set(asked))
    assert cache_files(data_home) == []


def test_unknown_name_is_openml_code_372(mirror_url, data_home):
    with pytest.raises(DatasetNotFoundError, match="'no-such-dataset'") as caught:
        openml_lite.fetch_openml("No-Such-Dataset", base_url=mirror_url, data_home=data_home)
    assert "/data/list/data_name/no-such-dataset/" in caught.value.url  # lower-cased, like sklearn
    assert "OpenML error 372: No results" in str(caught.value)
    assert cache_files(data_home) == []


def test_unknown_version(mirror_url, data_home):
    with pytest.raises(DatasetNotFoundError, match=r"'iris' with version 99 not found"):
        openml_lite.fetch_openml("iris", version=99, base_url=mirror_url, data_home=data_home)
    assert cache_files(data_home) == []


def test_missing_target_column(mirror_url, data_home):
    with pytest.raises(TargetColumnError, match=r"target_column='petal-size'.*'iris' \(id 61") as caught:
        openml_lite.fetch_openml(data_id=61, target_column="petal-size", base_url=mirror_url,
                                 data_home=data_home)
    assert isinstance(caught.value, KeyError)  # what sklearn raises
    assert "'petal-size'" in str(caught.value) and not str(caught.value).startswith('"')
    assert cache_files(data_home) == []


def test_deactivated_dataset_by_name_is_an_error(mirror_url, data_home):
    # glass2 exists only as a deactivated version: the active lookup answers 412/372
    with pytest.raises(DatasetNotFoundError, match="no active dataset named 'glass2'") as caught:
        openml_lite.fetch_openml("glass2", base_url=mirror_url, data_home=data_home)
    assert "deactivated" in str(caught.value)
    assert cache_files(data_home) == []


def test_deactivated_dataset_by_id_loads_with_a_warning(mirror_url, data_home):
    # as sklearn does: an explicit id is honoured, with a typed warning
    with pytest.warns(InactiveDatasetWarning, match="Version 1 of dataset glass2 is inactive"):
        bunch = openml_lite.fetch_openml(data_id=40675, base_url=mirror_url, data_home=data_home)
    assert bunch.frame.shape == (163, 10)
    assert cache_files(data_home) != []


def test_string_columns_with_as_frame_false(mirror_url, data_home):
    with pytest.raises(ValueError, match="STRING attributes are not supported"):
        openml_lite.fetch_openml(data_id=40945, as_frame=False, base_url=mirror_url, data_home=data_home)
    assert cache_files(data_home) == []


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(name="iris", data_id=61), ValueError, "not both"),
    (dict(), ValueError, "Neither name nor data_id"),
    (dict(data_id=-1), InvalidParameterError, "'data_id' parameter"),
    (dict(data_id=61, version=2), ValueError, "data_id or a version"),
    (dict(data_id=61, engine="duckdb"), InvalidParameterError, "'engine' parameter"),
    (dict(data_id=61, as_frame="yes"), InvalidParameterError, "'as_frame' parameter"),
    (dict(data_id=61, parser="csv"), InvalidParameterError, "'parser' parameter"),
])
def test_bad_arguments_fail_before_any_request(kwargs, error, message, mirror_url, mirror_log):
    with pytest.raises(error, match=message):
        openml_lite.fetch_openml(base_url=mirror_url, cache=False, **kwargs)
    assert mirror_log.paths() == []


def test_server_that_does_not_answer(data_home):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError, match=r"after 2 attempts.*Connection refused") as caught:
        openml_lite.fetch_openml(data_id=61, base_url=f"http://127.0.0.1:{port}",
                                 data_home=data_home, n_retries=1, delay=0.01)
    assert caught.value.url == f"http://127.0.0.1:{port}/api/v1/json/data/61"
    assert cache_files(data_home) == []


def test_corrupt_arff_is_rejected_and_not_cached(mirror_url, data_home):
    from dataclasses import replace

    from support import RewritingTransport

    flip = RewritingTransport("/data/v1/download/", lambda r: replace(r, body=r.body.replace(b"Iris", b"Irix", 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", openml_lite.ArffFallbackWarning)
        with pytest.raises(openml_lite.DataIntegrityError, match=r"'iris' \(id 61.*md5"):
            openml_lite.fetch_openml(data_id=61, parser="liac-arff", base_url=mirror_url,
                                     data_home=data_home, transport=flip)
    assert flip.rewritten and cache_files(data_home) == []
