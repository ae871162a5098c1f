// Stage 4b, string columns: dictionary codes (Int32Array, -1 = missing) and the
// dictionary page's strings, in file order (OpenML's nominal levels as declared).

import { decodeIndices, unpackIndices } from './encoding.mjs'
import { walkChunk } from './pages.mjs'

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
 * @param {Uint8Array} u8 the file
 * @param {{ meta: any, decoder: any }[]} chunks the column's chunk in each row group
 * @param {number} numRows rows in the file (the footer's count)
 * @returns {{ codes: Int32Array, values: string[] }}
 */
export function dictionaryColumn(u8, chunks, numRows) {
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
