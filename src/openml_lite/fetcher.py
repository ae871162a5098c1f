"""Getting one URL's bytes: cache first, then the transport with retries.

Downloads are *staged*, not cached at once: ``commit()`` writes them to the cache
only after the whole dataset was read and checked, so a load that fails (unknown
target, corrupt parquet, ...) leaves the cache exactly as it was.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from .cache import Cache, NoCache
from .errors import DownloadError
from .transport import ProgressCallback, Response, Transport, TransportError

# Answers worth asking again: the server is busy or briefly broken.
_TRANSIENT = {429, 500, 502, 503, 504}
_MAX_RETRY_AFTER = 60.0


@dataclass
class Fetcher:
    transport: Transport
    cache: Cache = field(default_factory=NoCache)
    n_retries: int = 3
    delay: float = 1.0
    blocking: bool = True  # sleep with time.sleep (sync API) or asyncio.sleep
    threads: bool = False  # blocking: start() may run a request in a thread (see Pending)
    staged: dict[str, bytes] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # "cache URL" / "http URL", for tests and timings

    async def get(
        self, url: str, *, dataset: str | None = None, cacheable: bool = True,
        progress: ProgressCallback | None = None, headers: dict[str, str] | None = None,
        cache_only: bool = False, retries: int | None = None, use_cache: bool = True,
    ) -> Response | None:
        """A 2xx answer or an error answer that is not transient (4xx).

        Network failures and transient statuses are retried ``retries`` times (default
        ``n_retries``), waiting ``delay``, then twice that, four times, ... (429: what
        Retry-After says), then raise :class:`DownloadError`. ``use_cache=False``: the
        caller looked in the cache already (``cached``).
        """
        if cacheable and use_cache:
            cached = await self.cached(url)
            if cached is not None:
                if progress is not None:  # callers see every load complete, cached or not
                    progress(len(cached.body), len(cached.body))
                return cached
        if cache_only:  # the caller has another way to get it (range requests)
            return None
        retries = self.n_retries if retries is None else retries
        attempt, status = 0, None
        while True:
            self.log.append(f"http {url}")
            backoff = self.delay * 2**attempt  # delay, 2 delay, 4 delay, ...
            try:
                response = await self.transport.get(url, headers=headers, progress=progress)
                status = response.status
                problem = _transient_problem(response)
                wait = _retry_after(response, backoff) if status == 429 else backoff
            except TransportError as error:
                problem, wait, status = str(error), backoff, None
            if problem is None:
                break
            if attempt >= retries:
                tries = "1 attempt" if attempt == 0 else f"{attempt + 1} attempts"
                raise DownloadError(
                    f"could not download {url} for {dataset or 'the dataset'} after "
                    f"{tries}: {problem}. Check the network or the server "
                    "(base_url / OPENML_LITE_BASE_URL), then try again.",
                    dataset=dataset, url=url, status=status,
                )
            await self._sleep(wait)
            attempt += 1
        if response.ok and cacheable:
            self.staged[url] = response.body
        return response

    async def cached(self, url: str) -> Response | None:
        """This URL's copy from this load's downloads or from the cache, else None
        (``cached``: from the cache; a copy downloaded by this load came over the network)."""
        body = self.staged.get(url)
        from_cache = body is None
        if from_cache:
            body = await self.cache.get(url)
        if body is None:
            return None
        self.log.append(f"cache {url}")
        return Response(url=url, status=200, body=body, cached=from_cache)

    def stage(self, url: str, body: bytes) -> None:
        """Book bytes fetched another way (e.g. a whole file answering a Range request)."""
        self.staged[url] = body

    def start(self, coroutine, *, thread: bool = False) -> "Pending":
        """Begin a request now, to be awaited later (see :class:`Pending`); ``thread``:
        under the sync API too, in a thread of its own where this fetcher may (a small
        JSON request, whose answer nothing but the load awaits)."""
        return Pending(coroutine, concurrent=not self.blocking, thread=thread and self.blocking and self.threads)

    async def gather(self, *coroutines) -> list:
        """Await several requests: at once under the async API, one by one under the sync
        one (driven without an event loop). The first failure, in argument order, is raised."""
        if not self.blocking:
            results = await asyncio.gather(*coroutines, return_exceptions=True)
        else:
            results = []
            for index, coroutine in enumerate(coroutines):
                try:
                    results.append(await coroutine)
                except BaseException:
                    for later in coroutines[index + 1:]:
                        later.close()  # never started: no "never awaited" warning
                    raise
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return results

    async def _sleep(self, seconds: float) -> None:
        if self.blocking:
            time.sleep(seconds)
        else:
            await asyncio.sleep(seconds)

    async def commit(self) -> None:
        """Write every staged download to the cache (call once the load succeeded)."""
        staged, self.staged = self.staged, {}
        await self.gather(*(self.cache.put(url, body) for url, body in staged.items()))

    @property
    def keeps_files(self) -> bool:
        """Whether downloads stay in memory until the load ends (to be cached then)."""
        return not isinstance(self.cache, NoCache)

    def done_with(self, url: str) -> None:
        """The load needs these bytes no more: without a cache to write them to, they go
        now (a file's memory, freed before the Bunch is built)."""
        if not self.keeps_files:
            self.staged.pop(url, None)

    def unstage(self, url: str) -> None:
        """Do not cache this download after all (it was never used, so never checked)."""
        self.staged.pop(url, None)

    async def forget(self, url: str) -> None:
        """Drop a bad copy everywhere, so the next ``get`` downloads it again."""
        self.staged.pop(url, None)
        await self.cache.drop(url)


class Pending:
    """A request begun before its answer is needed: a task under the async API; under
    the sync one (no event loop runs beside it) the coroutine itself, run when awaited.
    Every Pending is either awaited (``result``) or ``discard``-ed."""

    def __init__(self, coroutine, *, concurrent: bool, thread: bool = False):
        self._coroutine = coroutine
        self._thread = _threads().submit(_run_to_end, coroutine) if thread and not concurrent else None
        self._task = asyncio.ensure_future(coroutine) if concurrent else None
        if self._task is not None:
            # Pyodide 0.27's WebLoop asks a finished task whose only done-callback is its
            # own for exception(), which raises for a cancelled (discarded) one: the
            # console showed "Exception in callback" and the loop's count of running
            # tasks stayed one too high. With a second callback it does not ask; every
            # failure is taken by result() or discard() anyway.
            self._task.add_done_callback(_taken_by_result_or_discard)

    async def result(self):
        if self._thread is not None:  # (the sync API: blocking here is what it does)
            return self._thread.result()
        return await (self._coroutine if self._task is None else self._task)

    async def take(self):
        """``result()``, which this Pending then forgets: its memory (a whole file) goes
        with the caller's last reference."""
        try:
            return await self.result()
        finally:
            self._task = self._coroutine = self._thread = None

    def discard(self) -> None:
        """Not wanted any more: stop it, or take its failure so asyncio does not log it."""
        if self._thread is not None:  # a request under way in a thread ends on its own
            if self._thread.cancel():  # never begun: no "never awaited" warning either
                self._coroutine.close()
            return
        if self._task is None:
            if self._coroutine is not None:  # (None: taken)
                self._coroutine.close()  # never started, or finished: a no-op
        elif not self._task.done():
            self._task.cancel()
        elif not self._task.cancelled():
            self._task.exception()


def _taken_by_result_or_discard(task) -> None:
    pass


_THREADS = None


def _threads():
    """The sync API's request threads (created on first use; a few small requests each)."""
    global _THREADS
    if _THREADS is None:
        from concurrent.futures import ThreadPoolExecutor

        _THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="openml-lite")
    return _THREADS


def _run_to_end(coroutine):
    from ._sync import run_without_loop

    return run_without_loop(coroutine)


def _transient_problem(response: Response) -> str | None:
    if response.status in _TRANSIENT:
        return f"HTTP {response.status}"
    return None


def _retry_after(response: Response, default: float) -> float:
    value = response.headers.get("retry-after", "")
    try:
        return min(max(float(value), 0.0), _MAX_RETRY_AFTER)
    except ValueError:
        return default
