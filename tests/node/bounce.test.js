'use strict'
// parseBounce: every bounce email of tests/emails/ through the JS API, compared field by field
// (the nested classification included) with its golden file (`X.json`, which the Rust and
// Python suites also hold the core to); the emails that are not bounces; input types; a 20 MB
// attachment; worker threads; the lists and unions.
//
// The golden files have snake_case keys; JS spells the multi-word ones in camelCase (REPORT_KEYS,
// RECIPIENT_KEYS here, helpers.JSON_TO_JS for the classification).

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const smtpcodes = require('smtpcodes')
const { root, JS_KEYS, fromJson } = require('./helpers.js')

const { parseBounce, classify, RetryPolicy, DSN_ACTIONS } = smtpcodes

/** The report's JSON keys (the golden files, Rust's serde) and the JS property of each, in order. */
const REPORT_KEYS = {
  format: 'format',
  reporting_mta: 'reportingMta',
  original_message_id: 'originalMessageId',
  recipients: 'recipients',
  complaints: 'complaints'
}
/** A recipient's JSON keys and the JS property of each, in order. */
const RECIPIENT_KEYS = {
  recipient: 'recipient',
  original_recipient: 'originalRecipient',
  action: 'action',
  status: 'status',
  remote_mta: 'remoteMta',
  diagnostic: 'diagnostic',
  arrival_date: 'arrivalDate',
  last_attempt_date: 'lastAttemptDate',
  classification: 'classification'
}

/** What each fixture that is not a bounce is instead (the `what` of its error). */
const NOT_BOUNCES = {
  'auto-reply.eml': 'auto_reply',
  'ordinary.eml': 'no_delivery_failure'
}

const dir = path.join(root, 'tests', 'emails')
const emails = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()

function errorOf (f) {
  try {
    f()
  } catch (e) {
    return e
  }
  assert.fail('expected an error')
}

function notABounce (what) {
  return (e) => {
    assert.equal(e.constructor, Error)
    assert.equal(e.code, 'InvalidArg')
    assert.equal(e.kind, 'not_a_bounce')
    assert.equal(e.what, what)
    assert.match(e.message, /^not a bounce: /)
    return true
  }
}

function typeError (e) {
  assert.ok(e instanceof TypeError, `${e}`)
  assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
  return true
}

/** The CLI's JSON report in JS's names. */
function reportFromJson (json) {
  assert.deepEqual(Object.keys(json), Object.keys(REPORT_KEYS), 'the CLI report has the keys this test knows')
  return {
    format: json.format,
    reportingMta: json.reporting_mta,
    originalMessageId: json.original_message_id,
    complaints: json.complaints.map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k.replace(/_([a-z])/g, (_, x) => x.toUpperCase()), v]))),
    recipients: json.recipients.map((r) => {
      assert.deepEqual(Object.keys(r), Object.keys(RECIPIENT_KEYS), 'the CLI recipient has the keys this test knows')
      const out = {}
      for (const [key, js] of Object.entries(RECIPIENT_KEYS)) out[js] = key === 'classification' ? fromJson(r[key]) : r[key]
      return out
    })
  }
}

test('the fixtures are there: bounces of every format, and every kind of non-bounce', () => {
  assert.ok(emails.length >= 10, `only ${emails.length} emails`)
  for (const name of Object.keys(NOT_BOUNCES)) assert.ok(emails.includes(name), name)
})

const seen = { formats: new Set(), whats: new Set() }

for (const name of emails) {
  test(`tests/emails/${name} gives its golden file, field by field`, () => {
    const file = path.join(dir, name)
    const bytes = fs.readFileSync(file)
    const golden = JSON.parse(fs.readFileSync(file.replace(/\.eml$/, '.json'), 'utf8'))
    if (NOT_BOUNCES[name] !== undefined) {
      assert.ok(golden.error, 'the golden file refuses it too')
      const e = errorOf(() => parseBounce(bytes))
      notABounce(NOT_BOUNCES[name])(e)
      assert.deepEqual([e.kind, e.what, e.message], [golden.error.kind, golden.error.what, golden.error.message], 'same refusal as Rust')
      seen.whats.add(e.what)
      return
    }
    assert.ok(!golden.error, `the golden file reads it as a bounce: ${JSON.stringify(golden.error)}`)
    const want = reportFromJson(golden)
    const got = parseBounce(bytes)
    seen.formats.add(got.format)
    // Key by key, so that a failure names the field.
    assert.deepEqual(Object.keys(got), Object.values(REPORT_KEYS))
    for (const key of ['format', 'reportingMta', 'originalMessageId']) assert.equal(got[key], want[key], key)
    assert.equal(got.recipients.length, want.recipients.length, 'recipients')
    assert.deepEqual(got.complaints, want.complaints, 'complaints')
    got.recipients.forEach((r, i) => {
      const w = want.recipients[i]
      assert.deepEqual(Object.keys(r), Object.values(RECIPIENT_KEYS), `recipients[${i}] keys`)
      for (const key of Object.values(RECIPIENT_KEYS)) {
        if (key !== 'classification') assert.equal(r[key], w[key], `recipients[${i}].${key}`)
      }
      assert.deepEqual(Object.keys(r.classification), JS_KEYS, `recipients[${i}].classification keys`)
      for (const key of JS_KEYS) {
        assert.deepEqual(r.classification[key], w.classification[key], `recipients[${i}].classification.${key}`)
      }
      assert.ok(DSN_ACTIONS.includes(r.action), r.action)
    })
    // And as a whole: a plain object whose JSON is the CLI's, in JS's names.
    assert.deepEqual(got, want)
    assert.deepEqual(JSON.parse(JSON.stringify(got)), want)
    assert.equal(Object.getPrototypeOf(got), Object.prototype)
    for (const r of got.recipients) {
      assert.equal(Object.getPrototypeOf(r), Object.prototype)
      assert.equal(Object.getPrototypeOf(r.classification), Object.prototype)
    }
  })
}

test('not a bounce: empty input, junk, plain words', () => {
  assert.throws(() => parseBounce(Buffer.alloc(0)), notABounce('not_an_email'))
  assert.throws(() => parseBounce(new Uint8Array(0)), notABounce('not_an_email'))
  assert.throws(() => parseBounce(''), notABounce('not_an_email'))
  assert.throws(() => parseBounce('hello'), notABounce('not_an_email'))
  const junk = Buffer.alloc(4096)
  let seed = 11
  for (let i = 0; i < junk.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    junk[i] = seed >> 16
  }
  assert.throws(() => parseBounce(junk), notABounce('not_an_email'))
  assert.throws(() => parseBounce(Buffer.from([0, 0, 0, 0xff, 0xfe])), notABounce('not_an_email'))
  seen.whats.add('not_an_email')
})

const QMAIL = fs.readFileSync(path.join(dir, 'qmail-text.eml'))

test('Buffer, Uint8Array (a view at an offset too) and string give the same report', () => {
  const want = parseBounce(QMAIL)
  assert.equal(want.recipients.length, 2)
  assert.deepEqual(parseBounce(new Uint8Array(QMAIL)), want)
  assert.deepEqual(parseBounce(QMAIL.toString('utf8')), want)
  const padded = Buffer.concat([Buffer.from('xxxxxxx'), QMAIL, Buffer.from('yyy')])
  assert.deepEqual(parseBounce(padded.subarray(7, 7 + QMAIL.length)), want)
  assert.deepEqual(parseBounce(new Uint8Array(padded.buffer, padded.byteOffset + 7, QMAIL.length)), want)
})

test('a string is read as UTF-8; lone surrogates and NULs do not crash', () => {
  const utf8 = QMAIL.toString('utf8').replace('Sorry, no mailbox', 'Désolé \u4e2d \ud83d\udce7, no mailbox')
  const fromString = parseBounce(utf8)
  assert.deepEqual(parseBounce(Buffer.from(utf8, 'utf8')), fromString)
  assert.ok(fromString.recipients[1].diagnostic.includes('Désolé \u4e2d \ud83d\udce7'))
  const hostile = QMAIL.toString('utf8').replace('Sorry, no mailbox', '\ud800\0 \udfff Sorry, no mailbox')
  assert.equal(parseBounce(hostile).recipients.length, 2)
})

test('wrong types are TypeErrors', () => {
  for (const value of [undefined, null, 5, 5n, true, [], [...QMAIL], {}, { data: QMAIL }, Symbol('x'), () => QMAIL,
    QMAIL.buffer, new DataView(QMAIL.buffer), new Uint16Array(4), new Uint8ClampedArray(QMAIL), new String('x')]) { // eslint-disable-line no-new-wrappers
    assert.throws(() => parseBounce(value), typeError, Object.prototype.toString.call(value))
  }
  assert.throws(() => parseBounce(), typeError)
})

test('absent values are null, never undefined, at every level', () => {
  const r = parseBounce(QMAIL)
  assert.equal(r.reportingMta, null)
  for (const rec of r.recipients) {
    for (const key of Object.values(RECIPIENT_KEYS)) assert.notEqual(rec[key], undefined, key)
    for (const key of JS_KEYS) assert.notEqual(rec.classification[key], undefined, key)
    assert.equal(rec.remoteMta, null)
    assert.equal(rec.originalRecipient, null)
  }
  assert.equal(r.recipients[1].classification.code, null)
})

/** A DSN for bob@example.org with `diagnostic` and, in a returned message, `attachment` (base64 lines). */
function dsn ({ action = 'failed', status = '5.1.1', diagnostic, attachment = 'AAAA' }) {
  return [
    'From: MAILER-DAEMON@mx.example.net',
    'To: alice@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="outer"',
    '',
    '--outer',
    'Content-Type: text/plain',
    '',
    'I could not deliver your message.',
    '--outer',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    'Final-Recipient: rfc822; bob@example.org',
    `Action: ${action}`,
    `Status: ${status}`,
    'Remote-MTA: dns; mx1.example.org',
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'From: alice@example.com',
    'To: bob@example.org',
    'Message-ID: <big-1@example.com>',
    'Subject: the report',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain',
    '',
    'See attached.',
    '--inner',
    'Content-Type: application/octet-stream; name="big.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    attachment,
    '--inner--',
    '--outer--',
    ''
  ].join('\r\n')
}

test('the classification is the object classify returns: the stated wait too, non-enumerable', () => {
  const r = parseBounce(dsn({ action: 'delayed', status: '4.7.1', diagnostic: '450 4.7.1 Greylisted, please try again in 180 seconds' }))
  assert.equal(r.format, 'dsn')
  assert.equal(r.reportingMta, 'mx.example.net')
  assert.equal(r.originalMessageId, 'big-1@example.com')
  const [rec] = r.recipients
  assert.equal(rec.action, 'delayed')
  assert.equal(rec.remoteMta, 'mx1.example.org')
  const c = rec.classification
  assert.equal(c.reason, 'greylisted')
  assert.equal(c.retryAfter, 180)
  assert.equal(c.statedWait, 180)
  assert.equal(Object.keys(c).includes('statedWait'), false)
  assert.equal(JSON.stringify(r).includes('statedWait'), false)
  // The same as classify gives for the diagnostic with the report's status and remote host.
  const direct = classify(null, rec.diagnostic, { host: rec.remoteMta })
  assert.deepEqual(c, direct)
  assert.equal(c.statedWait, direct.statedWait)
  assert.deepEqual(new RetryPolicy().decide(c, 1, 0), { action: 'retry', retryAfter: 180, why: 'stated_wait' })
  // A failed recipient: the reporting MTA gave up, so it is not retried.
  const failed = parseBounce(dsn({ action: 'failed', status: '4.7.1', diagnostic: '450 4.7.1 Greylisted, please try again in 180 seconds' }))
  assert.equal(failed.recipients[0].classification.action, 'bounce')
  assert.equal(failed.recipients[0].classification.retryAfter, null)
})

test('a bounce carrying a 20 MB attachment', () => {
  const line = Buffer.alloc(57, 7).toString('base64') + '\r\n'
  const attachment = line.repeat(Math.ceil((20 * 1024 * 1024) / line.length))
  const email = Buffer.from(dsn({ diagnostic: '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown', attachment }))
  assert.ok(email.length > 20 * 1024 * 1024)
  const r = parseBounce(email)
  assert.equal(r.recipients.length, 1)
  assert.equal(r.recipients[0].recipient, 'bob@example.org')
  assert.equal(r.recipients[0].classification.reason, 'user_unknown')
  assert.equal(r.originalMessageId, 'big-1@example.com')
  assert.ok(r.recipients[0].diagnostic.length < 5000, 'the attachment stays out of the report')
  // The same as a string (20 MB of text crossing as UTF-8).
  assert.deepEqual(parseBounce(email.toString('latin1')), r)
  // 20 MB of junk is no email, quickly.
  const junk = Buffer.alloc(20 * 1024 * 1024, 0xfe)
  assert.throws(() => parseBounce(junk), notABounce('not_an_email'))
})

test('DSN_ACTIONS is the core\'s DsnAction::ALL, frozen; not_a_bounce is an error kind', () => {
  assert.deepEqual(DSN_ACTIONS, ['failed', 'delayed', 'delivered', 'relayed', 'expanded'])
  assert.ok(Object.isFrozen(DSN_ACTIONS))
  assert.ok(smtpcodes.ERROR_KINDS.includes('not_a_bounce'))
})

// The core lists every report format (BounceFormat) and every `what` of a non-bounce
// (NotABounceWhat); tests/node/types.test.js holds the TypeScript unions to those lists.
// Here: the fixtures produce every member of the lists, and nothing else.
test('the fixtures produce exactly BOUNCE_FORMATS and NOT_A_BOUNCE_WHATS', () => {
  for (const name of emails) {
    if (NOT_BOUNCES[name] !== undefined) seen.whats.add(NOT_BOUNCES[name])
    else seen.formats.add(parseBounce(fs.readFileSync(path.join(dir, name))).format)
  }
  seen.whats.add('not_an_email')
  assert.deepEqual([...smtpcodes.BOUNCE_FORMATS].sort(), [...seen.formats].sort())
  assert.deepEqual([...smtpcodes.NOT_A_BOUNCE_WHATS].sort(), [...seen.whats].sort())
  assert.ok(Object.isFrozen(smtpcodes.BOUNCE_FORMATS) && Object.isFrozen(smtpcodes.NOT_A_BOUNCE_WHATS))
})

test('worker threads parse bounces alike', async () => {
  const { Worker } = require('node:worker_threads')
  const file = path.join(dir, 'dsn-postfix-user-unknown.eml')
  const code = `
    const { parentPort } = require('node:worker_threads')
    const fs = require('node:fs')
    const { parseBounce } = require(${JSON.stringify(require.resolve('smtpcodes'))})
    let what = null
    try { parseBounce('hello') } catch (e) { what = e.what }
    parentPort.postMessage([parseBounce(fs.readFileSync(${JSON.stringify(file)})), what])
  `
  const results = await Promise.all([1, 2].map(() => new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true })
    w.once('message', resolve)
    w.once('error', reject)
  })))
  const want = parseBounce(fs.readFileSync(file))
  for (const [report, what] of results) {
    assert.deepEqual(report, want)
    assert.equal(what, 'not_an_email')
  }
})

test('a complaint report names the address to suppress', () => {
  const report = smtpcodes.parseBounce(fs.readFileSync(path.join(root, 'tests', 'emails', 'complaint-arf-rcpt.eml')))
  assert.equal(report.format, 'arf')
  assert.deepEqual(report.recipients, [])
  assert.deepEqual(report.complaints, [{
    recipient: 'trent@example.net',
    feedbackType: 'abuse',
    userAgent: 'ExampleFBL/2.1',
    sourceIp: '192.0.2.1',
    arrivalDate: 'Thu, 8 Mar 2026 13:59:58 +0000',
    originalMailFrom: 'bounces+1234@example.com',
    suppress: true
  }])
})
