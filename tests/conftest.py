"""Shared test ground: a local OpenML mirror built from scikit-learn's recorded responses.

.ci/run starts the mirror as its own server and exports OPENML_LITE_TEST_MIRROR (URL)
and OPENML_LITE_TEST_MIRROR_DIR; run alone, pytest builds and serves one itself.
Nothing here touches the internet.
"""

from __future__ import annotations

import os

import pytest

from openml_lite.mirror import MirrorServer, build_mirror, fixture_datasets

DATASETS = fixture_datasets()
DENSE = [d for d in DATASETS if d["has_parquet"]]
SPARSE = [d for d in DATASETS if not d["has_parquet"]]


@pytest.fixture(scope="session")
def mirror_dir(tmp_path_factory):
    given = os.environ.get("OPENML_LITE_TEST_MIRROR_DIR")
    if given:
        return given
    folder = tmp_path_factory.mktemp("mirror")
    build_mirror(folder)
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


def recorded_features(data_id: int) -> list[dict]:
    """The features JSON as sklearn recorded it (for choosing test arguments)."""
    import gzip
    import json
    from pathlib import Path

    import sklearn.datasets.tests.data.openml as recorded

    root = Path(recorded.__file__).parent
    path = next(root.glob(f"id_*/api-v1-jdf-{data_id}.json.gz"))
    return json.loads(gzip.decompress(path.read_bytes()))["data_features"]["feature"]


class MirrorLog:
    """The mirror's request log, read over HTTP (works for a mirror started by .ci/run)."""

    def __init__(self, url: str):
        self.url = url

    def reset(self) -> None:
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(f"{self.url}/_mirror/reset", method="POST")).close()

    def paths(self) -> list[str]:
        import json
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/_mirror/requests") as answer:
            return [r["path"] for r in json.load(answer)]


@pytest.fixture
def mirror_log(mirror_url):
    log = MirrorLog(mirror_url)
    log.reset()
    return log


class RewritingTransport:
    """Real HTTP to the mirror, with the answer for matching URLs changed by ``rewrite``
    (a status to answer instead, or a function of the Response): how tests stand in
    for a server that lacks a file or sends bad bytes until the fault mirror exists."""

    def __init__(self, match: str, rewrite):
        from openml_lite.transport.native import UrllibTransport

        self.inner = UrllibTransport(blocking=True)
        self.match = match
        self.rewrite = rewrite
        self.rewritten: list[str] = []

    async def get(self, url, *, headers=None, progress=None):
        import dataclasses

        response = await self.inner.get(url, headers=headers, progress=progress)
        if self.match not in url:
            return response
        self.rewritten.append(url)
        if isinstance(self.rewrite, int):
            return dataclasses.replace(response, status=self.rewrite, body=b"not here")
        return self.rewrite(response)
