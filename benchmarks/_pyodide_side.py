"""The Pyodide half of ``pyodide_vs_sklearn.py``: runs inside Pyodide (driven by
``run_pyodide.mjs``), times every path on the mirror and returns a dict of seconds.

Order matters and is fixed: sklearn and openml-lite's "js" engine run before pyarrow is
loaded (so neither profits from it), then pyarrow's load is timed on its own, then the
pyarrow paths and the floor.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import time

import pyodide_js
from pyodide.ffi import run_sync
from pyodide.http import pyfetch


# -- sklearn's transport: pyodide-http's urlopen over pyfetch ----------------------------

class _Response:
    """What pyodide-http's ``send`` returns: status_code, headers, body."""

    def __init__(self, status_code, headers, body):
        self.status_code, self.headers, self.body = status_code, headers, body


def _pyfetch_send(request):
    """pyodide-http's ``send``, with pyfetch (JSPI ``run_sync``) instead of sync XHR.

    Node has no XMLHttpRequest, so ``pyodide_http.patch_all()`` is a no-op there
    (``should_patch()`` is False). We keep pyodide-http's own ``urlopen`` (which builds the
    http.client response sklearn reads) and only swap the transport underneath.
    fetch() has already gunzipped the body, so Content-Encoding is dropped, as a browser
    XHR body would be used; keeping it makes sklearn gunzip twice (BadGzipFile).
    """
    async def go():
        resp = await pyfetch(request.url, method=request.method, headers=request.headers)
        body = await resp.bytes()
        headers = {k: v for k, v in resp.headers.items()
                   if k.lower() not in ("content-encoding", "content-length")}
        return _Response(resp.status, headers, body)
    return run_sync(go())


def patch_sklearn_transport(mirror_url: str):
    """Make sklearn 1.6's fetch_openml talk to the mirror the way its JupyterLite docs
    do (pyodide-http), with the transport above. Returns pyodide-http's should_patch()."""
    import urllib.request

    import pyodide_http
    import pyodide_http._urllib as ph_urllib

    pyodide_http.patch_all()  # what the sklearn docs call; a no-op in Node (no XHR)
    ph_urllib.send = _pyfetch_send
    urllib.request.urlopen = ph_urllib.urlopen
    import sklearn.datasets._openml as skl_openml

    skl_openml.urlopen = ph_urllib.urlopen  # sklearn imported the name at import time
    skl_openml._OPENML_PREFIX = mirror_url + "/"  # sklearn 1.6 builds every URL from it
    return pyodide_http.should_patch()


# -- timing helpers --------------------------------------------------------------------------

def best_of(repeat, fn):
    """Min seconds of ``repeat`` calls of a sync ``fn``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


async def best_of_async(repeat, fn):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        best = min(best, time.perf_counter() - start)
    return best


# -- the paths --------------------------------------------------------------------------------

def time_sklearn(data_id, repeat):
    from sklearn.datasets import fetch_openml

    def first_call_default_cache():
        # sklearn's default: cache in data_home. A fresh folder per call, so every repeat
        # is a first call (download + re-gzip for the cache + parse).
        home = tempfile.mkdtemp()
        try:
            fetch_openml(data_id=data_id, parser="pandas", as_frame=True, data_home=home)
        finally:
            shutil.rmtree(home)

    out = {"sklearn_default_cache": best_of(repeat, first_call_default_cache),
           "sklearn_cache_false": best_of(repeat, lambda: fetch_openml(
               data_id=data_id, parser="pandas", as_frame=True, cache=False))}
    home = tempfile.mkdtemp()
    fetch_openml(data_id=data_id, parser="pandas", as_frame=True, data_home=home)
    out["sklearn_warm_cache"] = best_of(repeat, lambda: fetch_openml(
        data_id=data_id, parser="pandas", as_frame=True, data_home=home))
    shutil.rmtree(home)
    return out


async def time_openml_lite(data_id, engine, mirror_url, repeat):
    from openml_lite import fetch_openml_async

    def call(cache):
        return fetch_openml_async(data_id=data_id, base_url=mirror_url, engine=engine,
                                  cache=cache, progress=False)

    cold = await best_of_async(repeat, lambda: call(False))
    await call(True)  # fills the in-memory cache
    warm = await best_of_async(repeat, lambda: call(True))
    return {f"openml_lite_{engine}_cold": cold, f"openml_lite_{engine}_warm": warm}


async def time_floor(parquet_url, repeat):
    """pyfetch the parquet bytes, pyarrow.parquet.read_table, to_pandas: nothing else."""
    import pyarrow.parquet as pq

    async def once():
        resp = await pyfetch(parquet_url)
        data = await resp.bytes()
        pq.read_table(io.BytesIO(data)).to_pandas()

    return {"floor_pyarrow": await best_of_async(repeat, once)}


async def check_parity(data_id, engine, mirror_url):
    """Same frame from both? (the timings mean little if the results differ)"""
    from sklearn.datasets import fetch_openml

    from openml_lite import fetch_openml_async

    ref = fetch_openml(data_id=data_id, parser="pandas", as_frame=True, cache=False).frame
    got = (await fetch_openml_async(data_id=data_id, base_url=mirror_url, engine=engine,
                                    cache=False, progress=False)).frame
    return parity_text(ref, got)


def parity_text(ref, got):
    import pandas as pd

    try:
        pd.testing.assert_frame_equal(ref, got)
        return f"identical {got.shape}"
    except AssertionError as exc:
        return f"DIFFERENT {ref.shape} vs {got.shape}: {str(exc).splitlines()[0:3]}"


async def load_pyarrow():
    """Seconds to make pyarrow importable and imported (loadPackage + import)."""
    start = time.perf_counter()
    await pyodide_js.loadPackage("pyarrow")
    import pyarrow  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    return time.perf_counter() - start


async def run(cfg):
    """cfg: mirror_url, repeat, datasets (list of {label, id, parquet_path})."""
    mirror, repeat = cfg["mirror_url"], cfg["repeat"]
    results = {"runtime": "pyodide-node", "datasets": {}, "notes": []}
    patched = patch_sklearn_transport(mirror)
    results["notes"].append(f"pyodide_http.should_patch() = {patched} (no XHR in Node); "
                            "sklearn's urlopen is pyodide-http's, over pyfetch + run_sync")
    for ds in cfg["datasets"]:
        row = time_sklearn(ds["id"], repeat)
        row.update(await time_openml_lite(ds["id"], "js", mirror, repeat))
        results.setdefault("parity", {})[f"{ds['label']}/js"] = await check_parity(
            ds["id"], "js", mirror)
        results["datasets"][ds["label"]] = row
    results["pyarrow_load"] = await load_pyarrow()
    import sys

    import pandas
    import pyarrow
    import sklearn
    results["versions"] = {"python": sys.version.split()[0], "sklearn": sklearn.__version__,
                           "pandas": pandas.__version__, "pyarrow": pyarrow.__version__}
    for ds in cfg["datasets"]:
        row = results["datasets"][ds["label"]]
        row.update(await time_openml_lite(ds["id"], "pyarrow", mirror, repeat))
        results["parity"][f"{ds['label']}/pyarrow"] = await check_parity(
            ds["id"], "pyarrow", mirror)
        row.update(await time_floor(f"{mirror}/{ds['parquet_path']}", repeat))
    return results
