//! Exim's main log: `2026-11-23 04:26:01 1rXyZa-000ABC-DE ** bob@example.org R=.. T=.. H=..: message`.

use memchr::memmem;

use super::message_lines::exim_spans;
use super::postfix::relay_host;
use super::syslog::{clock, is_date, word};
use super::{DeliveryStatus, LogFormat, LogRecord, Recipients};

/// Exim's timestamp at the start of a line: `2026-11-23 04:26:01`, with the optional
/// fraction (`log_selector = +millisec`) and zone (`log_timezone`). Returns it and the rest.
pub(super) fn exim_timestamp(s: &str) -> Option<(&str, &str)> {
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
pub(super) fn skip_exim_pid(s: &str) -> &str {
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
pub(super) fn is_exim_id(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!((a.len(), b.len(), c.len()), (6, 6, 2) | (6, 11, 4))
        && s.bytes().all(|x| x.is_ascii_alphanumeric() || x == b'-')
}

pub(super) fn exim<'a>(timestamp: Option<&'a str>, body: &'a str) -> Option<LogRecord<'a>> {
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
