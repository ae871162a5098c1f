// Tests for web/openml-lite.js's pure parts (run: node --test tests/js/): the loadOpenML
// and planOpenML options as fetch_openml's keywords, the way back (a way out's options),
// and the error a DatasetTooLargeError rejects with. No Pyodide: the module only boots
// one when a call is made. (The calls themselves run in the browsers:
// tests/browser/test_demo_page*.py.)

import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  OpenMLLiteError, errorFromPython, optionsFromKeywords, pythonArguments,
} from '../../web/openml-lite.js'

test('an id or a name, and the options as fetch_openml keywords', () => {
  assert.deepEqual(pythonArguments(61), { data_id: 61 })
  assert.deepEqual(pythonArguments(' 40945 '), { data_id: 40945 })
  assert.deepEqual(pythonArguments('iris', { version: '2' }), { name: 'iris', version: 2 })
  assert.deepEqual(pythonArguments('iris', { version: 'active' }), { name: 'iris', version: 'active' })
  assert.deepEqual(pythonArguments(554, {
    baseUrl: ['http://127.0.0.1:1', 'https://www.openml.org'], engine: 'js', targetColumn: null,
    asFrame: false, cache: 0, nrows: 1000, skiprows: 20, columns: ['a0', 'a1'], dtypes: 'openml',
    maxMemory: 2e9,
  }), {
    data_id: 554, base_url: ['http://127.0.0.1:1', 'https://www.openml.org'], engine: 'js',
    target_column: null, as_frame: false, cache: false, nrows: 1000, skiprows: 20,
    columns: ['a0', 'a1'], dtypes: 'openml', max_memory: 2e9,
  })
  assert.throws(() => pythonArguments(''), OpenMLLiteError)
})

test('options left out, or null where None means nothing, are not passed', () => {
  const args = pythonArguments(61, { nrows: null, skiprows: undefined, columns: null, dtypes: null, version: 3 })
  assert.deepEqual(args, { data_id: 61 }) // (a version goes with a name only)
})

test('maxMemory: "auto", bytes, or null (no check) pass as they are', () => {
  assert.equal(pythonArguments(61, { maxMemory: 'auto' }).max_memory, 'auto')
  assert.equal(pythonArguments(61, { maxMemory: 123456 }).max_memory, 123456)
  assert.equal(pythonArguments(61, { maxMemory: null }).max_memory, null)
  assert.ok(!('max_memory' in pythonArguments(61, {})))
})

test("a way out's keywords as options, and back", () => {
  const ways = [
    { dtypes: 'openml' }, { as_frame: false }, { dtypes: 'openml', as_frame: false },
    { nrows: 43000 }, { nrows: 43000, skiprows: 5 }, { columns: ['a0', 'a1', 'a2'] },
  ]
  assert.deepEqual(optionsFromKeywords({ dtypes: 'openml', as_frame: false }), { dtypes: 'openml', asFrame: false })
  assert.deepEqual(optionsFromKeywords({ max_memory: null, target_column: 'y', base_url: 'u' }),
    { maxMemory: null, targetColumn: 'y', baseUrl: 'u' })
  for (const keywords of ways) {
    const { data_id: _, ...back } = pythonArguments(990007, optionsFromKeywords(keywords))
    assert.deepEqual(back, keywords)
  }
})

test('a DatasetTooLargeError rejects with its estimate, room and ways', () => {
  const estimate = { low: 5.19e9, high: 9.77e9, result: [4.88e9, 4.88e9], text: '5.19 GB to 9.77 GB' }
  const room = { total: 4.16e9, perArray: 2 ** 31 - 1, where: 'Pyodide: 4.16 GB free' }
  const way = {
    arguments: { dtypes: 'openml', as_frame: false }, text: "dtypes='openml', as_frame=False (612 MB)",
    fits: true, estimate: { low: 6.12e8, high: 6.12e8, result: [6.1e8, 6.1e8], text: 'about 612 MB' },
  }
  const error = errorFromPython({ type: 'DatasetTooLargeError', message: 'dataset ... needs', estimate, room, ways: [way] })
  assert.ok(error instanceof OpenMLLiteError && error instanceof Error)
  assert.equal(error.message, 'DatasetTooLargeError: dataset ... needs')
  assert.equal(error.pythonType, 'DatasetTooLargeError')
  assert.deepEqual(error.estimate, estimate)
  assert.deepEqual(error.room, room)
  assert.deepEqual(error.ways, [{ ...way, options: { dtypes: 'openml', asFrame: false } }])
})

test('other errors carry no memory fields', () => {
  const error = errorFromPython({ type: 'DatasetNotFoundError', message: 'Dataset with data_id 9 not found' })
  assert.equal(error.message, 'DatasetNotFoundError: Dataset with data_id 9 not found')
  assert.equal(error.ways, undefined)
  assert.equal(error.estimate, undefined)
})
