//! Amazon SES events, bare (event publishing's `eventType`, notifications' `notificationType`),
//! inside an SNS HTTP notification (the event as a JSON string in `Message`), or inside an
//! EventBridge event (`detail`).

use serde_json::Value;

use super::WebhookEventKind as Kind;
use super::{list, reply, str_at, text_of, timestamp, Draft, Esp, SnsConfirmation, WebhookEvent};
use crate::error::NotAWebhookWhat;
use crate::Error;

/// An SNS subscription or unsubscription confirmation.
pub(super) fn sns_confirmation(value: &Value) -> Option<SnsConfirmation> {
    let kind = str_at(value, &["Type"])?;
    if !matches!(kind, "SubscriptionConfirmation" | "UnsubscribeConfirmation") {
        return None;
    }
    Some(SnsConfirmation {
        kind: kind.to_owned(),
        topic_arn: str_at(value, &["TopicArn"]).map(str::to_owned),
        subscribe_url: str_at(value, &["SubscribeURL"]).map(str::to_owned),
        token: str_at(value, &["Token"]).map(str::to_owned),
    })
}

/// Whether a payload is SES's, in any of its three envelopes.
pub(super) fn is_ses(value: &Value) -> bool {
    let sns = str_at(value, &["Type"]) == Some("Notification") && value.get("Message").is_some();
    let bridge = str_at(value, &["source"]) == Some("aws.ses") && value.get("detail").is_some();
    sns || bridge || event_type(value).is_some() && value.get("mail").is_some()
}

fn event_type(value: &Value) -> Option<&str> {
    str_at(value, &["eventType"]).or_else(|| str_at(value, &["notificationType"]))
}

/// The events of an SES payload.
pub(super) fn ses(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    if str_at(value, &["Type"]) == Some("Notification") {
        // SNS carries the SES event as a JSON string; a raw-delivery subscription as an object.
        return match value.get("Message") {
            Some(Value::String(inner)) => {
                let inner: Value = serde_json::from_str(inner).map_err(|_| Error::NotAWebhook {
                    what: NotAWebhookWhat::NotJson,
                })?;
                ses_event(&inner)
            }
            Some(inner @ Value::Object(_)) => ses_event(inner),
            _ => Err(Error::NotAWebhook {
                what: NotAWebhookWhat::UnknownPayload,
            }),
        };
    }
    if let Some(detail) = value
        .get("detail")
        .filter(|_| value.get("source").is_some())
    {
        return ses_event(detail);
    }
    ses_event(value)
}

#[allow(
    clippy::too_many_lines,
    reason = "one short arm per SES event type, read best together"
)]
fn ses_event(value: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let Some(kind) = event_type(value) else {
        return Err(Error::NotAWebhook {
            what: NotAWebhookWhat::UnknownPayload,
        });
    };
    let message_id = str_at(value, &["mail", "messageId"]).map(str::to_owned);
    let mut events = Vec::new();
    let mut push = |draft: Draft| {
        if let Some(event) = draft.build() {
            events.push(event);
        }
    };
    let draft = |event, recipient, at: &Value, esp_type: Option<String>| Draft {
        esp: Esp::Ses,
        event,
        recipient,
        timestamp: timestamp(at.get("timestamp"))
            .or_else(|| timestamp(value.pointer("/mail/timestamp"))),
        message_id: message_id.clone(),
        esp_type,
        esp_says_dead: false,
        classification: None,
    };
    match kind {
        "Bounce" => {
            let bounce = &value["bounce"];
            let kind = str_at(bounce, &["bounceType"]).unwrap_or("Undetermined");
            let sub = str_at(bounce, &["bounceSubType"]);
            let label = Some(match sub {
                Some(sub) => format!("{kind}/{sub}"),
                None => kind.to_owned(),
            });
            for r in list(bounce, "bouncedRecipients")? {
                let text = str_at(r, &["diagnosticCode"]).or_else(|| str_at(r, &["status"]));
                push(Draft {
                    esp_says_dead: kind == "Permanent",
                    classification: reply(None, text)?,
                    ..draft(
                        Kind::Bounce,
                        str_at(r, &["emailAddress"]),
                        bounce,
                        label.clone(),
                    )
                });
            }
        }
        "Complaint" => {
            let complaint = &value["complaint"];
            let label = str_at(complaint, &["complaintFeedbackType"])
                .or_else(|| str_at(complaint, &["complaintSubType"]))
                .map(str::to_owned);
            for r in list(complaint, "complainedRecipients")? {
                push(draft(
                    Kind::Complaint,
                    str_at(r, &["emailAddress"]),
                    complaint,
                    label.clone(),
                ));
            }
        }
        "Delivery" => {
            let delivery = &value["delivery"];
            let classification = reply(None, str_at(delivery, &["smtpResponse"]))?;
            for r in list(delivery, "recipients")? {
                push(Draft {
                    classification: classification.clone(),
                    ..draft(Kind::Delivered, r.as_str(), delivery, None)
                });
            }
        }
        "DeliveryDelay" => {
            let delay = &value["deliveryDelay"];
            let label = str_at(delay, &["delayType"]).map(str::to_owned);
            for r in list(delay, "delayedRecipients")? {
                let text = str_at(r, &["diagnosticCode"]).or_else(|| str_at(r, &["status"]));
                push(Draft {
                    classification: reply(None, text)?,
                    ..draft(
                        Kind::Delay,
                        str_at(r, &["emailAddress"]),
                        delay,
                        label.clone(),
                    )
                });
            }
        }
        "Reject" => {
            let reject = &value["reject"];
            let label = str_at(reject, &["reason"]).map(str::to_owned);
            for r in list(&value["mail"], "destination")? {
                push(draft(Kind::Rejected, r.as_str(), reject, label.clone()));
            }
        }
        "Subscription" => {
            let subscription = &value["subscription"];
            let all = subscription
                .pointer("/newTopicPreferences/unsubscribeAll")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if all {
                let label = text_of(subscription.get("source"));
                for r in list(&value["mail"], "destination")? {
                    push(draft(
                        Kind::Unsubscribe,
                        r.as_str(),
                        subscription,
                        label.clone(),
                    ));
                }
            }
        }
        // Send, Open, Click, Rendering Failure: engagement or the sender's own template error.
        _ => {}
    }
    Ok(events)
}
