//! Bounce emails: RFC 3464 delivery status notifications and the formats MTAs use instead.
//!
//! [`parse_bounce`] takes the raw bytes of an email from a bounce mailbox and returns one entry
//! per recipient it reports on, each with the classification of its diagnostic. MIME is read by
//! the `mail-parser` crate; what this module adds is knowing where bounces put the recipients
//! and the server's words: the `message/delivery-status` part when there is one, else the
//! human-readable text that Postfix, Exim, Sendmail, qmail, Exchange, Gmail, Yahoo and others
//! write.

use std::borrow::Cow;
use std::collections::HashMap;

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use serde::Serialize;

use crate::classify::{Classification, Reply};
use crate::parse::Enhanced;
use crate::types::{Action, DsnAction, Reason, Severity};
use crate::Error;

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
    pub format: &'static str,
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

impl BounceReport {
    /// Every value `format` takes.
    pub const FORMATS: &'static [&'static str] = &["dsn", "ses", "arf", "text"];
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
#[allow(clippy::too_many_lines)] // the two paths (report fields, then text) read best together
pub fn parse_bounce_with(message: &[u8], limits: &Limits) -> Result<BounceReport, Error> {
    let not = |what| Err(Error::NotABounce { what });
    if message.len() > limits.max_email_bytes {
        return Err(Limits::over("max_email_bytes", limits.max_email_bytes));
    }
    if !looks_like_email(message) {
        return not("not_an_email");
    }
    check_shape(message, limits)?;
    let Some(email) = MessageParser::default().parse(message) else {
        return not("not_an_email");
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
        "text"
    } else {
        "dsn"
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
        recipients.push(entry(
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
                "auto_reply"
            } else {
                "no_delivery_failure"
            });
        }
        for block in text_blocks(&human, limits.max_recipients)?.blocks {
            let status = Enhanced::parse_in(&block.text);
            recipients.push(entry(
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
                recipients.push(entry(
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
            return not("no_delivery_failure");
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

/// An abuse feedback report (RFC 5965): one complaint per `Original-Rcpt-To`, else one for the
/// returned original's `To:`, else one with no address (a feedback loop that removes it).
fn feedback_report(
    email: &Message<'_>,
    parts: &Parts,
    report: &str,
    limits: &Limits,
) -> Result<BounceReport, Error> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in report.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let feedback_type =
        get("feedback-type").map_or_else(|| "abuse".to_owned(), |t| t.to_ascii_lowercase());
    let mut recipients: Vec<Option<String>> = fields
        .iter()
        .filter(|(n, _)| n == "original-rcpt-to")
        .map(|(_, v)| Some(address_of(v)).filter(|a| !a.is_empty()))
        .collect();
    if recipients.len() > limits.max_recipients {
        return Err(Limits::over("max_recipients", limits.max_recipients));
    }
    if recipients.is_empty() {
        let to = parts
            .original_headers
            .as_deref()
            .and_then(|h| header_in(h, "To"))
            .map(|v| address_of(&v))
            .filter(|a| !a.is_empty());
        recipients.push(to);
    }
    let complaint = |recipient| Complaint {
        recipient,
        suppress: feedback_type != "not-spam",
        feedback_type: feedback_type.clone(),
        user_agent: get("user-agent"),
        source_ip: get("source-ip"),
        arrival_date: get("arrival-date").or_else(|| get("received-date")),
        original_mail_from: get("original-mail-from").map(|v| address_of(&v)),
    };
    Ok(BounceReport {
        format: "arf",
        reporting_mta: get("reporting-mta").map(|m| match m.split_once(';') {
            Some((_, name)) => name.trim().to_owned(),
            None => m,
        }),
        original_message_id: original_message_id(email, parts, ""),
        recipients: Vec::new(),
        complaints: recipients.into_iter().map(complaint).collect(),
    })
}

/// Bounds checked before the MIME parser runs, in one pass over the bytes: the header block's
/// size, and the number of MIME part delimiters (a line `--boundary` for a boundary the email
/// declares), so that an email of a million tiny parts is refused before it is parsed.
fn check_shape(message: &[u8], limits: &Limits) -> Result<(), Error> {
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
fn check_parts(email: &Message<'_>, limits: &Limits) -> Result<(), Error> {
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
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Amazon SES bounce, complaint and delivery notifications (JSON, often inside an SNS
/// envelope) as they arrive by email.
// Long because it reads the SNS envelope and then one arm per notification type
// (bounce, complaint, delivery), each building its report in place.
fn ses_notification(body: &str, limits: &Limits) -> Option<Result<BounceReport, Error>> {
    use serde_json::Value;
    let body = body.trim();
    if !body.starts_with('{') {
        return None;
    }
    // Mail transports wrap long lines, also inside JSON strings: unwrap before reading.
    // SNS appends an unsubscribe footer after the JSON: read the first value only.
    let first = |s: &str| {
        serde_json::Deserializer::from_str(s)
            .into_iter::<Value>()
            .next()
            .and_then(Result::ok)
    };
    let outer: Value = first(body).or_else(|| first(&body.replace(['\r', '\n'], "")))?;
    let inner: Value = match outer.get("Message").and_then(Value::as_str) {
        Some(m) => serde_json::from_str(m).ok()?,
        None => outer,
    };
    let kind = inner
        .get("notificationType")
        .or_else(|| inner.get("eventType"))
        .and_then(Value::as_str)?;
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let original_message_id = inner.get("mail").and_then(|m| text(m, "messageId"));
    let mut recipients = Vec::new();
    let reporting_mta;
    match kind {
        "Bounce" => {
            let bounce = inner.get("bounce")?;
            reporting_mta = text(bounce, "reportingMTA").map(|m| {
                m.split_once(';')
                    .map_or(m.clone(), |(_, h)| h.trim().to_owned())
            });
            for r in bounce
                .get("bouncedRecipients")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(address) = text(r, "emailAddress") else {
                    continue;
                };
                let action = text(r, "action")
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(DsnAction::Failed);
                let status = text(r, "status").as_deref().and_then(Enhanced::parse);
                let diagnostic = text(r, "diagnosticCode").unwrap_or_default();
                recipients.push(entry(
                    address_of(&address),
                    None,
                    action,
                    status,
                    None,
                    clip(&diagnostic),
                    text(bounce, "timestamp"),
                    None,
                ));
            }
        }
        "Delivery" => {
            let delivery = inner.get("delivery")?;
            let response = text(delivery, "smtpResponse").unwrap_or_default();
            reporting_mta = text(delivery, "reportingMTA");
            for r in delivery
                .get("recipients")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(address) = r.as_str() else { continue };
                recipients.push(entry(
                    address_of(address),
                    None,
                    DsnAction::Delivered,
                    None,
                    None,
                    clip(&response),
                    text(delivery, "timestamp"),
                    None,
                ));
            }
        }
        "Complaint" => return ses_complaint(&inner, original_message_id, limits),
        _ => return None,
    }
    if recipients.is_empty() {
        return None;
    }
    if recipients.len() > limits.max_recipients {
        return Some(Err(Limits::over("max_recipients", limits.max_recipients)));
    }
    Some(Ok(BounceReport {
        format: "ses",
        reporting_mta,
        original_message_id,
        recipients,
        complaints: Vec::new(),
    }))
}

/// An SES complaint notification: one complaint per complained recipient.
fn ses_complaint(
    inner: &serde_json::Value,
    original_message_id: Option<String>,
    limits: &Limits,
) -> Option<Result<BounceReport, Error>> {
    use serde_json::Value;
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let complaint = inner.get("complaint")?;
    let feedback_type = text(complaint, "complaintFeedbackType")
        .map_or_else(|| "abuse".to_owned(), |t| t.to_ascii_lowercase());
    let listed = complaint
        .get("complainedRecipients")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if listed.len() > limits.max_recipients {
        return Some(Err(Limits::over("max_recipients", limits.max_recipients)));
    }
    let complaints = listed
        .iter()
        .filter_map(|r| r.get("emailAddress").and_then(Value::as_str))
        .map(|address| Complaint {
            recipient: Some(address_of(address)),
            suppress: feedback_type != "not-spam",
            feedback_type: feedback_type.clone(),
            user_agent: text(complaint, "userAgent"),
            source_ip: None,
            arrival_date: text(complaint, "arrivalDate"),
            original_mail_from: inner.get("mail").and_then(|m| text(m, "source")),
        })
        .collect::<Vec<_>>();
    if complaints.is_empty() {
        return None;
    }
    Some(Ok(BounceReport {
        format: "ses",
        reporting_mta: None,
        original_message_id,
        recipients: Vec::new(),
        complaints,
    }))
}

#[allow(clippy::too_many_arguments)]
fn entry(
    recipient: String,
    original_recipient: Option<String>,
    action: DsnAction,
    status: Option<Enhanced>,
    remote_mta: Option<String>,
    diagnostic: String,
    arrival_date: Option<String>,
    last_attempt_date: Option<String>,
) -> BouncedRecipient {
    let mut classification = Reply::new(&diagnostic)
        .status(status)
        .maybe_host(remote_mta.as_deref())
        .classify();
    if action == DsnAction::Failed {
        gave_up(&mut classification);
    }
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

/// A failed recipient whose last reply was temporary: the reporting MTA retried until it gave
/// up, so the message is not retried again. Where the reply says only that the connection did
/// not work, the failure is the expiry itself.
fn gave_up(c: &mut Classification) {
    if c.action != Action::Retry {
        return;
    }
    if c.reason == Reason::NetworkError && c.severity != Severity::Permanent {
        c.reason = Reason::Expired;
        c.bounce = crate::Bounce::Soft;
        c.suppress = false;
        c.fault = Reason::Expired.default_fault();
        c.advice = Reason::Expired.advice();
        c.matched = Cow::Owned(format!("{} (the sender gave up)", c.matched));
    }
    c.action = Action::Bounce;
    c.retry_after = None;
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

/// The text after the header block, as lossy UTF-8.
fn raw_body(message: &[u8]) -> Cow<'_, str> {
    let start = memchr::memmem::find(message, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| memchr::memmem::find(message, b"\n\n").map(|i| i + 2))
        .unwrap_or(message.len());
    String::from_utf8_lossy(&message[start..])
}

/// Cheap check before MIME parsing: an email starts with header fields.
fn looks_like_email(bytes: &[u8]) -> bool {
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
struct Parts {
    delivery_status: Option<String>,
    /// Text of a `message/feedback-report` part (RFC 5965).
    feedback_report: Option<String>,
    /// Text of a `text/rfc822-headers` part, or the header block of a `message/rfc822` one.
    original_headers: Option<String>,
    /// Part ids that belong to the returned original message (their text is not the bounce's).
    inside_original: Vec<usize>,
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

fn part_text<'a>(body: &'a PartType<'_>) -> Cow<'a, str> {
    match body {
        PartType::Text(t) | PartType::Html(t) => Cow::Borrowed(t.as_ref()),
        PartType::Binary(b) | PartType::InlineBinary(b) => String::from_utf8_lossy(b),
        PartType::Message(m) => String::from_utf8_lossy(m.raw_message()),
        PartType::Multipart(_) => Cow::Borrowed(""),
    }
}

fn header_text(email: &Message<'_>, name: &str) -> Option<String> {
    email
        .header_raw(name)
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Fields of a `message/delivery-status` part.
#[derive(Default)]
struct DsnFields {
    reporting_mta: Option<String>,
    arrival_date: Option<String>,
    recipients: Vec<DsnRecipient>,
}

struct DsnRecipient {
    recipient: String,
    original: Option<String>,
    action: DsnAction,
    status: Option<Enhanced>,
    remote_mta: Option<String>,
    diagnostic: Option<String>,
    last_attempt: Option<String>,
}

/// Reads the per-message and per-recipient field groups (RFC 3464 section 2), unfolding
/// continuation lines.
fn read_dsn(text: &str) -> DsnFields {
    let mut fields = DsnFields::default();
    let mut group: Vec<(String, String)> = Vec::new();
    let mut groups: Vec<Vec<(String, String)>> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = group.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            group.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    let strip_type = |v: &str| -> String {
        let v = v.trim();
        match v.split_once(';') {
            Some((kind, rest)) if kind.len() < 20 && !kind.contains(' ') => rest.trim().to_owned(),
            _ => v.to_owned(),
        }
    };
    for group in groups {
        let get = |name: &str| {
            group
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        if get("reporting-mta").is_some() || get("arrival-date").is_some() {
            fields.reporting_mta = fields
                .reporting_mta
                .take()
                .or_else(|| get("reporting-mta").map(strip_type));
            fields.arrival_date = fields
                .arrival_date
                .take()
                .or_else(|| get("arrival-date").map(str::to_owned));
        }
        let Some(recipient) = get("final-recipient")
            .or_else(|| get("original-recipient"))
            .map(|v| address_of(&strip_type(v)))
        else {
            continue;
        };
        if recipient.is_empty() {
            continue;
        }
        let action = get("action")
            .and_then(|a| a.split_whitespace().next())
            .and_then(|a| a.to_ascii_lowercase().parse().ok())
            .unwrap_or(DsnAction::Failed);
        fields.recipients.push(DsnRecipient {
            recipient,
            original: get("original-recipient").map(|v| address_of(&strip_type(v))),
            action,
            status: get("status")
                .and_then(|s| s.split_whitespace().next())
                .and_then(Enhanced::parse),
            remote_mta: get("remote-mta").map(strip_type).filter(|s| !s.is_empty()),
            diagnostic: get("diagnostic-code").map(str::to_owned),
            last_attempt: get("last-attempt-date").map(str::to_owned),
        });
    }
    fields
}

/// `<bob@example.org>` or `bob@example.org (comment)` -> `bob@example.org`.
fn address_of(s: &str) -> String {
    let s = s.trim();
    let s = match (s.find('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => &s[a + 1..b],
        _ => s.split_whitespace().next().unwrap_or(""),
    };
    s.trim_matches(['<', '>', '"', '\'', ';', ',', '.'])
        .to_owned()
}

fn is_address(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !local
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b == b'<' || b == b'>')
}

/// Markers after which a bounce quotes the message it returns.
const ORIGINAL_MARKERS: &[&str] = &[
    "------ this is a copy of the message",
    "--- below this line is a copy of the message",
    "----- original message -----",
    "------ original message ------",
    "original message follows",
    "----- unsent message below -----",
    "--- the header of the original message is following",
    "------ a copy of the message",
    "----- message header follows -----",
    "------ this is a copy of your message",
    "--- original message follows",
    "--- original message ---",
    "content-type: message/rfc822",
    "the original message was:",
    "original message headers:",
    "message headers follow",
    "unsent message follows",
    "----- unsent message",
    "a copy of the original message",
    "headers of the original message",
    "original message header",
    "------- returned message --------",
];

/// The bounce's own text: its text parts that are not the report fields or the returned
/// message, cut where it starts quoting the returned message.
fn human_text(email: &Message<'_>, parts: &Parts) -> String {
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
fn cut_original(mut text: String) -> String {
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

fn is_auto_reply(email: &Message<'_>) -> bool {
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
        || [
            "auto:",
            "automatic reply",
            "auto-reply",
            "autoreply",
            "out of office",
            "out of the office",
            "vacation",
        ]
        .iter()
        .any(|s| subject.contains(s))
}

/// Words by which bounces announce themselves, in the sender, the subject or the text.
const BOUNCE_SENDERS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "post_master",
    "mail delivery",
    "mail.delivery",
    "maildelivery",
    "mdaemon",
    "bounce",
];
const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliver",
    "undelivered",
    "delivery status notification",
    "delivery failure",
    "failure notice",
    "returned mail",
    "mail delivery failed",
    "delivery has failed",
    "could not be delivered",
    "non-delivery",
    "nondelivery",
    "delivery notification",
    "message not delivered",
    "returned to sender",
    "mail system error",
    "delivery problem",
    "warning: could not send",
    "delayed mail",
    "delivery delayed",
    "not delivered",
    "error sending",
];
const BOUNCE_TEXT: &[&str] = &[
    "could not be delivered",
    "couldn't be delivered",
    "was not delivered",
    "wasn't delivered",
    "undeliverable",
    "delivery failed",
    "delivery has failed",
    "permanent error",
    "permanent failure",
    "failed permanently",
    "unable to deliver",
    "could not deliver",
    "following address",
    "following recipient",
    "rejected",
    "remote host said",
    "mail delivery software",
    "not be delivered",
    "delivery to the following",
    "returned mail",
    "invalid user",
    "error message below",
    "did not reach",
    "trouble delivering",
    "error delivering",
];

fn looks_like_bounce(email: &Message<'_>, human: &str) -> bool {
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
struct Block {
    recipient: String,
    text: String,
}

/// The recipients a bounce's text names, in order, with an index by address.
struct TextBlocks {
    blocks: Vec<Block>,
    /// Lower-cased address -> index into `blocks`.
    by_address: HashMap<String, usize>,
}

impl TextBlocks {
    /// What the text says about `recipient`, compared without regard to ASCII case.
    fn about(&self, recipient: &str) -> Option<&str> {
        self.by_address
            .get(&recipient.to_ascii_lowercase())
            .map(|&i| self.blocks[i].text.as_str())
    }
}

/// Finds the recipients in a bounce's text: lines that start with an address (`<bob@x>:`,
/// `bob@x`, `<bob@x>: host ... said: ...`, `<bob@x>... User unknown`), each followed by the
/// lines about it, up to the next such line. Linear in the text: each line is looked at once,
/// each address looked up in a map, and each block stops growing at [`MAX_DIAGNOSTIC`].
fn text_blocks(human: &str, max_recipients: usize) -> Result<TextBlocks, Error> {
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
            if current.is_some_and(|i| crate::parse::has_reply_code(&blocks[i].text)) {
                current = None;
                after_block = true;
            }
            continue;
        }
        if let Some((address, rest)) = head_address(trimmed) {
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
    [
        "unknown",
        "deliver",
        "reach",
        "not ",
        "reject",
        "denied",
        "refused",
        "not found",
        "full",
        "quota",
        "exist",
        "invalid",
        "disabled",
        "error",
        "fail",
        "unable",
        "blocked",
    ]
    .iter()
    .any(|w| lower.contains(w))
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
fn head_address(line: &str) -> Option<(String, &str)> {
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
fn failure_text(human: &str) -> String {
    human.split_whitespace().collect::<Vec<_>>().join(" ")
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

fn header_in(headers: &str, name: &str) -> Option<String> {
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

fn original_message_id(email: &Message<'_>, parts: &Parts, human: &str) -> Option<String> {
    let headers = original_headers(email, parts, human)?;
    header_in(&headers, "Message-ID")
        .map(|v| v.trim_matches(['<', '>']).to_owned())
        .filter(|v| !v.is_empty())
}

fn original_recipient(email: &Message<'_>, parts: &Parts, human: &str) -> Option<String> {
    let headers = original_headers(email, parts, human)?;
    header_in(&headers, "To")
        .map(|v| address_of(v.split(',').next().unwrap_or("")))
        .filter(|a| is_address(a))
}

impl Enhanced {
    /// The first enhanced code in a text (`... (#5.1.1) ...`).
    pub(crate) fn parse_in(text: &str) -> Option<Enhanced> {
        text.split_whitespace().take(400).find_map(Enhanced::parse)
    }
}
