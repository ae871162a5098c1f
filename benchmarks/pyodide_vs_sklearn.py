"""openml-lite vs sklearn.datasets.fetch_openml, in Pyodide (Node and headless Chromium)
and on CPython, on one local mirror (issue 7).

One run builds a mirror (sklearn's recorded datasets + generated adult and mnist), serves
it, and measures side by side:
  (a) sklearn fetch_openml in Pyodide made to work with pyodide-http (as scikit-learn's
      JupyterLite docs do), parser="pandas" and parser="liac-arff", default cache (first
      call) and cache=False (liac-arff on mnist only with --liac-mnist);
  (b) openml-lite in Pyodide, engine "js" and "pyarrow", cold (cache=False) and warm,
      with last_load_report()'s breakdown of each;
  (c) the same on CPython (pyarrow);
  (d) the floor: fetch the parquet bytes + pyarrow read_table + to_pandas, and its decode
      part alone;
plus, in Pyodide: time to first data from a fresh interpreter (Titanic), peak wasm memory
of a mnist load (fresh interpreters; Titanic's also in headless Chromium), the cold/warm
pair over a mirror at ~10 MB/s with 50 ms per answer (--throttle, --latency), and
columns=[5 of 785] on mnist (seconds, bytes); and (a), (b), (d) again in headless Chromium
(Titanic and adult; mnist with --chromium-mnist). Prints a table, the targets of issue 7
and writes benchmarks/results.json, benchmarks/results.png and benchmarks/RESULTS.md.

    /work/venv-combined/bin/python benchmarks/pyodide_vs_sklearn.py --quick   # mnist 10,000 rows
    /work/venv-combined/bin/python benchmarks/pyodide_vs_sklearn.py           # mnist 70,000 rows
    /work/venv-combined/bin/python benchmarks/pyodide_vs_sklearn.py --from-json  # report again, no timing

Repeats: every time is the minimum of up to --repeat runs (default 5), fewer when the runs
so far took --budget seconds (default 3, --quick 1): sklearn's mnist paths run once (its
first call there takes over a minute). The table prints how many runs each time had. A
fresh Pyodide costs a boot each: time to first data runs --repeat-fresh times with
engine="auto" (default 5, --quick 1) in Node and in Chromium, and once with "pyarrow" in
Node (loading pyarrow dominates it); its target is judged on the median.

benchmarks/sync_paths.py times two more rows (issue 12: the sync fetch_openml without
JSPI against with it; a fresh Pyodide's first load with the standard wheel) into its own
section of RESULTS.md, which this script keeps when it rewrites the file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

import _chromium
import _mirror
import _report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"  # git-ignored: mirror, gzip memo, pyodide-http wheel, plotting venv
NODE_JSPI_FLAG = "--experimental-wasm-stack-switching"  # node 20/22: JSPI for run_sync
PHASES = ("node", "fresh", "chromium", "cpython")
PYODIDE_SIDE_FILES = ("_pyodide_side.py", "_shared.py")  # written into Pyodide's /bench


# == running workers ================================================================================

def run_worker(cmd: list[str], cfg: dict, label: str) -> dict:
    """Run a worker with cfg in a temp JSON file, relay its stderr (progress) live, and
    return its "RESULT {...}" line (or an error with the stderr tail)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(cfg, fh)
    tail: deque[str] = deque(maxlen=40)
    start = time.perf_counter()
    try:
        proc = subprocess.Popen([*cmd, fh.name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def relay():
            for line in proc.stderr:
                if len(line) < 2000:  # not Node's dump of a minified source line
                    tail.append(line)
                if line.startswith(("[pyodide]", "[cpython]")):
                    print(f"    {line.rstrip()}", file=sys.stderr, flush=True)
        relay_thread = threading.Thread(target=relay, daemon=True)
        relay_thread.start()
        stdout = proc.stdout.read()
        proc.wait()
        relay_thread.join(timeout=5)
    finally:
        os.unlink(fh.name)
    print(f"  {label}: {time.perf_counter() - start:.0f} s wall", flush=True)
    lines = [ln for ln in stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        return {"error": f"exit {proc.returncode}", "stderr": "".join(tail)[-4000:], "stdout": stdout[-2000:]}
    return json.loads(lines[-1][len("RESULT "):])


def pyodide_http_wheel() -> Path:
    """pyodide-http from PyPI (pip download, once), installed in Pyodide by micropip."""
    found = sorted(WORK.glob("pyodide_http-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                        "pyodide-http", "-d", str(WORK)], check=True)
        found = sorted(WORK.glob("pyodide_http-*.whl"))
    return found[-1]


class Pyodide:
    """Runs _boot.mjs tasks in Node, each in its own process (= a fresh interpreter)."""

    def __init__(self, pyodide_dir: Path, lite_wheel: Path):
        self.dir, self.lite_wheel = pyodide_dir, lite_wheel

    def task(self, cfg: dict, packages: list[str], with_pyodide_http: bool, label: str) -> dict:
        wheels = [self.lite_wheel] + ([pyodide_http_wheel()] if with_pyodide_http else [])
        cfg = {**cfg, "indexURL": f"{self.dir}/", "packages": packages,
               "files": {name: str(HERE / name) for name in PYODIDE_SIDE_FILES} | {
                   w.name: str(w) for w in wheels},
               "wheels": [w.name for w in wheels]}
        return run_worker(["node", NODE_JSPI_FLAG, str(HERE / "run_pyodide.mjs")], cfg, label)


# == the phases ===================================================================================

SKLEARN_STACK = ["numpy", "pandas", "scikit-learn"]


def node_timings(pyodide: Pyodide, base: dict, throttle_rate: float, latency: float, memory: bool) -> dict:
    mnist = next(d for d in base["datasets"] if d["label"] == "mnist")
    cfg = {**base, "task": "timings", "projection": True, "memory_dataset": mnist if memory else None,
           "throttle": {"match": _mirror.THROTTLE_MATCH, "rate": throttle_rate, "latency": latency,
                        "datasets": ["titanic", "adult", "mnist"]}}
    out = pyodide.task(cfg, SKLEARN_STACK, True, "Pyodide in Node: timings"
                       + (" (first: memory of sklearn's mnist load)" if memory else ""))
    proj = out.get("projection")
    if proj:  # bytes of the parquet file the mirror sent, from its request log
        ds = next(d for d in base["datasets"] if d["label"] == proj["dataset"])
        proj["log_bytes"], proj["log_requests"] = _mirror.bytes_served(
            proj.pop("log"), "/" + ds["parquet_path"], ds["parquet_bytes"])
        proj["parquet_bytes"] = ds["parquet_bytes"]
        proj["fraction"] = max(proj["log_bytes"], proj["report"]["data_bytes"]) / ds["parquet_bytes"]
    return out


def fresh_runs(pyodide: Pyodide, base: dict, repeat: int) -> tuple[list[dict], dict]:
    """Fresh interpreters (numpy + pandas loaded, openml-lite installed): Titanic's time
    to first data with engine "auto" (``repeat`` times) and "pyarrow" (once); the first
    of each then measures the memory of a cold mnist load by the engine it used. Then
    "auto" ``repeat`` times in headless Chromium, a page as a notebook's kernel has.
    Returns (first-data runs, memory by engine)."""
    titanic, mnist = base["datasets"][0], next(d for d in base["datasets"] if d["label"] == "mnist")
    runs, memory = [], {}
    for engine, times in (("auto", repeat), ("pyarrow", 1)):
        for i in range(times):
            cfg = {"task": "fresh", "mirror_url": base["mirror_url"], "dataset": titanic, "engine": engine,
                   "memory_dataset": mnist if i == 0 else None}
            run = pyodide.task(cfg, ["numpy", "pandas"], False,
                               f"fresh Pyodide: first data, engine={engine} ({i + 1}/{times})"
                               + (" + memory of mnist" if i == 0 else ""))
            run.setdefault("engine_asked", engine)
            if "memory" in run:
                measured = run.pop("memory")
                memory[measured["which"]] = measured
            elif i == 0:
                memory[engine] = {"error": run.get("error", "no result")}
            runs.append(run)
    # and in a browser, where notebooks run: a new headless Chromium each time
    why_not = _chromium.missing()
    for i in range(repeat if why_not is None else 0):
        cfg = {"task": "fresh", "mirror_url": base["mirror_url"], "dataset": titanic, "engine": "auto",
               "memory_dataset": None, "packages": ["numpy", "pandas"]}
        start = time.perf_counter()
        try:
            run = _chromium.run(cfg, pyodide.dir, [pyodide.lite_wheel], 180)
        except Exception as error:  # selenium/chromedriver trouble: report it, keep the rest
            run = {"error": f"{type(error).__name__}: {error}"[:2000]}
        print(f"  fresh Pyodide in headless Chromium: first data, engine=auto ({i + 1}/{repeat}): "
              f"{time.perf_counter() - start:.0f} s wall", flush=True)
        runs.append({"engine_asked": "auto", "runtime": "chromium", **run})
    return runs, memory


def chromium_timings(pyodide: Pyodide, base: dict, with_mnist: bool, budget: float) -> dict:
    why_not = _chromium.missing()
    if why_not:
        return {"error": f"not run: {why_not}"}
    datasets = [d for d in base["datasets"] if with_mnist or d["label"] != "mnist"]
    cfg = {**base, "task": "timings", "datasets": datasets, "packages": SKLEARN_STACK}
    start = time.perf_counter()
    try:
        out = _chromium.run(cfg, pyodide.dir, [pyodide.lite_wheel, pyodide_http_wheel()], budget)
    except Exception as error:  # selenium/chromedriver trouble: report it, keep the other results
        out = {"error": f"{type(error).__name__}: {error}"[:2000]}
    print(f"  Pyodide in headless Chromium: timings: {time.perf_counter() - start:.0f} s wall", flush=True)
    if not with_mnist:
        out.setdefault("notes", []).append(
            "mnist not run in Chromium (its sklearn first call alone takes ~80 s there, see the shared "
            "notes); --chromium-mnist runs it")
    return out


def cpython_timings(base: dict) -> dict:
    return run_worker([sys.executable, str(HERE / "_cpython_side.py")], base, "CPython: timings")


# == what cannot be measured here ===================================================================

def engine_notes(pyodide_dir: Path) -> list[str]:
    """Which Python parquet engines this offline Pyodide has, from its lock and folder."""
    try:
        lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text())["packages"]
    except (OSError, ValueError, KeyError):
        return ["cannot read pyodide-lock.json"]
    notes = []
    for name in ("pyarrow", "fastparquet", "polars"):
        entry = lock.get(name)
        present = entry is not None and (pyodide_dir / entry["file_name"]).is_file()
        if present:
            notes.append(f"Pyodide engine {name} {entry['version']}: present, timed")
        else:
            why = ("in the Pyodide lock" + (f" ({entry['version']})" if entry else "") +
                   " but its package file is not obtainable offline (no registry here carries the Pyodide build)")
            if name == "polars":
                why += "; and polars' wasm build cannot read parquet anyway (pola-rs/polars#20876)"
            notes.append(f"Pyodide engine {name}: NOT timed: {why}")
    return notes


def liac_note(liac_mnist: bool) -> str:
    if liac_mnist:
        return "sklearn parser='liac-arff' timed on mnist too (--liac-mnist)"
    return ("sklearn parser='liac-arff' NOT timed on mnist: in Pyodide one first call takes about 2 minutes "
            "and one cache=False call about 45 s at 70,000 rows (shared notes); --liac-mnist runs it")


# == outputs ======================================================================================

def plot(results_path: Path, out: Path, script: str = "_plot.py") -> str | None:
    """The chart (``script``: _plot.py, or another benchmark's) via matplotlib; from a
    venv of our own when this Python lacks it."""
    python = sys.executable
    if importlib.util.find_spec("matplotlib") is None:
        venv = WORK / "plotvenv"
        if not (venv / "bin/python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin/pip"), "install", "-q", "matplotlib"], check=True)
        python = str(venv / "bin/python")
    proc = subprocess.run([python, str(HERE / script), str(results_path), str(out)],
                          capture_output=True, text=True)
    return None if proc.returncode == 0 else proc.stderr[-2000:]


def find_lite_wheel(pyodide_dir: Path) -> Path:
    wheels = sorted(pyodide_dir.glob("openml_lite-*.whl"))
    if not wheels:
        sys.exit(f"no openml_lite wheel in {pyodide_dir}: run bash build_wheels.sh first")
    return wheels[-1]


def wheel_note(wheel: Path) -> str:
    """Pyodide runs the wheel, CPython runs src/: say when src/ changed after the build."""
    built = wheel.stat().st_mtime
    newer = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.py") if p.stat().st_mtime > built)
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(built))
    if not newer:
        return f"Pyodide runs {wheel.name} built {when}; no file of src/ is newer"
    return (f"Pyodide runs {wheel.name} built {when}; CPython runs src/, where {len(newer)} file(s) changed "
            f"since: {', '.join(newer[:6])}{' ...' if len(newer) > 6 else ''} (bash build_wheels.sh rebuilds it)")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="mnist with 10,000 rows")
    parser.add_argument("--mnist-rows", type=int, help="default 70,000 (10,000 with --quick)")
    parser.add_argument("--adult-rows", type=int, default=48_842)
    parser.add_argument("--repeat", type=int, default=5, help="min of up to N runs (default 5)")
    parser.add_argument("--budget", type=float,
                        help="no further runs of a path once its runs took this many seconds (default 3, --quick 1)")
    parser.add_argument("--repeat-fresh", type=int,
                        help="fresh Pyodides for time to first data, engine='auto' (default 5, --quick 1)")
    parser.add_argument("--liac-mnist", action="store_true", help="also time liac-arff on mnist (slow)")
    parser.add_argument("--chromium-mnist", action="store_true", help="also time mnist in Chromium (slow)")
    parser.add_argument("--chromium-budget", type=float, default=600, help="seconds (default 600)")
    parser.add_argument("--throttle", type=float, default=10e6, help="bytes/s of the throttled runs (default 10e6)")
    parser.add_argument("--latency", type=float, default=0.05,
                        help="seconds every answer waits in the throttled runs, a network's latency (default 0.05)")
    parser.add_argument("--skip", choices=PHASES, action="append", default=[])
    parser.add_argument("--pyodide-dir", type=Path, default=ROOT / "web" / "pyodide",
                        help="offline Pyodide with the openml-lite wheel (default web/pyodide)")
    parser.add_argument("--fresh-mirror", action="store_true", help="rebuild the mirror even if it matches")
    parser.add_argument("--from-json", action="store_true",
                        help="measure nothing: print and write the report and chart of benchmarks/results.json")
    return parser.parse_args()


def write_outputs(results: dict) -> None:
    """Print the report; write RESULTS.md (keeping sync_paths.py's and first_data.py's
    sections) and the chart (results.json is written by main)."""
    _report.print_report(results, results["rows"])
    old = (HERE / "RESULTS.md").read_text() if (HERE / "RESULTS.md").is_file() else ""
    (HERE / "RESULTS.md").write_text(_report.keep_sync_paths_section(_report.markdown(results, results["rows"]), old))
    error = plot(HERE / "results.json", HERE / "results.png")
    print(f"\nwrote benchmarks/results.json, benchmarks/RESULTS.md, "
          f"{'benchmarks/results.png' if error is None else 'NO chart: ' + error}; "
          f"total {results['total_seconds']:.0f} s")


def main():
    args = parse_args()
    if args.from_json:
        return write_outputs(json.loads((HERE / "results.json").read_text()))
    started = time.perf_counter()
    mnist_rows = args.mnist_rows or (10_000 if args.quick else 70_000)
    if args.budget is None:
        args.budget = 1.0 if args.quick else 3.0
    if args.repeat_fresh is None:
        args.repeat_fresh = 1 if args.quick else 5
    pyodide_dir = args.pyodide_dir.resolve()
    pyodide = Pyodide(pyodide_dir, find_lite_wheel(pyodide_dir))
    WORK.mkdir(exist_ok=True)
    results = {"command": " ".join([sys.executable, "benchmarks/pyodide_vs_sklearn.py", *sys.argv[1:]]),
               "machine": _report.machine(pyodide_dir, _chromium.chromium_version())}

    print(f"mirror: recorded datasets + generated adult {args.adult_rows} rows, mnist {mnist_rows} rows...",
          flush=True)
    phase = time.perf_counter()
    datasets, reused = _mirror.prepare_mirror(WORK / "mirror", mnist_rows=mnist_rows,
                                              adult_rows=args.adult_rows, fresh=args.fresh_mirror)
    for ds in datasets:
        ds["liac"] = ds["label"] != "mnist" or args.liac_mnist
    results["config"] = {"repeat": args.repeat, "budget": args.budget, "repeat_fresh": args.repeat_fresh,
                         "mnist_rows": mnist_rows,
                         "throttle_bytes_per_s": args.throttle, "latency_s": args.latency, "mirror_reused": reused,
                         "lite_wheel": pyodide.lite_wheel.name, "datasets": datasets}
    results["notes"] = [wheel_note(pyodide.lite_wheel), *engine_notes(pyodide_dir), liac_note(args.liac_mnist),
                        f"mirror folder {'reused (same sources and sizes)' if reused else 'built'} this run"]
    for note in results["notes"]:
        print(f"  {note}")
    server = _mirror.start_server(WORK / "mirror", WORK / "gzip-memo")
    try:
        _mirror.warm_gzip(server.url, datasets)
        for ds in datasets:  # what sklearn downloads: the ARFF, gzipped on the wire
            ds["arff_gzip_bytes"] = _mirror.gzip_bytes(WORK / "mirror", WORK / "gzip-memo", ds["id"])
        results["config"]["mirror_seconds"] = time.perf_counter() - phase
        print(f"  mirror {'reused' if reused else 'built'} and served: {time.perf_counter() - phase:.0f} s wall",
              flush=True)
        base = {"mirror_url": server.url, "repeat": args.repeat, "budget": args.budget,
                "datasets": datasets}
        if "node" not in args.skip:
            results["pyodide"] = node_timings(pyodide, base, args.throttle, args.latency, "fresh" not in args.skip)
        if "fresh" not in args.skip:
            results["first_data"], memory = fresh_runs(pyodide, base, args.repeat_fresh)
            sklearn_memory = results.get("pyodide", {}).pop("memory_sklearn", None)
            results["memory"] = {**({"sklearn": sklearn_memory} if sklearn_memory else {}), **memory}
        if "chromium" not in args.skip:
            results["chromium"] = chromium_timings(pyodide, base, args.chromium_mnist, args.chromium_budget)
        if "cpython" not in args.skip:
            results["cpython"] = cpython_timings(base)
    finally:
        server.stop()

    results["rows"] = _report.table_rows(results)
    results["total_seconds"] = time.perf_counter() - started
    results["machine"]["load_average_at_end"] = _report.load_average()
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    write_outputs(results)


if __name__ == "__main__":
    main()
