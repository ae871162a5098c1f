"""The Pyodide timings in headless Chromium, what a JupyterLite user gets: pyodide-http's
patch_all() really patches there (synchronous XHR), and openml-lite's warm cache is the
browser's Cache Storage.

A small static server on 127.0.0.1 serves the offline Pyodide, _boot.mjs,
_pyodide_side.py, the wheels and a page; the mirror is another origin (it sends CORS
headers). Selenium drives Debian's chromium + chromium-driver, offline (the flags of
tests/support.py). The page runs the same ``_boot.runTask`` as Node; we poll for its
result, since a long synchronous call (sklearn's XHR) blocks the page's main thread.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"

PAGE = b"""<!doctype html>
<meta charset="utf-8"><title>openml-lite benchmark</title>
<script src="/pyodide/pyodide.js"></script>
<script type="module">
import { runTask } from "/bench/_boot.mjs";
window.benchLog = [];
const readBytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
window.runBench = (cfg) => {
  window.benchResult = null;
  runTask(loadPyodide, readBytes, cfg, (line) => window.benchLog.push(line)).then(
    (out) => { window.benchResult = { ok: out }; },
    (err) => { window.benchResult = { error: String((err && err.stack) || err) }; });
};
</script>
<body>openml-lite benchmark page</body>
"""


def chromium_version() -> str | None:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def missing() -> str | None:
    """Why the Chromium run cannot happen here, or None."""
    if not Path(CHROMIUM).is_file():
        return "chromium not found (apt-get install chromium chromium-driver)"
    if not Path(CHROMEDRIVER).is_file():
        return "chromedriver not found (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


class _StaticHandler(BaseHTTPRequestHandler):
    """GET of /page.html, /pyodide/<file> and /bench/<file>; nothing else."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each body waits for a delayed ACK

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        path = posixpath.normpath(unquote(urlsplit(self.path).path))
        if path == "/page.html":
            return self._send(PAGE, "text/html; charset=utf-8")
        target = self.server.resolve(path)
        if target is None:
            return self._send(b"Not Found\n", "text/plain", status=404)
        self._send(target.read_bytes(), mimetypes.guess_type(target.name)[0]
                   or ("text/javascript" if target.suffix == ".mjs" else "application/octet-stream"))

    def _send(self, body: bytes, ctype: str, status: int = 200):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class StaticServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pyodide_dir: Path, bench_files: dict[str, Path]):
        self.pyodide_dir, self.bench_files = pyodide_dir.resolve(), bench_files
        super().__init__(("127.0.0.1", 0), _StaticHandler)

    def resolve(self, path: str) -> Path | None:
        if path.startswith("/bench/"):
            return self.bench_files.get(path[len("/bench/"):])
        if path.startswith("/pyodide/"):
            target = (self.pyodide_dir / path[len("/pyodide/"):]).resolve()
            if self.pyodide_dir in target.parents and target.is_file():
                return target
        return None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def _offline_flags() -> list[str]:
    """The Chromium flags every browser test of this repo uses (nothing leaves the machine)."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    try:
        from support import CHROMIUM_OFFLINE_FLAGS
    finally:
        sys.path.pop(0)
    return ["--headless=new", "--no-sandbox", *CHROMIUM_OFFLINE_FLAGS]


def _driver():
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not go online
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in _offline_flags():
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(900)  # a poll waits while sklearn's sync XHR blocks the page
    return driver


def run(cfg: dict, pyodide_dir: Path, wheels: list[Path], budget_seconds: float,
        side_files: tuple[str, ...] = ("_pyodide_side.py", "_shared.py")) -> dict:
    """Run ``cfg`` (a _boot.mjs config, files not yet set) in a fresh headless Chromium;
    ``side_files``: the Python files of benchmarks/ the task imports."""
    files = {"_boot.mjs": HERE / "_boot.mjs", **{name: HERE / name for name in side_files},
             **{w.name: w for w in wheels}}
    with StaticServer(pyodide_dir, files) as static:
        cfg = {**cfg, "indexURL": f"{static.url}/pyodide/",
               "files": {name: f"{static.url}/bench/{name}" for name in files if name != "_boot.mjs"},
               "wheels": [w.name for w in wheels]}
        driver = _driver()
        try:
            driver.get(f"{static.url}/page.html")
            _wait_for(driver, "return typeof window.runBench === 'function'", 60)
            driver.execute_script("window.runBench(arguments[0])", cfg)
            result = _poll(driver, budget_seconds)
        finally:
            driver.quit()
    if "error" in result:
        return {"error": result["error"][-4000:]}
    return result["ok"]


def _wait_for(driver, script: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not driver.execute_script(script):
        if time.monotonic() > deadline:
            raise TimeoutError(f"page not ready after {seconds} s")
        time.sleep(0.2)


def _poll(driver, budget_seconds: float) -> dict:
    """Relay the page's log lines until its result is there (or the budget is spent)."""
    deadline = time.monotonic() + budget_seconds
    while True:
        lines, result = driver.execute_script(
            "return [window.benchLog.splice(0), window.benchResult]")
        for line in lines:
            if line.startswith("[pyodide]"):  # not micropip's and loadPackage's chatter
                print(f"    chromium {line}", file=sys.stderr, flush=True)
        if result:
            return result
        if time.monotonic() > deadline:
            return {"error": f"no result after {budget_seconds:.0f} s"}
        time.sleep(1.0)
