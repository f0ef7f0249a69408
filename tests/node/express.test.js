'use strict'
// The Express routes of the docs (every ```js block of README.md and docs/node.md that uses
// Express), served on loopback and posted to, as an email service's webhook would: the bounce
// route (a JSON body with the reply) and the bounce mailbox route (a raw email, read with
// parseBounceAsync). Each such block must end with `module.exports = app` and listen only
// when run directly.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { parseBounce } = require('smtpcodes')
const { root, jsBlocks } = require('./helpers.js')
const shapes = require('./shapes.js')

const scratch = path.join(root, 'target', 'node-doc-blocks')
// The example of smtpcodes/express has a test of its own (express-webhook.test.js).
const all = ['README.md', 'docs/node.md'].flatMap((f) => jsBlocks(f)).filter((b) => /require\(['"]express['"]\)/.test(b.code) && !b.code.includes('smtpcodes/express'))
const mailboxes = all.filter((b) => b.code.includes('parseBounceAsync'))
const blocks = all.filter((b) => !mailboxes.includes(b))

test('the README shows an Express bounce route; docs/node.md a bounce mailbox route', () => {
  assert.ok(blocks.some((b) => b.file === 'README.md'))
  assert.ok(mailboxes.some((b) => b.file === 'docs/node.md'))
})

/** Starts the block's app on 127.0.0.1 and returns [baseUrl, close]. */
async function serve (block) {
  fs.mkdirSync(scratch, { recursive: true })
  const file = path.join(scratch, `${block.file.replace(/\W/g, '_')}-${block.line}-express.cjs`)
  fs.writeFileSync(file, block.code)
  const app = require(file)
  assert.equal(typeof app, 'function', `${block.file}:${block.line} must end with module.exports = app`)
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
  })
  const { port } = server.address()
  return [`http://127.0.0.1:${port}`, () => new Promise((resolve) => server.close(resolve))]
}

async function post (base, body) {
  const res = await fetch(`${base}/bounces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return [res.status, await res.json()]
}

for (const block of blocks) {
  test(`${block.file}:${block.line}: the route answers a bounce webhook`, async () => {
    const [base, close] = await serve(block)
    try {
      let [status, body] = await post(base, { recipient: 'bob@example.org', code: 550, text: '5.1.1 <bob@example.org>: Recipient address rejected: User unknown', command: 'RCPT TO' })
      assert.equal(status, 200)
      assert.equal(body.reason, 'user_unknown')
      assert.equal(body.action, 'bounce')
      assert.equal(body.suppress, true)
      assert.equal(body.retryAfter, null)

      ;[status, body] = await post(base, { code: '451', text: '4.7.1 Greylisted, please try again in 180 seconds' })
      assert.equal(status, 200)
      assert.deepEqual([body.reason, body.action, body.retryAfter, body.suppress], ['greylisted', 'retry', 180, false])

      ;[status, body] = await post(base, { text: 'host mx.example.org[192.0.2.1] said: 554 5.7.1 Service unavailable; Client host [192.0.2.55] blocked using zen.spamhaus.org (in reply to RCPT TO command)' })
      assert.equal(status, 200)
      assert.deepEqual([body.reason, body.fault, body.suppress], ['blocked', 'sender', false])

      ;[status, body] = await post(base, { code: 'abc', text: 'x' })
      assert.equal(status, 400)
      assert.equal(body.error, 'invalid_code')

      ;[status, body] = await post(base, { code: 600 })
      assert.equal(status, 400)
      assert.equal(body.error, 'code_out_of_range')

      ;[status, body] = await post(base, { code: true, text: 'x' })
      assert.equal(status, 400)
      assert.equal(body.error, 'invalid_type')

      // Bodies that are not a reply: not JSON, a JSON array, an empty object, nothing at all.
      for (const [raw, error] of [['not json', 'invalid_json'], ['[1, 2]', 'empty'], ['{}', 'empty'], ['', 'empty']]) {
        const res = await fetch(`${base}/bounces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw })
        assert.equal(res.status, 400, raw)
        assert.equal((await res.json()).error, error, raw)
      }
    } finally {
      await close()
    }
  })
}

async function postEmail (base, email) {
  const res = await fetch(`${base}/bounce-mailbox`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: email })
  return [res.status, res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : await res.text()]
}

for (const block of mailboxes) {
  test(`${block.file}:${block.line}: the route reads the bounce emails posted to it`, async () => {
    const [base, close] = await serve(block)
    const dir = path.join(root, 'tests', 'emails')
    try {
      for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()) {
        const email = fs.readFileSync(path.join(dir, name))
        let want
        try {
          want = parseBounce(email)
        } catch (e) {
          const [status, body] = await postEmail(base, email)
          assert.equal(status, 422, name)
          assert.deepEqual([body.error, body.what], [e.kind, e.what], name)
          continue
        }
        const [status, body] = await postEmail(base, email)
        assert.equal(status, 200, name)
        assert.equal(body.format, want.format, name)
        assert.deepEqual(body.suppressed, want.recipients.filter((r) => r.classification.suppress).map((r) => r.recipient), name)
        assert.deepEqual(body.retrying, want.recipients.filter((r) => r.classification.action === 'retry').map((r) => r.recipient), name)
      }
      // Over the route's limit of 1,000 recipients: 413, with the limit named.
      const [status, body] = await postEmail(base, shapes.textBounce(1001))
      assert.equal(status, 413)
      assert.deepEqual([body.error, body.what], ['too_large', null])
      assert.match(body.message, /max_recipients limit of 1000/)
      // Several at once, a large one among them: each gets its own answer.
      const answers = await Promise.all([shapes.bounceDsn(900), shapes.textBounce(3), 'hello'].map((e) => postEmail(base, e)))
      assert.deepEqual(answers.map(([s, b]) => [s, b.suppressed?.length ?? b.what]), [[200, 900], [200, 3], [422, 'not_an_email']])
    } finally {
      await close()
    }
  })
}
