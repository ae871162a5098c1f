"""openml-lite's sync fetch_openml in Pyodide with and without JSPI, and a fresh Pyodide's
first load with the standard wheel against build_wheels.sh's (issue 12). Not a test: it
reports what one run measured, ratios of times taken side by side.

1. Sync without JSPI. In headless Chromium (Debian chromium + chromedriver, offline), two
   MODULE Web Workers on one page (as JupyterLite runs its kernel), each with Pyodide,
   numpy, pandas, micropip and build_wheels.sh's openml-lite wheel:
     (a) JSPI: Python started by runPythonAsync, so fetch_openml runs the async loader
         with run_sync (fetch, the JS decoder);
     (b) no JSPI: WebAssembly.Suspending / Suspender / promising deleted before
         loadPyodide (a browser without JSPI: Safari, older Chrome and Firefox), Python
         started by runPython, so fetch_openml takes synchronous XHR + the JS decoder
         called synchronously.
   Both load Titanic and the benchmark mirror's generated adult- and mnist-size datasets
   with cache=False, alternating call by call (a, b, a, b, ...): each time is the minimum
   of at least 2 and up to --repeat calls, fewer once each path's calls took --budget
   seconds. Checked on every call: (a) can_run_sync() is True and openml-lite chose its
   JSPI runtime, (b) can_run_sync() is False and it chose sync XHR; both report engine
   "js", no pyarrow imported, and the same frame (a digest of the first call's).
   Reported: (b) / (a) per dataset.
2. The standard wheel. `pip wheel . --no-deps` (what a release pipeline makes: it carries
   the JS decoder, but no bytecode for Pyodide's Python) against build_wheels.sh's wheel
   (with the .pyc files web/tools/add_pyc.mjs adds): from a fresh Pyodide with numpy and
   pandas loaded, the seconds to the first `await fetch_openml_async(data_id=40945)`
   result = micropip install (loadPackage micropip + micropip.install) + import
   openml_lite + the load; --repeat-fresh fresh interpreters per wheel, the two wheels
   alternating, in Node (Pyodide from web/pyodide) and in headless Chromium (a new browser
   each); min and median, and whether pyarrow got imported (it must not be).

    .venv/bin/python benchmarks/sync_paths.py --quick     # mnist 10,000 rows, 3 fresh runs each
    .venv/bin/python benchmarks/sync_paths.py             # mnist 70,000 rows, 5 fresh runs each
    .venv/bin/python benchmarks/sync_paths.py --from-json # report again, no timing

Writes benchmarks/sync_paths.json and its own section of benchmarks/RESULTS.md (between
the sync_paths.py markers; pyodide_vs_sklearn.py keeps that section when it rewrites the
file). Needs the offline Pyodide and web/wheels/ (bash build_wheels.sh) and the mirror's
Python deps (sklearn, pyarrow), as pyodide_vs_sklearn.py does; shares its mirror folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import _chromium
import _mirror
import _report
from pyodide_vs_sklearn import Pyodide

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
BEGIN, END = _report.SYNC_PATHS_BEGIN, _report.SYNC_PATHS_END  # its section of RESULTS.md
PHASES = ("sync", "wheel-node", "wheel-chromium")
PATHS = {"jspi": ("runPythonAsync", True), "nojspi": ("runPython", False)}


# == the two wheels ================================================================================

def describe_wheel(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    return {"file": str(wheel.relative_to(ROOT)), "bytes": wheel.stat().st_size,
            "pyc_files": sum(n.endswith(".pyc") for n in names),
            "pyc_tags": sorted({n.rsplit(".", 2)[-2] for n in names if n.endswith(".pyc")}),
            "js_decoder": any(n.endswith("parquet_columns.bundle.js") for n in names)}


def _copy_settled(wheel: Path, target: Path, pyc_tag: str, wait: float = 180) -> None:
    """Copy build_wheels.sh's wheel once it is whole: unchanged for 3 s, a readable zip,
    with .pyc files for Pyodide's Python (add_pyc.mjs rewrites it in place while a
    build_wheels.sh runs)."""
    deadline = time.monotonic() + wait
    while True:
        before = wheel.stat()
        time.sleep(3)
        shutil.copy2(wheel, target)
        after = wheel.stat()
        try:
            ok = (before.st_mtime, before.st_size) == (after.st_mtime, after.st_size) and pyc_tag in describe_wheel(
                target)["pyc_tags"]
        except (zipfile.BadZipFile, OSError):
            ok = False
        if ok:
            return
        if time.monotonic() > deadline:
            sys.exit(f"{wheel} did not settle as a wheel with {pyc_tag} bytecode in {wait:.0f} s")
        print(f"  waiting for {wheel.name} to settle (a build_wheels.sh is running?)", flush=True)


def pyodide_pyc_tag(pyodide_dir: Path) -> str:
    """cpython-3XX of the offline Pyodide's Python (from its lock)."""
    major, minor = json.loads((pyodide_dir / "pyodide-lock.json").read_text())["info"]["python"].split(".")[:2]
    return f"cpython-{major}{minor}"


def prepare_wheels(build_wheel: Path, pyc_tag: str) -> dict[str, Path]:
    """build_wheels.sh's wheel, copied (a rebuild while we run must not change it), and
    the standard one: `pip wheel . --no-deps` from the repo (hatchling builds in a temp
    dir; its build requirement comes from the package registry)."""
    out = {}
    for kind in ("build_wheels", "standard"):
        folder = WORK / "wheels" / kind
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if kind == "build_wheels":
            _copy_settled(build_wheel, folder / build_wheel.name, pyc_tag)
        else:
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
                            "--no-deps", str(ROOT), "-w", str(folder)], check=True)
        (out[kind],) = folder.glob("openml_lite-*.whl")
    return out


# == 1. sync fetch_openml in module workers, with and without JSPI =================================

def _ask(driver, name: str, message: dict) -> dict:
    answer = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.ask(arguments[0], arguments[1]).then(done, (e) => done({ error: String(e) }));", name, message)
    return answer if isinstance(answer, dict) else {"error": f"no answer: {answer!r}"}


def _page_log(driver) -> list[str]:
    return driver.execute_script("return window.benchLog.splice(0)") or []


def sync_in_workers(pyodide_dir: Path, wheel: Path, datasets: list[dict], mirror_url: str,
                    repeat: int, budget: float) -> dict:
    why_not = _chromium.missing()
    if why_not:
        return {"error": f"not run: {why_not}"}
    files = {name: HERE / name for name in ("_sync_page.html", "_sync_worker.mjs", "_sync_side.py")}
    files[wheel.name] = wheel
    out = {"workers": {}, "datasets": {}, "checks": []}
    log: list[str] = []
    with _chromium.StaticServer(pyodide_dir, files) as static:
        driver = _chromium._driver()
        try:
            driver.get(f"{static.url}/bench/_sync_page.html")
            _chromium._wait_for(driver, "return window.pageReady === true", 60)
            for name, (_, jspi) in PATHS.items():
                start = time.perf_counter()
                driver.execute_script("window.startWorker(arguments[0])", name)
                boot = _ask(driver, name, {"op": "boot", "jspi": jspi, "indexURL": f"{static.url}/pyodide/",
                                           "wheel": f"{static.url}/bench/{wheel.name}",
                                           "side": f"{static.url}/bench/_sync_side.py"})
                log += _page_log(driver)
                print(f"  worker {name}: booted in {time.perf_counter() - start:.0f} s wall", flush=True)
                out["workers"][name] = boot
                if "error" in boot:
                    out["error"] = f"worker {name} did not boot: {boot['error']}"
                    out["log_tail"] = log[-40:]
                    return out
            for ds in datasets:
                out["datasets"][ds["label"]] = _time_pair(driver, ds, mirror_url, repeat, budget, out["checks"])
                log += _page_log(driver)
        finally:
            driver.quit()
    if any("error" in d for d in out["datasets"].values()):
        out["log_tail"] = log[-40:]
    boot_nojspi = out["workers"]["nojspi"]
    if boot_nojspi.get("webassembly_suspending") != "undefined" or boot_nojspi.get("can_run_sync_at_setup"):
        out["checks"].append(f"worker nojspi still has JSPI: {boot_nojspi}")
    return out


def _check(path: str, ds: dict, answer: dict, problems: list[str]) -> None:
    want_sync = path == "jspi"
    want_runtime = "(JSPI)" if want_sync else "(sync XHR)"
    found = []
    if answer.get("can_run_sync") is not want_sync:
        found.append(f"can_run_sync() = {answer.get('can_run_sync')}")
    if want_runtime not in str(answer.get("runtime")):
        found.append(f"runtime {answer.get('runtime')!r}")
    if answer.get("engine") != "js":
        found.append(f"engine {answer.get('engine')!r}")
    if answer.get("pyarrow_imported"):
        found.append("pyarrow imported")
    if answer.get("shape") != [ds["rows"], ds["columns"]]:
        found.append(f"shape {answer.get('shape')}")
    if found:
        problems.append(f"{ds['label']} {path}: " + ", ".join(found))


def _time_pair(driver, ds: dict, mirror_url: str, repeat: int, budget: float, problems: list[str]) -> dict:
    """(a) and (b) alternately on one dataset; min seconds of each, its load report."""
    best = {p: None for p in PATHS}
    spent = {p: 0.0 for p in PATHS}
    runs, digests, start = 0, {}, time.perf_counter()
    while runs < repeat and (runs < 2 or min(spent.values()) < budget):
        for path, (entry, _) in PATHS.items():
            call = {"id": ds["id"], "mirror_url": mirror_url, "digest": runs == 0}
            answer = _ask(driver, path, {"op": "run", "entry": entry, "call": call})
            if "error" in answer:
                return {"error": f"{path}: {answer['error']}"}
            _check(path, ds, answer, problems)
            if "digest" in answer:
                digests[path] = answer.pop("digest")
            spent[path] += answer["seconds"]
            if best[path] is None or answer["seconds"] < best[path]["seconds"]:
                best[path] = answer
        runs += 1
    if len(set(digests.values())) != 1:
        problems.append(f"{ds['label']}: the two paths returned different frames ({digests})")
    ratio = best["nojspi"]["seconds"] / best["jspi"]["seconds"]
    print(f"  {ds['label']}: JSPI {best['jspi']['seconds']:.3f} s, no JSPI {best['nojspi']['seconds']:.3f} s "
          f"= {ratio:.2f}x (min of {runs} each; {time.perf_counter() - start:.0f} s wall)", flush=True)
    return {"runs": runs, "best": best, "ratio": ratio, "same_frame": len(set(digests.values())) == 1}


# == 2. fresh Pyodide to the first fetch_openml_async, standard wheel vs build_wheels.sh's =========

def fresh_wheel_runs(pyodide_dir: Path, wheels: dict[str, Path], titanic: dict, mirror_url: str,
                     repeat: int, runtimes: list[str]) -> list[dict]:
    runs = []
    for runtime in runtimes:
        why_not = _chromium.missing() if runtime == "chromium" else None
        if why_not:
            runs.append({"runtime": runtime, "error": f"not run: {why_not}"})
            continue
        for i in range(repeat):
            for kind, wheel in wheels.items():  # alternating: load noise hits both alike
                cfg = {"task": "first_data_async", "mirror_url": mirror_url, "dataset": titanic}
                label = f"fresh Pyodide in {runtime}, {kind} wheel ({i + 1}/{repeat})"
                start = time.perf_counter()
                try:
                    if runtime == "node":
                        run = Pyodide(pyodide_dir, wheel).task(cfg, ["numpy", "pandas"], False, label)
                    else:
                        run = _chromium.run({**cfg, "packages": ["numpy", "pandas"]}, pyodide_dir, [wheel], 180)
                        print(f"  {label}: {time.perf_counter() - start:.0f} s wall", flush=True)
                except Exception as error:  # selenium / chromedriver trouble: report it, keep the rest
                    run = {"error": f"{type(error).__name__}: {error}"[:2000]}
                if "error" not in run:
                    run["total"] = run["setup"]["install_openml_lite"] + run["import_openml_lite"] + run[
                        "fetch_openml_async"]
                runs.append({**run, "runtime": runtime, "wheel": kind})
    return runs


# == report ======================================================================================

def _fmt(seconds: float) -> str:
    return f"{seconds:.3f}"


def sync_lines(results: dict) -> list[str]:
    sync = results.get("sync")
    if not sync:
        return ["", "Not measured in this run."]
    if "error" in sync and not sync.get("datasets"):
        return ["", f"Not measured: {sync['error']}"]
    w = sync["workers"]
    lines = ["", "Sync `fetch_openml(data_id=..., cache=False)` in a module Web Worker of headless Chromium "
             "(numpy, pandas, micropip loaded; build_wheels.sh's wheel): (a) JSPI, Python started by "
             "`runPythonAsync`; (b) a second worker where `WebAssembly.Suspending`/`Suspender`/`promising` "
             "were deleted before `loadPyodide` (a browser without JSPI), Python started by `runPython`. "
             "Calls alternate a, b, a, b; seconds = min of n calls each.", "",
             "| dataset | (a) JSPI: s | (b) no JSPI: s | n | (b) / (a) | same frame |",
             "|---|---:|---:|---:|---:|---|"]
    for label, d in sync["datasets"].items():
        if "error" in d:
            lines.append(f"| {label} | error: {d['error'][:200]} | | | | |")
            continue
        lines.append(f"| {label} | {_fmt(d['best']['jspi']['seconds'])} | {_fmt(d['best']['nojspi']['seconds'])} | "
                     f"{d['runs']} | **{d['ratio']:.2f}x** | {'yes' if d['same_frame'] else '**NO**'} |")
    lines += ["", "Where the fastest call's time went (`last_load_report().seconds`):", "", "```"]
    steps = ("metadata", "download", "decode", "convert", "total")
    lines.append(f"{'dataset':9} {'path':7} " + " ".join(f"{s:>9}" for s in steps) + "   data bytes")
    for label, d in sync["datasets"].items():
        for path in PATHS:
            if "best" in d:
                b = d["best"][path]
                lines.append(f"{label:9} {path:7} " + " ".join(f"{b['report_seconds'].get(s, float('nan')):9.3f}"
                                                              for s in steps) + f"   {b['data_bytes']:,}")
    lines.append("```")
    a, b = w.get("jspi", {}), w.get("nojspi", {})
    first = next((d["best"] for d in sync["datasets"].values() if "best" in d), {})
    lines += ["", f"Runtimes openml-lite chose: (a) `{first.get('jspi', {}).get('runtime')}`, "
              f"(b) `{first.get('nojspi', {}).get('runtime')}`; in (b) `typeof WebAssembly.Suspending` = "
              f"`{b.get('webassembly_suspending')}` and `can_run_sync()` = {b.get('can_run_sync_at_setup')} "
              f"(in (a): `{a.get('webassembly_suspending')}`). Every call checked: (a) `can_run_sync()` True, "
              "(b) False; engine \"js\"; pyarrow not imported; expected shape. "
              + ("All checks passed." if not sync["checks"] else "**Checks FAILED:** " + "; ".join(sync["checks"])),
              "", f"Worker setup (a / b): boot {a.get('setup', {}).get('boot', 0):.2f} / "
              f"{b.get('setup', {}).get('boot', 0):.2f} s, numpy+pandas+micropip "
              f"{a.get('setup', {}).get('load_packages', 0):.2f} / {b.get('setup', {}).get('load_packages', 0):.2f} s, "
              f"install openml-lite {a.get('setup', {}).get('install_openml_lite', 0):.2f} / "
              f"{b.get('setup', {}).get('install_openml_lite', 0):.2f} s."]
    return lines


def wheel_lines(results: dict) -> list[str]:
    runs = results.get("fresh_wheels")
    if not runs:
        return ["", "Not measured in this run."]
    wheels = results["wheels"]

    def desc(kind):
        w = wheels[kind]
        return (f"`{w['command']}`: {w['bytes']:,} bytes, {w['pyc_files']} .pyc files"
                + (f" ({', '.join(w['pyc_tags'])})" if w["pyc_tags"] else "")
                + (", JS decoder inside" if w["js_decoder"] else ", NO JS decoder"))

    lines = ["", "From a fresh Pyodide (numpy and pandas loaded, not imported) to the first "
             "`await openml_lite.fetch_openml_async(data_id=40945)` result: total = install "
             "(`loadPackage(\"micropip\")` + `micropip.install` of the wheel) + `import openml_lite` + the load "
             "(default cache). pandas is imported before the clock. One fresh interpreter per run (Node: a "
             "process; Chromium: a new browser), the two wheels alternating.", "",
             f"- standard: {desc('standard')}", f"- build_wheels: {desc('build_wheels')}", "",
             "| runtime | wheel | n | total min | total median | total max | install (median) | import (median) | "
             "load (median) | engine | pyarrow imported |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    medians = {}
    for runtime in dict.fromkeys(r["runtime"] for r in runs):
        for kind in ("standard", "build_wheels"):
            mine = [r for r in runs if r["runtime"] == runtime and r.get("wheel") == kind]
            good = [r for r in mine if "error" not in r]
            if not good:
                err = next((r["error"] for r in mine if "error" in r), "no runs")
                lines.append(f"| {runtime} | {kind} | 0 | error: {err[:150]} | | | | | | | |")
                continue

            def med(key, rows=good):
                return statistics.median(key(r) for r in rows)
            totals = [r["total"] for r in good]
            medians[runtime, kind] = statistics.median(totals)
            engines = sorted({r["report"]["engine"] for r in good})
            pyarrow = sorted({r["pyarrow_imported"] for r in good})
            errors = len(mine) - len(good)
            lines.append(f"| {runtime} | {kind} | {len(good)}{f' (+{errors} failed)' if errors else ''} | "
                         f"{_fmt(min(totals))} | {_fmt(medians[runtime, kind])} | {_fmt(max(totals))} | "
                         f"{_fmt(med(lambda r: r['setup']['install_openml_lite']))} | "
                         f"{_fmt(med(lambda r: r['import_openml_lite']))} | "
                         f"{_fmt(med(lambda r: r['fetch_openml_async']))} | {', '.join(engines)} | "
                         f"{'**yes**' if any(pyarrow) else 'no'} |")
    ratios, imports = [], []
    for runtime in dict.fromkeys(r["runtime"] for r in runs):
        if (runtime, "standard") in medians and (runtime, "build_wheels") in medians:
            std, pyc = medians[runtime, "standard"], medians[runtime, "build_wheels"]
            ratios.append(f"{runtime} {std / pyc:.2f}x ({std - pyc:+.3f} s)")
            std, pyc = (statistics.median(r["import_openml_lite"] for r in runs if r["runtime"] == runtime
                                          and r.get("wheel") == kind and "error" not in r)
                        for kind in ("standard", "build_wheels"))
            imports.append(f"{runtime} {std / pyc:.2f}x ({std - pyc:+.3f} s)")
    if ratios:
        lines += ["", "Standard wheel / build_wheels.sh wheel, median totals: " + ", ".join(ratios)
                  + "; `import openml_lite` alone: " + ", ".join(imports)
                  + ". The bytecode saves compiling at import and in the first load, which imports more of "
                  "the package as it goes (transport, cache, JS engine)."]
    return lines


def section(results: dict) -> str:
    m = results["machine"]
    ds = results["config"]["datasets"]
    out = [BEGIN, "", "## Sync fetch_openml without JSPI; the standard wheel (sync_paths.py)", "",
           f"Generated by `benchmarks/sync_paths.py` (do not edit by hand) on {results['date']}; command: "
           f"`{results['command']}`, {results['total_seconds']:.0f} s wall; load average "
           f"{m['load_average_at_start']} at start, {m.get('load_average_at_end')} at end (other jobs ran at "
           f"the same time: expect noise; the ratios are of times taken side by side). {m['chromium']}, "
           f"Node {m['node']}, Pyodide {m['pyodide']}. Datasets: "
           + "; ".join(f"{d['label']} {d['rows']:,} x {d['columns']} (parquet {d['parquet_bytes']:,} B)" for d in ds)
           + " (adult and mnist GENERATED, as in the tables above).", "",
           "### Sync fetch_openml in a module Web Worker: JSPI vs no JSPI (issue 12: within 2x)",
           *sync_lines(results), "",
           "### Fresh Pyodide to Titanic: standard wheel vs build_wheels.sh wheel",
           *wheel_lines(results), "", END, ""]
    return "\n".join(out)


# == main ========================================================================================

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="mnist 10,000 rows, 3 fresh runs per wheel")
    parser.add_argument("--mnist-rows", type=int, help="default 70,000 (10,000 with --quick)")
    parser.add_argument("--adult-rows", type=int, default=48_842)
    parser.add_argument("--repeat", type=int, default=5, help="sync calls: min of 2 to N each (default 5)")
    parser.add_argument("--budget", type=float,
                        help="no further sync calls once each path's took this many seconds (default 3, --quick 1)")
    parser.add_argument("--repeat-fresh", type=int, help="fresh interpreters per wheel and runtime (default 5, --quick 3)")
    parser.add_argument("--skip", choices=PHASES, action="append", default=[])
    parser.add_argument("--pyodide-dir", type=Path, default=ROOT / "web" / "pyodide")
    parser.add_argument("--wheel", type=Path, help="build_wheels.sh's wheel (default web/wheels/openml_lite-*.whl)")
    parser.add_argument("--fresh-mirror", action="store_true", help="rebuild the mirror even if it matches")
    parser.add_argument("--from-json", action="store_true", help="measure nothing: report benchmarks/sync_paths.json")
    return parser.parse_args()


def report(results: dict) -> None:
    _report.write_section(section(results), BEGIN, END, "sync_paths.json")


def main():
    args = parse_args()
    if args.from_json:
        return report(json.loads((HERE / "sync_paths.json").read_text()))
    started = time.perf_counter()
    mnist_rows = args.mnist_rows or (10_000 if args.quick else 70_000)
    budget = args.budget if args.budget is not None else (1.0 if args.quick else 3.0)
    repeat_fresh = args.repeat_fresh or (3 if args.quick else 5)
    pyodide_dir = args.pyodide_dir.resolve()
    build_wheel = args.wheel or next(iter(sorted((ROOT / "web" / "wheels").glob("openml_lite-*.whl"))), None)
    if build_wheel is None:
        sys.exit("no openml_lite wheel in web/wheels: run bash build_wheels.sh first")
    WORK.mkdir(exist_ok=True)
    results = {"command": " ".join([sys.executable, "benchmarks/sync_paths.py", *sys.argv[1:]]),
               "date": time.strftime("%Y-%m-%d %H:%M"),
               "machine": _report.machine(pyodide_dir, _chromium.chromium_version())}
    wheels = prepare_wheels(build_wheel.resolve(), pyodide_pyc_tag(pyodide_dir))
    results["wheels"] = {kind: {**describe_wheel(w), "command": cmd} for (kind, w), cmd in zip(
        wheels.items(), ("bash build_wheels.sh (web/tools/add_pyc.mjs)", "pip wheel . --no-deps"))}
    for kind, w in results["wheels"].items():
        print(f"  {kind} wheel: {w['bytes']:,} bytes, {w['pyc_files']} pyc, JS decoder {w['js_decoder']}")
    datasets, reused = _mirror.prepare_mirror(WORK / "mirror", mnist_rows=mnist_rows, adult_rows=args.adult_rows,
                                              fresh=args.fresh_mirror)
    results["config"] = {"repeat": args.repeat, "budget": budget, "repeat_fresh": repeat_fresh,
                         "mnist_rows": mnist_rows, "mirror_reused": reused, "datasets": datasets}
    server = _mirror.start_server(WORK / "mirror", WORK / "gzip-memo")
    try:
        if "sync" not in args.skip:
            print("sync fetch_openml in module workers of headless Chromium, JSPI vs none...", flush=True)
            results["sync"] = sync_in_workers(pyodide_dir, wheels["build_wheels"], datasets, server.url,
                                              args.repeat, budget)
        runtimes = [r for r in ("node", "chromium") if f"wheel-{r}" not in args.skip]
        if runtimes:
            print("fresh Pyodide to Titanic, standard wheel vs build_wheels.sh wheel...", flush=True)
            results["fresh_wheels"] = fresh_wheel_runs(pyodide_dir, wheels, datasets[0], server.url,
                                                       repeat_fresh, runtimes)
    finally:
        server.stop()
    results["total_seconds"] = time.perf_counter() - started
    results["machine"]["load_average_at_end"] = _report.load_average()
    (HERE / "sync_paths.json").write_text(json.dumps(results, indent=1) + "\n")
    report(results)


if __name__ == "__main__":
    main()
