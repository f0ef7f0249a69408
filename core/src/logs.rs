//! Mail server logs: Postfix, Exim and Sendmail delivery lines, read and classified.
//!
//! A mail log is mostly noise for a bounce handler (connections, `cleanup` and `qmgr` lines,
//! `smtpd` sessions); what matters is the one line per recipient that says how a delivery
//! attempt ended. [`parse_line`] reads such a line into a [`LogRecord`] that borrows from the
//! line, and returns `None`, after a look at the first few dozen bytes, for everything else.
//! [`LogRecord::classify`] turns the record into a [`Classification`], and [`LogReader`] streams a
//! log of any size line by line with one reused buffer, so memory stays flat.
//!
//! ```
//! use smtpcodes::logs::{parse_line, DeliveryStatus, LogFormat};
//! use smtpcodes::{Action, Reason};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let line = "Nov 23 04:26:01 mail postfix/smtp[4321]: 4BXyZ12abcz: to=<bob@example.org>, \
//!     relay=mx.example.org[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, \
//!     status=bounced (host mx.example.org[192.0.2.1] said: 550 5.1.1 <bob@example.org>: \
//!     Recipient address rejected: User unknown (in reply to RCPT TO command))";
//! let record = parse_line(line).ok_or("not a delivery line")?;
//! assert_eq!(record.format, LogFormat::Postfix);
//! assert_eq!(record.recipient, Some("bob@example.org"));
//! assert_eq!(record.relay, Some("mx.example.org"));
//! assert_eq!(record.status, DeliveryStatus::Bounced);
//!
//! let c = record.classify();
//! assert_eq!(c.reason, Reason::UserUnknown);
//! assert_eq!(c.action, Action::Bounce);
//! assert!(c.suppress);
//!
//! // Everything that is not a delivery result is skipped.
//! assert!(parse_line("Nov 23 04:26:01 mail postfix/qmgr[99]: 4BXyZ12abcz: removed").is_none());
//! # Ok(())
//! # }
//! ```
//!
//! What each format says, and how it is read:
//!
//! | format | line | status | text |
//! |---|---|---|---|
//! | Postfix | `QID: to=<..>, [orig_to=<..>,] relay=.., .., dsn=X.Y.Z, status=S (TEXT)` | `sent`, `deferred`, `bounced`, `expired`, `SOFTBOUNCE`, `deliverable`, `undeliverable` | the parenthesised part |
//! | Postfix | `QID: from=<..>, status=expired, returned to sender` (`qmgr`) | `expired`, with no recipient | `returned to sender` |
//! | Exim | `ID => addr [<orig>] R=.. T=.. H=host [ip] .. C="250 .."` (also `->`, `>>`) | sent | the `C=` confirmation |
//! | Exim | `ID ** addr [<orig>] R=.. T=.. H=host [ip]: MESSAGE` | bounced (expired when the message says the retry time ran out) | the message |
//! | Exim | `ID == addr [<orig>] R=.. T=.. defer (N) H=..: MESSAGE` | deferred | the message |
//! | Sendmail | `QID: to=<..>[,<..>], .., relay=host. [ip], dsn=X.Y.Z, stat=TEXT` | `Sent (..)`, `Deferred: ..`, else from the `dsn` class (bounced without one) | what follows `stat=` |

use std::io::{self, BufRead};

use memchr::{memchr, memmem};
use serde::Serialize;

use crate::types::string_enum;
use crate::{Classification, Enhanced, Reply};

string_enum! {
    /// The mail server that wrote a log line.
    pub enum LogFormat as "log_format" {
        /// Postfix (`postfix/smtp`, `postfix/lmtp`, `postfix-out/smtp`, ...), through syslog.
        Postfix = "postfix",
        /// Exim's main log (`mainlog`), or the same lines through syslog.
        Exim = "exim",
        /// Sendmail (`sendmail`, `sm-mta`, `sm-msp-queue`), through syslog.
        Sendmail = "sendmail",
    }
}

string_enum! {
    /// How a delivery attempt ended, as the log line says it (not what the reply text means:
    /// that is [`LogRecord::classify`]'s job).
    pub enum DeliveryStatus as "delivery_status" {
        /// Delivered, or handed to the next hop (Postfix `sent`, Exim `=>`/`->`/`>>`, Sendmail
        /// `stat=Sent`).
        Sent = "sent",
        /// Failed for now; the message stays queued (Postfix `deferred`, Exim `==`, Sendmail
        /// `stat=Deferred`).
        Deferred = "deferred",
        /// Failed for good; the sender gets a bounce (Postfix `bounced`, Exim `**`, Sendmail
        /// any other `stat=` with a 5.x.x `dsn`).
        Bounced = "bounced",
        /// Given up after the queue lifetime ran out (Postfix `expired`, Exim `**` with "retry
        /// timeout exceeded" or "failing for a long time", Sendmail "Cannot send message for").
        Expired = "expired",
        /// Postfix with `soft_bounce = yes`: would have bounced, kept in the queue instead. The
        /// text is the permanent reply; the message is retried.
        SoftBounce = "soft_bounce",
        /// Postfix address verification (`sendmail -bv`, `reject_unverified_recipient`): the
        /// address would be delivered. No mail was sent.
        Deliverable = "deliverable",
        /// Postfix address verification: the address would bounce. No mail was sent.
        Undeliverable = "undeliverable",
    }
}

impl DeliveryStatus {
    /// True for the statuses that mean the recipient accepted (or would accept) the mail.
    pub const fn is_success(self) -> bool {
        matches!(self, DeliveryStatus::Sent | DeliveryStatus::Deliverable)
    }

    /// The enhanced status code that is true of the status itself, given to the classifier
    /// when the line carries none of its own: `2.0.0`, `4.0.0`, `5.0.0`, and `4.4.7`
    /// ("delivery time expired") for an expired message.
    const fn implied_status(self) -> Enhanced {
        let (class, subject, detail) = match self {
            DeliveryStatus::Sent | DeliveryStatus::Deliverable => (2, 0, 0),
            DeliveryStatus::Deferred | DeliveryStatus::SoftBounce => (4, 0, 0),
            DeliveryStatus::Bounced | DeliveryStatus::Undeliverable => (5, 0, 0),
            DeliveryStatus::Expired => (4, 4, 7),
        };
        Enhanced {
            class,
            subject,
            detail,
        }
    }
}

/// The recipient addresses of one log line. Postfix and Exim write one per line; Sendmail
/// writes every recipient of one SMTP transaction on one line (`to=<a@x>,<b@x>`).
///
/// Iterating yields each address without its angle brackets. Serialises as a JSON array.
/// Two lists are equal when they hold the same addresses in the same order.
#[derive(Debug, Clone, Copy)]
pub struct Recipients<'a> {
    repr: RecipientsRepr<'a>,
}

#[derive(Debug, Clone, Copy)]
enum RecipientsRepr<'a> {
    /// The `to=` value as written (`<a@x>,<b@x>`, `<a@x>`, `bob`).
    Raw(&'a str),
    /// Addresses already split (from an [`OwnedLogRecord`]).
    List(&'a [String]),
}

impl<'a> Recipients<'a> {
    const NONE: Recipients<'static> = Recipients {
        repr: RecipientsRepr::Raw(""),
    };

    fn raw(value: &'a str) -> Recipients<'a> {
        Recipients {
            repr: RecipientsRepr::Raw(value),
        }
    }

    /// The addresses, in the order the line gives them.
    pub fn iter(&self) -> RecipientIter<'a> {
        match self.repr {
            RecipientsRepr::Raw(raw) => RecipientIter {
                raw,
                list: [].iter(),
            },
            RecipientsRepr::List(list) => RecipientIter {
                raw: "",
                list: list.iter(),
            },
        }
    }

    /// The first address, if any.
    pub fn first(&self) -> Option<&'a str> {
        self.iter().next()
    }

    /// How many addresses the line names.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// True when the line names no recipient (Postfix's message-level `status=expired` line).
    pub fn is_empty(&self) -> bool {
        self.first().is_none()
    }
}

impl PartialEq for Recipients<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Recipients<'_> {}

impl<'a> IntoIterator for Recipients<'a> {
    type Item = &'a str;
    type IntoIter = RecipientIter<'a>;

    fn into_iter(self) -> RecipientIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Recipients<'a> {
    type Item = &'a str;
    type IntoIter = RecipientIter<'a>;

    fn into_iter(self) -> RecipientIter<'a> {
        self.iter()
    }
}

impl Serialize for Recipients<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// The iterator of [`Recipients`].
#[derive(Debug, Clone)]
pub struct RecipientIter<'a> {
    raw: &'a str,
    list: std::slice::Iter<'a, String>,
}

impl<'a> Iterator for RecipientIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if let Some(s) = self.list.next() {
            return Some(s.as_str());
        }
        loop {
            let rest = self.raw.trim_start_matches([',', ' ']);
            if rest.is_empty() {
                self.raw = "";
                return None;
            }
            let (address, after) = if let Some(inner) = rest.strip_prefix('<') {
                match inner.find('>') {
                    Some(end) => (&inner[..end], &inner[end + 1..]),
                    None => (inner, ""),
                }
            } else {
                match rest.find(',') {
                    Some(end) => (&rest[..end], &rest[end..]),
                    None => (rest, ""),
                }
            };
            self.raw = after;
            let address = address.trim();
            if !address.is_empty() {
                return Some(address);
            }
        }
    }
}

/// One per-recipient delivery result read from a log line, borrowing from the line.
///
/// Fields are slices of the line as written (no copy, no unescaping), so a record costs
/// nothing to make; [`LogRecord::into_owned`] copies it out when it must outlive the line.
/// Serialises (serde) with these field names, `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LogRecord<'a> {
    /// Which server wrote the line.
    pub format: LogFormat,
    /// The syslog or Exim timestamp as written (`Nov 23 04:26:01`, `2026-11-23T04:26:01+00:00`,
    /// `2026-11-23 04:26:01`); no year is invented for syslog's year-less form.
    pub timestamp: Option<&'a str>,
    /// The queue id (Postfix, Sendmail) or message id (Exim), to join lines of one message.
    pub queue_id: &'a str,
    /// The envelope sender, without angle brackets (empty for the null sender `<>`), when the
    /// line itself names it: only Postfix's message-level `status=expired` line does. Delivery
    /// lines do not; [`crate::messages`] joins it in from the message's other lines.
    pub sender: Option<&'a str>,
    /// The Message-ID header of the message, without angle brackets, when the line itself
    /// names it (no delivery line does; [`crate::messages`] joins it in from Postfix's
    /// `cleanup`, Exim's `<=` and Sendmail's `from=` lines).
    pub message_id: Option<&'a str>,
    /// The (first) recipient address, without angle brackets. `None` only for Postfix's
    /// message-level `status=expired` line, which names the sender instead.
    pub recipient: Option<&'a str>,
    /// Every recipient the line names: one, except on Sendmail lines that cover several.
    pub recipients: Recipients<'a>,
    /// The address before alias expansion: Postfix `orig_to=`, Exim's `<parent>`.
    pub original_recipient: Option<&'a str>,
    /// The remote host name (`mx.example.org` from `relay=mx.example.org[192.0.2.1]:25`, or
    /// its IP address when it has no name); `None` for local deliveries and `relay=none`.
    pub relay: Option<&'a str>,
    /// How the attempt ended, as the line says.
    pub status: DeliveryStatus,
    /// The enhanced status code the line states (Postfix and Sendmail `dsn=`).
    pub dsn: Option<Enhanced>,
    /// The reply text: Postfix's parenthesised part, Exim's message (or `C="..."`
    /// confirmation), Sendmail's `stat=` text. Empty when the line gives none.
    pub text: &'a str,
}

impl LogRecord<'_> {
    /// Classifies the record: its text with the relay as the host hint and the `dsn` as the
    /// enhanced status, plus what the status itself implies when the text has no code (a
    /// `sent` line is read as 250, a code-less `bounced` one as 5.0.0, `deferred` as 4.0.0,
    /// `expired` as 4.4.7).
    ///
    /// Sendmail replaces the remote reply with a fixed phrase of its own (`stat=User unknown`
    /// for a 5xx reply to RCPT, `stat=Service unavailable` for most others); when the line
    /// has a `dsn` that says more, the phrase is left out and the `dsn` decides (so
    /// `dsn=5.7.1, stat=User unknown` is a policy refusal, not an unknown user).
    pub fn classify(&self) -> Classification {
        let text = match self.dsn {
            Some(dsn)
                if self.format == LogFormat::Sendmail && is_sendmail_canned(self.text, dsn) =>
            {
                ""
            }
            _ => self.text,
        };
        let status = match self.status {
            // The dsn of an expired message is its last deferral's; the line says expired.
            DeliveryStatus::Expired => self.status.implied_status(),
            _ => self.dsn.unwrap_or(self.status.implied_status()),
        };
        let reply = Reply::new(text).maybe_host(self.relay).status(Some(status));
        let classification = reply.classify();
        if self.status.is_success() && classification.code.is_none() {
            // "delivered to mailbox", Exim `=>` without `C=`: the line says it was accepted.
            if let Ok(with_code) = reply.code(250) {
                return with_code.classify();
            }
        }
        classification
    }

    /// Copies the record out of the line.
    pub fn into_owned(self) -> OwnedLogRecord {
        OwnedLogRecord {
            format: self.format,
            timestamp: self.timestamp.map(str::to_owned),
            queue_id: self.queue_id.to_owned(),
            sender: self.sender.map(str::to_owned),
            message_id: self.message_id.map(str::to_owned),
            recipient: self.recipient.map(str::to_owned),
            recipients: self.recipients.iter().map(str::to_owned).collect(),
            original_recipient: self.original_recipient.map(str::to_owned),
            relay: self.relay.map(str::to_owned),
            status: self.status,
            dsn: self.dsn,
            text: self.text.to_owned(),
        }
    }
}

/// A [`LogRecord`] that owns its strings, as [`LogReader`]'s iterator yields it. Same fields,
/// same JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OwnedLogRecord {
    /// Which server wrote the line.
    pub format: LogFormat,
    /// The timestamp as written.
    pub timestamp: Option<String>,
    /// The queue id or Exim message id.
    pub queue_id: String,
    /// The envelope sender, when the line names it.
    pub sender: Option<String>,
    /// The Message-ID, when the line names it.
    pub message_id: Option<String>,
    /// The (first) recipient address.
    pub recipient: Option<String>,
    /// Every recipient the line names.
    pub recipients: Vec<String>,
    /// The address before alias expansion.
    pub original_recipient: Option<String>,
    /// The remote host name.
    pub relay: Option<String>,
    /// How the attempt ended.
    pub status: DeliveryStatus,
    /// The enhanced status code the line states.
    pub dsn: Option<Enhanced>,
    /// The reply text.
    pub text: String,
}

impl OwnedLogRecord {
    /// The record as a borrowed [`LogRecord`].
    pub fn as_record(&self) -> LogRecord<'_> {
        LogRecord {
            format: self.format,
            timestamp: self.timestamp.as_deref(),
            queue_id: &self.queue_id,
            sender: self.sender.as_deref(),
            message_id: self.message_id.as_deref(),
            recipient: self.recipient.as_deref(),
            recipients: Recipients {
                repr: RecipientsRepr::List(&self.recipients),
            },
            original_recipient: self.original_recipient.as_deref(),
            relay: self.relay.as_deref(),
            status: self.status,
            dsn: self.dsn,
            text: &self.text,
        }
    }

    /// Classifies the record, as [`LogRecord::classify`] does.
    pub fn classify(&self) -> Classification {
        self.as_record().classify()
    }
}

/// Reads one log line; `None` when it is not a per-recipient delivery result (connections,
/// `qmgr` arrivals, `cleanup`, `smtpd` rejections, Exim arrivals, blank or foreign lines).
///
/// Recognises syslog lines (`Nov 23 04:26:01 host prog[pid]: ...`, RFC 3339 timestamps as
/// rsyslog and journald write them, RFC 5424 `<PRI>1 TIMESTAMP HOST APP ...`) from Postfix
/// (any instance or service name: `postfix/smtp`, `postfix-out/lmtp`, ...) and Sendmail,
/// Exim main log lines, and Exim lines sent to syslog. A trailing CR or LF is ignored.
///
/// Never panics; the work is linear in the line's length, and most non-delivery lines are
/// turned away after their prefix.
pub fn parse_line(line: &str) -> Option<LogRecord<'_>> {
    let line = line
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\n', '\r']);
    if let Some((timestamp, rest)) = exim_timestamp(line) {
        return exim(Some(timestamp), rest);
    }
    let entry = syslog(line)?;
    if program_format(entry.program) == Some(LogFormat::Exim) {
        return match exim_timestamp(entry.message) {
            Some((timestamp, rest)) => exim(Some(timestamp), rest),
            None => exim(entry.timestamp, entry.message),
        };
    }
    keyed(entry.timestamp, entry.message)
}

/// Recognises a mail log by its content: the format of most mail-server lines among the
/// first lines of `sample`, provided that most of its lines are log lines at all (so an
/// email, an mbox or a DSN that quotes a log line is not taken for a log).
///
/// Blank lines and `#` comment lines are skipped; invalid UTF-8 is tolerated. Give it the
/// first few kilobytes of a file.
pub fn detect(sample: &[u8]) -> Option<LogFormat> {
    const MAX_LINES: usize = 500;
    let mut lines_seen = 0usize;
    let mut log_lines = 0usize;
    let mut votes = [0usize; 3];
    let complete = sample.ends_with(b"\n");
    let mut lines = sample.split(|&b| b == b'\n').peekable();
    while let Some(raw) = lines.next() {
        if lines.peek().is_none() && !complete && lines_seen > 0 {
            // The sample may have cut the last line short.
            break;
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) || raw.first() == Some(&b'#') {
            continue;
        }
        lines_seen += 1;
        if lines_seen > MAX_LINES {
            break;
        }
        let text = String::from_utf8_lossy(raw);
        match line_kind(&text) {
            LineKind::Other => {}
            LineKind::Log => log_lines += 1,
            LineKind::Mail(format) => {
                log_lines += 1;
                votes[format as usize] += 1;
            }
        }
    }
    if lines_seen == 0 || log_lines * 2 < lines_seen {
        return None;
    }
    let mut best: Option<(LogFormat, usize)> = None;
    for &format in LogFormat::ALL {
        let n = votes[format as usize];
        if n > 0 && best.is_none_or(|(_, b)| n > b) {
            best = Some((format, n));
        }
    }
    best.map(|(format, _)| format)
}

/// What [`detect`] makes of one line.
enum LineKind {
    /// Not a log line (an email header, prose, data).
    Other,
    /// A log line of no known mail server.
    Log,
    /// A mail server's log line.
    Mail(LogFormat),
}

fn line_kind(line: &str) -> LineKind {
    if let Some((_, rest)) = exim_timestamp(line) {
        let rest = skip_exim_pid(rest);
        let first = rest.split(' ').next().unwrap_or("");
        let exim_like = is_exim_id(first)
            || rest.contains(" H=")
            || rest.starts_with("SMTP connection")
            || rest.starts_with("Start queue run")
            || rest.starts_with("End queue run")
            || rest.starts_with("exim ");
        return if exim_like {
            LineKind::Mail(LogFormat::Exim)
        } else {
            LineKind::Log
        };
    }
    let Some(entry) = syslog(line) else {
        return LineKind::Other;
    };
    match program_format(entry.program).or_else(|| keyed(None, entry.message).map(|r| r.format)) {
        Some(format) => LineKind::Mail(format),
        None => LineKind::Log,
    }
}

/// The mail server a syslog program name belongs to: `postfix/smtp`, `postfix-out/qmgr`,
/// `exim4`, `sm-mta`, `sendmail`, `sm-msp-queue`.
fn program_format(program: &str) -> Option<LogFormat> {
    let first = program.split('/').next().unwrap_or(program);
    let starts = |prefix: &str| {
        first.len() >= prefix.len()
            && first.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    if starts("postfix") {
        Some(LogFormat::Postfix)
    } else if starts("exim") {
        Some(LogFormat::Exim)
    } else if starts("sendmail") || starts("sm-") {
        Some(LogFormat::Sendmail)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Syslog
// ---------------------------------------------------------------------------------------------

/// A syslog line taken apart: the timestamp as written, the program (tag without `[pid]`) and
/// the message.
struct Syslog<'a> {
    timestamp: Option<&'a str>,
    program: &'a str,
    message: &'a str,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn syslog(line: &str) -> Option<Syslog<'_>> {
    let mut s = line;
    // `<PRI>`, as some relays keep it in files.
    if s.starts_with('<') {
        let close = s.bytes().take(5).position(|b| b == b'>')?;
        if close < 2 || !s.as_bytes()[1..close].iter().all(u8::is_ascii_digit) {
            return None;
        }
        s = &s[close + 1..];
        if let Some(rest) = s.strip_prefix("1 ") {
            return rfc5424(rest);
        }
    }
    let (timestamp, mut rest) = bsd_timestamp(s).or_else(|| iso_timestamp(s))?;
    // The tag is the first of the next words that ends in a colon: after the host name, and
    // after a `facility.level` word that some syslog templates add.
    for _ in 0..3 {
        let (word, after) = word(rest.trim_start_matches(' '));
        if word.is_empty() {
            return None;
        }
        if let Some(tag) = word.strip_suffix(':') {
            return Some(Syslog {
                timestamp: Some(timestamp),
                program: strip_pid(tag),
                message: after,
            });
        }
        rest = after;
    }
    None
}

/// `Nov 23 04:26:01`, `Nov  3 04:26:01`, `Nov 3 04:26:01.123456`. Returns it and the rest.
fn bsd_timestamp(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    if b.len() < 15 || !MONTHS.iter().any(|m| m.as_bytes() == &b[..3]) || b[3] != b' ' {
        return None;
    }
    let mut i = 4;
    if b[i] == b' ' {
        i += 1;
    }
    let day = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&day) {
        return None;
    }
    i += day;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let end = clock(b, i)?;
    Some((&s[..end], s.get(end..)?))
}

/// `hh:mm:ss` at `i`, with an optional fraction; returns where it ends.
fn clock(b: &[u8], i: usize) -> Option<usize> {
    let t = b.get(i..i + 8)?;
    let digits = [0, 1, 3, 4, 6, 7];
    if t[2] != b':' || t[5] != b':' || !digits.iter().all(|&k| t[k].is_ascii_digit()) {
        return None;
    }
    let mut end = i + 8;
    if b.get(end) == Some(&b'.') {
        end += 1 + b[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
    }
    Some(end)
}

/// `2026-11-23T04:26:01.123456+01:00` (rsyslog, journald `short-iso`): the word up to the
/// first space.
fn iso_timestamp(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    if b.len() < 19 || !is_date(b) || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let end = memchr(b' ', b)?;
    Some((&s[..end], &s[end..]))
}

/// `YYYY-MM-DD` at the start.
fn is_date(b: &[u8]) -> bool {
    b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&k| b[k].is_ascii_digit())
}

/// RFC 5424 after `<PRI>1 `: `TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`.
fn rfc5424(s: &str) -> Option<Syslog<'_>> {
    let (timestamp, rest) = word(s);
    let (_host, rest) = word(rest);
    let (app, rest) = word(rest);
    let (_procid, rest) = word(rest);
    let (_msgid, rest) = word(rest);
    if app.is_empty() {
        return None;
    }
    let message = skip_structured_data(rest)?;
    Some(Syslog {
        timestamp: (timestamp != "-").then_some(timestamp),
        program: app,
        message: message.trim_start_matches('\u{feff}'),
    })
}

/// Skips RFC 5424 structured data (`-` or `[id k="v"]...`, with `\"` and `\]` escapes).
fn skip_structured_data(s: &str) -> Option<&str> {
    if let Some(rest) = s.strip_prefix('-') {
        return Some(rest.strip_prefix(' ').unwrap_or(rest));
    }
    let b = s.as_bytes();
    let mut i = 0;
    while b.get(i) == Some(&b'[') {
        let mut quoted = false;
        i += 1;
        loop {
            match *b.get(i)? {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                b']' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    let rest = s.get(i..)?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// The word up to the next space, and what follows that space.
fn word(s: &str) -> (&str, &str) {
    match memchr(b' ', s.as_bytes()) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

/// `postfix/smtp[123]` -> `postfix/smtp`.
fn strip_pid(tag: &str) -> &str {
    match (tag.ends_with(']'), tag.find('[')) {
        (true, Some(open)) => &tag[..open],
        _ => tag,
    }
}

// ---------------------------------------------------------------------------------------------
// Postfix and Sendmail: `QUEUEID: key=value, key=value, ..., status=...`
// ---------------------------------------------------------------------------------------------

/// The longest queue id believed (Postfix long ids are 15-17 characters, Sendmail's 14).
const MAX_QUEUE_ID: usize = 40;

/// Reads `QID: to=...` (Postfix and Sendmail delivery lines) and Postfix's
/// `QID: from=<...>, status=expired, returned to sender`.
fn keyed<'a>(timestamp: Option<&'a str>, message: &'a str) -> Option<LogRecord<'a>> {
    let b = message.as_bytes();
    let id_len = b
        .iter()
        .take(MAX_QUEUE_ID + 1)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if id_len == 0 || id_len > MAX_QUEUE_ID || b.get(id_len..id_len + 2) != Some(b": ") {
        return None;
    }
    let queue_id = &message[..id_len];
    let rest = &message[id_len + 2..];
    let (first_key, rest) = if let Some(r) = rest.strip_prefix("to=") {
        ("to", r)
    } else if let Some(r) = rest.strip_prefix("from=") {
        ("from", r)
    } else {
        return None;
    };

    let mut to = None;
    let mut from = None;
    let mut original = None;
    let mut relay = None;
    let mut dsn = None;
    let mut key = first_key;
    let mut start = 0;
    let (format, value) = loop {
        if key == "status" {
            break (LogFormat::Postfix, &rest[start..]);
        }
        if key == "stat" {
            break (LogFormat::Sendmail, &rest[start..]);
        }
        let (value_end, key_start, key_end) = next_key(rest, start)?;
        let value = &rest[start..value_end];
        match key {
            "to" => to = Some(value),
            "from" => from = Some(strip_angles(value)),
            "orig_to" => original = Some(strip_angles(value)),
            "relay" => relay = relay_host(value),
            "dsn" => dsn = Enhanced::parse(value),
            _ => {}
        }
        key = &rest[key_start..key_end];
        start = key_end + 1;
    };

    let (status, text) = match format {
        LogFormat::Sendmail => sendmail_stat(value, dsn)?,
        _ => postfix_status(value)?,
    };
    if first_key == "from" && (format != LogFormat::Postfix || status != DeliveryStatus::Expired) {
        return None;
    }
    let recipients = to.map_or(Recipients::NONE, Recipients::raw);
    Some(LogRecord {
        format,
        timestamp,
        queue_id,
        sender: from,
        message_id: None,
        recipient: recipients.first(),
        recipients,
        original_recipient: original.filter(|s| !s.is_empty()),
        relay,
        status,
        dsn,
        text,
    })
}

/// The next `, key=` at or after `from`: where the current value ends, and where the key
/// starts and ends (the `=`). Values may hold `, ` themselves (Sendmail's
/// `ctladdr=<a@b> (1000/1000)`, `relay=mx. [192.0.2.1]`), so only a comma followed by a
/// lower-case key and `=` counts.
fn next_key(s: &str, from: usize) -> Option<(usize, usize, usize)> {
    let b = s.as_bytes();
    let mut at = from;
    loop {
        let comma = at + memmem::find(b.get(at..)?, b", ")?;
        let key_start = comma + 2;
        let key_len = b[key_start..]
            .iter()
            .take(32)
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || **c == b'_')
            .count();
        if key_len > 0 && b.get(key_start + key_len) == Some(&b'=') {
            return Some((comma, key_start, key_start + key_len));
        }
        at = key_start;
    }
}

/// `<a@b>` -> `a@b`.
fn strip_angles(s: &str) -> &str {
    let s = s.trim();
    let s = s.strip_prefix('<').unwrap_or(s);
    s.strip_suffix('>').unwrap_or(s)
}

/// The host of a `relay=` value: `mx.example.org[192.0.2.1]:25` (Postfix),
/// `mx.example.org. [192.0.2.1]` (Sendmail), `[192.0.2.1] [192.0.2.1]` (no name: the
/// address). Values without an address are transports, not hosts (`none`, `local`,
/// `virtual`, a pipe transport's name).
fn relay_host(value: &str) -> Option<&str> {
    let open = value.find('[')?;
    let name = value[..open].trim().trim_end_matches('.');
    if !name.is_empty() {
        return Some(name);
    }
    let inner = &value[open + 1..];
    let inner = &inner[..inner.find(']').unwrap_or(inner.len())];
    let inner = if inner.len() > 5 && inner.as_bytes()[..5].eq_ignore_ascii_case(b"IPv6:") {
        &inner[5..]
    } else {
        inner
    };
    (!inner.is_empty()).then_some(inner)
}

/// Postfix `status=WORD (TEXT)` or `status=expired, returned to sender`.
fn postfix_status(value: &str) -> Option<(DeliveryStatus, &str)> {
    let end = value
        .bytes()
        .position(|b| b == b' ' || b == b',')
        .unwrap_or(value.len());
    let word = &value[..end];
    let status = if word.eq_ignore_ascii_case("sent") {
        DeliveryStatus::Sent
    } else if word.eq_ignore_ascii_case("deferred") {
        DeliveryStatus::Deferred
    } else if word.eq_ignore_ascii_case("bounced") {
        DeliveryStatus::Bounced
    } else if word.eq_ignore_ascii_case("expired") {
        DeliveryStatus::Expired
    } else if word.eq_ignore_ascii_case("softbounce") {
        DeliveryStatus::SoftBounce
    } else if word.eq_ignore_ascii_case("deliverable") {
        DeliveryStatus::Deliverable
    } else if word.eq_ignore_ascii_case("undeliverable") {
        DeliveryStatus::Undeliverable
    } else {
        return None;
    };
    let rest = value[end..].trim_start();
    let text = if rest.starts_with('(') {
        parenthesised(rest)
    } else {
        rest.strip_prefix(',').unwrap_or(rest).trim()
    };
    Some((status, text))
}

/// The inside of `(TEXT)` at the start of `s`, up to the last `)` (the text itself holds
/// parentheses: `(in reply to RCPT TO command)`); all of it when the line was cut short.
fn parenthesised(s: &str) -> &str {
    let inner = s.strip_prefix('(').unwrap_or(s).trim_end();
    inner.strip_suffix(')').unwrap_or(inner)
}

/// Sendmail `stat=`: `Sent (...)`, `Deferred: ...`, `queued` (not an attempt), or the error
/// text of a failure, whose `dsn` class says whether it was final.
fn sendmail_stat(value: &str, dsn: Option<Enhanced>) -> Option<(DeliveryStatus, &str)> {
    let value = value.trim();
    if starts_with_ignore_case(value, "Sent")
        && !value[4..].starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        let rest = value[4..].trim_start();
        let text = if rest.starts_with('(') {
            parenthesised(rest)
        } else {
            rest
        };
        return Some((DeliveryStatus::Sent, text));
    }
    if starts_with_ignore_case(value, "Deferred") {
        let rest = value[8..].trim_start();
        return Some((
            DeliveryStatus::Deferred,
            rest.strip_prefix(':').unwrap_or(rest).trim_start(),
        ));
    }
    if value.eq_ignore_ascii_case("queued") {
        // Queued without an attempt (queue-only delivery mode, high load): no result yet.
        return None;
    }
    if starts_with_ignore_case(value, "Cannot send message for") {
        return Some((DeliveryStatus::Expired, value));
    }
    let status = match dsn.map(|d| d.class) {
        Some(2) => DeliveryStatus::Sent,
        Some(4) => DeliveryStatus::Deferred,
        _ => DeliveryStatus::Bounced,
    };
    Some((status, value))
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Sendmail's fixed texts for mailer exit codes (`sysexits.h`), which stand in for the remote
/// reply: `User unknown` for a 5xx to RCPT (550, 551, 553), `Service unavailable` for most other
/// 5xx, ... Such a text says less than the `dsn` beside it, except that `User unknown` agrees
/// with an addressing status (x.1.x: Microsoft's 5.1.10 means an unknown user) and is kept
/// then. `Host unknown` is not among them: it is Sendmail's own DNS finding.
fn is_sendmail_canned(text: &str, dsn: Enhanced) -> bool {
    const CANNED: [&str; 11] = [
        "Service unavailable",
        "Data format error",
        "Remote protocol error",
        "Internal error",
        "Operating system error",
        "System file missing",
        "Can't create output",
        "I/O error",
        "Insufficient permission",
        "Local configuration error",
        "Cannot open input",
    ];
    let text = text.trim();
    if text.eq_ignore_ascii_case("User unknown") {
        return dsn.subject != 1;
    }
    CANNED.iter().any(|c| text.eq_ignore_ascii_case(c))
        || starts_with_ignore_case(text, "Unknown mailer error")
}

// ---------------------------------------------------------------------------------------------
// Exim: `2026-11-23 04:26:01 1rXyZa-000ABC-DE ** bob@example.org R=.. T=.. H=..: message`
// ---------------------------------------------------------------------------------------------

/// Exim's timestamp at the start of a line: `2026-11-23 04:26:01`, with the optional
/// fraction (`log_selector = +millisec`) and zone (`log_timezone`). Returns it and the rest.
fn exim_timestamp(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    if b.len() < 20 || !is_date(b) || b[10] != b' ' {
        return None;
    }
    let mut end = clock(b, 11)?;
    // ` +0100` / ` -0500`.
    if let Some(zone) = b.get(end..end + 6) {
        if zone[0] == b' '
            && (zone[1] == b'+' || zone[1] == b'-')
            && zone[2..].iter().all(u8::is_ascii_digit)
            && b.get(end + 6).is_none_or(|&c| c == b' ')
        {
            end += 6;
        }
    }
    match b.get(end) {
        Some(b' ') => Some((&s[..end], &s[end + 1..])),
        _ => None,
    }
}

/// `[12345] ` after the timestamp (`log_selector = +pid`).
fn skip_exim_pid(s: &str) -> &str {
    if let Some(inner) = s.strip_prefix('[') {
        if let Some(close) = inner.find("] ") {
            if inner[..close].bytes().all(|b| b.is_ascii_digit()) {
                return &inner[close + 2..];
            }
        }
    }
    s
}

/// An Exim message id: `1rXyZa-000ABC-DE` (before 4.97) or `1rXyZa-00000000ABC-DEFG`.
fn is_exim_id(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!((a.len(), b.len(), c.len()), (6, 6, 2) | (6, 11, 4))
        && s.bytes().all(|x| x.is_ascii_alphanumeric() || x == b'-')
}

fn exim<'a>(timestamp: Option<&'a str>, body: &'a str) -> Option<LogRecord<'a>> {
    let body = skip_exim_pid(body);
    let (id, rest) = word(body);
    if !is_exim_id(id) {
        return None;
    }
    let flag = rest.get(..3)?;
    let status = match flag {
        "=> " | "-> " | ">> " => DeliveryStatus::Sent,
        "** " => DeliveryStatus::Bounced,
        "== " => DeliveryStatus::Deferred,
        // `<=` arrival, `*>` delivery suppressed by -N, and everything else.
        _ => return None,
    };
    let (token, fields) = word(&rest[3..]);
    // `** bob@example.invalid: Unrouteable address`: the message follows the address.
    let (address, parsed) = match token.strip_suffix(':') {
        Some(address) => (
            address,
            EximFields {
                message: Some(fields.trim_start()),
                ..EximFields::default()
            },
        ),
        None => (token, exim_fields(fields)),
    };
    if address.is_empty() {
        return None;
    }
    let text = match status {
        DeliveryStatus::Sent => parsed.confirmation.or(parsed.message).unwrap_or(""),
        _ => parsed.message.unwrap_or(""),
    };
    let status = if status == DeliveryStatus::Bounced && exim_expired(text) {
        DeliveryStatus::Expired
    } else {
        status
    };
    Some(LogRecord {
        format: LogFormat::Exim,
        timestamp,
        queue_id: id,
        sender: None,
        message_id: None,
        recipient: Some(address),
        recipients: Recipients::raw(address),
        original_recipient: parsed.original,
        relay: parsed
            .host
            .or_else(|| host_after_errno(text))
            .and_then(relay_host_exim),
        status,
        dsn: None,
        text,
    })
}

/// Exim's own words when it gives up because the retry time ran out (`smtp.c`, `deliver.c`,
/// `retry.c`); on a `**` line they mean the message expired.
fn exim_expired(message: &str) -> bool {
    let b = message.as_bytes();
    [
        "retry timeout exceeded",
        "retry time not reached for any host after a long failure period",
        "have been failing for a long time",
    ]
    .iter()
    .any(|phrase| memmem::find(b, phrase.as_bytes()).is_some())
}

/// What the fields after an Exim address say.
#[derive(Default)]
struct EximFields<'a> {
    /// `<parent@example.org>` right after the address.
    original: Option<&'a str>,
    /// The value of `H=`: `mx.example.org` (its `[ip]` follows as the next word).
    host: Option<&'a str>,
    /// The inside of `C="..."`.
    confirmation: Option<&'a str>,
    /// What follows the first `: ` outside quotes.
    message: Option<&'a str>,
}

/// Reads ` <parent> R=.. T=.. defer (-44) H=host [ip]:port X=.. DN="..": message`. Quoted
/// values (`DN="..."`, `C="250 OK: queued"`) may hold spaces and colons.
fn exim_fields(s: &str) -> EximFields<'_> {
    let mut out = EximFields::default();
    let mut first = true;
    for (start, end) in exim_spans(s) {
        let token = s.get(start..end).unwrap_or("");
        let (token, last) = match token.strip_suffix(':') {
            Some(t) => (t, true),
            None => (token, false),
        };
        if first && token.starts_with('<') && token.ends_with('>') {
            out.original = Some(&token[1..token.len() - 1]).filter(|o| !o.is_empty());
        } else if let Some(host) = token.strip_prefix("H=") {
            out.host = Some(host);
        } else if let Some(c) = token.strip_prefix("C=\"") {
            out.confirmation = Some(c.strip_suffix('"').unwrap_or(c));
        }
        first = false;
        if last {
            out.message = Some(s.get(end..).unwrap_or("").trim_start());
            return out;
        }
    }
    out
}

/// `H=` after a deferral's error text: `defer (104): Connection reset by peer H=mx [ip]: ...`
/// (Exim writes `strerror(errno)` before the host).
fn host_after_errno(message: &str) -> Option<&str> {
    let at = memmem::find(message.as_bytes(), b" H=")?;
    Some(word(&message[at + 3..]).0)
}

/// The host of an Exim `H=` value: `mx.example.org`, or `[192.0.2.1]` when it has no name.
fn relay_host_exim(value: &str) -> Option<&str> {
    if value.starts_with('[') {
        return relay_host(value);
    }
    let name = value.trim_end_matches('.');
    (!name.is_empty()).then_some(name)
}

// ---------------------------------------------------------------------------------------------
// Message lines: what the other lines of a message say (sender, Message-ID, the end)
// ---------------------------------------------------------------------------------------------

/// What a log line says about a message, for joining the lines of one message
/// ([`crate::messages`]): a delivery result, or one of the lines around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLine<'a> {
    /// A per-recipient delivery result, as [`parse_line`] reads it.
    Delivery(LogRecord<'a>),
    /// A line that names the message's sender or Message-ID, or says the server is done
    /// with it.
    Info(MessageInfo<'a>),
}

/// What a line other than a delivery result says about a message.
///
/// | format | line | gives |
/// |---|---|---|
/// | Postfix | `QID: message-id=<..>` (`cleanup`) | `message_id` |
/// | Postfix | `QID: from=<..>, size=.., nrcpt=N (queue active)` (`qmgr`) | `sender`, `recipients` |
/// | Postfix | `QID: removed` (`qmgr`) | `done` |
/// | Exim | `ID <= sender .. id=MSGID` | `sender`, `message_id` |
/// | Exim | `ID Completed` | `done` |
/// | Sendmail | `QID: from=<..>, size=.., nrcpts=N, msgid=<..>, ..` | `sender`, `recipients`, `message_id` |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MessageInfo<'a> {
    /// Which server wrote the line.
    pub format: LogFormat,
    /// The timestamp as written.
    pub timestamp: Option<&'a str>,
    /// The queue id (Postfix, Sendmail) or message id (Exim).
    pub queue_id: &'a str,
    /// The envelope sender without angle brackets (empty for the null sender `<>`).
    pub sender: Option<&'a str>,
    /// The Message-ID header, without angle brackets.
    pub message_id: Option<&'a str>,
    /// How many recipients the message has (Postfix `nrcpt=`, Sendmail `nrcpts=`).
    pub recipients: Option<u32>,
    /// The server is done with the message (Postfix `removed`, Exim `Completed`).
    pub done: bool,
}

impl MessageInfo<'_> {
    /// Copies the line's facts out of the line.
    pub fn into_owned(self) -> OwnedMessageInfo {
        OwnedMessageInfo {
            format: self.format,
            timestamp: self.timestamp.map(str::to_owned),
            queue_id: self.queue_id.to_owned(),
            sender: self.sender.map(str::to_owned),
            message_id: self.message_id.map(str::to_owned),
            recipients: self.recipients,
            done: self.done,
        }
    }
}

/// A [`MessageInfo`] that owns its strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OwnedMessageInfo {
    /// Which server wrote the line.
    pub format: LogFormat,
    /// The timestamp as written.
    pub timestamp: Option<String>,
    /// The queue id or Exim message id.
    pub queue_id: String,
    /// The envelope sender.
    pub sender: Option<String>,
    /// The Message-ID header.
    pub message_id: Option<String>,
    /// How many recipients the message has.
    pub recipients: Option<u32>,
    /// The server is done with the message.
    pub done: bool,
}

impl OwnedMessageInfo {
    /// The facts as a borrowed [`MessageInfo`].
    pub fn as_info(&self) -> MessageInfo<'_> {
        MessageInfo {
            format: self.format,
            timestamp: self.timestamp.as_deref(),
            queue_id: &self.queue_id,
            sender: self.sender.as_deref(),
            message_id: self.message_id.as_deref(),
            recipients: self.recipients,
            done: self.done,
        }
    }
}

/// Reads one log line as [`parse_line`] does, and also the lines that name a message's
/// sender and Message-ID or say the server is done with it (see [`MessageInfo`]); `None` for
/// every other line. Never panics; linear in the line's length.
///
/// ```
/// use smtpcodes::logs::{parse_message_line, MessageLine};
///
/// let line = "Nov 23 04:26:00 mail postfix/qmgr[99]: 4BXyZ12abcz: from=<news@example.com>, size=1234, nrcpt=2 (queue active)";
/// let Some(MessageLine::Info(info)) = parse_message_line(line) else { panic!("an info line") };
/// assert_eq!((info.queue_id, info.sender, info.recipients), ("4BXyZ12abcz", Some("news@example.com"), Some(2)));
/// ```
pub fn parse_message_line(line: &str) -> Option<MessageLine<'_>> {
    let line = line
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\n', '\r']);
    if let Some((timestamp, rest)) = exim_timestamp(line) {
        return exim_message(Some(timestamp), rest);
    }
    let entry = syslog(line)?;
    let format = program_format(entry.program);
    if format == Some(LogFormat::Exim) {
        return match exim_timestamp(entry.message) {
            Some((timestamp, rest)) => exim_message(Some(timestamp), rest),
            None => exim_message(entry.timestamp, entry.message),
        };
    }
    if let Some(record) = keyed(entry.timestamp, entry.message) {
        return Some(MessageLine::Delivery(record));
    }
    keyed_info(format?, entry.timestamp, entry.message).map(MessageLine::Info)
}

/// Postfix's `cleanup`, `qmgr` and `removed` lines, Sendmail's `from=` line.
fn keyed_info<'a>(
    format: LogFormat,
    timestamp: Option<&'a str>,
    message: &'a str,
) -> Option<MessageInfo<'a>> {
    let b = message.as_bytes();
    let id_len = b
        .iter()
        .take(MAX_QUEUE_ID + 1)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if id_len == 0 || id_len > MAX_QUEUE_ID || b.get(id_len..id_len + 2) != Some(b": ") {
        return None;
    }
    let mut info = MessageInfo {
        format,
        timestamp,
        queue_id: &message[..id_len],
        sender: None,
        message_id: None,
        recipients: None,
        done: false,
    };
    let rest = &message[id_len + 2..];
    if rest.trim_end() == "removed" {
        info.done = true;
        return Some(info);
    }
    if let Some(value) = rest.strip_prefix("message-id=") {
        let id = strip_angles(word(value.trim()).0);
        info.message_id = (!id.is_empty()).then_some(id);
        return Some(info);
    }
    let rest = rest.strip_prefix("from=")?;
    let mut key = "from";
    let mut start = 0;
    loop {
        let next = next_key(rest, start);
        let value = &rest[start..next.map_or(rest.len(), |(end, _, _)| end)];
        match key {
            "from" => info.sender = Some(strip_angles(value)),
            "nrcpt" | "nrcpts" => {
                let digits = value.bytes().take_while(u8::is_ascii_digit).count();
                info.recipients = value[..digits].parse().ok();
            }
            "msgid" => {
                let id = strip_angles(value);
                info.message_id = (!id.is_empty()).then_some(id);
            }
            _ => {}
        }
        let Some((_, key_start, key_end)) = next else {
            break;
        };
        key = &rest[key_start..key_end];
        start = key_end + 1;
    }
    Some(info)
}

/// Exim's delivery lines (as [`exim`]), `<=` arrivals and `Completed`.
fn exim_message<'a>(timestamp: Option<&'a str>, body: &'a str) -> Option<MessageLine<'a>> {
    if let Some(record) = exim(timestamp, body) {
        return Some(MessageLine::Delivery(record));
    }
    let (id, rest) = word(skip_exim_pid(body));
    if !is_exim_id(id) {
        return None;
    }
    let mut info = MessageInfo {
        format: LogFormat::Exim,
        timestamp,
        queue_id: id,
        sender: None,
        message_id: None,
        recipients: None,
        done: false,
    };
    if rest.trim_end() == "Completed" {
        info.done = true;
        return Some(MessageLine::Info(info));
    }
    let fields = rest.strip_prefix("<= ")?;
    let (sender, fields) = word(fields);
    info.sender = Some(strip_angles(sender));
    info.message_id = exim_tokens(fields)
        .find_map(|t| t.strip_prefix("id="))
        .map(strip_angles)
        .filter(|id| !id.is_empty());
    Some(MessageLine::Info(info))
}

/// The space-separated tokens of Exim's fields; a quoted value (`T="a subject"`) is one token.
fn exim_tokens(s: &str) -> impl Iterator<Item = &str> {
    exim_spans(s).filter_map(move |(start, end)| s.get(start..end))
}

/// Where each of [`exim_tokens`] starts and ends in `s`.
fn exim_spans(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        let mut quoted = false;
        while i < b.len() {
            match b[i] {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                b' ' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        // `i` stops on a space or at the end; a backslash at the very end may overshoot.
        Some((start, i.min(b.len())))
    })
}

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

/// Reads the delivery records of a log, one line at a time, with one reused line buffer:
/// memory stays flat whatever the size of the log (wrap a `.gz` in a decoder first).
///
/// No line is ever buffered past [`LogReader::max_line`] bytes (64 KiB by default). What
/// happens to a longer line is [`LogReader::long_lines`]' choice: by default
/// ([`LongLines::Cut`]) it is cut to that length and counted by
/// [`lines_truncated`](LogReader::lines_truncated); with [`LongLines::Skip`] it is skipped
/// whole, counted by [`lines_skipped`](LogReader::lines_skipped) and reported, with its line
/// number, by [`next_event`](LogReader::next_event). Either way the rest of the line is read
/// and dropped, never stored. Invalid UTF-8 is replaced with U+FFFD; CRLF line ends are
/// accepted.
///
/// As an [`Iterator`] it yields [`OwnedLogRecord`]s (a few small allocations per delivery
/// line, none for the other lines) and ends after the first I/O error. For no allocation at
/// all, call [`LogReader::next_record`], which lends a [`LogRecord`] borrowing the buffer, or
/// use [`for_each_record`].
///
/// ```
/// use smtpcodes::logs::{DeliveryStatus, LogReader};
///
/// let log = "\
/// Nov 23 04:26:01 mail postfix/qmgr[99]: 4BXyZ12abcz: from=<news@example.com>, size=1234, nrcpt=1 (queue active)
/// Nov 23 04:26:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F1C2)
/// Nov 23 04:26:02 mail postfix/qmgr[99]: 4BXyZ12abcz: removed
/// ";
/// let mut reader = LogReader::new(log.as_bytes());
/// let records: Vec<_> = reader.by_ref().collect::<Result<_, _>>()?;
/// assert_eq!(records.len(), 1);
/// assert_eq!(records[0].status, DeliveryStatus::Sent);
/// assert_eq!(reader.lines_read(), 3);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct LogReader<R> {
    inner: R,
    line: String,
    spare: String,
    max_line: usize,
    long_lines: LongLines,
    lines: u64,
    truncated: u64,
    skipped: u64,
    failed: bool,
}

/// What a [`LogReader`] does with a line longer than its [`max_line`](LogReader::max_line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LongLines {
    /// Keep the first `max_line` bytes and read the line as if it ended there (the default:
    /// the reply text of a delivery line comes first, so a cut line still classifies).
    #[default]
    Cut,
    /// Skip the whole line: it is not parsed, and [`LogReader::next_event`] reports it as a
    /// [`LogEvent::LongLine`]. For readers that must not lose the end of a line unawares.
    Skip,
}

/// What [`LogReader::next_event`] found on the next line of interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEvent<'a> {
    /// A delivery record, borrowing the reader's line buffer.
    Record {
        /// The record's line number (1-based, counting every line read).
        line: u64,
        /// The record.
        record: LogRecord<'a>,
    },
    /// A line longer than [`LogReader::max_line`], skipped whole (only with
    /// [`LongLines::Skip`]).
    LongLine {
        /// Its line number.
        line: u64,
        /// Its length in bytes, line end included.
        bytes: u64,
    },
}

/// One step of the reader, before the record is lent out.
enum Step {
    End,
    Record,
    LongLine(u64),
}

/// What [`LogReader::fill_line`] read.
enum Fill {
    End,
    /// A line, in `self.line`.
    Line,
    /// A long line skipped, of this many bytes.
    Skipped(u64),
}

impl<R: BufRead> LogReader<R> {
    /// The longest line kept by default, in bytes. Syslog lines stop near 8 KiB; Exim's main
    /// log has no limit, but a reply text past this length says nothing more.
    pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

    /// A reader over `inner` (a `BufReader<File>`, a decoder, `&[u8]`, stdin's lock).
    pub fn new(inner: R) -> LogReader<R> {
        LogReader {
            inner,
            line: String::new(),
            spare: String::new(),
            max_line: Self::DEFAULT_MAX_LINE,
            long_lines: LongLines::Cut,
            lines: 0,
            truncated: 0,
            skipped: 0,
            failed: false,
        }
    }

    /// Sets the longest line kept, in bytes (at least 1). What happens to a longer line is
    /// [`long_lines`](Self::long_lines)' choice.
    #[must_use]
    pub fn max_line(mut self, bytes: usize) -> LogReader<R> {
        self.max_line = bytes.max(1);
        self
    }

    /// Sets what happens to a line longer than [`max_line`](Self::max_line): cut
    /// ([`LongLines::Cut`], the default) or skipped and reported ([`LongLines::Skip`]).
    #[must_use]
    pub fn long_lines(mut self, policy: LongLines) -> LogReader<R> {
        self.long_lines = policy;
        self
    }

    /// The next delivery record, borrowing the reader's line buffer until the next call;
    /// `Ok(None)` at the end of the input.
    pub fn next_record(&mut self) -> io::Result<Option<LogRecord<'_>>> {
        Ok(self.next_numbered_record()?.map(|(_, record)| record))
    }

    /// Like [`next_record`](Self::next_record), with the record's line number (1-based,
    /// counting every line read), which [`lines_read`](Self::lines_read) cannot give while the
    /// record borrows the reader. Skipped long lines are passed over (they are counted by
    /// [`lines_skipped`](Self::lines_skipped); [`next_event`](Self::next_event) reports them).
    pub fn next_numbered_record(&mut self) -> io::Result<Option<(u64, LogRecord<'_>)>> {
        loop {
            match self.step()? {
                Step::End => return Ok(None),
                Step::LongLine(_) => {}
                Step::Record => break,
            }
        }
        let number = self.lines;
        Ok(parse_line(&self.line).map(|record| (number, record)))
    }

    /// The next delivery record or skipped long line, whichever comes first; `Ok(None)` at
    /// the end of the input. Lines that are not delivery results are passed over as by
    /// [`next_record`](Self::next_record).
    ///
    /// ```
    /// use smtpcodes::logs::{LogEvent, LogReader, LongLines};
    ///
    /// let log = format!("{}\nshort noise\n", "x".repeat(100));
    /// let mut reader = LogReader::new(log.as_bytes()).max_line(64).long_lines(LongLines::Skip);
    /// assert_eq!(reader.next_event()?, Some(LogEvent::LongLine { line: 1, bytes: 101 }));
    /// assert_eq!(reader.next_event()?, None);
    /// assert_eq!((reader.lines_read(), reader.lines_skipped()), (2, 1));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn next_event(&mut self) -> io::Result<Option<LogEvent<'_>>> {
        match self.step()? {
            Step::End => Ok(None),
            Step::LongLine(bytes) => Ok(Some(LogEvent::LongLine {
                line: self.lines,
                bytes,
            })),
            Step::Record => {
                let line = self.lines;
                Ok(parse_line(&self.line).map(|record| LogEvent::Record { line, record }))
            }
        }
    }

    /// Reads lines until a delivery record (left in `self.line`), a skipped long line, or
    /// the end.
    fn step(&mut self) -> io::Result<Step> {
        loop {
            match self.fill_line()? {
                Fill::End => return Ok(Step::End),
                Fill::Skipped(bytes) => return Ok(Step::LongLine(bytes)),
                // Parsed again by the caller: returning the borrow from inside the loop is
                // refused by the borrow checker (NLL), and a delivery line parses in well
                // under a microsecond.
                Fill::Line if parse_line(&self.line).is_some() => return Ok(Step::Record),
                Fill::Line => {}
            }
        }
    }

    /// How many lines have been read so far (records, skipped and other lines alike).
    pub fn lines_read(&self) -> u64 {
        self.lines
    }

    /// How many of them were longer than [`max_line`](Self::max_line) and were cut
    /// ([`LongLines::Cut`]).
    pub fn lines_truncated(&self) -> u64 {
        self.truncated
    }

    /// How many of them were longer than [`max_line`](Self::max_line) and were skipped
    /// ([`LongLines::Skip`]).
    pub fn lines_skipped(&self) -> u64 {
        self.skipped
    }

    /// Gives the underlying reader back.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Reads the next line into `self.line`, without its line end (a skipped long line
    /// leaves it empty).
    fn fill_line(&mut self) -> io::Result<Fill> {
        let mut buf = std::mem::take(&mut self.line).into_bytes();
        buf.clear();
        let read = match read_line_capped(&mut self.inner, &mut buf, self.max_line) {
            Ok(r) => r,
            Err(e) => {
                buf.clear();
                self.line = String::from_utf8(buf).unwrap_or_default();
                return Err(e);
            }
        };
        if read.bytes == 0 {
            self.line = String::from_utf8(buf).unwrap_or_default();
            return Ok(Fill::End);
        }
        self.lines += 1;
        if read.cut {
            if self.long_lines == LongLines::Skip {
                self.skipped += 1;
                buf.clear();
                self.line = String::from_utf8(buf).unwrap_or_default();
                return Ok(Fill::Skipped(read.bytes));
            }
            self.truncated += 1;
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        self.line = match String::from_utf8(buf) {
            Ok(s) => s,
            Err(e) => {
                // Lossy, into the spare buffer; the byte buffer becomes the next spare.
                let mut bytes = e.into_bytes();
                let mut out = std::mem::take(&mut self.spare);
                out.clear();
                for chunk in bytes.utf8_chunks() {
                    out.push_str(chunk.valid());
                    if !chunk.invalid().is_empty() {
                        out.push(char::REPLACEMENT_CHARACTER);
                    }
                }
                bytes.clear();
                self.spare = String::from_utf8(bytes).unwrap_or_default();
                out
            }
        };
        Ok(Fill::Line)
    }
}

/// What [`read_line_capped`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CappedLine {
    /// The bytes consumed from the reader, line end included; 0 at the end of the input.
    pub bytes: u64,
    /// True when the line was longer than the cap: only its first bytes were kept.
    pub cut: bool,
    /// True when the line ended with `\n` (false only for a last line without one).
    pub newline: bool,
}

/// Reads one line from `reader` and appends it to `buf` without its `\n`, keeping `buf` at
/// most `max` bytes long: the rest of a longer line is consumed and dropped, never stored, so
/// a line of any length (a 10 GB run of zeros) costs `max` bytes of memory. A `\r` before the
/// `\n` is kept.
///
/// Reading a mail file line by line with this instead of [`BufRead::read_until`] bounds the
/// memory of the reader; `smtpcodes scan` reads mailboxes and logs with it.
///
/// ```
/// use smtpcodes::logs::read_line_capped;
///
/// let mut input = &b"a very long line\nshort\n"[..];
/// let mut buf = Vec::new();
/// let first = read_line_capped(&mut input, &mut buf, 6)?;
/// assert_eq!((buf.as_slice(), first.bytes, first.cut), (&b"a very"[..], 17, true));
/// buf.clear();
/// let second = read_line_capped(&mut input, &mut buf, 6)?;
/// assert_eq!((buf.as_slice(), second.cut, second.newline), (&b"short"[..], false, true));
/// assert_eq!(read_line_capped(&mut input, &mut buf, 6)?.bytes, 0);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read_line_capped<R: BufRead + ?Sized>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<CappedLine> {
    let mut read = CappedLine {
        bytes: 0,
        cut: false,
        newline: false,
    };
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(read);
        }
        let newline = memchr(b'\n', available);
        let content = newline.unwrap_or(available.len());
        let room = max.saturating_sub(buf.len());
        if content > room {
            read.cut = true;
        }
        buf.extend_from_slice(&available[..content.min(room)]);
        let used = newline.map_or(available.len(), |i| i + 1);
        reader.consume(used);
        read.bytes = read.bytes.saturating_add(used as u64);
        if newline.is_some() {
            read.newline = true;
            return Ok(read);
        }
    }
}

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = io::Result<OwnedLogRecord>;

    fn next(&mut self) -> Option<io::Result<OwnedLogRecord>> {
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(Some(record)) => Some(Ok(record.into_owned())),
            Ok(None) => None,
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Calls `f` with every delivery record of a log, without allocating per line or per record.
/// Returns how many records there were.
pub fn for_each_record<R: BufRead>(
    reader: R,
    mut f: impl FnMut(&LogRecord<'_>),
) -> io::Result<u64> {
    let mut reader = LogReader::new(reader);
    let mut records = 0;
    while let Some(record) = reader.next_record()? {
        f(&record);
        records += 1;
    }
    Ok(records)
}
