// Boot Pyodide, load packages, install local wheels from emfs, run one task of
// _pyodide_side.py and return its result. Shared by run_pyodide.mjs (Node) and the
// Chromium page (_chromium.py), so both runtimes measure the same steps.
//
// cfg: indexURL, packages (loaded before any clock of the task starts), files
// ({name in /bench: what readBytes reads}), wheels (names among files; the first is
// openml-lite, whose install is timed on its own), task and what the task needs;
// optional: side (the module whose main(cfg) runs the task, default _pyodide_side) and
// deps (false: micropip.install(..., deps=False), so that openml-lite's numpy/pandas
// requirements do not make micropip load pandas' files).

const since = (t0) => (performance.now() - t0) / 1000;

export async function runTask(loadPyodide, readBytes, cfg, log = console.log) {
  const setup = {};
  let t0 = performance.now();
  const pyodide = await loadPyodide({ indexURL: cfg.indexURL, stdout: log, stderr: log });
  setup.boot = since(t0);

  t0 = performance.now();
  await pyodide.loadPackage(cfg.packages, { messageCallback: () => {} });
  setup.load_packages = since(t0);

  pyodide.FS.mkdirTree("/bench");
  for (const [name, where] of Object.entries(cfg.files)) {
    pyodide.FS.writeFile(`/bench/${name}`, await readBytes(where));
  }
  // Installing openml-lite = loading micropip (a lock package) + the wheel from emfs.
  t0 = performance.now();
  await pyodide.loadPackage("micropip", { messageCallback: () => {} });
  const deps = cfg.deps === false ? "False" : "True";
  await pyodide.runPythonAsync(
    `import micropip\nawait micropip.install("emfs:/bench/${cfg.wheels[0]}", deps=${deps})`);
  setup.install_openml_lite = since(t0);
  for (const wheel of cfg.wheels.slice(1)) {
    await pyodide.runPythonAsync(`await micropip.install("emfs:/bench/${wheel}")`);
  }

  pyodide.globals.set("cfg_json", JSON.stringify(cfg));
  const out = JSON.parse(await pyodide.runPythonAsync(`
import json, sys
sys.path.insert(0, "/bench")
import importlib
side = importlib.import_module(json.loads(cfg_json).get("side", "_pyodide_side"))
json.dumps(await side.main(json.loads(cfg_json)))
`));
  out.setup = setup;
  return out;
}
