// Stage 4a, numeric columns: every row group's pages into one TypedArray (Float64Array
// with NaN where a value is missing, as pandas reads it).

import { decodeIndices, dictTarget, unpackIndices } from './encoding.mjs'
import { walkChunk } from './pages.mjs'

/** @typedef {import('./pages.mjs').Page} Page */
/** @typedef {import('./encoding.mjs').DictTarget} DictTarget */

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
 * @param {Uint8Array} u8 the file
 * @param {{ meta: any, decoder: any }[]} chunks the column's chunk in each row group
 * @param {number} numRows rows in the file (the footer's count)
 * @param {{ Array: any }} plan from columnPlan: the TypedArray type when no value is missing
 * @returns {Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array |
 *   Float32Array | Float64Array | BigInt64Array | BigUint64Array}
 */
export function numericColumn(u8, chunks, numRows, plan) {
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
