'use strict'
// The JS API beyond the vectors: argument types, errors, the JSON shape, the retry policy,
// explain(), robustness on hostile input.

const test = require('node:test')
const assert = require('node:assert/strict')
const smtpcodes = require('smtpcodes')
const { JS_KEYS } = require('./helpers.js')

const { classify, classifyMany, explain, RetryPolicy } = smtpcodes
const USER_UNKNOWN = '5.1.1 <bob@example.org>: Recipient address rejected: User unknown'

function invalidArg (kind, extra = {}) {
  return (e) => {
    assert.equal(e.constructor, Error)
    assert.equal(e.code, 'InvalidArg')
    assert.equal(e.kind, kind)
    for (const [k, v] of Object.entries(extra)) assert.equal(e[k], v, k)
    assert.ok(e.message.length > 0)
    return true
  }
}

function typeError (e) {
  assert.ok(e instanceof TypeError, `${e}`)
  assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
  return true
}

test('the issue example', () => {
  const c = classify(550, USER_UNKNOWN)
  assert.equal(c.reason, 'user_unknown')
  assert.equal(c.action, 'bounce')
  assert.equal(c.suppress, true)
  assert.equal(c.retryAfter, null)
})

test('a result is a plain object whose JSON is the shape of the contract (docs/contract.md)', () => {
  const c = classify(421, '4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints')
  assert.equal(Object.getPrototypeOf(c), Object.prototype)
  const json = JSON.parse(JSON.stringify(c))
  assert.deepEqual(Object.keys(json), JS_KEYS)
  assert.deepEqual(json, { ...c })
  assert.equal(json.retryAfter, 900)
  assert.equal(json.provider, 'yahoo')
  assert.equal(structuredClone(c).reason, 'bad_reputation')
})

test('absent values are null, never undefined', () => {
  const c = classify(null, '')
  for (const key of JS_KEYS) assert.notEqual(c[key], undefined, key)
  assert.equal(c.code, null)
  assert.equal(c.enhanced, null)
  assert.equal(c.provider, null)
  assert.equal(c.severity, 'unknown')
  assert.equal(classify(550, '').retryAfter, null)
})

test('the code: number, numeric string, bigint, null, undefined', () => {
  const text = '550 5.1.1 User unknown'
  for (const code of [550, '550', ' 550 ', 550n, null, undefined, '']) {
    assert.equal(classify(code, text).code, 550, String(code))
  }
  // The given code wins over the text's.
  assert.equal(classify(421, text).code, 421)
  assert.equal(classify('421', text).severity, 'transient')
  assert.equal(classify(undefined).severity, 'unknown')
  assert.equal(classify().text, '')
})

test('malformed codes are InvalidArg errors with the core kind', () => {
  for (const code of ['abc', '5.1.1', '550.0', '+550', 550.5, NaN, Infinity, -Infinity, 'NaN']) {
    assert.throws(() => classify(code, ''), invalidArg('invalid_code'), String(code))
  }
  for (const code of [600, 199, 0, -0, -5, 1e300, Number.MAX_VALUE, '600', '99999999999999999999', 600n, -1n, 10n ** 40n]) {
    assert.throws(() => classify(code, ''), invalidArg('code_out_of_range'), String(code))
  }
  for (const code of [200, 599, '200', '599']) assert.doesNotThrow(() => classify(code, ''))
})

test('wrong types are TypeErrors', () => {
  for (const code of [true, false, {}, [], [550], Symbol('x'), () => 550, new Number(550)]) { // eslint-disable-line no-new-wrappers
    assert.throws(() => classify(code, ''), typeError, String(typeof code))
  }
  for (const text of [1, true, {}, ['550'], Symbol('x')]) {
    assert.throws(() => classify(550, text), typeError)
  }
  for (const options of [1, 'RCPT', true]) assert.throws(() => classify(550, '', options), typeError)
  assert.throws(() => classify(550, '', { command: 5 }), typeError)
  assert.throws(() => classify(550, '', { host: {} }), typeError)
  assert.throws(() => classifyMany('550'), typeError)
  assert.throws(() => classifyMany([{ code: 550 }, 'text']), (e) => typeError(e) && e.index === 1)
  assert.throws(() => classifyMany([{ code: true }]), (e) => typeError(e) && e.index === 0)
  assert.throws(() => explain(null), typeError)
  assert.throws(() => explain({}), typeError)
})

test('hints: command and host', () => {
  assert.equal(classify(550, '5.7.1 Access denied', { command: 'MAIL FROM:<a@b>', host: 'mx.example.org' }).reason, 'sender_rejected')
  assert.equal(classify(550, '5.7.1 Access denied', { command: null, host: null }).reason, classify(550, '5.7.1 Access denied').reason)
  assert.equal(classify(550, '5.7.1 Access denied', {}).reason, classify(550, '5.7.1 Access denied', null).reason)
  assert.throws(() => classify(550, 'x', { command: 'bogus' }), invalidArg('invalid_command'))
  assert.equal(classify(550, '5.1.1 User unknown', { command: '   ' }).reason, 'user_unknown', 'a blank hint is no hint')
})

test('text may be bytes: invalid UTF-8 is replaced, not refused', () => {
  const bytes = Buffer.concat([Buffer.from('550 5.1.1 User unknown '), Buffer.from([0xff, 0xfe, 0xc3])])
  const c = classify(null, bytes)
  assert.equal(c.reason, 'user_unknown')
  assert.ok(c.text.endsWith('\ufffd'))
  assert.deepEqual(classify(null, new Uint8Array(Buffer.from('452 4.2.2 Mailbox full'))), classify(null, '452 4.2.2 Mailbox full'))
})

test('hostile text never crashes: NUL, lone surrogates, 10 MB of garbage', () => {
  assert.equal(classify(550, 'user\0unknown\0').code, 550)
  const surrogates = classify(550, '5.1.1 \ud800 user unknown \udfff')
  assert.equal(surrogates.reason, 'user_unknown')
  assert.equal(classify(null, '\ud83d\udce7 550 5.1.1 user unknown \ud83d\udce7').code, 550)
  const alphabet = '550 4.7.1 \r\n-#;:()[]<>"\' try again in 5 minutes user unknown \u00e9\u4e2d\ud83d\ude00 \0'
  let seed = 7
  let chunk = ''
  for (let i = 0; i < 65536; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    chunk += alphabet[seed % alphabet.length]
  }
  const garbage = chunk.repeat(160) // ~10 MB
  const c = classify(null, garbage)
  assert.ok(JS_KEYS.every((k) => k in c))
  const megabyte = garbage.slice(0, 1024 * 1024)
  const [many] = classifyMany([{ text: megabyte }, { code: 550, text: megabyte }])
  assert.deepEqual(many, classify(null, megabyte))
})

test('statedWait: kept for RetryPolicy, out of JSON', () => {
  const c = classify(450, '4.7.1 Greylisted, please try again in 180 seconds')
  assert.equal(c.retryAfter, 180)
  assert.equal(c.statedWait, 180)
  assert.equal(Object.keys(c).includes('statedWait'), false)
  assert.equal('statedWait' in JSON.parse(JSON.stringify(c)), false)
  assert.equal(classify(450, '4.7.1 Greylisted').statedWait, undefined)
})

test('classifyMany: one call, many replies, any mix of inputs', () => {
  const replies = [
    { code: 550, text: USER_UNKNOWN },
    { code: '421', text: '4.7.0 Try again later', command: 'RCPT TO' },
    { text: 'host mx.example.org[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)' },
    { code: 450, text: Buffer.from('4.7.1 Greylisted, please try again in 180 seconds'), host: 'mx.example.org' },
    {},
    { code: null, text: '\u00e9\u4e2d\ud83d\ude00 550 5.1.1 user unknown', command: 'rcpt', host: '\ud83d\ude00.example' },
    // Lone surrogates at the edges of neighbouring strings must not pair up.
    { code: 550, text: '5.1.1 user unknown \ud83d', host: '\ude00mx.google.com' },
    { code: '\ud83d', text: '\ude00' },
    { text: '\0 550 \0', command: '\0rcpt\0', host: '\0' }
  ]
  const many = classifyMany(replies.slice(0, 4))
  const ok = replies.filter((r) => r.code !== '\ud83d')
  classifyMany(ok).forEach((c, i) => {
    assert.deepEqual(c, classify(ok[i].code, ok[i].text, ok[i]), `reply ${i}`)
  })
  assert.throws(() => classifyMany(replies), invalidArg('invalid_code', { index: 7 }))
  assert.equal(many[3].statedWait, 180)
  assert.deepEqual(classifyMany([]), [])
})

test('explain: basic and enhanced codes, camelCase keys, null for absent', () => {
  const basic = explain('421')
  assert.equal(basic.title, 'Service Not Available')
  assert.equal(basic.kind, 'basic')
  assert.deepEqual(explain(421), basic)
  assert.equal(basic.classTitle, null)
  assert.equal(basic.subjectTitle, null)
  assert.deepEqual(Object.keys(basic), ['code', 'kind', 'severity', 'title', 'description', 'when', 'fix', 'basic', 'classes', 'classTitle', 'subjectTitle', 'source', 'registered', 'causes', 'checks', 'retry', 'related', 'who', 'seen'])
  const enhanced = explain('5.1.1')
  assert.equal(enhanced.kind, 'enhanced')
  assert.ok(enhanced.basic.includes(550))
  assert.equal(enhanced.classTitle, 'Permanent Failure')
  assert.equal(enhanced.subjectTitle, 'Addressing Status')
  assert.equal(explain('599').registered, false)
  assert.equal(explain('X.7.26').code, 'X.7.26')
  assert.throws(() => explain('nope'), invalidArg('invalid_code'))
  assert.throws(() => explain('600'), invalidArg('code_out_of_range'))
  assert.throws(() => explain(''), invalidArg('invalid_code'))
})

test('RetryPolicy: the core defaults, frozen, JSON-serialisable', () => {
  const p = new RetryPolicy()
  assert.deepEqual({ ...p }, { ...smtpcodes.POLICY_DEFAULTS })
  assert.equal(p.firstDelay, 900)
  assert.equal(p.maxAttempts, null)
  assert.equal(p.softBounceLimit, 7)
  assert.ok(Object.isFrozen(p))
  assert.deepEqual(JSON.parse(JSON.stringify(p)), { ...smtpcodes.POLICY_DEFAULTS })
  assert.deepEqual({ ...new RetryPolicy({ firstDelay: 60, maxAttempts: 3 }) }, { ...smtpcodes.POLICY_DEFAULTS, firstDelay: 60, maxAttempts: 3 })
  assert.deepEqual({ ...new RetryPolicy(null) }, { ...p })
})

test('RetryPolicy#decide: the README example and the stated wait', () => {
  const p = new RetryPolicy()
  const full = classify(null, 'host mx.example.org[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)')
  assert.deepEqual(p.decide(full, 2, 3600), { action: 'retry', retryAfter: 7200, why: 'backoff' })
  const grey = classify(451, '4.7.1 Greylisted, please try again in 180 seconds')
  assert.deepEqual(p.decide(grey, 1, 0), { action: 'retry', retryAfter: 180, why: 'stated_wait' })
  // From a plain object (a result read back from JSON) the stated wait is gone unless given.
  const plain = JSON.parse(JSON.stringify(grey))
  assert.deepEqual(p.decide(plain, 1, 0), { action: 'retry', retryAfter: 300, why: 'backoff' })
  assert.deepEqual(p.decide({ ...plain, statedWait: 180 }, 1, 0), p.decide(grey, 1, 0))
  assert.deepEqual(p.decide(classify(550, USER_UNKNOWN), 1, 0), { action: 'bounce', retryAfter: null, why: 'not_retryable' })
  assert.deepEqual(p.decide(classify(250, 'ok'), 1, 0), { action: 'none', retryAfter: null, why: 'nothing_failed' })
  assert.deepEqual(p.decide(full, 2, 432000), { action: 'bounce', retryAfter: null, why: 'max_age' })
  assert.deepEqual(p.decide(full, 2, 3600.9), p.decide(full, 2, 3600), 'fractions of a second are dropped')
  assert.deepEqual(new RetryPolicy({ maxAttempts: 2 }).decide(full, 2, 0).why, 'max_attempts')
})

test('RetryPolicy: jitter is deterministic for a seed', () => {
  const grey = classify(421, '4.7.0 Try again later')
  const a = new RetryPolicy({ jitter: 0.5, seed: 42 })
  const b = new RetryPolicy({ jitter: 0.5, seed: 42n })
  const ds = [1, 2, 3, 4].map((n) => a.decide(grey, n, 0).retryAfter)
  assert.deepEqual([1, 2, 3, 4].map((n) => b.decide(grey, n, 0).retryAfter), ds)
  assert.notDeepEqual(ds, [1, 2, 3, 4].map((n) => new RetryPolicy().decide(grey, n, 0).retryAfter))
  assert.equal(new RetryPolicy({ seed: 2n ** 64n - 1n }).seed, 2n ** 64n - 1n)
})

test('RetryPolicy: settings that cannot work are invalid_policy errors naming the setting', () => {
  assert.throws(() => new RetryPolicy({ backoff: 0.5 }), invalidArg('invalid_policy', { field: 'backoff' }))
  assert.throws(() => new RetryPolicy({ rateLimitBackoff: NaN }), invalidArg('invalid_policy', { field: 'rateLimitBackoff' }))
  assert.throws(() => new RetryPolicy({ jitter: 1 }), invalidArg('invalid_policy', { field: 'jitter' }))
  assert.throws(() => new RetryPolicy({ maxDelay: 0 }), invalidArg('invalid_policy', { field: 'maxDelay' }))
  assert.throws(() => new RetryPolicy({ maxAttempts: 0 }), invalidArg('invalid_policy', { field: 'maxAttempts' }))
  assert.throws(() => new RetryPolicy({ firstDelay: -1 }), invalidArg('invalid_policy', { field: 'firstDelay' }))
  assert.throws(() => new RetryPolicy({ firstDelay: 1.5 }), invalidArg('invalid_policy', { field: 'firstDelay' }))
  assert.throws(() => new RetryPolicy({ maxAge: 2 ** 60 }), invalidArg('invalid_policy', { field: 'maxAge' }))
  assert.throws(() => new RetryPolicy({ seed: -1 }), invalidArg('invalid_policy', { field: 'seed' }))
  assert.throws(() => new RetryPolicy({ seed: 2n ** 64n }), invalidArg('invalid_policy', { field: 'seed' }))
  assert.throws(() => new RetryPolicy({ firstdelay: 60 }), typeError)
  assert.throws(() => new RetryPolicy({ firstDelay: '60' }), typeError)
  assert.throws(() => new RetryPolicy({ seed: '1' }), typeError)
  assert.throws(() => new RetryPolicy(5), typeError)
})

test('RetryPolicy#decide and #shouldSuppress check their arguments', () => {
  const p = new RetryPolicy()
  const c = classify(421, 'busy')
  assert.throws(() => p.decide(null, 1, 0), typeError)
  assert.throws(() => p.decide(c), typeError)
  assert.throws(() => p.decide(c, 1), typeError)
  assert.throws(() => p.decide(c, '1', 0), typeError)
  assert.throws(() => p.decide(c, -1, 0), RangeError)
  assert.throws(() => p.decide(c, 1.5, 0), RangeError)
  assert.throws(() => p.decide(c, 1, -1), RangeError)
  assert.throws(() => p.decide(c, 1, NaN), RangeError)
  assert.throws(() => p.decide({ reason: 'nope', action: 'retry' }, 1, 0), invalidArg('invalid_name'))
  assert.throws(() => p.decide({ reason: 'greylisted', action: 'later' }, 1, 0), invalidArg('invalid_name'))
  assert.throws(() => p.decide({ action: 'retry' }, 1, 0), typeError)
  assert.throws(() => p.decide({ reason: 'greylisted', action: 'retry', statedWait: -1 }, 1, 0), RangeError)
  assert.throws(() => p.decide({ reason: 'greylisted', action: 'retry', statedWait: '180' }, 1, 0), typeError)
  assert.equal(p.decide({ reason: 'greylisted', action: 'retry', statedWait: null }, 1, 0).retryAfter, 300)
  assert.throws(() => p.shouldSuppress(c), typeError)
  assert.throws(() => p.shouldSuppress({ bounce: 'soft' }, 1), typeError)
  assert.throws(() => p.shouldSuppress({ suppress: false, bounce: 'squishy' }, 1), invalidArg('invalid_name'))
})

test('RetryPolicy#shouldSuppress: hard bounces, and soft ones past the limit', () => {
  const p = new RetryPolicy()
  assert.equal(p.shouldSuppress(classify(550, USER_UNKNOWN), 0), true)
  const soft = classify(452, '4.2.2 Mailbox full')
  assert.equal(p.shouldSuppress(soft, 7), false)
  assert.equal(p.shouldSuppress(soft, 8), true)
  assert.equal(new RetryPolicy({ softBounceLimit: 2 }).shouldSuppress(soft, 3), true)
  assert.equal(p.shouldSuppress(classify(554, '5.7.1 blocked using zen.spamhaus.org'), 100), false, 'a block never suppresses')
})

test('the enum lists are the core lists, frozen', () => {
  assert.equal(smtpcodes.REASONS.length, 33)
  assert.ok(smtpcodes.REASONS.includes('user_unknown'))
  assert.deepEqual(smtpcodes.SEVERITIES, ['success', 'intermediate', 'transient', 'permanent', 'unknown'])
  assert.deepEqual(smtpcodes.ACTIONS, ['none', 'retry', 'bounce'])
  for (const kind of ['invalid_code', 'code_out_of_range', 'invalid_command', 'invalid_name', 'invalid_policy', 'not_a_bounce']) {
    assert.ok(smtpcodes.ERROR_KINDS.includes(kind), kind)
  }
  for (const list of ['SEVERITIES', 'REASONS', 'BOUNCES', 'ACTIONS', 'FAULTS', 'COMMANDS', 'PROVIDERS', 'ERROR_KINDS', 'RETRY_WHYS', 'DSN_ACTIONS', 'BOUNCE_FORMATS', 'NOT_A_BOUNCE_WHATS']) {
    assert.ok(Object.isFrozen(smtpcodes[list]), list)
  }
  assert.throws(() => { 'use strict'; smtpcodes.REASONS.push('x') }, TypeError)
})

test('version() and warmUp()', () => {
  assert.match(smtpcodes.version(), /^\d+\.\d+\.\d+/)
  assert.equal(smtpcodes.warmUp(), undefined)
})

test('worker threads load the addon and classify alike', async () => {
  const { Worker } = require('node:worker_threads')
  const code = `
    const { parentPort } = require('node:worker_threads')
    const { classify, classifyMany } = require(${JSON.stringify(require.resolve('smtpcodes'))})
    parentPort.postMessage([classify(550, ${JSON.stringify(USER_UNKNOWN)}), classifyMany([{ code: 421, text: 'busy' }])[0]])
  `
  const results = await Promise.all([1, 2].map(() => new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true })
    w.once('message', resolve)
    w.once('error', reject)
  })))
  for (const [one, many] of results) {
    assert.deepEqual(one, { ...classify(550, USER_UNKNOWN) })
    assert.deepEqual(many, { ...classify(421, 'busy') })
  }
})
