//! The services whose payloads are one flat event each: Mailjet, Brevo, Resend, Mandrill and
//! Postal.

use serde_json::Value;

use super::{code_of, items, list, not_json, reply, str_at, text_of, timestamp, Draft, Esp};
use super::{WebhookEvent, WebhookEventKind as Kind};
use crate::Error;

/// Mailjet: `event` is sent, bounce, blocked, spam, unsub (open and click carry no delivery
/// news); `error_related_to` and `error` say why, in Mailjet's words ("user unknown").
pub(super) fn mailjet(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let mut out = Vec::new();
    for e in items(value)? {
        let error = str_at(e, &["error"]);
        let (event, text, dead) = match str_at(e, &["event"]).unwrap_or_default() {
            "bounce" => (
                Kind::Bounce,
                error,
                e.get("hard_bounce").and_then(Value::as_bool) == Some(true),
            ),
            "blocked" => (Kind::Rejected, error, false),
            "sent" => (Kind::Delivered, str_at(e, &["smtp_reply"]), false),
            "spam" => (Kind::Complaint, None, true),
            "unsub" => (Kind::Unsubscribe, None, true),
            _ => continue,
        };
        let label = match (str_at(e, &["error_related_to"]), error) {
            (Some(to), Some(error)) => Some(format!("{to}/{error}")),
            (to, error) => to.or(error).map(str::to_owned),
        };
        let label = label.or_else(|| str_at(e, &["source"]).map(str::to_owned));
        let draft = Draft {
            esp: Esp::Mailjet,
            event,
            recipient: str_at(e, &["email"]),
            timestamp: timestamp(e.get("time")),
            message_id: text_of(e.get("MessageID")).or_else(|| text_of(e.get("Message_GUID"))),
            esp_type: label,
            esp_says_dead: dead,
            classification: reply(None, text)?,
        };
        out.extend(draft.build());
    }
    Ok(out)
}

/// Brevo: `event` is `hard_bounce`, `soft_bounce`, `deferred`, `blocked`, `invalid_email`,
/// `spam`, `unsubscribed`, `delivered`, `error` (requests, opens and clicks carry no delivery
/// news).
pub(super) fn brevo(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let mut out = Vec::new();
    for e in items(value)? {
        let kind = str_at(e, &["event"]).unwrap_or_default();
        let (event, dead) = match kind {
            "hard_bounce" | "hardBounce" => (Kind::Bounce, true),
            "soft_bounce" | "softBounce" => (Kind::Bounce, false),
            "deferred" => (Kind::Delay, false),
            "blocked" | "error" => (Kind::Rejected, false),
            "invalid_email" | "invalid" => (Kind::Rejected, true),
            "spam" | "complaint" => (Kind::Complaint, true),
            "unsubscribed" | "unsubscribe" => (Kind::Unsubscribe, true),
            "delivered" => (Kind::Delivered, false),
            _ => continue,
        };
        let text = match event {
            Kind::Complaint | Kind::Unsubscribe => None,
            _ => str_at(e, &["reason"]),
        };
        let draft = Draft {
            esp: Esp::Brevo,
            event,
            recipient: str_at(e, &["email"]),
            timestamp: timestamp(e.get("ts_event"))
                .or_else(|| timestamp(e.get("ts")))
                .or_else(|| timestamp(e.get("date_event")))
                .or_else(|| timestamp(e.get("date"))),
            message_id: text_of(e.get("message-id")).or_else(|| text_of(e.get("id"))),
            esp_type: Some(kind.to_owned()),
            esp_says_dead: dead,
            classification: reply(None, text)?,
        };
        out.extend(draft.build());
    }
    Ok(out)
}

/// Resend: `type` is `email.bounced`, `email.delivery_delayed`, `email.complained`,
/// `email.delivered` or `email.failed`; `data.to` lists the recipients.
pub(super) fn resend(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let data = &value["data"];
    let bounce = &data["bounce"];
    let (event, label, text, dead) = match str_at(value, &["type"]).unwrap_or_default() {
        "email.bounced" => {
            let kind = str_at(bounce, &["type"]);
            let label = match (kind, str_at(bounce, &["subType"])) {
                (Some(k), Some(s)) => Some(format!("{k}/{s}")),
                (k, s) => k.or(s).map(str::to_owned),
            };
            (
                Kind::Bounce,
                label,
                str_at(bounce, &["message"]),
                kind == Some("Permanent"),
            )
        }
        "email.delivery_delayed" => (Kind::Delay, None, None, false),
        "email.complained" => (Kind::Complaint, None, None, true),
        "email.delivered" => (Kind::Delivered, None, None, false),
        "email.failed" => (
            Kind::Rejected,
            None,
            str_at(data, &["failed", "reason"]),
            false,
        ),
        _ => return Ok(Vec::new()),
    };
    let classification = reply(None, text)?;
    let recipients = match data.get("to") {
        Some(Value::String(_)) => std::slice::from_ref(&data["to"]),
        _ => list(data, "to")?,
    };
    let mut out = Vec::new();
    for r in recipients {
        let draft = Draft {
            esp: Esp::Resend,
            event,
            recipient: r.as_str(),
            timestamp: timestamp(value.get("created_at")),
            message_id: text_of(data.get("email_id")),
            esp_type: label.clone(),
            esp_says_dead: dead,
            classification: classification.clone(),
        };
        out.extend(draft.build());
    }
    Ok(out)
}

/// Mandrill posts `mandrill_events=<JSON array>` form-encoded; the JSON array alone is taken
/// too.
pub(super) fn mandrill_form(body: &[u8]) -> Result<Value, Error> {
    let json = form_urlencoded::parse(body)
        .find(|(key, _)| key == "mandrill_events")
        .map(|(_, value)| value)
        .ok_or_else(not_json)?;
    serde_json::from_str(&json).map_err(|_| not_json())
}

/// Mandrill: `event` is `hard_bounce`, `soft_bounce`, `deferral`, `reject`, `spam`, `unsub`,
/// `send` (opens and clicks carry no delivery news); `msg.diag` is the server's reply, `msg.bounce_description`
/// Mandrill's label.
pub(super) fn mandrill(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let mut out = Vec::new();
    for e in items(value)? {
        let msg = &e["msg"];
        let (event, dead) = match str_at(e, &["event"]).unwrap_or_default() {
            "hard_bounce" => (Kind::Bounce, true),
            "soft_bounce" => (Kind::Bounce, false),
            "deferral" => (Kind::Delay, false),
            "reject" => (Kind::Rejected, false),
            "spam" => (Kind::Complaint, true),
            "unsub" => (Kind::Unsubscribe, true),
            "send" => (Kind::Delivered, false),
            _ => continue,
        };
        // A deferral's reply is the last of its SMTP events.
        let last_smtp = msg
            .get("smtp_events")
            .and_then(Value::as_array)
            .and_then(|events| events.last())
            .and_then(|last| str_at(last, &["diag"]));
        let text = match event {
            Kind::Complaint | Kind::Unsubscribe => None,
            _ => str_at(msg, &["diag"]).or(last_smtp),
        };
        let draft = Draft {
            esp: Esp::Mandrill,
            event,
            recipient: str_at(msg, &["email"]),
            timestamp: timestamp(e.get("ts")),
            message_id: text_of(msg.get("_id")).or_else(|| text_of(e.get("_id"))),
            esp_type: str_at(msg, &["bounce_description"]).map(str::to_owned),
            esp_says_dead: dead,
            classification: reply(None, text)?,
        };
        out.extend(draft.build());
    }
    Ok(out)
}

/// Postal: `event` is `MessageDeliveryFailed`, `MessageDelayed`, `MessageSent`, `MessageHeld`
/// or `MessageBounced`; `payload.output` is the remote server's reply.
pub(super) fn postal(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let payload = &value["payload"];
    let status = str_at(payload, &["status"]);
    let (event, message) = match str_at(value, &["event"]).unwrap_or_default() {
        "MessageDeliveryFailed" => (Kind::Bounce, &payload["message"]),
        "MessageDelayed" => (Kind::Delay, &payload["message"]),
        "MessageSent" => (Kind::Delivered, &payload["message"]),
        "MessageHeld" => (Kind::Rejected, &payload["message"]),
        // A bounce email came back for a message Postal had sent.
        "MessageBounced" => (Kind::Bounce, &payload["original_message"]),
        _ => return Ok(Vec::new()),
    };
    let text = str_at(payload, &["output"]).or_else(|| str_at(payload, &["details"]));
    let draft = Draft {
        esp: Esp::Postal,
        event,
        recipient: str_at(message, &["to"]),
        timestamp: timestamp(payload.get("timestamp"))
            .or_else(|| timestamp(value.get("timestamp"))),
        message_id: text_of(message.get("message_id")).or_else(|| text_of(message.get("id"))),
        esp_type: status.map(str::to_owned),
        esp_says_dead: status == Some("HardFail"),
        classification: reply(code_of(payload.get("code")), text)?,
    };
    Ok(draft.build().into_iter().collect())
}
