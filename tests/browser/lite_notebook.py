"""Run a notebook of an offline JupyterLite site in a headless browser: what
test_jupyterlite.py (the demo site) and test_docs_site.py (the Sphinx gallery's notebooks)
share.

    with SiteServer(folder, {"OPENML_LITE_BASE_URL": mirror_url}) as server:
        run = run_notebook(browser, f"{server.url}/lab/index.html?path=x.ipynb", "x.ipynb",
                           screenshot=ARTIFACTS / "x.png", server=server)
    check_no_errors(run.cells, run.diagnostics)

`SiteServer` serves the built site on 127.0.0.1 (a free port) and answers the site's
jupyter-lite.json with `kernel_env` added to the Pyodide kernel's `loadPyodideOptions.env`
(which becomes os.environ in the kernel: how the mirror's URL reaches a notebook that is
exactly what a user runs against www.openml.org). `run_notebook` opens the page, waits for
the notebook's Pyodide kernel, runs all cells through `window.jupyterapp` (the site needs
exposeAppInBrowser), waits until the kernel is idle again and reads every cell's outputs
from the notebook model; a screenshot at the end (scrolled to the last cell) or on failure.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

KERNEL_SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"
STRICT = os.environ.get("OPENML_LITE_PYODIDE_STRICT", "") not in ("", "0", "false", "no")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# what a request that tried to leave 127.0.0.1 looks like in the browsers' messages
LEFT_THE_MACHINE = re.compile(
    r"ERR_NAME_NOT_RESOLVED|ERR_PROXY_CONNECTION_FAILED|NS_ERROR_PROXY_CONNECTION_REFUSED"
    r"|request failed: (?!http://127\.0\.0\.1[:/])|cdn\.jsdelivr|pypi\.org")


def unavailable(reason: str):
    """Skip saying why; under OPENML_LITE_PYODIDE_STRICT=1 (CI) fail instead."""
    if STRICT:
        pytest.fail(f"{reason} (OPENML_LITE_PYODIDE_STRICT is set)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------------------------------------
# the site, served


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files of the site; its jupyter-lite.json with the kernel env added."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".whl": "application/octet-stream",
        ".zip": "application/zip",
    }

    def __init__(self, *args, kernel_env: dict, config_path: str, log: list, hide: str | None = None,
                 **kwargs):
        self.kernel_env = kernel_env
        self.config_path = config_path
        self.request_log = log
        self.hide = hide
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802
        if self.hide and self.path.startswith(self.hide):
            self.send_error(404, "hidden by the test")
            return
        if self.path.split("?", 1)[0] == self.config_path and self.kernel_env:
            file = Path(self.directory) / self.config_path.lstrip("/")
            config = json.loads(file.read_text())
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
    """`folder` on 127.0.0.1; `config_path`: the URL path of the JupyterLite site's root
    jupyter-lite.json (the one holding the kernel's settings), answered with `kernel_env`;
    `hide`: a path prefix answered 404, as if the site had no such files."""

    def __init__(self, folder: Path, kernel_env: dict, config_path: str = "/jupyter-lite.json",
                 hide: str | None = None):
        self.log: list = []
        handler = functools.partial(_SiteHandler, directory=str(folder), kernel_env=kernel_env,
                                    config_path=config_path, log=self.log, hide=hide)
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
# the notebook, run


def find_panel(notebook: str) -> str:
    """JS: `panel` = the open notebook panel of `notebook` (a path in the site's files), or
    return null."""
    return """
const app = window.jupyterapp;
if (!app || !app.shell) return null;
let panel = null;
for (const widget of app.shell.widgets('main')) {
  if (widget.context && widget.context.path === %s && widget.content && widget.content.model) panel = widget;
}
""" % json.dumps(notebook)


KERNEL_STATE = """
if (!panel) return {panel: false};
const session = panel.sessionContext.session;
const kernel = session && session.kernel;
return {panel: true, kernel: kernel ? kernel.name : null, status: kernel ? kernel.status : null};
"""

START_RUN_ALL = """
app.shell.activateById(panel.id);
window.__runAll = null;
app.commands.execute('notebook:run-all-cells').then(
  (result) => { window.__runAll = {done: true, result: result}; },
  (error) => { window.__runAll = {done: true, error: String(error)}; });
return true;
"""

RUN_STATE = """
const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
return {run: window.__runAll, status: kernel ? kernel.status : null};
"""

READ_CELLS = """
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

SCROLL_TO_END = """
const cells = panel.content.widgets; if (cells.length) panel.content.scrollToItem(cells.length - 1);
"""


def wait(browser, script: str, ready, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = browser.execute_script(script)
        if ready(state):
            return state
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last state: {state}")


def diagnostics(messages: list[str], server: SiteServer) -> str:
    lines = []
    missing = server.not_found()
    if missing:
        lines.append("404 from the site server: " + ", ".join(missing[:20]))
    lines += [message[:400] for message in messages[-40:]]
    return "\n".join(lines)


@dataclass
class NotebookRun:
    state: dict  # {"run": {"done", "result" | "error"}, "status"}
    cells: list[dict]  # type, source, execution_count, outputs (nbformat JSON)
    timings: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)  # the browser's, during the run
    diagnostics: str = ""  # 404s of the site + the last messages, for failure reports
    not_found: list[str] = field(default_factory=list)


def run_notebook(browser, url: str, notebook: str, *, screenshot: Path, server: SiteServer,
                 kernel_timeout: float = 90, run_timeout: float = 120) -> NotebookRun:
    """Open `url` (a JupyterLite page that opens `notebook`), run all its cells, read them."""
    started = time.monotonic()
    panel = find_panel(notebook)
    timings = {}
    try:
        browser.get(url)
        wait(browser, panel + KERNEL_STATE, lambda s: s and s.get("status") == "idle",
             kernel_timeout, f"{notebook} to open and its Pyodide kernel to be idle")
        timings["page + first kernel start"] = time.monotonic() - started
        t_run = time.monotonic()
        assert browser.execute_script(panel + START_RUN_ALL), "the notebook panel went away"
        state = wait(browser, panel + RUN_STATE,
                     lambda s: s and s.get("run") and s.get("status") == "idle",
                     run_timeout, "notebook:run-all-cells to finish")
        timings["run all cells"] = time.monotonic() - t_run
        cells = json.loads(browser.execute_script(panel + READ_CELLS))
    except BaseException:
        browser.save_screenshot(screenshot)
        print(diagnostics(browser.messages(), server))
        raise
    # scroll to the last cell so the screenshot shows the last outputs
    browser.execute_script(panel + SCROLL_TO_END)
    time.sleep(0.5)
    browser.save_screenshot(screenshot)
    messages = browser.messages()
    # the run left the notebook unsaved: JupyterLab would then hold the next navigation at a
    # "leave this page?" (beforeunload) prompt, which a headless browser never answers
    browser.execute_script(panel + "panel.context.model.dirty = false; return true;")
    timings["whole run"] = time.monotonic() - started
    return NotebookRun(state=state, cells=cells, timings=timings, messages=messages,
                       diagnostics=diagnostics(messages, server), not_found=server.not_found())


# ---------------------------------------------------------------------------------------------
# reading the outputs


def text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def stdout(cell: dict) -> str:
    return "".join(text(o.get("text")) for o in cell["outputs"]
                   if o["output_type"] == "stream" and o.get("name") == "stdout")


def check_no_errors(run: NotebookRun) -> list[dict]:
    """run-all-cells succeeded, every code cell ran, none has an error output; the code cells."""
    assert run.state["run"].get("error") is None, f"run-all-cells failed: {run.state['run']['error']}\n{run.diagnostics}"
    code = [cell for cell in run.cells if cell["type"] == "code"]
    assert code, "the notebook has no code cells"
    for cell in code:
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                traceback = ANSI.sub("", "\n".join(output.get("traceback", [])))
                pytest.fail(f"cell {cell['source']!r} raised {output['ename']}: {output['evalue']}\n"
                            f"{traceback}\n{run.diagnostics}", pytrace=False)
        assert cell["execution_count"] is not None, f"cell did not run: {cell['source']!r}\n{run.diagnostics}"
    return code


def check_stayed_local(run: NotebookRun) -> None:
    """Nothing the kernel loads was missing from the site, and nothing tried to leave the
    machine (the browser cannot reach beyond 127.0.0.1; this says whether anything tried)."""
    missing = [path for path in run.not_found
               if re.match(r"(/lite)?/(static/pyodide|pypi|extensions)/", path)]  # (docs: lite/)
    assert not missing, f"the site lacks: {missing}"
    outside = [message for message in run.messages if LEFT_THE_MACHINE.search(message)]
    assert not outside, "something tried to leave 127.0.0.1:\n" + "\n".join(outside)
