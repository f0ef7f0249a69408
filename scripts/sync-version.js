#!/usr/bin/env node
// Copies the one version of the project, `[workspace.package] version` in Cargo.toml, into
// package.json and package-lock.json (`make sync-version`). With --check, changes nothing
// and exits 1 when they differ (tests/node/version.test.js runs that check).
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')

/** The version in the workspace Cargo.toml. */
function cargoVersion () {
  const toml = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8')
  const section = toml.split(/^\[/m).find((s) => s.startsWith('workspace.package]'))
  const match = section && section.match(/^version\s*=\s*"([^"]+)"/m)
  if (!match) throw new Error('Cargo.toml: no version in [workspace.package]')
  return match[1]
}

/** [file, the versions it holds, a function that sets them] for each npm file. */
function npmFiles () {
  const read = (name) => JSON.parse(fs.readFileSync(path.join(root, name), 'utf8'))
  const pkg = read('package.json')
  const lock = read('package-lock.json')
  return [
    ['package.json', pkg, [pkg.version], (v) => { pkg.version = v }],
    ['package-lock.json', lock, [lock.version, lock.packages[''].version], (v) => { lock.version = v; lock.packages[''].version = v }]
  ]
}

function main () {
  const want = cargoVersion()
  const check = process.argv.includes('--check')
  let stale = 0
  for (const [name, doc, versions, set] of npmFiles()) {
    if (versions.every((v) => v === want)) continue
    stale++
    if (check) {
      console.error(`${name} has version ${versions.join(', ')} but Cargo.toml has ${want}: run make sync-version`)
    } else {
      set(want)
      fs.writeFileSync(path.join(root, name), JSON.stringify(doc, null, 2) + '\n')
      console.log(`${name}: version ${want}`)
    }
  }
  if (check && stale) process.exit(1)
}

if (require.main === module) main()
module.exports = { cargoVersion }
