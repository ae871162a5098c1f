"""What fetch_openml returned, as plain JSON-able data: types, dtypes, categories (with
order and ordered flag), every value (NaN and None told apart), the stored entries of a
sparse matrix, and the Bunch's other fields. Equal fingerprints = equal results, across
CPython and Pyodide.

This file runs on the host AND inside Pyodide: tests send its source to Pyodide and
exec it there, so it must need nothing but numpy and pandas.
"""


def fingerprint(result):
    import math

    import numpy as np
    import pandas as pd

    def value(v):
        if isinstance(v, np.generic):
            v = v.item()
        if v is None or v is pd.NA:
            return ["null", repr(v)]
        if isinstance(v, float) and math.isnan(v):
            return ["nan"]
        return [type(v).__name__, v]

    def categories(dtype):
        if isinstance(dtype, pd.CategoricalDtype):
            return {"categories": [value(c) for c in dtype.categories], "ordered": bool(dtype.ordered)}
        return None

    def describe(obj):
        if isinstance(obj, pd.DataFrame):
            return {"type": "DataFrame", "index": [str(obj.index.dtype), len(obj.index)],
                    "columns": {str(c): describe(obj[c]) for c in obj.columns}}
        if isinstance(obj, pd.Series):
            return {"type": "Series", "name": str(obj.name), "dtype": str(obj.dtype),
                    "categories": categories(obj.dtype),
                    "values": [value(v) for v in obj.astype(object).tolist()]}
        if isinstance(obj, np.ndarray):
            return {"type": "ndarray", "dtype": str(obj.dtype), "shape": list(obj.shape),
                    "values": [value(v) for v in obj.ravel().tolist()]}
        if hasattr(obj, "tocoo") and hasattr(obj, "nnz"):  # scipy.sparse (not imported here)
            coo = obj.tocoo()
            entries = sorted(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()), key=lambda e: e[:2])
            return {"type": type(obj).__name__, "format": obj.format, "dtype": str(obj.dtype),
                    "shape": list(obj.shape), "entries": [[r, c, value(v)] for r, c, v in entries]}
        if isinstance(obj, dict):
            return {"type": "dict", "items": {str(k): describe(v) for k, v in obj.items()}}
        if isinstance(obj, (list, tuple)):
            return {"type": type(obj).__name__, "items": [describe(v) for v in obj]}
        return value(obj)

    return describe(result)
