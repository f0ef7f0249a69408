//! The one error type of the crate.

use std::fmt;

/// Why an input was refused.
///
/// Every variant has a stable [`kind`](Error::kind) slug that the Python and JavaScript
/// bindings expose unchanged, so callers can branch on it without parsing messages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The reply code is not a whole number (`"abc"`, `"5.1.1"`, `"550.0"`).
    InvalidCode {
        /// The input as given.
        input: String,
    },
    /// The reply code is a whole number outside 200..=599.
    CodeOutOfRange {
        /// The input as given.
        input: String,
    },
    /// The `command` hint names no SMTP command this crate knows.
    InvalidCommand {
        /// The input as given.
        input: String,
    },
    /// A name that should be one of an enum's values is not (`Reason::from_str("nope")`).
    InvalidName {
        /// Which enum was asked for (`"reason"`, `"action"`, ...).
        what: &'static str,
        /// The input as given.
        input: String,
    },
    /// The message given to [`parse_bounce`](crate::parse_bounce) is not a bounce: an ordinary
    /// email, an auto-reply, a complaint (feedback) report, or not an email at all.
    NotABounce {
        /// What it is instead: `not_an_email`, `auto_reply` or
        /// `no_delivery_failure`.
        what: &'static str,
    },
    /// The body given to [`parse_webhook`](crate::parse_webhook) is not an email service's
    /// event payload.
    NotAWebhook {
        /// `not_json` (neither JSON nor Mandrill's form encoding) or `unknown_payload` (JSON of
        /// no known service's shape).
        what: &'static str,
    },
    /// An input is over one of the documented [`Limits`](crate::Limits): an email larger than
    /// `max_email_bytes`, more MIME parts than `max_parts`, and so on, or a webhook body over the
    /// fixed `max_webhook_bytes` or `max_webhook_events`. Nothing was read from it; raise the
    /// limit to read it (the webhook limits are fixed).
    TooLarge {
        /// Which limit: the name of the [`Limits`](crate::Limits) field (`max_email_bytes`,
        /// `max_parts`, `max_depth`, `max_recipients`, `max_header_bytes`, `max_line_bytes`).
        limit: &'static str,
        /// The limit's value.
        max: usize,
    },
    /// A bug in this crate: a panic contained at a language boundary (see
    /// [`contain`](crate::contain)). The input is not at fault; please report it.
    Internal {
        /// What the panic said.
        message: String,
    },
    /// A [`RetryPolicy`](crate::RetryPolicy) setting that cannot work (a zero backoff factor,
    /// a cap below the first delay, ...).
    InvalidPolicy {
        /// The setting's name, as in the Python keyword and the JSON key.
        field: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl Error {
    /// A stable, `snake_case` slug naming the kind of error: `invalid_code`,
    /// `code_out_of_range`, `invalid_command`, `invalid_name`, `invalid_policy` or
    /// `not_a_bounce`, `too_large` or `internal`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Error::InvalidCode { .. } => "invalid_code",
            Error::CodeOutOfRange { .. } => "code_out_of_range",
            Error::InvalidCommand { .. } => "invalid_command",
            Error::InvalidName { .. } => "invalid_name",
            Error::InvalidPolicy { .. } => "invalid_policy",
            Error::NotABounce { .. } => "not_a_bounce",
            Error::NotAWebhook { .. } => "not_a_webhook",
            Error::TooLarge { .. } => "too_large",
            Error::Internal { .. } => "internal",
        }
    }

    /// Every `what` of [`Error::NotABounce`], for bindings that mirror them as typed lists.
    pub const NOT_A_BOUNCE: &'static [&'static str] =
        &["not_an_email", "auto_reply", "no_delivery_failure"];

    /// Every `what` of [`Error::NotAWebhook`].
    pub const NOT_A_WEBHOOK: &'static [&'static str] = &["not_json", "unknown_payload"];

    /// Every kind slug, for bindings that mirror them as typed lists.
    pub const KINDS: &'static [&'static str] = &[
        "invalid_code",
        "code_out_of_range",
        "invalid_command",
        "invalid_name",
        "invalid_policy",
        "not_a_bounce",
        "not_a_webhook",
        "too_large",
        "internal",
    ];
}

/// Shortens an echoed input so a 10 MB argument does not become a 10 MB message.
fn shown(input: &str) -> String {
    shown_up_to(input, 40)
}

/// [`shown`] with another length: a panic's message is kept longer, for the bug report.
fn shown_up_to(input: &str, max: usize) -> String {
    if input.len() <= max {
        return format!("{input:?}");
    }
    let mut end = max;
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}...", &input[..end])
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidCode { input } => write!(
                f,
                "invalid reply code {}: expected a whole number from 200 to 599",
                shown(input)
            ),
            Error::CodeOutOfRange { input } => write!(
                f,
                "reply code {} is out of range: SMTP reply codes run from 200 to 599",
                shown(input)
            ),
            Error::InvalidCommand { input } => write!(
                f,
                "unknown SMTP command {}: expected one of connect, helo, ehlo, mail, rcpt, data, bdat, auth, starttls, quit or another SMTP verb",
                shown(input)
            ),
            Error::InvalidName { what, input } => {
                write!(f, "{} is not a valid {what}", shown(input))
            }
            Error::InvalidPolicy { field, why } => write!(f, "invalid retry policy: {field} {why}"),
            Error::NotABounce { what } => {
                let what = match *what {
                    "not_an_email" => "it is not an email message",
                    "auto_reply" => "it is an automatic reply (RFC 3834)",
                    _ => "it reports no delivery failure",
                };
                write!(f, "not a bounce: {what}")
            }
            Error::NotAWebhook { what } => f.write_str(if *what == "not_json" {
                "not a webhook: the body is not JSON (nor Mandrill's form encoding)"
            } else {
                "not a webhook: the JSON is not the payload of a known email service (SES, SNS, SendGrid, Mailgun, Postmark, SparkPost, Mailjet, Brevo, Resend, Mandrill, Postal)"
            }),
            // The webhook limits are fixed (a payload is never that large); the others are
            // settings of `Limits`.
            Error::TooLarge { limit, max } if limit.starts_with("max_webhook_") => write!(
                f,
                "input too large: it is over the {limit} limit of {max}; nothing was read (the limit is fixed: split the payload)"
            ),
            Error::TooLarge { limit, max } => write!(
                f,
                "input too large: it is over the {limit} limit of {max}; nothing was read (raise the limit to read it)"
            ),
            Error::Internal { message } => write!(
                f,
                "internal error in smtpcodes (a bug; the input is not at fault): {}",
                shown_up_to(message, 400)
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Runs `f`, turning a panic inside it into [`Error::Internal`] instead of unwinding further.
///
/// The Python and Node bindings wrap every exported function in this: a bug must become a
/// typed, catchable error, never an abort of the caller's process.
pub fn contain<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            Err(Error::Internal { message })
        }
    }
}
