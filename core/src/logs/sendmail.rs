//! Sendmail's `stat=` field and the fixed texts it writes for mailer exit codes.

use crate::Enhanced;

use super::postfix::parenthesised;
use super::DeliveryStatus;

/// Sendmail `stat=`: `Sent (...)`, `Deferred: ...`, `queued` (not an attempt), or the error
/// text of a failure, whose `dsn` class says whether it was final.
pub(super) fn sendmail_stat(value: &str, dsn: Option<Enhanced>) -> Option<(DeliveryStatus, &str)> {
    let value = value.trim();
    if starts_with_ignore_case(value, "Sent")
        && !value[4..].starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        let rest = value[4..].trim_start();
        let text = if rest.starts_with('(') {
            parenthesised(rest)
        } else {
            rest
        };
        return Some((DeliveryStatus::Sent, text));
    }
    if starts_with_ignore_case(value, "Deferred") {
        let rest = value[8..].trim_start();
        return Some((
            DeliveryStatus::Deferred,
            rest.strip_prefix(':').unwrap_or(rest).trim_start(),
        ));
    }
    if value.eq_ignore_ascii_case("queued") {
        // Queued without an attempt (queue-only delivery mode, high load): no result yet.
        return None;
    }
    if starts_with_ignore_case(value, "Cannot send message for") {
        return Some((DeliveryStatus::Expired, value));
    }
    let status = match dsn.map(|d| d.class) {
        Some(2) => DeliveryStatus::Sent,
        Some(4) => DeliveryStatus::Deferred,
        _ => DeliveryStatus::Bounced,
    };
    Some((status, value))
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Sendmail's fixed texts for mailer exit codes (`sysexits.h`), which stand in for the remote
/// reply: `User unknown` for a 5xx to RCPT (550, 551, 553), `Service unavailable` for most other
/// 5xx, ... Such a text says less than the `dsn` beside it, except that `User unknown` agrees
/// with an addressing status (x.1.x: Microsoft's 5.1.10 means an unknown user) and is kept
/// then. `Host unknown` is not among them: it is Sendmail's own DNS finding.
pub(super) fn is_sendmail_canned(text: &str, dsn: Enhanced) -> bool {
    const CANNED: [&str; 11] = [
        "Service unavailable",
        "Data format error",
        "Remote protocol error",
        "Internal error",
        "Operating system error",
        "System file missing",
        "Can't create output",
        "I/O error",
        "Insufficient permission",
        "Local configuration error",
        "Cannot open input",
    ];
    let text = text.trim();
    if text.eq_ignore_ascii_case("User unknown") {
        return dsn.subject != 1;
    }
    CANNED.iter().any(|c| text.eq_ignore_ascii_case(c))
        || starts_with_ignore_case(text, "Unknown mailer error")
}
