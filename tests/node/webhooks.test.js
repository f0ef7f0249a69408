'use strict'
// Email-service webhooks: the golden files of tests/webhooks/ (which the Rust and Python suites
// run too) through parseWebhook, from the raw body and from the parsed object, and its errors.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const smtpcodes = require('smtpcodes')
const { root } = require('./helpers.js')

const { parseWebhook, classify, ESPS, WEBHOOK_EVENTS, NOT_A_WEBHOOK_WHATS, ERROR_KINDS } = smtpcodes

const dir = path.join(root, 'tests', 'webhooks')
const FILES = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()

function bodyOf (doc) {
  return 'body_text' in doc ? doc.body_text : JSON.stringify(doc.body)
}

/** The part of a result the golden files state, in their snake_case keys. */
function summary (hook) {
  return {
    esp: hook.esp,
    events: hook.events.map((e) => ({
      event: e.event,
      recipient: e.recipient,
      timestamp: e.timestamp,
      message_id: e.messageId,
      esp_type: e.espType,
      suppress: e.suppress,
      reason: e.classification === null ? null : e.classification.reason
    })),
    sns_confirmation: hook.snsConfirmation === null
      ? null
      : {
          kind: hook.snsConfirmation.kind,
          topic_arn: hook.snsConfirmation.topicArn,
          subscribe_url: hook.snsConfirmation.subscribeUrl,
          token: hook.snsConfirmation.token
        }
  }
}

for (const file of FILES) {
  test(`golden file ${file}`, () => {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
    const body = bodyOf(doc)
    if (doc.error) {
      assert.throws(() => parseWebhook(body), (e) => e.kind === 'not_a_webhook' && e.what === doc.error && e.code === 'InvalidArg')
      return
    }
    const hook = parseWebhook(body)
    assert.deepEqual(summary(hook), doc.expect)
    assert.deepEqual(summary(parseWebhook(Buffer.from(body))), doc.expect)
    // A parsed object reads as its JSON does. (JSON.parse has already rounded integers over
    // 2^53, such as Mailjet's MessageID: pass the raw body to keep them exact.)
    if ('body' in doc) assert.deepEqual(parseWebhook(doc.body), parseWebhook(JSON.stringify(doc.body)))
  })
}

test('an event classification is the object classify returns for its reply', () => {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, 'postmark-hard-bounce.json'), 'utf8'))
  const event = parseWebhook(doc.body).events[0]
  assert.deepEqual(event.classification, classify(null, doc.body.Details))
})

test('the lists name every service and event', () => {
  assert.deepEqual([...ESPS].sort(), [...new Set(FILES.map((f) => f.split('-')[0]).filter((e) => e !== 'error'))].sort())
  assert.ok(WEBHOOK_EVENTS.includes('complaint'))
  assert.deepEqual([...NOT_A_WEBHOOK_WHATS], ['not_json', 'unknown_payload'])
  assert.ok(ERROR_KINDS.includes('not_a_webhook'))
})

test('wrong types are TypeErrors and a body over the limit is too_large', () => {
  assert.throws(() => parseWebhook(42), TypeError)
  assert.throws(() => parseWebhook(undefined), TypeError)
  const cyclic = {}
  cyclic.self = cyclic
  assert.throws(() => parseWebhook(cyclic), TypeError)
  assert.throws(() => parseWebhook(''), (e) => e.kind === 'not_a_webhook' && e.what === 'not_json')
  assert.equal(smtpcodes.WEBHOOK_LIMITS.maxWebhookBytes, 32 * 1024 * 1024)
  assert.throws(() => parseWebhook(Buffer.alloc(smtpcodes.WEBHOOK_LIMITS.maxWebhookBytes + 1, 0x20)), (e) => e.kind === 'too_large' && e.limit === 'maxWebhookBytes')
})
