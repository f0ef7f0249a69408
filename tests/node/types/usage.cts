// Type-checked by tests/node/types.test.js (tsc --noEmit): every export, as a CommonJS user
// writes it. `@ts-expect-error` lines prove that the types refuse what they should.
import smtpcodes = require('smtpcodes')
import type { Action, BounceFormat, BounceLimits, BounceReport, BouncedRecipient, Classification, DeliveryStatus, DsnAction, Explanation, LimitName, LogEvent, LogFormat, LogRecord, NotABounceWhat, NotAWebhookWhat, Reason, RetryDecision, SmtpcodesError } from 'smtpcodes'

const { classify, classifyMany, explain, parseBounce, parseBounceAsync, RetryPolicy } = smtpcodes

const c: Classification = classify(550, '5.1.1 User unknown', { command: 'RCPT TO', host: 'mx.example.org' })
const reason: Reason = c.reason
const retryAfter: number | null = c.retryAfter
const code: number | null = c.code
classify('550')
classify(null, new Uint8Array([53, 53, 48]))
classify(undefined, null, null)
classify(550n, 'x', {})
// @ts-expect-error: a boolean is not a code
classify(true, 'x')
// @ts-expect-error: not a reason
const wrong: Reason = 'user_unknwn'
// @ts-expect-error: not an option
classify(550, 'x', { commnd: 'RCPT' })
if (c.action === 'retry') console.log(c.retryAfter)
// @ts-expect-error: 'later' is not an action
if (c.action === 'later') console.log('never')

const many: Classification[] = classifyMany([{ code: 550, text: 'x' }, { text: new Uint8Array(0) }, {}])
const e: Explanation = explain('5.1.1')
const title: string = explain(421).title
const classTitle: string | null = e.classTitle

const policy = new RetryPolicy({ firstDelay: 60, maxAttempts: null, seed: 1n })
const d: RetryDecision = policy.decide(c, 1, 0)
const next: Action = d.action
policy.decide({ reason: 'greylisted', action: 'retry', statedWait: 120 }, 2, 600)
const suppress: boolean = policy.shouldSuppress(c, 3)
const first: number = policy.firstDelay
// @ts-expect-error: settings are read-only
policy.firstDelay = 5
// @ts-expect-error: unknown setting
new RetryPolicy({ firstdelay: 60 })

try {
  classify('abc')
} catch (err) {
  const error = err as SmtpcodesError
  const kind: smtpcodes.ErrorKind = error.kind
  console.log(error.code === 'InvalidArg', kind, error.index, error.field)
}

const report: BounceReport = parseBounce('From: MAILER-DAEMON@mx.example.net\n\n')
parseBounce(new Uint8Array(0))
const format: BounceFormat = report.format
const reportingMta: string | null = report.reportingMta
const messageId: string | null = report.originalMessageId
const bounced: BouncedRecipient | undefined = report.recipients[0]
if (bounced) {
  const dsnAction: DsnAction = bounced.action
  const status: string | null = bounced.status
  const remoteMta: string | null = bounced.remoteMta
  const dates: (string | null)[] = [bounced.arrivalDate, bounced.lastAttemptDate, bounced.originalRecipient]
  const bc: Classification = bounced.classification
  const bouncedReason: Reason = bounced.classification.reason
  policy.decide(bounced.classification, 1, 0)
  console.log(dsnAction, status, remoteMta, dates, bc, bouncedReason, bounced.recipient.toLowerCase(), bounced.diagnostic.length)
  // @ts-expect-error: 'bounced' is not a DSN action
  if (bounced.action === 'bounced') console.log('never')
  // @ts-expect-error: the classification's fields are camelCase
  console.log(bounced.classification.retry_after)
  // @ts-expect-error: camelCase, not snake_case
  console.log(bounced.remote_mta)
}
// @ts-expect-error: 'mime' is not a format
if (report.format === 'mime') console.log('never')
// @ts-expect-error: a number is not an email
parseBounce(5)
// @ts-expect-error: an ArrayBuffer is not accepted
parseBounce(new ArrayBuffer(8))

try {
  parseBounce('hello')
} catch (err) {
  const error = err as SmtpcodesError
  if (error.kind === 'not_a_bounce') {
    const what: NotABounceWhat | NotAWebhookWhat | undefined = error.what
    console.log(what === 'auto_reply')
    // @ts-expect-error: not a what
    console.log(what === 'spam')
  }
  if (error.kind === 'too_large') {
    const limit: LimitName | 'maxLineBytes' | undefined = error.limit
    const max: number | undefined = error.max
    console.log(limit === 'maxParts', max)
    // @ts-expect-error: limits are camelCase, as the option names
    console.log(limit === 'max_parts')
  }
  if (error.kind === 'internal' && error.code === 'GenericFailure') console.log('a bug')
}

// Limits: any of BOUNCE_LIMITS' names, each a number; the async form is a Promise of the same report.
parseBounce('', { maxEmailBytes: 1 << 20, maxRecipients: 100 })
parseBounce('', null)
const limits: Readonly<BounceLimits> = smtpcodes.BOUNCE_LIMITS
const most: number = limits.maxParts
// @ts-expect-error: not a limit
parseBounce('', { maxLines: 5 })
// @ts-expect-error: a limit is a number
parseBounce('', { maxParts: '5' })
const pending: Promise<BounceReport> = parseBounceAsync(new Uint8Array(0), { maxDepth: 4 })
pending.then((r) => r.recipients.map((x) => x.classification.reason)).catch((err: SmtpcodesError) => err.kind)
async function later (): Promise<number> {
  const r = await parseBounceAsync('From: a@b\n\n')
  return r.recipients.length
}
// @ts-expect-error: the async form gives a Promise, not a report
const notYet: BounceReport = parseBounceAsync('')

// Logs: a line's record or null, a log's events; the records' keys are camelCase.
const logRecord: LogRecord | null = smtpcodes.parseLogLine('noise', { maxLineBytes: smtpcodes.LOG_LIMITS.maxLineBytes })
if (logRecord) {
  const logFormat: LogFormat = logRecord.format
  const logStatus: DeliveryStatus = logRecord.status
  const queueId: string = logRecord.queueId
  const logReason: Reason = logRecord.classification.reason
  console.log(logFormat, logStatus, queueId, logReason, logRecord.recipients.length, logRecord.originalRecipient, logRecord.dsn)
  // @ts-expect-error: camelCase, not snake_case
  console.log(logRecord.queue_id)
  // @ts-expect-error: 'failed' is not a delivery status
  if (logRecord.status === 'failed') console.log('never')
}
const logEvents: LogEvent[] = smtpcodes.readLog(new Uint8Array(0), { maxLineBytes: 4096, longLines: 'cut' })
for (const event of logEvents) {
  if (event.event === 'record') console.log(event.line, event.record.classification.action)
  else console.log(event.line, event.bytes)
}
smtpcodes.readLog('', null)
// @ts-expect-error: not a policy
smtpcodes.readLog('', { longLines: 'trim' })
// @ts-expect-error: parseLogLine has no longLines
smtpcodes.parseLogLine('', { longLines: 'cut' })

const lists: ReadonlyArray<string>[] = [smtpcodes.SEVERITIES, smtpcodes.REASONS, smtpcodes.BOUNCES, smtpcodes.ACTIONS, smtpcodes.FAULTS, smtpcodes.COMMANDS, smtpcodes.PROVIDERS, smtpcodes.ERROR_KINDS, smtpcodes.RETRY_WHYS, smtpcodes.DSN_ACTIONS, smtpcodes.BOUNCE_FORMATS, smtpcodes.NOT_A_BOUNCE_WHATS, smtpcodes.LOG_FORMATS, smtpcodes.DELIVERY_STATUSES]
const version: string = smtpcodes.version()
smtpcodes.warmUp()
const defaults: number = smtpcodes.POLICY_DEFAULTS.firstDelay

export { reason, retryAfter, code, wrong, many, title, classTitle, next, suppress, first, lists, version, defaults, format, reportingMta, messageId, most, later, notYet, logEvents }

// Webhooks: the body as received, or as the framework parsed it.
const hook: smtpcodes.Webhook = smtpcodes.parseWebhook('{"RecordType": "Bounce"}')
smtpcodes.parseWebhook(new Uint8Array(0))
smtpcodes.parseWebhook({ RecordType: 'Bounce' })
for (const event of hook.events) {
  const kind: smtpcodes.WebhookEventKind = event.event
  const esp: smtpcodes.Esp = event.esp
  const reasonOrNull: Reason | null = event.classification?.reason ?? null
  console.log(kind, esp, reasonOrNull, event.suppress, event.espType, event.messageId)
  // @ts-expect-error: not an event kind
  console.log(event.event === 'opened')
}
const subscribe: string | null = hook.snsConfirmation?.subscribeUrl ?? null
const listed: readonly smtpcodes.Esp[] = smtpcodes.ESPS
console.log(subscribe, listed, smtpcodes.WEBHOOK_EVENTS, smtpcodes.NOT_A_WEBHOOK_WHATS)
// @ts-expect-error: a number is not a body
smtpcodes.parseWebhook(42)

// The reference: an entry's lists, and two codes compared.
const cmp: smtpcodes.Comparison = smtpcodes.compare('421', 521)
for (const d of cmp.differences) console.log(d.aspect, d.text)
const retryKind: 'never' | 'queue' | 'after_wait' | undefined = smtpcodes.explain('421').retry?.kind
console.log(cmp.common, retryKind, smtpcodes.explain(550).checks.map((c) => c.command ?? c.text))
// @ts-expect-error: not an aspect
console.log(cmp.differences[0].aspect === 'colour')

// smtpcodes/express: a handler for webhook POSTs.
import smtpExpress = require('smtpcodes/express')
const handler = smtpExpress.webhook(async (event) => {
  const dead: boolean = event.suppress
  console.log(dead, event.classification?.reason)
}, { maxBodyBytes: smtpExpress.MAX_BODY_BYTES, onSnsConfirmation: (c) => console.log(c.subscribeUrl) })
console.log(typeof handler)
// @ts-expect-error: the handler is a function
smtpExpress.webhook('not a function')
