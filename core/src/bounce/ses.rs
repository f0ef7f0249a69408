//! Amazon SES notifications (JSON, often inside an SNS envelope) that arrive as email.

use crate::codes::Enhanced;
use crate::types::DsnAction;
use crate::Error;

use super::dsn::address_of;
use super::{bounced_recipient, clip, BounceFormat, BounceReport, Complaint, Limits};

/// Amazon SES bounce, complaint and delivery notifications (JSON, often inside an SNS
/// envelope) as they arrive by email.
#[allow(
    clippy::too_many_lines,
    reason = "it reads the SNS envelope and then one arm per notification type (bounce, complaint, delivery), each building its report in place."
)]
pub(super) fn ses_notification(body: &str, limits: &Limits) -> Option<Result<BounceReport, Error>> {
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
                recipients.push(bounced_recipient(
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
                recipients.push(bounced_recipient(
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
        format: BounceFormat::Ses,
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
        format: BounceFormat::Ses,
        reporting_mta: None,
        original_message_id,
        recipients: Vec::new(),
        complaints,
    }))
}
