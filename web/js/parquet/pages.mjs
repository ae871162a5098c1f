// Stage 2, the pages of a column chunk (hyparquet's column.js / datapage.js): page
// headers, decompression and, for what OpenML files hold (RLE definition levels; PLAIN,
// dictionary or BOOLEAN values), our own page reader that leaves dictionary indices and
// booleans packed for the column stage. Rarer encodings (DELTA_*, BYTE_STREAM_SPLIT)
// go through hyparquet's readDataPage / readDataPageV2.

import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js'
import { readPlain } from 'hyparquet/src/plain.js'
import { readLevels } from './encoding.mjs'


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
export function walkChunk(u8, meta, decoder, onDictionary, onPage) {
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
