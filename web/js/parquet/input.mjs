// Stage 0, the input: whatever holds the file's bytes (a Uint8Array, an ArrayBuffer, a
// Pyodide proxy of a Python buffer) as a Uint8Array view, without a copy.


/**
 * Run fn on a Uint8Array view of the input, releasing a Pyodide buffer afterwards.
 * @template T
 * @param {any} bytes
 * @param {(u8: Uint8Array) => T} fn
 * @returns {T}
 */
export function withBytes(bytes, fn) {
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
