'use strict'
// parseBounce(message, limits) and parseBounceAsync: the core's Limits as an optional second
// argument. Over a limit is an error of kind too_large naming the limit (in JS's spelling)
// and its value, never a silent cut; a wrong type is a TypeError, a number that is not a
// whole number of at least 1 a RangeError, as for RetryPolicy#decide's arguments.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { parseBounce, parseBounceAsync, BOUNCE_LIMITS, ERROR_KINDS } = require('smtpcodes')
const { root } = require('./helpers.js')
const shapes = require('./shapes.js')

const DSN = fs.readFileSync(path.join(root, 'tests', 'emails', 'dsn-postfix-user-unknown.eml'))

/** A text bounce inside `depth` nested multiparts. */
function nested (depth) {
  const open = []
  const close = []
  for (let d = 0; d < depth; d++) {
    open.push(`--b${d}`, `Content-Type: multipart/mixed; boundary="b${d + 1}"`, '')
    close.unshift(`--b${d + 1}--`)
  }
  return [
    'From: MAILER-DAEMON@mx.example.net',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b0"',
    '',
    ...open,
    `--b${depth}`,
    'Content-Type: text/plain',
    '',
    '<bob@example.org>: 550 5.1.1 User unknown',
    ...close,
    '--b0--',
    ''
  ].join('\r\n')
}

function tooLarge (limit, max) {
  return (e) => {
    assert.equal(e.constructor, Error, `${e}`)
    assert.equal(e.code, 'InvalidArg')
    assert.equal(e.kind, 'too_large')
    assert.equal(e.limit, limit)
    assert.equal(e.max, max)
    assert.match(e.message, /^input too large: it is over the max_\w+ limit of \d+; nothing was read/)
    return true
  }
}

function typeError (e) {
  assert.ok(e instanceof TypeError, `${e}`)
  assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
  return true
}

function rangeError (e) {
  assert.ok(e instanceof RangeError, `${e}`)
  assert.equal(e.code, 'ERR_OUT_OF_RANGE')
  return true
}

test('BOUNCE_LIMITS: the core\'s Limits::DEFAULT, frozen, in JS\'s names', () => {
  assert.deepEqual(BOUNCE_LIMITS, { maxEmailBytes: 64 * 1024 * 1024, maxHeaderBytes: 1024 * 1024, maxParts: 1000, maxDepth: 32, maxRecipients: 10000 })
  assert.ok(Object.isFrozen(BOUNCE_LIMITS))
  assert.ok(ERROR_KINDS.includes('too_large') && ERROR_KINDS.includes('internal'))
})

test('no limits, null, {} and the defaults themselves read the same', () => {
  const want = parseBounce(DSN)
  for (const limits of [undefined, null, {}, { ...BOUNCE_LIMITS }, { maxParts: undefined }, { maxEmailBytes: Number.MAX_SAFE_INTEGER }]) {
    assert.deepEqual(parseBounce(DSN, limits), want, JSON.stringify(limits))
  }
})

test('each limit, when the email is over it, is a too_large error naming it', () => {
  // maxEmailBytes: the email's own length is allowed, one byte less is not.
  assert.equal(parseBounce(DSN, { maxEmailBytes: DSN.length }).recipients.length, 2)
  assert.throws(() => parseBounce(DSN, { maxEmailBytes: DSN.length - 1 }), tooLarge('maxEmailBytes', DSN.length - 1))
  assert.throws(() => parseBounce(DSN, { maxEmailBytes: 1 }), tooLarge('maxEmailBytes', 1))
  assert.throws(() => parseBounce(DSN, { maxHeaderBytes: 10 }), tooLarge('maxHeaderBytes', 10))
  assert.throws(() => parseBounce(DSN, { maxParts: 2 }), tooLarge('maxParts', 2))
  assert.equal(parseBounce(DSN, { maxParts: 4 }).recipients.length, 2)
  assert.equal(parseBounce(nested(3), { maxDepth: 4 }).recipients.length, 1)
  assert.throws(() => parseBounce(nested(3), { maxDepth: 2 }), tooLarge('maxDepth', 2))
  assert.throws(() => parseBounce(nested(40)), tooLarge('maxDepth', 32), 'the default depth holds')
  assert.equal(parseBounce(nested(40), { maxDepth: 64 }).recipients.length, 1)
  for (const make of [shapes.bounceDsn, shapes.textBounce, shapes.dsnWithoutDiagnostics]) {
    assert.equal(parseBounce(make(5), { maxRecipients: 5 }).recipients.length, 5)
    assert.throws(() => parseBounce(make(5), { maxRecipients: 4 }), tooLarge('maxRecipients', 4))
  }
})

test('a Buffer over maxEmailBytes is refused before it is copied, with the error the core gives a string', () => {
  let fromString
  try {
    parseBounce(DSN.toString('latin1'), { maxEmailBytes: 100 })
  } catch (e) {
    fromString = e
  }
  assert.ok(fromString, 'the string is refused')
  for (const bytes of [DSN, new Uint8Array(DSN), new Uint8Array(new SharedArrayBuffer(DSN.length))]) {
    assert.throws(() => parseBounce(bytes, { maxEmailBytes: 100 }), (e) => {
      tooLarge('maxEmailBytes', 100)(e)
      assert.equal(e.message, fromString.message)
      return true
    })
  }
})

test('limits of the wrong type are TypeErrors; numbers that are not whole and at least 1, RangeErrors', () => {
  for (const limits of ['x', 5, true, 5n, [], [1], () => {}, Symbol('limits')]) {
    assert.throws(() => parseBounce(DSN, limits), typeError, String(typeof limits))
  }
  for (const limits of [{ maxLines: 5 }, { max_parts: 5 }, { maxParts: '5' }, { maxParts: 5n }, { maxParts: null }, { maxParts: true }, { maxParts: {} }]) {
    assert.throws(() => parseBounce(DSN, limits), typeError, JSON.stringify(limits, (k, v) => typeof v === 'bigint' ? `${v}n` : v))
  }
  for (const value of [0, -1, -0, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e300]) {
    assert.throws(() => parseBounce(DSN, { maxDepth: value }), rangeError, String(value))
  }
  // The message argument is checked first.
  assert.throws(() => parseBounce(5, 'x'), /message must be/)
})

test('parseBounceAsync takes the same limits and rejects with the same errors', async () => {
  assert.deepEqual(await parseBounceAsync(DSN, { maxParts: 4 }), parseBounce(DSN, { maxParts: 4 }))
  await assert.rejects(parseBounceAsync(DSN, { maxParts: 2 }), tooLarge('maxParts', 2))
  await assert.rejects(parseBounceAsync(DSN, { maxEmailBytes: 10 }), tooLarge('maxEmailBytes', 10))
  await assert.rejects(parseBounceAsync(shapes.textBounce(5), { maxRecipients: 4 }), tooLarge('maxRecipients', 4))
  await assert.rejects(parseBounceAsync(DSN, { maxParts: 0 }), rangeError)
  await assert.rejects(parseBounceAsync(DSN, { maxPart: 1 }), typeError)
  await assert.rejects(parseBounceAsync(DSN, 'x'), typeError)
})
