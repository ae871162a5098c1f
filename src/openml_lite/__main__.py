"""``python -m openml_lite demo``: build a local OpenML mirror from scikit-learn's
recorded responses, serve it on 127.0.0.1 and load a dataset from it. No internet."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile


def demo(data_id: int, mirror_dir: str | None) -> None:
    import pandas as pd

    from . import available_engines, fetch_openml
    from .mirror import MirrorServer, build_mirror

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    with tempfile.TemporaryDirectory(prefix="openml-lite-mirror-") as scratch:
        folder = mirror_dir or scratch
        build_mirror(folder)
        with MirrorServer(folder) as server:
            print(f"local OpenML mirror of sklearn's recorded datasets at {server.url}")
            print(f"parquet engines here: {', '.join(available_engines()) or 'none'}")
            bunch = fetch_openml(data_id=data_id, base_url=server.url, cache=False)
    with pd.option_context("display.width", 120, "display.max_columns", 8):
        print(f"\n{bunch.details['name']}: data {bunch.data.shape}, target {bunch.target_names}")
        print(bunch.frame.head())
        print("\ndtypes:", dict(bunch.frame.dtypes.astype(str)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m openml_lite")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("demo", help="serve a local mirror and load a dataset from it")
    run.add_argument("--data-id", type=int, default=40945, help="default: 40945 (Titanic)")
    run.add_argument("--mirror-dir", help="build the mirror here instead of a temp folder")
    args = parser.parse_args(argv)
    demo(args.data_id, args.mirror_dir)


if __name__ == "__main__":
    main()
