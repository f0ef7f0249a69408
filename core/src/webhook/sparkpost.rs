//! SparkPost's event webhook: a JSON array of `{"msys": {"<class>_event": {...}}}`. Creating a
//! webhook sends `[{"msys": {}}]`, which has no events.

use serde_json::Value;

use super::WebhookEventKind as Kind;
use super::{code_of, items, reply, str_at, text_of, timestamp, Draft, Esp, WebhookEvent};
use crate::Error;

/// SparkPost's bounce classes that mean the address is dead: invalid recipient (10), admin
/// failure (25), generic bounce with no RCPT (30), unsubscribe (90).
const DEAD_CLASSES: &[&str] = &["10", "25", "30", "90"];

pub(super) fn events(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let mut out = Vec::new();
    for item in items(value)? {
        let Some(msys) = item.get("msys").and_then(Value::as_object) else {
            continue;
        };
        for e in msys.values() {
            let kind = str_at(e, &["type"]).unwrap_or_default();
            let class = text_of(e.get("bounce_class"));
            let (event, label, dead) = match kind {
                "bounce" | "out_of_band" => {
                    let dead = class.as_deref().is_some_and(|c| DEAD_CLASSES.contains(&c));
                    (Kind::Bounce, class, dead)
                }
                "delay" => (Kind::Delay, class, false),
                "delivery" => (Kind::Delivered, None, false),
                "policy_rejection" | "generation_rejection" | "generation_failure" => {
                    (Kind::Rejected, Some(kind.to_owned()), false)
                }
                "spam_complaint" => (Kind::Complaint, text_of(e.get("fbtype")), true),
                "list_unsubscribe" | "link_unsubscribe" => {
                    (Kind::Unsubscribe, Some(kind.to_owned()), true)
                }
                // injection, opens, clicks, relay and AMP events.
                _ => continue,
            };
            let text = str_at(e, &["raw_reason"]).or_else(|| str_at(e, &["reason"]));
            let classification = if matches!(event, Kind::Complaint | Kind::Unsubscribe) {
                None
            } else {
                reply(code_of(e.get("error_code")), text)?
            };
            let draft = Draft {
                esp: Esp::Sparkpost,
                event,
                recipient: str_at(e, &["rcpt_to"]).or_else(|| str_at(e, &["raw_rcpt_to"])),
                timestamp: timestamp(e.get("timestamp")),
                message_id: text_of(e.get("message_id")),
                esp_type: label,
                esp_says_dead: dead,
                classification,
            };
            out.extend(draft.build());
        }
    }
    Ok(out)
}
