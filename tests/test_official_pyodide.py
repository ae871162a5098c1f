"""tests/official_pyodide.py's fetch-and-verify step, against a tiny fake CDN on
127.0.0.1 (and a fake release tarball): every package file is checked against the
lock's sha256, a bad one stops the run, an unreachable source says so. No Pyodide,
no pytest run inside: --fetch-only."""

from __future__ import annotations

import functools
import hashlib
import http.server
import importlib.util
import io
import json
import socket
import tarfile
import threading
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("official_pyodide.py")
spec = importlib.util.spec_from_file_location("official_pyodide", SCRIPT)
official = importlib.util.module_from_spec(spec)
spec.loader.exec_module(official)

VERSION = "0.27.7"


def _lock_and_files(packages: dict[str, list[str]], version: str | None = VERSION):
    """A lock of fake packages (name -> depends) and their files' bytes."""
    files, entries = {}, {}
    for name, depends in packages.items():
        file_name = f"{name.replace('-', '_')}-1.0-py3-none-any.whl"
        data = f"fake {name}".encode()
        files[file_name] = data
        entries[name] = {"name": name, "version": "1.0", "file_name": file_name, "depends": depends,
                         "sha256": hashlib.sha256(data).hexdigest()}
    info = {"python": "3.12.7", **({"version": version} if version else {})}
    return {"info": info, "packages": entries}, files


PACKAGES = {
    "numpy": [], "pandas": ["numpy", "six"], "six": [], "pyarrow": ["numpy", "pandas"],
    "scikit-learn": ["numpy", "joblib"], "joblib": [], "micropip": [],
    "tblib": [], "polars": [],  # optional; polars' file is left off the CDN below
}
CORE = {"pyodide.js": b"js", "pyodide.mjs": b"mjs", "pyodide.asm.mjs": b"asm", "pyodide.asm.wasm": b"\0asm",
        "python_stdlib.zip": b"PK"}


def _write_cdn(folder: Path, lock: dict, files: dict[str, bytes], leave_off=()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    for name, data in {**CORE, **files}.items():
        if name not in leave_off:
            (folder / name).write_bytes(data)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def cdn(tmp_path):
    """(folder, base URL): a static server on 127.0.0.1, like the CDN's /full/ folder."""
    folder = tmp_path / "cdn"
    folder.mkdir()
    handler = functools.partial(_Quiet, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
        server.shutdown()


def _run(capsys, cache: Path, *args: str):
    status = official.main([VERSION, *args, "--no-npm-check", "--fetch-only", "--cache", str(cache)])
    out, err = capsys.readouterr()
    return status, out, err


def test_fetches_verifies_and_assembles(cdn, tmp_path, capsys):
    folder, url = cdn
    lock, files = _lock_and_files(PACKAGES)
    polars_file = lock["packages"]["polars"]["file_name"]
    _write_cdn(folder, lock, files, leave_off=[polars_file])
    status, out, err = _run(capsys, tmp_path / "cache", "--cdn", url)
    assert status == 0, err
    dist = tmp_path / "cache" / VERSION / "dist"
    written = json.loads((dist / "pyodide-lock.json").read_text())
    # polars could not be had: dropped from the lock written, so tests needing it skip
    assert "polars" not in written["packages"] and "tblib" in written["packages"]
    assert "WARNING: polars dropped" in out
    for name, data in files.items():
        assert (dist / name).is_file() == (name != polars_file)
        if name != polars_file:
            assert (dist / name).read_bytes() == data
    for name, data in CORE.items():
        assert (dist / name).read_bytes() == data
    # a second run takes the package files from the cache, re-checked, not the CDN
    for name in files:
        (folder / name).unlink(missing_ok=True)
    status, out, err = _run(capsys, tmp_path / "cache", "--cdn", url)
    assert status == 0, err
    assert "sha256 ok" not in out  # nothing downloaded


def test_refuses_a_file_whose_sha256_is_not_the_locks(cdn, tmp_path, capsys):
    folder, url = cdn
    lock, files = _lock_and_files(PACKAGES)
    _write_cdn(folder, lock, files)
    bad = lock["packages"]["pandas"]["file_name"]
    (folder / bad).write_bytes(b"tampered")
    status, _, err = _run(capsys, tmp_path / "cache", "--cdn", url)
    assert status == 1
    assert f"SHA256 MISMATCH for {bad} (pandas 1.0)" in err
    assert lock["packages"]["pandas"]["sha256"] in err and hashlib.sha256(b"tampered").hexdigest() in err
    assert "Refusing to use it." in err
    assert not list((tmp_path / "cache").rglob(bad))  # never stored
    assert not (tmp_path / "cache" / VERSION / "dist").exists()


def test_a_bad_file_in_the_cache_is_fetched_again(cdn, tmp_path, capsys):
    folder, url = cdn
    lock, files = _lock_and_files(PACKAGES)
    _write_cdn(folder, lock, files)
    numpy = lock["packages"]["numpy"]["file_name"]
    store = tmp_path / "cache" / VERSION / "packages"
    store.mkdir(parents=True)
    (store / numpy).write_bytes(b"stale")
    status, _, err = _run(capsys, tmp_path / "cache", "--cdn", url)
    assert status == 0, err
    assert (store / numpy).read_bytes() == files[numpy]


def test_a_missing_required_package_is_an_error(cdn, tmp_path, capsys):
    folder, url = cdn
    lock, files = _lock_and_files(PACKAGES)
    _write_cdn(folder, lock, files, leave_off=[lock["packages"]["joblib"]["file_name"]])
    status, _, err = _run(capsys, tmp_path / "cache", "--cdn", url)
    assert status == 1 and f"not found at {url}: joblib" in err


def test_refuses_another_releases_lock(cdn, tmp_path, capsys):
    folder, url = cdn
    lock, files = _lock_and_files(PACKAGES, version="0.26.4")
    _write_cdn(folder, lock, files)
    status, _, err = _run(capsys, tmp_path / "cache", "--cdn", url)
    assert status == 1 and "is Pyodide 0.26.4's, not 0.27.7's" in err


def test_offline_says_which_url_it_cannot_reach(tmp_path, capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    status, _, err = _run(capsys, tmp_path / "cache", "--cdn", url)
    assert status == 1
    assert f"cannot reach {url}pyodide-lock.json: " in err


def test_release_tarball_as_the_source(tmp_path, capsys):
    lock, files = _lock_and_files(PACKAGES, version=None)  # 0.29 and 314 locks have no info.version
    tarball = tmp_path / f"pyodide-{VERSION}.tar.bz2"
    with tarfile.open(tarball, "w:bz2") as tar:
        for name, data in {"pyodide-lock.json": json.dumps(lock).encode(), **CORE, **files}.items():
            info = tarfile.TarInfo(f"pyodide/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    status, _, err = _run(capsys, tmp_path / "cache", "--tarball", str(tarball))
    assert status == 0, err
    assert (tmp_path / "cache" / VERSION / "dist" / lock["packages"]["pyarrow"]["file_name"]).is_file()


def test_pytest_command(tmp_path):
    dist = tmp_path / "dist"
    suites = [s for s in ("tests/pyodide", "tests/pyodide_core") if (SCRIPT.parent.parent / s).is_dir()]
    assert "tests/pyodide" in suites
    assert official.pytest_command("py", dist, []) == [
        "py", "-m", "pytest", f"--dist-dir={dist}", "--runtime=node,chrome", *suites]
    assert official.pytest_command("py", dist, ["--runtime=node", "-x"]) == [
        "py", "-m", "pytest", f"--dist-dir={dist}", *suites, "--runtime=node", "-x"]
    smoke = str(SCRIPT.parent / "pyodide" / "test_smoke.py")
    assert official.pytest_command("py", dist, [smoke + "::test_sync_apis_can_run"])[-2:] == [
        "--runtime=node,chrome", smoke + "::test_sync_apis_can_run"]


def test_host_venv_matches_the_releases_pandas():
    def lock(pandas):
        return {"packages": {"pandas": {"version": pandas}}}

    pinned = official.test_pin("pandas")
    assert pinned is not None
    assert pinned.startswith("2.")
    assert official.host_venv(lock("2.2.3"), environ={}) == (".venv", [])  # 0.27.7
    assert official.host_venv(lock("2.3.3"), environ={}) == (".venv", [])  # 0.29.5
    assert official.host_venv(lock("3.0.2"), environ={}) == (".venv-pyodide-pandas-3.0.2", ["pandas==3.0.2"])
    assert official.host_venv(lock("3.0.2"), environ={"OPENML_LITE_VENV": "v"}) == ("v", [])
