#!/usr/bin/env node
// Runs the README's ```js examples against the npm packages installed in PROJECT (by
// scripts/test-dist.sh), each as a file of that project, so that `require('smtpcodes')` and
// `import ... from 'smtpcodes'` resolve to PROJECT/node_modules and nothing of the checkout.
//
//   node scripts/readme-js.js PROJECT
//
// A `console.log(...)` line ending in a `// comment` must print exactly the comment. A block
// that destructures `require('smtpcodes')` also runs as an ES module importing the same names.
// The Express block is served on loopback and posted to: a bounce, and a malformed reply (400).
'use strict'

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const http = require('node:http')
const { spawnSync } = require('node:child_process')
const { jsBlocks } = require('../tests/node/helpers.js')

const project = path.resolve(process.argv[2] || '')
if (!fs.existsSync(path.join(project, 'node_modules', 'smtpcodes'))) {
  console.error(`readme-js: ${project} has no node_modules/smtpcodes`)
  process.exit(2)
}

/** The code with each checked console.log turned into a record of its line, and what each must print. */
function instrument (code) {
  const expected = new Map()
  const lines = code.split('\n').map((line, i) => {
    const m = line.match(/^(\s*)console\.log\((.*)\)\s*\/\/ ?(.*)$/)
    if (!m) return line
    expected.set(i + 1, m[3].trimEnd())
    return `${m[1]}globalThis.__docLog(${i + 1}, ${m[2]})`
  })
  return { code: lines.join('\n'), expected }
}

/** The ES module form of a block that destructures require('smtpcodes'). */
function asModule (code) {
  const m = code.match(/^const (\{[^}]*\}) = require\('smtpcodes'\).*$/m)
  return m ? code.replace(m[0], `import ${m[1]} from 'smtpcodes'`) : null
}

const recorder = path.join(project, 'doc-log.cjs')
fs.writeFileSync(recorder, "globalThis.__docLog = (line, ...args) => process.stdout.write(JSON.stringify([line, require('node:util').format(...args)]) + '\\n')\n")

let ran = 0
function run (name, code, expected) {
  const file = path.join(project, name)
  fs.writeFileSync(file, code)
  const r = spawnSync(process.execPath, ['--require', recorder, file], { cwd: project, encoding: 'utf8' })
  assert.equal(r.status, 0, `${name} failed:\n${r.stdout}${r.stderr}`)
  const printed = new Map()
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [at, text] = JSON.parse(line)
    printed.set(at, [...(printed.get(at) || []), text])
  }
  for (const [line, want] of expected) {
    assert.equal((printed.get(line) || []).join(' | '), want, `${name}:${line} printed something else than its comment says`)
  }
  ran++
}

async function serve (name, code) {
  const file = path.join(project, name)
  fs.writeFileSync(file, code)
  const app = require(file)
  const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
  const post = (body) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.address().port, path: '/bounces', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let data = ''
      res.on('data', (c) => { data += c })
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(data) }))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
  try {
    const bounce = await post({ recipient: 'bob@example.org', code: 550, text: '5.1.1 User unknown', command: 'RCPT TO' })
    assert.equal(bounce.status, 200)
    assert.equal(bounce.body.action, 'bounce')
    assert.equal(bounce.body.suppress, true)
    const bad = await post({ recipient: 'bob@example.org', code: 600, text: 'x' })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.error, 'code_out_of_range')
  } finally {
    server.close()
  }
  ran++
}

async function main () {
  const blocks = jsBlocks('README.md')
  assert.ok(blocks.length > 0, 'README.md has ```js blocks')
  for (const block of blocks) {
    const base = `readme-${block.line}`
    if (/require\(['"]express['"]\)/.test(block.code)) {
      await serve(`${base}.cjs`, block.code)
      continue
    }
    const { code, expected } = instrument(block.code)
    const esm = /^\s*(import|export)\s/m.test(code)
    run(`${base}.${esm ? 'mjs' : 'cjs'}`, code, expected)
    const module = esm ? null : asModule(code)
    if (module) run(`${base}-import.mjs`, module, expected)
  }
  console.log(`readme-js: ${ran} README examples ran against ${project}/node_modules`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
