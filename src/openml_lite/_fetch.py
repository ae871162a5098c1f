"""The loading plan: which documents to get, in what order, and what to do with them.

One async implementation serves both APIs (micropip's way): ``fetch_openml_async``
awaits it with a non-blocking transport; ``fetch_openml`` drives the same coroutine
with a blocking transport, under which it never suspends (see ``_sync.py``).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from dataclasses import dataclass, replace
from typing import NamedTuple

from . import engines, outputs, progress
from ._compat import Runtime
from .bunch import make_bunch
from .errors import (
    ArffFallbackWarning, ColumnTypeError, DataIntegrityError, DownloadError,
    EngineUnavailableError, InactiveDatasetWarning, MissingColumnError, MissingDependencyError,
    OpenMLError, UnusableParquetError,
)
from .fetcher import Fetcher, Pending
from .openml import Description, Feature, OpenMLClient
from .report import LoadReport
from .selection import Selection, select_columns
from .servers import ServerPool
from .transport import Response

log = logging.getLogger("openml_lite")

# A parquet file that is simply not there (OpenML users report missing files often):
# the ARFF copy is as good, so these lead to the ARFF path instead of an error.
_PARQUET_MISSING = {403, 404, 410}


@dataclass(frozen=True)
class Request:
    name: str | None
    version: int | str
    data_id: int | None
    target_column: str | list | None
    return_X_y: bool
    as_frame: bool | str  # True, False, "auto", "pandas" or "polars"
    parser: str
    read_csv_kwargs: dict | None
    engine: str
    progress: object = "auto"  # "auto", True, False, or a callable(received, total)
    dtypes: str = "sklearn"  # or "openml": the parquet file's own compact types
    columns: tuple[str, ...] | None = None  # only these data columns (and the target)
    max_memory: int | str | None = "auto"  # the memory plan's limit ("auto": this runtime's)
    nrows: int | None = None  # only this many rows (after skiprows)
    skiprows: int = 0  # from this row on
    plan_only: bool = False  # memory_plan(): the metadata and the plan, no data
    plan_exact: bool = False  # memory_plan(exact=True): the footer read even where not needed

    @property
    def some_rows(self) -> bool:
        return self.nrows is not None or self.skiprows > 0


class Loaded(NamedTuple):
    """What a load gives back: its result (the Bunch, or ``(data, target)``) and its own
    report. Returned, never kept in a module: loads that overlap (two in one page) each
    get theirs."""

    result: object
    report: LoadReport


async def load(request: Request, runtime: Runtime, fetcher: Fetcher, base_url):
    """The load ``request`` asks (:class:`Loaded`), or with ``request.plan_only`` its
    memory plan."""
    # what the output kind surely needs ("auto" counts as dense until the description
    # says; numpy arrays may need pandas too: known once the features are)
    kind = outputs.output_kind(request.as_frame, sparse=False)
    await _ensure_modules(request, runtime, "numpy", *_OUTPUT_MODULES[kind])
    client = OpenMLClient(fetcher, base_url)
    pool = client.pool  # the servers, in order; which served what
    report = LoadReport()
    report.start()
    data_id = request.data_id
    if request.name is not None:
        data_id = await client.find_by_name(request.name.lower(), request.version)
    # Under the async API requests overlap: features and qualities go out with the
    # description, the engine (a JS module, or a Pyodide package) as soon as it is read,
    # the parquet file as soon as the memory plan allows: at once where the qualities' row
    # and column counts say it surely fits, else once the features say how much it takes.
    # A failure anywhere discards the requests still running. Under the sync API each
    # runs when awaited, in the order written here.
    features_answer, qualities_answer = client.ask_features_and_qualities(data_id)
    pending = [features_answer, qualities_answer]
    try:
        description = await client.description(data_id)
        _warn_about_status(description)
        output = _output_kind(description, request)
        as_frame = output != "numpy"
        why_arff = _why_not_parquet(description, request)
        early = None
        if why_arff is None and not request.plan_only:
            early = _EarlyParquet(engine=fetcher.start(_engine(request, runtime)), body=None)
            pending.append(early.engine)
        # the row count, for the memory plan, checking parquet and liac-arff's shape;
        # sparse data needs none
        if description.is_sparse:
            qualities_answer.discard()
            qualities = {}
        else:
            qualities = await client.qualities(description, qualities_answer)
        if early is not None and _whole_file(request) and _surely_small(runtime, request, qualities):
            early.body = _start_download(fetcher, pool, description, request, report)
            pending.append(early.body)
        features = await client.features(description, features_answer)
        selection = select_columns(description, features, request.target_column, as_frame=as_frame,
                                   columns=request.columns)
        if output == "numpy":
            from .convert import needs_pandas_for_arrays  # numpy: there by now

            if needs_pandas_for_arrays(features, selection, request.dtypes):
                await _ensure_modules(request, runtime, "pandas")
        report.dataset, report.data_id = description.label, description.id
        report.mark("metadata")
        if request.plan_only:  # memory_plan(): no data, no engine
            plan = None if why_arff is not None else await _memory_plan(
                fetcher, pool, runtime, request, description, features, qualities, selection, output)
            await fetcher.commit()  # the metadata, for the load that follows
            return plan
        if early is not None:
            plan = await _memory_plan(fetcher, pool, runtime, request, description, features,
                                      qualities, selection, output)
            report.memory = plan.enforce() if plan is not None else None
            if _whole_file(request) and early.body is None:  # (else byte ranges, later)
                early.body = _start_download(fetcher, pool, description, request, report)
                pending.append(early.body)

        parts = None
        if early is not None:
            parts = await _from_parquet(fetcher, pool, description, features, qualities,
                                        selection, output, request, report, early)
            if isinstance(parts, _Arff):
                why_arff, parts = parts.reason, None
        if parts is None:
            warnings.warn(
                f"dataset {description.label}: {why_arff}; reading the ARFF file instead "
                "(the slow path; same result as sklearn).", ArffFallbackWarning, stacklevel=4,
            )
            parts = await _from_arff(fetcher, pool, runtime, description, features, selection,
                                     output, request, qualities, report)
    except BaseException:
        for request_running in pending:
            if request_running is not None:
                request_running.discard()
        raise

    await fetcher.commit()  # only now: nothing of a failed load reaches the cache
    report.served = [served.as_dict() for served in pool.served]
    report.skipped = dict(pool.skipped)
    report.mark("save")
    report.finish()
    log.info("loaded %s with %s in %.3f s", description.label, report.engine, report.seconds["total"])
    if request.return_X_y:
        return Loaded((parts["data"], parts["target"]), report)
    details = dict(description.raw)
    text = details.pop("description", "")
    return Loaded(make_bunch(
        **parts,
        DESCR=f"{text}\n\nDownloaded from openml.org.",
        details=details,
        url=f"https://www.openml.org/d/{data_id}",  # sklearn's, whatever server was used
    ), report)


# The library each output kind builds with (numpy: every kind)
_OUTPUT_MODULES = {"pandas": ("pandas",), "numpy": (), "polars": ("polars",)}


def _output_kind(description: Description, request: Request) -> str:
    """The output kind ("pandas", "numpy", "polars"); sklearn's errors for what sparse
    data cannot give."""
    sparse = description.is_sparse
    output = outputs.output_kind(request.as_frame, sparse=sparse)
    if sparse and output != "numpy":
        raise ValueError(
            f"Sparse ARFF datasets cannot be loaded with as_frame={request.as_frame!r}. "
            "Use as_frame=False or as_frame='auto' instead."
        )
    if sparse and request.parser == "pandas":
        raise ValueError(
            f"Sparse ARFF datasets cannot be loaded with parser={request.parser!r}. "
            "Use parser='liac-arff' or parser='auto' instead."
        )
    return output


@dataclass
class _EarlyParquet:
    engine: Pending  # of _engine()
    body: Pending | None  # of the whole file's _data_file(), unless columns= was given


async def _ensure_modules(request: Request, runtime: Runtime, *modules: str) -> None:
    """numpy builds every result, pandas or polars the frames; ``import openml_lite``
    needs none of them (a fresh page imports it faster, and the numpy-free layer runs
    where they cannot)."""
    for module in modules:
        try:
            await runtime.ensure_importable(module)
        except ModuleNotFoundError as error:
            label = request.name if request.name is not None else f"data_id={request.data_id}"
            if runtime.load_package is not None:  # it tried: the package is not to be had
                how = (f"this Pyodide could not load it (pyodide.loadPackage({module!r}) found "
                       "no file for it: not in this release's lock, or not reachable)")
            else:
                how = (f"it is not installed here ({error}): pip install {module}, or in "
                       f"Pyodide `await pyodide.loadPackage({module!r})` (fetch_openml_async "
                       "and fetch_openml with JSPI load it themselves)")
            raise MissingDependencyError(f"loading {label} needs {module}, but {how}.",
                                         dataset=label) from error


async def _engine(request: Request, runtime: Runtime):
    """The engine module, or (engine="auto" finding none) why the ARFF copy is read."""
    try:
        return await engines.choose_engine(request.engine, runtime)
    except EngineUnavailableError as error:
        if request.engine != "auto":
            raise
        return _Arff(str(error))


def _whole_file(request: Request) -> bool:
    """Whether the load reads the whole file (else some columns or rows, by range)."""
    return request.columns is None and not request.some_rows


def _start_download(fetcher: Fetcher, pool: ServerPool, description: Description, request: Request,
                    report: LoadReport) -> Pending:
    return fetcher.start(_data_file(fetcher, pool, description.parquet_url, description, request,
                                    report, "parquet", book=False))


def _surely_small(runtime: Runtime, request: Request, qualities: dict) -> bool:
    """Whether the qualities' counts alone say the load fits, whatever its columns are
    (memory.most_per_value), so its download may begin before the features arrive."""
    from . import memory

    try:
        rows, columns = int(float(qualities["NumberOfInstances"])), int(float(qualities["NumberOfFeatures"]))
    except (KeyError, TypeError, ValueError):
        return False
    room = _room(runtime, request)
    return room is not None and memory.surely_fits(rows, columns, room)


def _room(runtime: Runtime, request: Request):
    """What the load may take (memory.Room): max_memory's bytes, or the runtime's room."""
    from . import memory

    if request.max_memory is None:
        return memory.Room(total=None, per_array=None, where="no limit (max_memory=None)")
    here = runtime.memory_room() if runtime.memory_room is not None else None
    if request.max_memory == "auto":
        return here
    return memory.Room(total=int(request.max_memory), per_array=here.per_array if here else None,
                       where=f"max_memory={int(request.max_memory)} bytes")


async def _memory_plan(fetcher: Fetcher, pool: ServerPool, runtime: Runtime, request: Request,
                       description: Description, features: list[Feature], qualities: dict,
                       selection: Selection, output: str):
    """Will the load fit in memory here? The plan (memory.Plan, whose enforce() raises
    DatasetTooLargeError where it surely cannot), before any data byte is downloaded; where
    only the file can tell (how it stores its numbers), its footer is read first (one range
    request). None when the row count is unknown or the check is off."""
    from . import memory

    if request.max_memory is None:
        return None
    rows = qualities.get("NumberOfInstances")
    try:
        rows = max(int(float(rows)) - request.skiprows, 0)
    except (TypeError, ValueError):
        log.info("%s: no row count in its qualities, no memory plan", description.label)
        return None
    if request.nrows is not None:
        rows = min(rows, request.nrows)
    room = _room(runtime, request)
    if room is None:
        return None
    wanted = set(selection.feature_names) | set(selection.target_names)
    shared, arrow_text = _pandas_copies_on_write() if output == "pandas" else (False, False)
    shape = memory.Shape(tuple(f for f in features if f.name in wanted), tuple(selection.target_names),
                         rows, output, request.dtypes, shared_data=shared, arrow_text=arrow_text,
                         file_kept=fetcher.keeps_files)
    found = memory.estimate(shape)
    undecided = not memory.fits(found, room, surely=True) and memory.fits(found, room, surely=False)
    if (undecided or request.plan_exact) and not found.known:
        from .projection import fetch_footer

        url = pool.data_file(description.parquet_url)[0][1]
        read = await fetch_footer(fetcher, url, dataset=description.label)
        if read is not None:
            shape = replace(shape, footer=read[0], file_size=read[1])
            if read[4] is not None and not request.plan_only:
                # the whole file came (a small file, or a server that ignores Range): the
                # load reads it from here rather than downloading it again
                fetcher.stage(url, read[4])
    asked = {"as_frame": request.as_frame, "dtypes": request.dtypes}
    if request.columns is not None:
        asked["columns"] = list(request.columns)
    if request.some_rows:
        asked.update(nrows=request.nrows, skiprows=request.skiprows)
    return memory.judge(shape, room, asked, dataset=description.label, url=description.parquet_url)


def _pandas_copies_on_write() -> tuple[bool, bool]:
    """(data shares the frame's memory, text is held as Arrow strings): pandas 3 both;
    pandas 2 the first where the user turned copy-on-write on."""
    from .outputs.frames import PANDAS_3  # pandas: imported by now for a frame
    from .outputs.to_pandas import copies_on_write

    return copies_on_write(), PANDAS_3


def _why_not_parquet(description: Description, request: Request) -> str | None:
    if description.is_sparse:
        return "sparse dataset (OpenML has no parquet for sparse data)"
    if request.parser == "liac-arff":
        return "parser='liac-arff' was asked for, which only the ARFF path gives"
    if not description.parquet_url:
        return "its description has no parquet_url"
    return None


async def _data_file(fetcher: Fetcher, pool: ServerPool, url: str, description: Description,
                     request: Request, report: LoadReport, source: str, *, cache_only: bool = False,
                     book: bool = True):
    """Download a data file (with progress) from the first server that has it (``url`` as
    the description writes it, mapped onto the load's servers) and, if ``book``, book it
    in the report; with ``cache_only``, None when it is not in the cache. A server that
    does not have it answers 403/404/410; no server has it: DownloadError."""
    candidates = pool.data_file(url)
    what = f"the {source} file"
    if cache_only:
        response = await pool.cached(fetcher, candidates, what=what)
    else:
        bar = progress.resolve(request.progress)
        response = await pool.first(fetcher, candidates, what=what, dataset=description.label,
                                    progress=bar(candidates[0][1]) if bar else None)
    if response is not None and book:
        _book_file(report, response, source)
    return response


def _book_file(report: LoadReport, response: Response, source: str) -> None:
    _book(report, response.url, len(response.body), cached=response.cached, source=source)


def _book(report: LoadReport, url: str, size: int, *, cached: bool, source: str = "parquet",
          range_requests: int = 0) -> None:
    report.source, report.data_url, report.data_bytes = source, url, size
    report.from_cache, report.range_requests = cached, range_requests
    report.mark("download")


class _Arff(NamedTuple):
    """Parquet cannot give this load's data: the ARFF copy is read instead, for ``reason``
    (said in the ArffFallbackWarning)."""

    reason: str


async def _from_parquet(fetcher: Fetcher, pool: ServerPool, description: Description,
                        features: list[Feature], qualities: dict, selection: Selection, output: str,
                        request: Request, report: LoadReport, early: _EarlyParquet) -> dict | _Arff:
    """The Bunch's parts from the parquet file, or why the ARFF copy must give them: one
    loop of attempts, each chosen by attempts.next_attempt from what came of the last."""
    from . import attempts, convert  # numpy (and the output's library): imported by a load

    engine = await early.engine.result()
    if isinstance(engine, _Arff):  # no engine: the download begun is not needed
        if early.body is not None:
            early.body.discard()
        for _, url in pool.data_file(description.parquet_url):
            fetcher.unstage(url)  # if it came already: never checked, so never cached
        return engine
    report.engine = engine.NAME
    report.mark("engine")  # in Pyodide this may include loading the engine's package
    if request.read_csv_kwargs:
        warnings.warn("read_csv_kwargs only applies to the ARFF path; ignored for parquet.",
                      UserWarning, stacklevel=5)
    if request.some_rows:
        return await _some_rows(fetcher, pool, engine, description, features, selection, output,
                                request, report)
    # columns=: read only what the Bunch holds (and, where ranges work, download only that)
    needed = None if request.columns is None else [*selection.feature_names, *selection.target_names]
    checked = features if needed is None else [f for f in features if f.name in needed]
    history: list[attempts.Done] = []
    answer, reason = early.body, ""
    while True:
        attempt = attempts.next_attempt(tuple(history), columns=needed is not None, early=answer is not None)
        if attempt == attempts.ARFF:
            return _Arff(reason)
        if history:  # the last one came back damaged
            log.warning("%s; %s", reason, "downloading the whole file" if history[-1].partial
                        else "downloading it again")
        got = await _parquet_body(fetcher, pool, description, request, report,
                                  needed if attempt == attempts.RANGES else None,
                                  answer if attempt == attempts.EARLY else None)
        answer = None  # a later attempt downloads anew
        if isinstance(got, _Arff):  # no server gives the file
            return got
        body, partial, url = got
        got = None  # (the tuple holds the file's bytes too: see body = None below)
        try:
            table = _decode(engine, body, description, checked, qualities, url, needed, features)
            body = None  # the file's bytes, and the decoded columns once converted: their
            fetcher.done_with(url)  # memory is free before the Bunch's copies are made
            report.mark("decode")
            converted = convert.convert(table, description, features, selection, dtypes=request.dtypes)
            table = None
            parts = outputs.build(converted, output, release=True)
        except MissingColumnError as problem:
            # not damage (the file OpenML has): neither downloaded again nor cached
            fetcher.unstage(url)
            history.append(attempts.Done(attempt, attempts.UNUSABLE, partial))
            reason = str(problem)
            continue
        except ColumnTypeError as problem:
            # a readable file with a column we cannot use: not damage, so neither
            # downloaded again nor cached; the ARFF copy gives the data
            fetcher.unstage(url)
            history.append(attempts.Done(attempt, attempts.UNUSABLE, partial))
            reason = f"its parquet file {url} is readable, but {problem}"
            continue
        except DataIntegrityError as problem:  # damaged: dropped (a partial read never is kept)
            if not partial:
                await fetcher.forget(url)
            history.append(attempts.Done(attempt, attempts.DAMAGED, partial))
            reason = str(problem)
            continue
        report.mark("convert")
        return parts


async def _parquet_body(fetcher: Fetcher, pool: ServerPool, description: Description,
                        request: Request, report: LoadReport, columns: list[str] | None,
                        answer: Pending | None = None) -> tuple[bytes, bool, str] | _Arff:
    """The parquet file's bytes (from ``answer``, if the download was begun already),
    whether they are only ``columns``' part of it (a whole file in the cache is read
    rather than ranges fetched), and the URL they came from; or, when no server gives
    the file, why the ARFF copy must be read."""
    url = description.parquet_url
    try:
        response = None
        if answer is not None:
            response = await answer.take()  # (the load's only reference to the file after this)
            _book_file(report, response, "parquet")
        elif columns is not None:
            response = await _data_file(fetcher, pool, url, description, request, report, "parquet",
                                        cache_only=True)
            if response is None:
                ranged = await _column_ranges(fetcher, pool, description, request, report, columns)
                if ranged is not None:
                    return ranged
        if response is None:
            response = await _data_file(fetcher, pool, url, description, request, report, "parquet")
    except DownloadError as error:
        return _Arff(_why_no_download(error))
    return response.take_body(), False, response.url


def _why_no_download(error: DownloadError) -> str:
    if error.status in _PARQUET_MISSING and not error.tried:  # OpenML #1151, #1197
        return f"its parquet file {error.url} answered HTTP {error.status}"
    if error.status in _PARQUET_MISSING:
        return f"no server has its parquet file ({error})"
    return f"its parquet file could not be downloaded ({error})"


async def _column_ranges(fetcher: Fetcher, pool: ServerPool, description: Description,
                         request: Request, report: LoadReport,
                         columns: list[str]) -> tuple[bytes, bool, str] | None:
    """``columns``' part of the file by range requests to the first server left (or the
    whole file, if it sent it anyway); None when ranges cannot be used there."""
    from . import projection  # imported when used: a fresh page compiles less
    from .parquet_footer import FooterError

    server, url = pool.data_file(description.parquet_url)[0]
    bar = progress.resolve(request.progress)
    try:
        got = await projection.fetch_columns(fetcher, url, columns, dataset=description.label,
                                             progress=bar(url) if bar else None)
    except (projection.RangesUnsupported, FooterError, DataIntegrityError, DownloadError) as why:
        log.info("%s: downloading the whole parquet file, not just some columns (%s)",
                 description.label, why)
        return None
    pool.book("the parquet file (byte ranges)", url, server, cached=False)
    if isinstance(got, Response):  # the server sent the whole file anyway
        fetcher.stage(url, got.body)
        _book(report, url, len(got.body), cached=False)
        return got.body, False, url
    _book(report, url, got.downloaded, cached=False, range_requests=got.requests)
    return got.body, True, url


async def _some_rows(fetcher: Fetcher, pool: ServerPool, engine, description: Description,
                     features: list[Feature], selection: Selection, output: str, request: Request,
                     report: LoadReport):
    """nrows= / skiprows=: each wanted column's first pages (rows.py), by range requests,
    from a whole file in the cache, or from the whole file where ranges do not work; the
    rows asked for, converted by the same rules (categories of those rows, as sklearn's
    read_csv gives them)."""
    from . import convert, rows
    from .parquet_footer import FooterError, footer_length, parse_footer
    from .projection import RangesUnsupported

    wanted = set(selection.feature_names) | set(selection.target_names)
    checked = [f for f in features if f.name in wanted]
    names = [f.name for f in checked]
    stop = None if request.nrows is None else request.skiprows + request.nrows
    url = pool.data_file(description.parquet_url)[0][1]
    cached = await _data_file(fetcher, pool, description.parquet_url, description, request, report,
                              "parquet", cache_only=True, book=False)
    try:
        read = None
        if cached is None and stop is not None:
            try:
                read = await rows.from_ranges(fetcher, url, names, stop, dataset=description.label)
            except (RangesUnsupported, DownloadError, FooterError) as why:
                log.info("%s: reading the whole parquet file for its first rows (%s)", description.label, why)
        if read is None:  # the whole file: from the cache, or downloaded (and cached)
            whole = cached or await _data_file(fetcher, pool, description.parquet_url, description,
                                               request, report, "parquet", book=False)
            body = whole.body
            footer = parse_footer(body[-8 - footer_length(body[-8:]):-8], len(body))
            read = await rows.from_memory(body, footer, names, footer.num_rows if stop is None else stop)
            url, downloaded, requests, cached_file = whole.url, 0 if whole.cached else len(body), 0, whole.cached
        else:
            downloaded, requests, cached_file = read.downloaded, read.requests, False
            body = read.whole
            if body is not None:  # a server that sent the whole file for a range: keep it
                fetcher.stage(url, body)
    except DownloadError as error:
        return _Arff(f"its parquet file could not be downloaded ({error})")
    except FooterError as error:  # a footer or page header that is not one
        from . import integrity

        await fetcher.forget(url)
        return _Arff(str(integrity.damaged(description, url, str(error))))
    missing = [name for name in names if name not in read.files]
    if missing:
        from . import integrity

        lacking = integrity.missing_columns(read.footer.columns, checked, features)
        if lacking:  # a readable file without a column (OpenML #1165)
            return _Arff(str(integrity.lacks_columns(description, url, lacking)))
        await fetcher.forget(url)
        return _Arff(str(integrity.damaged(description, url, f"columns {missing} are not in it")))
    present = read.present
    count = max(0, min(present if stop is None else stop, present) - request.skiprows)
    try:
        table = rows.decode(engine, read, names, request.skiprows, count)
    except (KeyboardInterrupt, SystemExit, GeneratorExit, asyncio.CancelledError):
        raise
    except UnusableParquetError as problem:
        return _Arff(str(problem))
    except BaseException as error:  # what an engine raises on bytes it cannot read
        from . import integrity

        await fetcher.forget(url)
        return _Arff(str(integrity.damaged(
            description, url, f"{engine.NAME} cannot decode its first pages ({type(error).__name__}: {error})")))
    _book(report, url, downloaded, cached=cached_file, range_requests=requests)
    report.mark("decode")
    ranges = {chunk.name: chunk.double_range() for chunk in read.footer.chunks if chunk.name in table}
    parts = outputs.build(convert.convert(table, description, features, selection, dtypes=request.dtypes,
                                          file_ranges={k: v for k, v in ranges.items() if v is not None}), output)
    report.mark("convert")
    return parts


def _decode(engine, body: bytes, description: Description, features: list[Feature],
            qualities: dict, url: str, columns: list[str] | None = None,
            all_features: list[Feature] | None = None):
    """Decode (all columns, or ``columns``) and check the columns of ``features``;
    any failure is a DataIntegrityError naming dataset and URL."""
    from . import integrity

    integrity.check_parquet_bytes(body, description, url)
    integrity.check_columns_present(body, description, features, url, all_features)
    try:
        table = engine.read(body, columns)
    except UnusableParquetError:  # readable, with a type we cannot use: not damage
        raise
    except OpenMLError as error:
        if error.dataset is None:  # an engine's own check: say which dataset and URL
            raise integrity.damaged(description, url, str(error)) from error
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit, asyncio.CancelledError):
        raise
    except BaseException as error:  # whatever the engine raises on bytes it cannot read
        # (BaseException: polars reports a Rust panic as pyo3's PanicException)
        raise integrity.damaged(description, url, f"{engine.NAME} cannot decode it ({type(error).__name__}: {error})") from error
    nulls = integrity.null_counts(table)
    integrity.check_table(table, description, features, qualities, url, nulls)
    integrity.check_statistics(table, body, description, url, nulls)
    return table


async def _from_arff(fetcher: Fetcher, pool: ServerPool, runtime: Runtime, description: Description,
                     features: list[Feature], selection: Selection, output: str,
                     request: Request, qualities: dict, report: LoadReport):
    from . import arff  # the slow path, imported when taken

    if runtime.load_package is not None:  # its ARFF parser; a fresh kernel has not loaded it
        await runtime.ensure_importable("sklearn", "scikit-learn")
    # sklearn's pandas parser (dense data) and every frame it makes need pandas
    if output != "numpy" or not (description.is_sparse or request.parser == "liac-arff"):
        await _ensure_modules(request, runtime, "pandas")
    response = await _data_file(fetcher, pool, description.get("url"), description, request, report,
                                "arff")
    try:
        arff.check_md5(response.body, description, response.url)
    except Exception:
        await fetcher.forget(response.url)
        raise
    shape = None  # only liac-arff on dense data uses it; -1 = unknown, as in sklearn
    if not description.is_sparse:
        shape = (int(float(qualities.get("NumberOfInstances", -1))), len(features))
    read_csv_kwargs = dict(request.read_csv_kwargs or {})
    by_read_csv = not description.is_sparse and request.parser != "liac-arff"  # sklearn's pandas parser
    if request.some_rows and by_read_csv:  # as sklearn's read_csv_kwargs would take them
        read_csv_kwargs["skiprows"] = request.skiprows
        if request.nrows is not None:
            read_csv_kwargs["nrows"] = request.nrows
    parts = arff.parse_arff(
        response.body, description, features, selection, as_frame=output != "numpy",
        parser=request.parser, shape=shape, read_csv_kwargs=read_csv_kwargs,
    )
    if request.some_rows and not by_read_csv:  # liac-arff reads every row: cut them after
        parts = arff.rows_of(parts, request.skiprows, request.nrows)
    if output == "polars":
        from .outputs.to_pandas import converted_from_frame

        parts = outputs.build(converted_from_frame(parts["frame"], selection.feature_names,
                                                   selection.target_names), "polars")
    report.engine = "arff"
    report.mark("decode")
    return parts


def _warn_about_status(description: Description) -> None:
    if description.get("status") != "active":
        warnings.warn(
            f"Version {description.get('version')} of dataset {description.name} is "
            "inactive, meaning that issues have been found in the dataset. Try using a "
            f"newer version from this URL: {description.get('url')}",
            InactiveDatasetWarning, stacklevel=5,
        )
    if "error" in description.raw:
        warnings.warn("OpenML registered a problem with the dataset. It might be unusable. "
                      f"Error: {description.get('error')}", stacklevel=5)
    if "warning" in description.raw:
        warnings.warn("OpenML raised a warning on the dataset. It might be unusable. "
                      f"Warning: {description.get('warning')}", stacklevel=5)


def new_fetcher(runtime: Runtime, *, data_home, cache: bool, n_retries: int, delay: float) -> Fetcher:
    return Fetcher(transport=runtime.transport, cache=runtime.cache(data_home, cache),
                   n_retries=n_retries, delay=delay, blocking=runtime.blocking, threads=runtime.threads)
