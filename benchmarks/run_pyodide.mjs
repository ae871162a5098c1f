// Pyodide half of benchmarks/pyodide_vs_sklearn.py (not meant to be run by hand).
//
//   node --experimental-wasm-stack-switching benchmarks/run_pyodide.mjs CONFIG.json
//
// CONFIG: indexURL (offline Pyodide folder), wheels (local wheel paths: openml-lite,
// pyodide-http), side (path of _pyodide_side.py), mirror_url, repeat, datasets.
// Prints one line "RESULT <json>" at the end. The JSPI flag is needed because sklearn's
// fetch_openml is synchronous: its urlopen blocks on pyfetch through run_sync.
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { loadPyodide } = await import(new URL("pyodide.mjs", "file://" + cfg.indexURL).href);

// pyodide-http imports js.crossOriginIsolated at import time (for its streaming path);
// browsers define it, Node does not. false = "no SharedArrayBuffer streaming", as a
// page without COOP/COEP headers would say.
globalThis.crossOriginIsolated ??= false;

const t0 = performance.now();
const pyodide = await loadPyodide({ indexURL: cfg.indexURL });
const bootSeconds = (performance.now() - t0) / 1000;

// What a notebook would load up front: sklearn's own stack. pyarrow is left out on
// purpose: _pyodide_side.py times its load separately.
const t1 = performance.now();
await pyodide.loadPackage(["numpy", "pandas", "scikit-learn", "micropip"]);
const loadSeconds = (performance.now() - t1) / 1000;

// Local wheels go through emfs: micropip installs them with no network.
pyodide.FS.mkdirTree("/bench");
for (const wheel of cfg.wheels) {
  pyodide.FS.writeFile(`/bench/${basename(wheel)}`, readFileSync(wheel));
}
pyodide.FS.writeFile("/bench/_pyodide_side.py", readFileSync(cfg.side));
pyodide.globals.set("cfg_json", JSON.stringify(cfg));
const results = await pyodide.runPythonAsync(`
import json, sys, micropip
for name in ${JSON.stringify(cfg.wheels.map((w) => basename(w)))}:
    await micropip.install("emfs:/bench/" + name)
sys.path.insert(0, "/bench")
import _pyodide_side
json.dumps(await _pyodide_side.run(json.loads(cfg_json)))
`);
const out = JSON.parse(results);
out.boot_seconds = bootSeconds;
out.load_sklearn_stack_seconds = loadSeconds;
console.log("RESULT " + JSON.stringify(out));
process.exit(0);
