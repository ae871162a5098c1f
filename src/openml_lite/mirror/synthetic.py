"""Generated OpenML-style datasets: random values in the shapes of OpenML's adult,
mnist_784 and the big datasets users load (freMTPL2freq, creditcard, covertype, CIFAR-10,
SVHN), written the way OpenML writes them (ARFF + parquet + JSON answers), for benchmarks
and for tests that need sizes sklearn's recorded fixtures do not have.

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
# the big shapes (issue 20): names, types and value ranges as OpenML's datasets of the same
# name have them (freMTPL2freq 41214, creditcard 1597, covertype 1596, CIFAR_10 40927,
# SVHN 41081); values random
FREMTPL2 = {"label": "freMTPL2freq", "id": 990003, "file_id": 99000301, "name": "bench-freMTPL2freq",
            "target": "ClaimNb", "rows": 678_013}
CREDITCARD = {"label": "creditcard", "id": 990004, "file_id": 99000401, "name": "bench-creditcard",
              "target": "Class", "rows": 284_807}
COVERTYPE = {"label": "covertype", "id": 990005, "file_id": 99000501, "name": "bench-covertype",
             "target": "class", "rows": 581_012}
CIFAR = {"label": "cifar10", "id": 990006, "file_id": 99000601, "name": "bench-CIFAR_10",
         "target": "class", "rows": 60_000}
SVHN = {"label": "svhn", "id": 990007, "file_id": 99000701, "name": "bench-SVHN",
        "target": "class", "rows": 99_289}


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


def _feature(index: int, name: str, data_type: str = "numeric", levels=None, target: bool = False) -> dict:
    """A features-JSON entry as OpenML's API writes one (strings throughout)."""
    entry = {"index": str(index), "name": name, "data_type": data_type, "is_target": str(target).lower(),
             "is_ignore": "false", "is_row_identifier": "false", "number_of_missing_values": "0"}
    if levels is not None:
        entry["nominal_value"] = list(levels)
    return entry


def _table(specs, target: str):
    """(features, columns) from (name, data_type or levels, values) triples."""
    features, columns = [], {}
    for i, (name, kind, values) in enumerate(specs):
        levels = kind if isinstance(kind, list) else None
        features.append(_feature(i, name, "nominal" if levels else kind, levels, name == target))
        columns[name] = pd.Categorical.from_codes(values, levels) if levels else values
    return features, columns


def fremtpl2_columns(rng, n: int):
    """freMTPL2freq's 12 columns: whole numbers (uint8 in the parquet where 0..255), doubles,
    four nominals and VehGas, a string column as OpenML has it."""
    brands = ["B1", "B10", "B11", "B12", "B13", "B14", "B2", "B3", "B4", "B5", "B6"]
    regions = [f"R{r}" for r in (11, 21, 22, 23, 24, 25, 26, 31, 41, 42, 43, 52, 53, 54, 72, 73, 74,
                                 82, 83, 91, 93, 94)]
    areas = list("ABCDEF")
    return _table([
        ("IDpol", "numeric", rng.permutation(np.arange(1, 6_114_331))[:n]),
        ("ClaimNb", "numeric", rng.poisson(0.05, n).clip(0, 16)),
        ("Exposure", "numeric", rng.uniform(0.0027, 2.01, n).round(6)),
        ("Area", areas, rng.integers(0, len(areas), n)),
        ("VehPower", "numeric", rng.integers(4, 16, n)),
        ("VehAge", "numeric", rng.integers(0, 101, n)),
        ("DrivAge", "numeric", rng.integers(18, 101, n)),
        ("BonusMalus", "numeric", rng.integers(50, 231, n)),
        ("VehBrand", brands, rng.integers(0, len(brands), n)),
        ("VehGas", "string", np.where(rng.random(n) < 0.5, "Regular", "Diesel").astype(object)),
        ("Density", "numeric", rng.integers(1, 27_001, n)),
        ("Region", regions, rng.integers(0, len(regions), n)),
    ], FREMTPL2["target"])


def creditcard_columns(rng, n: int):
    """creditcard's 31 columns: Time, V1..V28, Amount (doubles) and the nominal Class."""
    specs = [("Time", "numeric", rng.integers(0, 172_793, n))]
    specs += [(f"V{i}", "numeric", rng.standard_normal(n)) for i in range(1, 29)]
    specs += [("Amount", "numeric", rng.exponential(88.0, n).round(2)),
              ("Class", ["0", "1"], (rng.random(n) < 0.0017).astype(np.int8))]
    return _table(specs, CREDITCARD["target"])


def covertype_columns(rng, n: int):
    """covertype's 55 columns: ten measurements (whole numbers: uint8 where 0..255, doubles
    above), 44 binary indicators (uint8) and the nominal class 1..7."""
    measures = [("Elevation", 1859, 3858), ("Aspect", 0, 360), ("Slope", 0, 66),
                ("Horizontal_Distance_To_Hydrology", 0, 1397), ("Vertical_Distance_To_Hydrology", -173, 601),
                ("Horizontal_Distance_To_Roadways", 0, 7117), ("Hillshade_9am", 0, 254),
                ("Hillshade_Noon", 0, 254), ("Hillshade_3pm", 0, 254),
                ("Horizontal_Distance_To_Fire_Points", 0, 7173)]
    specs = [(name, "numeric", rng.integers(low, high + 1, n)) for name, low, high in measures]
    area, soil = rng.integers(0, 4, n), rng.integers(0, 40, n)
    specs += [(f"Wilderness_Area{i + 1}", "numeric", (area == i).astype(np.uint8)) for i in range(4)]
    specs += [(f"Soil_Type{i + 1}", "numeric", (soil == i).astype(np.uint8)) for i in range(40)]
    specs.append(("class", [str(c) for c in range(1, 8)], rng.integers(0, 7, n)))
    return _table(specs, COVERTYPE["target"])


def pixel_columns(rng, n: int, target: str = "class"):
    """CIFAR-10's and SVHN's 3,073 columns: a0..a3071, pixels 0..255 (uint8 in the parquet)
    and the nominal class "0".."9"."""
    pixels = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
    specs = [(f"a{i}", "numeric", pixels[:, i]) for i in range(3072)]
    specs.append((target, [str(d) for d in range(10)], rng.integers(0, 10, n)))
    return _table(specs, target)


def write_arff(path: Path, relation: str, features, columns) -> str:
    """Write the ARFF (missing as "?"); return its md5, as the description carries it."""
    lines = [f"@relation {relation}", ""]
    for f in features:
        if f["data_type"] == "nominal":
            bad = [v for v in f["nominal_value"] if any(c in v for c in " ,'\"{}%")]
            assert not bad, f"levels that would need ARFF quoting: {bad}"
            lines.append(f"@attribute {f['name']} {{{','.join(f['nominal_value'])}}}")
        else:
            lines.append(f"@attribute {f['name']} {'string' if f['data_type'] == 'string' else 'numeric'}")
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

    def as_parsed(f):
        values = columns[f["name"]]
        if f["data_type"] != "numeric" or getattr(values, "dtype", None) == np.uint8:
            return values  # (uint8: what float64 would become again, without 8 bytes a value)
        return np.asarray(values, dtype=np.float64)

    frame = pd.DataFrame({f["name"]: as_parsed(f) for f in features})
    types = [list(f["nominal_value"]) if f["data_type"] == "nominal"
             else "STRING" if f["data_type"] == "string" else "NUMERIC" for f in features]
    write_openml_parquet(openml_frame(frame, types), path)


def write_dataset(mirror: Path, ds: dict, features, columns, n: int, *, arff: bool = True) -> dict:
    """ARFF (unless not ``arff``: the pixel shapes' would be 0.4-0.7 GB of text, which no
    parquet load reads), parquet, features / qualities / description JSON of one dataset."""
    data_id, file_id = ds["id"], ds["file_id"]
    arff_path = mirror / f"data/v1/download/{file_id}.arff"
    md5 = write_arff(arff_path, ds["name"], features, columns) if arff else hashlib.md5(b"").hexdigest()
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
        "file_id": str(file_id), "md5_checksum": md5,
        "default_target_attribute": ds.get("target", "class"),
        "url": f"https://www.openml.org/data/v1/download/{file_id}/{ds['name']}.arff",
        "parquet_url": parquet_url, "minio_url": parquet_url, "tag": ["benchmark"],
    })
    (api / f"{data_id}.json").write_text(json.dumps({"data_set_description": desc}))
    return {"label": ds["label"], "id": data_id, "parquet_path": parquet_rel(data_id),
            "rows": n, "columns": len(features),
            "arff_bytes": arff_path.stat().st_size if arff else None,
            "parquet_bytes": (mirror / parquet_rel(data_id)).stat().st_size}


def add_synthetic(mirror, *, mnist_rows: int, adult_rows: int = 0, seed: int = 0) -> list[dict]:
    """Write the generated datasets (adult only when ``adult_rows``) into a mirror folder."""
    mirror, rng = Path(mirror), np.random.default_rng(seed)
    written = []
    if adult_rows:
        written.append(write_dataset(mirror, ADULT, *adult_columns(rng, adult_rows), adult_rows))
    written.append(write_dataset(mirror, MNIST, *mnist_columns(rng, mnist_rows), mnist_rows))
    return written


BIG = {ds["label"]: (ds, maker) for ds, maker in [
    (FREMTPL2, fremtpl2_columns), (CREDITCARD, creditcard_columns), (COVERTYPE, covertype_columns),
    (CIFAR, pixel_columns), (SVHN, pixel_columns)]}
NO_ARFF = ("cifar10", "svhn")


def add_big(mirror, labels, *, rows: dict | None = None, seed: int = 0, arff: bool = True) -> list[dict]:
    """Write the big shapes named (keys of BIG) into a mirror folder, each with the rows of
    its OpenML namesake unless ``rows`` says otherwise (CIFAR and SVHN without ARFF; none
    without ``arff``)."""
    mirror, written = Path(mirror), []
    for label in labels:
        ds, maker = BIG[label]
        n = (rows or {}).get(label, ds["rows"])
        rng = np.random.default_rng([seed, ds["id"]])
        written.append(write_dataset(mirror, ds, *maker(rng, n), n, arff=arff and label not in NO_ARFF))
    return written


def build_mirror(mirror: Path, mnist_rows: int, adult_rows: int) -> list[dict]:
    """A mirror of the generated datasets only."""
    shutil.rmtree(mirror, ignore_errors=True)
    return add_synthetic(mirror, mnist_rows=mnist_rows, adult_rows=adult_rows)
