//! Email services' event webhooks: what SES, SendGrid, Mailgun, Postmark and the others POST
//! to an application when a message bounces, is delayed, delivered or complained about.
//!
//! [`parse_webhook`] takes the request body as received, recognises the service by the shape of
//! the payload (never by a URL or a header, which a proxy may change), and returns one
//! [`WebhookEvent`] per recipient. Each event keeps the service's own label (`esp_type`) beside
//! this crate's [`Classification`] of the reply the service reports: when the two disagree (SES
//! says `Permanent/General` of a `550 5.1.1`), the reply decides `suppress`, and both are there
//! to read. Engagement events (opens, clicks, processing) produce no event.

mod aws;
mod mailgun;
mod others;
mod postmark;
mod sendgrid;
mod sparkpost;

use serde::Serialize;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::classify::{classify, Classification};
use crate::error::NotAWebhookWhat;
use crate::types::string_enum;
use crate::Error;

string_enum! {
    /// The email service a webhook payload came from.
    pub enum Esp as "esp" {
        /// Amazon SES: an SNS notification, a bare SES event, or SES through EventBridge.
        Ses = "ses",
        /// Twilio SendGrid's event webhook (a JSON array of events).
        Sendgrid = "sendgrid",
        /// Mailgun's webhooks (`signature` and `event-data`).
        Mailgun = "mailgun",
        /// Postmark's bounce, delivery, spam complaint and subscription change webhooks.
        Postmark = "postmark",
        /// SparkPost's event webhook (a JSON array of `msys` objects).
        Sparkpost = "sparkpost",
        /// Mailjet's event API (one event or an array of them).
        Mailjet = "mailjet",
        /// Brevo's transactional and marketing webhooks.
        Brevo = "brevo",
        /// Resend's webhooks (`type` `email.*` and `data`).
        Resend = "resend",
        /// Mandrill's webhooks (`mandrill_events`, form-encoded or as JSON).
        Mandrill = "mandrill",
        /// Postal's webhooks (`event` and `payload`).
        Postal = "postal",
    }
}

string_enum! {
    /// What happened to the message for this recipient, as the service reports it.
    pub enum WebhookEventKind as "webhook event" {
        /// The receiving side refused the message, or the service gave up on it.
        Bounce = "bounce",
        /// Delivery failed for now; the service is still trying.
        Delay = "delay",
        /// The recipient reported the message as spam (a feedback loop or an ARF report).
        Complaint = "complaint",
        /// The receiving server accepted the message.
        Delivered = "delivered",
        /// The service did not send the message at all (a suppressed address, its own policy).
        Rejected = "rejected",
        /// The recipient unsubscribed.
        Unsubscribe = "unsubscribe",
    }
}

/// One recipient's event from a webhook payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookEvent {
    /// The service that sent the payload.
    pub esp: Esp,
    /// What happened.
    pub event: WebhookEventKind,
    /// The recipient's address, as the service gives it.
    pub recipient: String,
    /// When it happened, in RFC 3339 UTC (`2024-05-01T12:00:00.5Z`) when the service's value is a
    /// time this crate reads (Unix seconds or RFC 3339 with any offset); the service's own string
    /// otherwise.
    pub timestamp: Option<String>,
    /// The service's id of the message (SES `messageId`, SendGrid `sg_message_id`, ...), or its
    /// `Message-ID` header when that is what the service gives.
    pub message_id: Option<String>,
    /// The service's own label for the event: SES `bounceType/bounceSubType`, Postmark `Type`,
    /// SparkPost `bounce_class`, Mailgun `severity/reason`, and so on.
    pub esp_type: Option<String>,
    /// Whether to stop mailing this address: the classification's `suppress` when the service
    /// reports a reply, else the service's own verdict (a hard bounce, an address it suppresses);
    /// always true for a complaint and an unsubscribe.
    pub suppress: bool,
    /// This crate's reading of the reply the service reports, or `None` when it reports none.
    pub classification: Option<Classification>,
}

/// An SNS message that is not an event: the confirmation AWS sends when a topic's subscription
/// is created or removed. Confirm a subscription by fetching `subscribe_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnsConfirmation {
    /// `SubscriptionConfirmation` or `UnsubscribeConfirmation`.
    pub kind: String,
    /// The topic the subscription is for.
    pub topic_arn: Option<String>,
    /// The address to visit (GET) to confirm the subscription.
    pub subscribe_url: Option<String>,
    /// The confirmation token.
    pub token: Option<String>,
}

/// What [`parse_webhook`] read from a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Webhook {
    /// The service that sent it.
    pub esp: Esp,
    /// One entry per recipient and event, in the payload's order.
    pub events: Vec<WebhookEvent>,
    /// Set, with no events, for an SNS subscription or unsubscription confirmation.
    pub sns_confirmation: Option<SnsConfirmation>,
}

/// The largest webhook body read (32 MiB; services batch at most a few thousand events, a few
/// MiB). A larger body is refused whole with [`Error::TooLarge`] naming `max_webhook_bytes`.
pub const MAX_WEBHOOK_BYTES: usize = 32 * 1024 * 1024;

/// The most events one payload may hold (10,000, as `Limits::max_recipients` for bounces).
pub const MAX_WEBHOOK_EVENTS: usize = 10_000;

/// Reads an email service's webhook body: one event per recipient, each with the service's label
/// and this crate's classification of the reply it reports.
///
/// A body that is not JSON (nor Mandrill's form encoding) is an error of kind `not_a_webhook`
/// with `what` `not_json`; JSON of no known service's shape has `what` `unknown_payload`.
///
/// ```
/// let body = br#"{"notificationType":"Bounce","mail":{"messageId":"0100-abc"},
///   "bounce":{"bounceType":"Permanent","bounceSubType":"General","timestamp":"2024-05-01T12:00:00.000Z",
///   "bouncedRecipients":[{"emailAddress":"bob@example.org","status":"5.1.1",
///   "diagnosticCode":"smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown"}]}}"#;
/// let hook = smtpcodes::parse_webhook(body)?;
/// let event = &hook.events[0];
/// assert_eq!(event.recipient, "bob@example.org");
/// assert_eq!(event.esp_type.as_deref(), Some("Permanent/General"));
/// assert_eq!(event.classification.as_ref().unwrap().reason, smtpcodes::Reason::UserUnknown);
/// assert!(event.suppress);
/// # Ok::<(), smtpcodes::Error>(())
/// ```
pub fn parse_webhook(body: &[u8]) -> Result<Webhook, Error> {
    if body.len() > MAX_WEBHOOK_BYTES {
        return Err(Error::TooLarge {
            limit: "max_webhook_bytes",
            max: MAX_WEBHOOK_BYTES,
        });
    }
    let trimmed = body.trim_ascii();
    if trimmed.starts_with(b"mandrill_events=") {
        let value = others::mandrill_form(trimmed)?;
        return finish(Esp::Mandrill, others::mandrill(&value)?);
    }
    let value: Value = serde_json::from_slice(trimmed).map_err(|_| not_json())?;
    parse_webhook_value(&value)
}

/// [`parse_webhook`] of a payload already decoded from JSON (a framework's parsed body).
pub fn parse_webhook_value(value: &Value) -> Result<Webhook, Error> {
    if let Some(confirmation) = aws::sns_confirmation(value) {
        return Ok(Webhook {
            esp: Esp::Ses,
            events: Vec::new(),
            sns_confirmation: Some(confirmation),
        });
    }
    let esp = recognise(value).ok_or(Error::NotAWebhook {
        what: NotAWebhookWhat::UnknownPayload,
    })?;
    let events = match esp {
        Esp::Ses => aws::ses(value)?,
        Esp::Sendgrid => sendgrid::events(value)?,
        Esp::Mailgun => mailgun::events(value)?,
        Esp::Postmark => postmark::events(value)?,
        Esp::Sparkpost => sparkpost::events(value)?,
        Esp::Mailjet => others::mailjet(value)?,
        Esp::Brevo => others::brevo(value)?,
        Esp::Resend => others::resend(value)?,
        Esp::Mandrill => others::mandrill(value)?,
        Esp::Postal => others::postal(value)?,
    };
    finish(esp, events)
}

fn finish(esp: Esp, events: Vec<WebhookEvent>) -> Result<Webhook, Error> {
    if events.len() > MAX_WEBHOOK_EVENTS {
        return Err(Error::TooLarge {
            limit: "max_webhook_events",
            max: MAX_WEBHOOK_EVENTS,
        });
    }
    Ok(Webhook {
        esp,
        events,
        sns_confirmation: None,
    })
}

fn not_json() -> Error {
    Error::NotAWebhook {
        what: NotAWebhookWhat::NotJson,
    }
}

/// Which service's shape a payload has. Arrays are recognised by their first element.
fn recognise(value: &Value) -> Option<Esp> {
    let first = match value {
        Value::Array(items) => items.first()?,
        other => other,
    };
    let has = |key: &str| first.get(key).is_some();
    if aws::is_ses(first) {
        Some(Esp::Ses)
    } else if has("event-data") {
        Some(Esp::Mailgun)
    } else if has("msys") {
        Some(Esp::Sparkpost)
    } else if postmark::is_postmark(first) {
        Some(Esp::Postmark)
    } else if has("sg_event_id") || has("sg_message_id") || has("smtp-id") {
        Some(Esp::Sendgrid)
    } else if has("msg") && has("event") && has("ts") {
        Some(Esp::Mandrill)
    } else if str_at(first, &["type"]).is_some_and(|t| t.starts_with("email.")) && has("data") {
        Some(Esp::Resend)
    } else if has("event") && first.get("payload").is_some_and(Value::is_object) {
        Some(Esp::Postal)
    } else if has("event") && (has("ts_event") || has("message-id") || has("camp_id")) {
        Some(Esp::Brevo)
    } else if has("event") && (has("mj_campaign_id") || has("mj_contact_id") || has("Message_GUID"))
    {
        Some(Esp::Mailjet)
    } else {
        None
    }
}

/// The string at a path of object keys, when it is a non-empty string.
pub(super) fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut at = value;
    for key in path {
        at = at.get(key)?;
    }
    at.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// A value that services send as a string or as a number (ids, codes), as a string.
pub(super) fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A reply code as a service gives it (a number or a string); `None` for anything that is not
/// an SMTP reply code, such as Mailgun's pseudo codes (605 "previously bounced"), which are read
/// by their words instead.
pub(super) fn code_of(value: Option<&Value>) -> Option<u16> {
    let n = match value? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    u16::try_from(n).ok().filter(|c| (200..=599).contains(c))
}

/// This crate's reading of a reply a service reports; `None` when it reports neither words nor
/// a code.
pub(super) fn reply(
    code: Option<u16>,
    text: Option<&str>,
) -> Result<Option<Classification>, Error> {
    let text = text.map(str::trim).unwrap_or_default();
    if text.is_empty() && code.is_none() {
        return Ok(None);
    }
    classify(code, text).map(Some)
}

/// A service's time, in RFC 3339 UTC when it is Unix seconds (a number or a numeric string) or
/// RFC 3339; the string as written otherwise.
pub(super) fn timestamp(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Number(n) => unix(n.as_f64()?),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            if let Ok(seconds) = s.parse::<f64>() {
                return unix(seconds).or_else(|| Some(s.to_owned()));
            }
            Some(
                OffsetDateTime::parse(s, &Rfc3339)
                    .ok()
                    .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok())
                    .unwrap_or_else(|| s.to_owned()),
            )
        }
        _ => None,
    }
}

/// Unix seconds (milliseconds when the number is too large to be seconds, as some services
/// send) as RFC 3339 UTC, to the millisecond.
fn unix(seconds: f64) -> Option<String> {
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    // Any time after the year 2286 in seconds is a time in milliseconds.
    let seconds = if seconds >= 1.0e10 {
        seconds / 1000.0
    } else {
        seconds
    };
    #[allow(
        clippy::cast_possible_truncation,
        reason = "bounded above: under 1e10 seconds, 1e13 ms"
    )]
    let millis = (seconds * 1000.0).round() as i128;
    let t = OffsetDateTime::from_unix_timestamp_nanos(millis * 1_000_000).ok()?;
    t.format(&Rfc3339).ok()
}

/// The event for one recipient, with `suppress` decided: complaints and unsubscriptions always,
/// else the classification's verdict when there is one, else the service's.
pub(super) struct Draft<'a> {
    pub esp: Esp,
    pub event: WebhookEventKind,
    pub recipient: Option<&'a str>,
    pub timestamp: Option<String>,
    pub message_id: Option<String>,
    pub esp_type: Option<String>,
    pub esp_says_dead: bool,
    pub classification: Option<Classification>,
}

impl Draft<'_> {
    /// The event, or nothing when the payload names no recipient for it.
    pub fn build(self) -> Option<WebhookEvent> {
        let recipient = self.recipient?.trim();
        if recipient.is_empty() {
            return None;
        }
        let suppress = match self.event {
            WebhookEventKind::Complaint | WebhookEventKind::Unsubscribe => true,
            WebhookEventKind::Delivered | WebhookEventKind::Delay => false,
            WebhookEventKind::Bounce | WebhookEventKind::Rejected => match &self.classification {
                Some(c) if c.reason != crate::Reason::Unknown => c.suppress,
                _ => self.esp_says_dead,
            },
        };
        Some(WebhookEvent {
            esp: self.esp,
            event: self.event,
            recipient: recipient.trim_matches(['<', '>']).to_owned(),
            timestamp: self.timestamp,
            message_id: self.message_id,
            esp_type: self.esp_type,
            suppress,
            classification: self.classification,
        })
    }
}

/// The elements of a payload that is one event or an array of them, bounded before they are
/// walked.
pub(super) fn items(value: &Value) -> Result<&[Value], Error> {
    let items = match value {
        Value::Array(items) => items.as_slice(),
        other => std::slice::from_ref(other),
    };
    if items.len() > MAX_WEBHOOK_EVENTS {
        return Err(Error::TooLarge {
            limit: "max_webhook_events",
            max: MAX_WEBHOOK_EVENTS,
        });
    }
    Ok(items)
}

/// The array at `key`, bounded before it is walked.
pub(super) fn list<'a>(value: &'a Value, key: &str) -> Result<&'a [Value], Error> {
    let items = value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if items.len() > MAX_WEBHOOK_EVENTS {
        return Err(Error::TooLarge {
            limit: "max_webhook_events",
            max: MAX_WEBHOOK_EVENTS,
        });
    }
    Ok(items)
}
