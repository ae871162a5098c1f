"""Pyodide transports: the browser's (or Node's) fetch, and synchronous XHR.

- ``FetchTransport``: ``pyodide.http.pyfetch``; awaits a JS promise, so it serves
  ``fetch_openml_async`` and the sync API where JSPI lets us block (``run_sync``).
  A JS ``null`` (no body) is checked with ``_jsnull.is_js_null``: it is ``jsnull``, not
  None, from Pyodide 0.28 on.
- ``XHRTransport``: synchronous XMLHttpRequest, for the sync API where JSPI is
  missing: binary responses in Web Workers (JupyterLite's kernel runs in one), the
  x-user-defined text trick on a page's main thread, where browsers refuse binary
  synchronous XHR.
"""

from __future__ import annotations

from .._jsnull import is_js_null
from . import Body, ProgressCallback, Response, TransportError


class FetchTransport:
    def __init__(self, timeout: float = 60.0):
        self.timeout = timeout  # seconds until the request is aborted (AbortSignal.timeout)

    async def get(self, url, *, headers=None, progress: ProgressCallback | None = None):
        from js import AbortSignal
        from pyodide.http import pyfetch

        # Held here until the body is read: Node keeps only a weak reference to a timeout
        # signal, so one that nothing else holds is collected and never fires (a load
        # that had run before made the next one wait out a slow server; with the signal
        # held, it gives up in time: tests/pyodide/test_faults_in_pyodide.py)
        signal = AbortSignal.timeout(int(self.timeout * 1000))
        try:
            answer = await pyfetch(url, headers=headers or {}, signal=signal)
            headers = {name.lower(): value for name, value in answer.headers.items()}
            if progress is None:
                body = await answer.bytes()
            else:
                body = await _read_with_progress(answer, headers, progress)
        except Exception as error:  # JsException/OSError: refused, CORS, offline
            raise TransportError(
                f"no answer from {url}: {error}. In a browser this is also what a server "
                "without CORS headers looks like: such a server cannot be used from a page "
                "(data.openml.org sends them; a mirror must too)"
            ) from error
        finally:
            del signal  # (only now)
        return Response(url=url, status=answer.status, body=body, headers=headers)


async def _read_with_progress(answer, headers: dict, progress: ProgressCallback) -> bytes:
    """Read the body chunk by chunk (a ReadableStream), reporting as it arrives.
    Content-Length is the size on the wire: with Content-Encoding it is no total (and a
    server may not expose Content-Encoding to pages: past the length, no total either)."""
    length = headers.get("content-length", "")
    total = int(length) if length.isdigit() and "content-encoding" not in headers else None
    stream = answer.js_response.body
    if is_js_null(stream):  # a response without a body (204, 304)
        progress(0, 0)
        return b""
    reader = stream.getReader()
    gathered = Body(total)
    while True:
        chunk = await reader.read()
        if chunk.done:
            break
        gathered.add(chunk.value.to_bytes())
        received = gathered.received
        if total is not None and received > total:
            total = None
        progress(received, total)
    if total != gathered.received:  # unknown or wrong size: still end on "complete"
        progress(gathered.received, gathered.received)
    return gathered.result()


def in_worker() -> bool:
    import js

    return hasattr(js, "WorkerGlobalScope") and hasattr(js, "importScripts")


def has_xhr() -> bool:
    import js

    return hasattr(js, "XMLHttpRequest")


_BYTES_FROM_BINARY_STRING = """
(text) => {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}
"""


class XHRTransport:
    """Blocking GET; its coroutine never suspends, so the sync façade can drive it."""

    async def get(self, url, *, headers=None, progress: ProgressCallback | None = None):
        return self.get_blocking(url, headers=headers, progress=progress)

    def get_blocking(self, url, *, headers=None, progress=None) -> Response:
        from js import XMLHttpRequest
        from pyodide.code import run_js

        binary = in_worker()
        request = XMLHttpRequest.new()
        request.open("GET", url, False)
        if binary:
            request.responseType = "arraybuffer"
        else:
            request.overrideMimeType("text/plain; charset=x-user-defined")
        for name, value in (headers or {}).items():
            request.setRequestHeader(name, value)
        try:
            request.send(None)
        except Exception as error:
            raise TransportError(f"no answer from {url}: {error}") from error
        if request.status == 0:  # network error, refused, or no CORS header
            raise TransportError(f"no answer from {url} (refused, offline, or no CORS header)")
        if binary:
            response = request.response  # null when there was no body
            body = b"" if is_js_null(response) else response.to_bytes()
        else:
            body = run_js(_BYTES_FROM_BINARY_STRING)(request.responseText).to_bytes()
        if progress is not None:
            progress(len(body), len(body))
        return Response(url=url, status=int(request.status), body=body,
                        headers=_parse_headers(request.getAllResponseHeaders()))


def _parse_headers(raw: str) -> dict[str, str]:
    headers = {}
    for line in raw.strip().splitlines():
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return headers
