// Add Pyodide's bytecode to the openml-lite wheel, in place:
//
//   node web/tools/add_pyc.mjs PYODIDE_DIR WHEEL
//
// Why: Pyodide compiles every .py it imports, and never keeps the result
// (sys.dont_write_bytecode), so each fresh page paid ~0.05 s compiling openml_lite
// (a third of the import). Bytecode is specific to one Python version, so it is made
// by the very Python of the Pyodide that will run it (PYODIDE_DIR holds its core
// runtime): __pycache__/*.cpython-3XX.pyc beside each .py, "unchecked-hash" pycs
// (PEP 552) that need no file timestamps, which wheels do not keep. Another Python
// ignores them (another cache tag) and compiles the .py as before. Built from the
// same bytes as the .py files in one step, and tests/test_wheel_bytecode.py checks
// each pyc's source hash against its .py. RECORD lists the new files.
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
import base64, hashlib, importlib.util, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

with zipfile.ZipFile("/tmp/in.whl") as source:
    entries = [(info, source.read(info)) for info in source.infolist()]
record = next(info.filename for info, _ in entries if info.filename.endswith(".dist-info/RECORD"))
if any(info.filename.endswith(".pyc") for info, _ in entries):
    raise SystemExit("this wheel has bytecode already: rebuild it from the sources first")
tag = sys.implementation.cache_tag
pycs = []
for info, data in entries:
    if info.filename.endswith(".py"):
        folder, _, module = info.filename.rpartition("/")
        code = compile(data, info.filename, "exec", dont_inherit=True)
        pyc = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
        pycs.append((f"{folder}/__pycache__/{module[:-3]}.{tag}.pyc", pyc))
with zipfile.ZipFile("/tmp/out.whl", "w", zipfile.ZIP_DEFLATED) as out:
    for info, data in entries:
        if info.filename != record:
            out.writestr(info, data)
    lines = [line for line in dict((i.filename, d) for i, d in entries)[record].decode().splitlines() if line]
    for name, pyc in pycs:
        out.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), pyc, zipfile.ZIP_DEFLATED)
        lines.append(record_line(name, pyc))
    out.writestr(next(i for i, _ in entries if i.filename == record), "\\n".join(lines) + "\\n")
f"{len(pycs)} {tag}"
`);
writeFileSync(wheel, pyodide.FS.readFile("/tmp/out.whl"));
console.log(`   added ${added.split(" ")[0]} ${added.split(" ")[1]} bytecode files to ${wheel}`);
