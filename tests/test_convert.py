"""convert.py alone, no server, no parquet: tables built in memory turn into the columns
of sklearn's Bunch (or, with dtypes="openml", the file's own types).

Inputs: scikit-learn's recorded OpenML answers (descriptions and features parsed by
openml.py's ``from_json``), and tables made from the recorded ARFF files with OpenML's
parquet writer rules as team notes/openml.md records them (uint8 for whole 0..255 with
nothing missing, double otherwise, a null column when all missing; nominal as a
dictionary in declaration order without "?", {true, false} as booleans; strings with
None). Expected values: ``sklearn.datasets.fetch_openml(parser="pandas")`` (scikit-learn
1.9.1, pandas 2.3.3) on the same recorded files; sklearn's own ARFF parser on small
ARFF texts; pandas' own rules (codes width, isna); the ARFF's declared levels; and
small hand-reasoned cases.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn.datasets.tests.data.openml as recorded_data
from sklearn.datasets._arff_parser import _pandas_arff_parser
from sklearn.externals import _arff as arff
from support import recorded_features

from openml_lite.convert import (
    DEFAULT_BOOL_LEVELS,
    Cast,
    Integers,
    Nominal,
    bool_levels,
    convert,
    is_missing,
    needs_pandas_for_arrays,
    strings_with_nan,
    to_openml_column,
    to_sklearn_column,
)
from openml_lite.errors import ColumnTypeError, DataIntegrityError
from openml_lite.openml import Description, Feature
from openml_lite.selection import Selection
from openml_lite.table import DictColumn, NullColumn, bool_column

ANNEAL, IRIS, ZOO, ADULT_CENSUS, EMOTIONS, TITANIC, MICE, PENGUINS = (
    2, 61, 62, 1119, 40589, 40945, 40966, 42585)
RECORDED = Path(recorded_data.__file__).parent


# -- recorded inputs --------------------------------------------------------------------------

def _folder(data_id: int) -> Path:
    return next(RECORDED.glob(f"id_*/api-v1-jd-{data_id}.json.gz")).parent


def description(data_id: int) -> Description:
    raw = json.loads(gzip.decompress((_folder(data_id) / f"api-v1-jd-{data_id}.json.gz").read_bytes()))
    return Description.from_json(raw["data_set_description"])


def features(data_id: int) -> list[Feature]:
    return sorted((Feature.from_json(raw) for raw in recorded_features(data_id)), key=lambda f: f.index)


def feature(data_id: int, name: str, **changes) -> Feature:
    """A recorded feature; ``changes``: fields of its JSON replaced (e.g. data_type)."""
    raw = next(raw for raw in recorded_features(data_id) if raw["name"] == name)
    return Feature.from_json({**raw, **changes})


def parsed_arff(data_id: int) -> dict:
    file_id = description(data_id).get("file_id")
    text = gzip.decompress((_folder(data_id) / f"data-v1-dl-{file_id}.arff.gz").read_bytes()).decode("utf-8")
    return arff.loads(text, encode_nominal=False, return_type=arff.DENSE)


def openml_column(values: list, arff_type):
    """One ARFF column as OpenML's parquet holds it, in table.py's form (notes/openml.md)."""
    if isinstance(arff_type, list):  # nominal
        levels = [v for v in arff_type if v is not None]  # a "?" in the declaration: dropped
        if len(levels) == 2 and {v.lower() for v in levels} == {"false", "true"}:
            return bool_column(np.array([-1 if v is None else int(v.lower() == "true") for v in values],
                                        dtype=np.int8))
        position = {v: i for i, v in enumerate(levels)}
        codes = [-1 if v is None else position[v] for v in values]
        return DictColumn(np.array(codes, dtype=np.int8 if len(levels) <= 127 else np.int16), levels)
    if arff_type in ("NUMERIC", "REAL", "INTEGER"):
        present = [v for v in values if v is not None]
        if not present:
            return NullColumn(len(values))
        if len(present) == len(values) and all(float(v).is_integer() and 0 <= v <= 255 for v in values):
            return np.array(values, dtype=np.uint8)
        if arff_type == "INTEGER" and len(present) == len(values):
            return np.array(values, dtype=np.int64)
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return np.array(values, dtype=object)  # STRING: str, None where missing


def openml_table(data_id: int) -> dict:
    parsed = parsed_arff(data_id)
    rows = parsed["data"]
    return {name: openml_column([row[i] for row in rows], kind)
            for i, (name, kind) in enumerate(parsed["attributes"])}


def declared_levels(data_id: int, name: str) -> list:
    """The levels the ARFF declares for ``name``, in order, without "?"."""
    return [v for v in dict(parsed_arff(data_id)["attributes"])[name] if v is not None]


def sklearn_reads(column_arff: str, feature: Feature) -> pd.Series:
    """sklearn's own ARFF parser (parser="pandas") on a one-column ARFF body."""
    text = f"@relation r\n@attribute {feature.name} string\n@data\n{column_arff}\n"
    _, y, _, _ = _pandas_arff_parser(io.BytesIO(text.encode()), "pandas", {feature.name: feature.raw},
                                     [], [feature.name])
    return y


def assert_like_sklearn(got, expected: pd.Series) -> None:
    """``got`` (one converted column) holds what sklearn's column holds, with its dtype."""
    name = expected.name
    if isinstance(expected.dtype, pd.CategoricalDtype):
        assert isinstance(got, Nominal) and not got.ordered, name
        assert got.categories == list(expected.cat.categories), name
        assert got.codes.dtype == expected.cat.codes.dtype, name
        np.testing.assert_array_equal(got.codes, expected.cat.codes.to_numpy(), err_msg=name)
    elif expected.dtype == object or isinstance(expected.dtype, pd.StringDtype):
        # strings (pandas 3's frames hold them as str, built from these): NaN where we have None
        assert isinstance(got, np.ndarray) and got.dtype == object, name
        assert [v is None for v in got] == expected.isna().tolist(), name
        assert [v for v in got if v is not None] == expected.dropna().tolist(), name
    elif isinstance(expected.dtype, pd.Int64Dtype):
        assert isinstance(got, Integers), name
        pd.testing.assert_extension_array_equal(pd.arrays.IntegerArray(got.values, got.missing),
                                                expected.array)
    else:
        values = got.values.astype(got.dtype) if isinstance(got, Cast) else got
        assert isinstance(values, np.ndarray) and values.dtype == expected.dtype, (name, values.dtype)
        np.testing.assert_array_equal(values, expected.to_numpy(), err_msg=name)


# -- convert() against sklearn on recorded data ------------------------------------------------

@pytest.mark.parametrize("data_id", [ANNEAL, IRIS, ZOO, ADULT_CENSUS, EMOTIONS, TITANIC, MICE, PENGUINS])
def test_convert_gives_sklearns_columns_for_a_recorded_dataset(data_id, sklearn_fetch):
    """Column by column equal to sklearn's frame: uint8 and whole doubles beyond 255
    (adult-census' fnlwgt, capital-gain) as int64, NaN doubles as float64, observed
    levels sorted, booleans spelled as declared (zoo, emotions), an all-missing
    nominal (anneal's family) and an all-missing numeric (MiceProtein's BCL2_N), strings
    with None (Titanic)."""
    expected = sklearn_fetch(data_id)
    selection = Selection(list(expected.feature_names), list(expected.target_names))
    got = convert(openml_table(data_id), description(data_id), features(data_id), selection)
    assert got.kept == list(expected.frame.columns)
    assert (got.feature_names, got.target_names) == (selection.feature_names, selection.target_names)
    assert got.rows == len(expected.frame)
    for name in got.kept:
        assert_like_sklearn(got.columns[name], expected.frame[name])


def test_categories_for_arrays_are_sklearns(sklearn_fetch):
    """as_frame=False: sklearn's ``categories``, target included, in file order."""
    expected = sklearn_fetch(PENGUINS, as_frame=False)
    got = convert(openml_table(PENGUINS), description(PENGUINS), features(PENGUINS),
                  Selection(list(expected.feature_names), list(expected.target_names)))
    assert list(got.categories().items()) == list(expected.categories.items())


def test_nominal_from_plain_strings_equals_sklearn(sklearn_fetch):
    """An engine without dictionaries gives a nominal column as plain strings (None
    where missing): Titanic's embarked (2 missing) still becomes sklearn's column."""
    embarked = [row[10] for row in parsed_arff(TITANIC)["data"]]
    assert embarked.count(None) == 2
    got = to_sklearn_column(np.array(embarked, dtype=object), feature(TITANIC, "embarked"), description(TITANIC))
    assert_like_sklearn(got, sklearn_fetch(TITANIC).frame["embarked"])


def test_convert_keeps_file_order_and_the_selections_names():
    """``kept`` follows the file, ``feature_names`` the order asked for (columns=)."""
    selection = Selection(["fare", "sex", "pclass"], ["survived"])
    got = convert(openml_table(TITANIC), description(TITANIC), features(TITANIC), selection)
    assert got.kept == ["pclass", "survived", "sex", "fare"]
    assert got.feature_names == ["fare", "sex", "pclass"]


def test_a_column_the_features_list_declares_but_the_table_lacks_is_an_integrity_error():
    table = openml_table(IRIS)
    del table["petalwidth"]
    selection = Selection(["sepallength", "sepalwidth", "petallength", "petalwidth"], ["class"])
    with pytest.raises(DataIntegrityError, match=r"lacks the columns \['petalwidth'\]"):
        convert(table, description(IRIS), features(IRIS), selection)


# -- nominal levels -----------------------------------------------------------------------------

def test_levels_sort_as_the_arff_text_with_single_quotes_kept():
    """A value with a space is single-quoted in ARFF text, and sklearn sorts the quoted
    token: "'a c'" < "Zed" < "b" (a plain sort would put "Zed" first)."""
    embarked = feature(TITANIC, "embarked")
    expected = sklearn_reads("Zed\n'a c'\nb\nZed", embarked)
    assert list(expected.cat.categories) == ["a c", "Zed", "b"]
    got = to_sklearn_column(DictColumn(np.array([0, 1, 2, 0], dtype=np.int8), ["Zed", "a c", "b"]),
                            embarked, description(TITANIC))
    assert_like_sklearn(got, expected)


def test_unused_declared_levels_are_dropped_and_codes_remapped():
    """adult-census declares 8 workclass levels; its 10 recorded rows use 3 (one missing)."""
    values = [row[2] for row in parsed_arff(ADULT_CENSUS)["data"]]
    levels = declared_levels(ADULT_CENSUS, "workclass")
    column = openml_column(values, levels)
    got = to_sklearn_column(column, feature(ADULT_CENSUS, "workclass"), description(ADULT_CENSUS))
    observed = sorted({v for v in values if v is not None})
    assert len(levels) == 8 and len(observed) < 8
    assert got.categories == observed
    assert [None if c < 0 else got.categories[c] for c in got.codes] == values


@pytest.mark.parametrize("levels", [126, 127, 128])
def test_codes_are_as_wide_as_pandas_makes_them(levels):
    """pandas' Categorical keeps codes in int8 below 127 categories, int16 from there."""
    values = [f"v{i:03d}" for i in range(levels)]
    got = to_sklearn_column(DictColumn(np.arange(levels, dtype=np.int16), values),
                            feature(MICE, "MouseID"), description(MICE))
    assert got.codes.dtype == pd.Categorical(values).codes.dtype
    assert got.categories == values


def test_nominal_with_non_string_levels_is_a_column_type_error():
    for column in (DictColumn(np.array([0, 1], dtype=np.int8), [1, 2]), np.array(["a", 1], dtype=object)):
        with pytest.raises(ColumnTypeError, match="non-strings"):
            to_sklearn_column(column, feature(IRIS, "class"), description(IRIS))


# -- numbers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("arff_text,stored,dtype", [
    ("-1\n3\n7", np.array([-1.0, 3.0, 7.0]), "int64"),  # negative: OpenML writes double
    ("77516\n0\n14084", np.array([77516.0, 0.0, 14084.0]), "int64"),  # beyond 255
    ("3\n250\n7", np.array([3, 250, 7], dtype=np.uint8), "int64"),  # OpenML's uint8
    ("1.5\n300\n2", np.array([1.5, 300.0, 2.0]), "float64"),  # a fraction
    ("300\n?\n2", np.array([300.0, np.nan, 2.0]), "float64"),  # a missing value
])
def test_numeric_columns_get_the_dtype_sklearns_parser_infers(arff_text, stored, dtype):
    fnlwgt = feature(ADULT_CENSUS, "fnlwgt:")
    expected = sklearn_reads(arff_text, fnlwgt)
    assert str(expected.dtype) == dtype
    assert_like_sklearn(to_sklearn_column(stored, fnlwgt, description(ADULT_CENSUS)), expected)


def test_whole_doubles_within_0_to_255_stay_float64():
    """OpenML writes whole 0..255 columns with nothing missing as uint8, so a double one
    had missing values in the file (read_csv: float64)."""
    got = to_sklearn_column(np.array([0.0, 255.0, 3.0]), feature(ADULT_CENSUS, "age"), description(ADULT_CENSUS))
    assert got.dtype == np.float64


def test_file_range_decides_whole_numbers_of_a_partial_read():
    """nrows=: the rows read lie in 0..255, but the whole file's range goes beyond."""
    rows = np.array([10.0, 20.0])
    age = feature(ADULT_CENSUS, "age")
    beyond = to_sklearn_column(rows, age, description(ADULT_CENSUS), file_range=(10.0, 300.0))
    within = to_sklearn_column(rows, age, description(ADULT_CENSUS), file_range=(10.0, 200.0))
    assert isinstance(beyond, Cast) and beyond.dtype == np.int64
    assert within.dtype == np.float64


def test_integer_features_are_pandas_nullable_int64():
    """OpenML "integer" features (none recorded: adult-census' age, retyped): sklearn asks
    read_csv for Int64. OpenML writes one with missing values as double."""
    age = feature(ADULT_CENSUS, "age", data_type="integer")
    expected = sklearn_reads("3\n?\n250", age)
    assert str(expected.dtype) == "Int64"
    assert_like_sklearn(to_sklearn_column(np.array([3.0, np.nan, 250.0]), age, description(ADULT_CENSUS)),
                        expected)
    with pytest.raises(ColumnTypeError, match="fractions"):
        to_sklearn_column(np.array([3.5, np.nan]), age, description(ADULT_CENSUS))


def test_needs_pandas_for_arrays_only_for_a_selected_integer_feature():
    listed = [feature(ADULT_CENSUS, "age", data_type="integer"), feature(ADULT_CENSUS, "fnlwgt:")]
    assert needs_pandas_for_arrays(listed, Selection(["age"], []), "sklearn")
    assert needs_pandas_for_arrays(listed, Selection([], ["age"]), "sklearn")
    assert not needs_pandas_for_arrays(listed, Selection(["fnlwgt:"], []), "sklearn")
    assert not needs_pandas_for_arrays(listed, Selection(["age"], []), "openml")
    assert not needs_pandas_for_arrays(features(ADULT_CENSUS), Selection(["age"], []), "sklearn")


# -- all-missing columns --------------------------------------------------------------------

@pytest.mark.parametrize("data_id,name,data_type", [
    (ADULT_CENSUS, "age", "numeric"), (ADULT_CENSUS, "age", "integer"),
    (TITANIC, "embarked", "nominal"), (TITANIC, "name", "string"),
])
def test_a_null_column_is_what_sklearns_parser_makes_of_question_marks(data_id, name, data_type):
    """An Arrow null-type column: sklearn reads "?" in every row as float64 NaN
    (strings too), Int64 <NA>, or a categorical without categories."""
    declared = feature(data_id, name, data_type=data_type)
    expected = sklearn_reads("?\n?\n?", declared)
    assert_like_sklearn(to_sklearn_column(NullColumn(3), declared, description(data_id)), expected)


# -- strings ------------------------------------------------------------------------------------

def test_strings_have_none_where_missing_from_any_form():
    home = feature(TITANIC, "home.dest")
    titanic = description(TITANIC)
    plain = to_sklearn_column(np.array(["St Louis, MO", None, np.nan], dtype=object), home, titanic)
    coded = to_sklearn_column(DictColumn(np.array([1, -1, 0], dtype=np.int8), ["b", "St Louis, MO"]), home, titanic)
    assert plain.tolist() == ["St Louis, MO", None, None]
    assert coded.tolist() == ["St Louis, MO", None, "b"]


def test_strings_with_nan_puts_nan_for_none_in_a_copy():
    column = np.array(["a", None, "nan"], dtype=object)
    out = strings_with_nan(column)
    assert out[0] == "a" and out[2] == "nan" and isinstance(out[1], float) and np.isnan(out[1])
    assert column[1] is None  # the original is untouched


def test_is_missing_finds_what_pandas_isna_finds():
    values = np.array([None, np.nan, "nan", "", "a", float("nan"), np.float64("nan"), 0], dtype=object)
    assert is_missing(values).tolist() == pd.isna(values).tolist()


# -- stored types that do not fit the declared type -----------------------------------------

@pytest.mark.parametrize("data_id,name,column,stored", [
    (IRIS, "sepallength", DictColumn(np.array([0], dtype=np.int8), ["5.1"]), "text"),
    (IRIS, "sepallength", bool_column(np.array([0, 1], dtype=np.int8)), "booleans"),
    (IRIS, "sepallength", np.array(["5.1"], dtype=object), "text"),
    (IRIS, "class", np.array([1.0, 2.0]), "float64"),
    (TITANIC, "name", np.array([1.0, 2.0]), "float64"),
    (TITANIC, "name", bool_column(np.array([0, 1], dtype=np.int8)), "booleans"),
])
def test_a_column_stored_as_another_type_is_a_column_type_error(data_id, name, column, stored):
    with pytest.raises(ColumnTypeError, match=f"stores it as {stored}") as raised:
        to_sklearn_column(column, feature(data_id, name), description(data_id))
    assert isinstance(raised.value, ValueError) and repr(name) in str(raised.value)


# -- booleans ----------------------------------------------------------------------------------

@pytest.mark.parametrize("data_id,name", [(ZOO, "hair"), (EMOTIONS, "amazed.suprised"),
                                          (MICE, "Genotype"), (TITANIC, "survived")])
def test_bool_levels_follow_the_arff_declaration_when_it_is_false_true(data_id, name):
    """zoo declares {false,true}, emotions {FALSE, TRUE} (its features list: a JSON string
    "nominal_values"); MiceProtein's Genotype {Control,Ts65Dn} is no boolean, and
    Titanic's features list has no levels: both get the default spelling."""
    declared = declared_levels(data_id, name)
    if {v.lower() for v in declared} == {"false", "true"}:
        spelled = {v.lower(): v for v in declared}
        expected = (spelled["false"], spelled["true"])
    else:
        expected = ("false", "true")
    assert DEFAULT_BOOL_LEVELS == ("false", "true")
    assert bool_levels(feature(data_id, name)) == expected


# -- dtypes="openml" ---------------------------------------------------------------------------

def test_openml_types_keep_the_dictionary_as_declared_and_ordered():
    values = [row[2] for row in parsed_arff(ADULT_CENSUS)["data"]]
    levels = declared_levels(ADULT_CENSUS, "workclass")
    column = openml_column(values, levels)
    got = to_openml_column(column, feature(ADULT_CENSUS, "workclass"), description(ADULT_CENSUS))
    assert got.ordered and got.categories == levels
    np.testing.assert_array_equal(got.codes, column.codes)


def test_openml_types_of_plain_strings_use_the_declared_levels():
    values = [row[2] for row in parsed_arff(ADULT_CENSUS)["data"]]
    levels = declared_levels(ADULT_CENSUS, "workclass")
    got = to_openml_column(np.array(values, dtype=object), feature(ADULT_CENSUS, "workclass"),
                           description(ADULT_CENSUS))
    assert got.ordered and got.categories == levels
    assert [None if c < 0 else levels[c] for c in got.codes] == values


def test_openml_types_of_plain_strings_leave_out_a_declared_question_mark():
    """The levels do not depend on the engine: a declared "?" is in no file's dictionary."""
    values = [row[6] for row in parsed_arff(PENGUINS)["data"]]
    levels = declared_levels(PENGUINS, "sex")
    assert levels == ["FEMALE", "MALE", "_"]  # the ARFF: {?,FEMALE,MALE,_}
    from_plain = to_openml_column(np.array(values, dtype=object), feature(PENGUINS, "sex"), description(PENGUINS))
    from_dictionary = to_openml_column(openml_column(values, levels), feature(PENGUINS, "sex"), description(PENGUINS))
    assert from_dictionary.categories == levels
    assert from_plain.categories == levels


def test_openml_types_of_booleans_are_the_declared_levels_in_declared_order():
    codes = np.array([1, 0, -1, 1], dtype=np.int8)
    got = to_openml_column(bool_column(codes), feature(EMOTIONS, "amazed.suprised"), description(EMOTIONS))
    assert got.ordered and got.categories == declared_levels(EMOTIONS, "amazed.suprised") == ["FALSE", "TRUE"]
    assert [None if c < 0 else got.categories[c] for c in got.codes] == ["TRUE", "FALSE", None, "TRUE"]


def test_openml_types_keep_numbers_in_their_width_and_nulls_as_nan():
    pixels = np.array([0, 7, 255], dtype=np.uint8)
    age = feature(ADULT_CENSUS, "age")
    assert to_openml_column(pixels, age, description(ADULT_CENSUS)) is pixels
    null = to_openml_column(NullColumn(2), age, description(ADULT_CENSUS))
    assert null.dtype == np.float64 and np.isnan(null).all()
    species = to_openml_column(NullColumn(2), feature(PENGUINS, "species"), description(PENGUINS))
    assert species.ordered and species.categories == declared_levels(PENGUINS, "species")
    assert (species.codes == -1).all()


def test_convert_with_openml_dtypes_keeps_uint8_and_ordered_levels():
    selection = Selection(["pclass", "sex"], ["survived"])
    got = convert(openml_table(TITANIC), description(TITANIC), features(TITANIC), selection, dtypes="openml")
    assert got.columns["pclass"].dtype == np.uint8
    assert got.columns["sex"].ordered and got.columns["sex"].categories == declared_levels(TITANIC, "sex")
    assert got.columns["survived"].categories == ["0", "1"]
