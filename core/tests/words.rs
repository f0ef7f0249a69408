//! The word rules and the lexicon: every rule decides its examples, every concept is used, every
//! language is exercised, and normalisation reads inflections, contractions and placeholders.

use std::collections::BTreeSet;

use smtpcodes::testing::lexicon::{
    concepts, concepts_of, lexicon_languages, word_rule_of, WORD_EXAMPLES,
};
use smtpcodes::{classify, Action, Reason, Severity};

/// Splits `550 text` into the code and the text, as a caller that has both would.
fn code_and_text(example: &str) -> (Option<u16>, &str) {
    match example.split_once(' ') {
        Some((head, rest)) if head.len() == 3 && head.bytes().all(|b| b.is_ascii_digit()) => {
            (head.parse().ok(), rest)
        }
        _ => (None, example),
    }
}

#[test]
fn every_rule_decides_its_examples() {
    let mut failures = Vec::new();
    for &(id, reason, lang, example) in WORD_EXAMPLES {
        let (code, text) = code_and_text(example);
        let c = classify(code, text).expect("a valid code");
        let decided_by = word_rule_of(text);
        if decided_by != Some(id) {
            failures.push(format!(
                "{id} ({lang}) {example:?}: the words read as {:?}, decided by {decided_by:?}",
                concepts_of(text)
            ));
        }
        let expected: Reason = reason.parse().expect("a reason");
        if c.reason != expected {
            failures.push(format!(
                "{id} ({lang}) {example:?}: classified {} ({}), expected {expected}",
                c.reason, c.matched
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_concept_is_used_and_every_language_exercised() {
    let source = include_str!("../data/words.toml");
    for concept in concepts() {
        let used = source.contains(&format!("\"{concept}\""))
            || source.contains(&format!("{concept}|"))
            || source.contains(&format!("|{concept}"))
            || ["negation", "permanent", "temporary"].contains(concept);
        assert!(used, "concept {concept} is used by no rule");
    }
    let exercised: BTreeSet<&str> = WORD_EXAMPLES.iter().map(|(_, _, lang, _)| *lang).collect();
    for lang in lexicon_languages() {
        assert!(exercised.contains(lang), "no example in {lang}");
    }
}

#[test]
fn normalisation_reads_inflections_contractions_and_placeholders() {
    assert_eq!(
        concepts_of("we couldn't find that mailbox"),
        ["not_exist", "recipient"]
    );
    assert_eq!(concepts_of("Mailboxes are FULL"), ["recipient", "full"]);
    // A misspelling, and an address that must not read as words.
    assert_eq!(
        concepts_of("recipent <unknown@example.org> unknown"),
        ["recipient", "not_exist"]
    );
    assert!(concepts_of("mx.unknown.example.org 192.0.2.1 5.1.1").is_empty());
    // Negation: the mailbox is not full.
    assert!(!concepts_of("the mailbox is not full").contains(&"full"));
    // A clause boundary keeps words of two sentences apart.
    assert_eq!(word_rule_of("Your mailbox. Not found."), None);
    // Japanese and Chinese are read character by character.
    assert_eq!(concepts_of("收件人不存在"), ["recipient", "not_exist"]);
}

#[test]
fn words_outrank_a_generic_enhanced_code_and_say_so() {
    let c = classify(Some(550), "5.7.1 there is no mailbox by this name here").expect("valid");
    assert_eq!(c.reason, Reason::UserUnknown);
    assert!(
        c.matched.starts_with("words no_recipient \"no mailbox\""),
        "{}",
        c.matched
    );
    assert!(c.suppress);
}

#[test]
fn statements_of_permanence_and_delay_decide_without_a_code() {
    // A soft reason that would be retried, said to be permanent.
    let c = classify(
        None,
        "permanent failure, will not retry: the mailbox is full",
    )
    .expect("valid");
    assert_eq!(
        (c.reason, c.severity, c.action),
        (Reason::MailboxFull, Severity::Unknown, Action::Bounce)
    );
    // A hard reason that would be given up, said to be still tried.
    let c = classify(
        None,
        "the mailbox is disabled; we will keep trying for another 48 hours",
    )
    .expect("valid");
    assert_eq!(
        (c.reason, c.action),
        (Reason::MailboxDisabled, Action::Retry)
    );
    let c = classify(None, "your message is still waiting in the queue").expect("valid");
    assert_eq!(c.action, Action::Retry);
    let c = classify(None, "undeliverable after 72 hours of attempts").expect("valid");
    assert_eq!((c.reason, c.action), (Reason::Expired, Action::Bounce));
    // A code decides, whatever the words say.
    let c = classify(Some(550), "permanent failure: we will keep trying").expect("valid");
    assert_eq!(c.action, Action::Bounce);
}
