"""The slow path: the ARFF file through scikit-learn's own ARFF parsers.

Taken for sparse datasets (OpenML has no parquet for them), when the parquet file
cannot be had, or when the caller asks for parser="liac-arff". The md5 that OpenML
publishes for the ARFF file is checked before parsing.
"""

from __future__ import annotations

import hashlib
import io

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
    return dict(data=X, target=y, frame=frame, categories=categories,
                feature_names=selection.feature_names, target_names=selection.target_names)
