"""The first rows of a parquet file, page by page (``nrows=`` / ``skiprows=``).

OpenML's files hold one row group (pyarrow 10's default row group is 64 Mi rows), so a
partial read goes by data page (about 1 MB each): for each column wanted, its dictionary
page and its data pages up to the last row asked for. Page headers are Thrift structs
(``parquet_footer``'s reader walks them); the pages are copied as they are into a
one-column parquet file each, with a footer written here (Thrift's compact protocol),
which any engine reads like a whole file; the rows asked for are then cut out. Bytes come
from the file in memory or by HTTP range requests (``projection``), a window a column,
growing as the pages need.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .parquet_footer import MAGIC, Footer, FooterError, _Reader

_DATA_PAGE, _DICTIONARY_PAGE, _DATA_PAGE_V2 = 0, 2, 3
_HEADER_BYTES = 256  # a page header is a few dozen bytes (no statistics in OpenML's)
WINDOW = 64 * 1024  # the least a column's first request asks for


class PageError(FooterError):
    """A page header that is not one (the file is damaged, or not what its footer says)."""


@dataclass(frozen=True)
class ColumnPages:
    """A column chunk's first pages: their bytes (headers included), in file order, the
    rows they hold, and the bytes read to find them."""

    name: str
    pages: list[bytes]
    dictionary: bool  # the first page is a dictionary page
    rows: int
    uncompressed: int


async def first_pages(read, footer: Footer, name: str, stop: int) -> ColumnPages:
    """The pages of column ``name`` that hold its rows up to ``stop``; ``read(start, end)``
    gives the file's bytes (awaitable)."""
    chunk = next((c for c in footer.chunks if c.name == name), None)
    if chunk is None:
        raise FooterError(f"no column {name!r} in the footer")
    if len([c for c in footer.chunks if c.name == name]) != 1:
        raise FooterError("more than one row group: OpenML writes one")
    position, pages, rows, uncompressed, dictionary = chunk.start, [], 0, 0, False
    while position < chunk.end and rows < stop:
        header, length = await _page_header(read, position, chunk.end, name)
        kind, size, full = header.get(1), header.get(3), header.get(2)
        if not isinstance(size, int) or not isinstance(full, int) or size < 0 or position + length + size > chunk.end:
            raise PageError(f"column {name!r}: a page header at byte {position} says {size} bytes")
        page = await read(position, position + length + size)
        if kind == _DICTIONARY_PAGE:
            if pages:
                raise PageError(f"column {name!r}: a dictionary page after data pages")
            dictionary = True
        elif kind in (_DATA_PAGE, _DATA_PAGE_V2):
            inner = header.get(5 if kind == _DATA_PAGE else 8)
            count = inner.get(1 if kind == _DATA_PAGE else 3) if isinstance(inner, dict) else None
            if not isinstance(count, int) or count < 0:
                raise PageError(f"column {name!r}: a data page without its row count at byte {position}")
            rows += count
        else:  # an index page (never in OpenML's files): not part of the values
            position += length + size
            continue
        pages.append(page)
        uncompressed += length + full
        position += length + size
    return ColumnPages(name=name, pages=pages, dictionary=dictionary, rows=rows, uncompressed=uncompressed)


async def _page_header(read, position: int, end: int, name: str) -> tuple[dict, int]:
    """The page header at ``position`` and its length: read a few hundred bytes, more where
    it holds long statistics (a string column's min and max)."""
    size = _HEADER_BYTES
    while True:
        head = await read(position, min(position + size, end))
        try:
            return _Reader(head).struct(0)
        except (IndexError, struct.error) as error:  # cut short: read more, if there is more
            if position + size >= end or size >= _MOST_HEADER_BYTES:
                raise PageError(f"column {name!r}: no page header at byte {position}") from error
            size *= 4
        except (RecursionError, FooterError) as error:  # (FooterError: the Thrift reader's own)
            raise PageError(f"column {name!r}: no page header at byte {position} ({error})") from error


_MOST_HEADER_BYTES = 1 << 20


def column_file(footer: Footer, pages: ColumnPages) -> bytes:
    """A parquet file of one column: ``pages`` as they are, and a footer that says so (the
    column's schema element, type, encodings and codec copied from ``footer``; pandas'
    metadata of that column, which fastparquet types columns by; no statistics, no
    Arrow schema)."""
    element = footer.elements[pages.name]
    meta = next(c.meta for c in footer.chunks if c.name == pages.name)
    body = b"".join(pages.pages)
    first_data = 4 + (len(pages.pages[0]) if pages.dictionary else 0)
    column_meta = [
        (1, _I32, meta.get(1)),
        (2, _LIST, (_I32, list(meta.get(2) or []))),
        (3, _LIST, (_BINARY, [pages.name.encode("utf-8")])),
        (4, _I32, meta.get(4, 0)),
        (5, _I64, pages.rows),
        (6, _I64, pages.uncompressed),
        (7, _I64, len(body)),
        (9, _I64, first_data),
    ]
    if pages.dictionary:
        column_meta.append((11, _I64, 4))
    # the encodings of its pages (fastparquet reads a column as categorical only where
    # every data page is dictionary-encoded, which it learns here)
    stats = [[(1, _I32, e.get(1)), (2, _I32, e.get(2)), (3, _I32, e.get(3))]
             for e in meta.get(13) or [] if isinstance(e, dict)]
    if stats:
        column_meta.append((13, _LIST, (_STRUCT, stats)))
    schema = [[(4, _BINARY, b"schema"), (5, _I32, 1)], _schema_element(element)]
    metadata = _struct([
        (1, _I32, 1),
        (2, _LIST, (_STRUCT, schema)),
        (3, _I64, pages.rows),
        (4, _LIST, (_STRUCT, [[
            (1, _LIST, (_STRUCT, [[(2, _I64, 4 + len(body)), (3, _STRUCT, column_meta)]])),
            (2, _I64, pages.uncompressed),
            (3, _I64, pages.rows),
        ]])),
        (5, _LIST, (_STRUCT, _key_values(footer, pages))),
        (6, _BINARY, b"openml-lite (pages of an OpenML parquet file)"),
    ])
    return MAGIC + body + metadata + len(metadata).to_bytes(4, "little") + MAGIC


def _key_values(footer: Footer, pages: ColumnPages) -> list:
    """pandas' metadata (JSON) cut to this column and its rows; None where there is none."""
    import json

    raw = (footer.key_values or {}).get("pandas")
    if not raw:
        return None
    try:
        document = json.loads(raw)
        document["columns"] = [c for c in document.get("columns", []) if c.get("name") == pages.name]
        for index in document.get("index_columns", []):
            if isinstance(index, dict) and index.get("kind") == "range":
                index.update(start=0, stop=pages.rows, step=1)
    except (ValueError, AttributeError, TypeError):
        return None
    return [[(1, _BINARY, b"pandas"), (2, _BINARY, json.dumps(document).encode("utf-8"))]]


# -- Thrift's compact protocol, writing: the few structs above ----------------------------

_TRUE, _FALSE, _I8, _I32, _I64, _BINARY, _LIST, _STRUCT = 1, 2, 3, 5, 6, 8, 9, 12
# SchemaElement's fields: their Thrift types (parquet.thrift); 10 is LogicalType
_ELEMENT_TYPES = {1: _I32, 2: _I32, 3: _I32, 4: _BINARY, 5: _I32, 6: _I32, 7: _I32, 8: _I32, 9: _I32}


def _schema_element(element: dict) -> list:
    fields = [(key, _ELEMENT_TYPES[key], value) for key, value in sorted(element.items())
              if key in _ELEMENT_TYPES and key != 5]
    if isinstance(element.get(10), dict):
        fields.append((10, _STRUCT, _logical(element[10])))
    return fields


def _logical(logical: dict) -> list:
    """A LogicalType union: INTEGER (10) holds an i8 width and a bool; the others hold
    empty structs, or i32 / bool / struct fields (decimal, time, timestamp)."""
    fields = []
    for key, value in sorted(logical.items()):
        if key == 10 and isinstance(value, dict):
            inner = [(1, _I8, value.get(1, 8)), (2, _TRUE if value.get(2, True) else _FALSE, None)]
        else:
            inner = _generic(value) if isinstance(value, dict) else []
        fields.append((key, _STRUCT, inner))
    return fields


def _generic(struct: dict) -> list:
    fields = []
    for key, value in sorted(struct.items()):
        if isinstance(value, bool):
            fields.append((key, _TRUE if value else _FALSE, None))
        elif isinstance(value, int):
            fields.append((key, _I32, value))
        elif isinstance(value, dict):
            fields.append((key, _STRUCT, _generic(value)))
    return fields


def _struct(fields: list) -> bytes:
    out, last = bytearray(), 0
    for key, kind, value in sorted(fields, key=lambda field: field[0]):
        if value is None and kind not in (_TRUE, _FALSE):
            continue
        delta = key - last
        if 0 < delta <= 15:
            out.append(delta << 4 | kind)
        else:
            out.append(kind)
            out += _varint(_zigzag(key))
        out += _value(kind, value)
        last = key
    out.append(0)
    return bytes(out)


def _value(kind: int, value) -> bytes:
    if kind in (_TRUE, _FALSE):
        return b""
    if kind == _I8:
        return struct.pack("<b", value)
    if kind in (_I32, _I64):
        return _varint(_zigzag(value))
    if kind == _BINARY:
        return _varint(len(value)) + value
    if kind == _STRUCT:
        return _struct(value)
    if kind == _LIST:
        element, items = value
        header = bytes([len(items) << 4 | element]) if len(items) < 15 else bytes([0xF0 | element]) + _varint(len(items))
        return header + b"".join(_value(element, item) for item in items)
    raise ValueError(f"thrift type {kind} is not written here")


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)
