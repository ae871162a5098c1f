"""Fault injection for the local mirror: what real networks and servers do.

A rule matches request paths by regular expression and fires ``times`` times (None:
always). Rules come from the command line (``--fault "REGEX KIND[:ARG] [xN]"``) or
from ``POST /_mirror/faults`` with ``{"rules": [{"match": ..., "kind": ..., ...}]}``
(``POST /_mirror/faults/clear`` removes them). Kinds:

================  ==========================================================  ==============
kind              what the client gets                                        argument
================  ==========================================================  ==============
status            that HTTP status (OpenML's error body for 404/412 on the    status code
                  API; ``Retry-After`` when ``retry_after`` is given)
reset             the headers and half the body, then the connection closes
truncate          the first N bytes, with a Content-Length that says N        N (bytes)
flip              the body with one bit flipped at byte N (negative: from     N
                  the end)
html              200 with an HTML page instead of the document
html_status       an HTML error page with that status (what a proxy or CDN    status code
                  in front of OpenML sends: "502 Bad Gateway")
problem           OpenML's next API's answer for an unknown dataset (RFC
                  9457 ``application/problem+json``, as its server-api
                  writes it; 404 where V1 said 412; see ``v2_problem``)
no_cors           the normal answer without any CORS header
no_ranges         the whole file (200) whatever the Range header asks
no_content_range  206 answers without Content-Range (what a page sees when
                  a server does not expose that header to CORS requests)
delay             the normal answer after N seconds of silence                seconds
throttle          the normal answer at N bytes per second (after ``seconds``   bytes/s
                  of silence, if given: a network's latency)
bad_length        a Content-Length N bytes larger than the body, then close   N
================  ==========================================================  ==============
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

KINDS = ("status", "reset", "truncate", "flip", "html", "html_status", "problem", "no_cors", "delay",
         "throttle", "bad_length", "no_ranges", "no_content_range")
# kinds that change headers only: the normal answer is produced with them in mind
HEADER_KINDS = ("no_cors", "no_ranges", "no_content_range")
# the argument each kind takes, and its type
_ARGUMENT = {"status": ("status", int), "html_status": ("status", int), "truncate": ("bytes", int),
             "flip": ("offset", int),
             "delay": ("seconds", float), "throttle": ("rate", float), "bad_length": ("extra", int)}

HTML_PAGE = (b"<!DOCTYPE html><html><head><title>Maintenance</title></head>"
             b"<body><h1>OpenML is down for maintenance</h1></body></html>\n")


def html_error_page(status: int) -> bytes:
    """nginx's error page, as a proxy in front of a server that is down sends it."""
    from http import HTTPStatus

    title = f"{status} {HTTPStatus(status).phrase}"
    return (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1>"
            f"</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode()


# OpenML's next API (server-api, FastAPI; not in production) answers errors as RFC 9457
# problem documents. Shapes as its code writes them (openml/server-api 8adb636a:
# src/core/errors.py's handler; the messages of routers/openml/datasets.py and qualities.py,
# asserted by tests/routers/openml/datasets_get_test.py, datasets_qualities_test.py and
# datasets_list_datasets_test.py): compact JSON, fields type, title, status, detail, then code
# (a string, the V1 code); media type application/problem+json.
PROBLEM_TYPE = "application/problem+json"
_PROBLEMS = {  # route of relpath_for_url -> (status, type, title, detail, code)
    "description": (404, "dataset-not-found", "Dataset Not Found", "No dataset with id {id} found.", "111"),
    "features": (404, "dataset-not-found", "Dataset Not Found", "No dataset with id {id} found.", "111"),
    "qualities": (404, "dataset-not-found", "Dataset Not Found", "Dataset with id {id} not found.", "361"),
    "list": (404, "no-results", "No Results Found", "No datasets match the search criteria.", "372"),
}


def v2_problem(route: str, data_id: str = "") -> tuple[int, bytes]:
    """(status, body) of OpenML V2's answer for an unknown dataset at this route."""
    import json

    status, kind, title, detail, code = _PROBLEMS[route]
    document = {"type": f"https://openml.org/problems/{kind}", "title": title, "status": status,
                "detail": detail.format(id=data_id), "code": code}
    return status, json.dumps(document, separators=(",", ":")).encode()


@dataclass
class Rule:
    match: str
    kind: str
    times: int | None = None
    status: int = 503
    retry_after: float | None = None
    bytes: int = 0
    offset: int = 0
    seconds: float = 0.0
    rate: float = 1e6
    extra: int = 100
    fired: int = 0
    _pattern: re.Pattern = field(default=None, repr=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {KINDS}")
        self._pattern = re.compile(self.match)

    @classmethod
    def from_spec(cls, spec: str) -> "Rule":
        """``"REGEX KIND[:ARG] [xN]"``, e.g. ``"\\.pq$ status:503 x2"``."""
        parts = spec.split()
        if len(parts) not in (2, 3):
            raise ValueError(f"fault spec {spec!r}: want 'REGEX KIND[:ARG] [xN]'")
        kind, _, argument = parts[1].partition(":")
        fields = {}
        if argument:
            name, convert = _ARGUMENT.get(kind, (None, None))
            if name is None:
                raise ValueError(f"fault kind {kind!r} takes no argument")
            fields[name] = convert(argument)
        times = int(parts[2].lstrip("x")) if len(parts) == 3 else None
        return cls(match=parts[0], kind=kind, times=times, **fields)

    @classmethod
    def from_json(cls, data: dict) -> "Rule":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and not k.startswith("_")}
        return cls(**known)

    def as_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


class Faults:
    """The active rules of one server (thread-safe)."""

    def __init__(self, rules=()):
        self._lock = threading.Lock()
        self._rules: list[Rule] = list(rules)

    def replace(self, rules) -> None:
        with self._lock:
            self._rules = list(rules)

    def rules(self) -> list[dict]:
        with self._lock:
            return [r.as_json() for r in self._rules]

    def take(self, path: str) -> Rule | None:
        """The first rule that matches ``path`` and has not used up its times."""
        with self._lock:
            for rule in self._rules:
                if rule._pattern.search(path) and (rule.times is None or rule.fired < rule.times):
                    rule.fired += 1
                    return rule
        return None
