// Stage 1, the schema (hyparquet's metadata.js / schema.js parse the footer): which
// top-level columns the file has, and how each decodes here (numeric into a TypedArray,
// strings into dictionary codes, booleans, Arrow's null type) or why it cannot.

import { parquetSchema } from 'hyparquet/src/metadata.js'

// INT32 annotations (converted type, or INTEGER logical type) -> TypedArray
const INT32_ARRAYS = {
  INT_8: Int8Array, INT_16: Int16Array, INT_32: Int32Array,
  UINT_8: Uint8Array, UINT_16: Uint16Array, UINT_32: Uint32Array,
}
const INT64_ARRAYS = { INT_64: BigInt64Array, UINT_64: BigUint64Array }
const STRING_ANNOTATIONS = new Set(['UTF8', 'STRING', 'ENUM'])


/** @param {any} lt hyparquet logical type */
export function logicalTypeString(lt) {
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
export function typeLabel(node) {
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
export function columnPlan(node) {
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
export function topColumns(metadata) {
  const root = parquetSchema(metadata)
  return root.children.map((/** @type {any} */ node) => ({ name: node.element.name, node, root }))
}
