'use strict'
// The npm packaging (scripts/npm-dist.js, bindings-node/js/index.js's loading part): the error
// when the platform package is missing, the platform package's prepack, and the main
// package's pins. `make test-dist` installs the real tarballs; these check the refusals fast.

const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { root } = require('./helpers.js')
const { PLATFORMS, sourceHash } = require('../../scripts/npm-dist.js')
const pkg = require('../../package.json')

const script = path.join(root, 'scripts', 'npm-dist.js')

function tmpdir (t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtpcodes-packaging-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('without its addon, the package says which platform, which package, and how to build it', (t) => {
  // The package as npm installs it with --omit=optional: its JS, and no .node anywhere.
  const dir = path.join(tmpdir(t), 'node_modules', 'smtpcodes')
  fs.mkdirSync(path.join(dir, 'bindings-node', 'native'), { recursive: true })
  fs.cpSync(path.join(root, 'bindings-node', 'js'), path.join(dir, 'bindings-node', 'js'), { recursive: true })
  fs.copyFileSync(path.join(root, 'bindings-node', 'native', 'index.js'), path.join(dir, 'bindings-node', 'native', 'index.js'))
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'))
  const env = { ...process.env }
  delete env.NAPI_RS_NATIVE_LIBRARY_PATH
  const r = spawnSync(process.execPath, ['-e', `
    try { require(${JSON.stringify(dir)}) } catch (e) {
      console.log(JSON.stringify({ message: e.message, code: e.code, platform: e.platform, expectedPackage: e.expectedPackage }))
    }`], { encoding: 'utf8', env, cwd: path.dirname(dir) })
  assert.equal(r.status, 0, r.stderr)
  const e = JSON.parse(r.stdout)
  assert.equal(e.code, 'ERR_SMTPCODES_NATIVE_MISSING')
  assert.match(e.platform, /^(linux|darwin|win32)-/)
  assert.equal(e.expectedPackage, `smtpcodes-${e.platform}`)
  assert.ok(e.message.includes(`(${e.platform}, Node.js ${process.version})`), e.message)
  assert.ok(e.message.includes(`smtpcodes-${e.platform}@${pkg.version}`), e.message)
  assert.ok(e.message.includes('npm install && npm run build'), e.message)
  assert.doesNotMatch(e.message, /npm has a bug|npm\/cli\/issues/)
})

test('the main package pins every platform package to its own version, and ships no addon', () => {
  const names = pkg.napi.targets.map((target) => `smtpcodes-${PLATFORMS[target]}`).sort()
  assert.deepEqual(Object.keys(pkg.optionalDependencies).sort(), names)
  for (const range of Object.values(pkg.optionalDependencies)) assert.equal(range, pkg.version)
  assert.ok(!pkg.files.some((f) => f.endsWith('.node')))
  const r = spawnSync(process.execPath, [script, 'check-main'], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
})

test("a platform package's prepack refuses an addon that is not the one built from these sources", (t) => {
  const dir = tmpdir(t)
  const addon = 'smtpcodes.test-platform.node'
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'smtpcodes-test-platform', version: pkg.version, files: [addon, 'LICENSE-MIT', 'LICENSE-APACHE'] }))
  for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) fs.copyFileSync(path.join(root, f), path.join(dir, f))
  fs.writeFileSync(path.join(dir, addon), 'the addon')
  const record = (fields) => fs.writeFileSync(path.join(dir, 'build-record.json'), JSON.stringify({
    version: pkg.version,
    addon,
    addonSha256: crypto.createHash('sha256').update('the addon').digest('hex'),
    sources: sourceHash(),
    ...fields
  }))
  const prepack = () => spawnSync(process.execPath, [script, 'check-platform'], { cwd: dir, encoding: 'utf8' })

  record({})
  assert.equal(prepack().status, 0, prepack().stderr)
  record({ sources: '0'.repeat(64) })
  assert.match(prepack().stderr, /the Rust sources changed since/)
  record({})
  fs.writeFileSync(path.join(dir, addon), 'another addon')
  assert.match(prepack().stderr, /is not the file that was built/)
  fs.rmSync(path.join(dir, 'build-record.json'))
  assert.match(prepack().stderr, /no build-record\.json/)
})
