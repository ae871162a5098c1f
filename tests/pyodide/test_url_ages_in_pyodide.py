"""Descriptions of every age of URL (tests/url_ages.py) inside Pyodide (node and headless
Chromium, plain http): fetch_openml_async loads each from the mirror it was given, whatever
host the description names, and returns what CPython's openml-lite returns from the same
mirror (tests/test_url_ages.py ties that to a mirror that rewrites every URL to itself).

One run_in_pyodide call loads every age in turn, through a transport that records each
URL asked and refuses (without asking) any URL not on the mirror.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

import openml_lite  # noqa: E402
from openml_lite.mirror import MirrorServer  # noqa: E402
from url_ages import AGES, LOAD_AGES_SOURCE, check_ages, make_ages_mirror  # noqa: E402

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
async def _load_ages(selenium, fingerprint_source, source, base_url, ages):
    exec(fingerprint_source + source, globals())
    return await load_ages(base_url, ages)  # noqa: F821 (from source)


@pytest.mark.driver_timeout(240)
def test_every_age_loads_from_the_mirror_in_pyodide(selenium_openml_lite, mirror, expected):
    """Each age: CPython's result; every document served by the mirror, nothing asked
    elsewhere; dense ones from the canonical parquet path, no ARFF fallback; the sparse
    one from its ARFF on the mirror."""
    mirror.reset_requests()
    got = _load_ages(selenium_openml_lite, FINGERPRINT_SOURCE, LOAD_AGES_SOURCE, mirror.url, AGES)
    check_ages(got, expected, mirror)
