#!/usr/bin/env python3
"""Run the whole Pyodide suite against an official Pyodide release, fetched and verified.

    python3 tests/official_pyodide.py 0.29.5                  # from the jsDelivr CDN
    python3 tests/official_pyodide.py 314.0.7 --runtime=node  # other arguments go to pytest
    python3 tests/official_pyodide.py 0.29.5 --tarball        # from the GitHub release tarball
    python3 tests/official_pyodide.py 0.27.7 --cdn http://127.0.0.1:8765/   # any CDN-like folder

What it does, in order (needs the internet, or a server laid out like the CDN):
  1. fetches the release's pyodide-lock.json and core runtime (pyodide.js, pyodide.mjs,
     pyodide.asm.js or .mjs, pyodide.asm.wasm, python_stdlib.zip) from
     https://cdn.jsdelivr.net/pyodide/v<VERSION>/full/ (--cdn URL: another base), or from
     https://github.com/pyodide/pyodide/releases/download/<VERSION>/pyodide-<VERSION>.tar.bz2
     (--tarball [URL or PATH]);
  2. cross-checks the lock and core files with the npm package pyodide@<VERSION> (npm
     checks its registry integrity) when npm can fetch it; they must be byte-identical
     (--no-npm-check skips this);
  3. downloads the package files the suite loads, with their lock dependencies: numpy,
     pandas, pyarrow, scikit-learn, micropip (all required), and pytest, tblib (what
     pytest-pyodide loads into Pyodide), polars, fastparquet when the lock lists them
     (optional: one whose file cannot be had is dropped from the lock written, with a
     warning, and tests that need it skip); EVERY file's sha256 must equal its lock entry,
     or the run stops ("SHA256 MISMATCH ... Refusing to use it");
  4. assembles web/.cache/official-pyodide/<VERSION>/dist/ (git-ignored; package files
     kept beside it in packages/, re-checked by sha256 on every run) with the openml-lite
     wheel built from this checkout, its bytecode made by that release's own Python
     (web/tools/add_pyc.mjs);
  5. like tests/run.sh: npm ci and Debian's chromium, chromium-driver and firefox-esr
     when missing (as root); the venv (.venv, $OPENML_LITE_VENV) with the test
     dependencies (when the release's pandas is another major version than pyproject's
     [test] pin, as Pyodide 314's pandas 3.0: .venv-pyodide-pandas-<X.Y.Z>, the same plus
     that pandas, since the tests compare Pyodide's results with openml-lite's on the
     host); the local OpenML mirror on 127.0.0.1; then `pytest tests/pyodide
     tests/pyodide_core --dist-dir=<dist> --runtime=node,chrome` with
     OPENML_LITE_PYODIDE_STRICT=1 (a missing node or browser driver is an error, not a
     skip). Extra arguments go to pytest (--runtime=... replaces the default; test paths
     replace the two folders). The exit status is pytest's.

--fetch-only stops after steps 1-3 and the folder of step 4 (no wheel in it yet), and
prints where it is. Offline, the run stops at once with "cannot reach <url>: <reason>".
Only the standard library is used (run it with any python3 >= 3.9); pytest runs in the
venv. tests/test_official_pyodide.py checks steps 1-4 against a fake CDN.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# the lock helpers build_wheels.sh uses (standard library only, like this script)
sys.path.insert(0, str(REPO / "web" / "tools"))
from assemble_pyodide import BuildError, canonical, resolve, sha256_bytes, sha256_file  # noqa: E402
CACHE = REPO / "web" / ".cache" / "official-pyodide"
CDN = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
TARBALL = "https://github.com/pyodide/pyodide/releases/download/{version}/pyodide-{version}.tar.bz2"

#: what tests/pyodide loads (loadPackage, run_in_pyodide(packages=...), micropip)
REQUIRED = ["numpy", "pandas", "pyarrow", "scikit-learn", "micropip"]
#: pytest-pyodide loads pytest and a tblib when the lock lists them; engines tested when present
OPTIONAL = ["pytest", "tblib", "pyodide-tblib", "polars", "fastparquet"]
#: the core runtime; one of the two "asm" loaders exists (314 ships pyodide.asm.mjs)
#: what a dropped optional package costs
EFFECT = {
    "pytest": "run_in_pyodide runs without pytest's assertion rewriting",
    "tblib": "a failing run_in_pyodide test shows a plainer traceback",
    "pyodide-tblib": "a failing run_in_pyodide test shows a plainer traceback",
    None: "the tests that need it skip",
}
CORE_REQUIRED = ["pyodide.js", "pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
CORE_ASM = ["pyodide.asm.js", "pyodide.asm.mjs"]
CORE_OPTIONAL = ["package.json"]
LOCK = "pyodide-lock.json"
#: the whole Pyodide suite: tests/pyodide and, where it exists, the numpy-free layer
SUITES = ["tests/pyodide", "tests/pyodide_core"]
TIMEOUT = 60


class Failure(Exception):
    """Stops the run with this message (exit status 1)."""


class NotFound(Exception):
    """The source answered: no such file (HTTP 404, or not in the tarball)."""


def say(message: str) -> None:
    print(message, flush=True)


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


# -- where the files come from ---------------------------------------------------------

class CdnSource:
    """A base URL laid out like cdn.jsdelivr.net/pyodide/v<VERSION>/full/."""

    def __init__(self, base: str):
        self.base = base if base.endswith("/") else base + "/"

    def describe(self) -> str:
        return self.base

    def get(self, name: str) -> bytes:
        url = urllib.parse.urljoin(self.base, urllib.parse.quote(name))
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:
                return answer.read()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                raise NotFound(url) from None
            raise Failure(f"cannot fetch {url}: HTTP {e.code} {e.reason}") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise Failure(f"cannot reach {url}: {reason}") from None


class TarballSource:
    """The release tarball (pyodide-<VERSION>.tar.bz2: one folder `pyodide/`), from a URL
    (downloaded once into the cache) or a local path."""

    def __init__(self, where: str, cache: Path):
        self.where = where
        if re.match(r"https?://", where):
            path = cache / Path(urllib.parse.urlparse(where).path).name
            if not path.is_file():
                say(f"   downloading {where} (the whole release, a few hundred MB)")
                self._download(where, path)
            self.path = path
        else:
            self.path = Path(where)
            if not self.path.is_file():
                raise Failure(f"no tarball at {where}")
        try:
            self.tar = tarfile.open(self.path)
        except tarfile.TarError as e:
            raise Failure(f"{self.path} is not a readable tarball: {e}") from None
        self.members = {Path(m.name).name: m for m in self.tar.getmembers()
                        if m.isfile() and len(Path(m.name).parts) == 2}

    @staticmethod
    def _download(url: str, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as answer, tmp.open("wb") as out:
                shutil.copyfileobj(answer, out, 1 << 20)
        except urllib.error.HTTPError as e:
            raise Failure(f"cannot fetch {url}: HTTP {e.code} {e.reason}") from None
        except (urllib.error.URLError, OSError) as e:
            raise Failure(f"cannot reach {url}: {getattr(e, 'reason', e)}") from None
        tmp.replace(path)

    def describe(self) -> str:
        return f"{self.where} ({self.path})" if str(self.path) != self.where else self.where

    def get(self, name: str) -> bytes:
        member = self.members.get(name)
        if member is None:
            raise NotFound(f"{name} in {self.path}")
        return self.tar.extractfile(member).read()


# -- the lock ----------------------------------------------------------------------------

def closure(names: list[str], packages: dict) -> list[str]:
    """The names and, transitively, their lock `depends` (all must be in the lock)."""
    try:
        return resolve({canonical(n): {} for n in names}, packages)
    except BuildError as error:
        raise Failure(f"{error} (a dependency of {names})") from None


def fetch_packages(source, lock: dict, store: Path) -> tuple[dict[str, Path], list[str]]:
    """Every file of REQUIRED's closure and of each OPTIONAL root's closure, checked by
    sha256 against the lock. Returns (name -> verified file in store, dropped names)."""
    packages = lock["packages"]
    missing_roots = [r for r in REQUIRED if r not in packages]
    if missing_roots:
        raise Failure(f"this release's lock has no {', '.join(missing_roots)}: the suite needs them")
    required = closure(REQUIRED, packages)
    optional = {root: closure([root], packages) for root in OPTIONAL if root in packages}
    wanted = sorted(set(required).union(*optional.values()))
    files: dict[str, Path] = {}
    absent: set[str] = set()
    mismatches = []
    for name in wanted:
        entry = packages[name]
        file_name, expected = entry["file_name"], entry["sha256"]
        if "/" in file_name or file_name.startswith("."):
            raise Failure(f"refusing the lock entry {name}: file_name {file_name!r} is not a plain name")
        path = store / file_name
        if path.is_file() and sha256_file(path) == expected:
            files[name] = path
            continue
        try:
            data = source.get(file_name)
        except NotFound:
            absent.add(name)
            continue
        actual = sha256_bytes(data)
        if actual != expected:
            mismatches.append(f"SHA256 MISMATCH for {file_name} ({name} {entry.get('version', '?')}) "
                              f"from {source.describe()}:\n  pyodide-lock.json: {expected}\n"
                              f"  file:              {actual}")
            continue
        write_atomic(path, data)
        files[name] = path
        say(f"   {file_name}  {len(data) / 1e6:.2f} MB  sha256 ok")
    if mismatches:
        raise Failure("\n".join(mismatches) + "\nRefusing to use it.")
    lost_required = sorted(absent & set(required))
    if lost_required:
        raise Failure("not found at " + source.describe() + ": "
                      + ", ".join(f"{n} ({packages[n]['file_name']})" for n in lost_required))
    dropped = []
    for root, names in optional.items():
        if absent & set(names):
            dropped.append(root)
            say(f"   WARNING: {root} dropped from the lock (not at the source: "
                f"{', '.join(sorted(absent & set(names)))}): {EFFECT.get(root, EFFECT[None])}")
    return files, dropped


# -- npm cross-check -------------------------------------------------------------------

def npm_package(version: str, cache: Path) -> dict[str, bytes] | None:
    """The files of the npm package pyodide@VERSION (npm checks the registry's integrity),
    or None when npm is missing or cannot fetch it."""
    npm = shutil.which("npm")
    if npm is None:
        say("   WARNING: no npm here: core files and lock not cross-checked with npm")
        return None
    folder = cache / "npm"
    folder.mkdir(parents=True, exist_ok=True)
    tgz = folder / f"pyodide-{version}.tgz"
    if not tgz.is_file():
        done = subprocess.run([npm, "pack", "--silent", f"pyodide@{version}"], cwd=folder,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0 or not tgz.is_file():
            say(f"   WARNING: npm pack pyodide@{version} failed, core files and lock not "
                f"cross-checked with npm: {(done.stderr or done.stdout).strip()[-300:]}")
            return None
    with tarfile.open(tgz) as tar:
        return {Path(m.name).name: tar.extractfile(m).read() for m in tar.getmembers()
                if m.isfile() and len(Path(m.name).parts) == 2}


def npm_check(version: str, core: dict[str, bytes], cache: Path) -> None:
    """The core files must be those of npm's pyodide@VERSION; its package.json (the
    version, which tests/pyodide_core reads) is added when the source has none."""
    npm_files = npm_package(version, cache)
    if npm_files is None:
        return
    compared = sorted(set(core) & set(npm_files))
    differ = [name for name in compared if core[name] != npm_files[name]]
    if differ:
        raise Failure(f"these files differ from the npm package pyodide@{version}: {', '.join(differ)} "
                      "(--no-npm-check to accept the source's files as they are)")
    say(f"   identical to npm pyodide@{version}: {', '.join(compared)}")
    if "package.json" not in core and "package.json" in npm_files:
        core["package.json"] = npm_files["package.json"]
        say("   package.json from npm (the source has none)")


# -- assembling the dist dir -----------------------------------------------------------

def fetch_core(source) -> dict[str, bytes]:
    core = {}
    for name in [LOCK, *CORE_REQUIRED, *CORE_ASM, *CORE_OPTIONAL]:
        try:
            core[name] = source.get(name)
        except NotFound:
            if name in (LOCK, *CORE_REQUIRED):
                raise Failure(f"not found at {source.describe()}: {name}") from None
    if not any(name in core for name in CORE_ASM):
        raise Failure(f"not found at {source.describe()}: {' or '.join(CORE_ASM)}")
    return core


def check_lock(lock_bytes: bytes, version: str, where: str) -> dict:
    try:
        lock = json.loads(lock_bytes)
        lock["packages"]
    except (ValueError, KeyError, TypeError):
        raise Failure(f"{LOCK} at {where} is not a Pyodide lock file") from None
    lock_version = lock.get("info", {}).get("version")  # 0.27 has it; 0.29 and 314 do not
    if lock_version is not None and lock_version != version:
        raise Failure(f"{LOCK} at {where} is Pyodide {lock_version}'s, not {version}'s")
    return lock


def assemble(version: str, source, cache: Path, npm: bool) -> tuple[Path, dict, list[str]]:
    """Fetches and checks everything; returns (dist dir, lock written, dropped packages).
    The openml-lite wheel is added later (add_wheel)."""
    say(f"== Pyodide {version}: core and {LOCK} from {source.describe()}")
    core = fetch_core(source)
    lock = check_lock(core[LOCK], version, source.describe())
    say(f"   Python {lock.get('info', {}).get('python', '?')}, {len(lock['packages'])} lock entries")
    if npm:
        npm_check(version, core, cache)
    say("== package files (sha256 checked against the lock)")
    store = cache / version / "packages"
    files, dropped = fetch_packages(source, lock, store)

    dist = cache / version / "dist"
    if dist.exists():
        shutil.rmtree(dist)
    dist.mkdir(parents=True)
    written = json.loads(core[LOCK])
    for name in dropped:
        written["packages"].pop(name, None)
    for name, data in core.items():
        if name != LOCK:
            (dist / name).write_bytes(data)
    (dist / LOCK).write_text(json.dumps(written, separators=(",", ":")) + "\n")
    for name, path in sorted(files.items()):
        if name in dropped:
            continue  # its dependencies' files may stay: harmless
        try:
            os.link(path, dist / path.name)
        except OSError:
            shutil.copyfile(path, dist / path.name)
    kept = sorted(n for n in files if n not in dropped)
    say(f"   {len(kept)} packages in {dist}: {', '.join(kept)}")
    if dropped:
        say(f"   dropped from the lock written there: {', '.join(dropped)}")
    return dist, written, dropped


def add_wheel(python: str, dist: Path) -> Path:
    """The openml-lite wheel of this checkout, with bytecode for the dist's own Python."""
    say("== openml-lite wheel (bytecode made by this release's Python)")
    with tempfile.TemporaryDirectory(prefix="openml-lite-wheel-") as tmp:
        done = subprocess.run([python, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
                               "--no-deps", str(REPO), "-w", tmp], capture_output=True, text=True, check=False)
        wheels = sorted(Path(tmp).glob("openml_lite-*.whl"))
        if done.returncode != 0 or len(wheels) != 1:
            raise Failure(f"building the openml-lite wheel failed:\n{done.stdout}{done.stderr}")
        done = subprocess.run(["node", str(REPO / "web" / "tools" / "add_pyc.mjs"), str(dist), str(wheels[0])],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Failure(f"web/tools/add_pyc.mjs failed on {dist}:\n{done.stdout}{done.stderr}")
        target = dist / wheels[0].name
        shutil.copyfile(wheels[0], target)
    tag = re.search(r"cpython-[0-9]+", done.stdout)
    say(f"   {target.name} with {tag.group(0) if tag else 'its'} bytecode")
    return target


# -- running the suite -----------------------------------------------------------------

def test_pin(name: str) -> str | None:
    """The version pyproject's [test] extra pins NAME to."""
    found = re.search(rf'"{re.escape(name)}==([^"]+)"', (REPO / "pyproject.toml").read_text())
    return found.group(1) if found else None


def host_venv(lock: dict, environ=os.environ) -> tuple[str, list[str]]:
    """(venv folder, extra requirements) for the host side: pyproject's [test] extra, as
    tests/run.sh makes it (.venv, or $OPENML_LITE_VENV). The Pyodide tests compare with
    openml-lite on the host, so when the release's pandas is another major version than
    the [test] pin (Pyodide 314: pandas 3.0 and its str dtype), a venv of its own gets
    the release's pandas on top."""
    if "OPENML_LITE_VENV" in environ:
        return environ["OPENML_LITE_VENV"], []
    pandas = lock["packages"].get("pandas", {}).get("version", "")
    pinned = test_pin("pandas") or ""
    if pandas.split(".")[0] == pinned.split(".")[0]:
        return ".venv", []
    say(f"== this release has pandas {pandas}, [test] pins {pinned}: the host side gets pandas {pandas}")
    return f".venv-pyodide-pandas-{pandas}", [f"pandas=={pandas}"]


def venv_python(lock: dict) -> str:
    name, extra = host_venv(lock)
    venv = REPO / name
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    say(f"== test dependencies ({venv})")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # the [test] extra first, then the release's pandas over its pin (pip warns, as meant)
    for command in [[*pip, "-e", f"{REPO}[test]"], *([[*pip, *extra]] if extra else [])]:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Failure(f"{' '.join(command[2:])} failed:\n{done.stdout}{done.stderr}")
    return str(python)


def ensure_tools() -> None:
    """What the browser tests drive, as the checkout's own build installs it: the npm
    packages of package.json (`npm ci` when node_modules is older than the lock), and
    Debian's chromium, chromium-driver and firefox-esr when missing (as root)."""
    lock, installed = REPO / "package-lock.json", REPO / "node_modules" / ".package-lock.json"
    if lock.is_file() and (not installed.is_file() or installed.stat().st_mtime < lock.stat().st_mtime):
        say("== npm ci")
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=REPO,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Failure(f"npm ci failed:\n{done.stdout}{done.stderr}")
    wanted = {"chromium": "chromium", "chromedriver": "chromium-driver", "firefox-esr": "firefox-esr"}
    missing = [package for command, package in wanted.items() if shutil.which(command) is None]
    if not missing or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    say(f"== apt-get install {' '.join(missing)}")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)


class Mirror:
    """The local OpenML mirror, as tests/run.sh builds and serves it."""

    def __init__(self, python: str):
        self.python = python

    def __enter__(self) -> Mirror:
        self.dir = tempfile.mkdtemp(prefix="openml-lite-mirror-")
        subprocess.run([self.python, "-m", "openml_lite.mirror", "build", self.dir,
                        "--synthetic-mnist-rows", "2000"], check=True, stdout=subprocess.DEVNULL)
        handle, self.log = tempfile.mkstemp(prefix="openml-lite-mirror-log-")
        self.process = subprocess.Popen([self.python, "-m", "openml_lite.mirror", "serve", self.dir,
                                         "--port", "0"], stdout=handle, stderr=subprocess.STDOUT)
        os.close(handle)
        for _ in range(200):
            text = Path(self.log).read_text()
            found = re.search(r"^serving .* at (\S+)", text, re.MULTILINE)
            if found:
                self.url = found.group(1)
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.__exit__()
        raise Failure(f"the local OpenML mirror did not start:\n{Path(self.log).read_text()}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
        os.unlink(self.log)


def pytest_command(python: str, dist: Path, extra: list[str]) -> list[str]:
    command = [python, "-m", "pytest", f"--dist-dir={dist}"]
    if not any(a == "--runtime" or a.startswith("--runtime=") for a in extra):
        command.append("--runtime=node,chrome")
    if not any(not a.startswith("-") and (REPO / a.split("::")[0]).exists() for a in extra):  # pytest runs in REPO
        command += [suite for suite in SUITES if (REPO / suite).is_dir()]
    return command + extra


def parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="VERSION comes first; other arguments go to pytest, e.g. --runtime=node, -k smoke, -x.")
    parser.add_argument("version", help="a Pyodide release: 0.27.7, 0.29.5, 314.0.7, ...")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--cdn", metavar="URL", help=f"base URL laid out like the CDN (default {CDN})")
    where.add_argument("--tarball", metavar="URL_OR_PATH", nargs="?", const="",
                       help=f"the release tarball instead (default {TARBALL})")
    parser.add_argument("--no-npm-check", action="store_true",
                        help="do not compare the lock and core with the npm package pyodide@VERSION")
    parser.add_argument("--fetch-only", action="store_true",
                        help="assemble the dist dir (without the openml-lite wheel) and stop")
    parser.add_argument("--cache", type=Path, default=CACHE, help=argparse.SUPPRESS)
    args, extra = parser.parse_known_args(argv)
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)*([ab]|rc|\.dev)?[0-9]*", args.version):
        parser.error(f"not a Pyodide version: {args.version!r}")
    return args, extra


def main(argv: list[str] | None = None) -> int:
    args, extra = parse(sys.argv[1:] if argv is None else argv)
    version = args.version
    try:
        if args.tarball is not None:
            source = TarballSource(args.tarball or TARBALL.format(version=version), args.cache)
        else:
            source = CdnSource(args.cdn or CDN.format(version=version))
        dist, lock, dropped = assemble(version, source, args.cache, npm=not args.no_npm_check)
        if args.fetch_only:
            say(f"dist dir: {dist}")
            return 0
        for tool in ("node",):
            if shutil.which(tool) is None:
                raise Failure(f"'{tool}' is needed and not on PATH")
        python = venv_python(lock)
        ensure_tools()
        add_wheel(python, dist)
        with Mirror(python) as mirror:
            say(f"== local OpenML mirror: {mirror.url}")
            command = pytest_command(python, dist, extra)
            say("== " + " ".join(command))
            env = {**os.environ, "OPENML_LITE_TEST_MIRROR": mirror.url,
                   "OPENML_LITE_TEST_MIRROR_DIR": mirror.dir, "OPENML_LITE_PYODIDE_STRICT": "1"}
            status = subprocess.run(command, cwd=REPO, env=env, check=False).returncode
    except Failure as e:
        print(f"tests/official_pyodide.py: {e}", file=sys.stderr)
        return 1
    python_version = lock.get("info", {}).get("python", "?")
    say(f"== Pyodide {version} (Python {python_version}) from {source.describe()}: pytest exit status "
        f"{status}" + (f"; not tested (not at the source): {', '.join(dropped)}" if dropped else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
