"""The demo notebook of the offline JupyterLite site, run in headless Chromium and Firefox.

    bash build_wheels.sh                 # web/pyodide/ (with the kernel's packages) + the wheel
    bash web/jupyterlite/build.sh        # web/jupyterlite/_output/ (this test runs it too)
    pytest tests/browser/test_jupyterlite.py

What it does: makes sure the site is built (runs web/jupyterlite/build.sh, which says "up to
date" in a second when nothing changed), serves it and the local OpenML mirror (the
`mirror_url` fixture of tests/conftest.py) on 127.0.0.1, opens
lab/index.html?path=openml-lite-demo.ipynb in each browser (tests/browsers.py: puppeteer-core,
only 127.0.0.1 reachable), runs all cells through window.jupyterapp (the site has
exposeAppInBrowser), waits for the kernel, reads
each cell's outputs from the notebook model and checks them: no error output, head() shows
Titanic's first passengers, the printed test accuracy is a number in (0, 1], and the data
came from the mirror's parquet file. Screenshots: artifacts/jupyterlite.png (Chromium),
artifacts/jupyterlite-firefox.png.

How the mirror URL reaches the notebook: not through the notebook. The site's
jupyter-lite.json may give the kernel an environment (the Pyodide kernel passes
`loadPyodideOptions` to `loadPyodide`, whose `env` becomes os.environ), and openml-lite
reads OPENML_LITE_BASE_URL from there. `build.sh --openml-base-url URL` bakes it into a
site; here the server answers /jupyter-lite.json with the built file plus that one
setting, so the notebook stays exactly what a user runs against www.openml.org.

Skips (errors when OPENML_LITE_PYODIDE_STRICT=1, as in CI) when the site cannot be built
(no web/pyodide: "run bash build_wheels.sh first"; no PyPI for the build's venv) or when
the browser or its driver (node, puppeteer-core) is missing.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browsers import BROWSERS, launch_or_skip

REPO = Path(__file__).resolve().parents[2]
LITE = REPO / "web" / "jupyterlite"
SITE = LITE / "_output"
NOTEBOOK = "openml-lite-demo.ipynb"
ARTIFACTS = REPO / "artifacts"
BUILD_HINT = "run bash web/jupyterlite/build.sh first"
KERNEL_SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"
STRICT = os.environ.get("OPENML_LITE_PYODIDE_STRICT", "") not in ("", "0", "false", "no")

# seconds
KERNEL_TIMEOUT = 90  # page load + first kernel start (about 10 s here)
RUN_TIMEOUT = 120  # all cells (about 15 s here: pip install, sklearn load, fetch, fit)

# Titanic (OpenML 40945): what frame.head() must show, first passenger first
TITANIC_HEAD = ["Allen, Miss. Elisabeth Walton", "Allison, Master. Hudson Trevor", "St Louis, MO"]
TITANIC_COLUMNS = ["pclass", "survived", "name", "sex", "age", "embarked", "home.dest"]

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _unavailable(reason: str):
    if STRICT:
        pytest.fail(f"{reason} (OPENML_LITE_PYODIDE_STRICT is set)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------------------------------------
# the site, built and served


@pytest.fixture(scope="module")
def lite_site() -> Path:
    """web/jupyterlite/_output, (re)built by build.sh when any input changed."""
    started = time.monotonic()
    done = subprocess.run(
        ["bash", str(LITE / "build.sh")], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        _unavailable(f"{BUILD_HINT}: it failed here:\n{tail}")
    said = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    print(f"[jupyterlite] site build: {time.monotonic() - started:.1f} s ({said[-1] if said else ''})")
    if not (SITE / "lab" / "index.html").is_file():
        _unavailable(f"{BUILD_HINT}: no {SITE}/lab/index.html")
    return SITE


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files of the site; /jupyter-lite.json with the kernel env added."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".whl": "application/octet-stream",
        ".zip": "application/zip",
    }

    def __init__(self, *args, kernel_env: dict, log: list, **kwargs):
        self.kernel_env = kernel_env
        self.request_log = log
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802
        if self.path.split("?", 1)[0] == "/jupyter-lite.json" and self.kernel_env:
            config = json.loads((Path(self.directory) / "jupyter-lite.json").read_text())
            kernel = config["jupyter-config-data"]["litePluginSettings"][KERNEL_SETTINGS]
            kernel.setdefault("loadPyodideOptions", {}).setdefault("env", {}).update(self.kernel_env)
            body = json.dumps(config).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_request(self, code="-", size="-"):
        self.request_log.append((self.path, int(code) if str(code).isdigit() else code))

    def log_message(self, format, *args):  # noqa: A002
        pass


class SiteServer:
    def __init__(self, folder: Path, kernel_env: dict):
        self.log: list = []
        handler = functools.partial(_SiteHandler, directory=str(folder), kernel_env=kernel_env, log=self.log)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def not_found(self) -> list[str]:
        return [path for path, code in self.log if code == 404]


# ---------------------------------------------------------------------------------------------
# the browser


@pytest.fixture(scope="module", params=BROWSERS)
def browser(request):
    with launch_or_skip(request.param, width=1400, height=1600) as browser:
        yield browser


# the notebook panel of NOTEBOOK, or null (run in the page)
FIND_PANEL = """
const app = window.jupyterapp;
if (!app || !app.shell) return null;
let panel = null;
for (const widget of app.shell.widgets('main')) {
  if (widget.context && widget.context.path === %r && widget.content && widget.content.model) panel = widget;
}
""" % NOTEBOOK

KERNEL_STATE = FIND_PANEL + """
if (!panel) return {panel: false};
const session = panel.sessionContext.session;
const kernel = session && session.kernel;
return {panel: true, kernel: kernel ? kernel.name : null, status: kernel ? kernel.status : null};
"""

START_RUN_ALL = FIND_PANEL + """
app.shell.activateById(panel.id);
window.__runAll = null;
app.commands.execute('notebook:run-all-cells').then(
  (result) => { window.__runAll = {done: true, result: result}; },
  (error) => { window.__runAll = {done: true, error: String(error)}; });
return true;
"""

RUN_STATE = FIND_PANEL + """
const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
return {run: window.__runAll, status: kernel ? kernel.status : null};
"""

READ_CELLS = FIND_PANEL + """
const cells = [];
const model = panel.content.model;
for (let i = 0; i < model.cells.length; i++) {
  const cell = model.cells.get(i);
  cells.push({
    type: cell.type,
    source: cell.sharedModel.getSource(),
    execution_count: cell.type === 'code' ? (cell.executionCount ?? null) : null,
    outputs: cell.type === 'code' ? cell.outputs.toJSON() : [],
  });
}
return JSON.stringify(cells);
"""


def _wait(browser, script: str, ready, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = browser.execute_script(script)
        if ready(state):
            return state
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last state: {state}")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def _mirror_paths(mirror_url: str) -> list[str]:
    with urllib.request.urlopen(f"{mirror_url}/_mirror/requests", timeout=10) as answer:
        return [request["path"] for request in json.load(answer)]


def _mirror_reset(mirror_url: str) -> None:
    request = urllib.request.Request(f"{mirror_url}/_mirror/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def _diagnostics(messages: list[str], server: SiteServer) -> str:
    lines = []
    missing = server.not_found()
    if missing:
        lines.append("404 from the site server: " + ", ".join(missing[:20]))
    lines += [message[:400] for message in messages[-40:]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# the test


def test_demo_notebook_runs_in_jupyterlite(browser, lite_site, mirror_url):
    started = time.monotonic()
    suffix = "" if browser.name == "chromium" else f"-{browser.name}"
    screenshot = ARTIFACTS / f"jupyterlite{suffix}.png"
    _mirror_reset(mirror_url)
    with SiteServer(lite_site, {"OPENML_LITE_BASE_URL": mirror_url}) as server:
        timings = {}
        try:
            browser.get(f"{server.url}/lab/index.html?path={NOTEBOOK}")
            _wait(browser, KERNEL_STATE, lambda s: s and s.get("status") == "idle",
                  KERNEL_TIMEOUT, "the notebook to open and its Pyodide kernel to be idle")
            timings["page + first kernel start"] = time.monotonic() - started

            t_run = time.monotonic()
            assert browser.execute_script(START_RUN_ALL), "the notebook panel went away"
            state = _wait(browser, RUN_STATE,
                          lambda s: s and s.get("run") and s.get("status") == "idle",
                          RUN_TIMEOUT, "notebook:run-all-cells to finish")
            timings["run all cells"] = time.monotonic() - t_run
            cells = json.loads(browser.execute_script(READ_CELLS))
        except BaseException:
            browser.save_screenshot(screenshot)
            print(_diagnostics(browser.messages(), server))
            raise
        # scroll to the last cell so the screenshot shows the score
        browser.execute_script(FIND_PANEL + """
const cells = panel.content.widgets; if (cells.length) panel.content.scrollToItem(cells.length - 1);""")
        time.sleep(0.5)
        browser.save_screenshot(screenshot)
        messages = browser.messages()
        diagnostics = _diagnostics(messages, server)
        not_found = server.not_found()
    timings["whole test"] = time.monotonic() - started
    print("[jupyterlite] " + ", ".join(f"{k}: {v:.1f} s" for k, v in timings.items()))

    assert state["run"].get("error") is None, f"run-all-cells failed: {state['run']['error']}\n{diagnostics}"
    code = [cell for cell in cells if cell["type"] == "code"]
    assert code, "the notebook has no code cells"

    # no error output anywhere, and every code cell ran
    for cell in code:
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                traceback = ANSI.sub("", "\n".join(output.get("traceback", [])))
                pytest.fail(f"cell {cell['source']!r} raised {output['ename']}: {output['evalue']}\n"
                            f"{traceback}\n{diagnostics}", pytrace=False)
        assert cell["execution_count"] is not None, f"cell did not run: {cell['source']!r}\n{diagnostics}"

    def cell_with(text: str) -> dict:
        found = [cell for cell in code if text in cell["source"]]
        assert found, f"no code cell contains {text!r}"
        return found[0]

    # %pip install openml-lite came from the site's pypi/ folder (no error output above)
    cell_with("%pip install openml-lite")

    # head(): Titanic's first passengers, all columns in the HTML table
    head = cell_with(".head()")
    results = [o for o in head["outputs"] if o["output_type"] == "execute_result"]
    assert results, f"head() showed nothing: {head['outputs']}"
    html = _text(results[0]["data"].get("text/html"))
    plain = _text(results[0]["data"].get("text/plain"))
    for value in TITANIC_HEAD + TITANIC_COLUMNS:
        assert value in html, f"{value!r} not in the head() table:\n{plain}"
    body = html.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    assert body.count("<tr") == 5, f"head() should show 5 rows:\n{plain}"

    # the model's score, printed as "test accuracy: 0.xyz"
    fit = cell_with(".score(")
    stdout = "".join(_text(o.get("text")) for o in fit["outputs"]
                     if o["output_type"] == "stream" and o.get("name") == "stdout")
    match = re.search(r"accuracy:\s*([0-9.eE+-]+)", stdout)
    assert match, f"no score printed: {fit['outputs']}"
    score = float(match.group(1))
    assert 0 < score <= 1, f"score {score} is not in (0, 1]"

    # nothing the kernel loads was missing from the site, and nothing tried to leave the
    # machine (the browser cannot reach beyond 127.0.0.1; this says whether anything tried)
    missing = [path for path in not_found if path.startswith(("/static/pyodide/", "/pypi/", "/extensions/"))]
    assert not missing, f"the site lacks: {missing}"
    outside = [message for message in messages
               if re.search(r"ERR_NAME_NOT_RESOLVED|ERR_PROXY_CONNECTION_FAILED|NS_ERROR_PROXY_CONNECTION_REFUSED"
                            r"|request failed: (?!http://127\.0\.0\.1[:/])|cdn\.jsdelivr|pypi\.org", message)]
    assert not outside, "something tried to leave 127.0.0.1:\n" + "\n".join(outside)

    # the data came from the local mirror, as parquet
    paths = _mirror_paths(mirror_url)
    assert any(path.endswith("/dataset_40945.pq") for path in paths), f"mirror was asked for: {paths}"
    assert not any(path.endswith(".arff") or "/data/v1/download/" in path for path in paths), paths
