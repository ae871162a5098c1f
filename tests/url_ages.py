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


# Python for inside Pyodide (Node, a browser page), exec'd after tests/pyodide/fingerprint.py:
# `await load_ages(base_url, ages)` loads each age with fetch_openml_async through a transport
# that records every URL asked and refuses (without asking) any URL not on `base_url`'s
# origin; label -> the load's fingerprint (or its error), source, engine, data URL, served
# documents, warning categories, URLs asked and refused.
LOAD_AGES_SOURCE = """
import warnings
from urllib.parse import urlsplit

import openml_lite
from openml_lite.transport import TransportError
from openml_lite.transport.pyodide import FetchTransport


class OnlyTheMirror:
    def __init__(self, base_url):
        self.inner, self.origin = FetchTransport(), urlsplit(base_url)[:2]
        self.asked, self.refused = [], []

    async def get(self, url, *, headers=None, progress=None):
        if urlsplit(url)[:2] != self.origin:
            self.refused.append(url)
            raise TransportError(f"{url} is not on the mirror (refused by the test)")
        self.asked.append(url)
        return await self.inner.get(url, headers=headers, progress=progress)


async def load_ages(base_url, ages):
    out = {}
    for label, data_id in ages.items():
        transport = OnlyTheMirror(base_url)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = await openml_lite.fetch_openml_async(
                    data_id=data_id, base_url=base_url, cache=False, transport=transport)
                outcome, report = fingerprint(dict(result)), openml_lite.last_load_report()
            except Exception as error:
                outcome, report = {"raised": f"{type(error).__name__}: {error}"}, None
        out[label] = {
            "outcome": outcome,
            "source": report and report.source,
            "engine": report and report.engine,
            "data_url": report and report.data_url,
            "served": report and report.served,
            "warnings": sorted({w.category.__name__ for w in caught}),
            "asked": transport.asked,
            "refused": transport.refused,
        }
    return out
"""


def check_ages(got: dict, expected: dict, mirror) -> None:
    """load_ages' answer against CPython's fingerprints ``expected``: each age CPython's
    result, every document from ``mirror`` (a MirrorServer), nothing asked elsewhere; dense
    ones from the canonical datasets/ parquet path with no ARFF fallback, the sparse one
    from its ARFF on the mirror, and no other ARFF asked."""
    import json
    from urllib.parse import urlsplit

    from openml_lite.mirror import parquet_path_for

    paths = [r["path"] for r in mirror.requests]
    assert list(got) == list(AGES)
    for label, data_id in AGES.items():
        load = got[label]
        assert load["refused"] == [] and load["asked"], (label, load["refused"])
        assert load["outcome"] == expected[label], f"{label}: {json.dumps(load['outcome'])[:300]}"
        assert load["served"] and all(s["url"].startswith(mirror.url + "/") and s["server"] == mirror.url
                                      for s in load["served"]), (label, load["served"])
        if label in SPARSE_AGES:
            assert load["source"] == "arff", label
            assert load["data_url"].startswith(f"{mirror.url}/data/v1/download/"), (label, load["data_url"])
            assert "ArffFallbackWarning" in load["warnings"], label
            assert urlsplit(load["data_url"]).path in paths, label
        else:
            parquet = f"{mirror.url}/{parquet_path_for(data_id)}"
            assert (load["source"], load["data_url"]) == ("parquet", parquet), label
            assert "ArffFallbackWarning" not in load["warnings"], label
            assert f"/{parquet_path_for(data_id)}" in paths, label
    sparse_arff = {urlsplit(got[label]["data_url"]).path for label in SPARSE_AGES}
    assert [p for p in paths if p.startswith("/data/v1/download/") and p not in sparse_arff] == []
