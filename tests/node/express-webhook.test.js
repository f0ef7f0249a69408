'use strict'
// smtpcodes/express on loopback: the golden webhook bodies of tests/webhooks/ posted raw, and
// through express.json(); bodies that are no payload answered 400; an SNS confirmation; a
// handler's error handed to Express; and the docs/node.md example that uses it.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const express = require('express')
const { webhook } = require('smtpcodes/express')
const { parseWebhook } = require('smtpcodes')
const { root, jsBlocks } = require('./helpers.js')

const dir = path.join(root, 'tests', 'webhooks')
const FILES = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('error-')).sort()
const bodyOf = (doc) => ('body_text' in doc ? doc.body_text : JSON.stringify(doc.body))

async function listen (app) {
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
  })
  return [`http://127.0.0.1:${server.address().port}`, () => new Promise((resolve) => server.close(resolve))]
}

async function post (url, body, type = 'application/json') {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body })
  return [res.status, await res.json()]
}

test('every golden body, raw and parsed, reaches the handler as parseWebhook reads it', async () => {
  const seen = []
  const app = express()
  app.post('/raw', webhook((event) => { seen.push(event) }))
  app.post('/parsed', express.json({ limit: '32mb' }), webhook((event) => { seen.push(event) }))
  const [base, close] = await listen(app)
  try {
    for (const file of FILES) {
      const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
      const body = bodyOf(doc)
      const want = parseWebhook(body)
      for (const route of ['raw', 'parsed']) {
        seen.length = 0
        const [status, answer] = await post(`${base}/${route}`, body, file.startsWith('mandrill') ? 'application/x-www-form-urlencoded' : 'application/json')
        assert.equal(status, 200, `${file} ${route}: ${JSON.stringify(answer)}`)
        assert.equal(answer.esp, want.esp, file)
        if (want.snsConfirmation !== null) {
          assert.deepEqual(answer.snsConfirmation, want.snsConfirmation, file)
          continue
        }
        assert.equal(answer.events, want.events.length, file)
        // Raw bodies keep every digit; a parsed object has been through JSON.parse already.
        if (route === 'raw') assert.deepEqual(seen, want.events, file)
        else assert.equal(seen.length, want.events.length, file)
      }
    }
  } finally {
    await close()
  }
})

test('a body that is no payload is answered 400 with a typed error; a handler error goes to next', async () => {
  const app = express()
  app.post('/hook', webhook(() => { throw new Error('database down') }))
  app.post('/parsed', express.json(), webhook(() => {}))
  app.use((err, req, res, next) => res.status(500).json({ handled: err.message }))
  const [base, close] = await listen(app)
  try {
    assert.deepEqual(await post(`${base}/hook`, '<html>'), [400, { error: 'not_a_webhook', what: 'not_json', message: parseError('<html>') }])
    assert.deepEqual((await post(`${base}/hook`, ''))[1].what, 'not_json')
    assert.deepEqual((await post(`${base}/hook`, '{"hello": "world"}'))[1].what, 'unknown_payload')
    assert.deepEqual((await post(`${base}/hook`, '42'))[0], 400)
    // An empty JSON object that express.json() read is no payload, and no wait for a read.
    assert.deepEqual((await post(`${base}/parsed`, '{}'))[1].what, 'unknown_payload')
    const bounce = bodyOf(JSON.parse(fs.readFileSync(path.join(dir, 'postmark-hard-bounce.json'), 'utf8')))
    assert.deepEqual(await post(`${base}/hook`, bounce), [500, { handled: 'database down' }])
  } finally {
    await close()
  }
})

test('a body over maxBodyBytes is answered 413 without being parsed', async () => {
  const app = express()
  app.post('/hook', webhook(() => {}, { maxBodyBytes: 1024 }))
  const [base, close] = await listen(app)
  try {
    const [status, body] = await post(`${base}/hook`, ' '.repeat(4096))
    assert.equal(status, 413)
    assert.equal(body.error, 'too_large')
  } finally {
    await close()
  }
  assert.throws(() => webhook('not a function'), TypeError)
  assert.throws(() => webhook(() => {}, { maxBodyBytes: 0 }), RangeError)
})

test('the docs/node.md example that uses smtpcodes/express suppresses the dead addresses it is sent', async () => {
  const blocks = jsBlocks('docs/node.md').filter((b) => b.code.includes("require('smtpcodes/express')"))
  assert.equal(blocks.length, 1)
  const scratch = path.join(root, 'target', 'node-doc-blocks')
  fs.mkdirSync(scratch, { recursive: true })
  const file = path.join(scratch, `node_md-${blocks[0].line}-webhook.cjs`)
  fs.writeFileSync(file, blocks[0].code)
  const app = require(file)
  const [base, close] = await listen(app)
  try {
    for (const name of ['sendgrid-batch.json', 'ses-sns-notification.json', 'postmark-spam-complaint.json']) {
      const body = bodyOf(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')))
      assert.equal((await post(`${base}/webhooks/email`, body))[0], 200, name)
    }
    assert.deepEqual((await post(`${base}/webhooks/email`, 'nope'))[0], 400)
    assert.deepEqual([...app.locals.suppressed].sort(), ['bob@example.org', 'grace@example.com', 'ivan@example.org', 'john@example.com'])
  } finally {
    await close()
  }
})

function parseError (body) {
  try {
    parseWebhook(body)
  } catch (e) {
    return e.message
  }
}
