//! `parse_bounce` on bounce emails written for the project (tests/emails/), and on input that
//! is broken, huge or not a bounce at all.

use std::fmt::Write as _;
use std::path::Path;

use smtpcodes::{
    parse_bounce, parse_bounce_with, Action, BounceReport, DsnAction, Error, Limits, Reason,
};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/emails")
            .join(name),
    )
    .expect("fixture exists")
}

fn report(name: &str) -> BounceReport {
    parse_bounce(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn summary(r: &BounceReport) -> Vec<(String, DsnAction, Reason, Action)> {
    r.recipients
        .iter()
        .map(|x| {
            (
                x.recipient.clone(),
                x.action,
                x.classification.reason,
                x.classification.action,
            )
        })
        .collect()
}

#[test]
fn rfc3464_dsn() {
    let r = report("dsn-postfix-user-unknown.eml");
    assert_eq!(r.format.as_str(), "dsn");
    assert_eq!(r.reporting_mta.as_deref(), Some("mx.example.net"));
    assert_eq!(
        r.original_message_id.as_deref(),
        Some("report-42@example.com")
    );
    assert_eq!(
        summary(&r),
        vec![
            (
                "bob@example.org".into(),
                DsnAction::Failed,
                Reason::UserUnknown,
                Action::Bounce
            ),
            (
                "carol@example.org".into(),
                DsnAction::Delayed,
                Reason::MailboxFull,
                Action::Retry
            ),
        ]
    );
    let bob = &r.recipients[0];
    assert_eq!(bob.original_recipient.as_deref(), Some("bob@example.org"));
    assert_eq!(bob.remote_mta.as_deref(), Some("mx1.example.org"));
    assert_eq!(bob.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
    assert!(
        bob.diagnostic
            .contains("User unknown in virtual mailbox table"),
        "{}",
        bob.diagnostic
    );
    assert!(bob.classification.suppress);
    assert!(r.recipients[1].last_attempt_date.is_some());
}

#[test]
fn text_formats_of_mtas() {
    let exim = report("exim-text.eml");
    assert_eq!(
        (exim.format.as_str(), summary(&exim)),
        (
            "text",
            vec![(
                "dave@example.net".into(),
                DsnAction::Failed,
                Reason::AuthFailure,
                Action::Bounce
            )]
        )
    );
    assert_eq!(
        exim.original_message_id.as_deref(),
        Some("hello-1@example.com")
    );

    let qmail = report("qmail-text.eml");
    assert_eq!(
        summary(&qmail),
        vec![
            (
                "erin@example.org".into(),
                DsnAction::Failed,
                Reason::RelayDenied,
                Action::Bounce
            ),
            (
                "frank@example.org".into(),
                DsnAction::Failed,
                Reason::UserUnknown,
                Action::Bounce
            ),
        ]
    );

    let sendmail = report("sendmail-text.eml");
    assert_eq!(
        summary(&sendmail),
        vec![(
            "grace@example.net".into(),
            DsnAction::Failed,
            Reason::MailboxFull,
            Action::Bounce
        )]
    );
    assert_eq!(
        sendmail.recipients[0].classification.retry_after, None,
        "the sender already gave up"
    );

    let gmail = report("gmail-text.eml");
    assert_eq!(
        summary(&gmail),
        vec![(
            "heidi@example.org".into(),
            DsnAction::Failed,
            Reason::Blocked,
            Action::Bounce
        )]
    );
}

#[test]
fn amazon_ses_notification() {
    let r = report("ses-notification.eml");
    assert_eq!(r.format.as_str(), "ses");
    assert_eq!(r.original_message_id.as_deref(), Some("0100018c-abcd"));
    assert_eq!(
        summary(&r),
        vec![(
            "ivan@example.org".into(),
            DsnAction::Failed,
            Reason::UserUnknown,
            Action::Bounce
        )]
    );
}

#[test]
fn complaint_reports_name_the_address_to_suppress() {
    let r = report("complaint-arf-rcpt.eml");
    assert_eq!(r.format.as_str(), "arf");
    assert!(r.recipients.is_empty());
    assert_eq!(r.reporting_mta.as_deref(), Some("mail.example.net"));
    assert_eq!(
        r.original_message_id.as_deref(),
        Some("8787KJKJ3K4J3K4J3K4J3.mail@example.com")
    );
    let c = &r.complaints[0];
    assert_eq!(r.complaints.len(), 1);
    assert_eq!(c.recipient.as_deref(), Some("trent@example.net"));
    assert_eq!(c.feedback_type, "abuse");
    assert_eq!(c.user_agent.as_deref(), Some("ExampleFBL/2.1"));
    assert_eq!(c.source_ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(
        c.original_mail_from.as_deref(),
        Some("bounces+1234@example.com")
    );
    assert!(c.suppress);
    // No Original-Rcpt-To: the returned original's To: is the address.
    let r = report("complaint-arf.eml");
    assert_eq!(
        r.complaints[0].recipient.as_deref(),
        Some("mallory@example.net")
    );
    // A "not-spam" report (RFC 6650) says the mail was wanted: nothing to suppress.
    let not_spam = String::from_utf8(read("complaint-arf.eml"))
        .expect("UTF-8")
        .replace("Feedback-Type: abuse", "Feedback-Type: not-spam");
    let r = parse_bounce(not_spam.as_bytes()).expect("a report");
    assert_eq!(r.complaints[0].feedback_type, "not-spam");
    assert!(!r.complaints[0].suppress);
}

#[test]
fn an_ses_complaint_by_email_names_the_address() {
    let inner = r#"{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"carol@example.net"}],"complaintFeedbackType":"abuse","userAgent":"ExampleFBL/1.0","arrivalDate":"2026-11-23T10:20:00.000Z","timestamp":"2026-11-23T10:24:59.000Z"},"mail":{"messageId":"0100018c-efgh","source":"news@example.com"}}"#;
    let body = serde_json::json!({ "Type": "Notification", "Message": inner }).to_string();
    let email = format!(
        "From: Amazon Web Services <no-reply@sns.amazonaws.com>\r\nTo: bounces@example.com\r\n\
         Subject: AWS Notification Message\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n"
    );
    let r = parse_bounce(email.as_bytes()).expect("a report");
    assert_eq!(r.format.as_str(), "ses");
    assert!(r.recipients.is_empty());
    assert_eq!(r.original_message_id.as_deref(), Some("0100018c-efgh"));
    let c = &r.complaints[0];
    assert_eq!(c.recipient.as_deref(), Some("carol@example.net"));
    assert_eq!(c.feedback_type, "abuse");
    assert_eq!(c.original_mail_from.as_deref(), Some("news@example.com"));
    assert!(c.suppress);
}

#[test]
fn not_a_bounce_is_said_so() {
    let what = |name: &str| match parse_bounce(&read(name)) {
        Err(smtpcodes::Error::NotABounce { what }) => what,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(what("auto-reply.eml").as_str(), "auto_reply");
    assert_eq!(what("ordinary.eml").as_str(), "no_delivery_failure");
    assert_eq!(
        parse_bounce(b"\x00\x01\x02 binary junk \xff\xfe").map_err(|e| e.kind()),
        Err("not_a_bounce")
    );
    assert_eq!(parse_bounce(b"").map_err(|e| e.kind()), Err("not_a_bounce"));
}

#[test]
fn broken_and_huge_input_is_bounded() {
    // Truncated MIME: the last part never ends and its status is malformed; the rest is read.
    let r = report("truncated-mime.eml");
    assert_eq!(
        summary(&r),
        vec![(
            "kim@example.org".into(),
            DsnAction::Failed,
            Reason::UserUnknown,
            Action::Bounce
        )]
    );

    // A 50 MB attachment after the report.
    let mut big = read("dsn-postfix-user-unknown.eml");
    let end = big.len() - "--8B1F2C0A1B.1763892000/mx.example.net--\n".len();
    big.truncate(end);
    big.extend_from_slice(b"--8B1F2C0A1B.1763892000/mx.example.net\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n");
    let line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n";
    for _ in 0..(50 * 1024 * 1024 / line.len()) {
        big.extend_from_slice(line);
    }
    big.extend_from_slice(b"--8B1F2C0A1B.1763892000/mx.example.net--\n");
    let r = parse_bounce(&big).expect("still a bounce");
    assert_eq!(r.recipients.len(), 2);
    assert!(r.recipients.iter().all(|x| x.diagnostic.len() <= 4096));

    // Deep nesting of multiparts.
    let mut nested = String::from("From: MAILER-DAEMON@example.net\nSubject: Undelivered Mail\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n");
    for i in 1..2000 {
        let _ = write!(
            nested,
            "--b{}\nContent-Type: multipart/mixed; boundary=\"b{i}\"\n\n",
            i - 1
        );
    }
    nested
        .push_str("--b1999\nContent-Type: text/plain\n\n<x@example.org>: 550 5.1.1 User unknown\n");
    assert_eq!(
        parse_bounce(nested.as_bytes()),
        Err(smtpcodes::Error::TooLarge {
            limit: "max_parts",
            max: 1000
        })
    );

    // A text in a charset it does not declare, and invalid UTF-8.
    let latin = b"From: MAILER-DAEMON@example.net\nSubject: Undelivered Mail\nContent-Type: text/plain; charset=utf-8\n\n<lea@example.org>: 550 5.1.1 Utilisateur inconnu \xe9\xe8 user unknown\n";
    let r = parse_bounce(latin).expect("a bounce");
    assert_eq!(r.recipients[0].classification.reason, Reason::UserUnknown);
}

/// Inputs the fuzzer found to crash an earlier version; each must now parse or be refused.
#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/emails/fuzz");
    for entry in std::fs::read_dir(dir).expect("the folder") {
        let bytes = std::fs::read(entry.expect("an entry").path()).expect("readable");
        let _ = parse_bounce(&bytes);
    }
}

fn too_large(limit: &'static str, max: usize) -> Result<BounceReport, Error> {
    Err(Error::TooLarge { limit, max })
}

/// Each bound is its own `too_large` error naming the limit, and an email just within a bound
/// is read whole: nothing is ever cut.
#[test]
fn every_limit_refuses_with_its_own_error() {
    let dsn = read("dsn-postfix-user-unknown.eml");
    let with = |limits: Limits| parse_bounce_with(&dsn, &limits);
    let d = Limits::DEFAULT;
    assert_eq!(
        with(Limits {
            max_email_bytes: dsn.len() - 1,
            ..d
        }),
        too_large("max_email_bytes", dsn.len() - 1)
    );
    assert!(with(Limits {
        max_email_bytes: dsn.len(),
        ..d
    })
    .is_ok());
    assert_eq!(
        with(Limits {
            max_header_bytes: 100,
            ..d
        }),
        too_large("max_header_bytes", 100)
    );
    // The report has a multipart and three parts in it.
    assert_eq!(
        with(Limits { max_parts: 2, ..d }),
        too_large("max_parts", 2)
    );
    assert!(with(Limits { max_parts: 4, ..d }).is_ok());
    assert_eq!(
        with(Limits { max_depth: 0, ..d }),
        too_large("max_depth", 0)
    );
    assert!(with(Limits { max_depth: 1, ..d }).is_ok());
    assert_eq!(
        with(Limits {
            max_recipients: 1,
            ..d
        }),
        too_large("max_recipients", 1)
    );
    assert!(with(Limits {
        max_recipients: 2,
        ..d
    })
    .is_ok());

    // Text bounces, SES notifications and the failed-recipients header count recipients too.
    let text = read("qmail-text.eml");
    let n = parse_bounce(&text).expect("a bounce").recipients.len();
    assert_eq!(
        parse_bounce_with(
            &text,
            &Limits {
                max_recipients: n - 1,
                ..d
            }
        ),
        too_large("max_recipients", n - 1)
    );
    let ses = read("ses-notification.eml");
    let n = parse_bounce(&ses).expect("a bounce").recipients.len();
    assert_eq!(
        parse_bounce_with(
            &ses,
            &Limits {
                max_recipients: n - 1,
                ..d
            }
        ),
        too_large("max_recipients", n - 1)
    );

    // Over the default size: refused whole, with the limit named, before anything is parsed.
    let mut huge = dsn.clone();
    huge.resize(Limits::DEFAULT.max_email_bytes + 1, b'x');
    assert_eq!(
        parse_bounce(&huge),
        too_large("max_email_bytes", Limits::DEFAULT.max_email_bytes)
    );
    let message = parse_bounce(&huge).expect_err("too large").to_string();
    assert!(message.contains("max_email_bytes"), "{message}");
}

/// A recipient named in a second text part after 256 KiB of text is still found: the
/// human-readable parts are read whole (they were once cut there without a word).
#[test]
fn nothing_after_a_long_text_is_lost() {
    let mut first = String::from("This is the mail system at host mx.example.net.\n\n");
    while first.len() < 300 * 1024 {
        first.push_str("The mail system tried hard and could not deliver your message today.\n");
    }
    let email = format!(
        "From: MAILER-DAEMON@example.net\nSubject: Undelivered Mail Returned to Sender\n\
         Content-Type: multipart/mixed; boundary=\"b\"\n\n\
         --b\nContent-Type: text/plain\n\n{first}\n\
         --b\nContent-Type: text/plain\n\n\
         <late@example.org>: host mx.example.org said: 550 5.1.1 User unknown\n--b--\n"
    );
    let r = parse_bounce(email.as_bytes()).expect("a bounce");
    assert_eq!(r.recipients.len(), 1);
    assert_eq!(r.recipients[0].recipient, "late@example.org");
    assert_eq!(r.recipients[0].classification.reason, Reason::UserUnknown);
}

/// A DSN whose recipients have no Diagnostic-Code takes each one's words from the text, and
/// falls back to the whole text for those it does not name.
#[test]
fn dsn_recipients_without_diagnostics_read_the_text() {
    let email = "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\n\
         <ann@example.org>: host mx.example.org said: 552 5.2.2 Mailbox full\r\n\r\n\
         <BOB@example.org>: host mx.example.org said: 550 5.1.1 User unknown\r\n\r\n\
         --b\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; mx.example.net\r\n\r\n\
         Final-Recipient: rfc822; ann@example.org\r\nAction: failed\r\n\r\n\
         Final-Recipient: rfc822; bob@example.org\r\nAction: failed\r\n\r\n\
         Final-Recipient: rfc822; cy@example.org\r\nAction: failed\r\n\r\n--b--\r\n";
    let r = parse_bounce(email.as_bytes()).expect("a bounce");
    let reasons: Vec<Reason> = r
        .recipients
        .iter()
        .map(|x| x.classification.reason)
        .collect();
    assert_eq!(reasons[..2], [Reason::MailboxFull, Reason::UserUnknown]);
    assert!(r.recipients[2].diagnostic.contains("Mailbox full"));
}

/// What `parse_bounce` gives for an email, as the golden files hold it: the report's JSON (its
/// fields in the order of the structs), or the refusal's kind, `what` and message.
fn golden_of(bytes: &[u8]) -> String {
    #[derive(serde::Serialize)]
    struct Refusal {
        kind: &'static str,
        what: Option<&'static str>,
        message: String,
    }
    #[derive(serde::Serialize)]
    struct Refused {
        error: Refusal,
    }
    let text = match parse_bounce(bytes) {
        Ok(report) => serde_json::to_string_pretty(&report),
        Err(e) => serde_json::to_string_pretty(&Refused {
            error: Refusal {
                kind: e.kind(),
                what: match &e {
                    smtpcodes::Error::NotABounce { what } => Some(what.as_str()),
                    _ => None,
                },
                message: e.to_string(),
            },
        }),
    };
    text.expect("JSON") + "\n"
}

/// Every email of tests/emails/ against its golden file `X.json` beside it, which the Python
/// and Node suites read too. `SMTPCODES_BLESS=1 cargo test --test bounce` rewrites them; a
/// rewritten file is a change of behaviour for review.
#[test]
fn every_email_gives_its_golden_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/emails");
    let bless = std::env::var_os("SMTPCODES_BLESS").is_some_and(|v| v == "1");
    let mut emails: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/emails")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    emails.sort();
    assert!(emails.len() >= 10, "the emails are there");
    let mut stale = Vec::new();
    for eml in &emails {
        let text = golden_of(&std::fs::read(eml).expect("readable"));
        let golden = eml.with_extension("json");
        if bless {
            std::fs::write(&golden, &text).expect("writable");
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(want) if want == text => {}
            Ok(_) => stale.push(format!("{} differs", golden.display())),
            Err(_) => stale.push(format!("{} is missing", golden.display())),
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n(SMTPCODES_BLESS=1 cargo test -p smtpcodes --test bounce rewrites them; review the diff)",
        stale.join("\n")
    );
}
