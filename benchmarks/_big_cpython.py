"""The CPython half of ``big_datasets.py``, a process per task (``python _big_cpython.py
CONFIG.json`` prints one line ``RESULT <json>``):

- "memory": one cold load (openml-lite with pyarrow, or sklearn's parser="pandas") after
  a Titanic load by the same path: seconds, and the process's peak resident memory less
  what it held before (VmHWM, reset before the load: what the machine had to give),
  against the Bunch's bytes and, for openml-lite, the plan's estimate.
- "timing": cold loads (``cache=False``; with sklearn's dtypes, and with the file's own,
  ``dtypes="openml"``, whose frame is the floor's) against the floor (fetch the parquet
  bytes + pyarrow ``read_table`` + ``to_pandas``), alternating, ``cfg["repeat"]`` of each:
  their medians' ratios, the issue's "within 1.3x of the floor".
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from _cpython_side import pyarrow_decode, route_sklearn_to

TITANIC_ID = 40945


def rss() -> int:
    """Resident bytes now (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def reset_peak_rss() -> None:
    """Linux: the peak resident memory (VmHWM) starts again from now (proc(5), clear_refs)."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def peak_rss() -> int:
    """The most resident memory since the last reset_peak_rss (VmHWM)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def bunch_bytes(bunch) -> int:
    """Each buffer once, each Python object once (as _big_side.bunch_bytes)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import numpy as np

    from support import held_bytes

    objects: dict = {}
    for key in ("frame", "data", "target"):
        part = bunch.get(key)
        if part is None:
            continue
        columns = [part] if not hasattr(part, "columns") else [part[c] for c in part.columns]
        for column in columns:
            if getattr(column, "dtype", None) == object:  # (strings: their objects, once)
                for item in np.asarray(column).ravel():
                    objects.setdefault(id(item), sys.getsizeof(item))
    return held_bytes(bunch.get("frame"), bunch.get("data"), bunch.get("target")) + sum(objects.values())


def load(path: str, data_id: int, url: str, **arguments):
    if path == "sklearn":
        from sklearn.datasets import fetch_openml

        return fetch_openml(data_id=data_id, parser="pandas", as_frame=True, cache=False, **arguments)
    from openml_lite import fetch_openml

    return fetch_openml(data_id=data_id, base_url=url, engine="pyarrow", progress=False, cache=False,
                        **arguments)


def memory(cfg: dict) -> dict:
    import openml_lite

    url, ds, path = cfg["mirror_url"], cfg["dataset"], cfg["path"]
    route_sklearn_to(url)
    load(path, TITANIC_ID, url)
    plan = None
    if path == "lite":
        found = openml_lite.memory_plan(data_id=ds["id"], base_url=url, cache=False, exact=True,
                                        **cfg.get("arguments", {}))
        plan = {"verdict": found.verdict, "low": found.estimate.low, "high": found.estimate.high,
                "text": found.estimate.about()}
    gc.collect()
    reset_peak_rss()
    before = rss()
    start = time.perf_counter()
    try:
        bunch = load(path, ds["id"], url, **cfg.get("arguments", {}))
    except MemoryError as error:
        return {"dataset": ds["label"], "path": path, "failed": f"{type(error).__name__}: {error}"[:600]}
    seconds = time.perf_counter() - start
    out = {"dataset": ds["label"], "path": path, "seconds": seconds, "rss_before": before,
           "peak": peak_rss() - before,
           "bunch_bytes": bunch_bytes(bunch), "shape": list(bunch.frame.shape), "plan": plan}
    if path == "lite":
        estimate = openml_lite.last_load_report().memory
        out["estimate"] = {"low": estimate.low, "high": estimate.high, "text": estimate.about()}
        out["exact"] = {"estimate": plan}
    return out


def timing(cfg: dict) -> dict:
    url, ds = cfg["mirror_url"], cfg["dataset"]
    parquet_url = f"{url}/{ds['parquet_path']}"
    load("lite", TITANIC_ID, url)
    pyarrow_decode(urllib.request.urlopen(parquet_url).read())  # both paths warm alike
    runs = {"lite": [], "lite_openml": [], "floor": []}
    for _ in range(cfg["repeat"]):
        for path in runs:
            gc.collect()
            start = time.perf_counter()
            if path == "lite":
                result = load("lite", ds["id"], url)
            elif path == "lite_openml":  # the file's own dtypes, as the floor's frame has them
                result = load("lite", ds["id"], url, dtypes="openml")
            else:
                result = pyarrow_decode(urllib.request.urlopen(parquet_url).read())
            runs[path].append(time.perf_counter() - start)
            result = None  # noqa: F841  (not in memory during the next run)
    medians = {path: statistics.median(times) for path, times in runs.items()}
    return {"dataset": ds["label"], "runs": runs, "medians": medians, "ratio": medians["lite"] / medians["floor"],
            "ratio_openml": medians["lite_openml"] / medians["floor"]}


if __name__ == "__main__":
    config = json.loads(Path(sys.argv[1]).read_text())
    print("RESULT " + json.dumps({"memory": memory, "timing": timing}[config["task"]](config)))
