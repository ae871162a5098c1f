"""OpenML's ARFF -> parquet converter, re-implemented for the test mirror.

OpenML makes each dense dataset's parquet file with openml-python's own ARFF reader
(``OpenMLDataset._parse_data_from_arff`` and ``_unpack_categories``, openml-python
0.12-0.15) and then pandas' ``DataFrame.to_parquet`` with its defaults. The same
steps, written with the same pandas calls:

- nominal: an *ordered* Categorical of the declared levels, in declared order, unused
  ones kept, a ``?`` among them dropped; on disk dictionary<string, int8> (int16 above
  127 levels). A two-valued nominal whose levels are {true, false} in any letter case
  becomes a Categorical of Python bools, which parquet stores as a BOOLEAN column: the
  spelling of the levels is lost (the features JSON keeps it);
- numeric: whole numbers in 0..255 with nothing missing become uint8, others stay as
  the DataFrame constructor typed them (int64, float64); a column missing in every row
  stays an object column of None, which parquet stores as an Arrow null-type column;
- string: object (None for missing).

tests/test_mirror_recipe.py proves the result equal to the real recipe's output
(openml-python 0.13.1, pandas 1.5.3, pyarrow 10.0.1 in an environment of their own)
on every dense dataset of scikit-learn's recorded fixtures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

NUMERIC_ARFF_TYPES = ("NUMERIC", "REAL", "INTEGER")


def is_bool_nominal(levels) -> bool:
    """openml-python's test: two levels that are "True" and "False" once capitalised."""
    return len(levels) == 2 and {str(v).lower().capitalize() for v in levels} == {"True", "False"}


def openml_frame(frame: pd.DataFrame, arff_types: list) -> pd.DataFrame:
    """The frame openml-python builds from ``frame`` (ARFF values as liac-arff gives
    them: nominal values as strings, or a Categorical; None for missing), with each
    column's ARFF type (a list of declared levels for a nominal)."""
    columns = []
    for name, arff_type in zip(frame.columns, arff_types):
        column = frame[name]
        if isinstance(arff_type, list):
            columns.append(_nominal(column, arff_type))
        elif arff_type in NUMERIC_ARFF_TYPES:
            columns.append(_numeric(column))
        else:
            columns.append(column)
    return pd.concat(columns, axis=1) if columns else frame


def _nominal(column: pd.Series, declared: list) -> pd.Series:
    values = column.astype(object).where(column.notna(), None).tolist()
    # nan-likes cannot be categories: a declared "?" (None after parsing) is dropped
    levels = [v for v in declared if isinstance(v, str)]
    if is_bool_nominal(declared):
        levels = [v.lower() == "true" for v in levels]
        values = [None if v is None else str(v).lower() == "true" for v in values]
    raw = pd.Categorical(values, categories=levels, ordered=True)
    return pd.Series(raw, index=column.index, name=column.name)


def _numeric(column: pd.Series) -> pd.Series:
    # openml-python: `if X_col.min() >= 0 and X_col.max() <= 255`, then uint8 when the
    # cast changes no value (a cast of NaN raises ValueError: kept as it is)
    low, high = column.min(), column.max()
    try:
        in_range = bool(low >= 0 and high <= 255)
    except TypeError:  # an all-None object column: min() is None
        in_range = False
    if in_range:
        try:
            as_uint8 = column.astype("uint8")
            if (column == as_uint8).all():
                return as_uint8
        except ValueError:
            pass
    return column


def write_openml_parquet(frame: pd.DataFrame, path) -> None:
    """What ``frame.to_parquet(path)`` does with pandas' defaults, as OpenML writes
    (pyarrow, snappy, the RangeIndex kept only in the pandas metadata). Newer pyarrow
    also records ``frame.attrs`` there ("attributes": {}); OpenML's pyarrow 10 did not,
    so an empty one is left out."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=None)
    metadata = dict(table.schema.metadata or {})
    pandas_metadata = json.loads(metadata[b"pandas"])
    if pandas_metadata.get("attributes") == {}:
        del pandas_metadata["attributes"]
        metadata[b"pandas"] = json.dumps(pandas_metadata).encode()
        table = table.replace_schema_metadata(metadata)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="snappy")


def frame_from_rows(rows: list, attributes: list) -> pd.DataFrame:
    """liac-arff's dense rows as openml-python frames them: ``pd.DataFrame(rows)``,
    whose constructor types each column (int64, float64, object)."""
    names = [name for name, _ in attributes]
    if not rows:
        return pd.DataFrame({name: np.array([], dtype=object) for name in names})
    frame = pd.DataFrame(rows, columns=names)
    # pandas 3 types text columns "str" (Arrow large_string on disk); OpenML's pandas
    # (1.5) typed them object, which parquet stores as string: keep that on any pandas
    text = [name for name, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    return frame.astype(dict.fromkeys(text, object)) if text else frame
