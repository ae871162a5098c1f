"""What only a browser has, in Chromium and in Firefox: Web Workers (where JupyterLite runs
its kernel), synchronous XHR on a page's main thread, range requests made by the
browser's own fetch (CORS: a suffix Range needs a preflight and an exposed Content-Range),
and Cache Storage surviving a page reload. Node has none of these.

Each browser is one headless instance for the module (tests/browsers.py: puppeteer-core,
offline), with JSPI as it ships (on in both); the page and module workers are set up by
in_browser.py.
"""

from __future__ import annotations

import json

import pytest

import openml_lite
from browsers import BROWSERS, launch_or_skip
from in_browser import (
    FINGERPRINT_SOURCE,
    boot_pyodide_in_page,
    call_source,
    page_has_pyodide,
    run_in_module_worker,
    run_python_in_page,
)
from support import SYNTHETIC_MNIST_ID

exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102

TITANIC = {"data_id": 40945}
IRIS = {"name": "iris", "version": 1}


@pytest.fixture(scope="module", params=BROWSERS)
def browser(request):
    with launch_or_skip(request.param) as browser:
        yield browser


@pytest.fixture
def page(browser, pyodide_base_url, openml_lite_wheel_url):
    """The module's browser on a page with Pyodide and openml-lite (booted once, again
    after a test left the page)."""
    if not browser.current_url.startswith(pyodide_base_url) or not page_has_pyodide(browser):
        boot_pyodide_in_page(browser, pyodide_base_url, openml_lite_wheel_url)
    return browser


def _expected(mirror_url, **call):
    return fingerprint(dict(openml_lite.fetch_openml(base_url=mirror_url, cache=False, **call)))  # noqa: F821


def test_sync_fetch_in_a_module_worker(browser, mirror_url, pyodide_base_url, openml_lite_wheel_url):
    answer = run_in_module_worker(
        browser, pyodide_base_url, openml_lite_wheel_url,
        packages=["numpy", "pandas", "micropip", "pyarrow"],
        # no JSPI from a sync entry: sync XHR (binary, as workers allow) and the loaded pyarrow
        sync={
            "xhr_id": call_source(mirror_url, TITANIC),
            "xhr_name": call_source(mirror_url, IRIS),
            "xhr_js_engine": call_source(mirror_url, TITANIC, engine="js"),
        },
        # JSPI: run_sync over fetch; the JS decoder asked for by name
        jspi={
            "jspi_id": call_source(mirror_url, TITANIC, engine="js"),
            "jspi_name": call_source(mirror_url, IRIS, engine="js"),
        },
    )
    assert "boot" not in answer, answer.get("boot")
    titanic, iris = _expected(mirror_url, **TITANIC), _expected(mirror_url, **IRIS)
    assert json.loads(answer["xhr_id"]) == titanic
    assert json.loads(answer["xhr_name"]) == iris
    assert json.loads(answer["jspi_id"]) == titanic
    assert json.loads(answer["jspi_name"]) == iris
    # the JS decoder needs no await (a synchronous bundle): asked for by name, it works here too
    assert json.loads(answer["xhr_js_engine"]) == titanic


def test_sync_fetch_on_a_page_main_thread_from_a_sync_entry(page, mirror_url):
    """runPython (a sync entry point, so JSPI cannot block): the x-user-defined XHR trick."""
    page.execute_script('await pyodide.loadPackage("pyarrow")', timeout=120)
    got = run_python_in_page(
        page, "from pyodide.ffi import can_run_sync\nassert not can_run_sync()\n"
        + call_source(mirror_url, TITANIC), entry="runPython")
    assert got == _expected(mirror_url, **TITANIC)


COLUMNS = ["pixel784", "pixel5", "pixel400", "pixel401", "pixel700"]

LOAD_COLUMNS = """
import json, openml_lite
call = dict(data_id=%(data_id)d, base_url=%(mirror)r, cache=False, columns=%(columns)r, engine="js")
if %(how)r == "async":
    result = await openml_lite.fetch_openml_async(**call)
else:
    result = openml_lite.fetch_openml(**call)  # blocks through JSPI (run_sync)
report = openml_lite.last_load_report()
json.dumps([fingerprint(dict(result)), report.range_requests, report.data_bytes])
"""


@pytest.mark.parametrize("how", ["async", "sync"])
def test_columns_by_range_requests(page, mirror_url, mirror_log, how):
    expected = _expected(mirror_url, data_id=SYNTHETIC_MNIST_ID, columns=COLUMNS)
    expected_bytes = openml_lite.last_load_report().data_bytes  # CPython's was a range load too
    mirror_log.reset()
    got, range_requests, downloaded = run_python_in_page(page, LOAD_COLUMNS % {
        "data_id": SYNTHETIC_MNIST_ID, "mirror": mirror_url, "columns": COLUMNS, "how": how})
    assert got == expected
    gets = [r for r in mirror_log.records()
            if r["path"].endswith(f"dataset_{SYNTHETIC_MNIST_ID}.pq") and r["method"] == "GET"]
    assert gets and all(r["status"] == 206 and r["range"] for r in gets), gets
    assert range_requests == len(gets)
    assert downloaded == expected_bytes


PAGE_LOAD = """
import json, openml_lite
bunch = await openml_lite.fetch_openml_async(data_id=40945, base_url=%(mirror)r)
from js import caches
keys = await (await caches.open("openml-lite")).keys()
json.dumps({"fingerprint": fingerprint(dict(bunch)), "cached": sorted(request.url for request in keys)})
"""


def test_second_page_load_reads_the_browser_cache(browser, mirror_url, mirror_log, pyodide_base_url,
                                                  openml_lite_wheel_url):
    boot_pyodide_in_page(browser, pyodide_base_url, openml_lite_wheel_url)
    browser.execute_script('await caches.delete("openml-lite")')  # what earlier tests left
    mirror_log.reset()
    first = run_python_in_page(browser, PAGE_LOAD % {"mirror": mirror_url})
    assert "/datasets/0004/40945/dataset_40945.pq" in mirror_log.paths()
    assert f"{mirror_url}/datasets/0004/40945/dataset_40945.pq" in first["cached"]

    mirror_log.reset()
    browser.refresh()  # a real reload: new JS realm, new Pyodide, same browser profile
    boot_pyodide_in_page(browser, pyodide_base_url, openml_lite_wheel_url, fresh=False)
    second = run_python_in_page(browser, PAGE_LOAD % {"mirror": mirror_url})
    assert mirror_log.paths() == []  # not even the JSON API was asked again
    assert second["fingerprint"] == first["fingerprint"] == _expected(mirror_url, **TITANIC)
