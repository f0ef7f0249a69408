//! Bounce emails: RFC 3464 delivery status notifications and the formats MTAs use instead.
//!
//! [`parse_bounce`] takes the raw bytes of an email from a bounce mailbox and returns one entry
//! per recipient it reports on, each with the classification of its diagnostic. MIME is read by
//! the `mail-parser` crate; what this module adds is knowing where bounces put the recipients
//! and the server's words: the `message/delivery-status` part when there is one, else the
//! human-readable text that Postfix, Exim, Sendmail, qmail, Exchange, Gmail, Yahoo and others
//! write.

mod dsn;
mod mime;
mod ses;
mod text;

/// The word lists of data/bounces.toml.
mod words {
    include!(concat!(env!("OUT_DIR"), "/bounce_words.rs"));
}

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use serde::Serialize;

use crate::classify::{Classification, Reply};
use crate::codes::Enhanced;
use crate::error::NotABounceWhat;
use crate::types::{string_enum, DsnAction};
use crate::Error;

use dsn::{feedback_report, is_address, read_dsn};
use mime::{
    check_parts, check_shape, contains_ignore_case, cut_original, header_text, human_text,
    looks_like_email, original_message_id, original_recipient, part_text, raw_body, Parts,
};
use ses::ses_notification;
use text::{failure_text, is_auto_reply, looks_like_bounce, text_blocks, TextBlocks};

/// One recipient a bounce reports on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BouncedRecipient {
    /// The address the report is about (`Final-Recipient`), without angle brackets.
    pub recipient: String,
    /// The address as the sender wrote it, when the report gives it (`Original-Recipient`).
    pub original_recipient: Option<String>,
    /// What the reporting MTA did: failed, delayed, delivered, relayed or expanded.
    pub action: DsnAction,
    /// The enhanced status code the report gives (`Status:`), else the one in the diagnostic.
    pub status: Option<Enhanced>,
    /// The host that answered (`Remote-MTA`), when known.
    pub remote_mta: Option<String>,
    /// The server's words, or what the bounce says in their place.
    pub diagnostic: String,
    /// When the message arrived at the reporting MTA (`Arrival-Date`), as written.
    pub arrival_date: Option<String>,
    /// When delivery was last tried (`Last-Attempt-Date`), as written.
    pub last_attempt_date: Option<String>,
    /// The classification of the diagnostic.
    pub classification: Classification,
}

/// A recipient's complaint: an abuse feedback report (RFC 5965 ARF) from a mailbox provider's
/// feedback loop, or an SES complaint notification. The person who complained does not want this
/// mail: stop sending it (`suppress`), whatever the reason given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Complaint {
    /// The address that complained (`Original-Rcpt-To`, else the returned original's `To:`);
    /// `None` when the provider removed it, as some feedback loops do.
    pub recipient: Option<String>,
    /// `Feedback-Type`, lower-cased: `abuse`, `fraud`, `virus`, `auth-failure`, `not-spam`,
    /// `other` (RFC 5965, RFC 6650); `abuse` when the report names none.
    pub feedback_type: String,
    /// The software that wrote the report (`User-Agent`).
    pub user_agent: Option<String>,
    /// The IP address the reported message came from (`Source-IP`).
    pub source_ip: Option<String>,
    /// When the reported message arrived (`Arrival-Date`), as written.
    pub arrival_date: Option<String>,
    /// The envelope sender of the reported message (`Original-Mail-From`).
    pub original_mail_from: Option<String>,
    /// Whether to stop mailing the address: true except for a `not-spam` report (RFC 6650: the
    /// person says the message was wanted).
    pub suppress: bool,
}

/// What [`parse_bounce`] read from a bounce email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BounceReport {
    /// `dsn` when the email carries a `message/delivery-status` part, `ses` for an Amazon SES
    /// notification, `arf` for an abuse feedback report (its `complaints`), `text` when the
    /// recipients were read from its human-readable text.
    pub format: BounceFormat,
    /// The MTA that wrote the report (`Reporting-MTA`), when known.
    pub reporting_mta: Option<String>,
    /// The `Message-ID` of the message that bounced, when the bounce includes its headers.
    pub original_message_id: Option<String>,
    /// One entry per recipient, in the order the report gives them.
    pub recipients: Vec<BouncedRecipient>,
    /// One entry per complaining recipient of a feedback report or an SES complaint; empty for
    /// a bounce.
    pub complaints: Vec<Complaint>,
}

string_enum! {
    /// What a bounce report was read from ([`BounceReport::format`]).
    pub enum BounceFormat as "bounce format" {
        /// A `message/delivery-status` part (RFC 3464).
        Dsn = "dsn",
        /// An Amazon SES notification.
        Ses = "ses",
        /// An abuse feedback report (RFC 5965), whose `complaints` it lists.
        Arf = "arf",
        /// The email's human-readable text.
        Text = "text",
    }
}

/// How much work one input may ask for. Every bound has its own [`Error::TooLarge`] naming the
/// field, never a silent cut: an email over a limit is refused whole, and raising the limit
/// reads it.
///
/// The defaults hold every real bounce seen (the largest real DSNs are a few hundred KiB with
/// a few hundred recipients) with a wide margin, and keep the worst case of one call to well
/// under a second: every step of [`parse_bounce`] is linear in the size of the email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// The largest email read (64 MiB; Postfix's default `message_size_limit` is 10 MB, and a
    /// bounce that returns the whole original stays below either).
    pub max_email_bytes: usize,
    /// The largest header block of the email itself (1 MiB).
    pub max_header_bytes: usize,
    /// The most MIME parts in the email, nested ones included (1,000).
    pub max_parts: usize,
    /// The deepest nesting of multiparts and attached messages (32).
    pub max_depth: usize,
    /// The most recipients one report may name (10,000).
    pub max_recipients: usize,
    /// The longest line of a mailbox or log file that `smtpcodes scan` reads (1 MiB); a longer
    /// line is skipped and reported, never cut.
    pub max_line_bytes: usize,
}

impl Limits {
    /// The defaults, as documented on each field.
    pub const DEFAULT: Limits = Limits {
        max_email_bytes: 64 * 1024 * 1024,
        max_header_bytes: 1024 * 1024,
        max_parts: 1000,
        max_depth: 32,
        max_recipients: 10_000,
        max_line_bytes: 1024 * 1024,
    };

    /// The names of the fields, in order, for bindings and docs.
    pub const FIELDS: &'static [&'static str] = &[
        "max_email_bytes",
        "max_header_bytes",
        "max_parts",
        "max_depth",
        "max_recipients",
        "max_line_bytes",
    ];

    fn over(limit: &'static str, max: usize) -> Error {
        Error::TooLarge { limit, max }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// The longest diagnostic kept per recipient; a bounce that quotes a whole session transcript
/// or a whole message does not need more to be understood.
const MAX_DIAGNOSTIC: usize = 4096;

/// Reads a bounce email: one entry per recipient it reports on, each classified.
///
/// Not a bounce is an error of kind `not_a_bounce` (with what it is: an auto-reply, a
/// complaint feedback report, an ordinary message, or not an email), never a guess.
///
/// ```
/// let dsn = b"From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail\r\n\
/// Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
/// --b\r\nContent-Type: text/plain\r\n\r\nI could not deliver your message.\r\n\
/// --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n\
/// Final-Recipient: rfc822; bob@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\
/// Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown\r\n\
/// --b--\r\n";
/// let report = smtpcodes::parse_bounce(dsn)?;
/// assert_eq!(report.recipients[0].recipient, "bob@example.org");
/// assert_eq!(report.recipients[0].classification.reason, smtpcodes::Reason::UserUnknown);
/// # Ok::<(), smtpcodes::Error>(())
/// ```
pub fn parse_bounce(message: &[u8]) -> Result<BounceReport, Error> {
    parse_bounce_with(message, &Limits::DEFAULT)
}

/// [`parse_bounce`] with other [`Limits`] than the defaults.
///
/// ```
/// let limits = smtpcodes::Limits { max_email_bytes: 16, ..smtpcodes::Limits::DEFAULT };
/// let err = smtpcodes::parse_bounce_with(b"Subject: a message longer than 16 bytes\r\n\r\n", &limits)
///     .unwrap_err();
/// assert_eq!(err.kind(), "too_large");
/// ```
#[allow(
    clippy::too_many_lines,
    reason = "the two paths (report fields, then text) read best together"
)]
pub fn parse_bounce_with(message: &[u8], limits: &Limits) -> Result<BounceReport, Error> {
    let not = |what| Err(Error::NotABounce { what });
    if message.len() > limits.max_email_bytes {
        return Err(Limits::over("max_email_bytes", limits.max_email_bytes));
    }
    if !looks_like_email(message) {
        return not(NotABounceWhat::NotAnEmail);
    }
    check_shape(message, limits)?;
    let Some(email) = MessageParser::default().parse(message) else {
        return not(NotABounceWhat::NotAnEmail);
    };
    check_parts(&email, limits)?;
    let parts = Parts::of(&email);
    if let Some(report) = &parts.feedback_report {
        return feedback_report(&email, &parts, report, limits);
    }
    // MIME that does not parse as it claims (a boundary that matches nothing, a header folded
    // without indentation) leaves the report in the body's raw text: read it from there.
    let raw = raw_body(message);
    let mut reporting = parts
        .delivery_status
        .as_deref()
        .map(read_dsn)
        .unwrap_or_default();
    if reporting.recipients.is_empty() && contains_ignore_case(raw.as_bytes(), b"final-recipient:")
    {
        reporting = read_dsn(&raw);
    }
    if reporting.recipients.len() > limits.max_recipients {
        return Err(Limits::over("max_recipients", limits.max_recipients));
    }
    let mut human = human_text(&email, &parts);
    if let Some(report) = ses_notification(
        if human.trim().is_empty() {
            &raw
        } else {
            &human
        },
        limits,
    ) {
        return report;
    }
    if human.trim().is_empty() {
        human = cut_original(raw.into_owned());
    }
    let original_message_id = original_message_id(&email, &parts, &human);

    let mut recipients: Vec<BouncedRecipient> = Vec::new();
    let format = if reporting.recipients.is_empty() {
        BounceFormat::Text
    } else {
        BounceFormat::Dsn
    };
    // What the text says, read once for all the recipients whose report fields say nothing.
    let mut blocks: Option<TextBlocks> = None;
    let mut all_text: Option<String> = None;
    for r in reporting.recipients {
        let diagnostic = match r.diagnostic {
            Some(d) if !d.trim().is_empty() => clip(&d),
            // No Diagnostic-Code: what the text says about this recipient, else all it says.
            _ => {
                let blocks = match &mut blocks {
                    Some(b) => b,
                    None => blocks.insert(text_blocks(&human, limits.max_recipients)?),
                };
                match blocks.about(&r.recipient) {
                    Some(text) => text.to_owned(),
                    None => all_text
                        .get_or_insert_with(|| clip(&failure_text(&human)))
                        .clone(),
                }
            }
        };
        recipients.push(bounced_recipient(
            r.recipient,
            r.original,
            r.action,
            r.status,
            r.remote_mta,
            diagnostic,
            reporting.arrival_date.clone(),
            r.last_attempt,
        ));
    }
    if recipients.is_empty() {
        // Bounces are automatic replies too (RFC 3834 asks them to say `Auto-Submitted:
        // auto-replied`), so a message that reads as a bounce is one.
        if !looks_like_bounce(&email, &human) {
            return not(if is_auto_reply(&email) {
                NotABounceWhat::AutoReply
            } else {
                NotABounceWhat::NoDeliveryFailure
            });
        }
        for block in text_blocks(&human, limits.max_recipients)?.blocks {
            let status = Enhanced::parse_in(&block.text);
            recipients.push(bounced_recipient(
                block.recipient,
                None,
                DsnAction::Failed,
                status,
                None,
                block.text,
                None,
                None,
            ));
        }
        if recipients.is_empty() {
            // A bounce that names no recipient in its text: the failed recipients header
            // (Exim), else the addressee of the message it returns.
            let fallback = header_text(&email, "X-Failed-Recipients")
                .map(|h| {
                    h.split(',')
                        .map(|a| a.trim().trim_matches(['<', '>']).to_owned())
                        .collect::<Vec<_>>()
                })
                .or_else(|| original_recipient(&email, &parts, &human).map(|a| vec![a]))
                .unwrap_or_default();
            if fallback.len() > limits.max_recipients {
                return Err(Limits::over("max_recipients", limits.max_recipients));
            }
            let text = clip(&failure_text(&human));
            let status = Enhanced::parse_in(&text);
            for address in fallback.into_iter().filter(|a| is_address(a)) {
                recipients.push(bounced_recipient(
                    address,
                    None,
                    DsnAction::Failed,
                    status,
                    None,
                    text.clone(),
                    None,
                    None,
                ));
            }
        }
        if recipients.is_empty() {
            return not(NotABounceWhat::NoDeliveryFailure);
        }
    }
    Ok(BounceReport {
        format,
        reporting_mta: reporting.reporting_mta,
        original_message_id,
        recipients,
        complaints: Vec::new(),
    })
}

#[allow(
    clippy::too_many_arguments,
    reason = "the fields of one recipient's bounced_recipient, each from a different part of the email"
)]
fn bounced_recipient(
    recipient: String,
    original_recipient: Option<String>,
    action: DsnAction,
    status: Option<Enhanced>,
    remote_mta: Option<String>,
    diagnostic: String,
    arrival_date: Option<String>,
    last_attempt_date: Option<String>,
) -> BouncedRecipient {
    let classification = Reply::new(&diagnostic)
        .status(status)
        .maybe_host(remote_mta.as_deref())
        .given_up(action == DsnAction::Failed)
        .classify();
    let status = status.or(classification.enhanced);
    BouncedRecipient {
        recipient,
        original_recipient,
        action,
        status,
        remote_mta,
        diagnostic,
        arrival_date,
        last_attempt_date,
        classification,
    }
}

fn clip(s: &str) -> String {
    let s = s.trim();
    if s.len() <= MAX_DIAGNOSTIC {
        return s.to_owned();
    }
    let mut end = MAX_DIAGNOSTIC;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

impl Parts {
    fn of(email: &Message<'_>) -> Parts {
        let mut parts = Parts::default();
        for (i, part) in email.parts.iter().enumerate() {
            let Some(ct) = part.content_type() else {
                continue;
            };
            let kind =
                format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase();
            match kind.as_str() {
                "message/delivery-status" | "message/global-delivery-status" => {
                    parts
                        .delivery_status
                        .get_or_insert_with(|| part_text(&part.body).into_owned());
                }
                "message/feedback-report" => {
                    parts
                        .feedback_report
                        .get_or_insert_with(|| part_text(&part.body).into_owned());
                }
                "text/rfc822-headers" | "message/rfc822-headers" | "text/rfc822-header" => {
                    parts
                        .original_headers
                        .get_or_insert_with(|| part_text(&part.body).into_owned());
                    parts.inside_original.push(i);
                }
                "message/rfc822" | "message/global" => {
                    if let PartType::Message(m) = &part.body {
                        let raw = m.raw_message();
                        let end = memchr::memmem::find(raw, b"\r\n\r\n")
                            .or_else(|| memchr::memmem::find(raw, b"\n\n"))
                            .unwrap_or(raw.len());
                        parts.original_headers.get_or_insert_with(|| {
                            String::from_utf8_lossy(&raw[..end]).into_owned()
                        });
                    }
                    parts.inside_original.push(i);
                }
                _ => {}
            }
        }
        parts
    }
}

impl TextBlocks {
    /// What the text says about `recipient`, compared without regard to ASCII case.
    fn about(&self, recipient: &str) -> Option<&str> {
        self.by_address
            .get(&recipient.to_ascii_lowercase())
            .map(|&i| self.blocks[i].text.as_str())
    }
}
