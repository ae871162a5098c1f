"""Build a mirror folder from scikit-learn's recorded OpenML responses.

sklearn ships real OpenML answers as ``id_<N>/<encoded URL>.gz`` test fixtures.
We decode each file name back to its URL, store the body uncompressed at the
matching path (see ``server.relpath_for_url``) and, for dense datasets, write
the parquet file OpenML would publish, pointing ``parquet_url`` at it.

pandas, pyarrow and liac-arff (bundled in sklearn) are imported lazily: the
server side of the mirror must not need them.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import json
import os
import re
import tempfile
from pathlib import Path

from .server import relpath_for_url

__all__ = [
    "build_mirror",
    "fixture_datasets",
    "parquet_path_for",
    "decode_fixture_name",
    "default_fixtures_dir",
]

PARQUET_ORIGIN = "https://data.openml.org/"

_SIMPLE_NAMES = [
    (re.compile(r"^api-v1-jd-(\d+)\.json\.gz$"), "/api/v1/json/data/{}"),
    (re.compile(r"^api-v1-jdf-(\d+)\.json\.gz$"), "/api/v1/json/data/features/{}"),
    (re.compile(r"^api-v1-jdq-(\d+)\.json\.gz$"), "/api/v1/json/data/qualities/{}"),
    # sklearn drops the file name that follows the file id in download URLs.
    (re.compile(r"^data-v1-dl-(\d+)\.arff\.gz$"), "/data/v1/download/{}"),
]
# Name lookups; the name may itself contain hyphens ("adult-census"), so the
# suffix is anchored at the end. A trailing "-" was a trailing "/".
_LOOKUP_NAME = re.compile(
    r"^api-v1-jdl-dn-(?P<name>.+?)-l-(?P<limit>\d+)"
    r"(?:-dv-(?P<version>\d+))?(?:-s-(?P<status>[A-Za-z_]+))?(?P<slash>-)?\.json\.gz$"
)
_STATUS = {"act": "active", "dact": "deactivated"}


def parquet_path_for(data_id) -> str:
    """Relative path (and URL path) of a dataset's parquet file, as on data.openml.org."""
    data_id = int(data_id)
    return f"datasets/{data_id // 10000:04d}/{data_id:04d}/dataset_{data_id}.pq"


def default_fixtures_dir() -> Path:
    """sklearn's ``datasets/tests/data/openml`` folder (found without importing sklearn)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("scikit-learn is needed for its recorded OpenML fixtures")
    path = Path(list(spec.submodule_search_locations)[0], "datasets", "tests", "data", "openml")
    if not path.is_dir():
        raise FileNotFoundError(f"sklearn's OpenML fixtures are missing: {path}")
    return path


def decode_fixture_name(name: str) -> str | None:
    """Invert sklearn's test ``_file_name``: fixture file name -> URL path.

    Returns None for files that are not recorded responses (``__init__.py``),
    raises ValueError for a ``.gz`` file name we cannot decode.
    """
    if not name.endswith(".gz"):
        return None
    for pattern, template in _SIMPLE_NAMES:
        m = pattern.match(name)
        if m:
            return template.format(m.group(1))
    m = _LOOKUP_NAME.match(name)
    if m:
        url = f"/api/v1/json/data/list/data_name/{m['name']}/limit/{m['limit']}"
        if m["version"]:
            url += f"/data_version/{m['version']}"
        if m["status"]:
            url += f"/status/{_STATUS.get(m['status'], m['status'])}"
        return url + ("/" if m["slash"] else "")
    raise ValueError(f"unrecognised OpenML fixture file name: {name!r}")


# -- reading the fixtures ------------------------------------------------------

def _collect(fixtures_dir) -> dict[str, bytes]:
    """URL path -> decompressed body, over every ``id_*`` folder.

    Files are routed by their own names (id_292 also holds dataset 40981).
    """
    root = Path(fixtures_dir) if fixtures_dir is not None else default_fixtures_dir()
    folders = sorted(p for p in root.glob("id_*") if p.is_dir())
    if not folders:
        raise FileNotFoundError(f"no id_* fixture folders in {root}")
    bodies: dict[str, bytes] = {}
    for folder in folders:
        for path in sorted(folder.iterdir()):
            url = decode_fixture_name(path.name)
            if url is None:
                continue
            body = gzip.decompress(path.read_bytes())
            if bodies.get(url, body) != body:
                raise ValueError(f"two different recordings for {url} (second in {path})")
            bodies[url] = body
    return bodies


def _parse_arff(body: bytes, sparse: bool) -> dict:
    from sklearn.externals import _arff as arff

    kind = arff.LOD if sparse else arff.DENSE  # LOD keeps one dict per row
    return arff.loads(body.decode("utf-8"), encode_nominal=False, return_type=kind)


def _plan(fixtures_dir):
    """Read the fixtures; return (bodies, datasets) with parsed ARFFs attached."""
    bodies = _collect(fixtures_dir)
    lookups: dict[str, list[str]] = {}
    for url in sorted(bodies):
        m = re.match(r"^/api/v1/json/data/list/data_name/([^/]+)/", url)
        if m:
            lookups.setdefault(m.group(1), []).append(url)
    datasets = []
    for url, body in bodies.items():
        m = re.fullmatch(r"/api/v1/json/data/(\d+)", url)
        if not m:
            continue
        doc = json.loads(body)
        if "data_set_description" not in doc:
            continue  # a recorded error body, not a description
        data_id = int(m.group(1))  # the URL's id: id_292's 40981 file describes 292
        desc = doc["data_set_description"]
        sparse = desc.get("format", "").lower() == "sparse_arff"
        arff_body = bodies.get(f"/data/v1/download/{desc['file_id']}")
        parsed = _parse_arff(arff_body, sparse) if arff_body is not None else None
        features = bodies.get(f"/api/v1/json/data/features/{data_id}")
        datasets.append({
            "url": url,
            "desc": desc,
            "parsed": parsed,
            "features": features,
            "record": {
                "data_id": data_id,
                "name": desc.get("name"),
                "version": int(desc["version"]),
                "status": desc.get("status"),
                "format": desc.get("format"),
                "file_id": int(desc["file_id"]),
                "has_parquet": parsed is not None and not sparse,
                "n_rows": len(parsed["data"]) if parsed is not None else None,
                "lookups": lookups.get(desc.get("name", "").lower(), []),
                "cut_down": _cut_down(parsed, features, bodies.get(f"/api/v1/json/data/qualities/{data_id}"))
                if parsed is not None and not sparse else False,
            },
        })
    datasets.sort(key=lambda d: d["record"]["data_id"])
    return bodies, datasets


def fixture_datasets(fixtures_dir=None) -> list[dict]:
    """The records ``build_mirror`` would return, without writing anything."""
    return [d["record"] for d in _plan(fixtures_dir)[1]]


# -- parquet -------------------------------------------------------------------

def _openml_frame(parsed: dict, features_body: bytes, label: str):
    """The dataset as OpenML's converter frames it (openml_parquet.py): every column,
    in ARFF order, which must be the features JSON's order."""
    from .openml_parquet import frame_from_rows, openml_frame

    features = json.loads(features_body)["data_features"]["feature"]
    features = sorted(features, key=lambda f: int(f["index"]))
    attributes = parsed["attributes"]
    names = [f["name"] for f in features]
    if [a[0] for a in attributes] != names:
        raise ValueError(
            f"{label}: ARFF attributes {[a[0] for a in attributes]} "
            f"do not match the features JSON {names}"
        )
    for feature, (name, arff_type) in zip(features, attributes):
        expected = ("nominal" if isinstance(arff_type, list)
                    else "numeric/real/integer" if arff_type in ("NUMERIC", "REAL", "INTEGER")
                    else "string/date")  # liac-arff cannot parse DATE at all
        if feature["data_type"].lower() not in expected.split("/"):
            raise ValueError(f"{label}: column {name!r} is {arff_type!r} in the ARFF "
                             f"but {feature['data_type']!r} in the features JSON")
    return openml_frame(frame_from_rows(parsed["data"], attributes), [t for _, t in attributes])


# -- description edits -----------------------------------------------------------

def _field_re(key: str):
    # A key right after "{" or "," is a real key: quotes inside strings are escaped.
    return re.compile(
        r'(?<=[{,])(?P<ws>\s*)"' + re.escape(key) + r'"(?P<sep>\s*:\s*)"(?:[^"\\]|\\.)*"'
    )


def _with_parquet_url(text: str, parquet_url: str) -> str:
    """The description with a ``parquet_url`` where the recording has none (recorded before
    OpenML wrote parquet files; OpenML's descriptions carry one today), inserted after
    ``url``, where OpenML puts it. A recording that names a parquet file already
    (``parquet_url`` or ``minio_url``, of any age: wine_reviews' and adult's are on the
    older ``http://openml1.win.tue.nl``) is kept as recorded, so that clients meet the
    URLs users meet.

    Everything else, formatting included, stays byte-for-byte as recorded.
    """
    desc = json.loads(text)["data_set_description"]
    if desc.get("parquet_url") or desc.get("minio_url"):
        return text
    value = json.dumps(parquet_url, ensure_ascii=False)
    if "\\/" in text:  # follow the recording's "\/" style
        value = value.replace("/", "\\/")
    expected = {}
    for key, old in desc.items():
        expected[key] = old
        if key == "url":
            expected["parquet_url"] = parquet_url
    m = _field_re("url").search(text)
    if m is None:
        raise ValueError(f"description {desc.get('id')} has no url to follow")
    insert = f',{m["ws"]}"parquet_url"{m["sep"]}{value}'
    text = text[:m.end()] + insert + text[m.end():]
    got = json.loads(text)["data_set_description"]
    if list(got.items()) != list(expected.items()):
        raise ValueError(f"editing description {desc.get('id')} went wrong")
    return text


# -- cut-down fixtures ------------------------------------------------------------

def _cut_down(parsed: dict, features_body: bytes | None, qualities_body: bytes | None) -> bool:
    """The recorded ARFF holds other rows than the recorded metadata counts."""
    if features_body is None:
        return False
    rows = parsed["data"]
    declared = {f["name"]: int(f.get("number_of_missing_values") or 0)
                for f in json.loads(features_body)["data_features"]["feature"]}
    for i, (name, _) in enumerate(parsed["attributes"]):
        if declared.get(name, 0) != sum(row[i] is None for row in rows):
            return True
    if qualities_body is not None:
        qualities = json.loads(qualities_body).get("data_qualities", {}).get("quality", [])
        for quality in qualities:
            if quality.get("name") == "NumberOfInstances" and quality.get("value") is not None:
                return int(float(quality["value"])) != len(rows)
    return False


def _describe_served_data(bodies: dict, data_id: int, frame) -> None:
    """sklearn cut some recorded ARFF files down to a few rows but kept the full
    dataset's counts in the features and qualities. A client that checks the data
    against its metadata (as openml-lite does) would call every such file corrupt, so
    the mirror makes those counts describe the data it serves (and its parquet file is
    what OpenML's converter makes of that data: a column missing in all the rows kept
    is a null-type column, as it would be on OpenML)."""
    missing = frame.isna()
    nulls = {name: int(missing[name].sum()) for name in frame.columns}
    features_url = f"/api/v1/json/data/features/{data_id}"
    doc = json.loads(bodies[features_url])
    for feature in doc["data_features"]["feature"]:
        feature["number_of_missing_values"] = str(nulls[feature["name"]])
    bodies[features_url] = json.dumps(doc).encode()
    qualities_url = f"/api/v1/json/data/qualities/{data_id}"
    if qualities_url in bodies:
        doc = json.loads(bodies[qualities_url])
        served = {
            "NumberOfInstances": len(frame),
            "NumberOfMissingValues": sum(nulls.values()),
            "NumberOfInstancesWithMissingValues": int(missing.any(axis=1).sum()),
        }
        for quality in doc.get("data_qualities", {}).get("quality", []):
            if quality.get("name") in served and quality.get("value") is not None:
                quality["value"] = f"{float(served[quality['name']])}"
        bodies[qualities_url] = json.dumps(doc).encode()


# -- name lookups for datasets recorded without one -------------------------------

_LOOKUP_QUALITIES = ("MajorityClassSize", "MinorityClassSize", "NumberOfClasses", "NumberOfFeatures",
                     "NumberOfInstances", "NumberOfInstancesWithMissingValues", "NumberOfMissingValues",
                     "NumberOfNumericFeatures", "NumberOfSymbolicFeatures")


def _name_lookups(bodies: dict, datasets: list[dict]) -> dict[str, bytes]:
    """OpenML answers a name lookup for every dataset it has; sklearn recorded lookups for
    only some (iris, anneal's first version, ...), so ``fetch_openml("titanic")`` found
    nothing on the mirror while the demo page offered Titanic by name. For each dataset,
    the lookups sklearn did not record, answered as OpenML answers them and in the recorded
    answers' shape (did, name, version, status, format, file_id, the list's qualities), from
    the dataset's own recorded description and qualities: ``.../data_version/V`` for an
    active version (a deactivated one under ``.../data_version/V/status/deactivated``: OpenML
    lists active datasets unless asked), and ``.../status/active`` (the active versions,
    oldest first). A recorded lookup is kept exactly as recorded."""
    recorded = {url.rstrip("/") for url in bodies if url.startswith("/api/v1/json/data/list/data_name/")}
    by_name: dict[str, list[dict]] = {}
    for d in datasets:
        name = (d["desc"].get("name") or "").lower()
        if name:
            by_name.setdefault(name, []).append(d)
    answers = {}
    for name, versions in by_name.items():
        versions = sorted(versions, key=lambda d: int(d["desc"]["version"]))
        search = f"/api/v1/json/data/list/data_name/{name}/limit/2"
        for d in versions:
            version = f"{search}/data_version/{d['desc']['version']}"
            if version in recorded or f"{version}/status/deactivated" in recorded:
                continue
            active = d["desc"].get("status") == "active"
            answers[version if active else f"{version}/status/deactivated"] = _listing([d], bodies)
        active = [d for d in versions if d["desc"].get("status") == "active"]
        if active and f"{search}/status/active" not in recorded:
            answers[f"{search}/status/active"] = _listing(active[:2], bodies)
    return answers


def _listing(datasets: list[dict], bodies: dict) -> bytes:
    entries = []
    for d in datasets:
        desc, data_id = d["desc"], d["record"]["data_id"]
        qualities = json.loads(bodies.get(f"/api/v1/json/data/qualities/{data_id}", b"{}"))
        kept = [{"name": q["name"], "value": q["value"]}
                for q in qualities.get("data_qualities", {}).get("quality", [])
                if q.get("name") in _LOOKUP_QUALITIES and q.get("value") is not None]
        entries.append({"did": data_id, "name": desc["name"], "version": int(desc["version"]),
                        "status": desc.get("status"), "format": desc.get("format"),
                        "file_id": int(desc["file_id"]), "quality": sorted(kept, key=lambda q: q["name"])})
    return (json.dumps({"data": {"dataset": entries}}, indent=1) + "\n").encode("utf-8")


# -- writing -------------------------------------------------------------------

@contextlib.contextmanager
def _atomic_path(path: Path):
    """Yield a temp path next to ``path``; move it into place if all went well."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide files from other servers
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a running server never serves half a file."""
    with _atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def build_mirror(dest, fixtures_dir=None) -> list[dict]:
    """Write a mirror of sklearn's OpenML fixtures under ``dest``; return its records.

    One record per description: data_id, name, version, status, format,
    file_id, has_parquet, n_rows (rows in the ARFF, None without one) and
    lookups (URL paths of the name lookups for that name). Also written to
    ``dest/mirror.json``.
    """
    from .openml_parquet import write_openml_parquet

    dest = Path(dest)
    bodies, datasets = _plan(fixtures_dir)
    for d in datasets:
        rec = d["record"]
        if not rec["has_parquet"]:
            continue
        label = f"dataset {rec['data_id']} ({rec['name']})"
        if d["features"] is None:
            raise ValueError(f"{label}: no features JSON to build its parquet from")
        frame = _openml_frame(d["parsed"], d["features"], label)
        rel = parquet_path_for(rec["data_id"])
        with _atomic_path(dest / rel) as tmp:
            write_openml_parquet(frame, tmp)
        text = _with_parquet_url(bodies[d["url"]].decode("utf-8"), PARQUET_ORIGIN + rel)
        bodies[d["url"]] = text.encode("utf-8")
        if rec["cut_down"]:
            _describe_served_data(bodies, rec["data_id"], frame)
    bodies.update(_name_lookups(bodies, datasets))
    for url, body in bodies.items():
        route = relpath_for_url(url)
        if route is None:
            raise ValueError(f"the mirror has no place for {url}")
        write_bytes_atomic(dest / route[1], body)
    records = [d["record"] for d in datasets]
    write_bytes_atomic(dest / "mirror.json", (json.dumps(records, indent=2) + "\n").encode())
    return records
