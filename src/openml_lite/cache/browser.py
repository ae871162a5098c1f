"""Caches inside Pyodide: the browser's Cache Storage (survives page reloads), else
one in-memory cache per interpreter (Node has no Cache Storage; the sync API without
JSPI cannot await it)."""

from __future__ import annotations

from . import MemoryCache

CACHE_NAME = "openml-lite"
_memory = MemoryCache()  # one per interpreter, so repeated loads in a session hit it


class CacheStorage:
    """Entries keyed by URL in ``caches.open("openml-lite")``. Only whole, verified
    files get here (the loader commits after a successful load)."""

    def __init__(self):
        self._opened = None

    async def _open(self):
        if self._opened is None:  # once per load, not once per entry
            from js import caches

            self._opened = await caches.open(CACHE_NAME)
        return self._opened

    async def get(self, url):
        from .._jsnull import is_js_null

        match = await (await self._open()).match(url)
        if is_js_null(match):  # undefined when absent
            return None
        return (await match.arrayBuffer()).to_bytes()

    async def put(self, url, data):
        from js import Response, Uint8Array

        body = Uint8Array.new(len(data))
        body.assign(data)
        await (await self._open()).put(url, Response.new(body))

    async def drop(self, url):
        await (await self._open()).delete(url)


def has_cache_storage() -> bool:
    import js

    from .._jsnull import is_js_null

    try:  # opaque origins (file:, data:, sandboxed frames) throw a SecurityError here
        return hasattr(js, "caches") and not is_js_null(js.caches) and bool(js.caches)
    except Exception:
        return False


def memory_cache() -> MemoryCache:
    return _memory
