"""What only a browser has: Web Workers (where JupyterLite runs its kernel), synchronous
XHR on a page's main thread, and Cache Storage surviving a page reload. Chromium only:
node has none of these (the node runtime skips with that reason)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser_only  # node has no Web Workers, page XHR or Cache Storage

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

import openml_lite  # noqa: E402

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()
exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102



def _expected(mirror_url, **call):
    return fingerprint(dict(openml_lite.fetch_openml(base_url=mirror_url, cache=False, **call)))  # noqa: F821


# A worker that boots Pyodide, installs the wheel, then runs Python code both ways:
# runPython (sync entry: no JSPI, so fetch_openml() must use synchronous XHR) and
# runPythonAsync (JSPI: fetch_openml() blocks through run_sync).
WORKER = """
importScripts(BASE + "/pyodide.js");
self.onmessage = async (event) => {
  const { wheel, setup, sync, jspi } = event.data;
  try {
    const pyodide = await loadPyodide({ indexURL: BASE + "/" });
    await pyodide.loadPackage(["numpy", "pandas", "micropip", "pyarrow"]);
    await pyodide.runPythonAsync(`import micropip\\nawait micropip.install("${wheel}")`);
    pyodide.runPython(setup);
    const out = {};
    for (const [name, code] of Object.entries(sync)) {
      try { out[name] = pyodide.runPython(code); } catch (e) { out[name] = "ERROR " + e.message; }
    }
    for (const [name, code] of Object.entries(jspi)) {
      try { out[name] = await pyodide.runPythonAsync(code); } catch (e) { out[name] = "ERROR " + e.message; }
    }
    self.postMessage(out);
  } catch (e) {
    self.postMessage({ boot: "ERROR " + e.message });
  }
};
"""

RUN_WORKER = """
const base = %(base)s;
const source = "const BASE = " + JSON.stringify(base) + ";" + %(worker)s;
const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
const answer = await new Promise((resolve) => {
  worker.onmessage = (event) => resolve(event.data);
  worker.onerror = (event) => resolve({ boot: "ERROR " + event.message });
  worker.postMessage(%(message)s);
});
worker.terminate();
return JSON.stringify(answer);
"""


def _call_source(mirror_url, call, **extra):
    arguments = ", ".join(f"{k}={v!r}" for k, v in {**call, **extra, "base_url": mirror_url, "cache": False}.items())
    return f"import json, openml_lite\njson.dumps(fingerprint(dict(openml_lite.fetch_openml({arguments}))))"


@pytest.mark.driver_timeout(240)
def test_sync_fetch_in_a_web_worker(selenium_standalone, mirror_url, pyodide_base_url, openml_lite_wheel_url):
    by_id, by_name = {"data_id": 40945}, {"name": "iris", "version": 1}
    message = {
        "wheel": openml_lite_wheel_url,
        "setup": FINGERPRINT_SOURCE,
        # no JSPI: sync XHR (binary, as workers allow) and the already-loaded pyarrow
        "sync": {
            "xhr_id": _call_source(mirror_url, by_id),
            "xhr_name": _call_source(mirror_url, by_name),
            "xhr_js_engine": _call_source(mirror_url, by_id, engine="js"),
        },
        # JSPI: run_sync over fetch; the JS decoder asked for by name
        "jspi": {
            "jspi_id": _call_source(mirror_url, by_id, engine="js"),
            "jspi_name": _call_source(mirror_url, by_name, engine="js"),
        },
    }
    answer = json.loads(selenium_standalone.run_js(RUN_WORKER % {
        "base": json.dumps(pyodide_base_url), "worker": json.dumps(WORKER), "message": json.dumps(message),
    }))
    assert "boot" not in answer, answer.get("boot")
    titanic, iris = _expected(mirror_url, **by_id), _expected(mirror_url, **by_name)
    assert json.loads(answer["xhr_id"]) == titanic
    assert json.loads(answer["xhr_name"]) == iris
    assert json.loads(answer["jspi_id"]) == titanic
    assert json.loads(answer["jspi_name"]) == iris
    # without JSPI nothing can await the JS decoder: a clear, typed error that says what to do
    assert answer["xhr_js_engine"].startswith("ERROR ")
    assert "EngineUnavailableError" in answer["xhr_js_engine"]
    assert "fetch_openml_async" in answer["xhr_js_engine"]


@pytest.mark.driver_timeout(180)
def test_sync_fetch_on_a_page_main_thread_without_jspi(selenium_openml_lite, mirror_url):
    """runPython (a sync entry point, so no JSPI): the x-user-defined XHR trick."""
    selenium_openml_lite.run_js('await pyodide.loadPackage("pyarrow")')
    selenium_openml_lite.run(FINGERPRINT_SOURCE)
    got = selenium_openml_lite.run(
        "from pyodide.ffi import can_run_sync\nassert not can_run_sync()\n"
        + _call_source(mirror_url, {"data_id": 40945})
    )
    assert json.loads(got) == _expected(mirror_url, data_id=40945)


PAGE_LOAD = """
import json, openml_lite
bunch = await openml_lite.fetch_openml_async(data_id=40945, base_url=%(mirror)r)
from js import caches
keys = await (await caches.open("openml-lite")).keys()
json.dumps({"rows": len(bunch.frame), "fingerprint": fingerprint(dict(bunch)),
            "cached": sorted(request.url for request in keys)})
"""


@pytest.mark.driver_timeout(240)
def test_second_page_load_reads_the_browser_cache(selenium_standalone, mirror_url, mirror_log, openml_lite_wheel_url):
    selenium = selenium_standalone

    def load_in_fresh_page():
        selenium.run_async(f"import micropip\nawait micropip.install({openml_lite_wheel_url!r})")
        selenium.run(FINGERPRINT_SOURCE)
        return json.loads(selenium.run_async(PAGE_LOAD % {"mirror": mirror_url}))

    first = load_in_fresh_page()
    assert "/datasets/0004/40945/dataset_40945.pq" in mirror_log.paths()
    parquet_url = f"{mirror_url}/datasets/0004/40945/dataset_40945.pq"
    assert parquet_url in first["cached"]

    mirror_log.reset()
    selenium.refresh()  # a real reload: new JS realm, new Pyodide, same browser profile
    selenium.javascript_setup()
    selenium.load_pyodide()
    selenium.initialize_pyodide()
    second = load_in_fresh_page()
    assert mirror_log.paths() == []  # not even the JSON API was asked again
    assert second["fingerprint"] == first["fingerprint"] == _expected(mirror_url, data_id=40945)
