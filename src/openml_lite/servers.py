"""Where a load asks: the OpenML servers and mirrors it was given, in order, and where the
URLs OpenML writes in its descriptions lead on each of them.

OpenML's descriptions carry URLs of several ages (checked 2026-12):

* parquet, today: ``https://data.openml.org/datasets/0004/40945/dataset_40945.pq``
  (OpenML's server-api: ``{minio}datasets/{did // 10_000:04d}/{did:04d}/dataset_{did}.pq``);
* parquet, older: ``http://openml1.win.tue.nl/dataset42074/dataset_42074.pq`` (plain http:
  a browser blocks it on an https page; the host no longer answers);
* ARFF: ``https://www.openml.org/data/v1/download/...`` and the same on ``api.openml.org``
  (which stopped resolving in April 2026).

Each such URL is reduced to a path relative to a server (``datasets/0004/...`` or
``data/v1/download/...``) and asked of the servers in order: on OpenML itself over https
(``datasets/`` on its data host), on a mirror under its one root. A URL that cannot be
reduced is used as given. Only this module knows OpenML's host names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .errors import DataIntegrityError, DatasetNotFoundError, DownloadError, OpenMLError

DEFAULT_BASE_URL = "https://www.openml.org"
BASE_URL_ENV = "OPENML_LITE_BASE_URL"

_API_HOSTS = ("www.openml.org", "openml.org", "api.openml.org")  # one API, several names
_DATA_HOST = "data.openml.org"
_DATA_ROOT = f"https://{_DATA_HOST}/"
# the host of older parquet URLs and their one path form (sklearn's recorded 42074, 1590)
_LEGACY_PARQUET_HOST = "openml1.win.tue.nl"
_LEGACY_PARQUET_PATH = re.compile(r"/dataset(\d+)/dataset_(\d+)\.pq")
_DATA_FILES = "datasets/"  # paths under this prefix live on a server's data host


def parquet_path(data_id: int) -> str:
    """Where OpenML keeps a dataset's parquet file, relative to its data host."""
    return f"{_DATA_FILES}{data_id // 10000:04d}/{data_id:04d}/dataset_{data_id}.pq"


@dataclass(frozen=True)
class Server:
    """One OpenML server or mirror: ``url`` its API root (no trailing "/"), ``data_url``
    the root of its data files (with one)."""

    url: str
    data_url: str

    @classmethod
    def at(cls, url: str) -> Server:
        """OpenML's own hosts over https, with data.openml.org for their data files; any
        other server (a mirror) serves both under the URL given."""
        url = url.strip().rstrip("/")
        parts = urlsplit(url)
        if not parts.scheme or not parts.netloc:
            raise ValueError(f"an OpenML server must be an absolute http(s) URL, not {url!r}")
        host = (parts.hostname or "").lower()
        if host in _API_HOSTS:
            return cls(url=f"https://{parts.netloc}{parts.path}", data_url=_DATA_ROOT)
        return cls(url=url, data_url=url + "/")

    def locate(self, path: str) -> str:
        """The URL of ``path`` (relative, as ``relative_path`` gives it) on this server."""
        root = self.data_url if path.startswith(_DATA_FILES) else self.url + "/"
        return root + path

    def api(self, path: str) -> str:
        """The URL of a document of OpenML's JSON API (``data/61``, ``data/features/61``)."""
        return f"{self.url}/api/v1/json/{path}"

    def __str__(self) -> str:
        return self.url


def servers_from(base_url: str | Sequence[str] | None) -> list[Server]:
    """The servers a load asks, in order: ``base_url`` (one URL, several separated by
    whitespace or commas, or a list), else ``$OPENML_LITE_BASE_URL`` (the same forms),
    else openml.org."""
    if base_url is None or base_url == "":
        base_url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    urls = re.split(r"[\s,]+", base_url) if isinstance(base_url, str) else list(base_url)
    servers = []
    for url in urls:
        if not isinstance(url, str):
            raise TypeError(f"base_url must hold URLs (str), not {url!r}")
        if url.strip():
            server = Server.at(url)
            if server not in servers:
                servers.append(server)
    if not servers:
        raise ValueError(f"base_url names no server: {base_url!r}")
    return servers


def relative_path(url: str, servers: Sequence[Server] = ()) -> str | None:
    """``url`` as a path any OpenML server or mirror answers (``datasets/...`` or
    ``data/v1/download/...``), if it is on one of OpenML's hosts (old or new, http or
    https) or under one of ``servers``; else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
    if host == _LEGACY_PARQUET_HOST:
        match = _LEGACY_PARQUET_PATH.fullmatch(parts.path)
        if match and match[1] == match[2]:
            return parquet_path(int(match[1]))
        return None
    if host == _DATA_HOST:
        return path if path.startswith(_DATA_FILES) else None
    if host in _API_HOSTS:
        return None if path.startswith(_DATA_FILES) else path
    for server in servers:
        for root in (server.data_url, server.url + "/"):
            if url.startswith(root) and len(url) > len(root):
                return url[len(root):]
    return None


@dataclass
class Served:
    """One document of a load and where it came from (the load report lists them)."""

    what: str
    url: str
    server: str  # the server's URL, or the URL's own origin when it was used as given
    cached: bool

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ServerPool:
    """The servers of one load, in order, and what the load learnt of them: a server that
    did not answer (or not as an OpenML server does) is left out for the rest of the load.

    ``first`` asks a document of each server in turn until one gives it: the cache first
    (every server's copy), then the network, with retries only on the last server left
    (another server answering now beats waiting for one that did not).
    """

    servers: list[Server]
    skipped: dict[str, str] = field(default_factory=dict)  # server URL -> why
    skip_errors: dict = field(default_factory=dict)  # server URL -> the OpenMLError it gave
    served: list[Served] = field(default_factory=list)

    def live(self) -> list[Server]:
        return [server for server in self.servers if server.url not in self.skipped]

    def api(self, path: str) -> list[tuple[Server | None, str]]:
        return [(server, server.api(path)) for server in self.live()]

    def data_file(self, url: str | None) -> list[tuple[Server | None, str]]:
        """Where the data file a description names at ``url`` may be had, in order."""
        if not url:
            raise DataIntegrityError("the description names no URL for this file")
        path = relative_path(url, self.servers)
        if path is None:
            return [(None, _https_if_openml(url))]
        found = [(server, server.locate(path)) for server in self.live()]
        return found or [(None, _https_if_openml(url))]

    async def cached(self, fetcher, candidates: list[tuple[Server | None, str]], *, what: str):
        """The first candidate's copy in this load's downloads or the cache, else None."""
        for server, url in candidates:
            response = await fetcher.cached(url)
            if response is not None:
                self.book(what, url, server, cached=response.cached)
                return response
        return None

    async def first(self, fetcher, candidates: list[tuple[Server | None, str]], *, what: str,
                    dataset: str | None, read=None, progress=None, headers=None):
        """``read(response)`` of the first candidate that answers (default: the Response
        itself if it is a 2xx one, else a DownloadError with its status). ``read`` raises an OpenMLError for an answer that will not do: a
        DatasetNotFoundError (or an HTTP 403/404/410/412 DownloadError) when the server
        does not have it, which leaves the server in the pool; anything else, or no
        answer at all, takes the server out of it. When no candidate gives it: that one
        error if only one server was asked, else one naming every server and what it said.
        """
        if read is None:
            def read(response):
                if not response.ok:
                    raise DownloadError(f"{response.url} answered HTTP {response.status} for {what} "
                                        f"of {dataset or 'the dataset'}.", dataset=dataset,
                                        url=response.url, status=response.status)
                return response
        if not candidates:
            raise DownloadError(
                f"no server left to ask for {what} of {dataset or 'the dataset'}: "
                + "; ".join(f"{url} ({why})" for url, why in self.skipped.items()),
                dataset=dataset)
        for server, url in candidates:  # a copy from an earlier load, from any server
            response = await fetcher.cached(url)
            if response is None:
                continue
            try:
                value = read(response)
            except OpenMLError:
                await fetcher.forget(url)  # a damaged copy: ask the server
                continue
            self.book(what, url, server, cached=response.cached)
            if progress is not None:  # callers see every load complete, cached or not
                progress(len(response.body), len(response.body))
            return value
        failures: list[tuple[str, OpenMLError]] = []
        for index, (server, url) in enumerate(candidates):
            if server is not None and server.url in self.skipped:  # it failed a request
                failures.append((str(server), self.skip_errors[server.url]))  # running at the
                continue  # same time (the async API's, the sync one's threads): what it said
            last = index == len(candidates) - 1
            try:
                response = await fetcher.get(url, dataset=dataset, progress=progress, headers=headers,
                                             retries=None if last else 0, use_cache=False)
                value = read(response)
            except OpenMLError as error:
                fetcher.unstage(url)  # an answer that will not do is never cached
                failures.append((str(server) if server else _origin(url), error))
                if server is not None and _server_failed(error):
                    self.skipped[server.url] = str(error)
                    self.skip_errors[server.url] = error
                continue
            self.book(what, url, server, cached=False)
            return value
        raise _all_failed(what, dataset, failures)

    def book(self, what: str, url: str, server: Server | None, *, cached: bool) -> None:
        self.served.append(Served(what, url, str(server) if server else _origin(url), cached))


def _server_failed(error: OpenMLError) -> bool:
    """No answer, a server error after retries, or an answer no OpenML server gives."""
    if isinstance(error, DataIntegrityError):
        return True
    return isinstance(error, DownloadError) and error.status not in _NOT_THERE


_NOT_THERE = {403, 404, 410, 412}


def _all_failed(what: str, dataset: str | None, failures: list[tuple[str, OpenMLError]]) -> OpenMLError:
    if len(failures) == 1:
        return failures[0][1]
    tried = [(server, str(error)) for server, error in failures]
    said = "; ".join(f"{server}: {error}" for server, error in tried)
    message = f"no server gave {what} of {dataset or 'the dataset'} ({said})"
    if all(isinstance(error, DatasetNotFoundError) for _, error in failures):
        return DatasetNotFoundError(message, dataset=dataset, url=failures[0][1].url, tried=tried)
    statuses = {getattr(error, "status", None) for _, error in failures}
    return DownloadError(message, dataset=dataset, url=failures[-1][1].url, tried=tried,
                         status=statuses.pop() if len(statuses) == 1 else None)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _https_if_openml(url: str) -> str:
    """OpenML's own hosts over https (a page served over https may not fetch http)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and (host in _API_HOSTS or host == _DATA_HOST):
        return "https" + url[len("http"):]
    return url
