"""openml-lite vs sklearn.datasets.fetch_openml, in Pyodide (Node) and on CPython.

One run: generate two OpenML-style datasets into a local mirror, serve it, time
  (a) sklearn fetch_openml(parser="pandas") in Pyodide, as scikit-learn's JupyterLite docs
      run it (pyodide-http), first call with its default cache and with cache=False;
  (b) openml-lite fetch_openml_async, engine="js" and engine="pyarrow" (pyarrow's load is
      reported on its own), cold (cache=False) and warm (in-memory cache);
  (c) the same openml-lite / sklearn pair on CPython;
  (d) the floor: fetch the parquet bytes + pyarrow read_table + to_pandas;
and print seconds (min of --repeat), ratios to (a) and to the floor, plus
benchmarks/results.json and benchmarks/results.png.

    /work/venv-combined/bin/python benchmarks/pyodide_vs_sklearn.py --quick   # mnist 10,000 rows
    /work/venv-combined/bin/python benchmarks/pyodide_vs_sklearn.py           # mnist 70,000 rows

The datasets are GENERATED (random values) in the JSON shapes of OpenML's recorded
adult (id 1590) responses that scikit-learn ships as test fixtures; they are not real data.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"  # git-ignored: downloads, mirror, plotting venv
PYODIDE_DIR = ROOT / "web" / "pyodide"
WHEEL = PYODIDE_DIR / "openml_lite-0.1.0-py3-none-any.whl"
# Row order of the table and the chart: (key, runtime, description)
PATHS = [
    ("sklearn_default_cache", "sklearn fetch_openml, parser=pandas, default cache (1st call)"),
    ("sklearn_cache_false", "sklearn fetch_openml, parser=pandas, cache=False"),
    ("sklearn_warm_cache", "sklearn fetch_openml, 2nd call from its disk cache"),
    ("openml_lite_js_cold", "openml-lite engine=js, cache=False"),
    ("openml_lite_js_warm", "openml-lite engine=js, warm cache"),
    ("openml_lite_pyarrow_cold", "openml-lite engine=pyarrow, cache=False"),
    ("openml_lite_pyarrow_warm", "openml-lite engine=pyarrow, warm cache"),
    ("floor_pyarrow", "floor: fetch parquet + read_table + to_pandas"),
]


# == 1. serving the generated mirror (openml_lite.mirror.synthetic) ==============================

def start_mirror(mirror: Path):
    """openml-lite's MirrorServer, with its gzip memoised.

    The server gzips JSON/ARFF per request at level 9 when asked (sklearn always asks).
    OpenML's servers do not spend seconds per request on that, so the first compression
    of a body is kept and reused: otherwise sklearn's numbers would include our server's
    zlib time. The bodies are unchanged."""
    import openml_lite.mirror.server as server_module
    from openml_lite.mirror import MirrorServer

    cache = {}
    real_compress = gzip.compress

    def compress(data, *args, **kwargs):
        key = hashlib.sha1(data).digest()
        if key not in cache:
            cache[key] = real_compress(data, *args, **kwargs)
        return cache[key]

    class _Gzip:  # only the module attribute the server uses is replaced
        def __getattr__(self, name):
            return getattr(gzip, name)
    shim = _Gzip()
    shim.compress = compress
    server_module.gzip = shim
    return MirrorServer(mirror).start()


def warm_gzip(url: str, datasets) -> None:
    """Ask once for every ARFF with gzip, so the memoised compression exists before timing."""
    import urllib.request

    for ds in datasets:
        desc = json.loads(urllib.request.urlopen(f"{url}/api/v1/json/data/{ds['id']}").read())
        req = urllib.request.Request(f"{url}/data/v1/download/"
                                     f"{desc['data_set_description']['file_id']}",
                                     headers={"Accept-Encoding": "gzip"})
        urllib.request.urlopen(req).read()


# == 2. CPython timings (own process, so the server thread does not share our GIL) ==============

def cpython_worker(cfg: dict) -> dict:
    import urllib.request

    import pyarrow.parquet as pq
    import sklearn.datasets._openml as skl_openml
    from sklearn.datasets import fetch_openml as sk_fetch

    from openml_lite import fetch_openml as ol_fetch

    url, repeat = cfg["mirror_url"], cfg["repeat"]
    real_urlopen = skl_openml.urlopen

    def to_mirror(req, *args, **kwargs):
        # sklearn 1.9 hard-codes https://www.openml.org/... for metadata; the mirror
        # serves the same paths. The data URL already points at the mirror.
        full = req.full_url.replace("https://www.openml.org", url).replace(
            "https://api.openml.org", url)
        return real_urlopen(urllib.request.Request(full, headers=dict(req.header_items())),
                            *args, **kwargs)
    skl_openml.urlopen = to_mirror

    def best(fn):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    def sk_first_call(data_id):
        home = tempfile.mkdtemp()
        try:
            sk_fetch(data_id=data_id, parser="pandas", as_frame=True, data_home=home)
        finally:
            shutil.rmtree(home)

    def floor(parquet_url):
        data = urllib.request.urlopen(parquet_url).read()
        pq.read_table(pa_buffer(data)).to_pandas()

    def pa_buffer(data):
        import pyarrow as pa
        return pa.BufferReader(data)

    import pyarrow
    import sklearn

    results = {"runtime": "cpython", "datasets": {}, "versions": {
        "python": sys.version.split()[0], "sklearn": sklearn.__version__,
        "pandas": pd.__version__, "pyarrow": pyarrow.__version__}}
    for ds in cfg["datasets"]:
        i = ds["id"]
        row = {"sklearn_default_cache": best(lambda: sk_first_call(i)),
               "sklearn_cache_false": best(lambda: sk_fetch(
                   data_id=i, parser="pandas", as_frame=True, cache=False))}
        home = tempfile.mkdtemp()
        sk_fetch(data_id=i, parser="pandas", as_frame=True, data_home=home)
        row["sklearn_warm_cache"] = best(lambda: sk_fetch(
            data_id=i, parser="pandas", as_frame=True, data_home=home))
        shutil.rmtree(home)
        row["openml_lite_pyarrow_cold"] = best(lambda: ol_fetch(
            data_id=i, base_url=url, engine="pyarrow", cache=False, progress=False))
        home = tempfile.mkdtemp()
        ol_fetch(data_id=i, base_url=url, engine="pyarrow", data_home=home, progress=False)
        row["openml_lite_pyarrow_warm"] = best(lambda: ol_fetch(
            data_id=i, base_url=url, engine="pyarrow", data_home=home, progress=False))
        shutil.rmtree(home)
        row["floor_pyarrow"] = best(lambda: floor(f"{url}/{ds['parquet_path']}"))
        results.setdefault("parity", {})[f"{ds['label']}/pyarrow"] = _parity(
            sk_fetch(data_id=i, parser="pandas", as_frame=True, cache=False).frame,
            ol_fetch(data_id=i, base_url=url, engine="pyarrow", cache=False, progress=False).frame)
        results["datasets"][ds["label"]] = row
    return results


def _parity(ref, got) -> str:
    """Same frame from sklearn and openml-lite? (timings mean little otherwise)"""
    try:
        pd.testing.assert_frame_equal(ref, got)
        return f"identical {got.shape}"
    except AssertionError as exc:
        return f"DIFFERENT {ref.shape} vs {got.shape}: {str(exc).splitlines()[0:3]}"


def run_cpython(cfg: dict) -> dict:
    return _run_json([sys.executable, __file__, "--cpython-worker"], cfg, "cpython")


# == 3. Pyodide timings (Node) =====================================================================

def pyodide_http_wheel() -> Path:
    """pyodide-http from PyPI (pip download), installed in Pyodide by micropip from emfs."""
    found = sorted(WORK.glob("pyodide_http-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                        "pyodide-http", "-d", str(WORK)], check=True)
        found = sorted(WORK.glob("pyodide_http-*.whl"))
    return found[-1]


def run_pyodide(cfg: dict) -> dict:
    cfg = {**cfg, "indexURL": str(PYODIDE_DIR) + "/", "side": str(HERE / "_pyodide_side.py"),
           "wheels": [str(WHEEL), str(pyodide_http_wheel())]}
    return _run_json(["node", "--experimental-wasm-stack-switching",
                      str(HERE / "run_pyodide.mjs")], cfg, "pyodide")


def _run_json(cmd, cfg, label) -> dict:
    """Run a worker with cfg in a temp JSON file; return its "RESULT {...}" line."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(cfg, fh)
    try:
        start = time.perf_counter()
        proc = subprocess.run([*cmd, fh.name], capture_output=True, text=True)
        print(f"  {label}: {time.perf_counter() - start:.0f} s wall", flush=True)
    finally:
        os.unlink(fh.name)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        return {"error": f"exit {proc.returncode}", "stderr": proc.stderr[-4000:],
                "stdout": proc.stdout[-2000:]}
    return json.loads(lines[-1][len("RESULT "):])


# == 4. report =====================================================================================

def table_rows(results: dict) -> list[dict]:
    """Flatten to rows with ratios to sklearn (default cache, same runtime) and the floor."""
    rows = []
    for runtime in ("pyodide", "cpython"):
        res = results.get(runtime, {})
        for label, times in res.get("datasets", {}).items():
            ref, floor = times.get("sklearn_default_cache"), times.get("floor_pyarrow")
            for key, what in PATHS:
                if key in times:
                    s = times[key]
                    rows.append({"runtime": runtime, "dataset": label, "path": key, "what": what,
                                 "seconds": s, "x_sklearn": s / ref if ref else None,
                                 "x_floor": s / floor if floor else None})
    return rows


def print_table(rows, results) -> None:
    print(f"\n{'runtime':8} {'dataset':7} {'path':52} {'seconds':>9} {'/sklearn':>9} {'/floor':>8}")
    for r in rows:
        print(f"{r['runtime']:8} {r['dataset']:7} {r['what'][:52]:52} {r['seconds']:9.3f} "
              f"{r['x_sklearn']:9.3f} {r['x_floor']:8.1f}")
    py = results.get("pyodide", {})
    if "pyarrow_load" in py:
        print(f"\nPyodide: pyarrow loadPackage + import {py['pyarrow_load']:.2f} s (once, not in the "
              f"pyarrow rows); boot {py['boot_seconds']:.1f} s; numpy/pandas/sklearn/micropip "
              f"load {py['load_sklearn_stack_seconds']:.1f} s")
    for runtime in ("pyodide", "cpython"):
        res = results.get(runtime, {})
        for key, text in res.get("parity", {}).items():
            print(f"parity sklearn vs openml-lite, {runtime} {key}: {text}")
        if "versions" in res:
            print(f"versions ({runtime}): {res['versions']}")
        for note in res.get("notes", []):
            print(f"note ({runtime}): {note}")
    for runtime in ("pyodide", "cpython"):
        if "error" in results.get(runtime, {}):
            print(f"\n{runtime} FAILED: {results[runtime]['error']}\n{results[runtime]['stderr']}")


def plot(rows, path: Path) -> str | None:
    """Bar chart via matplotlib; from a venv of our own when this Python lacks it."""
    script = HERE / "_plot.py"
    data = WORK / "rows.json"
    data.write_text(json.dumps(rows))
    python = sys.executable
    if importlib.util.find_spec("matplotlib") is None:
        venv = WORK / "plotvenv"
        if not (venv / "bin/python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin/pip"), "install", "-q", "matplotlib"], check=True)
        python = str(venv / "bin/python")
    proc = subprocess.run([python, str(script), str(data), str(path)], capture_output=True, text=True)
    return None if proc.returncode == 0 else proc.stderr[-2000:]


# == main ===========================================================================================

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="min of N runs (default 3)")
    parser.add_argument("--quick", action="store_true", help="mnist with 10,000 rows (CI)")
    parser.add_argument("--mnist-rows", type=int, help="default 70,000 (10,000 with --quick)")
    parser.add_argument("--adult-rows", type=int, default=48_842)
    parser.add_argument("--skip", choices=["pyodide", "cpython"], action="append", default=[])
    parser.add_argument("--cpython-worker", metavar="CFG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpython_worker:
        cfg = json.loads(Path(args.cpython_worker).read_text())
        print("RESULT " + json.dumps(cpython_worker(cfg)))
        return
    mnist_rows = args.mnist_rows or (10_000 if args.quick else 70_000)
    started = time.perf_counter()
    WORK.mkdir(exist_ok=True)
    print(f"generating the mirror (adult {args.adult_rows} rows, mnist {mnist_rows} rows)...",
          flush=True)
    from openml_lite.mirror.synthetic import build_mirror

    datasets = build_mirror(WORK / "mirror", mnist_rows, args.adult_rows)
    server = start_mirror(WORK / "mirror")
    try:
        warm_gzip(server.url, datasets)
        cfg = {"mirror_url": server.url, "repeat": args.repeat, "datasets": datasets}
        results = {"config": {"repeat": args.repeat, "datasets": datasets}}
        for runtime, run in (("pyodide", run_pyodide), ("cpython", run_cpython)):
            if runtime not in args.skip:
                print(f"timing {runtime}...", flush=True)
                results[runtime] = run(cfg)
    finally:
        server.stop()
    rows = table_rows(results)
    results["rows"] = rows
    results["total_seconds"] = time.perf_counter() - started
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print_table(rows, results)
    error = plot(rows, HERE / "results.png")
    print(f"\nwrote benchmarks/results.json, "
          f"{'benchmarks/results.png' if error is None else 'NO chart: ' + error}; "
          f"total {results['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
