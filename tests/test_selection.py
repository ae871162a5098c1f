"""selection.py alone, no server: which columns become data and which target, and the
errors sklearn raises before any data is read.

Descriptions and features are scikit-learn's recorded OpenML answers, parsed with
openml.py's own ``Description.from_json`` / ``Feature.from_json`` (sorted by index, as
``OpenMLClient`` sorts them). Expected names, exception types, messages and warnings
come from ``sklearn.datasets.fetch_openml`` (scikit-learn 1.9.1, parser="pandas") on the
same recorded files, served through scikit-learn's own test helper; ``columns=``, which
sklearn lacks, is checked against small hand-reasoned cases.
"""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import pytest
import sklearn.datasets.tests.data.openml as recorded_data
from sklearn.datasets import _openml
from support import recorded_features

from openml_lite.errors import ColumnNotFoundError, TargetColumnError
from openml_lite.openml import Description, Feature
from openml_lite.selection import Selection, keep_only, select_columns

ANNEAL, IRIS, ZOO, ADULT_CENSUS, EMOTIONS, TITANIC, MICE, WINE, PENGUINS = (
    2, 61, 62, 1119, 40589, 40945, 40966, 42074, 42585)
RECORDED = Path(recorded_data.__file__).parent


def recorded(data_id: int) -> tuple[Description, list[Feature]]:
    """The recorded description and features, as openml.py parses and orders them."""
    path = next(RECORDED.glob(f"id_*/api-v1-jd-{data_id}.json.gz"))
    description = Description.from_json(json.loads(gzip.decompress(path.read_bytes()))["data_set_description"])
    features = sorted((Feature.from_json(raw) for raw in recorded_features(data_id)), key=lambda f: f.index)
    return description, features


def select(data_id, target_column="default-target", *, as_frame=True, columns=None):
    description, features = recorded(data_id)
    return select_columns(description, features, target_column, as_frame=as_frame, columns=columns)


# -- the names sklearn gives ---------------------------------------------------------------

@pytest.mark.parametrize("data_id", [ANNEAL, IRIS, ZOO, ADULT_CENSUS, EMOTIONS, TITANIC, MICE, WINE, PENGUINS])
def test_default_target_gives_sklearns_feature_and_target_names(data_id, sklearn_fetch):
    """One target (iris), six (emotions), none (wine_reviews); ignored and row-id
    columns (zoo, adult-census, MiceProtein) left out of the data."""
    expected = sklearn_fetch(data_id)
    got = select(data_id)
    assert got == Selection(feature_names=list(expected.feature_names), target_names=list(expected.target_names))


def test_row_id_and_ignored_columns_are_the_descriptions_own():
    """MiceProtein's description names MouseID the row id and three ignored columns (a
    list); zoo's one ignored column comes as a bare string: none of them is data."""
    for data_id in (MICE, ZOO, ADULT_CENSUS):
        description, features = recorded(data_id)
        ignored = description.get("ignore_attribute") or []
        ignored = [ignored] if isinstance(ignored, str) else ignored
        left_out = set(ignored) | ({description.get("row_id_attribute")} - {None})
        got = select(data_id)
        assert left_out and not left_out & set(got.feature_names), data_id
        assert set(got.feature_names) | set(got.target_names) | left_out == {f.name for f in features}


def test_target_none_makes_every_usable_column_data(sklearn_fetch):
    expected = sklearn_fetch(MICE, target_column=None)
    got = select(MICE, None)
    assert got.target_names == [] and got.feature_names == list(expected.feature_names)
    assert "class" in got.feature_names  # the default target is data now


def test_target_given_by_name_leaves_the_default_target_in_the_data(sklearn_fetch):
    expected = sklearn_fetch(IRIS, target_column="petalwidth")
    got = select(IRIS, "petalwidth")
    assert got.target_names == ["petalwidth"] == list(expected.target_names)
    assert got.feature_names == list(expected.feature_names)
    assert "class" in got.feature_names


def test_target_list_keeps_the_order_given(sklearn_fetch):
    targets = ["sad.lonely", "amazed.suprised"]  # file order: amazed.suprised first
    expected = sklearn_fetch(EMOTIONS, target_column=targets)
    got = select(EMOTIONS, targets)
    assert got.target_names == targets == list(expected.target_names)
    assert got.feature_names == list(expected.feature_names)


def test_target_tuple_is_taken_like_a_list():
    assert select(EMOTIONS, ("happy.pleased", "quiet.still")) == select(EMOTIONS, ["happy.pleased", "quiet.still"])


# -- errors and warnings, as sklearn's ---------------------------------------------------

def test_unknown_target_raises_sklearns_keyerror(sklearn_fetch):
    with pytest.raises(KeyError, match="Could not find target_column='no such column'"):
        sklearn_fetch(IRIS, target_column="no such column")
    with pytest.raises(TargetColumnError, match="Could not find target_column='no such column'") as raised:
        select(IRIS, "no such column")
    assert isinstance(raised.value, KeyError)
    assert "'iris' (id 61, version 1)" in str(raised.value)


@pytest.mark.parametrize("target,flag", [("Genotype", "is_ignore"), ("MouseID", "is_row_identifier")])
def test_ignored_or_row_id_target_warns_as_sklearn_does(target, flag, sklearn_fetch):
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        expected = sklearn_fetch(MICE, target_column=target)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        got = select(MICE, target)
    theirs = [str(w.message) for w in theirs if flag in str(w.message)]
    assert theirs == [f"target_column='{target}' has flag {flag}."]
    assert [str(w.message) for w in ours] == theirs
    assert got.target_names == [target] and got.feature_names == list(expected.feature_names)


def test_numeric_and_nominal_targets_together_raise_valueerror(sklearn_fetch):
    with pytest.raises(ValueError, match="Can only handle homogeneous multi-target datasets"):
        sklearn_fetch(IRIS, target_column=["class", "sepallength"])
    with pytest.raises(ValueError, match="Can only handle homogeneous multi-target datasets"):
        select(IRIS, ["class", "sepallength"])


@pytest.mark.parametrize("data_id,target", [(TITANIC, "age"), (PENGUINS, "sex")])
def test_target_with_missing_values_raises_valueerror(data_id, target, sklearn_fetch):
    """The count comes from the features list (Titanic's age: 263, penguins' sex: 10)."""
    with pytest.raises(ValueError) as theirs:
        sklearn_fetch(data_id, target_column=target)
    with pytest.raises(ValueError) as ours:
        select(data_id, target)
    # sklearn's message, with the dataset named after it
    assert str(ours.value).startswith(str(theirs.value).rstrip("."))


def test_string_features_refuse_arrays_but_not_frames(sklearn_fetch):
    """Titanic has five string columns (name, ticket, cabin, boat, home.dest)."""
    with pytest.raises(ValueError, match="STRING attributes are not supported for array representation"):
        sklearn_fetch(TITANIC, as_frame=False)
    with pytest.raises(ValueError, match="STRING attributes are not supported for array representation"):
        select(TITANIC, as_frame=False)
    assert {"name", "home.dest"} <= set(select(TITANIC, as_frame=True).feature_names)


def test_string_features_are_refused_before_the_target_is_looked_up(sklearn_fetch):
    """sklearn checks the string columns first: an unknown target with as_frame=False
    on Titanic is the ValueError about strings, not the KeyError."""
    with pytest.raises(ValueError) as theirs:
        sklearn_fetch(TITANIC, as_frame=False, target_column="no such column")
    with pytest.raises(ValueError) as ours:
        select(TITANIC, "no such column", as_frame=False)
    assert not isinstance(theirs.value, KeyError) and not isinstance(ours.value, KeyError)
    assert "STRING attributes" in str(theirs.value) and "STRING attributes" in str(ours.value)


def test_ignored_string_columns_do_not_refuse_arrays(monkeypatch, sklearn_fetch):
    """Titanic's features list with its string columns flagged is_ignore (the recorded
    JSON, edited): sklearn then loads arrays, and so does the selection."""
    edited = recorded_features(TITANIC)
    for raw in edited:
        if raw["data_type"] == "string":
            raw["is_ignore"] = "true"
    monkeypatch.setattr(_openml, "_get_data_features", lambda *args, **kwargs: edited)
    expected = sklearn_fetch(TITANIC, as_frame=False)
    description, _ = recorded(TITANIC)
    features = sorted(map(Feature.from_json, edited), key=lambda f: f.index)
    got = select_columns(description, features, "default-target", as_frame=False)
    assert got.feature_names == list(expected.feature_names)
    assert "name" not in got.feature_names


# -- columns= (keep_only) ------------------------------------------------------------------

def test_columns_keeps_the_columns_asked_for_in_that_order():
    got = select(TITANIC, columns=["fare", "pclass", "sex"])
    assert got == Selection(feature_names=["fare", "pclass", "sex"], target_names=["survived"])


def test_columns_with_arrays_checks_only_the_columns_asked_for():
    """Titanic has string columns, but arrays of its numbers alone are fine; asking
    for a string column with as_frame=False is still refused."""
    assert select(TITANIC, as_frame=False, columns=["pclass", "age"]).feature_names == ["pclass", "age"]
    with pytest.raises(ValueError, match="STRING attributes.*'name'"):
        select(TITANIC, as_frame=False, columns=["pclass", "name"])


def test_columns_naming_the_target_raises_and_says_it_is_the_target():
    with pytest.raises(ColumnNotFoundError, match=r"\['survived'\] is the target") as raised:
        select(TITANIC, columns=["age", "survived"])
    assert isinstance(raised.value, KeyError)


@pytest.mark.parametrize("column", ["Genotype", "MouseID", "no such column"])
def test_columns_naming_an_ignored_row_id_or_unknown_column_raises(column):
    with pytest.raises(ColumnNotFoundError, match=f"columns \\['{column}'\\] are not data columns"):
        select(MICE, columns=["DYRK1A_N", column])


def test_columns_asked_for_twice_raise_valueerror():
    with pytest.raises(ValueError, match=r"columns lists \['age'\] more than once"):
        select(TITANIC, columns=["age", "fare", "age"])


def test_keep_only_keeps_the_targets_and_lists_the_data_columns_in_errors():
    description, _ = recorded(IRIS)
    selection = select(IRIS)
    assert keep_only(selection, ["petalwidth", "sepallength"], description) == Selection(
        ["petalwidth", "sepallength"], ["class"])
    with pytest.raises(ColumnNotFoundError) as raised:
        keep_only(selection, ["petal"], description)
    for name in selection.feature_names:  # four: every one is named
        assert repr(name) in str(raised.value)
