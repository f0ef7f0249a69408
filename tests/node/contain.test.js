'use strict'
// No bug and no input may abort the process: every exported function contains panics (a
// panic becomes a thrown Error with kind 'internal'), and bytes from JS are copied before
// the core reads them (a SharedArrayBuffer that a worker rewrites during the call once made
// the core slice inside a UTF-8 character, and the panic aborted Node with exit 134).
//
// The panics come from the addon's test hooks `_panicForTest` and `_panicForTestAsync`,
// which the public API does not export. The risky runs happen in child processes, so that an
// abort shows as the child's exit status or signal instead of killing the test runner.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const smtpcodes = require('smtpcodes')
const native = require('../../bindings-node/native/index.js')
const { root } = require('./helpers.js')

// Each panic prints its message to stderr (the panic hook); a backtrace would flood the output.
process.env.RUST_BACKTRACE = '0'

const QMAIL = fs.readFileSync(path.join(root, 'tests', 'emails', 'qmail-text.eml'))
const PACKAGE = require.resolve('smtpcodes')
const NATIVE = require.resolve('../../bindings-node/native/index.js')

/** Runs `code` in a fresh `node`, with `timeout` ms at most. */
function child (code, timeout = 60000) {
  return spawnSync(process.execPath, ['-e', code], {
    encoding: 'utf8',
    timeout,
    env: { ...process.env, RUST_BACKTRACE: '0' }
  })
}

function lived (r) {
  assert.equal(r.error, undefined, `the child could not run: ${r.error}`)
  assert.equal(r.signal, null, `the child died of ${r.signal}:\n${r.stderr}`)
  assert.equal(r.status, 0, `the child exited with ${r.status}:\n${r.stderr}`)
  assert.doesNotMatch(r.stderr, /fatal runtime error|Aborted/)
}

function internal (message) {
  return (e) => {
    assert.equal(e.constructor, Error, `${e}`)
    assert.equal(e.kind, 'internal')
    assert.equal(e.code, 'GenericFailure', 'a bug, not the input: not InvalidArg')
    assert.match(e.message, /^internal error in smtpcodes \(a bug; the input is not at fault\): /)
    if (message !== undefined) assert.ok(e.message.includes(message), e.message)
    return true
  }
}

test('the test hooks are not part of the public API', () => {
  for (const name of ['_panicForTest', '_panicForTestAsync', '_noop', 'classifyObject', 'tables']) {
    assert.equal(smtpcodes[name], undefined, name)
    assert.equal(typeof native[name], 'function', name)
  }
})

test('a panic inside an exported function is a thrown Error of kind internal, and the process lives on', () => {
  // Here, in the test runner's own process: an abort would end the whole run.
  assert.throws(() => native._panicForTest('deliberate'), internal('deliberate'))
  assert.throws(() => native._panicForTest('again'), internal('again'))
  assert.equal(smtpcodes.classify(550, '5.1.1 User unknown').reason, 'user_unknown')
  assert.equal(smtpcodes.parseBounce(QMAIL).recipients.length, 2)
})

test('a panic on the thread pool or while resolving rejects parseBounceAsync\'s Promise with kind internal', async () => {
  const email = QMAIL.toString('utf8')
  await assert.rejects(native._panicForTestAsync(email, 'compute'), internal('deliberate test panic: compute'))
  await assert.rejects(native._panicForTestAsync(email, 'resolve'), internal('deliberate test panic: resolve'))
  const again = await smtpcodes.parseBounceAsync(QMAIL)
  assert.equal(again.recipients.length, 2)
})

test('many panics in a row, in a fresh process: it exits normally, and says what panicked on stderr', () => {
  const r = child(`
    const native = require(${JSON.stringify(NATIVE)})
    const { classify } = require(${JSON.stringify(PACKAGE)})
    let caught = 0
    for (let i = 0; i < 50; i++) {
      try { native._panicForTest('panic number ' + i) } catch (e) { if (e.kind === 'internal') caught++ }
    }
    Promise.allSettled(Array.from({ length: 20 }, (_, i) => native._panicForTestAsync('From: a@b\\n\\nx', i % 2 ? 'compute' : 'resolve')))
      .then((all) => {
        const kinds = all.map((s) => s.status === 'rejected' ? s.reason.kind : 'fulfilled')
        console.log(JSON.stringify({ caught, kinds, reason: classify(452, '4.2.2 Mailbox full').reason }))
      })
  `)
  lived(r)
  const out = JSON.parse(r.stdout)
  assert.equal(out.caught, 50)
  // 'compute' panics on the pool; 'resolve' here gets no bounce to resolve (the email is none),
  // so it rejects with the core's own error before the hook can panic.
  assert.deepEqual(out.kinds, Array.from({ length: 20 }, (_, i) => i % 2 ? 'internal' : 'not_a_bounce'))
  assert.equal(out.reason, 'mailbox_full')
  assert.match(r.stderr, /panic number 49/, 'the panic message reaches stderr, for the bug report')
})

// Every function the addon exports is marked #[napi(catch_unwind)] (napi-rs then catches a
// panic anywhere in its glue) and runs its body through guard() (which turns a panic into
// kind 'internal'). A new export without them fails here, before it can abort anyone.
test('every #[napi] function, method and constructor in bindings-node/src/ is contained', () => {
  const dir = path.join(root, 'bindings-node', 'src')
  const source = fs.readdirSync(dir).filter((f) => f.endsWith('.rs')).sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n')
  const exported = [...source.matchAll(/^( *)#\[napi(?:\(([^)]*)\))?\]\n(?:\1#\[[^\n]*\n)*\1pub fn (\w+)[\s\S]*?\n\1\}\n/gm)]
  const names = exported.map((m) => m[3])
  for (const name of ['tables', 'classify', 'noop', 'classify_many', 'classify_object', 'explain', 'policy', 'decide', 'should_suppress', 'parse_bounce', 'parse_bounce_async', 'parse_log_line', 'read_log', 'panic_for_test', 'panic_for_test_async', 'warm_up']) {
    assert.ok(names.includes(name), `found #[napi] fn ${name} (found: ${names.join(', ')})`)
  }
  for (const m of exported) {
    assert.match(m[2] ?? '', /\bcatch_unwind\b/, `#[napi(catch_unwind)] on fn ${m[3]}`)
    assert.match(m[0], /\bguard\(/, `fn ${m[3]} runs its body through guard()`)
  }
  // The thread-pool half of parseBounceAsync, which napi-rs does not guard: contained by hand.
  const task = source.match(/impl<'task> ScopedTask<'task> for ParseBounce \{[\s\S]*?\n\}\n/)
  assert.ok(task, 'the ParseBounce task')
  assert.equal([...task[0].matchAll(/smtpcodes::contain\(/g)].length, 2, 'compute and resolve each run inside contain()')
})

// The regression of issue 9: a worker rewrites the bytes of a SharedArrayBuffer while the main
// thread parses it. Before the fix the core read the view in place and, once a byte changed
// between its UTF-8 check and a slice, panicked: exit 134 within a second or two. Now it reads
// its own copy: each call gives a report or a typed error, and never 'internal'.
test('parseBounce on a SharedArrayBuffer a worker rewrites during the calls: a copy is read, nothing panics', () => {
  const r = child(`
    const { Worker } = require('node:worker_threads')
    const { parseBounce, parseBounceAsync } = require(${JSON.stringify(PACKAGE)})
    const lines = ['From: MAILER-DAEMON@mail.example.com', 'Subject: failure notice', '',
      'Hi. This is the qmail-send program at mail.example.com.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.", '']
    for (let i = 0; i < 150; i++) lines.push('<user' + i + '@example.org>:', 'Sorry, no mailbox here by that name. (#5.1.1)', '')
    const text = Buffer.from(lines.join('\\n'))
    const view = new Uint8Array(new SharedArrayBuffer(text.length))
    view.set(text)
    // The byte after each '>' flips between ':' and a lone UTF-8 continuation byte, where the
    // reader slices right after the address.
    const spots = []
    for (let i = text.indexOf('.org>:'); i >= 0; i = text.indexOf('.org>:', i + 1)) spots.push(i + 5)
    const worker = new Worker(\`
      const { workerData: { buffer, spots } } = require('node:worker_threads')
      const v = new Uint8Array(buffer)
      for (;;) for (const b of [0xa9, 0x3a]) for (const s of spots) v[s] = b
    \`, { eval: true, workerData: { buffer: view.buffer, spots } })
    const seen = {}
    const count = (key) => { seen[key] = (seen[key] ?? 0) + 1 }
    worker.once('online', async () => {
      const until = Date.now() + 1500
      while (Date.now() < until) {
        try { count(String(parseBounce(view).recipients.length)) } catch (e) { count(e.kind ?? e.name) }
      }
      // The async form copies on the calling thread, before the pool reads it.
      const pending = Array.from({ length: 8 }, () => parseBounceAsync(view))
      for (const p of pending) {
        try { count(String((await p).recipients.length)) } catch (e) { count(e.kind ?? e.name) }
      }
      await worker.terminate()
      console.log(JSON.stringify(seen))
    })
  `)
  lived(r)
  const seen = JSON.parse(r.stdout)
  assert.equal(seen.internal, undefined, `no panic reached the guard: ${r.stdout}`)
  for (const key of Object.keys(seen)) assert.match(key, /^\d+$|^not_a_bounce$/, `each call read a report or a typed error: ${r.stdout}`)
  assert.ok(Object.values(seen).reduce((a, b) => a + b, 0) >= 10, `enough calls raced the writer: ${r.stdout}`)
})

test('parseBounceAsync copies the bytes when it is called: the buffer may be reused at once', async () => {
  const want = smtpcodes.parseBounce(QMAIL)
  const buffer = Buffer.from(QMAIL)
  const pending = smtpcodes.parseBounceAsync(buffer)
  buffer.fill(0)
  assert.deepEqual(await pending, want)
  const shared = new Uint8Array(new SharedArrayBuffer(QMAIL.length))
  shared.set(QMAIL)
  const fromShared = smtpcodes.parseBounceAsync(shared.subarray(0))
  shared.fill(0x41)
  assert.deepEqual(await fromShared, want)
})

test('classify and classifyMany read text from a SharedArrayBuffer as a string (a copy)', () => {
  const text = Buffer.from('550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown')
  const shared = new Uint8Array(new SharedArrayBuffer(text.length))
  shared.set(text)
  assert.deepEqual(smtpcodes.classify(null, shared), smtpcodes.classify(null, text.toString()))
  assert.deepEqual(smtpcodes.classifyMany([{ text: shared }]), [smtpcodes.classify(null, text)])
})

// The JS layer checks every argument before it calls the addon; the addon checks again, so a
// direct call with nonsense is a thrown error too, never a crash.
test('direct calls into the addon with bad arguments throw', () => {
  const out = Buffer.alloc(16 * 8)
  assert.throws(() => native.classify(550, 'x', null, null, Buffer.alloc(8)), /output buffer needs 128 bytes/)
  assert.throws(() => native.classifyMany('abc', new Float64Array([0, 0, -1, 99, -1, -1]), out), /do not match/)
  assert.throws(() => native.decide(new Float64Array(3), 'greylisted', 'retry', null, 1, 0), (e) => e.kind === 'invalid_policy' && e.field === 'policy')
  const packed = native.policy({ ...smtpcodes.POLICY_DEFAULTS, maxAttempts: undefined, seed: '7' })
  assert.equal(packed.length, 13)
  const bad = Float64Array.from(packed)
  bad[1] = 0.5 // backoff below 1
  assert.throws(() => native.decide(bad, 'greylisted', 'retry', null, 1, 0), (e) => e.kind === 'invalid_policy' && e.field === 'backoff')
  bad[1] = 2
  bad[11] = 2 ** 32 // a seed half out of range
  assert.throws(() => native.shouldSuppress(bad, false, 'soft', 1), (e) => e.kind === 'invalid_policy' && e.field === 'seed')
  for (const limits of [{ maxParts: 0 }, { maxDepth: 1.5 }, { maxRecipients: -1 }, { maxEmailBytes: Infinity }, { maxHeaderBytes: NaN }]) {
    assert.throws(() => native.parseBounce(QMAIL, limits), (e) => e.code === 'InvalidArg' && /^limits\.\w+ must be a whole number from 1 to 2\^53$/.test(e.message), JSON.stringify(limits))
  }
})
