//! Property tests: no input panics, and parsing does not depend on how a reply is wrapped or
//! split into lines.

use proptest::prelude::*;
use smtpcodes::{classify, classify_bytes, parse_code, Command, Reply};

/// Words real replies are made of, so that generated texts hit rules, not only noise.
const WORDS: &[&str] = &[
    "User",
    "unknown",
    "mailbox",
    "full",
    "Recipient",
    "address",
    "rejected:",
    "blocked",
    "using",
    "zen.spamhaus.org",
    "try",
    "again",
    "in",
    "5",
    "minutes",
    "DMARC",
    "policy",
    "<bob@example.org>",
    "[192.0.2.1]",
    "4.16.55.1",
    "quota",
    "exceeded",
    "Greylisted",
    "spam",
    "relay",
    "denied",
    "-",
    "gsmtp",
    "TLS",
    "required",
    "Access",
    "550",
    "421",
    "5.7.1",
    "(#5.1.1)",
    "host",
    "Retry-After:",
];

fn message() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..12).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_is_classified_without_panic(text in any::<String>(), code in prop::option::of(200u16..=599)) {
        let c = classify(code, &text).expect("a code in range is never an error");
        prop_assert_eq!(c.suppress, c.bounce == smtpcodes::Bounce::Hard);
        prop_assert_eq!(c.retry_after.is_some(), c.action == smtpcodes::Action::Retry);
    }

    #[test]
    fn any_bytes_are_classified_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        prop_assert!(classify_bytes(None, &bytes).is_ok());
    }

    #[test]
    fn reply_like_text_is_classified_without_panic(words in message(), code in prop::option::of(200u16..=599)) {
        prop_assert!(classify(code, &words).is_ok());
    }

    #[test]
    fn any_code_string_is_a_code_or_a_typed_error(s in any::<String>()) {
        match parse_code(&s) {
            Ok(Some(c)) => prop_assert!((200..=599).contains(&c)),
            Ok(None) => prop_assert!(s.trim().is_empty()),
            Err(e) => prop_assert!(["invalid_code", "code_out_of_range"].contains(&e.kind())),
        }
    }

    #[test]
    fn any_command_hint_is_a_command_or_a_typed_error(s in any::<String>()) {
        if let Err(e) = Command::parse_hint(&s) {
            prop_assert_eq!(e.kind(), "invalid_command");
        }
    }

    /// The same reply, plain, multi-line, folded, wrapped by a DSN, Postfix or Exim, reads as
    /// the same code, enhanced code and text.
    #[test]
    fn wrapping_and_line_splitting_do_not_change_the_reading(
        lines in prop::collection::vec(message(), 1..4),
        code in prop::sample::select(vec![421u16, 450, 451, 452, 550, 552, 553, 554]),
        detail in 0u16..30,
    ) {
        let class = code / 100;
        let enhanced = format!("{class}.7.{detail}");
        let plain = {
            let body = lines.join(" ");
            classify(None, &format!("{code} {enhanced} {body}")).expect("in range")
        };
        let multiline: Vec<String> = lines.iter().enumerate().map(|(i, l)| {
            let sep = if i + 1 == lines.len() { ' ' } else { '-' };
            format!("{code}{sep}{enhanced} {l}")
        }).collect();
        let forms = [
            multiline.join("\r\n"),
            multiline.join("\n"),
            multiline.join("\n        "),
            format!("smtp; {}", multiline.join("\r\n ")),
            format!("host mx.example.org[192.0.2.1] said: {} (in reply to RCPT TO command)", multiline.join("\n")),
            format!("SMTP error from remote mail server after RCPT TO:<bob@example.org>: host mx.example.org [192.0.2.1]: {}", multiline.join("\n")),
        ];
        for form in &forms {
            let c = classify(None, form).expect("in range");
            prop_assert_eq!(c.code, plain.code, "{}", form);
            prop_assert_eq!(c.enhanced, plain.enhanced, "{}", form);
            prop_assert_eq!(&c.text, &plain.text, "{}", form);
        }
    }

    /// Classifying is deterministic and reading a normalised text again changes nothing.
    #[test]
    fn normalised_text_is_stable(words in message(), code in 400u16..=599) {
        let first = classify(Some(code), &words).expect("in range");
        let again = classify(Some(code), &words).expect("in range");
        prop_assert_eq!(&first, &again);
        // A text that itself starts like a code (`550 ...`, `(#5.1.1) ...`) would be read as one.
        if !first.text.starts_with(|c: char| c.is_ascii_digit() || "#([".contains(c)) {
            let reread = Reply::new(&first.text).code(code).expect("in range").classify();
            prop_assert_eq!(&reread.text, &first.text);
        }
    }
}
