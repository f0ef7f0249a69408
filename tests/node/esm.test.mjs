// `import` works as well as `require`, and both give the same module.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import smtpcodes, { classify, classifyMany, explain, parseBounce, RetryPolicy, version, REASONS, DSN_ACTIONS } from 'smtpcodes'

const require = createRequire(import.meta.url)

test('named and default imports', () => {
  const c = classify(550, '5.1.1 <bob@example.org>: Recipient address rejected: User unknown')
  assert.equal(c.reason, 'user_unknown')
  assert.equal(classifyMany([{ code: 421, text: '' }])[0].reason, 'service_unavailable')
  assert.equal(explain('421').title, 'Service Not Available')
  assert.equal(new RetryPolicy().firstDelay, 900)
  assert.ok(REASONS.includes('greylisted'))
  assert.ok(DSN_ACTIONS.includes('failed'))
  assert.equal(parseBounce('From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n\n<bob@example.org>:\nSorry, no mailbox here by that name. (#5.1.1)\n').recipients[0].classification.reason, 'user_unknown')
  assert.equal(smtpcodes.version(), version())
})

test('the ES module and the CommonJS module are one instance', () => {
  const cjs = require('smtpcodes')
  assert.equal(cjs, smtpcodes)
  assert.equal(cjs.classify, classify)
  assert.equal(cjs.RetryPolicy, RetryPolicy)
  const names = Object.keys(cjs).sort()
  assert.deepEqual(Object.keys(smtpcodes).sort(), names)
})

test('every CommonJS export is a named ES export', async () => {
  const ns = await import('smtpcodes')
  const named = Object.keys(ns).filter((k) => k !== 'default').sort()
  assert.deepEqual(named, Object.keys(require('smtpcodes')).sort())
})
