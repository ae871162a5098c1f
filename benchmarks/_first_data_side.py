"""The Pyodide half of ``first_data.py``: runs inside a fresh Pyodide (Node via
``run_pyodide.mjs`` or _chromium.py's page, both through ``_boot.mjs``, which has loaded
cfg["packages"] and installed the openml-lite wheel with deps=False) and returns plain
dicts.
``main(cfg)`` runs cfg["task"]:

- "output": the first ``await openml_lite.fetch_openml_async(data_id, as_frame=...)`` in
  an interpreter with numpy and micropip loaded and pandas NOT loaded: the clock holds
  ``import openml_lite`` and the load (for as_frame=True that includes openml-lite's own
  loadPackage("pandas") and its import). Then, with cfg["then_pandas"] and pandas still
  not imported, what pandas costs this interpreter afterwards (loadPackage + import).
- "sklearn": the first ``await fetch_openml_async(data_id=40945)`` with numpy and pandas
  imported before the clock, scikit-learn installed or not (cfg["variant"]). With
  cfg["then_sklearn_utils"], ``import sklearn.utils`` right after the call is timed too:
  call + that import is the old behaviour (make_bunch imported it inside the load).

Nothing at module level imports numpy, pandas, sklearn or openml-lite.
"""

from __future__ import annotations

import importlib.util
import sys
import time

WATCHED = ("numpy", "pandas", "sklearn", "scipy", "pyarrow", "polars")


def runtime() -> str:
    import js

    return "chromium" if hasattr(js, "document") else "node"


def imported() -> list[str]:
    return [m for m in WATCHED if m in sys.modules]


def installed() -> list[str]:
    """Which of WATCHED are importable (find_spec imports nothing but parent packages)."""
    return [m for m in WATCHED if importlib.util.find_spec(m) is not None]


async def node_fetch_setup() -> float | None:
    """Node loads its fetch (undici) on first use, 0.05-0.2 s a page never pays; a data:
    URL loads it off the clock without touching the mirror (as _pyodide_side does)."""
    if runtime() != "node":
        return None
    import js

    start = time.perf_counter()
    await (await js.fetch("data:,x")).text()
    return time.perf_counter() - start


def type_name(obj) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def describe(value) -> dict | None:
    if value is None:
        return None
    return {"type": type_name(value), "shape": list(getattr(value, "shape", ()) or ()),
            "dtype": str(getattr(value, "dtype", "")) or None}


def last_report() -> dict:
    from openml_lite import last_load_report

    report = last_load_report().as_dict()
    return {k: report.get(k) for k in ("engine", "source", "data_bytes", "range_requests", "from_cache", "seconds")}


async def output(cfg) -> dict:
    ds, as_frame = cfg["dataset"], cfg["as_frame"]
    fetch_setup = await node_fetch_setup()
    out = {"runtime": runtime(), "as_frame": as_frame, "node_fetch_setup": fetch_setup,
           "imported_before": imported(), "installed_before": installed()}
    start = time.perf_counter()
    import openml_lite
    out["import_openml_lite"] = time.perf_counter() - start
    start = time.perf_counter()
    bunch = await openml_lite.fetch_openml_async(data_id=ds["id"], base_url=cfg["mirror_url"],
                                                 as_frame=as_frame, progress=False)
    out["fetch_openml_async"] = time.perf_counter() - start
    out["first_data"] = out["import_openml_lite"] + out["fetch_openml_async"]
    out["imported_after"] = imported()
    out.update(bunch_type=type_name(bunch), data=describe(bunch.data), target=describe(bunch.target),
               frame=describe(bunch.frame), report=last_report())
    del bunch
    if cfg.get("then_pandas") and "pandas" not in sys.modules:
        import pyodide_js

        start = time.perf_counter()
        await pyodide_js.loadPackage("pandas")
        out["then_load_pandas"] = time.perf_counter() - start
        start = time.perf_counter()
        import pandas  # noqa: F401
        out["then_import_pandas"] = time.perf_counter() - start
    return out


async def sklearn(cfg) -> dict:
    ds, variant = cfg["dataset"], cfg["variant"]
    fetch_setup = await node_fetch_setup()
    start = time.perf_counter()
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import_pandas = time.perf_counter() - start
    out = {"runtime": runtime(), "variant": variant, "node_fetch_setup": fetch_setup, "import_pandas": import_pandas,
           "imported_before": imported(), "installed_before": installed()}
    start = time.perf_counter()
    import openml_lite
    out["import_openml_lite"] = time.perf_counter() - start
    start = time.perf_counter()
    bunch = await openml_lite.fetch_openml_async(data_id=ds["id"], base_url=cfg["mirror_url"], progress=False)
    out["fetch_openml_async"] = time.perf_counter() - start
    out["first_data"] = out["import_openml_lite"] + out["fetch_openml_async"]
    out.update(imported_after_call=imported(), bunch_type=type_name(bunch), frame=describe(bunch.frame),
               report=last_report())
    if cfg.get("then_sklearn_utils"):
        # The old behaviour: make_bunch imported sklearn.utils for its Bunch at the end of
        # the load, inside the same clock. Measured right after, in this interpreter.
        start = time.perf_counter()
        import sklearn.utils  # noqa: F401
        out["import_sklearn_utils"] = time.perf_counter() - start
        out["old_bunch_first_data"] = out["first_data"] + out["import_sklearn_utils"]
        out["imported_after"] = imported()
    return out


TASKS = {"output": output, "sklearn": sklearn}


async def main(cfg):
    return await TASKS[cfg["task"]](cfg)
