"""How much memory a load takes, known before the data file is downloaded, and whether it
fits where it runs.

A load holds the parquet file's bytes, the engine's decoded columns (``table.py``), the
converted columns (``convert.py``: codes in sklearn's order, object arrays), and the
result, whose ``frame`` and ``data`` are two copies of the feature columns (as sklearn's).
Its peak is the largest of decoding (the file and the decoded columns) and building the
Bunch: the decoded, converted and result columns, less the arrays the frame takes as they
are (codes, and numbers a narrow frame needs as decoded). Where data is a copy (pandas 2)
it is made from the frame once the decoded and converted columns are let go: the frame
(decoded, converted and frame), then frame and data. The file counts to the end where a
cache keeps it.
Each is counted per column from what the metadata says before any data byte comes: rows
(the qualities' NumberOfInstances), the features' types, levels and missing values, and
the output kind and ``dtypes`` asked. What the metadata cannot say (how the file stores a
numeric column without missing values: uint8, int64 or double; how long strings are) gives
a range, ``low`` to ``high``; the parquet footer (``parquet_footer.Footer``), where it was
read, narrows it to one figure.

A runtime's room (``Room``): CPython, the machine's available memory; Pyodide, the 4 GiB of
wasm memory less what malloc holds now, and numpy's limit on one array there (below
2 GiB: a 32-bit ``intp``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .openml import Feature
from .selection import NUMERIC_TYPES
from .table import code_dtype

GB = 1e9
TIGHT = 0.75  # a load that takes more than this share of the room is warned of
_STRING_OBJECT = 49  # bytes of an empty Python str: a string value's object, beside its text
_STRING_TEXT = (8, 64)  # what a string value's text may take, bytes (low, high), unless the footer says
# Python str objects of a column's distinct values, per byte of its pages in the file (a
# dictionary of 4-byte lengths and text): (49 + L) / (4 + L) is 2.5 for values of 26
# characters (Titanic's names), less for longer ones
_OBJECTS_PER_TEXT = 2.5


@dataclass(frozen=True)
class Shape:
    """What the memory of a load depends on: its columns, rows and output."""

    features: tuple[Feature, ...]  # the kept columns (data and target), file order
    target_names: tuple[str, ...]
    rows: int
    output: str  # "pandas", "numpy" or "polars"
    dtypes: str  # "sklearn" or "openml"
    footer: object = None  # parquet_footer.Footer, where it was read
    file_size: int | None = None  # bytes of the parquet file, where known
    shared_data: bool = False  # data shares the frame's memory (copy on write: pandas 3, or pandas 2 with the option on)
    arrow_text: bool = False  # pandas 3: a frame's strings are Arrow text, not objects
    file_kept: bool = False  # a cache keeps the file's bytes until the load ends

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features if f.name not in self.target_names]


@dataclass(frozen=True)
class Estimate:
    """Bytes a load takes at its peak (``low`` to ``high``: equal where nothing was
    unknown), what the returned Bunch holds of it (``result``), and its largest single
    array (``largest``)."""

    low: int
    high: int
    result: tuple[int, int]
    largest: tuple[int, int]
    parts: dict = field(default_factory=dict)  # "file", "decoded", "converted", "frame", "result": (low, high)

    @property
    def known(self) -> bool:
        return self.low == self.high

    def about(self) -> str:
        """"about 1.5 GB", or "1.2 to 3.0 GB"."""
        return f"about {size_text(self.high)}" if self.high <= self.low * 1.1 else f"{size_text(self.low)} to {size_text(self.high)}"


# What a load holds beside its columns, whatever its size: the metadata documents, the
# decoder's and pandas' own objects (measured: 4 MB of wasm memory on top of the columns
# of adult's 48,842 x 15, benchmarks/big_datasets.py); next to nothing on a big load.
WORKING = 4 * 1024 * 1024
DICTIONARY_PAGE = 1024 * 1024  # pyarrow's dictionary_pagesize_limit (OpenML's writer)
# The most bytes a value (one row of one column) can take in a load: a string with its
# object and text, pointers in the decoded, converted and two output copies, and a file
# as large as all that (see _column). With only the row and column counts known, a load
# of n values in c columns takes at most n times this, and each column's dictionary page
# and footer entry.
MOST_PER_VALUE = 300


def surely_fits(rows: int, columns: int, room: Room) -> bool:
    """Whether a load of ``rows`` x ``columns`` fits in ``room`` whatever its columns are."""
    most = rows * columns * MOST_PER_VALUE + columns * (DICTIONARY_PAGE + 1024) + 4096
    return ((room.total is None or most <= room.total * TIGHT)
            and (room.per_array is None or rows * columns * 8 <= room.per_array))


@dataclass(frozen=True)
class Room:
    """What a runtime can hold: ``total`` bytes more (None: unknown), one array at most
    ``per_array`` bytes (None: no such limit), ``where`` says so in words."""

    total: int | None
    per_array: int | None
    where: str


def estimate(shape: Shape) -> Estimate:
    parts = {"file": (0, 0), "decoded": (0, 0), "converted": (0, 0), "frame": (0, 0), "result": (0, 0)}
    largest = [(0, 0)]
    blocks: dict = {}  # pandas' 2-D blocks (wide frames): run key -> (low, high) bytes
    file_high = 4096  # (see below)
    taken = (0, 0)  # of the decoded columns: what the frame takes without a copy
    for feature in shape.features:
        cost = _column(feature, shape)
        for part in ("decoded", "converted", "frame", "result"):
            parts[part] = _add(parts[part], cost[part])
        taken = _add(taken, cost.get("taken", (0, 0)))
        largest.append(cost["array"])
        file_high += cost["decoded"][1] + min(cost["decoded"][1], DICTIONARY_PAGE) + 1024
    result = parts["result"]
    if shape.output == "numpy":  # one matrix of the data columns (and one of several targets)
        largest.append(_matrix_bytes(shape))
    elif shape.output == "pandas" and len(shape.features) > 64:  # frames.py: 2-D blocks
        largest.append(_block_bytes(shape, blocks))
    # the file: at most each column's values as they decode, plus the dictionary page its
    # writer tried first (pyarrow falls back to plain values past 1 MiB of dictionary:
    # distinct doubles carry both), plus its footer (schema, pandas' and Arrow's metadata:
    # about a kilobyte a column)
    file = (shape.file_size, shape.file_size) if shape.file_size is not None else (0, file_high)
    parts["file"] = file
    # the peak: while decoding, the file and the decoded columns; while building the Bunch
    # (see the module's docstring), and the file only where a cache keeps its bytes until
    # the load ends (nothing of a failed load is cached)
    low, high = (WORKING + max(_during_decode(parts, shape, i), _during_build(parts, shape, taken, i))
                 for i in (0, 1))
    return Estimate(low=low, high=high, result=result,
                    largest=(max(a[0] for a in largest), max(a[1] for a in largest)), parts=parts)


def _during_decode(parts: dict, shape: Shape, i: int) -> int:
    return parts["file"][i] + parts["decoded"][i]


def _during_build(parts: dict, shape: Shape, taken: tuple[int, int], i: int) -> int:
    kept = parts["file"][i] if shape.file_kept else 0
    if _data_copied_from_frame(shape):  # (outputs/to_pandas.py)
        frame = parts["decoded"][i] + parts["converted"][i] + parts["frame"][i] - taken[i]
        return max(frame, parts["result"][i]) + kept
    return parts["decoded"][i] + parts["converted"][i] + parts["result"][i] - taken[i] + kept


def _data_copied_from_frame(shape: Shape) -> bool:
    return shape.output == "pandas" and not shape.shared_data


def _column(feature: Feature, shape: Shape) -> dict:
    """One column's bytes (low, high) in each part of a load, and its largest array."""
    n, kind = shape.rows, feature.data_type
    stored = shape.footer.types.get(feature.name) if shape.footer is not None and shape.footer.types else None
    # pandas' Bunch holds a feature twice (frame, and data: its own copy, as sklearn's;
    # under pandas 3 a view until written); polars' data is a selection of the frame's
    # columns; numpy's only the data matrix
    copies = 2 if (shape.output == "pandas" and not shape.shared_data
                   and feature.name not in shape.target_names) else 1
    if stored is not None and stored.null or feature.n_missing >= n > 0:  # missing in every row
        return _cost((0, 0), (8 * n, 8 * n), (8 * n, 8 * n), copies)
    if kind == "nominal":
        levels = len(feature.nominal_values or ()) or 2
        codes = _code_width(levels) * n  # table.code_dtype: pandas' own width
        width = {"numpy": 8, "polars": 4}.get(shape.output)  # object pointers; an Enum's UInt32 codes
        width = width or _code_width(levels)
        converted = 0 if shape.dtypes == "openml" else codes  # codes in sklearn's order
        cost = _cost((codes, codes), (converted, converted), (width * n, width * n), copies)
        if shape.output == "pandas":  # the frame's Categorical holds the last codes made
            cost["taken"] = (converted or codes,) * 2
        return cost
    if kind in NUMERIC_TYPES:
        width = _numeric_width(feature, stored)
        decoded = (width[0] * n, width[1] * n)
        if shape.dtypes == "openml":
            return {**_cost(decoded, (0, 0), decoded, copies), "taken": _taken(shape, decoded)}
        if kind == "integer":  # pandas' Int64: int64 values and a mask, which the frame
            # shares but for a copy of the mask; data copies both
            if shape.output == "pandas":
                result = n + (9 * n if copies == 2 else 0)
                return {**_cost(decoded, (9 * n, 9 * n), (9 * n, 9 * n), 1), "result": (result, result),
                        "frame": (n, n)}
            return _cost(decoded, (9 * n, 9 * n), (8 * n, 8 * n), copies)
        # stored as is (int64, double): taken; uint8: cast, not taken; unknown: the low
        # figure counts it taken, the high one not
        kept = decoded if width == (8, 8) else (decoded[0], 0) if width[0] != width[1] else (0, 0)
        return {**_cost(decoded, (0, 0), (8 * n, 8 * n), copies), "taken": _taken(shape, kept)}
    # strings (and dates): codes into the distinct values, object arrays of pointers to them
    text = _string_bytes(feature, shape, stored)
    if stored is not None:  # the footer's bytes of the column: mostly its dictionary, the
        objects = (int(_OBJECTS_PER_TEXT * text[0]),) * 2  # distinct values, each 4 + length
    else:  # at most one object a row; as few as one in all
        objects = (0, text[1] + _STRING_OBJECT * n)
    decoded = (8 * n + objects[0], 8 * n + objects[1])
    arrow = shape.output == "polars" or (shape.output == "pandas" and shape.arrow_text)
    # Arrow text holds every row's value, where the footer counts a dictionary's distinct
    # values once: from none (all empty) to the larger of the footer's text and 64 bytes a
    # row; 8-byte offsets a row for certain
    per_copy = (8 * n, max(text[1], _STRING_TEXT[1] * n) + 8 * n) if arrow else (8 * n, 8 * n)
    return _cost(decoded, (8 * n, 8 * n), per_copy, copies)


def _taken(shape: Shape, decoded: tuple[int, int]) -> tuple[int, int]:
    """Bytes of a numeric column the frame takes as decoded, not copied: a narrow pandas
    frame takes the arrays the engine made (outputs/frames.py, take_owned), where the
    column needs no conversion. (low, high): subtracted from the peak's high, low ends."""
    if shape.output != "pandas" or len(shape.features) > 64:
        return (0, 0)
    return decoded


def _cost(decoded, converted, per_copy, copies) -> dict:
    result = (per_copy[0] * copies, per_copy[1] * copies)
    return {"decoded": decoded, "converted": converted, "frame": per_copy, "result": result,
            "array": per_copy}


def _code_width(levels: int) -> int:
    """Bytes of a code into ``levels`` values (table.code_dtype, pandas' rule)."""
    return int(code_dtype(levels).removeprefix("int")) // 8


def _numeric_width(feature: Feature, stored) -> tuple[int, int]:
    """Bytes a value of a numeric column takes as the file stores it: uint8 for whole
    numbers 0..255 without missing values (openml-python's rule), else int64 or double."""
    if stored is not None:
        if stored.physical == "INT32":
            width = max(stored.bits, 8) // 8 if stored.bits else 4
        elif stored.physical in ("BOOLEAN",):
            width = 1
        elif stored.physical == "FLOAT":
            width = 4
        else:
            width = 8
        return width, width
    return (8, 8) if feature.n_missing else (1, 8)


def _string_bytes(feature: Feature, shape: Shape, stored) -> tuple[int, int]:
    """The text of a string column's values, in bytes (low, high)."""
    n = shape.rows
    if stored is not None and shape.footer is not None:
        text = sum(chunk.uncompressed for chunk in shape.footer.chunks if chunk.name == feature.name)
        return text, text
    return _STRING_TEXT[0] * n, _STRING_TEXT[1] * n


def _matrix_bytes(shape: Shape) -> tuple[int, int]:
    """numpy output's data matrix: one dtype for all its columns (object if any is not a
    number; 8 bytes a value under sklearn's dtypes)."""
    names = set(shape.feature_names)
    columns = [f for f in shape.features if f.name in names]
    if not columns:
        return 0, 0
    if shape.dtypes == "sklearn" or any(f.data_type not in NUMERIC_TYPES for f in columns):
        size = 8 * shape.rows * len(columns)
        return size, size
    widths = [_numeric_width(f, shape.footer.types.get(f.name) if shape.footer is not None and shape.footer.types
                             else None) for f in columns]
    return (max(w[0] for w in widths) * shape.rows * len(columns),
            max(w[1] for w in widths) * shape.rows * len(columns))


def _block_bytes(shape: Shape, blocks: dict) -> tuple[int, int]:
    """The largest of a wide pandas frame's 2-D blocks: a run of neighbouring numeric
    columns of one dtype (sklearn's dtypes: 8 bytes each; the file's, with its footer:
    each column's stored width). Unknown widths: at least one column of one byte, at most
    the whole run of numeric columns at 8."""
    known = shape.dtypes == "sklearn" or (shape.footer is not None and shape.footer.types)
    largest, run, previous = 0, 0, None
    for feature in shape.features:
        if feature.data_type not in NUMERIC_TYPES:
            run, previous = 0, None
            continue
        width = 8 if not known or shape.dtypes == "sklearn" else _numeric_width(
            feature, shape.footer.types.get(feature.name))[0]
        run = run + 1 if width == previous else 1
        previous = width
        largest = max(largest, width * shape.rows * run)
    return (largest, largest) if known else (min(shape.rows, largest), largest)


def _add(a, b):
    return a[0] + b[0], a[1] + b[1]


def size_text(n: float) -> str:
    if n >= GB:
        return f"{n / GB:.2f} GB"
    if n >= 1e6:
        return f"{n / 1e6:.0f} MB"
    return f"{n / 1e3:.0f} kB"


# -- the decision ------------------------------------------------------------------------

@dataclass(frozen=True)
class Way:
    """Another way to load the dataset: the arguments to change and what it takes."""

    arguments: dict
    estimate: Estimate
    fits: bool  # surely (its high estimate fits); else it fits only if the unknowns are small

    def describe(self, *, hedged: bool = True) -> str:
        """"dtypes='openml' (about 190 MB)"; ``hedged``: a way that may not fit says so."""
        said = ", ".join(f"{key}={_argument(value)}" for key, value in self.arguments.items())
        hedge = ", if the file stores its numbers compactly" if hedged and not self.fits else ""
        return f"{said} ({self.estimate.about()}{hedge})"


def _argument(value) -> str:
    if isinstance(value, list) and len(value) > 4:
        return f"[{value[0]!r}, {value[1]!r}, ... {value[-1]!r}] (the first {len(value)} features)"
    return repr(value)


def fits(estimate: Estimate, room: Room, *, surely: bool) -> bool:
    """Whether ``estimate`` fits in ``room``: its high figure (``surely``) or its low one."""
    figure = estimate.high if surely else estimate.low
    largest = estimate.largest[1] if surely else estimate.largest[0]
    return ((room.total is None or figure <= room.total)
            and (room.per_array is None or largest <= room.per_array))


def ways_out(shape: Shape, room: Room, arguments: dict) -> list[Way]:
    """Other arguments that would fit, for this dataset: the compact dtypes, arrays instead
    of frames, and the first features that fit (with what else was asked)."""
    candidates = []
    if shape.dtypes == "sklearn":
        candidates.append({"dtypes": "openml"})
    if shape.output != "numpy":
        candidates.append({"as_frame": False})
        if shape.dtypes == "sklearn":
            candidates.append({"dtypes": "openml", "as_frame": False})
    found = []
    for change in candidates:
        changed = _changed(shape, change)
        way = estimate(changed)
        if fits(way, room, surely=False):
            found.append(Way(change, way, fits(way, room, surely=True)))
    for way in (_columns_that_fit(shape, room), _rows_that_fit(shape, room, arguments)):
        if way is not None:
            found.append(way)
    return sorted(found, key=lambda way: (not way.fits, way.estimate.high))


def _changed(shape: Shape, change: dict) -> Shape:
    output = "numpy" if change.get("as_frame") is False else shape.output
    return replace(shape, dtypes=change.get("dtypes", shape.dtypes), output=output)


def _rows_that_fit(shape: Shape, room: Room, arguments: dict) -> Way | None:
    """The most first rows (after any skiprows asked) that surely fit, if fewer than all."""
    low, high, best = 1, shape.rows - 1, None
    while low <= high:
        middle = (low + high) // 2
        # (the file as a whole, as the load's own plan counts it: the first rows' row
        # groups are all of an OpenML file, which pyarrow writes as one row group)
        trial = replace(shape, rows=middle)
        way = estimate(trial)
        if fits(way, room, surely=True):
            change = {"nrows": _round_down(middle)}
            if arguments.get("skiprows"):
                change["skiprows"] = arguments["skiprows"]
            best, low = Way(change, estimate(replace(trial, rows=change["nrows"])), True), middle + 1
        else:
            high = middle - 1
    return best


def _round_down(rows: int) -> int:
    """A number a person types: 2 significant digits (12,345 -> 12,000)."""
    digits = len(str(rows))
    unit = 10 ** max(digits - 2, 0)
    return max(rows // unit * unit, 1)


def _columns_that_fit(shape: Shape, room: Room) -> Way | None:
    """The first features (and the targets) that surely fit, if fewer than all."""
    names = shape.feature_names
    targets = [f for f in shape.features if f.name in shape.target_names]
    low, high, best = 1, len(names) - 1, None
    while low <= high:
        middle = (low + high) // 2
        keep = set(names[:middle])
        trial = replace(shape, features=tuple(f for f in shape.features if f.name in keep) + tuple(targets))
        way = estimate(trial)
        if fits(way, room, surely=True):
            best, low = Way({"columns": names[:middle]}, way, True), middle + 1
        else:
            high = middle - 1
    return best


VERDICTS = ("fits", "tight", "may not fit", "too big")


@dataclass(frozen=True)
class Plan:
    """The memory plan of a load, before its data file is downloaded: what it takes
    (``estimate``), what this runtime can hold (``room``), the ``verdict`` ("fits",
    "tight": most of the room, "may not fit": only if the file stores its values
    compactly, "too big": surely not), the other arguments that would fit (``ways``,
    unless it fits) and the sentence that says so (``message``, unless it fits)."""

    dataset: str
    estimate: Estimate
    room: Room
    verdict: str
    ways: tuple[Way, ...] = ()
    message: str = ""
    rows: int = 0  # rows the load would hold
    url: str | None = None

    def enforce(self) -> Estimate:
        """Raise DatasetTooLargeError (too big) or warn (MemoryWarning: tight, may not
        fit), as a load does; the estimate."""
        import warnings

        from .errors import DatasetTooLargeError, MemoryWarning

        if self.verdict == "too big":
            raise DatasetTooLargeError(self.message, dataset=self.dataset, url=self.url,
                                       estimate=self.estimate, room=self.room, ways=self.ways)
        if self.verdict != "fits":
            warnings.warn(self.message, MemoryWarning, stacklevel=6)
        return self.estimate


def judge(shape: Shape, room: Room, arguments: dict, *, dataset: str, url: str | None = None) -> Plan:
    """The plan of a load of ``shape`` in ``room``. ``arguments``: what the caller asked,
    as fetch_openml's keywords (the ways out keep them)."""
    found = estimate(shape)
    plan = Plan(dataset, found, room, "fits", rows=shape.rows, url=url)
    if fits(found, room, surely=True) and (room.total is None or found.high <= TIGHT * room.total):
        return plan
    asked = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
    needs = (f"dataset {dataset} needs {found.about()} to load as asked ({asked}; the Bunch "
             f"alone holds {_range(found.result)})")
    ways = tuple(ways_out(shape, room, arguments))
    if not fits(found, room, surely=False):
        return replace(plan, verdict="too big", ways=ways, message=(
            f"{needs}, more than this runtime can hold ({_room(room, found)}). {_ways_said(ways)} "
            "Or pass max_memory=None to try anyway."))
    if not fits(found, room, surely=True):
        return replace(plan, verdict="may not fit", ways=ways, message=(
            f"{needs}: it may not fit ({_room(room, found)}), depending on how its file stores "
            "its values."))
    return replace(plan, verdict="tight", ways=ways,
                   message=f"{needs}: most of what this runtime can hold ({_room(room, found)}).")


def _ways_said(ways: tuple[Way, ...]) -> str:
    """The ways out, those that surely fit first; those that fit only if the file stores
    its numbers compactly apart (a plan that read no footer cannot promise them)."""
    sure = "; ".join(way.describe() for way in ways if way.fits)
    maybe = "; ".join(way.describe(hedged=False) for way in ways if not way.fits)
    said = f"Ways that fit: {sure or 'none found: a smaller dataset'}."
    if maybe:
        said += (f" Ways that fit if the file stores its numbers compactly: {maybe} "
                 "(memory_plan(..., exact=True) reads the file's footer, a few kilobytes, to tell).")
    return said


def _range(pair: tuple[int, int]) -> str:
    return size_text(pair[1]) if pair[1] <= pair[0] * 1.1 else f"{size_text(pair[0])} to {size_text(pair[1])}"


def _room(room: Room, found: Estimate) -> str:
    said = room.where
    if room.per_array is not None and found.largest[0] > room.per_array:
        said += f"; this needs one of {size_text(found.largest[0])}"
    return said
