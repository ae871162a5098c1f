"""pandas output: sklearn's own Bunch (``as_frame=True``), and its arrays where only
pandas can make them (Int64 columns with missing values hold ``pd.NA``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..convert import Converted, Integers, Nominal, strings_with_nan
from .frames import PANDAS_3, build_frame, copy_of_columns

# Categorical.from_codes(validate=False) (pandas >= 2.1): our codes are in range by
# construction (convert's lookup), and checking them read every row once more
_FROM_CODES_VALIDATE = tuple(int(p) for p in pd.__version__.split(".")[:2]) >= (2, 1)


def copies_on_write() -> bool:
    """Whether frames that share memory never see each other's writes: always in pandas 3;
    in pandas 2 when the user turned it on (``pd.set_option("mode.copy_on_write", True)``;
    "warn" only warns). Asked at each load: the option can change between loads."""
    return PANDAS_3 or pd.get_option("mode.copy_on_write") is True


def pandas_parts(converted: Converted, *, as_frame: bool = True, release: bool = False) -> dict:
    """``release``: the caller needs ``converted`` no more; its columns are emptied once
    the frame holds them (see below)."""
    rows, kept = converted.rows, converted.kept
    columns = {name: pandas_column(converted.columns[name]) for name in kept}
    names, targets = converted.feature_names, converted.target_names
    if as_frame:
        # the frame takes the converted arrays nothing else will use (data copies them)
        frame = build_frame(columns, kept, rows, take_owned=True)
        if copies_on_write():  # sklearn's frame[feature_names] shares the frame's memory
            data = frame[names]  # until either is written; so does ours
        else:  # pandas 2: its own copy, as sklearn's: writing to one never changes the other.
            # Copied from the frame, once the decoded and converted columns are let go
            # (with `release`): the peak then holds the frame and data, not those as well.
            del columns
            if release:
                converted.columns.clear()
            data = copy_of_columns(frame, names)
        target = frame[targets] if len(targets) >= 2 else frame[targets[0]] if targets else None
        return dict(data=data, target=target, frame=frame, categories=None,
                    feature_names=names, target_names=targets)
    target = None  # sklearn calls y.to_numpy() unconditionally and crashes without a
    if targets:    # target; we return None there (a documented difference)
        target_frame = build_frame(columns, targets, rows)
        target = (target_frame if len(targets) >= 2 else target_frame[targets[0]]).to_numpy()
    return dict(data=build_frame(columns, names, rows).to_numpy(), target=target,
                frame=None, categories=converted.categories(), feature_names=names, target_names=targets)


def pandas_column(column):
    """A converted column as build_frame takes it (numbers and Casts as they are)."""
    if isinstance(column, Nominal):
        categories = column.categories if column.categories else pd.Index([], dtype=object)
        if _FROM_CODES_VALIDATE:
            return pd.Categorical.from_codes(column.codes, categories=categories, ordered=column.ordered,
                                             validate=False)
        return pd.Categorical.from_codes(column.codes, categories=categories, ordered=column.ordered)
    if isinstance(column, Integers):
        return pd.arrays.IntegerArray(column.values, column.missing.copy())
    if isinstance(column, np.ndarray) and column.dtype == object:  # strings: read_csv's NaN
        return strings_with_nan(column)
    return column


def converted_from_frame(frame: pd.DataFrame, feature_names: list[str],
                         target_names: list[str]) -> Converted:
    """A pandas result (sklearn's ARFF parser) back into converted columns, for the
    other output kinds."""
    columns = {}
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.CategoricalDtype):
            columns[name] = Nominal(series.cat.codes.to_numpy(np.int64),
                                    series.cat.categories.tolist(), series.cat.ordered)
        elif isinstance(series.dtype, pd.Int64Dtype):
            columns[name] = Integers(series.to_numpy(np.int64, na_value=0), series.isna().to_numpy())
        elif series.dtype.kind in "iuf":
            columns[name] = series.to_numpy()
        else:  # strings (object or pandas 3's str): None where missing
            columns[name] = series.astype(object).where(series.notna(), None).to_numpy(object)
    return Converted(columns=columns, kept=list(frame.columns), feature_names=list(feature_names),
                     target_names=list(target_names), rows=len(frame))
