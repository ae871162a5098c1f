"""The Pyodide half of ``big_datasets.py``: one task in a fresh interpreter (Node via
``run_pyodide.mjs``, or a Chromium page via ``_chromium.py``, both through ``_boot.mjs``),
returning plain dicts of seconds and bytes. ``main(cfg)`` runs ``cfg["task"]`` on
``cfg["dataset"]``:

- "lite": a Titanic load first (code and the JS decoder loaded, as in a notebook that
  has loaded something before), then ``memory_plan_async`` (the estimate, no data; and
  with ``exact=True``: the footer read, one figure), then
  one cold load (``cache=False``) with ``cfg["arguments"]``, its wasm memory measured
  (a fresh interpreter's heap never shrinks: its growth is the load's peak). A load that
  raises DatasetTooLargeError is recorded with the requests the mirror saw, and the way
  out its message names first among dtypes='openml' is loaded instead. With
  ``cfg["first_rows"]``: ``nrows=`` that many rows before the full load, with the requests.
- "floor": fetch the parquet bytes + pyarrow ``read_table`` + ``to_pandas`` (pyarrow
  loaded off the clock), once, in a fresh interpreter as the load above.
- "sklearn" (Node): sklearn's fetch_openml over pyodide-http, parser="pandas",
  cache=False, after a Titanic load by the same path, its memory measured alike.
"""

from __future__ import annotations

import gc
import sys
import time

import pyodide_js
from pyodide.http import pyfetch

from _pyodide_side import (install_pyodide_http, malloc_stats, mirror_log, pyarrow_decode,
                           runtime, say, sklearn_fetch, wasm_heap)

TITANIC = {"id": 40945, "label": "titanic"}


def bunch_bytes(bunch) -> int:
    """The memory a Bunch's frame, data and target hold: each buffer once however many
    views share it, each Python object once however many rows point to it."""
    import numpy as np
    import pandas as pd

    buffers, objects = {}, {}

    def array(values) -> None:
        owner = values
        while isinstance(owner.base, np.ndarray):
            owner = owner.base
        buffers[owner.__array_interface__["data"][0]] = owner.nbytes
        if values.dtype == object:
            for item in values.ravel():
                objects.setdefault(id(item), sys.getsizeof(item))

    def part(value) -> None:
        if value is None:
            return
        if isinstance(value, np.ndarray):
            return array(value)
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        for block in frame._mgr.blocks:
            values = block.values
            if isinstance(values, np.ndarray):
                array(values)
            else:  # categorical codes (and their categories), masked arrays' data and mask
                for name in ("_codes", "_data", "_mask", "_ndarray"):
                    if isinstance(getattr(values, name, None), np.ndarray):
                        array(getattr(values, name))
                if isinstance(values, pd.Categorical):
                    array(np.asarray(values.categories, dtype=object))

    for key in ("frame", "data", "target"):
        part(bunch.get(key))
    return sum(buffers.values()) + sum(objects.values())


async def measured(load) -> dict:
    """Seconds and wasm memory of ``await load()``: heap growth (a lower bound of the
    peak: the heap may have had room before) and the most malloc held less what it held
    before (an upper bound), against the Bunch's bytes."""
    gc.collect()
    heap_before, (in_use_before, _) = wasm_heap(), malloc_stats()
    start = time.perf_counter()
    bunch = await load()
    seconds = time.perf_counter() - start
    heap_after, (in_use_after, most) = wasm_heap(), malloc_stats()
    return {"seconds": seconds, "heap_before": heap_before, "heap_growth": heap_after - heap_before,
            "peak": most - in_use_before, "kept": in_use_after - in_use_before,
            "bunch_bytes": bunch_bytes(bunch), "shape": list(bunch.frame.shape),
            "dtypes": sorted({str(t) for t in bunch.frame.dtypes})}


def _estimate(estimate) -> dict | None:
    if estimate is None:
        return None
    return {"low": estimate.low, "high": estimate.high, "result": list(estimate.result),
            "parts": {k: list(v) for k, v in estimate.parts.items()}, "text": estimate.about()}


def _plan(plan) -> dict | None:
    if plan is None:
        return None
    return {"verdict": plan.verdict, "estimate": _estimate(plan.estimate), "message": plan.message,
            "room": {"total": plan.room.total, "per_array": plan.room.per_array, "where": plan.room.where},
            "ways": [{"arguments": way.arguments if "columns" not in way.arguments
                      else {**way.arguments, "columns": f"{len(way.arguments['columns'])} columns"},
                      "fits": way.fits, "estimate": _estimate(way.estimate)} for way in plan.ways]}


async def lite(cfg) -> dict:
    import openml_lite

    url, ds = cfg["mirror_url"], cfg["dataset"]
    await openml_lite.fetch_openml_async(data_id=TITANIC["id"], base_url=url, cache=False, progress=False)
    out = {"runtime": runtime(), "dataset": ds["label"], "arguments": cfg.get("arguments", {})}
    say(f"{ds['label']}: the plan")
    start = time.perf_counter()
    plan = await openml_lite.memory_plan_async(data_id=ds["id"], base_url=url, cache=False,
                                               **out["arguments"])
    out["plan_seconds"], out["plan"] = time.perf_counter() - start, _plan(plan)
    exact = await openml_lite.memory_plan_async(data_id=ds["id"], base_url=url, cache=False, exact=True,
                                                **out["arguments"])
    out["exact"] = _plan(exact)  # with the footer: one figure, the one to hold against the peak
    if cfg.get("first_rows"):
        say(f"{ds['label']}: the first {cfg['first_rows']} rows")
        await mirror_log(url, reset=True)
        start = time.perf_counter()
        bunch = await openml_lite.fetch_openml_async(data_id=ds["id"], base_url=url, cache=False, progress=False,
                                                     nrows=cfg["first_rows"])
        out["first_rows"] = {"seconds": time.perf_counter() - start, "shape": list(bunch.frame.shape),
                             "requests": await mirror_log(url),
                             "data_bytes": openml_lite.last_load_report().data_bytes}
        bunch = None
    arguments = dict(out["arguments"])
    await mirror_log(url, reset=True)
    try:
        say(f"{ds['label']}: the load {arguments}")
        out["load"] = await measured(lambda: openml_lite.fetch_openml_async(
            data_id=ds["id"], base_url=url, cache=False, progress=False, **arguments))
    except openml_lite.DatasetTooLargeError as error:
        out["too_big"] = {"message": str(error), "estimate": _estimate(error.estimate),
                          "requests": await mirror_log(url),
                          "ways": [way.arguments for way in error.ways if "columns" not in way.arguments]}
        way = next(w.arguments for w in error.ways if w.arguments.get("dtypes") == "openml")
        out["way_out"] = way
        say(f"{ds['label']}: too big; the way out {way}")
        out["exact_asked"], out["exact"] = out["exact"], _plan(await openml_lite.memory_plan_async(
            data_id=ds["id"], base_url=url, cache=False, exact=True, **{**arguments, **way}))
        out["load"] = await measured(lambda: openml_lite.fetch_openml_async(
            data_id=ds["id"], base_url=url, cache=False, progress=False, **{**arguments, **way}))
    report = openml_lite.last_load_report()
    out["report"] = {"engine": report.engine, "data_bytes": report.data_bytes, "seconds": dict(report.seconds),
                     "memory": _estimate(report.memory)}
    return out


async def floor(cfg) -> dict:
    url, ds = cfg["mirror_url"], cfg["dataset"]
    await pyodide_js.loadPackage("pyarrow")
    import pyarrow.parquet  # noqa: F401

    parquet_url = f"{url}/{ds['parquet_path']}"
    pyarrow_decode((await (await pyfetch(f"{url}/{cfg['titanic']['parquet_path']}")).bytes()))  # warm the reader

    async def fetch_and_decode():
        return pyarrow_decode(await (await pyfetch(parquet_url)).bytes())

    gc.collect()
    start = time.perf_counter()
    frame = await fetch_and_decode()
    return {"runtime": runtime(), "dataset": ds["label"], "seconds": time.perf_counter() - start,
            "shape": list(frame.shape)}


async def sklearn(cfg) -> dict:
    url, ds = cfg["mirror_url"], cfg["dataset"]
    install_pyodide_http()
    sklearn_fetch(TITANIC, url, "pandas", cache=False)

    async def load():
        return sklearn_fetch(ds, url, "pandas", cache=False)

    try:
        return {"runtime": runtime(), "dataset": ds["label"], "load": await measured(load)}
    except Exception as error:  # what stops sklearn's path (its memory, most likely)
        return {"runtime": runtime(), "dataset": ds["label"], "failed": f"{type(error).__name__}: {error}"[:600]}


TASKS = {"lite": lite, "floor": floor, "sklearn": sklearn}


async def main(cfg):
    return await TASKS[cfg["task"]](cfg)
