"""A transport that answers from a table instead of the network (micropip's mock_fetch is
the model): unit tests of the client, the server pool and the loader without a server.

    transport = FakeTransport({
        "https://a.example/api/v1/json/data/61": (200, b'{"data_set_description": ...}'),
        "https://b.example/api/v1/json/data/61": TransportError("refused"),
    })

A URL missing from the table answers 404. Every URL asked is in ``transport.asked``.
``from_mirror(mirror_dir)``: OpenML answered from a mirror folder (the conftest's mirror_dir).
"""

from __future__ import annotations

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
