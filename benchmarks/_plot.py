"""Chart of pyodide_vs_sklearn.py's results: ``python _plot.py results.json OUT.png``.

A separate script so it can run in a venv that has matplotlib when the benchmark's
Python does not. One panel per (runtime, dataset): horizontal bars of seconds, log scale
(the paths differ by up to three orders of magnitude); a last row with time to first data
and peak memory.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

from _report import FRESH_RUNTIMES, first_data_runs  # noqa: E402  (stdlib only: fine in the plot venv)

COLORS = {"sklearn": "tab:red", "floor": "tab:gray", "lite": "tab:blue"}


def color(path: str) -> str:
    return COLORS[path.split("_")[0]]


def short(path: str) -> str:
    return path.replace("sklearn_", "sk ").replace("lite_", "lite ").replace("_", " ")


def seconds_panel(ax, rows, title):
    rows = rows[::-1]  # first path on top
    ax.barh(range(len(rows)), [r["seconds"] for r in rows], color=[color(r["path"]) for r in rows])
    ax.set_yticks(range(len(rows)), [short(r["path"]) for r in rows], fontsize=7)
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())  # minor labels of a log axis overlap
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    for i, r in enumerate(rows):
        ax.text(r["seconds"], i, f" {r['seconds']:.3g}", va="center", fontsize=6)


def first_data_panel(ax, runs):
    labels, values = [], []
    for where in FRESH_RUNTIMES:
        for engine in ("auto", "pyarrow"):
            ok = first_data_runs(runs, where, engine)
            if ok:
                best = min(ok, key=lambda r: r["first_data"])
                labels += [f"{where}: {engine} ({best['report']['engine']})", f"{where}: {engine} + import pandas"]
                values += [best["first_data"], best["first_data"] + best["import_pandas"]]
    ax.barh(range(len(values)), values, color="tab:blue")
    ax.set_yticks(range(len(values)), labels, fontsize=7)
    ax.axvline(0.3, color="black", linestyle="--", linewidth=0.8)
    ax.set_title("Titanic, fresh Pyodide: time to first data (s, min of runs; target 0.3)", fontsize=9)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.2f}", va="center", fontsize=6)


def memory_panel(ax, memory):
    names = [w for w, m in memory.items() if "heap_growth" in m]
    growth = [memory[w]["heap_growth"] / 1e6 for w in names]
    frame = [memory[w]["frame_bytes"] / 1e6 for w in names]
    ys = range(len(names))
    ax.barh([y + 0.2 for y in ys], growth, height=0.4, color="tab:purple", label="wasm heap growth")
    ax.barh([y - 0.2 for y in ys], frame, height=0.4, color="tab:olive", label="returned frame")
    ax.set_yticks(list(ys), [{"sklearn": "sklearn", "js": "lite js", "pyarrow": "lite pyarrow"}[w] for w in names],
                  fontsize=7)
    if frame:
        ax.axvline(2 * frame[0], color="black", linestyle="--", linewidth=0.8, label="2x the frame (target)")
    ax.set_title("mnist cold load, fresh Pyodide: MB", fontsize=9)
    ax.legend(fontsize=6)


def main():
    results = json.load(open(sys.argv[1]))
    rows = results["rows"]
    groups = list(dict.fromkeys(r["runtime"] for r in rows))
    datasets = list(dict.fromkeys(r["dataset"] for r in rows)) or [None]
    extra = bool(results.get("first_data") or results.get("memory"))
    fig, axes = plt.subplots(len(groups) + extra, max(2, len(datasets)),
                             figsize=(5.2 * len(datasets), 3.4 * (len(groups) + extra)), squeeze=False)
    for gi, group in enumerate(groups):
        for di, dataset in enumerate(datasets):
            sel = [r for r in rows if r["runtime"] == group and r["dataset"] == dataset]
            if sel:
                seconds_panel(axes[gi][di], sel, f"{dataset} / {group} (s, min of runs, log)")
            else:
                axes[gi][di].axis("off")
    if extra:
        last = axes[len(groups)]
        for ax in last:
            ax.axis("off")
        if results.get("first_data"):
            last[0].axis("on")
            first_data_panel(last[0], results["first_data"])
        if results.get("memory") and len(last) > 1:
            last[1].axis("on")
            memory_panel(last[1], results["memory"])
    machine = results.get("machine", {})
    fig.suptitle(f"openml-lite vs sklearn fetch_openml; {machine.get('cpu')}, {machine.get('cores')} cores; "
                 f"Pyodide {machine.get('pyodide')}; red sklearn, blue openml-lite, gray floor", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.98))  # room for the suptitle
    fig.savefig(sys.argv[2], dpi=100)


main()
