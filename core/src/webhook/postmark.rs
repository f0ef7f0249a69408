//! Postmark's webhooks: one JSON object a request, told apart by `RecordType` (older bounce
//! webhooks have none, only `Type`, `Email` and `BouncedAt`).

use serde_json::Value;

use super::WebhookEventKind as Kind;
use super::{reply, str_at, text_of, timestamp, Draft, Esp, WebhookEvent};
use crate::Error;

pub(super) fn is_postmark(value: &Value) -> bool {
    let has = |key: &str| value.get(key).is_some();
    has("RecordType") && (has("MessageID") || has("Recipient") || has("Email"))
        || has("TypeCode") && has("Email")
        || has("BouncedAt") && has("Email")
}

/// What a bounce `Type` means: the event and whether Postmark counts the address as dead.
fn bounce_type(kind: &str) -> Option<(Kind, bool)> {
    Some(match kind {
        "HardBounce" | "BadEmailAddress" => (Kind::Bounce, true),
        "Transient" => (Kind::Delay, false),
        "SpamComplaint" => (Kind::Complaint, true),
        "Unsubscribe" => (Kind::Unsubscribe, true),
        "ManuallyDeactivated" => (Kind::Rejected, true),
        "Unconfirmed" | "TemplateRenderingFailed" => (Kind::Rejected, false),
        // Replies that are not delivery failures.
        "AutoResponder"
        | "AddressChange"
        | "Subscribe"
        | "OpenRelayTest"
        | "ChallengeVerification" => return None,
        // SoftBounce, DnsError, Blocked, SpamNotification, VirusNotification, DMARCPolicy,
        // SMTPApiError, InboundError, Unknown, and any later type.
        _ => (Kind::Bounce, false),
    })
}

pub(super) fn events(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let record = str_at(value, &["RecordType"]).unwrap_or("Bounce");
    let message_id = text_of(value.get("MessageID"));
    let draft = match record {
        "Bounce" | "SpamComplaint" => {
            let kind = str_at(value, &["Type"]).unwrap_or(record);
            let Some((event, dead)) = bounce_type(kind) else {
                return Ok(Vec::new());
            };
            let classification = if matches!(event, Kind::Bounce | Kind::Delay | Kind::Rejected) {
                reply(None, str_at(value, &["Details"]))?
            } else {
                None
            };
            Draft {
                esp: Esp::Postmark,
                event,
                recipient: str_at(value, &["Email"]),
                timestamp: timestamp(value.get("BouncedAt")),
                message_id,
                esp_type: Some(kind.to_owned()),
                esp_says_dead: dead || value.get("Inactive").and_then(Value::as_bool) == Some(true),
                classification,
            }
        }
        "Delivery" => Draft {
            esp: Esp::Postmark,
            event: Kind::Delivered,
            recipient: str_at(value, &["Recipient"]),
            timestamp: timestamp(value.get("DeliveredAt")),
            message_id,
            esp_type: None,
            esp_says_dead: false,
            classification: reply(None, str_at(value, &["Details"]))?,
        },
        // A suppression Postmark made (after a hard bounce or a complaint) or the user asked for.
        "SubscriptionChange" => {
            if value.get("SuppressSending").and_then(Value::as_bool) != Some(true) {
                return Ok(Vec::new());
            }
            let why = str_at(value, &["SuppressionReason"]);
            let event = match why {
                Some("HardBounce") => Kind::Bounce,
                Some("SpamComplaint") => Kind::Complaint,
                _ => Kind::Unsubscribe,
            };
            Draft {
                esp: Esp::Postmark,
                event,
                recipient: str_at(value, &["Recipient"]),
                timestamp: timestamp(value.get("ChangedAt")),
                message_id,
                esp_type: why.map(str::to_owned),
                esp_says_dead: true,
                classification: None,
            }
        }
        // Open, Click and inbound messages.
        _ => return Ok(Vec::new()),
    };
    Ok(draft.build().into_iter().collect())
}
