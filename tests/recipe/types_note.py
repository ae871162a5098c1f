"""Print, per dense recorded dataset, the unusual columns of its OpenML-shaped parquet
file (Arrow types beyond plain numbers, strings and int8 dictionaries) and what every
CPython engine makes of the file against scikit-learn's own result.

    python tests/recipe/types_note.py [RECIPE_DIR]

With RECIPE_DIR (tests/recipe/openml_recipe.py's output) the types are read from the
real recipe's files; without, from the mirror's (equal: tests/test_mirror_recipe.py).
Runs a local mirror; nothing leaves the machine. Markdown on stdout.
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: compare, support

import openml_lite  # noqa: E402
from compare import assert_same, undo_known_difference  # noqa: E402
from openml_lite.mirror import MirrorServer, build_mirror, fixture_datasets, parquet_path_for  # noqa: E402
from support import recorded_features  # noqa: E402

ENGINES = ("pyarrow", "fastparquet", "polars")


def unusual_columns(path: Path, data_id: int) -> list[str]:
    table = pq.read_table(path)
    flags = {f["name"]: f for f in recorded_features(data_id)}
    notes = []
    for field in table.schema:
        column = table.column(field.name)
        kind = field.type
        note = None
        if pa.types.is_boolean(kind):
            note = f"bool ({column.null_count} null)"
        elif pa.types.is_null(kind):
            note = "null"
        elif pa.types.is_dictionary(kind):
            dictionary = column.combine_chunks().dictionary
            used = len(set(column.combine_chunks().indices.drop_null().to_pylist()))
            extra = []
            if kind.index_type != pa.int8():
                extra.append(f"{kind.index_type} indices")
            if column.null_count == len(column):
                extra.append("all null")
            elif used < len(dictionary):
                extra.append(f"{len(dictionary) - used} of {len(dictionary)} levels unused")
            declared = flags.get(field.name, {}).get("nominal_value") or []
            if "?" in declared:  # a declared "?" is no level in OpenML's files
                extra.append(f"{len(dictionary)} levels, \"?\" of the declared dropped")
            if extra:
                note = "dictionary, " + ", ".join(extra)
        feature = flags.get(field.name, {})
        role = [r for r, key in (("row id", "is_row_identifier"), ("ignored", "is_ignore"))
                if feature.get(key) == "true"]
        if note or role:
            notes.append(f"`{field.name}`: {note or kind}{' (' + ', '.join(role) + ')' if role else ''}")
    return notes


def engine_results(url: str, data_id: int, reference) -> dict[str, str]:
    out = {}
    for engine in ENGINES:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # sklearn's own (inactive versions ...)
                warnings.simplefilter("error", openml_lite.ArffFallbackWarning)
                got = openml_lite.fetch_openml(data_id=data_id, base_url=url, cache=False, engine=engine)
            got, met = undo_known_difference(dict(got), dict(reference), "price") if data_id == 42074 \
                else (dict(got), 0)
            for key in ("data", "target", "frame", "categories", "feature_names", "target_names"):
                assert_same(got[key], reference[key], key)
            out[engine] = "= sklearn" + (" (but `price` int64 vs float64)" if met else "")
        except Exception as error:  # reported, not raised: this is a survey
            out[engine] = f"{type(error).__name__}: {str(error)[:80]}"
    return out


def main(argv: list[str]) -> None:
    recipe = Path(argv[0]) if argv else None
    with tempfile.TemporaryDirectory() as folder:
        build_mirror(folder)
        with MirrorServer(folder) as server:
            print_table(server.url, Path(folder), recipe)


def print_table(url: str, mirror: Path, recipe: Path | None) -> None:
    import pytest  # its MonkeyPatch: sklearn pointed at the mirror as the tests do it

    from support import point_sklearn_at

    patch = pytest.MonkeyPatch()
    try:
        sklearn_fetch = point_sklearn_at(patch, url)
        print("| dataset | unusual columns (Arrow type) | " + " | ".join(ENGINES) + " |")
        print("|---|---|" + "---|" * len(ENGINES))
        for record in fixture_datasets():
            if not record["has_parquet"]:
                continue
            data_id = record["data_id"]
            path = recipe / f"dataset_{data_id}.pq" if recipe else mirror / parquet_path_for(data_id)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reference = sklearn_fetch(data_id=data_id, cache=False, parser="pandas")
            results = engine_results(url, data_id, reference)
            columns = "; ".join(unusual_columns(path, data_id)) or "none"
            print(f"| {record['name']} ({data_id}) | {columns} | "
                  + " | ".join(results[e] for e in ENGINES) + " |")
    finally:
        patch.undo()


if __name__ == "__main__":
    main(sys.argv[1:])
