//! Postfix's delivery lines, `QUEUEID: key=value, ..., status=...`, and the key=value reading
//! that Sendmail's lines share.

use memchr::memmem;

use crate::Enhanced;

use super::sendmail::sendmail_stat;
use super::{DeliveryStatus, LogFormat, LogRecord, Recipients};

/// The longest queue id believed (Postfix long ids are 15-17 characters, Sendmail's 14).
const MAX_QUEUE_ID: usize = 40;

/// The queue id a Postfix or Sendmail line starts with (`4BXyZ12abcz: `), and the rest.
pub(super) fn queue_id_prefix(message: &str) -> Option<(&str, &str)> {
    let b = message.as_bytes();
    let id_len = b
        .iter()
        .take(MAX_QUEUE_ID + 1)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if id_len == 0 || id_len > MAX_QUEUE_ID || b.get(id_len..id_len + 2) != Some(b": ") {
        return None;
    }
    Some((&message[..id_len], &message[id_len + 2..]))
}

/// Reads `QID: to=...` (Postfix and Sendmail delivery lines) and Postfix's
/// `QID: from=<...>, status=expired, returned to sender`.
pub(super) fn queue_line<'a>(
    timestamp: Option<&'a str>,
    message: &'a str,
) -> Option<LogRecord<'a>> {
    let (queue_id, rest) = queue_id_prefix(message)?;
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
pub(super) fn next_key(s: &str, from: usize) -> Option<(usize, usize, usize)> {
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
pub(super) fn strip_angles(s: &str) -> &str {
    let s = s.trim();
    let s = s.strip_prefix('<').unwrap_or(s);
    s.strip_suffix('>').unwrap_or(s)
}

/// The host of a `relay=` value: `mx.example.org[192.0.2.1]:25` (Postfix),
/// `mx.example.org. [192.0.2.1]` (Sendmail), `[192.0.2.1] [192.0.2.1]` (no name: the
/// address). Values without an address are transports, not hosts (`none`, `local`,
/// `virtual`, a pipe transport's name).
pub(super) fn relay_host(value: &str) -> Option<&str> {
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
pub(super) fn parenthesised(s: &str) -> &str {
    let inner = s.strip_prefix('(').unwrap_or(s).trim_end();
    inner.strip_suffix(')').unwrap_or(inner)
}
