"""Only some rows (``nrows=``, ``skiprows=``): each wanted column's first pages, read from the
file in memory or by HTTP range requests, decoded by the engine as a one-column file each
(``parquet_pages``), and the rows asked for cut out.

Range requests go a window a column (concurrent under the async API): the first asks for
the share of the column chunk the rows are (with a margin, at least 64 kB), a page that
reaches past it fetches what is missing, doubling. A server that ignores ``Range`` sends
the whole file, which is then read from memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fetcher import Fetcher
from .parquet_footer import Footer
from .parquet_pages import WINDOW, column_file, first_pages
from .parquet_footer import merge
from .projection import GAP_BYTES, RangesUnsupported, _get, fetch_footer
from .table import DictColumn, NullColumn, Table
from .transport import Response


@dataclass
class Read:
    """One-column files of the wanted columns the footer has (name -> bytes), the rows each
    holds, and what reading them took."""

    footer: Footer
    files: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    downloaded: int = 0  # bytes that came over the network
    requests: int = 0
    whole: bytes | None = None  # the whole file, where a server sent it (or it was at hand)

    @property
    def present(self) -> int:
        """The rows every column file holds (no more than the file has)."""
        return min(self.rows.values(), default=0)

    def add(self, footer: Footer, pages) -> None:
        self.files[pages.name] = column_file(footer, pages)
        self.rows[pages.name] = pages.rows


async def from_memory(body: bytes, footer: Footer, names: list[str], stop: int) -> Read:
    async def read(start: int, end: int) -> bytes:
        return body[start:end]

    done = Read(footer=footer, whole=body)
    for name in names:
        if name in footer.columns:
            done.add(footer, await first_pages(read, footer, name, stop))
    return done


async def from_ranges(fetcher: Fetcher, url: str, names: list[str], stop: int, *, dataset: str) -> Read:
    """The footer and each column's first pages by range requests; the whole file's bytes
    (``whole``) where the server sent it instead. Raises RangesUnsupported, FooterError,
    PageError, DownloadError."""
    found = await fetch_footer(fetcher, url, dataset=dataset)
    if found is None:
        raise RangesUnsupported("no footer by a range request")
    footer, _size, downloaded, requests, whole = found
    names = [name for name in names if name in footer.columns]
    read = Read(footer=footer, downloaded=downloaded, requests=requests, whole=whole)
    bytes_ = _Bytes(fetcher, url, dataset, read)
    # first, every column's first window at once (neighbouring ones in one request)
    windows = {name: _first_window(footer, name, stop) for name in names}
    spans = [] if whole is not None else merge([(_chunk(footer, name).start, min(_chunk(footer, name).start + windows[name],
                                                     _chunk(footer, name).end)) for name in names], GAP_BYTES)
    await fetcher.gather(*(bytes_.fetch(start, end) for start, end in spans))

    async def one(name: str) -> None:
        column = _Column(bytes_, _chunk(footer, name).end, windows[name])
        read.add(footer, await first_pages(column.read, footer, name, stop))

    if read.whole is None:
        await fetcher.gather(*(one(name) for name in names))
    if read.whole is not None:  # the whole file came (a small one, or a server that
        done = await from_memory(read.whole, footer, names, stop)  # ignored Range)
        done.downloaded, done.requests = read.downloaded, read.requests
        return done
    return read


def _chunk(footer: Footer, name: str):
    return next(c for c in footer.chunks if c.name == name)


def _first_window(footer: Footer, name: str, stop: int) -> int:
    """Bytes to ask first for a column: its chunk's share of the rows wanted, and a margin."""
    chunk = _chunk(footer, name)
    share = (chunk.end - chunk.start) * min(1.0, stop / max(footer.num_rows, 1))
    return max(WINDOW, int(share * 1.25) + 16 * 1024)


@dataclass
class _Bytes:
    """The file's bytes fetched so far, by range requests (``spans``: (start, bytes))."""

    fetcher: Fetcher
    url: str
    dataset: str
    read: Read
    spans: list = field(default_factory=list)

    def cached(self, start: int, end: int) -> bytes | None:
        if self.read.whole is not None:
            return self.read.whole[start:end]
        for first, data in self.spans:
            if first <= start and end <= first + len(data):
                return data[start - first:end - first]
        return None

    async def fetch(self, start: int, end: int) -> None:
        got = await _get(self.fetcher, self.url, f"{start}-{end - 1}", self.dataset)
        if isinstance(got, Response):  # the whole file
            self.read.whole = got.body
            self.read.downloaded += len(got.body)
            return
        first, size, data = got
        if first != start or len(data) != min(end, size) - start:
            raise RangesUnsupported(f"asked for bytes {start}-{end - 1}, got another answer")
        self.read.requests += 1
        self.read.downloaded += len(data)
        self.spans.append((first, bytes(data)))


@dataclass
class _Column:
    """A column's reads: from what was fetched, else a window more (doubling, no further
    than its chunk's end)."""

    bytes_: _Bytes
    end: int
    size: int

    async def read(self, start: int, end: int) -> bytes:
        found = self.bytes_.cached(start, end)
        if found is None:
            self.size *= 2
            await self.bytes_.fetch(start, max(end, min(start + self.size, self.end)))
            found = self.bytes_.cached(start, end)
        return found


def decode(engine, read: Read, names: list[str], skip: int, count: int) -> Table:
    """Each one-column file decoded, rows ``skip`` to ``skip + count`` cut out."""
    table = {}
    for name in names:
        column = engine.read(read.files[name])[name]
        table[name] = cut(column, skip, skip + count)
    return table


def cut(column, start: int, stop: int):
    """Rows ``start`` to ``stop`` of a column of any form ``table.py`` has."""
    if isinstance(column, DictColumn):
        return DictColumn(codes=column.codes[start:stop], values=column.values)
    if isinstance(column, NullColumn):
        return NullColumn(max(0, min(stop, column.length) - start))
    return column[start:stop]
