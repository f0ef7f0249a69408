'use strict'
// parseBounce's work grows linearly with the email: the same adversarial shape at n and 8n
// recipients, the fastest of several runs each, may take at most 20 times as long (linear is
// 8x, quadratic 64x). Issue 9: a DSN whose recipients had no Diagnostic-Code, with a
// human-readable part naming each, searched the whole text again for every recipient
// (1,000 recipients took 10.5 s, 2,000 took 75 s), and a text bounce of many blocks was
// quadratic too; a bounce mailbox takes mail from anyone.
//
// n is small (the tests run the debug build), so that each shape takes well under a second.

const test = require('node:test')
const assert = require('node:assert/strict')
const { parseBounce, parseBounceAsync } = require('smtpcodes')
const shapes = require('./shapes.js')

const N = 100
const RATIO = 20

function fastest (f, runs) {
  let best = Infinity
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    f()
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6)
  }
  return best
}

/** Each shape: its generator, and what each recipient's entry must show (that the shape does reach the path it is meant to). */
const SHAPES = {
  'a DSN without Diagnostic-Codes, its text naming each recipient': {
    make: shapes.dsnWithoutDiagnostics,
    check: (r, i) => {
      assert.equal(r.recipient, `user${i}@example.org`)
      assert.match(r.diagnostic, /550 5\.1\.1 User unknown/, 'the words come from the human-readable part')
      assert.equal(r.classification.reason, 'user_unknown')
    }
  },
  'a DSN without Diagnostic-Codes, its text naming other addresses': {
    make: shapes.dsnNamingOthers,
    check: (r, i) => assert.equal(r.recipient, `user${i}@example.org`)
  },
  'a text bounce of many recipient blocks': {
    make: shapes.textBounce,
    check: (r, i) => {
      assert.equal(r.recipient, `user${i}@example.org`)
      assert.equal(r.classification.reason, 'user_unknown')
    }
  },
  'a DSN with a Diagnostic-Code per recipient': {
    make: shapes.bounceDsn,
    check: (r, i) => assert.equal(r.recipient, `user${i}@example.org`)
  }
}

for (const [name, { make, check }] of Object.entries(SHAPES)) {
  test(`parseBounce is linear on ${name}: ${N} and ${8 * N} recipients`, () => {
    const small = Buffer.from(make(N))
    const large = Buffer.from(make(8 * N))
    for (const [email, n] of [[small, N], [large, 8 * N]]) {
      const report = parseBounce(email)
      assert.equal(report.recipients.length, n)
      report.recipients.forEach(check)
    }
    const t1 = fastest(() => parseBounce(small), 5)
    const t8 = fastest(() => parseBounce(large), 3)
    assert.ok(t8 <= RATIO * t1, `${8 * N} recipients took ${t8.toFixed(1)} ms, ${(t8 / t1).toFixed(1)} times the ${t1.toFixed(1)} ms of ${N} (at most ${RATIO}x; linear is 8x)`)
  })
}

test('parseBounceAsync reads the large shapes as parseBounce does', async () => {
  for (const { make } of Object.values(SHAPES)) {
    const email = make(8 * N)
    assert.deepEqual(await parseBounceAsync(email), parseBounce(email))
  }
})
