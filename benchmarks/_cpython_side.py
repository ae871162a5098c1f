"""The CPython half of ``pyodide_vs_sklearn.py``, run in its own process (so the mirror's
server thread does not share its GIL): ``python _cpython_side.py CONFIG.json`` prints
one line ``RESULT <json>``.

The same paths as in Pyodide where CPython has them: sklearn (both parsers), openml-lite
with pyarrow (the js engine exists only in Pyodide), the floor and its decode part.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _shared import FreshHome, parity_text


def route_sklearn_to(url: str) -> None:
    """sklearn 1.9 hard-codes https://www.openml.org/... for metadata; the mirror serves
    the same paths. (The data URL in the description already points at the mirror.)"""
    import sklearn.datasets._openml as skl_openml

    real_urlopen = skl_openml.urlopen

    def to_mirror(req, *args, **kwargs):
        full = req.full_url.replace("https://www.openml.org", url).replace(
            "https://api.openml.org", url)
        return real_urlopen(urllib.request.Request(full, headers=dict(req.header_items())),
                            *args, **kwargs)
    skl_openml.urlopen = to_mirror


def measure(cfg, fn, before=None):
    """(min seconds, runs, the last call's result) of up to cfg["repeat"] calls, fewer
    once they took cfg["budget"] seconds: the rule of _pyodide_side.measure. ``before``
    runs before each call, off the clock."""
    best, runs, spent, result = float("inf"), 0, 0.0, None
    while runs < cfg["repeat"] and (runs == 0 or spent < cfg["budget"]):
        result = None  # not in memory during the next call
        if before:
            before()
        start = time.perf_counter()
        result = fn()
        took = time.perf_counter() - start
        best, runs, spent = min(best, took), runs + 1, spent + took
    return best, runs, result


def sk(ds, parser="pandas", **kwargs):
    from sklearn.datasets import fetch_openml

    return fetch_openml(data_id=ds["id"], parser=parser, as_frame=True, **kwargs)


def lite(ds, url, **kwargs):
    from openml_lite import fetch_openml

    return fetch_openml(data_id=ds["id"], base_url=url, engine="pyarrow", progress=False, **kwargs)


def pyarrow_decode(data: bytes):
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.read_table(pa.BufferReader(data)).to_pandas()


def time_dataset(ds, url, cfg) -> tuple[dict, dict, dict, str]:
    """(seconds per path, runs per path, breakdown of the fastest cold openml-lite load,
    parity of that load's frame with sklearn's)."""
    from openml_lite import last_load_report

    times, runs = {}, {}

    def record(key, fn, before=None):
        times[key], runs[key], result = measure(cfg, fn, before)
        return result

    ref = None
    for parser in ["pandas"] + (["liac-arff"] if ds["liac"] else []):
        short, home = ("pandas" if parser == "pandas" else "liac"), FreshHome()
        try:
            record(f"sklearn_{short}_first", lambda: sk(ds, parser, data_home=home.path), before=home.renew)
            bunch = record(f"sklearn_{short}_nocache", lambda: sk(ds, parser, cache=False))
            if parser == "pandas":
                ref, bunch = bunch.frame, None
                record("sklearn_pandas_warm", lambda: sk(ds, data_home=home.path))
        finally:
            home.drop()

    fastest = [float("inf"), None]

    def cold_lite():
        start = time.perf_counter()
        bunch = lite(ds, url, cache=False)
        if time.perf_counter() - start < fastest[0]:
            fastest[:] = [time.perf_counter() - start, last_load_report().as_dict()]
        return bunch
    same = parity_text(ref, record("lite_pyarrow_cold", cold_lite).frame)
    ref = None

    home = tempfile.mkdtemp()
    try:
        lite(ds, url, data_home=home)
        record("lite_pyarrow_warm", lambda: lite(ds, url, data_home=home))
    finally:
        shutil.rmtree(home)

    parquet_url = f"{url}/{ds['parquet_path']}"
    record("floor", lambda: pyarrow_decode(urllib.request.urlopen(parquet_url).read()))
    data = urllib.request.urlopen(parquet_url).read()
    record("floor_decode", lambda: pyarrow_decode(data))
    keep = ("engine", "source", "data_bytes", "range_requests", "from_cache", "seconds")
    return times, runs, {k: fastest[1][k] for k in keep}, same


def run(cfg: dict) -> dict:
    import pandas
    import pyarrow
    import sklearn

    url = cfg["mirror_url"]
    route_sklearn_to(url)
    results = {"runtime": "cpython", "datasets": {}, "breakdown": {}, "parity": {}, "repeats": {},
               "versions": {"python": sys.version.split()[0], "sklearn": sklearn.__version__,
                            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__}}
    for ds in cfg["datasets"]:
        print(f"[cpython] {ds['label']}", file=sys.stderr, flush=True)
        times, runs, breakdown, same = time_dataset(ds, url, cfg)
        results["datasets"][ds["label"]] = times
        results["repeats"][ds["label"]] = runs
        results["breakdown"][f"{ds['label']}/lite_pyarrow_cold"] = breakdown
        results["parity"][f"{ds['label']}/pyarrow"] = same
    return results


if __name__ == "__main__":
    print("RESULT " + json.dumps(run(json.loads(Path(sys.argv[1]).read_text()))))
