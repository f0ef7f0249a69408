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
    parse_bounce, parse_bounce_with, BounceReport, BouncedRecipient, Complaint, Limits,
};
pub use classify::{classify, Classification, Reply};
pub use codes::{check_code, check_code_number, parse_code, Enhanced};
pub use error::{contain, Error};
pub use reference::{
    basic_codes, compare, explain, explain_basic, Cause, Check, Comparison, Difference,
    Explanation, Retry,
};
pub use retry::{RetryDecision, RetryPolicy, RetryWhy};
pub use types::{Action, Bounce, Command, DsnAction, Fault, Reason, Severity};
pub use webhook::{parse_webhook, parse_webhook_value, Webhook, WebhookEvent};

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
