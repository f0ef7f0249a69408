//! Work grows linearly with the input, for every public entry point and the adversarial shapes
//! that once made it super-linear.
//!
//! Each case builds the same shape of input at size n and 8n and times both in this thread's
//! CPU time (the least of several runs), so that other work on a busy machine, which delays
//! the thread without making it work more, does not decide. Linear work takes about 8 times as
//! long at 8n, quadratic work 64 times; a case fails above 20. The inputs are sized so that the
//! smaller one takes a few milliseconds, which keeps timer noise out of the ratio.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use cpu_time::ThreadTime;

use smtpcodes::{classify, logs, parse_bounce_with, Limits};

const GROWTH: usize = 8;
const MAX_RATIO: f64 = 20.0;

/// Limits wide enough that the large inputs are read, not refused: the point is the work.
const WIDE: Limits = Limits {
    max_email_bytes: usize::MAX,
    max_header_bytes: usize::MAX,
    max_parts: usize::MAX,
    max_depth: usize::MAX,
    max_recipients: usize::MAX,
    max_line_bytes: usize::MAX,
};

fn least_time(f: &dyn Fn()) -> Duration {
    (0..5)
        .map(|_| {
            let start = ThreadTime::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Times `run` on `make(n)` and `make(8n)` and fails when the work grew more than linearly.
fn assert_linear(name: &str, n: usize, make: impl Fn(usize) -> Vec<u8>, run: impl Fn(&[u8])) {
    let small = make(n);
    let large = make(n * GROWTH);
    run(&small); // warm caches and lazy tables
    let mut ratio = 0.0;
    // A second try, so that one burst of other load on the machine cannot fail the case.
    for _ in 0..2 {
        let t_small = least_time(&|| run(black_box(&small)));
        let t_large = least_time(&|| run(black_box(&large)));
        ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-9);
        if ratio <= MAX_RATIO {
            return;
        }
    }
    panic!(
        "{name}: {} bytes took {ratio:.1}x as long as {} bytes (linear is {GROWTH}x, the bound {MAX_RATIO}x)",
        large.len(),
        small.len()
    );
}

fn bounce(bytes: &[u8]) {
    let _ = black_box(parse_bounce_with(bytes, &WIDE));
}

/// A DSN whose recipients have no `Diagnostic-Code`, and a human-readable part that names
/// each of them: every recipient's words are looked up in the text.
fn dsn_without_diagnostics(n: usize) -> Vec<u8> {
    let mut human = String::new();
    let mut fields = String::from("Reporting-MTA: dns; mx.example.net\r\n\r\n");
    for i in 0..n {
        let _ = write!(
            human,
            "<user{i}@example.org>: host mx.example.org said: 550 5.1.1 no such user\r\n\r\n"
        );
        let _ = write!(
            fields,
            "Final-Recipient: rfc822; user{i}@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        );
    }
    format!(
        "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\n{human}\
         --b\r\nContent-Type: message/delivery-status\r\n\r\n{fields}--b--\r\n"
    )
    .into_bytes()
}

/// The same, with recipients the text does not name: each falls back to the whole text.
fn dsn_with_unnamed_recipients(n: usize) -> Vec<u8> {
    let mut fields = String::from("Reporting-MTA: dns; mx.example.net\r\n\r\n");
    for i in 0..n {
        let _ = write!(
            fields,
            "Final-Recipient: rfc822; user{i}@example.org\r\nAction: failed\r\n\r\n"
        );
    }
    let human = "Your message could not be delivered to some recipients.\r\n".repeat(n);
    format!(
        "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\n{human}\
         --b\r\nContent-Type: message/delivery-status\r\n\r\n{fields}--b--\r\n"
    )
    .into_bytes()
}

/// A text-only bounce with one block per recipient.
fn text_bounce(n: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..n {
        let _ = write!(
            body,
            "<user{i}@example.org>:\r\n550 5.1.1 mailbox unavailable\r\n\r\n"
        );
    }
    format!(
        "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n\
         This is the mail system at host mx.example.net.\r\n\r\n{body}"
    )
    .into_bytes()
}

/// One recipient named again and again, each time with a new line of text.
fn repeated_recipient(n: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..n {
        let _ = write!(
            body,
            "<bob@example.org>: attempt {i} failed: 451 try later\r\n"
        );
    }
    format!(
        "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n{body}"
    )
    .into_bytes()
}

/// A text bounce whose one line is very long.
fn long_line(n: usize) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n\
         <bob@example.org>: 550 user unknown {}\r\n",
        "word ".repeat(n)
    )
    .into_bytes()
}

/// Many MIME parts, each declaring a boundary of its own.
fn many_parts(n: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..n {
        let _ = write!(
            body,
            "--b\r\nContent-Type: multipart/mixed; boundary=\"c{i}\"\r\n\r\n--c{i}\r\n\
             Content-Type: text/plain\r\n\r\nUser unknown: <u{i}@example.org>\r\n--c{i}--\r\n"
        );
    }
    format!(
        "From: MAILER-DAEMON@example.net\r\nSubject: Delivery failure\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n{body}--b--\r\n"
    )
    .into_bytes()
}

/// Multiparts nested inside each other.
fn deep_nesting(n: usize) -> Vec<u8> {
    let mut head = String::new();
    let mut tail = String::new();
    for i in 0..n {
        let _ = write!(
            head,
            "--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{}\"\r\n\r\n",
            i + 1
        );
        tail = format!("--b{}--\r\n{tail}", i + 1);
    }
    format!(
        "From: MAILER-DAEMON@example.net\r\nSubject: Delivery failure\r\n\
         Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n{head}--b{n}\r\n\
         Content-Type: text/plain\r\n\r\n<bob@example.org>: user unknown\r\n{tail}--b0--\r\n"
    )
    .into_bytes()
}

/// An SES notification with many bounced recipients.
fn ses(n: usize) -> Vec<u8> {
    let recipients: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"emailAddress":"user{i}@example.org","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}}"#
            )
        })
        .collect();
    format!(
        "From: no-reply@sns.amazonaws.com\r\nSubject: AWS Notification Message\r\n\r\n\
         {{\"notificationType\":\"Bounce\",\"bounce\":{{\"bounceType\":\"Permanent\",\
         \"bouncedRecipients\":[{}]}},\"mail\":{{\"messageId\":\"x\"}}}}\r\n",
        recipients.join(",")
    )
    .into_bytes()
}

/// A header block of many fields.
fn many_headers(n: usize) -> Vec<u8> {
    let mut head = String::from("From: MAILER-DAEMON@example.net\r\n");
    for i in 0..n {
        let _ = write!(head, "X-Trace-{i}: relay{i}.example.net\r\n");
    }
    format!("{head}Subject: Undelivered Mail\r\n\r\n<bob@example.org>: 550 user unknown\r\n")
        .into_bytes()
}

#[test]
fn parse_bounce_is_linear_in_dsn_recipients_without_diagnostics() {
    assert_linear("dsn, named", 400, dsn_without_diagnostics, bounce);
    assert_linear("dsn, unnamed", 400, dsn_with_unnamed_recipients, bounce);
}

#[test]
fn parse_bounce_is_linear_in_text_blocks() {
    assert_linear("text blocks", 1000, text_bounce, bounce);
    assert_linear(
        "one recipient, many lines",
        2000,
        repeated_recipient,
        bounce,
    );
    assert_linear("one long line", 20_000, long_line, bounce);
}

#[test]
fn parse_bounce_is_linear_in_parts_nesting_and_headers() {
    assert_linear("many parts", 100, many_parts, bounce);
    assert_linear("deep nesting", 20, deep_nesting, bounce);
    assert_linear("ses recipients", 400, ses, bounce);
    assert_linear("many headers", 2000, many_headers, bounce);
}

fn reply(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    let _ = black_box(classify(None, text));
}

#[test]
fn classify_is_linear_in_adversarial_texts() {
    let shapes: [(&str, &str); 6] = [
        ("continuation lines", "550-5.1.1 user unknown\r\n"),
        ("wrapper cues", "host mx.example.org[192.0.2.1] said: "),
        ("enhanced-code lookalikes", "5.1.1 4.2.2 1.2.3.4 "),
        ("retry waits", "try again in 5 minutes "),
        ("brackets", "<<<(((([[[[ "),
        ("words", "mailbox user unknown quota full spam "),
    ];
    for (name, unit) in shapes {
        assert_linear(name, 2000, |n| unit.repeat(n).into_bytes(), reply);
    }
}

fn log_lines(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    for line in text.lines() {
        black_box(logs::parse_line(line));
    }
}

#[test]
fn log_lines_are_linear() {
    let postfix = "Jan  1 00:00:00 mx postfix/smtp[1]: ABCDEF1234: to=<bob@example.org>, \
                   relay=mx.example.org[192.0.2.1]:25, delay=1, status=bounced \
                   (host mx.example.org[192.0.2.1] said: 550 5.1.1 user unknown)\n";
    assert_linear(
        "many log lines",
        1000,
        |n| postfix.repeat(n).into_bytes(),
        log_lines,
    );
    assert_linear(
        "one long log line",
        2000,
        |n| {
            format!(
                "Jan  1 00:00:00 mx postfix/smtp[1]: ABCDEF1234: to=<bob@example.org>, status=bounced ({})\n",
                "said: 550 ".repeat(n)
            )
            .into_bytes()
        },
        log_lines,
    );
    assert_linear(
        "log reader",
        1000,
        |n| postfix.repeat(n).into_bytes(),
        |bytes| {
            for record in logs::LogReader::new(bytes) {
                let _ = black_box(record);
            }
        },
    );
}
