"""parquet_pages cuts a column's first pages out of a real OpenML file, exactly on
pyarrow's page boundaries, and wraps them in a one-column file that pyarrow reads as the
first rows of that column; a page header that is not one is a PageError.

Files: the test mirror's parquet files, and, for columns of several data pages, Titanic
with its rows repeated, written by OpenML's recipe (mirror/openml_parquet.py: pandas'
to_parquet defaults). Expected values: pyarrow's reading of the same bytes (column chunk
offsets and sizes, row counts, values, types, key-value metadata).
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support import DENSE, SYNTHETIC_MNIST_ID, thrift_varint

from openml_lite.mirror import parquet_path_for
from openml_lite.mirror.openml_parquet import write_openml_parquet
from openml_lite.parquet_footer import MAGIC, FooterError, footer_length, parse_footer
from openml_lite.parquet_pages import PageError, column_file, first_pages

TITANIC, ZOO, MICE, WINE, PENGUINS = 40945, 62, 40966, 42074, 42585
REPEATS = 32  # Titanic x 32: 41,888 rows, several data pages a column


def _body(mirror_dir, data_id: int) -> bytes:
    return Path(mirror_dir, parquet_path_for(data_id)).read_bytes()


def _footer(body: bytes):
    return parse_footer(body[-8 - footer_length(body[-8:]):-8], len(body))


def _meta(body: bytes):
    return pq.ParquetFile(io.BytesIO(body)).metadata


def _chunk_span(meta, name: str) -> tuple[int, int]:
    chunk = meta.row_group(0).column(meta.schema.names.index(name))
    start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
    return start, start + chunk.total_compressed_size


def _pages(body: bytes, footer, name: str, stop: int, log: list | None = None):
    async def read(start: int, end: int) -> bytes:
        if log is not None:
            log.append((start, end))
        return body[start:end]

    return asyncio.run(first_pages(read, footer, name, stop))


def _arrow_column(body: bytes, name: str) -> pa.ChunkedArray:
    return pq.ParquetFile(io.BytesIO(body)).read(columns=[name]).column(0)


def _value_type(type_):
    return type_.value_type if pa.types.is_dictionary(type_) else type_


@pytest.fixture(scope="module")
def long_titanic(mirror_dir, tmp_path_factory) -> bytes:
    """Titanic's rows repeated, through OpenML's writer: the shape of a bigger OpenML file.
    Its columns take several data pages because the installed pyarrow caps a page at
    20,000 rows (ParquetWriter's max_rows_per_page default). A writer that made one page
    a column here would fail the tests below (``rows < num_rows``), not pass them vacuously."""
    import pandas as pd

    frame = pq.read_table(Path(mirror_dir, parquet_path_for(TITANIC))).to_pandas()
    path = tmp_path_factory.mktemp("long") / "dataset_titanic_long.pq"
    write_openml_parquet(pd.concat([frame] * REPEATS, ignore_index=True), path)
    return path.read_bytes()


# == first_pages: the whole column ============================================================

def _columns_of(data_id: int, names: list[str]) -> list[str]:
    return names[:3] + names[-2:] if data_id == SYNTHETIC_MNIST_ID else names


@pytest.mark.parametrize("data_id", [d["data_id"] for d in DENSE] + [SYNTHETIC_MNIST_ID])
def test_all_rows_are_the_column_chunk_cut_on_pyarrows_offsets(mirror_dir, data_id):
    body = _body(mirror_dir, data_id)
    meta, footer = _meta(body), _footer(body)
    for name in _columns_of(data_id, meta.schema.names):
        chunk = meta.row_group(0).column(meta.schema.names.index(name))
        start, end = _chunk_span(meta, name)
        log = []
        pages = _pages(body, footer, name, meta.num_rows, log)
        assert pages.name == name
        assert b"".join(pages.pages) == body[start:end], name
        assert pages.rows == meta.num_rows, name
        assert pages.dictionary == chunk.has_dictionary_page, name
        if chunk.has_dictionary_page:  # the dictionary page alone comes first
            assert pages.pages[0] == body[chunk.dictionary_page_offset:chunk.data_page_offset], name
        else:
            assert pages.pages[0].startswith(body[chunk.data_page_offset:chunk.data_page_offset + 8]), name
        # parquet's total_uncompressed_size counts the page headers too
        assert pages.uncompressed == chunk.total_uncompressed_size, name
        assert log and all(start <= a < b <= end for a, b in log), (name, log)


def test_no_rows_asked_reads_nothing(mirror_dir):
    body = _body(mirror_dir, TITANIC)
    log = []
    pages = _pages(body, _footer(body), "name", 0, log)
    assert (pages.pages, pages.rows, pages.dictionary, pages.uncompressed) == ([], 0, False, 0)
    assert log == []


# == first_pages: the first rows of a column of several pages =================================

@pytest.mark.parametrize("column", ["pclass", "name", "age", "cabin", "home.dest"])
def test_first_rows_read_only_the_first_pages(long_titanic, column):
    meta, footer = _meta(long_titanic), _footer(long_titanic)
    start, end = _chunk_span(meta, column)
    log = []
    first = _pages(long_titanic, footer, column, 1, log)
    assert 1 <= first.rows < meta.num_rows == 1309 * REPEATS
    assert first.dictionary and len(first.pages) == 2  # the dictionary page, one data page
    taken = sum(map(len, first.pages))
    assert b"".join(first.pages) == long_titanic[start:start + taken] and taken < end - start
    # no read starts past the pages taken (a header read may peek a little beyond them)
    assert all(start <= a < start + taken for a, _ in log), log
    more = _pages(long_titanic, footer, column, first.rows + 1)
    assert first.rows < more.rows and more.pages[:2] == first.pages and len(more.pages) == 3
    every = _pages(long_titanic, footer, column, meta.num_rows)
    assert every.rows == meta.num_rows and b"".join(every.pages) == long_titanic[start:end]


@pytest.mark.parametrize("column", ["pclass", "survived", "name", "age", "cabin", "embarked", "body"])
def test_column_file_of_first_pages_is_the_columns_first_rows(long_titanic, column):
    footer = _footer(long_titanic)
    pages = _pages(long_titanic, footer, column, 2000)
    assert 2000 <= pages.rows < _meta(long_titanic).num_rows
    read = pq.read_table(io.BytesIO(column_file(footer, pages)))
    original = _arrow_column(long_titanic, column)
    assert read.column_names == [column] and read.num_rows == pages.rows
    assert read.column(0).to_pylist() == original.slice(0, pages.rows).to_pylist()


# == column_file ==============================================================================

@pytest.mark.parametrize("data_id, columns", [
    (TITANIC, ["pclass", "survived", "name", "age", "cabin", "home.dest"]),  # uint8, nominal, strings, double
    (ZOO, ["hair", "legs", "type"]),  # BOOLEAN
    (MICE, ["MouseID", "BCL2_N", "class"]),  # BCL2_N: Arrow's null type
    (WINE, ["description", "price", "region_2"]),  # long strings
    (PENGUINS, ["culmen_length_mm", "sex"]),  # double and nominal with missing values
])
def test_column_file_holds_the_column_as_pyarrow_reads_it(mirror_dir, data_id, columns):
    body = _body(mirror_dir, data_id)
    meta, footer = _meta(body), _footer(body)
    arrow_schema = pq.ParquetFile(io.BytesIO(body)).schema_arrow
    for name in columns:
        pages = _pages(body, footer, name, meta.num_rows)
        one = column_file(footer, pages)
        assert one[:4] == one[-4:] == MAGIC
        assert one[4:4 + len(b"".join(pages.pages))] == b"".join(pages.pages)  # the pages as they are
        read = pq.read_table(io.BytesIO(one))
        assert read.column_names == [name] and read.num_rows == meta.num_rows, name
        assert read.column(0).type == _value_type(arrow_schema.field(name).type), name
        assert read.column(0).to_pylist() == _arrow_column(body, name).to_pylist(), name


def test_column_file_footer_describes_its_pages(mirror_dir):
    body = _body(mirror_dir, TITANIC)
    meta, footer = _meta(body), _footer(body)
    stored = meta.row_group(0).column(meta.schema.names.index("cabin"))
    pages = _pages(body, footer, "cabin", meta.num_rows)
    one = pq.ParquetFile(io.BytesIO(column_file(footer, pages))).metadata
    chunk = one.row_group(0).column(0)
    assert (one.num_rows, one.num_columns, one.num_row_groups) == (meta.num_rows, 1, 1)
    assert chunk.dictionary_page_offset == 4
    assert chunk.data_page_offset == 4 + stored.data_page_offset - stored.dictionary_page_offset
    assert chunk.total_compressed_size == stored.total_compressed_size
    assert chunk.total_uncompressed_size == stored.total_uncompressed_size
    assert (chunk.compression, chunk.physical_type) == (stored.compression, stored.physical_type)
    assert set(chunk.encodings) == set(stored.encodings)
    assert chunk.statistics is None  # none copied: the pages' rows are not the file's


def test_column_file_keeps_pandas_metadata_of_its_column_and_rows(long_titanic):
    footer = _footer(long_titanic)
    pages = _pages(long_titanic, footer, "embarked", 1)
    original = json.loads(_meta(long_titanic).metadata[b"pandas"])
    written = json.loads(pq.ParquetFile(io.BytesIO(column_file(footer, pages))).metadata.metadata[b"pandas"])
    assert written["columns"] == [c for c in original["columns"] if c["name"] == "embarked"]
    assert written["index_columns"] == [{"kind": "range", "name": None, "start": 0,
                                         "stop": pages.rows, "step": 1}]
    assert original["index_columns"][0]["stop"] == 1309 * REPEATS


# == what first_pages refuses =================================================================

def test_a_column_the_footer_lacks_is_a_footer_error(mirror_dir):
    body = _body(mirror_dir, TITANIC)
    with pytest.raises(FooterError, match="no column 'Name'"):
        _pages(body, _footer(body), "Name", 10)


def _header_fields(header: bytes) -> list[tuple[int, int]]:
    """A page header's leading i32 fields (type, uncompressed_page_size,
    compressed_page_size: Thrift compact, header byte 0x15 each) as (position, length)
    of their varints."""
    fields, at = [], 0
    for _ in range(3):
        assert header[at] == 0x15
        end = at + 1
        while header[end] & 0x80:
            end += 1
        fields.append((at + 1, end + 1 - (at + 1)))
        at = end + 1
    return fields


@pytest.mark.parametrize("column", ["sex", "cabin"])
def test_a_page_whose_size_reaches_past_its_column_is_a_page_error(mirror_dir, column):
    """The first page header's compressed_page_size rewritten to more than the column
    holds (the bytes after it move by the varint's growth; the footer is unchanged)."""
    body = _body(mirror_dir, TITANIC)
    start, end = _chunk_span(_meta(body), column)
    *_, (at, length) = _header_fields(body[start:start + 32])
    damaged = body[:start + at] + thrift_varint(end - start) + body[start + at + length:]
    with pytest.raises(OSError):  # pyarrow refuses the column too
        pq.read_table(io.BytesIO(damaged), columns=[column])
    with pytest.raises(PageError, match=f"column {column!r}: a page header at byte {start} says {end - start} bytes"):
        _pages(damaged, _footer(body), column, 10)


@pytest.mark.parametrize("column", ["sex", "name", "age"])
def test_a_zeroed_page_header_is_a_page_error(mirror_dir, column):
    body = _body(mirror_dir, TITANIC)
    start, _ = _chunk_span(_meta(body), column)
    damaged = body[:start] + bytes(16) + body[start + 16:]
    with pytest.raises(OSError):
        pq.read_table(io.BytesIO(damaged), columns=[column])
    with pytest.raises(PageError, match=f"column {column!r}"):
        _pages(damaged, _footer(body), column, 10)


def test_page_errors_are_footer_errors():
    """Callers that catch FooterError (a damaged file: read the ARFF) catch these too."""
    assert issubclass(PageError, FooterError)


@pytest.mark.parametrize("garbage", [b"\xff" * 16, b"\x15" + b"\xff" * 15], ids=["0xff-bytes", "endless-varint"])
def test_garbage_for_a_page_header_is_a_footer_error(mirror_dir, garbage):
    body = _body(mirror_dir, TITANIC)
    start, _ = _chunk_span(_meta(body), "sex")
    damaged = body[:start] + garbage + body[start + len(garbage):]
    with pytest.raises(FooterError):
        _pages(damaged, _footer(body), "sex", 10)


@pytest.mark.parametrize("garbage", [b"\xff" * 16, b"\x15" + b"\xff" * 15], ids=["0xff-bytes", "endless-varint"])
def test_garbage_for_a_page_header_is_a_page_error_naming_the_column(mirror_dir, garbage):
    body = _body(mirror_dir, TITANIC)
    start, _ = _chunk_span(_meta(body), "sex")
    damaged = body[:start] + garbage + body[start + len(garbage):]
    with pytest.raises(OSError):  # pyarrow refuses the column too
        pq.read_table(io.BytesIO(damaged), columns=["sex"])
    with pytest.raises(PageError, match=f"column 'sex': no page header at byte {start}"):
        _pages(damaged, _footer(body), "sex", 10)
