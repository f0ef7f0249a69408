'use strict'
// What a classify() call costs across the Node boundary: the naive design (the addon builds
// the whole result object, `#[napi(object)]`) against the compact one the package uses (the
// addon returns numbers and one string; JS builds the object). Same inputs, same run,
// interleaved rounds; median ns of CPU time per call (process.cpuUsage: user + system, so
// that other processes on a busy machine do not count).
//
//   npm run bench            (after npm run build: release build)
//
// Inputs: bench/replies.jsonl, the corpus the Rust (core/benches) and Python benchmarks use.

const fs = require('node:fs')
const path = require('node:path')
const native = require('../native/index.js')
const smtpcodes = require('../js/index.js')

const root = path.join(__dirname, '..', '..')
const inputs = fs.readFileSync(path.join(root, 'bench', 'replies.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => ({ command: null, host: null, ...JSON.parse(line) }))
const n = inputs.length
const options = inputs.map((i) => (i.command || i.host ? { command: i.command, host: i.host } : null))

const ab = new ArrayBuffer(16 * 8)
const out = Buffer.from(ab)

const variants = {
  'naive: #[napi(object)] from native': () => {
    let x = 0
    for (let i = 0; i < n; i++) {
      const r = inputs[i]
      x += native.classifyObject(r.code, r.text, r.command, r.host).advice.length
    }
    return x
  },
  'compact: classify() (numbers + one string, JS builds)': () => {
    let x = 0
    for (let i = 0; i < n; i++) {
      const r = inputs[i]
      x += smtpcodes.classify(r.code, r.text, options[i]).advice.length
    }
    return x
  },
  'compact, batch: classifyMany() per 100': () => {
    let x = 0
    for (let i = 0; i < n; i += 100) {
      for (const c of smtpcodes.classifyMany(inputs.slice(i, i + 100))) x += c.advice.length
    }
    return x
  },
  'part: the native classify() alone, no object built': () => {
    let x = 0
    for (let i = 0; i < n; i++) {
      const r = inputs[i]
      x += native.classify(r.code, r.text, r.command, r.host, out).length
    }
    return x
  }
}
const rounds = Number(process.env.ROUNDS || 30)
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]))
let sink = 0
for (const f of Object.values(variants)) for (let w = 0; w < 20; w++) sink += f() // warm up
const repeat = 5 // passes over the corpus per round: ~10-50 ms, well above cpuUsage's 1 us grain
for (let r = 0; r < rounds; r++) {
  for (const [name, f] of Object.entries(variants)) {
    const t = process.cpuUsage()
    for (let k = 0; k < repeat; k++) sink += f()
    const d = process.cpuUsage(t)
    times[name].push(((d.user + d.system) * 1000) / (n * repeat))
  }
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1]
const naive = median([...times['naive: #[napi(object)] from native']])
console.log(`node ${process.version}, ${n} replies of bench/replies.jsonl, ${rounds} rounds, median CPU ns per reply`)
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs)
  console.log(`${name.padEnd(56)} ${m.toFixed(0).padStart(6)} ns   ${(naive / m).toFixed(2)}x vs naive`)
}
if (sink === 0) console.log('')
