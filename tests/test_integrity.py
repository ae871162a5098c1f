"""integrity never calls a real OpenML file damaged, and calls damaged files damaged:
a DataIntegrityError naming the dataset, the URL and what is wrong (a readable file
that lacks a column: MissingColumnError).

Files: the test mirror's parquet files, and variants made by OpenML's recipe
(mirror/openml_parquet.py: a column dropped, rows dropped, a value missing) or by
damaging bytes. Metadata: the mirror's recorded description / features / qualities JSON,
parsed as openml.py parses it. Tables: what the pyarrow (and fastparquet) engine decodes.
Expected values: pyarrow's reading of the same bytes (schema, row and null counts,
statistics) and the recorded JSON, never this module's output.
"""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from support import DENSE, SYNTHETIC_MNIST_ID

from openml_lite.engines import load_engine
from openml_lite.errors import DataIntegrityError, MissingColumnError, OpenMLError
from openml_lite.integrity import (
    check_columns_present,
    check_parquet_bytes,
    check_statistics,
    check_table,
    count_nulls,
    damaged,
    missing_columns,
    null_counts,
)
from openml_lite.mirror import parquet_path_for
from openml_lite.mirror.openml_parquet import write_openml_parquet
from openml_lite.openml import Description, Feature
from openml_lite.table import DictColumn, NullColumn

ANNEAL, IRIS, GLASS2, TITANIC, MICE = 2, 61, 40675, 40945, 40966
ALL_IDS = [d["data_id"] for d in DENSE] + [SYNTHETIC_MNIST_ID]


class Dataset:
    """One dataset of the mirror: its recorded JSON parsed as openml.py parses it, its
    parquet file, and pyarrow's reading of that file."""

    def __init__(self, mirror_dir, data_id: int):
        api = Path(mirror_dir, "api/v1/json/data")
        self.description = Description.from_json(
            json.loads((api / f"{data_id}.json").read_text())["data_set_description"])
        self.features = sorted(
            (Feature.from_json(raw) for raw in
             json.loads((api / "features" / f"{data_id}.json").read_text())["data_features"]["feature"]),
            key=lambda f: f.index)
        qualities = api / "qualities" / f"{data_id}.json"
        document = json.loads(qualities.read_text()) if qualities.exists() else {}
        self.qualities = {q["name"]: q.get("value")
                          for q in document.get("data_qualities", {}).get("quality", [])}
        self.url = self.description.parquet_url
        self.path = Path(mirror_dir, parquet_path_for(data_id))
        self.body = self.path.read_bytes()

    def feature(self, name: str) -> Feature:
        return next(f for f in self.features if f.name == name)


def _arrow(body: bytes):
    return pq.ParquetFile(io.BytesIO(body))


def _pyarrow_refuses(body: bytes) -> bool:
    try:
        _arrow(body).read()
    except Exception:  # pyarrow raises OSError / ArrowInvalid on a damaged file
        return True
    return False


def _read(body: bytes, engine: str = "pyarrow"):
    return load_engine(engine).read(body)


def _statistics(body: bytes, name: str):
    meta = _arrow(body).metadata
    return meta.row_group(0).column(meta.schema.names.index(name)).statistics


def _variant(dataset: Dataset, tmp_path, change) -> bytes:
    """The dataset's frame changed by ``change``, written by OpenML's recipe."""
    frame = change(pq.read_table(dataset.path).to_pandas())
    path = tmp_path / dataset.path.name
    write_openml_parquet(frame, path)
    return path.read_bytes()


def _names_dataset_and_url(error: OpenMLError, dataset: Dataset) -> None:
    raw = dataset.description.raw
    assert error.dataset == dataset.description.label and error.url == dataset.url
    assert dataset.url in str(error)
    if not isinstance(error, MissingColumnError):  # its message is a reason: "its parquet file ..."
        assert f"'{raw['name']}'" in str(error) and f"id {raw['id']}" in str(error)


# == a valid file is never called damaged =====================================================

# fastparquet on the 785-column file takes about a second: the recorded files suffice for it
ENGINE_CASES = [(i, "pyarrow") for i in ALL_IDS] + [(d["data_id"], "fastparquet") for d in DENSE]


@pytest.mark.parametrize("data_id, engine", ENGINE_CASES)
def test_every_check_passes_on_every_real_file(mirror_dir, data_id, engine):
    d = Dataset(mirror_dir, data_id)
    check_parquet_bytes(d.body, d.description, d.url)
    check_columns_present(d.body, d.description, d.features, d.url)
    table = _read(d.body, engine)
    nulls = null_counts(table)
    check_table(table, d.description, d.features, d.qualities, d.url, nulls)
    check_statistics(table, d.body, d.description, d.url, nulls)


@pytest.mark.parametrize("data_id", ALL_IDS)
def test_null_counts_are_pyarrows_and_the_features_lists(mirror_dir, data_id):
    d = Dataset(mirror_dir, data_id)
    arrow = _arrow(d.body).read()
    expected = {name: column.null_count for name, column in zip(arrow.column_names, arrow.columns)}
    assert null_counts(_read(d.body)) == expected
    assert expected == {f.name: f.n_missing for f in d.features}


# == count_nulls, each form of column =========================================================

def test_count_nulls_of_each_form_of_column(mirror_dir):
    titanic, mice = Dataset(mirror_dir, TITANIC), Dataset(mirror_dir, MICE)
    table, arrow = _read(titanic.body), _arrow(titanic.body).read()
    expected = {name: arrow.column(name).null_count for name in arrow.column_names}
    assert isinstance(table["cabin"], DictColumn) and isinstance(table["embarked"], DictColumn)
    assert table["age"].dtype.kind == "f" and table["pclass"].dtype.kind == "u"
    for name in ("cabin", "embarked", "age", "pclass", "body"):
        assert count_nulls(table[name]) == expected[name], name
    assert expected["cabin"] and expected["age"] and not expected["pclass"]
    # plain strings (an object array, None for null, as the polars engine gives them)
    for name in ("cabin", "home.dest", "name"):
        strings = np.array(arrow.column(name).to_pylist(), dtype=object)
        assert count_nulls(strings) == expected[name], name
    # Arrow's null type: MiceProtein's BCL2_N, missing in all of its rows
    null_column = _read(mice.body)["BCL2_N"]
    assert isinstance(null_column, NullColumn)
    assert count_nulls(null_column) == _arrow(mice.body).metadata.num_rows == mice.feature("BCL2_N").n_missing


def test_count_nulls_counts_nan_in_an_object_column_as_missing(mirror_dir):
    arrow = _arrow(Dataset(mirror_dir, TITANIC).body).read()
    values = arrow.column("cabin").to_pylist()
    as_nan = np.array([float("nan") if v is None else v for v in values], dtype=object)
    assert count_nulls(as_nan) == arrow.column("cabin").null_count > 0


# == check_parquet_bytes ======================================================================

def _footer_length_field(body: bytes, length: int) -> bytes:
    return body[:-8] + length.to_bytes(4, "little") + body[-4:]


DAMAGES = {
    "empty": (lambda b: b"", "only 0 bytes"),
    "eleven-bytes": (lambda b: b[:11], "only 11 bytes"),
    "cut-in-half": (lambda b: b[:len(b) // 2], "no PAR1 magic at both ends"),
    "end-magic-flipped": (lambda b: b[:-1] + bytes([b[-1] ^ 0x20]), "no PAR1 magic at both ends"),
    "footer-length-zero": (lambda b: _footer_length_field(b, 0), "a footer length of 0 in a file of"),
    "footer-length-too-long": (lambda b: _footer_length_field(b, len(b)), "a footer length of"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_bytes_are_a_data_integrity_error_naming_what_is_wrong(mirror_dir, damage):
    d = Dataset(mirror_dir, IRIS)
    make, says = DAMAGES[damage]
    bad = make(d.body)
    assert _pyarrow_refuses(bad)
    with pytest.raises(DataIntegrityError, match=says) as caught:
        check_parquet_bytes(bad, d.description, d.url)
    _names_dataset_and_url(caught.value, d)


def test_a_file_without_the_leading_magic_is_damaged(mirror_dir):
    """The parquet format starts every file with PAR1 (pyarrow does not look there)."""
    d = Dataset(mirror_dir, IRIS)
    bad = bytes([d.body[0] ^ 0x01]) + d.body[1:]
    with pytest.raises(DataIntegrityError, match="no PAR1 magic at both ends"):
        check_parquet_bytes(bad, d.description, d.url)


# == check_columns_present / missing_columns ==================================================

def test_a_readable_file_lacking_a_column_is_a_missing_column_error(mirror_dir, tmp_path):
    """As OpenML converted some files (#1165): the recipe's file without 'petalwidth'."""
    d = Dataset(mirror_dir, IRIS)
    body = _variant(d, tmp_path, lambda frame: frame.drop(columns=["petalwidth"]))
    lacking = [f.name for f in d.features if f.name not in _arrow(body).schema_arrow.names]
    assert lacking == ["petalwidth"]
    with pytest.raises(MissingColumnError, match="lacks the column 'petalwidth' that") as caught:
        check_columns_present(body, d.description, d.features, d.url)
    assert not isinstance(caught.value, DataIntegrityError)  # not damage: do not download again
    _names_dataset_and_url(caught.value, d)


def test_a_file_lacking_two_columns_names_both_in_features_order(mirror_dir, tmp_path):
    d = Dataset(mirror_dir, TITANIC)
    body = _variant(d, tmp_path, lambda frame: frame.drop(columns=["home.dest", "age"]))
    with pytest.raises(MissingColumnError, match="lacks the columns 'age', 'home.dest' that"):
        check_columns_present(body, d.description, d.features, d.url)


def test_a_footer_that_cannot_be_read_is_left_to_the_engine(mirror_dir):
    d = Dataset(mirror_dir, IRIS)
    size = _arrow(d.body).metadata.serialized_size
    bad = d.body[:-8 - size] + b"\xff" * size + d.body[-8:]  # the footer overwritten
    assert _pyarrow_refuses(bad)
    check_columns_present(bad, d.description, d.features, d.url)  # no error here
    with pytest.raises(OSError):  # the engine's error, which _fetch reports as damage
        _read(bad)


def test_a_footer_naming_an_unknown_column_is_damage_not_a_missing_column(mirror_dir):
    """A bit flipped in the schema renames 'petalwidth': not an incomplete file, a damaged
    one. check_columns_present lets it pass; check_table calls it damaged."""
    d = Dataset(mirror_dir, IRIS)
    size = _arrow(d.body).metadata.serialized_size
    footer = d.body[-8 - size:-8]
    at = footer.find(b"petalwidth")  # the schema's mention (the first)
    renamed = footer[:at] + b"petalwidtx" + footer[at + len(b"petalwidth"):]
    bad = d.body[:-8 - size] + renamed + d.body[-8:]
    assert _arrow(bad).schema_arrow.names == ["sepallength", "sepalwidth", "petallength", "petalwidtx", "class"]
    check_columns_present(bad, d.description, d.features, d.url)
    table = _read(bad)
    with pytest.raises(DataIntegrityError, match=r"columns of the features list are not in it: \['petalwidth'\]") as caught:
        check_table(table, d.description, d.features, d.qualities, d.url, null_counts(table))
    _names_dataset_and_url(caught.value, d)


def test_missing_columns_lists_what_a_file_of_known_columns_lacks(mirror_dir):
    d = Dataset(mirror_dir, TITANIC)
    names = _arrow(d.body).schema_arrow.names
    assert missing_columns(names, d.features) == []
    assert missing_columns([n for n in names if n not in ("cabin", "pclass")], d.features) == ["pclass", "cabin"]
    assert missing_columns(list(reversed(names[1:])), d.features) == [names[0]]  # order: the features'


def test_missing_columns_is_empty_when_the_file_is_another_or_empty(mirror_dir):
    d = Dataset(mirror_dir, TITANIC)
    names = _arrow(d.body).schema_arrow.names
    iris_names = _arrow(Dataset(mirror_dir, IRIS).body).schema_arrow.names
    assert missing_columns(iris_names, d.features) == []  # another dataset's file
    assert missing_columns(names[1:] + ["Name"], d.features) == []  # a renamed column
    assert missing_columns([], d.features) == []


def test_missing_columns_of_some_features_knows_the_others(mirror_dir):
    """``features``: those a load checks (a columns= selection); ``all_features``: the
    whole list, whose other names are no sign of another file."""
    d = Dataset(mirror_dir, TITANIC)
    names = _arrow(d.body).schema_arrow.names
    checked = [d.feature("age"), d.feature("fare")]
    without_fare = [n for n in names if n != "fare"]
    assert missing_columns(without_fare, checked) == []  # unknown names: another file
    assert missing_columns(without_fare, checked, d.features) == ["fare"]
    assert missing_columns(["age", "fare"], checked) == []


# == check_table ==============================================================================

def _check_table(d: Dataset, table, qualities=None):
    check_table(table, d.description, d.features, d.qualities if qualities is None else qualities,
                d.url, null_counts(table))


def test_fewer_rows_than_the_qualities_say_is_damage(mirror_dir, tmp_path):
    d = Dataset(mirror_dir, IRIS)
    body = _variant(d, tmp_path, lambda frame: frame.iloc[:-1])
    rows = _arrow(body).metadata.num_rows
    declared = int(float(d.qualities["NumberOfInstances"]))
    assert (rows, declared) == (149, 150)
    with pytest.raises(DataIntegrityError, match=f"{rows} rows where OpenML's qualities say {declared}") as caught:
        _check_table(d, _read(body))
    _names_dataset_and_url(caught.value, d)


@pytest.mark.parametrize("qualities", [{}, {"NumberOfInstances": None}, {"NumberOfInstances": "n/a"}],
                         ids=["no-qualities", "null", "not-a-number"])
def test_rows_are_checked_only_against_a_number(mirror_dir, tmp_path, qualities):
    d = Dataset(mirror_dir, IRIS)
    table = _read(_variant(d, tmp_path, lambda frame: frame.iloc[:-1]))
    _check_table(d, table, qualities)
    with pytest.raises(DataIntegrityError):
        _check_table(d, table, {**qualities, "NumberOfInstances": d.qualities["NumberOfInstances"]})


def test_a_missing_value_the_features_list_does_not_count_is_damage(mirror_dir, tmp_path):
    d = Dataset(mirror_dir, IRIS)

    def one_missing(frame):
        frame.loc[3, "sepalwidth"] = np.nan
        return frame

    body = _variant(d, tmp_path, one_missing)
    found = _arrow(body).read().column("sepalwidth").null_count
    declared = d.feature("sepalwidth").n_missing
    assert (found, declared) == (1, 0)
    with pytest.raises(DataIntegrityError, match=f"column 'sepalwidth' has {found} missing values where "
                                                 f"OpenML's features list says {declared}") as caught:
        _check_table(d, _read(body))
    _names_dataset_and_url(caught.value, d)


def test_dictionary_codes_past_the_dictionary_are_damage(mirror_dir):
    """What a decoder that trusts a flipped index bit would give."""
    d = Dataset(mirror_dir, TITANIC)
    table = _read(d.body)
    embarked = table["embarked"]
    levels = len(_arrow(d.body).read().column("embarked").combine_chunks().dictionary)
    codes = embarked.codes.copy()
    codes[5] = levels
    _check_table(d, table)
    with pytest.raises(DataIntegrityError, match="column 'embarked' points past its dictionary"):
        _check_table(d, {**table, "embarked": DictColumn(codes=codes, values=embarked.values)})


def test_columns_of_different_lengths_are_damage(mirror_dir):
    d = Dataset(mirror_dir, TITANIC)
    table = _read(d.body)
    rows = _arrow(d.body).metadata.num_rows
    with pytest.raises(DataIntegrityError, match=rf"columns of different lengths \[{rows - 1}, {rows}\]"):
        _check_table(d, {**table, "age": table["age"][:-1]})


def test_a_table_lacking_a_features_column_is_a_missing_column_error(mirror_dir):
    d = Dataset(mirror_dir, TITANIC)
    table = _read(d.body)
    del table["boat"]
    with pytest.raises(MissingColumnError, match="lacks the column 'boat'"):
        _check_table(d, table)


# == check_statistics =========================================================================

def _check_statistics(d: Dataset, table, body=None):
    check_statistics(table, d.body if body is None else body, d.description, d.url, null_counts(table))


def test_a_flipped_bit_in_a_value_is_caught_by_the_footers_range(mirror_dir):
    """A bit of a double's exponent flipped in glass2's dictionary page (snappy keeps the
    value's 8 bytes as a literal): the file still decodes, with the same rows and the same
    missing values, so only the footer's min / max can tell."""
    d = Dataset(mirror_dir, GLASS2)
    meta = _arrow(d.body).metadata
    column = "Refractive_Index"
    chunk = meta.row_group(0).column(meta.schema.names.index(column))
    start, end = chunk.dictionary_page_offset, chunk.data_page_offset  # the dictionary page
    values = sorted(set(_arrow(d.body).read().column(column).to_pylist()))
    value = next(v for v in values if d.body[start:end].count(struct.pack("<d", v)) == 1)
    at = d.body.index(struct.pack("<d", value), start) + 7  # the byte of sign and exponent
    bad = d.body[:at] + bytes([d.body[at] ^ 0x20]) + d.body[at + 1:]
    decoded = _arrow(bad).read().column(column).to_pylist()
    assert value not in decoded and len(decoded) == meta.num_rows
    stats = _statistics(d.body, column)
    assert min(decoded) < stats.min  # 1.5 with that bit flipped is ~1e-154
    table = _read(bad)
    _check_table(d, table)  # rows and missing values are right
    with pytest.raises(DataIntegrityError, match=f"column {column!r} decodes to values from .* where its "
                                                 f"footer says {stats.min!r} to {stats.max!r}") as caught:
        _check_statistics(d, table, bad)
    _names_dataset_and_url(caught.value, d)


def test_a_number_outside_the_footers_range_is_damage(mirror_dir):
    d = Dataset(mirror_dir, TITANIC)
    table = _read(d.body)
    stats = _statistics(d.body, "pclass")
    pclass = table["pclass"].copy()
    pclass[0] = stats.max + 1
    with pytest.raises(DataIntegrityError, match=f"column 'pclass' decodes to values from .* to "
                                                 f".*{stats.max + 1}.* where its footer says {stats.min} to {stats.max}"):
        _check_statistics(d, {**table, "pclass": pclass})


def test_a_missing_value_the_footer_does_not_count_is_damage(mirror_dir):
    d = Dataset(mirror_dir, IRIS)
    table = _read(d.body)
    stored = _statistics(d.body, "petallength").null_count
    petallength = table["petallength"].copy()
    petallength[10] = np.nan
    with pytest.raises(DataIntegrityError, match=f"column 'petallength' decodes to {stored + 1} missing "
                                                 f"values where its footer says {stored}"):
        _check_statistics(d, {**table, "petallength": petallength})


def test_a_nominal_value_outside_the_footers_range_is_damage(mirror_dir):
    """anneal's 'steel' declares 8 levels and uses 2, 'A' and 'R' (the footer's range);
    a code pointing at the unused level 'U' lies outside it."""
    d = Dataset(mirror_dir, ANNEAL)
    table = _read(d.body)
    stats = _statistics(d.body, "steel")
    steel = table["steel"]
    dictionary = _arrow(d.body).read().column("steel").combine_chunks().dictionary.to_pylist()
    assert steel.values == dictionary and "U" in dictionary and (stats.min, stats.max) == ("A", "R")
    codes = steel.codes.copy()
    codes[0] = dictionary.index("U")
    _check_statistics(d, table)  # unused levels alone are fine
    with pytest.raises(DataIntegrityError, match="column 'steel' decodes to values from 'A' to 'U' "
                                                 "where its footer says 'A' to 'R'"):
        _check_statistics(d, {**table, "steel": DictColumn(codes=codes, values=steel.values)})


def test_plain_strings_are_checked_against_the_footers_range(mirror_dir):
    """Object arrays of str with None (the polars engine's form), made from pyarrow's values."""
    d = Dataset(mirror_dir, TITANIC)
    arrow = _arrow(d.body).read()
    table = _read(d.body)
    for name in ("name", "ticket", "cabin", "boat", "home.dest"):
        table[name] = np.array(arrow.column(name).to_pylist(), dtype=object)
    _check_statistics(d, table)
    stats = _statistics(d.body, "cabin")
    cabin = table["cabin"].copy()
    cabin[0] = stats.max + "Z"
    with pytest.raises(DataIntegrityError, match=f"column 'cabin' decodes to values from {stats.min!r} "
                                                 f"to {stats.max + 'Z'!r} where its footer says"):
        _check_statistics(d, {**table, "cabin": cabin})


def test_plain_strings_with_nan_for_missing_are_checked_like_none(mirror_dir):
    d = Dataset(mirror_dir, TITANIC)
    arrow = _arrow(d.body).read()
    table = _read(d.body)
    table["cabin"] = np.array([float("nan") if v is None else v for v in arrow.column("cabin").to_pylist()],
                              dtype=object)
    _check_statistics(d, table)


def test_columns_the_table_does_not_hold_are_not_checked(mirror_dir):
    """A columns= selection: the footer's other columns are left alone."""
    d = Dataset(mirror_dir, TITANIC)
    table = _read(d.body)
    stats = _statistics(d.body, "age")
    _check_statistics(d, {"age": table["age"]})
    assert stats.has_min_max
    with pytest.raises(DataIntegrityError, match="column 'age'"):
        _check_statistics(d, {"age": table["age"] * 2})


def test_a_footer_pyarrow_cannot_read_is_damage(mirror_dir):
    d = Dataset(mirror_dir, IRIS)
    size = _arrow(d.body).metadata.serialized_size
    bad = d.body[:-8 - size] + bytes(size) + d.body[-8:]  # the footer zeroed, its length kept
    assert _pyarrow_refuses(bad)
    with pytest.raises(DataIntegrityError, match="is damaged: unreadable footer") as caught:
        _check_statistics(d, _read(d.body), bad)
    _names_dataset_and_url(caught.value, d)


# == damaged ==================================================================================

def test_damaged_names_dataset_url_and_problem_and_says_it_was_not_cached(mirror_dir):
    d = Dataset(mirror_dir, IRIS)
    error = damaged(d.description, d.url, "something is wrong")
    assert isinstance(error, DataIntegrityError) and isinstance(error, ValueError)
    _names_dataset_and_url(error, d)
    assert str(error) == (f"the parquet file of dataset 'iris' (id 61, version 1) from {d.url} is "
                          "damaged: something is wrong. It was not cached.")
