"""The Python half of ``sync_paths.py``'s JSPI / no-JSPI comparison, inside Pyodide in a
module Web Worker (``_sync_worker.mjs``). The same calls serve both workers: the one
with JSPI runs them through ``runPythonAsync``, the one without through ``runPython``.

``setup()`` imports what a notebook has imported before it loads (numpy, pandas,
openml_lite) and says where it runs; ``once(call_json)`` times ONE sync
``fetch_openml(..., cache=False)`` and returns seconds, the load report and the runtime
openml-lite chose. The driver alternates the two workers call by call.
"""

from __future__ import annotations

import gc
import json
import sys
import time


def setup() -> str:
    import numpy  # noqa: F401
    import pandas
    import pyodide
    import pyodide.ffi

    import openml_lite  # noqa: F401

    return json.dumps({"pyodide": pyodide.__version__, "python": sys.version.split()[0],
                       "pandas": pandas.__version__, "can_run_sync_at_setup": pyodide.ffi.can_run_sync()})


def _digest(frame) -> str:
    """Row-order sensitive digest of the frame's values, dtypes and columns (both paths
    must return the same frame)."""
    import hashlib

    import pandas as pd

    h = hashlib.sha1(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(frame, index=True).values.tobytes())
    return h.hexdigest()[:16]


def once(call_json: str) -> str:
    import pyodide.ffi

    import openml_lite
    from openml_lite import _compat

    call = json.loads(call_json)
    gc.collect()  # the previous call's Bunch, off the clock
    start = time.perf_counter()
    bunch = openml_lite.fetch_openml(data_id=call["id"], base_url=call["mirror_url"], cache=False,
                                     progress=False)
    seconds = time.perf_counter() - start
    report = openml_lite.last_load_report().as_dict()
    out = {"seconds": seconds, "can_run_sync": pyodide.ffi.can_run_sync(),
           "runtime": _compat.sync_runtime().name, "engine": report["engine"],
           "report_seconds": report["seconds"], "data_bytes": report["data_bytes"],
           "range_requests": report["range_requests"], "shape": list(bunch.frame.shape),
           "pyarrow_imported": "pyarrow" in sys.modules}
    if call.get("digest"):
        out["digest"] = _digest(bunch.frame)
    return json.dumps(out)
