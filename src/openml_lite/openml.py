"""The OpenML REST API: URLs, documents, and what its error answers mean.

Turns the JSON that OpenML serves (shapes as recorded in scikit-learn's test data)
into small records; the raw dicts are kept, because sklearn returns them as
``details``. All HTTP goes through a :class:`~openml_lite.fetcher.Fetcher`.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

from .errors import DataIntegrityError, DatasetNotFoundError, DownloadError, OpenMLError
from .fetcher import Fetcher, Pending
from .transport import Response

DEFAULT_BASE_URL = "https://www.openml.org"
BASE_URL_ENV = "OPENML_LITE_BASE_URL"


def resolve_base_url(base_url: str | None = None) -> str:
    """``base_url``, else ``$OPENML_LITE_BASE_URL``, else openml.org (no trailing /)."""
    url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return url.rstrip("/")


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
    """Async access to one OpenML server's JSON API."""

    def __init__(self, fetcher: Fetcher, base_url: str | None = None):
        self.fetcher = fetcher
        self.base_url = resolve_base_url(base_url)

    def api_url(self, path: str) -> str:
        return f"{self.base_url}/api/v1/json/{path}"

    async def find_by_name(self, name: str, version: int | str) -> int:
        """The data_id of ``name`` at ``version`` (``"active"``: the oldest active one)."""
        label = f"'{name}'"
        search = self.api_url(f"data/list/data_name/{name}/limit/2")
        if version == "active":
            found = await self._json(
                search + "/status/active/", dataset=label,
                not_found=f"OpenML has no active dataset named {label} at {self.base_url}. "
                "If it exists only in deactivated versions, pass version=<n> or the "
                "data_id to load one anyway.",
            )
            datasets = found["data"]["dataset"]
            if len(datasets) > 1:
                warnings.warn(_several_active_versions(name, datasets), stacklevel=5)
            return int(datasets[0]["did"])
        try:
            found = await self._json(f"{search}/data_version/{version}", dataset=label, not_found=None)
        except DatasetNotFoundError:
            # OpenML lists only active datasets unless a status is given.
            found = await self._json(
                f"{search}/data_version/{version}/status/deactivated", dataset=label,
                not_found=f"Dataset {label} with version {version} not found at {self.base_url}.",
            )
        return int(found["data"]["dataset"][0]["did"])

    async def description(self, data_id: int) -> Description:
        found = await self._json(
            self.api_url(f"data/{data_id}"), dataset=f"data_id={data_id}",
            not_found=f"Dataset with data_id {data_id} not found at {self.base_url}.",
        )
        return Description.from_json(found["data_set_description"])

    def ask_features_and_qualities(self, data_id: int) -> tuple[Pending, Pending]:
        """Begin both requests before the description arrives (they need only the id:
        a round trip less). Their answers go to ``features`` and ``qualities``."""
        label = f"data_id={data_id}"  # as the description's own request names it
        return tuple(self.fetcher.start(self.fetcher.get(url, dataset=label))
                     for url in (self._features_url(data_id), self._qualities_url(data_id)))

    def _features_url(self, data_id: int) -> str:
        return self.api_url(f"data/features/{data_id}")

    def _qualities_url(self, data_id: int) -> str:
        return self.api_url(f"data/qualities/{data_id}")

    async def features(self, description: Description, answer: Pending | None = None) -> list[Feature]:
        found = await self._json(
            self._features_url(description.id), dataset=description.label,
            not_found=f"OpenML has no features for dataset {description.label}.", answer=answer,
        )
        features = [Feature.from_json(raw) for raw in found["data_features"]["feature"]]
        return sorted(features, key=lambda f: f.index)

    async def qualities(self, description: Description, answer: Pending | None = None) -> dict[str, str]:
        """Name -> value; empty when OpenML has not computed them (they are optional)."""
        try:
            found = await self._json(
                self._qualities_url(description.id), dataset=description.label,
                not_found="no qualities", answer=answer,
            )
        except DatasetNotFoundError:
            return {}
        qualities = found.get("data_qualities", {}).get("quality", [])
        return {q["name"]: q.get("value") for q in qualities}

    async def _json(self, url: str, *, dataset: str, not_found: str | None,
                    answer: Pending | None = None) -> dict[str, Any]:
        """The JSON document at ``url`` (or in ``answer``, a request already begun)."""
        try:
            return await self._json_once(url, dataset=dataset, not_found=not_found, answer=answer)
        except _DamagedCopy:
            # a cached copy that does not parse: dropped already, ask the server
            return await self._json_once(url, dataset=dataset, not_found=not_found)

    async def _json_once(self, url: str, *, dataset: str, not_found: str | None,
                         answer: Pending | None = None) -> dict[str, Any]:
        if answer is None:
            response = await self.fetcher.get(url, dataset=dataset)
        else:
            response = await answer.result()
        if response.status in (404, 412):
            server_said = _openml_error_text(response)
            message = f"{not_found} ({server_said})" if not_found else server_said
            raise DatasetNotFoundError(message, dataset=dataset, url=url)
        if not response.ok:
            raise DownloadError(
                f"{url} answered HTTP {response.status} while loading {dataset}.",
                dataset=dataset, url=url, status=response.status,
            )
        try:
            document = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            await self.fetcher.forget(url)
            if response.cached:
                raise _DamagedCopy() from error
            raise DataIntegrityError(
                f"{url} did not answer with JSON while loading {dataset} "
                f"(it starts with {response.body[:40]!r}). Is base_url an OpenML server?",
                dataset=dataset, url=url,
            ) from error
        if not isinstance(document, dict) or "error" in document:
            await self.fetcher.forget(url)
            raise OpenMLError(
                f"OpenML answered {url} with an error while loading {dataset}: "
                f"{_openml_error_text(response)}", dataset=dataset, url=url,
            )
        return document


class _DamagedCopy(Exception):
    """A cached document that does not parse (it has been dropped)."""


def _openml_error_text(response: Response) -> str:
    try:
        error = json.loads(response.body.decode("utf-8"))["error"]
        return f"OpenML error {error.get('code')}: {error.get('message')}"
    except Exception:
        return f"HTTP {response.status}"


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
