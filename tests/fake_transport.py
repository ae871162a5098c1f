"""A transport that answers from a table instead of the network (micropip's mock_fetch is
the model): unit tests of the client, the server pool and the loader without a server.

    transport = FakeTransport({
        "https://a.example/api/v1/json/data/61": (200, b'{"data_set_description": ...}'),
        "https://b.example/api/v1/json/data/61": TransportError("refused"),
    })

A URL missing from the table answers 404. Every URL asked is in ``transport.asked``.
"""

from __future__ import annotations

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
