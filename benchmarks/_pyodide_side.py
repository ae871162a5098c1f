"""The Pyodide half of ``pyodide_vs_sklearn.py``: runs inside Pyodide (Node via
``run_pyodide.mjs``, or a Chromium page via ``_chromium.py``, both through ``_boot.mjs``)
and returns plain dicts of seconds and bytes. ``main(cfg)`` runs ``cfg["task"]``:

- "timings": every path on every dataset, in a fixed order: sklearn and openml-lite's js
  engine first, before pyarrow is loaded (so neither profits from it); then pyarrow's load
  on its own; then the pyarrow paths and the floor; then column projection and the
  throttled mirror.
- "fresh": in a fresh interpreter (numpy + pandas loaded, openml-lite installed), the
  seconds to a Titanic Bunch; then, if asked, the wasm heap growth of one mnist load.
  (sklearn's growth is measured first thing in "timings", see memory_sklearn.)
- "first_data_async" (sync_paths.py): the same with ``await fetch_openml_async``, to
  compare two builds of the wheel.

Nothing at module level imports numpy, pandas, sklearn or openml-lite: "fresh" must
find them not imported.
"""

from __future__ import annotations

import gc
import inspect
import json
import sys
import time
import traceback

import pyodide_js
from pyodide.ffi import run_sync
from pyodide.http import pyfetch

from _shared import FreshHome, parity_text

# Five of mnist's 784 pixel columns, spread over the file (the target "class" comes too).
PROJECTED = ["pixel100", "pixel250", "pixel400", "pixel550", "pixel700"]


_STARTED = time.perf_counter()


def say(message: str) -> None:
    """Progress line, with seconds since this module was imported (Node: the driver's
    stderr; Chromium: the page's log)."""
    print(f"[pyodide] {time.perf_counter() - _STARTED:6.1f}s {message}", flush=True)


def runtime() -> str:
    import js

    return "chromium" if hasattr(js, "document") else "node"


# == sklearn's transport: pyodide-http, as scikit-learn's JupyterLite docs use it ===============

class _Response:
    """What pyodide-http's ``send`` returns: status_code, headers, body."""

    def __init__(self, status_code, headers, body):
        self.status_code, self.headers, self.body = status_code, headers, body


def _pyfetch_send(request):
    """pyodide-http's ``send`` for Node: pyfetch through JSPI ``run_sync``, not sync XHR.

    fetch() has already gunzipped the body, so Content-Encoding is dropped (a browser
    page that cannot see that header gets the same); keeping it makes sklearn gunzip
    twice (BadGzipFile)."""
    async def go():
        resp = await pyfetch(request.url, method=request.method, headers=request.headers)
        body = await resp.bytes()
        headers = {k: v for k, v in resp.headers.items()
                   if k.lower() not in ("content-encoding", "content-length")}
        return _Response(resp.status, headers, body)
    return run_sync(go())


def install_pyodide_http() -> bool:
    """``pyodide_http.patch_all()`` before sklearn's OpenML module is imported, as the
    docs do. In a browser that makes urllib use synchronous XHR. Node has no XHR, so
    there patch_all() does nothing (should_patch() is False): pyodide-http's own urlopen
    is installed by hand over the pyfetch transport above. Returns should_patch()."""
    import urllib.request

    import pyodide_http
    import pyodide_http._urllib as ph_urllib

    pyodide_http.patch_all()
    patched = pyodide_http.should_patch()
    if not patched:
        ph_urllib.send = _pyfetch_send
        urllib.request.urlopen = ph_urllib.urlopen
    import sklearn.datasets._openml as skl_openml

    skl_openml.urlopen = ph_urllib.urlopen  # in case sklearn was imported first
    return patched


def sklearn_fetch(ds, url, parser="pandas", **kwargs):
    """sklearn 1.6's fetch_openml on the mirror at ``url`` (it builds every URL from
    _OPENML_PREFIX)."""
    import sklearn.datasets._openml as skl_openml
    from sklearn.datasets import fetch_openml

    skl_openml._OPENML_PREFIX = url + "/"
    return fetch_openml(data_id=ds["id"], parser=parser, as_frame=True, **kwargs)


# == openml-lite ==================================================================================

async def lite_fetch(ds, url, engine, cache, columns=None):
    from openml_lite import fetch_openml_async

    return await fetch_openml_async(data_id=ds["id"], base_url=url, engine=engine, cache=cache,
                                    columns=columns, progress=False)


def last_report() -> dict:
    from openml_lite import last_load_report

    report = last_load_report().as_dict()
    return {k: report[k] for k in ("engine", "source", "data_bytes", "range_requests",
                                   "from_cache", "seconds")}


# == timing helpers ================================================================================

async def measure(cfg, fn, *, is_async=False, keep_report=False, before=None, after=None):
    """Min seconds of up to cfg["repeat"] calls of ``fn``, stopping early once the calls
    so far took cfg["budget"] seconds (a slow path's noise is small next to its length,
    and sklearn's mnist first call takes over a minute). ``before`` (sync or async) / ``after`` (async)
    run around each call, off the clock (``after`` only after the fastest call so far).
    Returns (best, runs, openml-lite's load report of the fastest call when
    ``keep_report``, the last call's result)."""
    best, report, runs, spent, result = float("inf"), None, 0, 0.0, None
    while runs < cfg["repeat"] and (runs == 0 or spent < cfg["budget"]):
        result = None  # the previous result must not sit in memory during the next call
        if before and inspect.isawaitable(ready := before()):
            await ready
        start = time.perf_counter()
        result = (await fn()) if is_async else fn()
        took = time.perf_counter() - start
        runs, spent = runs + 1, spent + took
        if took < best:
            best, report = took, (last_report() if keep_report else None)
            if after:
                await after()
    return best, runs, report, result


class Recorder:
    """Seconds per dataset and path, the runs behind each, and errors (a path that
    fails is recorded and the run goes on: the Chromium run must show what breaks)."""

    def __init__(self, results, cfg):
        self.results, self.cfg = results, cfg
        for key in ("datasets", "repeats", "errors", "parity", "breakdown", "notes"):
            results.setdefault(key, [] if key == "notes" else {})

    async def time(self, label, key, fn, *, keep_result=False, **options):
        """Measure (see ``measure``) and record one path. Returns its seconds (None if it
        failed), or with ``keep_result`` (seconds, the last call's result)."""
        say(f"{label}: {key}")
        try:
            best, runs, report, result = await measure(self.cfg, fn, **options)
        except Exception as error:
            self.error(label, key, error)
            best = result = None
        else:
            self.results["datasets"].setdefault(label, {})[key] = best
            self.results["repeats"].setdefault(label, {})[key] = runs
            if options.get("keep_report"):
                self.results["breakdown"][f"{label}/{key}"] = report
        return (best, result) if keep_result else best

    def parity(self, label, ref, got) -> None:
        """Record whether sklearn's frame ``ref`` equals openml-lite's ``got``."""
        if ref is None or got is None:
            self.results["parity"][label] = "NOT CHECKED: " + ("sklearn" if ref is None else "openml-lite") + " failed"
        else:
            self.results["parity"][label] = parity_text(ref, got)
        say(f"parity {label}: {self.results['parity'][label]}")

    def error(self, label, key, error):
        text = f"{type(error).__name__}: {error}".strip()[:600]
        say(f"{label}: {key} FAILED: {text}")
        self.results["errors"][f"{label}/{key}"] = text
        self.results["errors"][f"{label}/{key}/traceback"] = traceback.format_exc()[-2500:]


# == the "timings" task ============================================================================

async def time_sklearn(rec, ds, url):
    """Both parsers, first call (default cache) and cache=False; parser="pandas" also
    warm (its 2nd call, from the cache the last first call left). Returns the frame of
    a cache=False pandas call: the parity reference (None if it failed)."""
    label, ref = ds["label"], None
    for parser in ["pandas"] + (["liac-arff"] if ds["liac"] else []):
        short, home = ("pandas" if parser == "pandas" else "liac"), FreshHome()
        try:
            first = await rec.time(label, f"sklearn_{short}_first",
                                   lambda: sklearn_fetch(ds, url, parser, data_home=home.path), before=home.renew)
            _, bunch = await rec.time(label, f"sklearn_{short}_nocache",
                                      lambda: sklearn_fetch(ds, url, parser, cache=False), keep_result=True)
            if parser == "pandas" and bunch is not None:
                ref = bunch.frame
            bunch = None
            if parser == "pandas" and first is not None:
                await rec.time(label, "sklearn_pandas_warm",
                               lambda: sklearn_fetch(ds, url, parser, data_home=home.path))
        finally:
            home.drop()
    return ref


async def time_lite(rec, ds, url, engine, prefix="", ref=None, fill=True):
    """Cold (cache=False) and warm (the cache filled by one call first, unless ``fill`` is
    False: memory in Node, Cache Storage in a browser), each with the breakdown
    (last_load_report) of its fastest call. With ``ref`` (sklearn's frame), the cold
    result is checked against it."""
    key = f"{prefix}lite_{engine}"
    _, bunch = await rec.time(ds["label"], f"{key}_cold", lambda: lite_fetch(ds, url, engine, False),
                              is_async=True, keep_report=True, keep_result=True)
    if ref is not None:
        rec.parity(f"{ds['label']}/{engine}", ref, None if bunch is None else bunch.frame)
    bunch = None
    try:
        if fill:
            await lite_fetch(ds, url, engine, True)
    except Exception as error:
        rec.error(ds["label"], f"{key}_warm", error)
        return
    await rec.time(ds["label"], f"{key}_warm", lambda: lite_fetch(ds, url, engine, True), is_async=True,
                   keep_report=True)


async def load_pyarrow():
    """Seconds to make pyarrow importable and imported (loadPackage + import)."""
    start = time.perf_counter()
    await pyodide_js.loadPackage("pyarrow")
    import pyarrow  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    return time.perf_counter() - start


async def first_pyarrow_load(ds, url) -> dict:
    """pyarrow's first use through openml-lite: its capability probe reads a tiny file,
    pyarrow's reader and to_pandas initialise. Once per interpreter, so kept off the
    timed rows (whose runs would otherwise stop at one, past the budget)."""
    start = time.perf_counter()
    await lite_fetch(ds, url, "pyarrow", False)
    return {"dataset": ds["label"], "seconds": time.perf_counter() - start, "report": last_report()}


def pyarrow_decode(data: bytes):
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.read_table(pa.BufferReader(data)).to_pandas()


async def time_floor(rec, ds, url, prefix=""):
    """The floor: pyfetch the parquet bytes + read_table + to_pandas, nothing else; and
    its decode part alone (bytes already in memory), the warm target's yardstick."""
    parquet_url = f"{url}/{ds['parquet_path']}"

    async def fetch_and_decode():
        pyarrow_decode(await (await pyfetch(parquet_url)).bytes())

    await rec.time(ds["label"], f"{prefix}floor", fetch_and_decode, is_async=True)
    if not prefix:
        data = await (await pyfetch(parquet_url)).bytes()
        await rec.time(ds["label"], "floor_decode", lambda: pyarrow_decode(data))


async def mirror_log(url, reset=False):
    """The mirror's request log (GET /_mirror/requests), or empty it (POST /_mirror/reset)."""
    if reset:
        await pyfetch(f"{url}/_mirror/reset", method="POST")
        return []
    return await (await pyfetch(f"{url}/_mirror/requests")).json()


async def time_projection(rec, ds, url):
    """columns=[5 of 785] cold with the js engine: seconds, the bytes openml-lite says it
    downloaded, and the mirror's log of the fastest load (its bytes counted by the driver)."""
    label, key, logs = ds["label"], "lite_js_columns5_cold", []

    async def keep_log():  # after the fastest call so far
        logs.append(await mirror_log(url))

    best, bunch = await rec.time(label, key, lambda: lite_fetch(ds, url, "js", False, columns=PROJECTED),
                                 is_async=True, keep_report=True, keep_result=True,
                                 before=lambda: mirror_log(url, reset=True), after=keep_log)
    if best is None:
        return
    try:
        full = (await lite_fetch(ds, url, "js", False)).frame
        same = parity_text(full[[*PROJECTED, "class"]], bunch.frame)
        full = bunch = None
    except Exception as error:
        same = f"NOT CHECKED: {type(error).__name__}: {error}"[:400]
    report = rec.results["breakdown"][f"{label}/{key}"]
    rec.results["projection"] = {"dataset": label, "columns": PROJECTED, "seconds": best, "report": report,
                                 "log": logs[-1], "same_as_full_load": same}
    say(f"projection: {same}; {report['data_bytes']} bytes in {report['range_requests']} range requests")


async def set_throttle(url, throttle):
    """Turn the mirror's throttle on (``throttle``: match, rate, latency: data files at
    that rate, every answer after that latency) or off (None)."""
    if throttle is None:
        await pyfetch(f"{url}/_mirror/faults/clear", method="POST")
        return
    latency = throttle.get("latency", 0.0)
    rules = [{"match": throttle["match"], "kind": "throttle", "rate": throttle["rate"], "seconds": latency},
             {"match": ".", "kind": "delay", "seconds": latency}]  # every other answer: latency only
    await pyfetch(f"{url}/_mirror/faults", method="POST", body=json.dumps({"rules": rules}),
                  headers={"Content-Type": "application/json"})


async def time_throttled(rec, ds, url, throttle):
    """The same mirror at ``throttle["rate"]`` bytes/s on data files, every answer
    ``throttle["latency"]`` s late (a real network's round trip): openml-lite js cold
    and warm, sklearn cache=False, and the floor. Same URLs as before, so openml-lite's
    warm path reads the cache the unthrottled warm runs filled (as sklearn's warm path
    reads its disk cache: no data file crosses the network, its unthrottled number holds)."""
    await set_throttle(url, throttle)
    try:
        await time_lite(rec, ds, url, "js", prefix="throttled_", fill=False)
        await rec.time(ds["label"], "throttled_sklearn_pandas_nocache",
                       lambda: sklearn_fetch(ds, url, "pandas", cache=False))
        await time_floor(rec, ds, url, prefix="throttled_")
    finally:
        await set_throttle(url, None)


async def timings(cfg):
    results = {"runtime": f"pyodide-{runtime()}"}
    rec = Recorder(results, cfg)
    url, datasets = cfg["mirror_url"], cfg["datasets"]  # sklearn and openml-lite read the same mirror
    patched = install_pyodide_http()
    results["notes"].append(
        f"pyodide_http.should_patch() = {patched}: " +
        ("sklearn's urlopen is pyodide-http's over synchronous XHR (what JupyterLite users get)"
         if patched else "no XHR in Node; sklearn's urlopen is pyodide-http's, over pyfetch + run_sync"))
    if cfg.get("memory_dataset"):  # first, while this interpreter is as fresh as a new one
        say("memory of sklearn's cold load of mnist")
        results["memory_sklearn"] = await memory_sklearn({**cfg, "dataset": datasets[0]})
    refs = {}  # sklearn's frames, kept until both engines' results are checked against them
    for ds in datasets:
        refs[ds["label"]] = await time_sklearn(rec, ds, url)
        await time_lite(rec, ds, url, "js", ref=refs[ds["label"]])
    results["pyarrow_load"] = await load_pyarrow()
    results["pyarrow_first_load"] = await first_pyarrow_load(datasets[0], url)
    for ds in datasets:
        await time_lite(rec, ds, url, "pyarrow", ref=refs.pop(ds["label"]))
        gc.collect()
        await time_floor(rec, ds, url)
    for ds in datasets:
        if ds["label"] == "mnist" and cfg.get("projection"):
            await time_projection(rec, ds, url)
    for ds in datasets:
        if cfg.get("throttle") and ds["label"] in cfg["throttle"]["datasets"]:
            await time_throttled(rec, ds, url, cfg["throttle"])
    results["versions"] = versions()
    return results


def versions() -> dict:
    import pandas
    import sklearn

    out = {"python": sys.version.split()[0], "sklearn": sklearn.__version__,
           "pandas": pandas.__version__, "pyodide": pyodide_js.version}
    if "pyarrow" in sys.modules:
        out["pyarrow"] = sys.modules["pyarrow"].__version__
    return out


# == the "fresh" task, and memory =========================================================================

async def first_data(cfg):
    """A fresh interpreter to the Bunch, with the sync ``fetch_openml`` a notebook user
    types (it blocks through JSPI here). pandas' import is timed apart: it is paid
    once by any notebook that uses pandas, whatever loads the data."""
    ds, engine = cfg["dataset"], cfg["engine"]
    node_fetch_setup = None
    if runtime() == "node":
        # Node loads its fetch (undici) on first use, 0.05-0.2 s that a page, whose fetch
        # is built in, never pays. A data: URL loads it without opening a connection to
        # the mirror (the load below still opens its own, as a page must).
        import js

        start = time.perf_counter()
        await (await js.fetch("data:,x")).text()
        node_fetch_setup = time.perf_counter() - start
    start = time.perf_counter()
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import_pandas = time.perf_counter() - start
    start = time.perf_counter()
    from openml_lite import fetch_openml
    import_lite = time.perf_counter() - start
    start = time.perf_counter()
    bunch = fetch_openml(data_id=ds["id"], base_url=cfg["mirror_url"], engine=engine, progress=False)
    load = time.perf_counter() - start
    return {"engine_asked": engine, "runtime": runtime(), "node_fetch_setup": node_fetch_setup,
            "import_pandas": import_pandas,
            "import_openml_lite": import_lite, "fetch_openml": load,
            "first_data": import_lite + load, "shape": list(bunch.frame.shape),
            "report": last_report(),
            "python_engines_imported": [m for m in ("pyarrow", "fastparquet", "polars")
                                        if m in sys.modules],
            "sklearn_imported": "sklearn" in sys.modules}


def wasm_heap() -> int:
    return int(pyodide_js._module.HEAPU8.buffer.byteLength)


# dlmalloc's own counters (Pyodide's module exports mallinfo and the footprint calls):
# bytes in use, and the most ever taken from the wasm memory.
_MALLOC_STATS = """(m) => {
  const p = m._PyMem_RawMalloc(64) >>> 0;  // (wasm i32s: unsigned past 2 GB)
  m._mallinfo(p);  // struct mallinfo of ten 4-byte fields; uordblks (in use) is the 8th
  const inUse = m.HEAPU32[p / 4 + 7];
  m._PyMem_RawFree(p);
  return [inUse, m._malloc_max_footprint() >>> 0];  // (a wasm i32: unsigned past 2 GB)
}"""


def malloc_stats() -> tuple[int, int]:
    """(bytes malloc'd now, the most bytes malloc ever held from the wasm memory)."""
    from pyodide.code import run_js

    in_use, max_footprint = run_js(_MALLOC_STATS)(pyodide_js._module).to_py()
    return int(in_use), int(max_footprint)


def node_memory() -> dict:
    """Node process figures (bytes); maxRSS is the peak so far, everything else now."""
    import js

    usage = js.process.memoryUsage()
    return {"max_rss": int(js.process.resourceUsage().maxRSS) * 1024, "rss": int(usage.rss),
            "js_heap_used": int(usage.heapUsed), "array_buffers": int(usage.arrayBuffers)}


def _bytes(pandas_object) -> int:
    """memory_usage(deep=True) of a DataFrame (a Series, one per column) or a Series (an int)."""
    used = pandas_object.memory_usage(deep=True)
    return int(used.sum()) if hasattr(used, "sum") else int(used)


async def memory_growth(load) -> dict:
    """Wasm heap growth of ``await load()``: after - before. Wasm memory never shrinks,
    so in an interpreter that has only loaded Titanic before, this is the load's peak,
    less whatever room the heap had free before (a lower bound; ``peak_bound`` is an
    upper one). Node's peak RSS growth beside it also sees what JavaScript holds outside
    the wasm heap (the js engine's arrays)."""
    gc.collect()
    heap_before, node_before, (in_use_before, _) = wasm_heap(), node_memory(), malloc_stats()
    start = time.perf_counter()
    bunch = await load()
    seconds = time.perf_counter() - start
    heap_after, node_after, (_, max_footprint_after) = wasm_heap(), node_memory(), malloc_stats()
    frame_bytes, data_bytes = _bytes(bunch.frame), _bytes(bunch.data)
    return {"seconds": seconds, "heap_before": heap_before, "heap_after": heap_after,
            "heap_growth": heap_after - heap_before,
            # The heap may have had free room before the load, which growth does not see;
            # the most malloc ever held, less what was in use before, bounds the peak from above.
            "peak_bound": max_footprint_after - in_use_before, "malloc_in_use_before": in_use_before,
            "node_before": node_before, "node_after": node_after,
            "max_rss_growth": node_after["max_rss"] - node_before["max_rss"],
            "frame_bytes": frame_bytes,
            "frame_plus_data_bytes": frame_bytes + data_bytes,
            # all the Bunch returns (frame, data and target are independent copies, as sklearn's)
            "returned_bytes": frame_bytes + data_bytes + _bytes(bunch.target),
            "shape": list(bunch.frame.shape)}


async def fresh(cfg):
    """first_data; then, with cfg["memory_dataset"], the memory of a cold load of it
    by the engine first_data used (the Titanic load has loaded code and engine)."""
    out = await first_data(cfg)
    big = cfg.get("memory_dataset")
    if big:
        engine = out["report"]["engine"]
        out["memory"] = {"which": engine, **await memory_growth(
            lambda: lite_fetch(big, cfg["mirror_url"], engine, False))}
    return out


async def memory_sklearn(cfg):
    """The memory of sklearn's cold mnist load (parser="pandas", cache=False), after a
    Titanic load by the same path. The "timings" task runs it first thing: that
    interpreter has loaded nothing else yet (numpy, pandas, scikit-learn, pyodide-http)."""
    url = cfg["mirror_url"]
    install_pyodide_http()
    sklearn_fetch(cfg["dataset"], url, "pandas", cache=False)

    async def load():
        return sklearn_fetch(cfg["memory_dataset"], url, "pandas", cache=False)
    return {"which": "sklearn", **await memory_growth(load)}


async def first_data_async(cfg):
    """sync_paths.py: the rest of a fresh interpreter's way to Titanic after _boot.mjs
    installed the wheel (its seconds are setup.install_openml_lite): import openml_lite,
    then the first ``await fetch_openml_async``. numpy and pandas are imported before the
    clock, as first_data does; whether pyarrow got loaded is read after the load."""
    ds = cfg["dataset"]
    if runtime() == "node":  # Node's fetch (undici) loads on first use; a page's is built in
        import js

        await (await js.fetch("data:,x")).text()
    start = time.perf_counter()
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import_pandas = time.perf_counter() - start
    start = time.perf_counter()
    import openml_lite
    import_lite = time.perf_counter() - start
    start = time.perf_counter()
    bunch = await openml_lite.fetch_openml_async(data_id=ds["id"], base_url=cfg["mirror_url"], progress=False)
    load = time.perf_counter() - start
    return {"runtime": runtime(), "import_pandas": import_pandas, "import_openml_lite": import_lite,
            "fetch_openml_async": load, "shape": list(bunch.frame.shape), "report": last_report(),
            "pyarrow_imported": "pyarrow" in sys.modules, "sklearn_imported": "sklearn" in sys.modules}


TASKS = {"timings": timings, "fresh": fresh, "first_data_async": first_data_async}


async def main(cfg):
    return await TASKS[cfg["task"]](cfg)
