//! Message lines: what the other lines of a message say (sender, Message-ID, the end), for
//! joining a message's lines.

use serde::Serialize;

use super::exim::{exim, exim_timestamp, is_exim_id, skip_exim_pid};
use super::postfix::{next_key, queue_id_prefix, queue_line, strip_angles};
use super::syslog::{syslog, word};
use super::{program_format, LogFormat, LogRecord};

/// What a log line says about a message, for joining the lines of one message
/// ([`crate::messages`]): a delivery result, or one of the lines around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLine<'a> {
    /// A per-recipient delivery result, as [`parse_line`](super::parse_line) reads it.
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

/// Reads one log line as [`parse_line`](super::parse_line) does, and also the lines that name a message's
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
    let envelope = syslog(line)?;
    let format = program_format(envelope.program);
    if format == Some(LogFormat::Exim) {
        return match exim_timestamp(envelope.message) {
            Some((timestamp, rest)) => exim_message(Some(timestamp), rest),
            None => exim_message(envelope.timestamp, envelope.message),
        };
    }
    if let Some(record) = queue_line(envelope.timestamp, envelope.message) {
        return Some(MessageLine::Delivery(record));
    }
    queue_info_line(format?, envelope.timestamp, envelope.message).map(MessageLine::Info)
}

/// Postfix's `cleanup`, `qmgr` and `removed` lines, Sendmail's `from=` line.
fn queue_info_line<'a>(
    format: LogFormat,
    timestamp: Option<&'a str>,
    message: &'a str,
) -> Option<MessageInfo<'a>> {
    let (queue_id, rest) = queue_id_prefix(message)?;
    let mut info = MessageInfo {
        format,
        timestamp,
        queue_id,
        sender: None,
        message_id: None,
        recipients: None,
        done: false,
    };
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
pub(super) fn exim_spans(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
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
