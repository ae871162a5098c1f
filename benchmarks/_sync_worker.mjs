// A module Web Worker holding one Pyodide, for sync_paths.py (not meant to be run by hand;
// _sync_page.html starts it with `new Worker(url, { type: "module" })`, as JupyterLite
// starts its kernel). Messages in, one answer out each:
//   { op: "boot", jspi, indexURL, wheel, side }  without JSPI (jspi false), WebAssembly's
//       JSPI entry points are deleted BEFORE loadPyodide, which is where Pyodide looks
//       for them: a browser without JSPI (Safari, older Chrome / Firefox). Then numpy,
//       pandas and micropip are loaded, the openml-lite wheel installed by micropip,
//       _sync_side.py written to /bench and setup() run.
//   { op: "run", entry: "runPythonAsync" | "runPython", call }  one _sync_side.once(call).
// Answers: { answer: <JSON-able> } or { answer: { error } }; Python's output: { log }.
import { loadPyodide } from "../pyodide/pyodide.mjs";

let pyodide = null;
const log = (line) => self.postMessage({ log: String(line) });
const since = (t0) => (performance.now() - t0) / 1000;

async function boot(msg) {
  if (!msg.jspi) {
    delete WebAssembly.Suspending;
    delete WebAssembly.Suspender;
    delete WebAssembly.promising;
  }
  const setup = {};
  let t0 = performance.now();
  pyodide = await loadPyodide({ indexURL: msg.indexURL, stdout: log, stderr: log });
  setup.boot = since(t0);
  t0 = performance.now();
  await pyodide.loadPackage(["numpy", "pandas", "micropip"], { messageCallback: () => {} });
  setup.load_packages = since(t0);
  t0 = performance.now();
  await pyodide.runPythonAsync(`import micropip\nawait micropip.install(${JSON.stringify(msg.wheel)})`);
  setup.install_openml_lite = since(t0);
  pyodide.FS.mkdirTree("/bench");
  pyodide.FS.writeFile("/bench/_sync_side.py", new Uint8Array(await (await fetch(msg.side)).arrayBuffer()));
  const info = JSON.parse(pyodide.runPython(
    "import sys\nsys.path.insert(0, '/bench')\nimport _sync_side\n_sync_side.setup()"));
  return { ...info, setup, webassembly_suspending: typeof WebAssembly.Suspending };
}

async function run(msg) {
  pyodide.globals.set("call_json", JSON.stringify(msg.call));
  const code = "_sync_side.once(call_json)";
  const out = msg.entry === "runPythonAsync" ? await pyodide.runPythonAsync(code) : pyodide.runPython(code);
  return JSON.parse(out);
}

self.onmessage = async ({ data }) => {
  let answer;
  try {
    answer = data.op === "boot" ? await boot(data) : await run(data);
  } catch (e) {
    answer = { error: String((e && e.stack) || e).slice(-4000) };
  }
  self.postMessage({ answer });
};
