'use strict'
// The napi CLI generates the addon's declarations (index.d.ts) on every build, into
// target/napi/. The committed copy in bindings-node/native/ must equal it: when a #[napi]
// signature changes, this fails until `make node-generated` is run and the result committed.
// (The loader, bindings-node/native/index.js, is regenerated in place by every build; it
// depends on the napi CLI's version only, and a change shows in `git status`.)

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { root } = require('./helpers.js')

for (const name of ['index.d.ts']) {
  test(`bindings-node/native/${name} is what the build generates`, () => {
    const fresh = path.join(root, 'target', 'napi', name)
    assert.ok(fs.existsSync(fresh), `${fresh} is missing: build first (npm run build)`)
    const committed = fs.readFileSync(path.join(root, 'bindings-node', 'native', name), 'utf8')
    assert.ok(committed === fs.readFileSync(fresh, 'utf8'), `bindings-node/native/${name} differs from the build's; run make node-generated and commit it`)
  })
}
