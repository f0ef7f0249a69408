//! The public API as a user relies on it: shapes, errors, reference data, the retry policy, and
//! inputs at the edges (huge, binary, many lines).

use smtpcodes::{
    classify, explain, Action, Bounce, Classification, Error, Fault, Reason, RetryPolicy, RetryWhy,
    Severity,
};

fn c(code: Option<u16>, text: &str) -> Classification {
    classify(code, text).expect("valid input")
}

#[test]
fn serialises_to_the_contract_shape() {
    let v = serde_json::to_value(c(Some(550), "5.1.1 User unknown")).expect("serialisable");
    let keys: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = vec![
        "code",
        "enhanced",
        "severity",
        "reason",
        "bounce",
        "action",
        "retry_after",
        "suppress",
        "fault",
        "provider",
        "title",
        "description",
        "advice",
        "text",
        "matched",
    ];
    let mut got = keys.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(v["enhanced"], "5.1.1");
    assert_eq!(v["reason"], "user_unknown");
    assert_eq!(v["retry_after"], serde_json::Value::Null);
}

/// The enum values are the contract's names, in the contract's order.
#[test]
fn enum_lists_are_the_contract() {
    let names = |all: &[&'static str]| all.join(" ");
    assert_eq!(
        names(&Severity::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "success intermediate transient permanent unknown"
    );
    assert_eq!(
        names(&Bounce::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "none soft hard block"
    );
    assert_eq!(
        names(&Action::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "none retry bounce"
    );
    assert_eq!(
        names(&Fault::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "none recipient sender message remote network unknown"
    );
    assert_eq!(Reason::ALL.len(), 33);
    for (i, r) in Reason::ALL.iter().enumerate() {
        assert_eq!(r.index(), i);
        assert_eq!(r.as_str().parse::<Reason>(), Ok(*r));
    }
    assert_eq!(
        "nope".parse::<Reason>().map_err(|e| e.kind()),
        Err("invalid_name")
    );
}

#[test]
fn reason_defaults_follow_the_contract_table() {
    // Spot checks of each row kind; every row is exercised by the shared vectors.
    assert_eq!(
        (
            Reason::UserUnknown.default_bounce(),
            Reason::UserUnknown.default_fault()
        ),
        (Bounce::Hard, Fault::Recipient)
    );
    assert_eq!(
        (
            Reason::Greylisted.default_bounce(),
            Reason::Greylisted.default_fault()
        ),
        (Bounce::Soft, Fault::Remote)
    );
    assert_eq!(
        (
            Reason::SpamDetected.default_bounce(),
            Reason::SpamDetected.default_fault()
        ),
        (Bounce::Block, Fault::Message)
    );
    assert_eq!(
        (
            Reason::Unknown.default_bounce(),
            Reason::Unknown.default_fault()
        ),
        (Bounce::Soft, Fault::Unknown)
    );
    for r in Reason::ALL {
        assert!(!r.advice().is_empty() && !r.title().is_empty(), "{r}");
    }
}

#[test]
fn errors_are_typed() {
    let kind = |r: Result<Classification, Error>| r.map_err(|e| e.kind()).map(|_| ());
    assert_eq!(kind(classify(Some(600), "")), Err("code_out_of_range"));
    assert_eq!(kind(classify(Some(199), "")), Err("code_out_of_range"));
    assert_eq!(
        smtpcodes::parse_code("5.1.1").map_err(|e| e.kind()),
        Err("invalid_code")
    );
    assert_eq!(
        smtpcodes::parse_code("99999999999999999999999").map_err(|e| e.kind()),
        Err("code_out_of_range")
    );
    assert_eq!(smtpcodes::parse_code("  "), Ok(None));
    assert_eq!(smtpcodes::parse_code(" 550 "), Ok(Some(550)));
    assert_eq!(
        smtpcodes::Command::parse_hint("FROB").map_err(|e| e.kind()),
        Err("invalid_command")
    );
    let long = "9".repeat(10_000);
    let message = smtpcodes::parse_code(&long)
        .expect_err("out of range")
        .to_string();
    assert!(
        message.len() < 200,
        "an error message does not echo a huge input: {message}"
    );
    for kind in smtpcodes::ErrorKind::NAMES {
        assert!(kind.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    }
}

#[test]
fn explains_every_table_entry() {
    for code in 200..=599u16 {
        let e = smtpcodes::explain_basic(code);
        assert!(!e.title.is_empty(), "{code}");
        assert_eq!(e.severity, Severity::from_class(code / 100));
    }
    let e = explain("421").expect("known");
    assert_eq!(
        (e.title, e.kind, e.registered),
        (
            "Service Not Available",
            smtpcodes::ExplanationKind::Basic,
            true
        )
    );
    let e = explain("5.1.1").expect("known");
    assert_eq!(
        (e.kind, e.severity, e.registered),
        (
            smtpcodes::ExplanationKind::Enhanced,
            Severity::Permanent,
            true
        )
    );
    assert!(e.basic.contains(&550) && e.class_title.is_some() && e.subject_title.is_some());
    let e = explain("X.7.26").expect("known");
    assert_eq!((e.code.as_str(), e.severity), ("X.7.26", Severity::Unknown));
    let e = explain("599").expect("well-formed");
    assert!(!e.registered);
    let e = explain("5.9.9").map_err(|e| e.kind());
    assert_eq!(e, Err("invalid_code"), "subject 9 does not exist");
    assert!(!explain("5.7.999").expect("well-formed").registered);
    assert_eq!(explain("abc").map_err(|e| e.kind()), Err("invalid_code"));
    assert_eq!(explain("").map_err(|e| e.kind()), Err("invalid_code"));
    assert_eq!(
        explain("700").map_err(|e| e.kind()),
        Err("code_out_of_range")
    );
}

#[test]
fn every_registered_enhanced_code_has_an_entry() {
    for subject in 0..=7u16 {
        for detail in 0..=30u16 {
            let e = explain(&format!("X.{subject}.{detail}")).expect("well-formed");
            if e.registered {
                assert!(
                    !e.description.is_empty() && !e.when.is_empty() && !e.fix.is_empty(),
                    "X.{subject}.{detail}"
                );
            }
        }
    }
    // The registry's last entries: X.7.30 (REQUIRETLS) exists, X.7.31 does not.
    assert!(explain("X.7.30").expect("ok").registered);
    assert!(!explain("X.7.31").expect("ok").registered);
}

#[test]
fn text_beats_the_registry_and_says_so() {
    let r = c(
        Some(550),
        "5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
    );
    assert_eq!(r.reason, Reason::UserUnknown);
    assert!(r.matched.contains("over enhanced 5.1.10"), "{}", r.matched);
    let r = c(Some(550), "5.1.10 Recipient address has null MX");
    assert_eq!(r.reason, Reason::NotAccept);
}

#[test]
fn code_disagreements() {
    // The given code wins over the one in the text.
    let r = c(Some(450), "550 5.1.1 User unknown");
    assert_eq!(
        (r.code, r.severity, r.bounce, r.action),
        (Some(450), Severity::Transient, Bounce::Soft, Action::Retry)
    );
    // An enhanced code of another class is kept; the basic code decides the severity.
    let r = c(Some(554), "4.4.7 Message expired");
    assert_eq!(r.enhanced.map(|e| e.to_string()).as_deref(), Some("4.4.7"));
    assert_eq!(
        (r.severity, r.action),
        (Severity::Permanent, Action::Bounce)
    );
}

#[test]
fn huge_and_binary_inputs_are_linear_and_safe() {
    let garbage: String = (0..10_000_000u32)
        .map(|i| char::from(b"ab \n\0\x7f550-5.7.1[]:;#"[(i % 20) as usize]))
        .collect();
    let r = c(None, &garbage);
    assert!(r.text.len() <= garbage.len());
    let many_lines =
        "550-5.7.1 blocked using zen.spamhaus.org\r\n".repeat(100_000) + "550 5.7.1 end";
    let r = c(None, &many_lines);
    assert_eq!((r.code, r.reason), (Some(550), Reason::Blocked));
    let spammy = "spam ".repeat(2_000_000);
    assert_eq!(c(Some(550), &spammy).reason, Reason::SpamDetected);
    assert!(
        smtpcodes::classify_bytes(None, &[0xff, 0xfe, 0x00, b'5', b'5', b'0', b' ', 0xc3]).is_ok()
    );
    let nul = "550\u{0}5.1.1\u{0}User unknown";
    assert!(classify(None, nul).is_ok());
}

#[test]
fn stated_waits() {
    let after = |text: &str| c(Some(451), text).retry_after;
    assert_eq!(
        after("4.7.1 Greylisted, please try again in 5 minutes"),
        Some(300)
    );
    assert_eq!(
        after("4.7.1 Service unavailable, come back in 60 seconds"),
        Some(60)
    );
    assert_eq!(
        after("4.7.0 Too many connections. Retry-After: 120"),
        Some(120)
    );
    assert_eq!(
        after("4.7.1 Greylisting in action, please come back in 00:05:00"),
        Some(300)
    );
    assert_eq!(after("4.7.1 greylisted for 2 hours"), Some(7200));
    assert_eq!(after("4.3.0 Try again later"), Some(900));
    assert_eq!(after("4.7.1 Greylisted"), Some(300));
    assert_eq!(
        c(Some(550), "5.7.1 Message refused, try again in 5 minutes").retry_after,
        None,
        "no retry, no wait"
    );
}

#[test]
fn retry_policy_schedule() {
    let p = RetryPolicy::default();
    let deferral = c(Some(451), "4.3.0 Temporary local problem");
    let delays: Vec<Option<u32>> = (1..=6)
        .map(|n| p.decide(&deferral, n, 0).retry_after)
        .collect();
    assert_eq!(
        delays,
        vec![
            Some(900),
            Some(1800),
            Some(3600),
            Some(7200),
            Some(14_400),
            Some(14_400)
        ]
    );
    let last = p.decide(&deferral, 20, 431_000);
    assert_eq!(
        (last.action, last.retry_after, last.why),
        (Action::Retry, Some(1000), RetryWhy::FinalAttempt)
    );
    let gone = p.decide(&deferral, 20, 432_000);
    assert_eq!((gone.action, gone.why), (Action::Bounce, RetryWhy::MaxAge));

    let limited = c(Some(421), "4.7.0 Rate limited, too many messages");
    assert_eq!(p.decide(&limited, 1, 0).retry_after, Some(1800));
    assert_eq!(
        p.decide(&limited, 2, 0).retry_after,
        Some(2700),
        "rate limits back off by 1.5"
    );

    let grey = c(Some(450), "4.2.0 Greylisted, come back in 60 seconds");
    assert_eq!(
        (p.decide(&grey, 1, 0).retry_after, p.decide(&grey, 1, 0).why),
        (Some(60), RetryWhy::StatedWait)
    );
    assert_eq!(
        p.decide(&grey, 3, 0).retry_after,
        Some(1200),
        "after the first retry the schedule rules, the stated wait is a floor"
    );

    let dead = c(Some(550), "5.1.1 User unknown");
    assert_eq!(p.decide(&dead, 1, 0).why, RetryWhy::NotRetryable);
    let ok = c(Some(250), "2.0.0 OK");
    assert_eq!(p.decide(&ok, 1, 0).action, Action::None);

    let capped = RetryPolicy {
        max_attempts: Some(3),
        ..RetryPolicy::default()
    };
    assert_eq!(capped.decide(&deferral, 3, 0).why, RetryWhy::MaxAttempts);
}

#[test]
fn retry_policy_jitter_is_deterministic_and_bounded() {
    let p = RetryPolicy {
        jitter: 0.2,
        seed: 42,
        ..RetryPolicy::default()
    };
    let deferral = c(Some(451), "4.3.0 Temporary local problem");
    for n in 1..50 {
        let a = p.decide(&deferral, n, 0).retry_after.expect("retry");
        assert_eq!(Some(a), p.decide(&deferral, n, 0).retry_after);
        let base = f64::from(
            RetryPolicy::default()
                .decide(&deferral, n, 0)
                .retry_after
                .expect("retry"),
        );
        assert!(
            (f64::from(a) - base).abs() <= base * 0.2 + 1.0,
            "attempt {n}: {a} vs {base}"
        );
    }
    let other = RetryPolicy {
        seed: 43,
        ..p.clone()
    };
    assert!((1..20).any(|n| other.decide(&deferral, n, 0) != p.decide(&deferral, n, 0)));
}

#[test]
fn retry_policy_validation_and_suppression() {
    assert!(RetryPolicy::default().validate().is_ok());
    let bad = |p: RetryPolicy| p.validate().map_err(|e| e.kind());
    assert_eq!(
        bad(RetryPolicy {
            backoff: 0.5,
            ..RetryPolicy::default()
        }),
        Err("invalid_policy")
    );
    assert_eq!(
        bad(RetryPolicy {
            jitter: f64::NAN,
            ..RetryPolicy::default()
        }),
        Err("invalid_policy")
    );
    assert_eq!(
        bad(RetryPolicy {
            max_attempts: Some(0),
            ..RetryPolicy::default()
        }),
        Err("invalid_policy")
    );

    let p = RetryPolicy::default();
    let full = c(Some(452), "4.2.2 Mailbox full");
    assert!(!p.should_suppress(&full, 7));
    assert!(
        p.should_suppress(&full, 8),
        "more than 7 consecutive soft bounces suppress"
    );
    assert!(p.should_suppress(&c(Some(550), "5.1.1 User unknown"), 0));
    assert!(
        !p.should_suppress(&c(Some(550), "5.7.1 Message rejected as spam"), 100),
        "a block never suppresses"
    );
}

/// Inputs the fuzzer found to crash earlier versions.
#[test]
fn fuzz_regressions() {
    for text in [
        "Remote host refused to talk to me:6.",
        "host refused to talk to me: 421 busy",
        "host said: 550 x",
        "host [ said:",
        "451 try again in 99999999999999999999:00:00",
    ] {
        for code in [None, Some(550)] {
            assert!(classify(code, text).is_ok(), "{text}");
        }
    }
}

/// `Classification::FIELDS`, from which the bindings' declarations and the contract's table
/// are generated, is the serialised shape: the same keys, in the same order, nullable where the
/// value can be null.
#[test]
fn the_declared_fields_are_the_serialised_shape() {
    let c = smtpcodes::classify(Some(421), "4.7.0 try again in 5 minutes").expect("classified");
    let json = serde_json::to_string(&c).expect("serialised");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let object = value.as_object().expect("an object");
    let names: Vec<&str> = smtpcodes::Classification::FIELDS
        .iter()
        .map(|f| f.name)
        .collect();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    // serde_json's map is sorted: recover the order from the text.
    keys.sort_by_key(|k| json.find(&format!("\"{k}\":")).unwrap_or(usize::MAX));
    assert_eq!(keys, names);
    let none = smtpcodes::classify(None, "").expect("classified");
    let none: serde_json::Value = serde_json::to_value(&none).expect("serialised");
    for f in smtpcodes::Classification::FIELDS {
        if none[f.name].is_null() {
            assert!(f.nullable, "{} can be null", f.name);
        }
    }
}

/// `RetryPolicy::SETTINGS`, from which the bindings' declarations of the settings are
/// generated, names the serialised settings in their order.
#[test]
fn the_declared_settings_are_the_serialised_policy() {
    let json = serde_json::to_string(&smtpcodes::RetryPolicy::DEFAULT).expect("serialised");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_by_key(|k| json.find(&format!("\"{k}\":")).unwrap_or(usize::MAX));
    let names: Vec<&str> = smtpcodes::RetryPolicy::SETTINGS
        .iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(keys, names);
    for f in smtpcodes::RetryPolicy::SETTINGS {
        if value[f.name].is_null() {
            assert!(f.nullable, "{} can be null", f.name);
        }
    }
}
