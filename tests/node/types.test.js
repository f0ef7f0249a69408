'use strict'
// The TypeScript declarations (bindings-node/js/index.d.ts, and contract.d.ts, which `make
// contract` generates from the core): the generated unions equal the lists the addon gives at
// run time, the declarations name every runtime export, and a strict TypeScript build of a
// program using every export passes.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const smtpcodes = require('smtpcodes')
const { root } = require('./helpers.js')

const dtsPath = path.join(root, 'bindings-node', 'js', 'index.d.ts')
const dts = fs.readFileSync(dtsPath, 'utf8')
const contractDts = fs.readFileSync(path.join(root, 'bindings-node', 'js', 'contract.d.ts'), 'utf8')

/** Each union type of index.d.ts and the runtime list it mirrors. */
const UNIONS = {
  Severity: 'SEVERITIES',
  Reason: 'REASONS',
  Bounce: 'BOUNCES',
  Action: 'ACTIONS',
  Fault: 'FAULTS',
  Command: 'COMMANDS',
  Provider: 'PROVIDERS',
  ErrorKind: 'ERROR_KINDS',
  RetryWhy: 'RETRY_WHYS',
  DsnAction: 'DSN_ACTIONS',
  BounceFormat: 'BOUNCE_FORMATS',
  NotABounceWhat: 'NOT_A_BOUNCE_WHATS',
  NotAWebhookWhat: 'NOT_A_WEBHOOK_WHATS',
  Esp: 'ESPS',
  WebhookEventKind: 'WEBHOOK_EVENTS',
  LogFormat: 'LOG_FORMATS',
  DeliveryStatus: 'DELIVERY_STATUSES'
}

function union (name, text = contractDts) {
  const m = text.match(new RegExp(`^export type ${name} = (.*)$`, 'm'))
  if (!m) return null
  return m[1].split('|').map((s) => s.trim().replace(/^'|'$/g, ''))
}

for (const [type, list] of Object.entries(UNIONS)) {
  test(`type ${type} lists exactly the core's ${list}`, () => {
    const want = smtpcodes[list]
    assert.deepEqual(union(type), [...want], 'bindings-node/js/contract.d.ts is stale: run make contract and commit it')
  })
}

test('type LimitName and interface BounceLimits name exactly the keys of BOUNCE_LIMITS, the core\'s Limits', () => {
  const want = Object.keys(smtpcodes.BOUNCE_LIMITS)
  const line = `export type LimitName = ${want.map((v) => `'${v}'`).join(' | ')}`
  assert.deepEqual(union('LimitName', dts), want, `index.d.ts drifted from the core; paste this line into bindings-node/js/index.d.ts:\n${line}\n`)
  const body = dts.match(/^export interface BounceLimits \{\n([\s\S]*?)^\}/m)
  assert.ok(body, 'index.d.ts declares BounceLimits')
  assert.deepEqual([...body[1].matchAll(/^ {2}(\w+): number$/gm)].map((m) => m[1]), want)
})

test('index.d.ts declares every runtime export, and nothing that is not one', () => {
  const declared = [...dts.matchAll(/^export declare (?:function|class|const) (\w+)/gm)].map((m) => m[1]).sort()
  assert.deepEqual(declared, Object.keys(smtpcodes).sort())
})

test('a strict TypeScript program using every export compiles (CommonJS and ESM)', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(__dirname, 'types', 'tsconfig.json')], { cwd: root, encoding: 'utf8' })
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`)
  }
})
