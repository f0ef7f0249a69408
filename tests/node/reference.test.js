'use strict'
// The code reference: the shared vectors of tests/reference/vectors.json (which the Rust and
// Python suites run too) through explain and compare.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { explain, compare } = require('smtpcodes')
const { root } = require('./helpers.js')

const VECTORS = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'reference', 'vectors.json'), 'utf8'))
const KEYS = ['code', 'causes', 'checks', 'retry', 'related', 'who', 'seen']

for (const c of VECTORS.explain) {
  test(`explain(${JSON.stringify(c.input)})`, () => {
    const e = explain(c.input)
    assert.deepEqual(Object.fromEntries(KEYS.map((k) => [k, e[k]])), c.expect)
  })
}

for (const c of VECTORS.compare) {
  test(`compare(${c.a}, ${c.b})`, () => {
    const got = compare(c.a, c.b)
    assert.deepEqual(got.a, explain(c.a))
    assert.deepEqual(got.b, explain(c.b))
    assert.deepEqual({ differences: got.differences, common: got.common }, c.expect)
  })
}

for (const c of VECTORS.errors) {
  test(`compare(${JSON.stringify(c.a)}, ${JSON.stringify(c.b)}) throws ${c.kind}`, () => {
    assert.throws(() => compare(c.a, c.b), (e) => e.kind === c.kind && e.code === 'InvalidArg')
  })
}

test('compare takes numbers and refuses other types', () => {
  assert.deepEqual(compare(421, '521').differences, compare('421', '521').differences)
  assert.throws(() => compare(true, '521'), TypeError)
  assert.throws(() => compare('421'), TypeError)
})
