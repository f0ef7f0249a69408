// Type-checked by tests/node/types.test.js: the ES module entry, named and default imports.
import smtpcodes, { classify, parseBounce, parseBounceAsync, parseLogLine, readLog, RetryPolicy, REASONS, DSN_ACTIONS, BOUNCE_LIMITS, type BounceReport, type Classification, type DsnAction, type LogEvent, type LogRecord, type Reason } from 'smtpcodes'

const c: Classification = classify(421, '4.7.0 Try again later')
const r: Reason = c.reason
const again: Classification = smtpcodes.classify(c.code, c.text)
const next = new RetryPolicy().decide(c, 1, 0)
const first: Reason | undefined = REASONS[0]
const report: BounceReport = parseBounce(new TextEncoder().encode('From: a@b\n\n'))
const bounced: Classification | undefined = report.recipients[0]?.classification
const failed: DsnAction | undefined = DSN_ACTIONS[0]
const same: BounceReport = smtpcodes.parseBounce('')
const awaited: BounceReport = await parseBounceAsync(new Uint8Array(0), { maxParts: BOUNCE_LIMITS.maxParts * 2 })
const logRecord: LogRecord | null = parseLogLine('')
const logEvents: LogEvent[] = readLog(new Uint8Array(0))
// @ts-expect-error: not an export
smtpcodes.classifyOne

export { r, again, next, first, bounced, failed, same, awaited, logRecord, logEvents }
