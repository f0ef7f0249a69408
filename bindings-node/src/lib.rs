//! The native half of the npm package `smtpcodes` (napi-rs).
//!
//! Every function here converts its arguments, calls the core and converts the answer: no
//! rules, tables or defaults of its own. Creating a JS object from native code costs ~2 us
//! (see `docs/node.md`), so the hot calls (`classify`, `classifyMany`) answer compactly:
//! numbers written into a `Float64Array` the caller owns (indexes into the core's name
//! tables, which [`tables`] hands over once at load) and one string holding the result's
//! strings end to end. `bindings-node/js/index.js` assembles the result objects.
//!
//! A panic must never reach Node: one that unwinds out of an `extern "C"` callback aborts the
//! user's process. So every exported function is marked `#[napi(catch_unwind)]` (napi-rs then
//! catches a panic anywhere in its glue, the argument and result conversions included) and runs
//! its body through [`guard`], which uses `smtpcodes::contain` to turn a panic into the core's
//! `Error::Internal`: a thrown JS `Error` with `kind: 'internal'`. The thread-pool half of
//! `parseBounceAsync` is contained the same way, since napi-rs does not catch panics there.
//!
//! Errors from the core are thrown as JS `Error`s with the core's `kind` slug and
//! `code: 'InvalidArg'` (`'GenericFailure'` for `internal`: the input is not at fault).
//!
//! Bytes from JS (`Buffer`, `Uint8Array`, `Float64Array`) are copied into Rust-owned memory
//! before anything reads them: a view of a `SharedArrayBuffer` can change under the reader
//! while another thread writes it, and the core slices text it has checked once.
//!
//! Nothing goes back to JS in memory that Rust owns: a typed array built over a Rust `Vec` (an
//! external `ArrayBuffer`) or an object wrapping a Rust value is freed only by a finalizer
//! that Node runs on a later turn of the event loop, so a caller looping synchronously would
//! pile them up. Typed arrays are made in memory V8 allocates
//! ([`Float64ArraySlice::copy_from`]) and collected like any other, and no class wraps a Rust
//! value: a retry policy crosses as its packed settings ([`policy`]).

#![allow(
    clippy::needless_pass_by_value,
    reason = "napi-rs hands every argument over by value."
)]

pub mod logs;
pub mod webhook;

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

use napi::bindgen_prelude::{
    AsyncTask, BufferSlice, Either, Env, Float64ArraySlice, JsObjectValue, JsValue, Object,
    Uint8ArraySlice,
};
use napi::{Error as NapiError, Result, ScopedTask, Status};
use napi_derive::napi;
use smtpcodes::logs::{DeliveryStatus, LogFormat};
use smtpcodes::{
    Action, Bounce, BounceReport, BouncedRecipient, Classification, Command, DsnAction, Enhanced,
    Error as CoreError, Fault, Limits, Reason, Reply, RetryPolicy, RetryWhy, Severity,
};

/// Numbers per classification in the output array. Slot order, shared with
/// `bindings-node/js/index.js` (the vector tests compare every field of every result with
/// the naive [`classify_object`], so a mismatch cannot go unnoticed):
///
/// | slot | value |
/// |---|---|
/// | 0-4 | indexes of `severity`, `reason`, `bounce`, `action`, `fault` in the core's `ALL` lists |
/// | 5 | `provider`: its index in the [`Interner`]'s table, -1 for none |
/// | 6 | `code`, -1 for none |
/// | 7 | `retry_after`, -1 for none |
/// | 8 | the wait the server stated, -1 for none (for `RetryPolicy.decide`) |
/// | 9 | `suppress` (0 or 1) plus twice the number of entries of the [`Interner`]'s table that the JS layer must hold to read this result |
/// | 10 | the length in UTF-16 units of `text`, which starts the returned string |
/// | 11 | `enhanced`: -1 for none, else as below |
/// | 12-15 | `title`, `description`, `advice`, `matched`: an index >= 0 in the [`Interner`]'s table, or `-(len + 2)` for a string of `len` UTF-16 units that follows in the returned string, in slot order |
pub const SLOTS: usize = 16;

/// The core's name tables and defaults, read once when the package loads.
#[napi(object, object_from_js = false)]
pub struct Tables {
    /// `smtpcodes::VERSION`.
    pub version: String,
    /// Numbers per classification in the output array of `classify`.
    pub slots: u32,
    /// `Severity::ALL`, as strings.
    pub severities: Vec<&'static str>,
    /// `Reason::ALL`.
    pub reasons: Vec<&'static str>,
    /// `Bounce::ALL`.
    pub bounces: Vec<&'static str>,
    /// `Action::ALL`.
    pub actions: Vec<&'static str>,
    /// `Fault::ALL`.
    pub faults: Vec<&'static str>,
    /// `Command::ALL`.
    pub commands: Vec<&'static str>,
    /// `smtpcodes::providers()`.
    pub providers: Vec<&'static str>,
    /// `Error::KINDS`.
    pub error_kinds: Vec<&'static str>,
    /// `RetryWhy::ALL`.
    pub retry_whys: Vec<&'static str>,
    /// `DsnAction::ALL`.
    pub dsn_actions: Vec<&'static str>,
    /// `BounceReport::FORMATS`.
    pub bounce_formats: Vec<&'static str>,
    /// `Error::NOT_A_BOUNCE`: the `what` of a `not_a_bounce` error.
    pub not_a_bounce_whats: Vec<&'static str>,
    /// `LogFormat::ALL`: the `format` of a log record.
    pub log_formats: Vec<&'static str>,
    /// `Error::NOT_A_WEBHOOK`: the `what` of a `not_a_webhook` error.
    pub not_a_webhook_whats: Vec<&'static str>,
    /// `webhook::Esp::ALL`: the services `parseWebhook` reads.
    pub esps: Vec<&'static str>,
    /// `webhook::WebhookEventKind::ALL`: the `event` of a webhook event.
    pub webhook_events: Vec<&'static str>,
    /// `DeliveryStatus::ALL`: the `status` of a log record.
    pub delivery_statuses: Vec<&'static str>,
    /// `Limits::DEFAULT.max_line_bytes`, the longest line `parseLogLine` and `readLog` read.
    pub max_line_bytes: f64,
    /// `webhook::MAX_WEBHOOK_BYTES`: the largest body `parseWebhook` reads.
    pub max_webhook_bytes: f64,
    /// `webhook::MAX_WEBHOOK_EVENTS`: the most events one payload may hold.
    pub max_webhook_events: f64,
    /// `RetryPolicy::DEFAULT`.
    pub policy_defaults: PolicySettings,
    /// `Limits::DEFAULT`, the bounds `parseBounce` can change.
    pub bounce_limits: LimitDefaults,
}

/// The settings of a retry policy, in JS's camelCase.
#[napi(object)]
pub struct PolicySettings {
    /// See `RetryPolicy::first_delay`.
    pub first_delay: f64,
    /// See `RetryPolicy::backoff`.
    pub backoff: f64,
    /// See `RetryPolicy::max_delay`.
    pub max_delay: f64,
    /// See `RetryPolicy::max_age`.
    pub max_age: f64,
    /// See `RetryPolicy::greylist_delay`.
    pub greylist_delay: f64,
    /// See `RetryPolicy::rate_limit_delay`.
    pub rate_limit_delay: f64,
    /// See `RetryPolicy::rate_limit_backoff`.
    pub rate_limit_backoff: f64,
    /// See `RetryPolicy::mailbox_full_delay`.
    pub mailbox_full_delay: f64,
    /// See `RetryPolicy::max_attempts`; `null` for none.
    pub max_attempts: Option<f64>,
    /// See `RetryPolicy::soft_bounce_limit`.
    pub soft_bounce_limit: f64,
    /// See `RetryPolicy::jitter`.
    pub jitter: f64,
    /// See `RetryPolicy::seed`, as a decimal string (a `u64` does not fit a JS number).
    pub seed: String,
}

/// The core's name tables, version and defaults. Called once at load.
#[napi(catch_unwind)]
pub fn tables(env: Env) -> Result<Tables> {
    guard(env, || Ok(tables_of()))
}

fn tables_of() -> Tables {
    let d = &RetryPolicy::DEFAULT;
    let l = &Limits::DEFAULT;
    Tables {
        version: smtpcodes::VERSION.to_owned(),
        slots: u32::try_from(SLOTS).unwrap_or(0),
        severities: Severity::NAMES.to_vec(),
        reasons: Reason::NAMES.to_vec(),
        bounces: Bounce::NAMES.to_vec(),
        actions: Action::NAMES.to_vec(),
        faults: Fault::NAMES.to_vec(),
        commands: Command::NAMES.to_vec(),
        providers: smtpcodes::providers().collect(),
        error_kinds: smtpcodes::ErrorKind::NAMES.to_vec(),
        retry_whys: RetryWhy::NAMES.to_vec(),
        dsn_actions: DsnAction::NAMES.to_vec(),
        bounce_formats: smtpcodes::BounceFormat::NAMES.to_vec(),
        not_a_bounce_whats: smtpcodes::NotABounceWhat::NAMES.to_vec(),
        log_formats: LogFormat::NAMES.to_vec(),
        not_a_webhook_whats: smtpcodes::NotAWebhookWhat::NAMES.to_vec(),
        esps: smtpcodes::webhook::Esp::NAMES.to_vec(),
        webhook_events: smtpcodes::webhook::WebhookEventKind::NAMES.to_vec(),
        delivery_statuses: DeliveryStatus::NAMES.to_vec(),
        max_line_bytes: size_f64(l.max_line_bytes),
        max_webhook_bytes: size_f64(smtpcodes::webhook::MAX_WEBHOOK_BYTES),
        max_webhook_events: size_f64(smtpcodes::webhook::MAX_WEBHOOK_EVENTS),
        policy_defaults: PolicySettings {
            first_delay: f64::from(d.first_delay),
            backoff: d.backoff,
            max_delay: f64::from(d.max_delay),
            #[allow(
                clippy::cast_precision_loss,
                reason = "5 days in seconds: far below 2^53"
            )]
            max_age: d.max_age as f64,
            greylist_delay: f64::from(d.greylist_delay),
            rate_limit_delay: f64::from(d.rate_limit_delay),
            rate_limit_backoff: d.rate_limit_backoff,
            mailbox_full_delay: f64::from(d.mailbox_full_delay),
            max_attempts: d.max_attempts.map(f64::from),
            soft_bounce_limit: f64::from(d.soft_bounce_limit),
            jitter: d.jitter,
            seed: d.seed.to_string(),
        },
        bounce_limits: LimitDefaults {
            max_email_bytes: size_f64(l.max_email_bytes),
            max_header_bytes: size_f64(l.max_header_bytes),
            max_parts: size_f64(l.max_parts),
            max_depth: size_f64(l.max_depth),
            max_recipients: size_f64(l.max_recipients),
        },
    }
}

#[allow(
    clippy::cast_precision_loss,
    reason = "the core's limits: far below 2^53"
)]
fn size_f64(n: usize) -> f64 {
    n as f64
}

/// Why a call failed: an error of the core, thrown with its `kind` (and, in a batch, the
/// `index` of the reply at fault), or an error napi-rs throws as it is.
enum Fail {
    Core(CoreError, Option<usize>),
    Napi(NapiError),
}

impl From<CoreError> for Fail {
    fn from(e: CoreError) -> Fail {
        Fail::Core(e, None)
    }
}

impl From<NapiError> for Fail {
    fn from(e: NapiError) -> Fail {
        Fail::Napi(e)
    }
}

/// Runs the body of an exported function with panics contained: a panic becomes the core's
/// `Error::Internal`, thrown like any core error, and never unwinds into Node.
fn guard<T>(env: Env, body: impl FnOnce() -> std::result::Result<T, Fail>) -> Result<T> {
    match smtpcodes::contain(|| Ok(body())) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(Fail::Core(e, index))) => Err(throw_at(env, &e, index)),
        Err(e) => Err(throw_at(env, &e, None)),
        Ok(Err(Fail::Napi(e))) => Err(e),
    }
}

/// The status, and so the JS `code`, of a core error: `InvalidArg` (the input is at fault),
/// or `GenericFailure` for `internal` (a bug).
fn status_of(e: &CoreError) -> Status {
    match e {
        CoreError::Internal { .. } => Status::GenericFailure,
        _ => Status::InvalidArg,
    }
}

/// A core error as a JS `Error`: `code` (see [`status_of`]), `kind`, and what the kind
/// carries: `field` for `invalid_policy`, `what` for `not_a_bounce`, `limit` and `max` for
/// `too_large`; in a batch, the `index` of the reply at fault.
fn error_object<'env>(env: &'env Env, e: &CoreError, index: Option<usize>) -> Result<Object<'env>> {
    let mut error = env.create_error(NapiError::new(status_of(e), e.to_string()))?;
    error.set_named_property("kind", e.kind())?;
    match e {
        CoreError::InvalidPolicy { field, .. } => {
            error.set_named_property("field", camel_case(field))?;
        }
        CoreError::NotABounce { what } => error.set_named_property("what", what.as_str())?,
        CoreError::NotAWebhook { what } => error.set_named_property("what", what.as_str())?,
        CoreError::TooLarge { limit, max } => {
            error.set_named_property("limit", camel_case(limit))?;
            error.set_named_property("max", size_f64(*max))?;
        }
        _ => {}
    }
    if let Some(i) = index {
        error.set_named_property("index", u32::try_from(i).unwrap_or(u32::MAX))?;
    }
    Ok(error)
}

/// Throws a core error (see [`error_object`]) and returns the value that tells napi-rs an
/// exception is already pending.
fn throw_at(env: Env, e: &CoreError, index: Option<usize>) -> NapiError {
    match error_object(&env, e, index).and_then(|error| env.throw(error)) {
        Ok(()) => NapiError::new(Status::PendingException, e.to_string()),
        // Could not build the error object (the environment is shutting down): let napi-rs
        // throw a plain one.
        Err(_) => NapiError::new(status_of(e), e.to_string()),
    }
}

/// `max_delay` -> `maxDelay`: the JS spelling of a policy setting named by the core.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A reply code as JS gave it: a number or a string (`null`/`undefined` arrive as `None`).
/// The `#[napi]` signatures spell the type out, so that the generated `.d.ts` reads
/// `number | string`.
type CodeArg = Either<f64, String>;

/// The code as the core reads it: numbers through `check_code_number` (a number that is not
/// whole, `550.5`, `NaN`, `Infinity`, is an `invalid_code`; a whole one out of range a
/// `code_out_of_range`), strings through `parse_code`.
fn code_of(code: Option<&CodeArg>) -> std::result::Result<Option<u16>, CoreError> {
    match code {
        None => Ok(None),
        Some(Either::B(s)) => smtpcodes::parse_code(s),
        Some(Either::A(n)) => smtpcodes::check_code_number(*n).map(Some),
    }
}

fn command_of(command: Option<&str>) -> std::result::Result<Option<Command>, CoreError> {
    command.map_or(Ok(None), Command::parse_hint)
}

/// Classifies one reply for the JS layer's builders.
fn run(
    code: Option<&CodeArg>,
    text: &str,
    command: Option<&str>,
    host: Option<&str>,
) -> std::result::Result<Classification, CoreError> {
    Ok(Reply::new(text)
        .maybe_code(code_of(code)?)?
        .maybe_command(command_of(command)?)
        .maybe_host(host)
        .classify())
}

#[allow(
    clippy::cast_precision_loss,
    reason = "indexes and lengths: far below 2^53"
)]
fn index_f64(i: usize) -> f64 {
    i as f64
}

/// The length of `s` in UTF-16 units, as JS counts it: one per character, two for those
/// beyond U+FFFF. An ASCII string's is its length in bytes; otherwise counted over the bytes
/// without branching: every byte but a continuation byte starts a character, and a 4-byte one
/// needs a surrogate pair.
fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

fn opt_f64(v: Option<u32>) -> f64 {
    v.map_or(-1.0, f64::from)
}

/// Most entries the [`Interner`]'s table holds; a string that would be one more crosses in
/// the returned string instead, so the table stays bounded whatever the input.
const INTERNED_MAX: usize = 1 << 14;

/// The strings of results that the JS layer keeps, each crossing once: those of the core's
/// tables (titles, descriptions, advice, provider names, rule labels: `&'static str`s, known
/// by their address and length), the enhanced codes (`5.1.1`, by their numbers) and the
/// descriptions the core writes from two table entries (by their text). A result then
/// carries indexes in this table instead of the strings.
///
/// One table for the process, behind a lock taken once per result: the indexes mean the same
/// in every worker thread, and each thread's JS layer fetches the entries it lacks
/// ([`table_strings`]). Entries are never removed.
#[derive(Default)]
struct Interner {
    by_address: HashMap<(usize, usize), u32, Fx>,
    by_enhanced: HashMap<Enhanced, u32, Fx>,
    by_text: HashMap<String, u32, Fx>,
    strings: Vec<Cow<'static, str>>,
}

type Fx = BuildHasherDefault<KeyHasher>;

/// A multiply-rotate hasher (the step of `FxHash`) for the [`Interner`]'s keys: addresses, small
/// numbers and the core's texts, none chosen by an adversary (the table is bounded anyway).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

static INTERNER: LazyLock<Mutex<Interner>> = LazyLock::new(Mutex::default);

/// The table, whatever a panic elsewhere left it in: entries are only ever appended whole.
fn interner() -> MutexGuard<'static, Interner> {
    INTERNER.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Interner {
    /// Room for one more entry, and its index.
    fn next(&self) -> Option<u32> {
        if self.strings.len() >= INTERNED_MAX {
            return None;
        }
        u32::try_from(self.strings.len()).ok()
    }

    /// A `&'static str`, known by its address and length (the same two mean the same bytes).
    fn of_static(&mut self, s: &'static str) -> Option<u32> {
        let key = (s.as_ptr() as usize, s.len());
        if let Some(&i) = self.by_address.get(&key) {
            return Some(i);
        }
        let i = self.next()?;
        self.strings.push(Cow::Borrowed(s));
        self.by_address.insert(key, i);
        Some(i)
    }

    /// An enhanced code's text, known by its numbers.
    fn of_enhanced(&mut self, e: Enhanced) -> Option<u32> {
        if let Some(&i) = self.by_enhanced.get(&e) {
            return Some(i);
        }
        let i = self.next()?;
        self.strings.push(Cow::Owned(e.to_string()));
        self.by_enhanced.insert(e, i);
        Some(i)
    }

    /// A table's string by its address; a string written from table entries by its text,
    /// when `by_text`; any other crosses in the returned string.
    #[allow(
        clippy::ptr_arg,
        reason = "the `Cow` says whether the string is a table's"
    )]
    fn of_cow(&mut self, s: &Cow<'static, str>, by_text: bool) -> Option<u32> {
        match s {
            Cow::Borrowed(s) => self.of_static(s),
            Cow::Owned(s) if by_text => {
                if let Some(&i) = self.by_text.get(s.as_str()) {
                    return Some(i);
                }
                let i = self.next()?;
                self.strings.push(Cow::Owned(s.clone()));
                self.by_text.insert(s.clone(), i);
                Some(i)
            }
            Cow::Owned(_) => None,
        }
    }
}

/// Writes one classification's numbers into `out` (native-endian `f64`s, read by a
/// `Float64Array` over the same memory) and appends its strings to `strings`.
fn encode(c: &Classification, table: &mut Interner, out: &mut [u8], strings: &mut String) {
    for (slot, n) in out.chunks_exact_mut(8).zip(slots(c, table, strings)) {
        slot.copy_from_slice(&n.to_ne_bytes());
    }
}

/// The slot of a string: its index in `table`, else `-(len + 2)` with the string appended to
/// `strings`.
fn string_slot(index: Option<u32>, s: &str, strings: &mut String) -> f64 {
    if let Some(i) = index {
        return f64::from(i);
    }
    strings.push_str(s);
    -2.0 - index_f64(utf16_len(s))
}

/// One classification's [`SLOTS`] numbers; appends its strings to `strings`.
fn slots(c: &Classification, table: &mut Interner, strings: &mut String) -> [f64; SLOTS] {
    strings.push_str(&c.text);
    let text = index_f64(utf16_len(&c.text));
    let enhanced = match c.enhanced {
        None => -1.0,
        Some(e) => match table.of_enhanced(e) {
            Some(i) => f64::from(i),
            None => string_slot(None, &e.to_string(), strings),
        },
    };
    let provider = c
        .provider
        .and_then(|p| table.of_static(p))
        .map_or(-1.0, f64::from);
    let title = string_slot(table.of_static(c.title), c.title, strings);
    let description = string_slot(table.of_cow(&c.description, true), &c.description, strings);
    let advice = string_slot(table.of_static(c.advice), c.advice, strings);
    let matched = string_slot(table.of_cow(&c.matched, false), &c.matched, strings);
    let suppress = if c.suppress { 1.0 } else { 0.0 };
    [
        index_f64(c.severity.index()),
        index_f64(c.reason.index()),
        index_f64(c.bounce.index()),
        index_f64(c.action.index()),
        index_f64(c.fault.index()),
        provider,
        c.code.map_or(-1.0, f64::from),
        opt_f64(c.retry_after),
        opt_f64(c.stated_wait),
        suppress + 2.0 * index_f64(table.strings.len()),
        text,
        enhanced,
        title,
        description,
        advice,
        matched,
    ]
}

/// The entries of the table of interned strings from `from` on: what a JS layer that holds
/// `from` of them lacks (see `SLOTS`, slot 9).
#[napi(catch_unwind)]
pub fn table_strings(env: Env, from: u32) -> Result<Vec<String>> {
    guard(env, || {
        let table = interner();
        let from = usize::try_from(from).unwrap_or(usize::MAX);
        Ok(table
            .strings
            .get(from..)
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect())
    })
}

/// The bytes of one classification in the output buffer.
const SLOT_BYTES: usize = SLOTS * 8;

fn check_out(out: &[u8], n: usize) -> Result<()> {
    if out.len() < n * SLOT_BYTES {
        return Err(NapiError::new(
            Status::InvalidArg,
            format!("the output buffer needs {} bytes", n * SLOT_BYTES),
        ));
    }
    Ok(())
}

/// Classifies one reply: writes [`SLOTS`] numbers into `out` and returns the result's
/// strings end to end (see [`SLOTS`] for the layout). `out` is only written, never read.
#[napi(catch_unwind)]
pub fn classify(
    env: Env,
    code: Option<Either<f64, String>>,
    text: String,
    command: Option<String>,
    host: Option<String>,
    mut out: BufferSlice,
) -> Result<String> {
    guard(env, || {
        check_out(&out, 1)?;
        let c = run(code.as_ref(), &text, command.as_deref(), host.as_deref())?;
        let mut strings = String::with_capacity(c.text.len() + c.matched.len() + 16);
        encode(&c, &mut interner(), &mut out, &mut strings);
        Ok(strings)
    })
}

/// Takes what [`classify`] takes and does nothing: the crossing floor, which
/// `bindings-node/bench/crossing.js` measures in the same run as `classify` (the cost of
/// the call and of converting its arguments, and the panic guard, with no classification and
/// no result). Not part of the public JS API.
#[napi(js_name = "_noop", catch_unwind)]
pub fn noop(
    env: Env,
    code: Option<Either<f64, String>>,
    text: String,
    command: Option<String>,
    host: Option<String>,
    out: BufferSlice,
) -> Result<()> {
    // napi-rs has converted every argument before the body runs, as for `classify`.
    guard(env, || {
        let _ = (code, text, command, host, out);
        Ok(())
    })
}

/// How `classifyMany`'s JS layer describes each reply: six numbers per reply in `meta`,
/// the strings in `input`, one after the other, separated by a NUL.
///
/// | slot | value |
/// |---|---|
/// | 0 | the code: 0 none, 1 a number (slot 1), 2 a string (its length in slot 2) |
/// | 1 | the code when it is a number |
/// | 2-5 | lengths in UTF-16 units of the code string, `text`, `command` and `host` (-1: absent) |
const META_SLOTS: usize = 6;

/// Splits `s` after exactly `units` UTF-16 units; `None` when `s` is shorter or the split
/// would cut a character in two.
fn split_utf16(s: &str, units: f64) -> Option<(&str, &str)> {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked by `whole`"
    )]
    let mut left = whole(units, MAX_SAFE)? as usize;
    let mut end = 0;
    for c in s.chars() {
        if left == 0 {
            break;
        }
        left = left.checked_sub(c.len_utf16())?;
        end += c.len_utf8();
    }
    (left == 0).then(|| s.split_at(end))
}

fn mismatch() -> NapiError {
    NapiError::new(
        Status::InvalidArg,
        "classifyMany: the input lengths do not match the input string".to_owned(),
    )
}

/// Reads one part of a `classifyMany` input: `None` for length -1, else the next `len`
/// UTF-16 units of `rest`, and the NUL that separates it from the next part. (The separator
/// keeps a lone surrogate at the end of one part from pairing with one at the start of the
/// next when the joined string is converted to UTF-8.)
fn take_part<'a>(rest: &mut &'a str, len: f64) -> Result<Option<&'a str>> {
    if len < 0.0 {
        return Ok(None);
    }
    let (part, tail) = split_utf16(rest, len).ok_or_else(mismatch)?;
    *rest = match tail.strip_prefix('\0') {
        Some(after) => after,
        None if tail.is_empty() => tail,
        None => return Err(mismatch()),
    };
    Ok(Some(part))
}

/// One reply of a `classifyMany` input: its [`META_SLOTS`] numbers `m`, its strings read from
/// `rest`.
#[allow(
    clippy::type_complexity,
    reason = "the four parts of one reply, named by the doc comment"
)]
fn read_reply<'a>(
    rest: &mut &'a str,
    m: &[f64],
) -> Result<(Option<CodeArg>, &'a str, Option<&'a str>, Option<&'a str>)> {
    let code_str = take_part(rest, if m[0] > 1.5 { m[2] } else { -1.0 })?;
    let text = take_part(rest, m[3])?.unwrap_or("");
    let command = take_part(rest, m[4])?;
    let host = take_part(rest, m[5])?;
    let code = match (m[0], code_str) {
        (1.0, _) => Some(Either::A(m[1])),
        (_, Some(s)) => Some(Either::B(s.to_owned())),
        _ => None,
    };
    Ok((code, text, command, host))
}

/// Private, not API: the core's own time, for `bindings-node/bench/crossing.js`. Reads the
/// replies of a `classifyMany` input (`input`, `meta`) once, then classifies them all
/// `passes` times in a loop in Rust, each result made and dropped as a `classify` call makes
/// and drops one. The benchmark times the call: what `classify()` costs beyond it is the
/// crossing's. Returns how many results were made.
#[napi(js_name = "_coreLoop", catch_unwind)]
pub fn core_loop(env: Env, input: String, meta: Float64ArraySlice, passes: u32) -> Result<f64> {
    guard(env, || {
        let meta: Vec<f64> = meta.to_vec();
        let mut rest = input.as_str();
        let replies = meta
            .chunks_exact(META_SLOTS)
            .map(|m| read_reply(&mut rest, m))
            .collect::<Result<Vec<_>>>()?;
        let mut made = 0.0;
        for _ in 0..passes {
            for (code, text, command, host) in &replies {
                let c = run(code.as_ref(), text, *command, *host)?;
                std::hint::black_box(&c);
                made += 1.0;
            }
        }
        Ok(made)
    })
}

/// Classifies many replies in one crossing: the batch form of [`classify`]. Stops at the
/// first malformed reply and throws its error with `index` set to its position. `meta` is
/// copied before it is read; `out` is only written.
#[napi(catch_unwind)]
pub fn classify_many(
    env: Env,
    input: String,
    meta: Float64ArraySlice,
    mut out: BufferSlice,
) -> Result<String> {
    guard(env, || {
        let meta: Vec<f64> = meta.to_vec();
        let n = meta.len() / META_SLOTS;
        check_out(&out, n)?;
        let mut rest = input.as_str();
        let mut strings = String::with_capacity(n * 256);
        for (i, (m, o)) in meta
            .chunks_exact(META_SLOTS)
            .zip(out.chunks_exact_mut(SLOT_BYTES))
            .enumerate()
        {
            let (code, text, command, host) = read_reply(&mut rest, m)?;
            let c = run(code.as_ref(), text, command, host).map_err(|e| Fail::Core(e, Some(i)))?;
            encode(&c, &mut interner(), o, &mut strings);
        }
        Ok(strings)
    })
}

/// The naive design the compact one is measured against (`npm run bench`), and the oracle
/// of the vector tests: the whole classification as a JS object built natively.
#[napi(object, object_from_js = false)]
pub struct ClassificationObject {
    /// The classification's `code`.
    pub code: Option<u32>,
    /// The classification's `enhanced`.
    pub enhanced: Option<String>,
    /// The classification's `severity`.
    pub severity: &'static str,
    /// The classification's `reason`.
    pub reason: &'static str,
    /// The classification's `bounce`.
    pub bounce: &'static str,
    /// The classification's `action`.
    pub action: &'static str,
    /// The classification's `retry_after`.
    pub retry_after: Option<u32>,
    /// The classification's `suppress`.
    pub suppress: bool,
    /// The classification's `fault`.
    pub fault: &'static str,
    /// The classification's `provider`.
    pub provider: Option<&'static str>,
    /// The classification's `title`.
    pub title: &'static str,
    /// The classification's `description`.
    pub description: String,
    /// The classification's `advice`.
    pub advice: &'static str,
    /// The classification's `text`.
    pub text: String,
    /// The classification's `matched`.
    pub matched: String,
}

/// [`classify`] returning a natively built object: slower, kept as the benchmark's
/// baseline and the tests' oracle. Not part of the public JS API.
#[napi(catch_unwind)]
pub fn classify_object(
    env: Env,
    code: Option<Either<f64, String>>,
    text: String,
    command: Option<String>,
    host: Option<String>,
) -> Result<ClassificationObject> {
    guard(env, || {
        let c = run(code.as_ref(), &text, command.as_deref(), host.as_deref())?;
        Ok(object_of(c))
    })
}

fn object_of(c: Classification) -> ClassificationObject {
    ClassificationObject {
        code: c.code.map(u32::from),
        enhanced: c.enhanced.map(|e| e.to_string()),
        severity: c.severity.as_str(),
        reason: c.reason.as_str(),
        bounce: c.bounce.as_str(),
        action: c.action.as_str(),
        retry_after: c.retry_after,
        suppress: c.suppress,
        fault: c.fault.as_str(),
        provider: c.provider,
        title: c.title,
        description: cow(c.description),
        advice: c.advice,
        text: c.text,
        matched: cow(c.matched),
    }
}

fn cow(s: Cow<'static, str>) -> String {
    s.into_owned()
}

/// The reference entry of a code, as `smtpcodes::explain` gives it.
#[napi(object, object_from_js = false)]
pub struct Explanation {
    /// `smtpcodes::Explanation::code`.
    pub code: String,
    /// `smtpcodes::Explanation::kind`.
    pub kind: &'static str,
    /// `smtpcodes::Explanation::severity`.
    pub severity: &'static str,
    /// `smtpcodes::Explanation::title`.
    pub title: &'static str,
    /// `smtpcodes::Explanation::description`.
    pub description: &'static str,
    /// `smtpcodes::Explanation::when`.
    pub when: &'static str,
    /// `smtpcodes::Explanation::fix`.
    pub fix: &'static str,
    /// `smtpcodes::Explanation::basic`.
    pub basic: Vec<u32>,
    /// `smtpcodes::Explanation::classes`.
    pub classes: Vec<u32>,
    /// `smtpcodes::Explanation::class_title`.
    pub class_title: Option<&'static str>,
    /// `smtpcodes::Explanation::subject_title`.
    pub subject_title: Option<&'static str>,
    /// `smtpcodes::Explanation::source`.
    pub source: &'static str,
    /// `smtpcodes::Explanation::registered`.
    pub registered: bool,
    /// The reference's lists (`causes`, `checks`, `retry`, `related`, `who`, `seen`) as the
    /// JSON text serde writes; the JS layer spreads it into the entry.
    pub reference: String,
}

/// The reference's lists of an entry, as they cross (see [`Explanation::reference`]).
#[derive(serde::Serialize)]
struct ReferenceLists<'a> {
    causes: &'a [smtpcodes::Cause],
    checks: &'a [smtpcodes::Check],
    retry: &'a Option<smtpcodes::Retry>,
    related: &'a [&'a str],
    who: &'a [&'a str],
    seen: &'a [&'a str],
}

/// Two codes side by side, as `smtpcodes::compare` gives them.
#[napi(object, object_from_js = false)]
pub struct ComparisonParts {
    /// The first code's entry.
    pub a: Explanation,
    /// The second code's entry.
    pub b: Explanation,
    /// `differences` and `common` as the JSON text serde writes.
    pub json: String,
}

/// `smtpcodes::compare`: two codes and their differences, computed from the reference data.
#[napi(catch_unwind)]
pub fn compare(env: Env, a: String, b: String) -> Result<ComparisonParts> {
    guard(env, || {
        let smtpcodes::Comparison {
            a,
            b,
            differences,
            common,
        } = smtpcodes::compare(&a, &b)?;
        let json = serde_json::to_string(&serde_json::json!({
            "differences": differences,
            "common": common,
        }))
        .map_err(|e| NapiError::new(Status::GenericFailure, e.to_string()))?;
        Ok(ComparisonParts {
            a: explanation_of(a),
            b: explanation_of(b),
            json,
        })
    })
}

/// `smtpcodes::explain`: the reference entry of a basic (`"421"`) or enhanced (`"5.1.1"`)
/// code. Rarely called, so it returns a natively built object.
#[napi(catch_unwind)]
pub fn explain(env: Env, code: String) -> Result<Explanation> {
    guard(env, || Ok(explanation_of(smtpcodes::explain(&code)?)))
}

fn explanation_of(e: smtpcodes::Explanation) -> Explanation {
    let reference = serde_json::to_string(&ReferenceLists {
        causes: e.causes,
        checks: e.checks,
        retry: &e.retry,
        related: e.related,
        who: e.who,
        seen: e.seen,
    })
    .unwrap_or_default();
    Explanation {
        reference,
        code: e.code,
        kind: e.kind.as_str(),
        severity: e.severity.as_str(),
        title: e.title,
        description: e.description,
        when: e.when,
        fix: e.fix,
        basic: e.basic.iter().map(|&b| u32::from(b)).collect(),
        classes: e.classes.iter().map(|&c| u32::from(c)).collect(),
        class_title: e.class_title,
        subject_title: e.subject_title,
        source: e.source,
        registered: e.registered,
    }
}

/// The largest whole number a JS number holds exactly: 2^53.
const MAX_SAFE: f64 = 9_007_199_254_740_992.0;

/// `v` when it is a whole number within `0..=max`.
fn whole(v: f64, max: f64) -> Option<f64> {
    (v.is_finite() && v.fract() == 0.0 && (0.0..=max).contains(&v)).then_some(v)
}

/// A policy setting that must be a `u32`; anything else is an `invalid_policy` error.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "checked by `whole`"
)]
fn setting_u32(field: &'static str, v: f64) -> std::result::Result<u32, CoreError> {
    whole(v, f64::from(u32::MAX))
        .map(|v| v as u32)
        .ok_or(CoreError::InvalidPolicy {
            field,
            why: "must be a whole number from 0 to 4294967295",
        })
}

/// A policy setting that must be a `u64` (within what a JS number holds exactly).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "checked by `whole`"
)]
fn setting_u64(field: &'static str, v: f64) -> std::result::Result<u64, CoreError> {
    whole(v, MAX_SAFE)
        .map(|v| v as u64)
        .ok_or(CoreError::InvalidPolicy {
            field,
            why: "must be a whole number from 0 to 2^53",
        })
}

/// An argument that must be a whole number; the JS layer checks first, so this only guards
/// direct calls into the addon.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "checked by `whole`"
)]
fn arg_whole(name: &str, v: f64, max: f64) -> Result<u64> {
    whole(v, max).map(|v| v as u64).ok_or_else(|| {
        NapiError::new(
            Status::InvalidArg,
            format!("{name} must be a whole number from 0 to {max}"),
        )
    })
}

fn arg_u32(name: &str, v: f64) -> Result<u32> {
    arg_whole(name, v, f64::from(u32::MAX)).map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

fn policy_of(s: &PolicySettings) -> std::result::Result<RetryPolicy, CoreError> {
    let seed = s
        .seed
        .trim()
        .parse()
        .map_err(|_| CoreError::InvalidPolicy {
            field: "seed",
            why: "must be a whole number from 0 to 2^64 - 1",
        })?;
    policy_with(s, seed)
}

/// The policy of the settings and `seed`, validated (`invalid_policy` when it cannot work).
fn policy_with(s: &PolicySettings, seed: u64) -> std::result::Result<RetryPolicy, CoreError> {
    let policy = RetryPolicy {
        first_delay: setting_u32("first_delay", s.first_delay)?,
        backoff: s.backoff,
        max_delay: setting_u32("max_delay", s.max_delay)?,
        max_age: setting_u64("max_age", s.max_age)?,
        greylist_delay: setting_u32("greylist_delay", s.greylist_delay)?,
        rate_limit_delay: setting_u32("rate_limit_delay", s.rate_limit_delay)?,
        rate_limit_backoff: s.rate_limit_backoff,
        mailbox_full_delay: setting_u32("mailbox_full_delay", s.mailbox_full_delay)?,
        max_attempts: s
            .max_attempts
            .map(|m| setting_u32("max_attempts", m))
            .transpose()?,
        soft_bounce_limit: setting_u32("soft_bounce_limit", s.soft_bounce_limit)?,
        jitter: s.jitter,
        seed,
    };
    policy.validate()?;
    Ok(policy)
}

/// Numbers in a packed policy: the settings in the order of [`PolicySettings`], with
/// `max_attempts` -1 for none and the `seed` as its high and low 32 bits (a `u64` does not
/// fit a JS number).
const POLICY_SLOTS: usize = 13;

fn pack(p: &RetryPolicy) -> [f64; POLICY_SLOTS] {
    #[allow(
        clippy::cast_precision_loss,
        reason = "checked at most 2^53 by `setting_u64`"
    )]
    let max_age = p.max_age as f64;
    [
        f64::from(p.first_delay),
        p.backoff,
        f64::from(p.max_delay),
        max_age,
        f64::from(p.greylist_delay),
        f64::from(p.rate_limit_delay),
        p.rate_limit_backoff,
        f64::from(p.mailbox_full_delay),
        opt_f64(p.max_attempts),
        f64::from(p.soft_bounce_limit),
        p.jitter,
        f64::from(u32::try_from(p.seed >> 32).unwrap_or(u32::MAX)),
        f64::from(u32::try_from(p.seed & 0xffff_ffff).unwrap_or(u32::MAX)),
    ]
}

/// The policy [`pack`] packed, copied out of the JS array first and checked again: the
/// numbers come from JS.
fn unpack(n: &[f64]) -> std::result::Result<RetryPolicy, CoreError> {
    let n: [f64; POLICY_SLOTS] = n.try_into().map_err(|_| CoreError::InvalidPolicy {
        field: "policy",
        why: "must be the 13 numbers that policy() returns",
    })?;
    let half = |v: f64| setting_u32("seed", v).map(u64::from);
    let seed = (half(n[11])? << 32) | half(n[12])?;
    let settings = PolicySettings {
        first_delay: n[0],
        backoff: n[1],
        max_delay: n[2],
        max_age: n[3],
        greylist_delay: n[4],
        rate_limit_delay: n[5],
        rate_limit_backoff: n[6],
        mailbox_full_delay: n[7],
        max_attempts: (n[8] >= 0.0).then_some(n[8]),
        soft_bounce_limit: n[9],
        jitter: n[10],
        seed: String::new(),
    };
    policy_with(&settings, seed)
}

/// Checks retry policy settings (`invalid_policy` when they cannot work) and packs them
/// into a typed array, which the JS class `RetryPolicy` keeps and hands to [`decide`] and
/// [`should_suppress`]. Plain numbers rather than a native object: a wrapped native object
/// is freed by a finalizer Node runs from the event loop, so policies made in a synchronous
/// loop would pile up until it turned.
#[napi(catch_unwind)]
pub fn policy(env: &Env, settings: PolicySettings) -> Result<Float64ArraySlice<'_>> {
    guard(*env, || {
        let packed = pack(&policy_of(&settings)?);
        Ok(Float64ArraySlice::copy_from(env, packed)?)
    })
}

/// `RetryPolicy::decide_parts` under a policy from [`policy`],
/// packed into one number for the JS layer: `((retry_after + 1) * 8 + why) * 4 + action`,
/// with `retry_after` -1 for none.
#[napi(catch_unwind)]
pub fn decide(
    env: Env,
    policy: Float64ArraySlice,
    reason: String,
    action: String,
    stated_wait: Option<f64>,
    attempts: f64,
    elapsed: f64,
) -> Result<f64> {
    guard(env, || {
        let policy = unpack(&policy)?;
        let reason: Reason = reason.parse()?;
        let action: Action = action.parse()?;
        let stated_wait = stated_wait.map(|s| arg_u32("statedWait", s)).transpose()?;
        let attempts = arg_u32("attempts", attempts)?;
        let elapsed = arg_whole("elapsed", elapsed, MAX_SAFE)?;
        let d = policy.decide_parts(reason, action, stated_wait, attempts, elapsed);
        let why = RetryWhy::ALL.iter().position(|&w| w == d.why).unwrap_or(0);
        let action = d.action.index();
        Ok(((opt_f64(d.retry_after) + 1.0) * 8.0 + index_f64(why)) * 4.0 + index_f64(action))
    })
}

/// `RetryPolicy::should_suppress_parts` under a policy from [`policy`], for a
/// classification's `suppress` and `bounce`.
#[napi(catch_unwind)]
pub fn should_suppress(
    env: Env,
    policy: Float64ArraySlice,
    suppress: bool,
    bounce: String,
    consecutive_soft_bounces: f64,
) -> Result<bool> {
    guard(env, || {
        let policy = unpack(&policy)?;
        let bounce: Bounce = bounce.parse()?;
        let n = arg_u32("consecutiveSoftBounces", consecutive_soft_bounces)?;
        Ok(policy.should_suppress_parts(suppress, bounce, n))
    })
}

/// One recipient of a bounce, as `smtpcodes::BouncedRecipient` without its classification,
/// which travels in [`BounceParts::classifications`] and [`BounceParts::strings`].
#[napi(object, object_from_js = false)]
pub struct BouncedRecipientParts {
    /// `BouncedRecipient::recipient`.
    pub recipient: String,
    /// `BouncedRecipient::original_recipient`.
    pub original_recipient: Option<String>,
    /// `BouncedRecipient::action`, as a string of `DsnAction::ALL`.
    pub action: &'static str,
    /// `BouncedRecipient::status`, normalised (`"5.1.1"`).
    pub status: Option<String>,
    /// `BouncedRecipient::remote_mta`.
    pub remote_mta: Option<String>,
    /// `BouncedRecipient::diagnostic`.
    pub diagnostic: String,
    /// `BouncedRecipient::arrival_date`.
    pub arrival_date: Option<String>,
    /// `BouncedRecipient::last_attempt_date`.
    pub last_attempt_date: Option<String>,
}

/// `smtpcodes::BounceReport` for the JS layer: the recipients' classifications are encoded
/// as `classify` encodes one ([`SLOTS`] numbers each in `classifications`, their strings end
/// to end in `strings`, in recipient order), so that the JS layer builds them with the same
/// code as `classify`'s results.
#[napi(object, object_from_js = false)]
pub struct BounceParts<'env> {
    /// `BounceReport::format`: `dsn`, `ses` or `text`.
    pub format: &'static str,
    /// `BounceReport::reporting_mta`.
    pub reporting_mta: Option<String>,
    /// `BounceReport::original_message_id`.
    pub original_message_id: Option<String>,
    /// `BounceReport::recipients`, without their classifications.
    pub recipients: Vec<BouncedRecipientParts>,
    /// `BounceReport::complaints`, as the JSON text serde writes (the JS layer camelCases it).
    pub complaints: String,
    /// [`SLOTS`] numbers per recipient: its classification, laid out as `classify` writes one.
    /// In memory V8 allocates and collects (see the crate's documentation).
    pub classifications: Float64ArraySlice<'env>,
    /// The strings of the classifications, end to end, as `classify` returns them.
    pub strings: String,
}

fn bounce_parts(env: &Env, report: BounceReport) -> Result<BounceParts<'_>> {
    let mut numbers = Vec::with_capacity(report.recipients.len() * SLOTS);
    let mut strings = String::new();
    let mut table = interner();
    let recipients = report
        .recipients
        .into_iter()
        .map(|r: BouncedRecipient| {
            numbers.extend_from_slice(&slots(&r.classification, &mut table, &mut strings));
            BouncedRecipientParts {
                recipient: r.recipient,
                original_recipient: r.original_recipient,
                action: r.action.as_str(),
                status: r.status.map(|s| s.to_string()),
                remote_mta: r.remote_mta,
                diagnostic: r.diagnostic,
                arrival_date: r.arrival_date,
                last_attempt_date: r.last_attempt_date,
            }
        })
        .collect();
    drop(table);
    let complaints = serde_json::to_string(&report.complaints)
        .map_err(|e| NapiError::new(Status::GenericFailure, e.to_string()))?;
    Ok(BounceParts {
        complaints,
        format: report.format.as_str(),
        reporting_mta: report.reporting_mta,
        original_message_id: report.original_message_id,
        recipients,
        classifications: Float64ArraySlice::copy_from(env, &numbers)?,
        strings,
    })
}

/// The bounds of `parseBounce`'s second argument: `smtpcodes::Limits` in JS's camelCase,
/// each absent one at its default. The JS layer has checked that each is a whole number of
/// at least 1; they are checked again here for direct calls into the addon.
#[napi(object, object_to_js = false)]
pub struct LimitSettings {
    /// `Limits::max_email_bytes`.
    pub max_email_bytes: Option<f64>,
    /// `Limits::max_header_bytes`.
    pub max_header_bytes: Option<f64>,
    /// `Limits::max_parts`.
    pub max_parts: Option<f64>,
    /// `Limits::max_depth`.
    pub max_depth: Option<f64>,
    /// `Limits::max_recipients`.
    pub max_recipients: Option<f64>,
}

/// `Limits::DEFAULT`, for the JS layer's `BOUNCE_LIMITS`.
#[napi(object, object_from_js = false)]
pub struct LimitDefaults {
    /// `Limits::max_email_bytes`.
    pub max_email_bytes: f64,
    /// `Limits::max_header_bytes`.
    pub max_header_bytes: f64,
    /// `Limits::max_parts`.
    pub max_parts: f64,
    /// `Limits::max_depth`.
    pub max_depth: f64,
    /// `Limits::max_recipients`.
    pub max_recipients: f64,
}

/// One limit: a whole number from 1 to 2^53.
fn limit_of(name: &str, v: Option<f64>, default: usize) -> Result<usize> {
    match v {
        None => Ok(default),
        Some(v) => whole(v, MAX_SAFE)
            .filter(|&v| v >= 1.0)
            .and_then(|v| {
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "checked"
                )]
                usize::try_from(v as u64).ok()
            })
            .ok_or_else(|| {
                NapiError::new(
                    Status::InvalidArg,
                    format!("limits.{name} must be a whole number from 1 to 2^53"),
                )
            }),
    }
}

fn limits_of(settings: Option<&LimitSettings>) -> Result<Limits> {
    let d = Limits::DEFAULT;
    let Some(s) = settings else { return Ok(d) };
    Ok(Limits {
        max_email_bytes: limit_of("maxEmailBytes", s.max_email_bytes, d.max_email_bytes)?,
        max_header_bytes: limit_of("maxHeaderBytes", s.max_header_bytes, d.max_header_bytes)?,
        max_parts: limit_of("maxParts", s.max_parts, d.max_parts)?,
        max_depth: limit_of("maxDepth", s.max_depth, d.max_depth)?,
        max_recipients: limit_of("maxRecipients", s.max_recipients, d.max_recipients)?,
        ..d
    })
}

/// The email as bytes Rust owns: a string's UTF-8 (napi-rs has copied it already), or a
/// copy of the view's bytes, taken before the core reads any. An email over
/// `max_email_bytes` is refused before it is copied, with the core's own error.
fn owned_email(
    message: Either<String, Uint8ArraySlice>,
    limits: &Limits,
) -> std::result::Result<Vec<u8>, Fail> {
    match message {
        Either::A(s) => Ok(s.into_bytes()),
        Either::B(bytes) if bytes.len() > limits.max_email_bytes => Err(CoreError::TooLarge {
            limit: "max_email_bytes",
            max: limits.max_email_bytes,
        }
        .into()),
        Either::B(bytes) => Ok(bytes.to_vec()),
    }
}

/// `smtpcodes::parse_bounce_with` over the raw bytes of an email (a string is read as its
/// UTF-8), with `limits` over `Limits::DEFAULT`. Not a bounce throws `not_a_bounce` with
/// `what`; over a limit, `too_large` with `limit` and `max`. Not a per-reply hot path: the
/// recipients cross as a natively built object, their classifications compactly.
#[napi(catch_unwind)]
pub fn parse_bounce<'env>(
    env: &'env Env,
    message: Either<String, Uint8ArraySlice>,
    limits: Option<LimitSettings>,
) -> Result<BounceParts<'env>> {
    guard(*env, || {
        let limits = limits_of(limits.as_ref())?;
        let email = owned_email(message, &limits)?;
        let report = smtpcodes::parse_bounce_with(&email, &limits)?;
        Ok(bounce_parts(env, report)?)
    })
}

/// Where the test hook `_panicForTestAsync` makes a [`ParseBounce`] task panic.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TestPanic {
    Never,
    /// On the thread pool, in `compute`.
    Compute,
    /// Back on the JS thread, in `resolve`.
    Resolve,
}

/// `parseBounceAsync`'s work: the email, copied on the JS thread when the call is made, read
/// on the libuv thread pool.
pub struct ParseBounce {
    email: Vec<u8>,
    limits: Limits,
    panic: TestPanic,
}

// Not `#[napi]`: that would register a useless class; the functions that return it name
// the Promise's type themselves.
impl<'task> ScopedTask<'task> for ParseBounce {
    type Output = std::result::Result<BounceReport, CoreError>;
    type JsValue = BounceParts<'task>;

    /// On the thread pool: napi-rs does not catch a panic here, so the core's `contain` does.
    fn compute(&mut self) -> Result<Self::Output> {
        Ok(smtpcodes::contain(|| {
            assert!(
                self.panic != TestPanic::Compute,
                "deliberate test panic: compute"
            );
            smtpcodes::parse_bounce_with(&self.email, &self.limits)
        }))
    }

    /// On the JS thread: the report as [`parse_bounce`] returns it, or its error as
    /// [`parse_bounce`] throws it, as the rejection.
    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> Result<BounceParts<'task>> {
        let panic = self.panic;
        let parts = output.and_then(|report| {
            smtpcodes::contain(|| {
                assert!(
                    panic != TestPanic::Resolve,
                    "deliberate test panic: resolve"
                );
                Ok(bounce_parts(env, report))
            })
        });
        match parts {
            Ok(parts) => parts,
            Err(e) => {
                let error = error_object(env, &e, None)?;
                Err(NapiError::from_unknown_without_coercion(error.to_unknown()))
            }
        }
    }
}

/// [`parse_bounce`] on the libuv thread pool: a Promise of the same report, rejected with
/// the same errors. The email is copied (or refused as too large) before this returns, so
/// the caller may reuse its buffer at once.
#[napi(catch_unwind, ts_return_type = "Promise<BounceParts>")]
pub fn parse_bounce_async(
    env: Env,
    message: Either<String, Uint8ArraySlice>,
    limits: Option<LimitSettings>,
) -> Result<AsyncTask<ParseBounce>> {
    guard(env, || {
        let limits = limits_of(limits.as_ref())?;
        let email = owned_email(message, &limits)?;
        Ok(AsyncTask::new(ParseBounce {
            email,
            limits,
            panic: TestPanic::Never,
        }))
    })
}

/// A test hook, not part of the public JS API: panics inside the same guard as every
/// exported function, so the tests can prove a panic becomes a thrown `Error` with
/// `kind: 'internal'` and the process lives on.
///
/// # Panics
///
/// Always, with `message`: that is its purpose.
#[napi(js_name = "_panicForTest", catch_unwind)]
pub fn panic_for_test(env: Env, message: String) -> Result<()> {
    guard(env, || -> std::result::Result<(), Fail> {
        panic!("{message}")
    })
}

/// A test hook, not part of the public JS API: a `parseBounceAsync` of `email` whose task
/// panics at `stage` (`'compute'` on the thread pool, `'resolve'` on the JS thread).
#[napi(
    js_name = "_panicForTestAsync",
    catch_unwind,
    ts_return_type = "Promise<BounceParts>"
)]
pub fn panic_for_test_async(
    env: Env,
    email: String,
    stage: String,
) -> Result<AsyncTask<ParseBounce>> {
    guard(env, || {
        let panic = match stage.as_str() {
            "compute" => TestPanic::Compute,
            "resolve" => TestPanic::Resolve,
            _ => {
                return Err(NapiError::new(
                    Status::InvalidArg,
                    "stage: compute or resolve".to_owned(),
                )
                .into())
            }
        };
        Ok(AsyncTask::new(ParseBounce {
            email: email.into_bytes(),
            limits: Limits::DEFAULT,
            panic,
        }))
    })
}

/// `smtpcodes::warm_up`: builds the rule automaton now rather than on the first call.
#[napi(catch_unwind)]
pub fn warm_up(env: Env) -> Result<()> {
    guard(env, || {
        smtpcodes::warm_up();
        Ok(())
    })
}
