#!/usr/bin/env node
// `make test-npm`: installs the npm tarballs of dist/ (`smtpcodes` and the platform package of
// NPM_TARGET) into a fresh npm project outside the checkout, then runs the README's JS examples
// (require and import, and the Express route) and a strict TypeScript check against them. The
// release workflow runs it on each platform it builds an addon for; on Linux x86_64,
// scripts/test-dist.sh does the same and more.
//
//   node scripts/test-npm.js DIST_DIR VERSION PLATFORM
'use strict'

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const root = path.join(__dirname, '..')
const [dist, version, platform] = process.argv.slice(2)
const lock = require(path.join(root, 'package-lock.json'))
const pinned = (name) => `${name}@${lock.packages[`node_modules/${name}`].version}`

const tarballs = [`smtpcodes-${version}.tgz`, `smtpcodes-${platform}-${version}.tgz`].map((f) => path.resolve(dist, f))
for (const t of tarballs) if (!fs.existsSync(t)) throw new Error(`no ${t}: make dist-npm first`)

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'smtpcodes-test-npm-'))
const run = (cmd, args) => execFileSync(cmd, args, { cwd: project, stdio: 'inherit', shell: process.platform === 'win32' })
try {
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'readme-examples', version: '1.0.0', private: true }) + '\n')
  fs.mkdirSync(path.join(project, 'types'))
  for (const f of ['tsconfig.json', 'usage.cts', 'usage.mts']) fs.copyFileSync(path.join(root, 'tests', 'node', 'types', f), path.join(project, 'types', f))
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, pinned('typescript'), pinned('express')])
  run(process.execPath, [path.join(root, 'scripts', 'readme-js.js'), project])
  run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(project, 'types', 'tsconfig.json')])
  console.log(`test-npm: smtpcodes ${version} with smtpcodes-${platform} works`)
} finally {
  fs.rmSync(project, { recursive: true, force: true })
}
