//! Messages from mail logs: every line about one message folded into one account.
//!
//! A log writes one line per delivery attempt and per recipient, and the sender and the
//! Message-ID on other lines (Postfix's `qmgr` and `cleanup`, Exim's `<=`, Sendmail's
//! `from=`). A [`Joiner`] reads those lines in the order of the log and keeps, per message
//! (per queue id; Exim's message id), what a person asks about it: its sender and
//! Message-ID, each recipient's attempts and last reply, when it was first and last seen, and
//! how it ended ([`Outcome`]). [`Message::decision`] says what a [`RetryPolicy`] decides for
//! it now, given the attempts and the time from its first line to its last.
//!
//! A message is handed out ([`Joiner::pop`]) when its last line is read: Postfix's
//! `removed`, Exim's `Completed`, or, for Sendmail, which writes no such line, once each of
//! the `nrcpts=` recipients has a final result. [`Joiner::finish`] hands out the rest, in the
//! order they were first seen: messages still in the queue when the log ends.
//!
//! Memory is bounded: at most [`MAX_OPEN_MESSAGES`] messages, holding at most
//! [`MAX_OPEN_BYTES`] of text, are held open. When a new line would pass either bound, the
//! message first seen longest ago is handed out as it stands, marked
//! [`Message::flushed_early`] and counted in [`JoinStats::flushed_early`]; a later line of it
//! starts a new account. Nothing is dropped unsaid. The work is linear in the input (a hash
//! lookup per line).
//!
//! ```
//! use smtpcodes::messages::{Joiner, Outcome};
//! use smtpcodes::RetryPolicy;
//!
//! let log = "\
//! Nov 23 04:00:00 mail postfix/cleanup[98]: 4BXyZ12abcz: message-id=<a1@example.com>
//! Nov 23 04:00:00 mail postfix/qmgr[99]: 4BXyZ12abcz: from=<news@example.com>, size=1234, nrcpt=1 (queue active)
//! Nov 23 04:00:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=2, delays=0.1/0/1/0.9, dsn=4.2.2, status=deferred (host mx.example.org[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
//! Nov 23 05:00:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=3602, delays=3600/0/1/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F1C2)
//! Nov 23 05:00:02 mail postfix/qmgr[99]: 4BXyZ12abcz: removed
//! ";
//! let mut joiner = Joiner::new();
//! for (n, line) in (1..).zip(log.lines()) {
//!     joiner.line(n, line);
//! }
//! let message = joiner.pop().expect("closed by `removed`");
//! assert_eq!(message.sender.as_deref(), Some("news@example.com"));
//! assert_eq!(message.message_id.as_deref(), Some("a1@example.com"));
//! assert_eq!((message.attempts(), message.outcome()), (2, Outcome::Delivered));
//! assert_eq!(message.elapsed(), Some(3602));
//! assert!(message.complete);
//! ```

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::logs::{
    parse_message_line, DeliveryStatus, LogFormat, LogRecord, MessageInfo, MessageLine,
    OwnedLogRecord,
};
use crate::retry::{RetryDecision, RetryPolicy};
use crate::{Classification, Enhanced};

/// The most messages a [`Joiner`] holds open at once (100 000). A busy server has a few
/// thousand in its queue; a log whose messages never end (lines lost, a Sendmail log without
/// `nrcpts=`) stays within this bound.
pub const MAX_OPEN_MESSAGES: usize = 100_000;

/// The most bytes of text (addresses, ids, timestamps, reply texts, plus a fixed cost per
/// message and per recipient) a [`Joiner`] holds open at once (256 MiB).
pub const MAX_OPEN_BYTES: usize = 256 << 20;

/// What a message's or a recipient's last line says happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Delivered (or handed to the next hop).
    Delivered,
    /// Refused for good.
    Bounced,
    /// Given up after the queue lifetime ran out.
    Expired,
    /// Still in the queue, to be tried again, at the last line read.
    Deferred,
}

impl Outcome {
    /// Every value.
    pub const ALL: &'static [Outcome] = &[
        Outcome::Delivered,
        Outcome::Bounced,
        Outcome::Expired,
        Outcome::Deferred,
    ];

    /// The value's name on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Bounced => "bounced",
            Outcome::Expired => "expired",
            Outcome::Deferred => "deferred",
        }
    }

    /// The outcome a delivery line's status means.
    pub const fn of(status: DeliveryStatus) -> Outcome {
        match status {
            DeliveryStatus::Sent | DeliveryStatus::Deliverable => Outcome::Delivered,
            DeliveryStatus::Bounced | DeliveryStatus::Undeliverable => Outcome::Bounced,
            DeliveryStatus::Expired => Outcome::Expired,
            DeliveryStatus::Deferred | DeliveryStatus::SoftBounce => Outcome::Deferred,
        }
    }
}

/// One recipient of a message: its attempts and its last reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecipientState {
    /// The address, as the delivery lines give it.
    pub recipient: String,
    /// Delivery lines read for it.
    pub attempts: u32,
    /// The status of its last delivery line.
    pub status: DeliveryStatus,
    /// What that status means for the recipient.
    pub outcome: Outcome,
    /// The enhanced status code of the last line (`dsn=`).
    pub dsn: Option<Enhanced>,
    /// The remote host of the last line.
    pub relay: Option<String>,
    /// The reply text of the last line.
    pub text: String,
    /// The last line classified.
    pub classification: Classification,
    /// The time of its last line, as written.
    pub last_seen: Option<String>,
    /// The number of its last line.
    pub last_line: u64,
}

/// Everything the lines of one message say about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// Which server wrote the lines.
    pub format: LogFormat,
    /// The queue id (Postfix, Sendmail) or message id (Exim).
    pub queue_id: String,
    /// The envelope sender (empty for the null sender), from a line that names it.
    pub sender: Option<String>,
    /// The Message-ID header, from a line that names it.
    pub message_id: Option<String>,
    /// The time of its first line read, as written.
    pub first_seen: Option<String>,
    /// The time of its last line read, as written.
    pub last_seen: Option<String>,
    /// The number of its first line read.
    pub first_line: u64,
    /// The number of its last line read.
    pub last_line: u64,
    /// The recipients with a delivery result, in the order of their first result.
    pub recipients: Vec<RecipientState>,
    /// Its last line was read (`removed`, `Completed`, or every one of Sendmail's `nrcpts`
    /// recipients done): nothing more will be logged for it.
    pub complete: bool,
    /// Handed out before its last line, to keep within [`MAX_OPEN_MESSAGES`] or
    /// [`MAX_OPEN_BYTES`].
    pub flushed_early: bool,
    /// How many recipients the server said it has (`nrcpt=`, `nrcpts=`).
    #[serde(skip)]
    expected: Option<u32>,
    #[serde(skip)]
    bytes: usize,
}

impl Message {
    /// How the message ended: deferred while any recipient is still deferred, else bounced
    /// when any bounced, else expired when any expired, else delivered.
    pub fn outcome(&self) -> Outcome {
        let any = |o| self.recipients.iter().any(|r| r.outcome == o);
        [Outcome::Deferred, Outcome::Bounced, Outcome::Expired]
            .into_iter()
            .find(|&o| any(o))
            .unwrap_or(Outcome::Delivered)
    }

    /// The delivery attempts of the message: the most delivery lines of any one recipient
    /// (each attempt of a message tries every recipient still pending).
    pub fn attempts(&self) -> u32 {
        self.recipients
            .iter()
            .map(|r| r.attempts)
            .max()
            .unwrap_or(0)
    }

    /// The recipient whose result is the message's [`outcome`](Self::outcome), the last such
    /// one read: whose reply says why the message ended as it did.
    pub fn deciding(&self) -> Option<&RecipientState> {
        let outcome = self.outcome();
        self.recipients
            .iter()
            .filter(|r| r.outcome == outcome)
            .max_by_key(|r| r.last_line)
    }

    /// Seconds from the message's first line to its last, when both times can be read (a
    /// syslog time without a year is taken in one year; a later line with an earlier date
    /// is taken as the next year).
    pub fn elapsed(&self) -> Option<u64> {
        elapsed(self.first_seen.as_deref()?, self.last_seen.as_deref()?)
    }

    /// What `policy` decides for the message now: for its [deciding](Self::deciding)
    /// recipient's last reply, after that recipient's attempts, [`elapsed`](Self::elapsed)
    /// seconds (0 when the times cannot be read) after the first line.
    pub fn decision(&self, policy: &RetryPolicy) -> Option<RetryDecision> {
        let r = self.deciding()?;
        Some(policy.decide(&r.classification, r.attempts, self.elapsed().unwrap_or(0)))
    }

    /// What `policy` decides for one recipient of the message, as [`decision`](Self::decision)
    /// does for the deciding one (elapsed: from the message's first line to the recipient's
    /// last).
    pub fn recipient_decision(&self, r: &RecipientState, policy: &RetryPolicy) -> RetryDecision {
        let elapsed = self
            .first_seen
            .as_deref()
            .zip(r.last_seen.as_deref())
            .and_then(|(a, b)| elapsed(a, b))
            .unwrap_or(0);
        policy.decide(&r.classification, r.attempts, elapsed)
    }

    fn done(&self) -> bool {
        self.expected.is_some_and(|n| {
            let finished = self
                .recipients
                .iter()
                .filter(|r| r.outcome != Outcome::Deferred)
                .count();
            n > 0 && finished >= n as usize
        })
    }
}

/// What a [`Joiner`] did, for the summary of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct JoinStats {
    /// Messages handed out with at least one delivery result.
    pub messages: u64,
    /// Of those, how many were handed out before their last line to keep within the bounds.
    pub flushed_early: u64,
    /// Messages whose lines named no delivery result (received, or notified, but never
    /// attempted within the log): not handed out.
    pub without_delivery: u64,
}

/// The fixed cost counted for a message and for a recipient, beside their strings.
const MESSAGE_COST: usize = 256;
const RECIPIENT_COST: usize = 256;

/// Folds the lines of a log into [`Message`]s. Feed it the lines in the order of the log
/// ([`line`](Self::line), or [`delivery`](Self::delivery) and [`info`](Self::info) with lines
/// already read and classified), take the messages that are done with [`pop`](Self::pop),
/// and call [`finish`](Self::finish) at the end of the log.
#[derive(Debug)]
pub struct Joiner {
    open: BTreeMap<u64, Message>,
    /// Per server kind, the open message of each queue id (looked up without a copy of it).
    index: HashMap<LogFormat, HashMap<String, u64>>,
    ready: std::collections::VecDeque<Message>,
    next_seq: u64,
    bytes: usize,
    max_messages: usize,
    max_bytes: usize,
    stats: JoinStats,
}

impl Default for Joiner {
    fn default() -> Self {
        Joiner::new()
    }
}

impl Joiner {
    /// A joiner within [`MAX_OPEN_MESSAGES`] and [`MAX_OPEN_BYTES`].
    pub fn new() -> Joiner {
        Joiner::with_limits(MAX_OPEN_MESSAGES, MAX_OPEN_BYTES)
    }

    /// A joiner within other bounds (each at least 1).
    pub fn with_limits(max_messages: usize, max_bytes: usize) -> Joiner {
        Joiner {
            open: BTreeMap::new(),
            index: HashMap::new(),
            ready: std::collections::VecDeque::new(),
            next_seq: 0,
            bytes: 0,
            max_messages: max_messages.max(1),
            max_bytes: max_bytes.max(1),
            stats: JoinStats::default(),
        }
    }

    /// Reads one line (number `line`), classifying a delivery result; other lines are passed
    /// over.
    pub fn line(&mut self, line: u64, text: &str) {
        match parse_message_line(text) {
            Some(MessageLine::Delivery(record)) => {
                let c = record.classify();
                self.delivery(line, &record, &c);
            }
            Some(MessageLine::Info(info)) => self.info(line, &info),
            None => {}
        }
    }

    /// A delivery result, with its classification.
    pub fn delivery(&mut self, line: u64, record: &LogRecord<'_>, c: &Classification) {
        self.attempt(line, record, |address, _| {
            Some(RecipientState {
                recipient: address.to_owned(),
                attempts: 1,
                status: record.status,
                outcome: Outcome::of(record.status),
                dsn: record.dsn,
                relay: record.relay.map(str::to_owned),
                text: record.text.to_owned(),
                classification: c.clone(),
                last_seen: record.timestamp.map(str::to_owned),
                last_line: line,
            })
        });
    }

    /// A delivery result that is handed over: the last of its recipients keeps its strings
    /// and its classification instead of copies (what a reader on another thread gives).
    pub fn delivery_owned(&mut self, line: u64, mut record: OwnedLogRecord, c: Classification) {
        // The strings a recipient's state keeps are taken out; the rest is read in place.
        let mut kept = Some((record.relay.take(), std::mem::take(&mut record.text), c));
        let (status, dsn) = (record.status, record.dsn);
        let view = record.as_record();
        let last = view.recipients.len();
        self.attempt(line, &view, |address, i| {
            let (relay, text, classification) = if i + 1 < last {
                kept.clone()?
            } else {
                kept.take()?
            };
            Some(RecipientState {
                recipient: address.to_owned(),
                attempts: 1,
                status,
                outcome: Outcome::of(status),
                dsn,
                relay,
                text,
                classification,
                last_seen: view.timestamp.map(str::to_owned),
                last_line: line,
            })
        });
    }

    /// What a delivery line does to its message; `state` gives the new state of each of its
    /// recipients, with its position among them (none only past the last).
    fn attempt(
        &mut self,
        line: u64,
        record: &LogRecord<'_>,
        mut state: impl FnMut(&str, usize) -> Option<RecipientState>,
    ) {
        let seq = self.open_seq(record.format, record.queue_id, record.timestamp, line);
        let Some(m) = self.open.get_mut(&seq) else {
            return;
        };
        let before = m.bytes;
        touch(m, record.timestamp, line);
        if let Some(sender) = record.sender {
            if m.sender.is_none() {
                m.bytes += sender.len();
                m.sender = Some(sender.to_owned());
            }
        }
        if record.recipients.is_empty() {
            // Postfix's message-level `status=expired`: every recipient still deferred
            // expires with it.
            for r in &mut m.recipients {
                if r.outcome == Outcome::Deferred {
                    r.outcome = Outcome::Expired;
                    r.status = record.status;
                    r.last_seen = record.timestamp.map(str::to_owned);
                    r.last_line = line;
                }
            }
        }
        for (i, address) in record.recipients.iter().enumerate() {
            let position = m.recipients.iter().position(|r| r.recipient == address);
            let Some(state) = state(address, i) else {
                break;
            };
            if let Some(i) = position {
                let old = &mut m.recipients[i];
                m.bytes = m.bytes.saturating_sub(old.text.len()) + state.text.len();
                let attempts = old.attempts.saturating_add(1);
                *old = RecipientState { attempts, ..state };
            } else {
                m.bytes += RECIPIENT_COST
                    + address.len()
                    + state.text.len()
                    + state.relay.as_ref().map_or(0, String::len)
                    + state.last_seen.as_ref().map_or(0, String::len);
                m.recipients.push(state);
            }
        }
        let grown = m.bytes.saturating_sub(before);
        let shrunk = before.saturating_sub(m.bytes);
        let done = m.done();
        self.bytes = (self.bytes + grown).saturating_sub(shrunk);
        if done {
            self.close(seq, Close::Done);
        }
        self.keep_within();
    }

    /// A line that names the sender or the Message-ID, or ends the message.
    pub fn info(&mut self, line: u64, info: &MessageInfo<'_>) {
        if info.done
            && !self
                .index
                .get(&info.format)
                .is_some_and(|ids| ids.contains_key(info.queue_id))
        {
            // The end of a message that left no other line here: nothing to say about it.
            return;
        }
        let seq = self.open_seq(info.format, info.queue_id, info.timestamp, line);
        let Some(m) = self.open.get_mut(&seq) else {
            return;
        };
        touch(m, info.timestamp, line);
        let mut grown = 0;
        if let (None, Some(s)) = (&m.sender, info.sender) {
            grown += s.len();
            m.sender = Some(s.to_owned());
        }
        if let (None, Some(id)) = (&m.message_id, info.message_id) {
            grown += id.len();
            m.message_id = Some(id.to_owned());
        }
        if info.recipients.is_some() {
            m.expected = info.recipients;
        }
        m.bytes += grown;
        self.bytes += grown;
        if info.done || m.done() {
            self.close(seq, Close::Done);
        }
        self.keep_within();
    }

    /// The next message whose last line was read (or that was flushed early), in the order
    /// they were done.
    pub fn pop(&mut self) -> Option<Message> {
        self.ready.pop_front()
    }

    /// Ends the log: every message still open is made ready, in the order first seen; take
    /// them with [`pop`](Self::pop).
    pub fn finish(&mut self) {
        let seqs: Vec<u64> = self.open.keys().copied().collect();
        for seq in seqs {
            self.close(seq, Close::End);
        }
    }

    /// What the joiner has done so far.
    pub fn stats(&self) -> JoinStats {
        self.stats
    }

    /// How many messages are open now.
    pub fn open_messages(&self) -> usize {
        self.open.len()
    }

    /// The account of a message, opened when it has none.
    fn open_seq(
        &mut self,
        format: LogFormat,
        queue_id: &str,
        timestamp: Option<&str>,
        line: u64,
    ) -> u64 {
        if let Some(&seq) = self.index.get(&format).and_then(|ids| ids.get(queue_id)) {
            return seq;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let bytes = MESSAGE_COST + 2 * queue_id.len() + 2 * timestamp.map_or(0, str::len);
        self.bytes += bytes;
        self.open.insert(
            seq,
            Message {
                format,
                queue_id: queue_id.to_owned(),
                sender: None,
                message_id: None,
                first_seen: timestamp.map(str::to_owned),
                last_seen: timestamp.map(str::to_owned),
                first_line: line,
                last_line: line,
                recipients: Vec::new(),
                complete: false,
                flushed_early: false,
                expected: None,
                bytes,
            },
        );
        self.index
            .entry(format)
            .or_default()
            .insert(queue_id.to_owned(), seq);
        seq
    }

    /// Hands a message out: ready when it has a delivery result, counted otherwise.
    fn close(&mut self, seq: u64, how: Close) {
        let Some(mut m) = self.open.remove(&seq) else {
            return;
        };
        if let Some(ids) = self.index.get_mut(&m.format) {
            ids.remove(&m.queue_id);
        }
        self.bytes = self.bytes.saturating_sub(m.bytes);
        if m.recipients.is_empty() {
            self.stats.without_delivery += 1;
            return;
        }
        m.complete = how == Close::Done;
        m.flushed_early = how == Close::Early;
        self.stats.messages += 1;
        self.stats.flushed_early += u64::from(m.flushed_early);
        self.ready.push_back(m);
    }

    /// Flushes the oldest messages while a bound is passed.
    fn keep_within(&mut self) {
        while self.open.len() > self.max_messages || self.bytes > self.max_bytes {
            let Some((&seq, _)) = self.open.iter().next() else {
                break;
            };
            self.close(seq, Close::Early);
        }
    }
}

/// Why a message is handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Close {
    /// Its last line was read.
    Done,
    /// The log ended.
    End,
    /// A bound was passed.
    Early,
}

/// Notes a line of the message: its time and number.
fn touch(m: &mut Message, timestamp: Option<&str>, line: u64) {
    if m.first_seen.is_none() {
        m.first_seen = timestamp.map(str::to_owned);
    }
    if let Some(t) = timestamp {
        // The buffer of the last time is reused: a line's time is as long as the last one's.
        match &mut m.last_seen {
            Some(last) => {
                last.clear();
                last.push_str(t);
            }
            None => m.last_seen = Some(t.to_owned()),
        }
    }
    m.last_line = line;
}

/// Seconds from one log time to a later one. Syslog's year-less times are read in one year
/// (and a later line with an earlier date in the next); times with a date are read as UTC
/// after their offset. `None` when either cannot be read or they are of different kinds.
pub fn elapsed(first: &str, last: &str) -> Option<u64> {
    let (a, a_yearless) = seconds(first)?;
    let (b, b_yearless) = seconds(last)?;
    if a_yearless != b_yearless {
        return None;
    }
    let b = if a_yearless && b < a {
        b + 365 * 86_400
    } else {
        b
    };
    u64::try_from(b - a).ok()
}

/// A log time as seconds, and whether it had no year: `Nov 23 04:26:01` (seconds into a
/// non-leap year), `2026-11-23T04:26:01.5+01:00`, `2026-11-23 04:26:01 +0100` (since 1970).
#[allow(
    clippy::many_single_char_names,
    reason = "y, m, d, h, s as a date is written"
)]
fn seconds(written: &str) -> Option<(i64, bool)> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const DAYS_BEFORE: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let w = written.trim();
    let b = w.as_bytes();
    let num = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let hms = |s: &str| -> Option<i64> {
        let h = num(s.get(0..2)?)?;
        let m = num(s.get(3..5)?)?;
        let sec = num(s.get(6..8)?)?;
        (s.as_bytes().get(2) == Some(&b':') && s.as_bytes().get(5) == Some(&b':'))
            .then_some(h * 3600 + m * 60 + sec)
    };
    if let Some(month) = MONTHS.iter().position(|m| w.starts_with(m)) {
        let mut parts = w.get(3..)?.split_whitespace();
        let day = num(parts.next()?)?;
        let time = hms(parts.next()?)?;
        let days = DAYS_BEFORE[month] + day - 1;
        return Some((days * 86_400 + time, true));
    }
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    let year = num(w.get(0..4)?)?;
    let month = num(w.get(5..7)?)?;
    let day = num(w.get(8..10)?)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let time = hms(w.get(11..19)?)?;
    // The offset: `Z`, `+01:00`, ` +0100`, after an optional fraction.
    let rest = w.get(19..)?;
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let rest = rest.trim_start();
    let offset = match rest.as_bytes().first() {
        Some(&sign @ (b'+' | b'-')) => {
            let digits: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let h = num(digits.get(0..2)?)?;
            let m = num(digits.get(2..4).unwrap_or("00"))?;
            let o = h * 3600 + m * 60;
            if sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => 0,
    };
    Some((
        days_from_civil(year, month, day) * 86_400 + time - offset,
        false,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_every_log_kind_are_read() {
        assert_eq!(elapsed("Nov 23 04:26:01", "Nov 23 05:26:02"), Some(3601));
        assert_eq!(elapsed("Dec 31 23:59:59", "Jan  1 00:00:01"), Some(2));
        assert_eq!(
            elapsed("2026-11-23T04:26:01.25+01:00", "2026-11-23T03:26:11Z"),
            Some(10)
        );
        assert_eq!(
            elapsed("2026-11-23 04:26:01 +0100", "2026-11-24 04:26:01 +0100"),
            Some(86_400)
        );
        assert_eq!(
            elapsed("2026-02-28 00:00:00", "2026-03-01 00:00:00"),
            Some(86_400)
        );
        assert_eq!(elapsed("2026-11-23 04:26:01", "Nov 23 04:26:01"), None);
        assert_eq!(elapsed("2026-11-24 04:26:01", "2026-11-23 04:26:01"), None);
        assert_eq!(elapsed("garbage", "Nov 23 04:26:01"), None);
        assert_eq!(elapsed("Nov 23 4:26", "Nov 23 04:26:01"), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
