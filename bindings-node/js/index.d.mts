// Types of the ES module entry (index.mjs): the same API as the CommonJS entry.
import * as smtpcodes from './index.js'

export * from './index.js'
export default smtpcodes
