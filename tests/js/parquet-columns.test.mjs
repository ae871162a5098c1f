// Tests for the shipped bundle src/openml_lite/engines/parquet_columns.bundle.js
// (build it first: bash web/build-js.sh; run: node --test tests/js/).
//
// Every fixture tests/js/fixtures/NAME.parquet has NAME.json beside it: pyarrow's view
// of the file, written by tests/js/make_fixtures.py (values, nulls, dictionary page
// values incl. unused entries, codes, expected TypedArray type). Two fixtures are files
// written by OpenML's own recipe (openml_*.parquet). When a Python with pyarrow is
// available (OPENML_LITE_PYTHON, else python3), the JSON is checked to be that Python's
// pyarrow reading, and the OpenML mirror's files are compared the same way.
// OPENML_LITE_JS_BENCH=1 also checks and times adult-, mnist- and bool-size files.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

// hyparquet itself (dev dependency) only inspects the fixtures' page layout
import { parquetHeader } from 'hyparquet/src/column.js'
import { parquetMetadata } from 'hyparquet/src/metadata.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '../..')
const fixtures = path.join(here, 'fixtures')
const bundlePath = path.join(repo, 'src/openml_lite/engines/parquet_columns.bundle.js')

if (!existsSync(bundlePath)) {
  throw new Error(`${bundlePath} is missing: run "bash web/build-js.sh" first`)
}

// Evaluate the bundle as js_engine.py does (a classic script run by pyodide.code.run_js,
// wrapped in a function): a script cannot import, and `require` is not defined here.
const bundle = new Function(`${readFileSync(bundlePath, 'utf8')}\nreturn openmlLiteParquet`)()
const { readParquetColumns, readParquetSchema, readParquetColumnsSync, readParquetSchemaSync } = bundle

const load = (/** @type {string} */ name) => readFileSync(path.join(fixtures, name))
const expectedOf = (/** @type {string} */ name) =>
  JSON.parse(readFileSync(path.join(fixtures, name.replace(/\.parquet$/, '.json')), 'utf8'))

// -- comparison against pyarrow's view ------------------------------------------------

/** JSON value from make_fixtures.py -> what the JS array must hold. */
function expectedNumber(v, arrayType) {
  if (v === null) return NaN // null -> NaN (the array is then a Float64Array)
  if (arrayType === 'BigInt64Array' || arrayType === 'BigUint64Array') return BigInt(v)
  if (v === 'NaN') return NaN
  if (v === 'Infinity') return Infinity
  if (v === '-Infinity') return -Infinity
  if (v === '-0') return -0
  return v
}

function checkNumeric(got, exp, numRows) {
  assert.equal(got.kind, 'numeric', `${exp.name}: kind`)
  assert.equal(got.array?.constructor?.name, exp.array_type, `${exp.name}: TypedArray type`)
  assert.equal(got.array.length, numRows, `${exp.name}: length`)
  for (let i = 0; i < numRows; i++) {
    const want = expectedNumber(exp.values[i], exp.array_type)
    // Object.is: exact, NaN equals NaN, -0 differs from 0
    if (!Object.is(got.array[i], want)) {
      assert.fail(`${exp.name}[${i}]: got ${got.array[i]}, pyarrow has ${exp.values[i]}`)
    }
  }
}

function checkBoolean(got, exp, numRows) {
  assert.equal(got.kind, 'boolean', `${exp.name}: kind`)
  assert.ok(got.codes instanceof Int8Array, `${exp.name}: codes must be an Int8Array`)
  assert.equal(got.codes.length, numRows, `${exp.name}: codes length`)
  for (let i = 0; i < numRows; i++) {
    const want = exp.values[i] === null ? -1 : exp.values[i] ? 1 : 0
    if (got.codes[i] !== want) assert.fail(`${exp.name}[${i}]: code ${got.codes[i]}, pyarrow has ${exp.values[i]}`)
  }
}

function checkDictionary(got, exp, numRows) {
  assert.equal(got.kind, 'dictionary', `${exp.name}: kind`)
  assert.ok(got.codes instanceof Int32Array, `${exp.name}: codes must be an Int32Array`)
  assert.equal(got.codes.length, numRows, `${exp.name}: codes length`)
  assert.ok(Array.isArray(got.values), `${exp.name}: values must be an array`)
  assert.ok(got.values.every(v => typeof v === 'string'), `${exp.name}: values must be strings`)
  for (let i = 0; i < numRows; i++) {
    const c = got.codes[i]
    const want = exp.values[i]
    if (want === null ? c !== -1 : got.values[c] !== want) {
      assert.fail(`${exp.name}[${i}]: code ${c} -> ${JSON.stringify(got.values[c])}, pyarrow has ${JSON.stringify(want)}`)
    }
  }
  if (exp.dictionary) {
    // the dictionary page in file order, unused entries kept (or first-occurrence
    // order when the column is not dictionary encoded)
    assert.deepEqual(got.values, exp.dictionary, `${exp.name}: dictionary values/order`)
    assert.deepEqual(Array.from(got.codes), exp.codes, `${exp.name}: codes`)
  }
  if (exp.declared_levels && numRows) {
    assert.deepEqual(got.values, exp.declared_levels, `${exp.name}: declared level order`)
  }
  assert.equal(new Set(got.values).size, got.values.length, `${exp.name}: values must be unique`)
}

/** Compare one decoded file against pyarrow's JSON view. */
function checkResult(result, expected, names) {
  assert.equal(result.numRows, expected.num_rows, 'numRows')
  const byName = new Map(expected.columns.map(c => [c.name, c]))
  assert.deepEqual(result.columns.map(c => c.name), names, 'column names/order')
  const keys = { numeric: 'array,kind,name', dictionary: 'codes,kind,name,values', boolean: 'codes,kind,name', null: 'kind,name' }
  for (const got of result.columns) {
    const exp = byName.get(got.name)
    if (!(exp.kind in keys)) assert.fail(`${got.name}: pyarrow-side kind ${exp.kind} must not decode`)
    assert.equal(Object.keys(got).sort().join(','), keys[exp.kind], `${got.name}: keys`)
    if (exp.kind === 'numeric') checkNumeric(got, exp, expected.num_rows)
    else if (exp.kind === 'dictionary') checkDictionary(got, exp, expected.num_rows)
    else if (exp.kind === 'boolean') checkBoolean(got, exp, expected.num_rows)
    else assert.equal(got.kind, 'null', `${got.name}: kind`)
  }
}

async function checkFile(bytes, expected) {
  const names = expected.columns.filter(c => c.kind !== 'error').map(c => c.name)
  const all = expected.columns.length === names.length
  const result = await readParquetColumns(bytes, all ? undefined : names)
  checkResult(result, expected, names)
  return result
}

// -- fixture layout (so each file really exercises its path) --------------------------

/** Page types and encodings of each column chunk, read with hyparquet directly. */
function pageLayout(bytes) {
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const md = parquetMetadata(u8)
  /** @type {Record<string, { rowGroups: number, pages: string[] }>} */
  const layout = {}
  for (const rg of md.row_groups) {
    for (const chunk of rg.columns) {
      const meta = chunk.meta_data
      const name = meta.path_in_schema.join('.')
      const entry = layout[name] ??= { rowGroups: 0, pages: [] }
      entry.rowGroups++
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
      const reader = { view: new DataView(u8.buffer, u8.byteOffset + start, Number(meta.total_compressed_size)), offset: 0 }
      while (reader.offset < reader.view.byteLength) {
        const h = parquetHeader(reader)
        reader.offset += h.compressed_page_size
        const enc = h.data_page_header?.encoding ?? h.data_page_header_v2?.encoding ?? h.dictionary_page_header?.encoding
        entry.pages.push(`${h.type}:${enc}`)
      }
    }
  }
  return layout
}

/**
 * A copy of the file whose dictionary page for `column` claims one entry fewer (its
 * header's num_values edited in place), so the data pages index past its end.
 */
function shrinkDictionary(bytes, column) {
  const copy = new Uint8Array(bytes)
  const md = parquetMetadata(copy)
  const meta = md.row_groups[0].columns.find(c => c.meta_data.path_in_schema[0] === column).meta_data
  const start = Number(meta.dictionary_page_offset)
  const readHeader = () => {
    const reader = { view: new DataView(copy.buffer, start), offset: 0 }
    return { header: parquetHeader(reader), length: reader.offset }
  }
  const { header, length } = readHeader()
  const n = header.dictionary_page_header.num_values
  const varint = v => { const out = []; let z = v * 2; do { out.push((z & 0x7f) | (z > 0x7f ? 0x80 : 0)); z >>>= 7 } while (z); return out }
  const [from, to] = [[0x15, ...varint(n)], [0x15, ...varint(n - 1)]] // field 1, i32, zigzag
  assert.equal(from.length, to.length)
  for (let i = start; i < start + length; i++) {
    if (from.every((b, j) => copy[i + j] === b)) {
      copy.set(to, i)
      if (readHeader().header.dictionary_page_header?.num_values === n - 1) return copy
      copy.set(from, i)
    }
  }
  throw new Error(`no num_values field found for ${column}`)
}

/**
 * A copy of an uncompressed file whose flat, nullable `column` (8-row v1 data pages,
 * definition levels one RLE run of 8 zeros: all null) gets other levels in data page
 * `pageIndex`: `levels`, 2 bytes replacing the run's 2 (header, value), e.g. [0x03, bits]
 * for one bit-packed group of 8 (bit j set: row j present) or [0x10, 1] for a run of 8 ones.
 */
function setLevels(bytes, column, pageIndex, levels) {
  const copy = new Uint8Array(bytes)
  const md = parquetMetadata(copy)
  const meta = md.row_groups[0].columns.find(c => c.meta_data.path_in_schema[0] === column).meta_data
  assert.equal(meta.codec, 'UNCOMPRESSED')
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
  const reader = { view: new DataView(copy.buffer, copy.byteOffset + start, Number(meta.total_compressed_size)), offset: 0 }
  let page = 0
  while (reader.offset < reader.view.byteLength) {
    const h = parquetHeader(reader)
    const body = start + reader.offset
    if (h.type === 'DATA_PAGE' && page++ === pageIndex) {
      assert.equal(h.data_page_header.num_values, 8)
      // levels' 4-byte length (2), then the run: header 8 << 1, value 0
      assert.deepEqual([...copy.subarray(body, body + 6)], [2, 0, 0, 0, 0x10, 0])
      copy.set(levels, body + 4)
      return copy
    }
    reader.offset += h.compressed_page_size
  }
  throw new Error(`${column} has no data page ${pageIndex}`)
}

// -- tests ------------------------------------------------------------------------------

describe('bundle', () => {
  test('is one self-contained classic script defining openmlLiteParquet', () => {
    const text = readFileSync(bundlePath, 'utf8')
    assert.doesNotMatch(text, /(^|[;}\n])\s*import\s*[{*"'\w]/, 'static import left in bundle')
    assert.doesNotMatch(text, /\bimport\(|\brequire\(/, 'dynamic import/require left in bundle')
    assert.match(text, /hyparquet \d+\.\d+\.\d+/, 'hyparquet license banner')
    for (const name of ['readParquetColumns', 'readParquetSchema', 'readParquetColumnsSync', 'readParquetSchemaSync']) {
      assert.equal(typeof bundle[name], 'function', name)
    }
  })

  test('the Sync forms return the result itself, equal to the promise forms', async () => {
    const bytes = load('openml_like.parquet')
    const now = readParquetColumnsSync(bytes)
    assert.equal(typeof now.then, 'undefined')
    assert.deepEqual(now, await readParquetColumns(bytes))
    assert.deepEqual(readParquetSchemaSync(bytes), await readParquetSchema(bytes))
    assert.throws(() => readParquetColumnsSync(bytes, ['nope']), /"nope" not found/)
  })

  test('is built from the current source (bash web/build-js.sh --check)', t => {
    const r = spawnSync('bash', [path.join(repo, 'web/build-js.sh'), '--check'], { encoding: 'utf8' })
    if (r.status === 2) return t.skip('node_modules missing: cannot rebuild to compare')
    assert.equal(r.status, 0, `${r.stderr}${r.stdout}`)
  })
})

describe('OpenML-style file (one row group, SNAPPY, dictionaries)', () => {
  const bytes = load('openml_like.parquet')
  const expected = expectedOf('openml_like.parquet')

  test('fixture is dictionary encoded, v1 pages, one row group', () => {
    const layout = pageLayout(bytes)
    for (const [name, { rowGroups, pages }] of Object.entries(layout)) {
      assert.equal(rowGroups, 1, name)
      assert.equal(pages[0], 'DICTIONARY_PAGE:PLAIN', name)
      assert.ok(pages.slice(1).every(p => p === 'DATA_PAGE:RLE_DICTIONARY'), `${name}: ${pages}`)
    }
  })

  test('every column matches pyarrow (values, nulls, types, dictionary order)', async () => {
    const result = await checkFile(bytes, expected)
    assert.equal(result.columns.length, 24)
  })

  test('nominal columns keep declared level order incl. unused levels', async () => {
    const { columns } = await readParquetColumns(bytes, ['nom_small', 'nom_big', 'nom_allnull', 'nom_unicode'])
    const [small, big, allnull, uni] = columns
    assert.deepEqual(small.values, ['unused0', 'zeta', 'alpha', 'mid', 'unused-mid', 'beta', 'unused-last'])
    assert.ok(!small.codes.includes(0) && !small.codes.includes(4) && !small.codes.includes(6), 'unused levels have no rows')
    assert.ok(small.codes.includes(-1), 'nulls are -1')
    assert.equal(big.values.length, 200)
    assert.equal(big.values[0], 'L199', 'declared (reverse) order, not sorted')
    assert.ok(allnull.codes.every(c => c === -1))
    assert.deepEqual(allnull.values, ['a', 'b'])
    assert.equal(uni.values[4], '\ufeffbom', 'a leading BOM is data, not stripped')
    assert.equal(uni.values[0], '')
  })

  test('numeric type mapping', async () => {
    const { columns } = await readParquetColumns(bytes)
    const types = Object.fromEntries(columns.filter(c => c.kind === 'numeric').map(c => [c.name, c.array.constructor]))
    assert.deepEqual(types, {
      u8: Uint8Array, f64_null: Float64Array, f64: Float64Array, i64: BigInt64Array,
      f32: Float32Array, i8: Int8Array, i16: Int16Array, u16: Uint16Array, i32: Int32Array,
      u32: Uint32Array, u64: BigUint64Array, i32_null: Float64Array, i64_null: Float64Array,
      u8_null: Float64Array, u32_null: Float64Array, u64_null: Float64Array, f64_allnull: Float64Array,
    })
    const byName = Object.fromEntries(columns.map(c => [c.name, c]))
    assert.equal(byName.u32.array[0], 4294967295)
    assert.equal(byName.u64.array[0], 18446744073709551615n)
    assert.equal(byName.i64.array[0], 9007199254740993n, 'int64 exact beyond 2**53')
    assert.equal(byName.i64.array[1], -9223372036854775808n)
    assert.ok(byName.f64_allnull.array.every(Number.isNaN))
    // unsigned stays unsigned when nulls turn the column into float64
    assert.ok(byName.u32_null.array.some(v => v > 2 ** 31))
    assert.ok(byName.u64_null.array.some(v => v > 2 ** 63))
  })

  test('requested columns come back in the requested order', async () => {
    const full = await readParquetColumns(bytes)
    const some = await readParquetColumns(bytes, ['nom_big', 'u8', 'f64_null', 'str_null'])
    assert.equal(some.numRows, 200)
    assert.deepEqual(some.columns.map(c => c.name), ['nom_big', 'u8', 'f64_null', 'str_null'])
    checkResult(some, expected, ['nom_big', 'u8', 'f64_null', 'str_null'])
    const fullU8 = full.columns.find(c => c.name === 'u8')
    assert.deepEqual(some.columns[1].array, fullU8.array)
    // null and undefined both mean all columns
    assert.equal((await readParquetColumns(bytes, null)).columns.length, 24)
    // any iterable of names (a Pyodide PyProxy of a list is iterable)
    const fromSet = await readParquetColumns(bytes, new Set(['f32']))
    assert.deepEqual(fromSet.columns.map(c => c.name), ['f32'])
    assert.deepEqual((await readParquetColumns(bytes, [])).columns, [])
  })

  test('an unknown column name is an error naming it', async () => {
    await assert.rejects(readParquetColumns(bytes, ['u8', 'nope']), /"nope" not found/)
  })

  test('readParquetSchema reads the footer', async () => {
    const schema = await readParquetSchema(bytes)
    assert.equal(schema.numRows, 200)
    assert.deepEqual(schema.columns.map(c => c.name), expected.columns.map(c => c.name))
    for (const [i, col] of schema.columns.entries()) {
      const exp = expected.columns[i]
      assert.equal(col.physicalType, exp.physical_type, col.name)
      assert.equal(col.convertedType, exp.converted_type, col.name)
      assert.equal(col.kind, exp.kind, col.name)
    }
    const lt = Object.fromEntries(schema.columns.map(c => [c.name, c.logicalType]))
    assert.equal(lt.u8, 'INTEGER(8,false)')
    assert.equal(lt.i16, 'INTEGER(16,true)')
    assert.equal(lt.nom_small, 'STRING')
    assert.equal(lt.f64, null)
    assert.equal(lt.i64, null)
  })
})

describe('other layouts', () => {
  test('no dictionary encoding: strings factorized in first-occurrence order', async () => {
    const bytes = load('plain.parquet')
    const layout = pageLayout(bytes)
    assert.ok(Object.values(layout).every(c => c.pages.every(p => p === 'DATA_PAGE:PLAIN')), JSON.stringify(layout))
    const result = await checkFile(bytes, expectedOf('plain.parquet'))
    const s = result.columns.find(c => c.name === 's')
    const firstSeen = []
    for (const c of s.codes) if (c >= 0 && !firstSeen.includes(c)) firstSeen.push(c)
    assert.deepEqual(firstSeen, s.values.map((_, i) => i))
  })

  test('data page v2, uncompressed, DELTA_* and BYTE_STREAM_SPLIT encodings', async () => {
    const bytes = load('v2_delta.parquet')
    const layout = pageLayout(bytes)
    assert.ok(layout.delta_i64.pages.includes('DATA_PAGE_V2:DELTA_BINARY_PACKED'))
    assert.ok(layout.dlba.pages.includes('DATA_PAGE_V2:DELTA_LENGTH_BYTE_ARRAY'))
    assert.ok(layout.dba.pages.includes('DATA_PAGE_V2:DELTA_BYTE_ARRAY'))
    assert.ok(layout.bss.pages.includes('DATA_PAGE_V2:BYTE_STREAM_SPLIT'))
    assert.ok(layout.nom.pages.includes('DATA_PAGE_V2:RLE_DICTIONARY'))
    await checkFile(bytes, expectedOf('v2_delta.parquet'))
  })

  test('several row groups and pages, dictionary falling back to plain pages', async () => {
    const bytes = load('multipage.parquet')
    const layout = pageLayout(bytes)
    assert.equal(layout.fallback.rowGroups, 3)
    assert.ok(layout.fallback.pages.includes('DATA_PAGE:RLE_DICTIONARY'))
    assert.ok(layout.fallback.pages.includes('DATA_PAGE:PLAIN'), 'fixture must fall back to plain pages')
    assert.ok(layout.d.pages.filter(p => p.startsWith('DATA_PAGE')).length > 3)
    const result = await checkFile(bytes, expectedOf('multipage.parquet'))
    // row groups' dictionaries merge: first row group's in its order, then new values
    const strRg = result.columns.find(c => c.name === 'str_rg')
    assert.deepEqual(strRg.values.slice(3), ['s', 't'])
    assert.deepEqual([...strRg.values].sort(), ['p', 'q', 'r', 's', 't'])
  })

  test('wider dictionaries (8-, 9-, 10-bit indices; 1-, 2-, 8-byte values)', async () => {
    const bytes = load('wide.parquet')
    const layout = pageLayout(bytes)
    for (const [name, { pages }] of Object.entries(layout)) {
      assert.ok(pages.every(p => p.startsWith('DICTIONARY_PAGE') || p === 'DATA_PAGE:RLE_DICTIONARY'), name)
    }
    const result = await checkFile(bytes, expectedOf('wide.parquet'))
    assert.equal(result.columns.find(c => c.name === 'u8_full').array.length, 600)
  })

  test('zero rows', async () => {
    const result = await checkFile(load('empty.parquet'), expectedOf('empty.parquet'))
    assert.equal(result.numRows, 0)
    assert.deepEqual(result.columns.map(c => (c.array ?? c.codes).length), [0, 0, 0])
  })
})

describe('BOOLEAN columns (OpenML\'s {true, false} nominals)', () => {
  /** Data page kinds of the file's BOOLEAN columns, e.g. ['DATA_PAGE:PLAIN']. */
  const boolPages = (bytes, names) => {
    const layout = pageLayout(bytes)
    return [...new Set(names.flatMap(name => layout[name].pages))].sort()
  }

  test('OpenML layout: PLAIN bits, RLE levels, with and without nulls', async () => {
    const bytes = load('booleans.parquet')
    const expected = expectedOf('booleans.parquet')
    const names = expected.columns.filter(c => c.kind === 'boolean').map(c => c.name)
    assert.deepEqual(names, ['flag', 'flag_null', 'flag_allnull', 'flag_true', 'flag_sparse'])
    assert.deepEqual(boolPages(bytes, names), ['DATA_PAGE:PLAIN'])
    const result = await checkFile(bytes, expected)
    const col = Object.fromEntries(result.columns.map(c => [c.name, c]))
    assert.ok(col.flag_allnull.codes.every(c => c === -1))
    assert.ok(col.flag_true.codes.every(c => c === 1))
    assert.ok(col.flag_null.codes.includes(-1) && col.flag_null.codes.includes(0) && col.flag_null.codes.includes(1))
    assert.equal(expected.columns.find(c => c.name === 'flag_null').null_count,
      col.flag_null.codes.filter(c => c === -1).length)
  })

  test('RLE-encoded values, data page v1 (4-byte length, runs and bit-packed groups)', async () => {
    const bytes = load('booleans_rle.parquet')
    const expected = expectedOf('booleans_rle.parquet')
    assert.deepEqual(boolPages(bytes, expected.columns.map(c => c.name)), ['DATA_PAGE:RLE'])
    await checkFile(bytes, expected)
  })

  test('data page v2: RLE and PLAIN values, compressed values after the levels', async () => {
    const bytes = load('booleans_v2.parquet')
    const expected = expectedOf('booleans_v2.parquet')
    assert.deepEqual(boolPages(bytes, ['rle', 'rle_null', 'rle_runs', 'rle_allnull']), ['DATA_PAGE_V2:RLE'])
    assert.deepEqual(boolPages(bytes, ['plain', 'plain_null']), ['DATA_PAGE_V2:PLAIN'])
    const result = await checkFile(bytes, expected)
    assert.equal(result.columns.find(c => c.name === 'nul').kind, 'null')
  })

  test('several pages and row groups', async () => {
    const bytes = load('booleans_multi.parquet')
    const expected = expectedOf('booleans_multi.parquet')
    const layout = pageLayout(bytes)
    for (const name of ['plain_null', 'rle_null', 'rle_runs', 'nul']) {
      assert.equal(layout[name].rowGroups, 3, name)
      assert.ok(layout[name].pages.filter(p => p.startsWith('DATA_PAGE')).length >= 9, `${name}: ${layout[name].pages}`)
    }
    assert.ok(layout.plain_null.pages.every(p => p === 'DATA_PAGE:PLAIN'))
    assert.ok(layout.rle_null.pages.every(p => p === 'DATA_PAGE:RLE'))
    await checkFile(bytes, expected)
    // a column on its own, and in another order
    checkResult(await readParquetColumns(bytes, ['rle_null', 'plain_null']), expected, ['rle_null', 'plain_null'])
  })

  test('zero rows', async () => {
    const result = await checkFile(load('empty_bool_null.parquet'), expectedOf('empty_bool_null.parquet'))
    assert.equal(result.columns[0].codes.length, 0)
    assert.equal(result.columns[1].kind, 'null')
  })

  test('readParquetSchema: kind boolean', async () => {
    const schema = await readParquetSchema(load('booleans.parquet'))
    const flag = schema.columns.find(c => c.name === 'flag')
    assert.deepEqual(flag, { name: 'flag', physicalType: 'BOOLEAN', logicalType: null, convertedType: null, kind: 'boolean' })
  })
})

describe('Arrow null-type columns (OpenML\'s columns missing in every row)', () => {
  test('alone', async () => {
    const bytes = load('nulltype.parquet')
    const expected = expectedOf('nulltype.parquet')
    assert.equal(expected.columns[0].logical_type, 'Null')
    const result = await checkFile(bytes, expected)
    assert.deepEqual(result, { numRows: 50, columns: [{ name: 'nul', kind: 'null' }] })
  })

  test('beside other columns (first, middle, last)', async () => {
    const bytes = load('nulltype_mixed.parquet')
    const expected = expectedOf('nulltype_mixed.parquet')
    const result = await checkFile(bytes, expected)
    assert.deepEqual(result.columns.map(c => c.kind), ['numeric', 'null', 'dictionary', 'boolean', 'null'])
    const some = await readParquetColumns(bytes, ['nul_last', 'd'])
    checkResult(some, expected, ['nul_last', 'd'])
  })

  test('several pages', async () => {
    const bytes = load('nulltype_pages.parquet')
    assert.ok(pageLayout(bytes).nul.pages.filter(p => p.startsWith('DATA_PAGE')).length === 8)
    await checkFile(bytes, expectedOf('nulltype_pages.parquet'))
  })

  test('readParquetSchema: kind null, the physical type as stored', async () => {
    const schema = await readParquetSchema(load('nulltype_mixed.parquet'))
    const nul = schema.columns.find(c => c.name === 'nul')
    assert.deepEqual(nul, { name: 'nul', physicalType: 'INT32', logicalType: 'NULL', convertedType: null, kind: 'null' })
  })

  test('a present value in a null-type column is an error naming the column', async () => {
    const bytes = load('nulltype_pages.parquet')
    // page 2 (rows 16..23): row 21 present
    const one = setLevels(bytes, 'nul', 2, [0x03, 0b00100000])
    await assert.rejects(readParquetColumns(one, ['nul']), err => {
      assert.match(err.message, /parquet column "nul" \(INT32 \(NULL\)\)/)
      assert.match(err.message, /null-type column must be null in every row, but 1 value is present \(first in row 21\)/)
      assert.match(err.message, /damaged/)
      return true
    })
    // page 0: all 8 rows present
    const all = setLevels(bytes, 'nul', 0, [0x10, 1])
    await assert.rejects(readParquetColumns(all), /"nul".*8 values are present \(first in row 0\)/)
    // the untouched column still decodes; the edit itself is what the error is about
    checkResult(await readParquetColumns(one, ['d']), expectedOf('nulltype_pages.parquet'), ['d'])
    await checkFile(setLevels(bytes, 'nul', 2, [0x10, 0]), expectedOf('nulltype_pages.parquet'))
  })
})

describe('files written by OpenML\'s own recipe (openml-python 0.13.1, pandas 1.5.3, pyarrow 10.0.1)', () => {
  test('zoo (62): 15 BOOLEAN columns', async () => {
    const bytes = load('openml_zoo_62.parquet')
    const expected = expectedOf('openml_zoo_62.parquet')
    const result = await checkFile(bytes, expected)
    assert.equal(result.numRows, 101)
    const bools = result.columns.filter(c => c.kind === 'boolean').map(c => c.name)
    assert.deepEqual(bools, ['hair', 'feathers', 'eggs', 'milk', 'airborne', 'aquatic', 'predator',
      'toothed', 'backbone', 'breathes', 'venomous', 'fins', 'tail', 'domestic', 'catsize'])
    const schema = await readParquetSchema(bytes)
    assert.ok(schema.columns.filter(c => bools.includes(c.name)).every(c => c.physicalType === 'BOOLEAN' && c.kind === 'boolean'))
  })

  test('MiceProtein (40966, first 7 rows): a null-type column, an int16 dictionary', async () => {
    const bytes = load('openml_miceprotein_40966.parquet')
    const expected = expectedOf('openml_miceprotein_40966.parquet')
    const result = await checkFile(bytes, expected)
    assert.equal(result.numRows, 7)
    const col = Object.fromEntries(result.columns.map(c => [c.name, c]))
    assert.deepEqual(col.BCL2_N, { name: 'BCL2_N', kind: 'null' })
    assert.equal(expected.columns.find(c => c.name === 'MouseID').arrow_type, 'dictionary<values=string, indices=int16, ordered=1>')
    assert.ok(col.MouseID.values.length > 127)
    assert.deepEqual(result.columns.filter(c => c.kind === 'null').map(c => c.name), ['BCL2_N'])
  })
})

describe('unsupported input', () => {
  const bytes = load('unsupported.parquet')
  const expected = expectedOf('unsupported.parquet')
  const bad = expected.columns.filter(c => c.kind === 'error')

  test('fixture has the unsupported columns', () => {
    assert.deepEqual(bad.map(c => c.name), ['day', 'ts', 'dec', 'lst', 'rec', 'bad_utf8'])
  })

  test('supported columns next to them still decode', async () => {
    await checkFile(bytes, expected)
  })

  for (const [name, type] of [['day', /INT32 \(DATE\)/], ['ts', /INT64 \(TIMESTAMP/],
    ['dec', /FIXED_LEN_BYTE_ARRAY \(DECIMAL/], ['lst', /group \(LIST\)/], ['rec', /group/],
    ['bad_utf8', /utf-8/i]]) {
    test(`column ${name}: Error naming the column and its type`, async () => {
      await assert.rejects(readParquetColumns(bytes, ['ok', name]), err => {
        assert.ok(err instanceof Error)
        assert.match(err.message, new RegExp(`"${name}"`))
        assert.match(err.message, type)
        return true
      })
    })
  }

  test('reading all columns fails on the first unsupported one', async () => {
    await assert.rejects(readParquetColumns(bytes), (err) => {
      // a readable column of another type is not damage: its own error class says so
      assert.equal(err.name, 'UnsupportedColumnType')
      assert.match(err.message, /"day".*unsupported type INT32 \(DATE\)/)
      return true
    })
  })

  test('readParquetSchema lists unsupported columns with kind null', async () => {
    const schema = await readParquetSchema(bytes)
    const kinds = Object.fromEntries(schema.columns.map(c => [c.name, c.kind]))
    assert.deepEqual(kinds, {
      ok: 'numeric', flag: 'boolean', day: null, ts: null, dec: null, lst: null, rec: null,
      bin: 'dictionary', txt: 'dictionary', bad_utf8: 'dictionary', // bad bytes only show when read
    })
    const byName = Object.fromEntries(schema.columns.map(c => [c.name, c]))
    assert.equal(byName.lst.physicalType, null)
    assert.equal(byName.lst.logicalType, 'LIST')
    assert.equal(byName.day.logicalType, 'DATE')
    assert.equal(byName.ts.logicalType, 'TIMESTAMP(MICROS,false)')
    assert.equal(byName.dec.logicalType, 'DECIMAL(5,2)')
  })

  test('an unsupported codec is an error naming column and codec', async () => {
    const zstd = load('zstd.parquet')
    await assert.rejects(readParquetColumns(zstd), /"d".*ZSTD/)
    assert.equal((await readParquetSchema(zstd)).numRows, 2)
  })

  test('not a parquet file', async () => {
    await assert.rejects(readParquetColumns(new Uint8Array(100)), /parquet/)
    await assert.rejects(readParquetColumns(null), TypeError)
    await assert.rejects(readParquetSchema('PAR1'), TypeError)
  })

  test('a dictionary index past the dictionary is an error, not garbage', async () => {
    const file = load('openml_like.parquet')
    for (const name of ['nom_nonull', 'str_null', 'f64', 'u8_null', 'i64']) {
      const bad = shrinkDictionary(file, name)
      await assert.rejects(readParquetColumns(bad, [name]), new RegExp(`"${name}".*out of range`), name)
      // the other columns still decode
      await readParquetColumns(bad, ['u8'])
    }
  })

  test('a truncated file is an error, not garbage', async () => {
    const full = load('openml_like.parquet')
    const cut = new Uint8Array(full.length - 100)
    cut.set(full.subarray(0, 300))
    cut.set(full.subarray(full.length - (cut.length - 300)), 300) // footer intact, data shifted
    await assert.rejects(readParquetColumns(cut))
  })
})

describe('input forms and ownership', () => {
  const name = 'v2_delta.parquet' // uncompressed: page values are views into the input
  const expected = expectedOf(name)

  test('ArrayBuffer, offset Uint8Array, Buffer, DataView', async () => {
    const file = load(name)
    const padded = new Uint8Array(file.length + 13)
    padded.set(file, 5)
    const inputs = [
      file.buffer.slice(file.byteOffset, file.byteOffset + file.length),
      padded.subarray(5, 5 + file.length),
      Buffer.from(file),
      new DataView(padded.buffer, 5, file.length),
    ]
    for (const input of inputs) await checkFile(input, expected)
  })

  test('returned arrays do not alias the input bytes', async () => {
    const copy = new Uint8Array(load(name))
    const result = await readParquetColumns(copy)
    copy.fill(0xAB)
    checkResult(result, expected, expected.columns.map(c => c.name))
  })

  test('a Pyodide-style buffer proxy is read through getBuffer() and released', async () => {
    const file = new Uint8Array(load(name))
    let released = 0
    const proxy = {
      getBuffer(type) {
        assert.equal(type, 'u8')
        return { data: file, release() { released++ } }
      },
    }
    const result = await readParquetColumns(proxy)
    assert.equal(released, 1)
    file.fill(0) // what a freed WASM buffer could look like
    checkResult(result, expected, expected.columns.map(c => c.name))
    file.set(load(name))
    assert.equal((await readParquetSchema(proxy)).numRows, 120)
    assert.equal(released, 2)
    await assert.rejects(readParquetColumns(proxy, ['nope']))
    assert.equal(released, 3, 'released on error too')
  })
})

// -- the OpenML mirror's real files (needs Python with pyarrow) -------------------------------

function findPython() {
  const candidates = [process.env.OPENML_LITE_PYTHON, 'python3'].filter(Boolean)
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import pyarrow, numpy'], { stdio: 'ignore' })
    if (r.status === 0) return py
  }
  return null
}
const python = findPython()

describe('fixture JSON', { skip: python ? false : 'no Python with pyarrow found' }, () => {
  test('is what this Python\'s pyarrow reads from each fixture now', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parquet-columns-dump-'))
    try {
      // multipage's JSON has no exact dictionary page (several row groups): the plain
      // dump cannot know that; declared levels come from the generator, not the file
      const names = readdirSync(fixtures).filter(f => f.endsWith('.parquet') && f !== 'multipage.parquet')
      for (const name of names) copyFileSync(path.join(fixtures, name), path.join(dir, name))
      const r = spawnSync(python, [path.join(here, 'make_fixtures.py'), 'dump', ...names.map(n => path.join(dir, n))], { encoding: 'utf8' })
      assert.equal(r.status, 0, r.stderr)
      for (const name of names) {
        const json = name.replace(/\.parquet$/, '.json')
        const stored = expectedOf(name)
        for (const c of stored.columns) delete c.declared_levels
        assert.deepEqual(JSON.parse(readFileSync(path.join(dir, json), 'utf8')), stored, json)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('OpenML mirror files', { skip: python ? false : 'no Python with pyarrow found' }, () => {
  let dir = ''
  /** @type {string[]} */
  let files = []
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parquet-columns-mirror-'))
    const r = spawnSync(python, [path.join(here, 'make_fixtures.py'), 'mirror', dir], { encoding: 'utf8' })
    assert.equal(r.status, 0, `make_fixtures.py mirror failed:\n${r.stderr}`)
    files = readdirSync(path.join(dir, 'datasets'), { recursive: true })
      .filter(f => /dataset_\d+\.pq$/.test(String(f))).map(f => path.join(dir, 'datasets', String(f)))
  })
  after(() => dir && rmSync(dir, { recursive: true, force: true }))

  test('every mirror file matches pyarrow', async () => {
    assert.ok(files.length >= 5, `only ${files.length} mirror files`)
    for (const file of files) {
      const expected = JSON.parse(readFileSync(file.replace(/\.pq$/, '.json'), 'utf8'))
      await checkFile(readFileSync(file), expected)
    }
  })

  test('Titanic (40945)', async () => {
    const file = files.find(f => f.endsWith('dataset_40945.pq'))
    assert.ok(file, 'Titanic missing from the mirror')
    const result = await readParquetColumns(readFileSync(file))
    assert.equal(result.numRows, 1309)
    assert.equal(result.columns.length, 14)
    const col = Object.fromEntries(result.columns.map(c => [c.name, c]))
    assert.ok(col.pclass.array instanceof Uint8Array)
    assert.ok(col.age.array instanceof Float64Array)
    assert.equal(col.age.array.filter(Number.isNaN).length, 263)
    assert.deepEqual(col.sex.values, ['female', 'male'])
    assert.deepEqual(col.embarked.values, ['C', 'Q', 'S'])
    assert.equal(Array.from(col.embarked.codes).filter(c => c === -1).length, 2)
  })
})

// -- large files: correctness against pyarrow + timings (opt-in) -----------------------------

/** Compare a decoded file with make_fixtures.py's raw dump (bytes of every column). */
function checkRaw(result, rawPath) {
  const index = JSON.parse(readFileSync(`${rawPath}.json`, 'utf8'))
  const raw = readFileSync(rawPath)
  assert.equal(result.numRows, index.num_rows)
  assert.deepEqual(result.columns.map(c => c.name), index.columns.map(c => c.name))
  for (const [i, exp] of index.columns.entries()) {
    const got = result.columns[i]
    assert.equal(got.kind, exp.kind, exp.name)
    const arr = got.kind === 'numeric' ? got.array : got.codes
    assert.equal(arr.constructor.name, exp.array_type, exp.name)
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)
    assert.equal(bytes.length, exp.nbytes, exp.name)
    // byte-equal (NaN payloads too: both sides write the default quiet NaN)
    assert.ok(Buffer.from(bytes).equals(raw.subarray(exp.offset, exp.offset + exp.nbytes)), `${exp.name}: values differ from pyarrow`)
    if (exp.dictionary) assert.deepEqual(got.values, exp.dictionary, `${exp.name}: dictionary`)
  }
}

describe('large files', { skip: process.env.OPENML_LITE_JS_BENCH && python ? false : 'set OPENML_LITE_JS_BENCH=1' }, () => {
  test('adult-, mnist- and bool-size files: match pyarrow; timings', { timeout: 600_000 }, async t => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parquet-columns-bench-'))
    try {
      const r = spawnSync(python, [path.join(here, 'make_fixtures.py'), 'bench', dir], { encoding: 'utf8' })
      assert.equal(r.status, 0, r.stderr)
      for (const name of ['adult_size', 'mnist_size', 'bool_size']) {
        const bytes = readFileSync(path.join(dir, `${name}.parquet`))
        const times = []
        let result
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now()
          result = await readParquetColumns(bytes)
          times.push(performance.now() - t0)
        }
        checkRaw(result, path.join(dir, `${name}.raw`))
        t.diagnostic(`${name}: ${(bytes.length / 1e6).toFixed(2)} MB, ${result.numRows} x ${result.columns.length}: ` +
          `${times.map(x => x.toFixed(0)).join(' / ')} ms`)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
