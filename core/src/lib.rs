#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

pub mod bounce;
mod classify;
mod codes;
mod error;
pub mod logs;
pub mod messages;
mod reference;
mod reply;
mod retry;
mod rules;
mod tables;
mod types;
pub mod webhook;

pub use bounce::{
    parse_bounce, parse_bounce_with, BounceFormat, BounceReport, BouncedRecipient, Complaint,
    Limits,
};
pub use classify::{classify, Classification, Field, FieldType, Reply};
pub use codes::{check_code, check_code_number, parse_code, Enhanced};
pub use error::{contain, Error, ErrorKind, NotABounceWhat, NotAWebhookWhat};
pub use reference::{
    basic_codes, compare, explain, explain_basic, Cause, Check, Comparison, Difference,
    Explanation, ExplanationKind, Retry,
};
pub use retry::{RetryDecision, RetryPolicy, RetryWhy};
pub use types::{Action, Bounce, Command, DsnAction, Fault, Reason, Severity};
pub use webhook::{parse_webhook, parse_webhook_value, Webhook, WebhookEvent};

/// A set of named values of the contract: every string an enum-valued field, an error's `kind`
/// or `what`, or a decision's `why` can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueSet {
    /// The type's name, as the Python and TypeScript types call it (`Reason`).
    pub name: &'static str,
    /// What the values say, one sentence for the types' documentation.
    pub doc: &'static str,
    /// The values, in the contract's order.
    pub values: &'static [&'static str],
}

/// Every [`ValueSet`] of the contract. The Python and TypeScript types of these sets are
/// generated from this list (`make contract`), so they cannot drift from the core.
pub const VALUE_SETS: &[ValueSet] = &[
    ValueSet {
        name: "Severity",
        doc: "How far the reply got: from its basic code, else from the enhanced code's class.",
        values: Severity::NAMES,
    },
    ValueSet {
        name: "Reason",
        doc: "Why a reply failed (or that it did not), in the contract's taxonomy.",
        values: Reason::NAMES,
    },
    ValueSet {
        name: "Bounce",
        doc: "`none`, `soft` (temporary), `hard` (the address is dead) or `block` (fix the sending side).",
        values: Bounce::NAMES,
    },
    ValueSet {
        name: "Action",
        doc: "What to do with this message now.",
        values: Action::NAMES,
    },
    ValueSet {
        name: "Fault",
        doc: "Who has to act for mail to get through.",
        values: Fault::NAMES,
    },
    ValueSet {
        name: "Command",
        doc: "The SMTP commands a command hint can name (hints are read leniently: `RCPT TO`, `end of DATA`).",
        values: Command::NAMES,
    },
    ValueSet {
        name: "RetryWhy",
        doc: "Why a retry decision is what it is.",
        values: RetryWhy::NAMES,
    },
    ValueSet {
        name: "ErrorKind",
        doc: "The kind of an error: malformed input, an input over a limit (`too_large`), or `internal` for a bug.",
        values: ErrorKind::NAMES,
    },
    ValueSet {
        name: "ExplanationKind",
        doc: "Which kind of code an explanation is about.",
        values: ExplanationKind::NAMES,
    },
    ValueSet {
        name: "DsnAction",
        doc: "What the reporting MTA did for a recipient of a bounce (RFC 3464 `Action:`).",
        values: DsnAction::NAMES,
    },
    ValueSet {
        name: "BounceFormat",
        doc: "Where a bounce's recipients were read from: a `message/delivery-status` part, an Amazon SES notification, an abuse feedback report (its complaints), or the bounce's human-readable text.",
        values: BounceFormat::NAMES,
    },
    ValueSet {
        name: "NotABounceWhat",
        doc: "What an email given to the bounce reader is when it is not a bounce (the `what` of a `not_a_bounce` error).",
        values: NotABounceWhat::NAMES,
    },
    ValueSet {
        name: "NotAWebhookWhat",
        doc: "What a body given to the webhook reader is when it is no service's payload (the `what` of a `not_a_webhook` error).",
        values: NotAWebhookWhat::NAMES,
    },
    ValueSet {
        name: "Esp",
        doc: "The email services whose webhook payloads are read.",
        values: webhook::Esp::NAMES,
    },
    ValueSet {
        name: "WebhookEventKind",
        doc: "What happened to a message for one recipient, as the service reports it.",
        values: webhook::WebhookEventKind::NAMES,
    },
    ValueSet {
        name: "LogFormat",
        doc: "The mail server that wrote a log line.",
        values: logs::LogFormat::NAMES,
    },
    ValueSet {
        name: "DeliveryStatus",
        doc: "How a delivery attempt ended, as the log line says it.",
        values: logs::DeliveryStatus::NAMES,
    },
    ValueSet {
        name: "LongLines",
        doc: "What a log reader does with a line over its length limit: cut it there, or skip it and report it.",
        values: logs::LongLines::NAMES,
    },
];

/// The version of this crate, shared by the Python and Node packages.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Builds the rule automaton now, so that the first [`classify`] call is as fast as the rest
/// (servers that care about the first request's latency call this at start-up).
pub fn warm_up() {
    rules::scan::warm_up();
    rules::words::warm_up();
}

/// The ids of every provider this crate recognises, in detection order.
pub fn providers() -> impl Iterator<Item = &'static str> {
    tables::PROVIDERS.iter().map(|p| p.id)
}

/// What the tests read of the rules, and nothing a caller needs: the rule that decides a reply,
/// every rule's id and examples, and the lexicon's concepts and examples. Hidden from the docs
/// and not part of the contract.
#[doc(hidden)]
pub mod testing {
    use crate::tables;

    pub use crate::classify::deciding_rule;

    /// The ids of every text and provider rule, in evaluation order (for coverage tests).
    pub fn rule_ids() -> impl Iterator<Item = &'static str> {
        tables::RULES.iter().map(|r| r.id)
    }

    /// A reply a text or provider rule must decide, as written beside the rule in `data/`.
    #[derive(Debug, Clone, Copy)]
    pub struct RuleExample {
        pub id: &'static str,
        pub reason: &'static str,
        pub code: Option<u16>,
        pub text: &'static str,
        pub command: Option<&'static str>,
        pub host: Option<&'static str>,
    }

    /// The examples of every text and provider rule (for the test that runs them).
    pub fn rule_examples() -> &'static [RuleExample] {
        tables::RULE_EXAMPLES
    }

    /// The word rules' examples (rule id, language, text), the concepts a text reads as, and
    /// the rule that decides it: for the tests that prove every rule, concept and language
    /// works.
    pub mod lexicon {
        pub use crate::rules::words::{
            concepts_of, lexicon_languages, word_rule_of, WORD_EXAMPLES,
        };

        /// Every concept name of the lexicon.
        pub fn concepts() -> &'static [&'static str] {
            crate::rules::words::CONCEPT_NAMES
        }
    }
}

/// Classifies a reply whose text arrived as bytes; invalid UTF-8 is replaced, not refused.
pub fn classify_bytes(code: Option<u16>, text: &[u8]) -> Result<Classification, Error> {
    classify(code, &String::from_utf8_lossy(text))
}
