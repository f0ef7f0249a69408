//! The MIME side of a bounce: the message's shape checked against the limits, its parts sorted
//! into the report, the human-readable text and the returned original's headers.

use std::borrow::Cow;

use mail_parser::{Message, MimeHeaders, PartType};

use crate::Error;

use super::dsn::{address_of, is_address};
use super::words::ORIGINAL_MARKERS;
use super::Limits;

/// Bounds checked before the MIME parser runs, in one pass over the bytes: the header block's
/// size, and the number of MIME part delimiters (a line `--boundary` for a boundary the email
/// declares), so that an email of a million tiny parts is refused before it is parsed.
pub(super) fn check_shape(message: &[u8], limits: &Limits) -> Result<(), Error> {
    let header_end = memchr::memmem::find(message, b"\n\r\n")
        .into_iter()
        .chain(memchr::memmem::find(message, b"\n\n"))
        .min()
        .unwrap_or(message.len());
    if header_end > limits.max_header_bytes {
        return Err(Limits::over("max_header_bytes", limits.max_header_bytes));
    }
    // Every multipart declares its boundary once, in a `boundary=` parameter.
    let mut boundaries: Vec<Vec<u8>> = Vec::new();
    let finder = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([b"boundary="])
        .map_err(|e| Error::Internal {
            message: e.to_string(),
        })?;
    for m in finder.find_iter(message) {
        let rest = &message[m.end()..];
        let value: &[u8] = if let Some(quoted) = rest.strip_prefix(b"\"") {
            let end = memchr::memchr2(b'"', b'\n', quoted).unwrap_or(quoted.len());
            &quoted[..end]
        } else {
            let end = rest
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b';' || b == b'"')
                .unwrap_or(rest.len());
            &rest[..end]
        };
        if !value.is_empty() {
            boundaries.push(value.to_vec());
        }
        if boundaries.len() > limits.max_parts {
            return Err(Limits::over("max_parts", limits.max_parts));
        }
    }
    if boundaries.is_empty() {
        return Ok(());
    }
    let delimiters = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(boundaries.iter().map(|b| [b"\n--".as_slice(), b].concat()))
        .map_err(|e| Error::Internal {
            message: e.to_string(),
        })?;
    // Each delimiter opens a part (the closing `--boundary--` one is counted too: a margin).
    if delimiters
        .find_iter(message)
        .nth(limits.max_parts)
        .is_some()
    {
        return Err(Limits::over("max_parts", limits.max_parts));
    }
    Ok(())
}

/// The exact part count and nesting depth of the parsed email, the returned messages inside it
/// included.
pub(super) fn check_parts(email: &Message<'_>, limits: &Limits) -> Result<(), Error> {
    let mut count = 0usize;
    // (message, depth) still to visit; each part's children are ids into its message's parts.
    let mut messages: Vec<(&Message<'_>, usize)> = vec![(email, 0)];
    while let Some((message, base)) = messages.pop() {
        count += message.parts.len();
        if count > limits.max_parts {
            return Err(Limits::over("max_parts", limits.max_parts));
        }
        let mut depth = vec![0usize; message.parts.len()];
        if let Some(first) = depth.first_mut() {
            *first = base;
        }
        // A part's children always come after it in mail-parser's flat list.
        for (i, part) in message.parts.iter().enumerate() {
            let d = depth[i];
            if d > limits.max_depth {
                return Err(Limits::over("max_depth", limits.max_depth));
            }
            match &part.body {
                PartType::Multipart(children) => {
                    for &c in children {
                        if let Some(slot) = depth.get_mut(c as usize) {
                            *slot = d + 1;
                        }
                    }
                }
                PartType::Message(inner) => messages.push((inner, d + 1)),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Whether `needle` (lower case) occurs in `haystack` in any ASCII case, without a copy.
pub(super) fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The text after the header block, as lossy UTF-8.
pub(super) fn raw_body(message: &[u8]) -> Cow<'_, str> {
    let start = memchr::memmem::find(message, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| memchr::memmem::find(message, b"\n\n").map(|i| i + 2))
        .unwrap_or(message.len());
    String::from_utf8_lossy(&message[start..])
}

/// Cheap check before MIME parsing: an email starts with header fields.
pub(super) fn looks_like_email(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Some(first_line) = head
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
    else {
        return false;
    };
    // `From ` (mbox separator) or `Name: value`.
    first_line.starts_with(b"From ")
        || first_line
            .iter()
            .position(|&b| b == b':')
            .is_some_and(|colon| {
                colon > 0
                    && first_line[..colon]
                        .iter()
                        .all(|&b| b.is_ascii_graphic() && b != b':')
            })
}

/// The parts of a bounce that matter, found once.
#[derive(Default)]
pub(super) struct Parts {
    pub(super) delivery_status: Option<String>,
    /// Text of a `message/feedback-report` part (RFC 5965).
    pub(super) feedback_report: Option<String>,
    /// Text of a `text/rfc822-headers` part, or the header block of a `message/rfc822` one.
    pub(super) original_headers: Option<String>,
    /// Part ids that belong to the returned original message (their text is not the bounce's).
    pub(super) inside_original: Vec<usize>,
}

pub(super) fn part_text<'a>(body: &'a PartType<'_>) -> Cow<'a, str> {
    match body {
        PartType::Text(t) | PartType::Html(t) => Cow::Borrowed(t.as_ref()),
        PartType::Binary(b) | PartType::InlineBinary(b) => String::from_utf8_lossy(b),
        PartType::Message(m) => String::from_utf8_lossy(m.raw_message()),
        PartType::Multipart(_) => Cow::Borrowed(""),
    }
}

pub(super) fn header_text(email: &Message<'_>, name: &str) -> Option<String> {
    email
        .header_raw(name)
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The bounce's own text: its text parts that are not the report fields or the returned
/// message, cut where it starts quoting the returned message.
pub(super) fn human_text(email: &Message<'_>, parts: &Parts) -> String {
    let mut text = String::new();
    // The message's text bodies, one per multipart/alternative (mail-parser picks them).
    for &id in &email.text_body {
        let i = id as usize;
        let Some(part) = email.parts.get(i) else {
            continue;
        };
        if parts.inside_original.contains(&i) || is_within_original(email, parts, i) {
            continue;
        }
        let ct = part.content_type();
        let kind = ct.map(|c| {
            (
                c.ctype().to_ascii_lowercase(),
                c.subtype().unwrap_or("").to_ascii_lowercase(),
            )
        });
        let is_text = match &kind {
            None => true,
            Some((t, s)) => t == "text" && (s == "plain" || s == "html" || s.is_empty()),
        };
        if !is_text
            || matches!(part.body, PartType::Multipart(_))
            || part
                .content_disposition()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"))
        {
            continue;
        }
        let body = match &part.body {
            PartType::Html(h) => html_to_text(h),
            other => part_text(other).into_owned(),
        };
        text.push_str(&body);
        text.push('\n');
    }
    cut_original(text)
}

/// Cuts a bounce's text where it starts quoting the returned message.
pub(super) fn cut_original(mut text: String) -> String {
    let lower = text.to_ascii_lowercase();
    let cut = ORIGINAL_MARKERS
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(text.len());
    let mut end = cut;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

/// True when part `i` lies inside a returned `message/rfc822` part (its sub-parts are parsed
/// as parts of the bounce too).
fn is_within_original(email: &Message<'_>, parts: &Parts, i: usize) -> bool {
    let Some(part) = email.parts.get(i) else {
        return false;
    };
    parts.inside_original.iter().any(|&o| {
        email.parts.get(o).is_some_and(|op| {
            op.offset_body <= part.offset_header && part.offset_end <= op.offset_end && o != i
        })
    })
}

fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&nbsp;", " ")
}

fn original_headers<'a>(
    email: &'a Message<'_>,
    parts: &'a Parts,
    human: &str,
) -> Option<Cow<'a, str>> {
    let _ = human;
    if let Some(h) = &parts.original_headers {
        return Some(Cow::Borrowed(h.as_str()));
    }
    // Non-MIME bounces quote the original after a marker, inside the same text part.
    let body = email.body_text(0)?;
    let lower = body.to_ascii_lowercase();
    let start = ORIGINAL_MARKERS
        .iter()
        .filter_map(|m| lower.find(m))
        .min()?;
    Some(Cow::Owned(
        body.get(start..)?.chars().take(64 * 1024).collect(),
    ))
}

pub(super) fn header_in(headers: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    headers.lines().find_map(|line| {
        let trimmed = line.trim_start();
        // Compared as bytes: the line may hold any UTF-8 at that offset.
        let named = trimmed
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()));
        named.then(|| trimmed.get(prefix.len()..).unwrap_or("").trim().to_owned())
    })
}

pub(super) fn original_message_id(
    email: &Message<'_>,
    parts: &Parts,
    human: &str,
) -> Option<String> {
    let headers = original_headers(email, parts, human)?;
    header_in(&headers, "Message-ID")
        .map(|v| v.trim_matches(['<', '>']).to_owned())
        .filter(|v| !v.is_empty())
}

pub(super) fn original_recipient(
    email: &Message<'_>,
    parts: &Parts,
    human: &str,
) -> Option<String> {
    let headers = original_headers(email, parts, human)?;
    header_in(&headers, "To")
        .map(|v| address_of(v.split(',').next().unwrap_or("")))
        .filter(|a| is_address(a))
}
