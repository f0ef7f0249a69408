'use strict'
// The Express bounce route of the docs (every ```js block of README.md and docs/node.md that
// uses Express), served on loopback and posted to, as an email service's webhook would.
// Each such block must end with `module.exports = app` and listen only when run directly.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { root, jsBlocks } = require('./helpers.js')

const scratch = path.join(root, 'target', 'node-doc-blocks')
const blocks = ['README.md', 'docs/node.md'].flatMap((f) => jsBlocks(f)).filter((b) => /require\(['"]express['"]\)/.test(b.code))

test('the README shows an Express bounce route', () => {
  assert.ok(blocks.some((b) => b.file === 'README.md'))
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
    } finally {
      await close()
    }
  })
}
