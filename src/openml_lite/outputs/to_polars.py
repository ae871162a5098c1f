"""polars output (``as_frame="polars"``), built from the converted columns without
pandas: the values of the pandas result, with polars' own types.

- missing values are nulls (polars' missing value; ``pl.from_pandas`` turns pandas'
  NaN into null the same way);
- nominal columns are ``pl.Enum`` of the pandas result's categories, in their order:
  the levels are known from the file, an Enum keeps them fixed and per column (no
  global string cache, so frames from two loads concatenate and compare), and its
  physical codes are the pandas codes. ``pl.Categorical`` would infer its levels from
  the data and order them by first appearance;
- numbers keep the pandas result's types (Int64, Float64; with ``dtypes="openml"`` the
  file's, e.g. UInt8 pixels), strings are String.
"""

from __future__ import annotations

import numpy as np

from ..convert import Cast, Converted, Integers, Nominal


def polars_parts(converted: Converted) -> dict:
    import polars as pl

    series = [polars_series(pl, name, converted.columns[name]) for name in converted.kept]
    frame = pl.DataFrame(series)
    names, targets = converted.feature_names, converted.target_names
    data = frame.select(names)
    target = frame.select(targets) if len(targets) >= 2 else frame.get_column(targets[0]) if targets else None
    return dict(data=data, target=target, frame=frame, categories=None,
                feature_names=names, target_names=targets)


def polars_series(pl, name: str, column):
    if isinstance(column, Nominal):
        levels = pl.Series(name, column.categories, dtype=pl.Enum(column.categories))
        missing = column.codes < 0
        codes = pl.Series(np.where(missing, 0, column.codes).astype(np.uint32))
        if missing.any():
            codes = codes.scatter(np.flatnonzero(missing), None)
        return levels.gather(codes)  # a null code gives a null
    if isinstance(column, Integers):
        values = pl.Series(name, column.values, dtype=pl.Int64)
        return values.scatter(np.flatnonzero(column.missing), None) if column.missing.any() else values
    if isinstance(column, Cast):
        column = column.values.astype(column.dtype)
    if column.dtype == object:
        return pl.Series(name, column, dtype=pl.String)
    return pl.Series(name, column, nan_to_null=column.dtype.kind == "f")
