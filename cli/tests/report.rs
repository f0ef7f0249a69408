//! The operator's view of `smtpcodes scan`: a log's lines joined into messages (`--by`), and
//! the summary a person reads, as text and as a self-contained HTML page.

use std::path::PathBuf;
use std::process::Command;

fn scan(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_smtpcodes"))
        .arg("scan")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).expect("written");
    drop(input);
    let out = child.wait_with_output().expect("it ends");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

fn rows(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// A Postfix log of three messages: one deferred twice and then delivered, one with a dead
/// and a live recipient, and one still deferred when the log ends.
const LOG: &str = "\
Nov 23 04:00:00 mail postfix/cleanup[98]: 4BXyZ12abcz: message-id=<a1@example.com>
Nov 23 04:00:00 mail postfix/qmgr[99]: 4BXyZ12abcz: from=<news@example.com>, size=1234, nrcpt=1 (queue active)
Nov 23 04:00:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=2, delays=0.1/0/1/0.9, dsn=4.2.2, status=deferred (host mx.example.org[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
Nov 23 04:10:00 mail postfix/cleanup[98]: 5CDe34fghij: message-id=<b2@example.com>
Nov 23 04:10:00 mail postfix/qmgr[99]: 5CDe34fghij: from=<shop@example.com>, size=999, nrcpt=2 (queue active)
Nov 23 04:10:01 mail postfix/smtp[101]: 5CDe34fghij: to=<gone@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.2] said: 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command))
Nov 23 04:10:01 mail postfix/smtp[101]: 5CDe34fghij: to=<ann@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 77AB1)
Nov 23 04:10:01 mail postfix/qmgr[99]: 5CDe34fghij: removed
Nov 23 04:30:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1802, delays=1800/0/1/1, dsn=4.2.2, status=deferred (host mx.example.org[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
Nov 23 04:40:00 mail postfix/qmgr[99]: 6EFg56klmno: from=<alerts@example.com>, size=500, nrcpt=1 (queue active)
Nov 23 04:40:01 mail postfix/smtp[102]: 6EFg56klmno: to=<carol@example.com>, relay=mx.example.com[192.0.2.3]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=4.7.0, status=deferred (host mx.example.com[192.0.2.3] said: 421 4.7.0 Try again later, closing connection. (in reply to MAIL FROM command))
Nov 23 05:00:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=3602, delays=3600/0/1/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F1C2)
Nov 23 05:00:02 mail postfix/qmgr[99]: 4BXyZ12abcz: removed
";

#[test]
fn a_logs_results_are_per_message_by_default() {
    let (status, out, err) = scan(&["--format", "json", "-"], LOG);
    assert_eq!(status, Some(0), "{err}");
    let rows = rows(&out);
    // In the order each message ended: the two-recipient one, then the one delivered on its
    // third attempt; the one still deferred when the log ends comes last.
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["queue_id"].as_str()).collect();
    assert_eq!(ids, ["5CDe34fghij", "4BXyZ12abcz", "6EFg56klmno"]);
    assert!(rows.iter().all(|r| r["unit"] == "message"));

    let two = &rows[0];
    assert_eq!(two["outcome"], "bounced", "one recipient bounced: {two}");
    assert_eq!(
        two["recipient"], "gone@example.net",
        "the reply that decided"
    );
    assert_eq!(two["recipients"], 2);
    assert_eq!(two["reason"], "user_unknown");
    assert_eq!(two["sender"], "shop@example.com");
    assert_eq!(two["message_id"], "b2@example.com");

    let delivered = &rows[1];
    assert_eq!(
        (
            delivered["outcome"].as_str(),
            delivered["attempts"].as_u64(),
            delivered["elapsed"].as_u64(),
            delivered["reason"].as_str(),
            delivered["first_seen"].as_str(),
            delivered["timestamp"].as_str(),
        ),
        (
            Some("delivered"),
            Some(3),
            Some(3602),
            Some("delivered"),
            Some("Nov 23 04:00:00"),
            Some("Nov 23 05:00:02"),
        ),
        "deferred twice, then delivered: one message, not two mailbox_full and a delivery"
    );
    assert_eq!(delivered["sender"], "news@example.com");

    let waiting = &rows[2];
    assert_eq!(waiting["outcome"], "deferred");
    assert_eq!(waiting["decision"], "retry", "{waiting}");
    assert!(waiting["decision_after"].as_u64().is_some_and(|s| s > 0));
}

#[test]
fn by_recipient_and_by_line_give_the_other_units() {
    let (_, out, _) = scan(&["--format", "json", "--by", "recipient", "-"], LOG);
    let rows = rows(&out);
    let got: Vec<(&str, &str, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["recipient"].as_str().unwrap_or(""),
                r["outcome"].as_str().unwrap_or(""),
                r["attempts"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("gone@example.net", "bounced", 1),
            ("ann@example.net", "delivered", 1),
            ("bob@example.org", "delivered", 3),
            ("carol@example.com", "deferred", 1),
        ]
    );
    let (_, out, _) = scan(&["--format", "json", "--by", "line", "-"], LOG);
    let rows = self::rows(&out);
    assert_eq!(rows.len(), 6, "every delivery line");
    assert!(rows
        .iter()
        .all(|r| r["unit"] == "line" && r["attempts"] == 1));
    assert_eq!(rows[0]["queue_id"], "4BXyZ12abcz");
    assert_eq!(rows[0]["reason"], "mailbox_full");
}

#[test]
fn the_csv_of_messages_has_one_header_for_every_unit() {
    let (status, out, err) = scan(&["--format", "csv", "-"], LOG);
    assert_eq!(status, Some(0), "{err}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header = reader.headers().expect("a header").clone();
    for field in [
        "queue_id",
        "sender",
        "message_id",
        "attempts",
        "outcome",
        "decision",
    ] {
        assert!(header.iter().any(|h| h == field), "{field} in {header:?}");
    }
    assert_eq!(reader.records().count(), 3);
}

#[test]
fn the_text_summary_counts_messages_and_shows_the_replies_with_their_rules() {
    let (status, out, err) = scan(&["-"], LOG);
    assert_eq!(status, Some(0), "{err}");
    assert!(out.contains("; 3 messages."), "{out}");
    assert!(out.contains("Top replies by reason"), "{out}");
    let section = &out[out.find("Top replies by reason").expect("the section")..];
    assert!(
        section.contains("user_unknown") && section.contains("e.g. 550 5.1.1"),
        "{section}"
    );
    // The rule that decided is named as `matched` names it.
    let (_, json, _) = scan(&["--format", "json", "-"], LOG);
    let matched = rows(&json)[0]["matched"]
        .as_str()
        .expect("matched")
        .to_owned();
    assert!(section.contains(&matched), "{matched} in {section}");
    assert!(
        out.contains("gone@example.net"),
        "the dead address is listed"
    );
    // Deferrals count attempts, the lines, not messages: 3 of the 6 lines in hour 04.
    assert!(out.contains("11-23 04:00"), "{out}");
}

#[test]
fn a_message_with_one_dead_recipient_lists_it_even_when_another_decided() {
    // The first recipient bounces, the second is deferred: the message is deferred, and the
    // dead address is still one to suppress.
    let log = "\
Nov 23 04:10:01 mail postfix/smtp[101]: 7XYz9: to=<gone@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.2] said: 550 5.1.1 User unknown (in reply to RCPT TO command))
Nov 23 04:10:01 mail postfix/smtp[101]: 7XYz9: to=<busy@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=4.2.2, status=deferred (host mx.example.net[192.0.2.2] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
";
    let (_, out, _) = scan(&["-"], log);
    assert!(out.contains("Addresses to suppress (1)"), "{out}");
    assert!(out.contains("gone@example.net"), "{out}");
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("examples")
}

#[test]
fn the_html_report_is_one_page_that_escapes_what_it_read() {
    let log = LOG.replace("gone@example.net", "<script>alert(1)</script>@example.net");
    let (status, html, err) = scan(&["--format", "html", "-"], &log);
    assert_eq!(status, Some(0), "{err}");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "nothing read becomes markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;@example.net"));
    // Self-contained: nothing is fetched.
    for fetch in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch} in the page");
    }
    for id in [
        "id=\"by-reason\"",
        "id=\"provider-shares\"",
        "id=\"domain-shares\"",
        "id=\"deferral-chart\"",
        "id=\"deferrals\"",
        "id=\"replies\"",
        "id=\"suppress\"",
    ] {
        assert!(html.contains(id), "{id} in the page");
    }
    // The same summary as the text: its totals line.
    let (_, text, _) = scan(&["-"], &log);
    let totals = text.lines().next().expect("a totals line");
    assert!(html.contains(totals), "{totals}");
}

#[test]
fn the_html_report_of_the_sample_has_both_charts() {
    let out = Command::new(env!("CARGO_BIN_EXE_smtpcodes"))
        .args(["scan", "--format", "html"])
        .arg(examples())
        .output()
        .expect("runs");
    let html = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(html.contains("id=\"provider-chart\""));
    assert_eq!(
        html.matches("<rect class=\"bar\"").count(),
        24,
        "one bar per hour of the sample log"
    );
}
