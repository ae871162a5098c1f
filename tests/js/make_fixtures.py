"""Parquet fixtures for tests/js/parquet-columns.test.mjs, plus pyarrow's view of them.

Every ``NAME.parquet`` gets a ``NAME.json`` beside it holding what pyarrow reads from
it and what readParquetColumns must therefore return (kind, TypedArray type, values,
nulls, dictionary values and codes). The JS tests compare the bundle against these.

    python tests/js/make_fixtures.py synthetic DIR   # the small files in tests/js/fixtures/
    python tests/js/make_fixtures.py real SRC DIR    # copy OpenML-recipe files in (see REAL)
    python tests/js/make_fixtures.py mirror DIR      # build the OpenML mirror, dump its files
    python tests/js/make_fixtures.py bench DIR       # adult-/mnist-/bool-size files, .raw dumps
    python tests/js/make_fixtures.py dump FILE.parquet [...]

Files are written the way OpenML writes them: one row group, SNAPPY, dictionary
encoding, nominal columns as ordered dictionary<int8 (int16 past 127 levels), string>
in their declared level order with unused levels kept, real nulls, {true, false}
nominals as BOOLEAN columns and all-missing columns as Arrow null-type columns. Other
files vary the layout (plain encoding, data page v2, DELTA / BYTE_STREAM_SPLIT / RLE
encodings, several pages and row groups, dictionary fallback to plain) and hold
unsupported types. Deterministic: fixed seeds, so rerunning gives the same values
(byte for byte with the same pyarrow).

Two fixtures are not synthetic: files written by OpenML's own recipe (see REAL), kept
as they are; ``synthetic`` rewrites their JSON when they are in DIR.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# The TypedArray readParquetColumns must return for a null-free column of this type.
ARRAY_TYPES = {
    pa.float64(): "Float64Array",
    pa.float32(): "Float32Array",
    pa.uint8(): "Uint8Array",
    pa.uint16(): "Uint16Array",
    pa.uint32(): "Uint32Array",
    pa.int8(): "Int8Array",
    pa.int16(): "Int16Array",
    pa.int32(): "Int32Array",
    pa.int64(): "BigInt64Array",
    pa.uint64(): "BigUint64Array",
}


# -- pyarrow's view as JSON --------------------------------------------------------

def _json_number(v, big: bool):
    if v is None:
        return None
    if big:  # int64 / uint64: exact, as a decimal string (JSON numbers are doubles)
        return str(int(v))
    v = float(v) if isinstance(v, float) else v
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, float) and v == 0 and math.copysign(1, v) < 0:
        return "-0"
    return v


def _is_string(t) -> bool:
    # unannotated BYTE_ARRAY (arrow binary) is read as UTF-8 text too
    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)
            or pa.types.is_large_binary(t))


def _text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else v


def _n_leaves(t) -> int:
    """Parquet leaf columns an arrow type is stored in."""
    if pa.types.is_struct(t):
        return sum(_n_leaves(t.field(k).type) for k in range(t.num_fields))
    if pa.types.is_map(t):
        return _n_leaves(t.key_type) + _n_leaves(t.item_type)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _n_leaves(t.value_type)
    return 1


def dump(path: Path, exact_dictionary: bool = True, declared: dict | None = None) -> dict:
    """pyarrow's view of one parquet file, as the JSON the JS tests compare against.

    exact_dictionary: every string column chunk is fully dictionary encoded in a single
    row group, so readParquetColumns' ``values`` must be exactly the dictionary page
    (as pyarrow's read_dictionary returns it) and ``codes`` its indices.
    declared: nominal column -> declared level order (independent of pyarrow's read).
    """
    pf = pq.ParquetFile(path)
    md = pf.metadata
    schema = pf.schema  # parquet schema
    arrow_schema = pf.schema_arrow
    string_cols = [f.name for f in arrow_schema
                   if _is_string(f.type) or (pa.types.is_dictionary(f.type)
                                             and _is_string(f.type.value_type))]
    # top-level field -> its parquet leaf columns (names may contain dots: no splitting)
    leaf_by_name, dict_chunk = {}, {}
    i = 0
    for field in arrow_schema:
        leaves = list(range(i, i + _n_leaves(field.type)))
        i = leaves[-1] + 1
        leaf_by_name[field.name] = schema.column(leaves[0])
        dict_chunk[field.name] = bool(md.num_row_groups) and all(
            md.row_group(g).column(j).has_dictionary_page
            for g in range(md.num_row_groups) for j in leaves)
    assert i == len(schema), (i, len(schema))
    # read_dictionary: pyarrow keeps the dictionary page (values, order, unused entries)
    read_dict = [c for c in string_cols if dict_chunk[c]]
    table = pq.read_table(path, read_dictionary=read_dict or None)
    columns = []
    for field in arrow_schema:
        name = field.name
        t = field.type
        leaf = leaf_by_name[name]
        arr = table.column(name).combine_chunks() if table.num_rows else table.column(name)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks() if arr.num_chunks else pa.array([], type=t)
        entry = {
            "name": name,
            "arrow_type": str(t),
            "physical_type": leaf.physical_type,
            "logical_type": str(leaf.logical_type) if str(leaf.logical_type) != "None" else None,
            "converted_type": leaf.converted_type if leaf.converted_type != "NONE" else None,
            "null_count": arr.null_count,
            "dictionary_page": dict_chunk[name],
        }
        if t in ARRAY_TYPES:
            big = t in (pa.int64(), pa.uint64())
            entry["kind"] = "numeric"
            entry["array_type"] = "Float64Array" if arr.null_count else ARRAY_TYPES[t]
            # with nulls the column becomes float64: int64 values as numbers then
            entry["values"] = [_json_number(v, big and not arr.null_count)
                               for v in arr.to_pylist()]
        elif pa.types.is_boolean(t):
            entry["kind"] = "boolean"  # codes: -1 null, 0 false, 1 true
            entry["values"] = arr.to_pylist()
        elif pa.types.is_null(t):
            entry["kind"] = "null"
        elif _is_string(t) or (pa.types.is_dictionary(t) and _is_string(t.value_type)):
            entry["kind"] = "dictionary"
            try:
                entry["values"] = [_text(v) for v in arr.to_pylist()]
            except UnicodeDecodeError:  # binary that is not UTF-8 text: must be refused
                entry["kind"] = "error"
                columns.append(entry)
                continue
            if exact_dictionary and pa.types.is_dictionary(arr.type) and md.num_rows:
                entry["dictionary"] = [_text(v) for v in arr.dictionary.to_pylist()]
                entry["codes"] = [-1 if c is None else c for c in arr.indices.to_pylist()]
            elif not entry["dictionary_page"]:
                # plain encoded: factorized in first-occurrence order
                seen = {}
                for v in entry["values"]:
                    if v is not None and v not in seen:
                        seen[v] = len(seen)
                entry["dictionary"] = list(seen)
                entry["codes"] = [-1 if v is None else seen[v] for v in entry["values"]]
            if declared and name in declared:
                entry["declared_levels"] = declared[name]
            if pa.types.is_dictionary(t):
                entry["ordered"] = t.ordered
        else:
            entry["kind"] = "error"
        columns.append(entry)
    return {"file": path.name, "num_rows": md.num_rows, "num_row_groups": md.num_row_groups,
            "columns": columns}


def write_raw(path: Path) -> None:
    """pyarrow's view of a big file as NAME.raw (each column's bytes, as the JS arrays
    must hold them: BOOLEAN columns as their codes) + NAME.raw.json (index: name, kind,
    array_type, offset, nbytes, dictionary values). For the large benchmark files, where
    JSON values would be huge."""
    table = pq.read_table(path, read_dictionary=[
        f.name for f in pq.ParquetFile(path).schema_arrow if _is_string(f.type)])
    index, offset = [], 0
    with open(path.with_suffix(".raw"), "wb") as raw:
        for name in table.column_names:
            arr = table.column(name).combine_chunks()
            t = arr.type
            if pa.types.is_boolean(t):
                data = np.array([-1 if v is None else int(v) for v in arr.to_pylist()],
                                dtype=np.int8)
                entry = {"name": name, "kind": "boolean", "array_type": "Int8Array"}
            elif t in ARRAY_TYPES:
                if arr.null_count:
                    data = np.array([np.nan if v is None else float(v) for v in arr.to_pylist()])
                    array_type = "Float64Array"
                else:
                    data = arr.to_numpy(zero_copy_only=False)
                    array_type = ARRAY_TYPES[t]
                entry = {"name": name, "kind": "numeric", "array_type": array_type}
            else:
                data = np.array([-1 if c is None else c for c in arr.indices.to_pylist()],
                                dtype=np.int32)
                entry = {"name": name, "kind": "dictionary", "array_type": "Int32Array",
                         "dictionary": arr.dictionary.to_pylist()}
            data = np.ascontiguousarray(data).astype(data.dtype.newbyteorder("<"), copy=False)
            entry.update(offset=offset, nbytes=data.nbytes)
            raw.write(data.tobytes())
            offset += data.nbytes
            index.append(entry)
    path.with_suffix(".raw.json").write_text(json.dumps(
        {"num_rows": table.num_rows, "columns": index}, ensure_ascii=False), encoding="utf-8")


def write_json(path: Path, **kw) -> None:
    data = dump(path, **kw)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    path.with_suffix(".json").write_text(text + "\n", encoding="utf-8")


# -- synthetic files ------------------------------------------------------------------

def nominal(rng, n, levels, used, null_frac, index_type=None):
    """Ordered dictionary column over `levels` (declared order) using only `used`."""
    if index_type is None:
        index_type = pa.int8() if len(levels) < 127 else pa.int16()
    pos = [levels.index(u) for u in used]
    idx = rng.choice(pos, size=n)
    mask = rng.random(n) < null_frac
    indices = pa.array([None if m else int(i) for i, m in zip(idx, mask)], type=index_type)
    return pa.DictionaryArray.from_arrays(indices, pa.array(levels, type=pa.string()),
                                          ordered=True)


def with_nulls(rng, values, frac, type_):
    mask = rng.random(len(values)) < frac
    return pa.array([None if m else v for v, m in zip(values, mask)], type=type_)


def openml_write(table, path, **kw):
    opts = dict(compression="snappy", use_dictionary=True,
                row_group_size=max(1, table.num_rows))
    opts.update(kw)
    pq.write_table(table, path, **opts)


def synthetic(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240611)
    n = 200

    # 1. OpenML layout, every supported column type --------------------------------
    small_levels = ["unused0", "zeta", "alpha", "mid", "unused-mid", "beta", "unused-last"]
    uni_levels = ["", "é", "日本語", "emoji 🎉", "\ufeffbom", "a,b", 'quote"d', "x" * 60,
                  "unused ü"]
    big_levels = [f"L{i:03d}" for i in range(199, -1, -1)]  # 200 levels, reverse order
    big_used = big_levels[5:150:3]
    declared = {
        "nom_small": small_levels, "nom_nonull": ["no", "yes", "maybe"],
        "nom_unicode": uni_levels, "nom_big": big_levels, "nom_allnull": ["a", "b"],
    }
    f64 = rng.normal(size=n) * 1e3
    f64[[3, 7]] = [float("inf"), -0.0]
    f64_list = [float(v) for v in f64]
    f64_list[11] = float("nan")  # a real NaN value, not a null
    i64 = rng.integers(-2**62, 2**62, size=n)
    i64[0], i64[1] = 2**53 + 1, -(2**63)
    u64 = rng.integers(0, 2**63, size=n).astype(np.uint64) * np.uint64(2)
    u64[0] = np.uint64(2**64 - 1)
    u32 = rng.integers(0, 2**32, size=n, dtype=np.uint64)
    u32[0] = 2**32 - 1
    str_pool = ["red", "green", "blue", "cyan", "x" * 40, "ümlaut"]
    strings = [str_pool[i] for i in rng.integers(0, len(str_pool), size=n)]
    cols = {
        "nom_small": nominal(rng, n, small_levels, ["zeta", "alpha", "mid", "beta"], 0.1),
        "u8": pa.array(rng.integers(0, 256, size=n), type=pa.uint8()),
        "f64_null": with_nulls(rng, f64_list, 0.15, pa.float64()),
        "f64": pa.array(np.round(rng.normal(size=n), 4), type=pa.float64()),
        "nom_nonull": nominal(rng, n, declared["nom_nonull"], ["yes", "no", "maybe"], 0.0),
        "str_null": with_nulls(rng, strings, 0.2, pa.string()),
        "i64": pa.array(i64, type=pa.int64()),
        "nom_big": nominal(rng, n, big_levels, big_used, 0.05),
        "nom_unicode": nominal(rng, n, uni_levels, uni_levels[:-1], 0.1),
        "f32": pa.array(rng.normal(size=n).astype(np.float32), type=pa.float32()),
        "i8": pa.array(rng.integers(-128, 128, size=n), type=pa.int8()),
        "i16": pa.array(rng.integers(-2**15, 2**15, size=n), type=pa.int16()),
        "u16": pa.array(rng.integers(0, 2**16, size=n), type=pa.uint16()),
        "i32": pa.array(rng.integers(-2**31, 2**31, size=n), type=pa.int32()),
        "u32": pa.array(u32, type=pa.uint32()),
        "u64": pa.array(u64, type=pa.uint64()),
        "i32_null": with_nulls(rng, [int(v) for v in rng.integers(-1000, 1000, size=n)],
                               0.1, pa.int32()),
        "i64_null": with_nulls(rng, [int(v) for v in rng.integers(-2**40, 2**40, size=n)],
                               0.1, pa.int64()),
        "u8_null": with_nulls(rng, [int(v) for v in rng.integers(0, 256, size=n)],
                              0.1, pa.uint8()),
        "u32_null": with_nulls(rng, [int(v) for v in u32], 0.1, pa.uint32()),
        "u64_null": with_nulls(rng, [int(v) for v in u64], 0.1, pa.uint64()),
        "f64_allnull": pa.array([None] * n, type=pa.float64()),
        "nom_allnull": nominal(rng, n, ["a", "b"], ["a"], 1.0),
        "str_nonull": pa.array(strings[::-1], type=pa.string()),
    }
    table = pa.table(cols)
    openml_write(table, out / "openml_like.parquet")
    write_json(out / "openml_like.parquet", declared=declared)

    # 2. no dictionary encoding at all: strings factorized in first-occurrence order ----
    m = 120
    plain = pa.table({
        "s": with_nulls(rng, [str_pool[i] for i in rng.integers(0, 6, size=m)], 0.2,
                        pa.string()),
        "nom": nominal(rng, m, ["c", "b", "a", "unused"], ["a", "b", "c"], 0.1),
        "u8": pa.array(rng.integers(0, 256, size=m), type=pa.uint8()),
        "d": with_nulls(rng, [float(v) for v in rng.normal(size=m)], 0.2, pa.float64()),
        "i64": pa.array(rng.integers(-2**40, 2**40, size=m), type=pa.int64()),
    })
    openml_write(plain, out / "plain.parquet", use_dictionary=False)
    write_json(out / "plain.parquet")

    # 3. data page v2, uncompressed, DELTA / BYTE_STREAM_SPLIT encodings ---------------
    v2 = pa.table({
        "delta_i32": pa.array(rng.integers(-5000, 5000, size=m), type=pa.int32()),
        "delta_i64": with_nulls(rng, [int(v) for v in rng.integers(-2**50, 2**50, size=m)],
                                0.1, pa.int64()),
        "dlba": with_nulls(rng, [str_pool[i] for i in rng.integers(0, 6, size=m)], 0.1,
                           pa.string()),
        "dba": pa.array([f"prefix-{i % 7}" for i in range(m)], type=pa.string()),
        "bss": with_nulls(rng, [float(v) for v in rng.normal(size=m)], 0.1, pa.float64()),
        "nom": nominal(rng, m, ["q", "p", "unused", "r"], ["p", "q", "r"], 0.1),
        "u8": pa.array(rng.integers(0, 256, size=m), type=pa.uint8()),
    })
    pq.write_table(v2, out / "v2_delta.parquet", compression="none", data_page_version="2.0",
                   use_dictionary=["nom", "u8"],
                   column_encoding={"delta_i32": "DELTA_BINARY_PACKED",
                                    "delta_i64": "DELTA_BINARY_PACKED",
                                    "dlba": "DELTA_LENGTH_BYTE_ARRAY",
                                    "dba": "DELTA_BYTE_ARRAY",
                                    "bss": "BYTE_STREAM_SPLIT"})
    write_json(out / "v2_delta.parquet", declared={"nom": ["q", "p", "unused", "r"]})

    # 4. many pages, several row groups, dictionary fallback to plain pages -------------
    k = 900
    uniq = [f"id{i:03d}" for i in rng.permutation(k)]
    multi = pa.table({
        "fallback": with_nulls(rng, uniq, 0.05, pa.string()),
        "nom": nominal(rng, k, ["z", "y", "x", "w"], ["x", "z", "y"], 0.05),
        "d": with_nulls(rng, [round(float(v), 3) for v in rng.normal(size=k)], 0.02,
                        pa.float64()),
        "u8": pa.array(rng.integers(0, 3, size=k), type=pa.uint8()),
        # no nulls; each row group's dictionary differs (new values, shared ones reordered)
        "str_rg": pa.array([str(v) for v in np.concatenate([
            rng.choice(["p", "q", "r"], 400), rng.choice(["s", "r", "p"], 400),
            rng.choice(["t", "q"], k - 800)])], type=pa.string()),
    })
    pq.write_table(multi, out / "multipage.parquet", compression="snappy",
                   row_group_size=400, data_page_size=256, dictionary_pagesize_limit=512,
                   write_batch_size=100)
    write_json(out / "multipage.parquet", exact_dictionary=False,
               declared={"nom": ["z", "y", "x", "w"]})

    # 4b. wider dictionaries, one row group: 8-bit indices over all 256 byte values (no
    # range check needed), 9- and 10-bit indices, 2- and 8-byte dictionary values
    w = 600
    wide = pa.table({
        "u8_full": pa.array(np.concatenate([rng.permutation(256), rng.integers(0, 256, w - 256)]),
                            type=pa.uint8()),
        "i16_300": pa.array(np.concatenate([np.arange(-150, 150), rng.integers(-150, 150, w - 300)]),
                            type=pa.int16()),
        "f64_520": pa.array(np.concatenate([np.arange(520) / 8 - 30,
                                            rng.integers(0, 520, w - 520) / 8 - 30])),
        "i64_150": pa.array(rng.integers(-5000, 5000, size=150)[rng.integers(0, 150, w)],
                            type=pa.int64()),
        "str_300": pa.array([f"s{v}" for v in np.concatenate([np.arange(300),
                                                             rng.integers(0, 300, w - 300)])]),
    })
    openml_write(wide, out / "wide.parquet")
    write_json(out / "wide.parquet")

    # 5. unsupported types next to a supported one -------------------------------------
    q = 5
    import datetime
    import decimal
    unsupported = pa.table({
        "ok": pa.array([1.5, 2.5, None, 4.0, 5.0], type=pa.float64()),
        "flag": pa.array([True, False, None, True, False]),
        "day": pa.array([datetime.date(2020, 1, i + 1) for i in range(q)]),
        "ts": pa.array([datetime.datetime(2020, 1, 1, i) for i in range(q)],
                       type=pa.timestamp("us")),
        "dec": pa.array([decimal.Decimal("1.25")] * q, type=pa.decimal128(5, 2)),
        "lst": pa.array([[1, 2], [], None, [3], [4, 5, 6]], type=pa.list_(pa.int32())),
        "rec": pa.array([{"a": i, "b": "x"} for i in range(q)]),
        "bin": pa.array([b"\x00\x01", b"", None, b"ab", b"c"], type=pa.binary()),
        "txt": pa.array(["a", "b", None, "a", "c"]),
        "bad_utf8": pa.array([b"ok", b"\xff\xfe", None, b"ok", b"x"], type=pa.binary()),
    })
    openml_write(unsupported, out / "unsupported.parquet")
    write_json(out / "unsupported.parquet")

    # 6. zero rows -------------------------------------------------------------------
    empty = pa.table({
        "d": pa.array([], type=pa.float64()),
        "u8": pa.array([], type=pa.uint8()),
        "nom": pa.DictionaryArray.from_arrays(pa.array([], type=pa.int8()),
                                              pa.array(["a", "b"]), ordered=True),
    })
    openml_write(empty, out / "empty.parquet")
    write_json(out / "empty.parquet", declared={"nom": ["a", "b"]})

    # 7. a codec hyparquet does not have built in (ZSTD): must fail with a clear error -
    openml_write(pa.table({"d": pa.array([1.0, 2.0])}), out / "zstd.parquet",
                 compression="zstd")
    write_json(out / "zstd.parquet")

    # 8. BOOLEAN columns (OpenML's {true, false} nominals), OpenML layout: PLAIN bits,
    # RLE levels, one row group ------------------------------------------------------
    b = 1000

    def flags(p_true, null_frac, size=b):
        return with_nulls(rng, [bool(v) for v in rng.random(size) < p_true], null_frac,
                          pa.bool_())

    def runs(size, null_frac):
        # long runs of one value: RLE runs, not bit-packed groups, when RLE encoded
        v = np.repeat(rng.random(size // 50 + 1) < 0.5, 50)[:size]
        return with_nulls(rng, [bool(x) for x in v], null_frac, pa.bool_())

    booleans = pa.table({
        "flag": flags(0.5, 0.0),
        "flag_null": flags(0.3, 0.15),
        "u8": pa.array(rng.integers(0, 256, size=b), type=pa.uint8()),
        "flag_allnull": pa.array([None] * b, type=pa.bool_()),
        "flag_true": pa.array([True] * b),
        "flag_sparse": flags(0.02, 0.4),  # long runs of nulls and of false
        "nom": nominal(rng, b, ["no", "yes"], ["no", "yes"], 0.05),
    })
    openml_write(booleans, out / "booleans.parquet")
    write_json(out / "booleans.parquet")

    # 9. RLE-encoded BOOLEAN values (4-byte length + hybrid runs), data page v1 and v2 ----
    bool_rle = pa.table({
        "rle": flags(0.5, 0.0),
        "rle_null": flags(0.6, 0.2),
        "rle_runs": runs(b, 0.0),
        "rle_runs_null": runs(b, 0.1),
        "rle_allnull": pa.array([None] * b, type=pa.bool_()),
    })
    rle_cols = {c: "RLE" for c in bool_rle.column_names}
    openml_write(bool_rle, out / "booleans_rle.parquet", use_dictionary=False,
                 column_encoding=rle_cols)
    write_json(out / "booleans_rle.parquet")
    bool_v2 = bool_rle.append_column("plain_null", flags(0.4, 0.25)).append_column(
        "plain", flags(0.5, 0.0)).append_column("nul", pa.nulls(b))
    # (pyarrow's default for booleans in v2 pages is RLE: PLAIN asked for explicitly)
    openml_write(bool_v2, out / "booleans_v2.parquet", use_dictionary=False,
                 column_encoding={**rle_cols, "plain_null": "PLAIN", "plain": "PLAIN"},
                 data_page_version="2.0")
    write_json(out / "booleans_v2.parquet")

    # 10. BOOLEAN and null-type columns over several pages and row groups --------------
    k = 2000
    bool_multi = pa.table({
        "plain_null": flags(0.5, 0.1, k),
        "rle_null": flags(0.5, 0.1, k),
        "rle_runs": runs(k, 0.0),
        "nul": pa.nulls(k),
        "d": with_nulls(rng, [round(float(v), 3) for v in rng.normal(size=k)], 0.05,
                        pa.float64()),
    })
    pq.write_table(bool_multi, out / "booleans_multi.parquet", compression="snappy",
                   row_group_size=700, data_page_size=1, write_batch_size=100,
                   use_dictionary=["d", "nul"],  # a dictionary-encoded null column splits
                   column_encoding={"rle_null": "RLE", "rle_runs": "RLE"})
    write_json(out / "booleans_multi.parquet")

    # 11. Arrow null-type columns (OpenML's columns missing in every row): INT32 with the
    # Null logical type, only definition levels in the pages ----------------------------
    openml_write(pa.table({"nul": pa.nulls(50)}), out / "nulltype.parquet")
    write_json(out / "nulltype.parquet")
    mixed = pa.table({
        "d": with_nulls(rng, [float(v) for v in rng.normal(size=n)], 0.1, pa.float64()),
        "nul": pa.nulls(n),
        "nom": nominal(rng, n, ["a", "b", "c"], ["a", "c"], 0.1),
        "flag": flags(0.5, 0.1, n),
        "nul_last": pa.nulls(n),
    })
    openml_write(mixed, out / "nulltype_mixed.parquet")
    write_json(out / "nulltype_mixed.parquet")
    # uncompressed, 8 rows a page: the JS tests mark values present in a null-type
    # column by editing its definition levels in place (2-byte RLE run -> bit-packed group)
    pages = pa.table({"d": pa.array(np.arange(64, dtype=float)), "nul": pa.nulls(64)})
    pq.write_table(pages, out / "nulltype_pages.parquet", compression="none",
                   write_batch_size=8, data_page_size=1)
    write_json(out / "nulltype_pages.parquet")

    # 12. zero rows, BOOLEAN and null-type ------------------------------------------------
    openml_write(pa.table({"flag": pa.array([], type=pa.bool_()), "nul": pa.nulls(0)}),
                 out / "empty_bool_null.parquet")
    write_json(out / "empty_bool_null.parquet")

    # the OpenML-recipe files, when present: their JSON follows dump() changes
    for name in REAL:
        if (out / name).exists():
            write_json(out / name)


# -- files written by OpenML's own recipe ------------------------------------------------

# fixture name -> the file OpenML's recipe wrote. The recipe (see the project notes on
# real OpenML parquet files) runs openml-python 0.13.1 + pandas 1.5.3 + pyarrow 10.0.1
# (writer "parquet-cpp-arrow version 10.0.1", which reproduces production files byte for
# byte): OpenMLDataset.get_data(dataset_format="dataframe", include_row_id=True,
# include_ignore_attribute=True) on scikit-learn's recorded ARFF, then df.to_parquet().
REAL = {
    # zoo: 15 {false, true} nominals -> BOOLEAN columns, plus dictionaries and uint8
    "openml_zoo_62.parquet": "dataset_62.pq",
    # MiceProtein cut to its first 7 rows: BCL2_N is missing in all of them -> a null-type
    # column; MouseID (> 127 levels) an int16-indexed dictionary
    "openml_miceprotein_40966.parquet": "dataset_40966.pq",
}


def real(src: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, source in REAL.items():
        shutil.copyfile(src / source, out / name)
        write_json(out / name)


# -- the OpenML mirror's files ------------------------------------------------------------

def mirror(out: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    subprocess.run([sys.executable, "-m", "openml_lite.mirror", "build", str(out)],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    for path in sorted(out.glob("datasets/**/dataset_*.pq")):
        write_json(path)


# -- benchmark-size files (no JSON) ------------------------------------------------------

def bench(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    # adult-size: 48,842 x 15 like adult (1590): 9 nominal (int8 dictionaries, 3 with
    # nulls), 6 numeric (uint8 where whole 0..255, else double)
    n = 48842
    cols = {}
    for j in range(15):
        if j in (1, 3, 5, 6, 7, 8, 9, 13, 14):
            levels = [f"level-{j}-{i}" for i in range(int(rng.integers(2, 42)))]
            cols[f"c{j}"] = nominal(rng, n, levels, levels[: max(1, len(levels) - 1)],
                                    0.02 if j in (1, 6, 13) else 0.0)
        elif j in (0, 4, 12):
            cols[f"c{j}"] = pa.array(rng.integers(1, 100, size=n), type=pa.uint8())
        elif j == 2:
            cols[f"c{j}"] = pa.array(rng.integers(10**4, 10**6, size=n).astype(float))
        else:
            v = rng.integers(0, 10**5, size=n).astype(float)
            v[rng.random(n) < 0.9] = 0
            cols[f"c{j}"] = pa.array(v)
    openml_write(pa.table(cols), out / "adult_size.parquet")
    write_raw(out / "adult_size.parquet")
    # mnist-size: 70,000 x 785: 784 uint8 pixel columns (mostly 0) + nominal class
    n = 70000
    cols = {}
    for j in range(784):
        v = rng.integers(0, 256, size=n).astype(np.uint8)
        v[rng.random(n) < 0.8] = 0
        cols[f"pixel{j + 1}"] = pa.array(v, type=pa.uint8())
    cols["class"] = nominal(rng, n, [str(i) for i in range(10)], [str(i) for i in range(10)],
                            0.0)
    openml_write(pa.table(cols), out / "mnist_size.parquet")
    write_raw(out / "mnist_size.parquet")
    # bool-size: 1,000,000 rows of BOOLEAN columns, OpenML layout (PLAIN bits)
    n = 1_000_000
    cols = {
        "flag_null": pa.array(rng.random(n) < 0.5, mask=rng.random(n) < 0.1),
        "flag": pa.array(rng.random(n) < 0.3),
        "flag_sparse": pa.array(rng.random(n) < 0.01, mask=rng.random(n) < 0.5),
    }
    openml_write(pa.table(cols), out / "bool_size.parquet")
    write_raw(out / "bool_size.parquet")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("synthetic", "real", "mirror", "bench", "dump"):
        print(__doc__)
        return 2
    if argv[0] == "dump":
        for p in argv[1:]:
            write_json(Path(p))
        return 0
    if argv[0] == "real":
        if len(argv) != 3:
            print(__doc__)
            return 2
        real(Path(argv[1]), Path(argv[2]))
        return 0
    {"synthetic": synthetic, "mirror": mirror, "bench": bench}[argv[0]](Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
