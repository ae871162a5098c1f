"""Which columns become data and which become target: sklearn's rules, checked up front
(before any data is downloaded) with sklearn's exception types and messages."""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass

from .errors import ColumnNotFoundError, TargetColumnError
from .openml import Description, Feature

NUMERIC_TYPES = ("numeric", "real", "integer")


@dataclass(frozen=True)
class Selection:
    feature_names: list[str]
    target_names: list[str]


def select_columns(
    description: Description, features: list[Feature], target_column, *, as_frame: bool,
    columns=None,
) -> Selection:
    """sklearn's data and target columns; ``columns``: only those data columns."""
    by_name = {f.name: f for f in features}
    if not as_frame and columns is None:  # sklearn checks this first
        _no_strings(description, features)

    if target_column == "default-target":
        # the features' is_target flag, not the description's default_target_attribute:
        # sklearn does the same (openml/OpenML#768)
        targets = [f.name for f in features if f.is_target]
    elif isinstance(target_column, str):
        targets = [target_column]
    elif target_column is None:
        targets = []
    else:
        targets = list(target_column)

    kinds = set()
    for name in targets:
        if name not in by_name:
            raise TargetColumnError(
                f"Could not find target_column={name!r} in dataset {description.label}; "
                f"its columns are {[f.name for f in features]}",
                dataset=description.label,
            )
        feature = by_name[name]
        kinds.add(feature.data_type == "numeric")  # sklearn's test, kept for parity
        if feature.is_ignore:
            warnings.warn(f"target_column={name!r} has flag is_ignore.", stacklevel=5)
        if feature.is_row_identifier:
            warnings.warn(f"target_column={name!r} has flag is_row_identifier.", stacklevel=5)
    if len(kinds) > 1:
        raise ValueError(
            "Can only handle homogeneous multi-target datasets, i.e., all targets are "
            f"either numeric or categorical (dataset {description.label})."
        )
    for name in targets:
        if by_name[name].n_missing > 0:
            raise ValueError(
                f"Target column '{name}' has {by_name[name].n_missing} missing values. "
                f"Missing values are not supported for target columns (dataset {description.label})."
            )

    data = [
        f.name for f in features
        if f.name not in targets and not f.is_ignore and not f.is_row_identifier
    ]
    selection = Selection(feature_names=data, target_names=targets)
    if columns is not None:
        selection = keep_only(selection, columns, description)
        if not as_frame:  # only the columns asked for must be numbers
            _no_strings(description, [by_name[n] for n in (*selection.feature_names, *targets)])
    return selection


def _no_strings(description: Description, features: list[Feature]) -> None:
    for feature in features:
        if feature.data_type == "string" and not (feature.is_ignore or feature.is_row_identifier):
            raise ValueError(
                "STRING attributes are not supported for array representation. "
                f"Try as_frame=True (dataset {description.label}, column {feature.name!r})"
            )


def keep_only(selection: Selection, columns, description: Description) -> Selection:
    """``columns=``: a subset of the data columns, in the order asked for."""
    unknown = [c for c in columns if c not in selection.feature_names]
    if unknown:
        others = [c for c in unknown if c in selection.target_names]
        why = f" ({others} {'is' if len(others) == 1 else 'are'} the target)" if others else ""
        raise ColumnNotFoundError(
            f"columns {unknown} are not data columns of dataset {description.label}{why}; "
            f"it has {len(selection.feature_names)}: {_shorten(selection.feature_names)}",
            dataset=description.label,
        )
    repeated = sorted(name for name, times in Counter(columns).items() if times > 1)
    if repeated:
        raise ValueError(f"columns lists {repeated} more than once (dataset {description.label})")
    return Selection(feature_names=list(columns), target_names=selection.target_names)


def _shorten(names: list[str], keep: int = 12) -> str:
    shown = ", ".join(map(repr, names[:keep]))
    return shown + (f", ... ({len(names) - keep} more)" if len(names) > keep else "")
