"""columns=[...]: only those columns, downloaded with HTTP range requests where the
server allows them, and the same Bunch as selecting them from a full load.

Real parquet files (the recorded datasets and the generated 785-column one), real
range requests to the local mirror; the tail and gap sizes are shrunk for the small
recorded files so that they, too, take several range requests."""

from __future__ import annotations

import asyncio
import io
import warnings
from pathlib import Path

import hypothesis
import hypothesis.strategies as st
import numpy as np
import pyarrow.parquet as pq
import pytest

import openml_lite
from openml_lite import projection
from openml_lite.mirror import parquet_path_for
from openml_lite.parquet_footer import FooterError, footer_length, parse_footer
from compare import assert_same
from support import DENSE, SYNTHETIC_MNIST_ID, recorded_features

ENGINES = ["pyarrow", "fastparquet", "polars"]
WIDE = SYNTHETIC_MNIST_ID
WIDE_COLUMNS = ["pixel784", "pixel5", "pixel400", "pixel401", "pixel700"]  # 5 of 785, out of order


def _parquet_files(mirror_dir):
    ids = [d["data_id"] for d in DENSE] + [WIDE]
    return {i: Path(mirror_dir, parquet_path_for(i)) for i in ids}


@pytest.fixture
def small_ranges(monkeypatch):
    """Small files take several requests too: a 512-byte tail, no merging of neighbours."""
    monkeypatch.setattr(projection, "TAIL_BYTES", 512)
    monkeypatch.setattr(projection, "GAP_BYTES", 0)


# Columns of the types the generic pick below would miss: MiceProtein's null-type column.
# (zoo's picks are BOOLEAN columns already.)
UNUSUAL_COLUMNS = {40966: ["BCL2_N"]}


def _some_columns(data_id: int) -> list[str]:
    """The last and the first data column (in that order), one from the middle, and
    the unusual ones."""
    data = [f["name"] for f in recorded_features(data_id)
            if f["is_target"] != "true" and f["is_ignore"] != "true"
            and f["is_row_identifier"] != "true"]
    return list(dict.fromkeys([data[-1], data[0], data[len(data) // 2],
                               *UNUSUAL_COLUMNS.get(data_id, [])]))


def _selected(full, columns):
    """What selecting ``columns`` from a full load gives: the reference."""
    kept = [c for c in full.frame.columns if c in columns or c in full.target_names] \
        if full.frame is not None else None
    return dict(data=full.data[columns] if hasattr(full.data, "columns") else None,
                frame=None if kept is None else full.frame[kept])


def _parquet_requests(log, data_id):
    return [r for r in log.records() if r["path"].endswith(f"dataset_{data_id}.pq")]


# == the footer reader ========================================================================

def test_footer_reader_agrees_with_pyarrow_on_every_file(mirror_dir):
    for data_id, path in _parquet_files(mirror_dir).items():
        body = path.read_bytes()
        length = footer_length(body[-8:])
        footer = parse_footer(body[-8 - length:-8], len(body))
        meta = pq.ParquetFile(io.BytesIO(body)).metadata
        assert footer.num_rows == meta.num_rows, data_id
        assert footer.columns == meta.schema.names, data_id
        expected = []
        for g in range(meta.num_row_groups):
            for c in range(meta.num_columns):
                chunk = meta.row_group(g).column(c)
                start = min(o for o in (chunk.dictionary_page_offset, chunk.data_page_offset) if o)
                expected.append((chunk.path_in_schema, start, start + chunk.total_compressed_size))
        assert [(c.name, c.start, c.end) for c in footer.chunks] == expected, data_id
        # each column's storage (the memory plan's widths): parquet's physical type, the
        # width of an integer logical type, Arrow's null type; and its uncompressed bytes
        arrow = pq.ParquetFile(io.BytesIO(body)).schema_arrow
        for c, name in enumerate(meta.schema.names):
            stored, column = footer.types[name], meta.schema.column(c)
            assert stored.physical == column.physical_type, (data_id, name)
            assert stored.null == (str(arrow.field(name).type) == "null"), (data_id, name)
            if str(arrow.field(name).type) in ("uint8", "int8", "int16", "uint16"):
                assert stored.bits == arrow.field(name).type.bit_width, (data_id, name)
        assert [c.uncompressed for c in footer.chunks] == [
            meta.row_group(g).column(c).total_uncompressed_size
            for g in range(meta.num_row_groups) for c in range(meta.num_columns)], data_id


@hypothesis.settings(max_examples=300, deadline=None, derandomize=True)
@hypothesis.given(data=st.data())
def test_footer_reader_on_damaged_footers_raises_footer_error_only(mirror_dir, data):
    """Any footer, cut or with bits flipped: a Footer whose ranges lie inside the file,
    or FooterError; never another exception, never a hang."""
    path = _parquet_files(mirror_dir)[40945]
    body = path.read_bytes()
    footer = bytearray(body[-8 - footer_length(body[-8:]):-8])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(footer) - 1))
        footer[at] ^= 1 << data.draw(st.integers(0, 7))
    footer = footer[:data.draw(st.integers(0, len(footer)))]
    try:
        parsed = parse_footer(bytes(footer), len(body))
    except FooterError:
        return
    for chunk in parsed.chunks:
        assert 4 <= chunk.start < chunk.end <= len(body) - len(footer) - 8


def test_footer_length_needs_the_magic():
    with pytest.raises(FooterError, match="PAR1"):
        footer_length(b"\x10\x00\x00\x00PAR2")


# == the same Bunch ===========================================================================

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("dataset", DENSE, ids=[d["name"] + str(d["data_id"]) for d in DENSE])
def test_columns_give_the_selection_of_a_full_load(dataset, engine, mirror_url, mirror_log, small_ranges):
    data_id = dataset["data_id"]
    columns = _some_columns(data_id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # inactive versions warn; both loads alike
        full = openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False, engine=engine)
        mirror_log.reset()
        part = openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False,
                                        engine=engine, columns=columns)
    reference = _selected(full, columns)
    assert_same(part.data, reference["data"], "data")
    assert_same(part.frame, reference["frame"], "frame")
    assert_same(part.target, full.target, "target")
    assert part.feature_names == columns
    assert part.target_names == full.target_names
    assert (part.DESCR, part.details, part.url) == (full.DESCR, full.details, full.url)

    requests = _parquet_requests(mirror_log, data_id)
    assert requests and all(r["range"] and r["status"] == 206 for r in requests), requests
    report = openml_lite.last_load_report()
    assert report.range_requests == len(requests)
    assert report.data_bytes == sum(_range_length(r["range"]) for r in requests)


def _range_length(header: str) -> int:
    first, last = header.removeprefix("bytes=").split("-")
    return int(last) - int(first) + 1 if first else int(last)


def test_as_frame_false_gives_the_selected_array_columns(mirror_url, small_ranges):
    full = openml_lite.fetch_openml(data_id=61, base_url=mirror_url, cache=False, as_frame=False)
    columns = ["petalwidth", "sepallength"]
    part = openml_lite.fetch_openml(data_id=61, base_url=mirror_url, cache=False, as_frame=False,
                                    columns=columns)
    assert_same(part.data, full.data[:, [full.feature_names.index(c) for c in columns]])
    assert_same(part.target, full.target)
    assert part.categories == full.categories  # the target's
    assert part.feature_names == columns and part.frame is None


def test_string_columns_left_out_allow_as_frame_false(mirror_url, small_ranges):
    """Titanic has STRING columns, so a whole array load fails as in sklearn; without
    them it works, and equals the frame load's columns."""
    with pytest.raises(ValueError, match="STRING attributes"):
        openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False, as_frame=False)
    columns = ["age", "fare", "pclass"]
    X, y = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False,
                                    as_frame=False, return_X_y=True, columns=columns)
    frame_X, frame_y = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False,
                                                return_X_y=True, columns=columns)
    assert X.dtype == np.float64 and X.shape == (1309, 3)
    np.testing.assert_array_equal(X, frame_X.to_numpy(dtype=np.float64))
    np.testing.assert_array_equal(y, frame_y.to_numpy())


def test_openml_dtypes_with_columns(mirror_url, small_ranges):
    full = openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, cache=False, dtypes="openml")
    part = openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, cache=False, dtypes="openml",
                                    columns=WIDE_COLUMNS)
    assert_same(part.data, full.data[WIDE_COLUMNS])
    assert (part.data.dtypes == np.uint8).all()


# == what goes over the wire ==================================================================

@pytest.mark.parametrize("engine", ENGINES)
def test_five_of_785_columns_download_a_small_part(engine, mirror_url, mirror_dir, mirror_log):
    """The generated mnist-shaped file: footer (larger than the first request's tail, so it
    takes a second one) + the five chunks. Bytes: footer and chunks, plus at most the
    tail request's overshoot and the gaps merged between neighbouring chunks."""
    body = _parquet_files(mirror_dir)[WIDE].read_bytes()
    full = openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, cache=False, engine="pyarrow")
    mirror_log.reset()
    part = openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, cache=False, engine=engine,
                                    columns=WIDE_COLUMNS)
    assert_same(part.data, full.data[WIDE_COLUMNS])

    meta = pq.ParquetFile(io.BytesIO(body)).metadata
    wanted = set(WIDE_COLUMNS) | {"class"}
    chunks = sum(meta.row_group(0).column(c).total_compressed_size
                 for c in range(meta.num_columns) if meta.schema.names[c] in wanted)
    footer = footer_length(body[-8:]) + 8
    requests = _parquet_requests(mirror_log, WIDE)
    assert all(r["status"] == 206 for r in requests)
    downloaded = sum(_range_length(r["range"]) for r in requests)
    assert footer + chunks <= downloaded <= footer + chunks + projection.TAIL_BYTES \
        + projection.GAP_BYTES * len(wanted)
    assert footer > projection.TAIL_BYTES and len(requests) >= 3  # tail, rest of footer, chunks
    # Beyond the footer (large: OpenML's files hold the pandas metadata, 785 columns of
    # it, twice), a small part of the data
    assert downloaded - footer < 0.10 * (len(body) - footer)


def test_a_cached_file_is_read_not_ranged(mirror_url, mirror_log, data_home):
    openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, data_home=data_home)
    mirror_log.reset()
    part = openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, data_home=data_home,
                                    columns=WIDE_COLUMNS)
    assert _parquet_requests(mirror_log, WIDE) == []
    assert openml_lite.last_load_report().from_cache
    assert part.data.shape[1] == 5


def test_async_fetches_the_ranges_concurrently_with_the_same_result(mirror_url, mirror_log, small_ranges):
    sync = openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, cache=False, columns=WIDE_COLUMNS)
    sync_requests = sorted(r["range"] for r in _parquet_requests(mirror_log, WIDE))
    mirror_log.reset()
    part = asyncio.run(openml_lite.fetch_openml_async(
        data_id=WIDE, base_url=mirror_url, cache=False, columns=WIDE_COLUMNS))
    assert_same(part.data, sync.data)
    assert sorted(r["range"] for r in _parquet_requests(mirror_log, WIDE)) == sync_requests


def test_progress_covers_the_ranges(mirror_url):
    seen = []
    openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, cache=False, columns=WIDE_COLUMNS,
                             progress=lambda received, total: seen.append((received, total)))
    assert seen, "no progress reported"
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:])), "progress went backwards"
    assert seen[-1][0] == seen[-1][1]


# == servers that do not play along ===========================================================

def _load_wide(url, **kwargs):
    return openml_lite.fetch_openml(data_id=WIDE, base_url=url, cache=False, n_retries=1, delay=0.01,
                                    columns=WIDE_COLUMNS, **kwargs)


@pytest.fixture(scope="module")
def wide_reference(mirror_url):
    return openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, cache=False).data[WIDE_COLUMNS]


@pytest.mark.parametrize("fault,why", [
    ("no_ranges x1", "the server ignores Range and sends the whole file"),
    ("no_content_range", "206 without a Content-Range a page can read"),
    ("flip:-2 x1", "the tail's magic damaged"),
    ("truncate:1000 x1", "a short answer to the tail request"),
    ("status:416 x1", "the server refuses the range"),
])
def test_whole_file_when_ranges_do_not_work(fault, why, inject, faulty, wide_reference, tmp_path):
    inject(rf"\.pq$ {fault}")
    part = _load_wide(faulty.url)
    assert_same(part.data, wide_reference, why)
    parquet = [r for r in faulty.requests if r["path"].endswith(".pq")]
    assert parquet[-1]["range"] is None or fault.startswith("no_ranges"), parquet
    assert openml_lite.last_load_report().range_requests == 0
    assert openml_lite.last_load_report().data_bytes == Path(
        faulty.root, parquet_path_for(WIDE)).stat().st_size


def test_a_whole_file_sent_for_a_range_is_cached(inject, faulty, tmp_path):
    inject(r"\.pq$ no_ranges x1")
    home = str(tmp_path / "home")
    openml_lite.fetch_openml(data_id=WIDE, base_url=faulty.url, data_home=home, columns=WIDE_COLUMNS)
    assert len([r for r in faulty.requests if r["path"].endswith(".pq")]) == 1
    faulty.reset_requests()
    openml_lite.fetch_openml(data_id=WIDE, base_url=faulty.url, data_home=home)
    assert [r for r in faulty.requests if r["path"].endswith(".pq")] == []


def test_damaged_chunks_lead_to_the_whole_file(monkeypatch, mirror_url, mirror_log, wide_reference):
    """A range answer whose bytes are spoilt (zeros, as a wrong offset would give) fails
    to decode: the load downloads the whole file and is right."""
    real_get = projection._get

    async def spoiling_get(fetcher, url, spec, dataset, progress=None):
        got = await real_get(fetcher, url, spec, dataset, progress)
        if isinstance(got, tuple) and not spec.startswith("-") and got[0] > 4:
            got = (got[0], got[1], bytes(len(got[2])))
        return got

    monkeypatch.setattr(projection, "_get", spoiling_get)
    part = openml_lite.fetch_openml(data_id=WIDE, base_url=mirror_url, cache=False,
                                    engine="pyarrow", columns=WIDE_COLUMNS)
    assert_same(part.data, wide_reference)
    assert _parquet_requests(mirror_log, WIDE)[-1]["range"] is None
    assert openml_lite.last_load_report().range_requests == 0


# == the ARFF path and bad arguments ==========================================================

def test_arff_path_selects_the_same_columns(mirror_url, mirror_log):
    columns = ["fare", "age", "sex"]
    with pytest.warns(openml_lite.ArffFallbackWarning):
        arff = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False,
                                        parser="liac-arff", columns=columns)
    with pytest.warns(openml_lite.ArffFallbackWarning):
        full = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False, parser="liac-arff")
    assert_same(arff.data, full.data[columns])
    assert arff.feature_names == columns


@pytest.mark.parametrize("columns,error,message", [
    (["age", "no such column"], openml_lite.ColumnNotFoundError, r"\['no such column'\] are not data columns of dataset 'Titanic'"),
    (["survived"], openml_lite.ColumnNotFoundError, r"\['survived'\] is the target"),
    (["age", "age"], ValueError, r"columns lists \['age'\] more than once"),
    ("age", openml_lite.InvalidParameterError, "'columns' parameter"),
    ([], openml_lite.InvalidParameterError, "'columns' parameter"),
    ([3], openml_lite.InvalidParameterError, "'columns' parameter"),
])
def test_bad_columns_are_refused_before_any_data_request(columns, error, message, mirror_url, mirror_log):
    with pytest.raises(error, match=message):
        openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False, columns=columns)
    assert not [p for p in mirror_log.paths() if p.endswith(".pq")]


def test_unknown_column_is_a_key_error_like_pandas(mirror_url):
    with pytest.raises(KeyError):
        openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False, columns=["nope"])
