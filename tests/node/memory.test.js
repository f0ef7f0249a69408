'use strict'
// Native memory: every exported function, called many times in a synchronous loop (as a batch
// job calls it, without a turn of the event loop in between), must not grow the process's
// RSS. Each runs in a fresh `node --expose-gc` (tests/node/memory-child.js): RSS after a
// warm-up and full GCs, then after CALLS more calls and full GCs.
//
// The regression of issue 9: parseBounce returned its classifications in an external
// ArrayBuffer over a Rust Vec, which Node frees only from a finalizer it runs on a later turn
// of the event loop, so a synchronous loop piled them up: about 150-450 bytes a recipient a
// call (+107 MB over 5,000 calls of a 100-recipient DSN here, in the debug build; 300 calls,
// the case below, grew it by 3.9-4.1 MB). RetryPolicy wrapped a native object, freed the
// same way: +6.7-7.7 MB over 20,000 policies. Both now stay within allocator noise (under
// 0.7 MB).
//
// The bounds are generous (allocators keep some freed memory, and V8 grows its heap in
// steps), but each is well under what a leak of a few hundred bytes a call would add.

const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const smtpcodes = require('smtpcodes')
const native = require('../../bindings-node/native/index.js')

const MB = 1024 * 1024

/** Each exported function: its calls and the most its RSS may grow over them. */
const CASES = {
  // The public API (bindings-node/js/index.js).
  classify: { calls: 20000, bound: 4 * MB },
  classifyError: { calls: 20000, bound: 4 * MB }, // the thrown-error path
  classifyMany: { calls: 300, bound: 4 * MB }, // 100 replies a call
  explain: { calls: 20000, bound: 4 * MB },
  compare: { calls: 5000, bound: 4 * MB },
  parseBounce: { calls: 300, bound: 2.5 * MB }, // 100 recipients a call
  parseBounceNotABounce: { calls: 3000, bound: 4 * MB },
  parseBounceAsync: { calls: 300, bound: 2.5 * MB },
  parseLogLine: { calls: 20000, bound: 4 * MB },
  readLog: { calls: 300, bound: 4 * MB }, // a log of 100 lines a call
  parseWebhook: { calls: 3000, bound: 4 * MB }, // a SendGrid batch of 20 events a call
  RetryPolicy: { calls: 20000, bound: 4 * MB },
  decide: { calls: 20000, bound: 4 * MB },
  shouldSuppress: { calls: 20000, bound: 4 * MB },
  version: { calls: 100000, bound: 4 * MB },
  warmUp: { calls: 100000, bound: 4 * MB },
  // The addon's private exports.
  tables: { calls: 3000, bound: 4 * MB },
  tableStrings: { calls: 3000, bound: 4 * MB }, // every string results have shared so far
  classifyObject: { calls: 10000, bound: 4 * MB },
  _noop: { calls: 100000, bound: 4 * MB },
  _coreLoop: { calls: 10000, bound: 4 * MB }, // 10 classifications a call
  _panicForTest: { calls: 4000, bound: 6 * MB } // each panic also prints to stderr; 2,000 calls once showed a one-off 4 MiB step
}

function measure (name, calls) {
  // The young generation held at 1 MiB: V8 otherwise grows it (up to 16 MiB a semi-space) as
  // the allocation rate rises, which is RSS that a leak did not take (parseBounce's 300 calls
  // of 100 recipients grew it by 2-2.5 MiB, and by no more over 10 times the calls).
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', path.join(__dirname, 'memory-child.js'), name, String(calls)], {
    encoding: 'utf8',
    timeout: 120000,
    maxBuffer: 64 * MB,
    env: { ...process.env, RUST_BACKTRACE: '0' }
  })
  assert.equal(r.signal, null, `${name}: the child died of ${r.signal}`)
  assert.equal(r.status, 0, `${name}: the child failed:\n${r.stderr.slice(-2000)}`)
  return JSON.parse(r.stdout)
}

test('the cases cover every exported function, public and native', () => {
  const { names } = measure('version', 1)
  assert.deepEqual(names.sort(), Object.keys(CASES).sort(), 'memory-child.js calls each case')
  const publicFunctions = Object.keys(smtpcodes).filter((k) => typeof smtpcodes[k] === 'function')
  const nativeFunctions = Object.keys(native).filter((k) => typeof native[k] === 'function')
  // The addon's functions that the public ones of these names reach.
  const through = { policy: 'RetryPolicy', _panicForTestAsync: 'contain.test.js' }
  for (const name of [...publicFunctions, ...nativeFunctions]) {
    if (name === '_panicForTestAsync') continue // a rejected Promise each: contain.test.js
    assert.ok(Object.hasOwn(CASES, through[name] ?? name), `a memory case for ${name}`)
  }
})

for (const [name, { calls, bound }] of Object.entries(CASES)) {
  test(`${name}: RSS stays flat over ${calls} calls`, () => {
    const m = measure(name, calls)
    const growth = m.rss1 - m.rss0
    assert.ok(growth < bound, `${name}: RSS grew by ${(growth / MB).toFixed(1)} MiB over ${calls} calls (at most ${bound / MB} MiB), ${Math.round(growth / calls)} bytes a call; the JS heap by ${((m.heap1 - m.heap0) / MB).toFixed(2)} MiB`)
  })
}
