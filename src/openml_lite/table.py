"""The neutral form every engine returns: columns, before any sklearn rule applies.

A column is one of
- a numeric numpy array in the file's own type (nulls only in float arrays, as NaN),
- an object numpy array of ``str`` with ``None`` for null (plain strings),
- a :class:`DictColumn`: dictionary codes (``-1`` = null) into a list of values, which
  is how OpenML stores nominal columns; engines that can keep it cheap do. A parquet
  BOOLEAN column (OpenML's form of a {true, false} nominal) is a DictColumn too, with
  the values ``[False, True]`` (code 0 false, 1 true, -1 null);
- a :class:`NullColumn`: an Arrow null-type column (OpenML's form of a column missing
  in every row), which has a length and nothing else.
Conversion to sklearn's dtypes happens once, in ``convert.py``, so every engine gives
the same Bunch by construction.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:  # numpy is imported when a load needs it: `import openml_lite` needs none
    import numpy as np


@dataclass(frozen=True)
class DictColumn:
    codes: np.ndarray  # signed integers (code_dtype of the values), -1 where the value is null
    values: list  # the dictionary, in the file's order (unused entries allowed)

    def __len__(self) -> int:
        return len(self.codes)

    @functools.cached_property
    def used(self) -> np.ndarray:
        """The indices of ``values`` that ``codes`` point to, ascending: counted once
        (integrity's value range and convert's levels both ask)."""
        import numpy as np

        return used_levels(np.asarray(self.codes), len(self.values))


def code_dtype(levels: int) -> str:
    """The narrowest signed integer type for codes -1 .. levels - 1, by pandas' rule for a
    Categorical's codes: those it then keeps as they are, with no wider copy on the way
    (int64 codes were 8 bytes a row, three copies of them at the peak)."""
    for dtype, limit in (("int8", 127), ("int16", 32767), ("int32", 2_147_483_647)):
        if levels < limit:
            return dtype
    return "int64"


def used_levels(codes: np.ndarray, levels: int) -> np.ndarray:
    """The values (indices) of ``levels`` that ``codes`` point to, ascending."""
    import numpy as np

    # intp: bincount refuses int64 on 32-bit wasm
    return np.flatnonzero(np.bincount(codes[codes >= 0].astype(np.intp, copy=False), minlength=levels))


BOOL_VALUES = [False, True]  # a BOOLEAN column's DictColumn values: codes 0 and 1


def bool_column(codes: np.ndarray) -> DictColumn:
    """A parquet BOOLEAN column: codes 0 (false), 1 (true), -1 (null)."""
    return DictColumn(codes=codes, values=list(BOOL_VALUES))


def is_bool_column(column) -> bool:
    return isinstance(column, DictColumn) and column.values == BOOL_VALUES and all(
        type(v) is bool for v in column.values)


@dataclass(frozen=True)
class NullColumn:
    """An Arrow null-type column: missing in every one of its ``length`` rows."""

    length: int

    def __len__(self) -> int:
        return self.length


Column = Union["np.ndarray", DictColumn, NullColumn]
Table = dict  # column name -> Column, in file order


def n_rows(table: Table) -> int:
    return len(next(iter(table.values()))) if table else 0
