// Our JS decoder (web/js/parquet-columns.mjs) against hyparquet's own reading, on the
// benchmark files written as OpenML writes them (benchmarks/.work/mirror-big: run
// benchmarks/big_datasets.py once first). Not a test: ratios measured in one run.
//
//   node benchmarks/js_decoders.mjs [--repeat 5] [labels...]
//
// Each file is read from memory (bytes already downloaded), min of --repeat runs, in this
// order alternating: ours (readParquetColumnsSync: TypedArrays, dictionary codes + values)
// and hyparquet's parquetRead with columnar output (onChunk: each column's values as a JS
// array, dictionaries expanded). Prints a table and writes benchmarks/js_decoders.json.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetRead } from 'hyparquet'
import { readParquetColumnsSync } from '../web/js/parquet-columns.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const FILES = {
  adult: 'datasets/0099/990001/dataset_990001.pq',
  mnist: 'datasets/0099/990002/dataset_990002.pq',
  freMTPL2freq: 'datasets/0099/990003/dataset_990003.pq',
}
const args = process.argv.slice(2)
const repeatAt = args.indexOf('--repeat')
const repeat = repeatAt >= 0 ? Number(args.splice(repeatAt, 2)[1]) : 5
const labels = args.length ? args : Object.keys(FILES)

async function hyparquetColumns(buffer) {
  const columns = {}
  await parquetRead({ file: buffer, onChunk: ({ columnName, columnData }) => {
    (columns[columnName] ??= []).push(columnData)
  } })
  return columns
}

const rows = []
for (const label of labels) {
  const bytes = readFileSync(join(here, '.work', 'mirror-big', FILES[label]))
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const best = { ours: Infinity, hyparquet: Infinity }
  for (let i = 0; i < repeat; i++) {
    let start = performance.now()
    readParquetColumnsSync(new Uint8Array(buffer))
    best.ours = Math.min(best.ours, performance.now() - start)
    start = performance.now()
    await hyparquetColumns(buffer)
    best.hyparquet = Math.min(best.hyparquet, performance.now() - start)
  }
  rows.push({ label, bytes: bytes.byteLength, ours: best.ours / 1000, hyparquet: best.hyparquet / 1000,
              ratio: best.hyparquet / best.ours })
}
console.log('| file | bytes | ours (s) | hyparquet parquetRead (s) | hyparquet / ours |')
console.log('|---|---:|---:|---:|---:|')
for (const r of rows) {
  console.log(`| ${r.label} | ${r.bytes.toLocaleString('en')} | ${r.ours.toFixed(3)} | ${r.hyparquet.toFixed(3)} | ${r.ratio.toFixed(2)}x |`)
}
writeFileSync(join(here, 'js_decoders.json'), JSON.stringify({ node: process.version, repeat, rows }, null, 1) + '\n')
