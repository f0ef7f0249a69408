// Type-checked by tests/node/types.test.js: the ES module entry, named and default imports.
import smtpcodes, { classify, RetryPolicy, REASONS, type Classification, type Reason } from 'smtpcodes'

const c: Classification = classify(421, '4.7.0 Try again later')
const r: Reason = c.reason
const again: Classification = smtpcodes.classify(c.code, c.text)
const next = new RetryPolicy().decide(c, 1, 0)
const first: Reason | undefined = REASONS[0]
// @ts-expect-error: not an export
smtpcodes.classifyOne

export { r, again, next, first }
