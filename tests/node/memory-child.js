'use strict'
// Run by tests/node/memory.test.js as `node --expose-gc memory-child.js NAME CALLS`: calls one
// exported function CALLS times after a warm-up of CALLS / 2, in a synchronous loop as a
// batch job would (no turn of the event loop in between; parseBounceAsync awaits each call),
// and prints {names, rss0, rss1, heap0, heap1}: the cases it knows, and the RSS and JS heap
// in bytes, read after full GCs before and after the measured calls.

const { bounceDsn } = require('./shapes.js')
const smtpcodes = require('smtpcodes')
const native = require('../../bindings-node/native/index.js')

const [name, callsArg] = process.argv.slice(2)
const calls = Number(callsArg)

const DSN = Buffer.from(bounceDsn(100))
const REPLY = '5.1.1 <bob@example.org>: Recipient address rejected: User unknown'
const BATCH = Array.from({ length: 100 }, (_, i) => [550, `${REPLY} ${i}`])
const LOG_LINE = `Nov 23 04:26:01 mail postfix/smtp[4321]: 4BXYZ12ABC: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1.2, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.1] said: 550 ${REPLY} (in reply to RCPT TO command))`
const WEBHOOK = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ email: `u${i}@example.org`, event: 'bounce', sg_event_id: `e${i}`, type: 'bounce', reason: `550 ${REPLY}`, timestamp: 1714564800 + i })))
const LOG = Buffer.from(Array.from({ length: 100 }, (_, i) => (i % 2 ? LOG_LINE : `noise ${i}`)).join('\n'))
const policy = new smtpcodes.RetryPolicy()
const grey = smtpcodes.classify(451, '4.7.1 Greylisted, please try again in 180 seconds')
const out = Buffer.alloc(16 * 8)
// REPLY as the one reply of a classifyMany input, code 550 (bindings-node/src/lib.rs, META_SLOTS).
const CORE_META = new Float64Array([1, 550, -1, REPLY.length, -1, -1])

/** Each exported function, called as its users call it; the addon's private ones through native. */
const CALLS = {
  classify: () => smtpcodes.classify(550, REPLY, { command: 'RCPT TO' }),
  classifyMany: () => smtpcodes.classifyMany(BATCH),
  explain: () => smtpcodes.explain('5.7.26'),
  compare: () => smtpcodes.compare('421', '521'),
  parseBounce: () => smtpcodes.parseBounce(DSN),
  parseBounceNotABounce: () => {
    try {
      smtpcodes.parseBounce('From: a@example.org\nSubject: hi\n\nhello\n')
    } catch (e) {
      if (e.kind !== 'not_a_bounce') throw e
    }
  },
  parseBounceAsync: () => smtpcodes.parseBounceAsync(DSN),
  parseLogLine: () => smtpcodes.parseLogLine(LOG_LINE),
  readLog: () => smtpcodes.readLog(LOG),
  parseWebhook: () => smtpcodes.parseWebhook(WEBHOOK),
  RetryPolicy: () => new smtpcodes.RetryPolicy({ firstDelay: 60 }),
  decide: () => policy.decide(grey, 2, 600),
  shouldSuppress: () => policy.shouldSuppress(grey, 3),
  version: () => smtpcodes.version(),
  warmUp: () => smtpcodes.warmUp(),
  classifyError: () => {
    try {
      smtpcodes.classify('abc', REPLY)
    } catch (e) {
      if (e.kind !== 'invalid_code') throw e
    }
  },
  tables: () => native.tables(),
  tableStrings: () => native.tableStrings(0),
  classifyObject: () => native.classifyObject(550, REPLY, null, null),
  _noop: () => native._noop(550, REPLY, null, null, out),
  _coreLoop: () => native._coreLoop(REPLY, CORE_META, 10),
  _panicForTest: () => {
    try {
      native._panicForTest('a deliberate panic for the memory test')
    } catch (e) {
      if (e.kind !== 'internal') throw e
    }
  }
}

async function run (f, n) {
  if (name === 'parseBounceAsync') {
    for (let i = 0; i < n; i++) await f()
  } else {
    for (let i = 0; i < n; i++) f()
  }
}

/**
 * Full GCs, without a turn of the event loop: memory that Node frees only from the event
 * loop (finalizers of external buffers and wrapped objects) stays counted, as it stays
 * allocated in a synchronous batch job.
 */
function settle () {
  for (let i = 0; i < 3; i++) global.gc()
  const m = process.memoryUsage()
  return { rss: m.rss, heap: m.heapUsed }
}

async function main () {
  const f = CALLS[name]
  if (f === undefined) throw new Error(`no such function: ${name} (known: ${Object.keys(CALLS).join(', ')})`)
  if (name === '_panicForTest') {
    // The panic hook prints each panic to stderr; the test reads the exit status and stdout only.
    process.env.RUST_BACKTRACE = '0'
  }
  // The warm-up lets V8 and the allocator grow to their working size. Memory it leaves for
  // Node to free from the event loop stays allocated (settle() does not turn it), so it
  // cannot be reused by the measured calls and hide their growth.
  await run(f, Math.max(1, Math.floor(calls / 2)))
  const before = settle()
  await run(f, calls)
  const after = settle()
  process.stdout.write(JSON.stringify({ names: Object.keys(CALLS), rss0: before.rss, rss1: after.rss, heap0: before.heap, heap1: after.heap }) + '\n')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
