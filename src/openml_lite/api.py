"""The public loaders: ``fetch_openml`` (sync, sklearn's signature) and
``fetch_openml_async``, plus openml-lite's own keywords ``engine`` and ``base_url``."""

from __future__ import annotations

import inspect
import numbers
import os
from dataclasses import replace

from . import _compat, engines
from ._fetch import Request, load, new_fetcher
from .report import publish
from .transport import Transport


def fetch_openml(
    name: str | None = None,
    *,
    version: int | str = "active",
    data_id: int | None = None,
    data_home: str | os.PathLike | None = None,
    target_column: str | list | None = "default-target",
    cache: bool = True,
    return_X_y: bool = False,
    as_frame: bool | str = "auto",
    n_retries: int = 3,
    delay: float = 1.0,
    parser: str = "auto",
    read_csv_kwargs: dict | None = None,
    engine: str = "auto",
    base_url: str | list[str] | None = None,
    progress="auto",
    dtypes: str = "sklearn",
    columns: list[str] | None = None,
    max_memory: int | str | None = "auto",
    nrows: int | None = None,
    skiprows: int = 0,
    transport: Transport | None = None,
    with_report: bool = False,
):
    """Load an OpenML dataset: ``sklearn.datasets.fetch_openml``, read from parquet.

    Same parameters, same Bunch (see the user guide's "Parity with scikit-learn"), plus:

    as_frame : bool or {"auto", "pandas", "polars"}
        sklearn's values (True = "pandas"), and "polars": polars DataFrames and Series
        with the pandas result's values, nulls for missing values and ``pl.Enum`` for
        nominal columns (the user guide's "Results and performance"). ``as_frame=False`` gives numpy arrays and
        imports pandas only for OpenML "integer" columns (whose arrays hold pandas' NA).

    engine : {"auto", "pyarrow", "fastparquet", "polars", "js"}
        The parquet reader; "auto" takes the fastest one that works here ("js", the
        bundled JavaScript decoder, exists only in Pyodide).
    base_url : str or list of str, optional
        The OpenML server (default ``$OPENML_LITE_BASE_URL`` or https://www.openml.org), or
        several, in order (a list, or one string of URLs separated by spaces or commas;
        the environment variable takes the same forms): servers and mirrors, e.g. a local
        mirror (``python -m openml_lite.mirror serve``) or a static one (``python -m
        openml_lite.mirror export``). Each request goes to the first that answers; one
        that does not answer, or answers as no OpenML server does, is left out for the
        rest of the load (``LoadReport.served`` and ``.skipped`` say which served what).
        URLs in OpenML's descriptions, of every age (``http://openml1.win.tue.nl/...``,
        ``api.openml.org``), are mapped onto these servers over https where possible.
    progress : "auto", bool or callable(received, total)
        A progress bar for data files over 1 MB: "auto" shows it in terminals and
        notebooks (not under pytest, not with ``OPENML_LITE_PROGRESS=0``); a callable
        gets every update instead.
    dtypes : {"sklearn", "openml"}
        "sklearn" (default): sklearn's dtypes exactly (int64, unordered categories of
        the values that occur, sorted). "openml": the parquet file's own compact types
        (uint8 stays uint8; ordered categories with every declared level in declared
        order), about 8x less memory on pixel data. Parquet path only.
    columns : list of str, optional
        Only these data columns (target columns come too): the same Bunch as selecting
        them from a full load, ``data`` in the order given. Where the server answers
        HTTP range requests (data.openml.org and the mirror do) only the file's footer
        and these columns' bytes are downloaded; otherwise the whole file is.
    max_memory : "auto", int or None
        Before the data file is downloaded, the load's memory is estimated from OpenML's
        metadata (rows, column types, the output kind and ``dtypes``; the user guide's "Memory"). One
        that cannot fit raises ``DatasetTooLargeError`` (a ``MemoryError``) naming the
        estimate, the limit and the arguments that would fit (``dtypes="openml"``,
        ``as_frame=False``, fewer ``columns``); one that takes most of it warns
        (``MemoryWarning``). "auto": what this runtime can hold (CPython: the machine's
        available memory; Pyodide: its 4 GB of wasm memory less what is in use, and
        numpy's 2 GB for one array); an int: that many bytes; None: no check.
    nrows : int, optional
        Only this many rows (after ``skiprows``), as pandas' ``read_csv`` (which sklearn's
        pandas parser uses, and which its ``read_csv_kwargs={"nrows": ...}`` reaches):
        the same Bunch as sklearn's for those rows, categories those that occur in them.
        Where the server answers range requests only the pages that hold them are read:
        OpenML's files hold one row group, so a column's dictionary page and its data
        pages up to the last row asked (the user guide's "Only some rows").
    skiprows : int
        Leave out this many first rows (read_csv's, as an int).
    transport : optional
        How bytes are fetched (tests and special environments); default: urllib on
        CPython, the browser's fetch in Pyodide.
    with_report : bool
        Return ``(result, report)``: the result as without it, and this load's
        :class:`LoadReport` (engine, source, bytes, seconds per step, servers). Loads that
        overlap (``fetch_openml_async`` under ``asyncio.gather``, two loads in one page)
        each get their own; ``last_load_report()`` holds whichever ended last.

    Datasets without parquet (sparse ones) are read from ARFF with scikit-learn's
    parser, with an ``ArffFallbackWarning``; ``parser="liac-arff"`` does the same.
    """
    arguments = locals()
    request = _request(**{k: v for k, v in arguments.items() if k != "with_report"})
    runtime = _compat.sync_runtime().with_transport(transport)
    fetcher = new_fetcher(runtime, data_home=data_home, cache=cache, n_retries=n_retries, delay=delay)
    return _returned(runtime.run(load(request, runtime, fetcher, base_url)), with_report)


async def fetch_openml_async(
    name: str | None = None,
    *,
    version: int | str = "active",
    data_id: int | None = None,
    data_home: str | os.PathLike | None = None,
    target_column: str | list | None = "default-target",
    cache: bool = True,
    return_X_y: bool = False,
    as_frame: bool | str = "auto",
    n_retries: int = 3,
    delay: float = 1.0,
    parser: str = "auto",
    read_csv_kwargs: dict | None = None,
    engine: str = "auto",
    base_url: str | list[str] | None = None,
    progress="auto",
    dtypes: str = "sklearn",
    columns: list[str] | None = None,
    max_memory: int | str | None = "auto",
    nrows: int | None = None,
    skiprows: int = 0,
    transport: Transport | None = None,
    with_report: bool = False,
):
    """``fetch_openml`` for ``await``: the natural form in the browser. Loads may overlap
    (``asyncio.gather``): each has its own report (``with_report=True``)."""
    arguments = locals()
    request = _request(**{k: v for k, v in arguments.items() if k != "with_report"})
    runtime = _compat.async_runtime().with_transport(transport)
    fetcher = new_fetcher(runtime, data_home=data_home, cache=cache, n_retries=n_retries, delay=delay)
    return _returned(await load(request, runtime, fetcher, base_url), with_report)


def _returned(loaded, with_report: bool):
    """The load's result, or ``(result, report)``; its report also becomes
    ``last_load_report()``'s (the most recent load of this interpreter to end)."""
    publish(loaded.report)
    return (loaded.result, loaded.report) if with_report else loaded.result


def memory_plan(name: str | None = None, *, exact: bool = False, **keywords):
    """What ``fetch_openml(name, **keywords)`` would take in memory, and whether it fits
    here, without loading it: the description, features and qualities are read (and the
    parquet file's footer, one range request of the file's end, where only it can decide,
    or with ``exact=True``: one figure instead of a range); no data. Returns
    a ``memory.Plan``: ``estimate`` (bytes, ``low`` to ``high``; ``about()`` in words),
    ``room`` (what this runtime can hold), ``verdict`` ("fits", "tight", "may not fit",
    "too big": where fetch_openml would raise DatasetTooLargeError), ``ways`` (other
    arguments that would fit, each with its ``arguments`` and ``estimate``) and
    ``message``. None where no plan is made: a dataset without parquet (sparse, read
    from ARFF), without a row count, or ``max_memory=None``."""
    arguments = _plan_arguments(name, keywords)
    runtime = _compat.sync_runtime().with_transport(arguments["transport"])
    return runtime.run(_plan(arguments, runtime, exact))


async def memory_plan_async(name: str | None = None, *, exact: bool = False, **keywords):
    """``memory_plan`` for ``await``."""
    arguments = _plan_arguments(name, keywords)
    return await _plan(arguments, _compat.async_runtime().with_transport(arguments["transport"]), exact)


def _plan_arguments(name, keywords: dict) -> dict:
    unknown = sorted(set(keywords) - set(_DEFAULTS))
    if unknown:
        raise TypeError(f"memory_plan() got unexpected keyword arguments: {', '.join(unknown)}")
    return {**_DEFAULTS, **keywords, "name": name}


def _plan(arguments: dict, runtime, exact: bool):
    request = replace(_request(**arguments, plan_only=True), plan_exact=bool(exact))
    fetcher = new_fetcher(runtime, data_home=arguments["data_home"], cache=arguments["cache"],
                          n_retries=arguments["n_retries"], delay=arguments["delay"])
    return load(request, runtime, fetcher, arguments["base_url"])


def _request(*, name, version, data_id, data_home, target_column, cache, return_X_y, as_frame,
             n_retries, delay, parser, read_csv_kwargs, engine, base_url, progress, dtypes,
             columns, max_memory, nrows, skiprows, transport, plan_only=False) -> Request:
    """sklearn's argument checks (same exception types), plus ours."""
    _check(name is None or isinstance(name, str), "name", "an instance of 'str' or None", name)
    _check(version == "active" or _int_at_least(version, 1), "version",
           "an int in the range [1, inf) or a str among {'active'}", version)
    _check(data_id is None or _int_at_least(data_id, 1), "data_id",
           "an int in the range [1, inf) or None", data_id)
    _check(target_column is None or isinstance(target_column, (str, list)), "target_column",
           "an instance of 'str', an instance of 'list' or None", target_column)
    _check(_is_bool(as_frame) or (isinstance(as_frame, str) and as_frame in _AS_FRAME_NAMES),
           "as_frame", f"an instance of 'bool' or a str among {set(_AS_FRAME_NAMES)}", as_frame)
    _check(_int_at_least(n_retries, 1), "n_retries", "an int in the range [1, inf)", n_retries)
    _check(isinstance(delay, numbers.Real) and not isinstance(delay, bool) and delay > 0,
           "delay", "a float in the range (0.0, inf)", delay)
    parsers = {"auto", "pandas", "liac-arff"}  # printed as a set, like sklearn (order varies by process)
    _check(parser in parsers, "parser", f"a str among {{{', '.join(map(repr, parsers))}}}", parser)
    _check(engine in engines.ENGINE_NAMES, "engine", f"a str among {set(engines.ENGINE_NAMES)}", engine)
    _check(progress in ("auto", True, False) or callable(progress), "progress",
           "'auto', a bool or a callable", progress)
    _check(dtypes in ("sklearn", "openml"), "dtypes", "a str among {'sklearn', 'openml'}", dtypes)
    _check(base_url is None or isinstance(base_url, str)
           or (isinstance(base_url, (list, tuple)) and all(isinstance(u, str) for u in base_url)),
           "base_url", "a str, a list of str or None", base_url)
    _check(max_memory is None or max_memory == "auto" or _int_at_least(max_memory, 1), "max_memory",
           "'auto', an int in the range [1, inf) or None", max_memory)
    # read_csv_kwargs' nrows and skiprows (ints) are these rows, on the parquet path too
    read_csv_kwargs = dict(read_csv_kwargs) if read_csv_kwargs else read_csv_kwargs
    for key in ("nrows", "skiprows"):
        if read_csv_kwargs and _int_at_least(read_csv_kwargs.get(key), 0):
            given = {"nrows": nrows, "skiprows": skiprows}[key]
            if given not in (None, 0):
                raise ValueError(f"{key} given twice: {key}={given!r} and read_csv_kwargs[{key!r}]")
            value = read_csv_kwargs.pop(key)
            nrows, skiprows = (value, skiprows) if key == "nrows" else (nrows, value)
    _check(nrows is None or _int_at_least(nrows, 1), "nrows", "an int in the range [1, inf) or None", nrows)
    _check(_int_at_least(skiprows, 0), "skiprows", "an int in the range [0, inf)", skiprows)
    _check(columns is None or (isinstance(columns, (list, tuple)) and len(columns) > 0
                               and all(isinstance(c, str) for c in columns)),
           "columns", "a non-empty list of str or None", columns)
    if name is not None and data_id is not None:
        raise ValueError(
            f"Dataset data_id={data_id} and name={name.lower()} passed, but you can only "
            "specify a numeric data_id or a name, not both."
        )
    if name is None and data_id is None:
        raise ValueError("Neither name nor data_id are provided. Please provide name or data_id.")
    if data_id is not None and version != "active":
        raise ValueError(
            f"Dataset data_id={data_id} and version={version} passed, but you can only "
            "specify a numeric data_id or a version, not both."
        )
    return Request(name=name, version=version, data_id=data_id, target_column=target_column,
                   return_X_y=return_X_y, as_frame=bool(as_frame) if _is_bool(as_frame) else as_frame,
                   parser=parser,
                   read_csv_kwargs=read_csv_kwargs, engine=engine, progress=progress, dtypes=dtypes,
                   columns=None if columns is None else tuple(columns), max_memory=max_memory,
                   nrows=nrows, skiprows=skiprows, plan_only=plan_only)


_AS_FRAME_NAMES = ("auto", "pandas", "polars")
# fetch_openml's keywords and defaults, for memory_plan (which takes the same)
_DEFAULTS = {key: value.default for key, value in inspect.signature(fetch_openml).parameters.items()
             if key not in ("name", "with_report")}


def _is_bool(value) -> bool:
    """bool or numpy's bool_ (sklearn's "boolean"), without importing numpy."""
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def _int_at_least(value, low: int) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= low


def _check(ok: bool, parameter: str, expected: str, got) -> None:
    if not ok:
        raise InvalidParameterError(
            f"The {parameter!r} parameter of fetch_openml must be {expected}. Got {got!r} instead."
        )


class InvalidParameterError(ValueError, TypeError):
    """Like sklearn's InvalidParameterError: both a ValueError and a TypeError."""
