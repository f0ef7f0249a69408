//! The machine-readable parts: a delivery status notification's fields (RFC 3464) and a
//! feedback report (RFC 5965), and the addresses in them.

use mail_parser::Message;

use crate::codes::Enhanced;
use crate::types::DsnAction;
use crate::Error;

use super::mime::{header_in, original_message_id, Parts};
use super::{BounceFormat, BounceReport, Complaint, Limits};

/// An abuse feedback report (RFC 5965): one complaint per `Original-Rcpt-To`, else one for the
/// returned original's `To:`, else one with no address (a feedback loop that removes it).
pub(super) fn feedback_report(
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
        format: BounceFormat::Arf,
        reporting_mta: get("reporting-mta").map(|m| match m.split_once(';') {
            Some((_, name)) => name.trim().to_owned(),
            None => m,
        }),
        original_message_id: original_message_id(email, parts, ""),
        recipients: Vec::new(),
        complaints: recipients.into_iter().map(complaint).collect(),
    })
}

/// Fields of a `message/delivery-status` part.
#[derive(Default)]
pub(super) struct DsnFields {
    pub(super) reporting_mta: Option<String>,
    pub(super) arrival_date: Option<String>,
    pub(super) recipients: Vec<DsnRecipient>,
}

pub(super) struct DsnRecipient {
    pub(super) recipient: String,
    pub(super) original: Option<String>,
    pub(super) action: DsnAction,
    pub(super) status: Option<Enhanced>,
    pub(super) remote_mta: Option<String>,
    pub(super) diagnostic: Option<String>,
    pub(super) last_attempt: Option<String>,
}

/// Reads the per-message and per-recipient field groups (RFC 3464 section 2), unfolding
/// continuation lines.
pub(super) fn read_dsn(text: &str) -> DsnFields {
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
pub(super) fn address_of(s: &str) -> String {
    let s = s.trim();
    let s = match (s.find('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => &s[a + 1..b],
        _ => s.split_whitespace().next().unwrap_or(""),
    };
    s.trim_matches(['<', '>', '"', '\'', ';', ',', '.'])
        .to_owned()
}

pub(super) fn is_address(s: &str) -> bool {
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
