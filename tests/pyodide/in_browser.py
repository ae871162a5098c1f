"""Pyodide in a real browser page or module Web Worker, for the tests of test_browser.py and
test_sync_without_jspi.py (a `browsers.Browser`: Chromium or Firefox).

The page is pytest-pyodide's module_test.html on the server of the dist dir (the
`pyodide_base_url` fixture), so pyodide.mjs, the packages and the wheel are same-origin.
Workers are MODULE workers (`new Worker(url, {type: "module"})` importing pyodide.mjs):
every Pyodide accepts them, newer ones refuse classic workers.

Python sent to Pyodide ends in an expression that is a JSON string (json.dumps(...)):
what crosses back to the test is plain data.
"""

from __future__ import annotations

import json
from pathlib import Path

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()
PAGE = "/module_test.html"


def call_source(mirror_url: str, call: dict, **extra) -> str:
    """Python that loads `call` with the sync fetch_openml and is the JSON of its fingerprint."""
    arguments = ", ".join(f"{k}={v!r}" for k, v in {**call, **extra, "base_url": mirror_url, "cache": False}.items())
    return f"import json, openml_lite\njson.dumps(fingerprint(dict(openml_lite.fetch_openml({arguments}))))"


BOOT_PAGE = """
const { loadPyodide } = await import(BASE + "/pyodide.mjs");
window.pyodide = await loadPyodide({ indexURL: BASE + "/" });
await pyodide.loadPackage(PACKAGES);
await pyodide.runPythonAsync(`import micropip\\nawait micropip.install(${JSON.stringify(WHEEL)})`);
pyodide.runPython(SETUP);
return true;
"""


def boot_pyodide_in_page(browser, base_url: str, wheel_url: str, packages=("numpy", "pandas", "micropip"),
                         *, fresh: bool = True) -> None:
    """`window.pyodide` in the page: `packages` loaded, openml-lite installed, fingerprint()
    defined. `fresh`: in a newly loaded page (else: in the page as it is, e.g. after a reload)."""
    if fresh:
        browser.get(base_url + PAGE)
    browser.execute_script(
        _constants(BASE=base_url, PACKAGES=list(packages), WHEEL=wheel_url, SETUP=FINGERPRINT_SOURCE)
        + BOOT_PAGE, timeout=180)


def page_has_pyodide(browser) -> bool:
    return browser.execute_script("return typeof window.pyodide === 'object'")


def run_python_in_page(browser, code: str, *, entry: str = "runPythonAsync", timeout: float = 120):
    """`code` through pyodide.runPythonAsync (JSPI can block) or runPython (it cannot);
    its JSON result, decoded. A Python exception raises BrowserError with its text."""
    result = browser.execute_script(f"return await pyodide.{entry}({json.dumps(code)})", timeout=timeout)
    return json.loads(result)


# The worker (a module): boots Pyodide, installs the wheel, then runs each named piece of
# Python by runPython (a sync entry: JSPI cannot block, so fetch_openml() takes sync XHR)
# or by runPythonAsync (JSPI blocks, where the browser has it). Answers {name: JSON text,
# or "ERROR <message>"}, or {boot: "ERROR ..."}. The browser's worker_prelude comes first
# (Chromium loses JSPI there when the test asks): the static import is evaluated before
# it, but Pyodide looks for JSPI in loadPyodide, which comes after.
WORKER = """
import { loadPyodide } from PYODIDE_MJS;
self.onmessage = async (event) => {
  const { wheel, packages, setup, sync, jspi } = event.data;
  try {
    const pyodide = await loadPyodide({ indexURL: BASE + "/" });
    await pyodide.loadPackage(packages);
    await pyodide.runPythonAsync(`import micropip\\nawait micropip.install(${JSON.stringify(wheel)})`);
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
const worker = new Worker(URL.createObjectURL(new Blob([SOURCE], { type: "text/javascript" })),
                          { type: "module" });
const answer = await new Promise((resolve) => {
  worker.onmessage = (event) => resolve(event.data);
  worker.onerror = (event) => resolve({ boot: "ERROR " + (event.message || "the worker failed to start") });
  worker.postMessage(MESSAGE);
});
worker.terminate();
return answer;
"""


def run_in_module_worker(browser, base_url: str, wheel_url: str, *, packages, sync=None, jspi=None,
                         timeout: float = 240) -> dict:
    """Boot Pyodide in a fresh module worker of the page (opened if the browser is on no
    page of `base_url`) and run the named Python (see WORKER). {name: result}."""
    if not browser.current_url.startswith(base_url):
        browser.get(base_url + PAGE)
    source = (browser.worker_prelude + _constants(BASE=base_url)
              + WORKER.replace("PYODIDE_MJS", json.dumps(base_url + "/pyodide.mjs")))
    message = {"wheel": wheel_url, "packages": list(packages), "setup": FINGERPRINT_SOURCE,
               "sync": sync or {}, "jspi": jspi or {}}
    return browser.execute_script(_constants(SOURCE=source, MESSAGE=message) + RUN_WORKER, timeout=timeout)


def _constants(**values) -> str:
    return "".join(f"const {name} = {json.dumps(value)};\n" for name, value in values.items())
