"""A copy of the test mirror whose descriptions carry every age of URL live OpenML writes
(../shared/notes/openml.md, "The live service"; src/openml_lite/servers.py), for the tests
that load each age from the server the user chose (test_url_ages.py and its Pyodide and
browser twins).

The recordings already hold two ages: today's https://data.openml.org parquet_url (the
mirror builder's, e.g. iris) and the older plain-http http://openml1.win.tue.nl one
(wine_reviews in parquet_url and minio_url, adult in minio_url only); their ARFF urls are
all on https://www.openml.org. Two descriptions are edited here to carry the others:
zoo's parquet_url on plain http://data.openml.org and its url on api.openml.org, and the
sparse Australian's url on api.openml.org. Only field values change (the same keys, in
the same order, in the recording's own JSON spelling): no new file shapes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

# label -> data_id, one per age of URL tested
AGES = {
    "today-https": 61,  # parquet_url https://data.openml.org/datasets/... (as the mirror builds it)
    "http-data-host": 62,  # parquet_url http://data.openml.org/datasets/..., url on api.openml.org
    "legacy-both": 42074,  # parquet_url and minio_url http://openml1.win.tue.nl/dataset42074/...
    "legacy-minio-only": 1590,  # minio_url only, http://openml1.win.tue.nl/dataset1590/...
    "api-arff-sparse": 292,  # sparse (ARFF only): url https://api.openml.org/data/v1/download/...
}
SPARSE_AGES = {"api-arff-sparse"}
URL_FIELDS = ("url", "parquet_url", "minio_url")  # the description's fields that name a data file

# (data_id, field): (the value sklearn's recording has, the value OpenML also writes)
EDITS = {
    (62, "parquet_url"): ("https://data.openml.org/datasets/0000/0062/dataset_62.pq",
                          "http://data.openml.org/datasets/0000/0062/dataset_62.pq"),
    (62, "url"): ("https://www.openml.org/data/v1/download/52352/zoo.arff",
                  "https://api.openml.org/data/v1/download/52352/zoo.arff"),
    (292, "url"): ("https://www.openml.org/data/v1/download/49822/Australian.sparse_arff",
                   "https://api.openml.org/data/v1/download/49822/Australian.sparse_arff"),
}


def description_path(root, data_id: int) -> Path:
    return Path(root) / "api" / "v1" / "json" / "data" / f"{data_id}.json"


def make_ages_mirror(mirror_dir, dest) -> dict:
    """Copy the mirror folder ``mirror_dir`` to ``dest`` (which must not exist) and make
    the EDITS there; returns AGES (label -> data_id)."""
    shutil.copytree(mirror_dir, dest)
    for (data_id, key), (old, new) in EDITS.items():
        path = description_path(dest, data_id)
        path.write_text(_with_value(path.read_text(encoding="utf-8"), key, old, new), encoding="utf-8")
    return dict(AGES)


def _with_value(text: str, key: str, old: str, new: str) -> str:
    """``text`` (a stored description) with the string value of ``key`` changed from
    ``old`` to ``new``, spelt as the recording spells its strings ("\\/" or "/");
    everything else byte for byte. Raises if the recording does not hold ``old``."""
    document = json.loads(text)
    found = document["data_set_description"].get(key)
    if found != old:
        raise ValueError(f"{key} is {found!r} in this recording, not {old!r}")
    # a key right after "{" or "," is a real key: quotes inside strings are escaped
    pattern = re.compile(r'(?<=[{,])(?P<head>\s*"' + re.escape(key) + r'"\s*:\s*)"(?:[^"\\]|\\.)*"')
    matches = list(pattern.finditer(text))
    if len(matches) != 1:
        raise ValueError(f"{len(matches)} places hold {key!r}; expected one")
    value = json.dumps(new, ensure_ascii=False)
    if "\\/" in matches[0].group(0):
        value = value.replace("/", "\\/")
    edited = text[:matches[0].start()] + matches[0]["head"] + value + text[matches[0].end():]
    expected = json.loads(text)
    expected["data_set_description"][key] = new
    got = json.loads(edited)
    if got != expected or list(got["data_set_description"]) != list(expected["data_set_description"]):
        raise ValueError(f"editing {key} went wrong")
    return edited
