'use strict'
// Mail logs: the golden files of tests/logs/ (which the Rust and Python suites run too) through
// parseLogLine and readLog, the sample log's counts, input types, limits and typed errors.
//
// The golden files write the core's snake_case keys; JS spells the multi-word ones in
// camelCase (RECORD_KEYS here, helpers.JSON_TO_JS for the classification).

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const smtpcodes = require('smtpcodes')
const { root, JSON_TO_JS } = require('./helpers.js')

const { parseLogLine, readLog, LOG_LIMITS, LOG_FORMATS, DELIVERY_STATUSES } = smtpcodes

const logs = path.join(root, 'tests', 'logs')
const LINES = JSON.parse(fs.readFileSync(path.join(logs, 'lines.json'), 'utf8')).cases
const READER = JSON.parse(fs.readFileSync(path.join(logs, 'reader.json'), 'utf8')).cases
const SAMPLE = path.join(root, 'examples', 'mail.log')
const BOUNCED = LINES[0].line

/** A record's JSON keys (the golden files, Rust's serde) and the JS property of each, in order. */
const RECORD_KEYS = {
  format: 'format',
  timestamp: 'timestamp',
  queue_id: 'queueId',
  sender: 'sender',
  message_id: 'messageId',
  recipient: 'recipient',
  recipients: 'recipients',
  original_recipient: 'originalRecipient',
  relay: 'relay',
  status: 'status',
  dsn: 'dsn',
  text: 'text'
}

/** A golden record in JS's spelling. */
function jsRecord (json) {
  const out = {}
  for (const [key, js] of Object.entries(RECORD_KEYS)) out[js] = json[key]
  return out
}

/** A record without its classification. */
function fields (record) {
  const { classification, ...rest } = record
  return rest
}

for (const c of LINES) {
  test(`line ${c.id}`, () => {
    const record = parseLogLine(c.line)
    if (c.record === null) {
      assert.equal(record, null)
      return
    }
    assert.deepEqual(Object.keys(record), [...Object.values(RECORD_KEYS), 'classification'])
    assert.deepEqual(fields(record), jsRecord(c.record))
    for (const [key, want] of Object.entries(c.classification)) {
      assert.deepEqual(record.classification[JSON_TO_JS[key]], want, `${c.id}: ${key}`)
    }
    // The classification is the same plain object that classify gives.
    assert.deepEqual(Object.keys(record.classification), Object.values(JSON_TO_JS))
    // The same line as bytes reads the same.
    assert.deepEqual(parseLogLine(Buffer.from(c.line)), record)
  })
}

for (const c of READER) {
  test(`reader ${c.id}`, () => {
    const options = {}
    if ('max_line_bytes' in c) options.maxLineBytes = c.max_line_bytes
    if ('long_lines' in c) options.longLines = c.long_lines
    for (const input of [c.log, Buffer.from(c.log)]) {
      const events = readLog(input, options).map((e) => {
        if (e.event !== 'record') return e
        assert.equal(typeof e.record.classification.reason, 'string')
        return { event: e.event, line: e.line, record: fields(e.record) }
      })
      const want = c.events.map((e) => (e.event === 'record' ? { ...e, record: jsRecord(e.record) } : e))
      assert.deepEqual(events, want)
    }
  })
}

test('a record of a log is the record of its line', () => {
  const [event] = readLog(`${BOUNCED}\n`)
  assert.deepEqual(event, { event: 'record', line: 1, record: parseLogLine(BOUNCED) })
})

test('the sample log has the records its generator wrote', () => {
  const want = JSON.parse(fs.readFileSync(path.join(logs, 'sample-counts.json'), 'utf8'))
  const counts = {}
  let records = 0
  let recipients = 0
  for (const e of readLog(fs.readFileSync(SAMPLE))) {
    assert.equal(e.event, 'record')
    counts[e.record.format] ??= {}
    counts[e.record.format][e.record.status] = (counts[e.record.format][e.record.status] ?? 0) + 1
    records++
    recipients += e.record.recipients.length
  }
  assert.deepEqual(counts, want.by_format)
  assert.equal(records, want.records)
  assert.equal(recipients, want.recipients)
})

test('bytes: invalid UTF-8 is replaced, not refused', () => {
  const head = BOUNCED.slice(0, BOUNCED.lastIndexOf('User unknown'))
  const raw = Buffer.concat([Buffer.from(`${head}User unknown `), Buffer.from([0xff]), Buffer.from(' (in reply to RCPT TO command))')])
  const record = parseLogLine(raw)
  assert.ok(record.text.endsWith('User unknown \ufffd (in reply to RCPT TO command)'), record.text)
  assert.deepEqual(parseLogLine(new Uint8Array(raw)), record)
  assert.equal(parseLogLine('noise'), null)
  assert.equal(parseLogLine(''), null)
  assert.deepEqual(readLog(''), [])
})

test('wrong types are TypeErrors', () => {
  for (const bad of [undefined, null, 5, {}, ['x']]) {
    assert.throws(() => parseLogLine(bad), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => readLog(bad), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  }
  assert.throws(() => parseLogLine(BOUNCED, 'x'), TypeError)
  assert.throws(() => parseLogLine(BOUNCED, { maxLineBytes: '10' }), TypeError)
  assert.throws(() => parseLogLine(BOUNCED, { longLines: 'cut' }), TypeError)
  assert.throws(() => readLog(BOUNCED, { longLines: 1 }), TypeError)
  assert.throws(() => readLog(BOUNCED, { maxLines: 1 }), TypeError)
})

test('a line over maxLineBytes is too_large; the limit is a whole number of at least 1', () => {
  assert.deepEqual(LOG_LIMITS, { maxLineBytes: 1024 * 1024 })
  assert.throws(() => parseLogLine(BOUNCED, { maxLineBytes: BOUNCED.length - 1 }), {
    code: 'InvalidArg', kind: 'too_large', limit: 'maxLineBytes', max: BOUNCED.length - 1
  })
  assert.notEqual(parseLogLine(BOUNCED, { maxLineBytes: BOUNCED.length }), null)
  assert.throws(() => parseLogLine('x'.repeat(LOG_LIMITS.maxLineBytes + 1)), { kind: 'too_large' })
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => parseLogLine(BOUNCED, { maxLineBytes: bad }), RangeError)
    assert.throws(() => readLog(BOUNCED, { maxLineBytes: bad }), RangeError)
  }
})

test('an unknown longLines policy is an invalid_name error', () => {
  assert.throws(() => readLog(BOUNCED, { longLines: 'trim' }), { code: 'InvalidArg', kind: 'invalid_name' })
})

test('the lists are the core\'s, and the golden lines cover every format and status', () => {
  const seen = LINES.filter((c) => c.record).map((c) => [c.record.format, c.record.status])
  assert.deepEqual(new Set(seen.map(([f]) => f)), new Set(LOG_FORMATS))
  assert.deepEqual(new Set(seen.map(([, s]) => s)), new Set(DELIVERY_STATUSES))
})
