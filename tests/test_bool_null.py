"""BOOLEAN and null-type parquet columns in shapes the recorded datasets lack (and OpenML
"integer" features, which none of them has).

scikit-learn's recorded fixtures hold {true, false} nominals without missing values
(zoo, emotions) and one null-type column, a numeric one (MiceProtein, 7 rows served).
Here recorded datasets are changed in their ARFF only (a few values made "?", the md5
in the description updated); the mirror then writes their parquet as OpenML's converter
does (tests/test_mirror_recipe.py proves that writer equal to OpenML's), and every
engine must return what sklearn.datasets.fetch_openml returns from the changed ARFF,
with no ARFF request.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
arff = pytest.importorskip("sklearn.externals._arff")

import openml_lite  # noqa: E402
from compare import assert_same  # noqa: E402
from openml_lite.convert import DEFAULT_BOOL_LEVELS  # noqa: E402
from openml_lite.convert import to_sklearn_column as _converted_column  # noqa: E402
from openml_lite.outputs.to_pandas import pandas_column  # noqa: E402


def to_sklearn_column(column, feature, description):
    """The column as the pandas Bunch holds it."""
    return pandas_column(_converted_column(column, feature, description))
from openml_lite.mirror import MirrorServer, build_mirror, parquet_path_for  # noqa: E402
from openml_lite.mirror.build import default_fixtures_dir  # noqa: E402
from openml_lite.openml import Description, Feature  # noqa: E402
from openml_lite.table import DictColumn, NullColumn  # noqa: E402
from support import MirrorLog, point_sklearn_at  # noqa: E402

ENGINES = ["pyarrow", "polars", "fastparquet"]
ZOO, TITANIC = 62, 40945


def _copy_recorded(folder, data_id, edit_rows, edit_features=None):
    """Copy the recorded fixture folder of ``data_id`` into ``folder``, with
    ``edit_rows(attributes, rows)`` applied to its ARFF (and the description's md5
    following it) and ``edit_features(features)`` to its features JSON."""
    source = next(default_fixtures_dir().glob(f"id_*/api-v1-jd-{data_id}.json.gz")).parent
    target = folder / source.name
    shutil.copytree(source, target)
    desc_path = target / f"api-v1-jd-{data_id}.json.gz"
    doc = json.loads(gzip.decompress(desc_path.read_bytes()))
    arff_path = target / f"data-v1-dl-{doc['data_set_description']['file_id']}.arff.gz"
    parsed = arff.loads(gzip.decompress(arff_path.read_bytes()).decode("utf-8"),
                        encode_nominal=False, return_type=arff.DENSE)
    edit_rows(parsed["attributes"], parsed["data"])
    # liac-arff writes every number as a float ("2.0"), and sklearn types a column of
    # "2.0" float64 where it typed "2" int64: whole numbers go back to how zoo's and
    # Titanic's ARFF files write them
    for row in parsed["data"]:
        for i, value in enumerate(row):
            if isinstance(value, float) and value.is_integer():
                row[i] = int(value)
    text = arff.dumps(parsed).encode("utf-8")
    arff_path.write_bytes(gzip.compress(text))
    doc["data_set_description"]["md5_checksum"] = hashlib.md5(text).hexdigest()
    desc_path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    if edit_features is not None:
        features_path = target / f"api-v1-jdf-{data_id}.json.gz"
        features = json.loads(gzip.decompress(features_path.read_bytes()))
        edit_features(features["data_features"]["feature"])
        features_path.write_bytes(gzip.compress(json.dumps(features).encode()))


def _set(name, values_by_row):
    """An edit that sets column ``name`` to ``values_by_row(row_number, old)``."""

    def edit(attributes, rows):
        i = [a[0] for a in attributes].index(name)
        for n, row in enumerate(rows):
            row[i] = values_by_row(n, row[i])

    return edit


def _both(*edits):
    def edit(attributes, rows):
        for e in edits:
            e(attributes, rows)

    return edit


def _drop_levels(*names):
    """Features JSON without the declared levels of ``names`` (neither field)."""

    def edit(features):
        for feature in features:
            if feature["name"] in names:
                feature.pop("nominal_value", None)
                feature.pop("nominal_values", None)

    return edit


ZOO_WITH_MISSING = _both(
    _set("hair", lambda n, old: None if n % 7 == 0 else old),  # some missing
    _set("feathers", lambda n, old: None),  # missing in every row
)
TITANIC_WITHOUT_HOME = _set("home.dest", lambda n, old: None)  # a string column, all missing


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    """A mirror of the changed datasets: zoo with missing booleans, Titanic with a string
    column missing in every row."""
    fixtures = tmp_path_factory.mktemp("fixtures")
    _copy_recorded(fixtures, ZOO, ZOO_WITH_MISSING)
    _copy_recorded(fixtures, TITANIC, TITANIC_WITHOUT_HOME)
    root = tmp_path_factory.mktemp("mirror")
    build_mirror(root, fixtures)
    with MirrorServer(root) as server:
        yield root, server.url


def test_the_changed_files_hold_the_shapes_under_test(variants):
    root, _ = variants
    zoo = pq.read_table(root / parquet_path_for(ZOO))
    assert zoo.schema.field("hair").type == pa.bool_() and 0 < zoo.column("hair").null_count < zoo.num_rows
    assert zoo.schema.field("feathers").type == pa.bool_()
    assert zoo.column("feathers").null_count == zoo.num_rows
    titanic = pq.read_table(root / parquet_path_for(TITANIC))
    assert titanic.schema.field("home.dest").type == pa.null()


def _load(fn, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error", openml_lite.ArffFallbackWarning)
        return fn(**kwargs)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("as_frame", [True, False], ids=["frame", "numpy"])
@pytest.mark.parametrize("data_id", [ZOO, TITANIC], ids=["zoo-missing-booleans", "titanic-null-strings"])
def test_equal_to_sklearn(variants, data_id, as_frame, engine, monkeypatch, tmp_path):
    _, url = variants
    sklearn_fetch = point_sklearn_at(monkeypatch, url)
    kwargs = dict(data_id=data_id, as_frame=as_frame)
    if data_id == TITANIC and not as_frame:
        kwargs["target_column"] = None  # sklearn refuses strings in arrays: keep numbers
        with pytest.raises(ValueError, match="STRING attributes"):
            sklearn_fetch(cache=False, parser="pandas", **kwargs)
        with pytest.raises(ValueError, match="STRING attributes"):
            openml_lite.fetch_openml(base_url=url, cache=False, engine=engine, **kwargs)
        return
    expected = sklearn_fetch(cache=False, parser="pandas", **kwargs)
    log = MirrorLog(url)
    log.reset()
    got = _load(openml_lite.fetch_openml, base_url=url, data_home=str(tmp_path), engine=engine, **kwargs)
    assert [p for p in log.paths() if not p.startswith("/api/")] == [f"/{parquet_path_for(data_id)}"]
    for key in ("data", "target", "frame", "categories", "feature_names", "target_names"):
        assert_same(got[key], expected[key], key)


@pytest.mark.parametrize("engine", ENGINES)
def test_levels_come_from_the_older_nominal_values_field(mirror_url, engine):
    """emotions' features list spells its levels only in the JSON string
    "nominal_values" ('["FALSE","TRUE"]'): the categories follow it."""
    bunch = openml_lite.fetch_openml(data_id=40589, base_url=mirror_url, cache=False, engine=engine)
    assert list(bunch.frame["amazed.suprised"].cat.categories) == ["FALSE", "TRUE"]


@pytest.fixture(scope="module")
def zoo_without_levels(tmp_path_factory):
    """zoo, its features list naming no levels for "hair" and "milk" (the ARFF keeps them:
    {false, true})."""
    fixtures = tmp_path_factory.mktemp("fixtures")
    _copy_recorded(fixtures, ZOO, lambda attributes, rows: None, _drop_levels("hair", "milk"))
    root = tmp_path_factory.mktemp("mirror")
    build_mirror(root, fixtures)
    with MirrorServer(root) as server:
        yield server.url


@pytest.mark.parametrize("engine", ENGINES)
def test_without_declared_levels_booleans_are_spelled_false_true(zoo_without_levels, engine, monkeypatch):
    """The rule when the features list has no levels (README, "Parity"): "false" and
    "true", the spelling of most ARFF files and of zoo's, so here equal to sklearn."""
    got = openml_lite.fetch_openml(data_id=ZOO, base_url=zoo_without_levels, cache=False, engine=engine)
    expected = point_sklearn_at(monkeypatch, zoo_without_levels)(data_id=ZOO, cache=False, parser="pandas")
    assert DEFAULT_BOOL_LEVELS == ("false", "true")
    for name in ("hair", "milk"):
        assert list(got.frame[name].cat.categories) == list(DEFAULT_BOOL_LEVELS)
        assert_same(got.frame[name], expected.frame[name], name)


# A null-type column of each declared type, against what sklearn returns for a column
# missing in every row (anneal's "family", recorded; the Titanic variant above for
# strings; MiceProtein's BCL2_N for numbers).
def _feature(name, data_type):
    raw = {"index": "0", "name": name, "data_type": data_type, "number_of_missing_values": "3"}
    return Feature.from_json(raw)


DESCRIPTION = Description.from_json({"id": "1", "name": "anneal", "version": "1"})


@pytest.mark.filterwarnings("ignore:Version 2 of dataset anneal is inactive")
@pytest.mark.filterwarnings("ignore:OpenML registered a problem")
def test_a_null_nominal_is_what_an_all_missing_dictionary_gives(mirror_url, monkeypatch):
    """OpenML writes an all-missing nominal as a dictionary without values present
    (anneal), never as null type; a null-type nominal gets the same result."""
    expected = point_sklearn_at(monkeypatch, mirror_url)(data_id=1, cache=False, parser="pandas")
    family = expected.frame["family"]
    assert family.isna().all()  # the recorded rows of anneal: family missing in all
    from_null = to_sklearn_column(NullColumn(len(family)), _feature("family", "nominal"), DESCRIPTION)
    from_dictionary = to_sklearn_column(DictColumn(np.full(len(family), -1), ["GB", "GK"]),
                                        _feature("family", "nominal"), DESCRIPTION)
    for got in (from_null, from_dictionary):
        assert_same(pd.Series(got, name="family"), family)


@pytest.mark.parametrize("data_type,dtype", [("numeric", "float64"), ("real", "float64"),
                                             ("integer", "Int64"), ("string", "float64")])
def test_a_null_column_of_other_types(data_type, dtype):
    """As read_csv types a column of "?" only (sklearn asks it for Int64 on "integer"
    features; a string column missing everywhere is float64 there, see the Titanic
    variant above)."""
    got = to_sklearn_column(NullColumn(3), _feature("x", data_type), DESCRIPTION)
    assert str(got.dtype) == dtype and pd.isna(np.asarray(got, dtype=object)).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_an_int16_dictionary_equals_sklearn(engine, mirror_url, sklearn_at_mirror):
    """MiceProtein's MouseID declares 1080 levels: int16 dictionary indices in OpenML's
    file. It is the row identifier, so only as an explicit target does it reach the
    Bunch (sklearn warns about the flag, and so do we)."""
    kwargs = dict(data_id=40966, target_column="MouseID")
    with pytest.warns(UserWarning, match="is_row_identifier"):
        expected = sklearn_at_mirror(cache=False, parser="pandas", **kwargs)
    with pytest.warns(UserWarning, match="is_row_identifier"):
        got = openml_lite.fetch_openml(base_url=mirror_url, cache=False, engine=engine, **kwargs)
    assert_same(got.target, expected.target, "target")
    assert len(got.target.cat.categories) == len(set(got.target))  # observed levels only


# -- OpenML "integer" features (none among the recorded datasets) ----------------------------

def _declare_integer(name):
    """ARFF attribute ``name`` typed INTEGER, and some of its values missing."""

    def edit(attributes, rows):
        i = [a[0] for a in attributes].index(name)
        attributes[i] = (name, "INTEGER")
        for n, row in enumerate(rows):
            if n % 5 == 0:
                row[i] = None

    return edit


def _integer_feature(name):
    def edit(features):
        for feature in features:
            if feature["name"] == name:
                feature["data_type"] = "integer"

    return edit


@pytest.fixture(scope="module")
def zoo_integer_legs(tmp_path_factory):
    """zoo, its "legs" declared INTEGER (features list: data_type "integer"), some missing:
    sklearn reads it as pandas' Int64, so arrays of it hold pd.NA."""
    fixtures = tmp_path_factory.mktemp("fixtures")
    _copy_recorded(fixtures, ZOO, _declare_integer("legs"), _integer_feature("legs"))
    root = tmp_path_factory.mktemp("mirror")
    build_mirror(root, fixtures)
    with MirrorServer(root) as server:
        yield server.url


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("as_frame", [True, False, "polars"], ids=["frame", "numpy", "polars"])
def test_an_integer_feature_with_missing_values(zoo_integer_legs, as_frame, engine, monkeypatch):
    """Equal to sklearn (Int64 with <NA>; its arrays, which only pandas can make, hold
    pd.NA); polars: Int64 with nulls."""
    from compare import assert_polars_like_pandas

    expected = point_sklearn_at(monkeypatch, zoo_integer_legs)(
        data_id=ZOO, cache=False, parser="pandas", as_frame=True)
    assert str(expected.frame["legs"].dtype) == "Int64" and expected.frame["legs"].isna().any()
    got = _load(openml_lite.fetch_openml, data_id=ZOO, base_url=zoo_integer_legs, cache=False,
                engine=engine, as_frame=as_frame)
    if as_frame == "polars":
        for key in ("data", "target", "frame"):
            assert_polars_like_pandas(got[key], expected[key], key)
        return
    if not as_frame:
        expected = point_sklearn_at(monkeypatch, zoo_integer_legs)(
            data_id=ZOO, cache=False, parser="pandas", as_frame=False)
        legs = expected.feature_names.index("legs")
        assert any(value is pd.NA for value in expected.data[:, legs])
    for key in ("data", "target", "frame", "categories", "feature_names", "target_names"):
        assert_same(got[key], expected[key], key)
