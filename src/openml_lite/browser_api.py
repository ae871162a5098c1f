"""The Python side of the browser JS API (web/openml-lite.js): ``loadOpenML`` and
``planOpenML`` call :func:`load` and :func:`plan` here, in the page's Pyodide, and get JSON
back: the load's summary (shape, columns, the first rows, the load report, warnings) and the
Bunch itself when kept, or a readable error (a DatasetTooLargeError with its numbers and
ways out), never a traceback. Importable and tested on CPython (tests/test_browser_api.py).
"""

from __future__ import annotations

import json
import math
import re
import warnings

import numpy as np
import pandas as pd

from . import __version__
from .api import fetch_openml_async, memory_plan_async
from .errors import DatasetTooLargeError

# Python hides these by default; loading packages raises some (pyarrow's timezone db).
_QUIET = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def _cell(value):
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _kind(dtype):
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if dtype == object or pd.api.types.is_string_dtype(dtype):
        return "string"
    return "other"


def _as_frame(bunch, rows):
    """The frame (or, for as_frame=False, the first rows of data + target as one)."""
    if bunch.get("frame") is not None:
        return bunch.frame, bunch.frame.head(rows), tuple(bunch.frame.shape)
    data, target = bunch.data, bunch.get("target")
    head = data[:rows]
    head = head.toarray() if hasattr(head, "toarray") else np.asarray(head)
    preview = pd.DataFrame(head, columns=[str(c) for c in bunch.feature_names])
    names = list(bunch.get("target_names") or [])
    if target is not None and names:
        values = np.asarray(target).reshape(len(target), -1)[:rows]
        for i, name in enumerate(names):
            preview[name] = values[:, i]
    shape = (data.shape[0], data.shape[1] + len(names))
    return None, preview, shape


def _columns(frame, preview, bunch, max_categories):
    targets = set(bunch.get("target_names") or [])
    known = bunch.get("categories") or {}
    out = []
    for name in preview.columns:
        column = frame[name] if frame is not None else preview[name]
        categories = None
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = [_cell(c) for c in column.cat.categories]
        elif name in known and known[name] is not None:
            categories = [_cell(c) for c in known[name]]
        out.append({
            "name": str(name),
            "dtype": str(column.dtype),
            "kind": "categorical" if categories is not None else _kind(column.dtype),
            "role": "target" if name in targets else "feature",
            "missing": int(column.isna().sum()) if frame is not None else None,
            "categories": None if categories is None else categories[:max_categories],
            "nCategories": None if categories is None else len(categories),
        })
    return out


def _report(report):
    if report is None:
        return None
    return {"dataset": report.dataset, "dataId": report.data_id, "source": report.source,
            "engine": report.engine, "dataUrl": report.data_url, "dataBytes": report.data_bytes,
            "rangeRequests": report.range_requests,
            "fromCache": report.from_cache, "seconds": dict(report.seconds),
            "memory": _estimate(report.memory),
            "served": list(report.served), "skipped": dict(report.skipped)}


def _estimate(estimate):
    """A memory.Estimate: bytes at the peak (low to high), the Bunch's, in words."""
    if estimate is None:
        return None
    return {"low": int(estimate.low), "high": int(estimate.high),
            "result": [int(n) for n in estimate.result], "text": estimate.about()}


def _room(room):
    if room is None:
        return None
    return {"total": room.total, "perArray": room.per_array, "where": room.where}


def _way(way):
    return {"arguments": dict(way.arguments), "text": way.describe(), "fits": bool(way.fits),
            "estimate": _estimate(way.estimate)}


def _error(error):
    """A Python error for JS: its type and text; a DatasetTooLargeError's numbers too."""
    found = {"type": type(error).__name__, "message": str(error)}
    if isinstance(error, DatasetTooLargeError):
        found.update(estimate=_estimate(error.estimate), room=_room(error.room),
                     ways=[_way(way) for way in error.ways])
    return found


# how a plan names its dataset: "'iris' (id 61, version 1)"
_LABEL = re.compile(r"'(?P<name>.*)' \(id (?P<id>\d+)")


async def plan(arguments):
    try:
        with warnings.catch_warnings():  # (the load that follows warns as it should)
            warnings.simplefilter("ignore")
            found = await memory_plan_async(**json.loads(arguments))
    except Exception as error:  # a readable message for JS, not a traceback
        return json.dumps({"error": _error(error)})
    if found is None:
        return json.dumps(None)
    label = _LABEL.match(found.dataset)
    return json.dumps({
        "id": int(label["id"]) if label else None,
        "name": label["name"] if label else None,
        "dataset": found.dataset, "rows": int(found.rows), "verdict": found.verdict,
        "message": found.message, "estimate": _estimate(found.estimate), "room": _room(found.room),
        "ways": [_way(way) for way in found.ways],
    })


async def load(arguments, progress, keep, preview_rows, max_categories):
    arguments = json.loads(arguments)
    if progress is not None:
        callback = lambda received, total: progress(received, total)
    else:
        callback = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            bunch, report = await fetch_openml_async(**arguments, progress=callback, with_report=True)
        frame, preview, shape = _as_frame(bunch, preview_rows)
        details = dict(bunch.get("details") or {})
        summary = {
            "id": int(details["id"]) if str(details.get("id", "")).isdigit() else (report and report.data_id),
            "name": details.get("name"),
            "version": details.get("version"),
            "url": bunch.get("url"),
            "description": str(bunch.get("DESCR") or "")[:4000],
            "details": details,
            "shape": [int(n) for n in shape],
            "targetNames": [str(n) for n in (bunch.get("target_names") or [])],
            "columns": _columns(frame, preview, bunch, max_categories),
            "preview": {
                "columns": [str(c) for c in preview.columns],
                "rows": [[_cell(v) for v in row] for row in preview.itertuples(index=False)],
                "totalRows": int(shape[0]),
            },
            "report": _report(report),
            "warnings": [{"category": w.category.__name__, "message": str(w.message)}
                         for w in caught if not issubclass(w.category, _QUIET)],
            "versions": {"openmlLite": __version__},
        }
        return json.dumps(summary, default=str), (bunch if keep else None)
    except Exception as error:  # a readable message for JS, not a traceback
        return json.dumps({"error": _error(error)}), None
