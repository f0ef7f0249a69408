'use strict'
// Every ```js block of README.md and docs/node.md runs, in its own module, against the
// package. A `console.log(...)` line that ends in a `// comment` must print exactly the
// comment (util.format of the arguments, as console.log prints them); when the line runs
// several times, its outputs are joined with ' | '. Blocks that need Express are served and
// posted to by express.test.js instead.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')
const { pathToFileURL } = require('node:url')
const { root, jsBlocks } = require('./helpers.js')

const FILES = ['README.md', 'docs/node.md']
// Written inside the package so that `require('smtpcodes')`/`import 'smtpcodes'` resolve to it.
const scratch = path.join(root, 'target', 'node-doc-blocks')

/** The block's code with each checked console.log replaced by a call that records its line. */
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

const blocks = FILES.flatMap((f) => jsBlocks(f)).filter((b) => !/require\(['"]express['"]\)|from ['"]express['"]/.test(b.code))

test('the docs have examples to run', () => {
  assert.ok(blocks.some((b) => b.file === 'README.md'), 'README.md has a ```js block')
  assert.ok(blocks.filter((b) => b.file === 'docs/node.md').length >= 5, 'docs/node.md has ```js blocks')
})

for (const block of blocks) {
  test(`${block.file}:${block.line}`, async () => {
    const { code, expected } = instrument(block.code)
    const printed = new Map()
    globalThis.__docLog = (line, ...args) => {
      if (!printed.has(line)) printed.set(line, [])
      printed.get(line).push(util.format(...args))
    }
    const esm = /^\s*(import|export)\s/m.test(code)
    fs.mkdirSync(scratch, { recursive: true })
    const file = path.join(scratch, `${block.file.replace(/\W/g, '_')}-${block.line}.${esm ? 'mjs' : 'cjs'}`)
    fs.writeFileSync(file, code)
    try {
      if (esm) await import(pathToFileURL(file).href)
      else require(file)
    } finally {
      delete globalThis.__docLog
    }
    for (const [line, want] of expected) {
      const got = (printed.get(line) ?? []).join(' | ')
      assert.equal(got, want, `${block.file}:${block.line + line}: printed ${JSON.stringify(got)}, the comment says ${JSON.stringify(want)}`)
    }
  })
}
