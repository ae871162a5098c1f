"""Command line: ``python -m openml_lite.mirror build DIR`` / ``serve DIR``."""

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
                          faults=faults)
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m openml_lite.mirror",
        description="Build or serve a local OpenML mirror made from sklearn's recorded responses.",
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
    s.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
