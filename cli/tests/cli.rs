//! The command line as a user runs it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn smtpcodes(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smtpcodes"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("writes");
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().expect("finishes");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn classify_one_reply() {
    let (ok, out, _) = smtpcodes(
        &[
            "classify",
            "550",
            "5.1.1 <bob@example.org>: Recipient address rejected: User unknown",
        ],
        None,
    );
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        (v["reason"].as_str(), v["suppress"].as_bool()),
        (Some("user_unknown"), Some(true))
    );
}

#[test]
fn classify_a_stream_keeps_going_after_bad_lines() {
    let input = "{\"code\": 421, \"text\": \"4.7.0 Try again later\", \"id\": \"a\"}\n{\"code\": \"abc\"}\nnot json\n{\"text\": \"smtp; 550 5.1.1 User unknown\"}\n";
    let (ok, out, _) = smtpcodes(&["classify"], Some(input));
    assert!(ok);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        (lines[0]["action"].as_str(), lines[0]["id"].as_str()),
        (Some("retry"), Some("a"))
    );
    assert_eq!(lines[1]["error"]["kind"], "invalid_code");
    assert_eq!(lines[2]["error"]["kind"], "invalid_json");
    assert_eq!(lines[3]["reason"], "user_unknown");
}

#[test]
fn bad_code_is_a_typed_error_with_exit_code_2() {
    let (ok, _, err) = smtpcodes(&["classify", "600", "x"], None);
    assert!(!ok);
    assert!(err.contains("out of range"), "{err}");
}

#[test]
fn explain_codes() {
    let (ok, out, _) = smtpcodes(&["explain", "5.7.26", "--format", "json"], None);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["kind"], "enhanced");
    assert_eq!(v["retry"]["kind"], "never");
    // The default is text, for a person.
    let (ok, out, _) = smtpcodes(&["explain", "421"], None);
    assert!(ok);
    assert!(out.starts_with("421 Service Not Available"), "{out}");
    assert!(out.contains("$ dig MX example.org +short"), "{out}");
}

#[test]
fn explain_compares_two_codes() {
    let (ok, out, _) = smtpcodes(&["explain", "421", "521"], None);
    assert!(ok);
    assert!(out.starts_with("421 vs 521"), "{out}");
    assert!(out.contains("521 is never retried"), "{out}");
    let (ok, out, _) = smtpcodes(&["explain", "421", "5.1.1", "--format", "json"], None);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["a"]["code"], "421");
    assert_eq!(v["b"]["code"], "5.1.1");
    assert_eq!(v["differences"][0]["aspect"], "class");
    let (ok, _, err) = smtpcodes(&["explain", "421", "nope"], None);
    assert!(!ok);
    assert!(err.contains("invalid reply code"), "{err}");
    let (ok, _, _) = smtpcodes(&["explain", "421", "521", "550"], None);
    assert!(!ok, "at most two codes");
}

#[test]
fn the_bundled_example_runs() {
    let input = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/replies/replies.jsonl"),
    )
    .expect("bundled");
    let (ok, out, _) = smtpcodes(&["classify"], Some(&input));
    assert!(ok);
    assert_eq!(out.lines().count(), input.lines().count());
}

/// The Sisimai-labelled corpus, which is not part of this repository: its `sisimai-dev.jsonl`,
/// named by the environment variable `SMTPCODES_CORPUS` (`make test-rust CORPUS=path` sets it),
/// with its `emails/` folder beside it. Without it, the tests that read it say they are skipped
/// and pass.
fn labelled_corpus(test: &str) -> Option<PathBuf> {
    let Some(path) = std::env::var_os("SMTPCODES_CORPUS").filter(|p| !p.is_empty()) else {
        eprintln!("{test}: skipped (set SMTPCODES_CORPUS=path/to/sisimai-dev.jsonl to run it)");
        return None;
    };
    let path = PathBuf::from(path);
    assert!(
        path.is_file(),
        "SMTPCODES_CORPUS={} is not a file",
        path.display()
    );
    Some(path)
}

/// The agreement with the Sisimai-labelled corpus stays at 90% or more (skipped without
/// `SMTPCODES_CORPUS`).
#[test]
fn agreement_with_the_labelled_corpus() {
    let Some(corpus) = labelled_corpus("agreement_with_the_labelled_corpus") else {
        return;
    };
    let (ok, out, _) = smtpcodes(&["measure", corpus.to_str().expect("a UTF-8 path")], None);
    assert!(ok);
    let share: f64 = out
        .trim()
        .rsplit('(')
        .next()
        .and_then(|s| s.trim_end_matches("%)").parse().ok())
        .expect("a share");
    println!("{}", out.trim());
    assert!(share >= 90.0, "agreement fell below 90%: {out}");
}

/// `parse_bounce` finds at least 95% of the labelled recipients of the corpus's bounce emails
/// and agrees on at least 90% of their reasons (skipped without `SMTPCODES_CORPUS`).
#[test]
fn bounce_emails_of_the_labelled_corpus() {
    let Some(corpus) = labelled_corpus("bounce_emails_of_the_labelled_corpus") else {
        return;
    };
    let folder = corpus.with_file_name("emails");
    assert!(
        folder.is_dir(),
        "{}: the corpus's emails/ folder is not beside it",
        folder.display()
    );
    let (ok, out, _) = smtpcodes(
        &[
            "measure",
            corpus.to_str().expect("UTF-8"),
            "--emails",
            folder.to_str().expect("UTF-8"),
        ],
        None,
    );
    assert!(ok);
    let shares: Vec<f64> = out
        .lines()
        .filter_map(|l| l.rsplit('(').next()?.trim_end_matches("%)").parse().ok())
        .collect();
    println!("{}", out.trim());
    assert_eq!(shares.len(), 2, "{out}");
    assert!(shares[0] >= 95.0, "recipients found fell below 95%: {out}");
    assert!(shares[1] >= 90.0, "reason agreement fell below 90%: {out}");
}

#[test]
fn bounce_subcommand_reads_an_email() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/emails/qmail-text.eml");
    let (ok, out, _) = smtpcodes(&["bounce", file.to_str().expect("UTF-8")], None);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        v["recipients"][1]["classification"]["reason"],
        "user_unknown"
    );
    let ordinary = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/emails/ordinary.eml");
    let (ok, _, err) = smtpcodes(&["bounce", ordinary.to_str().expect("UTF-8")], None);
    assert!(!ok && err.contains("not a bounce"), "{err}");
}

#[test]
fn webhook_subcommand_reads_a_file_and_stdin() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/webhooks/postmark-hard-bounce.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("readable")).expect("JSON");
    let body = doc["body"].to_string();
    let (ok, out, _) = smtpcodes(&["webhook"], Some(&body));
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["esp"], "postmark");
    assert_eq!(v["events"][0]["classification"]["reason"], "user_unknown");
    assert_eq!(v["events"][0]["suppress"], true);
    let (ok, _, err) = smtpcodes(&["webhook", "-"], Some("<html>"));
    assert!(!ok && err.contains("not a webhook"), "{err}");
}

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

#[test]
fn scan_summarises_the_bundled_sample() {
    let (ok, out, _) = smtpcodes(&["scan", examples().to_str().expect("UTF-8")], None);
    assert!(ok);
    for part in [
        "By reason",
        "By action",
        "By fault",
        "Top recipient domains",
        "Top providers",
        "Delivered, deferred, bounced by provider",
        "Delivered, deferred, bounced by recipient domain",
        "Deferrals per hour",
        "Addresses to suppress",
    ] {
        assert!(out.contains(part), "{part} missing from:\n{out}");
    }
    assert!(
        out.contains("lena@example.org"),
        "the Office 365 bounce's dead address is listed"
    );
    assert!(
        out.contains("Skipped") && out.contains("replies.jsonl"),
        "files of no known kind are named"
    );
}

#[test]
fn scan_writes_one_record_per_recipient() {
    let bounces = examples().join("bounces");
    let (ok, out, _) = smtpcodes(
        &["scan", "--format", "json", bounces.to_str().expect("UTF-8")],
        None,
    );
    assert!(ok);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let mbox: Vec<_> = rows
        .iter()
        .filter(|r| {
            r["source"]
                .as_str()
                .is_some_and(|s| s.ends_with("bounces.mbox"))
        })
        .collect();
    assert_eq!(
        mbox.len(),
        2,
        "two bounces in the mbox; its third message is a reply, not a bounce"
    );
    assert_eq!(
        (mbox[0]["position"].as_u64(), mbox[0]["reason"].as_str()),
        (Some(1), Some("user_unknown"))
    );
    let (ok, csv, _) = smtpcodes(
        &["scan", "--format", "csv", bounces.to_str().expect("UTF-8")],
        None,
    );
    assert!(ok);
    assert_eq!(
        csv.lines().count(),
        rows.len() + 1,
        "a header row and one row per record"
    );
    assert!(csv.starts_with(
        "\"source\",\"position\",\"kind\",\"unit\",\"queue_id\",\"message_id\",\"sender\",\"recipient\","
    ));
    assert!(
        rows.iter().all(|r| r["unit"] == "recipient"),
        "an email's results are per recipient by default"
    );
}

#[test]
fn scan_reads_gzip_logs_and_maildirs_by_content() {
    use std::io::Write as _;
    let dir = std::env::temp_dir().join(format!("smtpcodes-scan-{}", std::process::id()));
    let maildir = dir.join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("temp dir");
    }
    std::fs::copy(
        examples().join("bounces/office365-dsn.eml"),
        maildir.join("new/1763892000.M1.host"),
    )
    .expect("copy");
    std::fs::write(maildir.join("tmp/partial"), "not yet delivered").expect("write");
    let log = std::fs::read(examples().join("mail.log")).expect("sample log");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(dir.join("rotated.1")).expect("create"),
        flate2::Compression::fast(),
    );
    gz.write_all(&log).expect("compress");
    gz.finish().expect("finish");

    let (ok, out, _) = smtpcodes(
        &[
            "scan",
            "--format",
            "json",
            "--by",
            "line",
            dir.to_str().expect("UTF-8"),
        ],
        None,
    );
    std::fs::remove_dir_all(&dir).ok();
    assert!(ok);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(rows
        .iter()
        .any(|r| r["kind"] == "email" && r["recipient"] == "lena@example.org"));
    let logged = rows.iter().filter(|r| r["kind"] == "log").count();
    // 941 delivery records, of which 4 are Postfix message-level expiries naming no recipient.
    assert_eq!(
        logged, 937,
        "every recipient result of the gzipped sample log"
    );
    assert!(rows
        .iter()
        .filter(|r| r["kind"] == "log")
        .all(|r| r["position"].as_u64().is_some_and(|n| n > 0)));
}

#[test]
fn scan_of_a_missing_path_names_it_and_fails() {
    let (ok, _, err) = smtpcodes(&["scan", "/nonexistent/smtpcodes"], None);
    assert!(
        !ok && err.contains("/nonexistent/smtpcodes: unreadable"),
        "{err}"
    );
}

#[test]
fn scan_reads_stdin_and_filters_what_it_counts() {
    let log = std::fs::read_to_string(examples().join("mail.log")).expect("the sample log");
    let (ok, out, _) = smtpcodes(
        &[
            "scan",
            "--format",
            "json",
            "--reason",
            "user_unknown,mailbox_full",
            "--domain",
            "example.com",
            "--since",
            "2026-11-23 06:00",
            "-",
        ],
        Some(&log),
    );
    assert!(ok);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON Lines"))
        .collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row["source"], "stdin");
        assert!(["user_unknown", "mailbox_full"].contains(&row["reason"].as_str().unwrap_or("")));
        let recipient = row["recipient"].as_str().unwrap_or("");
        assert!(
            recipient.ends_with("@example.com") || recipient.ends_with(".example.com"),
            "{recipient}"
        );
    }
    // The same scan unfiltered holds more; the summary says how many the filters left out.
    let (_, summary, _) = smtpcodes(&["scan", "--reason", "user_unknown", "-"], Some(&log));
    assert!(summary.contains("left out by the filters"), "{summary}");
    let (ok, _, err) = smtpcodes(&["scan", "--reason", "nonsense", "-"], Some(""));
    assert!(!ok && err.contains("is not a reason"), "{err}");
}

#[test]
fn scan_writes_to_a_file_and_says_nothing_more_when_nothing_was_read() {
    let dir = std::env::temp_dir().join(format!("smtpcodes-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let output = dir.join("rows.csv");
    let bounces = examples().join("bounces");
    let (ok, out, _) = smtpcodes(
        &[
            "scan",
            "--format",
            "csv",
            "--output",
            output.to_str().expect("UTF-8"),
            bounces.to_str().expect("UTF-8"),
        ],
        None,
    );
    assert!(ok);
    assert!(out.is_empty(), "the rows went to the file");
    let csv = std::fs::read_to_string(&output).expect("written");
    assert!(csv.starts_with("\"source\""), "{csv}");
    assert!(csv.lines().count() > 2);
    std::fs::remove_dir_all(&dir).ok();
    let missing = dir.join("missing.log");
    let (ok, out, err) = smtpcodes(&["scan", missing.to_str().expect("UTF-8")], None);
    assert!(!ok);
    assert!(out.is_empty(), "no empty summary: {out}");
    assert!(err.contains("unreadable"), "{err}");
}

#[test]
fn scan_on_many_threads_gives_what_one_thread_gives() {
    // Several chunks of lines (3.6 MB of log), with a small line limit and one line over it.
    let one = std::fs::read_to_string(examples().join("mail.log")).expect("the sample log");
    let mut log = one.repeat(4);
    let over_limit = "x".repeat(5000);
    log.push_str("Nov 23 23:59:59 mail postfix/smtp[1]: ");
    log.push_str(&over_limit);
    log.push('\n');
    log.push_str(&one);
    let dir = std::env::temp_dir().join(format!("smtpcodes-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("big.log");
    std::fs::write(&file, &log).expect("written");
    let path = file.to_str().expect("UTF-8");
    let run = |jobs: &str, by: &str| {
        smtpcodes(
            &[
                "scan",
                "--format",
                "json",
                "--max-line-bytes",
                "4K",
                "--by",
                by,
                "--jobs",
                jobs,
                path,
            ],
            None,
        )
    };
    let (ok1, out1, err1) = run("1", "line");
    let (ok2, out2, err2) = run("2", "line");
    let (_, single, _) = smtpcodes(
        &[
            "scan",
            "--format",
            "json",
            "--by",
            "line",
            examples().join("mail.log").to_str().expect("UTF-8"),
        ],
        None,
    );
    // Messages are joined on one thread in the order of the log, whatever the workers do.
    for by in ["message", "recipient"] {
        let (_, one, err_one) = run("1", by);
        let (_, two, err_two) = run("2", by);
        assert!(!one.is_empty());
        assert_eq!((one, err_one), (two, err_two), "--by {by}");
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(!ok1 && !ok2, "the long line makes the status 1");
    assert_eq!(out1, out2, "the same rows in the same order");
    assert_eq!(err1, err2, "the same skips and summary");
    assert_eq!(out1.lines().count(), 5 * single.lines().count());
    assert_eq!(
        err1.matches("too_large").count(),
        2,
        "one line named, one count: {err1}"
    );
}
