"""table's neutral form holds what a real OpenML file holds: dictionary codes in the
width pandas keeps, the levels the codes use, BOOLEAN columns as codes into [False, True],
Arrow's null type as a length alone, and the table's row count.

Files: the test mirror's parquet files, read by the pyarrow engine. Expected values:
pyarrow's own reading of the same file (dictionary indices, unique values, null counts,
row counts) and pandas' rule for a Categorical's codes (coerce_indexer_dtype).
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from support import DENSE, SYNTHETIC_MNIST_ID

from openml_lite.engines import load_engine
from openml_lite.mirror import parquet_path_for
from openml_lite.table import (
    BOOL_VALUES,
    DictColumn,
    NullColumn,
    bool_column,
    code_dtype,
    is_bool_column,
    n_rows,
    used_levels,
)

ANNEAL, KR_VS_KP, ZOO, TITANIC, MICE = 2, 3, 62, 40945, 40966
ALL_IDS = [d["data_id"] for d in DENSE] + [SYNTHETIC_MNIST_ID]


def _body(mirror_dir, data_id: int) -> bytes:
    return Path(mirror_dir, parquet_path_for(data_id)).read_bytes()


def _arrow(body: bytes) -> pa.Table:
    return pq.ParquetFile(io.BytesIO(body)).read()


def _table(body: bytes):
    return load_engine("pyarrow").read(body)


# == code_dtype ===============================================================================

@pytest.mark.parametrize("levels", [0, 2, 126, 127, 128, 32766, 32767, 2_147_483_646, 2_147_483_647,
                                    2_147_483_648])
def test_code_dtype_is_pandas_coerce_indexer_dtype(levels):
    """pandas' own rule, including the int32 / int64 edge no Categorical here can reach
    (range() stands in for that many categories: only its length is read)."""
    from pandas.core.dtypes.cast import coerce_indexer_dtype

    expected = coerce_indexer_dtype(np.array([-1, 0]), range(levels)).dtype
    assert np.dtype(code_dtype(levels)) == expected


def test_code_dtype_holds_every_code_of_its_levels():
    for levels in (126, 32766, 2_147_483_646):
        info = np.iinfo(code_dtype(levels))
        assert info.min <= -1 and levels - 1 <= info.max


# == used_levels / DictColumn.used ============================================================

def _pyarrow_used(column: pa.ChunkedArray) -> list[int]:
    indices = column.combine_chunks().indices
    return sorted(pc.unique(indices.drop_null()).to_pylist())


@pytest.mark.parametrize("data_id", [ANNEAL, KR_VS_KP, TITANIC, MICE])
def test_used_levels_are_the_dictionary_indices_pyarrow_finds(mirror_dir, data_id):
    """anneal declares levels it never uses and has nominal columns missing in every row."""
    body = _body(mirror_dir, data_id)
    arrow, table = _arrow(body), _table(body)
    dictionaries = [name for name in arrow.column_names if pa.types.is_dictionary(arrow.column(name).type)]
    assert dictionaries
    for name in dictionaries:
        column = table[name]
        expected = _pyarrow_used(arrow.column(name))
        assert used_levels(np.asarray(column.codes), len(column.values)).tolist() == expected, name
        assert column.used.tolist() == expected, name


def test_used_levels_leave_out_declared_but_unused_levels(mirror_dir):
    body = _body(mirror_dir, ANNEAL)
    arrow, table = _arrow(body), _table(body)
    steel = arrow.column("steel").combine_chunks()
    used = [table["steel"].values[i] for i in table["steel"].used]
    assert used == sorted(set(steel.to_pylist()) - {None}, key=steel.dictionary.to_pylist().index)
    assert len(used) < len(steel.dictionary)
    family = table["family"]  # missing in all 11 rows
    assert arrow.column("family").null_count == len(family) == 11
    assert family.used.tolist() == []


def test_used_levels_of_no_codes_is_empty():
    for dtype in ("int8", "int16", "int64"):
        assert used_levels(np.array([], dtype=dtype), 5).tolist() == []
        assert used_levels(np.full(4, -1, dtype=dtype), 5).tolist() == []


def test_dict_column_length_is_its_rows(mirror_dir):
    body = _body(mirror_dir, TITANIC)
    table = _table(body)
    assert len(table["embarked"]) == _arrow(body).num_rows == 1309


# == bool_column / is_bool_column =============================================================

def test_boolean_columns_are_codes_into_false_true(mirror_dir):
    """zoo's {false, true} nominals are parquet BOOLEAN columns."""
    body = _body(mirror_dir, ZOO)
    arrow, table = _arrow(body), _table(body)
    booleans = [name for name in arrow.column_names if pa.types.is_boolean(arrow.column(name).type)]
    assert len(booleans) == 15
    for name in booleans:
        column = table[name]
        assert is_bool_column(column), name
        decoded = [None if c < 0 else column.values[c] for c in column.codes]
        assert decoded == arrow.column(name).to_pylist(), name
    others = [name for name in arrow.column_names if name not in booleans]
    assert not any(is_bool_column(table[name]) for name in others)


def test_bool_column_marks_missing_values_with_minus_one():
    column = bool_column(np.array([1, 0, -1, 1], dtype="int8"))
    assert column.values == [False, True]
    assert [None if c < 0 else column.values[c] for c in column.codes] == [True, False, None, True]
    assert is_bool_column(column) and len(column) == 4


def test_bool_column_values_are_its_own_list():
    first, second = bool_column(np.array([0], dtype="int8")), bool_column(np.array([1], dtype="int8"))
    first.values.append("x")
    assert second.values == BOOL_VALUES == [False, True]


def test_a_nominal_of_t_and_f_is_not_a_boolean_column(mirror_dir):
    """kr-vs-kp's {f, t} nominals stay dictionaries of strings (openml.md)."""
    body = _body(mirror_dir, KR_VS_KP)
    arrow, table = _arrow(body), _table(body)
    assert sorted(arrow.column("bkblk").combine_chunks().dictionary.to_pylist()) == ["f", "t"]
    assert not is_bool_column(table["bkblk"])


@pytest.mark.parametrize("values", [[0, 1], [0.0, 1.0], [True, False], ["false", "true"], [False, True, None]],
                         ids=["ints", "floats", "reversed", "strings", "three"])
def test_only_false_true_in_that_order_and_type_is_boolean(values):
    codes = np.array([0, 1, -1], dtype="int8")
    assert not is_bool_column(DictColumn(codes=codes, values=values))
    assert is_bool_column(DictColumn(codes=codes, values=[False, True]))


def test_is_bool_column_of_other_forms_is_false():
    assert not is_bool_column(NullColumn(3))
    assert not is_bool_column(np.array([False, True]))


# == NullColumn ===============================================================================

def test_null_column_is_arrows_null_type_with_its_length(mirror_dir):
    body = _body(mirror_dir, MICE)
    arrow, table = _arrow(body), _table(body)
    nulls = [name for name in arrow.column_names if pa.types.is_null(arrow.column(name).type)]
    assert nulls == ["BCL2_N"]
    column = table["BCL2_N"]
    assert column == NullColumn(arrow.num_rows) and len(column) == arrow.column("BCL2_N").null_count == 7
    assert not any(isinstance(table[name], NullColumn) for name in arrow.column_names if name not in nulls)


def test_null_column_is_frozen():
    column = NullColumn(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        column.length = 4
    assert len(NullColumn(0)) == 0 and NullColumn(3) != NullColumn(4)


# == n_rows ===================================================================================

@pytest.mark.parametrize("data_id", ALL_IDS)
def test_n_rows_is_the_files_row_count(mirror_dir, data_id):
    body = _body(mirror_dir, data_id)
    assert n_rows(_table(body)) == pq.ParquetFile(io.BytesIO(body)).metadata.num_rows


def test_n_rows_of_each_form_of_first_column(mirror_dir):
    """The first column decides, whatever its form: numbers, codes, or a null column."""
    body = _body(mirror_dir, MICE)
    table, rows = _table(body), _arrow(body).num_rows
    assert n_rows({"BCL2_N": table["BCL2_N"], "class": table["class"]}) == rows
    assert n_rows({"class": table["class"]}) == rows
    assert n_rows({"DYRK1A_N": table["DYRK1A_N"]}) == rows


def test_n_rows_of_an_empty_table_is_zero():
    assert n_rows({}) == 0
