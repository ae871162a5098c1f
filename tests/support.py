"""Test helpers shared by the test modules (fixtures live in conftest.py).

Kept out of conftest.py because tests/pyodide has a conftest.py of its own, and two
modules both imported as "conftest" do not mix.
"""

from __future__ import annotations

from openml_lite.mirror import fixture_datasets

# Chromium flags for every browser test: nothing leaves the machine (no background
# networking, every host but 127.0.0.1 "not found", a dead proxy for anything else;
# loopback always bypasses proxies). Tests add --headless=new etc. as they need.
CHROMIUM_OFFLINE_FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
]

DATASETS = fixture_datasets()
DENSE = [d for d in DATASETS if d["has_parquet"]]
SPARSE = [d for d in DATASETS if not d["has_parquet"]]
# The generated mnist_784-shaped dataset every test mirror also holds (tests/run.sh
# builds it with the same row count): 785 columns, a footer larger than one range request.
SYNTHETIC_MNIST_ROWS = 2000
SYNTHETIC_MNIST_ID = 990002


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
        return [r["path"] for r in self.records()]

    def records(self) -> list[dict]:
        """Every request since the last reset: method, path, status, range, fault."""
        import json
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/_mirror/requests") as answer:
            return json.load(answer)


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


def point_sklearn_at(monkeypatch, mirror_url):
    """sklearn.datasets.fetch_openml pointed at a mirror (its URLs are module constants)."""
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
