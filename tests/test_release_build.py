"""The standard builds a release pipeline runs give a complete wheel: `python -m build`
(an sdist, then the wheel built from that sdist) and `pip wheel .`, from a fresh copy of
what git tracks, both carry the JS parquet decoder, byte for byte the committed one.
Without it the build fails and says why (hatch_build.py).

Builds are isolated: pip fetches hatchling from the package registry."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUNDLE = "src/openml_lite/engines/parquet_columns.bundle.js"
IN_WHEEL = "openml_lite/engines/parquet_columns.bundle.js"

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(),
                                reason="needs a git checkout (the build starts from what git tracks)")


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory):
    """What a fresh clone holds: the tracked files as they are in the working tree."""
    copy = tmp_path_factory.mktemp("clone") / "openml-lite"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    for name in tracked.stdout.decode().split("\0"):
        if name and (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    return copy


def _run(*command, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def _wheel_bundle(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(IN_WHEEL)


def test_the_bundle_is_tracked():
    tracked = _run("git", "ls-files", "--error-unmatch", BUNDLE, cwd=REPO)
    assert tracked.returncode == 0, f"{BUNDLE} is not in git: {tracked.stderr}"


def test_python_m_build_sdist_and_wheel_from_it(fresh_copy, tmp_path):
    out = tmp_path / "dist"
    built = _run(sys.executable, "-m", "build", "--outdir", str(out), str(fresh_copy), cwd=tmp_path)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (sdist,) = out.glob("openml_lite-*.tar.gz")
    (wheel,) = out.glob("openml_lite-*.whl")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        assert any(n.endswith(BUNDLE) for n in names), "the sdist lacks the bundle"
        assert any(n.endswith("/hatch_build.py") for n in names), "the sdist lacks the build hook"
    # `python -m build` with no target builds the wheel from the sdist it just made
    assert _wheel_bundle(wheel) == (REPO / BUNDLE).read_bytes()


def test_pip_wheel(fresh_copy, tmp_path):
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                 "-w", str(tmp_path), str(fresh_copy), cwd=tmp_path)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = tmp_path.glob("openml_lite-*.whl")
    assert _wheel_bundle(wheel) == (REPO / BUNDLE).read_bytes()


def test_without_the_bundle_the_build_fails_and_says_why(fresh_copy, tmp_path):
    broken = tmp_path / "openml-lite"
    shutil.copytree(fresh_copy, broken)
    (broken / BUNDLE).unlink()
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                 "-w", str(tmp_path / "out"), str(broken), cwd=tmp_path)
    assert built.returncode != 0
    assert "parquet_columns.bundle.js is missing" in built.stdout + built.stderr
    assert not list(tmp_path.glob("out/*.whl"))
