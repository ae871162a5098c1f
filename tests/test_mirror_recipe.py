"""The test mirror's parquet files against OpenML's own converter, dataset by dataset.

tests/recipe/openml_recipe.py runs openml-python's ARFF -> parquet recipe (openml 0.13.1,
pandas 1.5.3, pyarrow 10.0.1, numpy 1.24.2, liac-arff 2.5.0 on CPython 3.11: pinned in
tests/recipe/requirements.txt; it reproduces a production OpenML file byte for byte) on the
same recorded fixtures; tests/run.sh makes its venv, runs it and exports
OPENML_LITE_RECIPE_DIR. The mirror writes with the main venv's pyarrow, so bytes differ;
everything a reader sees must not: the Arrow schema, the parquet column types, row groups
and codec, the values and the pandas metadata. Both sides are read with the main venv's
pyarrow (26).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from openml_lite.mirror import parquet_path_for  # noqa: E402
from support import DENSE, SPARSE  # noqa: E402

STRICT = os.environ.get("OPENML_LITE_PYODIDE_STRICT", "") not in ("", "0", "false", "no")
REQUIREMENTS = Path(__file__).parent / "recipe" / "requirements.txt"
HOW = ("bash tests/run.sh builds it (a venv from tests/recipe/requirements.txt running "
       "tests/recipe/openml_recipe.py FIXTURES_DIR OUT_DIR)")
DENSE_IDS = [pytest.param(d["data_id"], id=f"{d['data_id']}-{d['name']}") for d in DENSE]


@pytest.fixture(scope="session")
def recipe_dir():
    """OpenML's files; their absence fails under OPENML_LITE_PYODIDE_STRICT (CI), where a
    missing install step must not pass as green."""
    given = os.environ.get("OPENML_LITE_RECIPE_DIR")
    if not given:
        reason = f"OPENML_LITE_RECIPE_DIR is not set: {HOW}"
        if STRICT:
            pytest.fail(f"{reason} (OPENML_LITE_PYODIDE_STRICT is set)", pytrace=False)
        pytest.skip(reason)
    if not Path(given).is_dir():
        pytest.fail(f"OPENML_LITE_RECIPE_DIR={given} is not a folder: {HOW}", pytrace=False)
    return Path(given)


def files(recipe_dir, mirror_dir, data_id) -> tuple[Path, Path]:
    mirror = Path(mirror_dir) / parquet_path_for(data_id)
    recipe = recipe_dir / f"dataset_{data_id}.pq"
    assert recipe.is_file(), f"dataset {data_id}: the recipe wrote no {recipe}"
    assert mirror.is_file(), f"dataset {data_id}: the mirror has no {mirror}"
    return mirror, recipe


def type_text(t) -> str:
    """An Arrow type, spelled so that a difference in any part of it shows."""
    if pa.types.is_dictionary(t):
        return f"dictionary<values={t.value_type}, indices={t.index_type}, ordered={t.ordered}>"
    return str(t)


def differences(where: str, what: str, mine, theirs) -> list[str]:
    """[] when equal, else one line naming the place, the mirror's and the recipe's."""
    return [] if mine == theirs else [f"{where}: {what} {mine} (mirror) != {theirs} (recipe)"]


def no_problems(problems: list[str]) -> None:
    assert not problems, "\n".join(problems)


# -- what the recipe wrote -------------------------------------------------------------

def test_recipe_wrote_every_dense_dataset_and_no_sparse_one(recipe_dir):
    """Each dense dataset is compared below; a sparse one must get no file (OpenML
    writes none), and nothing else may sit in the folder unexplained."""
    names = {p.name for p in recipe_dir.iterdir()}
    assert names - {"manifest.json"} == {f"dataset_{d['data_id']}.pq" for d in DENSE}
    assert SPARSE and not names & {f"dataset_{d['data_id']}.pq" for d in SPARSE}


def test_recipe_ran_with_the_pinned_versions(recipe_dir):
    """Files from another environment (a stale folder, an unpinned venv) would make every
    comparison below prove nothing."""
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", REQUIREMENTS.read_text(), re.M))
    versions = json.loads((recipe_dir / "manifest.json").read_text())["versions"]
    for name in ("openml", "liac-arff", "numpy", "pandas", "pyarrow"):
        assert versions[name] == pins[name], name
    assert versions["python"].startswith("3.11."), versions["python"]
    for data_id in [d["data_id"] for d in DENSE]:
        created_by = pq.ParquetFile(recipe_dir / f"dataset_{data_id}.pq").metadata.created_by
        assert created_by == f"parquet-cpp-arrow version {pins['pyarrow']}", data_id


# -- mirror vs recipe ----------------------------------------------------------------

@pytest.mark.parametrize("data_id", DENSE_IDS)
def test_arrow_schema_matches_recipe(recipe_dir, mirror_dir, data_id):
    """Names, order, types (dictionary index width, value type, ordered flag) and
    nullability are what pyarrow and pandas hand to users."""
    mirror_path, recipe_path = files(recipe_dir, mirror_dir, data_id)
    mirror, recipe = pq.read_schema(mirror_path), pq.read_schema(recipe_path)
    assert mirror.names == recipe.names, f"dataset {data_id}: column names or order differ"
    problems = []
    for m, r in zip(mirror, recipe):
        where = f"dataset {data_id}, column {m.name!r}"
        problems += differences(where, "type", type_text(m.type), type_text(r.type))
        problems += differences(where, "nullable", m.nullable, r.nullable)
        problems += differences(where, "field metadata", m.metadata, r.metadata)
    problems += differences(f"dataset {data_id}", "schema metadata keys",
                            sorted(mirror.metadata or {}), sorted(recipe.metadata or {}))
    no_problems(problems)


@pytest.mark.parametrize("data_id", DENSE_IDS)
def test_parquet_layout_matches_recipe(recipe_dir, mirror_dir, data_id):
    """Readers that skip Arrow (fastparquet, the JS decoder, DuckDB) go by the parquet
    types; row groups and codec decide how the files can be read in part."""
    mirror_path, recipe_path = files(recipe_dir, mirror_dir, data_id)
    mirror, recipe = pq.ParquetFile(mirror_path).metadata, pq.ParquetFile(recipe_path).metadata
    assert mirror.num_rows == recipe.num_rows, f"dataset {data_id}: row count"
    assert mirror.num_row_groups == recipe.num_row_groups, f"dataset {data_id}: row groups"
    assert ([mirror.schema.column(i).path for i in range(mirror.num_columns)]
            == [recipe.schema.column(i).path for i in range(recipe.num_columns)]), (
        f"dataset {data_id}: parquet columns differ")
    problems = []
    for i in range(recipe.num_columns):
        m, r = mirror.schema.column(i), recipe.schema.column(i)
        where = f"dataset {data_id}, column {r.path!r}"
        for what in ("physical_type", "logical_type", "converted_type", "max_definition_level"):
            problems += differences(where, what, str(getattr(m, what)), str(getattr(r, what)))
        for g in range(recipe.num_row_groups):
            problems += differences(f"{where}, row group {g}", "compression",
                                    mirror.row_group(g).column(i).compression,
                                    recipe.row_group(g).column(i).compression)
    no_problems(problems)


def comparable(values: list) -> list:
    """Python values with every float NaN alike (NaN != NaN would fail equal columns)."""
    return ["NaN" if isinstance(v, float) and math.isnan(v) else v for v in values]


def first_difference(mine: list, theirs: list) -> str:
    if len(mine) != len(theirs):
        return f"{len(mine)} (mirror) != {len(theirs)} (recipe) entries"
    row = next(i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b)
    return f"first at {row}: {mine[row]!r} (mirror) != {theirs[row]!r} (recipe)"


@pytest.mark.parametrize("data_id", DENSE_IDS)
def test_values_match_recipe(recipe_dir, mirror_dir, data_id):
    """Every value, compared as Python values (5 equals 5.0 here: types are the schema
    test's job). Dictionary columns: the dictionary itself, in order with unused entries,
    and the indices, since readers that keep categories (pandas) show both."""
    mirror_path, recipe_path = files(recipe_dir, mirror_dir, data_id)
    mirror, recipe = pq.read_table(mirror_path), pq.read_table(recipe_path)
    assert mirror.num_rows == recipe.num_rows, f"dataset {data_id}: row count"
    problems = []
    for name in recipe.column_names:
        where = f"dataset {data_id}, column {name!r}"
        if name not in mirror.column_names:
            problems.append(f"{where}: not in the mirror")
            continue
        m, r = mirror.column(name).combine_chunks(), recipe.column(name).combine_chunks()
        if pa.types.is_dictionary(m.type) and pa.types.is_dictionary(r.type):
            pairs = [("dictionary", m.dictionary.to_pylist(), r.dictionary.to_pylist()),
                     ("indices", m.indices.to_pylist(), r.indices.to_pylist())]
        else:
            pairs = [("values", comparable(m.to_pylist()), comparable(r.to_pylist()))]
        for what, mine, theirs in pairs:
            if mine != theirs:
                problems.append(f"{where}: {what} differ ({type_text(m.type)} (mirror), "
                                f"{type_text(r.type)} (recipe)), {first_difference(mine, theirs)}")
    no_problems(problems)


# Only what names a version: the recipe's are pinned (pandas 1.5.3, pyarrow 10.0.1), the
# mirror's are the main venv's, and no reader acts on them. creator.library stays.
VERSION_KEYS = ("pandas_version", "creator.version")


def pandas_metadata(path: Path, data_id: int) -> dict:
    meta = pq.read_schema(path).metadata or {}
    assert b"pandas" in meta, f"dataset {data_id}: {path} has no pandas metadata"
    doc = json.loads(meta[b"pandas"])
    doc.pop("pandas_version", None)
    if isinstance(doc.get("creator"), dict):
        doc["creator"].pop("version", None)
    return doc


@pytest.mark.parametrize("data_id", DENSE_IDS)
def test_pandas_metadata_matches_recipe(recipe_dir, mirror_dir, data_id):
    """pandas.read_parquet builds the frame from it: the RangeIndex, column dtypes and
    ordered categoricals. Ignored: only the keys that name versions (VERSION_KEYS)."""
    mirror_path, recipe_path = files(recipe_dir, mirror_dir, data_id)
    mirror, recipe = pandas_metadata(mirror_path, data_id), pandas_metadata(recipe_path, data_id)
    problems = []
    m_cols, r_cols = mirror.pop("columns", []), recipe.pop("columns", [])
    names = [c.get("name") for c in m_cols], [c.get("name") for c in r_cols]
    problems += differences(f"dataset {data_id}", "pandas metadata column names", *names)
    if not problems:
        for m, r in zip(m_cols, r_cols):
            where = f"dataset {data_id}, column {r['name']!r}"
            problems += differences(where, "pandas metadata", m, r)
    for key in sorted(set(mirror) | set(recipe)):
        problems += differences(f"dataset {data_id}", f"pandas metadata {key!r}",
                                mirror.get(key, "<absent>"), recipe.get(key, "<absent>"))
    no_problems(problems)
