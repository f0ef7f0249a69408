//! The one error type of the crate.

use std::fmt;

use crate::types::string_enum;

string_enum! {
    /// The kind of an [`Error`], as the bindings expose it (`InvalidReplyError.kind` in Python,
    /// `err.kind` in JavaScript).
    pub enum ErrorKind as "error kind" {
        /// [`Error::InvalidCode`].
        InvalidCode = "invalid_code",
        /// [`Error::CodeOutOfRange`].
        CodeOutOfRange = "code_out_of_range",
        /// [`Error::InvalidCommand`].
        InvalidCommand = "invalid_command",
        /// [`Error::InvalidName`].
        InvalidName = "invalid_name",
        /// [`Error::InvalidPolicy`].
        InvalidPolicy = "invalid_policy",
        /// [`Error::NotABounce`].
        NotABounce = "not_a_bounce",
        /// [`Error::NotAWebhook`].
        NotAWebhook = "not_a_webhook",
        /// [`Error::TooLarge`].
        TooLarge = "too_large",
        /// [`Error::Internal`].
        Internal = "internal",
    }
}

string_enum! {
    /// What an email given to [`parse_bounce`](crate::parse_bounce) is, when it is not a bounce.
    pub enum NotABounceWhat as "not a bounce what" {
        /// Not an email message at all.
        NotAnEmail = "not_an_email",
        /// An automatic reply (RFC 3834: `Auto-Submitted`, vacation and out-of-office replies).
        AutoReply = "auto_reply",
        /// An email that reports no delivery failure.
        NoDeliveryFailure = "no_delivery_failure",
    }
}

string_enum! {
    /// Why a body given to [`parse_webhook`](crate::parse_webhook) is not a webhook payload.
    pub enum NotAWebhookWhat as "not a webhook what" {
        /// Neither JSON nor Mandrill's form encoding.
        NotJson = "not_json",
        /// JSON of no known service's shape.
        UnknownPayload = "unknown_payload",
    }
}

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
        /// What it is instead.
        what: NotABounceWhat,
    },
    /// The body given to [`parse_webhook`](crate::parse_webhook) is not an email service's
    /// event payload.
    NotAWebhook {
        /// Why not.
        what: NotAWebhookWhat,
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
    /// The kind of error, a stable value callers can branch on without parsing messages.
    pub const fn error_kind(&self) -> ErrorKind {
        match self {
            Error::InvalidCode { .. } => ErrorKind::InvalidCode,
            Error::CodeOutOfRange { .. } => ErrorKind::CodeOutOfRange,
            Error::InvalidCommand { .. } => ErrorKind::InvalidCommand,
            Error::InvalidName { .. } => ErrorKind::InvalidName,
            Error::InvalidPolicy { .. } => ErrorKind::InvalidPolicy,
            Error::NotABounce { .. } => ErrorKind::NotABounce,
            Error::NotAWebhook { .. } => ErrorKind::NotAWebhook,
            Error::TooLarge { .. } => ErrorKind::TooLarge,
            Error::Internal { .. } => ErrorKind::Internal,
        }
    }

    /// The kind's stable `snake_case` slug ([`ErrorKind::as_str`]): `invalid_code`,
    /// `too_large`, ...
    pub const fn kind(&self) -> &'static str {
        self.error_kind().as_str()
    }
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
                let what = match what {
                    NotABounceWhat::NotAnEmail => "it is not an email message",
                    NotABounceWhat::AutoReply => "it is an automatic reply (RFC 3834)",
                    NotABounceWhat::NoDeliveryFailure => "it reports no delivery failure",
                };
                write!(f, "not a bounce: {what}")
            }
            Error::NotAWebhook { what } => f.write_str(if *what == NotAWebhookWhat::NotJson {
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
