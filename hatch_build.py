"""Build hook: a wheel without the JS parquet decoder is refused, with the reason.

The decoder (src/openml_lite/engines/parquet_columns.bundle.js, built from web/js/ by
web/build-js.sh) is kept in git, so every standard build (`pip wheel .`, `python -m
build`, a wheel from the sdist) has it without node or npm. Without it a wheel would
work, but in the browser every load would fall back to loading pyarrow (seconds instead
of milliseconds): such a wheel must not be made by accident.
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = Path("src/openml_lite/engines/parquet_columns.bundle.js")


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        bundle = Path(self.root) / BUNDLE
        if not bundle.is_file() or bundle.stat().st_size == 0:
            raise RuntimeError(
                f"openml-lite: {BUNDLE} is missing, so this wheel would have no JS parquet "
                "decoder (in Pyodide every load would then load pyarrow instead). It is kept "
                "in git: build from a git checkout or an sdist of one, or run "
                "`bash web/build-js.sh` (needs node and npm) to make it."
            )
