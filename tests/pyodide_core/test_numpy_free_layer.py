"""openml-lite without numpy or pandas, inside Pyodide 0.27.7, 0.29.5 and 314.0.7 (see
conftest.py): the wheel installs and imports, and everything below the numpy/pandas line
works on real files from the local mirror. One Pyodide per runtime for the whole module
(pytest-pyodide's module-scoped `selenium`); the Chromium-only tests (a page's XHR, Cache
Storage, a module Web Worker) are not collected for node."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

from openml_lite.mirror.build import parquet_path_for  # noqa: E402
from support import SYNTHETIC_MNIST_ID  # noqa: E402

TITANIC, ZOO, MICE = 40945, 62, 40966  # strings + numbers; BOOLEAN columns; a null-type column
WIDE_COLUMNS = ["pixel784", "pixel5", "pixel400", "pixel401", "pixel700"]


@pytest.fixture(scope="module")
def mirror_file(mirror_dir, mirror_url):
    """data_id -> (URL, size, sha256) of the mirror's parquet file."""
    def describe(data_id: int):
        path = Path(mirror_dir) / parquet_path_for(data_id)
        data = path.read_bytes()
        return f"{mirror_url}/{parquet_path_for(data_id)}", len(data), hashlib.sha256(data).hexdigest()
    return describe


@pytest.fixture(scope="module")
def refused_url() -> str:
    """A 127.0.0.1 URL nothing listens on (a port just bound and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing"


# -- install and import ------------------------------------------------------------------

@pytest.mark.driver_timeout(120)
@run_in_pyodide
def _import_without_numpy(selenium, release):
    import sys

    import micropip

    import openml_lite
    from openml_lite import _compat
    import openml_lite.api  # noqa: F401
    import openml_lite.cache.browser  # noqa: F401
    import openml_lite.engines.js_engine  # noqa: F401
    import openml_lite.fetcher  # noqa: F401
    import openml_lite.parquet_footer  # noqa: F401
    import openml_lite.projection  # noqa: F401
    import openml_lite.transport.pyodide  # noqa: F401

    import pyodide

    assert pyodide.__version__ == release
    assert _compat.IN_PYODIDE
    loaded = sorted(name for name in ("numpy", "pandas", "pyarrow") if name in sys.modules)
    return openml_lite.__version__, micropip.__version__, loaded


def test_wheel_installs_with_micropip_and_imports_without_numpy(
        selenium_core, openml_lite_version, pyodide_release, pyodide_dist_dir):
    version, micropip_version, loaded = _import_without_numpy(selenium_core, pyodide_release)
    assert version == openml_lite_version
    lock = json.loads((pyodide_dist_dir / "pyodide-lock.json").read_text())
    assert micropip_version == lock["packages"]["micropip"]["version"]
    assert loaded == [], f"importing openml_lite loaded {loaded}"


@run_in_pyodide
def test_imports_from_bytecode_made_by_this_python(selenium_core):
    """build_wheels.sh adds unchecked-hash pycs made by this Pyodide's own Python to the
    wheel of its distribution (web/tools/add_pyc.mjs): they must be there, be used, match
    their .py, and be the only ones (no other Python's)."""
    import importlib.util
    import sys
    from pathlib import Path

    import openml_lite.api

    sources = sorted(Path(openml_lite.__file__).parent.rglob("*.py"))
    assert len(sources) > 20
    for source in sources:
        pyc = Path(importlib.util.cache_from_source(str(source))).read_bytes()
        assert pyc[:4] == importlib.util.MAGIC_NUMBER, source
        assert int.from_bytes(pyc[4:8], "little") == 0b01, source  # hash-based, unchecked
        assert pyc[8:16] == importlib.util.source_hash(source.read_bytes()), f"stale pyc for {source}"
        tags = {p.name.split(".")[1] for p in (source.parent / "__pycache__").glob(f"{source.stem}.*.pyc")}
        assert tags == {sys.implementation.cache_tag}, (source, tags)
    assert sys.implementation.cache_tag in openml_lite.api.__cached__
    assert Path(openml_lite.api.__cached__).is_file()


@run_in_pyodide
def _js_null(selenium):
    import pyodide.ffi
    from pyodide.code import run_js

    from openml_lite._compat import is_js_null

    value = run_js("({absent: null, zero: 0, empty: ''})")
    null = value.absent
    return (is_js_null(null), is_js_null(value.zero), is_js_null(value.empty), is_js_null(value),
            null is None, hasattr(pyodide.ffi, "jsnull") and null is pyodide.ffi.jsnull)


def test_is_js_null_on_a_real_js_null(selenium_core, pyodide_release):
    null, zero, empty, obj, is_none, is_jsnull = _js_null(selenium_core)
    assert (null, zero, empty, obj) == (True, False, False, False)
    if pyodide_release.startswith("0.27."):
        assert is_none and not is_jsnull
    else:  # from 0.28 on, JS null is pyodide.ffi.jsnull, not None
        assert is_jsnull and not is_none


# -- FetchTransport (pyfetch) and JSPI ------------------------------------------------------

@pytest.mark.driver_timeout(60)
@run_in_pyodide
async def _fetch(selenium, url, missing_url, refused_url):
    import hashlib
    import sys

    from openml_lite.transport import TransportError
    from openml_lite.transport.pyodide import FetchTransport

    transport = FetchTransport(timeout=20)
    seen = []
    answer = await transport.get(url, progress=lambda received, total: seen.append((received, total)))
    missing = await transport.get(missing_url)
    try:
        await transport.get(refused_url)
        refused = "no error"
    except TransportError as error:
        refused = f"TransportError: {error}"
    return (answer.status, answer.ok, len(answer.body), hashlib.sha256(answer.body).hexdigest(),
            answer.headers.get("content-length"), answer.headers.get("accept-ranges"), seen,
            missing.status, missing.ok, refused, "numpy" in sys.modules)


def test_fetch_transport_status_headers_body_progress_and_errors(selenium_core, mirror_file, mirror_url,
                                                                 refused_url):
    url, size, sha = mirror_file(SYNTHETIC_MNIST_ID)  # 2 MB: several chunks
    (status, ok, length, digest, content_length, accept_ranges, seen, missing_status, missing_ok,
     refused, numpy) = _fetch(selenium_core, url, f"{mirror_url}/datasets/no/such/file.pq", refused_url)
    assert (status, ok, length, digest) == (200, True, size, sha)
    assert (content_length, accept_ranges) == (str(size), "bytes")
    assert seen and tuple(seen[-1]) == (size, size), seen
    received = [r for r, _ in seen]
    assert received == sorted(received) and all(t == size for _, t in seen), seen
    assert (missing_status, missing_ok) == (404, False)  # an answer, not an exception
    assert refused.startswith("TransportError: no answer from " + refused_url), refused
    assert not numpy


@pytest.mark.driver_timeout(60)
@run_in_pyodide
def _jspi_fetch(selenium, url):
    # started by runPythonAsync (as run_in_pyodide does), synchronous code may block on JS
    import hashlib

    from openml_lite import _compat

    runtime = _compat.sync_runtime()
    response = runtime.run(runtime.transport.get(url))
    return runtime.name, runtime.blocking, response.status, hashlib.sha256(response.body).hexdigest()


def test_sync_runtime_is_jspi_and_its_run_sync_fetches(selenium_core, mirror_file, pyodide_release):
    url, _, sha = mirror_file(TITANIC)
    name, blocking, status, digest = _jspi_fetch(selenium_core, url)
    assert name == f"pyodide {pyodide_release} (JSPI)"
    assert (blocking, status, digest) == (False, 200, sha)


# -- range requests and the footer reader ----------------------------------------------------

@pytest.mark.driver_timeout(60)
@run_in_pyodide
async def _fetch_columns(selenium, url, columns):
    import sys

    from openml_lite import parquet_footer, projection
    from openml_lite.fetcher import Fetcher
    from openml_lite.transport.pyodide import FetchTransport

    fetcher = Fetcher(transport=FetchTransport(), blocking=False)
    progress = []
    part = await projection.fetch_columns(fetcher, url, columns, dataset="synthetic mnist",
                                          progress=lambda r, t: progress.append((r, t)))
    body = bytes(part.body)
    tail = body[-8:]
    footer = parquet_footer.parse_footer(body[-8 - parquet_footer.footer_length(tail):-8], len(body))
    return (len(body), part.downloaded, part.requests, footer.num_rows, footer.columns,
            footer.ranges(columns), [line.split()[0] for line in fetcher.log], bool(progress),
            "numpy" in sys.modules, _neutral(body, columns))  # noqa: F821


def test_range_requests_fetch_fewer_bytes_and_the_footer_reader_parses_them(
        selenium_core, mirror_file, mirror_dir, parquet_expectation):
    import pyarrow.parquet as pq

    url, size, _ = mirror_file(SYNTHETIC_MNIST_ID)
    (length, downloaded, requests, num_rows, columns, ranges, log, progressed, numpy,
     decoded) = _with_neutral(_fetch_columns)(selenium_core, url, WIDE_COLUMNS)
    metadata = pq.ParquetFile(Path(mirror_dir) / parquet_path_for(SYNTHETIC_MNIST_ID)).metadata
    assert length == size
    assert downloaded < size / 4, (downloaded, size)  # 5 of 785 columns + the footer
    assert requests >= 2 and log == ["http"] * requests
    assert num_rows == metadata.num_rows
    assert columns == metadata.schema.to_arrow_schema().names
    assert len(ranges) >= 1 and all(0 < start < end <= size for start, end in ranges)
    assert progressed and not numpy
    assert decoded == parquet_expectation(SYNTHETIC_MNIST_ID, WIDE_COLUMNS)  # from the partial file


# -- the JS decoder on real files, down to its own column form -------------------------------

# Defined inside Pyodide by _with_neutral: js_engine.decode's result as plain JSON-able data.
NEUTRAL_SOURCE = '''
def _neutral(data, columns=None):
    import math

    from openml_lite.engines import js_engine

    def number(v):
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v

    result = js_engine.decode(data, columns)
    rows = int(result.numRows)
    out = []
    for column in result.columns:
        kind = column.kind
        entry = {"name": column.name, "kind": kind, "length": rows}
        if kind == "numeric":
            values = column.array.to_py().tolist()
            entry.update(length=len(values), values=[number(v) for v in values])
        elif kind == "dictionary":
            codes = column.codes.to_py().tolist()
            levels = column.values.to_py()
            entry.update(length=len(codes), values=[levels[c] if c >= 0 else None for c in codes])
        elif kind == "boolean":
            codes = column.codes.to_py().tolist()
            entry.update(length=len(codes), values=[None if c < 0 else bool(c) for c in codes])
        out.append(entry)
    return {"num_rows": rows, "columns": out}
'''


def _with_neutral(function):
    """run_in_pyodide `function` with _neutral() defined in the Pyodide's __main__ first."""
    def call(selenium, *args):
        selenium.run(NEUTRAL_SOURCE + "\nimport builtins\nbuiltins._neutral = _neutral\n")
        return function(selenium, *args)
    return call


@pytest.mark.driver_timeout(60)
@run_in_pyodide
async def _decode_file(selenium, url):
    import sys

    from pyodide.http import pyfetch

    data = await (await pyfetch(url)).bytes()
    return _neutral(data), "numpy" in sys.modules  # noqa: F821


@pytest.mark.parametrize("data_id", [TITANIC, ZOO, MICE], ids=["titanic", "zoo-bool", "mice-null"])
def test_js_decoder_reads_mirror_files_as_pyarrow_does(selenium_core, mirror_file, parquet_expectation,
                                                      data_id):
    url, _, _ = mirror_file(data_id)
    decoded, numpy = _with_neutral(_decode_file)(selenium_core, url)
    expected = parquet_expectation(data_id)
    assert [c["name"] for c in decoded["columns"]] == [c["name"] for c in expected["columns"]]
    assert {c["kind"] for c in expected["columns"]} >= {
        TITANIC: {"numeric", "dictionary"}, ZOO: {"boolean"}, MICE: {"null"}}[data_id]
    for got, want in zip(decoded["columns"], expected["columns"]):
        assert got == want, got["name"]
    assert decoded["num_rows"] == expected["num_rows"]
    assert not numpy


# -- a load without numpy ----------------------------------------------------------------------

@pytest.mark.driver_timeout(120)
@run_in_pyodide
async def _load_without_numpy(selenium, mirror_url, simulate):
    import sys

    import openml_lite
    from openml_lite import MissingDependencyError
    from openml_lite._compat import _in_pyodide

    saved = _in_pyodide._load_package
    if simulate:  # numpy is in this dist dir: make it unobtainable, as on 0.29 / 314 offline
        async def failing_load_package(name):  # what loadPackage does for a file it cannot
            pass                                # fetch: it logs and resolves, raising nothing
        sys.modules["numpy"] = None
        _in_pyodide._load_package = failing_load_package
    try:
        try:
            await openml_lite.fetch_openml_async(data_id=40945, base_url=mirror_url, cache=False)
            outcome = ("loaded", "", "")
        except MissingDependencyError as error:
            outcome = ("MissingDependencyError", str(error), error.dataset)
        except Exception as error:
            outcome = (type(error).__name__, str(error), "")
        if outcome[0] == "loaded" or simulate:
            return outcome
        try:  # the sync API (JSPI) too
            openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False)
            return outcome + ("loaded",)
        except MissingDependencyError as error:
            return outcome + (type(error).__name__,)
    finally:
        if simulate:
            _in_pyodide._load_package = saved
            del sys.modules["numpy"]


def test_a_load_without_numpy_raises_missing_dependency_naming_the_dataset(
        selenium_core, mirror_url, numpy_obtainable, pyodide_release):
    outcome = _load_without_numpy(selenium_core, mirror_url, numpy_obtainable)
    if outcome[0] == "loaded":
        pytest.skip(f"numpy for Pyodide {pyodide_release} could be loaded here after all "
                    "(loadPackage fell back to the CDN, so this machine is online)")
    kind, message, dataset = outcome[:3]
    assert kind == "MissingDependencyError", message
    assert dataset == "data_id=40945" and "data_id=40945" in message and "numpy" in message
    if not numpy_obtainable:
        assert outcome[3:] == ("MissingDependencyError",)


# -- Chromium only: a page's synchronous XHR, Cache Storage, a module Web Worker ---------------

@pytest.mark.driver_timeout(60)
@run_in_pyodide
def _xhr_on_the_main_thread(selenium, url, missing_url, refused_url):
    import hashlib

    from openml_lite.transport import TransportError
    from openml_lite.transport.pyodide import XHRTransport, in_worker

    transport = XHRTransport()  # a page's main thread: the x-user-defined text trick
    answer = transport.get_blocking(url, headers={"Range": "bytes=0-99"})
    whole = transport.get_blocking(url)
    missing = transport.get_blocking(missing_url)
    try:
        transport.get_blocking(refused_url)
        refused = "no error"
    except TransportError as error:
        refused = f"TransportError: {error}"
    return (in_worker(), answer.status, answer.headers.get("content-range"), len(answer.body),
            whole.status, hashlib.sha256(whole.body).hexdigest(), missing.status, refused)


@pytest.mark.browser_only
def test_sync_xhr_on_the_page_main_thread(selenium_core, mirror_file, mirror_url, refused_url):
    url, size, sha = mirror_file(TITANIC)
    got = _xhr_on_the_main_thread(selenium_core, url, f"{mirror_url}/datasets/no/such/file.pq", refused_url)
    (worker, status, content_range, length, whole_status, digest, missing_status, refused) = got
    assert not worker
    assert (status, content_range, length) == (206, f"bytes 0-99/{size}", 100)
    assert (whole_status, digest) == (200, sha)  # every byte value survives the text trick
    assert missing_status == 404
    assert refused.startswith("TransportError: no answer from "), refused


@pytest.mark.driver_timeout(60)
@run_in_pyodide
async def _cache_storage_round_trip(selenium, key):
    from openml_lite.cache.browser import CacheStorage, has_cache_storage

    data = bytes(range(256)) * 1000
    cache = CacheStorage()
    before = await cache.get(key)
    await cache.put(key, data)
    same = await CacheStorage().get(key) == data  # another instance: it is in the browser
    await cache.drop(key)
    after = await CacheStorage().get(key)
    return has_cache_storage(), before, same, after


@pytest.mark.browser_only
def test_cache_storage_put_get_drop(selenium_core, mirror_url):
    key = f"{mirror_url}/cache-storage-test/{pytest.__version__}/{id(selenium_core)}.pq"
    assert _cache_storage_round_trip(selenium_core, key) == (True, None, True, None)


# A MODULE worker (Pyodide 314 refuses classic ones) made from a Blob, same origin as the
# page: boots Pyodide, installs the wheel (deps=False), then runs its Python by runPython, a
# sync entry where JSPI cannot block: the sync runtime must take synchronous XHR, binary.
WORKER_SOURCE = """
import {{ loadPyodide }} from {pyodide_mjs};
self.onmessage = async () => {{
  try {{
    const pyodide = await loadPyodide({{ indexURL: {index_url} }});
    await pyodide.loadPackage("micropip");
    await pyodide.runPythonAsync({install});
    self.postMessage({{ ok: pyodide.runPython({code}) }});
  }} catch (error) {{
    self.postMessage({{ error: String((error && error.message) || error) }});
  }}
}};
"""
RUN_WORKER = """
const url = URL.createObjectURL(new Blob([%s], { type: "text/javascript" }));
const worker = new Worker(url, { type: "module" });
const answer = await new Promise((resolve) => {
  worker.onmessage = (event) => resolve(event.data);
  worker.onerror = (event) => resolve({ error: "worker error: " + event.message });
  worker.postMessage(null);
});
worker.terminate();
return answer;
"""

WORKER_PY = """
import hashlib, json, sys
from openml_lite import _compat
from openml_lite.transport.pyodide import XHRTransport, in_worker
import pyodide.ffi
runtime = _compat.sync_runtime()
response = runtime.run(runtime.transport.get(URL))
direct = XHRTransport().get_blocking(URL, headers={"Range": "bytes=-100"})
json.dumps({"runtime": runtime.name, "transport": type(runtime.transport).__name__,
            "can_run_sync": pyodide.ffi.can_run_sync(), "in_worker": in_worker(),
            "status": response.status, "sha256": hashlib.sha256(response.body).hexdigest(),
            "range_status": direct.status, "range_length": len(direct.body),
            "numpy": "numpy" in sys.modules})
"""


@pytest.mark.browser_only
@pytest.mark.driver_timeout(180)
def test_sync_xhr_in_a_module_web_worker(selenium_core, pyodide_base_url, openml_lite_wheel_url,
                                         mirror_file, pyodide_release):
    url, _, sha = mirror_file(TITANIC)
    source = WORKER_SOURCE.format(
        pyodide_mjs=json.dumps(f"{pyodide_base_url}/pyodide.mjs"),
        index_url=json.dumps(f"{pyodide_base_url}/"),
        install=json.dumps(f"import micropip\nawait micropip.install({openml_lite_wheel_url!r}, deps=False)"),
        code=json.dumps(f"URL = {url!r}\n" + WORKER_PY))
    answer = selenium_core.run_js(RUN_WORKER % json.dumps(source))
    assert "error" not in answer, answer["error"]
    got = json.loads(answer["ok"])
    assert got == {"runtime": f"pyodide {pyodide_release} (sync XHR)", "transport": "XHRTransport",
                   "can_run_sync": False, "in_worker": True, "status": 200, "sha256": sha,
                   "range_status": 206, "range_length": 100, "numpy": False}
