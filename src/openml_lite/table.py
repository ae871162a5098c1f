"""The neutral form every engine returns: columns, before any sklearn rule applies.

A column is one of
- a numeric numpy array in the file's own type (nulls only in float arrays, as NaN),
- an object numpy array of ``str`` with ``None`` for null (plain strings),
- a :class:`DictColumn`: dictionary codes (``-1`` = null) into a list of values, which
  is how OpenML stores nominal columns; engines that can keep it cheap do.
Conversion to sklearn's dtypes happens once, in ``convert.py``, so every engine gives
the same Bunch by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import numpy as np


@dataclass(frozen=True)
class DictColumn:
    codes: np.ndarray  # signed integers, -1 where the value is null
    values: list  # the dictionary, in the file's order (unused entries allowed)

    def __len__(self) -> int:
        return len(self.codes)


Column = Union[np.ndarray, DictColumn]
Table = dict  # column name -> Column, in file order


def n_rows(table: Table) -> int:
    return len(next(iter(table.values()))) if table else 0
