"""How bytes are fetched over HTTP: one module per runtime (``_compat`` picks one).

A transport answers every HTTP status with a :class:`Response` (the OpenML client
decides what a 412 means) and raises :class:`TransportError` only when no HTTP answer
arrived at all (refused, reset, timed out). Everything above this package is the same
ordinary async Python on CPython and in Pyodide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

#: Called with (bytes received so far, total bytes or None) while a body downloads.
ProgressCallback = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes  # (or a bytearray: a large download, transport.Body)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    cached: bool = False  # served from the cache, not the network

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def take_body(self) -> bytes:
        """The body, which this Response then drops: a file's memory goes with its
        taker's last reference, whatever still holds the Response (an asyncio task's
        result does, until the task is collected)."""
        body = self.body
        object.__setattr__(self, "body", b"")  # (frozen for everyone else)
        return body


class Body:
    """A download's bytes, gathered as they arrive. Where the size is announced and large,
    into one buffer of that size (the result is that bytearray): joining chunks at the
    end held the file twice, the peak of a big load before decoding began."""

    ONE_BUFFER_FROM = 1024 * 1024  # smaller bodies (OpenML's documents) stay bytes

    def __init__(self, total: int | None):
        self._buffer = bytearray(total) if total is not None and total >= self.ONE_BUFFER_FROM else None
        self._chunks: list = []
        self.received = 0

    def add(self, data) -> None:
        end = self.received + len(data)
        if self._buffer is not None and end > len(self._buffer):  # more than announced:
            self._chunks = [memoryview(self._buffer)[:self.received]]  # chunks from here
            self._buffer = None
        if self._buffer is not None:
            self._buffer[self.received:end] = data
        else:
            self._chunks.append(data)
        self.received = end

    def result(self) -> bytes | bytearray:
        if self._buffer is None:
            return b"".join(self._chunks)
        if self.received == len(self._buffer):
            return self._buffer
        return bytes(memoryview(self._buffer)[:self.received])  # fewer than announced


class TransportError(OSError):
    """No HTTP answer arrived (connection refused or reset, DNS failure, timeout)."""


class Transport(Protocol):
    async def get(
        self, url: str, *, headers: dict[str, str] | None = None,
        progress: ProgressCallback | None = None,
    ) -> Response: ...
