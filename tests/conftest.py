"""Shared test ground: a local OpenML mirror built from scikit-learn's recorded responses.

.ci/run starts the mirror as its own server and exports OPENML_LITE_TEST_MIRROR (URL)
and OPENML_LITE_TEST_MIRROR_DIR; run alone, pytest builds and serves one itself.
Nothing here touches the internet.
"""

from __future__ import annotations

import os

import pytest

from openml_lite.mirror import MirrorServer, build_mirror
from openml_lite.mirror.faults import Rule
from openml_lite.mirror.synthetic import add_synthetic
from support import SYNTHETIC_MNIST_ROWS, MirrorLog


@pytest.fixture(scope="session")
def mirror_dir(tmp_path_factory):
    given = os.environ.get("OPENML_LITE_TEST_MIRROR_DIR")
    if given:
        return given
    folder = tmp_path_factory.mktemp("mirror")
    build_mirror(folder)
    add_synthetic(folder, mnist_rows=SYNTHETIC_MNIST_ROWS)
    return str(folder)


@pytest.fixture(scope="session")
def mirror_url(mirror_dir):
    given = os.environ.get("OPENML_LITE_TEST_MIRROR")
    if given:
        yield given.rstrip("/")
        return
    with MirrorServer(mirror_dir) as server:
        yield server.url


@pytest.fixture
def data_home(tmp_path):
    return str(tmp_path / "data_home")


@pytest.fixture
def sklearn_at_mirror(monkeypatch, mirror_url):
    """sklearn.datasets.fetch_openml pointed at the mirror (its URLs are module constants)."""
    from sklearn.datasets import _openml

    api = f"{mirror_url}/api/v1/json"
    monkeypatch.setattr(_openml, "_SEARCH_NAME", api + "/data/list/data_name/{}/limit/2")
    monkeypatch.setattr(_openml, "_DATA_INFO", api + "/data/{}")
    monkeypatch.setattr(_openml, "_DATA_FEATURES", api + "/data/features/{}")
    monkeypatch.setattr(_openml, "_DATA_QUALITIES", api + "/data/qualities/{}")

    # Dataset 1's recorded qualities are an OpenML error body (code 364). Served with
    # HTTP 412, as OpenML does, sklearn raises; its own test-suite serves that file with
    # HTTP 200 and loads the data. openml-lite loads it (qualities are optional, a
    # documented difference), so the reference does what sklearn's tests do.
    real_qualities = _openml._get_data_qualities

    def qualities_or_none(*args, **kwargs):
        try:
            return real_qualities(*args, **kwargs)
        except _openml.OpenMLError:
            return []

    monkeypatch.setattr(_openml, "_get_data_qualities", qualities_or_none)
    return _openml.fetch_openml


@pytest.fixture
def mirror_log(mirror_url):
    log = MirrorLog(mirror_url)
    log.reset()
    return log




@pytest.fixture(scope="module")
def faulty(mirror_dir):
    """A mirror of the module's own, whose faults touch no other test module."""
    with MirrorServer(mirror_dir) as server:
        yield server


@pytest.fixture
def inject(faulty):
    """inject("REGEX KIND[:ARG] [xN]", ...): the faulty mirror's rules for one test."""

    def set_rules(*specs):
        faulty.faults.replace([Rule.from_spec(spec) for spec in specs])

    faulty.reset_requests()
    yield set_rules
    faulty.faults.replace([])
