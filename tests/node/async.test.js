'use strict'
// parseBounceAsync: parseBounce on the libuv thread pool. The same report for every email of
// tests/emails/, the same errors as rejections (wrong types too), many at once, and the event
// loop runs on while a large email is read.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { parseBounce, parseBounceAsync } = require('smtpcodes')
const { root } = require('./helpers.js')
const shapes = require('./shapes.js')

const dir = path.join(root, 'tests', 'emails')
const emails = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => [f, fs.readFileSync(path.join(dir, f))])

/** What parseBounce gives: `{ report }` or `{ error }`. */
function outcome (f) {
  try {
    return { report: f() }
  } catch (error) {
    return { error }
  }
}

async function outcomeAsync (p) {
  try {
    return { report: await p }
  } catch (error) {
    return { error }
  }
}

function sameError (got, want, label) {
  assert.ok(got, `${label}: rejected`)
  assert.equal(got.constructor, want.constructor, label)
  for (const key of ['message', 'code', 'kind', 'what', 'limit', 'max']) assert.equal(got[key], want[key], `${label}: ${key}`)
}

test('it returns a Promise, and settles it with what parseBounce returns or throws, for every email', async () => {
  assert.ok(emails.length >= 10)
  for (const [name, bytes] of emails) {
    const pending = parseBounceAsync(bytes)
    assert.ok(pending instanceof Promise, name)
    const got = await outcomeAsync(pending)
    const want = outcome(() => parseBounce(bytes))
    if (want.error) {
      sameError(got.error, want.error, name)
    } else {
      assert.equal(got.error, undefined, `${name}: ${got.error}`)
      assert.deepEqual(got.report, want.report, name)
      assert.equal(got.report.recipients[0]?.classification.statedWait, want.report.recipients[0]?.classification.statedWait, `${name}: statedWait`)
    }
    // A string is read as its UTF-8, as by parseBounce.
    assert.deepEqual(await outcomeAsync(parseBounceAsync(bytes.toString('utf8'))), outcome(() => parseBounce(bytes.toString('utf8'))), `${name} as a string`)
  }
})

test('wrong types reject (they do not throw), with the TypeError parseBounce throws', async () => {
  for (const value of [undefined, null, 5, true, {}, [], new ArrayBuffer(4), new Uint16Array(2)]) {
    let pending
    assert.doesNotThrow(() => { pending = parseBounceAsync(value) })
    const { error } = await outcomeAsync(pending)
    sameError(error, outcome(() => parseBounce(value)).error, String(value))
    assert.ok(error instanceof TypeError)
  }
})

test('many at once, across the thread pool: each gets its own answer', async () => {
  const inputs = []
  for (let i = 0; i < 4; i++) for (const [name, bytes] of emails) inputs.push([name, bytes])
  inputs.push(['textBounce(300)', Buffer.from(shapes.textBounce(300))], ['not an email', Buffer.from('hello')])
  const settled = await Promise.allSettled(inputs.map(([, bytes]) => parseBounceAsync(bytes)))
  settled.forEach((s, i) => {
    const [name, bytes] = inputs[i]
    const want = outcome(() => parseBounce(bytes))
    if (want.error) sameError(s.reason, want.error, name)
    else assert.deepEqual(s.value, want.report, name)
  })
})

test('the event loop runs on while a large email is read, as it cannot during parseBounce', async () => {
  const email = Buffer.from(shapes.bounceDsn(1500))
  let turns = 0
  let running = true
  const spin = () => {
    turns++
    if (running) setImmediate(spin)
  }
  // parseBounce holds the thread: no turn of the loop happens during the call.
  setImmediate(spin)
  const start = process.hrtime.bigint()
  const want = parseBounce(email)
  const syncMs = Number(process.hrtime.bigint() - start) / 1e6
  assert.equal(turns, 0)
  turns = 0
  const got = await parseBounceAsync(email)
  running = false
  assert.deepEqual(got, want)
  assert.ok(turns >= 5, `the loop turned ${turns} times while the pool read an email that takes ${syncMs.toFixed(0)} ms`)
})

test('worker threads can call it', async () => {
  const { Worker } = require('node:worker_threads')
  const file = path.join(dir, 'qmail-text.eml')
  const code = `
    const { parentPort } = require('node:worker_threads')
    const { parseBounceAsync } = require(${JSON.stringify(require.resolve('smtpcodes'))})
    parseBounceAsync(require('node:fs').readFileSync(${JSON.stringify(file)})).then((r) => parentPort.postMessage(r))
  `
  const report = await new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true })
    w.once('message', resolve)
    w.once('error', reject)
  })
  assert.deepEqual(report, parseBounce(fs.readFileSync(file)))
})
