//! `smtpcodes scan` loses nothing without a word: every input is read or named on stderr with
//! the reason, a summary ends every run, the exit status says whether anything went unread,
//! links stay inside the folder given, and the output cannot be turned against its reader.

use std::fmt::Write as _;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// A fresh folder for one test, removed when dropped.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        let dir = std::env::temp_dir().join(format!("smtpcodes-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Temp(dir)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, bytes).expect("write");
        path
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        // Make anything a test locked readable again so that it can be removed.
        let _ = Command::new("chmod")
            .args(["-R", "u+rwx"])
            .arg(&self.0)
            .status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Run {
    status: Option<i32>,
    out: String,
    err: String,
}

/// Runs the binary, killing it after 60 s (a reader that blocks on a FIFO must fail the test,
/// not hang it).
fn run_in(dir: Option<&Path>, args: &[&str]) -> Run {
    run_command(
        Command::new(env!("CARGO_BIN_EXE_smtpcodes")).args(args),
        dir,
    )
}

fn run_command(command: &mut Command, dir: Option<&Path>) -> Run {
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Read both pipes while waiting: a child whose output fills a pipe would wait forever.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = wait_at_most_60_s(&mut child, "smtpcodes");
    Run {
        status: status.code(),
        out: out.join().expect("stdout"),
        err: err.join().expect("stderr"),
    }
}

/// The child's exit status; the child is killed, and the test fails, after 60 s.
fn wait_at_most_60_s(child: &mut std::process::Child, what: &str) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{what} did not finish in 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn run(args: &[&str]) -> Run {
    run_in(None, args)
}

fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn json_rows(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn bounce() -> Vec<u8> {
    std::fs::read(repo("examples/bounces/office365-dsn.eml")).expect("the sample bounce")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("compress");
    gz.finish().expect("finish")
}

const POSTFIX_BOUNCED: &str = "Nov 23 04:26:01 mail postfix/smtp[4321]: 4BXYZ12ABC: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.1] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))";

fn postfix_to(recipient: &str, text: &str) -> String {
    format!("Nov 23 04:26:01 mail postfix/smtp[4321]: 4BXYZ12ABC: to=<{recipient}>, relay=mx.example.org[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced ({text})")
}

// ---------------------------------------------------------------------------------------------
// Every input read or named; a summary; the exit status
// ---------------------------------------------------------------------------------------------

#[test]
fn json_and_csv_modes_name_every_skipped_input_and_end_with_a_summary() {
    let t = Temp::new("named");
    t.write("a-bounce.eml", bounce());
    t.write(
        "b-broken.log.gz",
        b"\x1f\x8b\x08\x00 this is no deflate stream",
    );
    t.write("c-notes.txt", "just some notes\nand more\n");
    t.write(
        "d-ordinary.eml",
        std::fs::read(repo("tests/emails/ordinary.eml")).expect("ordinary"),
    );
    for format in ["json", "csv"] {
        let r = run(&["scan", "--format", format, s(&t.0)]);
        assert_eq!(r.status, Some(1), "a broken gzip is an input not read");
        for (name, why) in [
            ("b-broken.log.gz", "unreadable"),
            ("c-notes.txt", "no known kind"),
            ("d-ordinary.eml", "not a bounce ("),
        ] {
            assert!(
                r.err.lines().any(|l| l.contains(name) && l.contains(why)),
                "{format}: {name} is not named with {why:?} on stderr:\n{}",
                r.err
            );
        }
        let last = r.err.lines().last().unwrap_or("");
        assert!(
            last.starts_with("smtpcodes: Skipped 3") && last.contains("exit status 1"),
            "{format}: the summary ends the run: {last}"
        );
        assert!(
            r.out.contains("lena@example.org"),
            "{format}: the bounce is still read"
        );
    }
}

#[test]
fn a_run_that_reads_everything_exits_0_and_says_so() {
    let t = Temp::new("clean");
    t.write("a.eml", bounce());
    let r = run(&["scan", "--format", "json", s(&t.0)]);
    assert_eq!(r.status, Some(0), "{}", r.err);
    assert!(r.err.contains("Nothing was skipped."), "{}", r.err);
    // Not bounces and stray files in a folder are listed, not errors.
    let r = run(&["scan", s(&repo("examples"))]);
    assert_eq!(r.status, Some(0), "{}", r.err);
    assert!(
        r.out.contains("not a bounce (no delivery failure)"),
        "{}",
        r.out
    );
    assert!(
        r.err.contains("bounces.mbox message 3: not a bounce"),
        "{}",
        r.err
    );
}

#[test]
fn a_file_of_no_known_kind_named_on_the_command_line_is_an_error() {
    let t = Temp::new("unknown");
    let notes = t.write("notes.txt", "nothing to see\n");
    let r = run(&["scan", "--format", "json", s(&notes)]);
    assert_eq!(r.status, Some(1));
    assert!(r.err.contains("notes.txt: no known kind"), "{}", r.err);
    let empty = t.write("empty.eml", "");
    let r = run(&["scan", s(&empty)]);
    assert_eq!(r.status, Some(1));
    assert!(
        r.err.contains("empty.eml: no known kind: an empty file"),
        "{}",
        r.err
    );
}

#[test]
fn a_missing_path_is_named_and_the_other_paths_are_read() {
    let t = Temp::new("missing");
    let good = t.write("a.eml", bounce());
    let r = run(&[
        "scan",
        "--format",
        "json",
        "/nonexistent/smtpcodes",
        s(&good),
    ]);
    assert_eq!(r.status, Some(1));
    assert!(
        r.err.contains("/nonexistent/smtpcodes: unreadable"),
        "{}",
        r.err
    );
    assert_eq!(json_rows(&r.out).len(), 1);
}

#[test]
fn usage_errors_exit_2_and_the_exit_statuses_are_in_the_help() {
    assert_eq!(run(&["scan"]).status, Some(2));
    assert_eq!(run(&["scan", "--max-line-bytes", "0", "x"]).status, Some(2));
    assert_eq!(
        run(&["scan", "--max-email-bytes", "lots", "x"]).status,
        Some(2)
    );
    let help = run(&["scan", "--help"]);
    assert_eq!(help.status, Some(0));
    for needle in [
        "Exit status:",
        "  0  every input was read",
        "  1  some input was skipped",
        "  2  usage error",
        "--max-email-bytes",
        "--max-line-bytes",
    ] {
        assert!(
            help.out.contains(needle),
            "{needle:?} not in:\n{}",
            help.out
        );
    }
}

// ---------------------------------------------------------------------------------------------
// FIFOs, devices, unreadable folders, links
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_skipped_unopened_and_the_rest_of_the_folder_is_read() {
    let t = Temp::new("fifo");
    let fifo = t.path("a-fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    t.write("b.eml", bounce());
    let r = run(&["scan", "--format", "json", s(&t.0)]);
    assert_eq!(r.status, Some(1));
    assert!(
        r.err
            .contains("a-fifo: not a regular file: a FIFO (named pipe); not opened"),
        "{}",
        r.err
    );
    assert!(!r.err.contains("Not a directory"), "{}", r.err);
    assert_eq!(json_rows(&r.out).len(), 1, "b.eml, after the FIFO, is read");

    // Named on the command line, a FIFO is not opened either (opening it would block).
    let r = run(&["scan", s(&fifo), "/dev/null"]);
    assert_eq!(r.status, Some(1));
    assert!(r.err.contains("a FIFO (named pipe)"), "{}", r.err);
    assert!(
        r.err
            .contains("/dev/null: not a regular file: a character device"),
        "{}",
        r.err
    );
    // And `bounce` refuses it instead of waiting for a writer.
    let r = run(&["bounce", s(&fifo)]);
    assert_eq!(r.status, Some(2));
    assert!(r.err.contains("not a regular file"), "{}", r.err);
}

/// Runs the scan as an unprivileged user when the tests run as root (root reads any folder,
/// whatever its mode); `None` when that cannot be arranged.
#[cfg(unix)]
fn run_unprivileged(args: &[&str]) -> Option<Run> {
    let root = std::env::var("USER").is_ok_and(|u| u == "root")
        || Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !root {
        return Some(run(args));
    }
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_smtpcodes"))
        .args(args);
    let probe = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status();
    probe
        .is_ok_and(|s| s.success())
        .then(|| run_command(&mut command, None))
}

#[cfg(unix)]
#[test]
fn an_unreadable_subfolder_is_named_by_its_own_path_and_the_rest_is_read() {
    use std::os::unix::fs::PermissionsExt;
    let t = Temp::new("locked");
    t.write("a-locked/c.eml", bounce());
    t.write("b.eml", bounce());
    t.write("z/d.eml", bounce());
    std::fs::set_permissions(t.path("a-locked"), std::fs::Permissions::from_mode(0o000))
        .expect("chmod");
    std::fs::set_permissions(&t.0, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let Some(r) = run_unprivileged(&["scan", "--format", "json", s(&t.0)]) else {
        eprintln!("skipped: running as root without setpriv");
        return;
    };
    assert_eq!(r.status, Some(1), "{}", r.err);
    let locked = format!(
        "{}: unreadable: the folder cannot be listed",
        s(&t.path("a-locked"))
    );
    assert!(r.err.contains(&locked), "{}", r.err);
    let sources: Vec<String> = json_rows(&r.out)
        .iter()
        .map(|r| r["source"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        sources.iter().any(|s| s.ends_with("b.eml"))
            && sources.iter().any(|s| s.ends_with("d.eml")),
        "the rest of the folder is read: {sources:?}"
    );
}

#[cfg(unix)]
#[test]
fn links_stay_inside_the_folder_and_each_file_is_read_once() {
    use std::os::unix::fs::symlink;
    let t = Temp::new("links");
    t.write("outside.eml", bounce());
    let tree = t.path("tree");
    t.write("tree/b.eml", bounce());
    symlink(".", tree.join("loop")).expect("link");
    symlink("..", tree.join("up")).expect("link");
    symlink("../outside.eml", tree.join("out.eml")).expect("link");
    t.write("tree/sub/c.eml", bounce());
    symlink("../b.eml", tree.join("sub/again.eml")).expect("link");
    symlink("..", tree.join("sub/parent")).expect("link");

    let r = run(&["scan", "--format", "json", s(&tree)]);
    let sources: Vec<String> = json_rows(&r.out)
        .iter()
        .map(|r| r["source"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        sources,
        [s(&tree.join("b.eml")), s(&tree.join("sub/c.eml"))],
        "b.eml once, c.eml once, nothing from outside"
    );
    assert_eq!(
        r.status,
        Some(1),
        "links out of the folder are named: {}",
        r.err
    );
    for (name, why) in [
        ("tree/up", "link out of the folder"),
        ("tree/out.eml", "link out of the folder"),
        ("tree/loop", "already read: the same folder as"),
        ("sub/again.eml", "already read: the same file as"),
        ("sub/parent", "already read: the same folder as"),
    ] {
        assert!(
            r.err.lines().any(|l| l.contains(name) && l.contains(why)),
            "{name}: {why:?} not on stderr:\n{}",
            r.err
        );
    }
    // A path given twice is read once.
    let b = tree.join("b.eml");
    let r = run(&["scan", "--format", "json", s(&b), s(&b)]);
    assert_eq!(
        (json_rows(&r.out).len(), r.status),
        (1, Some(0)),
        "{}",
        r.err
    );
}

// ---------------------------------------------------------------------------------------------
// Limits: never cut, always reported
// ---------------------------------------------------------------------------------------------

#[test]
fn an_mbox_message_with_a_line_over_the_limit_is_skipped_and_named() {
    let t = Temp::new("longline");
    let mut mbox = Vec::new();
    for n in 1..=3 {
        mbox.extend_from_slice(b"From MAILER-DAEMON Mon Nov 23 04:26:01 2026\n");
        let mut email = bounce();
        if n == 2 {
            // A 2 MiB line in the body of the second message (the default cap is 1 MiB).
            email.extend_from_slice(&vec![b'x'; 2 << 20]);
            email.extend_from_slice(b"\n");
        }
        mbox.extend_from_slice(&email);
        mbox.extend_from_slice(b"\n");
    }
    let path = t.write("box.mbox", &mbox);
    let r = run(&["scan", "--format", "json", s(&path)]);
    assert_eq!(r.status, Some(1));
    assert!(
        r.err.contains(
            "box.mbox message 2: too_large: over the max_line_bytes limit of 1048576; raise it with --max-line-bytes"
        ),
        "{}",
        r.err
    );
    let positions: Vec<u64> = json_rows(&r.out)
        .iter()
        .filter_map(|r| r["position"].as_u64())
        .collect();
    assert_eq!(positions, [1, 3]);
    // Raised, the limit lets it through.
    let r = run(&[
        "scan",
        "--format",
        "json",
        "--max-line-bytes",
        "4M",
        s(&path),
    ]);
    assert_eq!(r.status, Some(0), "{}", r.err);
    assert_eq!(json_rows(&r.out).len(), 3);
}

#[test]
fn an_email_over_the_size_limit_is_reported_not_cut() {
    // A text bounce whose report comes after 65 MiB of quoted filler: cut at 64 MiB, it lost
    // its report without a word. Gzipped members of 1 MiB each keep the file small.
    let t = Temp::new("bigmail");
    let qmail = std::fs::read(repo("tests/emails/qmail-text.eml")).expect("qmail");
    let split = qmail
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("a header block")
        + 2;
    let filler = gzip(&b"> quoted line of an earlier message\n".repeat(29_128));
    let mut file = gzip(&qmail[..split]);
    for _ in 0..65 {
        file.extend_from_slice(&filler);
    }
    file.extend_from_slice(&gzip(&qmail[split..]));
    let path = t.write("big.eml.gz", &file);
    let r = run(&["scan", "--format", "json", s(&path)]);
    assert_eq!(r.status, Some(1));
    assert!(
        r.err.contains(
            "big.eml.gz: too_large: over the max_email_bytes limit of 67108864; raise it with --max-email-bytes"
        ),
        "{}",
        r.err
    );
    assert!(r.out.is_empty());
    // A smaller limit applies to plain files without reading them.
    let plain = t.write("plain.eml", bounce());
    let r = run(&["scan", "--max-email-bytes", "1K", s(&plain)]);
    assert_eq!(r.status, Some(1));
    assert!(r.err.contains("plain.eml: too_large"), "{}", r.err);
}

#[test]
fn a_log_line_over_the_limit_is_named_with_its_number() {
    let t = Temp::new("logline");
    let over_cap = postfix_to(
        "carol@example.org",
        &format!("550 5.7.1 spam {}", "x".repeat(1 << 20)),
    );
    let path = t.write(
        "mail.log",
        format!("{POSTFIX_BOUNCED}\n{over_cap}\n{POSTFIX_BOUNCED}\n"),
    );
    let r = run(&["scan", "--format", "json", "--by", "line", s(&path)]);
    assert_eq!(r.status, Some(1));
    let why = format!(
        "mail.log line 2: too_large: a line of {} bytes, over the max_line_bytes limit of 1048576",
        over_cap.len() + 1
    );
    assert!(r.err.contains(&why), "{}", r.err);
    let lines: Vec<u64> = json_rows(&r.out)
        .iter()
        .filter_map(|r| r["position"].as_u64())
        .collect();
    assert_eq!(lines, [1, 3]);
    // Up to the limit, a long line is read whole: not cut at 64 KiB as the reader once did.
    let log = format!(
        "{}\n",
        postfix_to(
            "carol@example.org",
            &format!("550 5.7.1 spam {}", "x".repeat(100_000))
        )
    );
    let path = t.write("long.log", log);
    let r = run(&["scan", "--format", "json", s(&path)]);
    assert_eq!(r.status, Some(0), "{}", r.err);
    assert!(json_rows(&r.out)[0]["text"]
        .as_str()
        .is_some_and(|t| t.len() > 100_000));
}

// ---------------------------------------------------------------------------------------------
// Output that cannot be turned against its reader
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_prefixed_with_a_quote() {
    let t = Temp::new("csvinject");
    let log = [
        postfix_to(
            "=HYPERLINK(\"http://x\")@example.org",
            "550 5.1.1 User unknown",
        ),
        postfix_to("+1@example.org", "550 5.1.1 User unknown"),
        postfix_to("-2@example.org", "550 5.1.1 User unknown"),
        postfix_to("@sum@example.org", "550 5.1.1 User unknown"),
        postfix_to("'quoted@example.org", "550 5.1.1 User unknown"),
        postfix_to("bob@example.org", "-ERR 550 5.1.1 User unknown"),
    ]
    .join("\n");
    t.write("=cmd|' /C calc'!A0.log", log);
    let r = run_in(
        Some(&t.0),
        &[
            "scan",
            "--format",
            "csv",
            "--by",
            "line",
            "=cmd|' /C calc'!A0.log",
        ],
    );
    assert_eq!(r.status, Some(0), "{}", r.err);
    let mut reader = csv::Reader::from_reader(r.out.as_bytes());
    let header = reader.headers().expect("a header row").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (recipient, text) = (column("recipient"), column("text"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    assert_eq!(rows.len(), 6);
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a live cell: {cell:?} in {row:?}"
            );
        }
        assert_eq!(&row[0], "'=cmd|' /C calc'!A0.log");
    }
    let recipients: Vec<&str> = rows.iter().map(|r| &r[recipient]).collect();
    assert_eq!(
        recipients,
        [
            "'=HYPERLINK(\"http://x\")@example.org",
            "'+1@example.org",
            "'-2@example.org",
            "'@sum@example.org",
            "''quoted@example.org",
            "bob@example.org"
        ]
    );
    assert!(rows[5][text].starts_with("'-ERR"), "{:?}", &rows[5][text]);
    // Every text cell is quoted, so a spreadsheet that splits on `;` keeps it whole.
    assert!(r.out.starts_with("\"source\",\"position\","), "{}", r.out);
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_escaped_on_stderr_and_in_csv() {
    let t = Temp::new("names");
    t.write("evil\x1b[2J\rname\n.eml", bounce());
    t.write("notes\x07\u{202e}txt.md", "plain notes\n");
    let r = run(&["scan", "--format", "csv", s(&t.0)]);
    assert!(
        !r.err.contains('\x1b') && !r.err.contains('\x07'),
        "{:?}",
        r.err
    );
    assert!(
        r.err.contains("notes\\x07\\u{202e}txt.md: no known kind"),
        "{}",
        r.err
    );
    assert!(
        !r.out.contains('\x1b') && !r.out.contains('\r'),
        "{:?}",
        r.out
    );
    assert!(r.out.contains("evil\\x1b[2J\\rname\\n.eml"), "{}", r.out);
    // The text summary escapes them too.
    let r = run(&["scan", s(&t.0)]);
    assert!(
        !r.out.contains('\x07') && !r.out.contains('\x1b'),
        "{:?}",
        r.out
    );
}

#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_exit_status_3() {
    let Ok(full) = std::fs::File::create("/dev/full") else {
        eprintln!("skipped: no /dev/full");
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_smtpcodes"))
        .args(["scan", "--format", "json"])
        .arg(repo("examples/mail.log"))
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("writing the output"), "{err}");
}

#[test]
fn a_worker_that_fails_ends_the_scan_instead_of_hanging_it() {
    // A bug that panics on one thread must not leave the others waiting for its units: the
    // scan ends with Rust's panic status and the panic's message, on one thread and on two.
    // The debug build panics on every unit of lines after the first when told to.
    let dir = Temp::new("worker-panic");
    let mut log = String::new();
    for i in 0..20_000u32 {
        let line = postfix_to(&format!("user{i}@example.org"), "host mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)");
        writeln!(log, "{}", line.replace("4BXYZ12ABC", &format!("{i:010X}")))
            .expect("writes to a String");
    }
    let path = dir.write("mail.log", &log);
    for jobs in ["1", "2", "3"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_smtpcodes"))
            .args(["scan", "--format", "json", "--jobs", jobs])
            .arg(&path)
            .env("SMTPCODES_TEST_PANIC_IN_WORKER", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut stderr = child.stderr.take().expect("stderr");
        let status = wait_at_most_60_s(&mut child, &format!("--jobs {jobs}"));
        let mut err = String::new();
        stderr.read_to_string(&mut err).expect("reads stderr");
        assert_eq!(status.code(), Some(101), "--jobs {jobs}: {err}");
        assert!(err.contains("a worker failed"), "--jobs {jobs}: {err}");
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_scan_quietly_with_status_0() {
    // `smtpcodes scan big.log | head`: the scan stops when its output is closed, on one thread
    // and on several (where the joining thread then drains what the workers still hand it),
    // and says nothing of the closed pipe. The log is several read units long, and its
    // messages end (`removed`) as it goes, so rows are written while it is still being read.
    let dir = Temp::new("closed-output");
    let mut log = String::new();
    for i in 0..20_000u32 {
        let id = format!("{i:010X}");
        let line = postfix_to(&format!("user{i}@example.org"), "host mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)");
        let line = line.replace("4BXYZ12ABC", &id);
        writeln!(
            log,
            "{line}\nNov 23 04:26:02 mail postfix/qmgr[1234]: {id}: removed"
        )
        .expect("writes to a String");
    }
    let path = dir.write("mail.log", &log);
    for by in ["message", "line"] {
        for jobs in ["1", "2"] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_smtpcodes"))
                .args(["scan", "--format", "json", "--by", by, "--jobs", jobs])
                .arg(&path)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the binary runs");
            let mut stdout = child.stdout.take().expect("stdout");
            let mut first = [0u8; 100];
            stdout.read_exact(&mut first).expect("the first rows");
            drop(stdout);
            let status = wait_at_most_60_s(&mut child, &format!("--by {by} --jobs {jobs}"));
            let mut err = String::new();
            child
                .stderr
                .take()
                .expect("stderr")
                .read_to_string(&mut err)
                .expect("reads stderr");
            assert_eq!(status.code(), Some(0), "--by {by} --jobs {jobs}: {err}");
            assert!(
                !err.to_lowercase().contains("pipe"),
                "--by {by} --jobs {jobs}: {err}"
            );
        }
    }
}
