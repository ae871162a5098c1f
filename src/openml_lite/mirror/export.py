"""A static mirror: a folder of plain files that any static host serves as an OpenML
base URL for openml-lite (GitHub Pages, a documentation site's ``_static/``,
``python -m http.server``, a CDN). No server code runs: each answer openml-lite asks for is
a file at the path of its URL.

    python -m openml_lite.mirror export DIR --data-id 61 40945 --name adult

Each dataset is exported by loading it the way a reader would (openml-lite's own loader,
from the servers given, openml-lite's cache first), so only whole, checked files are
written, and then writing every answer that load used: the description, the features,
the qualities, the data file (parquet; the ARFF where the load read it, or with
``include_arff``), plus the name lookups that lead to it. A dataset's description is
written last: until it is there, the dataset is not in the mirror.

Layout (paths as OpenML's URLs, relative to DIR)::

    api/v1/json/data/61                                    description
    api/v1/json/data/features/61, .../qualities/61         (qualities: OpenML's "none" answer if none)
    api/v1/json/data/list/data_name/iris/limit/2/status/active/index.html   lookup, oldest active
    api/v1/json/data/list/data_name/iris/limit/2/data_version/1             lookup, one version
    datasets/0000/0061/dataset_61.pq                       parquet
    data/v1/download/61/iris.arff                          ARFF (where exported)
    openml-lite-mirror.json                                what is here, from where, how big

URLs in the JSON keep OpenML's hosts (an answer read from a mirror gets OpenML's back), so
openml-lite maps them onto wherever the folder is served (servers.py).
"""

from __future__ import annotations

import datetime
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .. import _compat
from .._fetch import Request, load
from ..errors import DatasetNotFoundError, OpenMLError
from ..fetcher import Fetcher
from ..openml import OpenMLClient
from ..servers import DEFAULT_BASE_URL, ServerPool, relative_path, servers_from
from ..transport import TransportError
from .build import write_bytes_atomic

INDEX = "openml-lite-mirror.json"
# What OpenML answers when a dataset has no qualities (recorded by scikit-learn: a 412 with
# this body); a static host cannot send 412, the body alone says it (openml.py reads both).
NO_QUALITIES = {"error": {"code": "362", "message": "No qualities found"}}
# and a name lookup with no match (code 372): for a version directory that holds only the
# deactivated lookup, which a static host would otherwise answer with a listing
NO_RESULTS = {"error": {"code": "372", "message": "No results"}}
_OPENML_API = DEFAULT_BASE_URL + "/"
_OPENML_DATA = "https://data.openml.org/"


@dataclass
class Exported:
    """One dataset of an export."""

    data_id: int | None  # None: a name that led to no dataset
    name: str = ""
    version: int = 0
    status: str = ""
    files: dict[str, int] = field(default_factory=dict)  # relative path -> bytes
    lookups: list[str] = field(default_factory=list)
    skipped: str | None = None  # why it is not in the mirror
    warnings: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(self.files.values())

    def as_dict(self) -> dict:
        return {**self.__dict__, "size": self.size}


def export_mirror(dest, data_ids=(), names=(), *, base_url=None, data_home=None,
                  cache: bool = True, offline: bool = False, include_arff: bool = False,
                  max_dataset_bytes: int | None = None, max_total_bytes: int | None = None,
                  exclude=(), n_retries: int = 3, delay: float = 1.0) -> list[Exported]:
    """Export datasets (``data_ids``, and ``names``: the oldest active version of each, or
    ``(name, version)`` pairs) into the folder ``dest``; their records, skipped ones
    included (``skipped`` says why). ``exclude``: ids or names (any case) never exported.

    ``base_url``: the servers to read from (as ``fetch_openml``'s: OpenML, another mirror,
    several in order); openml-lite's cache in ``data_home`` is read first (``cache``), and
    only it with ``offline``. A dataset whose files together exceed ``max_dataset_bytes``,
    or that would take the export past ``max_total_bytes``, is left out, as is one whose
    load fails (its record says why).
    """
    dest = Path(dest)
    runtime = _compat.sync_runtime()
    transport = _Offline() if offline else runtime.transport
    fetcher = _Recording(transport=transport, cache=runtime.cache(data_home, cache or offline),
                         n_retries=0 if offline else n_retries, delay=delay, blocking=True)
    servers = servers_from(base_url)
    client = OpenMLClient(fetcher, pool=ServerPool(servers))
    records, total = [], _present_size(dest)
    wanted: dict[int, str | None] = {int(data_id): None for data_id in data_ids}
    for name in names:
        name, version = (name, "active") if isinstance(name, str) else name
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # several active versions: the oldest, as a load takes
                wanted.setdefault(runtime.run(client.find_by_name(name.lower(), version)), name.lower())
        except OpenMLError as error:
            records.append(Exported(None, name=name, skipped=f"{type(error).__name__}: {error}"))
    excluded = {str(item).lower() for item in exclude}
    for data_id in wanted:
        record = Exported(data_id)
        records.append(record)
        if str(data_id) in excluded:
            record.skipped = "excluded"
            continue
        fetcher.recorded.clear()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                runtime.run(load(_request(data_id), runtime, fetcher, [s.url for s in servers]))
            record.warnings = [str(w.message) for w in caught]
            description = _description(fetcher.recorded, data_id)
            record.name, record.status = description["name"], description.get("status", "")
            record.version = int(description["version"])
            if {str(data_id), record.name.lower()} & excluded:
                record.skipped = "excluded"
                continue
            if include_arff and not any("/data/v1/download/" in url for url in fetcher.recorded):
                runtime.run(_arff(client, fetcher, description))
            files = _files(fetcher.recorded, servers, data_id)
            lookups = runtime.run(_lookups(client, record))
            runtime.run(fetcher.commit())  # the lookups (and the ARFF) too: an offline export finds them
        except OpenMLError as error:
            record.skipped = f"{type(error).__name__}: {error}"
            continue
        record.files = {path: len(body) for path, body in files.items()}
        if max_dataset_bytes is not None and record.size > max_dataset_bytes:
            record.skipped = f"{record.size:,} bytes, over the limit of {max_dataset_bytes:,} a dataset"
            continue
        if max_total_bytes is not None and total + record.size > max_total_bytes:
            record.skipped = (f"{record.size:,} bytes would take the mirror to {total + record.size:,}, "
                              f"over the limit of {max_total_bytes:,}")
            continue
        total += record.size
        description_path = f"api/v1/json/data/{data_id}"
        for path in sorted(files, key=lambda p: p == description_path):  # the description last
            write_bytes_atomic(dest / path, files[path])
        for path, body in lookups.items():
            write_bytes_atomic(dest / path, body)
        record.lookups = sorted(lookups)
    _write_index(dest, records, servers)
    return records


async def _arff(client: OpenMLClient, fetcher: _Recording, raw: dict) -> None:
    """The ARFF file too, checked against the description's md5 as a load checks it."""
    from .. import arff
    from ..openml import Description

    description = Description.from_json(raw)
    pool = client.pool
    response = await pool.first(fetcher, pool.data_file(raw.get("url")), what="the ARFF file",
                                dataset=description.label)
    arff.check_md5(response.body, description, response.url)


def _request(data_id: int) -> Request:
    """A reader's load, every column: what it reads is what the mirror must hold."""
    return Request(name=None, version="active", data_id=data_id, target_column=None,
                   return_X_y=False, as_frame="auto", parser="auto", read_csv_kwargs=None,
                   engine="auto", progress=False)


class _Recording(Fetcher):
    """A Fetcher that keeps every whole answer a load used (from the cache or the network)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.recorded: dict[str, bytes] = {}

    async def cached(self, url):
        response = await super().cached(url)
        if response is not None:
            self.recorded[url] = response.body
        return response

    async def get(self, url, **kwargs):
        response = await super().get(url, **kwargs)
        if response is not None and response.ok and kwargs.get("cacheable", True):
            self.recorded[url] = response.body
        return response


class _Offline:
    async def get(self, url, *, headers=None, progress=None):
        raise TransportError(f"not in openml-lite's cache: {url} (offline: the cache only)")


def _description(recorded: dict[str, bytes], data_id: int) -> dict:
    for url, body in recorded.items():
        if url.endswith(f"/api/v1/json/data/{data_id}"):
            return json.loads(body)["data_set_description"]
    raise OpenMLError(f"the load of data_id={data_id} read no description")


def _files(recorded: dict[str, bytes], servers, data_id: int) -> dict[str, bytes]:
    """Relative path -> bytes of every answer the load used; the qualities' "none" answer
    where there were none."""
    files = {}
    for url, body in recorded.items():
        path = _api_path(url, servers) or relative_path(url, servers)
        if path is None:
            raise OpenMLError(f"{url} is on no server of the export and on no OpenML host: "
                              "it cannot be placed in the mirror")
        if path.startswith("api/"):
            body = _openml_origins(body, url, servers)
        files[path] = body
    files.setdefault(f"api/v1/json/data/qualities/{data_id}", _json(NO_QUALITIES))
    return files


def _api_path(url: str, servers) -> str | None:
    for server in servers:
        root = server.url + "/"
        if url.startswith(root + "api/"):
            return url[len(root):]
    return None


def _openml_origins(body: bytes, url: str, servers) -> bytes:
    """The answer with the serving mirror's own origin (a mirror rewrites OpenML's to it)
    put back to OpenML's, so the exported answers hold URLs openml-lite can map."""
    text = body.decode("utf-8")
    for server in servers:
        if not url.startswith(server.url + "/") or server.url + "/" == _OPENML_API:
            continue
        for root, openml in ((server.url + "/datasets/", _OPENML_DATA + "datasets/"),
                             (server.url + "/", _OPENML_API)):
            text = text.replace(root, openml).replace(root.replace("/", "\\/"), openml.replace("/", "\\/"))
    return text.encode("utf-8")


async def _lookups(client: OpenMLClient, record: Exported) -> dict[str, bytes]:
    """The name lookups (as openml-lite asks them) that lead to this dataset: its version
    (``.../data_version/1``, else the deactivated one's ``.../data_version/1/status/
    deactivated``) and the oldest active one (``.../status/active/``). The deactivated
    lookup's folder needs an answer for its own path too: "no results", so that
    openml-lite asks the deactivated one next, as it does of OpenML (a static host would
    answer that folder with a listing). Lookups the source cannot give are left out: a
    name then goes to the next server."""
    search = f"api/v1/json/data/list/data_name/{record.name.lower()}/limit/2"
    version = f"{search}/data_version/{record.version}"
    found = {}
    for path in (version, f"{version}/status/deactivated", f"{search}/status/active/"):
        if path.startswith(version + "/") and version in found:
            continue  # the version's own lookup answered: openml-lite asks no further
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                document = await client.document(path.removeprefix("api/v1/json/"), what="a name lookup",
                                                 dataset=f"'{record.name}'", not_found="no match")
        except OpenMLError as error:
            if not isinstance(error, DatasetNotFoundError):
                record.warnings.append(f"name lookup {path} left out: {error}")
            continue
        if int(document["data"]["dataset"][0]["did"]) != record.data_id:
            continue  # it leads elsewhere: the next server answers that name
        found[path + "index.html" if path.endswith("/") else path] = _json(document)
    if f"{version}/status/deactivated" in found:
        found[f"{version}/index.html"] = _json(NO_RESULTS)
    return found


def _json(document: dict) -> bytes:
    return (json.dumps(document, separators=(",", ":")) + "\n").encode("utf-8")


def _present_size(dest: Path) -> int:
    index = dest / INDEX
    if not index.is_file():
        return 0
    return sum(entry.get("size", 0) for entry in json.loads(index.read_text()).get("datasets", []))


def _write_index(dest: Path, records: list[Exported], servers) -> None:
    """openml-lite-mirror.json: every dataset exported into ``dest`` so far (an export
    adds to what an earlier one wrote)."""
    index = dest / INDEX
    previous = json.loads(index.read_text()).get("datasets", []) if index.is_file() else []
    datasets = {entry["data_id"]: entry for entry in previous}
    for record in records:
        if record.skipped is None:
            datasets[record.data_id] = record.as_dict()
    document = {
        "written": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "read_from": [server.url for server in servers],
        "datasets": [datasets[key] for key in sorted(datasets)],
    }
    write_bytes_atomic(index, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
