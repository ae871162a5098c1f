"""Bar chart of pyodide_vs_sklearn.py's rows: ``python _plot.py ROWS.json OUT.png``.

A separate script so it can run in a venv that has matplotlib when the benchmark's
Python does not. Log scale: the paths differ by up to three orders of magnitude.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

rows = json.load(open(sys.argv[1]))
groups = sorted({(r["dataset"], r["runtime"]) for r in rows})
fig, axes = plt.subplots(1, len(groups), figsize=(4.2 * len(groups), 5), squeeze=False)
for ax, (dataset, runtime) in zip(axes[0], groups):
    sel = [r for r in rows if r["dataset"] == dataset and r["runtime"] == runtime]
    colors = ["tab:red" if r["path"].startswith("sklearn") else
              "tab:gray" if r["path"].startswith("floor") else "tab:blue" for r in sel]
    ax.bar(range(len(sel)), [r["seconds"] for r in sel], color=colors)
    ax.set_xticks(range(len(sel)), [r["path"].replace("openml_lite_", "lite_") for r in sel],
                  rotation=60, ha="right", fontsize=7)
    ax.set_yscale("log")
    ax.set_title(f"{dataset} / {runtime}")
    ax.set_ylabel("seconds (min of repeats, log)")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
