"""Downloading only some columns of a parquet file, with HTTP range requests.

One request for the file's tail (footer, usually whole), then one per run of wanted
column chunks. The result is a file-sized buffer holding the footer and those chunks;
every engine reads it like the whole file as long as it is asked for those columns
only (they read chunks at the offsets the footer gives, nothing else). Bytes that
were not fetched stay zero, and a reader that strays into them fails to decode
(a zero byte is no valid page header): the load then downloads the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import DataIntegrityError, OpenMLError
from .fetcher import Fetcher
from .parquet_footer import MAGIC, FooterError, footer_length, merge, parse_footer
from .transport import ProgressCallback, Response

TAIL_BYTES = 64 * 1024  # OpenML footers are a few KB; wide files (mnist: 785 columns) ~150 KB
GAP_BYTES = 64 * 1024  # chunks closer than this come in one request (fewer round trips)
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


class RangesUnsupported(Exception):
    """This server (or this browser's view of it) cannot serve usable byte ranges."""


@dataclass
class PartialFile:
    body: bytearray  # as long as the file; zero outside the fetched ranges
    downloaded: int  # bytes that came over the network
    requests: int


async def fetch_columns(fetcher: Fetcher, url: str, names: list[str], *, dataset: str,
                        progress: ProgressCallback | None = None) -> PartialFile | Response:
    """The footer and the chunks of ``names``; or the whole file's Response, when the
    server ignored the Range header and sent all of it anyway.

    Raises RangesUnsupported (no usable 206 answer), FooterError (a tail that is not
    a parquet footer) or DataIntegrityError (the footer lacks a wanted column).
    """
    tail = await _get(fetcher, url, f"-{TAIL_BYTES}", dataset)
    if isinstance(tail, Response):
        return tail
    tail_start, size, tail_bytes = tail
    requests = 1
    footer_size = footer_length(tail_bytes)
    footer_start = size - 8 - footer_size
    if not 4 <= footer_start:
        raise FooterError(f"a footer of {footer_size} bytes in a file of {size}")
    if footer_start < tail_start:  # a very wide file: the rest of its footer
        more = await _get(fetcher, url, f"{footer_start}-{tail_start - 1}", dataset)
        if isinstance(more, Response):
            return more
        tail_bytes, tail_start, requests = more[2] + tail_bytes, footer_start, 2
    footer = parse_footer(bytes(tail_bytes[footer_start - tail_start:-8]), size)
    absent = [name for name in names if name not in footer.columns]
    if absent:
        raise DataIntegrityError(f"columns {absent} are not in the file's footer")

    body = bytearray(size)
    body[:4] = MAGIC  # the one structural byte run outside footer and chunks
    body[tail_start:] = tail_bytes
    wanted = [(start, min(end, tail_start)) for start, end in merge(footer.ranges(names), GAP_BYTES)
              if start < tail_start]
    downloaded = len(tail_bytes)
    parts = _Progress(progress, sum(end - start for start, end in wanted))

    async def fetch(start: int, end: int) -> None:
        got = await _get(fetcher, url, f"{start}-{end - 1}", dataset, parts.callback(start))
        if isinstance(got, Response) or got[0] != start or len(got[2]) != end - start:
            raise RangesUnsupported(f"asked for bytes {start}-{end - 1}, got another answer")
        body[start:end] = got[2]

    await fetcher.gather(*(fetch(start, end) for start, end in wanted))
    downloaded += sum(end - start for start, end in wanted)
    return PartialFile(body=body, downloaded=downloaded, requests=requests + len(wanted))


async def fetch_footer(fetcher: Fetcher, url: str, *, dataset: str):
    """(Footer, file size, bytes downloaded, requests, the whole file where the tail was all
    of it or the server sent it all, else None) from the file's tail alone (one range
    request, two for a very wide file), or None where ranges or the footer cannot be had
    (nothing is raised)."""
    try:
        tail = await _get(fetcher, url, f"-{TAIL_BYTES}", dataset)
        if isinstance(tail, Response):  # the whole file came: read its footer
            body = tail.body
            length = footer_length(body[-8:])
            return parse_footer(bytes(body[-8 - length:-8]), len(body)), len(body), len(body), 1, body
        tail_start, size, tail_bytes = tail
        footer_start, requests = size - 8 - footer_length(tail_bytes), 1
        if footer_start < tail_start:
            more = await _get(fetcher, url, f"{footer_start}-{tail_start - 1}", dataset)
            if isinstance(more, Response):
                return None
            tail_bytes, tail_start, requests = more[2] + tail_bytes, footer_start, 2
        footer = parse_footer(bytes(tail_bytes[footer_start - tail_start:-8]), size)
        return footer, size, len(tail_bytes), requests, bytes(tail_bytes) if tail_start == 0 else None
    except (RangesUnsupported, FooterError, OpenMLError):
        return None


async def _get(fetcher: Fetcher, url: str, spec: str, dataset: str,
               progress: ProgressCallback | None = None):
    """(first byte, file size, bytes) of a 206 answer; a 200 answer as is."""
    response = await fetcher.get(url, dataset=dataset, cacheable=False, progress=progress,
                                 headers={"Range": f"bytes={spec}"})
    if response.status == 200:
        return response
    if response.status != 206:
        raise RangesUnsupported(f"HTTP {response.status} to a Range request")
    if "content-encoding" in response.headers:  # offsets would not be file offsets
        raise RangesUnsupported("a compressed answer to a Range request")
    match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", "").strip())
    if not match:  # in a browser: the server does not expose Content-Range to pages
        raise RangesUnsupported("a 206 answer without a readable Content-Range header")
    first, last, size = map(int, match.groups())
    if last - first + 1 != len(response.body) or last >= size:
        raise RangesUnsupported(f"Content-Range {first}-{last}/{size} for {len(response.body)} bytes")
    return first, size, response.body


class _Progress:
    """One bar over several range requests (which may run at the same time)."""

    def __init__(self, progress: ProgressCallback | None, total: int):
        self.progress, self.total, self.received = progress, total, {}

    def callback(self, key: int) -> ProgressCallback | None:
        if self.progress is None:
            return None

        def update(received: int, _total) -> None:
            self.received[key] = received
            self.progress(sum(self.received.values()), self.total)

        return update
