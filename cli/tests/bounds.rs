//! `smtpcodes scan` does bounded work: memory that does not grow with a line or an email past
//! the limits, and time that grows linearly with the input, for the shapes its readers see.
//!
//! Time: each case builds the same shape at size n and 8n and times the binary on both (the
//! least of 3 runs, so that a busy machine does not decide). Linear work takes about 8 times as
//! long at 8n, quadratic work 64 times; a case fails above 20. Memory: the binary runs under a
//! 100 MiB address-space limit (`ulimit -v`), where buffering a 200 MB line aborts it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const GROWTH: usize = 8;
const MAX_RATIO: f64 = 20.0;

/// One measurement at a time: the cases of this file would otherwise run on parallel threads
/// and take the cores from each other's timings.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

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

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bounce() -> Vec<u8> {
    std::fs::read(repo("examples/bounces/office365-dsn.eml")).expect("the sample bounce")
}

const FROM: &[u8] = b"From MAILER-DAEMON Mon Nov 23 04:26:01 2026\n";

const POSTFIX_BOUNCED: &str = "Nov 23 04:26:01 mail postfix/smtp[4321]: 4BXYZ12ABC: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.1] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))\n";

/// Seconds the binary takes to scan `path` as JSON, output discarded.
fn scan_time(path: &Path) -> f64 {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_smtpcodes"))
        .args(["scan", "--format", "json"])
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the binary runs");
    let elapsed = start.elapsed().as_secs_f64();
    assert!(status.code().is_some_and(|c| c <= 1), "{status}");
    elapsed
}

fn least_time(path: &Path) -> f64 {
    (0..3)
        .map(|_| scan_time(path))
        .fold(f64::INFINITY, f64::min)
}

/// Times the scan of `make(n)` and `make(8n)` and fails when the time grew more than linearly.
/// The time of `make(1)` is taken off both first: it is what every run costs whatever its size
/// (starting the process, building the rule automaton on the first reply).
fn assert_linear(name: &str, n: usize, make: impl Fn(usize) -> Vec<u8>) {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let t = Temp::new(&format!("linear-{name}"));
    let one = t.write("one", &make(1));
    let small = t.write("small", &make(n));
    let large = t.write("large", &make(n * GROWTH));
    scan_time(&small); // warm the page cache
    scan_time(&large);
    let mut ratio = 0.0;
    // A second try, so that one burst of other load on the machine cannot fail the case.
    for _ in 0..2 {
        let base = least_time(&one);
        let (t_small, t_large) = (least_time(&small), least_time(&large));
        ratio = (t_large - base) / (t_small - base).max(1e-3);
        println!(
            "{name}: {base:.3} s at 1, {t_small:.3} s at n, {t_large:.3} s at 8n: {ratio:.1}x"
        );
        if ratio <= MAX_RATIO {
            return;
        }
    }
    panic!("{name}: 8 times the input took {ratio:.1} times as long (linear is {GROWTH}x, the bound {MAX_RATIO}x)");
}

#[test]
fn an_mbox_of_many_emails_is_linear() {
    let email = bounce();
    assert_linear("mbox of many emails", 150, |n| {
        let mut mbox = Vec::new();
        for _ in 0..n {
            mbox.extend_from_slice(FROM);
            mbox.extend_from_slice(&email);
            mbox.extend_from_slice(b"\n");
        }
        mbox
    });
}

#[test]
fn one_mbox_email_of_many_lines_is_linear() {
    let email = bounce();
    assert_linear("one mbox email of many lines", 100_000, |n| {
        let mut mbox = FROM.to_vec();
        mbox.extend_from_slice(&email);
        for _ in 0..n {
            mbox.extend_from_slice(b"> a quoted line of the original message\n");
        }
        mbox
    });
}

#[test]
fn a_log_of_many_lines_is_linear() {
    assert_linear("log of many lines", 4_000, |n| {
        let noise = "Nov 23 04:26:01 mail postfix/qmgr[99]: 4BXYZ12ABC: removed\n";
        let mut log = String::new();
        for _ in 0..n {
            log.push_str(POSTFIX_BOUNCED);
            log.push_str(noise);
        }
        log.into_bytes()
    });
}

#[test]
fn one_email_with_very_long_lines_is_linear() {
    let email = bounce();
    let split = email
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("a header block")
        + 2;
    // A single .eml whose body has 16 lines of n bytes, read whole (no line cap applies to a
    // single email, only its size).
    assert_linear("one email with very long lines", 256 * 1024, |n| {
        let mut out = email[..split].to_vec();
        for _ in 0..16 {
            out.extend(std::iter::repeat_n(b'x', n));
            out.push(b'\n');
        }
        out.extend_from_slice(&email[split..]);
        out
    });
    // The same in an mbox, where each line is read through the line cap (1 MiB: the lines stay
    // under it).
    assert_linear("one mbox email with very long lines", 120 * 1024, |n| {
        let mut out = FROM.to_vec();
        out.extend_from_slice(&email[..split]);
        for _ in 0..64 {
            out.extend(std::iter::repeat_n(b'x', n));
            out.push(b'\n');
        }
        out.extend_from_slice(&email[split..]);
        out
    });
}

#[test]
fn lines_over_the_cap_are_drained_in_linear_time() {
    // An mbox message and a log line over the 1 MiB cap: skipped, at the speed of reading.
    assert_linear("an mbox line over the cap", 8 << 20, |n| {
        let mut out = FROM.to_vec();
        out.extend(std::iter::repeat_n(b'x', n));
        out.push(b'\n');
        out
    });
    assert_linear("a log line over the cap", 8 << 20, |n| {
        let noise = "Nov 23 04:26:01 mail postfix/qmgr[99]: 4BXYZ12ABC: removed\n";
        let mut out = noise.repeat(20).into_bytes();
        out.extend(std::iter::repeat_n(b'x', n));
        out.push(b'\n');
        out
    });
}

/// Runs the scan of `path` under a 100 MiB address-space limit; `None` when the shell cannot
/// set one. Returns the exit status, stderr, and the peak resident memory seen (KiB).
#[cfg(unix)]
fn scan_in_100_mib(path: &Path) -> Option<(Option<i32>, String, u64)> {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 102400 || exit 99; exec \"$0\" scan --format json \"$1\"")
        .arg(env!("CARGO_BIN_EXE_smtpcodes"))
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let pid = child.id();
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut text);
        text
    });
    // The peak resident set, as the kernel counts it, while the process runs.
    let mut peak = 0u64;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kib);
            }
        }
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let err = reader.join().expect("stderr");
    if status.code() == Some(99) {
        return None;
    }
    Some((status.code(), err, peak))
}

#[cfg(unix)]
#[test]
fn a_gzip_mbox_of_a_from_line_and_200_mb_of_zeros_stays_small() {
    // Gzip members of 1 MiB of zeros each, concatenated: 200 MiB once decompressed, about
    // 200 KB on disk. The first member starts with the mbox's `From ` line.
    let zeros = vec![0u8; 1 << 20];
    let member = |prefix: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(prefix).expect("compress");
        gz.write_all(&zeros).expect("compress");
        gz.finish().expect("finish")
    };
    let mut file = member(FROM);
    let rest = member(b"");
    for _ in 1..200 {
        file.extend_from_slice(&rest);
    }
    let t = Temp::new("zeros");
    let path = t.write("zeros.mbox.gz", &file);
    let Some((status, err, peak)) = scan_in_100_mib(&path) else {
        eprintln!("skipped: the shell cannot limit the address space");
        return;
    };
    println!("peak RSS {peak} KiB");
    assert_eq!(status, Some(1), "{err}");
    assert!(
        err.contains("zeros.mbox.gz message 1: too_large: over the max_line_bytes limit"),
        "{err}"
    );
    assert!(peak < 100 * 1024, "peak RSS {peak} KiB");
}

#[cfg(unix)]
#[test]
fn a_sparse_file_that_starts_with_from_stays_small() {
    // 512 MiB that take no disk: a `From ` line, an email's headers, then a hole of zeros.
    let t = Temp::new("sparse");
    let path = t.0.join("sparse.mbox");
    let mut file = std::fs::File::create(&path).expect("create");
    file.write_all(FROM).expect("write");
    file.write_all(b"Subject: hello\n\n").expect("write");
    file.set_len(512 << 20).expect("a sparse file");
    drop(file);
    let Some((status, err, peak)) = scan_in_100_mib(&path) else {
        eprintln!("skipped: the shell cannot limit the address space");
        return;
    };
    println!("peak RSS {peak} KiB");
    assert_eq!(status, Some(1), "{err}");
    assert!(err.contains("sparse.mbox message 1: too_large"), "{err}");
    assert!(peak < 100 * 1024, "peak RSS {peak} KiB");
}
