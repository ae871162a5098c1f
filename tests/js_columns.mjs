// The shipped JS parquet decoder run in node for CPython tests (tests/js_columns.py):
// reads a parquet file's bytes on stdin, evaluates the bundle as js_engine.py does in
// Pyodide (a classic script wrapped in a function, as tests/js/parquet-columns.test.mjs
// does too), calls readParquetColumnsSync(Uint8Array, columns or null) and writes its
// result as JSON on stdout:
//   {numRows, columns: [{name, kind, array|codes: {type, base64}, values}]}
// Typed arrays travel as their raw bytes (base64, the platform's byte order, as
// JsBuffer.assign_to copies them): BigInt64 values, NaN, -0 and infinities arrive
// bit for bit, which JSON numbers cannot carry. A decoder error is written as
// {error: {name, message}} (exit status 0: the Python side raises as js_engine does).
//
// usage: node tests/js_columns.mjs BUNDLE [COLUMNS_JSON] < file.parquet

import { readFileSync } from 'node:fs'

const [bundlePath, columnsJson] = process.argv.slice(2)
const bundle = new Function(`${readFileSync(bundlePath, 'utf8')}\nreturn openmlLiteParquet`)()
const columns = columnsJson ? JSON.parse(columnsJson) : null

// one copy into a Uint8Array of its own, as js_engine.decode makes one
const input = readFileSync(0)
const bytes = new Uint8Array(input.length)
bytes.set(input)

const typed = (array) => {
  if (!ArrayBuffer.isView(array)) throw new Error(`not a typed array: ${Object.prototype.toString.call(array)}`)
  return {
    type: array.constructor.name,
    length: array.length,
    base64: Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64'),
  }
}

let out
try {
  const result = bundle.readParquetColumnsSync(bytes, columns)
  out = {
    numRows: result.numRows,
    numRowsType: typeof result.numRows,
    columns: result.columns.map((column) => {
      const entry = { name: column.name, kind: column.kind, keys: Object.keys(column) }
      if ('array' in column) entry.array = typed(column.array)
      if ('codes' in column) entry.codes = typed(column.codes)
      if ('values' in column) {
        if (!Array.isArray(column.values)) throw new Error(`${column.name}: values is not an Array`)
        const odd = column.values.find((v) => typeof v !== 'string')
        if (odd !== undefined) throw new Error(`${column.name}: a dictionary value of type ${typeof odd}`)
        entry.values = column.values
      }
      return entry
    }),
  }
} catch (error) {
  out = { error: { name: error?.name ?? 'Error', message: String(error?.message ?? error) } }
}
process.stdout.write(JSON.stringify(out))
