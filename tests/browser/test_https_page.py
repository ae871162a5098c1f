"""Descriptions of every age of URL (tests/url_ages.py) on an https page, in Chromium and
Firefox: the page (Pyodide, the openml-lite wheel) and the mirror are two local https
origins with a throwaway certificate (trustme). There an http:// request is mixed content,
which the browser blocks, so a load that followed a description's plain-http URL
(http://openml1.win.tue.nl, http://data.openml.org) would fail. A control shows the
browser blocking such a fetch, and with what words; then every age loads from the https
mirror it was given, as CPython loads it, with no request to any other host.

The browsers are tests/browsers.py's (puppeteer-core, offline: only 127.0.0.1 reachable),
launched with insecure_certs=True. Skips with "run bash build_wheels.sh first" without
web/pyodide/, and without the browser (a failure under OPENML_LITE_PYODIDE_STRICT=1).
"""

from __future__ import annotations

import functools
import json
import re
import ssl
import sys
import threading
import time
import warnings
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import openml_lite
from browsers import BROWSERS, launch_or_skip
from openml_lite.mirror import MirrorServer
from url_ages import AGES, LOAD_AGES_SOURCE, SPARSE_AGES, check_ages, make_ages_mirror

trustme = pytest.importorskip("trustme", reason="trustme is not installed: pip install -e '.[test]'")

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "web" / "pyodide"
BUILD_HINT = "run bash build_wheels.sh first"
if not (DIST / "pyodide.mjs").is_file() or not list(DIST.glob("openml_lite-*.whl")):
    pytest.skip(f"no Pyodide or openml-lite wheel in web/pyodide/: {BUILD_HINT}", allow_module_level=True)

sys.path.append(str(REPO / "tests" / "pyodide"))  # in_browser.py, fingerprint.py
from in_browser import FINGERPRINT_SOURCE, boot_pyodide_in_page, run_python_in_page  # noqa: E402

exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102

LEGACY = "http://openml1.win.tue.nl/dataset42074/dataset_42074.pq"  # wine_reviews' recorded parquet_url
# How each browser says it blocked an http:// request of an https page (what `messages()` holds)
MIXED_CONTENT = {
    "chromium": [
        "console error: Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an "
        "insecure resource '{url}'. This request has been blocked; the content must be served over HTTPS.",
        "request failed: {url} (mixed-content)",
    ],
    "firefox": ["page error: Blocked loading mixed active content \u201c{url}\u201d"],
}
# what a message says when the browser blocked a request, or when one got no answer
BLOCKED = re.compile(r"mixed content|mixed active content|blocked", re.IGNORECASE)
FAILED = re.compile(r"request failed|Failed to load|NetworkError|Failed to fetch|ERR_|NS_ERROR", re.IGNORECASE)
ANSWERED = "the server responded with a status of"  # Chromium's "Failed to load resource: ..."
URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"\u201c\u201d()<>]+", re.IGNORECASE)
PAGE = '<!doctype html>\n<link rel="icon" href="data:,">\n<title>openml-lite on https</title>\n'

CONTROL = """
try {
  const answer = await fetch(URL, { cache: "no-store" });
  return `reached: HTTP ${answer.status}`;
} catch (error) {
  return `failed: ${error}`;
}
"""



class TLSSite:
    """``folder`` over https on 127.0.0.1 (a free port), symlinks followed; ``log``: the
    (path, status) of every request."""

    def __init__(self, folder: Path, context: ssl.SSLContext):
        log = self.log = []

        class Handler(SimpleHTTPRequestHandler):
            extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                              ".mjs": "text/javascript", ".wasm": "application/wasm"}

            def log_request(self, code="-", size="-"):
                log.append((self.path, int(code) if str(code).isdigit() else code))

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # a browser dropping a connection
        # the handshake on the first read, in the request's thread (as MirrorServer does)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True,
                                                do_handshake_on_connect=False)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> TLSSite:
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def tls(ca) -> ssl.SSLContext:
    """A server context with a certificate for 127.0.0.1 from the throwaway CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def site(tmp_path_factory, tls):
    """A page and web/pyodide (Pyodide, its packages, the openml-lite wheel), over https."""
    folder = tmp_path_factory.mktemp("https_site")
    (folder / "index.html").write_text(PAGE)
    (folder / "pyodide").symlink_to(DIST, target_is_directory=True)
    with TLSSite(folder, tls) as server:
        yield server


@pytest.fixture(scope="module")
def mirror(mirror_dir, tmp_path_factory, tls):
    """The ages folder (url_ages.py) served over https as the mirror serves it by default."""
    dest = tmp_path_factory.mktemp("url_ages") / "mirror"
    assert make_ages_mirror(mirror_dir, dest) == AGES
    with MirrorServer(dest, ssl_context=tls) as server:
        yield server


@pytest.fixture(scope="module")
def expected(mirror, ca):
    """CPython's openml-lite on each age from the same https mirror (trusting the CA):
    label -> fingerprint (the sparse one's warnings, which tests/test_url_ages.py asserts,
    not shown)."""
    with ca.cert_pem.tempfile() as ca_file, pytest.MonkeyPatch.context() as patch, \
            warnings.catch_warnings():
        patch.setenv("SSL_CERT_FILE", ca_file)  # read by each new default SSL context
        for category in (openml_lite.ArffFallbackWarning, openml_lite.InactiveDatasetWarning):
            warnings.simplefilter("ignore", category)
        return {label: fingerprint(dict(openml_lite.fetch_openml(  # noqa: F821 (FINGERPRINT_SOURCE)
            data_id=data_id, base_url=mirror.url, cache=False))) for label, data_id in AGES.items()}


@pytest.fixture(scope="module", params=BROWSERS)
def page(request, site):
    """The module's browser on the https page with Pyodide booted: (browser, the messages
    of the page load and the boot)."""
    with launch_or_skip(request.param, insecure_certs=True) as browser:
        browser.get(f"{site.url}/index.html")
        wheel = next(DIST.glob("openml_lite-*.whl")).name
        # boot_pyodide_in_page would open base_url + in_browser.PAGE (pytest-pyodide's
        # module_test.html, not in web/pyodide): it boots in this page instead
        boot_pyodide_in_page(browser, f"{site.url}/pyodide", f"{site.url}/pyodide/{wheel}", fresh=False)
        yield browser, browser.messages()


def _messages_until(browser, done, timeout: float = 10) -> list[str]:
    """The browser's messages, gathered until ``done(messages)`` or ``timeout`` seconds
    (the browser reports a blocked request a little after the fetch fails)."""
    messages, deadline = [], time.monotonic() + timeout
    while True:
        messages += browser.messages()
        if done(messages) or time.monotonic() > deadline:
            return messages
        time.sleep(0.2)


def _left_the_origins(messages: list[str], *origins: str) -> list[str]:
    """Messages that name a URL on another origin, say a request was blocked, or say one
    failed without naming its URL or an answer (only 127.0.0.1 can answer here). A failed
    request the messages place on ``origins`` (a load discarding a request it no longer
    needs, an OpenML "not there" status) is no request elsewhere."""
    def elsewhere(url):
        parts = urlsplit(url)
        return url.startswith(("http:", "https:", "ws:", "wss:")) and \
            f"{parts.scheme}://{parts.netloc}" not in origins

    def left(message):
        urls = URL.findall(message)
        return any(map(elsewhere, urls)) or bool(BLOCKED.search(message)) or \
            bool(FAILED.search(message) and not urls and ANSWERED not in message)

    return [message for message in messages if left(message)]


def test_the_page_is_https_and_boot_stays_local(page, site):
    """The page is a secure context on https; booting Pyodide asked nothing of any other
    host, and the site had every file it was asked for."""
    browser, boot_messages = page
    assert browser.current_url == f"{site.url}/index.html"
    assert browser.execute_script("return [location.protocol, window.isSecureContext]") == ["https:", True]
    assert _left_the_origins(boot_messages, site.url) == []
    assert [entry for entry in site.log if entry[1] != 200] == []


def test_http_from_the_https_page_is_blocked_as_mixed_content(page, site):
    """The control: the page's own fetch of the legacy plain-http parquet URL fails, and the
    browser says it blocked it as mixed content (so a load that asked for it would fail,
    and the messages would show it)."""
    browser, _ = page
    browser.messages()
    outcome = browser.execute_script(f"const URL = {json.dumps(LEGACY)};\n" + CONTROL)
    wanted = [line.format(page=f"{site.url}/index.html", url=LEGACY) for line in MIXED_CONTENT[browser.name]]
    messages = _messages_until(browser, lambda got: all(line in got for line in wanted))
    assert outcome.startswith("failed: TypeError"), outcome
    assert all(line in messages for line in wanted), messages
    assert set(wanted) <= set(_left_the_origins(messages, site.url))  # what the loads' check looks for


def test_every_age_loads_from_the_https_mirror(page, site, mirror, expected):
    """fetch_openml_async(base_url=<the https mirror>) on each age: CPython's result; every
    document from the mirror; dense ones from the canonical datasets/ parquet path with no
    ARFF fallback, the sparse one from its ARFF on the mirror; no request to any host but
    the page's and the mirror's (nothing failed or was blocked)."""
    browser, _ = page
    browser.messages()
    mirror.reset_requests()
    code = (f"{LOAD_AGES_SOURCE}\nimport json\n"
            f"json.dumps(await load_ages({mirror.url!r}, {AGES!r}))")
    got = run_python_in_page(browser, code, timeout=240)
    messages = _messages_until(browser, lambda got: False, timeout=1)  # late ones too
    check_ages(got, expected, mirror)
    # OpenML's 412 "not there" for the sparse dataset's qualities (sklearn recorded none): the
    # async load asks for them with the description and drops the request once the
    # description says sparse (sparse data needs none), so whether it reached the mirror
    # before that is a race (CI, Firefox: once it had not); nothing else may fail
    may_fail = {(f"/api/v1/json/data/qualities/{AGES[label]}", 412) for label in SPARSE_AGES}
    failed = [(r["path"], r["status"]) for r in mirror.requests if r["status"] not in (200, 204, 206)]
    assert set(failed) <= may_fail and len(failed) == len(set(failed)), failed
    assert _left_the_origins(messages, site.url, mirror.url) == []
    assert [entry for entry in site.log if entry[1] != 200] == []
