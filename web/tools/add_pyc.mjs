// Add Pyodide's bytecode to the openml-lite wheel, in place:
//
//   node web/tools/add_pyc.mjs PYODIDE_DIR WHEEL
//
// Why: Pyodide compiles every .py it imports, and never keeps the result
// (sys.dont_write_bytecode), so each fresh page paid ~0.05 s compiling openml_lite
// (more than half of the import). Bytecode is specific to one Python version, so it is made
// by the very Python of the Pyodide that will run it (PYODIDE_DIR holds its core
// runtime): __pycache__/*.cpython-3XX.pyc beside each .py, "unchecked-hash" pycs
// (PEP 552) that need no file timestamps, which wheels do not keep. Another Python
// ignores them (another cache tag) and compiles the .py as before. Python never checks
// an unchecked-hash pyc against its .py, so they are made from the wheel's own .py bytes
// in one step, and tests/pyodide/test_smoke.py checks each pyc's source hash inside
// Pyodide (tests/test_build_wheels.py: one per module, listed in RECORD).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [pyodideDir, wheel] = process.argv.slice(2);
if (!pyodideDir || !wheel) {
  console.error("usage: node web/tools/add_pyc.mjs PYODIDE_DIR WHEEL");
  process.exit(2);
}
const { loadPyodide } = await import(path.resolve(pyodideDir, "pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/" });
pyodide.FS.writeFile("/tmp/in.whl", readFileSync(wheel));
const added = pyodide.runPython(`
import base64, hashlib, pathlib, py_compile, sys, zipfile

def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

with zipfile.ZipFile("/tmp/in.whl") as source:
    entries = [(info, source.read(info)) for info in source.infolist()]
if any(info.filename.endswith(".pyc") for info, _ in entries):
    raise SystemExit("this wheel has bytecode already: rebuild it from the sources first")
record = next(info for info, _ in entries if info.filename.endswith(".dist-info/RECORD"))
record_lines = [line for line in dict((i.filename, d) for i, d in entries)[record.filename].decode().splitlines() if line]
tag = sys.implementation.cache_tag
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
`);
writeFileSync(wheel, pyodide.FS.readFile("/tmp/out.whl"));
console.log(`   added ${added.split(" ")[0]} ${added.split(" ")[1]} bytecode files to ${wheel}`);
