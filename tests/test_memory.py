"""The memory plan (memory.py): what a load takes, known before its data file is downloaded;
a load that cannot fit raises before the mirror serves one byte of the file, naming ways
that fit, and those load."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import openml_lite
from openml_lite import DatasetTooLargeError, InvalidParameterError, MemoryWarning
from openml_lite.memory import Room, Shape, estimate, fits
from openml_lite.mirror import parquet_path_for
from openml_lite.parquet_footer import footer_length, parse_footer
from support import DENSE, SYNTHETIC_MNIST_ID, held_bytes, recorded_features

MNIST = SYNTHETIC_MNIST_ID  # 2,000 rows x 785 columns in the test mirror
PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3  # (copy on write: data shares the frame's memory)


def shape_of(mirror_url, mirror_dir, data_id, *, output, dtypes, target_column="default-target"):
    """The plan's Shape of a load, from the mirror's metadata, with the file's footer."""
    import asyncio

    from openml_lite.fetcher import Fetcher
    from openml_lite.openml import OpenMLClient
    from openml_lite.selection import select_columns
    from openml_lite.transport.native import UrllibTransport

    client = OpenMLClient(Fetcher(UrllibTransport()), mirror_url)

    async def metadata():
        description = await client.description(data_id)
        return description, await client.features(description), await client.qualities(description)

    description, features, qualities = asyncio.run(metadata())
    selection = select_columns(description, features, target_column, as_frame=output != "numpy")
    wanted = set(selection.feature_names) | set(selection.target_names)
    body = (mirror_dir / parquet_path_for(data_id)).read_bytes()
    footer = parse_footer(body[-8 - footer_length(body[-8:]):-8], len(body))
    rows = int(float(qualities.get("NumberOfInstances", footer.num_rows)))  # (1 has no qualities)
    return Shape(tuple(f for f in features if f.name in wanted), tuple(selection.target_names),
                 rows, output, dtypes, footer=footer, file_size=len(body),
                 shared_data=output == "pandas" and PANDAS_3, arrow_text=output == "pandas" and PANDAS_3)


# every recorded dense dataset (and the generated mnist-sized one), as frames and, where it
# has no string column (sklearn's ValueError), as arrays
CASES = [(d["data_id"], output) for d in DENSE for output in ("pandas", "numpy")
         if output == "pandas" or not any(f["data_type"] == "string" for f in recorded_features(d["data_id"]))]
CASES += [(MNIST, "pandas"), (MNIST, "numpy")]


@pytest.mark.parametrize("dtypes", ["sklearn", "openml"])
@pytest.mark.parametrize(("data_id", "output"), CASES)
def test_the_bunch_is_what_the_plan_says(mirror_url, mirror_dir, data_id, output, dtypes):
    """The Bunch's arrays hold what the plan counted for them (its frame and its data
    copy, or its arrays), within 10 % (and 16 kB: pandas' categories and such, on the
    smallest)."""
    from pathlib import Path

    shape = shape_of(mirror_url, Path(mirror_dir), data_id, output=output, dtypes=dtypes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bunch = openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False,
                                         as_frame=output == "pandas", dtypes=dtypes)
    found = held_bytes(bunch.data, bunch.frame, None if bunch.frame is not None else bunch.target)
    planned = estimate(shape)
    low, high = planned.result
    if low == high:  # with the footer, one figure
        assert abs(high - found) <= 0.10 * found + 16_000, (planned.result, found)
    else:  # pandas 3's strings (Arrow text): a range, which holds it
        assert PANDAS_3 and low <= found <= high, (planned.result, found)


def test_without_the_footer_a_range_that_holds_it(mirror_url, mirror_dir):
    from dataclasses import replace
    from pathlib import Path

    for data_id in [d["data_id"] for d in DENSE] + [MNIST]:
        known = estimate(shape_of(mirror_url, Path(mirror_dir), data_id, output="pandas", dtypes="sklearn"))
        unknown = estimate(replace(shape_of(mirror_url, Path(mirror_dir), data_id, output="pandas",
                                            dtypes="sklearn"), footer=None, file_size=None))
        assert unknown.low <= known.low <= known.high <= unknown.high, data_id


def data_file_requests(log) -> list[str]:
    return [path for path in log.paths() if path.endswith(".pq") or "/data/v1/download/" in path]


def test_too_big_raises_before_a_byte_of_the_file_and_a_way_out_loads(mirror_url, mirror_dir, mirror_log):
    """A limit below what the load surely takes: DatasetTooLargeError (a MemoryError) with
    the numbers, before any request for the data file; each way out it names that surely
    fits then loads within the same limit."""
    from pathlib import Path

    known = estimate(shape_of(mirror_url, Path(mirror_dir), MNIST, output="pandas", dtypes="sklearn"))
    limit = int(known.low * 0.75)  # (the Bunch alone is 25 MB, 2,000 x 785 int64 twice; 13 under pandas 3)
    with pytest.raises(DatasetTooLargeError) as caught:
        openml_lite.fetch_openml(data_id=MNIST, base_url=mirror_url, cache=False, max_memory=limit)
    error = caught.value
    assert isinstance(error, MemoryError)
    assert data_file_requests(mirror_log) == []
    message = str(error)
    assert "'bench-mnist' (id 990002" in message and f"max_memory={limit} bytes" in message
    assert error.estimate.low > limit and error.room.total == limit
    sure = [way for way in error.ways if way.fits]
    assert sure, message
    for way in sure:
        assert way.describe().split(" (")[0] in message
        mirror_log.reset()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MemoryWarning)  # it may fit tightly
            bunch = openml_lite.fetch_openml(data_id=MNIST, base_url=mirror_url, cache=False,
                                             max_memory=limit, **way.arguments)
        assert data_file_requests(mirror_log), way.arguments
        assert openml_lite.last_load_report().memory.high <= limit
        assert bunch.data.shape[0] == way.arguments.get("nrows", 2000)


def test_the_ways_out_are_computed_for_this_dataset():
    """dtypes='openml' and arrays instead of frames, where they would fit; the first
    features that surely fit."""
    from openml_lite.memory import ways_out
    from openml_lite.openml import Feature

    pixel = {"data_type": "numeric", "is_target": "false", "is_ignore": "false",
             "is_row_identifier": "false", "number_of_missing_values": "0"}
    features = tuple(Feature.from_json({**pixel, "index": str(i), "name": f"p{i}"}) for i in range(3072))
    target = Feature.from_json({**pixel, "index": "3072", "name": "class", "data_type": "nominal",
                                "is_target": "true", "nominal_value": [str(d) for d in range(10)]})
    svhn = Shape((*features, target), ("class",), 99_289, "pandas", "sklearn")
    room = Room(total=3_900_000_000, per_array=2**31 - 1, where="Pyodide")
    found = estimate(svhn)
    assert not fits(found, room, surely=False)
    assert found.result[0] == 99_289 * 3072 * 8 * 2 + 99_289 * 1  # frame + data, and the target's codes
    ways = {tuple(sorted(way.arguments)): way for way in ways_out(svhn, room, {})}
    assert ("dtypes",) in ways and not ways[("dtypes",)].fits  # only if the pixels are uint8
    assert ("as_frame",) not in ways  # one array of 2.4 GB: too big for wasm32's numpy
    columns = ways[("columns",)]
    assert columns.fits and fits(columns.estimate, room, surely=True)
    assert 0 < len(columns.arguments["columns"]) < 3072


def test_a_tight_fit_warns_after_reading_the_footer(mirror_url, mirror_dir, mirror_log):
    """Between what the metadata surely says and what it cannot: the footer is read (one
    range request) and decides; a fit above 75 % of the room warns."""
    from pathlib import Path

    known = estimate(shape_of(mirror_url, Path(mirror_dir), MNIST, output="pandas", dtypes="sklearn"))
    limit = int(known.high / 0.85)  # surely fits, once the footer says how; tight
    mirror_log.reset()
    with pytest.warns(MemoryWarning, match="most of what this runtime can hold"):
        openml_lite.fetch_openml(data_id=MNIST, base_url=mirror_url, cache=False, max_memory=limit)
    ranges = [r for r in mirror_log.records() if r["path"].endswith(".pq") and r["range"]]
    assert ranges and ranges[0]["range"].startswith("bytes=-")


def test_no_check_with_max_memory_none(mirror_url):
    openml_lite.fetch_openml(data_id=MNIST, base_url=mirror_url, cache=False, max_memory=None)
    assert openml_lite.last_load_report().memory is None


@pytest.mark.parametrize("value", [0, -1, "1GB", 1.5, True])
def test_max_memory_is_checked(value):
    with pytest.raises(InvalidParameterError, match="max_memory"):
        openml_lite.fetch_openml(data_id=61, max_memory=value)


def test_this_machines_room():
    from openml_lite._compat import sync_runtime

    room = sync_runtime().memory_room()
    assert room.per_array is None and room.total > 0 and "available" in room.where


# -- memory_plan: the plan without the load ---------------------------------------------------

@pytest.mark.parametrize("data_id", [d["data_id"] for d in DENSE] + [MNIST])
def test_the_plan_is_the_loads_and_reads_no_data(data_id, mirror_url, mirror_log):
    """memory_plan() says what the load then reports (the same estimate), from the
    metadata alone where it is sure: no request for the data file."""
    mirror_log.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = openml_lite.memory_plan(data_id=data_id, base_url=mirror_url, cache=False)
        assert data_file_requests(mirror_log) == []
        openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False)
    planned = openml_lite.last_load_report().memory
    if planned is None:  # (no row count in the qualities: no plan, and the load made none)
        assert plan is None
        return
    assert plan.verdict == "fits" and plan.ways == () and plan.message == ""
    assert plan.estimate == planned


def test_too_big_plan_says_what_the_error_says(mirror_url, mirror_log):
    limit = 10_000_000
    mirror_log.reset()
    plan = openml_lite.memory_plan(data_id=MNIST, base_url=mirror_url, cache=False, max_memory=limit)
    assert data_file_requests(mirror_log) == []
    with pytest.raises(DatasetTooLargeError) as caught:
        openml_lite.fetch_openml(data_id=MNIST, base_url=mirror_url, cache=False, max_memory=limit)
    assert plan.verdict == "too big" and plan.message == str(caught.value).split(" (url: ")[0]
    assert plan.ways == tuple(caught.value.ways) and plan.estimate == caught.value.estimate


def test_a_plan_that_only_the_footer_decides(mirror_url, mirror_dir, mirror_log):
    """Where the metadata leave it open, the plan reads the footer (range requests of the
    data file's end, nothing else) and says "tight" where the load warns."""
    from pathlib import Path

    known = estimate(shape_of(mirror_url, Path(mirror_dir), MNIST, output="pandas", dtypes="sklearn"))
    mirror_log.reset()
    plan = openml_lite.memory_plan(data_id=MNIST, base_url=mirror_url, cache=False,
                                   max_memory=int(known.high / 0.85))
    assert plan.verdict == "tight" and plan.estimate.known and "most of what" in plan.message
    size = (Path(mirror_dir) / parquet_path_for(MNIST)).stat().st_size
    reads = [r["range"] for r in mirror_log.records() if r["path"].endswith(".pq")]
    assert reads and reads[0] == "bytes=-65536", reads  # the end of the file, then the rest of its footer
    assert all(int(r.split("=")[1].split("-")[0] or 0) > size / 2 for r in reads[1:]), reads


def test_no_plan_for_a_sparse_dataset_or_without_a_check(mirror_url):
    from support import SPARSE

    assert openml_lite.memory_plan(data_id=SPARSE[0]["data_id"], base_url=mirror_url, cache=False) is None
    assert openml_lite.memory_plan(data_id=MNIST, base_url=mirror_url, cache=False, max_memory=None) is None


def test_memory_plan_takes_fetch_openmls_keywords():
    with pytest.raises(TypeError, match="unexpected keyword arguments: max_mem"):
        openml_lite.memory_plan(data_id=61, max_mem=1)
    with pytest.raises(InvalidParameterError, match="max_memory"):
        openml_lite.memory_plan(data_id=61, max_memory=-1)


def test_an_exact_plan_reads_the_footer_for_one_figure(mirror_url, mirror_dir, mirror_log):
    """exact=True: the footer read even where the metadata decide; one figure, inside the
    range the metadata gave, and the load's own once it reads the same footer."""
    from pathlib import Path

    rough = openml_lite.memory_plan(data_id=MNIST, base_url=mirror_url, cache=False)
    mirror_log.reset()
    exact = openml_lite.memory_plan(data_id=MNIST, base_url=mirror_url, cache=False, exact=True)
    assert [r["range"] for r in mirror_log.records() if r["path"].endswith(".pq")][0] == "bytes=-65536"
    assert not rough.estimate.known and exact.estimate.known
    assert rough.estimate.low <= exact.estimate.low <= rough.estimate.high
    known = estimate(shape_of(mirror_url, Path(mirror_dir), MNIST, output="pandas", dtypes="sklearn"))
    assert (exact.estimate.low, exact.estimate.high) == (known.low, known.high)
