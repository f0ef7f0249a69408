'use strict'
// The bad-input matrix (tests/bad_inputs.json, shared with the Rust and Python suites) through
// the JS API, and the inputs the matrix leaves to each suite: numbers JSON cannot hold (NaN,
// Infinity, -0), bigints, symbols and functions as codes, invalid UTF-8 bytes, lone
// surrogates, 10 MB texts, 100,000 continuation lines; and parseBounce's detached, resizable,
// shared and oversized buffers. Each must give a typed error or a correct result: never a
// crash, a hang or a panic. The large inputs run in a child process with a time limit, so
// that a hang fails the test instead of stalling the suite, and a crash shows as the child's
// signal.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const smtpcodes = require('smtpcodes')
const { root, JS_KEYS, fromJson, rustClassify } = require('./helpers.js')

const { classify, classifyMany } = smtpcodes
const matrix = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'bad_inputs.json'), 'utf8'))

function errorOf (f) {
  try {
    f()
  } catch (e) {
    return e
  }
  return null
}

/** Asserts that `f` throws what `expect` (a column of the matrix) names. */
function assertThrowsAs (f, expect, index) {
  const e = errorOf(f)
  assert.ok(e, `expected ${expect}, got a result`)
  if (expect === 'TypeError') {
    assert.equal(e.constructor, TypeError, e.message)
    assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
  } else {
    assert.equal(e.constructor, Error, e.message)
    assert.equal(e.code, 'InvalidArg')
    assert.equal(e.kind, expect, e.message)
    assert.ok(smtpcodes.ERROR_KINDS.includes(e.kind))
  }
  assert.equal(e.index, index)
}

/** A whole, well-formed classification. */
function assertClassification (c) {
  assert.deepEqual(Object.keys(c), JS_KEYS)
  assert.ok(smtpcodes.REASONS.includes(c.reason), c.reason)
  assert.ok(smtpcodes.ACTIONS.includes(c.action), c.action)
  assert.equal(typeof c.text, 'string')
}

// The Rust CLI's answers for the inputs JSON can carry to it (a null text is the empty text in
// JS; the CLI wants a string).
const okCases = matrix.cases.filter((c) => c.expect.node === 'ok')
const rust = rustClassify(okCases.map((c) => ({ code: c.code, text: c.text ?? '', command: c.command })))

test('the matrix is there, with a node column for every case', () => {
  assert.ok(matrix.cases.length >= 15)
  for (const c of matrix.cases) assert.ok(typeof c.expect.node === 'string', c.id)
})

for (const c of matrix.cases) {
  const expect = c.expect.node
  if (expect === 'skip') continue
  const options = c.command === undefined ? undefined : { command: c.command }
  test(`bad_inputs.json ${c.id}: ${expect}`, () => {
    if (expect === 'ok') {
      const got = classify(c.code, c.text, options)
      assertClassification(got)
      assert.deepEqual({ ...got }, fromJson(rust[okCases.indexOf(c)]), 'the same as the Rust CLI')
      assert.deepEqual(classifyMany([{ code: c.code, text: c.text, ...options }]), [got])
    } else {
      assertThrowsAs(() => classify(c.code, c.text, options), expect)
      assertThrowsAs(() => classifyMany([{ code: 250, text: 'ok' }, { code: c.code, text: c.text, ...options }]), expect, 1)
    }
  })
}

// Codes no JSON file can hold, and their expected outcome.
const CODES = [
  ['NaN', NaN, 'invalid_code'],
  ['Infinity', Infinity, 'invalid_code'],
  ['-Infinity', -Infinity, 'invalid_code'],
  ['-0', -0, 'code_out_of_range'],
  ['1e30', 1e30, 'code_out_of_range'],
  ['1e300', 1e300, 'code_out_of_range'],
  ['2 ** 53 + 2', 2 ** 53 + 2, 'code_out_of_range'],
  ['Number.MIN_VALUE', Number.MIN_VALUE, 'invalid_code'],
  ['550.0000001', 550.0000001, 'invalid_code'],
  ['a huge bigint', 10n ** 30n, 'code_out_of_range'],
  ['a negative bigint', -550n, 'code_out_of_range'],
  ['an in-range bigint', 550n, 'ok'],
  ['a Symbol', Symbol('550'), 'TypeError'],
  ['a function', () => 550, 'TypeError'],
  ['a Number object', Object(550), 'TypeError'],
  ['a Date', new Date(550), 'TypeError']
]

for (const [name, code, expect] of CODES) {
  test(`code ${name}: ${expect}`, () => {
    if (expect === 'ok') {
      const got = classify(code, '5.1.1 User unknown')
      assert.deepEqual(got, classify(Number(code), '5.1.1 User unknown'))
      assert.equal(got.code, 550)
      assert.deepEqual(classifyMany([[code, '5.1.1 User unknown']]), [got])
    } else {
      assertThrowsAs(() => classify(code, '5.1.1 User unknown'), expect)
      assertThrowsAs(() => classifyMany([[250, 'ok'], [code, '5.1.1 User unknown']]), expect, 1)
    }
  })
}

test('texts and options of the wrong type are TypeErrors', () => {
  for (const text of [Symbol('x'), () => 'x', 12345, 12n, true, {}, ['550'], new ArrayBuffer(4)]) {
    assertThrowsAs(() => classify(550, text), 'TypeError')
    assertThrowsAs(() => classifyMany([{ code: 550, text }]), 'TypeError', 0)
  }
  for (const command of [550, true, {}, Symbol('rcpt')]) {
    assertThrowsAs(() => classify(550, 'x', { command }), 'TypeError')
    assertThrowsAs(() => classify(550, 'x', { host: command }), 'TypeError')
  }
  assertThrowsAs(() => classify(550, 'x', 'rcpt'), 'TypeError')
  for (const replies of [null, 'x', { length: 1 }, 5]) assertThrowsAs(() => classifyMany(replies), 'TypeError')
  for (const item of [null, 550, 'x']) assertThrowsAs(() => classifyMany([item]), 'TypeError', 0)
})

test('invalid UTF-8 bytes are replaced, as the core reads bytes', () => {
  // A valid reply with invalid bytes after it: the bytes become U+FFFD (one per maximal
  // invalid subpart), the reply is still understood.
  const bytes = Buffer.concat([Buffer.from('550 5.1.1 User unknown '), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98])])
  const c = classify(null, bytes)
  assertClassification(c)
  assert.equal(c.code, 550)
  assert.equal(c.reason, 'user_unknown')
  assert.equal(c.text, 'User unknown \ufffd\ufffd\ufffd(\ufffd\ufffd\ufffd\ufffd')
  assert.deepEqual(classifyMany([[null, bytes]]), [c])
  // Only invalid bytes: no code, nothing understood, no error.
  const junk = classify(null, Uint8Array.from([0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff]))
  assert.equal(junk.code, null)
  assert.equal(junk.reason, 'unknown')
  assert.equal(junk.text, '\ufffd'.repeat(6))
})

test('lone surrogates are replaced, and do not pair across the replies of a batch', () => {
  const high = classify(550, '5.1.1 User unknown \ud800')
  assert.equal(high.reason, 'user_unknown')
  assert.equal(high.text, 'User unknown \ufffd')
  const low = classify(550, '\udc00 5.1.1 User unknown')
  assert.equal(low.reason, 'user_unknown')
  assert.equal(low.text, '\ufffd 5.1.1 User unknown')
  // Joined, '\ud800' + '\udc00' would be one character (U+10000): each reply keeps its own.
  const many = classifyMany([[550, 'a\ud800'], [550, '\udc00b']])
  assert.deepEqual(many.map((c) => c.text), ['a\ufffd', '\ufffdb'])
  assertThrowsAs(() => classify('\ud800', 'x'), 'invalid_code')
  assertThrowsAs(() => classify(550, 'x', { command: '\udc00' }), 'invalid_command')
  assert.equal(classify(550, 'x', { host: 'mx.\ud800.example' }).provider, null)
})

test('NUL bytes anywhere are text like any other', () => {
  const input = { code: 550, text: '\u00005.1.1 User unknown\u0000', host: 'mx\u0000.example' }
  const c = classify(input.code, input.text, { host: input.host })
  assert.equal(c.reason, 'user_unknown')
  assert.deepEqual({ ...c }, fromJson(rustClassify([input])[0]), 'the same as the Rust CLI')
  assertThrowsAs(() => classify('550\u0000', 'x'), 'invalid_code')
  assert.deepEqual(classifyMany([{ code: 550, text: '\u0000x' }, { code: 550, text: '\u0000' }]).map((r) => r.text), ['\u0000x', '\u0000'])
})

// ---- Large inputs, each in a child process with a time limit ----

/** Generous: a debug build on a busy 2-core machine. A hang is much longer than this. */
const LIMIT_MS = 120_000

/**
 * Runs `body` (JS that builds inputs and returns a JSON-able value; `smtpcodes` and `pick` are
 * in scope) in a fresh Node process, and returns what it returned. Fails the test when the
 * child times out, dies by a signal or exits non-zero.
 */
function inChild (body) {
  const script = `
    const smtpcodes = require(${JSON.stringify(require.resolve('smtpcodes'))})
    const pick = (c) => ({ code: c.code, enhanced: c.enhanced, reason: c.reason, action: c.action, bounce: c.bounce, provider: c.provider, textLength: c.text.length, head: c.text.slice(0, 60), tail: c.text.slice(-60) })
    const started = Date.now()
    const value = (() => { ${body} })()
    process.stdout.write(JSON.stringify({ value, ms: Date.now() - started }))
  `
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 })
  assert.equal(r.error, undefined, `the child did not finish within ${LIMIT_MS} ms (a hang?): ${r.error}`)
  assert.equal(r.signal, null, `the child died by ${r.signal} (a crash or an abort):\n${r.stderr}`)
  assert.equal(r.status, 0, `the child failed:\n${r.stderr}`)
  return JSON.parse(r.stdout)
}

/** What the child's `pick` gives, computed here. */
function pick (c) {
  return { code: c.code, enhanced: c.enhanced, reason: c.reason, action: c.action, bounce: c.bounce, provider: c.provider, textLength: c.text.length, head: c.text.slice(0, 60), tail: c.text.slice(-60) }
}

const MB10 = 10 * 1024 * 1024

test('a 10 MB text (ASCII) is read whole', (t) => {
  const { value, ms } = inChild(`
    const big = '550 5.1.1 User unknown ' + 'x'.repeat(${MB10})
    return [pick(smtpcodes.classify(null, big)), pick(smtpcodes.classifyMany([[null, big], [null, Buffer.from(big)]])[1])]
  `)
  const want = { ...pick(classify(null, '550 5.1.1 User unknown ' + 'x'.repeat(60))), textLength: 'User unknown '.length + MB10 }
  assert.deepEqual(value, [want, want])
  t.diagnostic(`${ms} ms`)
})

test('a 10 MB text of two-byte characters keeps its UTF-16 lengths right', (t) => {
  const { value, ms } = inChild(`
    const big = '421 4.7.0 Try again later ' + '\\u00e9'.repeat(${MB10 / 2}) + ' \\u{1F600}'
    return pick(smtpcodes.classifyMany([[null, 'x'], [null, big], [250, 'ok']])[1])
  `)
  const small = classify(null, '421 4.7.0 Try again later ' + '\u00e9'.repeat(60) + ' \u{1F600}')
  assert.deepEqual(value, { ...pick(small), textLength: 'Try again later '.length + MB10 / 2 + 3 })
  t.diagnostic(`${ms} ms`)
})

test('10 MB of invalid UTF-8 bytes: no code, all replaced', (t) => {
  const { value, ms } = inChild(`
    return pick(smtpcodes.classify(null, Buffer.alloc(${MB10}, 0xff)))
  `)
  assert.deepEqual(value, { ...pick(classify(null, Buffer.alloc(60, 0xff))), textLength: MB10 })
  t.diagnostic(`${ms} ms`)
})

test('100,000 continuation lines are one reply', (t) => {
  const line = '550-5.7.1 Our system has detected an unusual rate of unsolicited mail\r\n'
  const last = '550 5.7.1 https://support.google.com/mail/?p=UnsolicitedRateLimitError - gsmtp'
  const { value, ms } = inChild(`
    const text = ${JSON.stringify(line)}.repeat(100000) + ${JSON.stringify(last)}
    return [pick(smtpcodes.classify(null, text)), pick(smtpcodes.classify('550', text, { command: 'end of DATA' })), pick(smtpcodes.classifyMany([{ text }])[0])]
  `)
  const short = classify(null, line.repeat(2) + last)
  assert.equal(short.provider, 'google')
  const oneLine = 'Our system has detected an unusual rate of unsolicited mail '
  const want = { ...pick(short), textLength: oneLine.length * 100000 + 'https://support.google.com/mail/?p=UnsolicitedRateLimitError - gsmtp'.length }
  assert.deepEqual(value[0], want)
  assert.deepEqual(value[2], want)
  assert.equal(value[1].code, 550)
  assert.equal(value[1].provider, 'google')
  t.diagnostic(`${ms} ms`)
})

test('a million newlines, or one 10 MB line of digits, finish', (t) => {
  const { value, ms } = inChild(`
    return [pick(smtpcodes.classify(null, '\\r\\n'.repeat(1000000))), pick(smtpcodes.classify(null, '5'.repeat(${MB10})))]
  `)
  assert.equal(value[0].reason, 'unknown')
  assert.equal(value[0].code, null)
  assert.equal(value[1].textLength > 0, true)
  t.diagnostic(`${ms} ms`)
})

test('classifyMany: indexes and lone surrogates across its crossings into the addon', () => {
  // classifyMany crosses once per 64 replies; the batch must read as one.
  const replies = Array.from({ length: 200 }, (_, i) => [550, `5.1.1 User unknown ${i}`])
  replies[63] = [550, 'end \ud800']
  replies[64] = [550, '\udc00 start']
  const many = classifyMany(replies)
  assert.equal(many.length, 200)
  many.forEach((c, i) => assert.deepEqual(c, classify(...replies[i]), `reply ${i}`))
  assert.equal(many[63].text, 'end \ufffd')
  assert.equal(many[64].text, '\ufffd start')
  for (const at of [0, 63, 64, 150, 199]) {
    const bad = replies.slice()
    bad[at] = [600, 'x']
    assertThrowsAs(() => classifyMany(bad), 'code_out_of_range', at)
    bad[at] = [true, 'x']
    assertThrowsAs(() => classifyMany(bad), 'TypeError', at)
  }
  assert.deepEqual(classifyMany([]), [])
})

// parseBounce's bytes, in the shapes a caller can hand over that JSON cannot carry.
test('parseBounce: detached, shrunk, shared and oversized buffers give a typed error or a report', async () => {
  const { parseBounce, parseBounceAsync } = smtpcodes
  const qmail = fs.readFileSync(path.join(root, 'tests', 'emails', 'qmail-text.eml'))
  const want = parseBounce(qmail)
  // A view of a detached buffer is empty: not an email.
  const detached = new ArrayBuffer(qmail.length)
  const view = new Uint8Array(detached)
  view.set(qmail)
  structuredClone(detached, { transfer: [detached] })
  assert.equal(view.length, 0)
  assert.equal(errorOf(() => parseBounce(view)).what, 'not_an_email')
  // A resizable buffer is read at its current length.
  const resizable = new ArrayBuffer(qmail.length, { maxByteLength: 2 * qmail.length })
  const grown = new Uint8Array(resizable)
  grown.set(qmail)
  assert.deepEqual(parseBounce(grown), want)
  resizable.resize(40)
  assert.equal(errorOf(() => parseBounce(grown)).kind, 'not_a_bounce')
  // A shared buffer nobody writes reads as any other.
  const shared = new Uint8Array(new SharedArrayBuffer(qmail.length))
  shared.set(qmail)
  assert.deepEqual(parseBounce(shared), want)
  assert.deepEqual(await parseBounceAsync(shared), want)
  // Over the default maxEmailBytes (64 MiB): refused whole, never cut, and not copied first.
  const huge = Buffer.alloc(64 * 1024 * 1024 + 1, 0x41)
  for (const e of [errorOf(() => parseBounce(huge)), await parseBounceAsync(huge).catch((x) => x)]) {
    assert.deepEqual([e.code, e.kind, e.limit, e.max], ['InvalidArg', 'too_large', 'maxEmailBytes', 64 * 1024 * 1024])
  }
  // Typed arrays other than bytes are TypeErrors, as they are to classify.
  for (const value of [new DataView(qmail.buffer), new Float32Array(4), new BigUint64Array(2), new Int8Array(4)]) {
    assert.equal(errorOf(() => parseBounce(value)).constructor, TypeError, value.constructor.name)
  }
})
