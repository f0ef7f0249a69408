//! Twilio SendGrid's event webhook: a JSON array of flat events, each with `event` and `email`.

use serde_json::Value;

use super::WebhookEventKind as Kind;
use super::{items, reply, str_at, text_of, timestamp, Draft, Esp, WebhookEvent};
use crate::Error;

pub(super) fn events(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let mut out = Vec::new();
    for e in items(value)? {
        let kind = str_at(e, &["event"]).unwrap_or_default();
        let reason = str_at(e, &["reason"]);
        let (event, esp_type, text, dead) = match kind {
            // `type` is `bounce` for a refused recipient and `blocked` for a refused sender.
            "bounce" | "blocked" => {
                let sort = str_at(e, &["type"]).unwrap_or(kind);
                let label = match str_at(e, &["bounce_classification"]) {
                    Some(class) => format!("{sort}/{class}"),
                    None => sort.to_owned(),
                };
                (
                    Kind::Bounce,
                    Some(label),
                    reason.or_else(|| str_at(e, &["status"])),
                    sort == "bounce",
                )
            }
            "deferred" => (Kind::Delay, None, str_at(e, &["response"]), false),
            "delivered" => (Kind::Delivered, None, str_at(e, &["response"]), false),
            // Not sent: SendGrid's reason names the list the address is on ("Bounced Address").
            "dropped" => {
                let dead = reason.is_some_and(|r| {
                    let r = r.to_ascii_lowercase();
                    ["bounced", "unsubscribed", "spam report", "invalid"]
                        .iter()
                        .any(|w| r.contains(w))
                });
                (Kind::Rejected, reason.map(str::to_owned), None, dead)
            }
            "spamreport" => (Kind::Complaint, None, None, true),
            "unsubscribe" | "group_unsubscribe" => {
                (Kind::Unsubscribe, Some(kind.to_owned()), None, true)
            }
            // processed, open, click, group_resubscribe: not about delivery.
            _ => continue,
        };
        let draft = Draft {
            esp: Esp::Sendgrid,
            event,
            recipient: str_at(e, &["email"]),
            timestamp: timestamp(e.get("timestamp")),
            message_id: text_of(e.get("sg_message_id")).or_else(|| text_of(e.get("smtp-id"))),
            esp_type,
            esp_says_dead: dead,
            classification: reply(None, text)?,
        };
        out.extend(draft.build());
    }
    Ok(out)
}
