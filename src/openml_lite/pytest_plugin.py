"""pytest plugin: a local OpenML mirror for tests, the session fixture ``openml_mirror``.

Installed with openml-lite (entry point ``pytest11``: ``openml_lite``; ``-p no:openml_lite``
turns it off), idle unless a test asks for the fixture: this module imports pytest and
the standard library only (the package's ``__init__`` loads its names on first use), and nothing is built,
imported or started until the first test that takes ``openml_mirror``. Then, once per
session:

* a mirror folder is built in pytest's temporary directory, by default from
  scikit-learn's recorded OpenML responses (``sklearn/datasets/tests/data/openml``, as
  ``python -m openml_lite.mirror build`` does: needs scikit-learn and pyarrow, the
  ``mirror`` extra), plus the folders given with ``--openml-mirror-responses DIR`` or the
  ``openml_mirror_responses`` ini key;
* it is served on 127.0.0.1 (a free port) by ``openml_lite.mirror.MirrorServer``: CORS
  on every answer and HTTP Range requests, so a Pyodide runtime (pytest-pyodide, in node
  or a browser) can load from it as well as CPython;
* ``OPENML_LITE_BASE_URL`` is set to its URL until the session ends (then restored), so
  ``openml_lite.fetch_openml`` without ``base_url`` loads from it.

The fixture's value is an :class:`OpenMLMirror`: ``url``, ``folder``,
``add_responses(folder)``, ``add_file(url_path, data)``, ``requests()``,
``reset_requests()``, ``datasets``.

Options: ``--openml-mirror-responses DIR`` (repeatable; ini ``openml_mirror_responses``,
paths relative to the ini file) and ``--openml-mirror-no-defaults`` (ini
``openml_mirror_defaults = false``): serve only the given folders, without
scikit-learn's recordings.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

__all__ = ["OpenMLMirror", "openml_mirror"]

BASE_URL_ENV = "OPENML_LITE_BASE_URL"  # as openml_lite.openml (not imported: it is not free)
_INSTALL_HINT = "pip install 'openml-lite[mirror]' (scikit-learn and pyarrow)"


# -- options -------------------------------------------------------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("openml-lite", "openml-lite's local OpenML mirror (fixture openml_mirror)")
    group.addoption(
        "--openml-mirror-responses", action="append", default=[], metavar="DIR",
        dest="openml_mirror_responses",
        help="also serve this folder of OpenML responses (repeatable): scikit-learn's "
             "recorded layout (id_*/ folders of .gz files) or files at their URL paths "
             "(see OpenMLMirror.add_responses)",
    )
    group.addoption(
        "--openml-mirror-no-defaults", action="store_true", default=False,
        dest="openml_mirror_no_defaults",
        help="do not serve scikit-learn's recorded OpenML datasets, only the given folders",
    )
    parser.addini(
        "openml_mirror_responses", type="paths", default=[],
        help="folders of OpenML responses the openml_mirror fixture serves too "
             "(one a line, relative to the ini file)",
    )
    parser.addini(
        "openml_mirror_defaults", type="bool", default=True,
        help="whether the openml_mirror fixture serves scikit-learn's recorded OpenML "
             "datasets (default true)",
    )


# -- the server: MirrorServer, plus bytes at arbitrary paths ----------------------

def _server_class():
    """MirrorServer with ``add_file``'s in-memory files (built on first use: the mirror
    package is imported only when a test asks for the fixture)."""
    from urllib.parse import unquote

    from openml_lite.mirror import server as mirror_server

    class Handler(mirror_server._Handler):
        def _serve(self, path, head):
            extra = self.server.mirror.extra_files.get(unquote(path))
            if extra is None:
                return super()._serve(path, head)
            data, content_type = extra
            # as the mirror sends parquet (identity bytes, Range); no-store: add_file may
            # replace them
            self._send_ranged(data, None, len(data), "parquet", head, content_type=content_type,
                              extra_headers={"Cache-Control": "no-store"})

    class Server(mirror_server.MirrorServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.extra_files: dict[str, tuple[bytes, str]] = {}

        def start(self):
            super().start()
            # before anyone knows the (free) port: no request can have come in yet
            self._httpd.RequestHandlerClass = Handler
            return self

    return Server


# -- the fixture's value -------------------------------------------------------------

class OpenMLMirror:
    """A local OpenML server for the test session (the ``openml_mirror`` fixture).

    ``url``: ``http://127.0.0.1:PORT`` (no trailing slash), what ``OPENML_LITE_BASE_URL``
    holds for the session: pass it as ``base_url=`` where the variable does not reach
    (into ``run_in_pyodide``, a browser page, a subprocess started without the
    environment). ``folder``: the served folder (laid out like OpenML's URLs, see
    ``add_responses``). ``datasets``: one record per dataset description served
    (data_id, name, version, status, format, file_id, has_parquet, ...).

    The mirror is shared by the whole session: what a test adds stays for the tests
    after it, so add under ids no other test uses and reset the request log before
    looking at it.
    """

    def __init__(self, folder: Path, server, datasets: list[dict]):
        self.folder = folder
        self._server = server
        self._datasets = {rec["data_id"]: rec for rec in datasets}

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def datasets(self) -> list[dict]:
        return [dict(rec) for _, rec in sorted(self._datasets.items())]

    def __repr__(self) -> str:
        return f"<OpenMLMirror {self.url} serving {len(self._datasets)} datasets from {self.folder}>"

    # -- requests ----------------------------------------------------------------
    def requests(self) -> list[dict]:
        """What was served since the last reset, in order: dicts with ``method``,
        ``path`` (as requested, query included), ``status`` (200, 206, 404, 412, ...),
        ``range`` (the Range header or None) and ``fault`` (None)."""
        return self._server.requests

    def reset_requests(self) -> int:
        """Empty the request log; return how many entries it held."""
        return self._server.reset_requests()

    # -- adding ------------------------------------------------------------------
    def add_responses(self, folder) -> list[dict]:
        """Serve a folder of OpenML responses too; return the records of the datasets
        whose descriptions it holds. Two layouts are understood:

        * scikit-learn's recorded fixtures: ``id_<N>/`` folders (or one such folder) of
          gzipped responses named as sklearn's tests name them (``api-v1-jd-61.json.gz``,
          ``api-v1-jdf-61.json.gz``, ``data-v1-dl-61.arff.gz``, ...). They are turned
          into a mirror as ``build_mirror`` turns sklearn's own: the parquet file OpenML
          would publish is made from each dense dataset's ARFF (needs pyarrow, pandas,
          scikit-learn) and its description points at it.
        * files at OpenML's URL paths, as the mirror stores them (what
          ``python -m openml_lite.mirror build DIR`` writes, or answers saved from
          openml.org): ``api/v1/json/data/61.json``, ``api/v1/json/data/features/61.json``,
          ``api/v1/json/data/qualities/61.json``,
          ``api/v1/json/data/list/data_name/iris/limit/2.json`` (name lookups; a URL's
          trailing "/" is not part of the file name), ``data/v1/download/<file_id>.arff``,
          ``datasets/0000/0061/dataset_61.pq``. Copied as they are; the origins of the
          hosts a user names, ``https://www.openml.org`` and ``https://data.openml.org``,
          are answered with the mirror's own in the JSON, and older URLs stay as written
          (openml-lite maps them onto the servers it is given, as users meet them).

        Files replace those already served at the same URL (a name lookup too: give a
        new dataset a name of its own). Takes effect at once, also for a running test.
        """
        source = Path(folder)
        if not source.is_dir():
            raise FileNotFoundError(f"no such folder of OpenML responses: {source}")
        if _is_recorded_layout(source):
            records = self._add_recorded(source)
        else:
            records = self._add_url_tree(source)
        for rec in records:
            self._datasets[rec["data_id"]] = rec
        _write_atomic(self.folder / "mirror.json", (json.dumps(self.datasets, indent=2) + "\n").encode())
        return records

    def add_file(self, url_path: str, data: bytes, content_type: str | None = None) -> str:
        """Serve ``data`` at ``url_path`` (e.g. ``"/api/v1/json/data/99"`` or
        ``"/files/notes.txt"``); return its full URL. A path of OpenML's API or data
        servers is written into ``folder`` and answered as the mirror answers it (JSON
        with www/data.openml.org's origins made the mirror's, a JSON error body with HTTP
        412, Range);
        any other path answers these bytes (with Range and CORS), typed ``content_type``
        or by the name's extension."""
        from urllib.parse import unquote

        from openml_lite.mirror.server import relpath_for_url

        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        path = "/" + url_path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
        route = relpath_for_url(path)
        if route is not None:
            _write_atomic(self.folder.joinpath(*route[1].split("/")), bytes(data))
        else:
            if content_type is None:
                import mimetypes

                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            self._server.extra_files[unquote(path)] = (bytes(data), content_type)
        return self.url + path

    def _add_recorded(self, source: Path) -> list[dict]:
        from openml_lite.mirror import build_mirror

        with tempfile.TemporaryDirectory(prefix="openml-mirror-add-") as work:
            fixtures = source
            if not any(p.is_dir() for p in source.glob("id_*")):  # one id_ folder's files
                fixtures = Path(work, "fixtures")
                shutil.copytree(source, fixtures / "id_0")
            built = Path(work, "mirror")
            records = _building(lambda: build_mirror(built, fixtures_dir=fixtures))
            _merge(built, self.folder, skip={"mirror.json"})
        return records

    def _add_url_tree(self, source: Path) -> list[dict]:
        from openml_lite.mirror.server import relpath_for_url

        files = [p.relative_to(source).as_posix() for p in sorted(source.rglob("*"))
                 if p.is_file() and p.name != "mirror.json" and not p.name.startswith(".")]
        unknown = [rel for rel in files if (relpath_for_url(_url_for(rel)) or (None, None))[1] != rel]
        if not files or unknown:
            raise ValueError(
                f"{source} is neither scikit-learn's recorded layout (id_*/ folders of .gz "
                "responses) nor files at OpenML's URL paths"
                + (f"; not at an OpenML URL path: {', '.join(unknown[:5])}" if unknown else ": it is empty")
                + " (add_file serves bytes at any path)")
        _merge(source, self.folder, skip={"mirror.json"})
        records = []
        for description in sorted(source.glob("api/v1/json/data/*.json")):
            if description.stem.isdigit():
                rec = _record_from_description(description, self.folder)
                if rec is not None:
                    records.append(rec)
        return records


# -- helpers -------------------------------------------------------------------------

def _is_recorded_layout(folder: Path) -> bool:
    return any(p.is_dir() and any(p.glob("*.gz")) for p in folder.glob("id_*")) \
        or any(folder.glob("api-v1-*.json.gz"))


def _url_for(rel: str) -> str:
    """The URL path a file of the mirror's layout answers (inverse of relpath_for_url)."""
    if rel.startswith("api/") and rel.endswith(".json"):
        return "/" + rel[: -len(".json")]
    if rel.startswith("data/v1/download/") and rel.endswith(".arff"):
        return "/" + rel[: -len(".arff")]
    return "/" + rel


def _record_from_description(path: Path, root: Path) -> dict | None:
    try:
        desc = json.loads(path.read_text(encoding="utf-8"))["data_set_description"]
    except (ValueError, KeyError, TypeError):
        return None  # a recorded error body
    data_id = int(path.stem)
    from openml_lite.mirror import parquet_path_for

    pq = root / parquet_path_for(data_id)
    return {
        "data_id": data_id,
        "name": desc.get("name"),
        "version": int(desc.get("version", 0) or 0),
        "status": desc.get("status"),
        "format": desc.get("format"),
        "file_id": int(desc["file_id"]) if str(desc.get("file_id", "")).isdigit() else None,
        "has_parquet": pq.is_file(),
    }


def _write_atomic(path: Path, data: bytes) -> None:
    from openml_lite.mirror.build import write_bytes_atomic  # imported when used: see the top

    write_bytes_atomic(path, data)


def _merge(source: Path, dest: Path, skip=()) -> None:
    """Copy every file of ``source`` into ``dest`` at the same relative path (each one
    replaced atomically: a running server never serves half a file)."""
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.name not in skip:
            _write_atomic(dest / path.relative_to(source), path.read_bytes())


def _building(build):
    """Run a mirror build; a missing package becomes a message that says what to install."""
    try:
        return build()
    except ModuleNotFoundError as error:
        missing = error.name or str(error)
        raise ModuleNotFoundError(
            f"openml_mirror: building the mirror needs {missing}, which is not installed: "
            f"{_INSTALL_HINT}", name=error.name) from error


def _start(config: pytest.Config, folder: Path):
    """Build the session's mirror in ``folder`` and start serving it."""
    import importlib.util

    datasets: list[dict] = []
    defaults = config.getini("openml_mirror_defaults") and not config.getoption("openml_mirror_no_defaults")
    if defaults:
        if importlib.util.find_spec("sklearn") is None:
            pytest.fail(
                "openml_mirror serves scikit-learn's recorded OpenML responses by default, and "
                f"scikit-learn is not installed: {_INSTALL_HINT}; or serve only your own "
                "folders: --openml-mirror-no-defaults --openml-mirror-responses DIR", pytrace=False)
        from openml_lite.mirror import build_mirror

        try:
            datasets = _building(lambda: build_mirror(folder))
        except ModuleNotFoundError as error:
            pytest.fail(str(error), pytrace=False)
    server = _server_class()(folder)
    mirror = OpenMLMirror(folder, server, datasets)
    given = [Path(config.invocation_params.dir, p) for p in config.getoption("openml_mirror_responses")]
    for extra in [*config.getini("openml_mirror_responses"), *given]:
        try:
            mirror.add_responses(extra)
        except (OSError, ValueError, ImportError) as error:
            pytest.fail(f"openml_mirror: cannot serve {extra}: {error}", pytrace=False)
    server.start()
    return mirror


@pytest.fixture(scope="session")
def openml_mirror(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A local OpenML server for the session (see :class:`OpenMLMirror`): scikit-learn's
    recorded datasets (unless --openml-mirror-no-defaults) and the folders of
    --openml-mirror-responses, on 127.0.0.1 with CORS and Range; OPENML_LITE_BASE_URL
    points at it until the session ends."""
    folder = tmp_path_factory.mktemp("openml-mirror")
    mirror = _start(request.config, folder)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(BASE_URL_ENV, mirror.url)
            yield mirror
    finally:
        mirror._server.stop()
