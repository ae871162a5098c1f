"""Big datasets in a browser tab and on CPython (issue 20): at the sizes users meet,
generated as OpenML writes them (``mirror.synthetic``): adult (48,842 x 15), mnist
(70,000 x 785), freMTPL2freq (678,013 x 12), creditcard (284,807 x 31), covertype
(581,012 x 55), CIFAR-10 (60,000 x 3,073) and SVHN (99,289 x 3,073). Not a test: it
reports what one run measured, ratios of figures taken side by side.

For each, in Pyodide (Node; headless Chromium), each figure in a fresh interpreter:
- openml-lite (engine "auto"): the plan (``memory_plan_async``: estimate and verdict, no
  data), then a cold load: seconds, peak wasm memory (the most malloc held, less what it
  held before: an upper bound; heap growth beside it: a lower one) against the returned
  Bunch (each buffer and object once) and against the estimate. SVHN with sklearn's dtypes:
  the DatasetTooLargeError and the requests the mirror saw before it; then the
  dtypes='openml' its message names. CIFAR-10 also with dtypes='openml'.
- the floor: fetch the parquet bytes + pyarrow read_table + to_pandas.
- sklearn's fetch_openml over pyodide-http, parser="pandas", cache=False (Node; datasets
  with an ARFF: the pixel shapes have none, see the report).
- freMTPL2freq: the first 1,000 rows (``nrows=1000``): seconds and the bytes of the data
  file the mirror served, against the whole file.
On CPython (a process per figure): the same memory figures (peak resident memory), and
cold load against the floor, median of --repeat alternating runs of each (adult and mnist;
3 of the others).

    .venv/bin/python benchmarks/big_datasets.py            # all (about 20 minutes)
    .venv/bin/python benchmarks/big_datasets.py --quick    # a tenth of the rows
    .venv/bin/python benchmarks/big_datasets.py --from-json  # report again, no timing

Writes benchmarks/big_datasets.json, benchmarks/big_datasets.png and its section of
benchmarks/RESULTS.md. Needs the offline Pyodide and the wheel (bash build_wheels.sh).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import _chromium
import _mirror
import _report
from pyodide_vs_sklearn import NODE_JSPI_FLAG, plot, pyodide_http_wheel, run_worker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
FOLDER = WORK / "mirror-big"
BEGIN, END = _report.BIG_BEGIN, _report.BIG_END
SIDE_FILES = ("_big_side.py", "_pyodide_side.py", "_shared.py")
LABELS = ("adult", "mnist", "freMTPL2freq", "creditcard", "covertype", "cifar10", "svhn")
NO_ARFF = ("cifar10", "svhn")  # (mirror.synthetic writes none: 0.4 and 0.7 GB of text)
EXTRA = {"cifar10": [{"dtypes": "openml"}]}  # loads beside the default one
FIRST_ROWS = {"freMTPL2freq": 1000}
TIMED_ON_CPYTHON = ("adult", "mnist")  # the 1.3x of the floor
PEAK_OVER_BUNCH = 1.2  # item 2's target
ESTIMATE_WITHIN = 0.25  # item 1's target: the estimate against the measured peak


# == the mirror ====================================================================================

def prepare(rows_scale: float, fresh: bool) -> list[dict]:
    """Recorded datasets (Titanic warms each interpreter) + the generated shapes, kept
    between runs unless their code or sizes changed."""
    from openml_lite.mirror import build_mirror
    from openml_lite.mirror.synthetic import BIG, add_big, add_synthetic

    rows = {label: max(int(BIG[label][0]["rows"] * rows_scale), 100) for label in BIG}
    mnist, adult = int(70_000 * rows_scale), int(48_842 * rows_scale)
    stamp = FOLDER / "benchmark-stamp.json"
    want = {**_mirror._source_fingerprint(mnist, adult), "big": rows}
    if fresh or not stamp.is_file() or json.loads(stamp.read_text()).get("source") != want:
        shutil.rmtree(FOLDER, ignore_errors=True)
        build_mirror(FOLDER)
        generated = add_synthetic(FOLDER, mnist_rows=mnist, adult_rows=adult)
        generated += add_big(FOLDER, list(BIG), rows=rows)
        stamp.write_text(json.dumps({"source": want, "generated": generated}, indent=1))
    return json.loads(stamp.read_text())["generated"]


# == the runs ======================================================================================

class Runner:
    """One task of _big_side.py in a fresh Pyodide (Node or Chromium), or of
    _big_cpython.py in a fresh CPython process."""

    def __init__(self, pyodide_dir: Path, wheel: Path, mirror_url: str, titanic: dict):
        self.dir, self.wheel, self.url, self.titanic = pyodide_dir, wheel, mirror_url, titanic

    def pyodide(self, runtime: str, task: str, ds: dict, **cfg) -> dict:
        packages = ["numpy", "pandas"] + (["scikit-learn"] if task == "sklearn" else [])
        wheels = [self.wheel] + ([pyodide_http_wheel()] if task == "sklearn" else [])
        cfg = {**cfg, "task": task, "dataset": ds, "titanic": self.titanic, "mirror_url": self.url,
               "packages": packages, "side": "_big_side"}
        label = f"{runtime} {task} {ds['label']} {cfg.get('arguments') or ''}"
        try:
            if runtime == "node":
                out = run_worker(["node", NODE_JSPI_FLAG, str(HERE / "run_pyodide.mjs")], {
                    **cfg, "indexURL": f"{self.dir}/", "wheels": [w.name for w in wheels],
                    "files": {**{n: str(HERE / n) for n in SIDE_FILES}, **{w.name: str(w) for w in wheels}}}, label)
            else:
                start = time.perf_counter()
                out = _chromium.run(cfg, self.dir, wheels, 900, side_files=SIDE_FILES)
                print(f"  {label}: {time.perf_counter() - start:.0f} s wall", flush=True)
        except Exception as error:  # a browser that dies (a tab out of memory) is a result too
            out = {"error": f"{type(error).__name__}: {error}"[:2000]}
        return {**out, "runtime": runtime, "task": task, "label": ds["label"]}

    def cpython(self, task: str, ds: dict, **cfg) -> dict:
        cfg = {**cfg, "task": task, "dataset": ds, "mirror_url": self.url}
        out = run_worker([sys.executable, str(HERE / "_big_cpython.py")], cfg,
                         f"cpython {task} {ds['label']} {cfg.get('path', '')} {cfg.get('arguments') or ''}")
        return {"arguments": cfg.get("arguments") or {}, **out, "runtime": "cpython", "task": task,
                "label": ds["label"]}


def pyodide_runs(runner: Runner, runtime: str, datasets: list[dict]) -> list[dict]:
    runs = []
    for ds in datasets:
        for arguments in [{}] + EXTRA.get(ds["label"], []):
            runs.append(runner.pyodide(runtime, "lite", ds, arguments=arguments,
                                       first_rows=FIRST_ROWS.get(ds["label"]) if not arguments else None))
        runs.append(runner.pyodide(runtime, "floor", ds))
        if runtime == "node" and ds["label"] not in NO_ARFF:
            runs.append(runner.pyodide(runtime, "sklearn", ds))
    return runs


def cpython_runs(runner: Runner, datasets: list[dict], repeat: int) -> list[dict]:
    runs = []
    for ds in datasets:
        for arguments in [{}] + EXTRA.get(ds["label"], []):
            runs.append(runner.cpython("memory", ds, path="lite", arguments=arguments))
        if ds["label"] not in NO_ARFF:
            runs.append(runner.cpython("memory", ds, path="sklearn"))
        runs.append(runner.cpython("timing", ds, repeat=repeat if ds["label"] in TIMED_ON_CPYTHON else 3))
    return runs


# == the report ====================================================================================

def _mb(n) -> str:
    return "–" if n is None else f"{n / 1e6:,.0f} MB"


def _x(a, b) -> str:
    return "–" if a is None or not b else f"{a / b:.2f}x"


def _estimate_figure(estimate: dict | None):
    """The estimate's figure: its high end (the plan's "surely"; one figure with the footer)."""
    return None if estimate is None else estimate["high"]


def rows(results: dict) -> list[dict]:
    """One row per (runtime, dataset, arguments) of openml-lite's loads, with what the
    same runtime measured of the floor and sklearn beside it."""
    out = []
    runs = results["runs"]
    for run in runs:
        if run["task"] == "lite" or (run["task"] == "memory" and run.get("path") == "lite"):
            same = [r for r in runs if r["runtime"] == run["runtime"] and r["label"] == run["label"]]
            timing = next((r for r in same if r["task"] == "timing" and "medians" in r), None)
            floor = ({"seconds": timing["medians"]["floor"]} if timing and not run.get("arguments")
                     else next((r for r in same if r["task"] == "floor"), {}))
            sklearn = next((r for r in same if r["task"] == "sklearn" or r.get("path") == "sklearn"), None)
            load = run.get("load") or (run if "peak" in run else {})
            estimate = (run.get("report") or {}).get("memory") or run.get("estimate")  # the load's
            exact = (run.get("exact") or {}).get("estimate")  # with the footer
            sk_load = (sklearn or {}).get("load") or (sklearn if sklearn and "peak" in sklearn else None)
            out.append({
                "runtime": run["runtime"], "dataset": run["label"],
                "arguments": {**(run.get("arguments") or {}), **(run.get("way_out") or {})},
                "asked": run.get("arguments") or {},  # (what the plan was made for)
                "too_big": run.get("too_big"), "error": run.get("error") or run.get("failed"),
                # (CPython: the medians of the timing runs, where the load's arguments are theirs)
                "seconds": timing["medians"]["lite"] if timing and not run.get("arguments") else load.get("seconds"),
                "floor": floor.get("seconds"),
                "peak": load.get("peak"), "growth": load.get("heap_growth"), "bunch": load.get("bunch_bytes"),
                "estimate": _estimate_figure(exact), "plan_low": (estimate or {}).get("low"),
                "plan_high": (estimate or {}).get("high"),
                "plan": run.get("plan"),
                "sklearn_peak": (sk_load or {}).get("peak"), "sklearn_bunch": (sk_load or {}).get("bunch_bytes"),
                "sklearn_seconds": (sk_load or {}).get("seconds"),
                "sklearn_failed": (sklearn or {}).get("failed") or (sklearn or {}).get("error"),
                "first_rows": run.get("first_rows"),
            })
    return out


def _plan_range(row: dict) -> str:
    """The load's own plan (metadata; the footer only where it decided), and whether it
    held the measured peak."""
    low, high = row["plan_low"], row["plan_high"]
    if low is None:
        return "–"
    said = _mb(high) if low == high else f"{_mb(low)} to {_mb(high)}"
    return said + ("" if low <= row["peak"] <= high or low == high else " (peak outside)")


def first_rows_line(row: dict, datasets: dict) -> str | None:
    first = row["first_rows"]
    if not first:
        return None
    ds = datasets[row["dataset"]]
    served, requests = _mirror.bytes_served(first["requests"], "/" + ds["parquet_path"], ds["parquet_bytes"])
    return (f"{row['runtime']}, {row['dataset']}: the first {first['shape'][0]:,} rows (nrows=) in "
            f"{first['seconds']:.3f} s, {served:,} bytes of the {ds['parquet_bytes']:,}-byte file "
            f"({100 * served / ds['parquet_bytes']:.1f} %) in {requests} range requests; the whole load: "
            f"{row['seconds']:.2f} s")


def section(results: dict) -> str:
    datasets = {d["label"]: d for d in results["datasets"]}
    table = rows(results)
    m = results["machine"]
    out = [BEGIN, "", "## Big datasets (issue 20; `benchmarks/big_datasets.py`)", "",
           f"Generated by `benchmarks/big_datasets.py` (do not edit by hand); command: `{results['command']}`, "
           f"{results['total_seconds']:.0f} s wall, {results['date']}. {m['cpu']}, {m['cores']} cores, "
           f"{m['ram_gb']} GB RAM; Pyodide {m['pyodide']}, Node {m['node']}, {m['chromium']}; load average "
           f"{m['load_average_at_start']} at start, {m.get('load_average_at_end')} at end.", "",
           "Datasets, generated as OpenML writes them (`openml_lite.mirror.synthetic`): " + "; ".join(
               f"{d['label']} {d['rows']:,} x {d['columns']:,} (parquet {d['parquet_bytes'] / 1e6:,.1f} MB"
               + (f", ARFF {d['arff_bytes'] / 1e6:,.0f} MB)" if d.get("arff_bytes") else ", no ARFF)")
               for d in results["datasets"] if d["label"] in LABELS) + ".", "",
           "Each figure from a fresh interpreter (Pyodide) or process (CPython), one cold load (`cache=False`). "
           "peak: Pyodide, the most malloc held during the load less what it held before (an upper bound of "
           "the load's peak wasm memory); CPython, the process's peak resident memory less its resident memory "
           "before. Bunch: the bytes its frame, data and target hold, each buffer and object once. plan "
           "(metadata): what the load's own plan said before it (`last_load_report().memory`; a range where "
           "only the file's footer could say more and the decision did not need it). estimate: "
           "`memory_plan(..., exact=True)`, the footer read: one figure. floor: fetch the parquet "
           "bytes + pyarrow `read_table` + `to_pandas`, in a fresh interpreter too.", "",
           "| runtime | dataset | arguments | seconds | /floor | peak | Bunch | peak/Bunch | plan (metadata) | "
           "estimate | estimate/peak | sklearn peak | sklearn Bunch | sklearn seconds |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in table:
        arguments = ", ".join(f"{k}={v!r}" for k, v in r["arguments"].items()) or "defaults"
        if r["too_big"]:
            arguments = f"defaults: **DatasetTooLargeError**; then {arguments}"
        if r["error"]:
            out.append(f"| {r['runtime']} | {r['dataset']} | {arguments} | failed: {r['error'][:200]} |"
                       + " |" * 10)
            continue
        sklearn_cells = (f"{_mb(r['sklearn_peak'])} | {_mb(r['sklearn_bunch'])} | "
                         f"{r['sklearn_seconds']:.2f}" if r["sklearn_peak"] is not None else
                         f"{'failed: ' + r['sklearn_failed'][:120] if r['sklearn_failed'] else 'not run'} | | ")
        out.append(f"| {r['runtime']} | {r['dataset']} | {arguments} | {r['seconds']:.2f} | "
                   f"{_x(r['seconds'], r['floor'])} | {_mb(r['peak'])} | {_mb(r['bunch'])} | "
                   f"{_x(r['peak'], r['bunch'])} | {_plan_range(r)} | {_mb(r['estimate'])} | "
                   f"{_x(r['estimate'], r['peak'])} | "
                   f"{sklearn_cells} |")
    out += ["", "### Targets", "", "| target | measured | |", "|---|---|---|"]
    out += [f"| {t['target']} | {t['measured']} | {'met' if t['met'] else '**NOT met**'} |"
            for t in targets(results, table)]
    lines = [line for r in table if (line := first_rows_line(r, datasets))]
    lines += too_big_lines(table, datasets)
    lines += plan_lines(table)
    lines += [f"cpython {t['dataset']}: cold load vs floor, median of {len(t['runs']['lite'])} alternating runs "
              f"each: {t['medians']['lite']:.3f} s vs {t['medians']['floor']:.3f} s = {t['ratio']:.2f}x; "
              f"with dtypes='openml' (the floor's dtypes, frame and data): {t['medians']['lite_openml']:.3f} s "
              f"= {t['ratio_openml']:.2f}x"
              for t in results["runs"] if t["task"] == "timing" and "ratio_openml" in t]
    lines += results.get("notes", [])
    out += ["", "### What the runs say", "", "```", *lines, "```", "", "![big datasets](big_datasets.png)", "", END]
    return "\n".join(out) + "\n"


def too_big_lines(table: list[dict], datasets: dict) -> list[str]:
    out = []
    for r in table:
        if not r["too_big"]:
            continue
        ds = datasets[r["dataset"]]
        data_requests = [q["path"] for q in r["too_big"]["requests"] if not q["path"].startswith("/api/")]
        out.append(f"{r['runtime']}, {r['dataset']} with sklearn's dtypes: DatasetTooLargeError after "
                   f"{len(r['too_big']['requests'])} requests, {len(data_requests)} of them for the data file "
                   f"({ds['parquet_path'].split('/')[-1]}); its message: {r['too_big']['message']}")
    return out


def plan_lines(table: list[dict]) -> list[str]:
    """What the plan decided before each Pyodide load, and why (CIFAR-10 especially)."""
    out = []
    for r in table:
        plan = r["plan"]
        if r["runtime"] == "cpython" or not plan:
            continue
        e = plan["estimate"]
        out.append(f"{r['runtime']}, {r['dataset']} {r['asked'] or ''}: plan {plan['verdict']!r}, "
                   f"{e['text']} (Bunch {_mb(e['result'][1])}) in {plan['room']['where']}")
    return out


def targets(results: dict, table: list[dict]) -> list[dict]:
    out = []
    loads = [r for r in table if r["peak"] is not None]
    for r in loads:
        if r["runtime"] != "cpython":
            ratio = r["peak"] / r["bunch"]
            out.append({"target": f"{r['runtime']} {r['dataset']} {r['arguments'] or ''}: peak <= "
                                  f"{PEAK_OVER_BUNCH}x the Bunch", "measured": f"{ratio:.2f}x",
                        "met": ratio <= PEAK_OVER_BUNCH})
        if r["sklearn_bunch"]:
            out.append({"target": f"{r['runtime']} {r['dataset']}: Bunch no bigger than sklearn's",
                        "measured": f"{_mb(r['bunch'])} vs {_mb(r['sklearn_bunch'])}",
                        "met": r["bunch"] <= r["sklearn_bunch"] * 1.01})
        if r["estimate"] is not None and r["runtime"] != "cpython":  # (the plan guards Pyodide's
            # 4 GB; CPython's peak resident memory holds pyarrow's and the allocators' slack too:
            # in the table, not a target)
            off = r["estimate"] / r["peak"] - 1
            out.append({"target": f"{r['runtime']} {r['dataset']} {r['arguments'] or ''}: estimate within "
                                  f"{ESTIMATE_WITHIN:.0%} of the peak", "measured": f"{off:+.0%}",
                        "met": abs(off) <= ESTIMATE_WITHIN})
    for t in results["runs"]:
        if t["task"] == "timing" and "ratio" in t and t["dataset"] in TIMED_ON_CPYTHON:
            out.append({"target": f"cpython {t['dataset']}: cold load <= 1.3x the floor (medians)",
                        "measured": f"{t['ratio']:.2f}x", "met": t["ratio"] <= 1.3})
            if "ratio_openml" in t:
                out.append({"target": f"cpython {t['dataset']}: cold load, dtypes='openml', <= 1.3x the floor",
                            "measured": f"{t['ratio_openml']:.2f}x", "met": t["ratio_openml"] <= 1.3})
    return out


# == main ==========================================================================================

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows")
    parser.add_argument("--from-json", action="store_true", help="report big_datasets.json again")
    parser.add_argument("--skip", nargs="*", default=[], choices=["node", "chromium", "cpython"])
    parser.add_argument("--only", nargs="*", default=None, choices=LABELS, help="these datasets only")
    parser.add_argument("--repeat", type=int, default=5, help="CPython timing: runs of each path")
    parser.add_argument("--fresh-mirror", action="store_true")
    parser.add_argument("--pyodide-dir", type=Path, default=ROOT / "web" / "pyodide")
    return parser.parse_args()


def main():
    args = parse_args()
    out_json = HERE / "big_datasets.json"
    if args.from_json:
        results = json.loads(out_json.read_text())
    else:
        started = time.perf_counter()
        pyodide_dir = args.pyodide_dir.resolve()
        built = next(iter(sorted(pyodide_dir.glob("openml_lite-*.whl"))), None)
        if built is None:
            sys.exit(f"no openml_lite wheel in {pyodide_dir}: run bash build_wheels.sh first")
        wheel = WORK / "wheels" / "big" / built.name  # a copy: a rebuild while we run must not change it
        wheel.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, wheel)
        print("the mirror (generated datasets, written once)...", flush=True)
        generated = prepare(0.1 if args.quick else 1.0, args.fresh_mirror)
        datasets = [d for d in generated if d["label"] in (args.only or LABELS)]
        results = {"command": " ".join([sys.executable, "benchmarks/big_datasets.py", *sys.argv[1:]]),
                   "date": time.strftime("%Y-%m-%d %H:%M"),
                   "machine": _report.machine(pyodide_dir, _chromium.chromium_version()),
                   "datasets": generated, "runs": [], "notes": []}
        server = _mirror.start_server(FOLDER, WORK / "gzip-memo")
        try:
            _mirror.warm_gzip(server.url, [d for d in datasets if d["label"] not in NO_ARFF])
            runner = Runner(pyodide_dir, wheel, server.url, _mirror.titanic_record(FOLDER))
            for runtime in ("node", "chromium"):
                why_not = _chromium.missing() if runtime == "chromium" else None
                if runtime in args.skip or why_not:
                    results["notes"].append(f"{runtime}: not run ({why_not or '--skip'})")
                    continue
                print(f"{runtime}...", flush=True)
                results["runs"] += pyodide_runs(runner, runtime, datasets)
            if "cpython" not in args.skip:
                print("cpython...", flush=True)
                results["runs"] += cpython_runs(runner, datasets, args.repeat)
        finally:
            server.stop()
        results["notes"].append("sklearn's path is not run on cifar10 and svhn: no ARFF is generated for them "
                                "(0.4 and 0.7 GB of text); their int64 frame and data copies alone are 2.95 "
                                "and 4.88 GB, more than Pyodide's 4 GB with the ARFF text beside them")
        results["total_seconds"] = time.perf_counter() - started
        results["machine"]["load_average_at_end"] = _report.load_average()
        out_json.write_text(json.dumps(results, indent=1) + "\n")
    results["table"] = rows(results)  # (what the chart draws: _big_plot.py reads only the JSON)
    out_json.write_text(json.dumps(results, indent=1) + "\n")
    _report.write_section(section(results), BEGIN, END, out_json.name)
    problem = plot(out_json, HERE / "big_datasets.png", "_big_plot.py")
    if problem:
        print(f"no chart: {problem}", file=sys.stderr)


if __name__ == "__main__":
    main()
