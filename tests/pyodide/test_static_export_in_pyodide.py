"""tests/test_static_export.py inside Pyodide in Node: a static mirror (export_mirror) served
by a plain static file server (``python -m http.server``: support.PlainStaticServer, no
CORS headers, no Range requests, "dir/" as dir/index.html) loads every recorded dataset by
id and by every recorded name lookup with fetch_openml_async as CPython's openml-lite
loads it from the mirror (equal fingerprints, the mirror's `details` URLs put back to
OpenML's origins); every document of a load came from the static server, which answered
every request 200 (but http.server's redirect of a lookup's folder to "folder/"); a name
the mirror has no dataset for raises DatasetNotFoundError there too, after a 404 of its
lookup.

Node only (@pytest.mark.node_only, deselected for --runtime=chrome): pytest-pyodide's
Chromium page is on another origin than the static server, which sends no CORS headers,
so the browser refuses every answer. tests/browser/test_static_export_in_browsers.py
serves Pyodide and the export from one origin, as a documentation site serves its own
_static/openml, in Chromium and Firefox.

One run_in_pyodide call per group of loads (by id; the names the mirror loads; the names
it has no dataset for) loops over them, so Pyodide boots once. Results cross as SHA-256
digests of their fingerprints (support.STATIC_LOADS_SOURCE, as test_parity_in_pyodide.py);
a differing load is loaded once more, fingerprint and all, to say where it differs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

from static_exports import (NAME_LOOKUP, STATIC_LOADS_SOURCE, export_every_recorded,  # noqa: E402
                            static_export_calls,
                            static_load_problems, static_reference, unexpected_answers)
from support import PlainStaticServer  # noqa: E402

pytestmark = pytest.mark.node_only

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()
exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102

CALLS = static_export_calls()


@pytest.fixture(scope="module")
def exported(tmp_path_factory, mirror_url):
    return export_every_recorded(tmp_path_factory, mirror_url)


@pytest.fixture(scope="module")
def static(exported):
    with PlainStaticServer(exported) as server:
        yield server


@pytest.fixture(scope="module")
def reference(mirror_url):
    """CPython's loads of every call from the mirror."""
    return static_reference(mirror_url, CALLS, fingerprint)  # noqa: F821 (from FINGERPRINT_SOURCE)


def _calls(reference: dict, by: str, found: bool) -> dict:
    """The calls by `by` ("data_id" or "name") that the mirror answers with a dataset (found)
    or with DatasetNotFoundError."""
    return {label: call for label, call in CALLS.items()
            if by in call and ("raised" not in reference[label]) == found}


@run_in_pyodide(packages=["scikit-learn"])  # the sparse datasets are read from ARFF, by sklearn's parser
async def _load_all(selenium, fingerprint_source, source, base_url, calls, full):
    exec(fingerprint_source, globals())
    exec(source, globals())
    return await load_all(base_url, calls, full)  # noqa: F821 (from source)


def _check(selenium, static, reference, calls) -> list:
    """Load `calls` in Pyodide from the static server and assert they are the mirror's
    loads; the static server's log of those loads."""
    def load(calls, full):
        return _load_all(selenium, FINGERPRINT_SOURCE, STATIC_LOADS_SOURCE, static.url, calls, full)

    static.reset()
    problems = static_load_problems(load, calls, reference, static.url)
    assert not problems, f"{len(problems)} problem(s):\n  " + "\n  ".join(problems)
    return static.paths()


@pytest.mark.driver_timeout(300)
def test_every_dataset_by_id(selenium_openml_lite, static, reference):
    """Every recorded dataset by id (the sparse ones from their ARFF) as from the mirror;
    a plain static host answers every request of those loads."""
    calls = _calls(reference, "data_id", found=True)
    assert len(calls) == len([c for c in CALLS.values() if "data_id" in c])  # the mirror loads every id
    log = _check(selenium_openml_lite, static, reference, calls)
    assert log
    assert [(path, status) for path, status in log if status != 200] == []


@pytest.mark.driver_timeout(300)
def test_every_name_lookup(selenium_openml_lite, static, reference):
    """Every recorded name lookup the mirror answers (the name's active version, or the
    version asked) leads to the same dataset in the export: the lookups are files at
    OpenML's paths, a lookup's folder answered by its index.html."""
    calls = _calls(reference, "name", found=True)
    log = _check(selenium_openml_lite, static, reference, calls)
    assert unexpected_answers(log) == []


@pytest.mark.driver_timeout(300)
def test_a_name_without_a_dataset_is_not_found(selenium_openml_lite, static, reference):
    """A name lookup the mirror has no dataset for (a deactivated dataset has no active
    version; a version that was never recorded) raises DatasetNotFoundError from the
    export too: its lookup is a 404 there, which the loader reads as "no such dataset"."""
    calls = _calls(reference, "name", found=False)
    assert calls, "no recorded lookup leads nowhere: this test tests nothing"
    log = _check(selenium_openml_lite, static, reference, calls)
    names = sorted({call["name"] for call in calls.values()})
    assert unexpected_answers(log, not_found=names) == []
    for name in names:
        lookup = f"{NAME_LOOKUP}{name}/"
        assert any(status == 404 and path.startswith(lookup) for path, status in log), (name, log)
