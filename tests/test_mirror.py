"""The local OpenML mirror: built from sklearn's recorded fixtures, served over real HTTP.

Reference versions: scikit-learn 1.9.1 (its fixtures and bundled liac-arff), pyarrow 26.
Expectations come from the recorded files themselves, never from the mirror's code.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
arff = pytest.importorskip("sklearn.externals._arff")

from openml_lite.mirror import (  # noqa: E402
    MirrorServer, build_mirror, fixture_datasets, parquet_path_for)
from openml_lite.mirror.__main__ import main  # noqa: E402
from openml_lite.mirror.build import decode_fixture_name, default_fixtures_dir  # noqa: E402
from openml_lite.mirror.server import OPENML_ORIGINS, STAND_IN_ORIGINS  # noqa: E402
from openml_lite.servers import Server, relative_path  # noqa: E402

FIXTURES = default_fixtures_dir()
RECORDS = fixture_datasets()
BY_ID = {r["data_id"]: r for r in RECORDS}
DENSE = [r["data_id"] for r in RECORDS if r["has_parquet"]]
SPARSE = [r["data_id"] for r in RECORDS if r["format"].lower() == "sparse_arff"]
# Datasets whose recorded ARFF sklearn cut down: their features JSON still counts
# the missing values of the full dataset.
CUT_DOWN = {1, 2, 1119, 1590, 40966, 42074}
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.glob("id_*/*.gz"))


# -- helpers -------------------------------------------------------------------

def sklearn_file_name(url_path: str) -> str:
    """sklearn's test-suite ``_file_name``: URL -> fixture file name."""
    suffix = ".arff" if url_path.startswith("/data/v1/download") else ".json"
    out = re.sub(r"\W", "-", url_path.lstrip("/")) + suffix + ".gz"
    for long, short in [("-json-data-list", "-jdl"), ("-json-data-features", "-jdf"),
                        ("-json-data-qualities", "-jdq"), ("-json-data", "-jd"),
                        ("-data_name", "-dn"), ("-download", "-dl"), ("-limit", "-l"),
                        ("-data_version", "-dv"), ("-status", "-s"),
                        ("-deactivated", "-dact"), ("-active", "-act")]:
        out = out.replace(long, short)
    return out


def recorded(url_path: str) -> bytes:
    """The recorded body sklearn's fixtures hold for ``url_path``."""
    (path,) = {p for p in FIXTURES.glob("id_*/" + sklearn_file_name(url_path))}
    return gzip.decompress(path.read_bytes())


def recorded_names(prefix: str) -> list[str]:
    return [decode_fixture_name(n) for n in FIXTURE_NAMES if n.startswith(prefix)]


def rewritten(text: str, origin: str, origins=STAND_IN_ORIGINS) -> str:
    for o in origins:
        text = text.replace(o, origin).replace(o.replace("/", "\\/"), origin.replace("/", "\\/"))
    return text


def fetch(url, method="GET", headers=None, data=None):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        try:
            return err.code, err.headers, err.read()
        finally:
            err.close()


def parsed_arff(data_id: int) -> dict:
    rec = BY_ID[data_id]
    body = recorded(f"/data/v1/download/{rec['file_id']}")
    return arff.loads(body.decode(), return_type=arff.DENSE)


def features_of(data_id: int) -> list[dict]:
    doc = json.loads(recorded(f"/api/v1/json/data/features/{data_id}"))
    feats = doc["data_features"]["feature"]
    return sorted(feats, key=lambda f: int(f["index"]))


def openml_numeric_type(values, arff_type):
    """openml-python's rules on the ARFF values (../shared/notes/openml.md): missing in
    every row -> null; whole numbers in 0..255, none missing -> uint8; INTEGER with none
    missing -> int64; else double."""
    present = [v for v in values if v is not None]
    if not present:
        return pa.null()
    if len(present) == len(values) and all(float(v).is_integer() and 0 <= v <= 255 for v in values):
        return pa.uint8()
    if arff_type == "INTEGER" and len(present) == len(values):
        return pa.int64()
    return pa.float64()


def is_true_false(levels) -> bool:
    return len(levels) == 2 and {str(v).lower() for v in levels} == {"true", "false"}


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirror")
    return root, build_mirror(root)


@pytest.fixture(scope="module")
def server(mirror):
    with MirrorServer(mirror[0]) as srv:
        yield srv


def description(server, data_id, headers=None) -> dict:
    status, _, body = fetch(f"{server.url}/api/v1/json/data/{data_id}", headers=headers)
    assert status == 200
    return json.loads(body)["data_set_description"]


# -- build -------------------------------------------------------------------------

def test_fixture_names_decode_to_the_urls_sklearn_requests():
    assert FIXTURE_NAMES
    for name in FIXTURE_NAMES:
        assert sklearn_file_name(decode_fixture_name(name)) == name
    assert decode_fixture_name("api-v1-jdl-dn-adult-census-l-2-s-act-.json.gz") == (
        "/api/v1/json/data/list/data_name/adult-census/limit/2/status/active/")
    assert decode_fixture_name("api-v1-jdl-dn-glass2-l-2-dv-1-s-dact.json.gz") == (
        "/api/v1/json/data/list/data_name/glass2/limit/2/data_version/1/status/deactivated")
    assert decode_fixture_name("data-v1-dl-54002.arff.gz") == "/data/v1/download/54002"
    assert decode_fixture_name("__init__.py") is None
    with pytest.raises(ValueError):
        decode_fixture_name("api-v1-unknown-1.json.gz")


def test_parquet_path_for():
    assert parquet_path_for(61) == "datasets/0000/0061/dataset_61.pq"
    assert parquet_path_for(42074) == "datasets/0004/42074/dataset_42074.pq"
    assert parquet_path_for("40945") == "datasets/0004/40945/dataset_40945.pq"


def test_build_records_and_layout(mirror):
    root, records = mirror
    assert records == RECORDS
    assert json.loads((root / "mirror.json").read_text()) == records
    # Every recorded response is in the mirror, uncompressed, at its URL's place
    # (descriptions that gained a parquet_url are compared field by field below; the
    # counts of cut-down datasets in test_served_counts_describe_the_served_parquet).
    edited = {f"/api/v1/json/data/{i}" for i in DENSE}
    edited |= {f"/api/v1/json/data/{kind}/{i}" for i in CUT_DOWN for kind in ("features", "qualities")}
    for name in FIXTURE_NAMES:
        url = decode_fixture_name(name)
        if url.startswith("/data/v1/download/"):
            rel = url.lstrip("/") + ".arff"
        else:
            rel = url.strip("/") + ".json"
        if url not in edited:
            assert (root / rel).read_bytes() == recorded(url), rel
    # Files are routed by name: id_292 also holds dataset 40981.
    assert (root / "api/v1/json/data/40981.json").is_file()
    assert sorted(SPARSE) == [292, 40981]
    assert set(DENSE) == {r["data_id"] for r in RECORDS} - set(SPARSE)
    for rec in records:
        assert (root / parquet_path_for(rec["data_id"])).is_file() == rec["has_parquet"]
        sparse = rec["data_id"] in SPARSE
        assert rec["n_rows"] == len(arff.loads(
            recorded(f"/data/v1/download/{rec['file_id']}").decode(),
            return_type=arff.LOD if sparse else arff.DENSE)["data"])
    assert BY_ID[40675]["lookups"] == [
        "/api/v1/json/data/list/data_name/glass2/limit/2/data_version/1",
        "/api/v1/json/data/list/data_name/glass2/limit/2/data_version/1/status/deactivated",
        "/api/v1/json/data/list/data_name/glass2/limit/2/status/active/",
    ]


@pytest.mark.parametrize("data_id", DENSE)
def test_parquet_matches_arff_and_features(mirror, data_id):
    root, _ = mirror
    path = root / parquet_path_for(data_id)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 1
    table = pq.read_table(path)
    parsed, feats = parsed_arff(data_id), features_of(data_id)
    rows = parsed["data"]
    assert table.num_rows == len(rows) == BY_ID[data_id]["n_rows"]
    assert table.column_names == [f["name"] for f in feats] == [a[0] for a in parsed["attributes"]]
    missing_differs = False
    for i, (feat, (name, arff_type)) in enumerate(zip(feats, parsed["attributes"])):
        values = [row[i] for row in rows]
        column = table.column(name)
        chunk = meta.row_group(0).column(i)
        assert chunk.compression == "SNAPPY"
        assert column.null_count == sum(v is None for v in values), name
        missing_differs |= column.null_count != int(feat["number_of_missing_values"])
        if feat["data_type"] == "nominal" and is_true_false(arff_type):
            # OpenML's converter makes {true, false} nominals booleans: the spelling is lost
            assert column.type == pa.bool_(), name
            assert column.to_pylist() == [None if v is None else v.lower() == "true" for v in values], name
            continue
        assert column.to_pylist() == values, name
        if feat["data_type"] == "nominal":
            levels = [v for v in arff_type if v is not None]  # a declared "?" is no level
            index = pa.int8() if len(levels) < 127 else pa.int16()
            assert column.type == pa.dictionary(index, pa.string(), ordered=True), name
            assert column.combine_chunks().dictionary.to_pylist() == levels, name
            assert chunk.has_dictionary_page
        elif feat["data_type"] in ("numeric", "real", "integer"):
            assert column.type == openml_numeric_type(values, arff_type), name
        else:
            expected = pa.null() if all(v is None for v in values) else pa.string()
            assert feat["data_type"] == "string" and column.type == expected, name
    assert missing_differs == (data_id in CUT_DOWN)


def test_parquet_types_on_known_columns(mirror):
    root, _ = mirror

    def schema(data_id):
        return pq.read_schema(root / parquet_path_for(data_id))

    def levels(data_id, name):
        table = pq.read_table(root / parquet_path_for(data_id), columns=[name])
        return table.column(name).combine_chunks().dictionary.to_pylist()

    assert schema(61).field("sepallength").type == pa.float64()
    assert schema(62).field("legs").type == pa.uint8()
    assert schema(561).field("MMAX").type == pa.float64()  # whole, but above 255
    assert schema(1119).field("fnlwgt:").type == pa.float64()
    assert schema(42074).field("points").type == pa.uint8()  # ARFF INTEGER
    # none missing in the 10 rows served (13695 in the full data: double in OpenML's file);
    # whole numbers written "15.0": sklearn reads float64 (docs: "Parity with scikit-learn")
    assert schema(42074).field("price").type == pa.uint8()
    assert schema(62).field("hair").type == pa.bool_()  # {false, true}
    assert schema(40589).field("amazed.suprised").type == pa.bool_()  # {FALSE, TRUE}
    assert schema(40966).field("BCL2_N").type == pa.null()  # missing in the 7 rows served
    assert schema(1).field("family").type == pa.dictionary(pa.int8(), pa.string(), True)  # all missing
    assert schema(42074).field("region_2").type == pa.string()
    assert schema(40945).field("age").type == pa.float64()  # has missing values
    assert schema(40966).field("MouseID").type == pa.dictionary(pa.int16(), pa.string(), True)
    assert len(levels(40966, "MouseID")) == 1080  # 7 rows, every declared level kept
    assert levels(2, "family") == ["GB", "GK", "GS", "TN", "ZA", "ZF", "ZH", "ZM", "ZS"]
    assert levels(42585, "sex") == ["FEMALE", "MALE", "_"]  # ARFF declares {?,FEMALE,MALE,_}
    # ARFF-declared order, not the sorted order of the features JSON.
    assert levels(1590, "class") == [">50K", "<=50K"]


def test_build_fails_loudly_on_arff_feature_mismatch(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES / "id_61", fixtures / "id_61")
    feats_file = fixtures / "id_61" / "api-v1-jdf-61.json.gz"
    doc = json.loads(gzip.decompress(feats_file.read_bytes()))
    doc["data_features"]["feature"][0]["name"] = "renamed"
    feats_file.write_bytes(gzip.compress(json.dumps(doc).encode()))
    with pytest.raises(ValueError, match="do not match"):
        build_mirror(tmp_path / "mirror", fixtures_dir=fixtures)
    assert not (tmp_path / "mirror" / parquet_path_for(61)).exists()


def test_cli_build(tmp_path, capsys):
    fixtures = tmp_path / "fixtures"
    for folder in ("id_61", "id_292"):
        shutil.copytree(FIXTURES / folder, fixtures / folder)
    assert main(["build", str(tmp_path / "m"), "--fixtures", str(fixtures)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [int(line.split()[0]) for line in lines] == [61, 292, 40981]
    assert (tmp_path / "m" / parquet_path_for(61)).is_file()
    assert not (tmp_path / "m" / parquet_path_for(292)).exists()


# -- serve: documents ------------------------------------------------------------

@pytest.mark.parametrize("data_id", [r["data_id"] for r in RECORDS])
def test_served_description_is_the_recording(server, data_id):
    status, headers, body = fetch(f"{server.url}/api/v1/json/data/{data_id}")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert int(headers["Content-Length"]) == len(body)
    served = json.loads(body)["data_set_description"]
    original = json.loads(recorded(f"/api/v1/json/data/{data_id}"))["data_set_description"]
    pq_url = f"{server.url}/{parquet_path_for(data_id)}"
    # a parquet_url of today's form where the recording names none; any other URL as recorded,
    # only the hosts the mirror stands in for (www, data.openml.org) answered with its own
    names_one = original.get("parquet_url") or original.get("minio_url")
    expected = {}
    for key, value in original.items():
        expected[key] = rewritten(value, server.url) if isinstance(value, str) else value
        if key == "url" and BY_ID[data_id]["has_parquet"] and not names_one:
            expected["parquet_url"] = pq_url
    assert list(served.items()) == list(expected.items())
    # Served text = stored text with origins rewritten; untouched ones = the recording.
    stored = (server.root / f"api/v1/json/data/{data_id}.json").read_text()
    assert body.decode() == rewritten(stored, server.url)
    if not BY_ID[data_id]["has_parquet"]:
        assert stored == recorded(f"/api/v1/json/data/{data_id}").decode()


@pytest.mark.parametrize("prefix", ["api-v1-jdf-", "api-v1-jdq-", "api-v1-jdl-"])
def test_served_features_qualities_lookups_are_the_recordings(server, prefix):
    urls = recorded_names(prefix)
    assert urls
    for url in urls:
        status, headers, body = fetch(server.url + url)
        original = recorded(url)
        if int(url.rsplit("/", 1)[1] if "/list/" not in url else 0) in CUT_DOWN:
            # counts rewritten to describe the cut-down data (next test); all else as recorded
            assert _without_counts(json.loads(body)) == _without_counts(json.loads(original)), url
        else:
            assert body.decode() == rewritten(original.decode(), server.url), url
        assert status == (412 if "error" in json.loads(original) else 200), url
        assert headers["Content-Type"] == "application/json"


_COUNTS = ("number_of_missing_values", "NumberOfInstances", "NumberOfMissingValues",
           "NumberOfInstancesWithMissingValues")


def _without_counts(doc):
    if isinstance(doc, dict):
        if doc.get("name") in _COUNTS:
            return {k: v for k, v in doc.items() if k != "value"}
        return {k: _without_counts(v) for k, v in doc.items() if k not in _COUNTS}
    if isinstance(doc, list):
        return [_without_counts(v) for v in doc]
    return doc


@pytest.mark.parametrize("data_id", DENSE)
def test_served_counts_describe_the_served_parquet(mirror, server, data_id):
    """Every dense dataset: features' missing counts and the qualities' row count equal
    what the parquet file holds (cut-down fixtures had their counts rewritten)."""
    root, _ = mirror
    table = pq.read_table(root / parquet_path_for(data_id))
    _, _, body = fetch(f"{server.url}/api/v1/json/data/features/{data_id}")
    for feature in json.loads(body)["data_features"]["feature"]:
        assert int(feature["number_of_missing_values"]) == table.column(feature["name"]).null_count
    status, _, body = fetch(f"{server.url}/api/v1/json/data/qualities/{data_id}")
    if status == 200:
        qualities = {q["name"]: q["value"] for q in json.loads(body)["data_qualities"]["quality"]}
        assert int(float(qualities["NumberOfInstances"])) == table.num_rows
    assert BY_ID[data_id]["cut_down"] == (data_id in CUT_DOWN)


def test_error_body_lookups_answer_412(server):
    for url in ("/api/v1/json/data/list/data_name/glass2/limit/2/status/active/",
                "/api/v1/json/data/list/data_name/australian/limit/2/data_version/1"):
        status, _, body = fetch(server.url + url)
        assert status == 412 and json.loads(body)["error"]["code"] == "372"
    status, _, body = fetch(server.url + "/api/v1/json/data/qualities/1")  # recorded error
    assert status == 412 and json.loads(body)["error"]["code"] == "364"


def test_legacy_urls_stay_as_openml_wrote_them(server):
    """wine_reviews (42074) as scikit-learn recorded it from OpenML: both parquet fields on
    the older plain-http host; adult (1590): its minio_url there, no parquet_url."""
    wine = description(server, 42074)
    legacy = "http://openml1.win.tue.nl/dataset42074/dataset_42074.pq"
    assert wine["parquet_url"] == wine["minio_url"] == legacy
    adult = description(server, 1590)
    assert adult["minio_url"] == "http://openml1.win.tue.nl/dataset1590/dataset_1590.pq"
    assert "parquet_url" not in adult


def test_rewrite_all_origins_leads_every_url_here(mirror):
    with MirrorServer(mirror[0], rewrite_all_origins=True) as srv:
        wine = description(srv, 42074)
        assert wine["parquet_url"] == f"{srv.url}/dataset42074/dataset_42074.pq"
        status, _, body = fetch(wine["parquet_url"])  # the older path form is served too
        assert status == 200 and body == (srv.root / parquet_path_for(42074)).read_bytes()
        original = recorded("/api/v1/json/data/42074").decode()
        stored = (srv.root / "api/v1/json/data/42074.json").read_text()
        assert stored == original
        status, _, body = fetch(f"{srv.url}/api/v1/json/data/42074")
        assert body.decode() == rewritten(stored, srv.url, OPENML_ORIGINS)


@pytest.mark.parametrize("data_id", DENSE + SPARSE)
def test_description_urls_lead_to_the_mirror(server, data_id):
    """The ARFF url and the parquet file, as a client maps them (servers.py): every age of
    URL in the recordings leads to the mirror's files."""
    desc = description(server, data_id)
    assert desc["url"].startswith(f"{server.url}/data/v1/download/{desc['file_id']}/")
    status, headers, body = fetch(desc["url"])
    assert status == 200 and headers["Content-Type"] == "text/plain"
    assert body == recorded(f"/data/v1/download/{desc['file_id']}")
    assert hashlib.md5(body).hexdigest() == desc["md5_checksum"]
    if data_id in SPARSE:
        assert "parquet_url" not in desc and "minio_url" not in desc
        return
    named = desc.get("parquet_url") or desc["minio_url"]
    assert relative_path(named, [Server.at(server.url)]) == parquet_path_for(data_id)
    status, headers, body = fetch(f"{server.url}/{parquet_path_for(data_id)}")
    assert status == 200 and headers["Content-Type"] == "application/octet-stream"
    assert headers["Accept-Ranges"] == "bytes"
    assert body == (server.root / parquet_path_for(data_id)).read_bytes()


def test_origin_follows_the_host_header(server):
    host = f"localhost:{server.port}"
    desc = description(server, 61, headers={"Host": host})
    assert desc["url"] == f"http://{host}/data/v1/download/61/iris.arff"
    assert desc["parquet_url"] == f"http://{host}/datasets/0000/0061/dataset_61.pq"


def test_unknown_things(server):
    cases = {
        "/api/v1/json/data/99999999": ("111", "Unknown dataset"),
        "/api/v1/json/data/features/99999999": ("272", "No features found"),
        "/api/v1/json/data/qualities/99999999": ("362", "No qualities found"),
        "/api/v1/json/data/list/data_name/nosuch/limit/2/status/active/": ("372", "No results"),
    }
    for path, (code, message) in cases.items():
        status, headers, body = fetch(server.url + path)
        assert status == 412 and headers["Content-Type"] == "application/json", path
        assert json.loads(body) == {"error": {"code": code, "message": message}}
    for path in ("/nope", "/api/v1/json/data/not-a-number", "/data/v1/download/99999999/x.arff",
                 "/" + parquet_path_for(292), "/datasets/..%2F..%2Fmirror.json.pq",
                 "/api/v1/json/data/list/..%2F..%2F..%2F..%2F..%2Fmirror"):
        status, headers, _ = fetch(server.url + path)
        assert status == 404 and headers["Content-Type"] == "text/plain", path


def test_gzip_when_asked(server):
    for path in ("/api/v1/json/data/61", "/data/v1/download/61/iris.arff"):
        _, _, plain = fetch(server.url + path)
        status, headers, body = fetch(server.url + path, headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert int(headers["Content-Length"]) == len(body)
        assert gzip.decompress(body) == plain
    status, headers, body = fetch(server.url + "/api/v1/json/data/99999999",
                                  headers={"Accept-Encoding": "gzip"})
    assert status == 412 and json.loads(gzip.decompress(body))["error"]["code"] == "111"
    parquet = "/" + parquet_path_for(61)
    status, headers, body = fetch(server.url + parquet, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and "Content-Encoding" not in headers and body[:4] == b"PAR1"
    status, headers, _ = fetch(server.url + "/api/v1/json/data/61",
                               headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in headers


def test_range_requests(server):
    url = f"{server.url}/{parquet_path_for(40945)}"
    data = (server.root / parquet_path_for(40945)).read_bytes()
    size = len(data)
    for rng, (start, end) in {"bytes=0-3": (0, 3), "bytes=-8": (size - 8, size - 1),
                              "bytes=100-": (100, size - 1),
                              "bytes=10-99999999": (10, size - 1)}.items():
        status, headers, body = fetch(url, headers={"Range": rng})
        assert status == 206, rng
        assert headers["Content-Range"] == f"bytes {start}-{end}/{size}"
        assert int(headers["Content-Length"]) == len(body) and body == data[start:end + 1]
        assert headers["Accept-Ranges"] == "bytes"
    assert fetch(url, headers={"Range": "bytes=-4"})[2] == b"PAR1"  # parquet footer magic
    for rng in (f"bytes={size}-", "bytes=-0"):
        status, headers, _ = fetch(url, headers={"Range": rng})
        assert status == 416 and headers["Content-Range"] == f"bytes */{size}"
    # A range of an ARFF is raw bytes even when gzip is welcome.
    status, headers, body = fetch(f"{server.url}/data/v1/download/61",
                                  headers={"Range": "bytes=0-9", "Accept-Encoding": "gzip"})
    assert status == 206 and "Content-Encoding" not in headers
    assert body == recorded("/data/v1/download/61")[:10]
    status, headers, body = fetch(url, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == size
    assert headers["Accept-Ranges"] == "bytes"


def test_cors(server):
    expose = {"Content-Length", "Content-Range", "Accept-Ranges"}  # not Content-Encoding (server.py)
    for path, headers, status in [("/api/v1/json/data/61", {}, 200), ("/nope", {}, 404),
                                  ("/api/v1/json/data/99999999", {}, 412),
                                  ("/" + parquet_path_for(61), {"Range": "bytes=0-3"}, 206)]:
        got, resp_headers, _ = fetch(server.url + path, headers=headers)
        assert got == status
        assert resp_headers["Access-Control-Allow-Origin"] == "*"
        exposed = resp_headers["Access-Control-Expose-Headers"].split(",")
        assert {h.strip() for h in exposed} == expose
    preflight = {"Origin": "http://example.test", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "range"}
    status, headers, body = fetch(server.url + "/" + parquet_path_for(61), method="OPTIONS",
                                  headers=preflight)
    assert status == 204 and body == b""
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert {m.strip() for m in headers["Access-Control-Allow-Methods"].split(",")} >= {
        "GET", "HEAD", "OPTIONS"}
    assert {h.strip() for h in headers["Access-Control-Allow-Headers"].split(",")} >= {"*", "Range"}


def test_request_log_and_reset(server):
    assert fetch(server.url + "/_mirror/reset", method="POST", data=b"")[0] == 200
    assert server.requests == []
    fetch(server.url + "/api/v1/json/data/61")
    fetch(f"{server.url}/{parquet_path_for(61)}", headers={"Range": "bytes=0-3"})
    fetch(server.url + "/nope")
    expected = [
        {"method": "GET", "path": "/api/v1/json/data/61", "status": 200, "range": None, "fault": None},
        {"method": "GET", "path": "/" + parquet_path_for(61), "status": 206,
         "range": "bytes=0-3", "fault": None},
        {"method": "GET", "path": "/nope", "status": 404, "range": None, "fault": None},
    ]
    status, _, body = fetch(server.url + "/_mirror/requests")
    assert status == 200 and json.loads(body) == expected
    assert server.requests == expected
    status, _, body = fetch(server.url + "/_mirror/reset", method="POST", data=b"x")
    assert status == 200 and json.loads(body) == {"cleared": 3}
    assert json.loads(fetch(server.url + "/_mirror/requests")[2]) == []
    fetch(server.url + "/nope")
    assert fetch(server.url + "/_mirror/reset")[0] == 200  # GET works too
    assert server.requests == []


def test_keep_alive(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        sock = None
        for method, path, status in [("GET", "/api/v1/json/data/61", 200),
                                     ("HEAD", "/" + parquet_path_for(61), 200),
                                     ("GET", "/api/v1/json/data/99999999", 412),
                                     ("GET", "/nope", 404),
                                     ("GET", "/data/v1/download/61", 200)]:
            conn.request(method, path)
            resp = conn.getresponse()
            body = resp.read()
            assert resp.status == status and not resp.will_close
            assert len(body) == (0 if method == "HEAD" else int(resp.headers["Content-Length"]))
            sock = sock or conn.sock
            assert conn.sock is sock  # still the same connection
    finally:
        conn.close()


def test_servers_pick_free_ports_and_stop(mirror):
    with MirrorServer(mirror[0]) as a, MirrorServer(mirror[0]) as b:
        assert a.port != b.port and a.url == f"http://127.0.0.1:{a.port}"
        assert fetch(a.url + "/api/v1/json/data/61")[0] == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(a.url + "/api/v1/json/data/61", timeout=5)


def test_sklearn_fetch_openml_through_the_mirror(server, tmp_path, monkeypatch):
    # sklearn's own client (gzip, 412 fallbacks, md5 check) against the mirror.
    openml = pytest.importorskip("sklearn.datasets._openml")
    for const in ("_SEARCH_NAME", "_DATA_INFO", "_DATA_FEATURES", "_DATA_QUALITIES"):
        monkeypatch.setattr(openml, const, getattr(openml, const).replace(
            "https://www.openml.org", server.url))
    from sklearn.datasets import fetch_openml

    iris = fetch_openml(name="iris", version=1, data_home=str(tmp_path), as_frame=True,
                        parser="pandas")
    assert iris.frame.shape == (150, 5) and iris.details["id"] == "61"
    # version 1 of glass2 is deactivated: the first lookup is a recorded 412.
    with pytest.warns(UserWarning, match="is inactive"):
        glass = fetch_openml(name="glass2", version=1, data_home=str(tmp_path),
                             as_frame=False, parser="liac-arff")
    assert glass.data.shape == (163, 9)


def test_cli_serve(mirror):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(__file__).resolve().parents[1] / "src"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "openml_lite.mirror", "serve", str(mirror[0]), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            assert sel.select(timeout=20), "no output from the serve command"
        line = proc.stdout.readline().rstrip("\n")
        m = re.fullmatch(r"serving (.+) at (http://127\.0\.0\.1:(\d+))", line)
        assert m and m.group(1) == str(mirror[0]), line
        status, _, body = fetch(m.group(2) + "/api/v1/json/data/61")
        assert status == 200
        assert json.loads(body)["data_set_description"]["url"].startswith(m.group(2) + "/")
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_every_dataset_loads_by_its_name(mirror_dir, mirror_url):
    """OpenML answers a name lookup for every dataset; the mirror does too (recorded where
    sklearn recorded one, else built from the dataset's own description and qualities):
    the demo page offers datasets by name, and "titanic" must find Titanic."""
    import json
    import warnings

    import openml_lite

    from pathlib import Path

    records = json.loads((Path(mirror_dir) / "mirror.json").read_text())
    for record in records:
        if not record["has_parquet"]:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (deactivated versions warn)
            bunch = openml_lite.fetch_openml(record["name"].lower(), version=record["version"],
                                             base_url=mirror_url, cache=False)
        assert int(bunch.details["id"]) == record["data_id"], record
    active = {}
    for record in sorted(records, key=lambda r: r["version"]):
        if record["status"] == "active":
            active.setdefault(record["name"].lower(), record["data_id"])
    titanic = openml_lite.fetch_openml("titanic", base_url=mirror_url, cache=False)
    assert int(titanic.details["id"]) == active["titanic"] == 40945
