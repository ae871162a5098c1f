"""A local stand-in for OpenML's API and file servers, serving a mirror folder.

Standard library only, so it runs wherever the package does. URL paths map to
files under the mirror root (see ``relpath_for_url``); JSON is served as
recorded, with the origins of the hosts a user names (www.openml.org, data.openml.org)
rewritten to the mirror's own origin: it stands in for them. Every other URL in a
recorded document (the older parquet host ``http://openml1.win.tue.nl``,
``api.openml.org``) stays as OpenML wrote it, so clients meet what users meet;
``rewrite_all_origins=True`` rewrites those too, where a test needs every URL to lead here.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .faults import HEADER_KINDS, HTML_PAGE, PROBLEM_TYPE, Faults, Rule, html_error_page, v2_problem

__all__ = ["MirrorServer", "relpath_for_url", "rewrite_origins", "OPENML_ORIGINS",
           "STAND_IN_ORIGINS"]

# The hosts a user names (base_url, and its data host): the mirror answers for them.
STAND_IN_ORIGINS = ("https://www.openml.org", "https://data.openml.org")
# Every OpenML origin that appears in recorded OpenML documents (rewrite_all_origins).
OPENML_ORIGINS = (
    *STAND_IN_ORIGINS,
    "https://api.openml.org",
    "http://openml1.win.tue.nl",
    "https://openml1.win.tue.nl",
)


@functools.cache
def _origin_re(origins: tuple[str, ...]) -> re.Pattern:
    # JSON may escape "/" as "\/": accept both spellings. The lookahead keeps us
    # from rewriting a longer host such as "www.openml.org.example".
    return re.compile("(?:" + "|".join(re.escape(o).replace("/", r"\\?/") for o in origins)
                      + r")(?![\w-]|\.[\w-])")
# A Host header we are willing to echo into JSON (no quotes, no spaces).
_HOST_RE = re.compile(r"^[A-Za-z0-9._~\-:\[\]]{1,255}$")
_RANGE_RE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)

# OpenML's answers for things it does not have (HTTP 412 with an error body).
_NOT_FOUND = {
    "list": {"error": {"code": "372", "message": "No results"}},
    "description": {"error": {"code": "111", "message": "Unknown dataset"}},
    "features": {"error": {"code": "272", "message": "No features found"}},
    "qualities": {"error": {"code": "362", "message": "No qualities found"}},
}
_CONTENT_TYPES = {
    "json": "application/json",
    "arff": "text/plain",
    "parquet": "application/octet-stream",
}
_CHUNK = 1 << 16


def rewrite_origins(text: str, origin: str, origins: tuple[str, ...] = STAND_IN_ORIGINS) -> str:
    """Replace ``origins`` (default: those the mirror stands in for) in serialized JSON by
    ``origin`` (keeps "\\/" escaping)."""
    escaped = origin.replace("/", "\\/")
    return _origin_re(origins).sub(lambda m: escaped if "\\" in m.group(0) else origin, text)


def relpath_for_url(url_path: str):
    """Map a URL path to ``(kind, relative file path, what-if-missing)``, or None.

    kind is "json", "arff" or "parquet"; what-if-missing is a key of the 412
    error bodies, or None for a plain 404.
    """
    segs = [unquote(s) for s in url_path.split("/") if s]
    # Refuse anything that could leave the mirror root.
    if any(s in (".", "..") or "/" in s or "\\" in s or "\0" in s for s in segs):
        return None
    if segs[:4] == ["api", "v1", "json", "data"]:
        rest = segs[4:]
        rel = "/".join(segs) + ".json"
        if rest and rest[0] == "list":
            return "json", rel, "list"
        if len(rest) == 2 and rest[0] in ("features", "qualities"):
            return "json", rel, rest[0]
        if len(rest) == 1 and rest[0].isdigit():
            return "json", rel, "description"
        return None
    # /data/v1/download/<file_id>[/<file name>]: the file name is cosmetic.
    if segs[:3] == ["data", "v1", "download"] and len(segs) in (4, 5) and segs[3].isdigit():
        return "arff", f"data/v1/download/{segs[3]}.arff", None
    if len(segs) >= 2 and segs[0] == "datasets" and segs[-1].endswith(".pq"):
        return "parquet", "/".join(segs), None
    # the older parquet URLs' path (http://openml1.win.tue.nl/dataset42074/dataset_42074.pq),
    # which rewrite_all_origins leads here
    legacy = re.fullmatch(r"dataset(\d+)", segs[0]) if len(segs) == 2 else None
    if legacy and segs[1] == f"dataset_{legacy[1]}.pq":
        data_id = int(legacy[1])
        return "parquet", f"datasets/{data_id // 10000:04d}/{data_id:04d}/dataset_{data_id}.pq", None
    return None


def _set_length(header: bytes, length: int) -> bytes:
    return re.sub(rb"(?im)^content-length:.*$", b"Content-Length: %d" % length, header)


def _wants_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        name, _, params = part.partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            q = re.search(r"q\s*=\s*([0-9.]+)", params)
            try:
                return not q or float(q.group(1)) > 0
            except ValueError:
                return True
    return False


def _parse_range(header: str | None, size: int):
    """None: no usable Range (serve everything); "unsatisfiable"; or (start, end) inclusive."""
    if not header:
        return None
    m = _RANGE_RE.match(header)
    if not m or (not m.group(1) and not m.group(2)):
        return None  # multi-range or malformed: RFC 9110 lets us ignore it
    first, last = m.group(1), m.group(2)
    if not first:  # suffix range: the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - n), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, mirror):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.mirror = mirror
        self._conns = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, _Handler)

    # Track open connections so stop() can end idle keep-alive ones at once.
    def process_request(self, request, client_address):
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        with self._conns_lock:
            conns = list(self._conns)
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.mirror.verbose:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    # headers and body go out in separate writes: with Nagle's algorithm on, the body
    # waits for the client's delayed ACK (~40 ms per request on keep-alive connections)
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"  # keep-alive; every body has a Content-Length
    server_version = "openml-lite-mirror"
    timeout = 30  # drop idle keep-alive connections eventually

    # -- logging -----------------------------------------------------------
    def log_request(self, code="-", size="-"):
        path = getattr(self, "path", None) or ""
        headers = getattr(self, "headers", None)  # absent for unparsable requests
        if not path.startswith("/_mirror/"):  # control calls would pollute the log
            fault = getattr(self, "_fault", None)
            self.server.mirror._record({
                "method": self.command,
                "path": path,
                "status": int(code) if isinstance(code, int) else code,
                "range": headers.get("Range") if headers else None,
                "fault": fault.kind if fault else None,
            })
        if self.server.mirror.verbose:
            super().log_request(code, size)

    def log_message(self, format, *args):
        if self.server.mirror.verbose:
            super().log_message(format, *args)

    def end_headers(self):
        # CORS on every response, errors included, so browsers can read them
        # (unless a no_cors fault says otherwise).
        if getattr(self, "_fault", None) is None or self._fault.kind != "no_cors":
            self.send_header("Access-Control-Allow-Origin", "*")
            # Not Content-Encoding: pyodide-http (sklearn's way into the browser) passes
            # an exposed "gzip" on for a body the browser already decoded, and sklearn
            # then fails to gunzip it (BadGzipFile); openml.org's answers work there.
            self.send_header("Access-Control-Expose-Headers",
                             "Content-Length, Content-Range, Accept-Ranges")
        super().end_headers()

    # -- methods -----------------------------------------------------------
    def do_GET(self):
        self._drain_body()
        self._dispatch(head=False)

    def do_HEAD(self):
        self._drain_body()
        self._dispatch(head=True)

    def do_POST(self):
        path = urlsplit(self.path).path.rstrip("/")
        if path == "/_mirror/faults":
            return self._set_faults()
        self._drain_body()
        if path in ("/_mirror/reset", "/_mirror/faults/clear"):
            self._control(head=False)
        else:
            self._send_405()

    def _set_faults(self):
        """Replace the fault rules: ``{"rules": [{"match": REGEX, "kind": KIND, ...}]}``."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
            document = json.loads(self.rfile.read(length) or b"{}")
            rules = [Rule.from_json(r) for r in document.get("rules", [])]
        except (ValueError, TypeError, re.error) as error:
            return self._send_simple(400, f"bad fault rules: {error}\n".encode(), "text/plain", False)
        self.server.mirror.faults.replace(rules)
        self._send_simple(200, json.dumps({"rules": len(rules)}).encode(), "application/json", False)

    def do_OPTIONS(self):
        self._drain_body()
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "*, Range")
        self.send_header("Access-Control-Max-Age", "86400")
        self.end_headers()  # 204: no Content-Length, no body (RFC 9110 8.6)

    def _not_allowed(self):
        self._drain_body()
        self._send_405()

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def _send_405(self):
        self._send_simple(405, b"Method Not Allowed\n", "text/plain", head=False,
                          extra={"Allow": "GET, HEAD, OPTIONS"})

    # -- helpers -----------------------------------------------------------
    def _drain_body(self):
        # Unread request bodies would corrupt the next request on this connection.
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = 0
            self.close_connection = True
        if n > (1 << 20):
            self.close_connection = True
        elif n > 0:
            self.rfile.read(n)

    def _origin(self) -> str:
        host = self.headers.get("Host", "")
        if not _HOST_RE.match(host):
            return self.server.mirror.url
        return self.server.mirror.scheme + "://" + host

    def _send_simple(self, status, body, ctype, head, extra=None, compress=False):
        if compress and body and _wants_gzip(self.headers.get("Accept-Encoding")):
            body = gzip.compress(body, mtime=0)
            extra = {**(extra or {}), "Content-Encoding": "gzip"}
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _control(self, head):
        path = urlsplit(self.path).path.rstrip("/")
        mirror = self.server.mirror
        if path == "/_mirror/requests":
            body = json.dumps(mirror.requests).encode()
        elif path == "/_mirror/reset":
            body = json.dumps({"cleared": mirror.reset_requests()}).encode()
        elif path == "/_mirror/faults":
            body = json.dumps({"rules": mirror.faults.rules()}).encode()
        elif path == "/_mirror/faults/clear":
            mirror.faults.replace([])
            body = b'{"rules": 0}'
        else:
            return self._send_simple(404, b"Not Found\n", "text/plain", head)
        self._send_simple(200, body, "application/json", head, {"Cache-Control": "no-store"})

    def _dispatch(self, head):
        path = urlsplit(self.path).path
        if path.startswith("/_mirror/"):
            return self._control(head)
        self._fault = self.server.mirror.faults.take(path)
        if self._fault is None or self._fault.kind in HEADER_KINDS:
            return self._serve(path, head)
        return self._serve_with_fault(path, head, self._fault)

    def _serve_with_fault(self, path, head, rule):
        if rule.kind == "status":
            extra = {} if rule.retry_after is None else {"Retry-After": f"{rule.retry_after:g}"}
            route = relpath_for_url(path)
            if route and route[2] and rule.status in (404, 412):
                body = json.dumps(_NOT_FOUND[route[2]], separators=(",", ":")).encode()
                return self._send_simple(rule.status, body, "application/json", head, extra)
            return self._send_simple(rule.status, f"fault: HTTP {rule.status}\n".encode(),
                                     "text/plain", head, extra)
        if rule.kind == "html":
            return self._send_simple(200, HTML_PAGE, "text/html; charset=utf-8", head)
        if rule.kind == "html_status":
            return self._send_simple(rule.status, html_error_page(rule.status), "text/html", head)
        if rule.kind == "problem":
            route = relpath_for_url(path)
            if not route or not route[2]:
                return self._send_simple(404, b'{"detail":"Not Found"}', "application/json", head)
            status, body = v2_problem(route[2], path.rstrip("/").rsplit("/", 1)[-1])
            return self._send_simple(status, body, PROBLEM_TYPE, head)
        if rule.kind == "delay":
            time.sleep(rule.seconds)
            return self._serve(path, head)
        # Body faults: produce the normal answer into a buffer, then spoil it on the way out.
        real, self.wfile = self.wfile, io.BytesIO()
        try:
            self._serve(path, head)
            raw = self.wfile.getvalue()
        finally:
            self.wfile = real
        header, _, body = raw.partition(b"\r\n\r\n")
        if rule.kind == "truncate":
            body = body[: rule.bytes]
            header = _set_length(header, len(body))
        elif rule.kind == "flip" and body:
            spoiled = bytearray(body)
            spoiled[rule.offset % len(body)] ^= 0x01
            body = bytes(spoiled)
        elif rule.kind == "bad_length":
            header = _set_length(header, len(body) + rule.extra)
            self.close_connection = True  # the client must see EOF before the promised end
        self.wfile.write(header + b"\r\n\r\n")
        if rule.kind == "reset":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if rule.kind == "throttle":
            time.sleep(rule.seconds)
            step = max(1, int(rule.rate / 20))
            for start in range(0, len(body), step):
                self.wfile.write(body[start:start + step])
                self.wfile.flush()
                time.sleep(step / rule.rate)
            return
        self.wfile.write(body)

    def _serve(self, path, head):
        route = relpath_for_url(path)
        if route is None:
            return self._send_simple(404, b"Not Found\n", "text/plain", head)
        kind, rel, missing = route
        root = self.server.mirror.root
        full = root.joinpath(*rel.split("/"))
        if not full.is_file():
            if missing is None:
                return self._send_simple(404, b"Not Found\n", "text/plain", head)
            body = json.dumps(_NOT_FOUND[missing], separators=(",", ":")).encode()
            return self._send_simple(412, body, "application/json", head, compress=True)
        try:
            if kind == "json":
                self._serve_json(full, head)
            else:
                self._serve_file(full, kind, head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _serve_json(self, full: Path, head):
        text = full.read_text(encoding="utf-8")
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        mirror = self.server.mirror
        origins = OPENML_ORIGINS if mirror.rewrite_all_origins else STAND_IN_ORIGINS
        body = rewrite_origins(text, self._origin(), origins).encode("utf-8")
        if isinstance(doc, dict) and "error" in doc:
            # Recorded OpenML error bodies keep their HTTP status.
            return self._send_simple(412, body, "application/json", head, compress=True)
        self._send_ranged(body, None, len(body), "json", head)

    def _serve_file(self, full: Path, kind, head):
        self._send_ranged(None, full, full.stat().st_size, kind, head)

    def _send_ranged(self, data: bytes | None, path: Path | None, size, kind, head,
                     content_type: str | None = None, extra_headers: dict | None = None):
        """Send ``data`` (or the file at ``path``), honouring Range and gzip (``kind``
        says which: parquet never gzipped); ``content_type`` overrides the kind's."""
        ctype = content_type or _CONTENT_TYPES[kind]
        headers = {"Accept-Ranges": "bytes", **(extra_headers or {})}
        if kind != "parquet":
            headers["Vary"] = "Accept-Encoding"
        fault = getattr(self, "_fault", None)
        fault = fault.kind if fault else None
        rng = None if fault == "no_ranges" else _parse_range(self.headers.get("Range"), size)
        if rng == "unsatisfiable":
            headers["Content-Range"] = f"bytes */{size}"
            return self._send_simple(416, b"Range Not Satisfiable\n", "text/plain", head, headers)
        if rng is None:
            status, start, length = 200, 0, size
            if kind != "parquet" and _wants_gzip(self.headers.get("Accept-Encoding")):
                # Whole JSON/ARFF bodies are gzipped on request (as OpenML does);
                # ranges are always identity bytes, so offsets mean file offsets.
                data = data if data is not None else path.read_bytes()
                if data:  # empty bodies go out uncompressed
                    del headers["Accept-Ranges"]  # byte offsets would not match the gzip body
                return self._send_simple(200, data, ctype, head, headers, compress=True)
        else:
            status, start, length = 206, rng[0], rng[1] - rng[0] + 1
            if fault != "no_content_range":
                headers["Content-Range"] = f"bytes {rng[0]}-{rng[1]}/{size}"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if head:
            return
        if data is not None:
            self.wfile.write(data[start:start + length])
            return
        with open(path, "rb") as fh:
            fh.seek(start)
            while length > 0:
                chunk = fh.read(min(_CHUNK, length))
                if not chunk:  # file shrank under us: the connection cannot be reused
                    self.close_connection = True
                    break
                self.wfile.write(chunk)
                length -= len(chunk)


class MirrorServer:
    """Serve a mirror folder over HTTP in a background thread.

    Use as a context manager or call ``start()`` / ``stop()``. ``url`` is the
    base URL (no trailing slash); ``requests`` is the log of requests served.
    """

    def __init__(self, root, host: str = "127.0.0.1", port: int = 0, verbose: bool = False,
                 faults=(), rewrite_all_origins: bool = False, ssl_context=None):
        self.root = Path(root)
        self.rewrite_all_origins = rewrite_all_origins  # see the module's docstring
        self.ssl_context = ssl_context  # an ssl.SSLContext: serve https (tests of https pages)
        self.faults = Faults(faults)  # see faults.py; also set over HTTP by tests
        self.host = host
        self.verbose = verbose
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._log: list[dict] = []
        self._log_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> "MirrorServer":
        if self._httpd is not None:
            return self
        if not self.root.is_dir():
            raise FileNotFoundError(f"mirror folder not found: {self.root}")
        self._httpd = _HTTPServer((self.host, self._port), self)
        if self.ssl_context is not None:
            # the handshake happens on the first read, in the request's own thread (in
            # accept() it would hold up every other connection)
            self._httpd.socket = self.ssl_context.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
            name=f"openml-lite-mirror:{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> "MirrorServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def url(self) -> str:
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def scheme(self) -> str:
        return "http" if self.ssl_context is None else "https"

    # -- request log ---------------------------------------------------------
    def _record(self, entry: dict) -> None:
        with self._log_lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[dict]:
        """A copy of the request log: dicts with method, path, status, range."""
        with self._log_lock:
            return [dict(e) for e in self._log]

    def reset_requests(self) -> int:
        """Empty the request log; return how many entries it held."""
        with self._log_lock:
            n = len(self._log)
            self._log.clear()
            return n

    def __repr__(self) -> str:
        state = self.url if self._httpd else "stopped"
        return f"MirrorServer({os.fspath(self.root)!r}, {state})"
