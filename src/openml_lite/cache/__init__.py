"""Where downloaded OpenML files are kept between loads, keyed by URL.

A cache only ever receives complete files: the loader stages what it downloads and
writes it here after the whole dataset was read and checked (see ``fetcher.Fetcher``).
The methods are async because the browser's Cache Storage is; the disk and memory
caches never suspend, so the synchronous API can still drive them without a loop.
"""

from __future__ import annotations

import os
from typing import Protocol
from urllib.parse import urlsplit


class Cache(Protocol):
    async def get(self, url: str) -> bytes | None: ...
    async def put(self, url: str, data: bytes) -> None: ...
    async def drop(self, url: str) -> None: ...


class NoCache:
    async def get(self, url):
        return None

    async def put(self, url, data):
        pass

    async def drop(self, url):
        pass


class MemoryCache:
    """For interpreters with no disk worth keeping (Pyodide in Node) and for tests."""

    def __init__(self):
        self.entries: dict[str, bytes] = {}

    async def get(self, url):
        return self.entries.get(url)

    async def put(self, url, data):
        # kept as given: a large download's body is a bytearray (transport.Body), which
        # bytes() would copy, holding the file twice for as long as the load runs
        self.entries[url] = data if isinstance(data, (bytes, bytearray)) else bytes(data)

    async def drop(self, url):
        self.entries.pop(url, None)


def cache_key(url: str) -> str:
    """``https://host:port/a/b.pq`` -> ``host_port/a/b.pq``: one folder per server,
    so a local mirror and openml.org never share entries."""
    parts = urlsplit(url)
    host = (parts.hostname or "local") + (f"_{parts.port}" if parts.port else "")
    segments = [s for s in parts.path.split("/") if s]
    if not segments or any(s in (".", "..") for s in segments):
        raise ValueError(f"cannot cache {url!r}: unusual path")
    key = "/".join([host, *segments])
    return key + ("_" + parts.query.replace("/", "_") if parts.query else "")


def default_data_home(data_home: str | os.PathLike | None = None) -> str:
    """The folder sklearn's ``get_data_home`` picks (``$SCIKIT_LEARN_DATA`` or
    ``~/scikit_learn_data``), without importing scikit-learn."""
    if data_home is None:
        data_home = os.environ.get("SCIKIT_LEARN_DATA", os.path.join("~", "scikit_learn_data"))
    return os.path.expanduser(os.fspath(data_home))
