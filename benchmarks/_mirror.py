"""The benchmark's one local mirror: sklearn's recorded datasets + generated adult / mnist,
and the server that serves that folder.

Used by ``pyodide_vs_sklearn.py``; nothing here is timed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

TITANIC_ID = 40945
THROTTLE_MATCH = r"(\.pq|/download/\d+)$"  # the data files (parquet, sklearn's ARFF URL)
GZIP_LEVEL = 6  # of the JSON/ARFF bodies the mirror gzips (see memoise_gzip)


# == the folder ====================================================================================

def _source_fingerprint(mnist_rows: int, adult_rows: int) -> dict:
    """What the folder depends on: row counts and the generating code."""
    import sklearn

    import openml_lite.mirror.build as build
    import openml_lite.mirror.synthetic as synthetic

    def digest(module):
        return hashlib.sha1(Path(module.__file__).read_bytes()).hexdigest()

    return {"mnist_rows": mnist_rows, "adult_rows": adult_rows, "sklearn": sklearn.__version__,
            "build.py": digest(build), "synthetic.py": digest(synthetic)}


def prepare_mirror(folder: Path, *, mnist_rows: int, adult_rows: int, fresh: bool) -> tuple[list[dict], bool]:
    """Build the mirror (recorded fixtures + generated datasets) unless an identical one
    is already there (writing the 126 MB mnist ARFF takes most of a minute).
    Returns (the timed datasets, whether the folder was reused)."""
    from openml_lite.mirror import build_mirror
    from openml_lite.mirror.synthetic import add_synthetic

    stamp = folder / "benchmark-stamp.json"
    want = _source_fingerprint(mnist_rows, adult_rows)
    reused = not fresh and stamp.is_file() and json.loads(stamp.read_text()).get("source") == want
    if not reused:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        build_mirror(folder)
        generated = add_synthetic(folder, mnist_rows=mnist_rows, adult_rows=adult_rows)
        stamp.write_text(json.dumps({"source": want, "generated": generated}, indent=1))
    generated = json.loads(stamp.read_text())["generated"]
    return [titanic_record(folder), *generated], reused


def titanic_record(folder: Path) -> dict:
    """Titanic (recorded fixture) in the shape add_synthetic gives its datasets."""
    from openml_lite.mirror import parquet_path_for

    recorded = {r["data_id"]: r for r in json.loads((folder / "mirror.json").read_text())}
    rec = recorded[TITANIC_ID]
    rel = parquet_path_for(TITANIC_ID)
    features = json.loads((folder / f"api/v1/json/data/features/{TITANIC_ID}.json").read_text())
    return {"label": "titanic", "id": TITANIC_ID, "parquet_path": rel, "rows": rec["n_rows"],
            "columns": len(features["data_features"]["feature"]),
            "arff_bytes": (folder / f"data/v1/download/{rec['file_id']}.arff").stat().st_size,
            "parquet_bytes": (folder / rel).stat().st_size}


# == the server =====================================================================================

def memoise_gzip(store: Path) -> None:
    """Make the mirror's gzip free after the first time, and keep it on disk.

    The server gzips JSON/ARFF per request when asked (sklearn always asks), at level 9:
    64 s for mnist's 126 MB ARFF here. OpenML's servers do not spend that per request, so
    each body is compressed once, at level 6 (Apache mod_deflate's default; 4.7 s, and
    7% larger than level 9 on mnist), kept on disk and reused. Any gzip decodes alike."""
    import openml_lite.mirror.server as server_module

    store.mkdir(parents=True, exist_ok=True)
    real_compress = gzip.compress

    def compress(data, *args, **kwargs):
        key = hashlib.sha1(data).hexdigest()
        path = store / f"{key}-{GZIP_LEVEL}.gz"
        if not path.is_file():
            path.write_bytes(real_compress(data, compresslevel=GZIP_LEVEL, mtime=0))
        return path.read_bytes()

    class _Gzip:  # only the module attribute the server uses is replaced
        def __getattr__(self, name):
            return getattr(gzip, name)

    shim = _Gzip()
    shim.compress = compress
    server_module.gzip = shim


def start_server(folder: Path, gzip_store: Path):
    """A MirrorServer of the folder, with the memoised gzip (the throttled runs turn its
    throttle fault on and off over HTTP)."""
    from openml_lite.mirror import MirrorServer

    memoise_gzip(gzip_store)
    return MirrorServer(folder).start()


def warm_gzip(url: str, datasets) -> None:
    """Ask once for every ARFF with gzip, so the memoised compression exists before timing."""
    import urllib.request

    for ds in datasets:
        desc = json.loads(urllib.request.urlopen(f"{url}/api/v1/json/data/{ds['id']}").read())
        file_id = desc["data_set_description"]["file_id"]
        req = urllib.request.Request(f"{url}/data/v1/download/{file_id}",
                                     headers={"Accept-Encoding": "gzip"})
        urllib.request.urlopen(req).read()


def gzip_bytes(folder: Path, gzip_store: Path, data_id: int) -> int | None:
    """Bytes of a dataset's ARFF on the wire when gzipped (from the memo warm_gzip filled)."""
    desc = json.loads((folder / f"api/v1/json/data/{data_id}.json").read_text())
    arff = folder / f"data/v1/download/{desc['data_set_description']['file_id']}.arff"
    memo = gzip_store / f"{hashlib.sha1(arff.read_bytes()).hexdigest()}-{GZIP_LEVEL}.gz"
    return memo.stat().st_size if memo.is_file() else None


# == reading the request log =======================================================================

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def bytes_served(records: list[dict], path: str, size: int) -> tuple[int, int]:
    """(bytes, requests) the log shows for ``path`` of a file of ``size`` bytes: each
    Range answer counts its range, a request without Range the whole file."""
    total = count = 0
    for rec in records:
        if rec["path"].split("?")[0] != path or rec["method"] != "GET":
            continue
        count += 1
        match = _RANGE.fullmatch((rec.get("range") or "").replace(" ", ""))
        if match is None:
            total += size
        elif match[1] == "":
            total += min(int(match[2]), size)
        else:
            total += min(int(match[2] or size - 1), size - 1) - int(match[1]) + 1
    return total, count
