//! Mailgun's webhooks: `{"signature": {...}, "event-data": {...}}`, one event a request.

use serde_json::Value;

use super::WebhookEventKind as Kind;
use super::{code_of, reply, str_at, text_of, timestamp, Draft, Esp, WebhookEvent};
use crate::Error;

pub(super) fn events(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let data = &value["event-data"];
    let severity = str_at(data, &["severity"]);
    let reason = str_at(data, &["reason"]);
    let (event, dead) = match str_at(data, &["event"]).unwrap_or_default() {
        // `failed` is a bounce when Mailgun has given up (`permanent`), a delay while it retries.
        "failed" if severity == Some("temporary") => (Kind::Delay, false),
        // Mailgun's own suppressions (`suppress-bounce`, -unsubscribe, -complaint) come as
        // failures with pseudo codes (605, 606, 607) and words that say why.
        "failed" => (
            Kind::Bounce,
            reason.is_some_and(|r| r.starts_with("suppress-")),
        ),
        "rejected" => (Kind::Rejected, false),
        "delivered" => (Kind::Delivered, false),
        "complained" => (Kind::Complaint, true),
        "unsubscribed" => (Kind::Unsubscribe, true),
        // accepted, opened, clicked, stored: not about delivery.
        _ => return Ok(Vec::new()),
    };
    let status = &data["delivery-status"];
    let text = str_at(status, &["message"]).or_else(|| str_at(status, &["description"]));
    let text = text.or_else(|| str_at(data, &["reject", "reason"]));
    let label = match (severity, reason) {
        (Some(s), Some(r)) => Some(format!("{s}/{r}")),
        (s, r) => s.or(r).map(str::to_owned),
    };
    let draft = Draft {
        esp: Esp::Mailgun,
        event,
        recipient: str_at(data, &["recipient"]),
        timestamp: timestamp(data.get("timestamp")),
        message_id: text_of(data.pointer("/message/headers/message-id")),
        esp_type: label,
        esp_says_dead: dead || severity == Some("permanent") && reason == Some("bounce"),
        classification: reply(code_of(status.get("code")), text)?,
    };
    Ok(draft.build().into_iter().collect())
}
