"""Checks that cost nothing: is this a whole parquet file, and does it hold what the
dataset's metadata promises?

OpenML publishes no parquet checksum, and its pages carry no CRC, so a flipped bit
inside compressed values may go unseen. What can be checked for free is checked:
the magic bytes and footer length, that the engine can decode it at all, every column
of the features list present, the row count against the qualities'
NumberOfInstances, each column's missing values against the features'
number_of_missing_values, and each column's decoded min, max and null count against
the statistics the writer stored in the footer (where pyarrow is at hand to read
the footer). A flip that keeps every value inside the
column's old range and count can still pass unseen.
"""

from __future__ import annotations

import numpy as np

from .errors import DataIntegrityError, MissingColumnError
from .openml import Description, Feature
from .parquet_footer import MAGIC
from .table import DictColumn, NullColumn, Table


def check_parquet_bytes(body: bytes, description: Description, url: str) -> None:
    problem = None
    if len(body) < 12:
        problem = f"only {len(body)} bytes"
    elif body[:4] != MAGIC or body[-4:] != MAGIC:
        problem = "no PAR1 magic at both ends (truncated, or not parquet at all)"
    else:
        footer = int.from_bytes(body[-8:-4], "little")
        if not 0 < footer <= len(body) - 12:
            problem = f"a footer length of {footer} in a file of {len(body)} bytes"
    if problem:
        raise damaged(description, url, problem)


def check_columns_present(body: bytes, description: Description, features: list[Feature],
                          url: str, all_features: list[Feature] | None = None) -> None:
    """Every column of ``features`` in the file's footer (before an engine is asked for
    them, which would fail as on damage); a footer this module cannot read is left to the
    engine. ``all_features``: the whole features list (default ``features``)."""
    from .parquet_footer import FooterError, footer_length, parse_column_names

    try:
        length = footer_length(body[-8:])
        columns = parse_column_names(bytes(body[-8 - length:-8]))
    except (FooterError, ValueError):
        return
    missing = missing_columns(columns, features, all_features)
    if missing:
        raise lacks_columns(description, url, missing)


def missing_columns(columns, features: list[Feature], all_features: list[Feature] | None = None) -> list[str]:
    """The columns of ``features`` that a file of ``columns`` lacks, when that is all that is
    wrong with it: a file holding a name the features list does not know is another file,
    or a damaged one (a flipped bit in the footer renames columns, or leaves none), not
    an incomplete one ([]: the checks that follow call it damaged)."""
    known = {f.name for f in (all_features or features)}
    if not columns or any(name not in known for name in columns):
        return []
    present = set(columns)
    return [f.name for f in features if f.name not in present]


def lacks_columns(description: Description, url: str, missing: list[str]) -> MissingColumnError:
    said = ", ".join(map(repr, missing))
    return MissingColumnError(
        f"its parquet file {url} is readable but lacks the column{'s' * (len(missing) > 1)} "
        f"{said} that OpenML's features list names (OpenML converted some files so: OpenML #1165)",
        dataset=description.label, url=url)


def null_counts(table: Table) -> dict[str, int]:
    """Missing values per column, counted once for both checks below."""
    return {name: count_nulls(column) for name, column in table.items()}


def check_table(table: Table, description: Description, features: list[Feature],
                qualities: dict, url: str, nulls: dict[str, int]) -> None:
    if any(f.name not in table for f in features):
        missing = missing_columns(list(table), features)
        if missing:
            raise lacks_columns(description, url, missing)
        raise damaged(description, url, "columns of the features list are not in it: "
                      f"{[f.name for f in features if f.name not in table]}")
    lengths = {len(column) for column in table.values()}
    if len(lengths) > 1:
        raise damaged(description, url, f"columns of different lengths {sorted(lengths)}")
    rows = lengths.pop() if lengths else 0
    declared = qualities.get("NumberOfInstances")
    try:
        declared = int(float(declared)) if declared is not None else None
    except ValueError:
        declared = None
    if declared is not None and declared != rows:
        raise damaged(description, url, f"{rows} rows where OpenML's qualities say {declared}")
    for name, column in table.items():
        if isinstance(column, DictColumn):
            codes = np.asarray(column.codes)
            if len(codes) and codes.max(initial=-1) >= len(column.values):
                raise damaged(description, url, f"column {name!r} points past its dictionary")
    for feature in features:
        if nulls[feature.name] != feature.n_missing:
            raise damaged(description, url, f"column {feature.name!r} has {nulls[feature.name]} "
                          f"missing values where OpenML's features list says {feature.n_missing}")


def check_statistics(table: Table, body: bytes, description: Description, url: str,
                     nulls: dict[str, int]) -> None:
    """Decoded values against the footer's per-column min / max / null count."""
    try:
        stored = _footer_statistics(body)
    except ValueError as error:
        raise damaged(description, url, str(error)) from error
    for name, (low, high, stored_nulls) in stored.items():
        if name not in table:
            continue
        column = table[name]
        if stored_nulls is not None and nulls[name] != stored_nulls:
            raise damaged(description, url, f"column {name!r} decodes to {nulls[name]} "
                          f"missing values where its footer says {stored_nulls}")
        if low is None or high is None:
            continue
        found = _value_range(column)
        if found is None:
            continue
        # Numbers: the footer holds the exact range of the values. Strings: writers take
        # it from the dictionary, unused levels included, so the values lie within it.
        if isinstance(column, DictColumn) or column.dtype == object:
            wrong = found[0] < low or found[1] > high
        else:
            wrong = found[0] != low or found[1] != high
        if wrong:
            raise damaged(description, url, f"column {name!r} decodes to values from "
                          f"{found[0]!r} to {found[1]!r} where its footer says "
                          f"{low!r} to {high!r}")


def _footer_statistics(body: bytes) -> dict:
    """{column: (min, max, null_count)} summed over row groups; {} when no footer
    reader is importable (the JS decoder alone in Pyodide)."""
    import io

    try:
        import pyarrow.parquet as pq
    except ImportError:
        return {}
    try:
        meta = pq.ParquetFile(io.BytesIO(body)).metadata
    except Exception as error:  # a footer pyarrow cannot parse
        raise ValueError(f"unreadable footer ({error})") from error
    found: dict = {}
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        # pyarrow aborts the whole process (not an exception) when a footer's row group
        # lists a different number of columns than its schema: ask before touching them
        # (found by tests/test_fuzz.py).
        if group.num_columns != meta.num_columns:
            raise ValueError(f"row group {g} has {group.num_columns} columns, the schema "
                             f"{meta.num_columns}")
        for c in range(group.num_columns):
            chunk = group.column(c)
            # likewise when a chunk's physical type differs from its schema column's
            declared = meta.schema.column(c).physical_type
            if chunk.physical_type != declared:
                raise ValueError(f"column {chunk.path_in_schema!r} is {chunk.physical_type} "
                                 f"in row group {g} but {declared} in the schema")
            stats = chunk.statistics
            if stats is None:
                continue
            name = chunk.path_in_schema
            low, high = (stats.min, stats.max) if stats.has_min_max else (None, None)
            nulls = stats.null_count if stats.has_null_count else None
            if name in found:
                old_low, old_high, old_nulls = found[name]
                low = None if None in (low, old_low) else min(low, old_low)
                high = None if None in (high, old_high) else max(high, old_high)
                nulls = None if None in (nulls, old_nulls) else nulls + old_nulls
            found[name] = (low, high, nulls)
    return found


def _value_range(column) -> tuple | None:
    """(smallest, largest) of a column's present values; None when it has none. Counted
    in place (the codes' used levels, fmin / fmax): no copy of the column."""
    if isinstance(column, NullColumn):
        return None
    if isinstance(column, DictColumn):
        used = [column.values[i] for i in column.used]
        return (min(used), max(used)) if used else None
    if column.dtype.kind == "f":
        # fmin / fmax skip NaN without a copy: NaN only when every value is NaN
        low = np.fmin.reduce(column) if len(column) else np.nan
        return None if np.isnan(low) else (low, np.fmax.reduce(column))
    if column.dtype == object:
        present = [v for v in column if v is not None and v == v]  # (NaN: missing, as count_nulls says)
        return (min(present), max(present)) if present else None
    return (column.min(), column.max()) if len(column) else None


def count_nulls(column) -> int:
    if isinstance(column, NullColumn):
        return len(column)
    if isinstance(column, DictColumn):
        return int(np.count_nonzero(np.asarray(column.codes) < 0))
    if column.dtype.kind == "f":
        return int(np.count_nonzero(np.isnan(column)))
    if column.dtype == object:
        return sum(v is None or (isinstance(v, float) and v != v) for v in column)
    return 0


def damaged(description: Description, url: str, problem: str) -> DataIntegrityError:
    return DataIntegrityError(
        f"the parquet file of dataset {description.label} from {url} is damaged: {problem}. "
        "It was not cached.", dataset=description.label, url=url,
    )
