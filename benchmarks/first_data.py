"""Time to first data in a fresh Pyodide without pandas or scikit-learn where they are
not needed. Not a test: it reports what one run measured, ratios of times taken side by
side in fresh interpreters (Node: a process each; headless Chromium: a new browser each),
the variants alternating run by run.

1. The numpy path. A fresh Pyodide with numpy and micropip loaded (pandas NOT loaded),
   build_wheels.sh's openml-lite wheel installed by micropip (deps=False, else micropip
   would load pandas's files for the wheel's requirement): the seconds of
   `import openml_lite` + the first `await fetch_openml_async(data_id=..., as_frame=False)`
   against the same with as_frame=True, where openml-lite loads pandas itself
   (loadPackage) and imports it. On iris (61, recorded) and the mirror's generated
   mnist-shaped dataset. Checked: pandas (and sklearn, pyarrow) not in sys.modules after
   the numpy load, which returns numpy arrays and no frame. The first numpy iris run of
   each runtime then loads and imports pandas, off the clock, to show where the
   difference goes. Reported: numpy path / pandas path, and both in seconds.
2. scikit-learn installed but not imported. A fresh Pyodide with numpy, pandas,
   scikit-learn (and micropip) loaded by loadPackage, numpy and pandas imported before
   the clock: the seconds of `import openml_lite` + the first
   `await fetch_openml_async(data_id=40945)` (Titanic), against (a) the same where
   scikit-learn was never loaded, and (b) the old behaviour: (2) plus
   `import sklearn.utils` inside the clock, what building sklearn's Bunch used to cost
   (timed in (2)'s interpreters: the import right after the call, the clock running on).
   Checked: sklearn not in sys.modules after the call in (2), and the Bunch's type.
   Reported: (2) / (a) and (b) / (a).

Each phase runs rounds of fresh interpreters (one per path, the order rotating) up to
--repeat (etc.), at least --min-repeat, and no new round once it took its share of
--budget seconds: on a busy machine a run has fewer rounds, not a longer wall time.

    .venv/bin/python benchmarks/first_data.py --quick      # mnist 10,000 rows, fewer runs
    .venv/bin/python benchmarks/first_data.py              # mnist 70,000 rows
    .venv/bin/python benchmarks/first_data.py --from-json  # report again, no timing

Writes benchmarks/first_data.json and its own section of benchmarks/RESULTS.md (between
the first_data.py markers; pyodide_vs_sklearn.py keeps it when it rewrites the file).
Needs the offline Pyodide (web/pyodide) and web/wheels/ (bash build_wheels.sh), and the
mirror's Python deps (sklearn, pyarrow); shares the mirror folder of the other benchmarks.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

import _chromium
import _mirror
import _report
from pyodide_vs_sklearn import NODE_JSPI_FLAG, run_worker
from sync_paths import _copy_settled, describe_wheel, pyodide_pyc_tag

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
BEGIN, END = _report.FIRST_DATA_BEGIN, _report.FIRST_DATA_END  # its section of RESULTS.md
IRIS_ID = 61
SIDE_FILES = ("_first_data_side.py",)  # run by _boot.mjs (cfg "side")
OUTPUT_PATHS = {"numpy": False, "pandas": True}  # path -> as_frame
OUTPUT_PACKAGES = ["numpy", "micropip"]
SKLEARN_VARIANTS = {  # variant -> packages loaded before the wheel's install
    "sklearn_installed": ["numpy", "pandas", "scikit-learn", "micropip"],
    "no_sklearn": ["numpy", "pandas", "micropip"],
}
# What is reported: "old_bunch" is measured in the sklearn_installed interpreters (the
# same call, then `import sklearn.utils`, timed on).
VARIANT_LABELS = {"sklearn_installed": "(2) scikit-learn installed, not imported",
                  "no_sklearn": "(a) scikit-learn not loaded",
                  "old_bunch": "(b) = (2) + `import sklearn.utils` in the clock (the old Bunch)"}
RUNTIMES = ("node", "chromium")
# Each phase: fresh runs per path up to its maximum, at least its minimum, no new round
# once the phase took its share of --budget seconds (the machine is shared).
PHASE_SHARE = {("node", "iris"): 0.18, ("node", "mnist"): 0.27, ("node", "titanic"): 0.25,
               ("chromium", "iris"): 0.12, ("chromium", "mnist"): 0.0, ("chromium", "titanic"): 0.18}


# == one fresh interpreter ========================================================================

class Fresh:
    """Runs one _first_data_side task in a fresh Pyodide, in Node or headless Chromium."""

    def __init__(self, pyodide_dir: Path, wheel: Path, mirror_url: str):
        self.dir, self.wheel, self.mirror_url = pyodide_dir, wheel, mirror_url

    def run(self, runtime: str, cfg: dict, packages: list[str], label: str) -> dict:
        # deps=False: the wheel's numpy/pandas requirements must not load pandas' files
        cfg = {**cfg, "mirror_url": self.mirror_url, "packages": packages,
               "side": "_first_data_side", "deps": False}
        try:
            if runtime == "node":
                out = self._node(cfg, label)
            else:
                start = time.perf_counter()
                out = _chromium.run(cfg, self.dir, [self.wheel], 240, side_files=SIDE_FILES)
                print(f"  {label}: {time.perf_counter() - start:.0f} s wall", flush=True)
        except Exception as error:  # selenium / chromedriver trouble: report it, keep the rest
            out = {"error": f"{type(error).__name__}: {error}"[:2000]}
        return {**out, "runtime": runtime}

    def _node(self, cfg: dict, label: str) -> dict:
        cfg = {**cfg, "indexURL": f"{self.dir}/", "wheels": [self.wheel.name],
               "files": {**{n: str(HERE / n) for n in SIDE_FILES}, self.wheel.name: str(self.wheel)}}
        return run_worker(["node", NODE_JSPI_FLAG, str(HERE / "run_pyodide.mjs")], cfg, label)


# == the two rows =================================================================================

def _alternating(names: list[str], i: int) -> list[str]:
    """Run i's order: rotated by one each run, so no variant always goes first."""
    k = i % len(names)
    return names[k:] + names[:k]


def _rounds(limits: dict):
    """Round numbers 0, 1, ... while fewer than limits["max"] and (fewer than limits["min"]
    or the rounds so far took less than limits["budget"] seconds)."""
    start, i = time.perf_counter(), 0
    while i < limits["max"] and (i < limits["min"] or time.perf_counter() - start < limits["budget"]):
        yield i
        i += 1


def output_runs(fresh: Fresh, runtime: str, datasets: list[dict], limits: dict[str, dict]) -> list[dict]:
    runs = []
    for ds in datasets:
        lim = limits[ds["label"]]
        for i in _rounds(lim):
            for path in _alternating(list(OUTPUT_PATHS), i):
                cfg = {"task": "output", "dataset": ds, "as_frame": OUTPUT_PATHS[path],
                       "then_pandas": path == "numpy" and ds["id"] == IRIS_ID and i == 0}
                label = f"{runtime}: {ds['label']} as_frame={OUTPUT_PATHS[path]} (round {i + 1}, max {lim['max']})"
                run = fresh.run(runtime, cfg, OUTPUT_PACKAGES, label)
                runs.append({**run, "dataset": ds["label"], "path": path, "problems": output_problems(path, ds, run)})
    return runs


def output_problems(path: str, ds: dict, run: dict) -> list[str]:
    if "error" in run:
        return [f"error: {run['error'][:300]}"]
    found = []
    if run["imported_before"] not in (["numpy"], []) or "pandas" in run["installed_before"]:
        found.append(f"before the clock: imported {run['imported_before']}, installed {run['installed_before']}")
    after = run["imported_after"]
    unwanted = [m for m in ("sklearn", "pyarrow", "polars", "scipy") if m in after]
    if path == "numpy":
        unwanted += ["pandas"] if "pandas" in after else []
        if run["data"]["type"] != "numpy.ndarray" or run["frame"] is not None:
            found.append(f"data {run['data']['type']}, frame {run['frame']}")
    elif run["frame"] is None or "pandas" not in after:
        found.append(f"as_frame=True gave frame {run['frame']}, pandas imported: {'pandas' in after}")
    if unwanted:
        found.append(f"imported by the load: {', '.join(unwanted)}")
    if run["data"]["shape"] != [ds["rows"], ds["columns"] - 1]:
        found.append(f"data shape {run['data']['shape']}")
    if run["report"].get("engine") != "js" or run["report"].get("from_cache"):
        found.append(f"engine {run['report'].get('engine')}, from cache {run['report'].get('from_cache')}")
    return found


def sklearn_runs(fresh: Fresh, runtime: str, titanic: dict, limits: dict) -> list[dict]:
    runs = []
    for i in _rounds(limits):
        for variant in _alternating(list(SKLEARN_VARIANTS), i):
            cfg = {"task": "sklearn", "dataset": titanic, "variant": variant,
                   "then_sklearn_utils": variant == "sklearn_installed"}
            run = fresh.run(runtime, cfg, SKLEARN_VARIANTS[variant],
                            f"{runtime}: titanic, {variant} (round {i + 1}, max {limits['max']})")
            runs.append({**run, "variant": variant, "problems": sklearn_problems(variant, titanic, run)})
    return runs


def sklearn_problems(variant: str, ds: dict, run: dict) -> list[str]:
    if "error" in run:
        return [f"error: {run['error'][:300]}"]
    found = []
    want_installed = variant != "no_sklearn"
    if ("sklearn" in run["installed_before"]) != want_installed:
        found.append(f"scikit-learn installed: {'sklearn' in run['installed_before']}, wanted {want_installed}")
    if "sklearn" in run["imported_before"]:
        found.append("sklearn imported before the clock")
    unwanted = [m for m in ("sklearn", "scipy", "pyarrow", "polars") if m in run["imported_after_call"]]
    if unwanted:
        found.append(f"imported by the call: {', '.join(unwanted)}")
    if run["bunch_type"] != "openml_lite.bunch.Bunch":
        found.append(f"Bunch type {run['bunch_type']}")
    if variant == "sklearn_installed" and "import_sklearn_utils" not in run:
        found.append("no `import sklearn.utils` timed after the call")
    if run["frame"] is None or run["frame"]["shape"] != [ds["rows"], ds["columns"]]:
        found.append(f"frame {run['frame']}")
    if run["report"].get("engine") != "js" or run["report"].get("from_cache"):
        found.append(f"engine {run['report'].get('engine')}, from cache {run['report'].get('from_cache')}")
    return found


# == summaries ====================================================================================

def _stats(values: list[float]) -> dict:
    return {"n": len(values), "min": min(values), "median": statistics.median(values), "max": max(values)}


def summarise(results: dict) -> dict:
    """Per runtime: stats of each path / variant and the ratios of their medians and minima."""
    out = {}
    for runtime, res in results.get("runtimes", {}).items():
        if "error" in res:
            continue
        rt = out[runtime] = {"output": {}, "sklearn": {}}
        for label in dict.fromkeys(r["dataset"] for r in res.get("output", [])):
            stats = {}
            for path in OUTPUT_PATHS:
                good = [r for r in res["output"] if r["dataset"] == label and r["path"] == path and "error" not in r]
                if good:
                    stats[path] = {"first_data": _stats([r["first_data"] for r in good]),
                                   "from_boot": _stats([_from_boot(r) for r in good]),
                                   # imports (numpy, pandas, openml-lite's modules) and loadPackage
                                   "outside_load_report": _stats([r["first_data"] - r["report"]["seconds"]["total"]
                                                                  for r in good]),
                                   "failed": sum(1 for r in res["output"] if r["dataset"] == label
                                                 and r["path"] == path and "error" in r)}
            if len(stats) == 2:
                stats["ratio_median"] = stats["numpy"]["first_data"]["median"] / stats["pandas"]["first_data"]["median"]
                stats["ratio_min"] = stats["numpy"]["first_data"]["min"] / stats["pandas"]["first_data"]["min"]
                stats["ratio_from_boot_median"] = (stats["numpy"]["from_boot"]["median"]
                                                   / stats["pandas"]["from_boot"]["median"])
            rt["output"][label] = stats
        stats = {}
        for variant in VARIANT_LABELS:
            measured_in = "sklearn_installed" if variant == "old_bunch" else variant
            key = "old_bunch_first_data" if variant == "old_bunch" else "first_data"
            mine = [r for r in res.get("sklearn", []) if r["variant"] == measured_in]
            good = [r for r in mine if "error" not in r and key in r]
            if good:
                stats[variant] = {"first_data": _stats([r[key] for r in good]),
                                  "with_pandas_import": _stats([r[key] + r["import_pandas"] for r in good]),
                                  "failed": len(mine) - len(good)}
        if "no_sklearn" in stats:
            ref = stats["no_sklearn"]
            for variant in ("sklearn_installed", "old_bunch"):
                if variant in stats:
                    for kind in ("first_data", "with_pandas_import"):
                        for stat in ("median", "min"):
                            stats[f"ratio_{variant}_{kind}_{stat}"] = stats[variant][kind][stat] / ref[kind][stat]
        rt["sklearn"] = stats
    return out


def _from_boot(run: dict) -> float:
    s = run["setup"]
    return s["boot"] + s["load_packages"] + s["install_openml_lite"] + run["first_data"]


# == report =======================================================================================

def _s(x: float) -> str:
    return f"{x:.3f}"


def _all_problems(results: dict) -> list[str]:
    found = []
    for runtime, res in results.get("runtimes", {}).items():
        if "error" in res:
            continue
        for r in res.get("output", []):
            found += [f"{runtime} {r['dataset']} {r['path']}: {p}" for p in r["problems"]]
        for r in res.get("sklearn", []):
            found += [f"{runtime} titanic {r['variant']}: {p}" for p in r["problems"]]
    return found


def output_lines(results: dict) -> list[str]:
    summary = results["summary"]
    lines = ["", "From a fresh Pyodide with numpy and micropip loaded (pandas NOT loaded), openml-lite "
             "installed by `micropip.install(wheel, deps=False)`: the seconds of `import openml_lite` + the first "
             "`await fetch_openml_async(data_id=..., as_frame=...)` (default cache, empty in a fresh "
             "interpreter). as_frame=True includes openml-lite's own `loadPackage(\"pandas\")` and pandas' "
             "import. \"from boot\" adds `loadPyodide` + `loadPackage([numpy, micropip])` + the install. "
             "One fresh interpreter per run, the two paths alternating.", "",
             "| runtime | dataset | as_frame=False: median (min) s | as_frame=True: median (min) s | n | "
             "**False / True** (median) | min / min | from boot: False / True (median) |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for runtime, rt in summary.items():
        for label, st in rt["output"].items():
            if "ratio_median" not in st:
                lines.append(f"| {runtime} | {label} | not measured (failed runs) | | | | | |")
                continue
            a, b = st["numpy"], st["pandas"]
            n = f"{a['first_data']['n']} + {b['first_data']['n']}"
            if a["failed"] or b["failed"]:
                n += f" ({a['failed'] + b['failed']} failed)"
            lines.append(f"| {runtime} | {label} | {_s(a['first_data']['median'])} ({_s(a['first_data']['min'])}) | "
                         f"{_s(b['first_data']['median'])} ({_s(b['first_data']['min'])}) | {n} | "
                         f"**{st['ratio_median']:.2f}x** | {st['ratio_min']:.2f}x | "
                         f"{_s(a['from_boot']['median'])} / {_s(b['from_boot']['median'])} s = "
                         f"{st['ratio_from_boot_median']:.2f}x |")
    for runtime, rt in summary.items():
        parts = [f"{label} {_s(st['numpy']['outside_load_report']['median'])} / "
                 f"{_s(st['pandas']['outside_load_report']['median'])} s"
                 for label, st in rt["output"].items() if "ratio_median" in st]
        if parts:
            lines += ["", f"{runtime}: of those seconds, outside the load itself (`last_load_report()` total), i.e. "
                      "imports (numpy; pandas with its `loadPackage`; openml-lite's modules), as_frame=False / True "
                      "(medians): " + "; ".join(parts) + "."]
    for runtime, res in results["runtimes"].items():
        then = [r for r in res.get("output", []) if "then_load_pandas" in r]
        for r in then:
            lines += ["", f"{runtime}, after the numpy iris load (off the clock, the same interpreter): "
                      f"`loadPackage(\"pandas\")` {_s(r['then_load_pandas'])} s, `import pandas` "
                      f"{_s(r['then_import_pandas'])} s: what the numpy path does not pay."]
    first = next((r for res in results["runtimes"].values() for r in res.get("output", [])
                  if r.get("path") == "numpy" and "error" not in r), None)
    if first:
        lines += ["", f"as_frame=False returned data `{first['data']['type']}` {first['data']['dtype']}, target "
                  f"`{(first['target'] or {}).get('type')}` {(first['target'] or {}).get('dtype')}, frame "
                  f"{first['frame']}, Bunch `{first['bunch_type']}`; `sys.modules` after the load: "
                  f"{sorted(set(m for res in results['runtimes'].values() for r in res.get('output', []) if r.get('path') == 'numpy' and 'error' not in r for m in r['imported_after']))} "
                  "(union over the numpy runs; checked in each: no pandas, sklearn, scipy, pyarrow, polars)."]
    return lines


def sklearn_lines(results: dict) -> list[str]:
    summary = results["summary"]
    lines = ["", "Fresh Pyodide, `loadPackage` of numpy, pandas, micropip (+ scikit-learn in (2) and (b): installed, "
             "not imported), openml-lite installed; numpy and pandas imported before the clock; the clock: "
             "`import openml_lite` + the first `await fetch_openml_async(data_id=40945)` (Titanic, default "
             "cache). One fresh interpreter per run, (2) and (a) alternating; (b) is timed in (2)'s "
             "interpreters: the same call, then `import sklearn.utils` with the clock still running "
             "(what building sklearn's Bunch cost before the change).", "",
             "| runtime | variant | median s | min s | n | / (a), median | / (a), min | "
             "+ import pandas: median s | / (a) |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for runtime, rt in summary.items():
        st = rt["sklearn"]
        for variant, label in VARIANT_LABELS.items():
            if variant not in st:
                lines.append(f"| {runtime} | {label} | not measured | | | | | | |")
                continue
            v = st[variant]
            fd, wp = v["first_data"], v["with_pandas_import"]
            if variant == "no_sklearn":
                ratios = ["1", "1", "1"]
            else:
                ratios = [f"**{st.get(f'ratio_{variant}_first_data_median', float('nan')):.2f}x**",
                          f"{st.get(f'ratio_{variant}_first_data_min', float('nan')):.2f}x",
                          f"{st.get(f'ratio_{variant}_with_pandas_import_median', float('nan')):.2f}x"]
            n = f"{fd['n']}" + (f" ({v['failed']} failed)" if v["failed"] else "")
            lines.append(f"| {runtime} | {label} | {_s(fd['median'])} | {_s(fd['min'])} | {n} | {ratios[0]} | "
                         f"{ratios[1]} | {_s(wp['median'])} | {ratios[2]} |")
    for runtime, res in results["runtimes"].items():
        runs = [r for r in res.get("sklearn", []) if "error" not in r]
        if not runs:
            continue
        types = {v: sorted({r["bunch_type"] for r in runs if r["variant"] == v}) for v in SKLEARN_VARIANTS}
        after = {v: sorted({m for r in runs if r["variant"] == v for m in r["imported_after_call"]})
                 for v in SKLEARN_VARIANTS}
        old = [r["import_sklearn_utils"] for r in runs if "import_sklearn_utils" in r]
        lines += ["", f"{runtime}: `sys.modules` (of numpy, pandas, sklearn, scipy, pyarrow, polars) right after "
                  f"the call: (2) {after['sklearn_installed']}, (a) {after['no_sklearn']}; Bunch type: (2) "
                  f"{', '.join(f'`{t}`' for t in types['sklearn_installed'])}, (a) "
                  f"{', '.join(f'`{t}`' for t in types['no_sklearn'])}; `import sklearn.utils` alone, timed in "
                  f"(2)'s interpreters right after the call (that sum is (b)): median "
                  f"{_s(statistics.median(old)) if old else 'n/a'} s."]
    return lines


def section(results: dict) -> str:
    m = results["machine"]
    c = results["config"]
    problems = _all_problems(results)
    errors = [f"{rt}: {res['error']}" for rt, res in results["runtimes"].items() if "error" in res]
    ds = [d for d in c["datasets"] if d["label"] in ("iris", "mnist", "titanic")]
    out = [BEGIN, "", "## Time to first data without pandas / scikit-learn (first_data.py)", "",
           f"Generated by `benchmarks/first_data.py` (do not edit by hand) on {results['date']}; command: "
           f"`{results['command']}`, {results['total_seconds']:.0f} s wall; load average "
           f"{m['load_average_at_start']} at start, {m.get('load_average_at_end')} at end (other jobs ran at "
           f"the same time: expect noise; the ratios are of times taken side by side). {m['chromium']}, "
           f"Node {m['node']}, Pyodide {m['pyodide']}; wheel {results['wheel']['file']} "
           f"({results['wheel']['pyc_files']} .pyc{_age_text(results['wheel'])}). Datasets: "
           + "; ".join(f"{d['label']} (id {d['id']}) {d['rows']:,} x {d['columns']} (parquet {d['parquet_bytes']:,} B)"
                       for d in ds) + " (mnist GENERATED: random uint8 pixels in mnist_784's shape).", "",
           "### as_frame=False (numpy, no pandas) vs as_frame=True (pandas), fresh Pyodide",
           *output_lines(results), "",
           "### First call with scikit-learn installed but not imported",
           *sklearn_lines(results), "",
           ("All checks passed (every run: the state before the clock, the modules imported by the load, "
            "result types and shapes, engine \"js\", not from the cache)." if not problems
            else "**Checks FAILED:** " + "; ".join(problems[:30]))]
    if errors:
        out += ["", "**Not measured:** " + "; ".join(errors)]
    out += ["", END, ""]
    return "\n".join(out)


def print_summary(results: dict) -> None:
    for runtime, rt in results["summary"].items():
        for label, st in rt["output"].items():
            if "ratio_median" in st:
                print(f"  {runtime} {label}: as_frame=False {st['numpy']['first_data']['median']:.3f} s, "
                      f"True {st['pandas']['first_data']['median']:.3f} s (medians) = {st['ratio_median']:.2f}x")
        st = rt["sklearn"]
        for variant in ("sklearn_installed", "old_bunch"):
            if f"ratio_{variant}_first_data_median" in st:
                print(f"  {runtime} titanic {variant} / no_sklearn: "
                      f"{st[variant]['first_data']['median']:.3f} / {st['no_sklearn']['first_data']['median']:.3f} s"
                      f" = {st[f'ratio_{variant}_first_data_median']:.2f}x")


def report(results: dict) -> None:
    _report.write_section(section(results), BEGIN, END, "first_data.json")


# == main =========================================================================================

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="mnist 10,000 rows; at most 2 fresh runs per path, 1 in Chromium; budget 120 s")
    parser.add_argument("--mnist-rows", type=int, help="default 70,000 (10,000 with --quick)")
    parser.add_argument("--adult-rows", type=int, default=48_842, help="(the shared mirror's adult; not timed)")
    parser.add_argument("--repeat", type=int,
                        help="at most N fresh runs per path, iris and Titanic, Node (default 5, --quick 2)")
    parser.add_argument("--repeat-mnist", type=int, help="at most N fresh runs per path, mnist, Node (default 3, "
                                                         "--quick 1)")
    parser.add_argument("--repeat-chromium", type=int, help="at most N fresh runs per path in Chromium (default 3, "
                                                            "--quick 1)")
    parser.add_argument("--min-repeat", type=int, help="at least N fresh runs per path (default 2, --quick 1)")
    parser.add_argument("--budget", type=float,
                        help="seconds the timed phases may take together before they stop adding rounds "
                             "(default 270, --quick 120); each phase has a share, and --min-repeat rounds whatever")
    parser.add_argument("--chromium-mnist", action="store_true", help="also mnist in Chromium")
    parser.add_argument("--skip", choices=RUNTIMES, action="append", default=[])
    parser.add_argument("--pyodide-dir", type=Path, default=ROOT / "web" / "pyodide")
    parser.add_argument("--wheel", type=Path, help="build_wheels.sh's wheel (default web/wheels/openml_lite-*.whl)")
    parser.add_argument("--fresh-mirror", action="store_true", help="rebuild the mirror even if it matches")
    parser.add_argument("--from-json", action="store_true", help="measure nothing: report benchmarks/first_data.json")
    return parser.parse_args()


def main():
    args = parse_args()
    if args.from_json:
        results = json.loads((HERE / "first_data.json").read_text())
        results["summary"] = summarise(results)  # derived: recomputed, written back
        (HERE / "first_data.json").write_text(json.dumps(results, indent=1) + "\n")
        return report(results)
    started = time.perf_counter()
    mnist_rows = args.mnist_rows or (10_000 if args.quick else 70_000)
    repeat = args.repeat or (2 if args.quick else 5)
    repeat_mnist = args.repeat_mnist or (1 if args.quick else 3)
    repeat_chromium = args.repeat_chromium or (1 if args.quick else 3)
    min_repeat = args.min_repeat or (1 if args.quick else 2)
    budget = args.budget if args.budget is not None else (120.0 if args.quick else 270.0)
    pyodide_dir = args.pyodide_dir.resolve()
    build_wheel = args.wheel or next(iter(sorted((ROOT / "web" / "wheels").glob("openml_lite-*.whl"))), None)
    if build_wheel is None:
        sys.exit("no openml_lite wheel in web/wheels: run bash build_wheels.sh first")
    WORK.mkdir(exist_ok=True)
    folder = WORK / "wheels" / "first_data"  # a copy: a rebuild while we run must not change it
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    wheel = folder / build_wheel.name
    _copy_settled(build_wheel.resolve(), wheel, pyodide_pyc_tag(pyodide_dir))
    results = {"command": " ".join([sys.executable, "benchmarks/first_data.py", *sys.argv[1:]]),
               "date": time.strftime("%Y-%m-%d %H:%M"),
               "machine": _report.machine(pyodide_dir, _chromium.chromium_version()),
               "wheel": {**describe_wheel(wheel), "file": str(build_wheel.resolve().relative_to(ROOT)),
                         **wheel_age(wheel)}}
    generated, reused = _mirror.prepare_mirror(WORK / "mirror", mnist_rows=mnist_rows, adult_rows=args.adult_rows,
                                               fresh=args.fresh_mirror)
    titanic = generated[0]
    iris = iris_record(WORK / "mirror")
    mnist = next(d for d in generated if d["label"] == "mnist")
    results["config"] = {"repeat": repeat, "repeat_mnist": repeat_mnist, "repeat_chromium": repeat_chromium,
                         "min_repeat": min_repeat, "budget": budget, "chromium_mnist": args.chromium_mnist,
                         "mnist_rows": mnist_rows, "mirror_reused": reused, "datasets": [iris, mnist, titanic]}
    results["runtimes"] = {}
    server = _mirror.start_server(WORK / "mirror", WORK / "gzip-memo")
    try:
        fresh = Fresh(pyodide_dir, wheel, server.url)
        for runtime in RUNTIMES:
            if runtime in args.skip:
                continue
            why_not = _chromium.missing() if runtime == "chromium" else None
            if why_not:
                results["runtimes"][runtime] = {"error": f"not run: {why_not}"}
                continue
            n = repeat if runtime == "node" else repeat_chromium
            datasets = [iris] + ([mnist] if runtime == "node" or args.chromium_mnist else [])
            limits = {label: {"max": max_n, "min": min(min_repeat, max_n),
                              "budget": budget * (PHASE_SHARE[runtime, label] or PHASE_SHARE[runtime, "iris"])}
                      for label, max_n in (("iris", n), ("titanic", n),
                                           ("mnist", repeat_mnist if runtime == "node" else repeat_chromium))}
            print(f"{runtime}: as_frame=False vs True from a fresh Pyodide...", flush=True)
            res = results["runtimes"][runtime] = {"output": output_runs(fresh, runtime, datasets, limits)}
            print(f"{runtime}: first Titanic load, scikit-learn installed (then the old Bunch's import) vs not...",
                  flush=True)
            res["sklearn"] = sklearn_runs(fresh, runtime, titanic, limits["titanic"])
    finally:
        server.stop()
    results["total_seconds"] = time.perf_counter() - started
    results["machine"]["load_average_at_end"] = _report.load_average()
    results["summary"] = summarise(results)
    (HERE / "first_data.json").write_text(json.dumps(results, indent=1) + "\n")
    print_summary(results)
    report(results)


def wheel_age(wheel: Path) -> dict:
    """When the wheel was built (the copy keeps its mtime) and which files of src/ are newer:
    Pyodide runs the wheel, not src/ (bash build_wheels.sh rebuilds it)."""
    built = wheel.stat().st_mtime
    return {"built": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(built)),
            "src_newer": sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.py")
                                if p.stat().st_mtime > built)}


def _age_text(w: dict) -> str:
    if "built" not in w:
        return ""
    if "src_newer" not in w:
        return f", built {w['built']}"
    newer = w["src_newer"]
    return f", built {w['built']}" + (f"; src/ files changed since: {', '.join(newer)}" if newer else
                                      "; no file of src/ newer")


def iris_record(folder: Path) -> dict:
    """iris (recorded fixture) in the shape of the other datasets' records."""
    from openml_lite.mirror import parquet_path_for

    rel = parquet_path_for(IRIS_ID)
    features = json.loads((folder / f"api/v1/json/data/features/{IRIS_ID}.json").read_text())
    rows = int(float(next(q["value"] for q in json.loads(
        (folder / f"api/v1/json/data/qualities/{IRIS_ID}.json").read_text())["data_qualities"]["quality"]
        if q["name"] == "NumberOfInstances")))
    return {"label": "iris", "id": IRIS_ID, "parquet_path": rel, "rows": rows,
            "columns": len(features["data_features"]["feature"]), "parquet_bytes": (folder / rel).stat().st_size}


if __name__ == "__main__":
    main()
