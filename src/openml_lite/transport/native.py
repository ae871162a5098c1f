"""CPython transport: urllib from the standard library, nothing else to install."""

from __future__ import annotations

import asyncio
import gzip
import socket
import urllib.error
import urllib.request
import zlib

from . import Body, ProgressCallback, Response, TransportError

_CHUNK = 1 << 16


class UrllibTransport:
    """HTTP GET with urllib.

    ``blocking=True``: ``get`` does its I/O inline (for the sync façade, whose
    coroutine must never suspend). ``blocking=False``: the I/O runs in a worker
    thread, so ``fetch_openml_async`` does not stall an asyncio event loop.
    """

    def __init__(self, *, blocking: bool = True, timeout: float = 60.0):
        self.blocking = blocking
        self.timeout = timeout

    async def get(self, url, *, headers=None, progress: ProgressCallback | None = None):
        if self.blocking:
            return self.get_blocking(url, headers=headers, progress=progress)
        return await asyncio.to_thread(
            self.get_blocking, url, headers=headers, progress=progress
        )

    def get_blocking(self, url, *, headers=None, progress=None) -> Response:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return _read(answer, url, progress)
        except urllib.error.HTTPError as error:
            # 4xx/5xx still carry a body (OpenML puts its error code there).
            with error:
                return _read(error, url, None)
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise TransportError(f"no answer from {url}: {reason}") from error


def _read(answer, url: str, progress: ProgressCallback | None) -> Response:
    headers = {name.lower(): value for name, value in answer.headers.items()}
    total = headers.get("content-length")
    total = int(total) if total and total.isdigit() else None
    gathered = Body(total if headers.get("content-encoding") is None else None)
    read = getattr(answer, "read1", answer.read)  # read1: what has arrived, for live progress
    try:
        while chunk := read(_CHUNK):
            gathered.add(chunk)
            if progress is not None:
                progress(gathered.received, total)
    except (OSError, ConnectionError) as error:
        raise TransportError(f"connection to {url} broke after {gathered.received} bytes: {error}") from error
    body, received = gathered.result(), gathered.received
    status = getattr(answer, "status", None) or answer.getcode()
    # Content-Length counts the bytes on the wire (before gunzip), as does `received`.
    if total is not None and received != total:
        raise TransportError(f"{url} sent {received} of the {total} bytes it announced")
    if headers.get("content-encoding") == "gzip":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error) as error:
            raise TransportError(f"{url} sent a broken gzip body: {error}") from error
    return Response(url=url, status=status, body=body, headers=headers)
