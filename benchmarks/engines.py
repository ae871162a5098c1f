"""Which parquet engine should "auto" try first on CPython? Times each engine's read +
openml-lite's conversion to sklearn's frame, on OpenML-style files of adult size
(48,842 x 15, mixed nominal/numeric) and mnist_784 size (70,000 x 785 uint8).

Not a test: prints a table of seconds (min of --repeat runs) and ratios to the fastest,
all measured in this one run. ``python benchmarks/engines.py [--repeat 5] [--json F]``
"""

from __future__ import annotations

import argparse
import io
import json
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from openml_lite import convert, engines, outputs
from openml_lite.openml import Description, Feature
from openml_lite.selection import Selection


def _nominal(rng, n, levels):
    codes = rng.integers(0, len(levels), n).astype(np.int8)
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(levels), ordered=True)


def adult_like(rng, n=48_842):
    columns, kinds = {}, {}
    for i in range(6):
        columns[f"num{i}"] = pa.array(rng.integers(0, 100_000 if i % 2 else 90, n).astype(np.uint32 if i % 2 else np.uint8))
        kinds[f"num{i}"] = ("numeric", None)
    for i in range(8):
        levels = [f"level-{j}" for j in range(5 + 5 * i)]
        columns[f"nom{i}"] = _nominal(rng, n, levels)
        kinds[f"nom{i}"] = ("nominal", levels)
    columns["class"] = _nominal(rng, n, ["<=50K", ">50K"])
    kinds["class"] = ("nominal", ["<=50K", ">50K"])
    return pa.table(columns), kinds


def mnist_like(rng, n=70_000):
    columns = {f"pixel{i}": pa.array(rng.integers(0, 256, n).astype(np.uint8)) for i in range(1, 785)}
    columns["class"] = _nominal(rng, n, [str(d) for d in range(10)])
    kinds = {name: ("numeric", None) for name in columns}
    kinds["class"] = ("nominal", [str(d) for d in range(10)])
    return pa.table(columns), kinds


def features_for(kinds):
    return [
        Feature(index=i, name=name, data_type=kind, is_target=name == "class", is_ignore=False,
                is_row_identifier=False, n_missing=0, nominal_values=tuple(levels) if levels else None, raw={})
        for i, (name, (kind, levels)) in enumerate(kinds.items())
    ]


def time_engine(engine, data, features, repeat):
    description = Description(raw={"id": "0", "name": "bench"}, id=0, name="bench")
    selection = Selection([f.name for f in features if f.name != "class"], ["class"])
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        table = engine.read(data)
        outputs.build(convert.convert(table, description, features, selection), "pandas")
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    results = {}
    for label, (table, kinds) in {"adult": adult_like(rng), "mnist": mnist_like(rng)}.items():
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="snappy", row_group_size=len(table))
        data = buffer.getvalue()
        features = features_for(kinds)
        times = {name: time_engine(engines.load_engine(name), data, features, args.repeat)
                 for name in engines.available_engines()}
        fastest = min(times.values())
        print(f"{label} ({len(data) / 1e6:.1f} MB parquet)")
        for name, seconds in sorted(times.items(), key=lambda kv: kv[1]):
            print(f"  {name:12s} {seconds:8.3f} s  x{seconds / fastest:5.2f}")
        results[label] = times
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
