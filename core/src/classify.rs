//! From a reply to a decision: the order of evidence, and how the reason turns into
//! `bounce`, `action`, `suppress`, `fault` and `retry_after`.

use std::borrow::Cow;
use std::cell::OnceCell;

use serde::Serialize;

use crate::codes::{check_code, Enhanced};
use crate::reply;
use crate::rules::scan::{self, Hits};
use crate::rules::words::{self, Words};
use crate::rules::{decide, stated_action, Decision, Evidence};
use crate::tables::{self, PROVIDERS, RULES};
use crate::types::{Action, Bounce, Command, Fault, Reason, Severity};
use crate::Error;

/// What a reply means: the answer of [`classify`], with every field of the contract.
///
/// Serialises (serde) to the JSON shape the Python and JavaScript packages share.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Classification {
    /// The basic reply code used: given, or read from the text.
    pub code: Option<u16>,
    /// The enhanced status code (RFC 3463), normalised (`5.1.1`).
    pub enhanced: Option<Enhanced>,
    /// From the basic code, else from the enhanced code's class.
    pub severity: Severity,
    /// Why, in the contract's taxonomy.
    pub reason: Reason,
    /// `none`, `soft`, `hard` or `block`.
    pub bounce: Bounce,
    /// Retry this message, give up on it, or nothing to do.
    pub action: Action,
    /// Seconds to wait before the next attempt when `action` is `retry`: the server's stated
    /// wait, else the reason's default first delay.
    pub retry_after: Option<u32>,
    /// Stop sending to this recipient address (exactly when `bounce` is `hard`).
    pub suppress: bool,
    /// Who must act.
    pub fault: Fault,
    /// The receiving provider, when markers in the text or the host hint name one.
    pub provider: Option<&'static str>,
    /// Short name of the basic code (else of the enhanced code, else of the reason).
    pub title: &'static str,
    /// What the code means.
    pub description: Cow<'static, str>,
    /// What to do about it.
    pub advice: &'static str,
    /// The reply text without wrappers and continuation prefixes, on one line.
    pub text: String,
    /// Which rule decided the reason, for a person to audit.
    pub matched: Cow<'static, str>,
    /// The wait the server stated in its text, if any (`retry_after` falls back to the
    /// reason's default without one). Not part of the serialised shape.
    #[serde(skip)]
    pub stated_wait: Option<u32>,
    /// The command the reply answered: the hint, else what a wrapper said. Not serialised.
    #[serde(skip)]
    pub command: Option<Command>,
}

/// The type of a field of the contract's serialised shape, as the bindings' types name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A whole number.
    Int,
    /// A whole number of seconds.
    Seconds,
    /// A whole number up to 2^64 - 1 (JavaScript: a number or a `BigInt`).
    Wide,
    /// A number with a fraction.
    Float,
    /// `true` or `false`.
    Bool,
    /// A string.
    Str,
    /// One of the values of the [`ValueSet`](crate::ValueSet) (or `Provider`) of this name.
    Set(&'static str),
}

/// A field of the contract's serialised shape: its name in JSON (and Python), its type, and
/// what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JSON key (`retry_after`); JavaScript spells it in camelCase (`retryAfter`).
    pub name: &'static str,
    /// What kind of value it holds.
    pub ty: FieldType,
    /// Whether it may be null (`None`).
    pub nullable: bool,
    /// What it holds, as the contract says it (Markdown).
    pub doc: &'static str,
}

impl Classification {
    /// The fields of the serialised shape, in their order: what the contract promises. The
    /// Python and TypeScript declarations and the contract's table are generated from this
    /// list (`make contract`), and a test holds it to the struct's serialisation.
    pub const FIELDS: &'static [Field] = &[
        Field {
            name: "code",
            ty: FieldType::Int,
            nullable: true,
            doc: "the basic reply code used: given, or read from the text",
        },
        Field {
            name: "enhanced",
            ty: FieldType::Str,
            nullable: true,
            doc: "the enhanced status code (RFC 3463) as `class.subject.detail`, normalised (`5.1.1`): from the text, else from a status given beside it (a DSN's `Status:`, a log's `dsn=`)",
        },
        Field {
            name: "severity",
            ty: FieldType::Set("Severity"),
            nullable: false,
            doc: "`success` (2xx), `intermediate` (3xx), `transient` (4xx), `permanent` (5xx), `unknown` (no code anywhere): from the basic code, else from the enhanced code's class",
        },
        Field {
            name: "reason",
            ty: FieldType::Set("Reason"),
            nullable: false,
            doc: "why, from the [reasons](#reasons)",
        },
        Field {
            name: "bounce",
            ty: FieldType::Set("Bounce"),
            nullable: false,
            doc: "`none` (nothing failed), `soft` (a temporary condition; the address is fine), `hard` (the address or its domain is permanently undeliverable), `block` (refused because of the sender, the message or a policy: fix the sending side; do not suppress the recipient)",
        },
        Field {
            name: "action",
            ty: FieldType::Set("Action"),
            nullable: false,
            doc: "`none` (nothing failed), `retry` (send this message again later), `bounce` (give up on this message)",
        },
        Field {
            name: "retry_after",
            ty: FieldType::Seconds,
            nullable: true,
            doc: "when `action` is `retry`, the wait before the next attempt: the server's own stated wait, else the reason's default; null for any other action",
        },
        Field {
            name: "suppress",
            ty: FieldType::Bool,
            nullable: false,
            doc: "stop sending to this recipient address; true exactly when `bounce` is `hard`",
        },
        Field {
            name: "fault",
            ty: FieldType::Set("Fault"),
            nullable: false,
            doc: "who must act: `none`, `recipient`, `sender`, `message`, `remote` (the receiving system), `network`, `unknown`",
        },
        Field {
            name: "provider",
            ty: FieldType::Set("Provider"),
            nullable: true,
            doc: "the receiving provider, when markers in the text or the host recognise one (`google`, `microsoft`, `yahoo`, `apple`, `mimecast`, `proofpoint`, ...; the full list is `providers()` in Rust and Python, `PROVIDERS` in JavaScript)",
        },
        Field {
            name: "title",
            ty: FieldType::Str,
            nullable: false,
            doc: "the short name of the basic code (`Service Not Available`); with no basic code, the enhanced code's; with no code at all, the reason's (`User Unknown`)",
        },
        Field {
            name: "description",
            ty: FieldType::Str,
            nullable: false,
            doc: "what the code means: the basic code's meaning followed by the enhanced code's (`... 5.1.1 (Bad destination mailbox address): ...`)",
        },
        Field {
            name: "advice",
            ty: FieldType::Str,
            nullable: false,
            doc: "what to do about it, for this reason, and for this provider where its rule says more",
        },
        Field {
            name: "text",
            ty: FieldType::Str,
            nullable: false,
            doc: "the reply text normalised: wrappers, codes at the start and continuation prefixes removed, lines joined with one space",
        },
        Field {
            name: "matched",
            ty: FieldType::Str,
            nullable: false,
            doc: "the evidence that decided the reason, for a person to audit ([below](#how-the-reason-is-decided-and-matched))",
        },
    ];
}

/// A reply to classify, with the optional hints; build it, then call [`Reply::classify`].
///
/// ```
/// use smtpcodes::{Command, Reply, Reason};
/// let c = Reply::new("5.7.1 Message rejected as spam")
///     .code(550)?
///     .command(Command::Data)
///     .host("mx.example.org")
///     .classify();
/// assert_eq!(c.reason, Reason::SpamDetected);
/// # Ok::<(), smtpcodes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Reply<'a> {
    code: Option<u16>,
    text: &'a str,
    command: Option<Command>,
    host: Option<&'a str>,
    status: Option<Enhanced>,
    /// The sender's MTA has given up on this recipient (a DSN's `Action: failed`).
    given_up: bool,
}

impl<'a> Reply<'a> {
    /// A reply with this text and no code or hints yet.
    pub fn new(text: &'a str) -> Reply<'a> {
        Reply {
            code: None,
            text,
            command: None,
            host: None,
            status: None,
            given_up: false,
        }
    }

    /// Sets the basic reply code; it must be within 200..=599.
    pub fn code(mut self, code: u16) -> Result<Reply<'a>, Error> {
        self.code = Some(check_code(i64::from(code))?);
        Ok(self)
    }

    /// Sets or clears the basic reply code.
    pub fn maybe_code(mut self, code: Option<u16>) -> Result<Reply<'a>, Error> {
        self.code = code.map(|c| check_code(i64::from(c))).transpose()?;
        Ok(self)
    }

    /// The SMTP command the reply answered, to sharpen the reason.
    #[must_use]
    pub fn command(mut self, command: Command) -> Reply<'a> {
        self.command = Some(command);
        self
    }

    /// Sets or clears the command hint.
    #[must_use]
    pub fn maybe_command(mut self, command: Option<Command>) -> Reply<'a> {
        self.command = command;
        self
    }

    /// The remote host or the recipient domain, to sharpen provider detection.
    #[must_use]
    pub fn host(mut self, host: &'a str) -> Reply<'a> {
        self.host = Some(host);
        self
    }

    /// Sets or clears the host hint.
    #[must_use]
    pub fn maybe_host(mut self, host: Option<&'a str>) -> Reply<'a> {
        self.host = host;
        self
    }

    /// The enhanced status code from elsewhere (a DSN's `Status:` field, Postfix's `dsn=`),
    /// used when the text carries none.
    #[must_use]
    pub fn status(mut self, status: Option<Enhanced>) -> Reply<'a> {
        self.status = status;
        self
    }

    /// Says that the sender's MTA has given up on this recipient, as a DSN's `Action: failed`
    /// does: a reply that would be retried is not retried again, and a bare connection failure
    /// is the expiry of the message.
    #[must_use]
    pub(crate) fn given_up(mut self, given_up: bool) -> Reply<'a> {
        self.given_up = given_up;
        self
    }

    /// Classifies the reply. Never fails: the code was checked when it was set.
    pub fn classify(&self) -> Classification {
        classify_reply(self)
    }
}

/// Classifies a reply: `code` is the basic reply code if the caller has it (else it is read
/// from the text), `text` the reply as a server, a DSN or a log gave it.
///
/// ```
/// use smtpcodes::{Action, Reason};
/// let c = smtpcodes::classify(Some(550), "5.1.1 <bob@example.org>: Recipient address rejected: User unknown")?;
/// assert_eq!(c.reason, Reason::UserUnknown);
/// assert_eq!(c.action, Action::Bounce);
/// assert!(c.suppress);
/// # Ok::<(), smtpcodes::Error>(())
/// ```
pub fn classify(code: Option<u16>, text: &str) -> Result<Classification, Error> {
    Ok(Reply::new(text).maybe_code(code)?.classify())
}

/// Everything read from a reply before its fields are filled in.
struct Analysis {
    text: String,
    hits: Hits,
    code: Option<u16>,
    enhanced: Option<Enhanced>,
    severity: Severity,
    command: Option<Command>,
    provider: Option<usize>,
    decision: Decision,
    /// What the words say of retrying, for a reply without a code.
    spoken: Option<Action>,
}

fn analyse(reply: &Reply<'_>) -> Analysis {
    let parsed = reply::parse(reply.text);
    let code = reply
        .code
        .or(parsed.code)
        .or_else(|| reply::embedded_code(&parsed.text));
    let enhanced = parsed.enhanced.or(reply.status);
    // The words are read only when a decision needs them: most replies are decided by a
    // phrase or a provider rule first.
    let words: OnceCell<Words> = OnceCell::new();
    let severity = match (code, enhanced) {
        (Some(c), _) => Severity::from_class(c / 100),
        (None, Some(e)) => Severity::from_class(u16::from(e.class)),
        (None, None) => Severity::Unknown,
    };
    let command = reply.command.or(parsed.command);
    let hits = scan::scan(&parsed.text);
    let provider = scan::provider(&hits, reply.host.or(parsed.host));
    let decision = decide(&Evidence {
        code,
        enhanced,
        severity,
        command,
        provider,
        hits: &hits,
        words: &words,
        text: &parsed.text,
    });
    let spoken = (severity == Severity::Unknown)
        .then(|| stated_action(words.get_or_init(|| words::read(&parsed.text))))
        .flatten();
    Analysis {
        text: parsed.text,
        hits,
        code,
        enhanced,
        severity,
        command,
        provider,
        decision,
        spoken,
    }
}

fn classify_reply(reply: &Reply<'_>) -> Classification {
    let Analysis {
        text,
        hits,
        code,
        enhanced,
        severity,
        command,
        provider,
        decision,
        spoken,
    } = analyse(reply);
    let mut reason = decision.reason;
    let mut matched = decision.matched;
    let mut advice = decision.advice;
    let mut action = action_of(severity, reason, spoken, &text);
    // Read while the reply is still one to retry, so a reply the sender gave up on keeps the
    // wait it stated.
    let stated = if action == Action::Retry {
        hits.stated_wait(&text)
    } else {
        None
    };
    if reply.given_up && action == Action::Retry {
        // The reporting MTA retried until it gave up: the message is not retried again. Where
        // the reply says only that the connection did not work, the failure is the expiry.
        if reason == Reason::NetworkError && severity != Severity::Permanent {
            reason = Reason::Expired;
            matched = Cow::Owned(format!("{matched} (the sender gave up)"));
            advice = None;
        }
        action = Action::Bounce;
    }
    let bounce = bounce_of(severity, reason);
    let retry_after =
        (action == Action::Retry).then(|| stated.unwrap_or_else(|| reason.first_wait()));
    let fault = if reason == Reason::Delivered {
        Fault::None
    } else {
        reason.defaults().fault
    };

    let (title, description) = describe(code, enhanced, reason);
    Classification {
        code,
        enhanced,
        severity,
        reason,
        bounce,
        action,
        retry_after,
        suppress: bounce == Bounce::Hard,
        fault,
        provider: provider.map(|p| PROVIDERS[p].id),
        title,
        description,
        advice: advice.unwrap_or_else(|| reason.advice()),
        text,
        matched,
        stated_wait: stated,
        command,
    }
}

/// Whether a reply of this severity and reason condemns the address.
fn bounce_of(severity: Severity, reason: Reason) -> Bounce {
    let defaults = reason.defaults();
    match severity {
        Severity::Success | Severity::Intermediate => Bounce::None,
        // A temporary failure does not condemn an address.
        Severity::Transient if defaults.bounce == Bounce::Hard => Bounce::Soft,
        _ => defaults.bounce,
    }
}

/// What to do with the message: `spoken` is what the words say of retrying, for a reply
/// without a code.
fn action_of(severity: Severity, reason: Reason, spoken: Option<Action>, text: &str) -> Action {
    #[allow(clippy::match_same_arms, reason = "the contract's rules, one arm each")]
    match severity {
        Severity::Success | Severity::Intermediate => Action::None,
        // Words that say the message was delivered, with no code to say otherwise.
        Severity::Unknown if reason == Reason::Delivered => Action::None,
        _ if reason == Reason::Expired => Action::Bounce,
        Severity::Transient => Action::Retry,
        // RFC 5321 4.5.3.1.10: some permanent codes are temporary in practice (552 at RCPT).
        Severity::Permanent if reason.defaults().temporary_in_practice => Action::Retry,
        Severity::Permanent => Action::Bounce,
        Severity::Unknown => match spoken {
            Some(a) => a,
            // Words that name no cause, with no code and no word of delay, are a report of a
            // message that was not delivered (a DSN's free text, a sending service's reason):
            // nothing says it will go through later, so it is given up on. An empty text says
            // nothing at all, and stays a retry.
            None if reason == Reason::Unknown && !text.trim().is_empty() => Action::Bounce,
            None if reason.defaults().retried_without_code => Action::Retry,
            None => Action::Bounce,
        },
    }
}

/// Descriptions with an enhanced code's meaning, by code, enhanced class, subject and detail.
static DESCRIPTIONS: tables::Interned<(u16, u8, u16, u16)> = tables::Interned::new();

/// Title and description: from the basic code's entry, with the enhanced code's meaning added.
fn describe(
    code: Option<u16>,
    enhanced: Option<Enhanced>,
    reason: Reason,
) -> (&'static str, Cow<'static, str>) {
    let detail = enhanced
        .filter(|e| e.subject != 0 || e.detail != 0)
        .and_then(|e| tables::detail(e.subject, e.detail));
    match code {
        Some(c) => {
            let (title, desc) = match tables::reply_code(c) {
                Some(entry) => (entry.title, entry.description),
                None => tables::class(u8::try_from(c / 100).unwrap_or(0))
                    .map_or(("Unassigned Reply Code", ""), |cl| {
                        (cl.title, cl.description)
                    }),
            };
            match (detail, enhanced) {
                (Some(d), Some(e)) => {
                    let key = (c, e.class, d.subject, d.detail);
                    // `{desc} {e} ({title}): {description}`, without the formatting machinery.
                    let text = DESCRIPTIONS.get(key, || {
                        let mut text = String::with_capacity(
                            desc.len() + d.title.len() + d.description.len() + 16,
                        );
                        text.push_str(desc);
                        text.push(' ');
                        e.push_to(&mut text);
                        text.push_str(" (");
                        text.push_str(d.title);
                        text.push_str("): ");
                        text.push_str(d.description);
                        text
                    });
                    (title, text)
                }
                _ => (title, Cow::Borrowed(desc)),
            }
        }
        None => match (detail, enhanced) {
            (Some(d), _) => (d.title, Cow::Borrowed(d.description)),
            (None, Some(e)) => tables::class(e.class)
                .map_or((reason.title(), Cow::Borrowed("")), |cl| {
                    (cl.title, Cow::Borrowed(cl.description))
                }),
            (None, None) => (
                reason.title(),
                Cow::Borrowed(
                    "The reply carries no reply code; the reason was read from its words alone.",
                ),
            ),
        },
    }
}

/// The id of the rule that decides a reply, if a text or provider rule does (for tests that
/// check every rule is exercised).
#[doc(hidden)]
pub fn deciding_rule(reply: &Reply<'_>) -> Option<&'static str> {
    analyse(reply).decision.rule.map(|r| RULES[r].id)
}
