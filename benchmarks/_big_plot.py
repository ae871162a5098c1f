"""Chart of big_datasets.py's results: ``python _big_plot.py big_datasets.json OUT.png``
(matplotlib only: it may run in a venv of its own). One panel per runtime: for each
dataset, openml-lite's peak memory, its Bunch, the plan's estimate and sklearn's peak
(where its path ran), in MB on a log scale; a last panel of cold load / floor."""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BARS = (("peak", "openml-lite peak", "tab:blue"), ("bunch", "its Bunch", "tab:cyan"),
        ("estimate", "the plan's estimate", "tab:green"), ("sklearn_peak", "sklearn's peak", "tab:red"))


def label(row: dict) -> str:
    arguments = ",".join(f"{k}={v}" for k, v in row["arguments"].items())
    return row["dataset"] + (f"\n{arguments}" if arguments else "")


def memory_panel(ax, table, runtime):
    loads = [r for r in table if r["runtime"] == runtime and r["peak"]]
    width = 0.2
    for i, (key, name, color) in enumerate(BARS):
        ax.bar([j + (i - 1.5) * width for j in range(len(loads))],
               [(r[key] or 0) / 1e6 for r in loads], width, label=name, color=color)
    ax.set_xticks(range(len(loads)), [label(r) for r in loads], fontsize=6)
    ax.set_yscale("log")
    ax.set_ylabel("MB", fontsize=7)
    ax.set_title(f"{runtime}: memory of one cold load", fontsize=9)
    ax.tick_params(axis="y", labelsize=7)
    if runtime != "cpython":
        ax.axhline(4096 * 1.048576, color="gray", linestyle=":", linewidth=1)
        ax.text(len(loads) - 0.5, 4300, "4 GiB of wasm memory", fontsize=6, ha="right", color="gray")


def time_panel(ax, table):
    loads = [r for r in table if r["seconds"] and r["floor"]]
    ax.barh(range(len(loads)), [r["seconds"] / r["floor"] for r in loads], color="tab:blue")
    ax.set_yticks(range(len(loads)), [f"{r['runtime']} {label(r)}".replace("\n", " ") for r in loads], fontsize=6)
    ax.axvline(1.0, color="gray", linewidth=1)
    ax.axvline(1.3, color="gray", linestyle=":", linewidth=1)
    ax.set_title("cold load / floor (fetch + pyarrow read_table + to_pandas)", fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    for i, r in enumerate(loads):
        ax.text(r["seconds"] / r["floor"], i, f" {r['seconds'] / r['floor']:.2f}x ({r['seconds']:.1f} s)",
                va="center", fontsize=6)


def main(results_path, out):
    results = json.load(open(results_path))
    table = results["table"]
    runtimes = [rt for rt in ("node", "chromium", "cpython") if any(r["runtime"] == rt for r in table)]
    fig, axes = plt.subplots(len(runtimes) + 1, 1, figsize=(11, 3.4 * (len(runtimes) + 1)))
    for ax, runtime in zip(axes, runtimes):
        memory_panel(ax, table, runtime)
    axes[0].legend(fontsize=7, loc="upper left")
    time_panel(axes[-1], table)
    fig.suptitle("openml-lite: big datasets (benchmarks/big_datasets.py)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
