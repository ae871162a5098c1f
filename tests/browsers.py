"""Headless Chromium and Firefox for the browser tests, both driven by npm's puppeteer-core.

Why not selenium for both: Firefox needs geckodriver for that, and no registry here has
it; puppeteer-core talks WebDriver BiDi to Firefox directly (and CDP to Chromium), so one
driver runs the same test body in both browsers. The driver is tests/browser_bridge.mjs,
a node process taking one JSON command a line; `Browser` is its Python side. Its method
names are selenium WebDriver's (get, execute_script, refresh, save_screenshot, quit), so
page helpers work with either; `execute_script` also awaits a returned promise.

    with launch_or_skip("firefox") as browser:
        browser.get(url)
        title = browser.execute_script("return document.title")

Offline: Chromium gets support.CHROMIUM_OFFLINE_FLAGS, Firefox FIREFOX_OFFLINE_PREFS
(on top of puppeteer's own test profile): only 127.0.0.1 is reachable.

Without JSPI (`jspi=False`), to stand in for a browser that lacks it (Safari, older
Chrome and Firefox): Firefox switches it off by a pref, page and workers alike. Chromium
(156) has no flag that does: each page realm runs REMOVE_JSPI before its own scripts
(Pyodide looks for JSPI when it loads), and a Web Worker the test creates must run
REMOVE_JSPI itself, first, before loadPyodide. Check `pyodide.ffi.can_run_sync()`.

A throwaway certificate (a local https origin, `insecure_certs=True`): Chromium gets
--ignore-certificate-errors, Firefox puppeteer's acceptInsecureCerts. Off by default.

Missing node, puppeteer-core (`npm ci`) or the browser (Debian's chromium / firefox-esr;
tests/run.sh installs them as root): `launch_or_skip` skips with that reason, and fails
instead under OPENML_LITE_PYODIDE_STRICT=1 (CI).
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from support import CHROMIUM_OFFLINE_FLAGS

REPO = Path(__file__).resolve().parent.parent
BRIDGE = Path(__file__).resolve().parent / "browser_bridge.mjs"
STRICT = os.environ.get("OPENML_LITE_PYODIDE_STRICT", "") not in ("", "0", "false", "no")

BROWSERS = ("chromium", "firefox")
EXECUTABLES = {"chromium": ("chromium", "chromium-browser"), "firefox": ("firefox-esr", "firefox")}
DEBIAN_PACKAGES = {"chromium": "chromium", "firefox": "firefox-esr"}

FIREFOX_OFFLINE_PREFS = {
    # a dead proxy for everything (Firefox never sends loopback through a proxy)
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 9,
    "network.trr.mode": 5,  # no DNS over HTTPS
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.http.http3.enable": False,
    # the browser's own calls home
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.server": "",
    "app.update.auto": False,
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.region.update.enabled": False,
    "browser.region.network.url": "",
    "extensions.blocklist.enabled": False,
    "media.gmp-gmpopenh264.enabled": False,
}
FIREFOX_WITHOUT_JSPI = {"javascript.options.wasm_js_promise_integration": False}

# What Pyodide looks for to use JSPI (the standard API, and the older one of node 20)
REMOVE_JSPI = "delete WebAssembly.Suspending; delete WebAssembly.Suspender; delete WebAssembly.promising;"


def wait_for(driver, body: str, timeout: float, what: str, poll: float = 0.25):
    """Run the script `body` in `driver` (a Browser, or a selenium WebDriver) until it
    returns something truthy; that value. On timeout an AssertionError names `what` and
    the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(body)
        if value or time.monotonic() > deadline:
            break
        time.sleep(poll)
    assert value, f"timed out after {timeout:.0f} s waiting for {what}; last: {value!r}"
    return value


class BrowserError(RuntimeError):
    """The page's script failed (its message), or the browser or bridge did."""


def executable(name: str) -> str | None:
    return next(filter(None, map(shutil.which, EXECUTABLES[name])), None)


def unavailable(name: str) -> str | None:
    """Why `name` cannot be launched here, or None."""
    if shutil.which("node") is None:
        return "node is not on PATH (the browser driver, tests/browser_bridge.mjs, runs in it)"
    if not (REPO / "node_modules" / "puppeteer-core" / "package.json").is_file():
        return "puppeteer-core is not installed: run npm ci"
    if executable(name) is None:
        return f"{name} not found (apt-get install {DEBIAN_PACKAGES[name]})"
    return None


def launch_or_skip(name: str, **options) -> Browser:
    """`Browser(name, **options)`, or a skip (a failure under STRICT) saying what is missing."""
    reason = unavailable(name)
    if reason is not None:
        if STRICT:
            pytest.fail(f"{reason} (OPENML_LITE_PYODIDE_STRICT is set)", pytrace=False)
        pytest.skip(reason)
    return Browser(name, **options)


class Browser:
    """One headless browser with one page, offline. A context manager (quits at exit)."""

    def __init__(self, name: str, *, jspi: bool = True, insecure_certs: bool = False,
                 width: int = 1280, height: int = 1000, launch_timeout: float = 90):
        self.name = name
        self.jspi = jspi
        self.insecure_certs = insecure_certs
        self._ids = itertools.count()
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen(
            ["node", str(BRIDGE)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True, bufsize=1,
        )
        self._answers: queue.Queue = queue.Queue()
        threading.Thread(target=self._read_answers, daemon=True).start()
        launch = {"browser": name, "executablePath": executable(name), "width": width, "height": height}
        if name == "firefox":
            launch["prefs"] = {**FIREFOX_OFFLINE_PREFS, **({} if jspi else FIREFOX_WITHOUT_JSPI)}
            launch["acceptInsecureCerts"] = insecure_certs
        else:
            launch["args"] = ["--no-sandbox", *CHROMIUM_OFFLINE_FLAGS,
                              *(["--ignore-certificate-errors"] if insecure_certs else [])]
            launch["removeJspi"] = None if jspi else REMOVE_JSPI
        try:
            self.version = self._call("launch", within=launch_timeout, **launch)
        except BaseException:
            self.quit()
            raise

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.quit()

    def __repr__(self) -> str:
        return f"<Browser {self.name} ({getattr(self, 'version', '?')}){'' if self.jspi else ' without JSPI'}>"

    # -- selenium WebDriver's names ---------------------------------------------------

    def get(self, url: str, timeout: float = 60) -> None:
        self._call("get", within=timeout, url=url)

    def execute_script(self, body: str, timeout: float = 60):
        """Run `body` as the body of an async function in the page; its return value
        (awaited, through JSON). A thrown error raises BrowserError with its message."""
        return self._call("evaluate", within=timeout + 10, body=body, timeout=timeout)

    def refresh(self, timeout: float = 60) -> None:
        self._call("refresh", within=timeout)

    def save_screenshot(self, path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._call("screenshot", within=60, path=str(Path(path).resolve()))

    @property
    def worker_prelude(self) -> str:
        """What a Web Worker's script must run first to share this browser's JSPI setting."""
        return REMOVE_JSPI + "\n" if self.name == "chromium" and not self.jspi else ""

    @property
    def current_url(self) -> str:
        return self.execute_script("return location.href")

    def quit(self) -> None:
        if self._process.poll() is None:
            try:
                self._call("close", within=20)
            except BrowserError:
                pass
            self._process.stdin.close()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if not stream.closed:
                stream.close()
        self._stderr.close()

    # -- more -------------------------------------------------------------------------

    def messages(self) -> list[str]:
        """Console messages, page errors and failed requests since the last call (the
        page's own; a worker's console shows in Firefox, not always in Chromium)."""
        return self._call("messages", within=20)

    def _read_answers(self) -> None:
        for line in self._process.stdout:
            if line.startswith("{"):  # (anything else a library printed is not an answer)
                self._answers.put(json.loads(line))
        self._answers.put(None)  # the bridge ended

    def _call(self, command: str, within: float, **arguments):
        """Send one command; its answer within `within` seconds."""
        if self._process.poll() is not None or self._process.stdin.closed:
            raise BrowserError(f"{self.name}: the browser bridge has ended{self._stderr_tail()}")
        call_id = next(self._ids)
        self._process.stdin.write(json.dumps({"id": call_id, "command": command, **arguments}) + "\n")
        self._process.stdin.flush()
        deadline = time.monotonic() + within
        while True:
            try:
                reply = self._answers.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self._process.kill()  # a bridge that does not answer cannot be used again
                raise BrowserError(f"{self.name}: no answer to {command} within {within:.0f} s"
                                   f"{self._stderr_tail()}") from None
            if reply is None:
                raise BrowserError(f"{self.name}: the browser bridge ended during {command}"
                                   f"{self._stderr_tail()}")
            if reply["id"] == call_id:  # (earlier ids: answers to calls that timed out)
                break
        if "error" in reply:
            raise BrowserError(f"{self.name}: {reply['error']}")
        return reply["value"]

    def _stderr_tail(self) -> str:
        try:
            self._stderr.seek(0)
            tail = self._stderr.read()[-2000:].strip()
        except (OSError, ValueError):
            return ""
        return f"\n{tail}" if tail else ""
