'use strict'
// One version, defined in the workspace Cargo.toml: package.json and its lockfile carry the
// same (`make sync-version` copies it), and version() returns the core's VERSION.

const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { root } = require('./helpers.js')
const { cargoVersion } = require('../../scripts/sync-version.js')
const smtpcodes = require('smtpcodes')

test('package.json and package-lock.json carry the workspace version', () => {
  const want = cargoVersion()
  assert.equal(require('../../package.json').version, want, 'run make sync-version')
  const lock = require('../../package-lock.json')
  assert.equal(lock.version, want, 'run make sync-version')
  assert.equal(lock.packages[''].version, want, 'run make sync-version')
  // The script's own check agrees (exit 0).
  execFileSync(process.execPath, [path.join(root, 'scripts', 'sync-version.js'), '--check'])
})

test('version() is the core version', () => {
  assert.equal(smtpcodes.version(), cargoVersion())
})
