//! The syslog envelope around a mail server's lines: the BSD (`Nov 23 04:26:01 host tag[pid]:`)
//! and RFC 5424 forms, with the timestamp as written, the program and the message.

use memchr::memchr;

/// A syslog line taken apart: the timestamp as written, the program (tag without `[pid]`) and
/// the message.
pub(super) struct Syslog<'a> {
    pub(super) timestamp: Option<&'a str>,
    pub(super) program: &'a str,
    pub(super) message: &'a str,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(super) fn syslog(line: &str) -> Option<Syslog<'_>> {
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
pub(super) fn clock(b: &[u8], i: usize) -> Option<usize> {
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
pub(super) fn is_date(b: &[u8]) -> bool {
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
pub(super) fn word(s: &str) -> (&str, &str) {
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
