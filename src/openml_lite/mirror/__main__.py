"""Command line: ``python -m openml_lite.mirror build DIR`` / ``serve DIR`` / ``export DIR``."""

from __future__ import annotations

import argparse
import signal
import sys
import time


class _Stop(Exception):
    """Raised from the signal handler to leave the serving loop."""


def _build(args) -> int:
    from .build import build_mirror

    for rec in build_mirror(args.dir, fixtures_dir=args.fixtures):
        print(
            f"{rec['data_id']:>6}  {rec['name']:<14} v{rec['version']:<2} "
            f"{rec['status']:<11} {rec['format']:<11} rows={rec['n_rows']} "
            f"parquet={'yes' if rec['has_parquet'] else 'no'} lookups={len(rec['lookups'])}"
        )
    if args.synthetic_mnist_rows:
        from .synthetic import add_synthetic

        for rec in add_synthetic(args.dir, mnist_rows=args.synthetic_mnist_rows):
            print(f"{rec['id']:>6}  {'bench-' + rec['label']:<14} GENERATED rows={rec['rows']} "
                  f"columns={rec['columns']} parquet={rec['parquet_bytes']} bytes")
    return 0


def _serve(args) -> int:
    from .server import MirrorServer

    def stop(signum, frame):
        raise _Stop()

    from .faults import Rule

    try:
        faults = [Rule.from_spec(spec) for spec in args.fault]
    except ValueError as exc:
        print(f"bad --fault: {exc}", file=sys.stderr)
        return 2
    server = MirrorServer(args.dir, host=args.host, port=args.port, verbose=args.verbose,
                          faults=faults, rewrite_all_origins=args.rewrite_all_origins)
    try:
        server.start()
    except (OSError, FileNotFoundError) as exc:
        print(f"cannot serve {args.dir}: {exc}", file=sys.stderr)
        return 2
    # Own both signals: a shell's background job inherits SIGINT as ignored.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        # Scripts read this first line to learn the URL (port 0 picks one).
        print(f"serving {args.dir} at {server.url}", flush=True)
        while True:
            time.sleep(3600)
    except _Stop:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    return 0


def _export(args) -> int:
    from .export import export_mirror

    if not args.data_id and not args.name:
        print("export: give --data-id and/or --name", file=sys.stderr)
        return 2
    megabyte = 1_000_000
    records = export_mirror(
        args.dir, args.data_id, args.name, base_url=args.base_url, data_home=args.data_home,
        offline=args.offline, include_arff=args.arff,
        max_dataset_bytes=None if args.max_dataset_mb is None else int(args.max_dataset_mb * megabyte),
        max_total_bytes=None if args.max_total_mb is None else int(args.max_total_mb * megabyte))
    for record in records:
        label = f"{record.data_id:>6}  {record.name or '?':<16}"
        if record.skipped:
            print(f"{label} skipped: {record.skipped}")
        else:
            print(f"{label} v{record.version:<3} {record.size:>12,} bytes in {len(record.files)} files, "
                  f"{len(record.lookups)} name lookups")
    written = [r for r in records if not r.skipped]
    print(f"wrote {len(written)} of {len(records)} datasets to {args.dir}: serve it with any static "
          f"server and pass its URL as base_url (e.g. python -m http.server -d {args.dir})")
    return 0 if written or not records else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m openml_lite.mirror",
        description="Build or serve a local OpenML mirror made from sklearn's recorded responses, "
                    "or export datasets into a static mirror.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write a mirror folder from sklearn's OpenML fixtures")
    b.add_argument("dir", help="mirror folder to write")
    b.add_argument("--fixtures", default=None,
                   help="fixture folder with id_* subfolders (default: sklearn's)")
    b.add_argument("--synthetic-mnist-rows", type=int, default=0, metavar="N",
                   help="also write a GENERATED mnist_784-shaped dataset (id 990002) of N rows")
    b.set_defaults(func=_build)
    s = sub.add_parser("serve", help="serve a mirror folder over HTTP until SIGINT/SIGTERM")
    s.add_argument("dir", help="mirror folder to serve")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0, help="0 picks a free port")
    s.add_argument("--verbose", action="store_true", help="log every request to stderr")
    s.add_argument("--fault", action="append", default=[], metavar="'REGEX KIND[:ARG] [xN]'",
                   help="inject a fault (repeatable), e.g. '\\.pq$ status:503 x2'; kinds in faults.py")
    s.add_argument("--rewrite-all-origins", action="store_true",
                   help="answer every OpenML origin in the JSON with the mirror's own (default: only "
                        "www.openml.org and data.openml.org, the hosts a user names; older URLs such "
                        "as http://openml1.win.tue.nl stay as OpenML wrote them)")
    s.set_defaults(func=_serve)
    e = sub.add_parser("export", help="write a static mirror: plain files any static host serves as "
                                      "an OpenML base URL for openml-lite")
    e.add_argument("dir", help="folder to write (an export adds to what is there)")
    e.add_argument("--data-id", type=int, nargs="+", default=[], metavar="ID",
                   help="datasets to export, by id")
    e.add_argument("--name", nargs="+", default=[], metavar="NAME",
                   help="datasets to export by name (their oldest active version, as fetch_openml)")
    e.add_argument("--base-url", default=None, metavar="URL",
                   help="where to read them: OpenML (default, or $OPENML_LITE_BASE_URL), another "
                        "mirror, several separated by spaces")
    e.add_argument("--data-home", default=None,
                   help="openml-lite's cache to read first (default: scikit-learn's data home)")
    e.add_argument("--offline", action="store_true", help="read the cache only, ask no server")
    e.add_argument("--arff", action="store_true",
                   help="also export the ARFF file of datasets read from parquet (doubles the size; "
                        "only parser='liac-arff' and damaged parquet files need it)")
    e.add_argument("--max-dataset-mb", type=float, default=None, metavar="MB",
                   help="leave out datasets whose files exceed this")
    e.add_argument("--max-total-mb", type=float, default=None, metavar="MB",
                   help="leave out datasets that would take the folder past this")
    e.set_defaults(func=_export)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
