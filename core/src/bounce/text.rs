//! Bounces with no status part: whether an email is a bounce or an auto-reply, and the
//! recipient blocks and failure text of the words that MTAs write instead.

use std::collections::HashMap;

use mail_parser::Message;

use crate::classify::Reply;
use crate::codes::Enhanced;
use crate::types::Reason;
use crate::Error;

use super::dsn::is_address;
use super::mime::header_text;
use super::words::{
    AUTO_REPLY_SUBJECTS, BOUNCE_SENDERS, BOUNCE_SUBJECTS, BOUNCE_TEXT, FAILURE_WORDS,
};
use super::{clip, Limits, MAX_DIAGNOSTIC};

pub(super) fn is_auto_reply(email: &Message<'_>) -> bool {
    let auto = header_text(email, "Auto-Submitted").map(|v| v.to_ascii_lowercase());
    if auto
        .as_deref()
        .is_some_and(|v| v.starts_with("auto-replied"))
    {
        return true;
    }
    if header_text(email, "X-Autoreply").is_some() || header_text(email, "X-Autorespond").is_some()
    {
        return true;
    }
    let precedence = header_text(email, "Precedence").map(|v| v.to_ascii_lowercase());
    let subject = email.subject().unwrap_or("").to_ascii_lowercase();
    precedence.as_deref() == Some("auto_reply")
        || AUTO_REPLY_SUBJECTS.iter().any(|s| subject.contains(s))
}

pub(super) fn looks_like_bounce(email: &Message<'_>, human: &str) -> bool {
    if header_text(email, "X-Failed-Recipients").is_some() {
        return true;
    }
    let from = header_text(email, "From")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let subject = email.subject().unwrap_or("").to_ascii_lowercase();
    let text = human.to_ascii_lowercase();
    let says_so = BOUNCE_TEXT.iter().any(|w| text.contains(w));
    (BOUNCE_SENDERS.iter().any(|w| from.contains(w))
        || BOUNCE_SUBJECTS.iter().any(|w| subject.contains(w)))
        && (says_so || !text.trim().is_empty())
        || says_so && BOUNCE_SUBJECTS.iter().any(|w| subject.contains(w))
}

/// A recipient and the text a bounce writes about it.
pub(super) struct Block {
    pub(super) recipient: String,
    pub(super) text: String,
}

/// The recipients a bounce's text names, in order, with an index by address.
pub(super) struct TextBlocks {
    pub(super) blocks: Vec<Block>,
    /// Lower-cased address -> index into `blocks`.
    pub(super) by_address: HashMap<String, usize>,
}

/// Finds the recipients in a bounce's text: lines that start with an address (`<bob@x>:`,
/// `bob@x`, `<bob@x>: host ... said: ...`, `<bob@x>... User unknown`), each followed by the
/// lines about it, up to the next such line. Linear in the text: each line is looked at once,
/// each address looked up in a map, and each block stops growing at [`MAX_DIAGNOSTIC`].
pub(super) fn text_blocks(human: &str, max_recipients: usize) -> Result<TextBlocks, Error> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut by_address: HashMap<String, usize> = HashMap::new();
    let mut current: Option<usize> = None;
    let mut preamble = String::new();
    let mut after_block = false;
    for line in human.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            // A paragraph ends a recipient's block once it has quoted the server (a reply or
            // status code); until then the explanation may follow in the next paragraphs.
            if current.is_some_and(|i| crate::reply::has_reply_code(&blocks[i].text)) {
                current = None;
                after_block = true;
            }
            continue;
        }
        if let Some((address, rest)) = recipient_line(trimmed) {
            let key = address.to_ascii_lowercase();
            if let Some(&i) = by_address.get(&key) {
                current = Some(i);
                // Transcripts repeat the recipient's reply; keep each text once.
                push_new_line(&mut blocks[i].text, rest);
            } else {
                if blocks.len() == max_recipients {
                    return Err(Limits::over("max_recipients", max_recipients));
                }
                by_address.insert(key, blocks.len());
                blocks.push(Block {
                    recipient: address,
                    text: rest.to_owned(),
                });
                current = Some(blocks.len() - 1);
            }
            continue;
        }
        if let Some(i) = current {
            // Bounces in two languages, and transcripts, repeat lines; keep each once.
            push_new_line(&mut blocks[i].text, trimmed);
        } else if !after_block {
            push_line(&mut preamble, trimmed);
        }
    }
    for b in &mut blocks {
        let says_why =
            !b.text.trim().is_empty() && Reply::new(&b.text).classify().reason != Reason::Unknown;
        if !says_why {
            // `was not delivered to: bob@x because: ...` writes the cause around the address.
            let mut text = preamble.clone();
            push_line(&mut text, &b.text);
            b.text = text;
        }
        b.text = clip(&b.text);
    }
    Ok(TextBlocks { blocks, by_address })
}

/// [`push_line`], unless the text already holds the line (looked for only while the text is
/// still short enough to grow, so each call costs at most [`MAX_DIAGNOSTIC`] plus the line).
fn push_new_line(text: &mut String, line: &str) {
    if text.len() <= MAX_DIAGNOSTIC && !text.contains(line) {
        push_line(text, line);
    }
}

fn has_failure_words(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    FAILURE_WORDS.iter().any(|w| lower.contains(w))
}

fn push_line(text: &mut String, line: &str) {
    if text.len() > MAX_DIAGNOSTIC || line.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(line);
}

/// A line that names a recipient, and what follows the address on it: the address at the
/// start (`<bob@x>:`, `bob@x`, `<bob@x>: host ... said: ...`, `<bob@x>... User unknown`), after
/// a reply code (Sendmail's `554 <bob@x>... Host unknown`), or after `to` in a sentence about
/// the failure (`There was an error delivering your mail to <bob@x>.`).
fn recipient_line(line: &str) -> Option<(String, &str)> {
    if line.starts_with(">>>") {
        // Sendmail's transcript echoing the command it sent.
        return None;
    }
    if let Some(found) = address_at_start(line) {
        return Some(found);
    }
    let after_code = line.trim_start_matches("<<<").trim_start();
    if after_code.len() > 4
        && after_code.as_bytes()[..3].iter().all(u8::is_ascii_digit)
        && matches!(after_code.as_bytes()[3], b' ' | b'-')
    {
        let mut rest = after_code[4..].trim_start();
        if let Some(first) = rest
            .split_whitespace()
            .next()
            .filter(|t| Enhanced::parse(t).is_some())
        {
            rest = rest[first.len()..].trim_start();
        }
        if let Some((address, _)) = address_at_start(rest) {
            // The whole line is the server's reply: keep its code.
            return Some((address, line));
        }
    }
    // `RCPT TO:<bob@x>` in a transcript or a report's details.
    let lower = line.to_ascii_lowercase();
    if let Some(at) = lower.find("rcpt to:") {
        if let Some((address, _)) = address_at_start(line[at + 8..].trim_start()) {
            return Some((address, ""));
        }
    }
    // A sentence about the failure that names one address: `There was an error delivering your
    // mail to <bob@x>.`, `Delivery failed 20 attempts: bob@x`, `User's mailbox is full: <bob@x>`.
    if has_failure_words(line) {
        let mut found = line.split_whitespace().filter_map(|w| {
            let w = w.trim_matches(|c: char| {
                matches!(
                    c,
                    '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"' | '\''
                )
            });
            let w = w.trim_end_matches('.');
            is_address(w).then_some(w)
        });
        if let (Some(address), None) = (found.next(), found.next()) {
            let lower_address = address.to_ascii_lowercase();
            if !lower_address.starts_with("mailer-daemon@")
                && !lower_address.starts_with("postmaster@")
            {
                return Some((address.to_owned(), line));
            }
        }
    }
    None
}

fn address_at_start(line: &str) -> Option<(String, &str)> {
    let (addr, rest) = if let Some(inner) = line.strip_prefix('<') {
        let end = inner.find('>')?;
        (&inner[..end], &inner[end + 1..])
    } else {
        let end = line
            .find(|c: char| c.is_whitespace() || c == ':' || c == '(' || c == ',')
            .unwrap_or(line.len());
        let (a, r) = line.split_at(end);
        let a = a.trim_end_matches("...");
        (a, r)
    };
    let addr = addr.trim().trim_start_matches("mailto:");
    if !is_address(addr) {
        return None;
    }
    let rest = rest
        .trim_start_matches("...")
        .trim_start_matches(['.', ':'])
        .trim();
    let lower = addr.to_ascii_lowercase();
    if lower.starts_with("mailer-daemon@") || lower.starts_with("postmaster@") {
        return None;
    }
    // `bob@x.org wrote:` is prose, not a report line.
    if rest.to_ascii_lowercase().starts_with("wrote") {
        return None;
    }
    Some((addr.to_owned(), rest))
}

/// The text of a bounce without report boilerplate lines, for the recipient-less case.
pub(super) fn failure_text(human: &str) -> String {
    human.split_whitespace().collect::<Vec<_>>().join(" ")
}
