#!/usr/bin/env node
// The npm packages of a release (mk/dist.mk): the package `smtpcodes` (the repository root,
// JavaScript only) and one platform package per napi target, `smtpcodes-<platform>`, holding
// the addon built for it. npm installs the one that matches the machine, as an optional
// dependency of `smtpcodes` pinned to the same version.
//
//   node scripts/npm-dist.js config TARGET FILE          writes the napi config of package.json
//       with TARGET its only target, for `napi create-npm-dirs` and `napi artifacts`, which
//       otherwise want every target's addon at once (each is built on its own machine)
//   node scripts/npm-dist.js platform NPM_DIR PLATFORM ARTIFACTS   after `napi build` into
//       ARTIFACTS and `napi create-npm-dirs`: copies the addon, and the licence files, into
//       NPM_DIR/PLATFORM, adds the prepack check below, and writes a build record (the addon's
//       hash and the hash of the sources it was built from)
//   node scripts/npm-dist.js check-platform              prepack of a platform package: refuses
//       to pack an addon that is not the one just built from the sources as they are now
//   node scripts/npm-dist.js check-main                  prepack of `smtpcodes`: refuses to
//       pack when the optional dependencies are not exactly the platform packages at this
//       version, or when an addon would ship inside it
'use strict'

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { cargoVersion } = require('./sync-version.js')

const root = path.join(__dirname, '..')
const LICENSES = ['LICENSE-MIT', 'LICENSE-APACHE']
/** Not shipped (the platform package's `files` lists only the addon and the licences). */
const RECORD = 'build-record.json'

/** The napi-rs platform name of each Rust target the release builds. */
const PLATFORMS = {
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
  'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'x86_64-unknown-linux-musl': 'linux-x64-musl',
  'aarch64-unknown-linux-musl': 'linux-arm64-musl',
  'x86_64-apple-darwin': 'darwin-x64',
  'aarch64-apple-darwin': 'darwin-arm64',
  'x86_64-pc-windows-msvc': 'win32-x64-msvc'
}

/** Everything the addon is compiled from. */
const SOURCES = ['Cargo.toml', 'Cargo.lock', 'core', 'bindings-node/Cargo.toml', 'bindings-node/build.rs', 'bindings-node/src']

function files (rel) {
  const abs = path.join(root, rel)
  if (!fs.statSync(abs).isDirectory()) return [rel]
  return fs.readdirSync(abs).sort().flatMap((name) => files(path.join(rel, name)))
}

/** One hash over the addon's sources: their paths and contents. */
function sourceHash () {
  const hash = crypto.createHash('sha256')
  for (const rel of SOURCES.flatMap(files)) {
    hash.update(rel.split(path.sep).join('/') + '\0')
    hash.update(fs.readFileSync(path.join(root, rel)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

function sha256 (file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

function readJson (file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

function writeJson (file, value) {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n')
}

function fail (message) {
  console.error(`npm-dist: ${message}`)
  process.exit(1)
}

/** The platform package's addon file: the one `files` names. */
function addonOf (dir, pkg) {
  const addon = (pkg.files || []).find((f) => f.endsWith('.node'))
  if (!addon) fail(`${dir}/package.json lists no .node file`)
  return addon
}

function platform (npmDir, name, artifacts) {
  const dir = path.join(npmDir, name)
  const pkgFile = path.join(dir, 'package.json')
  const pkg = readJson(pkgFile)
  const addon = addonOf(dir, pkg)
  if (!fs.existsSync(path.join(artifacts, addon))) fail(`${artifacts} has no ${addon}: build it first`)
  fs.copyFileSync(path.join(artifacts, addon), path.join(dir, addon))
  for (const license of LICENSES) fs.copyFileSync(path.join(root, license), path.join(dir, license))
  pkg.files = [addon, ...LICENSES]
  // Run from NPM_DIR/PLATFORM, which mk/dist.mk keeps at target/dist/npm/PLATFORM.
  const script = path.relative(dir, path.join(root, 'scripts', 'npm-dist.js')).split(path.sep).join('/')
  pkg.scripts = { prepack: `node ${script} check-platform` }
  writeJson(pkgFile, pkg)
  writeJson(path.join(dir, RECORD), { version: pkg.version, addon, addonSha256: sha256(path.join(dir, addon)), sources: sourceHash() })
  console.log(`${pkg.name}@${pkg.version}: ${addon}, ${LICENSES.join(', ')}`)
}

function checkPlatform () {
  const dir = process.cwd()
  const pkg = readJson(path.join(dir, 'package.json'))
  const addon = addonOf(dir, pkg)
  const again = 'rebuild it: make dist-npm'
  if (!fs.existsSync(path.join(dir, RECORD))) fail(`${pkg.name}: no ${RECORD}, so nothing says how ${addon} was built; ${again}`)
  const record = readJson(path.join(dir, RECORD))
  if (!fs.existsSync(path.join(dir, addon))) fail(`${pkg.name}: ${addon} is missing; ${again}`)
  if (record.addon !== addon || record.addonSha256 !== sha256(path.join(dir, addon))) {
    fail(`${pkg.name}: ${addon} is not the file that was built; ${again}`)
  }
  if (record.sources !== sourceHash()) fail(`${pkg.name}: the Rust sources changed since ${addon} was built; ${again}`)
  const want = cargoVersion()
  if (pkg.version !== want || record.version !== want) fail(`${pkg.name}: version ${pkg.version}, the workspace's is ${want}; ${again}`)
  for (const license of LICENSES) {
    if (!fs.existsSync(path.join(dir, license))) fail(`${pkg.name}: ${license} is missing; ${again}`)
  }
}

function checkMain () {
  const pkg = readJson(path.join(root, 'package.json'))
  const want = cargoVersion()
  if (pkg.version !== want) fail(`package.json has version ${pkg.version}, Cargo.toml ${want}: run make sync-version`)
  const targets = (pkg.napi && pkg.napi.targets) || []
  const expected = targets.map((t) => {
    if (!PLATFORMS[t]) fail(`napi target ${t} has no platform name in scripts/npm-dist.js`)
    return `${pkg.name}-${PLATFORMS[t]}`
  }).sort()
  const optional = pkg.optionalDependencies || {}
  const names = Object.keys(optional).sort()
  if (JSON.stringify(names) !== JSON.stringify(expected)) {
    fail(`optionalDependencies are ${names.join(', ') || 'none'}, the napi targets want ${expected.join(', ')}`)
  }
  for (const [name, range] of Object.entries(optional)) {
    if (range !== want) fail(`optionalDependencies.${name} is ${range}, not ${want}: run make sync-version`)
  }
  if ((pkg.files || []).some((f) => f.endsWith('.node'))) fail('package.json `files` ships an addon: the platform packages carry it')
  for (const license of LICENSES) {
    if (!(pkg.files || []).includes(license)) fail(`package.json \`files\` lacks ${license}`)
  }
}

function config (target, file) {
  const pkg = readJson(path.join(root, 'package.json'))
  if (!pkg.napi.targets.includes(target)) fail(`${target} is not one of package.json's napi targets`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  writeJson(file, { ...pkg.napi, targets: [target] })
}

function main () {
  const [command, ...args] = process.argv.slice(2)
  if (command === 'config' && args.length === 2) config(args[0], args[1])
  else if (command === 'platform' && args.length === 3) platform(args[0], args[1], args[2])
  else if (command === 'check-platform') checkPlatform()
  else if (command === 'check-main') checkMain()
  else fail('usage: npm-dist.js config TARGET FILE | platform NPM_DIR PLATFORM ARTIFACTS | check-platform | check-main')
}

if (require.main === module) main()
module.exports = { PLATFORMS, sourceHash }
