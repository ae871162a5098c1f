"""Test helpers shared by the test modules (fixtures live in conftest.py).

Kept out of conftest.py because tests/pyodide has a conftest.py of its own, and two
modules both imported as "conftest" do not mix.
"""

from __future__ import annotations

import contextlib
import functools
import warnings

from openml_lite.mirror import fixture_datasets

# Chromium flags for every browser test: nothing leaves the machine (no background
# networking, every host but 127.0.0.1 "not found", a dead proxy for anything else;
# loopback always bypasses proxies). Tests add --headless=new etc. as they need.
CHROMIUM_OFFLINE_FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
]

DATASETS = fixture_datasets()
DENSE = [d for d in DATASETS if d["has_parquet"]]
SPARSE = [d for d in DATASETS if not d["has_parquet"]]
# The generated mnist_784-shaped dataset every test mirror also holds (tests/run.sh
# builds it with the same row count): 785 columns, a footer larger than one range request.
SYNTHETIC_MNIST_ROWS = 2000
SYNTHETIC_MNIST_ID = 990002


def recorded_features(data_id: int) -> list[dict]:
    """The features JSON as sklearn recorded it (for choosing test arguments)."""
    import gzip
    import json
    from pathlib import Path

    import sklearn.datasets.tests.data.openml as recorded

    root = Path(recorded.__file__).parent
    path = next(root.glob(f"id_*/api-v1-jdf-{data_id}.json.gz"))
    return json.loads(gzip.decompress(path.read_bytes()))["data_features"]["feature"]


def target_list(data_id: int) -> list[str]:
    """Two targets of one kind (sklearn wants homogeneous multi-targets), complete, in
    reverse file order so that target order != frame order is exercised."""
    features = [f for f in recorded_features(data_id)
                if f["is_ignore"] != "true" and f["is_row_identifier"] != "true"
                and f["number_of_missing_values"] == "0"]
    for numeric in (False, True):
        same_kind = [f["name"] for f in features if (f["data_type"] == "numeric") == numeric]
        if len(same_kind) >= 2:
            return [same_kind[-1], same_kind[0]]
    return [features[0]["name"]]


class MirrorLog:
    """The mirror's request log, read over HTTP (works for a mirror started by .ci/run)."""

    def __init__(self, url: str):
        self.url = url

    def reset(self) -> None:
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(f"{self.url}/_mirror/reset", method="POST")).close()

    def paths(self) -> list[str]:
        return [r["path"] for r in self.records()]

    def records(self) -> list[dict]:
        """Every request since the last reset: method, path, status, range, fault."""
        import json
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/_mirror/requests") as answer:
            return json.load(answer)


class RewritingTransport:
    """Real HTTP to the mirror, with the answer for matching URLs changed by ``rewrite``
    (a status to answer instead, or a function of the Response): how tests stand in
    for a server that lacks a file or sends bad bytes until the fault mirror exists."""

    def __init__(self, match: str, rewrite):
        from openml_lite.transport.native import UrllibTransport

        self.inner = UrllibTransport(blocking=True)
        self.match = match
        self.rewrite = rewrite
        self.rewritten: list[str] = []

    async def get(self, url, *, headers=None, progress=None):
        import dataclasses

        response = await self.inner.get(url, headers=headers, progress=progress)
        if self.match not in url:
            return response
        self.rewritten.append(url)
        if isinstance(self.rewrite, int):
            return dataclasses.replace(response, status=self.rewrite, body=b"not here")
        return self.rewrite(response)


def point_sklearn_at(monkeypatch, mirror_url):
    """sklearn.datasets.fetch_openml pointed at a mirror (its URLs are module constants),
    as the tests' reference (``sklearn_reference``: on pandas >= 3.1, its failure on
    nominal values that look like numbers or booleans asserted and avoided)."""
    from sklearn.datasets import _openml

    api = f"{mirror_url}/api/v1/json"
    monkeypatch.setattr(_openml, "_SEARCH_NAME", api + "/data/list/data_name/{}/limit/2")
    monkeypatch.setattr(_openml, "_DATA_INFO", api + "/data/{}")
    monkeypatch.setattr(_openml, "_DATA_FEATURES", api + "/data/features/{}")
    monkeypatch.setattr(_openml, "_DATA_QUALITIES", api + "/data/qualities/{}")

    # Dataset 1's recorded qualities are an OpenML error body (code 364). Served with
    # HTTP 412, as OpenML does, sklearn raises; its own test-suite serves that file with
    # HTTP 200 and loads the data. openml-lite loads it (qualities are optional, a
    # documented difference), so the reference does what sklearn's tests do.
    real_qualities = _openml._get_data_qualities

    def qualities_or_none(*args, **kwargs):
        try:
            return real_qualities(*args, **kwargs)
        except _openml.OpenMLError:
            return []

    monkeypatch.setattr(_openml, "_get_data_qualities", qualities_or_none)
    return sklearn_reference(_openml.fetch_openml)


def _pandas_at_least(major: int, minor: int) -> bool:
    import pandas as pd

    return tuple(int(part) for part in pd.__version__.split(".")[:2]) >= (major, minor)


# pandas >= 3.1 types the categories read_csv(dtype="category") makes, as it types
# ordinary columns: "1", "2" -> int64 categories, "true"/"FALSE" -> bool (pandas#64659,
# GH#56044); pandas <= 3.0 kept them strings. scikit-learn 1.9.1's pandas parser strips
# quotes off every category with re.search and so fails with a TypeError on any nominal
# column whose values all look like numbers or booleans (README, "pandas 3").
READ_CSV_TYPES_CATEGORIES = _pandas_at_least(3, 1)


def sklearn_reference(fetch):
    """sklearn's ``fetch``, as the tests' reference. Where READ_CSV_TYPES_CATEGORIES,
    each call that reads nominal columns with read_csv (the pandas parser) is first made
    as it is: if sklearn fails, it must be with the known TypeError (from its
    strip_single_quotes) and its result, made again with read_csv giving string
    categories as pandas <= 3.0 did (``_read_csv_categories``), must hold a nominal
    column whose values look like numbers or booleans; if it does not fail, its result
    must hold none. Either way the reference is sklearn's own result, with the failure
    avoided in this one documented way."""
    if not READ_CSV_TYPES_CATEGORIES:
        return fetch

    @functools.wraps(fetch)
    def reference(*args, **kwargs):
        # the failed call's warnings (sklearn's "could have been corrupted, redownloading"
        # before it gives up) are dropped; a result's are passed on
        with warnings.catch_warnings(record=True) as caught, \
                _read_csv_categories(as_text=False) as nominal_reads:
            warnings.simplefilter("always")
            try:
                result = fetch(*args, **kwargs)
            except TypeError as error:
                if not _is_quote_stripping_crash(error):
                    raise
                result = None
        if result is not None:
            for w in caught:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            if nominal_reads:  # the pandas parser, not liac-arff
                typed = typed_looking_nominals(result)
                assert not typed, f"sklearn did not fail on {typed}: README's rule is wrong"
            return result
        with _read_csv_categories(as_text=True):
            result = fetch(*args, **kwargs)
        typed = typed_looking_nominals(result)
        assert typed is None or typed, "sklearn failed, yet no nominal column looks typed"
        return result

    return reference


def _is_quote_stripping_crash(error: TypeError) -> bool:
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    return ("expected string or bytes-like object" in str(error)
            and any(frame.name == "strip_single_quotes" for frame in frames))


@contextlib.contextmanager
def _read_csv_categories(*, as_text: bool):
    """pandas.read_csv, watched: yields a list that gets one entry per call asking for
    "category" columns. With ``as_text`` such columns get string categories, as pandas
    <= 3.0 gave them: read as "str", then made categorical (categories sorted; none: an
    empty object Index, as read_csv gives)."""
    import pandas as pd

    real = pd.read_csv
    calls = []

    def read_csv(*args, dtype=None, **kwargs):
        nominal = [key for key, kind in dtype.items() if isinstance(kind, str) and kind == "category"] \
            if isinstance(dtype, dict) else []
        if nominal:
            calls.append(nominal)
        if not (nominal and as_text):
            return real(*args, dtype=dtype, **kwargs)
        frame = real(*args, dtype={key: "str" if key in nominal else kind for key, kind in dtype.items()},
                     **kwargs)
        for key in nominal:
            column = frame[key].astype("category")
            if len(column.cat.categories) == 0:
                column = column.cat.set_categories(column.cat.categories.astype(object))
            frame[key] = column
        return frame

    pd.read_csv = read_csv
    try:
        yield calls
    finally:
        pd.read_csv = real


def typed_looking_nominals(result) -> list | None:
    """The categorical columns of a fetch_openml result (Bunch or return_X_y tuple) whose
    categories pandas >= 3.1's read_csv would type; None if the result shows no
    categories (arrays from return_X_y)."""
    import pandas as pd

    if isinstance(result, tuple):
        parts = result
    elif result.get("categories") is not None:
        return sorted(name for name, levels in result["categories"].items() if looks_typed(levels))
    else:
        parts = (result["frame"],)
    columns = {}
    for part in parts:
        if part is None:  # no target
            continue
        if isinstance(part, pd.Series):
            part = part.to_frame()
        if not isinstance(part, pd.DataFrame):
            return None
        columns.update({name: list(dtype.categories) for name, dtype in part.dtypes.items()
                        if isinstance(dtype, pd.CategoricalDtype)})
    return sorted(name for name, levels in columns.items() if looks_typed(levels))


def looks_typed(levels) -> bool:
    """Whether pandas >= 3.1's read_csv(dtype="category") gives these (observed)
    values typed categories: every one a number, or every one true/false in any case."""
    import pandas as pd

    if not levels:
        return False
    if all(str(level).lower() in ("true", "false") for level in levels):
        return True
    try:
        numbers = pd.to_numeric(pd.Series(list(levels), dtype=object))
    except (ValueError, TypeError):
        return False
    return not numbers.isna().any()


class PlainStaticServer:
    """``python -m http.server`` serving ``folder`` on 127.0.0.1 (a free port) in a process of
    its own: a static host that knows nothing of OpenML (no CORS headers, no Range requests,
    extension-less files as application/octet-stream, "dir/" as dir/index.html). ``paths()``:
    what it was asked for, from its log."""

    def __init__(self, folder):
        self.folder = folder

    def __enter__(self):
        import re
        import subprocess
        import sys
        import tempfile
        import time

        self._log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
             "--directory", str(self.folder)],
            stdout=subprocess.PIPE, stderr=self._log, text=True)
        line = self.process.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 40123 (...)"
        match = re.search(r"port (\d+)", line)
        assert match, f"python -m http.server did not start: {line!r}"
        self.url = f"http://127.0.0.1:{match.group(1)}"
        self._started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(10)
        self.process.stdout.close()
        self._log.close()

    def paths(self) -> list[str]:
        """Request paths so far (with their status), in order: [(path, status), ...]."""
        import re

        self._log.seek(0)
        found = re.findall(r'"GET (\S+) HTTP/1\.[01]" (\d{3})', self._log.read())
        return [(path, int(status)) for path, status in found]

    def reset(self) -> None:
        self._log.seek(0)
        self._log.truncate()



def held_bytes(*parts) -> int:
    """Bytes the arrays of a Bunch's parts hold, each buffer once however many frames or
    views share it (pandas 3's copy-on-write shares data with the frame). Strings count
    as pandas' memory_usage(deep=False) does: object pointers, or Arrow's buffers."""
    import numpy as np
    import pandas as pd

    found: dict = {}

    def numpy_buffer(array):
        owner = array
        while isinstance(owner.base, np.ndarray):
            owner = owner.base
        found[("numpy", owner.__array_interface__["data"][0])] = owner.nbytes

    def arrow_buffers(chunked):
        for chunk in chunked.chunks:
            for buffer in chunk.buffers():
                if buffer is not None:
                    found[("arrow", buffer.address)] = buffer.size

    for part in parts:
        if part is None:
            continue
        if isinstance(part, np.ndarray):
            numpy_buffer(part)
            continue
        if isinstance(part, pd.Series):
            part = part.to_frame()
        if not isinstance(part, pd.DataFrame):  # polars
            found[("polars", id(part))] = int(part.estimated_size())
            continue
        for block in part._mgr.blocks:  # (pandas internals: the blocks are the memory)
            values = block.values
            if isinstance(values, np.ndarray):
                numpy_buffer(values)
            elif hasattr(values, "_pa_array"):  # Arrow strings
                arrow_buffers(values._pa_array)
            else:  # categorical codes, masked arrays' data and mask
                for name in ("_codes", "_data", "_mask", "_ndarray"):
                    if isinstance(getattr(values, name, None), np.ndarray):
                        numpy_buffer(getattr(values, name))
    return sum(found.values())


def thrift_varint(n: int) -> bytes:
    """Thrift's compact protocol: ULEB128 of the zigzag value (for damaging footers and
    page headers field by field)."""
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)
