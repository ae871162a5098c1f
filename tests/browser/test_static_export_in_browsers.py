"""tests/test_static_export.py in headless Chromium and Firefox, as a documentation site
would ship it: one folder served by a plain static file server (``python -m http.server``,
support.PlainStaticServer: no CORS headers, no Range requests, "dir/" as dir/index.html)
holding a page (index.html), Pyodide with the openml-lite wheel (pyodide/, a link to
web/pyodide) and a static mirror export_mirror() wrote (openml/), so that everything is
same-origin and needs no CORS, as a docs site serving its own _static/openml.

In the page, with Pyodide booted from the site, every recorded dataset by id and by every
recorded name lookup loads with fetch_openml_async (base_url = the site's openml/) as
CPython's openml-lite loads it from the mirror (equal fingerprints, the mirror's `details`
URLs put back to OpenML's origins); every document came from the site's openml/ folder,
which answered every request 200 (but http.server's redirect of a lookup's folder to
"folder/"); a name the mirror has no dataset for raises DatasetNotFoundError there too,
after a 404 of its lookup; no request tried to reach another host (OpenML's hosts are
unreachable from these browsers: an attempt shows as a failed request).

The same loads in Node: tests/pyodide/test_static_export_in_pyodide.py. One Pyodide boot
per browser; the loads of a group run in one runPythonAsync call and answer digests of
their fingerprints (support.STATIC_LOADS_SOURCE).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from browsers import BROWSERS, launch_or_skip
from lite_notebook import LEFT_THE_MACHINE, unavailable
from static_exports import (NAME_LOOKUP, STATIC_LOADS_SOURCE, export_every_recorded, static_export_calls,
                            static_load_problems, static_reference, unexpected_answers)
from support import PlainStaticServer

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "web" / "pyodide"
sys.path.append(str(REPO / "tests" / "pyodide"))  # in_browser.py: shared with the Pyodide tests
from in_browser import FINGERPRINT_SOURCE, boot_pyodide_in_page, run_python_in_page  # noqa: E402

exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102

CALLS = static_export_calls()
# micropip installs the wheel; scikit-learn reads the sparse datasets' ARFF
PACKAGES = ("numpy", "pandas", "micropip", "scikit-learn")
INDEX_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>openml-lite: a static mirror on a documentation site</title>
</head>
<body><p>Pyodide in pyodide/, OpenML datasets in openml/.</p></body>
</html>
"""


@pytest.fixture(scope="module")
def wheel() -> str:
    """The openml-lite wheel's name in web/pyodide (with Pyodide itself)."""
    wheels = sorted(DIST.glob("openml_lite-*.whl"))
    if not (DIST / "pyodide.mjs").is_file() or len(wheels) != 1:
        unavailable(f"no Pyodide with one openml_lite wheel in {DIST}: run bash build_wheels.sh first")
    return wheels[0].name


@pytest.fixture(scope="module")
def exported(tmp_path_factory, mirror_url):
    return export_every_recorded(tmp_path_factory, mirror_url)


@pytest.fixture(scope="module")
def site(tmp_path_factory, exported):
    """The site: index.html, pyodide/ and openml/, one origin."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "index.html").write_text(INDEX_HTML)
    (folder / "pyodide").symlink_to(DIST, target_is_directory=True)
    (folder / "openml").symlink_to(exported, target_is_directory=True)
    with PlainStaticServer(folder) as server:
        yield server


@pytest.fixture(scope="module")
def reference(mirror_url):
    """CPython's loads of every call from the mirror."""
    return static_reference(mirror_url, CALLS, fingerprint)  # noqa: F821 (from FINGERPRINT_SOURCE)


@pytest.fixture(scope="module", params=BROWSERS)
def browser(request, site, wheel):
    """The site's index.html with Pyodide booted in it from the site (openml-lite installed
    from the site's wheel, fingerprint() defined)."""
    with launch_or_skip(request.param) as browser:
        browser.get(f"{site.url}/index.html")
        boot_pyodide_in_page(browser, f"{site.url}/pyodide", f"{site.url}/pyodide/{wheel}", PACKAGES,
                             fresh=False)
        browser.messages()  # (the boot's: the tests look at their loads' own)
        yield browser


def _calls(reference: dict, by: str, found: bool) -> dict:
    """The calls by `by` ("data_id" or "name") that the mirror answers with a dataset (found)
    or with DatasetNotFoundError."""
    return {label: call for label, call in CALLS.items()
            if by in call and ("raised" not in reference[label]) == found}


def _check(browser, site, reference, calls) -> list:
    """Load `calls` in the page from the site's openml/ and assert they are the mirror's
    loads, and that nothing tried another host; the site's log of those loads."""
    openml = f"{site.url}/openml"

    def load(calls, full):
        code = (f"import json\n{STATIC_LOADS_SOURCE}\n"
                f"json.dumps(await load_all({openml!r}, {calls!r}, {full!r}))")
        return run_python_in_page(browser, code, timeout=300)

    site.reset()
    problems = static_load_problems(load, calls, reference, openml)
    assert not problems, f"{browser.name}: {len(problems)} problem(s):\n  " + "\n  ".join(problems)
    log = site.paths()
    failed, on_the_site = "request failed: ", f"request failed: {site.url}/"
    elsewhere = [message for message in browser.messages() if LEFT_THE_MACHINE.search(message)
                 or (message.startswith(failed) and not message.startswith(on_the_site))]
    assert elsewhere == [], f"{browser.name}: requests for another host than the site:\n" + "\n".join(elsewhere)
    assert [path for path, _ in log if not path.startswith(("/openml/", "/pyodide/"))] == []
    # A document an earlier load read is in the browser's HTTP cache (cache=False is
    # openml-lite's own cache): the browser revalidates it, http.server answers 304 (it
    # sends Last-Modified) and the page gets the cached 200. As good as a 200 here.
    return [(path, 200 if status == 304 else status) for path, status in log if path.startswith("/openml/")]


def test_every_dataset_by_id(browser, site, reference):
    """Every recorded dataset by id (the sparse ones from their ARFF) as from the mirror;
    the site answers every request of those loads from its openml/ folder."""
    calls = _calls(reference, "data_id", found=True)
    assert len(calls) == len([c for c in CALLS.values() if "data_id" in c])  # the mirror loads every id
    log = _check(browser, site, reference, calls)
    assert log
    assert [(path, status) for path, status in log if status != 200] == []


def test_every_name_lookup(browser, site, reference):
    """Every recorded name lookup the mirror answers (the name's active version, or the
    version asked) leads to the same dataset on the site: the lookups are files at
    OpenML's paths, a lookup's folder answered by its index.html."""
    calls = _calls(reference, "name", found=True)
    log = _check(browser, site, reference, calls)
    assert unexpected_answers(log, prefix="/openml") == []


def test_a_name_without_a_dataset_is_not_found(browser, site, reference):
    """A name lookup the mirror has no dataset for (a deactivated dataset has no active
    version; a version that was never recorded) raises DatasetNotFoundError from the site
    too: its lookup is a 404 there, which the loader reads as "no such dataset"."""
    calls = _calls(reference, "name", found=False)
    assert calls, "no recorded lookup leads nowhere: this test tests nothing"
    log = _check(browser, site, reference, calls)
    names = sorted({call["name"] for call in calls.values()})
    assert unexpected_answers(log, prefix="/openml", not_found=names) == []
    for name in names:
        lookup = f"/openml{NAME_LOOKUP}{name}/"
        assert any(status == 404 and path.startswith(lookup) for path, status in log), (name, log)
