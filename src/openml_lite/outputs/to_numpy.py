"""numpy output without pandas: the arrays sklearn's ``as_frame=False`` gives, which it
makes with ``DataFrame.to_numpy()`` (and ``Series.to_numpy()`` for one target). The
same rules, by hand: one common dtype (numbers: numpy's promotion, as pandas uses;
anything categorical or text: object), categories as their values with NaN where
missing, and a column-major array as pandas' blocks give it."""

from __future__ import annotations

import numpy as np

from ..convert import Cast, Converted, Nominal, strings_with_nan


def numpy_parts(converted: Converted) -> dict:
    columns, rows = converted.columns, converted.rows
    names, targets = converted.feature_names, converted.target_names
    target = None  # sklearn crashes without a target; we return None (docs: "Parity with scikit-learn")
    if len(targets) == 1:
        column = columns[targets[0]]
        target = _values(column, _dtype(column), fresh=True)
    elif targets:
        target = _matrix(columns, targets, rows)
    return dict(data=_matrix(columns, names, rows), target=target, frame=None,
                categories=converted.categories(), feature_names=names, target_names=targets)


def _matrix(columns: dict, names: list[str], rows: int) -> np.ndarray:
    if not names:  # what to_numpy gives for a frame without columns
        return np.empty((rows, 0))
    dtype = _common_dtype([columns[name] for name in names])
    out = np.empty((rows, len(names)), dtype=dtype, order="F")
    for position, name in enumerate(names):
        out[:, position] = _values(columns[name], dtype)
    return out


def _dtype(column) -> np.dtype:
    if isinstance(column, Nominal):
        return np.dtype(object)
    return column.dtype  # Cast's target, or the array's own (object for text)


def _common_dtype(columns: list) -> np.dtype:
    dtypes = [_dtype(column) for column in columns]
    if any(dtype.kind not in "iuf" for dtype in dtypes):
        return np.dtype(object)
    return np.result_type(*dtypes)


def _values(column, dtype: np.dtype, *, fresh: bool = False) -> np.ndarray:
    """One column as ``dtype``; ``fresh``: never the engine's own (maybe read-only) buffer."""
    if isinstance(column, Nominal):
        return np.array([*column.categories, np.nan], dtype=object)[column.codes]  # -1: NaN
    if isinstance(column, Cast):  # to its own type first: whole floats become ints
        values = column.values.astype(column.dtype)
        return values if dtype == column.dtype else values.astype(dtype)
    if column.dtype == object:  # strings: NaN where missing, as pandas gives them
        return strings_with_nan(column)
    return column.astype(dtype, copy=True) if fresh else column
