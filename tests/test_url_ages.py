"""Descriptions of every age of URL (tests/url_ages.py: today's https data host, plain
http on it, the older http://openml1.win.tue.nl in both parquet fields or in minio_url
only, ARFF urls on api.openml.org) load their data file from the server the user chose,
and from nothing else: the mirror, in its default mode, leaves those URLs as OpenML wrote
them, so only the client's mapping (servers.py) can lead them there. Each result is the
one a mirror that rewrites every URL to itself gives (the old "everything leads here").
"""

from __future__ import annotations

import warnings
from urllib.parse import urlsplit

import pytest

import openml_lite
from compare import assert_same
from openml_lite.mirror import MirrorServer, parquet_path_for
from openml_lite.mirror.server import relpath_for_url
from openml_lite.servers import Server, relative_path
from url_ages import AGES, SPARSE_AGES, URL_FIELDS, make_ages_mirror


@pytest.fixture(scope="module")
def ages_dir(mirror_dir, tmp_path_factory):
    dest = tmp_path_factory.mktemp("url_ages") / "mirror"
    assert make_ages_mirror(mirror_dir, dest) == AGES
    return dest


@pytest.fixture(scope="module")
def mirror(ages_dir):
    """The ages folder as the mirror serves it by default (stands in for www/data.openml.org only)."""
    with MirrorServer(ages_dir) as server:
        yield server


@pytest.fixture(scope="module")
def everything_here(ages_dir):
    """The same folder, every OpenML origin in it rewritten to the mirror's own."""
    with MirrorServer(ages_dir, rewrite_all_origins=True) as server:
        yield server


class OnlyTheMirror:
    """Real HTTP (urllib), to the mirror only: records every URL asked; a URL on any other
    origin fails the test (it is not asked)."""

    def __init__(self, origin: str):
        from openml_lite.transport.native import UrllibTransport

        self.inner = UrllibTransport(blocking=True)
        self.origin = origin
        self.urls: list[str] = []
        self.elsewhere: list[str] = []

    async def get(self, url, *, headers=None, progress=None):
        self.urls.append(url)
        if _origin(url) != self.origin:
            self.elsewhere.append(url)
            pytest.fail(f"the load asked {url}, which is not on the mirror {self.origin}")
        return await self.inner.get(url, headers=headers, progress=progress)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _description(server: MirrorServer, data_id: int) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/api/v1/json/data/{data_id}") as answer:
        return json.load(answer)["data_set_description"]


def _load(server: MirrorServer, data_id: int, **kwargs):
    """(result, its LoadReport, the warning categories of the load)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = openml_lite.fetch_openml(data_id=data_id, base_url=server.url, cache=False, **kwargs)
    return result, openml_lite.last_load_report(), {w.category for w in caught}


def _file(url: str, server: MirrorServer) -> str | None:
    """The file of the mirror folder ``url`` names, as a client maps it onto ``server``."""
    path = relative_path(url, [Server.at(server.url)])
    route = relpath_for_url("/" + urlsplit(path).path) if path else None
    return route[1] if route else None


def test_the_mirror_serves_every_age_as_openml_wrote_it(mirror):
    """The premise: in the default mode, what the descriptions name is not the mirror."""
    today, http_data, both, minio_only, sparse = (
        _description(mirror, AGES[label]) for label in
        ("today-https", "http-data-host", "legacy-both", "legacy-minio-only", "api-arff-sparse"))
    assert today["parquet_url"] == f"{mirror.url}/{parquet_path_for(61)}"  # stood in for data.openml.org
    assert http_data["parquet_url"] == "http://data.openml.org/datasets/0000/0062/dataset_62.pq"
    assert http_data["url"] == "https://api.openml.org/data/v1/download/52352/zoo.arff"
    assert both["parquet_url"] == both["minio_url"] == "http://openml1.win.tue.nl/dataset42074/dataset_42074.pq"
    assert "parquet_url" not in minio_only
    assert minio_only["minio_url"] == "http://openml1.win.tue.nl/dataset1590/dataset_1590.pq"
    assert "parquet_url" not in sparse and "minio_url" not in sparse
    assert sparse["url"].startswith("https://api.openml.org/data/v1/download/49822/")


@pytest.mark.parametrize("label", AGES)
def test_each_age_loads_from_the_chosen_server(label, mirror, everything_here):
    """Dense ages read the canonical parquet file on the mirror, with no ARFF fallback; the
    sparse one reads its ARFF through the mapped api.openml.org url. No request leaves the
    mirror. The result is the rewriting mirror's, details compared as served."""
    data_id = AGES[label]
    named = _description(mirror, data_id)
    transport = OnlyTheMirror(mirror.url)
    mirror.reset_requests()
    ours, report, warned = _load(mirror, data_id, transport=transport)
    paths = [r["path"] for r in mirror.requests]

    assert transport.elsewhere == []
    assert transport.urls and all(_origin(url) == mirror.url for url in transport.urls)
    assert report.served and all(s["url"].startswith(mirror.url + "/") for s in report.served)
    assert all(s["server"] == mirror.url for s in report.served)
    if label in SPARSE_AGES:
        arff = f"{mirror.url}{urlsplit(named['url']).path}"  # api.openml.org's path, on the mirror
        assert report.source == "arff" and report.data_url == arff
        assert openml_lite.ArffFallbackWarning in warned  # sparse: never silent
        assert urlsplit(arff).path in paths
    else:
        parquet = f"{mirror.url}/{parquet_path_for(data_id)}"
        assert report.source == "parquet" and report.data_url == parquet
        assert openml_lite.ArffFallbackWarning not in warned
        assert f"/{parquet_path_for(data_id)}" in paths
        assert not any(path.startswith("/data/v1/download/") for path in paths)
        assert [s["url"] for s in report.served if s["what"] == "the parquet file"] == [parquet]

    reference, ref_report, _ = _load(everything_here, data_id)
    assert ref_report.source == report.source
    ours, reference = dict(ours), dict(reference)
    details, ref_details = ours.pop("details"), reference.pop("details")
    assert_same(ours, reference)
    assert {k: v for k, v in details.items() if k not in URL_FIELDS} == \
        {k: v for k, v in ref_details.items() if k not in URL_FIELDS}
    for key in URL_FIELDS:
        assert (key in details) == (key in ref_details), key
        if key in details:
            assert _file(details[key], mirror) == _file(ref_details[key], everything_here) is not None, key
