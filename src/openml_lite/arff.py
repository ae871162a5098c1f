"""The slow path: the ARFF file through scikit-learn's own ARFF parsers.

Taken for sparse datasets (OpenML has no parquet for them), when the parquet file
cannot be had, or when the caller asks for parser="liac-arff". The md5 that OpenML
publishes for the ARFF file is checked before parsing.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re

from .errors import DataIntegrityError, EngineUnavailableError
from .openml import Description, Feature
from .selection import Selection


def check_md5(body: bytes, description: Description, url: str) -> None:
    expected = description.get("md5_checksum")
    if not expected:
        return
    actual = hashlib.md5(body).hexdigest()
    if actual != expected:
        raise DataIntegrityError(
            f"the ARFF file of dataset {description.label} downloaded from {url} has md5 "
            f"{actual}, but OpenML lists {expected}: the file is corrupted or was changed. "
            "It was not cached; try again.", dataset=description.label, url=url,
        )


def parse_arff(body: bytes, description: Description, features: list[Feature],
               selection: Selection, *, as_frame: bool, parser: str,
               shape: tuple[int, int] | None = None, read_csv_kwargs: dict | None = None) -> dict:
    """data, target, frame, categories, feature_names, target_names via sklearn."""
    try:
        from sklearn.datasets._arff_parser import load_arff_from_gzip_file
    except ImportError as error:
        raise EngineUnavailableError(
            f"dataset {description.label} must be read from ARFF, which needs scikit-learn "
            "(pip install scikit-learn).", dataset=description.label,
        ) from error
    if parser == "auto":
        parser = "liac-arff" if description.is_sparse else "pandas"
    output_type = "sparse" if description.is_sparse else "pandas" if as_frame else "numpy"
    params = dict(
        parser=parser, output_type=output_type,
        openml_columns_info={f.name: f.raw for f in features},
        feature_names_to_select=selection.feature_names,
        target_names_to_select=selection.target_names,
        shape=shape, read_csv_kwargs=dict(read_csv_kwargs or {}),
    )
    nominals_as_text = (parser == "pandas" and output_type != "sparse"
                        and "dtype" not in params["read_csv_kwargs"] and _read_csv_types_categories())
    if nominals_as_text:
        # pandas >= 3.1 types the categories read_csv(dtype="category") makes (int64,
        # bool, ...) and sklearn 1.9.1 then fails on them (re.search on an int while
        # stripping quotes): read nominal columns as text instead and categorise them
        # below as pandas <= 3.0 did, so the categories stay the ARFF's strings.
        params["output_type"] = "pandas"
        params["read_csv_kwargs"]["dtype"] = {
            i: "Int64" if f.data_type == "integer" else "str"
            for i, f in enumerate(features) if f.data_type in ("integer", "nominal")
        }
    # sklearn's parsers read lines of bytes; a BytesIO serves as well as a GzipFile.
    try:
        X, y, frame, categories = load_arff_from_gzip_file(io.BytesIO(body), **params)
    except Exception as error:
        from pandas.errors import ParserError

        if parser != "pandas" or not isinstance(error, ParserError):
            raise
        # sklearn retries with the other quote character before giving up
        params["read_csv_kwargs"].update(quotechar="'")
        X, y, frame, categories = load_arff_from_gzip_file(io.BytesIO(body), **params)
    if nominals_as_text:
        X, y, frame, categories = _categorise(frame, features, selection, as_frame)
    return dict(data=X, target=y, frame=frame, categories=categories,
                feature_names=selection.feature_names, target_names=selection.target_names)


@functools.cache
def _read_csv_types_categories() -> bool:
    """Whether this pandas gives read_csv(dtype="category") typed categories ("1" ->
    int64): pandas >= 3.1 does (pandas#64659); before, categories were strings."""
    import pandas as pd

    column = pd.read_csv(io.StringIO("1\n"), header=None, dtype={0: "category"})[0]
    return not pd.api.types.is_string_dtype(column.cat.categories.dtype)


_SINGLE_QUOTED = re.compile(r"^'(?P<contents>.*)'$")  # as sklearn strips categories


def _categorise(frame, features: list[Feature], selection: Selection, as_frame: bool):
    """What sklearn's pandas parser returns from ``frame`` (nominal columns read as
    text) when read_csv gives string categories: each nominal an unordered Categorical
    of the values that occur, sorted as read (quotes and all), then unquoted."""
    import pandas as pd

    def unquote(value):
        match = _SINGLE_QUOTED.search(value)
        return value if match is None else match.group("contents")

    nominal = {f.name for f in features if f.data_type == "nominal"}
    frame = frame.copy()
    for name in frame.columns:
        if name in nominal:
            column = frame[name].astype("category")
            if len(column.cat.categories) == 0:  # read_csv's empty categories: object
                column = column.cat.set_categories(column.cat.categories.astype(object))
            frame[name] = column.cat.rename_categories(unquote)
    targets = selection.target_names
    X = frame[selection.feature_names]
    y = frame[targets] if len(targets) >= 2 else frame[targets[0]] if targets else None
    if as_frame:
        return X, y, frame, None
    categories = {name: dtype.categories.tolist() for name, dtype in frame.dtypes.items()
                  if isinstance(dtype, pd.CategoricalDtype)}
    return X.to_numpy(), None if y is None else y.to_numpy(), None, categories


def rows_of(parts: dict, skip: int, count: int | None) -> dict:
    """The parts of a result, rows ``skip`` to ``skip + count`` (None: to the end): arrays,
    sparse matrices, frames. (liac-arff's categories stay those of every row.)"""
    stop = None if count is None else skip + count

    def cut(part):
        if part is None:
            return None
        if hasattr(part, "iloc"):
            return part.iloc[skip:stop]
        return part[skip:stop]

    return {**parts, **{key: cut(parts[key]) for key in ("data", "target", "frame")}}
