// The ES module entry of smtpcodes: the same API as the CommonJS entry (index.js), which
// loads the native addon once for both.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const smtpcodes = require('./index.js')

export const {
  classify,
  classifyMany,
  explain,
  parseBounce,
  parseBounceAsync,
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
  POLICY_DEFAULTS,
  BOUNCE_LIMITS
} = smtpcodes

export default smtpcodes
