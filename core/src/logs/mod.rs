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

mod exim;
mod message_lines;
mod postfix;
mod reader;
mod sendmail;
mod syslog;

use serde::Serialize;

use crate::types::string_enum;
use crate::{Classification, Enhanced, Reply};

use exim::{exim, exim_timestamp, is_exim_id, skip_exim_pid};
use postfix::queue_line;
use sendmail::is_sendmail_canned;
use syslog::syslog;

pub use message_lines::{parse_message_line, MessageInfo, MessageLine, OwnedMessageInfo};
pub use reader::{for_each_record, read_line_capped, CappedLine, LogEvent, LogReader, LongLines};

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
    let envelope = syslog(line)?;
    if program_format(envelope.program) == Some(LogFormat::Exim) {
        return match exim_timestamp(envelope.message) {
            Some((timestamp, rest)) => exim(Some(timestamp), rest),
            None => exim(envelope.timestamp, envelope.message),
        };
    }
    queue_line(envelope.timestamp, envelope.message)
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
    let Some(envelope) = syslog(line) else {
        return LineKind::Other;
    };
    match program_format(envelope.program)
        .or_else(|| queue_line(None, envelope.message).map(|r| r.format))
    {
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
