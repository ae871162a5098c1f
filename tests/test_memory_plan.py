"""memory_plan / memory_plan_async and the load's memory check without a server: OpenML
answered from the mirror's files by a fake transport, so what a plan asks for is seen
request by request (the three metadata documents; the parquet footer only by Range,
never the whole file), its figures are checked against the files on disk, and a load
too big for its room is refused before the data file is asked for."""

from __future__ import annotations

import asyncio
import json
import warnings
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fake_transport import RangeTransport, from_mirror
from support import DENSE, SYNTHETIC_MNIST_ID, SYNTHETIC_MNIST_ROWS

import openml_lite
from openml_lite import DatasetTooLargeError, MemoryWarning
from openml_lite.mirror import parquet_path_for

SERVER = "https://openml.test"
MNIST = SYNTHETIC_MNIST_ID  # the mirror's mnist-shaped dataset: 784 uint8 pixels and a class
TITANIC = 40945  # recorded: numbers, strings, nominals
BIG = 10**12  # a room nothing here comes near (the plan then depends on no machine)
PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3  # data shares the frame's memory


def paths(transport) -> list[str]:
    return [urlparse(url).path for url in transport.asked]


def metadata_paths(data_id: int) -> list[str]:
    return sorted([f"/api/v1/json/data/{data_id}", f"/api/v1/json/data/features/{data_id}",
                   f"/api/v1/json/data/qualities/{data_id}"])


def data_files(transport) -> list[str]:
    return [p for p in paths(transport) if p.endswith(".pq") or p.startswith("/data/v1/download/")]


def parquet_file(mirror_dir, data_id) -> bytes:
    return (Path(mirror_dir) / parquet_path_for(data_id)).read_bytes()


def footer_bytes(body: bytes) -> int:
    """The footer's length and the 8 bytes after it (parquet: length, then b'PAR1')."""
    assert body[-4:] == b"PAR1"
    return int.from_bytes(body[-8:-4], "little") + 8


def recorded_rows(mirror_dir, data_id) -> int | None:
    """NumberOfInstances in the mirror's qualities file (None: no such quality)."""
    file = Path(mirror_dir) / f"api/v1/json/data/qualities/{data_id}.json"
    qualities = json.loads(file.read_text()).get("data_qualities", {}).get("quality", [])
    found = [q["value"] for q in qualities if q["name"] == "NumberOfInstances"]
    return int(float(found[0])) if found else None


def feature_names(mirror_dir, data_id) -> list[str]:
    file = Path(mirror_dir) / f"api/v1/json/data/features/{data_id}.json"
    return [f["name"] for f in json.loads(file.read_text())["data_features"]["feature"]]


def plan(mirror_dir, data_id, transport=None, **keywords):
    transport = transport if transport is not None else from_mirror(mirror_dir)
    keywords.setdefault("max_memory", BIG)
    return openml_lite.memory_plan(data_id=data_id, base_url=SERVER, cache=False, transport=transport, **keywords)


# -- what a plan asks for ----------------------------------------------------------------------

@pytest.mark.parametrize("data_id", [d["data_id"] for d in DENSE] + [MNIST])
def test_a_plan_asks_for_the_three_metadata_documents_and_no_data(data_id, mirror_dir):
    """Description, features and qualities, each once; no data file, no footer. The plan's
    rows are the qualities' NumberOfInstances (no such quality: no plan)."""
    transport = from_mirror(mirror_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (inactive versions)
        found = plan(mirror_dir, data_id, transport)
    assert sorted(paths(transport)) == metadata_paths(data_id)
    rows = recorded_rows(mirror_dir, data_id)
    if rows is None:
        assert found is None
    else:
        assert found.rows == rows and found.verdict == "fits" and found.ways == () and found.message == ""
        assert found.room.total == BIG and found.room.where == f"max_memory={BIG} bytes"


def test_a_plan_by_name_asks_the_name_lookup_first(mirror_dir):
    transport = from_mirror(mirror_dir)
    by_name = openml_lite.memory_plan("titanic", version=1, base_url=SERVER, cache=False, transport=transport,
                                      max_memory=BIG)
    asked = paths(transport)
    assert asked[0].startswith("/api/v1/json/data/list/data_name/titanic/")
    assert sorted(asked[1:]) == metadata_paths(TITANIC)
    assert by_name.dataset.startswith("'Titanic' (id 40945") and by_name.estimate == plan(mirror_dir, TITANIC).estimate


def test_no_plan_for_a_sparse_dataset_or_without_a_limit_and_no_data_asked(mirror_dir):
    sparse = from_mirror(mirror_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (Australian's recorded version is inactive)
        assert plan(mirror_dir, 292, sparse, max_memory="auto") is None
    assert set(paths(sparse)) <= set(metadata_paths(292)) and data_files(sparse) == []
    unchecked = RangeTransport(mirror_dir)
    assert plan(mirror_dir, MNIST, unchecked, max_memory=None, exact=True) is None
    assert sorted(paths(unchecked)) == metadata_paths(MNIST)


def test_an_exact_plan_reads_only_the_footer_by_range(mirror_dir):
    """exact=True: every request for the parquet file carries a Range header, and what
    comes is exactly the footer (mnist's is larger than one request's tail), not a byte of
    data; the plan is then one figure, inside the metadata's range, counting the file at
    its size on disk."""
    body = parquet_file(mirror_dir, MNIST)
    tail = footer_bytes(body)
    assert tail > 64 * 1024  # (two requests: the end of the file, then the rest of the footer)
    rough = plan(mirror_dir, MNIST)
    transport = RangeTransport(mirror_dir)
    exact = plan(mirror_dir, MNIST, transport, exact=True)
    assert sorted(p for p in paths(transport) if not p.endswith(".pq")) == metadata_paths(MNIST)
    requests = transport.data_requests()
    assert requests and all("Range" in headers for headers in requests)
    covered = sorted(transport.spans)
    assert covered[0][0] == len(body) - tail and covered[-1][1] == len(body) - 1
    assert sum(last - first + 1 for first, last in covered) == tail  # each footer byte once, nothing else
    assert not rough.estimate.known and exact.estimate.known
    assert rough.estimate.low <= exact.estimate.low <= rough.estimate.high
    assert exact.estimate.parts["file"] == (len(body), len(body))


@pytest.mark.parametrize("where", ["below", "between", "above"])
def test_only_a_limit_the_metadata_cannot_decide_reads_the_footer(where, mirror_dir):
    """Below the metadata's low figure the plan is "too big", above its high one it fits:
    neither asks for the file. In between it reads the footer (by range only) and decides."""
    rough = plan(mirror_dir, MNIST).estimate
    limit = {"below": rough.low - 1, "between": (rough.low + rough.high) // 2, "above": 2 * rough.high}[where]
    transport = RangeTransport(mirror_dir)
    found = plan(mirror_dir, MNIST, transport, max_memory=limit)
    requests = transport.data_requests()
    if where == "between":
        assert requests and all("Range" in headers for headers in requests)
        assert sum(last - first + 1 for first, last in transport.spans) == footer_bytes(parquet_file(mirror_dir, MNIST))
        assert found.estimate.known and found.verdict in ("fits", "tight")
    else:
        assert requests == [] and not found.estimate.known
        assert found.verdict == ("too big" if where == "below" else "fits")
    assert found.room.total == limit


def test_a_load_the_metadata_cannot_decide_reads_the_footer_then_the_file_once(mirror_dir):
    """The load's own check: footer by range, then the whole file once (no Range), and a
    MemoryWarning where the now-known figure takes most of the limit."""
    exact = plan(mirror_dir, MNIST, RangeTransport(mirror_dir), exact=True).estimate
    rough = plan(mirror_dir, MNIST).estimate
    limit = int(exact.high / 0.8)  # surely fits once the footer is read; over 75 % of the room
    assert rough.low <= limit < rough.high  # (the metadata alone cannot decide)
    transport = RangeTransport(mirror_dir)
    with pytest.warns(MemoryWarning, match="most of what this runtime can hold"):
        bunch, report = openml_lite.fetch_openml(data_id=MNIST, base_url=SERVER, cache=False, transport=transport,
                                                 max_memory=limit, with_report=True)
    ranged = ["Range" in headers for headers in transport.data_requests()]
    assert ranged == [True, True, False]  # the footer's two, then the file
    assert report.data_bytes == len(parquet_file(mirror_dir, MNIST)) and report.range_requests == 0
    assert report.memory == exact and bunch.frame.shape == (SYNTHETIC_MNIST_ROWS, 785)


def test_a_whole_file_sent_for_the_footer_is_not_downloaded_again(mirror_dir):
    """A server that ignores Range sends the whole file to the plan's footer request: the
    load reads that copy (one download, booked as downloaded, not as from the cache)."""
    exact = plan(mirror_dir, MNIST, RangeTransport(mirror_dir), exact=True).estimate
    transport = from_mirror(mirror_dir)  # answers a Range request with the whole file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MemoryWarning)
        bunch, report = openml_lite.fetch_openml(data_id=MNIST, base_url=SERVER, cache=False, transport=transport,
                                                 max_memory=int(exact.high / 0.8), with_report=True)
    assert paths(transport).count("/" + parquet_path_for(MNIST)) == 1
    assert bunch.frame.shape == (SYNTHETIC_MNIST_ROWS, len(feature_names(mirror_dir, MNIST)))
    assert report.data_bytes == (Path(mirror_dir) / parquet_path_for(MNIST)).stat().st_size
    assert not report.from_cache


# -- the figures -------------------------------------------------------------------------------

def test_arrays_hold_no_frame_copy(mirror_dir):
    """as_frame=False (exact plans): the Bunch is the 2,000 x 784 int64 matrix and the
    target's object array, 8 bytes a value, nothing else; a frame's Bunch holds the features twice (frame
    and data) under pandas 2, once under pandas 3. The load's arrays weigh what was said."""
    rows, pixels = SYNTHETIC_MNIST_ROWS, len(feature_names(mirror_dir, MNIST)) - 1
    arrays = plan(mirror_dir, MNIST, RangeTransport(mirror_dir), as_frame=False, exact=True).estimate
    frames = plan(mirror_dir, MNIST, RangeTransport(mirror_dir), as_frame=True, exact=True).estimate
    matrix = rows * pixels * 8
    assert arrays.result == (matrix + rows * 8,) * 2
    assert frames.result[0] >= matrix * (1 if PANDAS_3 else 2)
    if not PANDAS_3:
        assert arrays.result[1] < frames.result[0] and arrays.high < frames.low  # (the peak too)
    X, y = openml_lite.fetch_openml(data_id=MNIST, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir),
                                    as_frame=False, return_X_y=True)
    assert X.nbytes + y.nbytes == arrays.result[0]


def test_openml_dtypes_are_smaller_for_uint8_pixels(mirror_dir):
    """dtypes='openml' keeps the file's types: the bytes of each column's type as the file
    declares it (pyarrow reading its schema), where sklearn's dtypes take 8 a value."""
    rows = SYNTHETIC_MNIST_ROWS
    schema = pq.read_schema(Path(mirror_dir) / parquet_path_for(MNIST))
    pixels = [schema.field(name).type for name in schema.names if name != "class"]
    assert {str(t) for t in pixels} == {"uint8"}
    copies = 1 if PANDAS_3 else 2  # frame, and data
    codes = rows * pd.Categorical([str(d) for d in range(10)]).codes.itemsize  # the target, in the frame
    compact = plan(mirror_dir, MNIST, dtypes="openml", exact=True, transport=RangeTransport(mirror_dir)).estimate
    wide = plan(mirror_dir, MNIST, dtypes="sklearn", exact=True, transport=RangeTransport(mirror_dir)).estimate
    assert compact.result == (copies * rows * sum(t.bit_width // 8 for t in pixels) + codes,) * 2
    assert wide.result == (copies * rows * len(pixels) * 8 + codes,) * 2
    # (the peak less so: the working memory and the file are the same for both)
    assert compact.high * 2 < wide.low and compact.result[1] * 7 < wide.result[0]
    rough = plan(mirror_dir, MNIST, dtypes="openml").estimate  # without the footer: 1 to 8 bytes a pixel
    assert rough.low <= compact.low <= compact.high <= rough.high and rough.low < wide.low


@pytest.mark.parametrize(("data_id", "columns", "width"), [
    (MNIST, [f"pixel{i}" for i in range(1, 11)], 8),
    (TITANIC, ["age", "fare"], 8),  # doubles in the file, float64 in the Bunch
])
def test_a_subset_of_columns_is_smaller(data_id, columns, width, mirror_dir):
    """columns=: the Bunch holds those columns (and the target, whose int8 codes the frame
    holds once), so less than the whole dataset, and no data file is asked for."""
    rows = recorded_rows(mirror_dir, data_id)
    transport = from_mirror(mirror_dir)
    some = plan(mirror_dir, data_id, transport, columns=columns).estimate
    every = plan(mirror_dir, data_id).estimate
    copies = 1 if PANDAS_3 else 2
    assert some.result == (copies * rows * len(columns) * width + rows * 1,) * 2
    assert some.high < every.low and some.result[1] < every.result[0]
    assert sorted(paths(transport)) == metadata_paths(data_id)


def test_nrows_and_skiprows_scale_the_plan(mirror_dir):
    """Every array of the Bunch is one value a row: the first 500 rows take a quarter of
    2,000's; the rows counted are those the load would hold."""
    every = plan(mirror_dir, MNIST)
    quarter = plan(mirror_dir, MNIST, nrows=500)
    assert (every.rows, quarter.rows) == (2000, 500)
    assert all(n % 4 == 0 for n in every.estimate.result)
    assert quarter.estimate.result == tuple(n // 4 for n in every.estimate.result)
    assert quarter.estimate.high < every.estimate.low
    assert plan(mirror_dir, MNIST, skiprows=1900, nrows=500).rows == 100
    assert plan(mirror_dir, MNIST, nrows=5000).estimate == every.estimate


# -- too big for the room ----------------------------------------------------------------------

def test_too_big_for_the_limit_raises_before_the_data_file_and_the_ways_out_load(mirror_dir):
    """Titanic (recorded) under a max_memory below what the metadata say it surely takes:
    DatasetTooLargeError (a MemoryError) after the three metadata documents and nothing
    else; memory_plan says the same; each way out the message names that surely fits then
    loads within the same limit, asking for the data this time."""
    limit = plan(mirror_dir, TITANIC).estimate.low - 1
    transport = from_mirror(mirror_dir)
    with pytest.raises(DatasetTooLargeError) as caught:
        openml_lite.fetch_openml(data_id=TITANIC, base_url=SERVER, cache=False, transport=transport,
                                 max_memory=limit)
    error = caught.value
    assert isinstance(error, MemoryError)
    assert sorted(paths(transport)) == metadata_paths(TITANIC)
    assert error.room.total == limit and f"max_memory={limit} bytes" in str(error)
    said = plan(mirror_dir, TITANIC, max_memory=limit)
    assert said.verdict == "too big" and said.ways == tuple(error.ways) and said.estimate == error.estimate
    sure = [way for way in error.ways if way.fits]
    assert sure, str(error)
    for way in sure:
        assert way.describe().split(" (")[0] in str(error)
        transport = from_mirror(mirror_dir)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MemoryWarning)  # (it may take most of the limit)
            bunch, report = openml_lite.fetch_openml(data_id=TITANIC, base_url=SERVER, cache=False,
                                                     transport=transport, max_memory=limit, with_report=True,
                                                     **way.arguments)
        assert "/" + parquet_path_for(TITANIC) in paths(transport)
        assert report.memory.high <= limit
        if "columns" in way.arguments:
            assert list(bunch.data.columns) == way.arguments["columns"] and len(bunch.data) == 1309
        else:
            assert len(bunch.data) == way.arguments["nrows"]


def test_one_array_over_the_runtimes_limit_is_too_big_whatever_max_memory(mirror_dir, monkeypatch):
    """An int max_memory replaces the runtime's total, not its limit on one array (Pyodide:
    numpy's 2 GB; here a 10 MB stand-in): the 12.5 MB pixel matrix of as_frame=False is
    refused before the file is asked for, and the first columns that fit load."""
    from openml_lite import _compat
    from openml_lite.memory import Room

    real = _compat.sync_runtime
    monkeypatch.setattr(_compat, "sync_runtime", lambda: replace(
        real(), memory_room=lambda: Room(total=BIG, per_array=10_000_000, where="a runtime of small arrays")))
    transport = from_mirror(mirror_dir)
    with pytest.raises(DatasetTooLargeError, match="this needs one of 13 MB") as caught:
        openml_lite.fetch_openml(data_id=MNIST, base_url=SERVER, cache=False, transport=transport,
                                 as_frame=False, max_memory=2 * BIG)
    assert caught.value.room == Room(total=2 * BIG, per_array=10_000_000, where=f"max_memory={2 * BIG} bytes")
    assert data_files(transport) == []
    columns = next(way for way in caught.value.ways if "columns" in way.arguments).arguments["columns"]
    assert columns == feature_names(mirror_dir, MNIST)[:len(columns)] and 8 * 2000 * len(columns) <= 10_000_000
    X, y = openml_lite.fetch_openml(data_id=MNIST, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir),
                                    as_frame=False, max_memory=2 * BIG, columns=columns, return_X_y=True)
    assert X.shape == (2000, len(columns)) and X.nbytes <= 10_000_000


# -- memory_plan_async -------------------------------------------------------------------------

def test_the_async_plan_asks_and_says_what_the_sync_one_does(mirror_dir):
    """Under the async API the requests may overlap; they are the same ones (the footer
    by range only), and so is the plan."""
    sync_transport, async_transport = RangeTransport(mirror_dir), RangeTransport(mirror_dir)
    limit = (plan(mirror_dir, MNIST).estimate.low + plan(mirror_dir, MNIST).estimate.high) // 2
    sync_plan = plan(mirror_dir, MNIST, sync_transport, max_memory=limit)
    async_plan = asyncio.run(openml_lite.memory_plan_async(data_id=MNIST, base_url=SERVER, cache=False,
                                                           transport=async_transport, max_memory=limit))
    assert async_plan == sync_plan and async_plan.estimate.known
    assert sorted(paths(async_transport)) == sorted(paths(sync_transport))
    assert all("Range" in headers for headers in async_transport.data_requests())
    assert sorted(async_transport.spans) == sorted(sync_transport.spans)


@pytest.mark.parametrize("data_id", [61, TITANIC, MNIST])
def test_every_way_an_exact_plan_says_fits_loads_within_that_limit(data_id, mirror_dir):
    """memory_plan(exact=True) under limits between the fixed working memory and the whole
    load's figure: every way it says surely fits (first rows, first columns, other dtypes or
    output) then loads under the same limit. (A first-rows way once counted the file in
    proportion to its rows, where the load counts the whole file: OpenML writes one row group.)"""
    from openml_lite.memory import WORKING

    # (below its low figure: under pandas 3 a frame's Arrow text is a range even with the footer)
    whole = plan(mirror_dir, data_id, RangeTransport(mirror_dir), exact=True).estimate.low
    offered = set()
    for fraction in (0.2, 0.5, 0.8, 0.95):
        limit = int(WORKING + fraction * (whole - WORKING))
        exact = plan(mirror_dir, data_id, RangeTransport(mirror_dir), exact=True, max_memory=limit)
        assert exact.verdict == "too big"
        for way in exact.ways:
            if not way.fits:
                continue
            offered.update(way.arguments)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MemoryWarning)  # (tight is allowed)
                openml_lite.fetch_openml(data_id=data_id, base_url=SERVER, cache=False,
                                         transport=RangeTransport(mirror_dir), max_memory=limit, **way.arguments)
    assert "nrows" in offered and "columns" in offered


def test_ways_that_only_may_fit_are_named_apart_from_those_that_surely_fit(mirror_dir):
    """A plan that read no footer cannot promise the compact dtypes' figure: the refusal
    names such ways apart ("if the file stores its numbers compactly"), with how to tell."""
    limit = plan(mirror_dir, MNIST).estimate.low - 1
    with pytest.raises(DatasetTooLargeError) as caught:
        openml_lite.fetch_openml(data_id=MNIST, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir),
                                 max_memory=limit)
    message, ways = str(caught.value), caught.value.ways
    sure, _, maybe = message.partition("Ways that fit if the file stores its numbers compactly: ")
    assert any(not way.fits for way in ways) and "exact=True" in maybe
    for way in ways:
        said = way.describe(hedged=False)
        assert (said in sure) == way.fits and (said in maybe) == (not way.fits)
