"""Building DataFrames from converted columns the cheap way.

``pd.DataFrame(dict_of_columns)`` keeps one block per column (or stacks them, copying),
and selecting the data columns from it then copies column by column: on a 785-column
file that per-column work was half of the load time in Pyodide. So wide frames are
built by runs: each run of neighbouring numeric columns that end up with the same dtype
is written once, straight into one 2-D block (casting on the way, e.g. uint8 pixels
into sklearn's int64), which is also the layout ``read_csv`` gives sklearn: few blocks,
not one per column. Narrow frames (most OpenML datasets) are cheaper as a dict.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from ..convert import Cast

# Up to this many columns a frame is built from a dict of columns, one block each:
# pandas' per-block overhead is small then, and the per-run frames and concat of the
# wide path cost more (Titanic: 0.16 ms against 0.94 on CPython).
NARROW = 64
# pandas < 3 copies on concat unless told not to; pandas 3 (copy-on-write) never does
# and deprecates the keyword.
PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3
_NO_COPY = {} if PANDAS_3 else {"copy": False}


def build_frame(columns: dict, names: list[str], rows: int, *, copy_others: bool = False,
                take_owned: bool = False) -> pd.DataFrame:
    """A DataFrame of ``columns[name]`` for ``names``, in that order, with a RangeIndex.

    Numeric columns (numpy arrays, :class:`Cast`) land in fresh arrays (2-D blocks when
    the frame is wide), so two frames built from the same columns never share them;
    ``take_owned``: a narrow frame takes a writable array that owns its memory as it is
    (the first frame built from columns nothing else will use: its memory is not spent
    twice). Other columns (Categoricals, extension and object arrays) are used as they
    are unless ``copy_others``.
    """
    index = pd.RangeIndex(rows)
    if len(names) <= NARROW:
        return _column_by_column(columns, names, index, copy_others, take_owned)
    pieces = []
    for dtype, run in itertools.groupby(names, key=lambda name: _block_dtype(columns[name])):
        run = list(run)
        if not dtype:
            pieces.append(_column_by_column(columns, run, index, copy_others))
            continue
        block = np.empty((rows, len(run)), dtype=dtype, order="F")  # each column contiguous
        for position, name in enumerate(run):
            column = columns[name]
            block[:, position] = column.values if isinstance(column, Cast) else column
        pieces.append(pd.DataFrame(block, columns=run, index=index, copy=False))
    if not pieces:
        return pd.DataFrame(index=index)
    if len(pieces) == 1:
        return pieces[0]
    return pd.concat(pieces, axis=1, **_NO_COPY)


# pandas 2 infers the type of an object array a frame is given (are these dates?) with
# scratch arrays of some 40 bytes a row (28 MB at 678,013 rows, the peak of a load); a
# Series of dtype object is taken as it is. pandas 3 must infer: its strings become str,
# as sklearn's do there.
_INFERS_OBJECT_ARRAYS = not PANDAS_3


def _column_by_column(columns: dict, names: list[str], index: pd.Index, copy_others: bool,
                      take_owned: bool = False) -> pd.DataFrame:
    def given(column):
        if _INFERS_OBJECT_ARRAYS and isinstance(column, np.ndarray) and column.dtype == object:
            return pd.Series(column, index=index, dtype=object, copy=False)
        return column

    return pd.DataFrame({name: given(_own(columns[name], copy_others, take_owned)) for name in names},
                        index=index, copy=False)


def _own(column, copy_other: bool, take_owned: bool = False):
    """A column as a frame gets it outside a 2-D block: numbers always in a fresh array of
    their own (two frames never share them, and an engine's read-only buffer is never
    handed out), or, with ``take_owned``, the array itself where it is writable and owns
    its memory; other columns copied only if ``copy_other``."""
    if isinstance(column, Cast):
        return column.values.astype(column.dtype)
    if take_owned and isinstance(column, np.ndarray) and column.base is None and column.flags.writeable:
        return column
    return column.copy() if copy_other or _block_dtype(column) else column


def _block_dtype(column) -> str:
    """The dtype (as a string) of the 2-D block this column joins; "" for a column of its
    own. Not a np.dtype: np.dtype("float64") == None is True, which would merge runs."""
    if isinstance(column, Cast) or (isinstance(column, np.ndarray) and column.dtype.kind in "biuf"):
        return column.dtype.str
    return ""


def copy_of_columns(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """A frame of its own memory holding ``frame``'s columns ``names`` (pandas 2's data
    beside the frame), built from views of them as build_frame builds any frame. Not
    ``frame[names]`` nor a deep copy: pandas 2 takes a wide 2-D block column by column
    (seconds on a 785-column frame) and a deep copy consolidates the blocks (one more
    copy)."""
    views = {}
    for name in names:
        series = frame[name]
        views[name] = series.to_numpy() if isinstance(series.dtype, np.dtype) else series.array
    return build_frame(views, names, len(frame), copy_others=True)
