// Stage 4c, BOOLEAN columns (OpenML's {true, false} nominals) into Int8Array codes, and
// the check of Arrow null-type columns (OpenML's columns missing in every row).

import { decodeHybrid, unpackBits } from './encoding.mjs'
import { walkChunk } from './pages.mjs'

/** @typedef {import('./pages.mjs').Bits} Bits */

const NULL_CODE = 0xff // -1 in the Int8Array codes, written through their Uint8Array view

let boolScratch = new Uint8Array(4096)

/**
 * Decode one BOOLEAN column (all its row groups) into codes: -1 null, 0 false, 1 true.
 * Bits are unpacked straight into the codes (pages without nulls) or into a scratch
 * buffer then spread over the rows (pages with nulls): no per-value JS objects.
 * @param {Uint8Array} u8 the file
 * @param {{ meta: any, decoder: any }[]} chunks the column's chunk in each row group
 * @param {number} numRows rows in the file (the footer's count)
 * @returns {Int8Array}
 */
export function booleanColumn(u8, chunks, numRows) {
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
 * @param {Uint8Array} u8 the file
 * @param {{ meta: any, decoder: any }[]} chunks the column's chunk in each row group
 * @param {number} numRows rows in the file (the footer's count)
 */
export function nullColumn(u8, chunks, numRows) {
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
