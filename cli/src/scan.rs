//! `smtpcodes scan PATH...`: bounce emails, mbox files, Maildirs and mail logs (plain or gzip),
//! recognised by content, read as streams, summarised for a person or written out one record
//! per recipient for other tools.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use smtpcodes::logs::LogReader;
use smtpcodes::{Action, Classification};

/// How `scan` writes its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A summary for a person: counts, top domains and providers, addresses to suppress.
    Text,
    /// One JSON object per recipient result (JSON Lines).
    Json,
    /// One CSV row per recipient result, with a header row.
    Csv,
}

/// The largest single email read whole; a bigger one (a bounce carrying a huge attachment) is
/// read up to this size, which always holds the report itself.
const MAX_EMAIL: u64 = 64 * 1024 * 1024;

/// One recipient result, from an email or a log line: what JSON and CSV output carry.
#[derive(Debug, Serialize)]
struct Row<'a> {
    source: &'a str,
    /// Line number in a log, message number in an mbox, none for a single email.
    position: Option<u64>,
    kind: &'static str,
    recipient: &'a str,
    /// The DSN action of an email (`failed`, `delayed`) or the status of a log line (`bounced`).
    status: &'a str,
    timestamp: Option<&'a str>,
    code: Option<u16>,
    enhanced: Option<String>,
    severity: &'static str,
    reason: &'static str,
    bounce: &'static str,
    action: &'static str,
    retry_after: Option<u32>,
    suppress: bool,
    fault: &'static str,
    provider: Option<&'static str>,
    text: &'a str,
}

#[derive(Default)]
struct Tally {
    files: u64,
    emails: u64,
    not_bounces: BTreeMap<&'static str, u64>,
    log_lines: u64,
    skipped: Vec<(PathBuf, String)>,
    results: u64,
    by_reason: BTreeMap<&'static str, u64>,
    by_action: BTreeMap<&'static str, u64>,
    by_fault: BTreeMap<&'static str, u64>,
    by_provider: BTreeMap<&'static str, u64>,
    /// Failed or delayed results per recipient domain.
    by_domain: HashMap<String, u64>,
    /// Addresses to stop mailing, with the reason and code that condemned them.
    suppress: BTreeMap<String, (&'static str, String)>,
}

struct Scanner {
    format: Format,
    out: io::BufWriter<io::StdoutLock<'static>>,
    csv: Option<csv::Writer<io::BufWriter<io::StdoutLock<'static>>>>,
    tally: Tally,
    progress: ProgressBar,
}

/// Runs the scan; returns false when an input could not be read at all.
pub fn run(paths: &[PathBuf], format: Format, top: usize) -> io::Result<bool> {
    let mut files = Vec::new();
    let mut ok = true;
    for p in paths {
        if let Err(e) = collect(p, &mut files) {
            eprintln!("smtpcodes: {}: {e}", p.display());
            ok = false;
        }
    }
    let total: u64 = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    let progress = if io::stderr().is_terminal() && total > 8 * 1024 * 1024 {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {bar:30} {eta} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let stdout = io::stdout().lock();
    let mut scanner = Scanner {
        format,
        csv: (format == Format::Csv)
            .then(|| csv::Writer::from_writer(io::BufWriter::new(io::stdout().lock()))),
        out: io::BufWriter::new(stdout),
        tally: Tally::default(),
        progress,
    };
    for file in &files {
        scanner.progress.set_message(file.display().to_string());
        if let Err(e) = scanner.file(file) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return Ok(ok);
            }
            scanner.tally.skipped.push((file.clone(), e.to_string()));
        }
    }
    scanner.progress.finish_and_clear();
    if let Some(mut w) = scanner.csv.take() {
        w.flush()?;
    }
    if format == Format::Text {
        scanner.report(top)?;
    }
    scanner.out.flush()?;
    Ok(ok)
}

/// Files under a path: the file itself, the files of a directory tree in name order (a
/// Maildir's `cur` and `new` among them), skipping dot files and a Maildir's `tmp`.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        files.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || (name == "tmp" && path.join("cur").is_dir()) {
            continue;
        }
        collect(&entry, files)?;
    }
    Ok(())
}

/// What a file holds, judged by its first bytes.
enum Kind {
    Mbox,
    Email,
    Log,
    Unknown,
}

fn kind_of(head: &[u8]) -> Kind {
    if head.starts_with(b"From ") {
        return Kind::Mbox;
    }
    if smtpcodes::logs::detect(head).is_some() {
        return Kind::Log;
    }
    let first = head.split(|&b| b == b'\n').next().unwrap_or(b"");
    let looks_like_header = first.iter().position(|&b| b == b':').is_some_and(|c| {
        c > 0
            && first[..c]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if looks_like_header {
        Kind::Email
    } else {
        Kind::Unknown
    }
}

impl Scanner {
    fn file(&mut self, path: &Path) -> io::Result<()> {
        let file = File::open(path)?;
        let counted = self.progress.wrap_read(file);
        let mut reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(256 * 1024, counted));
        if reader.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
            reader = Box::new(BufReader::with_capacity(
                256 * 1024,
                MultiGzDecoder::new(reader),
            ));
        }
        let head = reader.fill_buf()?;
        let head = &head[..head.len().min(64 * 1024)];
        let source = path.display().to_string();
        self.tally.files += 1;
        match kind_of(head) {
            Kind::Log => self.log(&source, reader),
            Kind::Mbox => self.mbox(&source, reader),
            Kind::Email => {
                let mut bytes = Vec::new();
                reader.take(MAX_EMAIL).read_to_end(&mut bytes)?;
                self.email(&source, None, &bytes)
            }
            Kind::Unknown => {
                self.tally.files -= 1;
                self.tally
                    .skipped
                    .push((path.to_owned(), "not an email, mbox or mail log".to_owned()));
                Ok(())
            }
        }
    }

    fn log(&mut self, source: &str, reader: Box<dyn BufRead>) -> io::Result<()> {
        let mut logs = LogReader::new(reader);
        while let Some((line, record)) = logs.next_numbered_record()? {
            let c = record.classify();
            let status = record.status.as_str();
            for recipient in &record.recipients {
                let row = row(
                    source,
                    Some(line),
                    "log",
                    recipient,
                    status,
                    record.timestamp,
                    &c,
                    record.text,
                );
                self.emit(&row, &c)?;
            }
        }
        self.tally.log_lines += logs.lines_read();
        Ok(())
    }

    /// Splits an mbox on its `From ` separator lines, one message at a time.
    fn mbox(&mut self, source: &str, mut reader: Box<dyn BufRead>) -> io::Result<()> {
        let mut message = Vec::new();
        let mut line = Vec::new();
        let mut number = 0;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 || line.starts_with(b"From ") {
                if !message.is_empty() {
                    number += 1;
                    self.email(source, Some(number), &message)?;
                    message.clear();
                }
                if n == 0 {
                    return Ok(());
                }
                continue;
            }
            if (message.len() as u64) < MAX_EMAIL {
                // mboxrd quoting: `>From ` in a body stands for `From `.
                let unquoted = if line.starts_with(b">From ") {
                    &line[1..]
                } else {
                    &line[..]
                };
                message.extend_from_slice(unquoted);
            }
        }
    }

    fn email(&mut self, source: &str, position: Option<u64>, bytes: &[u8]) -> io::Result<()> {
        self.tally.emails += 1;
        match smtpcodes::parse_bounce(bytes) {
            Ok(report) => {
                for r in &report.recipients {
                    let row = row(
                        source,
                        position,
                        "email",
                        &r.recipient,
                        r.action.as_str(),
                        r.last_attempt_date.as_deref(),
                        &r.classification,
                        &r.diagnostic,
                    );
                    self.emit(&row, &r.classification)?;
                }
            }
            Err(smtpcodes::Error::NotABounce { what }) => {
                *self.tally.not_bounces.entry(what).or_default() += 1;
            }
            Err(e) => *self.tally.not_bounces.entry(e.kind()).or_default() += 1,
        }
        Ok(())
    }

    fn emit(&mut self, row: &Row<'_>, c: &Classification) -> io::Result<()> {
        let t = &mut self.tally;
        t.results += 1;
        *t.by_reason.entry(row.reason).or_default() += 1;
        *t.by_action.entry(row.action).or_default() += 1;
        *t.by_fault.entry(row.fault).or_default() += 1;
        if let Some(p) = row.provider {
            *t.by_provider.entry(p).or_default() += 1;
        }
        if c.action != Action::None {
            let domain = row
                .recipient
                .rsplit_once('@')
                .map_or("", |(_, d)| d)
                .to_ascii_lowercase();
            *t.by_domain.entry(domain).or_default() += 1;
        }
        if c.suppress {
            let code = match (c.code, &c.enhanced) {
                (Some(code), Some(e)) => format!("{code} {e}"),
                (Some(code), None) => code.to_string(),
                (None, Some(e)) => e.to_string(),
                (None, None) => String::new(),
            };
            t.suppress
                .entry(row.recipient.to_ascii_lowercase())
                .or_insert((row.reason, code));
        }
        match self.format {
            Format::Json => {
                serde_json::to_writer(&mut self.out, row)?;
                self.out.write_all(b"\n")
            }
            Format::Csv => match &mut self.csv {
                Some(w) => w.serialize(row).map_err(io::Error::other),
                None => Ok(()),
            },
            Format::Text => Ok(()),
        }
    }

    fn report(&mut self, top: usize) -> io::Result<()> {
        let t = &self.tally;
        let out = &mut self.out;
        let mut not_bounces: Vec<String> = t
            .not_bounces
            .iter()
            .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
            .collect();
        if not_bounces.is_empty() {
            not_bounces.push("none".to_owned());
        }
        writeln!(
            out,
            "Scanned {} files: {} emails, {} log lines; {} recipient results.",
            t.files, t.emails, t.log_lines, t.results
        )?;
        writeln!(
            out,
            "Emails that are not bounces: {}.",
            not_bounces.join(", ")
        )?;
        for (path, why) in &t.skipped {
            writeln!(out, "Skipped {}: {why}.", path.display())?;
        }
        let line = |out: &mut dyn Write,
                    title: &str,
                    map: &mut dyn Iterator<Item = (String, u64)>|
         -> io::Result<()> {
            let mut items: Vec<(String, u64)> = map.collect();
            items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            writeln!(out, "\n{title}")?;
            if items.is_empty() {
                writeln!(out, "  (none)")?;
            }
            for (name, n) in items.into_iter().take(top) {
                writeln!(out, "  {name:<28} {n:>9}")?;
            }
            Ok(())
        };
        line(
            out,
            "By reason",
            &mut t.by_reason.iter().map(|(k, v)| ((*k).to_owned(), *v)),
        )?;
        line(
            out,
            "By action",
            &mut t.by_action.iter().map(|(k, v)| ((*k).to_owned(), *v)),
        )?;
        line(
            out,
            "By fault",
            &mut t.by_fault.iter().map(|(k, v)| ((*k).to_owned(), *v)),
        )?;
        line(
            out,
            "Top recipient domains (failed or deferred)",
            &mut t.by_domain.iter().map(|(k, v)| (k.clone(), *v)),
        )?;
        line(
            out,
            "Top providers",
            &mut t.by_provider.iter().map(|(k, v)| ((*k).to_owned(), *v)),
        )?;
        writeln!(out, "\nAddresses to suppress ({})", t.suppress.len())?;
        for (address, (reason, code)) in t.suppress.iter().take(top.max(50)) {
            writeln!(out, "  {address:<40} {reason:<18} {code}")?;
        }
        if t.suppress.len() > top.max(50) {
            writeln!(
                out,
                "  ... and {} more (all of them: --format csv)",
                t.suppress.len() - top.max(50)
            )?;
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn row<'a>(
    source: &'a str,
    position: Option<u64>,
    kind: &'static str,
    recipient: &'a str,
    status: &'a str,
    timestamp: Option<&'a str>,
    c: &Classification,
    text: &'a str,
) -> Row<'a> {
    Row {
        source,
        position,
        kind,
        recipient,
        status,
        timestamp,
        code: c.code,
        enhanced: c.enhanced.map(|e| e.to_string()),
        severity: c.severity.as_str(),
        reason: c.reason.as_str(),
        bounce: c.bounce.as_str(),
        action: c.action.as_str(),
        retry_after: c.retry_after,
        suppress: c.suppress,
        fault: c.fault.as_str(),
        provider: c.provider,
        text,
    }
}
