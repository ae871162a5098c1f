"""OpenML's own ARFF -> parquet conversion, run on scikit-learn's recorded OpenML fixtures.

    python openml_recipe.py FIXTURES_DIR OUT_DIR [DATA_ID ...]

Run by the python of a venv made from requirements.txt (next to this file; tests/run.sh
makes it), not by the project's venv: openml-python 0.13.1, pandas 1.5.3, pyarrow 10.0.1,
numpy 1.24.2 and liac-arff 2.5.0 on CPython 3.11 reproduce a production OpenML parquet
file byte for byte. For every dense dataset (description "format" not Sparse_ARFF) whose
description is recorded in FIXTURES_DIR (sklearn/datasets/tests/data/openml), it builds an
``OpenMLDataset`` from the recorded description and ARFF and writes
``df.to_parquet(OUT_DIR/dataset_<id>.pq)`` (pandas' defaults) of
``ds.get_data(dataset_format="dataframe", include_row_id=True,
include_ignore_attribute=True)``, as OpenML's converter does. OUT_DIR also gets
manifest.json: the versions that wrote the files, the datasets, the sparse ones skipped and
any warning openml-python or pandas gave. Given DATA_IDs, only those (each must be dense).

Files are routed by name, never by folder (id_292/ also holds dataset 40981) nor by the
description's "id" field (40981's recorded description says 292). Nothing reaches the
network: openml-python's config and cache go to a temporary HOME, and opening a socket
is an error. Imports nothing from openml-lite.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import warnings
from pathlib import Path

DESCRIPTION = re.compile(r"^api-v1-jd-(\d+)\.json\.gz$")
USAGE = "usage: python openml_recipe.py FIXTURES_DIR OUT_DIR [DATA_ID ...]"


class RecipeError(Exception):
    """A problem with the input, reported as one line and exit status 2."""


def _no_network(*args, **kwargs):
    raise RuntimeError("the OpenML recipe must not touch the network")


def recorded_descriptions(fixtures: Path) -> dict[int, Path]:
    """data id -> its recorded description file, from the file names."""
    if not fixtures.is_dir():
        raise RecipeError(f"fixtures folder not found: {fixtures}")
    found: dict[int, Path] = {}
    for path in sorted(fixtures.glob("id_*/*.json.gz")):
        match = DESCRIPTION.match(path.name)
        if not match:
            continue
        data_id = int(match.group(1))
        if data_id in found and found[data_id].read_bytes() != path.read_bytes():
            raise RecipeError(f"two different descriptions of dataset {data_id}: "
                              f"{found[data_id]} and {path}")
        found.setdefault(data_id, path)
    if not found:
        raise RecipeError(f"no recorded description (id_*/api-v1-jd-<id>.json.gz) in {fixtures}")
    return found


def read_description(path: Path) -> dict:
    try:
        return json.loads(gzip.decompress(path.read_bytes()))["data_set_description"]
    except (OSError, ValueError, KeyError) as err:
        raise RecipeError(f"cannot read the description {path}: {err!r}") from err


def recorded_arff(fixtures: Path, data_id: int, desc: dict) -> Path:
    file_id = desc.get("file_id")
    if not file_id:
        raise RecipeError(f"dataset {data_id}: its description has no file_id")
    name = f"data-v1-dl-{file_id}.arff.gz"
    paths = sorted(fixtures.glob(f"id_*/{name}"))
    if not paths:
        raise RecipeError(f"dataset {data_id}: recorded ARFF {name} (file_id {file_id}) "
                          f"is missing from {fixtures}/id_*/")
    return paths[0]


def convert(data_id: int, desc: dict, arff_gz: Path, out: Path, work: Path) -> dict:
    """OpenML's conversion of one dataset; returns its manifest entry."""
    from openml.datasets.dataset import OpenMLDataset

    # A folder of its own: openml-python caches the parsed frame next to the ARFF
    # (dataset.pkl.py3) and would reuse a stale one.
    folder = work / f"dataset_{data_id}"
    folder.mkdir()
    data_file = folder / "dataset.arff"
    data_file.write_bytes(gzip.decompress(arff_gz.read_bytes()))
    target = out / f"dataset_{data_id}.pq"
    partial = out / f".dataset_{data_id}.pq.partial"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = OpenMLDataset(
            desc["name"],
            desc.get("description"),
            data_format=desc["format"],
            dataset_id=data_id,
            version=int(desc["version"]),
            default_target_attribute=desc.get("default_target_attribute"),
            row_id_attribute=desc.get("row_id_attribute"),
            ignore_attribute=desc.get("ignore_attribute"),
            data_file=str(data_file),
        )
        df, *_ = ds.get_data(dataset_format="dataframe", include_row_id=True,
                             include_ignore_attribute=True)
        df.to_parquet(partial)
    os.replace(partial, target)
    entry = {
        "name": desc["name"],
        "file": target.name,
        "arff": f"{arff_gz.parent.name}/{arff_gz.name}",
        "rows": int(df.shape[0]),
        "columns": int(df.shape[1]),
        "warnings": sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
    }
    if str(desc.get("id")) != str(data_id):
        entry["description_id"] = desc.get("id")
    return entry


def run(fixtures: Path, out: Path, wanted: list[int]) -> dict:
    if out.exists() and any(out.iterdir()):
        raise RecipeError(f"output folder is not empty: {out} (it must hold this run's files only)")
    found = recorded_descriptions(fixtures)
    descriptions = {data_id: read_description(path) for data_id, path in found.items()}
    dense = sorted(i for i, d in descriptions.items()
                   if str(d.get("format", "")).lower() != "sparse_arff")
    sparse = sorted(set(descriptions) - set(dense))
    if wanted:
        unknown = sorted(set(wanted) - set(found))
        if unknown:
            raise RecipeError(f"no recorded description for dataset(s) {unknown} in {fixtures}")
        not_dense = sorted(set(wanted) & set(sparse))
        if not_dense:
            raise RecipeError(f"dataset(s) {not_dense} are sparse: OpenML writes no parquet")
        dense = sorted(set(wanted))
    arffs = {data_id: recorded_arff(fixtures, data_id, descriptions[data_id]) for data_id in dense}

    from importlib.metadata import version

    # Installed distributions' versions: liac-arff 2.5.0's arff.__version__ says 2.4.0.
    versions = {name: version(name) for name in ("openml", "liac-arff", "numpy", "pandas", "pyarrow")}
    versions["python"] = ".".join(map(str, sys.version_info[:3]))
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"versions": versions, "datasets": {}, "sparse_skipped": sparse}
    with tempfile.TemporaryDirectory(prefix="openml-recipe-work-") as work:
        for data_id in dense:
            try:
                entry = convert(data_id, descriptions[data_id], arffs[data_id], out, Path(work))
            except Exception as err:
                raise RuntimeError(f"dataset {data_id} ({descriptions[data_id].get('name')}): "
                                   f"openml-python failed: {err!r}") from err
            manifest["datasets"][str(data_id)] = entry
            note = f" ({len(entry['warnings'])} warning(s))" if entry["warnings"] else ""
            print(f"dataset_{data_id}.pq  {entry['name']}: {entry['rows']} x {entry['columns']}{note}")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 2
    if sys.version_info[:2] != (3, 11):
        print(f"openml_recipe: needs CPython 3.11 (the verified recipe), not {sys.version.split()[0]}",
              file=sys.stderr)
        return 2
    try:
        wanted = [int(a) for a in argv[2:]]
    except ValueError:
        print(f"openml_recipe: data ids must be integers: {argv[2:]}", file=sys.stderr)
        return 2
    fixtures, out = Path(argv[0]), Path(argv[1])

    socket.socket.connect = _no_network  # type: ignore[method-assign]
    socket.socket.connect_ex = _no_network  # type: ignore[method-assign]
    socket.create_connection = _no_network  # type: ignore[assignment]
    socket.getaddrinfo = _no_network  # type: ignore[assignment]
    home = tempfile.mkdtemp(prefix="openml-recipe-home-")
    # openml-python reads its config and makes its cache under HOME when imported.
    os.environ.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_CACHE_HOME=f"{home}/.cache")
    try:
        run(fixtures, out, wanted)
    except RecipeError as err:
        print(f"openml_recipe: {err}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
