// Types of the npm package smtpcodes. The string unions of the core's value sets are generated
// into contract.d.ts (`make contract`) and re-exported here.

import type { ClassificationFields, RetryPolicySettings, Severity, Reason, Bounce, Action, Fault, Command, RetryWhy, ErrorKind, DsnAction, BounceFormat, NotABounceWhat, NotAWebhookWhat, Esp, WebhookEventKind, LogFormat, DeliveryStatus, Provider } from './contract'
export * from './contract'

/** A basic reply code: a number (`550`), a string holding one (`'550'`, `' 550 '`), or none. */
export type Code = number | string | bigint | null | undefined

/** A reply's text: a string, or bytes (invalid UTF-8 is replaced); none is the empty text. */
export type Text = string | Uint8Array | null | undefined

/** What a reply means: every field of the contract (docs/contract.md), `retry_after` as `retryAfter`. */
export interface Classification extends ClassificationFields {
  /** The wait the server stated, when it stated one: not enumerable (not in JSON), read by `RetryPolicy#decide`. */
  readonly statedWait?: number
}

/** Optional hints that sharpen the answer. */
export interface ClassifyOptions {
  /** The SMTP command the reply answered: `'RCPT TO'`, `'rcpt'`, `'end of DATA'`, `'MAIL FROM:<a@b>'`. */
  command?: string | null
  /** The remote host or the recipient domain, for provider detection. */
  host?: string | null
}

/** One reply for `classifyMany`. */
export interface Reply extends ClassifyOptions {
  code?: Code
  text?: Text
}

/** Classifies one SMTP reply. Throws a `SmtpcodesError` for malformed input, a `TypeError` for wrong types. */
export declare function classify(code: Code, text?: Text, options?: ClassifyOptions | null): Classification

/** Classifies many replies in one call into the native code; a malformed one throws with its `index`. */
export declare function classifyMany(replies: readonly (Reply | readonly [code: Code, text?: Text, options?: ClassifyOptions])[]): Classification[]

/** The reference entry of a basic or an enhanced code. */
export interface Explanation {
  /** The code as asked for, normalised: `'421'`, `'5.1.1'` or `'X.1.1'`. */
  code: string
  kind: 'basic' | 'enhanced'
  severity: Severity
  title: string
  description: string
  /** When a sender typically sees it. */
  when: string
  /** What to do about it. */
  fix: string
  /** For an enhanced code: the basic codes the registry associates with it. */
  basic: number[]
  /** For an enhanced code: the classes (2, 4, 5) the registry uses it with. */
  classes: number[]
  /** For an enhanced code: the title of its class. */
  classTitle: string | null
  /** For an enhanced code: the title of its subject. */
  subjectTitle: string | null
  /** The RFC or registry that defines it. */
  source: string
  /** False for a well-formed code that no table lists; the entry then describes its class. */
  registered: boolean
  /** What commonly makes a server send it. */
  causes: Array<{ title: string, text: string }>
  /** What to look at, with the command to run where there is one. */
  checks: Array<{ text: string, command: string | null }>
  /** Whether and how a client retries; null for an `X.` code whose class decides. */
  retry: { kind: 'never' | 'queue' | 'after_wait', text: string } | null
  /** The codes people confuse it with. */
  related: string[]
  /** Who must act: `nobody`, `sender`, `sending_system`, `recipient`, `receiving_system`. */
  who: string[]
  /** When it is seen: a stage of the session (`greeting`, `rcpt`, `data`, ...), `any`, `other` or `local`. */
  seen: string[]
}

/** The reference entry of a basic (`'421'`, `421`) or an enhanced (`'5.1.1'`) code. */
export declare function explain(code: string | number | bigint): Explanation

/** One aspect in which two codes differ. */
export interface Difference {
  aspect: 'class' | 'retry' | 'who' | 'seen' | 'fix'
  a: string
  b: string
  /** The difference as a sentence that names both codes. */
  text: string
}

/** Two codes side by side: their entries, where they differ (computed from the data), and what they share. */
export interface Comparison {
  a: Explanation
  b: Explanation
  differences: Difference[]
  common: string[]
}

/** Compares two codes, basic or enhanced in any mix (`compare('421', '521')`). A bad code throws as `explain` does. */
export declare function compare(a: string | number | bigint, b: string | number | bigint): Comparison

/** One recipient a bounce reports on. */
export interface BouncedRecipient {
  /** The address the report is about (`Final-Recipient`), without angle brackets. */
  recipient: string
  /** The address as the sender wrote it, when the report gives it (`Original-Recipient`). */
  originalRecipient: string | null
  /** What the reporting MTA did. */
  action: DsnAction
  /** The enhanced status code the report gives (`Status:`), else the one in the diagnostic: `'5.1.1'`. */
  status: string | null
  /** The host that answered (`Remote-MTA`), when known. */
  remoteMta: string | null
  /** The server's words, or what the bounce says in their place. */
  diagnostic: string
  /** When the message arrived at the reporting MTA (`Arrival-Date`), as written. */
  arrivalDate: string | null
  /** When delivery was last tried (`Last-Attempt-Date`), as written. */
  lastAttemptDate: string | null
  /** The classification of the diagnostic, as `classify` returns one (a failed recipient is never retried: the MTA gave up). */
  classification: Classification
}

/** What `parseBounce` read from a bounce email. */
export interface BounceReport {
  format: BounceFormat
  /** The MTA that wrote the report (`Reporting-MTA`), when known. */
  reportingMta: string | null
  /** The `Message-ID` of the message that bounced, when the bounce includes its headers. */
  originalMessageId: string | null
  /** One entry per recipient, in the order the report gives them (none for a complaint report). */
  recipients: BouncedRecipient[]
  /** One entry per complaining recipient of an abuse feedback report (`format` `arf`) or an SES complaint. */
  complaints: Complaint[]
}

/** A recipient's complaint (RFC 5965 ARF, or an SES complaint): stop sending to the address. */
export interface Complaint {
  /** The address that complained (`Original-Rcpt-To`, else the returned original's `To:`); null when the report hides it. */
  recipient: string | null
  /** `Feedback-Type`, lower-cased: `abuse`, `fraud`, `virus`, `auth-failure`, `not-spam`, `other`. */
  feedbackType: string
  userAgent: string | null
  sourceIp: string | null
  arrivalDate: string | null
  originalMailFrom: string | null
  /** True except for a `not-spam` report. */
  suppress: boolean
}

/** The name of a bound of `parseBounce` (the `limit` of a `too_large` error). */
export type LimitName = 'maxEmailBytes' | 'maxHeaderBytes' | 'maxParts' | 'maxDepth' | 'maxRecipients'

/** The bounds of the work one `parseBounce` call may do; the defaults are `BOUNCE_LIMITS`. */
export interface BounceLimits {
  /** The largest email read, in bytes: 67108864 (64 MiB). */
  maxEmailBytes: number
  /** The largest header block of the email itself, in bytes: 1048576 (1 MiB). */
  maxHeaderBytes: number
  /** The most MIME parts, nested ones included: 1000. */
  maxParts: number
  /** The deepest nesting of multiparts and attached messages: 32. */
  maxDepth: number
  /** The most recipients one report may name: 10000. */
  maxRecipients: number
}

/**
 * Reads a bounce email (raw bytes; a string is read as UTF-8): one classified entry per
 * recipient. Throws a `SmtpcodesError` of kind `not_a_bounce`, with `what`, for an auto-reply,
 * a complaint report, an ordinary email or not an email; of kind `too_large`, with `limit` and
 * `max`, for an email over a limit; a `TypeError` for other types, a `RangeError` for a limit
 * that is not a whole number of at least 1.
 */
export declare function parseBounce(message: Uint8Array | string, limits?: Partial<BounceLimits> | null): BounceReport

/**
 * `parseBounce` on the libuv thread pool, so that the event loop runs on while a large email
 * is read: a Promise of the same report, rejected with the same errors. The bytes are copied
 * before it returns.
 */
export declare function parseBounceAsync(message: Uint8Array | string, limits?: Partial<BounceLimits> | null): Promise<BounceReport>

/** One per-recipient delivery result of a mail log, with its classification. */
export interface LogRecord {
  format: LogFormat
  /** The timestamp as written (`'Nov 23 04:26:01'`, `'2026-11-23T04:26:01+00:00'`); no year is invented. */
  timestamp: string | null
  /** The queue id (Postfix, Sendmail) or message id (Exim), to join the lines of one message. */
  queueId: string
  /** The envelope sender (empty for the null sender `<>`) when the line names it: only Postfix's message-level `status=expired` line does. */
  sender: string | null
  /** The Message-ID (without angle brackets) when the line names it; delivery lines do not. */
  messageId: string | null
  /** The (first) recipient address; null only for Postfix's message-level `status=expired` line. */
  recipient: string | null
  /** Every recipient the line names: one, except on Sendmail lines that cover several. */
  recipients: string[]
  /** The address before alias expansion (Postfix `orig_to=`, Exim's `<parent>`). */
  originalRecipient: string | null
  /** The remote host name (or its IP address); null for local deliveries and `relay=none`. */
  relay: string | null
  status: DeliveryStatus
  /** The enhanced status code the line states (`dsn=`): `'5.1.1'`. */
  dsn: string | null
  /** The reply text: Postfix's parenthesised part, Exim's message, Sendmail's `stat=` text. */
  text: string
  /** The record classified: its text, with the relay as the host and the `dsn` and status as evidence. */
  classification: Classification
}

/** A delivery record of a log, at its line (counting every line from 1). */
export interface LogRecordEvent {
  event: 'record'
  line: number
  record: LogRecord
}

/** A line over `maxLineBytes`, skipped whole (`longLines: 'skip'`). */
export interface LongLineEvent {
  event: 'long_line'
  line: number
  /** Its length in bytes, line end included. */
  bytes: number
}

export type LogEvent = LogRecordEvent | LongLineEvent

/** The bounds of `parseLogLine` and `readLog`; the default is `LOG_LIMITS`. */
export interface LogLimits {
  /** The longest line read, in bytes: 1048576 (1 MiB). */
  maxLineBytes: number
}

/** The options of `readLog`. */
export interface ReadLogOptions extends Partial<LogLimits> {
  /** A line over `maxLineBytes`: `'skip'` it whole and report it (the default), or `'cut'` it to its first `maxLineBytes` bytes. */
  longLines?: 'skip' | 'cut' | null
}

/** Reads one log line: its delivery record, or null when it is none. A line over `maxLineBytes` throws `too_large`. */
export declare function parseLogLine(line: string | Uint8Array, options?: Partial<LogLimits> | null): LogRecord | null

/** Reads a whole log (its text or its bytes): its delivery records and, by default, the long lines it skipped. */
export declare function readLog(log: string | Uint8Array, options?: ReadLogOptions | null): LogEvent[]

/** One recipient's event of an email service's webhook. */
export interface WebhookEvent {
  esp: Esp
  event: WebhookEventKind
  /** The recipient's address, as the service gives it. */
  recipient: string
  /** RFC 3339 UTC when the service's time is read (Unix seconds or RFC 3339), else as the service wrote it. */
  timestamp: string | null
  /** The service's id of the message, or its Message-ID. */
  messageId: string | null
  /** The service's own label (SES `bounceType/bounceSubType`, Postmark `Type`, SparkPost `bounce_class`, ...). */
  espType: string | null
  /** Stop mailing this address: the classification's verdict when there is a reply, else the service's; always for a complaint or an unsubscribe. */
  suppress: boolean
  /** The reply the service reports, classified as `classify` would; null when it reports none. */
  classification: Classification | null
}

/** An SNS subscription or unsubscription confirmation: fetch `subscribeUrl` to confirm. */
export interface SnsConfirmation {
  kind: string
  topicArn: string | null
  subscribeUrl: string | null
  token: string | null
}

/** What `parseWebhook` read. */
export interface Webhook {
  esp: Esp
  events: WebhookEvent[]
  snsConfirmation: SnsConfirmation | null
}

/** Reads an email service's webhook body (as received, or as the object a framework parsed): one event per recipient. Throws `not_a_webhook` for a body that is not JSON or no service's payload. */
export declare function parseWebhook(body: string | Uint8Array | object): Webhook

/** What to do next with a message. */
export interface RetryDecision {
  action: Action
  /** Seconds until the next attempt when `action` is `retry`. */
  retryAfter: number | null
  why: RetryWhy
}

/** What `RetryPolicy#decide` reads from a classification. */
export type DecideInput = Pick<Classification, 'reason' | 'action'> & { readonly statedWait?: number | null }

/** What `RetryPolicy#shouldSuppress` reads from a classification. */
export type SuppressInput = Pick<Classification, 'suppress' | 'bounce'>

/** When to try a message again and when to give up; every number configurable. */
export declare class RetryPolicy implements Readonly<RetryPolicySettings> {
  /** Throws a `SmtpcodesError` (`kind` `invalid_policy`, with `field`) for settings that cannot work. */
  constructor(options?: Partial<RetryPolicySettings> | null)
  readonly firstDelay: number
  readonly backoff: number
  readonly maxDelay: number
  readonly maxAge: number
  readonly greylistDelay: number
  readonly rateLimitDelay: number
  readonly rateLimitBackoff: number
  readonly mailboxFullDelay: number
  readonly maxAttempts: number | null
  readonly softBounceLimit: number
  readonly jitter: number
  readonly seed: number | bigint
  /** The next step after `attempts` attempts (counting the last) over `elapsed` seconds since the first. */
  decide(c: DecideInput, attempts: number, elapsed: number): RetryDecision
  /** A hard bounce, or more than `softBounceLimit` consecutive soft bounces (counting this one). */
  shouldSuppress(c: SuppressInput, consecutiveSoftBounces: number): boolean
}

/**
 * The error thrown for malformed input (not for wrong types: those are `TypeError`s), and for
 * a bug (`kind` `internal`, `code` `GenericFailure`: the input is not at fault).
 */
export interface SmtpcodesError extends Error {
  code: 'InvalidArg' | 'GenericFailure'
  kind: ErrorKind
  /** `classifyMany`: the position of the reply at fault. */
  index?: number
  /** `invalid_policy`: the setting at fault, in JS's spelling. */
  field?: string
  /** `not_a_bounce`: what the message is instead; `not_a_webhook`: what the body is instead. */
  what?: NotABounceWhat | NotAWebhookWhat
  /** `too_large`: the limit the input is over. */
  limit?: LimitName | 'maxLineBytes'
  /** `too_large`: that limit's value. */
  max?: number
}

/** The package's version, which is the Rust core's. */
export declare function version(): string

/** Builds the rule tables now, so that the first `classify` is as fast as the rest. */
export declare function warmUp(): void

export declare const SEVERITIES: readonly Severity[]
export declare const REASONS: readonly Reason[]
export declare const BOUNCES: readonly Bounce[]
export declare const ACTIONS: readonly Action[]
export declare const FAULTS: readonly Fault[]
export declare const COMMANDS: readonly Command[]
export declare const PROVIDERS: readonly Provider[]
export declare const ERROR_KINDS: readonly ErrorKind[]
export declare const RETRY_WHYS: readonly RetryWhy[]
export declare const DSN_ACTIONS: readonly DsnAction[]
/** Every `format` of a `BounceReport`. */
export declare const BOUNCE_FORMATS: readonly BounceFormat[]
/** Every `what` of a `not_a_bounce` error. */
export declare const NOT_A_BOUNCE_WHATS: readonly NotABounceWhat[]
/** The core's default retry policy settings. */
export declare const POLICY_DEFAULTS: Readonly<RetryPolicySettings>
/** The core's default bounds of `parseBounce` (`Limits::DEFAULT`). */
export declare const BOUNCE_LIMITS: Readonly<BounceLimits>
/** Every `format` of a `LogRecord`. */
export declare const LOG_FORMATS: readonly LogFormat[]
/** Every `status` of a `LogRecord`. */
export declare const DELIVERY_STATUSES: readonly DeliveryStatus[]
/** Every service `parseWebhook` reads. */
export declare const ESPS: readonly Esp[]
/** Every `event` of a `WebhookEvent`. */
export declare const WEBHOOK_EVENTS: readonly WebhookEventKind[]
/** Every `what` of a `not_a_webhook` error. */
export declare const NOT_A_WEBHOOK_WHATS: readonly NotAWebhookWhat[]
/** The core's bounds of `parseWebhook`: 33554432 bytes (32 MiB) and 10000 events. */
export declare const WEBHOOK_LIMITS: Readonly<{ maxWebhookBytes: number, maxWebhookEvents: number }>
/** The core's default bound of `parseLogLine` and `readLog`. */
export declare const LOG_LIMITS: Readonly<LogLimits>
