//! `parseLogLine` and `readLog`: `smtpcodes::logs` for JavaScript.
//!
//! The events cross through serde, as the JSON text of the core's `LogRecord`s (`serde_json`
//! keeps the struct's field order, which a JS object built from a `serde_json::Value` map would
//! lose); `bindings-node/js/index.js` parses it and spells the keys in JS's camelCase. The
//! records' classifications cross as `classify`'s do ([`SLOTS`] numbers each and their strings
//! end to end), so that the JS layer builds them with the same code.

use napi::bindgen_prelude::{Either, Env, Float64ArraySlice, Uint8ArraySlice};
use napi::{Error as NapiError, Result, Status};
use napi_derive::napi;
use serde::Serialize;
use smtpcodes::logs::{parse_line, LogEvent, LogReader, LogRecord, LongLines};
use smtpcodes::{Error as CoreError, Limits};

use crate::{guard, interner, limit_of, slots, Fail, Interner, SLOTS};

/// The options of `parseLogLine` and `readLog`, each absent one at its default. The JS layer
/// has checked their types; the values are checked here.
#[napi(object, object_to_js = false)]
pub struct LogSettings {
    /// `Limits::max_line_bytes`: the longest line read.
    pub max_line_bytes: Option<f64>,
    /// What to do with a longer line (`readLog` only): `'skip'` (the default) or `'cut'`.
    pub long_lines: Option<String>,
}

/// What `parseLogLine` and `readLog` found: their events, and the records' classifications.
#[napi(object, object_from_js = false)]
pub struct LogParts<'env> {
    /// A JSON array of one object per event, in the order of the log: `{"event": "record",
    /// "line": n, "record": {...}}` (the core's `LogRecord` as serde writes it, without its
    /// classification) or `{"event": "long_line", "line": n, "bytes": b}`.
    pub events: String,
    /// [`SLOTS`] numbers per record: its classification, laid out as `classify` writes one.
    pub classifications: Float64ArraySlice<'env>,
    /// The strings of the classifications, end to end, as `classify` returns them.
    pub strings: String,
}

/// One event, as the JSON of [`LogParts::events`] writes it.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Event<'a> {
    Record {
        line: u64,
        record: &'a LogRecord<'a>,
    },
    LongLine {
        line: u64,
        bytes: u64,
    },
}

/// The events of a call as they are gathered.
struct Gather {
    events: Vec<u8>,
    numbers: Vec<f64>,
    strings: String,
}

impl Gather {
    fn new() -> Gather {
        Gather {
            events: b"[".to_vec(),
            numbers: Vec::new(),
            strings: String::new(),
        }
    }

    fn push(&mut self, event: &Event<'_>) -> Result<()> {
        if self.events.len() > 1 {
            self.events.push(b',');
        }
        serde_json::to_writer(&mut self.events, event)
            .map_err(|e| NapiError::new(Status::GenericFailure, e.to_string()))
    }

    fn record(&mut self, table: &mut Interner, line: u64, record: &LogRecord<'_>) -> Result<()> {
        self.push(&Event::Record { line, record })?;
        self.numbers
            .extend_from_slice(&slots(&record.classify(), table, &mut self.strings));
        Ok(())
    }

    fn long_line(&mut self, line: u64, bytes: u64) -> Result<()> {
        self.push(&Event::LongLine { line, bytes })
    }

    fn finish(mut self, env: &Env) -> Result<LogParts<'_>> {
        debug_assert_eq!(self.numbers.len() % SLOTS, 0);
        self.events.push(b']');
        // serde_json writes UTF-8 only.
        let events = String::from_utf8(self.events)
            .map_err(|e| NapiError::new(Status::GenericFailure, e.to_string()))?;
        Ok(LogParts {
            events,
            classifications: Float64ArraySlice::copy_from(env, &self.numbers)?,
            strings: self.strings,
        })
    }
}

fn max_line_of(settings: Option<&LogSettings>) -> Result<usize> {
    limit_of(
        "maxLineBytes",
        settings.and_then(|s| s.max_line_bytes),
        Limits::DEFAULT.max_line_bytes,
    )
}

/// The bytes of a line or a log as Rust owns them: a string's UTF-8 (napi-rs has copied it),
/// or a copy of the view's bytes, taken before the core reads any.
fn owned_bytes(input: Either<String, Uint8ArraySlice>) -> Vec<u8> {
    match input {
        Either::A(s) => s.into_bytes(),
        Either::B(bytes) => bytes.to_vec(),
    }
}

/// `smtpcodes::logs::parse_line` over one line (bytes are read as UTF-8 with replacement): no
/// event when it is not a delivery line, else one `record` event. A line over
/// `maxLineBytes` throws `too_large`.
#[napi(catch_unwind)]
pub fn parse_log_line<'env>(
    env: &'env Env,
    line: Either<String, Uint8ArraySlice>,
    options: Option<LogSettings>,
) -> Result<LogParts<'env>> {
    guard(*env, || {
        let max = max_line_of(options.as_ref())?;
        let len = match &line {
            Either::A(s) => s.len(),
            Either::B(bytes) => bytes.len(),
        };
        if len > max {
            return Err(CoreError::TooLarge {
                limit: "max_line_bytes",
                max,
            }
            .into());
        }
        let bytes = owned_bytes(line);
        let text = String::from_utf8_lossy(&bytes);
        let mut gather = Gather::new();
        if let Some(record) = parse_line(&text) {
            gather.record(&mut interner(), 1, &record)?;
        }
        Ok(gather.finish(env)?)
    })
}

/// A whole log through `smtpcodes::logs::LogReader`: every delivery record, and with
/// `longLines: 'skip'` (the default) every line over `maxLineBytes`, skipped whole.
#[napi(catch_unwind)]
pub fn read_log<'env>(
    env: &'env Env,
    log: Either<String, Uint8ArraySlice>,
    options: Option<LogSettings>,
) -> Result<LogParts<'env>> {
    guard(*env, || {
        let max = max_line_of(options.as_ref())?;
        let policy = match options.as_ref().and_then(|o| o.long_lines.as_deref()) {
            None | Some("skip") => LongLines::Skip,
            Some("cut") => LongLines::Cut,
            Some(other) => {
                return Err(Fail::from(CoreError::InvalidName {
                    what: "longLines",
                    input: other.to_owned(),
                }))
            }
        };
        let bytes = owned_bytes(log);
        let mut reader = LogReader::new(bytes.as_slice())
            .max_line(max)
            .long_lines(policy);
        let mut gather = Gather::new();
        let mut table = interner();
        // Reading a slice cannot fail.
        while let Some(event) = reader
            .next_event()
            .map_err(|e| NapiError::new(Status::GenericFailure, e.to_string()))?
        {
            match event {
                LogEvent::Record { line, record } => gather.record(&mut table, line, &record)?,
                LogEvent::LongLine { line, bytes } => gather.long_line(line, bytes)?,
            }
        }
        drop(table);
        Ok(gather.finish(env)?)
    })
}
