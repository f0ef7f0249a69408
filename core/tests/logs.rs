//! Mail logs: every format and status, the edge cases, classification, streaming and
//! detection. The per-line cases are data (`tests/logs/lines.json`); the sample log's expected
//! counts come from the script that wrote it (`tests/logs/sample-counts.json`).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::str::FromStr;

use serde_json::Value;
use smtpcodes::logs::{
    detect, for_each_record, parse_line, read_line_capped, DeliveryStatus, LogEvent, LogFormat,
    LogReader, LogRecord, LongLines,
};
use smtpcodes::{Action, Enhanced, Limits, Reason};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn json(path: &str) -> Value {
    let text = fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(line: &str) -> LogRecord<'_> {
    parse_line(line).unwrap_or_else(|| panic!("not read as a delivery line: {line}"))
}

const POSTFIX_BOUNCED: &str = "Nov 23 04:26:01 mail postfix/smtp[4321]: 4BXYZ12ABC: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.1] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))";
const POSTFIX_SENT: &str = "Nov 23 04:26:02 mail postfix/smtp[4321]: 4BXYZ12ABD: to=<carol@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=0.9, delays=0.1/0.01/0.3/0.49, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F1C2)";

// ---------------------------------------------------------------------------------------------
// The golden files, which the Python and Node suites run too
// ---------------------------------------------------------------------------------------------

/// The fields of a classification that a golden case states: those of `tests/vectors/`, the
/// decision and the normalised text, not the prose (title, description, advice, matched).
const CLASSIFICATION_FIELDS: [&str; 11] = [
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
    "text",
];

#[test]
fn line_vectors() {
    let doc = json("tests/logs/lines.json");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 80, "the vectors shrank: {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let line = case["line"].as_str().expect("line");
        let got = parse_line(line);
        let expected = &case["record"];
        match got {
            None if expected.is_null() => {}
            None => failures.push(format!("{id}: not read as a record")),
            Some(record) => {
                let value = serde_json::to_value(record).expect("serialises");
                if &value != expected {
                    failures.push(format!(
                        "{id}: record\n  got      {value}\n  expected {expected}"
                    ));
                }
                // The owned copy has the same JSON shape and classifies the same.
                let owned = record.into_owned();
                assert_eq!(
                    serde_json::to_value(&owned).expect("serialises"),
                    value,
                    "{id}"
                );
                assert_eq!(owned.as_record(), record, "{id}");
                let c = record.classify();
                assert_eq!(owned.classify(), c, "{id}");
                let want = &case["classification"];
                let mut keys: Vec<&str> = want
                    .as_object()
                    .map(|o| o.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                keys.sort_unstable();
                let mut fields = CLASSIFICATION_FIELDS;
                fields.sort_unstable();
                assert_eq!(keys, fields, "{id}: the fields a case states");
                let got = serde_json::to_value(&c).expect("serialises");
                let got: serde_json::Map<String, Value> = CLASSIFICATION_FIELDS
                    .iter()
                    .map(|&k| (k.to_owned(), got[k].clone()))
                    .collect();
                if &Value::Object(got.clone()) != want {
                    failures.push(format!(
                        "{id}: classification\n  got      {}\n  expected {want} (matched {})",
                        Value::Object(got),
                        c.matched
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn vectors_cover_every_format_and_status() {
    let doc = json("tests/logs/lines.json");
    let mut seen = BTreeMap::new();
    let mut skipped = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let record = &case["record"];
        if record.is_null() {
            skipped += 1;
            continue;
        }
        let key = (
            record["format"].as_str().unwrap_or("").to_owned(),
            record["status"].as_str().unwrap_or("").to_owned(),
        );
        *seen.entry(key).or_insert(0) += 1;
    }
    let mut missing = Vec::new();
    for &status in DeliveryStatus::ALL {
        missing.push((LogFormat::Postfix, status));
    }
    for status in [
        DeliveryStatus::Sent,
        DeliveryStatus::Deferred,
        DeliveryStatus::Bounced,
        DeliveryStatus::Expired,
    ] {
        missing.push((LogFormat::Exim, status));
        missing.push((LogFormat::Sendmail, status));
    }
    missing.retain(|(f, s)| !seen.contains_key(&(f.as_str().to_owned(), s.as_str().to_owned())));
    assert!(missing.is_empty(), "no vector for {missing:?}");
    assert!(skipped >= 25, "too few non-delivery lines: {skipped}");
}

#[test]
fn no_prefix_of_any_vector_panics() {
    let doc = json("tests/logs/lines.json");
    for case in doc["cases"].as_array().expect("cases") {
        let line = case["line"].as_str().expect("line");
        for (i, _) in line.char_indices() {
            let _ = parse_line(&line[..i]);
            let _ = parse_line(&line[i..]);
        }
    }
}

/// `tests/logs/reader.json`: whole logs through [`LogReader::next_event`], with the bindings'
/// options (`max_line_bytes`, `long_lines`; absent, the defaults of `read_log` and `readLog`:
/// `Limits::DEFAULT.max_line_bytes`, skip).
#[test]
fn reader_vectors() {
    let doc = json("tests/logs/reader.json");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let log = case["log"].as_str().expect("log");
        let max = case["max_line_bytes"]
            .as_u64()
            .map_or(Limits::DEFAULT.max_line_bytes, |n| {
                usize::try_from(n).expect("a usize")
            });
        let policy = match case["long_lines"].as_str() {
            None | Some("skip") => LongLines::Skip,
            Some("cut") => LongLines::Cut,
            Some(other) => panic!("{id}: long_lines {other:?}"),
        };
        // A small buffer, so that lines cross the reader's refills.
        let mut reader = LogReader::new(BufReader::with_capacity(512, log.as_bytes()))
            .max_line(max)
            .long_lines(policy);
        let mut events = Vec::new();
        while let Some(event) = reader.next_event().expect("reads") {
            events.push(match event {
                LogEvent::Record { line, record } => {
                    serde_json::json!({ "event": "record", "line": line, "record": record })
                }
                LogEvent::LongLine { line, bytes } => {
                    serde_json::json!({ "event": "long_line", "line": line, "bytes": bytes })
                }
            });
        }
        assert_eq!(Value::Array(events), case["events"], "{id}: events");
        let counts = (
            reader.lines_read(),
            reader.lines_truncated(),
            reader.lines_skipped(),
        );
        let want = (
            case["lines_read"].as_u64().expect("lines_read"),
            case["lines_truncated"].as_u64().expect("lines_truncated"),
            case["lines_skipped"].as_u64().expect("lines_skipped"),
        );
        assert_eq!(counts, want, "{id}: lines read, truncated, skipped");
    }
}

// ---------------------------------------------------------------------------------------------
// Fields, read through the typed API
// ---------------------------------------------------------------------------------------------

#[test]
fn postfix_fields() {
    let r = parse(POSTFIX_BOUNCED);
    assert_eq!(r.format, LogFormat::Postfix);
    assert_eq!(r.timestamp, Some("Nov 23 04:26:01"));
    assert_eq!(r.queue_id, "4BXYZ12ABC");
    assert_eq!(r.recipient, Some("bob@example.org"));
    assert_eq!(r.recipients.len(), 1);
    assert_eq!(r.original_recipient, None);
    assert_eq!(r.relay, Some("mx.example.org"));
    assert_eq!(r.status, DeliveryStatus::Bounced);
    assert_eq!(r.dsn, Enhanced::parse("5.1.1"));
    assert!(r
        .text
        .starts_with("host mx.example.org[192.0.2.1] said: 550 5.1.1"));
    assert!(r.text.ends_with("(in reply to RCPT TO command)"));
}

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

fn postfix_line_with_text(text: &str) -> String {
    format!("Nov 23 04:26:01 mail postfix/smtp[1]: 4BXYZ12ABC: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, dsn=5.7.1, status=bounced (host mx.example.org[192.0.2.1] said: 550 5.7.1 {text} (in reply to end of DATA command))")
}

#[test]
fn invalid_utf8_is_replaced_not_refused() {
    let mut log = Vec::new();
    log.extend_from_slice(
        b"Nov 23 04:26:01 mail postfix/smtpd[1]: connect from \xff\xfe[192.0.2.9]\n",
    );
    log.extend_from_slice(postfix_line_with_text("Message rejected as spam \u{e9}").as_bytes());
    log.extend_from_slice(b"\n");
    // A lone Latin-1 byte in the text.
    let mut bad = postfix_line_with_text("cafX Message rejected as spam").into_bytes();
    let at = bad.windows(4).position(|w| w == b"cafX").expect("cafX") + 3;
    bad[at] = 0xe9;
    log.extend_from_slice(&bad);
    log.extend_from_slice(b"\n");
    let records: Vec<_> = LogReader::new(&log[..])
        .collect::<io::Result<_>>()
        .expect("reads");
    assert_eq!(records.len(), 2);
    assert!(records[0].text.contains('\u{e9}'));
    assert!(
        records[1].text.contains("caf\u{fffd}"),
        "{}",
        records[1].text
    );
    assert_eq!(records[1].classify().reason, Reason::SpamDetected);
}

#[test]
fn a_one_megabyte_line() {
    let filler = "x".repeat(1 << 20);
    let line = postfix_line_with_text(&format!("Message rejected as spam {filler}"));

    // parse_line reads all of it, in linear time.
    let r = parse(&line);
    assert!(r.text.len() > 1 << 20);
    let c = r.classify();
    assert_eq!(c.reason, Reason::SpamDetected);

    // The reader keeps 64 KiB of it, consumes the rest, and goes on with the next line.
    let input = format!("{line}\n{POSTFIX_SENT}\n{filler}");
    let mut reader = LogReader::new(BufReader::with_capacity(4096, input.as_bytes()));
    let first = reader.next().expect("a record").expect("reads");
    assert_eq!(first.status, DeliveryStatus::Bounced);
    assert!(first.text.len() < LogReader::<&[u8]>::DEFAULT_MAX_LINE);
    assert_eq!(first.classify().reason, Reason::SpamDetected);
    let second = reader.next().expect("a record").expect("reads");
    assert_eq!(second.status, DeliveryStatus::Sent);
    assert!(
        reader.next().is_none(),
        "a 1 MB line of garbage is not a record"
    );
    assert_eq!(reader.lines_read(), 3);
    assert_eq!(reader.lines_truncated(), 2);

    // A smaller cap is honoured too.
    let mut reader = LogReader::new(input.as_bytes()).max_line(200);
    let first = reader.next().expect("a record").expect("reads");
    assert!(first.text.len() < 200);
}

/// Gives `len` bytes of `byte` without ever holding them: a line of any length for the cost
/// of nothing.
struct Endless {
    byte: u8,
    left: u64,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        buf[..n].fill(self.byte);
        self.left -= n as u64;
        Ok(n)
    }
}

#[test]
fn a_line_of_any_length_costs_at_most_the_cap() {
    // 256 MiB of zeros with no line end, read with a 1 MiB cap: all of it consumed and
    // counted, at most the cap kept.
    let len = 256u64 << 20;
    let cap = 1 << 20;
    let mut input = BufReader::with_capacity(
        64 * 1024,
        Endless { byte: 0, left: len }.chain(&b"\nnext\n"[..]),
    );
    let mut buf = Vec::new();
    let first = read_line_capped(&mut input, &mut buf, cap).expect("reads");
    assert_eq!(
        (first.bytes, first.cut, first.newline),
        (len + 1, true, true)
    );
    assert_eq!(buf.len(), cap);
    assert!(buf.capacity() <= 2 * cap, "{} bytes held", buf.capacity());
    buf.clear();
    let second = read_line_capped(&mut input, &mut buf, cap).expect("reads");
    assert_eq!((buf.as_slice(), second.cut), (&b"next"[..], false));
    buf.clear();
    assert_eq!(
        read_line_capped(&mut input, &mut buf, cap)
            .expect("reads")
            .bytes,
        0
    );

    // A last line without a line end, exactly at the cap, is not cut.
    let mut input = &b"abcd"[..];
    let mut buf = Vec::new();
    let read = read_line_capped(&mut input, &mut buf, 4).expect("reads");
    assert_eq!((read.bytes, read.cut, read.newline), (4, false, false));
}

#[test]
fn skipped_lines_are_passed_over_by_the_record_readers_and_cut_by_default() {
    let spam = postfix_line_with_text(&format!("Message rejected as spam {}", "x".repeat(3000)));
    let log = format!(
        "{POSTFIX_BOUNCED}\n{spam}\r\n{POSTFIX_SENT}\n{}",
        "y".repeat(5000)
    );
    // The events and counts of this log are a case of tests/logs/reader.json (`long_lines_skip`).
    // The record readers pass over skipped lines, and count them.
    let mut reader = LogReader::new(log.as_bytes())
        .max_line(1024)
        .long_lines(LongLines::Skip);
    let mut numbers = Vec::new();
    while let Some((line, _)) = reader.next_numbered_record().expect("reads") {
        numbers.push(line);
    }
    assert_eq!(numbers, [1, 3]);
    assert_eq!(reader.lines_skipped(), 2);

    // The default cuts them instead, and says how many.
    let mut reader = LogReader::new(log.as_bytes()).max_line(1024);
    let mut events = 0;
    while let Some(event) = reader.next_event().expect("reads") {
        assert!(matches!(event, LogEvent::Record { .. }), "{event:?}");
        events += 1;
    }
    assert_eq!(events, 3, "the cut spam line is still a record");
    assert_eq!((reader.lines_truncated(), reader.lines_skipped()), (2, 0));
}

#[test]
fn a_skipped_line_of_any_length_is_drained_not_stored() {
    // A record, 256 MiB of one line, a record: the long line is skipped in one step.
    let data = format!("{POSTFIX_BOUNCED}\n").into_bytes();
    let after = format!("\n{POSTFIX_SENT}\n").into_bytes();
    let long = 256u64 << 20;
    let input = (&data[..])
        .chain(Endless {
            byte: b'x',
            left: long,
        })
        .chain(&after[..]);
    let mut reader = LogReader::new(BufReader::new(input))
        .max_line(1 << 20)
        .long_lines(LongLines::Skip);
    let mut seen = Vec::new();
    while let Some(event) = reader.next_event().expect("reads") {
        seen.push(match event {
            LogEvent::Record { line, .. } => (line, 0),
            LogEvent::LongLine { line, bytes } => (line, bytes),
        });
    }
    assert_eq!(seen, [(1, 0), (2, long + 1), (3, 0)]);
}

/// The time to read a log grows with the bytes read, not with the length of its lines: the
/// same shape at n and 8n takes at most 20 times as long (linear is 8), the least of 5 runs.
#[test]
fn reading_long_lines_is_linear() {
    fn least(f: &dyn Fn() -> u64) -> f64 {
        (0..5)
            .map(|_| {
                let start = std::time::Instant::now();
                std::hint::black_box(f());
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    }
    // Lines of n KiB: read whole (under the cap), cut, and skipped.
    let shape = |kib: usize| {
        let filler = "x".repeat(kib * 1024);
        let line = postfix_line_with_text(&format!("Message rejected as spam {filler}"));
        format!("{line}\n").repeat(8)
    };
    let run = |log: &str, cap: usize, policy: LongLines| {
        let mut reader = LogReader::new(BufReader::with_capacity(8192, log.as_bytes()))
            .max_line(cap)
            .long_lines(policy);
        let mut n = 0;
        while reader.next_event().expect("reads").is_some() {
            n += 1;
        }
        n
    };
    for (cap, policy) in [
        (usize::MAX, LongLines::Cut),
        (1024, LongLines::Cut),
        (1024, LongLines::Skip),
    ] {
        let (small, large) = (shape(16), shape(128));
        run(&small, cap, policy);
        let mut ratio = f64::INFINITY;
        for _ in 0..2 {
            let t_small = least(&|| run(&small, cap, policy));
            let t_large = least(&|| run(&large, cap, policy));
            ratio = t_large / t_small.max(1e-9);
            if ratio <= 20.0 {
                break;
            }
        }
        assert!(
            ratio <= 20.0,
            "cap {cap}, {policy:?}: 8x the line length took {ratio:.1}x as long"
        );
    }
}

#[test]
fn records_know_their_line_numbers() {
    let log = format!("# header\n{POSTFIX_BOUNCED}\nnoise\n\nmore noise\n{POSTFIX_SENT}\n");
    let mut reader = LogReader::new(log.as_bytes());
    let mut numbers = Vec::new();
    while let Some((line, record)) = reader.next_numbered_record().expect("reads") {
        numbers.push((line, record.status));
    }
    assert_eq!(
        numbers,
        [(2, DeliveryStatus::Bounced), (6, DeliveryStatus::Sent)]
    );
    // Between iterator steps, lines_read() is the line of the record just returned.
    let mut reader = LogReader::new(log.as_bytes());
    assert!(reader.next().is_some());
    assert_eq!(reader.lines_read(), 2);
}

/// Gives its data, then fails, then would give more.
struct Flaky {
    data: &'static [u8],
    failed: bool,
}

impl Read for Flaky {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.data.is_empty() {
            let n = buf.len().min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            return Ok(n);
        }
        if !self.failed {
            self.failed = true;
            return Err(io::Error::other("disk on fire"));
        }
        self.data = b"more\n";
        Ok(0)
    }
}

#[test]
fn the_iterator_ends_after_an_error() {
    const LOG: &str = "Nov 23 04:26:02 mail postfix/smtp[4321]: 4BXYZ12ABD: to=<carol@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=0.9, delays=0.1/0.01/0.3/0.49, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F1C2)\n";
    let reader = LogReader::new(BufReader::new(Flaky {
        data: LOG.as_bytes(),
        failed: false,
    }));
    let items: Vec<_> = reader.collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert_eq!(
        items[1].as_ref().map_err(io::Error::kind).err(),
        Some(io::ErrorKind::Other)
    );
}

fn sample_counts() -> Value {
    json("tests/logs/sample-counts.json")
}

type Counts = BTreeMap<(String, String), u64>;

fn count(counts: &mut Counts, record: &LogRecord<'_>) {
    *counts
        .entry((
            record.format.as_str().to_owned(),
            record.status.as_str().to_owned(),
        ))
        .or_insert(0) += 1;
}

#[test]
fn the_sample_log_has_the_records_its_generator_wrote() {
    let expected = sample_counts();
    let mut want = Counts::new();
    for (format, per) in expected["by_format"].as_object().expect("by_format") {
        for (status, n) in per.as_object().expect("statuses") {
            want.insert((format.clone(), status.clone()), n.as_u64().expect("count"));
        }
    }

    let file = fs::File::open(repo("examples/mail.log")).expect("examples/mail.log");
    let mut reader = LogReader::new(BufReader::new(file));
    let mut got = Counts::new();
    let mut recipients = 0;
    let mut by_reason: BTreeMap<&str, u64> = BTreeMap::new();
    while let Some(record) = reader.next_record().expect("reads") {
        count(&mut got, &record);
        recipients += record.recipients.len() as u64;
        let c = record.classify();
        *by_reason.entry(c.reason.as_str()).or_insert(0) += 1;
        match record.status {
            DeliveryStatus::Sent => assert_eq!(c.action, Action::None, "{record:?}"),
            DeliveryStatus::Expired => assert_eq!(c.reason, Reason::Expired, "{record:?}"),
            DeliveryStatus::Deferred => assert_eq!(c.action, Action::Retry, "{record:?}"),
            _ => assert_ne!(c.action, Action::None, "{record:?}"),
        }
    }
    assert_eq!(got, want);
    assert_eq!(
        reader.lines_read(),
        expected["lines"].as_u64().expect("lines")
    );
    assert_eq!(reader.lines_truncated(), 0);
    assert_eq!(
        recipients,
        expected["recipients"].as_u64().expect("recipients")
    );
    let records: u64 = got.values().sum();
    assert_eq!(records, expected["records"].as_u64().expect("records"));
    // The sample is mostly noise, as real logs are, and has a spread of reasons.
    assert!(records * 3 < reader.lines_read());
    for reason in [
        "delivered",
        "user_unknown",
        "host_unknown",
        "mailbox_full",
        "greylisted",
        "rate_limited",
        "service_unavailable",
        "network_error",
        "expired",
        "blocked",
        "auth_failure",
        "spam_detected",
        "relay_denied",
    ] {
        assert!(
            by_reason.contains_key(reason),
            "no {reason} in the sample: {by_reason:?}"
        );
    }
}

#[test]
fn the_three_ways_to_read_agree() {
    let log = fs::read(repo("examples/mail.log")).expect("examples/mail.log");
    let mut borrowed = Counts::new();
    let n = for_each_record(&log[..], |r| count(&mut borrowed, r)).expect("reads");
    let mut owned = Counts::new();
    for record in LogReader::new(&log[..]) {
        count(&mut owned, &record.expect("reads").as_record());
    }
    let mut by_line = Counts::new();
    for line in (&log[..]).lines() {
        if let Some(r) = parse_line(&line.expect("utf-8")) {
            count(&mut by_line, &r);
        }
    }
    assert_eq!(borrowed, owned);
    assert_eq!(borrowed, by_line);
    assert_eq!(n, borrowed.values().sum::<u64>());
}

// ---------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------

#[test]
fn detect_recognises_logs_by_content() {
    let sample = fs::read(repo("examples/mail.log")).expect("examples/mail.log");
    assert_eq!(
        detect(&sample[..sample.len().min(64 * 1024)]),
        Some(LogFormat::Postfix)
    );
    // Cut mid-line, as a fixed-size sample is.
    assert_eq!(detect(&sample[..5000]), Some(LogFormat::Postfix));

    let exim = "2026-11-23 04:26:01 SMTP connection from app3.example.com [192.0.2.53]:51234 (TCP/IP connection count = 1)\n2026-11-23 04:26:02 1rXyZa-000ABC-DE <= alerts@lists.example.org H=app3.example.com [192.0.2.53] P=esmtpsa S=4321\n2026-11-23 04:26:03 1rXyZa-000ABC-DE => bob@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.1] C=\"250 OK\"\n2026-11-23 04:26:03 1rXyZa-000ABC-DE Completed\n";
    assert_eq!(detect(exim.as_bytes()), Some(LogFormat::Exim));

    let sendmail = "Nov 23 04:26:01 relay sm-mta[1234]: 4ANBQ1xY012345: from=<orders@example.com>, size=1148, class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=app4.example.com [192.0.2.54]\nNov 23 04:26:02 relay sm-mta[1234]: STARTTLS=client, relay=mx.example.org., version=TLSv1.3, verify=OK\nNov 23 04:26:02 relay sm-mta[1234]: 4ANBQ1xY012345: to=<bob@example.org>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx.example.org. [192.0.2.1], dsn=2.0.0, stat=Sent (OK)\n";
    assert_eq!(detect(sendmail.as_bytes()), Some(LogFormat::Sendmail));

    // A system log in which only a few lines are Postfix's.
    let syslog = "# rotated\nNov 23 04:26:01 host systemd[1]: Started Daily apt upgrade.\nNov 23 04:26:01 host CRON[99]: (root) CMD (run-parts /etc/cron.hourly)\nNov 23 04:26:01 host kernel: [123.456] eth0: link up\nNov 23 04:26:02 host postfix/pickup[5]: 4BXYZ12ABC: uid=0 from=<root>\n\n";
    assert_eq!(detect(syslog.as_bytes()), Some(LogFormat::Postfix));

    // Invalid UTF-8 in a log does not hide it.
    let mut bytes = POSTFIX_SENT.as_bytes().to_vec();
    bytes.extend_from_slice(
        b"\nNov 23 04:26:01 mail postfix/smtpd[1]: connect from \xff\xfe[192.0.2.9]\n",
    );
    assert_eq!(detect(&bytes), Some(LogFormat::Postfix));
}

#[test]
fn detect_refuses_what_is_not_a_mail_log() {
    let email = "Return-Path: <>\r\nReceived: from mail.example.com (mail.example.com [198.51.100.25])\r\n\tby mx.example.org (Postfix) with ESMTPS id 4BXYZ12ABC\r\nFrom: MAILER-DAEMON@mail.example.com (Mail Delivery System)\r\nSubject: Undelivered Mail Returned to Sender\r\nTo: news@example.com\r\n\r\nThis is the mail system at host mail.example.com.\r\n\r\n<bob@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown\r\n";
    let mbox = format!(
        "From MAILER-DAEMON Mon Nov 23 04:26:01 2026\n{}",
        email.replace("\r\n", "\n")
    );
    // A DSN that quotes one log line is still an email.
    let quoting = format!("{email}\r\nThe log says:\r\n{POSTFIX_BOUNCED}\r\n");
    let only_system = "Nov 23 04:26:01 host systemd[1]: Started Daily apt upgrade.\nNov 23 04:26:01 host CRON[99]: (root) CMD (run-parts /etc/cron.hourly)\n";
    for (name, sample) in [
        ("email", email.to_owned()),
        ("mbox", mbox),
        ("dsn quoting a log line", quoting),
        ("system log without mail", only_system.to_owned()),
        (
            "json",
            "{\"code\": 550, \"text\": \"5.1.1 User unknown\"}\n".to_owned(),
        ),
        ("empty", String::new()),
        ("comments only", "# nothing\n# here\n".to_owned()),
    ] {
        assert_eq!(detect(sample.as_bytes()), None, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// The enums and the JSON shape
// ---------------------------------------------------------------------------------------------

#[test]
fn enums_cross_as_snake_case_strings() {
    let formats: Vec<&str> = LogFormat::ALL.iter().map(|f| f.as_str()).collect();
    assert_eq!(formats, ["postfix", "exim", "sendmail"]);
    let statuses: Vec<&str> = DeliveryStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "sent",
            "deferred",
            "bounced",
            "expired",
            "soft_bounce",
            "deliverable",
            "undeliverable"
        ]
    );
    for &f in LogFormat::ALL {
        assert_eq!(LogFormat::from_str(f.as_str()), Ok(f));
        assert_eq!(
            serde_json::to_value(f).expect("serialises"),
            Value::from(f.as_str())
        );
        assert_eq!(f.to_string(), f.as_str());
    }
    for &s in DeliveryStatus::ALL {
        assert_eq!(DeliveryStatus::from_str(s.as_str()), Ok(s));
        assert_eq!(
            serde_json::to_value(s).expect("serialises"),
            Value::from(s.as_str())
        );
        assert_eq!(s.to_string(), s.as_str());
    }
    let err = DeliveryStatus::from_str("Bounced").expect_err("case matters");
    assert_eq!(err.kind(), "invalid_name");
    assert_eq!(
        LogFormat::from_str("qmail").map_err(|e| e.kind()),
        Err("invalid_name")
    );
}

#[test]
fn the_json_shape() {
    let value = serde_json::to_value(parse(POSTFIX_BOUNCED)).expect("serialises");
    let keys: Vec<&str> = value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = vec![
        "format",
        "timestamp",
        "queue_id",
        "sender",
        "message_id",
        "recipient",
        "recipients",
        "original_recipient",
        "relay",
        "status",
        "dsn",
        "text",
    ];
    want.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, want);
    assert_eq!(value["dsn"], "5.1.1");
    assert_eq!(value["recipients"], serde_json::json!(["bob@example.org"]));
}
