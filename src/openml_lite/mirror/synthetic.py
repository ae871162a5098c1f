"""Generated OpenML-style datasets: random values in the shapes of OpenML's adult and
mnist_784, written the way OpenML writes them (ARFF + parquet + JSON answers), for
benchmarks and for tests that need sizes sklearn's recorded fixtures do not have.

The JSON shapes come from the recorded adult (id 1590) responses that scikit-learn
ships as test fixtures; every description says the data is generated, not real.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

PARQUET_ORIGIN = "https://data.openml.org/"
ADULT = {"label": "adult", "id": 990001, "file_id": 99000101, "name": "bench-adult"}
MNIST = {"label": "mnist", "id": 990002, "file_id": 99000201, "name": "bench-mnist"}


def _fixture(name: str) -> dict:
    """A recorded OpenML response for adult (1590), from sklearn's test data."""
    spec = importlib.util.find_spec("sklearn")
    folder = Path(list(spec.submodule_search_locations)[0], "datasets/tests/data/openml/id_1590")
    return json.loads(gzip.decompress((folder / name).read_bytes()))


def parquet_rel(data_id: int) -> str:
    return f"datasets/{data_id // 10000:04d}/{data_id:04d}/dataset_{data_id}.pq"


def adult_columns(rng, n: int):
    """Adult's 15 features (names, types, levels, missing counts from the recorded
    features JSON), random values. Returns (features list, {name: values})."""
    features = _fixture("api-v1-jdf-1590.json.gz")["data_features"]["feature"]
    ranges = {"age": (17, 90), "fnlwgt": (12_285, 1_490_400), "education-num": (1, 16),
              "capital-gain": (0, 99_999), "capital-loss": (0, 4_356), "hours-per-week": (1, 99)}
    columns = {}
    for f in features:
        if f["data_type"] == "numeric":
            lo, hi = ranges.get(f["name"], (0, 100))
            columns[f["name"]] = rng.integers(lo, hi + 1, n)
        else:
            levels = f["nominal_value"]
            codes = rng.integers(0, len(levels), n)
            n_missing = min(int(f["number_of_missing_values"]), n // 10)
            codes[rng.choice(n, n_missing, replace=False)] = -1
            f["number_of_missing_values"] = str(n_missing)
            columns[f["name"]] = pd.Categorical.from_codes(codes, levels)
    return features, columns


def mnist_columns(rng, n: int):
    """784 uint8 pixels (mostly zero, as in mnist) + nominal class "0".."9"."""
    template = _fixture("api-v1-jdf-1590.json.gz")["data_features"]["feature"][0]  # a numeric one
    pixels = rng.integers(0, 256, (n, 784), dtype=np.uint8)
    pixels[rng.random((n, 784)) < 0.8] = 0
    features, columns = [], {}
    for i in range(784):
        features.append({**template, "index": str(i), "name": f"pixel{i + 1}"})
        columns[f"pixel{i + 1}"] = pixels[:, i]
    levels = [str(d) for d in range(10)]
    features.append({**template, "index": "784", "name": "class", "data_type": "nominal",
                     "nominal_value": levels, "is_target": "true"})
    columns["class"] = pd.Categorical.from_codes(rng.integers(0, 10, n), levels)
    # The adult template is not a target; only "class" is.
    for f in features[:-1]:
        f["is_target"] = "false"
    return features, columns


def write_arff(path: Path, relation: str, features, columns) -> str:
    """Write the ARFF (missing as "?"); return its md5, as the description carries it."""
    lines = [f"@relation {relation}", ""]
    for f in features:
        if f["data_type"] == "nominal":
            bad = [v for v in f["nominal_value"] if any(c in v for c in " ,'\"{}%")]
            assert not bad, f"levels that would need ARFF quoting: {bad}"
            lines.append(f"@attribute {f['name']} {{{','.join(f['nominal_value'])}}}")
        else:
            lines.append(f"@attribute {f['name']} numeric")
    lines += ["", "@data", ""]
    body = pd.DataFrame(columns).to_csv(header=False, index=False, na_rep="?", lineterminator="\n")
    data = ("\n".join(lines)).encode() + body.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.md5(data).hexdigest()


def write_parquet(path: Path, features, columns) -> None:
    """As OpenML's converter writes the ARFF that write_arff wrote (openml_parquet.py):
    numbers as liac-arff parses a NUMERIC attribute (float64), then openml-python's
    rules; nominal columns as their values."""
    from .openml_parquet import openml_frame, write_openml_parquet

    frame = pd.DataFrame({
        f["name"]: columns[f["name"]] if f["data_type"] == "nominal"
        else np.asarray(columns[f["name"]], dtype=np.float64)
        for f in features
    })
    types = [list(f["nominal_value"]) if f["data_type"] == "nominal" else "NUMERIC" for f in features]
    write_openml_parquet(openml_frame(frame, types), path)


def write_dataset(mirror: Path, ds: dict, features, columns, n: int) -> dict:
    """ARFF, parquet, features / qualities / description JSON of one generated dataset."""
    data_id, file_id = ds["id"], ds["file_id"]
    md5 = write_arff(mirror / f"data/v1/download/{file_id}.arff", ds["name"], features, columns)
    write_parquet(mirror / parquet_rel(data_id), features, columns)
    api = mirror / "api/v1/json/data"
    (api / "features").mkdir(parents=True, exist_ok=True)
    (api / "qualities").mkdir(parents=True, exist_ok=True)
    (api / f"features/{data_id}.json").write_text(
        json.dumps({"data_features": {"feature": features}}))
    # Only the counts a client checks against the data; the recorded adult qualities
    # (landmarkers, entropies...) would be wrong for random data.
    n_missing = sum(int(f["number_of_missing_values"]) for f in features)
    with_missing = int(pd.DataFrame({k: pd.isna(v) for k, v in columns.items()
                                     if getattr(v, "dtype", None) == "category"}).any(axis=1).sum()) \
        if n_missing else 0
    n_numeric = sum(f["data_type"] == "numeric" for f in features)
    qualities = {"NumberOfInstances": n, "NumberOfFeatures": len(features),
                 "NumberOfMissingValues": n_missing,
                 "NumberOfInstancesWithMissingValues": with_missing,
                 "NumberOfNumericFeatures": n_numeric,
                 "NumberOfSymbolicFeatures": len(features) - n_numeric}
    (api / f"qualities/{data_id}.json").write_text(json.dumps({"data_qualities": {"quality": [
        {"name": k, "value": f"{float(v)}"} for k, v in qualities.items()]}}))
    desc = dict(_fixture("api-v1-jd-1590.json.gz")["data_set_description"])
    parquet_url = PARQUET_ORIGIN + parquet_rel(data_id)
    desc.update({
        "id": str(data_id), "name": ds["name"], "version": "1", "version_label": "1",
        "description": f"GENERATED by openml_lite.mirror.synthetic: {n} random rows "
                       f"in the shape of OpenML's {ds['label']}. Not real data.",
        "file_id": str(file_id), "md5_checksum": md5, "default_target_attribute": "class",
        "url": f"https://www.openml.org/data/v1/download/{file_id}/{ds['name']}.arff",
        "parquet_url": parquet_url, "minio_url": parquet_url, "tag": ["benchmark"],
    })
    (api / f"{data_id}.json").write_text(json.dumps({"data_set_description": desc}))
    return {"label": ds["label"], "id": data_id, "parquet_path": parquet_rel(data_id),
            "rows": n, "columns": len(features),
            "arff_bytes": (mirror / f"data/v1/download/{file_id}.arff").stat().st_size,
            "parquet_bytes": (mirror / parquet_rel(data_id)).stat().st_size}


def add_synthetic(mirror, *, mnist_rows: int, adult_rows: int = 0, seed: int = 0) -> list[dict]:
    """Write the generated datasets (adult only when ``adult_rows``) into a mirror folder."""
    mirror, rng = Path(mirror), np.random.default_rng(seed)
    written = []
    if adult_rows:
        written.append(write_dataset(mirror, ADULT, *adult_columns(rng, adult_rows), adult_rows))
    written.append(write_dataset(mirror, MNIST, *mnist_columns(rng, mnist_rows), mnist_rows))
    return written


def build_mirror(mirror: Path, mnist_rows: int, adult_rows: int) -> list[dict]:
    """A mirror of the generated datasets only."""
    shutil.rmtree(mirror, ignore_errors=True)
    return add_synthetic(mirror, mnist_rows=mnist_rows, adult_rows=adult_rows)
