'use strict'
// What a classify() call costs in Node, against its baselines, measured in the same run:
//
// - the crossing floor: the addon's `_noop`, which takes classify's arguments and does nothing
//   (the cost of the call and of converting the arguments);
// - the core's own time: the addon's `_coreLoop`, which classifies the same replies in a loop
//   in Rust (same process, same build): what classify() costs beyond it is the crossing's;
// - the naive design: the addon builds the whole result object (`#[napi(object)]`,
//   `classifyObject`), which the package avoids because creating JS objects natively is slow;
// - a pure-JS baseline: one precompiled regex `.test()` over each text and a small object
//   built from it (what a hand-rolled classifier does, with none of the core's rules).
//
// Then memory (RSS over 10,000,000 calls, in fresh processes: bench/memory.js), the time
// of require() in a fresh process, and the size of the release addon. Prints one Markdown
// block to paste into the docs.
//
//   make bench-node          (builds the release addon first)
//   ROUNDS=30 CALLS=10000000 node --expose-gc bindings-node/bench/crossing.js
//
// Timing: interleaved rounds, each variant making `REPEAT` passes over the corpus per round;
// CPU time of the process (process.cpuUsage, user + system), so that other jobs on a busy
// machine count as little as possible; the median round, in ns per reply.
//
// Inputs: bench/replies.jsonl, the corpus the Rust (core/benches) and Python benchmarks use.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const native = require('../native/index.js')
const smtpcodes = require('../js/index.js')

const root = path.join(__dirname, '..', '..')
const inputs = fs.readFileSync(path.join(root, 'bench', 'replies.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => ({ command: null, host: null, ...JSON.parse(line) }))
const n = inputs.length
const options = inputs.map((i) => (i.command || i.host ? { command: i.command, host: i.host } : null))
const chunks = (size) => {
  const out = []
  for (let i = 0; i < n; i += size) out.push(inputs.slice(i, i + size))
  return out
}
const batches100 = chunks(100)
const batches1000 = chunks(1000)

const out = Buffer.from(new ArrayBuffer(16 * 8))

// The corpus as `_coreLoop` reads it (classifyMany's input: META numbers per reply, the
// strings joined by NULs), and how many passes over it one call makes, so that reading the
// input (once a call) is a fraction of a percent of the call.
const CORE_PASSES = 10
const coreMeta = new Float64Array(n * 6)
const coreParts = []
inputs.forEach((r, i) => {
  const k = i * 6
  if (typeof r.code === 'number') {
    coreMeta[k] = 1
    coreMeta[k + 1] = r.code
  }
  coreMeta[k + 2] = -1
  coreMeta[k + 3] = r.text.length
  coreParts.push(r.text)
  coreMeta[k + 4] = r.command == null ? -1 : r.command.length
  if (r.command != null) coreParts.push(r.command)
  coreMeta[k + 5] = r.host == null ? -1 : r.host.length
  if (r.host != null) coreParts.push(r.host)
})
const coreInput = coreParts.join('\0')

// The pure-JS baseline: one precompiled, case-insensitive regex of common bounce phrases,
// tested against each text, and a small object built from its answer and the code's class.
const PHRASES = /user unknown|unknown user|no such user|does not exist|mailbox (?:full|unavailable|not found)|over quota|quota exceeded|recipient (?:address )?rejected|greylist|try again later|rate limit|too many|spam|blocked|block ?list|black ?list|relay (?:access )?denied|authentication required|message too large|virus/i
function pureJs (code, text) {
  const hit = PHRASES.test(text)
  const klass = typeof code === 'number' ? Math.floor(code / 100) : 0
  return {
    code: typeof code === 'number' ? code : null,
    severity: klass === 5 ? 'permanent' : klass === 4 ? 'transient' : klass === 2 ? 'success' : 'unknown',
    reason: hit ? 'matched' : 'unknown',
    action: klass === 4 ? 'retry' : klass === 5 ? 'bounce' : 'none',
    suppress: hit && klass === 5,
    text
  }
}

const variants = {
  floor: {
    label: 'crossing floor: native `_noop`, classify\'s arguments',
    run () {
      let x = 0
      for (let i = 0; i < n; i++) {
        const r = inputs[i]
        native._noop(r.code, r.text, r.command, r.host, out)
        x++
      }
      return x
    }
  },
  core: {
    label: 'the core alone: native `_coreLoop`, a loop in Rust',
    items: n * CORE_PASSES,
    run () {
      return native._coreLoop(coreInput, coreMeta, CORE_PASSES)
    }
  },
  classify: {
    label: '`classify()`',
    run () {
      let x = 0
      for (let i = 0; i < n; i++) {
        const r = inputs[i]
        x += smtpcodes.classify(r.code, r.text, options[i]).advice.length
      }
      return x
    }
  },
  fields: {
    label: '`classify()` + all 15 fields read',
    run () {
      let x = 0
      for (let i = 0; i < n; i++) {
        const r = inputs[i]
        const c = smtpcodes.classify(r.code, r.text, options[i])
        x += (c.code ?? 0) + (c.enhanced ?? '').length + c.severity.length + c.reason.length +
          c.bounce.length + c.action.length + (c.retryAfter ?? 0) + (c.suppress ? 1 : 0) +
          c.fault.length + (c.provider ?? '').length + c.title.length + c.description.length +
          c.advice.length + c.text.length + c.matched.length
      }
      return x
    }
  },
  many100: {
    label: '`classifyMany()`, 100 replies a call',
    run () {
      let x = 0
      for (const batch of batches100) for (const c of smtpcodes.classifyMany(batch)) x += c.advice.length
      return x
    }
  },
  many1000: {
    label: '`classifyMany()`, 1,000 replies a call',
    run () {
      let x = 0
      for (const batch of batches1000) for (const c of smtpcodes.classifyMany(batch)) x += c.advice.length
      return x
    }
  },
  nativeOnly: {
    label: 'of which the native classify alone (no object)',
    run () {
      let x = 0
      for (let i = 0; i < n; i++) {
        const r = inputs[i]
        x += native.classify(r.code, r.text, r.command, r.host, out).length
      }
      return x
    }
  },
  naive: {
    label: 'naive: `#[napi(object)]` built natively',
    run () {
      let x = 0
      for (let i = 0; i < n; i++) {
        const r = inputs[i]
        x += native.classifyObject(r.code, r.text, r.command, r.host).advice.length
      }
      return x
    }
  },
  pureJs: {
    label: 'pure JS: one precompiled regex `.test()` + object',
    run () {
      let x = 0
      for (let i = 0; i < n; i++) {
        const r = inputs[i]
        x += pureJs(r.code, r.text).reason.length
      }
      return x
    }
  }
}

const rounds = Number(process.env.ROUNDS || 30)
const REPEAT = 5 // passes over the corpus per round: each measurement well above cpuUsage's 1 us grain
const calls = Number(process.env.CALLS || 10_000_000)
const loadStart = os.loadavg()

// ---- Speed ----
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]))
let sink = 0
for (const v of Object.values(variants)) for (let w = 0; w < 20; w++) sink += v.run() // warm up
// A full GC before each measurement (when node runs with --expose-gc, as `make bench-node`
// does), so that one variant's garbage is not collected on another's time; the order of the
// variants turns from round to round for the same reason.
const gc = typeof global.gc === 'function' ? global.gc : () => {}
const order = Object.entries(variants)
for (let r = 0; r < rounds; r++) {
  for (let j = 0; j < order.length; j++) {
    const [name, v] = order[(r + j) % order.length]
    gc()
    const t = process.cpuUsage()
    for (let k = 0; k < REPEAT; k++) sink += v.run()
    const d = process.cpuUsage(t)
    times[name].push(((d.user + d.system) * 1000) / ((v.items ?? n) * REPEAT))
  }
}
const sorted = (xs) => [...xs].sort((a, b) => a - b)
const median = (xs) => sorted(xs)[xs.length >> 1]
const ns = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]))
// The spread of the rounds: the 10th and 90th percentiles.
const spread = (xs) => {
  const s = sorted(xs)
  return `${fmt(s[Math.floor(s.length * 0.1)])}-${fmt(s[Math.floor(s.length * 0.9)])}`
}

function fmt (x) {
  return Math.round(x).toLocaleString('en-US')
}
const ratio = (x) => `${x.toFixed(2)}x`

// ---- Memory, in fresh processes ----
const memoryScript = path.join(__dirname, 'memory.js')
const memory = ['classify', 'many'].map((mode) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', memoryScript, String(calls), mode], { encoding: 'utf8' })))

// ---- require() time, in fresh processes ----
const entry = path.join(__dirname, '..', 'js', 'index.js')
const probe = `
  const r0 = process.memoryUsage.rss()
  const t0 = process.hrtime.bigint()
  const s = require(${JSON.stringify(entry)})
  const t1 = process.hrtime.bigint()
  const r1 = process.memoryUsage.rss()
  s.classify(550, '5.1.1 User unknown')
  const t2 = process.hrtime.bigint()
  const r2 = process.memoryUsage.rss()
  process.stdout.write(JSON.stringify([Number(t1 - t0) / 1e6, Number(t2 - t1) / 1e6, r0, r1, r2]))
`
const requireRuns = []
for (let i = 0; i < 15; i++) requireRuns.push(JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })))
const requireMs = median(requireRuns.map((r) => r[0]))
const firstCallMs = median(requireRuns.map((r) => r[1]))
const rssNode = median(requireRuns.map((r) => r[2]))
const rssRequire = median(requireRuns.map((r) => r[3] - r[2]))
const rssFirst = median(requireRuns.map((r) => r[4] - r[3]))

// ---- Addon size ----
const addon = fs.readdirSync(path.join(__dirname, '..', 'native')).find((f) => f.endsWith('.node'))
const addonPath = path.join(__dirname, '..', 'native', addon)
const addonBytes = fs.statSync(addonPath).size
let strippedBytes = null
try {
  const tmp = path.join(os.tmpdir(), `smtpcodes-bench-${process.pid}.node`)
  execFileSync('strip', ['-o', tmp, addonPath])
  strippedBytes = fs.statSync(tmp).size
  fs.unlinkSync(tmp)
} catch {
  // No `strip` here: report the file as built.
}

// ---- Report ----
const cargo = fs.readFileSync(path.join(__dirname, '..', 'Cargo.toml'), 'utf8')
const napiVersion = (cargo.match(/^napi = \{ version = "=?([^"]+)"/m) || [])[1] || '?'
const loadEnd = os.loadavg()
const cpus = os.cpus()
const meanLength = Math.round(inputs.reduce((a, r) => a + r.text.length, 0) / n)
const mib = (b) => (b / (1024 * 1024)).toFixed(2)

/** A target line: met, or missed and by how much. */
function target (name, value, op, goal, missedBy) {
  const met = op === '<=' ? value <= goal : value >= goal
  return `| ${name} | ${ratio(value)} | ${op} ${goal}x | ${met ? 'met' : `**missed**: ${missedBy}`} |`
}
const floorGoalNs = ns.floor * 3
// Both contain the core's work, so a faster classify makes the naive one faster too: 5x
// needs classify + extra >= 5 classify, where extra is what the naive object costs on top.
const naiveGoalNs = (ns.naive - ns.classify) / 4

const lines = []
lines.push('```text')
lines.push(`smtpcodes ${smtpcodes.version()}, Node benchmark (make bench-node, bindings-node/bench/crossing.js)`)
lines.push(`machine: ${cpus[0].model}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`)
lines.push(`load average (1/5/15 min): ${loadStart.map((l) => l.toFixed(2)).join(' ')} at start, ${loadEnd.map((l) => l.toFixed(2)).join(' ')} at end`)
lines.push(`node ${process.version} (V8 ${process.versions.v8}), napi-rs ${napiVersion}, release addon (lto thin, codegen-units 1)`)
lines.push(`input: bench/replies.jsonl, ${n} replies (mean text ${meanLength} chars), the corpus of the Rust and Python benchmarks`)
lines.push(`method: CPU time (user+system) of the process, ${rounds} rounds x ${REPEAT} passes over the corpus per variant, variants interleaved (order turning each round${typeof global.gc === 'function' ? ', full GC before each' : ''}); median round (p10-p90), ns per reply`)
lines.push('```')
lines.push('')
lines.push('| variant | ns per reply | p10-p90 | vs floor | vs the core |')
lines.push('|---|---:|---:|---:|---:|')
for (const [name, v] of Object.entries(variants)) {
  lines.push(`| ${v.label} | ${fmt(ns[name])} | ${spread(times[name])} | ${ratio(ns[name] / ns.floor)} | ${ratio(ns[name] / ns.core)} |`)
}
// What classify() costs beyond the core's own work, and what reading all 15 fields adds to a
// call: each the median of the rounds' own differences (a change of load between rounds
// cancels out), with their spread.
const perRound = (a, b) => times[a].map((t, i) => t - times[b][i])
const crossing = median(perRound('classify', 'core'))
const reads = median(perRound('fields', 'classify'))
const CROSSING_TARGET = 700
lines.push('')
lines.push('| measure | ns | p10-p90 of the rounds | target | |')
lines.push('|---|---:|---:|---:|---|')
lines.push(`| \`classify()\` minus the core's own time | ${fmt(crossing)} (${ratio(crossing / ns.floor)} the floor, ${Math.round((crossing / ns.classify) * 100)}% of a call) | ${spread(perRound('classify', 'core'))} | <= ${CROSSING_TARGET} ns | ${crossing <= CROSSING_TARGET ? 'met' : `**missed**: ${ratio(crossing / CROSSING_TARGET)} over`} |`)
lines.push(`| reading all 15 fields of a new result | ${fmt(reads)} | ${spread(perRound('fields', 'classify'))} | (none) | |`)
lines.push('')
lines.push('| ratio | measured | target | |')
lines.push('|---|---:|---:|---|')
lines.push(target('`classify()` / crossing floor', ns.classify / ns.floor, '<=', 3,
  `${ratio(ns.classify / ns.floor / 3)} over (classify would need <= ${fmt(floorGoalNs)} ns, it takes ${fmt(ns.classify)} ns)`))
lines.push(target('naive / `classify()`', ns.naive / ns.classify, '>=', 5,
  `${ratio(5 / (ns.naive / ns.classify))} short (the naive object costs ${fmt(ns.naive - ns.classify)} ns more than classify, so 5x needs classify <= ${fmt(naiveGoalNs)} ns, a quarter of that; it takes ${fmt(ns.classify)} ns)`))
lines.push(`| \`classify()\` / pure JS | ${ratio(ns.classify / ns.pureJs)} | (none) | the pure-JS baseline knows ~20 phrases and no codes |`)
lines.push(`| \`classifyMany()\` x1000 / crossing floor | ${ratio(ns.many1000 / ns.floor)} | (none) | |`)
lines.push('')
lines.push('| memory (fresh process, `--expose-gc`) | RSS before | RSS after | growth | target | wall time |')
lines.push('|---|---:|---:|---:|---:|---:|')
for (const m of memory) {
  const what = m.mode === 'many' ? `${m.calls.toLocaleString('en-US')} replies through \`classifyMany()\`, 1,000 a call` : `${m.calls.toLocaleString('en-US')} \`classify()\` calls`
  const met = m.growth < 5 ? 'met' : '**missed**'
  lines.push(`| ${what} | ${m.before.toFixed(1)} MiB | ${m.after.toFixed(1)} MiB | ${m.growth >= 0 ? '+' : ''}${m.growth.toFixed(2)} MiB | < 5 MB: ${met} | ${m.seconds.toFixed(1)} s |`)
}
lines.push('')
lines.push(`RSS is read after ${memory[0].warmUp.toLocaleString('en-US')} warm-up replies and a full GC ("before"), and after the run and a full GC ("after"); during the run, at each tenth (MiB): classify ${memory[0].samples.join(', ')}; classifyMany ${memory[1].samples.join(', ')}. The classify() process: RSS ${memory[0].loaded.toFixed(1)} MiB right after require(), peak ${memory[0].maxRss.toFixed(1)} MiB; the classifyMany() one also holds its 1,801 prebuilt batches of 1,000 replies.`)
lines.push('')
lines.push(`require() of the package in a fresh \`node -e\` (median of ${requireRuns.length}): ${firstMs(requireMs)}; the first classify() after it (builds the core's rule automaton): ${firstMs(firstCallMs)}. RSS of that process: ${mib(rssNode)} MiB before require(), +${mib(rssRequire)} MiB for require(), +${mib(rssFirst)} MiB for the first classify().`)
lines.push(`release addon ${addon}: ${addonBytes.toLocaleString('en-US')} bytes (${mib(addonBytes)} MiB)${strippedBytes === null ? '' : `, ${strippedBytes.toLocaleString('en-US')} bytes (${mib(strippedBytes)} MiB) stripped`}.`)

function firstMs (x) {
  return `${x.toFixed(1)} ms`
}

console.log(lines.join('\n'))
if (sink === 0) console.log('')
