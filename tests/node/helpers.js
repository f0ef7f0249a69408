'use strict'
// Shared by the Node tests: where things are, the shared vectors, the Rust CLI.

const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const root = path.join(__dirname, '..', '..')

/** The JSON keys of a classification (docs/contract.md, the CLI, the vectors) and the JS property of each. */
const JSON_TO_JS = {
  code: 'code',
  enhanced: 'enhanced',
  severity: 'severity',
  reason: 'reason',
  bounce: 'bounce',
  action: 'action',
  retry_after: 'retryAfter',
  suppress: 'suppress',
  fault: 'fault',
  provider: 'provider',
  title: 'title',
  description: 'description',
  advice: 'advice',
  text: 'text',
  matched: 'matched'
}
const JS_KEYS = Object.values(JSON_TO_JS)

/** Every case of tests/vectors/*.json, with `file` added. */
function vectors () {
  const dir = path.join(root, 'tests', 'vectors')
  const cases = []
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    for (const c of JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).cases) {
      cases.push({ file, ...c })
    }
  }
  return cases
}

/** A JSON classification (snake_case keys, as the CLI and the vectors write it) in JS's names. */
function fromJson (json) {
  const out = {}
  for (const [key, value] of Object.entries(json)) out[JSON_TO_JS[key] ?? key] = value
  return out
}

/**
 * Runs inputs through the Rust CLI (`smtpcodes classify`, JSON Lines on stdin); one parsed
 * answer per input.
 */
function rustClassify (inputs) {
  const exe = rustCli()
  const stdin = inputs.map((i) => JSON.stringify(i)).join('\n') + '\n'
  const stdout = execFileSync(exe, ['classify'], { input: stdin, maxBuffer: 256 * 1024 * 1024 }).toString('utf8')
  const lines = stdout.split('\n').filter((l) => l !== '')
  if (lines.length !== inputs.length) throw new Error(`the CLI answered ${lines.length} lines for ${inputs.length} inputs`)
  return lines.map((l) => JSON.parse(l))
}

let cliPath = null

/** The Rust CLI (target/debug/smtpcodes), built first (once per process) so that it is never older than the core under test. */
function rustCli () {
  if (cliPath !== null) return cliPath
  const cargo = process.env.CARGO || 'cargo'
  execFileSync(cargo, ['build', '--quiet', '-p', 'smtpcodes-cli'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  cliPath = path.join(process.env.CARGO_TARGET_DIR || path.join(root, 'target'), 'debug', process.platform === 'win32' ? 'smtpcodes.exe' : 'smtpcodes')
  return cliPath
}

/** The ```js blocks of a Markdown file, with the line each starts on. */
function jsBlocks (file) {
  const text = fs.readFileSync(path.join(root, file), 'utf8')
  const blocks = []
  const re = /^```(js|javascript|mjs)\s*\n([\s\S]*?)^```\s*$/gm
  let m
  while ((m = re.exec(text)) !== null) {
    const line = text.slice(0, m.index).split('\n').length
    blocks.push({ file, line, lang: m[1], code: m[2] })
  }
  return blocks
}

module.exports = { root, JSON_TO_JS, JS_KEYS, vectors, fromJson, rustCli, rustClassify, jsBlocks }
