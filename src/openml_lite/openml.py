"""The OpenML REST API: URLs, documents, and what its error answers mean.

Turns the JSON that OpenML serves (shapes as recorded in scikit-learn's test data)
into small records; the raw dicts are kept, because sklearn returns them as
``details``. All HTTP goes through a :class:`~openml_lite.fetcher.Fetcher`.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

from .errors import DataIntegrityError, DatasetNotFoundError, DownloadError, OpenMLError
from .fetcher import Fetcher, Pending
from .servers import ServerPool, servers_from
from .transport import Response


class Feature(NamedTuple):
    """One entry of OpenML's features list. (A NamedTuple: mnist has 785 of them, and a
    frozen dataclass took 80 us each to build in Pyodide.)"""

    index: int
    name: str
    data_type: str  # numeric, real, integer, nominal, string, date
    is_target: bool
    is_ignore: bool
    is_row_identifier: bool
    n_missing: int
    nominal_values: tuple[str, ...] | None
    raw: dict[str, Any]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "Feature":
        get = raw.get
        return cls(int(raw["index"]), raw["name"], raw["data_type"].lower(),
                   get("is_target") == "true", get("is_ignore") == "true",
                   get("is_row_identifier") == "true",
                   int(get("number_of_missing_values", 0) or 0), _nominal_values(raw), raw)


def _nominal_values(raw: dict[str, Any]) -> tuple[str, ...] | None:
    # OpenML sends a list, a bare string when there is one value, older answers a JSON
    # string in "nominal_values" instead (emotions, id 40589), or nothing.
    values = raw.get("nominal_value")
    if values is None and isinstance(raw.get("nominal_values"), str):
        try:
            values = json.loads(raw["nominal_values"])
        except ValueError:
            values = None
    if values is None:
        return None
    if isinstance(values, str):
        return (values,)
    return tuple(str(v) for v in values)


@dataclass(frozen=True)
class Description:
    raw: dict[str, Any]  # every field a string, as the server sent it

    id: int = 0
    name: str = ""

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "Description":
        return cls(raw=raw, id=int(raw["id"]), name=raw.get("name", ""))

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.raw.get(key, default)

    @property
    def label(self) -> str:
        """How errors name this dataset: ``'iris' (id 61, version 1)``."""
        return f"'{self.name}' (id {self.id}, version {self.raw.get('version', '?')})"

    @property
    def is_sparse(self) -> bool:
        return self.raw.get("format", "").lower() == "sparse_arff"

    @property
    def parquet_url(self) -> str | None:
        return self.raw.get("parquet_url") or self.raw.get("minio_url") or None


class OpenMLClient:
    """Async access to OpenML's JSON API on the servers of one load (``base_url``: one
    or several, see servers.py), each document from the first server that gives it."""

    def __init__(self, fetcher: Fetcher, base_url=None, *, pool: ServerPool | None = None):
        self.fetcher = fetcher
        self.pool = pool if pool is not None else ServerPool(servers_from(base_url))

    @property
    def where(self) -> str:
        """The servers, for messages: ``at https://www.openml.org`` (or several)."""
        return "at " + ", ".join(map(str, self.pool.servers))

    async def find_by_name(self, name: str, version: int | str) -> int:
        """The data_id of ``name`` at ``version`` (``"active"``: the oldest active one)."""
        label = f"'{name}'"
        search = f"data/list/data_name/{name}/limit/2"
        if version == "active":
            found = await self.document(
                search + "/status/active/", what="the name lookup", dataset=label,
                not_found=f"OpenML has no active dataset named {label} {self.where}. "
                "If it exists only in deactivated versions, pass version=<n> or the "
                "data_id to load one anyway.",
            )
            datasets = found["data"]["dataset"]
            if len(datasets) > 1:
                warnings.warn(_several_active_versions(name, datasets), stacklevel=5)
            return int(datasets[0]["did"])
        try:
            found = await self.document(f"{search}/data_version/{version}", what="the name lookup",
                                        dataset=label, not_found="no such version")
        except DatasetNotFoundError:
            # OpenML lists only active datasets unless a status is given.
            found = await self.document(
                f"{search}/data_version/{version}/status/deactivated", what="the name lookup",
                dataset=label,
                not_found=f"Dataset {label} with version {version} not found {self.where}.",
            )
        return int(found["data"]["dataset"][0]["did"])

    async def description(self, data_id: int) -> Description:
        found = await self.document(
            f"data/{data_id}", what="the description", dataset=f"data_id={data_id}",
            not_found=f"Dataset with data_id {data_id} not found {self.where}.",
        )
        return Description.from_json(found["data_set_description"])

    def ask_features_and_qualities(self, data_id: int) -> tuple[Pending, Pending]:
        """Begin both requests before the description arrives (they need only the id:
        two round trips less; under the sync API on CPython, in threads). Their answers
        go to ``features`` and ``qualities``."""
        label = f"data_id={data_id}"  # as the description's own request names it
        return (self.fetcher.start(self._features(data_id, label), thread=True),
                self.fetcher.start(self._qualities(data_id, label), thread=True))

    async def features(self, description: Description, answer: Pending | None = None) -> list[Feature]:
        if answer is None:
            return await self._features(description.id, description.label)
        return await answer.result()

    async def qualities(self, description: Description, answer: Pending | None = None) -> dict[str, str]:
        """Name -> value; empty when OpenML has not computed them (they are optional)."""
        if answer is None:
            return await self._qualities(description.id, description.label)
        return await answer.result()

    async def _features(self, data_id: int, label: str) -> list[Feature]:
        found = await self.document(f"data/features/{data_id}", what="the features", dataset=label,
                                    not_found=f"OpenML has no features for dataset {label}.")
        features = [Feature.from_json(raw) for raw in found["data_features"]["feature"]]
        return sorted(features, key=lambda f: f.index)

    async def _qualities(self, data_id: int, label: str) -> dict[str, str]:
        # OpenML's error answer ("no qualities", "not processed", ...) is an answer: none,
        # from that server; a server without the document at all (a plain 404) leaves it
        # to the next, and none anywhere is none too
        try:
            found = await self.document(f"data/qualities/{data_id}", what="the qualities",
                                        dataset=label, not_found="no qualities", optional=True)
        except DatasetNotFoundError:
            return {}
        if found is None:
            return {}
        qualities = found.get("data_qualities", {}).get("quality", [])
        return {q["name"]: q.get("value") for q in qualities}

    async def document(self, path: str, *, what: str, dataset: str, not_found: str,
                       optional: bool = False) -> dict[str, Any] | None:
        """The JSON document at ``path`` of OpenML's API (``data/61``), from the first
        server that has it. ``not_found``: the message when no server has it.
        ``optional``: an OpenML error answer is the answer: None."""

        def read(response: Response):
            return read_document(response, dataset=dataset, not_found=not_found, optional=optional)

        return await self.pool.first(self.fetcher, self.pool.api(path), what=what, dataset=dataset,
                                     read=read)


#: OpenML's error codes (V1, kept by its V2 API) for "there is no such thing": unknown
#: dataset (111; 271 and 361 at the features and qualities endpoints), no features (272),
#: no qualities (362), no results of a list (372)
NOT_FOUND_CODES = {"111", "271", "272", "361", "362", "372"}
_NOT_FOUND_STATUS = {404, 410, 412}


def read_document(response: Response, *, dataset: str, not_found: str,
                  optional: bool = False) -> dict[str, Any] | None:
    """One answer of OpenML's JSON API, as a document or a typed error. Understands
    OpenML's error bodies: V1's ``{"error": {"code", "message"}}`` (HTTP 412, or 200 from a
    static mirror) and its next API's RFC 9457 problem documents (``type``, ``title``,
    ``status``, ``detail``, ``code``; 404 where V1 said 412). ``optional``: an error body
    (of a 4xx answer, or a static mirror's 200) means "none": None."""
    url = response.url
    error = openml_error(response.body)
    if optional and error is not None and (response.ok or 400 <= response.status < 500):
        return None
    if response.status in _NOT_FOUND_STATUS or (error is not None and error[0] in NOT_FOUND_CODES):
        said = f"OpenML error {error[0]}: {error[1]}" if error else f"HTTP {response.status}"
        raise DatasetNotFoundError(f"{not_found} ({said})", dataset=dataset, url=url)
    if error is not None:
        raise OpenMLError(f"OpenML answered {url} with an error while loading {dataset}: "
                          f"OpenML error {error[0]}: {error[1]} (HTTP {response.status})",
                          dataset=dataset, url=url)
    if not response.ok:
        raise DownloadError(f"{url} answered HTTP {response.status} while loading {dataset}.",
                            dataset=dataset, url=url, status=response.status)
    try:
        document = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as problem:
        raise DataIntegrityError(
            f"{url} did not answer with JSON while loading {dataset} "
            f"(it starts with {response.body[:40]!r}). Is base_url an OpenML server?",
            dataset=dataset, url=url,
        ) from problem
    if not isinstance(document, dict):
        raise DataIntegrityError(f"{url} answered {type(document).__name__} where OpenML sends "
                                 f"a JSON object, while loading {dataset}.", dataset=dataset, url=url)
    return document


def openml_error(body: bytes) -> tuple[str, str] | None:
    """(code, message) of an OpenML error body, V1 or V2 (RFC 9457); None if it is none.
    V2's code is a string ("111"); its 422 and 500 problems have none ("")."""
    if not body or body.lstrip()[:1] != b"{":
        return None
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("error"), dict):  # V1
        error = document["error"]
        return str(error.get("code", "")), str(error.get("message", ""))
    if {"type", "title", "status"} <= document.keys():  # V2: RFC 9457
        detail = document.get("detail") or document["title"]
        return str(document.get("code", "")), f"{detail} ({document['title']})"
    return None


def _several_active_versions(name: str, datasets: list[dict[str, Any]]) -> str:
    lines = [
        f"Multiple active versions of the dataset matching the name {name} exist. "
        "Versions may be fundamentally different, returning version "
        f"{datasets[0]['version']}. Available versions:"
    ]
    for d in datasets:
        lines.append(f"- version {d['version']}, status: {d['status']}")
        lines.append(f"  url: https://www.openml.org/search?type=data&id={d['did']}")
    return "\n".join(lines) + "\n"
