#!/usr/bin/env node
// Copies the one version of the project, `[workspace.package] version` in Cargo.toml, into
// package.json and package-lock.json, into the pins of the platform packages, which are
// optional dependencies, and into the CLI crate's dependency on the core (`make sync-version`). With --check, changes nothing and exits 1 when
// they differ (tests/node/version.test.js runs that check). Either way it also checks that every
// minimum Rust version the crates, the docs and the JS loader state is the workspace's
// rust-version.
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
  // The platform packages are optional dependencies pinned to the same version.
  const pinned = (deps) => Object.values(deps || {})
  const pin = (deps, v) => { for (const name of Object.keys(deps || {})) deps[name] = v }
  const top = lock.packages['']
  return [
    ['package.json', pkg, [pkg.version, ...pinned(pkg.optionalDependencies)], (v) => { pkg.version = v; pin(pkg.optionalDependencies, v) }],
    ['package-lock.json', lock, [lock.version, top.version, ...pinned(top.optionalDependencies)], (v) => { lock.version = v; top.version = v; pin(top.optionalDependencies, v) }]
  ]
}

/** The workspace's rust-version: the one minimum Rust for every crate of it. */
function rustVersion () {
  const toml = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8')
  const section = toml.split(/^\[/m).find((s) => s.startsWith('workspace.package]'))
  const match = section && section.match(/^rust-version\s*=\s*"([^"]+)"/m)
  if (!match) throw new Error('Cargo.toml: no rust-version in [workspace.package]')
  return match[1]
}

/** Every place that states a minimum Rust version other than the workspace's (none, or the list of problems). */
function rustVersionMismatches () {
  const want = rustVersion()
  const problems = []
  for (const crate of ['core', 'cli', 'bindings-python', 'bindings-node']) {
    const toml = fs.readFileSync(path.join(root, crate, 'Cargo.toml'), 'utf8')
    if (!/^rust-version\.workspace\s*=\s*true\s*$/m.test(toml)) problems.push(`${crate}/Cargo.toml: rust-version must be \`rust-version.workspace = true\``)
  }
  const js = fs.readFileSync(path.join(root, 'bindings-node', 'js', 'index.js'), 'utf8').match(/^const RUST_VERSION = '([^']+)'/m)
  if (!js || js[1] !== want) problems.push(`bindings-node/js/index.js: RUST_VERSION is ${js ? js[1] : 'missing'}, the workspace's rust-version ${want}`)
  for (const doc of ['README.md', 'CONTRIBUTING.md', 'docs/python.md', 'docs/node.md']) {
    const text = fs.readFileSync(path.join(root, doc), 'utf8')
    // A minimum: "Rust 1.88+", "Rust 1.88 or later", "a Rust toolchain, 1.88 or newer".
    for (const m of text.matchAll(/\bRust\b[^.\n]{0,24}?\b(1\.\d{2,})(?:\+| or later| or newer)/g)) {
      if (m[1] !== want) problems.push(`${doc}: "${m[0]}" states Rust ${m[1]}, the workspace's rust-version is ${want}`)
    }
  }
  return problems
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
  // The CLI crate depends on the core by path and, for crates.io, by this same version.
  const cliToml = path.join(root, 'cli', 'Cargo.toml')
  const cli = fs.readFileSync(cliToml, 'utf8')
  const dep = /^(smtpcodes = \{ path = "\.\.\/core", version = ")([^"]*)(" \})$/m
  const m = cli.match(dep)
  if (!m) {
    console.error('cli/Cargo.toml: no `smtpcodes = { path = "../core", version = "..." }` dependency')
    process.exit(1)
  } else if (m[2] !== want) {
    stale++
    if (check) {
      console.error(`cli/Cargo.toml depends on smtpcodes ${m[2]} but Cargo.toml has ${want}: run make sync-version`)
    } else {
      fs.writeFileSync(cliToml, cli.replace(dep, `$1${want}$3`))
      console.log(`cli/Cargo.toml: smtpcodes ${want}`)
    }
  }
  const rust = rustVersionMismatches()
  for (const problem of rust) console.error(problem)
  if (check && stale) process.exit(1)
  if (rust.length) process.exit(1)
}

if (require.main === module) main()
module.exports = { cargoVersion, rustVersion, rustVersionMismatches }
