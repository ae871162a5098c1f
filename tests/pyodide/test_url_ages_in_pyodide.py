"""Descriptions of every age of URL (tests/url_ages.py) inside Pyodide (node and headless
Chromium, plain http): fetch_openml_async loads each from the mirror it was given, whatever
host the description names, and returns what CPython's openml-lite returns from the same
mirror (tests/test_url_ages.py ties that to a mirror that rewrites every URL to itself).

One run_in_pyodide call loads every age in turn, through a transport that records each
URL asked and refuses (without asking) any URL not on the mirror.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

import openml_lite  # noqa: E402
from openml_lite.mirror import MirrorServer, parquet_path_for  # noqa: E402
from url_ages import AGES, SPARSE_AGES, make_ages_mirror  # noqa: E402

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()
exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102


@pytest.fixture(scope="module")
def mirror(mirror_dir, tmp_path_factory):
    """The ages folder served as the mirror serves by default (its own request log)."""
    dest = tmp_path_factory.mktemp("url_ages") / "mirror"
    assert make_ages_mirror(mirror_dir, dest) == AGES
    with MirrorServer(dest) as server:
        yield server


@pytest.fixture(scope="module")
def expected(mirror):
    """CPython's openml-lite on each age, from the same mirror: label -> fingerprint (the
    sparse one's warnings, which tests/test_url_ages.py asserts, not shown)."""
    with warnings.catch_warnings():
        for category in (openml_lite.ArffFallbackWarning, openml_lite.InactiveDatasetWarning):
            warnings.simplefilter("ignore", category)
        return {label: fingerprint(dict(openml_lite.fetch_openml(  # noqa: F821 (FINGERPRINT_SOURCE)
            data_id=data_id, base_url=mirror.url, cache=False))) for label, data_id in AGES.items()}


@run_in_pyodide
async def _load_ages(selenium, source, base_url, ages):
    """label -> the load's fingerprint (or its error), source, engine, data URL, served
    documents, warning categories, URLs asked and URLs refused."""
    exec(source, globals())
    import warnings
    from urllib.parse import urlsplit

    import openml_lite
    from openml_lite.transport import TransportError
    from openml_lite.transport.pyodide import FetchTransport

    mirror = urlsplit(base_url)

    class OnlyTheMirror:
        def __init__(self):
            self.inner = FetchTransport()
            self.asked, self.refused = [], []

        async def get(self, url, *, headers=None, progress=None):
            parts = urlsplit(url)
            if (parts.scheme, parts.netloc) != (mirror.scheme, mirror.netloc):
                self.refused.append(url)
                raise TransportError(f"{url} is not on the mirror (refused by the test)")
            self.asked.append(url)
            return await self.inner.get(url, headers=headers, progress=progress)

    out = {}
    for label, data_id in ages.items():
        transport = OnlyTheMirror()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = await openml_lite.fetch_openml_async(
                    data_id=data_id, base_url=base_url, cache=False, transport=transport)
                outcome, report = fingerprint(dict(result)), openml_lite.last_load_report()  # noqa: F821
            except Exception as error:
                outcome, report = {"raised": f"{type(error).__name__}: {error}"}, None
        out[label] = {
            "outcome": outcome,
            "source": report and report.source,
            "engine": report and report.engine,
            "data_url": report and report.data_url,
            "served": report and report.served,
            "warnings": sorted({w.category.__name__ for w in caught}),
            "asked": transport.asked,
            "refused": transport.refused,
        }
    return out


@pytest.mark.driver_timeout(240)
def test_every_age_loads_from_the_mirror_in_pyodide(selenium_openml_lite, mirror, expected):
    """Each age: CPython's result; every document served by the mirror, nothing asked
    elsewhere; dense ones from the canonical parquet path, no ARFF fallback; the sparse
    one from its ARFF on the mirror."""
    mirror.reset_requests()
    got = _load_ages(selenium_openml_lite, FINGERPRINT_SOURCE, mirror.url, AGES)
    paths = [r["path"] for r in mirror.requests]
    assert list(got) == list(AGES)
    for label, data_id in AGES.items():
        load = got[label]
        assert load["refused"] == [], label
        assert load["outcome"] == expected[label], f"{label}: {json.dumps(load['outcome'])[:300]}"
        assert load["asked"], label
        assert load["served"] and all(s["url"].startswith(mirror.url + "/") and s["server"] == mirror.url
                                      for s in load["served"]), (label, load["served"])
        if label in SPARSE_AGES:
            assert load["source"] == "arff", label
            assert load["data_url"].startswith(f"{mirror.url}/data/v1/download/"), (label, load["data_url"])
            assert "ArffFallbackWarning" in load["warnings"], label
        else:
            parquet = f"{mirror.url}/{parquet_path_for(data_id)}"
            assert (load["source"], load["data_url"]) == ("parquet", parquet), label
            assert "ArffFallbackWarning" not in load["warnings"], label
            assert f"/{parquet_path_for(data_id)}" in paths, label
    sparse_arff = {urlsplit(got[label]["data_url"]).path for label in SPARSE_AGES}
    assert [path for path in paths if path.startswith("/data/v1/download/") and path not in sparse_arff] == []
