// Our JS decoder (web/js/parquet-columns.mjs and its stages in web/js/parquet/) against
// hyparquet's own reading, on the benchmark files written as OpenML writes them
// (benchmarks/.work/mirror-big: run benchmarks/big_datasets.py once first). Not a test:
// ratios measured in one run.
//
//   node benchmarks/js_decoders.mjs [--repeat 5] [labels...]
//
// Each file is read from memory (bytes already downloaded), min of --repeat runs:
// * whole file: ours (readParquetColumnsSync: TypedArrays, dictionary codes + values)
//   against hyparquet's parquetRead with columnar output (onChunk: each column's values
//   as a JS array, dictionaries expanded; hyparquet has no dictionary-codes output, which
//   Python's categoricals need, so this is what using it whole would start from);
// * the stage we write by hand that hyparquet also has, the RLE / bit-packed hybrid
//   (encoding.mjs decodeHybrid against hyparquet's readRleBitPackedHybrid), on every
//   dictionary-index and definition-level stream of the file's dictionary-encoded pages,
//   each into the same TypedArray; "ours, with hyparquet's hybrid" is the whole-file time
//   less our stage time plus hyparquet's (the rest of the decode is the same code).
// Prints a table, writes benchmarks/js_decoders.json and its section of RESULTS.md.
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetRead } from 'hyparquet'
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js'
import { parquetMetadata } from 'hyparquet/src/metadata.js'
import { readParquetColumnsSync } from '../web/js/parquet-columns.mjs'
import { decodeHybrid } from '../web/js/parquet/encoding.mjs'
import { walkChunk } from '../web/js/parquet/pages.mjs'
import { columnPlan, topColumns } from '../web/js/parquet/schema.mjs'

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

/** Every RLE / bit-packed hybrid stream of the file's dictionary-encoded pages. */
function hybridStreams(u8) {
  const metadata = parquetMetadata(u8, { geoparquet: false })
  const streams = []
  for (const { name, node, root } of topColumns(metadata)) {
    if (!columnPlan(node).kind) continue
    for (const rg of metadata.row_groups) {
      const meta = rg.columns.find(c => c.meta_data.path_in_schema[0] === name).meta_data
      const maxDef = node.element.repetition_type === 'REQUIRED' ? 0 : 1
      const decoder = { type: meta.type, element: node.element, schemaPath: [root, node], codec: meta.codec,
                        maxDef, levelsOnly: false }
      let size = 0
      walkChunk(u8, meta, decoder, dict => { size = dict.length }, ({ n, packed }) => {
        if (!packed) return
        const { src, pos, count } = packed
        // data page v1 (what pyarrow writes): 4-byte length, then the levels
        if (maxDef) {
          const length = (src[0] | src[1] << 8 | src[2] << 16 | src[3] << 24) >>> 0
          streams.push({ src, start: 4, end: 4 + length, width: 1, count: n, Out: Uint8Array, track: false })
        }
        if (count && src[pos]) {
          streams.push({ src, start: pos + 1, end: src.length, width: src[pos], count, Out: Int32Array,
                         track: 2 ** src[pos] > size })
        }
      })
    }
  }
  return streams
}

function time(fn) {
  const start = performance.now()
  fn()
  return performance.now() - start
}

const rows = []
for (const label of labels) {
  const bytes = readFileSync(join(here, '.work', 'mirror-big', FILES[label]))
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const streams = hybridStreams(new Uint8Array(buffer))
  const outputs = streams.map(s => new s.Out(s.count))
  const best = { ours: Infinity, hyparquet: Infinity, oursHybrid: Infinity, hyparquetHybrid: Infinity }
  for (let i = 0; i < repeat; i++) {
    best.ours = Math.min(best.ours, time(() => readParquetColumnsSync(new Uint8Array(buffer))))
    const start = performance.now()
    await hyparquetColumns(buffer)
    best.hyparquet = Math.min(best.hyparquet, performance.now() - start)
    best.oursHybrid = Math.min(best.oursHybrid, time(() => streams.forEach((s, k) =>
      decodeHybrid(s.src, s.start, s.end, s.width, outputs[k], 0, s.count, s.track))))
    best.hyparquetHybrid = Math.min(best.hyparquetHybrid, time(() => streams.forEach((s, k) =>
      readRleBitPackedHybrid({ view: new DataView(s.src.buffer, s.src.byteOffset, s.src.byteLength), offset: s.start },
                             s.width, outputs[k], s.end - s.start))))
  }
  const values = streams.reduce((total, s) => total + s.count, 0)
  const withTheirs = best.ours - best.oursHybrid + best.hyparquetHybrid
  rows.push({ label, bytes: bytes.byteLength, ours: best.ours / 1000, hyparquet: best.hyparquet / 1000,
              ratio: best.hyparquet / best.ours, hybrid_streams: streams.length, hybrid_values: values,
              ours_hybrid: best.oursHybrid / 1000, hyparquet_hybrid: best.hyparquetHybrid / 1000,
              hybrid_ratio: best.hyparquetHybrid / best.oursHybrid,
              ours_with_hyparquet_hybrid: withTheirs / 1000, end_to_end_ratio: withTheirs / best.ours })
}
const s = (x) => x.toFixed(3)
const lines = [
  `Generated by \`node benchmarks/js_decoders.mjs\` (do not edit by hand), ${new Date().toISOString().slice(0, 16).replace('T', ' ')}; ` +
  `Node ${process.version}, ${cpus()[0].model.trim()}, ${cpus().length} cores; min of ${repeat} runs, seconds; ` +
  `"x": the other's time / ours. Files from memory: the decode alone.`,
  '',
  '| file | bytes | ours | hyparquet parquetRead | x | hybrid values | hybrid: ours | hybrid: hyparquet | x | ours with hyparquet\'s hybrid | x end to end |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(r => `| ${r.label} | ${r.bytes.toLocaleString('en')} | ${s(r.ours)} | ${s(r.hyparquet)} | ${r.ratio.toFixed(2)}x ` +
    `| ${r.hybrid_values.toLocaleString('en')} | ${s(r.ours_hybrid)} | ${s(r.hyparquet_hybrid)} | ${r.hybrid_ratio.toFixed(2)}x ` +
    `| ${s(r.ours_with_hyparquet_hybrid)} | ${r.end_to_end_ratio.toFixed(2)}x |`),
  '',
  'What is kept and why (issue 22): hyparquet gives the footer, the schema, page headers, ' +
  'decompression, PLAIN values and the rarer encodings (DELTA_*, BYTE_STREAM_SPLIT). Ours: ' +
  'the page walk and the columns, because hyparquet expands dictionaries into one JS value ' +
  'per row and has no dictionary-codes output (pandas categoricals are built from the codes), ' +
  'and the RLE / bit-packed hybrid (web/js/parquet/encoding.mjs), kept for the wide files, ' +
  'where it is at least 1.3x faster end to end (the other files gain less, but one function ' +
  'decodes them all).',
]
console.log(lines.join('\n'))
writeFileSync(join(here, 'js_decoders.json'), JSON.stringify({ node: process.version, repeat, rows }, null, 1) + '\n')
// this script's section of RESULTS.md, between its markers (added at the end the first time)
const results = join(here, 'RESULTS.md')
const [begin, end] = ['<!-- js_decoders.mjs: begin -->', '<!-- js_decoders.mjs: end -->']
const section = `${begin}\n\n## Our JS decoder against hyparquet (issue 22; \`benchmarks/js_decoders.mjs\`)\n\n${lines.join('\n')}\n\n${end}`
const text = readFileSync(results, 'utf8')
const at = text.indexOf(begin)
writeFileSync(results, at < 0 ? `${text.trimEnd()}\n\n${section}\n`
  : text.slice(0, at) + section + text.slice(text.indexOf(end) + end.length))
