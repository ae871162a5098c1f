"""A transport that answers from a table instead of the network (micropip's mock_fetch is
the model): unit tests of the client, the server pool and the loader without a server.

    transport = FakeTransport({
        "https://a.example/api/v1/json/data/61": (200, b'{"data_set_description": ...}'),
        "https://b.example/api/v1/json/data/61": TransportError("refused"),
    })

A URL missing from the table answers 404. Every URL asked is in ``transport.asked``.
``from_mirror(mirror_dir)``: OpenML answered from a mirror folder (the conftest's mirror_dir);
``RangeTransport(mirror_dir)``: the same, answering Range requests for parquet files with a 206.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from openml_lite.mirror.server import relpath_for_url
from openml_lite.transport import Response, TransportError


class FakeTransport:
    def __init__(self, answers: dict | None = None):
        self.answers = dict(answers or {})
        self.asked: list[str] = []

    async def get(self, url, *, headers=None, progress=None):
        self.asked.append(url)
        answer = self.answers.get(url, (404, b"Not Found\n"))
        if callable(answer):
            answer = answer(url)
        if isinstance(answer, BaseException):
            raise answer
        status, body, *rest = answer
        headers = rest[0] if rest else {}
        if progress is not None:
            progress(len(body), len(body))
        return Response(url=url, status=status, body=body, headers=headers)


def refused(url: str) -> TransportError:
    return TransportError(f"no answer from {url}: [Errno 111] Connection refused")


def from_mirror(mirror_dir, damage: dict | None = None) -> FakeTransport:
    """Answers read from the mirror folder by URL path, whatever the host (the description's
    data.openml.org URLs are mapped onto the server given); ``damage``: path -> how many
    times it answers with a flipped byte first."""
    left = dict(damage or {})

    def answer(url):
        path = urlparse(url).path
        route = relpath_for_url(path)
        if route is None or not (Path(mirror_dir) / route[1]).is_file():
            return 404, b"Not Found\n"
        body = (Path(mirror_dir) / route[1]).read_bytes()
        if left.get(path):
            left[path] -= 1
            middle = len(body) // 2
            body = body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1:]
        return 200, body

    transport = FakeTransport()
    transport.answers = _AllUrls(answer)  # (the constructor copies into a plain dict)
    return transport


class _AllUrls(dict):
    """Every URL answered by one function."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer

    def get(self, url, default=None):
        return self.answer


class RangeTransport(FakeTransport):
    """from_mirror's answers, and for a Range header on a parquet file a 206 of just those
    bytes with its Content-Range (as data.openml.org and the HTTP mirror answer). Keeps
    every request's headers (``sent``) and every 206's byte span (``spans``)."""

    def __init__(self, mirror_dir):
        super().__init__()
        self.root = Path(mirror_dir)
        self.answers = from_mirror(mirror_dir).answers
        self.sent: list[tuple[str, dict]] = []
        self.spans: list[tuple[int, int]] = []  # (first, last) inclusive

    async def get(self, url, *, headers=None, progress=None):
        self.sent.append((url, dict(headers or {})))
        spec = (headers or {}).get("Range")
        path = urlparse(url).path
        if spec is None or not path.endswith(".pq"):
            return await super().get(url, headers=headers, progress=progress)
        self.asked.append(url)
        body = (self.root / relpath_for_url(path)[1]).read_bytes()
        start, end = re.fullmatch(r"bytes=(\d*)-(\d*)", spec).groups()
        first, last = (len(body) - int(end), len(body) - 1) if not start else (int(start), int(end or len(body) - 1))
        first, last = max(first, 0), min(last, len(body) - 1)
        self.spans.append((first, last))
        part = body[first:last + 1]
        if progress is not None:
            progress(len(part), len(part))
        return Response(url=url, status=206, body=part,
                        headers={"content-range": f"bytes {first}-{last}/{len(body)}"})

    def data_requests(self) -> list[dict]:
        """The headers of each request for a parquet file, in order."""
        return [headers for url, headers in self.sent if urlparse(url).path.endswith(".pq")]
