"""The sync fetch_openml in a browser WITHOUT JSPI (as Safari, and Chrome / Firefox before
JSPI shipped), in Chromium and Firefox: Firefox with JSPI switched off by its pref,
Chromium with WebAssembly's JSPI entry points deleted in every realm before Pyodide loads
(tests/browsers.py, `jspi=False`). Only numpy and pandas are loaded, and Python is
started with runPython: nothing can await a promise.

In a module Web Worker (where JupyterLite runs its kernel) it must load Titanic as
CPython does, by sync XHR and the JS decoder (report engine "js"), without loading
pyarrow or scikit-learn; on a page's main thread too, by text-mode sync XHR.
"""

from __future__ import annotations

import json

import pytest

import openml_lite
from browsers import BROWSERS, launch_or_skip
from in_browser import FINGERPRINT_SOURCE, boot_pyodide_in_page, call_source, run_in_module_worker, run_python_in_page

exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102

TITANIC = {"data_id": 40945}
NUMPY_AND_PANDAS = ["numpy", "pandas", "micropip"]  # micropip: to install the wheel

CAN_RUN_SYNC = "import json\nfrom pyodide.ffi import can_run_sync\njson.dumps(can_run_sync())"
AFTERWARDS = """
import json, sys, openml_lite
report = openml_lite.last_load_report()
json.dumps({"pyarrow": "pyarrow" in sys.modules, "sklearn": "sklearn" in sys.modules,
            "engine": report and report.engine})
"""


MAIN_THREAD_LOAD = """
import json, openml_lite
try:
    bunch = openml_lite.fetch_openml(data_id=40945, base_url=%(mirror)r, cache=False)
    answer = {"data": fingerprint(dict(bunch))}
except Exception as error:
    answer = {"error": f"{type(error).__name__}: {error}"}
json.dumps(answer)
"""


@pytest.fixture(scope="module", params=BROWSERS)
def browser(request):
    with launch_or_skip(request.param, jspi=False) as browser:
        yield browser


@pytest.fixture(scope="module")
def titanic(mirror_url):
    return fingerprint(dict(openml_lite.fetch_openml(base_url=mirror_url, cache=False, **TITANIC)))  # noqa: F821


def test_sync_fetch_in_a_module_worker_without_jspi(browser, mirror_url, pyodide_base_url,
                                                    openml_lite_wheel_url, titanic):
    answer = run_in_module_worker(
        browser, pyodide_base_url, openml_lite_wheel_url, packages=NUMPY_AND_PANDAS,
        sync={"can_run_sync": CAN_RUN_SYNC, "titanic": call_source(mirror_url, TITANIC),
              "afterwards": AFTERWARDS},
    )
    assert "boot" not in answer, answer.get("boot")
    assert json.loads(answer["can_run_sync"]) is False, "this worker has JSPI: the test tests nothing"
    assert not answer["titanic"].startswith("ERROR"), answer["titanic"]
    assert json.loads(answer["titanic"]) == titanic
    assert json.loads(answer["afterwards"]) == {"pyarrow": False, "sklearn": False, "engine": "js"}


def test_sync_fetch_on_a_main_thread_without_jspi(browser, mirror_url, pyodide_base_url,
                                                  openml_lite_wheel_url, titanic):
    """A page's main thread has only the text-mode sync XHR (x-user-defined; browsers
    refuse binary sync XHR there): it loads Titanic with it, by the JS decoder."""
    boot_pyodide_in_page(browser, pyodide_base_url, openml_lite_wheel_url, NUMPY_AND_PANDAS)
    assert run_python_in_page(browser, CAN_RUN_SYNC, entry="runPython") is False
    got = run_python_in_page(browser, MAIN_THREAD_LOAD % {"mirror": mirror_url}, entry="runPython")
    assert "error" not in got, got.get("error")
    assert got["data"] == titanic
    assert run_python_in_page(browser, AFTERWARDS, entry="runPython") == {
        "pyarrow": False, "sklearn": False, "engine": "js"}
