"""parquet_footer reads what pyarrow reads from a real OpenML footer, and refuses a
footer that is not one with FooterError.

Files: the test mirror's parquet files (scikit-learn's recorded datasets through OpenML's
recipe, and the generated 785-column mnist-shaped one). Expected values: pyarrow's reading
of the same bytes (FileMetaData, its key-value metadata, column chunk offsets and sizes,
statistics). Damage: bytes cut, flipped, or a length field rewritten as the Thrift compact
protocol (parquet.thrift) lays it out; pyarrow is asked too, so each damage is real.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from support import DENSE, SYNTHETIC_MNIST_ID, thrift_varint

from openml_lite.mirror import parquet_path_for
from openml_lite.parquet_footer import (
    MAGIC,
    FooterError,
    footer_length,
    merge,
    parse_column_names,
    parse_footer,
)

IRIS, ZOO, TITANIC = 61, 62, 40945
ALL_IDS = [d["data_id"] for d in DENSE] + [SYNTHETIC_MNIST_ID]


def _body(mirror_dir, data_id: int) -> bytes:
    return Path(mirror_dir, parquet_path_for(data_id)).read_bytes()


def _meta(body: bytes):
    return pq.ParquetFile(io.BytesIO(body)).metadata


def _footer_bytes(body: bytes) -> bytes:
    """The FileMetaData bytes, cut by pyarrow's own count of them."""
    size = _meta(body).serialized_size
    return body[-8 - size:-8]


def _pyarrow_refuses(body: bytes) -> bool:
    try:
        _meta(body)
    except Exception:  # pyarrow raises OSError / ArrowInvalid on a damaged footer
        return True
    return False


# == footer_length ============================================================================

@pytest.mark.parametrize("data_id", ALL_IDS)
def test_footer_length_is_the_size_pyarrow_reads(mirror_dir, data_id):
    body = _body(mirror_dir, data_id)
    assert footer_length(body[-8:]) == _meta(body).serialized_size


def test_footer_length_reads_only_the_last_eight_bytes(mirror_dir):
    body = _body(mirror_dir, TITANIC)
    assert footer_length(body) == footer_length(body[-8:]) == _meta(body).serialized_size


@pytest.mark.parametrize("cut", [0, 1, 7])
def test_footer_length_refuses_a_tail_shorter_than_eight_bytes(mirror_dir, cut):
    tail = _body(mirror_dir, IRIS)[-8:][8 - cut:]
    assert len(tail) == cut
    with pytest.raises(FooterError, match="PAR1"):
        footer_length(tail)


@pytest.mark.parametrize("damage", ["last-byte-flipped", "cut-short", "arff-instead"])
def test_footer_length_refuses_a_file_without_the_end_magic(mirror_dir, damage):
    body = _body(mirror_dir, IRIS)
    if damage == "last-byte-flipped":
        bad = body[:-1] + bytes([body[-1] ^ 0x01])
    elif damage == "cut-short":  # a download that stopped 3 bytes early
        bad = body[:-3]
    else:  # the dataset's ARFF file served where its parquet file was expected
        bad = Path(mirror_dir, "data/v1/download/61.arff").read_bytes()
    assert bad[-4:] != MAGIC and _pyarrow_refuses(bad)
    with pytest.raises(FooterError, match="PAR1"):
        footer_length(bad[-8:])


# == parse_column_names =======================================================================

@pytest.mark.parametrize("data_id", ALL_IDS)
def test_column_names_are_the_schema_pyarrow_reads(mirror_dir, data_id):
    body = _body(mirror_dir, data_id)
    assert parse_column_names(_footer_bytes(body)) == _meta(body).schema.names


def test_column_names_need_only_the_schema_not_the_row_groups(mirror_dir):
    """mnist's footer is mostly row-group metadata (785 column chunks); its first half
    holds the whole schema: the names come from it, a full parse of it cannot."""
    body = _body(mirror_dir, SYNTHETIC_MNIST_ID)
    footer = _footer_bytes(body)
    half = footer[:len(footer) // 2]
    names = _meta(body).schema.names
    assert len(names) == 785
    assert parse_column_names(half) == names
    with pytest.raises(FooterError):
        parse_footer(half, len(body))


@pytest.mark.parametrize("data_id", [IRIS, TITANIC])
def test_column_names_of_a_footer_cut_inside_its_schema_raise_footer_error(mirror_dir, data_id):
    """Cut anywhere up to the end of the last column's name: the schema is incomplete."""
    body = _body(mirror_dir, data_id)
    footer = _footer_bytes(body)
    names = [name.encode() for name in _meta(body).schema.names]
    first = footer.find(names[0])
    last = footer.find(names[-1], first)  # its first mention: the schema (pandas' JSON names it too)
    assert 0 < first < last
    for keep in (0, 1, first, first + 1, last, last + len(names[-1])):
        with pytest.raises(FooterError):
            parse_column_names(footer[:keep])


# == parse_footer: what it reads ==============================================================

@pytest.mark.parametrize("data_id", ALL_IDS)
def test_footer_key_values_are_the_file_metadata_pyarrow_reads(mirror_dir, data_id):
    """The writer's key-value metadata (pandas' JSON, Arrow's schema) byte for byte."""
    body = _body(mirror_dir, data_id)
    footer = parse_footer(_footer_bytes(body), len(body))
    expected = {key.decode(): value for key, value in _meta(body).metadata.items()}
    assert b"pandas" in _meta(body).metadata
    assert footer.key_values == expected


@pytest.mark.parametrize("data_id", ALL_IDS)
def test_footer_chunks_carry_no_extra_ranges_in_openml_files(mirror_dir, data_id):
    """OpenML's writer (pandas' to_parquet defaults) writes no page index or bloom filter:
    a column's bytes are its pages alone."""
    body = _body(mirror_dir, data_id)
    meta = _meta(body)
    footer = parse_footer(_footer_bytes(body), len(body))
    group = meta.row_group(0)
    assert not any(group.column(c).has_offset_index or group.column(c).has_column_index
                   for c in range(meta.num_columns))
    assert [chunk.extra for chunk in footer.chunks] == [()] * meta.num_columns


@pytest.mark.parametrize("data_id", [d["data_id"] for d in DENSE])
def test_double_range_is_the_writers_min_and_max(mirror_dir, data_id):
    """DOUBLE columns: (min, max) of the footer's statistics; other types: None."""
    body = _body(mirror_dir, data_id)
    meta = _meta(body)
    footer = parse_footer(_footer_bytes(body), len(body))
    doubles = 0
    for c, chunk in enumerate(footer.chunks):
        stored = meta.row_group(0).column(c)
        assert chunk.name == stored.path_in_schema
        if stored.physical_type == "DOUBLE" and stored.statistics is not None and stored.statistics.has_min_max:
            assert chunk.double_range() == (stored.statistics.min, stored.statistics.max), chunk.name
            doubles += 1
        else:
            assert chunk.double_range() is None, chunk.name
    if any(meta.schema.column(c).physical_type == "DOUBLE" for c in range(meta.num_columns)):
        assert doubles


def _chunk_spans(meta):
    spans = {}
    for c in range(meta.num_columns):
        chunk = meta.row_group(0).column(c)
        start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
        spans[chunk.path_in_schema] = (start, start + chunk.total_compressed_size)
    return spans


def test_ranges_of_one_column_are_its_chunk(mirror_dir):
    body = _body(mirror_dir, TITANIC)
    spans = _chunk_spans(_meta(body))
    footer = parse_footer(_footer_bytes(body), len(body))
    for name, span in spans.items():
        assert footer.ranges([name]) == [span], name


def test_ranges_join_neighbouring_chunks_and_keep_distant_ones_apart(mirror_dir):
    body = _body(mirror_dir, TITANIC)
    spans = _chunk_spans(_meta(body))
    footer = parse_footer(_footer_bytes(body), len(body))
    # pclass and survived are neighbours in the file; pclass and sex are not
    assert spans["pclass"][1] == spans["survived"][0]
    assert spans["pclass"][1] < spans["sex"][0]
    assert footer.ranges(["survived", "pclass"]) == [(spans["pclass"][0], spans["survived"][1])]
    assert footer.ranges(["sex", "pclass"]) == [spans["pclass"], spans["sex"]]
    assert footer.ranges(["no such column"]) == []
    assert footer.ranges(list(spans)) == [(4, len(body) - 8 - _meta(body).serialized_size)]


def test_merge_joins_overlapping_ranges_and_those_closer_than_the_gap():
    assert merge([]) == []
    assert merge([(30, 40), (0, 10), (5, 12)]) == [(0, 12), (30, 40)]
    assert merge([(0, 10), (10, 20)]) == [(0, 20)]
    assert merge([(0, 10), (13, 20)], gap=2) == [(0, 10), (13, 20)]
    assert merge([(0, 10), (13, 20)], gap=3) == [(0, 20)]
    assert merge([(0, 50), (10, 20)]) == [(0, 50)]


# == parse_footer: what it refuses ============================================================

@pytest.mark.parametrize("data_id", [IRIS, ZOO, TITANIC, SYNTHETIC_MNIST_ID])
def test_parse_footer_refuses_a_cut_footer(mirror_dir, data_id):
    body = _body(mirror_dir, data_id)
    footer = _footer_bytes(body)
    for keep in sorted({0, 1, 2, len(footer) // 3, len(footer) // 2, len(footer) - 2, len(footer) - 1}):
        with pytest.raises(FooterError):
            parse_footer(footer[:keep], len(body))


@pytest.mark.parametrize("data_id", [IRIS, ZOO, TITANIC])
def test_parse_footer_refuses_a_file_smaller_than_its_columns(mirror_dir, data_id):
    """The file size says one byte less: the last column reaches past the data."""
    body = _body(mirror_dir, data_id)
    meta = _meta(body)
    last = meta.row_group(0).column(meta.num_columns - 1).path_in_schema
    parse_footer(_footer_bytes(body), len(body))  # the true size: fine
    with pytest.raises(FooterError, match=f"column {last!r} points outside the file's data"):
        parse_footer(_footer_bytes(body), len(body) - 1)


@pytest.mark.parametrize("column", ["sepalwidth", "class"])
def test_parse_footer_refuses_a_column_chunk_whose_size_lies(mirror_dir, column):
    """ColumnMetaData's total_compressed_size (field 7, after total_uncompressed_size,
    field 6: two i64 fields, header bytes 0x16 each) rewritten to reach past the data."""
    body = _body(mirror_dir, IRIS)
    meta = _meta(body)
    footer = _footer_bytes(body)
    c = meta.schema.names.index(column)
    chunk = meta.row_group(0).column(c)
    sizes = (b"\x16" + thrift_varint(chunk.total_uncompressed_size)
             + b"\x16" + thrift_varint(chunk.total_compressed_size))
    assert footer.count(sizes) == 1
    lying = footer.replace(sizes, b"\x16" + thrift_varint(chunk.total_uncompressed_size)
                           + b"\x16" + thrift_varint(chunk.total_compressed_size + len(body)))
    damaged = body[:-8 - len(footer)] + lying + len(lying).to_bytes(4, "little") + MAGIC
    # pyarrow reads the lie where it was put, and refuses the column's data for it
    assert _meta(damaged).row_group(0).column(c).total_compressed_size == chunk.total_compressed_size + len(body)
    with pytest.raises(OSError):
        pq.read_table(io.BytesIO(damaged), columns=[column])
    with pytest.raises(FooterError, match=f"column {column!r} points outside"):
        parse_footer(lying, len(damaged))


def test_parse_footer_refuses_a_negative_data_page_offset(mirror_dir):
    """zoo's BOOLEAN columns have no dictionary page: their data_page_offset (field 9, an
    i64 two ids after total_compressed_size: header 0x26) is where they start."""
    body = _body(mirror_dir, ZOO)
    meta = _meta(body)
    footer = _footer_bytes(body)
    c = meta.schema.names.index("hair")
    chunk = meta.row_group(0).column(c)
    assert not chunk.has_dictionary_page
    offset = b"\x16" + thrift_varint(chunk.total_compressed_size) + b"\x26" + thrift_varint(chunk.data_page_offset)
    assert footer.count(offset) == 1
    lying = footer.replace(offset, b"\x16" + thrift_varint(chunk.total_compressed_size) + b"\x26" + thrift_varint(-1))
    damaged = body[:-8 - len(footer)] + lying + len(lying).to_bytes(4, "little") + MAGIC
    assert _meta(damaged).row_group(0).column(c).data_page_offset == -1  # pyarrow reads the lie there
    with pytest.raises(FooterError, match="column 'hair' points outside"):
        parse_footer(lying, len(damaged))


@pytest.mark.parametrize("data_id", [IRIS, TITANIC])
def test_parse_footer_refuses_garbage_where_the_footer_should_be(mirror_dir, data_id):
    """The footer's bytes replaced by the first column's data (its length kept)."""
    body = _body(mirror_dir, data_id)
    footer = _footer_bytes(body)
    garbage = body[4:4 + len(footer)]
    assert garbage != footer
    with pytest.raises(FooterError):
        parse_footer(garbage, len(body))


@pytest.mark.parametrize("lie", [-1, +1])
def test_parse_footer_refuses_a_footer_whose_length_field_lies(mirror_dir, lie):
    body = _body(mirror_dir, IRIS)
    size = _meta(body).serialized_size
    damaged = body[:-8] + (size + lie).to_bytes(4, "little") + MAGIC
    assert _pyarrow_refuses(damaged)
    length = footer_length(damaged[-8:])
    assert length == size + lie
    with pytest.raises(FooterError):
        parse_footer(damaged[-8 - length:-8], len(damaged))
