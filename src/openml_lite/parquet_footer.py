"""Where each column's bytes sit in a parquet file, read from its footer alone.

Column projection (``fetch_openml(..., columns=[...])``) must know this before it
downloads the file, and before any engine is loaded: in Pyodide, importing pyarrow
just to read a footer costs seconds. The footer is a Thrift compact-protocol struct
(FileMetaData, https://github.com/apache/parquet-format); this module decodes that
protocol generically and picks out the few fields needed, the way hyparquet does.
Its answers are checked against pyarrow's on every recorded OpenML file
(tests/test_projection.py).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAGIC = b"PAR1"
_MAX_DEPTH = 32  # FileMetaData nests 5 deep; deeper means a damaged footer


class FooterError(ValueError):
    """The footer is not a parquet FileMetaData we can read."""


@dataclass(frozen=True)
class ColumnChunk:
    name: str  # the top-level column (OpenML files are flat)
    start: int  # first byte: the dictionary page if any, else the first data page
    end: int  # one past the last byte of its pages
    extra: tuple[tuple[int, int], ...] = ()  # page index / bloom filter byte ranges
    uncompressed: int = 0  # total_uncompressed_size: its pages' bytes before compression
    meta: dict = field(default=None, compare=False, repr=False)  # its ColumnMetaData, as read

    def double_range(self) -> tuple[float, float] | None:
        """(min, max) of a DOUBLE column, from the writer's statistics; None without them."""
        if not isinstance(self.meta, dict) or self.meta.get(1) != 5:  # 5: DOUBLE
            return None
        stats = self.meta.get(12)
        if not isinstance(stats, dict):
            return None
        low, high = stats.get(6, stats.get(2)), stats.get(5, stats.get(1))
        if not (isinstance(low, bytes) and isinstance(high, bytes) and len(low) == len(high) == 8):
            return None
        return struct.unpack("<d", low)[0], struct.unpack("<d", high)[0]


@dataclass(frozen=True)
class ColumnType:
    """How a column is stored (its schema element): ``physical`` is parquet's type
    (BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY, ...); ``bits`` the width of an
    integer logical type (8 for OpenML's uint8 columns) or 0; ``null`` for Arrow's null
    type (a column missing in every row)."""

    physical: str
    bits: int = 0
    null: bool = False


@dataclass(frozen=True)
class Footer:
    num_rows: int
    columns: list[str]  # schema order
    chunks: list[ColumnChunk]  # every row group's chunks
    types: dict = None  # column name -> ColumnType
    elements: dict = field(default=None, compare=False, repr=False)  # name -> its SchemaElement, as read
    key_values: dict = field(default=None, compare=False, repr=False)  # key -> value (bytes): "pandas", ...

    def ranges(self, names) -> list[tuple[int, int]]:
        """The byte ranges [start, end) an engine reads for these columns, merged."""
        wanted = set(names)
        spans = []
        for chunk in self.chunks:
            if chunk.name in wanted:
                spans.append((chunk.start, chunk.end))
                spans.extend(chunk.extra)
        return merge(spans)


def footer_length(tail: bytes) -> int:
    """The footer's length from a file's last 8 bytes (length + magic)."""
    if len(tail) < 8 or tail[-4:] != MAGIC:
        raise FooterError("no PAR1 magic at the end (not parquet, or truncated)")
    return int.from_bytes(tail[-8:-4], "little")


def parse_column_names(footer: bytes) -> list[str]:
    """The columns' names alone: FileMetaData read up to its schema (field 2), not its row
    groups (a wide file's footer is mostly those: a tenth of the time)."""
    try:
        meta, _ = _Reader(footer).struct(0, until=2)
    except (IndexError, struct.error, RecursionError) as error:
        raise FooterError(f"unreadable footer ({type(error).__name__})") from error
    _require(meta, {2: ("schema", list)})
    return _column_names(meta[2])


def _require(meta: dict, fields: dict) -> None:
    """FileMetaData's required fields must be there: bytes read from the wrong place can
    parse as a struct that has none of them (an empty file, where there is a damaged one)."""
    missing = [name for key, (name, kind) in fields.items() if not isinstance(meta.get(key), kind)]
    if missing:
        raise FooterError(f"the footer lacks FileMetaData's required {', '.join(missing)} (not a footer)")


def _column_names(schema: list) -> list[str]:
    # schema[0] is the root; OpenML's files are flat, so its children are the columns
    return [_text(_struct(element).get(4, b"")) for element in schema[1:]]


def parse_footer(footer: bytes, file_size: int) -> Footer:
    """Decode FileMetaData; every byte range it names must lie inside the file."""
    try:
        meta, _ = _Reader(footer).struct(0)
    except (IndexError, struct.error, RecursionError) as error:
        raise FooterError(f"unreadable footer ({type(error).__name__})") from error
    _require(meta, {2: ("schema", list), 3: ("num_rows", int), 4: ("row_groups", list)})
    data_end = file_size - len(footer) - 8
    schema = _field(meta, 2, list, [])
    columns = _column_names(schema)
    chunks = []
    for group in _field(meta, 4, list, []):
        for column in _field(_struct(group), 1, list, []):
            chunks.append(_chunk(_struct(column), data_end))
    types = {name: _type(_struct(element)) for name, element in zip(columns, schema[1:])}
    key_values = {}
    for pair in _field(meta, 5, list, []):
        if isinstance(pair, dict) and isinstance(pair.get(1), bytes):
            key_values[pair[1].decode("utf-8", "replace")] = pair.get(2) if isinstance(pair.get(2), bytes) else b""
    return Footer(num_rows=_field(meta, 3, int, 0), columns=columns, chunks=chunks, types=types,
                  elements=dict(zip(columns, schema[1:])), key_values=key_values)


# parquet.thrift: Type, and the ConvertedType values of integer widths
_PHYSICAL = ("BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY")
_CONVERTED_BITS = {11: 8, 12: 16, 13: 32, 14: 64, 15: 8, 16: 16, 17: 32, 18: 64}  # UINT_8 .. INT_64


def _type(element: dict) -> ColumnType:
    kind = element.get(1)
    physical = _PHYSICAL[kind] if isinstance(kind, int) and 0 <= kind < len(_PHYSICAL) else "UNKNOWN"
    logical = element.get(10) if isinstance(element.get(10), dict) else {}
    integer = logical.get(10) if isinstance(logical.get(10), dict) else {}
    bits = integer.get(1) if isinstance(integer.get(1), int) else _CONVERTED_BITS.get(element.get(6), 0)
    return ColumnType(physical=physical, bits=bits, null=11 in logical)


def _struct(value) -> dict:
    if not isinstance(value, dict):
        raise FooterError(f"a {type(value).__name__} where the footer needs a struct")
    return value


def _field(struct: dict, field: int, kind: type, default):
    """A struct's field, which a damaged footer may hold with another Thrift type."""
    value = struct.get(field, default)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise FooterError(f"field {field} is a {type(value).__name__}, not a {kind.__name__}")
    return value


def merge(spans, gap: int = 0) -> list[tuple[int, int]]:
    """Sorted, with overlapping (or closer than ``gap``) ranges joined."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _chunk(column: dict, data_end: int) -> ColumnChunk:
    meta = column.get(3)
    if not isinstance(meta, dict):
        raise FooterError("a column chunk without metadata (or in a separate file)")
    path = _field(meta, 3, list, [])
    if len(path) != 1:
        raise FooterError(f"nested column {[_text(p) for p in path]} (OpenML writes flat files)")
    data_page, dictionary_page = _offset(meta, 9), _offset(meta, 11)
    # some writers store 0 for "no dictionary page"
    start = min(p for p in (data_page, dictionary_page) if p) if (data_page or dictionary_page) else None
    size = _offset(meta, 7)
    extra = [(_offset(column, offset), _offset(column, length))
             for offset, length in ((4, 5), (6, 7))]  # offset index, column index
    extra.append((_offset(meta, 14), _offset(meta, 15)))  # bloom filter
    extra = tuple((o, o + n) for o, n in extra if o is not None and n)
    name = _text(path[0])
    for low, high in ((start, None if start is None or size is None else start + size), *extra):
        if low is None or high is None or not 4 <= low < high <= data_end:
            raise FooterError(f"column {name!r} points outside the file's data ({low}..{high})")
    uncompressed = _offset(meta, 6) or 0
    return ColumnChunk(name=name, start=start, end=start + size, extra=extra, uncompressed=uncompressed,
                       meta=meta)


def _offset(struct: dict, field: int) -> int | None:
    """An offset or length field, None when absent."""
    return None if struct.get(field) is None else _field(struct, field, int, None)


def _text(value) -> str:
    if not isinstance(value, bytes):
        raise FooterError("a name that is not a string")
    return value.decode("utf-8", errors="replace")


class _Reader:
    """Thrift's compact protocol: just enough to walk any struct, keeping every field
    as {field id: value} (binary as bytes, lists as lists, structs as dicts)."""

    def __init__(self, data: bytes):
        self.data, self.pos = memoryview(data), 0

    def byte(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7
            if shift > 70:
                raise FooterError("a varint longer than 10 bytes")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def binary(self) -> bytes:
        n = self.varint()
        if self.pos + n > len(self.data):
            raise IndexError("binary past the end")
        value = bytes(self.data[self.pos:self.pos + n])
        self.pos += n
        return value

    def value(self, kind: int, depth: int):
        if kind in (1, 2):  # bool (inside a list: one byte, 1 = true)
            return kind == 1
        if kind == 3:  # i8
            b = self.byte()
            return b - 256 if b > 127 else b
        if kind in (4, 5, 6):
            return self.zigzag()
        if kind == 7:
            (number,) = struct.unpack("<d", bytes(self.data[self.pos:self.pos + 8]))
            self.skip(8)
            return number
        if kind == 8:
            return self.binary()
        if kind in (9, 10):
            return self.list(depth)
        if kind == 11:
            return self.map(depth)
        if kind == 12:
            return self.struct(depth)[0]
        raise FooterError(f"unknown thrift type {kind}")

    def skip(self, n: int) -> None:
        if self.pos + n > len(self.data):
            raise IndexError("past the end")
        self.pos += n

    def list(self, depth: int) -> list:
        header = self.byte()
        size, kind = header >> 4, header & 0x0F
        if size == 15:
            size = self.varint()
        if size > len(self.data) - self.pos:  # every element takes at least a byte
            raise FooterError(f"a list of {size} elements in a {len(self.data)}-byte footer")
        if kind in (1, 2):
            return [self.byte() == 1 for _ in range(size)]
        return [self.value(kind, depth + 1) for _ in range(size)]

    def map(self, depth: int) -> dict:
        size = self.varint()
        if not size:
            return {}
        kinds = self.byte()
        return {self._hashable(self.value(kinds >> 4, depth + 1)): self.value(kinds & 0x0F, depth + 1)
                for _ in range(size)}

    @staticmethod
    def _hashable(key):
        return tuple(key) if isinstance(key, list) else key if not isinstance(key, dict) else id(key)

    def struct(self, depth: int, *, until: int | None = None) -> tuple[dict, int]:
        """A struct's fields (``until``: stop once that field is read, the rest unread)."""
        if depth > _MAX_DEPTH:
            raise FooterError("structs nested too deep")
        fields, last = {}, 0
        while until is None or until not in fields:
            header = self.byte()
            kind = header & 0x0F
            if kind == 0:
                return fields, self.pos
            delta = header >> 4
            last = last + delta if delta else self.zigzag()
            fields[last] = self.value(kind, depth + 1)
        return fields, self.pos
