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

import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js'
import { parquetMetadata, parquetSchema } from 'hyparquet/src/metadata.js'
import { readPlain } from 'hyparquet/src/plain.js'

// INT32 annotations (converted type, or INTEGER logical type) -> TypedArray
const INT32_ARRAYS = {
  INT_8: Int8Array, INT_16: Int16Array, INT_32: Int32Array,
  UINT_8: Uint8Array, UINT_16: Uint16Array, UINT_32: Uint32Array,
}
const INT64_ARRAYS = { INT_64: BigInt64Array, UINT_64: BigUint64Array }
const STRING_ANNOTATIONS = new Set(['UTF8', 'STRING', 'ENUM'])

// -- input -------------------------------------------------------------------------

/**
 * Run fn on a Uint8Array view of the input, releasing a Pyodide buffer afterwards.
 * @template T
 * @param {any} bytes
 * @param {(u8: Uint8Array) => T} fn
 * @returns {T}
 */
function withBytes(bytes, fn) {
  if (bytes && typeof bytes.getBuffer === 'function' && !ArrayBuffer.isView(bytes)) {
    // Pyodide PyProxy of a Python buffer: view WASM memory directly, no copy. The
    // decode below is synchronous, so the view cannot go stale while it runs, and
    // every array returned is freshly allocated (nothing aliases the view).
    const buf = bytes.getBuffer('u8')
    try {
      return fn(asUint8(buf.data))
    } finally {
      buf.release()
    }
  }
  return fn(asUint8(bytes))
}

/**
 * @param {any} bytes
 * @returns {Uint8Array} a view in this realm (hyparquet checks instanceof)
 */
function asUint8(bytes) {
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const tag = Object.prototype.toString.call(bytes)
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(bytes)
  throw new TypeError(`parquet bytes must be a Uint8Array or ArrayBuffer, got ${tag}`)
}

// -- schema ------------------------------------------------------------------------

/** @param {any} lt hyparquet logical type */
function logicalTypeString(lt) {
  if (!lt) return null
  switch (lt.type) {
  case 'INTEGER': return `INTEGER(${lt.bitWidth},${lt.isSigned})`
  case 'DECIMAL': return `DECIMAL(${lt.precision},${lt.scale})`
  case 'TIME':
  case 'TIMESTAMP': return `${lt.type}(${lt.unit},${lt.isAdjustedToUTC})`
  default: return String(lt.type)
  }
}

/**
 * Integer annotation as a converted-type name (INT_8 .. UINT_64), or undefined.
 * @param {any} element
 */
function integerAnnotation(element) {
  const lt = element.logical_type
  if (lt?.type === 'INTEGER') return `${lt.isSigned ? '' : 'U'}INT_${lt.bitWidth}`
  return element.converted_type
}

/** Describe a column's type for error messages: "INT32 (DATE)", "group (LIST)". */
function typeLabel(node) {
  const { element } = node
  const base = node.children.length
    ? (element.logical_type || element.converted_type ? 'group' : 'group (struct)')
    : element.type
  const notes = []
  const lt = logicalTypeString(element.logical_type)
  if (lt) notes.push(lt)
  if (element.converted_type && element.converted_type !== element.logical_type?.type) notes.push(element.converted_type)
  if (element.repetition_type === 'REPEATED') notes.push('REPEATED')
  return notes.length ? `${base} (${notes.join(', ')})` : base
}

/**
 * How a top-level column decodes, or why it cannot.
 * @param {any} node hyparquet SchemaTree node
 * @returns {{ kind: 'numeric', Array: any } | { kind: 'dictionary' | 'boolean' | 'null' }
 *   | { kind: null, reason: string }}
 */
function columnPlan(node) {
  const { element } = node
  const unsupported = { kind: null, reason: `unsupported type ${typeLabel(node)}` }
  if (node.children.length || element.repetition_type === 'REPEATED') {
    return { kind: null, reason: `unsupported nested type ${typeLabel(node)}` }
  }
  const lt = element.logical_type?.type
  const ct = element.converted_type
  // Arrow's null type: the Thrift LogicalType UNKNOWN (NullType) member, which hyparquet
  // names 'NULL'; pyarrow stores it as INT32, but the physical type carries nothing
  if (lt === 'NULL') return { kind: 'null' }
  switch (element.type) {
  case 'BOOLEAN':
    return lt || ct ? unsupported : { kind: 'boolean' }
  case 'DOUBLE':
    return lt || ct ? unsupported : { kind: 'numeric', Array: Float64Array }
  case 'FLOAT':
    return lt || ct ? unsupported : { kind: 'numeric', Array: Float32Array }
  case 'INT32': {
    if (lt && lt !== 'INTEGER') return unsupported
    const Arr = (lt || ct) ? INT32_ARRAYS[integerAnnotation(element)] : Int32Array
    return Arr ? { kind: 'numeric', Array: Arr } : unsupported
  }
  case 'INT64': {
    if (lt && lt !== 'INTEGER') return unsupported
    const Arr = (lt || ct) ? INT64_ARRAYS[integerAnnotation(element)] : BigInt64Array
    return Arr ? { kind: 'numeric', Array: Arr } : unsupported
  }
  case 'BYTE_ARRAY':
    // unannotated BYTE_ARRAY is read as UTF-8 text, as hyparquet does by default;
    // bytes that are not valid UTF-8 raise an error instead of being mangled
    if ((lt && !STRING_ANNOTATIONS.has(lt)) || (ct && !STRING_ANNOTATIONS.has(ct))) return unsupported
    return { kind: 'dictionary' }
  default:
    return unsupported
  }
}

/**
 * Top-level columns of the file, in file order.
 * @param {any} metadata
 */
function topColumns(metadata) {
  const root = parquetSchema(metadata)
  return root.children.map((/** @type {any} */ node) => ({ name: node.element.name, node, root }))
}

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

// -- pages ---------------------------------------------------------------------------

/**
 * @typedef {object} Packed dictionary indices still in their page, decoded on demand
 * @property {Uint8Array} src page bytes (decompressed)
 * @property {number} pos offset of the bit-width byte
 * @property {number} count indices (= present values)
 */
/**
 * @typedef {object} Page one data page of a flat column, decoded
 * @property {number} n rows (= values incl. nulls) in the page
 * @property {ArrayLike<number> | null} defs definition levels (1 = present), null if none is null
 * @property {number} nNulls
 * @property {Packed | null} packed dictionary indices (dictionary-encoded page)
 * @property {Bits | null} bits BOOLEAN values (PLAIN or RLE page)
 * @property {any} values decoded present values (other pages; null if levels only)
 */
/**
 * @typedef {object} Bits BOOLEAN values still in their page, decoded on demand
 * @property {Uint8Array} src page bytes (decompressed)
 * @property {number} pos offset of the values
 * @property {number} count values (= present values)
 * @property {boolean} rle RLE encoded (4-byte length, then RLE / bit-packed hybrid of
 *   width 1, in v1 and v2 pages alike), else PLAIN (bits, LSB first)
 */

/**
 * Walk one column chunk page by page.
 * @param {Uint8Array} u8 file
 * @param {any} meta ColumnMetaData
 * @param {any} decoder { type, element, schemaPath, codec, maxDef, levelsOnly } (hyparquet's
 *   helpers use it; levelsOnly: read definition levels, never values)
 * @param {((dict: any) => void) | null} onDictionary null: dictionary pages are skipped
 * @param {(page: Page) => void} onPage
 */
function walkChunk(u8, meta, decoder, onDictionary, onPage) {
  // start at the dictionary page when there is one; some writers leave
  // dictionary_page_offset unset and data_page_offset then points at it
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
  const length = Number(meta.total_compressed_size)
  if (!(start >= 0 && start + length <= u8.byteLength)) throw new Error('column chunk lies outside the file')
  const reader = { view: new DataView(u8.buffer, u8.byteOffset + start, length), offset: 0 }
  const total = Number(meta.num_values)
  let seen = 0
  while (seen < total) {
    if (reader.offset >= length) throw new Error(`column chunk ended after ${seen} of ${total} values`)
    const header = parquetHeader(reader)
    const size = header.compressed_page_size
    if (!(size >= 0 && reader.offset + size <= length)) throw new Error('page overruns its column chunk')
    const compressed = u8.subarray(start + reader.offset, start + reader.offset + size)
    reader.offset += size
    if (header.type === 'DICTIONARY_PAGE') {
      if (!onDictionary) continue
      const dph = header.dictionary_page_header
      const page = decompress(compressed, header.uncompressed_page_size, meta.codec)
      const view = new DataView(page.buffer, page.byteOffset, page.byteLength)
      onDictionary(readPlain({ view, offset: 0 }, meta.type, dph.num_values, decoder.element.type_length))
    } else if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header
      const page = decompress(compressed, header.uncompressed_page_size, meta.codec)
      onPage(dataPageV1(page, daph, decoder))
      seen += daph.num_values
    } else if (header.type === 'DATA_PAGE_V2') {
      onPage(dataPageV2(compressed, header, decoder))
      seen += header.data_page_header_v2.num_values
    }
    // INDEX_PAGE and unknown pages are skipped
  }
}

/**
 * @param {Uint8Array} compressed
 * @param {number} size uncompressed size
 * @param {string} codec
 * @returns {Uint8Array}
 */
function decompress(compressed, size, codec) {
  // SNAPPY, or UNCOMPRESSED (a view, no copy); other codecs: hyparquet's error names them
  return decompressPage(compressed, size, codec, undefined)
}

/**
 * @param {ArrayLike<number> | undefined} defs
 * @param {number} n
 * @returns {{ defs: ArrayLike<number> | null, nNulls: number }}
 */
function countNulls(defs, n) {
  if (!defs || !defs.length) return { defs: null, nNulls: 0 }
  let present = 0
  for (let i = 0; i < n; i++) present += defs[i]
  return present === n ? { defs: null, nNulls: 0 } : { defs, nNulls: n - present }
}

const DICTIONARY_ENCODINGS = new Set(['PLAIN_DICTIONARY', 'RLE_DICTIONARY'])

/**
 * How this file reads a data page's values, or null: hand the page to hyparquet.
 * 'levels': definition levels only (null-type column: its values are never read);
 * 'dict': indices left packed; 'bits': BOOLEAN values left packed; 'plain': readPlain.
 * @param {string} encoding
 * @param {any} decoder
 * @returns {'levels' | 'dict' | 'bits' | 'plain' | null}
 */
function valuesMode(encoding, decoder) {
  if (decoder.levelsOnly) return 'levels'
  if (DICTIONARY_ENCODINGS.has(encoding)) return 'dict'
  if (decoder.type === 'BOOLEAN') return encoding === 'PLAIN' || encoding === 'RLE' ? 'bits' : null
  return encoding === 'PLAIN' ? 'plain' : null
}

/**
 * A page's values, found at src[pos..] (levels already read).
 * @param {'levels' | 'dict' | 'bits' | 'plain'} mode
 * @param {Uint8Array} src
 * @param {number} pos
 * @param {number} n
 * @param {ArrayLike<number> | null} defs
 * @param {number} nNulls
 * @param {string} encoding
 * @param {any} decoder
 * @returns {Page}
 */
function pageValues(mode, src, pos, n, defs, nNulls, encoding, decoder) {
  const count = n - nNulls
  /** @type {Page} */
  const page = { n, defs, nNulls, packed: null, bits: null, values: null }
  if (mode === 'dict') {
    page.packed = { src, pos, count }
  } else if (mode === 'bits') {
    page.bits = { src, pos, count, rle: encoding === 'RLE' }
  } else if (mode === 'plain') {
    const reader = { view: new DataView(src.buffer, src.byteOffset, src.byteLength), offset: pos }
    page.values = readPlain(reader, decoder.type, count, decoder.element.type_length)
  }
  return page
}

/**
 * Data page v1: levels and values are all in the (decompressed) page.
 * Own fast path for what OpenML files hold (RLE levels; PLAIN, dictionary or BOOLEAN
 * values); other encodings (DELTA_*, BYTE_STREAM_SPLIT, ...) go through hyparquet's
 * readDataPage.
 * @param {Uint8Array} page
 * @param {any} daph
 * @param {any} decoder
 * @returns {Page}
 */
function dataPageV1(page, daph, decoder) {
  const n = daph.num_values
  const mode = valuesMode(daph.encoding, decoder)
  if (!mode) {
    const { definitionLevels, dataPage } = readDataPage(page, daph, decoder)
    return { n, ...countNulls(definitionLevels, n), packed: null, bits: null, values: dataPage }
  }
  let offset = 0
  let defs = null
  let nNulls = 0
  if (decoder.maxDef) {
    // 4-byte length, then RLE/bit-packed levels of bit width 1
    if (page.byteLength < 4) throw new Error('data page too short for its definition levels')
    const length = (page[0] | page[1] << 8 | page[2] << 16 | page[3] << 24) >>> 0
    if (4 + length > page.byteLength) throw new Error('definition levels overrun the data page')
    ;({ defs, nNulls } = readLevels(page, 4, 4 + length, n))
    offset = 4 + length
  }
  return pageValues(mode, page, offset, n, defs, nNulls, daph.encoding, decoder)
}

/**
 * Data page v2: levels are stored uncompressed ahead of the (maybe compressed) values.
 * @param {Uint8Array} compressed
 * @param {any} header
 * @param {any} decoder
 * @returns {Page}
 */
function dataPageV2(compressed, header, decoder) {
  const daph2 = header.data_page_header_v2
  const n = daph2.num_values
  const mode = valuesMode(daph2.encoding, decoder)
  if (!mode) {
    const { definitionLevels, dataPage } = readDataPageV2(compressed, header, decoder)
    return { n, ...countNulls(definitionLevels, n), packed: null, bits: null, values: dataPage }
  }
  const rlen = daph2.repetition_levels_byte_length
  const dlen = daph2.definition_levels_byte_length
  if (rlen + dlen > compressed.byteLength) throw new Error('levels overrun the data page')
  let defs = null
  let nNulls = 0
  if (decoder.maxDef && dlen) ({ defs, nNulls } = readLevels(compressed, rlen, rlen + dlen, n))
  const valuesSize = header.uncompressed_page_size - rlen - dlen
  let page = compressed.subarray(rlen + dlen)
  // levels only: the values are never looked at, so not decompressed either
  if (mode !== 'levels' && daph2.is_compressed !== false && valuesSize) page = decompress(page, valuesSize, decoder.codec)
  return pageValues(mode, page, 0, n, defs, nNulls, daph2.encoding, decoder)
}

/**
 * Definition levels (max level 1) of a flat column.
 * @param {Uint8Array} src
 * @param {number} pos
 * @param {number} end
 * @param {number} n
 * @returns {{ defs: Uint8Array | null, nNulls: number }} defs null when none is null
 */
function readLevels(src, pos, end, n) {
  // usual case, no null: a single run of n ones
  const [header, p] = readUleb(src, pos)
  if (header % 2 === 0 && header / 2 >= n && src[p] === 1) return { defs: null, nNulls: 0 }
  const levels = new Uint8Array(n)
  decodeHybrid(src, pos, end, 1, levels, 0, n, false)
  let present = 0
  for (let i = 0; i < n; i++) present += levels[i]
  return present === n ? { defs: null, nNulls: 0 } : { defs: levels, nNulls: n - present }
}

/**
 * Dictionary indices of a page as an Int32Array, checked against the dictionary size.
 * @param {Packed} packed
 * @param {number} size dictionary size
 * @returns {Int32Array}
 */
function unpackIndices({ src, pos, count }, size) {
  const indices = new Int32Array(count)
  decodeIndices(src, pos, count, indices, 0, null, size)
  return indices
}

/**
 * @typedef {object} DictTarget a TypedArray output filled through a dictionary
 * @property {any} out the output TypedArray
 * @property {any} dict the dictionary, converted to the output's type
 * @property {any} outView out's bytes as Uint8/16/32Array (elements of 8 bytes: Uint32 pairs)
 * @property {any} dictView dict's bytes, the same way
 * @property {(out: any, at: number, dict: any, idx: Int32Array, n: number) => void} map
 */

/**
 * Set up dictionary gathers into `out`. The loops run on unsigned views of the same
 * element width, so V8 sees four array types in them whatever the column types
 * (with ten TypedArray types they go megamorphic and get several times slower).
 * @param {any} out
 * @param {any} dict
 * @returns {DictTarget}
 */
function dictTarget(out, dict) {
  const typed = new out.constructor(dict.length)
  typed.set(dict) // e.g. INT32 dictionary values -> Uint8Array
  const bytes = out.BYTES_PER_ELEMENT
  const View = bytes === 1 ? Uint8Array : bytes === 2 ? Uint16Array : Uint32Array
  const view = (/** @type {any} */ a) => new View(a.buffer, a.byteOffset, a.byteLength / View.BYTES_PER_ELEMENT)
  const map = bytes === 1 ? map8 : bytes === 2 ? map16 : bytes === 4 ? map32 : map64
  return { out, dict: typed, outView: view(out), dictView: view(typed), map }
}

function map8(/** @type {Uint8Array} */ out, at, /** @type {Uint8Array} */ dict, /** @type {Int32Array} */ idx, n) {
  for (let i = 0; i < n; i++) out[at + i] = dict[idx[i]]
}
function map16(/** @type {Uint16Array} */ out, at, /** @type {Uint16Array} */ dict, /** @type {Int32Array} */ idx, n) {
  for (let i = 0; i < n; i++) out[at + i] = dict[idx[i]]
}
function map32(/** @type {Uint32Array} */ out, at, /** @type {Uint32Array} */ dict, /** @type {Int32Array} */ idx, n) {
  for (let i = 0; i < n; i++) out[at + i] = dict[idx[i]]
}
function map64(/** @type {Uint32Array} */ out, at, /** @type {Uint32Array} */ dict, /** @type {Int32Array} */ idx, n) {
  for (let i = 0; i < n; i++) {
    const o = (at + i) * 2
    const d = idx[i] * 2
    out[o] = dict[d]
    out[o + 1] = dict[d + 1]
  }
}

/**
 * Dictionary indices (bit-width byte, then RLE/bit-packed runs to the page end) into
 * out[at..], or, with a target, their dictionary values into target.out[at..].
 * @param {Uint8Array} src
 * @param {number} pos
 * @param {number} count
 * @param {Int32Array | null} out for the indices (null with a target)
 * @param {number} at
 * @param {DictTarget | null} target
 * @param {number} size dictionary size: every index must be below it
 */
function decodeIndices(src, pos, count, out, at, target, size) {
  if (!count) return
  if (pos >= src.length) throw new Error('data page ends before its dictionary indices')
  const width = src[pos]
  if (width > 31) throw new Error(`dictionary index bit width ${width}`)
  let indices = out
  let start = at
  if (target) {
    // indices into a scratch buffer first, then one gather over the page
    if (scratch.length < count) scratch = new Int32Array(count)
    indices = scratch
    start = 0
  }
  let max = 0
  if (width === 0) indices.fill(0, start, start + count)
  else max = decodeHybrid(src, pos + 1, src.length, width, indices, start, count, 2 ** width > size)
  if (max >= size) throw new Error(`dictionary index ${max} out of range (dictionary has ${size} entries)`)
  if (target) target.map(target.outView, at, target.dictView, indices, count)
}

/**
 * @param {Uint8Array} src
 * @param {number} pos
 * @returns {[number, number]} value, position after it
 */
function readUleb(src, pos) {
  let value = 0
  let shift = 0
  let b
  do {
    b = src[pos++]
    value += (b & 0x7f) * 2 ** shift
    shift += 7
  } while (b & 0x80 && shift < 35)
  return [value, pos]
}

let scratch = new Int32Array(4096)

/**
 * Parquet's RLE / bit-packed hybrid encoding, straight from bytes into a TypedArray.
 * hyparquet's readRleBitPackedHybrid reads through a DataView one value at a time;
 * this is the hot loop for wide files (mnist: 55M values), so bit-packed groups are
 * unpacked with a bit accumulator and long runs become fill() calls.
 * @param {Uint8Array} src
 * @param {number} pos first run header
 * @param {number} end end of the encoded data
 * @param {number} width bit width, 1..31
 * @param {Uint8Array | Int32Array} out
 * @param {number} at
 * @param {number} count values to decode
 * @param {boolean} track find the largest value (not needed when every `width`-bit value is valid)
 * @returns {number} the largest value decoded if tracked (callers check it against the dictionary)
 */
function decodeHybrid(src, pos, end, width, out, at, count, track) {
  const valueBytes = (width + 7) >> 3
  let max = 0
  let seen = 0
  while (seen < count) {
    if (pos >= end) throw new Error(`RLE/bit-packed data ends after ${seen} of ${count} values`)
    // ULEB128 run header
    let header = src[pos++]
    if (header & 0x80) {
      header &= 0x7f
      for (let shift = 7; ; shift += 7) {
        const b = src[pos++]
        header += (b & 0x7f) * 2 ** shift
        if (!(b & 0x80) || shift >= 28) break
      }
    }
    if (header & 1) {
      // bit-packed: header >> 1 groups of 8 values, each group `width` bytes
      const groups = Math.floor(header / 2)
      const take = Math.min(groups * 8, count - seen)
      const m = unpackBits(src, pos, width, out, at + seen, take, track)
      if (m > max) max = m
      pos += groups * width
      seen += take
    } else {
      // run: one little-endian value of ceil(width / 8) bytes, repeated
      const run = Math.floor(header / 2)
      let value = src[pos++] | 0
      for (let i = 1; i < valueBytes; i++) value += (src[pos++] | 0) * 2 ** (8 * i)
      if (value > max) max = value
      const take = Math.min(run, count - seen)
      const from = at + seen
      if (take < 64) {
        for (let i = 0; i < take; i++) out[from + i] = value
      } else {
        out.fill(value, from, from + take)
      }
      seen += take
    }
  }
  if (max >= 2 ** width) throw new Error(`RLE value ${max} wider than ${width} bits`)
  return track ? max : 0
}

/**
 * Unpack n values of `width` bits (LSB first) from src[pos..] into out[at..].
 * Bytes past the end of src read as 0 (a last group may be cut short).
 * @param {Uint8Array} src
 * @param {number} pos
 * @param {number} width
 * @param {Uint8Array | Int32Array} out
 * @param {number} at
 * @param {number} n
 * @param {boolean} track
 * @returns {number} the largest value (0 if not tracked)
 */
function unpackBits(src, pos, width, out, at, n, track) {
  let max = 0
  if (width === 8 && !track && n >= 32 && pos + n <= src.length) {
    out.set(src.subarray(pos, pos + n), at) // native copy
  } else if (width === 8 && pos + n <= src.length) {
    for (let i = 0; i < n; i++) {
      const v = src[pos + i]
      out[at + i] = v
      if (v > max) max = v
    }
  } else if (width === 1) {
    // definition levels and booleans: eight values a byte, no bit accumulator
    let i = 0
    let any = 0
    for (; i + 8 <= n; i += 8) {
      const b = src[pos++] | 0
      any |= b
      const o = at + i
      out[o] = b & 1
      out[o + 1] = b >> 1 & 1
      out[o + 2] = b >> 2 & 1
      out[o + 3] = b >> 3 & 1
      out[o + 4] = b >> 4 & 1
      out[o + 5] = b >> 5 & 1
      out[o + 6] = b >> 6 & 1
      out[o + 7] = b >> 7 & 1
    }
    if (i < n) {
      const b = (src[pos] | 0) & ((1 << (n - i)) - 1) // bits past n are padding
      any |= b
      for (let k = 0; i < n; i++, k++) out[at + i] = b >> k & 1
    }
    max = any ? 1 : 0
  } else if (width <= 24) {
    const mask = (1 << width) - 1
    let acc = 0
    let bits = 0
    for (let i = 0; i < n; i++) {
      while (bits < width) {
        acc |= (src[pos++] | 0) << bits
        bits += 8
      }
      const v = acc & mask
      out[at + i] = v
      if (v > max) max = v
      acc >>>= width
      bits -= width
    }
  } else {
    // wide indices (dictionaries over 16M entries): float arithmetic, no 32-bit overflow
    const base = 2 ** width
    let acc = 0
    let bits = 0
    for (let i = 0; i < n; i++) {
      while (bits < width) {
        acc += (src[pos++] | 0) * 2 ** bits
        bits += 8
      }
      const v = acc % base
      out[at + i] = v
      if (v > max) max = v
      acc = Math.floor(acc / base)
      bits -= width
    }
  }
  return max
}

// -- numeric columns ------------------------------------------------------------------

/**
 * Values as float64, reading unsigned types as unsigned and int64 as numbers.
 * @param {any} values
 * @param {any} Arr target TypedArray constructor (the null-free type)
 * @returns {Float64Array}
 */
function toFloat64(values, Arr) {
  const n = values.length
  const out = new Float64Array(n)
  if (Arr === BigInt64Array) {
    for (let i = 0; i < n; i++) out[i] = Number(values[i])
  } else if (Arr === BigUint64Array) {
    for (let i = 0; i < n; i++) out[i] = Number(BigInt.asUintN(64, values[i]))
  } else if (Arr === Uint32Array) {
    for (let i = 0; i < n; i++) out[i] = values[i] >>> 0
  } else {
    out.set(values)
  }
  return out
}

/**
 * Decode one numeric column (all its row groups) into one TypedArray.
 * @returns {Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array |
 *   Float32Array | Float64Array | BigInt64Array | BigUint64Array}
 */
function numericColumn(u8, chunks, numRows, plan) {
  // Walk the pages first (levels read, dictionary indices left packed): the output
  // type, Float64Array if any value is null, needs the column's null count.
  /** @type {{ dict: any, pages: Page[], start: number }[]} */
  const groups = []
  let nulls = 0
  let row = 0
  for (const { meta, decoder } of chunks) {
    const group = { dict: null, pages: /** @type {Page[]} */ ([]), start: row }
    walkChunk(u8, meta, decoder, dict => { group.dict = dict }, page => {
      group.pages.push(page)
      nulls += page.nNulls
      row += page.n
    })
    groups.push(group)
  }
  if (row !== numRows) throw new Error(`decoded ${row} rows, the footer says ${numRows}`)
  const Arr = plan.Array
  const out = nulls ? new Float64Array(numRows) : new Arr(numRows)
  for (const { dict: rawDict, pages, start } of groups) {
    const dict = rawDict && nulls ? toFloat64(rawDict, Arr) : rawDict
    /** @type {DictTarget | null} */
    let target = null
    let s = start
    for (const page of pages) {
      const { n, defs, packed } = page
      if (packed) {
        if (!dict) throw new Error('dictionary-encoded page without a dictionary page')
        if (!defs) {
          // the common case: indices decoded straight through the dictionary into out
          target ??= dictTarget(out, dict)
          decodeIndices(packed.src, packed.pos, packed.count, null, s, target, dict.length)
        } else {
          gatherWithNulls(out, s, dict, unpackIndices(packed, dict.length), defs, n)
        }
      } else {
        const values = nulls ? toFloat64(page.values, Arr) : page.values
        if (defs) scatterWithNulls(out, s, values, defs, n)
        else out.set(values, s) // converts e.g. INT32 page values into a Uint8Array
      }
      s += n
    }
  }
  return out
}

// The hot loops, kept in small functions so V8 optimizes each on its own.

/** out[s + j] = dict[next index], NaN where defs[j] is 0 (indices: present values only). */
function gatherWithNulls(out, s, dict, indices, defs, n) {
  for (let j = 0, k = 0; j < n; j++) out[s + j] = defs[j] ? dict[indices[k++]] : NaN
}

/** out[s + j] = next present value, NaN where defs[j] is 0. */
function scatterWithNulls(out, s, src, defs, n) {
  for (let j = 0, k = 0; j < n; j++) out[s + j] = defs[j] ? src[k++] : NaN
}

// -- string columns --------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * @param {Uint8Array} b
 * @returns {string}
 */
function decodeString(b) {
  const n = b.length
  if (n < 48) {
    // short ASCII strings: cheaper than a TextDecoder call
    let ascii = true
    for (let i = 0; i < n; i++) if (b[i] > 0x7f) { ascii = false; break }
    if (ascii) return String.fromCharCode.apply(null, /** @type {any} */ (b))
  }
  return utf8.decode(b)
}

/**
 * Decode one string column (all its row groups) into codes + values. A dictionary-
 * encoded chunk gives its dictionary page as `values` (file order, unused entries kept)
 * and its indices as `codes`. Values not in a dictionary (plain pages, other row
 * groups' dictionaries) are appended in order of first occurrence.
 * @returns {{ codes: Int32Array, values: string[] }}
 */
function dictionaryColumn(u8, chunks, numRows) {
  const codes = new Int32Array(numRows)
  /** @type {string[]} */
  let values = []
  /** @type {Map<string, number> | null} */
  let lookup = null
  const codeOf = (/** @type {string} */ v) => {
    if (!lookup) {
      lookup = new Map()
      for (let i = 0; i < values.length; i++) if (!lookup.has(values[i])) lookup.set(values[i], i)
    }
    let c = lookup.get(v)
    if (c === undefined) {
      c = values.length
      values.push(v)
      lookup.set(v, c)
    }
    return c
  }
  let row = 0
  for (const { meta, decoder } of chunks) {
    /** @type {Int32Array | null} */
    let remap = null // chunk dictionary index -> code, when not the identity
    let dictSize = -1
    walkChunk(u8, meta, decoder, rawDict => {
      const strings = Array.from(rawDict, decodeString)
      dictSize = strings.length
      if (!values.length && !lookup) {
        values = strings
        remap = null
      } else {
        remap = new Int32Array(strings.length)
        for (let i = 0; i < strings.length; i++) remap[i] = codeOf(strings[i])
      }
    }, page => {
      const { n, defs, packed } = page
      if (row + n > numRows) throw new Error(`more rows than the footer's ${numRows}`)
      if (packed) {
        if (dictSize < 0) throw new Error('dictionary-encoded page without a dictionary page')
        if (!defs && !remap) {
          decodeIndices(packed.src, packed.pos, packed.count, codes, row, null, dictSize)
        } else {
          const indices = unpackIndices(packed, dictSize)
          for (let j = 0, k = 0; j < n; j++) {
            codes[row + j] = defs && !defs[j] ? -1 : remap ? remap[indices[k++]] : indices[k++]
          }
        }
      } else {
        const plain = page.values
        for (let j = 0, k = 0; j < n; j++) {
          codes[row + j] = defs && !defs[j] ? -1 : codeOf(decodeString(plain[k++]))
        }
      }
      row += n
    })
  }
  if (row !== numRows) throw new Error(`decoded ${row} rows, the footer says ${numRows}`)
  return { codes, values }
}

// -- boolean and null-type columns ------------------------------------------------------

const NULL_CODE = 0xff // -1 in the Int8Array codes, written through their Uint8Array view

let boolScratch = new Uint8Array(4096)

/**
 * Decode one BOOLEAN column (all its row groups) into codes: -1 null, 0 false, 1 true.
 * Bits are unpacked straight into the codes (pages without nulls) or into a scratch
 * buffer then spread over the rows (pages with nulls): no per-value JS objects.
 * @returns {Int8Array}
 */
function booleanColumn(u8, chunks, numRows) {
  const codes = new Int8Array(numRows)
  // the unpackers write Uint8Arrays (as for levels): same bytes, one array type in them
  const out = new Uint8Array(codes.buffer, codes.byteOffset, codes.length)
  let row = 0
  for (const { meta, decoder } of chunks) {
    walkChunk(u8, meta, decoder, null, page => {
      const { n, defs, nNulls, packed, bits, values } = page
      if (row + n > numRows) throw new Error(`more rows than the footer's ${numRows}`)
      if (packed) throw new Error('dictionary-encoded BOOLEAN page (the format has no dictionary for booleans)')
      const count = n - nNulls
      if (!count) {
        out.fill(NULL_CODE, row, row + n)
      } else {
        if (defs && boolScratch.length < count) boolScratch = new Uint8Array(count)
        const dst = defs ? boolScratch : out
        const at = defs ? 0 : row
        if (bits) {
          decodeBooleans(bits, dst, at)
        } else {
          // hyparquet read the page (an encoding other than PLAIN / RLE): booleans
          for (let i = 0; i < count; i++) dst[at + i] = values[i] ? 1 : 0
        }
        if (defs) spreadBooleans(out, row, dst, defs, n)
      }
      row += n
    })
  }
  if (row !== numRows) throw new Error(`decoded ${row} rows, the footer says ${numRows}`)
  return codes
}

/**
 * A page's BOOLEAN values into out[at..] as 0 / 1.
 * @param {Bits} bits
 * @param {Uint8Array} out
 * @param {number} at
 */
function decodeBooleans({ src, pos, count, rle }, out, at) {
  if (!rle) {
    // PLAIN: one bit per value, LSB first
    if (pos + Math.ceil(count / 8) > src.length) throw new Error('BOOLEAN values overrun the data page')
    unpackBits(src, pos, 1, out, at, count, false)
    return
  }
  // RLE: a 4-byte length first, in data pages v1 and v2 alike (unlike v2 levels)
  if (pos + 4 > src.length) throw new Error('data page too short for its RLE BOOLEAN values')
  const length = (src[pos] | src[pos + 1] << 8 | src[pos + 2] << 16 | src[pos + 3] << 24) >>> 0
  if (pos + 4 + length > src.length) throw new Error('RLE BOOLEAN values overrun the data page')
  // a run of a value other than 0 / 1 throws in decodeHybrid
  decodeHybrid(src, pos + 4, pos + 4 + length, 1, out, at, count, false)
}

/** out[s + j] = next present value, NULL_CODE where defs[j] is 0. */
function spreadBooleans(/** @type {Uint8Array} */ out, s, /** @type {Uint8Array} */ src, defs, n) {
  for (let j = 0, k = 0; j < n; j++) out[s + j] = defs[j] ? src[k++] : NULL_CODE
}

/**
 * Check a null-type column: its definition levels must mark every row null (its values
 * are never read). A present value means a damaged file, not data to drop.
 */
function nullColumn(u8, chunks, numRows) {
  let row = 0
  for (const { meta, decoder } of chunks) {
    walkChunk(u8, meta, decoder, null, ({ n, defs, nNulls }) => {
      const present = n - nNulls
      if (present) {
        let first = 0
        if (defs) while (!defs[first]) first++
        throw new Error(`a null-type column must be null in every row, but ${present} ` +
          `value${present === 1 ? ' is' : 's are'} present (first in row ${row + first}): the file is damaged`)
      }
      row += n
    })
  }
  if (row !== numRows) throw new Error(`decoded ${row} rows, the footer says ${numRows}`)
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
