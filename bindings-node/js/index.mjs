// The ES module entry of smtpcodes: the same API as the CommonJS entry (index.js), which
// loads the native addon once for both.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const smtpcodes = require('./index.js')

export const {
  classify,
  classifyMany,
  explain,
  compare,
  parseBounce,
  parseBounceAsync,
  parseWebhook,
  ESPS,
  WEBHOOK_EVENTS,
  NOT_A_WEBHOOK_WHATS,
  WEBHOOK_LIMITS,
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
} = smtpcodes

export default smtpcodes
