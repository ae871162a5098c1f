// Add Pyodide's bytecode to the openml-lite wheel, in place:
//
//   node web/tools/add_pyc.mjs PYODIDE_DIR [PYODIDE_DIR ...] WHEEL
//
// Why: Pyodide compiles every .py it imports, and never keeps the result
// (sys.dont_write_bytecode), so each fresh page paid ~0.05 s compiling openml_lite
// (more than half of the import). Bytecode is specific to one Python version, so it is made
// by the very Python of the Pyodide that will run it (each PYODIDE_DIR holds one Pyodide's
// core runtime: 0.27.7 gives cpython-312, 0.29.5 cpython-313, 314.0.7 cpython-314; one
// wheel carries them all): __pycache__/*.cpython-3XX.pyc beside each .py, "unchecked-hash"
// pycs (PEP 552) that need no file timestamps, which wheels do not keep. Another Python
// ignores them (another cache tag) and compiles the .py as before. Python never checks
// an unchecked-hash pyc against its .py, so they are made from the wheel's own .py bytes
// in one step, and tests/pyodide_core checks each pyc's
// source hash inside Pyodide (tests/test_build_wheels.py: one per module and tag, listed
// in RECORD). A tag already in the wheel is refused (rebuild the wheel from the sources).
// Each Pyodide boots in a node process of its own, one after the other (2-3 s for 0.27.7,
// 7-8 s for 0.29.5 and 314.0.7 here); prints one "added N cpython-3XX ..." line each.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// What runs inside each Pyodide: /tmp/in.whl -> /tmp/out.whl with its tag's pycs added.
const ADD_PYCS = `
import base64, hashlib, pathlib, py_compile, sys, zipfile

def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

with zipfile.ZipFile("/tmp/in.whl") as source:
    entries = [(info, source.read(info)) for info in source.infolist()]
tag = sys.implementation.cache_tag
if any(info.filename.endswith(f".{tag}.pyc") for info, _ in entries):
    raise SystemExit(f"this wheel has {tag} bytecode already: rebuild it from the sources first")
record = next(info for info, _ in entries if info.filename.endswith(".dist-info/RECORD"))
record_lines = [line for line in dict((i.filename, d) for i, d in entries)[record.filename].decode().splitlines() if line]
pycs = []
for info, data in entries:
    if not info.filename.endswith(".py"):
        continue
    folder, _, module = info.filename.rpartition("/")
    name = f"{folder}/__pycache__/{module[:-3]}.{tag}.pyc"
    here = pathlib.Path("/tmp/src", info.filename)
    here.parent.mkdir(parents=True, exist_ok=True)
    here.write_bytes(data)
    py_compile.compile(str(here), cfile=f"/tmp/pyc/{name}", dfile=info.filename, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    pycs.append((name, pathlib.Path("/tmp/pyc", name).read_bytes()))
with zipfile.ZipFile("/tmp/out.whl", "w", zipfile.ZIP_DEFLATED) as out:
    for info, data in entries:
        if info is not record:
            out.writestr(info, data)
    for name, pyc in pycs:
        out.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), pyc, zipfile.ZIP_DEFLATED)
        record_lines.append(record_line(name, pyc))
    out.writestr(record, "\\n".join(record_lines) + "\\n")  # RECORD last, as wheels have it
f"{len(pycs)} {tag}"
`;

const args = process.argv.slice(2);
const wheel = args.pop();
if (args.length === 0 || !wheel) {
  console.error("usage: node web/tools/add_pyc.mjs PYODIDE_DIR [PYODIDE_DIR ...] WHEEL");
  process.exit(2);
}
if (args.length > 1) {
  // one node process per Pyodide: two Pyodides in one process trip over each other's
  // globals ("Lock file version doesn't match Pyodide version")
  for (const pyodideDir of args) {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), pyodideDir, wheel],
                          { stdio: "inherit" });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  process.exit(0);
}
const pyodideDir = args[0];
const { loadPyodide } = await import(path.resolve(pyodideDir, "pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/" });
pyodide.FS.writeFile("/tmp/in.whl", readFileSync(wheel));
let added;
try {
  added = pyodide.runPython(ADD_PYCS);
} catch (error) {  // a PythonError: its last line says what (node would print minified code)
  console.error(`add_pyc.mjs (Pyodide ${pyodide.version}): ${String(error.message).trim().split("\n").pop()}`);
  process.exit(1);
}
writeFileSync(wheel, pyodide.FS.readFile("/tmp/out.whl"));
console.log(`   added ${added.split(" ")[0]} ${added.split(" ")[1]} bytecode files to ${wheel}` +
            ` (Pyodide ${pyodide.version})`);
