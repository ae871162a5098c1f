"""This site's own check, after the kit's (python -m openml_lite.sphinx_check): the bundle
holds the datasets its examples loaded (iris 61, Titanic 40945), as a static mirror."""

import json
import sys
from pathlib import Path

html = Path(sys.argv[1])
index = html / "_static" / "openml" / "openml-lite-mirror.json"
bundled = sorted(d["data_id"] for d in json.loads(index.read_text())["datasets"]) if index.is_file() else None
if bundled != [61, 40945]:
    sys.exit(f"  _static/openml holds {bundled}, not the examples' datasets [61, 40945]")
print(f"   bundled in _static/openml/: {', '.join(d['name'] for d in json.loads(index.read_text())['datasets'])}")
