// Pyodide in Node for benchmarks/pyodide_vs_sklearn.py (not meant to be run by hand):
//
//   node --experimental-wasm-stack-switching benchmarks/run_pyodide.mjs CONFIG.json
//
// CONFIG: see _boot.mjs (files are local paths here). Prints one line "RESULT <json>" on
// stdout at the end; Python's output goes to stderr as progress. The JSPI flag is needed
// because sklearn's fetch_openml and openml-lite's sync fetch_openml block on fetch
// through run_sync.
import { readFileSync } from "node:fs";

import { runTask } from "./_boot.mjs";

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { loadPyodide } = await import(new URL("pyodide.mjs", "file://" + cfg.indexURL).href);

// pyodide-http reads js.crossOriginIsolated at import time; browsers define it, Node does
// not. false = "no SharedArrayBuffer streaming", as a page without COOP/COEP would say.
globalThis.crossOriginIsolated ??= false;

const out = await runTask(loadPyodide, (path) => readFileSync(path), cfg,
                          (line) => process.stderr.write(line + "\n"));
console.log("RESULT " + JSON.stringify(out));
process.exit(0);
