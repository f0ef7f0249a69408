'use strict'
// Resident memory (RSS) over many classify() calls: a leak in the addon or the JS layer shows
// as RSS that keeps growing. Cycles over bench/replies.jsonl; RSS is read after a warm-up (so
// that the JIT, the core's lazily built rule tables and V8's heap have settled), every tenth
// of the run, and at the end after a full GC. Prints one JSON object; bench/crossing.js runs
// it in a fresh process and reports it.
//
//   node --expose-gc bindings-node/bench/memory.js [calls] [classify|many]
//
// `many` sends the same replies through classifyMany, 1,000 per call.

const fs = require('node:fs')
const path = require('node:path')
const smtpcodes = require('../js/index.js')

const calls = Number(process.argv[2] || 10_000_000)
const mode = process.argv[3] || 'classify'
const root = path.join(__dirname, '..', '..')
const inputs = fs.readFileSync(path.join(root, 'bench', 'replies.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line))
const n = inputs.length
const BATCH = 1000
// For `many`: batches of 1,000 cycling over the corpus, built once.
const batches = []
for (let b = 0; mode === 'many' && b < n; b++) {
  const batch = []
  for (let k = 0; k < BATCH; k++) batch.push(inputs[(b * BATCH + k) % n])
  batches.push(batch)
}

const gc = typeof global.gc === 'function' ? global.gc : () => {}
const mb = () => process.memoryUsage.rss() / (1024 * 1024)
/** V8's share of RSS: its heap and the ArrayBuffers it tracks (MiB). */
const v8Heap = () => {
  const m = process.memoryUsage()
  return { heapTotal: m.heapTotal / (1024 * 1024), heapUsed: m.heapUsed / (1024 * 1024), arrayBuffers: m.arrayBuffers / (1024 * 1024) }
}

let sink = 0
/** Runs `count` replies through the API under test, starting at reply `from`. */
function run (from, count) {
  if (mode === 'many') {
    for (let done = 0; done < count; done += BATCH) {
      const results = smtpcodes.classifyMany(batches[((from + done) / BATCH) % n])
      sink += results[results.length - 1].text.length
    }
  } else {
    for (let i = from; i < from + count; i++) {
      const r = inputs[i % n]
      sink += smtpcodes.classify(r.code, r.text).text.length
    }
  }
}

const loaded = mb()
const warmUp = Math.min(calls, 200_000)
run(0, warmUp)
gc()
const before = mb()
const heapBefore = v8Heap()
const samples = []
const step = Math.max(BATCH, Math.floor(calls / 10 / BATCH) * BATCH)
const started = process.hrtime.bigint()
for (let done = 0; done < calls; done += step) {
  run(warmUp + done, Math.min(step, calls - done))
  samples.push(Math.round(mb() * 10) / 10)
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9
gc()
const after = mb()
const heapAfter = v8Heap()
process.stdout.write(JSON.stringify({
  mode,
  calls,
  warmUp,
  gc: typeof global.gc === 'function',
  loaded,
  before,
  after,
  growth: after - before,
  heapBefore,
  heapAfter,
  samples,
  maxRss: process.resourceUsage().maxRSS / 1024,
  seconds,
  sink: sink > 0
}) + '\n')
