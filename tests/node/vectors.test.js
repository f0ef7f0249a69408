'use strict'
// Every shared vector (tests/vectors/*.json) through the JS API, compared field by field with
// the vector, with the Rust CLI's answer for the same input (all fields: results identical to
// Rust's), and with the addon's naive object (so the compact crossing loses nothing).
//
// The vectors' keys are snake_case, as the contract's JSON (docs/contract.md); JS spells `retry_after` `retryAfter`
// and every other field the same (helpers.JSON_TO_JS).

const test = require('node:test')
const assert = require('node:assert/strict')
const native = require('../../bindings-node/native/index.js')
const smtpcodes = require('smtpcodes')
const { JS_KEYS, vectors, fromJson, rustClassify } = require('./helpers.js')

const cases = vectors()
const rust = rustClassify(cases.map((c) => ({ id: c.id, ...c.input })))

function run (input) {
  return smtpcodes.classify(input.code, input.text, { command: input.command, host: input.host })
}

function errorOf (f) {
  try {
    f()
  } catch (e) {
    return e
  }
  return null
}

test('the corpus is there', () => {
  assert.ok(cases.length >= 400, `only ${cases.length} vectors`)
  assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'vector ids are unique')
})

cases.forEach((c, i) => {
  test(`${c.file} ${c.id}`, () => {
    const fromRust = rust[i]
    assert.equal(fromRust.id, c.id)
    if (c.error) {
      const e = errorOf(() => run(c.input))
      assert.ok(e, `expected a ${c.error.kind} error`)
      assert.equal(e.constructor, Error)
      assert.equal(e.code, 'InvalidArg')
      assert.equal(e.kind, c.error.kind)
      assert.equal(fromRust.error.kind, c.error.kind, 'the Rust CLI agrees')
      assert.equal(e.message, fromRust.error.message, 'same message as Rust')
      return
    }
    const got = run(c.input)
    // The vector's expectations, key by key.
    for (const [key, want] of Object.entries(fromJson(c.expect))) {
      assert.deepEqual(got[key], want, `${key}`)
    }
    // Identical to Rust on every field, and nothing else enumerable.
    const { id, ...rustResult } = fromRust
    assert.deepEqual({ ...got }, fromJson(rustResult))
    assert.deepEqual(Object.keys(got), JS_KEYS)
    // The addon's naive object says the same (the compact encoding loses nothing).
    const naive = native.classifyObject(c.input.code, c.input.text, c.input.command, c.input.host)
    for (const key of JS_KEYS) assert.deepEqual(got[key], naive[key] ?? null, `naive ${key}`)
  })
})

test('classifyMany gives the same answers as classify, in order, in one call', () => {
  const ok = cases.filter((c) => !c.error)
  const many = smtpcodes.classifyMany(ok.map((c) => c.input))
  assert.equal(many.length, ok.length)
  ok.forEach((c, i) => {
    const one = run(c.input)
    assert.deepEqual(many[i], one, c.id)
    assert.equal(many[i].statedWait, one.statedWait, `${c.id} statedWait`)
  })
})

test('classifyMany fails on the first malformed reply, with its index and the kind Rust gives', () => {
  for (const c of cases.filter((c) => c.error)) {
    const replies = [{ code: 250, text: 'ok' }, c.input, { code: 'nope' }]
    const e = errorOf(() => smtpcodes.classifyMany(replies))
    assert.equal(e.code, 'InvalidArg', c.id)
    assert.equal(e.kind, c.error.kind, c.id)
    assert.equal(e.index, 1, c.id)
  }
})
