// Decode an OpenML parquet file (whole file in memory) into flat columns that Python in
// Pyodide can move into numpy without per-value copies: TypedArrays for numeric
// columns, Int32Array codes + the dictionary page's strings for string columns, Int8Array
// codes for BOOLEAN columns (OpenML's {true, false} nominals), and just a name for
// Arrow null-type columns (OpenML's columns missing in every row).
//
// Built on hyparquet (pure JS): its footer and schema parser, page-header parser,
// decompressors, PLAIN decoder, and its data-page readers for the rarer encodings
// (DELTA_*, BYTE_STREAM_SPLIT). hyparquet's own column reader expands dictionaries into
// per-value JS arrays; here each column chunk is walked page by page instead, so the
// dictionary page is kept as-is (file order, unused entries included: OpenML's nominal
// levels in their declared order) and data pages' dictionary indices become the
// codes. Definition levels, dictionary indices and BOOLEAN values (RLE / bit-packed
// hybrid, or PLAIN bits) are decoded here, straight into TypedArrays; values land in one
// preallocated array per column.
//
// Exports (the API Python calls through Pyodide's FFI). Decoding bytes already in memory
// needs no await, so each function has a synchronous form (what Python calls: it works
// where Pyodide cannot wait for a promise, i.e. without JSPI) and a promise form:
//   readParquetColumnsSync(bytes, columns?) -> { numRows, columns: [
//       { name, kind: 'numeric', array }                  TypedArray, numRows long
//     | { name, kind: 'dictionary', codes, values }       Int32Array (-1 = null), string[]
//     | { name, kind: 'boolean', codes }                  Int8Array: -1 null, 0 false, 1 true
//     | { name, kind: 'null' } ] }                        null-type column: every row null
//   readParquetSchemaSync(bytes) -> { numRows, columns: [{ name, physicalType, logicalType,
//       convertedType, kind }] }                           footer only
//   readParquetColumns, readParquetSchema: the same, returning a promise
// `bytes`: Uint8Array, ArrayBuffer, any ArrayBufferView, or a Pyodide PyProxy of a
// Python buffer (bytes, memoryview, ...), read through getBuffer() without a copy.

//
// The stages, laid out as hyparquet is (web/js/parquet/): input, schema, pages, encoding,
// then one module per column kind (numeric, strings, booleans).

import { parquetMetadata } from 'hyparquet/src/metadata.js'
import { booleanColumn, nullColumn } from './parquet/booleans.mjs'
import { withBytes } from './parquet/input.mjs'
import { numericColumn } from './parquet/numeric.mjs'
import { columnPlan, logicalTypeString, topColumns, typeLabel } from './parquet/schema.mjs'
import { dictionaryColumn } from './parquet/strings.mjs'

/**
 * @param {any} bytes whole parquet file (footer is enough)
 * @returns {Promise<{ numRows: number, columns: { name: string, physicalType: string | null,
 *   logicalType: string | null, convertedType: string | null, kind: string | null }[] }>}
 */
export async function readParquetSchema(bytes) {
  return readParquetSchemaSync(bytes)
}

/** {@link readParquetSchema}, without the promise. @param {any} bytes */
export function readParquetSchemaSync(bytes) {
  return withBytes(bytes, u8 => {
    const metadata = parquetMetadata(u8, { geoparquet: false })
    return {
      numRows: Number(metadata.num_rows),
      columns: topColumns(metadata).map(({ name, node }) => ({
        name,
        physicalType: node.children.length ? null : node.element.type ?? null,
        logicalType: logicalTypeString(node.element.logical_type),
        convertedType: node.element.converted_type ?? null,
        kind: columnPlan(node).kind,
      })),
    }
  })
}

/** A readable column of a type this decoder does not turn into columns (not damage). */
export class UnsupportedColumnType extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message)
    this.name = 'UnsupportedColumnType'
  }
}

// -- entry point ------------------------------------------------------------------------

/**
 * Decode a parquet file into columns.
 * @param {any} bytes Uint8Array / ArrayBuffer holding the whole file
 * @param {Iterable<string> | null} [columns] names to read (default all, file order)
 * @returns {Promise<{ numRows: number, columns: ({ name: string, kind: 'numeric', array: any }
 *   | { name: string, kind: 'dictionary', codes: Int32Array, values: string[] }
 *   | { name: string, kind: 'boolean', codes: Int8Array } | { name: string, kind: 'null' })[] }>}
 */
export async function readParquetColumns(bytes, columns) {
  return readParquetColumnsSync(bytes, columns)
}

/**
 * {@link readParquetColumns}, without the promise.
 * @param {any} bytes
 * @param {Iterable<string> | null} [columns]
 */
export function readParquetColumnsSync(bytes, columns) {
  return withBytes(bytes, u8 => {
    const metadata = parquetMetadata(u8, { geoparquet: false })
    const numRows = Number(metadata.num_rows)
    const all = topColumns(metadata)
    const byName = new Map(all.map(c => [c.name, c]))
    let selected = all
    if (columns !== undefined && columns !== null) {
      const names = typeof columns === 'string' ? [columns] : Array.from(columns, String)
      selected = names.map(name => {
        const c = byName.get(name)
        if (!c) throw new Error(`parquet column "${name}" not found; the file has: ${all.map(c => c.name).join(', ')}`)
        return c
      })
    }
    // each row group's column chunks by (top-level, flat) column name
    const chunksByName = metadata.row_groups.map((/** @type {any} */ rg) => new Map(
      rg.columns.filter((/** @type {any} */ c) => c.meta_data?.path_in_schema.length === 1)
        .map((/** @type {any} */ c) => [c.meta_data.path_in_schema[0], c])))
    const result = []
    for (const { name, node, root } of selected) {
      const plan = columnPlan(node)
      if (!plan.kind) throw new UnsupportedColumnType(`parquet column "${name}": ${plan.reason}`)
      try {
        const chunks = chunksByName.map(byColumn => {
          const chunk = byColumn.get(name)
          if (!chunk) throw new Error('no column chunk in a row group')
          if (chunk.file_path) throw new Error('column chunk in another file')
          const meta = chunk.meta_data
          const decoder = {
            type: meta.type,
            element: node.element,
            schemaPath: [root, node],
            codec: meta.codec,
            maxDef: node.element.repetition_type === 'REQUIRED' ? 0 : 1,
            levelsOnly: plan.kind === 'null',
          }
          return { meta, decoder }
        })
        if (plan.kind === 'numeric') {
          result.push({ name, kind: 'numeric', array: numericColumn(u8, chunks, numRows, plan) })
        } else if (plan.kind === 'boolean') {
          result.push({ name, kind: 'boolean', codes: booleanColumn(u8, chunks, numRows) })
        } else if (plan.kind === 'null') {
          nullColumn(u8, chunks, numRows)
          result.push({ name, kind: 'null' })
        } else {
          const { codes, values } = dictionaryColumn(u8, chunks, numRows)
          result.push({ name, kind: 'dictionary', codes, values })
        }
      } catch (e) {
        const err = /** @type {Error} */ (e)
        throw new Error(`parquet column "${name}" (${typeLabel(node)}): ${err.message}`, { cause: err })
      }
    }
    return { numRows, columns: result }
  })
}
