'use strict'
// The public JavaScript API of smtpcodes.
//
// Every decision is made by the Rust core. The native addon answers compactly (numbers that
// index the core's name tables, handed over once below, and the table of strings results
// share, fetched once each; and one string holding the result's own strings end to end),
// because creating a JS object from native code costs ~2 us while JS builds one in well under
// 0.1 us (docs/node.md, "How a call crosses"). This file only
// checks argument types, calls the addon and assembles plain objects (parseBounce's and the
// log records' classifications too, from the same encoding as classify's).

/** The oldest Rust that builds the addon: the workspace's rust-version (scripts/sync-version.js checks it). */
const RUST_VERSION = '1.88'

const native = loadNative()

/**
 * The addon, through the loader napi-rs generates (../native/index.js): the .node file beside
 * it in a checkout, or the platform package, `smtpcodes-<platform>`, which npm installs as an
 * optional dependency of this one. When neither loads, an error that says which platform this
 * is, which package was expected, and how to build the addon from source.
 */
function loadNative () {
  try {
    return require('../native/index.js')
  } catch (error) {
    throw missingNativeError(error)
  }
}

/** napi-rs's name for this platform, as its loader and the platform packages spell it. */
function platformName () {
  const { platform, arch } = process
  if (platform === 'linux') return `linux-${arch}-${isMuslRuntime() ? 'musl' : 'gnu'}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

function isMuslRuntime () {
  try {
    const report = process.report && process.report.getReport()
    return !(report && report.header && report.header.glibcVersionRuntime)
  } catch {
    return false
  }
}

function missingNativeError (error) {
  const pkg = require('../../package.json')
  const platform = platformName()
  const expected = `${pkg.name}-${platform}`
  const prebuilt = Object.keys(pkg.optionalDependencies || {}).map((name) => name.slice(pkg.name.length + 1))
  // What each attempt said (the file beside the loader, then the package), from napi-rs's chain.
  const reasons = []
  for (let e = error.cause; e && reasons.length < 10; e = e.cause) {
    if (e && typeof e.message === 'string') reasons.unshift(e.message.split('\n')[0])
  }
  const lines = [
    `smtpcodes: the native addon for this platform (${platform}, Node.js ${process.version}) could not be loaded.`,
    prebuilt.includes(platform)
      ? `The package ${expected}@${pkg.version} was expected: npm installs it as an optional dependency of ${pkg.name}, unless optional dependencies were omitted (--omit=optional) or the lockfile was made on another platform; install it with \`npm install ${expected}@${pkg.version}\`.`
      : `The package ${expected} was expected, but ${pkg.name} ${pkg.version} has no prebuilt binary for ${platform} (prebuilt: ${prebuilt.join(', ') || 'none'}).`,
    `To build it from source (Rust ${RUST_VERSION} or later): in a checkout of ${pkg.name} (${repositoryUrl(pkg)}), run \`npm install && npm run build\`, which writes bindings-node/native/${pkg.name}.${platform}.node.`
  ]
  if (reasons.length) lines.push(`Tried: ${reasons.join('; ')}`)
  const missing = new Error(lines.join('\n'))
  missing.code = 'ERR_SMTPCODES_NATIVE_MISSING'
  missing.platform = platform
  missing.expectedPackage = expected
  return missing
}

function repositoryUrl (pkg) {
  const url = (pkg.repository && (pkg.repository.url || pkg.repository)) || ''
  return String(url).replace(/^git\+/, '').replace(/\.git$/, '')
}

const tables = native.tables()

/** Slots per classification in the addon's output buffer (layout: bindings-node/src/lib.rs). */
const SLOTS = 16
if (tables.slots !== SLOTS) {
  throw new Error(`smtpcodes: the native addon writes ${tables.slots} slots per result, this file reads ${SLOTS}: rebuild it (npm run build)`)
}

const SEVERITIES = Object.freeze(tables.severities)
const REASONS = Object.freeze(tables.reasons)
const BOUNCES = Object.freeze(tables.bounces)
const ACTIONS = Object.freeze(tables.actions)
const FAULTS = Object.freeze(tables.faults)
const COMMANDS = Object.freeze(tables.commands)
const PROVIDERS = Object.freeze(tables.providers)
const ERROR_KINDS = Object.freeze(tables.errorKinds)
const RETRY_WHYS = Object.freeze(tables.retryWhys)
const DSN_ACTIONS = Object.freeze(tables.dsnActions)
const BOUNCE_FORMATS = Object.freeze(tables.bounceFormats)
const NOT_A_BOUNCE_WHATS = Object.freeze(tables.notABounceWhats)
const LOG_FORMATS = Object.freeze(tables.logFormats)
const DELIVERY_STATUSES = Object.freeze(tables.deliveryStatuses)
const VERSION = tables.version
/** The core's Limits::DEFAULT: the bounds parseBounce's second argument can change. */
const BOUNCE_LIMITS = Object.freeze({ ...tables.bounceLimits })
/** The core's Limits::DEFAULT.max_line_bytes: the longest line parseLogLine and readLog read. */
const LOG_LIMITS = Object.freeze({ maxLineBytes: tables.maxLineBytes })

// One output buffer for single calls, reused: a Float64Array for JS and a Buffer view of
// the same memory, which the addon fills.
const single = outputBuffer(1)

// classifyMany crosses into the addon once per CHUNK replies, into one output buffer reused
// from chunk to chunk and call to call. Much larger crossings were slower per reply, not
// faster: the addon's part took ~3.0 us a reply in crossings of 32-100 replies of
// bench/replies.jsonl and ~4.5 us in one of all 1,801, whose strings run to megabytes each
// way. A crossing costs well under 1 us, so 64 replies a crossing amortise it to ~1%.
const CHUNK = 64
const chunkOut = outputBuffer(CHUNK)

function outputBuffer (n) {
  const memory = new ArrayBuffer(n * SLOTS * 8)
  return { numbers: new Float64Array(memory), bytes: Buffer.from(memory) }
}

function typeError (message, index) {
  const error = new TypeError(message)
  error.code = 'ERR_INVALID_ARG_TYPE'
  if (index !== undefined) error.index = index
  return error
}

function rangeError (message) {
  const error = new RangeError(message)
  error.code = 'ERR_OUT_OF_RANGE'
  return error
}

function describe (value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** The code as the addon takes it: a number, a string, or null; the core checks the value. */
function codeArg (code, where, index) {
  switch (typeof code) {
    case 'number':
    case 'string':
      return code
    case 'undefined':
      return null
    case 'bigint':
      // A whole number: its decimal digits go through the core's parse_code.
      return String(code)
    default:
      if (code === null) return null
      throw typeError(`${where}code must be a number, a numeric string, null or undefined, not ${describe(code)}`, index)
  }
}

const utf8 = new TextDecoder('utf-8')

function textArg (text, where, index) {
  if (typeof text === 'string') return text
  if (text === undefined || text === null) return ''
  // Bytes (a Buffer read from a log): invalid UTF-8 is replaced, as the core's classify_bytes does.
  if (text instanceof Uint8Array) return utf8.decode(text)
  throw typeError(`${where}text must be a string, a Buffer, null or undefined, not ${describe(text)}`, index)
}

function hintArg (value, name, where, index) {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return null
  throw typeError(`${where}${name} must be a string, null or undefined, not ${describe(value)}`, index)
}

// The strings that results share (the core's titles, descriptions, advice, provider names
// and rule labels, and the enhanced codes), each fetched from the addon once: a result names
// them by their index here (layout: SLOTS in bindings-node/src/lib.rs). The addon's table is
// the process's; this copy of it grows when a result names an entry it does not hold yet.
const interned = []

function fetchInterned () {
  for (const s of native.tableStrings(interned.length)) interned.push(s)
}

/** Builds the result object at slot offset `o` of `numbers`, reading its strings from `strings` at `at.pos`. */
function build (numbers, o, strings, at) {
  // Slot 9: suppress, plus twice the number of entries this result needs.
  const suppressAndNeeded = numbers[o + 9]
  if (suppressAndNeeded >= interned.length * 2 + 2) fetchInterned()
  // A string slot is an index into `interned`, or -(length + 2) for a string that follows in
  // `strings` (-1: none); `p -= v + 2` moves past it.
  let p = at.pos
  const text = strings.slice(p, (p += numbers[o + 10]))
  let v = numbers[o + 11]
  const enhanced = v >= 0 ? interned[v] : v === -1 ? null : strings.slice(p, (p -= v + 2))
  v = numbers[o + 12]
  const title = v >= 0 ? interned[v] : strings.slice(p, (p -= v + 2))
  v = numbers[o + 13]
  const description = v >= 0 ? interned[v] : strings.slice(p, (p -= v + 2))
  v = numbers[o + 14]
  const advice = v >= 0 ? interned[v] : strings.slice(p, (p -= v + 2))
  v = numbers[o + 15]
  const matched = v >= 0 ? interned[v] : strings.slice(p, (p -= v + 2))
  at.pos = p
  const code = numbers[o + 6]
  const retryAfter = numbers[o + 7]
  const provider = numbers[o + 5]
  // A plain object, not a class: key order = the contract's field order, so JSON.stringify
  // gives the contract's shape, docs/contract.md (with `retryAfter` for `retry_after`), and spreading,
  // structuredClone and postMessage copy every field.
  const c = {
    code: code < 0 ? null : code,
    enhanced,
    severity: SEVERITIES[numbers[o]],
    reason: REASONS[numbers[o + 1]],
    bounce: BOUNCES[numbers[o + 2]],
    action: ACTIONS[numbers[o + 3]],
    retryAfter: retryAfter < 0 ? null : retryAfter,
    suppress: suppressAndNeeded % 2 === 1,
    fault: FAULTS[numbers[o + 4]],
    provider: provider < 0 ? null : interned[provider],
    title,
    description,
    advice,
    text,
    matched
  }
  // The wait the server stated, for RetryPolicy#decide; not enumerable, so JSON keeps the
  // contract's shape. Defined only when the text states one (most replies do not).
  const statedWait = numbers[o + 8]
  if (statedWait >= 0) Object.defineProperty(c, 'statedWait', { value: statedWait })
  return c
}

/**
 * Classifies one SMTP reply.
 * @param {number|string|bigint|null|undefined} code the basic reply code, or null to read it from the text
 * @param {string|Uint8Array|null} [text] the reply text as a server, a DSN or a log gave it
 * @param {{command?: string|null, host?: string|null}|null} [options] hints
 */
function classify (code, text, options) {
  const codeValue = codeArg(code, '')
  const textValue = textArg(text, '')
  let command = null
  let host = null
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object') throw typeError(`options must be an object, not ${describe(options)}`)
    command = hintArg(options.command, 'options.command', '')
    host = hintArg(options.host, 'options.host', '')
  }
  const strings = native.classify(codeValue, textValue, command, host, single.bytes)
  return build(single.numbers, 0, strings, { pos: 0 })
}

/**
 * Classifies many replies with few calls into the native code (one per CHUNK replies):
 * `[{code, text, command, host}, ...]` in, an array of classifications out, in the same order.
 * A reply of the wrong type throws a TypeError before any is classified; a malformed reply
 * throws, with `index` set to its position.
 */
function classifyMany (replies) {
  if (!Array.isArray(replies)) throw typeError(`replies must be an array, not ${describe(replies)}`)
  const n = replies.length
  // Per reply: code tag (0 none, 1 number, 2 string), the number, then the lengths of the
  // code string, text, command and host (-1 for absent); the strings themselves go in
  // `parts`, joined into one string per chunk in `inputs`.
  const meta = new Float64Array(n * 6)
  const inputs = []
  let parts = []
  for (let i = 0; i < n; i++) {
    const item = replies[i]
    const where = `replies[${i}].`
    if (item === null || typeof item !== 'object') throw typeError(`replies[${i}] must be an object or a [code, text, options] array, not ${describe(item)}`, i)
    // `[code, text, options]`, as classify's arguments (and Python's tuples), or `{ code, text, ... }`.
    const r = Array.isArray(item) ? { ...(item[2] ?? {}), code: item[0], text: item[1] } : item
    const k = i * 6
    const code = codeArg(r.code, where, i)
    if (typeof code === 'number') {
      meta[k] = 1
      meta[k + 1] = code
      meta[k + 2] = -1
    } else if (typeof code === 'string') {
      meta[k] = 2
      meta[k + 2] = code.length
      parts.push(code)
    } else {
      meta[k + 2] = -1
    }
    const text = textArg(r.text, where, i)
    meta[k + 3] = text.length
    parts.push(text)
    const command = hintArg(r.command, 'command', where, i)
    meta[k + 4] = command === null ? -1 : command.length
    if (command !== null) parts.push(command)
    const host = hintArg(r.host, 'host', where, i)
    meta[k + 5] = host === null ? -1 : host.length
    if (host !== null) parts.push(host)
    if (i % CHUNK === CHUNK - 1 || i === n - 1) {
      // NUL between the parts: a lone surrogate at the end of one must not pair with one at
      // the start of the next when the addon reads the joined string (the lengths exclude it).
      inputs.push(parts.join('\0'))
      parts = []
    }
  }
  // Nothing outside this file runs from here on, so the shared output buffer cannot be
  // overwritten between the native call that fills it and the loop that reads it.
  const results = new Array(n)
  for (let c = 0; c < inputs.length; c++) {
    const start = c * CHUNK
    const end = Math.min(n, start + CHUNK)
    let strings
    try {
      strings = native.classifyMany(inputs[c], meta.subarray(start * 6, end * 6), chunkOut.bytes)
    } catch (e) {
      // The addon counts from the start of the chunk.
      if (typeof e?.index === 'number') e.index += start
      throw e
    }
    const at = { pos: 0 }
    for (let i = start; i < end; i++) results[i] = build(chunkOut.numbers, (i - start) * SLOTS, strings, at)
  }
  return results
}

/**
 * The reference entry of a basic (`'421'`, `421`) or an enhanced (`'5.1.1'`) code.
 */
function explain (code) {
  return entry(native.explain(codeText(code, 'code')))
}

/** The addon's Explanation as the public entry, its reference lists spread in. */
function entry (e) {
  const reference = JSON.parse(e.reference)
  return {
    code: e.code,
    kind: e.kind,
    severity: e.severity,
    title: e.title,
    description: e.description,
    when: e.when,
    fix: e.fix,
    basic: e.basic,
    classes: e.classes,
    classTitle: e.classTitle ?? null,
    subjectTitle: e.subjectTitle ?? null,
    source: e.source,
    registered: e.registered,
    causes: reference.causes,
    checks: reference.checks,
    retry: reference.retry,
    related: reference.related,
    who: reference.who,
    seen: reference.seen
  }
}

function codeText (code, name) {
  if (typeof code === 'string') return code
  if (typeof code === 'number' || typeof code === 'bigint') return String(code)
  throw typeError(`${name} must be a string or a number, not ${describe(code)}`)
}

/**
 * Two codes side by side (`compare('421', '521')`): `{ a, b, differences, common }`, each entry
 * as `explain` gives it, the differences (`aspect`: class, retry, who, seen, fix) computed from
 * the reference data, never written per pair. A bad code throws as `explain` does.
 * @param {string|number} a
 * @param {string|number} b
 */
function compare (a, b) {
  const parts = native.compare(codeText(a, 'a'), codeText(b, 'b'))
  const { differences, common } = JSON.parse(parts.json)
  return { a: entry(parts.a), b: entry(parts.b), differences, common }
}

function messageArg (message) {
  if (typeof message !== 'string' && !(message instanceof Uint8Array)) {
    throw typeError(`message must be a Buffer, a Uint8Array or a string, not ${describe(message)}`)
  }
  return message
}

/**
 * The limits as the addon takes them: null for the defaults, else an object holding the
 * given ones, each a whole number from 1 to 2^53 - 1. An unknown name or a value that is not
 * a number is a TypeError; a number that is not such a whole number, a RangeError.
 */
function limitsArg (limits) {
  if (limits === undefined || limits === null) return null
  if (typeof limits !== 'object' || Array.isArray(limits)) throw typeError(`limits must be an object, not ${describe(limits)}`)
  const out = {}
  for (const key of Object.keys(limits)) {
    const value = limits[key]
    if (!Object.hasOwn(BOUNCE_LIMITS, key)) throw typeError(`unknown limit '${key}' (known: ${Object.keys(BOUNCE_LIMITS).join(', ')})`)
    if (value === undefined) continue
    if (typeof value !== 'number') throw typeError(`limits.${key} must be a number, not ${describe(value)}`)
    if (!Number.isSafeInteger(value) || value < 1) {
      throw rangeError(`limits.${key} must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, not ${value}`)
    }
    out[key] = value
  }
  return out
}

/** The addon's BounceParts as the public report: the classifications built as classify builds one. */
function report (r) {
  // The classifications come encoded as classify's (SLOTS numbers each, strings end to end),
  // and are built by the same code.
  const at = { pos: 0 }
  const recipients = r.recipients.map((p, i) => ({
    recipient: p.recipient,
    originalRecipient: p.originalRecipient ?? null,
    action: p.action,
    status: p.status ?? null,
    remoteMta: p.remoteMta ?? null,
    diagnostic: p.diagnostic,
    arrivalDate: p.arrivalDate ?? null,
    lastAttemptDate: p.lastAttemptDate ?? null,
    classification: build(r.classifications, i * SLOTS, r.strings, at)
  }))
  return {
    format: r.format,
    reportingMta: r.reportingMta ?? null,
    originalMessageId: r.originalMessageId ?? null,
    recipients,
    complaints: JSON.parse(r.complaints).map(camelKeys)
  }
}

/**
 * Reads a bounce email (an RFC 3464 DSN, another MTA's text bounce, an Amazon SES
 * notification): one entry per recipient it reports on, each classified as `classify` would.
 * Not a bounce (an auto-reply, a complaint report, an ordinary email, not an email) throws
 * an `InvalidArg` error of kind `not_a_bounce` whose `what` says what it is instead; an email
 * over one of the limits, one of kind `too_large` with `limit` and `max`.
 * @param {Buffer|Uint8Array|string} message the raw email; a string is read as UTF-8
 * @param {{maxEmailBytes?: number, maxHeaderBytes?: number, maxParts?: number, maxDepth?: number, maxRecipients?: number}|null} [limits] bounds other than BOUNCE_LIMITS
 */
function parseBounce (message, limits) {
  return report(native.parseBounce(messageArg(message), limitsArg(limits)))
}

/**
 * parseBounce on the libuv thread pool, so that the event loop runs on while a large email
 * is read: a Promise of the same report, rejected with the same errors (wrong argument types
 * too). The bytes are copied before it returns: the caller may reuse its buffer at once.
 */
function parseBounceAsync (message, limits) {
  let pending
  try {
    pending = native.parseBounceAsync(messageArg(message), limitsArg(limits))
  } catch (e) {
    return Promise.reject(e)
  }
  return pending.then(report)
}

function logArg (input, name) {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw typeError(`${name} must be a string, a Buffer or a Uint8Array, not ${describe(input)}`)
  }
  return input
}

/** parseLogLine's and readLog's options as the addon takes them: null, or the given ones, checked for type. */
function logOptionsArg (options, known) {
  if (options === undefined || options === null) return null
  if (typeof options !== 'object' || Array.isArray(options)) throw typeError(`options must be an object, not ${describe(options)}`)
  const out = {}
  for (const key of Object.keys(options)) {
    const value = options[key]
    if (!known.includes(key)) throw typeError(`unknown option '${key}' (known: ${known.join(', ')})`)
    if (value === undefined || value === null) continue
    if (key === 'maxLineBytes') {
      if (typeof value !== 'number') throw typeError(`options.maxLineBytes must be a number, not ${describe(value)}`)
      if (!Number.isSafeInteger(value) || value < 1) {
        throw rangeError(`options.maxLineBytes must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, not ${value}`)
      }
    } else if (typeof value !== 'string') {
      throw typeError(`options.${key} must be a string, not ${describe(value)}`)
    }
    out[key] = value
  }
  return out
}

/** `queue_id` -> `queueId`: the core's snake_case keys in JS's spelling. */
function camelKeys (object) {
  const out = {}
  for (const key of Object.keys(object)) out[key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())] = object[key]
  return out
}

/**
 * The addon's LogParts as the public events: the records' JSON (serde's, in the core's field
 * order) with camelCase keys, and each record's classification built as classify builds one.
 */
function logEvents (parts) {
  const events = JSON.parse(parts.events)
  const at = { pos: 0 }
  let i = 0
  for (const event of events) {
    if (event.event !== 'record') continue
    event.record = camelKeys(event.record)
    event.record.classification = build(parts.classifications, (i++) * SLOTS, parts.strings, at)
  }
  return events
}

/**
 * Reads one line of a Postfix, Exim or Sendmail log: its delivery record, with the record
 * classified as `classify` would (`classification`), or null when the line is not a
 * per-recipient delivery result. Bytes are read as UTF-8 with replacement. A line over
 * `maxLineBytes` (default `LOG_LIMITS.maxLineBytes`) throws an `InvalidArg` error of kind
 * `too_large` with `limit: 'maxLineBytes'`.
 * @param {string|Buffer|Uint8Array} line
 * @param {{maxLineBytes?: number}|null} [options]
 */
function parseLogLine (line, options) {
  const events = logEvents(native.parseLogLine(logArg(line, 'line'), logOptionsArg(options, ['maxLineBytes'])))
  return events.length === 0 ? null : events[0].record
}

/**
 * Reads a whole Postfix, Exim or Sendmail log: an array of events in the order of the log,
 * `{ event: 'record', line, record }` for each delivery record (`line` counts every line from
 * 1) and, with `longLines: 'skip'` (the default), `{ event: 'long_line', line, bytes }` for each
 * line over `maxLineBytes`, skipped whole; with `longLines: 'cut'` such a line is read as its
 * first `maxLineBytes` bytes.
 * @param {string|Buffer|Uint8Array} log
 * @param {{maxLineBytes?: number, longLines?: 'skip'|'cut'}|null} [options]
 */
function readLog (log, options) {
  return logEvents(native.readLog(logArg(log, 'log'), logOptionsArg(options, ['maxLineBytes', 'longLines'])))
}

/**
 * Reads what an email service POSTs to a webhook (SES alone, through SNS or EventBridge,
 * SendGrid, Mailgun, Postmark, SparkPost, Mailjet, Brevo, Resend, Mandrill, Postal): one event
 * per recipient, `{ esp, event, recipient, timestamp, messageId, espType, suppress,
 * classification }`, the classification as `classify` returns one (or null when the service
 * reports no reply). An SNS subscription confirmation has no events and `snsConfirmation` set.
 * A body that is not JSON, or JSON of no known service's shape, throws an `InvalidArg` error of
 * kind `not_a_webhook` whose `what` is `not_json` or `unknown_payload` (answer 400).
 * @param {string|Buffer|Uint8Array|object} body the request body as received, or the object a framework parsed from it
 */
function parseWebhook (body) {
  let raw = body
  if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array)) {
    try {
      raw = JSON.stringify(body)
    } catch (e) {
      throw typeError(`body: an object that JSON cannot hold (${e.message})`)
    }
  } else if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw typeError(`body must be a string, a Buffer, a Uint8Array or a parsed object, not ${describe(body)}`)
  }
  const parts = native.parseWebhook(raw)
  const hook = JSON.parse(parts.json)
  const at = { pos: 0 }
  let i = 0
  const events = hook.events.map((e) => {
    const event = camelKeys(e)
    event.classification = e.classification === null ? null : build(parts.classifications, (i++) * SLOTS, parts.strings, at)
    return event
  })
  const confirmation = hook.sns_confirmation
  return {
    esp: hook.esp,
    events,
    snsConfirmation: confirmation === null ? null : camelKeys(confirmation)
  }
}

/** Every service `parseWebhook` reads, and every event kind it gives. */
const ESPS = Object.freeze(tables.esps)
const WEBHOOK_EVENTS = Object.freeze(tables.webhookEvents)
const NOT_A_WEBHOOK_WHATS = Object.freeze(tables.notAWebhookWhats)
/** The core's bounds of `parseWebhook`. */
const WEBHOOK_LIMITS = Object.freeze({ maxWebhookBytes: tables.maxWebhookBytes, maxWebhookEvents: tables.maxWebhookEvents })

const defaults = tables.policyDefaults
/** The core's RetryPolicy::DEFAULT, in JS's names (seed as a number). */
const POLICY_DEFAULTS = Object.freeze({
  firstDelay: defaults.firstDelay,
  backoff: defaults.backoff,
  maxDelay: defaults.maxDelay,
  maxAge: defaults.maxAge,
  greylistDelay: defaults.greylistDelay,
  rateLimitDelay: defaults.rateLimitDelay,
  rateLimitBackoff: defaults.rateLimitBackoff,
  mailboxFullDelay: defaults.mailboxFullDelay,
  maxAttempts: defaults.maxAttempts ?? null,
  softBounceLimit: defaults.softBounceLimit,
  jitter: defaults.jitter,
  seed: Number(defaults.seed)
})

function wholeArg (value, name) {
  if (typeof value !== 'number') throw typeError(`${name} must be a number, not ${describe(value)}`)
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw rangeError(`${name} must be a whole number from 0 to 4294967295, not ${value}`)
  }
  return value
}

function classificationArg (c) {
  if (c === null || typeof c !== 'object') throw typeError(`the classification must be an object, not ${describe(c)}`)
  return c
}

/**
 * When to try a message again and when to give up, with every number configurable; the
 * defaults are the core's (RFC 5321 section 4.5.4.1, Postfix and Exim).
 */
class RetryPolicy {
  // The settings as the addon checked and packed them (a Float64Array): no native object,
  // so nothing for Node to finalize when the policy is collected.
  #packed

  constructor (options) {
    const settings = { ...POLICY_DEFAULTS }
    if (options !== undefined && options !== null) {
      if (typeof options !== 'object') throw typeError(`options must be an object, not ${describe(options)}`)
      for (const key of Object.keys(options)) {
        const value = options[key]
        if (!Object.hasOwn(POLICY_DEFAULTS, key)) throw typeError(`unknown RetryPolicy option '${key}' (known: ${Object.keys(POLICY_DEFAULTS).join(', ')})`)
        if (value === undefined) continue
        const ok = key === 'seed'
          ? typeof value === 'number' || typeof value === 'bigint'
          : typeof value === 'number' || (key === 'maxAttempts' && value === null)
        if (!ok) throw typeError(`RetryPolicy option ${key} must be a number${key === 'maxAttempts' ? ' or null' : key === 'seed' ? ' or a bigint' : ''}, not ${describe(value)}`)
        settings[key] = value
      }
    }
    this.#packed = native.policy({ ...settings, maxAttempts: settings.maxAttempts ?? undefined, seed: String(settings.seed) })
    Object.assign(this, settings)
    Object.freeze(this)
  }

  /**
   * The next step for a message whose last attempt got `c`, after `attempts` attempts
   * (counting that one) over `elapsed` seconds since the first (fractions are dropped).
   * `c` is a result of classify(); from any other object, `reason`, `action` and, if set,
   * `statedWait` are read.
   */
  decide (c, attempts, elapsed) {
    classificationArg(c)
    const statedWait = c.statedWait === undefined || c.statedWait === null ? null : wholeArg(c.statedWait, 'statedWait')
    wholeArg(attempts, 'attempts')
    if (typeof elapsed !== 'number') throw typeError(`elapsed must be a number of seconds, not ${describe(elapsed)}`)
    if (!(elapsed >= 0 && elapsed <= Number.MAX_SAFE_INTEGER)) throw rangeError(`elapsed must be 0 or more seconds, not ${elapsed}`)
    if (typeof c.reason !== 'string' || typeof c.action !== 'string') {
      throw typeError('the classification needs string `reason` and `action` fields')
    }
    // ((retryAfter + 1) * 8 + why) * 4 + action: see decide in bindings-node/src/lib.rs.
    const packed = native.decide(this.#packed, c.reason, c.action, statedWait, attempts, Math.floor(elapsed))
    const action = packed % 4
    const rest = (packed - action) / 4
    const why = rest % 8
    const retryAfter = (rest - why) / 8 - 1
    return { action: ACTIONS[action], retryAfter: retryAfter < 0 ? null : retryAfter, why: RETRY_WHYS[why] }
  }

  /**
   * Whether to stop mailing an address: a hard bounce, or a soft bounce that makes more than
   * `softBounceLimit` consecutive soft bounces (`consecutiveSoftBounces` counts this one).
   */
  shouldSuppress (c, consecutiveSoftBounces) {
    classificationArg(c)
    if (typeof c.suppress !== 'boolean' || typeof c.bounce !== 'string') {
      throw typeError('the classification needs a boolean `suppress` and a string `bounce`')
    }
    wholeArg(consecutiveSoftBounces, 'consecutiveSoftBounces')
    return native.shouldSuppress(this.#packed, c.suppress, c.bounce, consecutiveSoftBounces)
  }
}

/** The version of the package, which is the Rust core's. */
function version () {
  return VERSION
}

/** Builds the rule tables now, so that the first classify() is as fast as the rest. */
function warmUp () {
  native.warmUp()
}

module.exports = {
  classify,
  classifyMany,
  explain,
  compare,
  parseBounce,
  parseWebhook,
  ESPS,
  WEBHOOK_EVENTS,
  NOT_A_WEBHOOK_WHATS,
  WEBHOOK_LIMITS,
  parseBounceAsync,
  parseLogLine,
  readLog,
  RetryPolicy,
  version,
  warmUp,
  SEVERITIES,
  REASONS,
  BOUNCES,
  ACTIONS,
  FAULTS,
  COMMANDS,
  PROVIDERS,
  ERROR_KINDS,
  RETRY_WHYS,
  DSN_ACTIONS,
  BOUNCE_FORMATS,
  NOT_A_BOUNCE_WHATS,
  LOG_FORMATS,
  DELIVERY_STATUSES,
  POLICY_DEFAULTS,
  BOUNCE_LIMITS,
  LOG_LIMITS
}
