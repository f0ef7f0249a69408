//! `smtpcodes`: classify SMTP replies and explain reply codes from the command line.

/// jemalloc rather than the C library's allocator: in a parallel scan most strings are made on
/// one thread and freed on another, which glibc's arenas serve through their locks
/// (`perf record`: malloc and free were most of the extra time two threads took over one).
/// `make bench-scan` measures the scan with it.
#[cfg(unix)]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod filter;
mod scan;
use serde::Deserialize;
use serde_json::Value;
use smtpcodes::{Command, Reply};

#[derive(Parser)]
#[command(
    name = "smtpcodes",
    version,
    about = "Understands SMTP replies: retry or give up, suppress or not, whose problem it is."
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Classify one reply: `smtpcodes classify 550 "5.1.1 User unknown"`, or, with no
    /// arguments, one JSON object per line on stdin (`{"code": 550, "text": "..."}`; also
    /// `command` and `host`) to one classification per line on stdout.
    Classify {
        /// The basic reply code (`550`); `-` or empty when the text carries it.
        code: Option<String>,
        /// The reply text.
        text: Option<String>,
        /// The SMTP command the reply answered (`RCPT TO`, `DATA`, ...).
        #[arg(long)]
        command: Option<String>,
        /// The remote host or recipient domain.
        #[arg(long)]
        host: Option<String>,
        /// Print a few readable lines instead of JSON.
        #[arg(long)]
        human: bool,
    },
    /// Scan bounce emails, mbox files, Maildirs and mail logs (Postfix, Exim, Sendmail; plain
    /// or gzip), recognised by content, and report on every message and recipient. Every input is
    /// read or named on stderr with the reason it was skipped; a summary of what was skipped
    /// ends every run (on stderr with --format json or csv).
    #[command(after_help = scan::EXIT_STATUS)]
    Scan {
        /// Files or directories; `-` reads standard input (plain or gzip), as in
        /// `journalctl -u postfix | smtpcodes scan -`.
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// Threads that read and classify (default: the machine's cores). The output is the
        /// same, in the same order, for any number.
        #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: Option<u16>,
        /// Write the results to this file (created or replaced) instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
        /// Keep results at or after this time: `2026-11-23`, `2026-11-23 04:00` (the log's own
        /// clock) or `2026-11-23T04:00:00Z` (an instant). Results with no time are left out.
        #[arg(long, value_name = "TIME", value_parser = filter::parse_bound)]
        since: Option<filter::Bound>,
        /// Keep results before this time (written as for --since).
        #[arg(long, value_name = "TIME", value_parser = filter::parse_bound)]
        until: Option<filter::Bound>,
        /// Keep results of these reasons (repeat the flag or separate with commas).
        #[arg(long, value_name = "REASON", value_delimiter = ',', value_parser = filter::parse_reason)]
        reason: Vec<smtpcodes::Reason>,
        /// Keep results from these providers (`gmail`, `microsoft`, ...; repeat or use commas).
        #[arg(long, value_name = "PROVIDER", value_delimiter = ',', value_parser = filter::parse_provider)]
        provider: Vec<String>,
        /// Keep results for recipients in these domains or their subdomains (repeat or use
        /// commas).
        #[arg(long, value_name = "DOMAIN", value_delimiter = ',', value_parser = filter::parse_domain)]
        domain: Vec<String>,
        /// `text`: a summary for a person; `html`: the same summary as one self-contained web
        /// page; `json` or `csv`: one record per result (see --by).
        #[arg(long, value_enum, default_value = "text")]
        format: scan::Format,
        /// How many rows each table of the summary shows.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// What one result is about: `message` (a log's lines joined by queue id into
        /// attempts, outcome and the deciding reply; one per bounce email), `recipient` (each
        /// recipient of a message) or `line` (each delivery line as it stands). Default:
        /// message for logs, recipient for emails.
        #[arg(long, value_enum, value_name = "UNIT")]
        by: Option<scan::By>,
        #[command(flatten)]
        limits: scan::LimitArgs,
    },
    /// Read a bounce email (a DSN or another MTA's report) and classify each recipient.
    Bounce {
        /// The email file (`.eml`).
        file: std::path::PathBuf,
    },
    /// Read an email service's webhook body (SES/SNS, SendGrid, Mailgun, Postmark, SparkPost,
    /// Mailjet, Brevo, Resend, Mandrill, Postal) from a file, or from stdin when the file is `-`
    /// or not given, and print one classified event per recipient as JSON.
    Webhook {
        /// The file holding the request body.
        file: Option<std::path::PathBuf>,
    },
    /// Explain a basic (`421`) or an enhanced (`5.1.1`) code: its meaning, causes, checks to
    /// run, retry and related codes. Given two codes (`explain 421 521`), the two side by side
    /// and their key differences.
    Explain {
        /// One code, or two to compare.
        #[arg(required = true, num_args = 1..=2)]
        codes: Vec<String>,
        /// `text`: for a person; `json`: the entry (or, for two codes, the comparison) as JSON.
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Measure agreement with a labelled corpus: JSON Lines with `code`, `text`, optional
    /// `command` and `host`, and `accept` (the reasons that count as agreeing).
    Measure {
        /// The corpus file.
        corpus: std::path::PathBuf,
        /// Read each record's bounce email (its `file`, in this folder) with `parse_bounce`
        /// and measure the recipients found (the number after `#` in `id` is the recipient's
        /// position) and their reasons, instead of classifying `text`.
        #[arg(long)]
        emails: Option<std::path::PathBuf>,
        /// Also print every reply whose reason is not accepted.
        #[arg(long)]
        misses: bool,
    },
}

/// Prints the share of labelled recipients that `parse_bounce` finds in their bounce emails,
/// and the share whose reason is accepted.
fn measure_emails(path: &std::path::Path, dir: &std::path::Path, misses: bool) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("smtpcodes: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let mut reports: std::collections::HashMap<
        String,
        Result<smtpcodes::BounceReport, smtpcodes::Error>,
    > = std::collections::HashMap::new();
    let (mut total, mut found, mut agree) = (0u32, 0u32, 0u32);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(record) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let (Some(file), Some(id)) = (record["file"].as_str(), record["id"].as_str()) else {
            continue;
        };
        let position: usize = id
            .rsplit('#')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let report =
            reports
                .entry(file.to_owned())
                .or_insert_with(|| match std::fs::read(dir.join(file)) {
                    Ok(bytes) => smtpcodes::parse_bounce(&bytes),
                    Err(_) => Err(smtpcodes::Error::NotABounce {
                        what: smtpcodes::NotABounceWhat::NotAnEmail,
                    }),
                });
        total += 1;
        let recipient = report
            .as_ref()
            .ok()
            .and_then(|r| r.recipients.get(position - 1));
        let Some(recipient) = recipient else {
            if misses {
                let why = match report {
                    Ok(r) => format!("{} recipients found", r.recipients.len()),
                    Err(e) => e.to_string(),
                };
                println!("not found {id}: {why}");
            }
            continue;
        };
        found += 1;
        let reason = recipient.classification.reason.as_str();
        if record["accept"]
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r.as_str() == Some(reason)))
        {
            agree += 1;
        } else if misses {
            println!(
                "miss {id}: labelled {}, classified {reason} ({}) from {:.160}",
                record["accept"], recipient.classification.matched, recipient.diagnostic
            );
        }
    }
    let pct = |n: u32| {
        if total == 0 {
            0.0
        } else {
            f64::from(n) * 100.0 / f64::from(total)
        }
    };
    println!(
        "{found} of {total} labelled recipients found ({:.1}%)",
        pct(found)
    );
    println!(
        "{agree} of {total} recipients' reasons agree ({:.1}%)",
        pct(agree)
    );
    ExitCode::SUCCESS
}

/// Prints the share of a labelled corpus whose reason is accepted.
fn measure(path: &std::path::Path, misses: bool) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("smtpcodes: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let (mut total, mut agree) = (0u32, 0u32);
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let record: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("smtpcodes: {}:{}: {e}", path.display(), n + 1);
                return ExitCode::from(2);
            }
        };
        let command = record["command"].as_str().and_then(Command::recognize);
        let Ok(reply) = Reply::new(record["text"].as_str().unwrap_or(""))
            .maybe_code(code_of(&record["code"]).ok().flatten())
        else {
            continue;
        };
        let c = reply
            .maybe_command(command)
            .maybe_host(record["host"].as_str())
            .classify();
        total += 1;
        let accepted = record["accept"]
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r.as_str() == Some(c.reason.as_str())));
        if accepted {
            agree += 1;
        } else if misses {
            println!(
                "miss {}: labelled {}, classified {} ({})",
                record["id"], record["accept"], c.reason, c.matched
            );
        }
    }
    let share = if total == 0 {
        0.0
    } else {
        f64::from(agree) * 100.0 / f64::from(total)
    };
    println!("{agree} of {total} replies agree ({share:.1}%)");
    ExitCode::SUCCESS
}

/// One line of `classify` input on stdin.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(default)]
    code: Value,
    #[serde(default)]
    text: String,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    host: Option<String>,
    /// Copied to the output unchanged, to pair answers with inputs.
    #[serde(default)]
    id: Value,
}

fn code_of(value: &Value) -> Result<Option<u16>, smtpcodes::Error> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => smtpcodes::parse_code(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => smtpcodes::check_code(i).map(Some),
            None => smtpcodes::check_code_number(n.as_f64().unwrap_or(f64::NAN)).map(Some),
        },
        other => Err(smtpcodes::Error::InvalidCode {
            input: other.to_string(),
        }),
    }
}

fn classify_one(
    code: &Value,
    text: &str,
    command: Option<&str>,
    host: Option<&str>,
) -> Result<smtpcodes::Classification, smtpcodes::Error> {
    let command = match command {
        Some(c) => Command::parse_hint(c)?,
        None => None,
    };
    Ok(Reply::new(text)
        .maybe_code(code_of(code)?)?
        .maybe_command(command)
        .maybe_host(host)
        .classify())
}

fn error_json(e: &smtpcodes::Error) -> Value {
    serde_json::json!({ "error": { "kind": e.kind(), "message": e.to_string() } })
}

/// Classifies JSON Lines from stdin; a bad line gets an error object, never stops the stream.
fn classify_stream() -> ExitCode {
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for (n, line) in stdin.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("smtpcodes: reading stdin: {e}");
                return ExitCode::FAILURE;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Line>(&line) {
            Ok(input) => {
                let mut v = match classify_one(
                    &input.code,
                    &input.text,
                    input.command.as_deref(),
                    input.host.as_deref(),
                ) {
                    Ok(c) => serde_json::to_value(&c).unwrap_or(Value::Null),
                    Err(e) => error_json(&e),
                };
                if !input.id.is_null() {
                    v["id"] = input.id;
                }
                v
            }
            Err(e) => {
                serde_json::json!({ "error": { "kind": "invalid_json", "message": format!("line {}: {e}", n + 1) } })
            }
        };
        if writeln!(out, "{answer}").is_err() {
            return ExitCode::SUCCESS; // the reader went away (`| head`)
        }
    }
    ExitCode::SUCCESS
}

#[allow(clippy::too_many_lines, reason = "one arm per subcommand")]
fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Classify {
            code: None,
            text: None,
            ..
        } => classify_stream(),
        Cmd::Classify {
            code,
            text,
            command,
            host,
            human,
        } => {
            let code = match code.as_deref() {
                None | Some("-") => Value::Null,
                Some(c) => Value::String(c.to_owned()),
            };
            match classify_one(
                &code,
                text.as_deref().unwrap_or(""),
                command.as_deref(),
                host.as_deref(),
            ) {
                Ok(c) if human => {
                    println!(
                        "{} {}: {}",
                        c.code.map_or("---".to_owned(), |c| c.to_string()),
                        c.title,
                        c.text
                    );
                    println!("reason   {} ({})", c.reason, c.matched);
                    println!(
                        "action   {}{}",
                        c.action,
                        c.retry_after
                            .map_or(String::new(), |s| format!(" after {s} s"))
                    );
                    println!(
                        "bounce   {}{}",
                        c.bounce,
                        if c.suppress {
                            ", suppress the address"
                        } else {
                            ""
                        }
                    );
                    println!(
                        "fault    {}{}",
                        c.fault,
                        c.provider
                            .map_or(String::new(), |p| format!(" (provider {p})"))
                    );
                    println!("advice   {}", c.advice);
                    ExitCode::SUCCESS
                }
                Ok(c) => {
                    println!("{}", serde_json::to_string_pretty(&c).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("smtpcodes: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Cmd::Measure {
            corpus,
            emails: None,
            misses,
        } => measure(&corpus, misses),
        Cmd::Measure {
            corpus,
            emails: Some(dir),
            misses,
        } => measure_emails(&corpus, &dir, misses),
        Cmd::Scan {
            paths,
            jobs,
            output,
            since,
            until,
            reason,
            provider,
            domain,
            format,
            top,
            by,
            limits,
        } => {
            let options = scan::Options {
                format,
                top,
                by,
                limits: limits.limits(),
                filter: filter::Filter {
                    since,
                    until,
                    reasons: reason,
                    providers: provider,
                    domains: domain,
                },
                output,
                jobs: jobs.map_or_else(
                    || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
                    usize::from,
                ),
            };
            match scan::run(&paths, &options) {
                Ok(scan::Outcome::AllRead) => ExitCode::SUCCESS,
                Ok(scan::Outcome::Skipped | scan::Outcome::NothingRead) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("smtpcodes: writing the output: {e}");
                    ExitCode::from(3)
                }
            }
        }
        Cmd::Bounce { file } => {
            let limits = smtpcodes::Limits::DEFAULT;
            let shown = scan::shown(&file);
            let bytes = scan::open_regular(&file)
                .and_then(|(mut f, _)| scan::read_email(&mut f, limits.max_email_bytes));
            let parsed = match bytes {
                Ok(Some(bytes)) => smtpcodes::parse_bounce_with(&bytes, &limits),
                Ok(None) => Err(smtpcodes::Error::TooLarge {
                    limit: "max_email_bytes",
                    max: limits.max_email_bytes,
                }),
                Err(e) => {
                    eprintln!("smtpcodes: {shown}: {e}");
                    return ExitCode::from(2);
                }
            };
            match parsed {
                Ok(report) => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&report).unwrap_or_default()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("smtpcodes: {shown}: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Cmd::Webhook { file } => webhook(file.as_deref()),
        Cmd::Explain { codes, format } => explain(&codes, format),
    }
}

/// How `smtpcodes explain` prints.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ExplainFormat {
    /// For a person: one entry, or two side by side with their differences.
    Text,
    /// The entry, or the comparison, as JSON.
    Json,
}

/// `smtpcodes explain CODE [CODE]`.
fn explain(codes: &[String], format: ExplainFormat) -> ExitCode {
    let printed =
        match (codes, format) {
            ([one], ExplainFormat::Json) => smtpcodes::explain(one)
                .map(|e| serde_json::to_string_pretty(&e).unwrap_or_default()),
            ([one], ExplainFormat::Text) => smtpcodes::explain(one).map(|e| explain_text(&e)),
            ([a, b, ..], ExplainFormat::Json) => smtpcodes::compare(a, b)
                .map(|c| serde_json::to_string_pretty(&c).unwrap_or_default()),
            ([a, b, ..], ExplainFormat::Text) => smtpcodes::compare(a, b).map(|c| compare_text(&c)),
            ([], _) => Ok(String::new()),
        };
    match printed {
        Ok(text) => {
            println!("{}", text.trim_end());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("smtpcodes: {e}");
            ExitCode::from(2)
        }
    }
}

/// Folds `text` to lines of at most `width` characters, each begun with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(format!("{indent}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

/// A list item: `  - ` and the text folded under it.
fn bullet(out: &mut String, text: &str) {
    for (i, line) in wrap(text, 74, "    ").into_iter().enumerate() {
        if i == 0 {
            out.push_str("  - ");
            out.push_str(line.trim_start());
        } else {
            out.push_str(&line);
        }
        out.push('\n');
    }
}

fn explain_text(e: &smtpcodes::Explanation) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{} {} ({}, {})", e.code, e.title, e.severity, e.kind);
    if !e.source.is_empty() {
        let _ = writeln!(out, "source: {}", e.source);
    }
    let mut section = |name: &str, body: &str| {
        if !body.is_empty() {
            let _ = writeln!(out, "\n{name}");
            for l in wrap(body, 76, "  ") {
                let _ = writeln!(out, "{l}");
            }
        }
    };
    section("Meaning", e.description);
    section("When you see it", e.when);
    section("What to do", e.fix);
    if let Some(r) = e.retry {
        section(&format!("Retry: {}", r.kind), r.text);
    }
    if !e.causes.is_empty() {
        let _ = writeln!(out, "\nCauses");
        for c in e.causes {
            bullet(&mut out, &format!("{}: {}", c.title, c.text));
        }
    }
    if !e.checks.is_empty() {
        let _ = writeln!(out, "\nChecks");
        for c in e.checks {
            bullet(&mut out, c.text);
            if let Some(cmd) = c.command {
                let _ = writeln!(out, "      $ {cmd}");
            }
        }
    }
    if !e.related.is_empty() {
        let _ = writeln!(out, "\nOften confused with: {}", e.related.join(", "));
    }
    out
}

fn compare_text(c: &smtpcodes::Comparison) -> String {
    use std::fmt::Write as _;
    const COLUMN: usize = 36;
    let mut out = String::new();
    let (a, b) = (&c.a, &c.b);
    let _ = writeln!(out, "{} vs {}\n", a.code, b.code);
    let rows: [(&str, String, String); 7] = [
        (
            "",
            format!("{} {}", a.code, a.title),
            format!("{} {}", b.code, b.title),
        ),
        ("class", a.severity.to_string(), b.severity.to_string()),
        (
            "retry",
            a.retry.map_or("by class".to_owned(), |r| r.kind.to_owned()),
            b.retry.map_or("by class".to_owned(), |r| r.kind.to_owned()),
        ),
        ("who", a.who.join(", "), b.who.join(", ")),
        ("seen", a.seen.join(", "), b.seen.join(", ")),
        (
            "meaning",
            a.description.to_owned(),
            b.description.to_owned(),
        ),
        ("when", a.when.to_owned(), b.when.to_owned()),
    ];
    for (label, left, right) in rows {
        let left = wrap(&left, COLUMN, "");
        let right = wrap(&right, COLUMN, "");
        for i in 0..left.len().max(right.len()) {
            let line = format!(
                "{:<8} {:<width$}  {}",
                if i == 0 { label } else { "" },
                left.get(i).map_or("", String::as_str),
                right.get(i).map_or("", String::as_str),
                width = COLUMN
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    let _ = writeln!(out, "\nDifferences");
    for d in &c.differences {
        let mut lines = wrap(&d.text, 70, "       ").into_iter();
        if let Some(first) = lines.next() {
            let _ = writeln!(out, "  {:<7}{}", d.aspect, first.trim_start());
        }
        for l in lines {
            let _ = writeln!(out, "  {l}");
        }
    }
    if !c.common.is_empty() {
        let _ = writeln!(out, "\nIn common");
        for s in &c.common {
            bullet(&mut out, s);
        }
    }
    let _ = writeln!(
        out,
        "\nFor causes and checks: smtpcodes explain {} / smtpcodes explain {}",
        a.code, b.code
    );
    out
}

/// `smtpcodes webhook`: the body is read whole, up to the webhook size limit (one byte more is
/// read, so that a larger body is refused rather than cut).
fn webhook(file: Option<&std::path::Path>) -> ExitCode {
    use std::io::Read;
    let limit = smtpcodes::webhook::MAX_WEBHOOK_BYTES;
    let (shown, read) = match file.filter(|f| f.as_os_str() != "-") {
        Some(path) => (
            scan::shown(path),
            std::fs::File::open(path).and_then(|f| {
                let mut body = Vec::new();
                f.take(limit as u64 + 1)
                    .read_to_end(&mut body)
                    .map(|_| body)
            }),
        ),
        None => ("stdin".to_owned(), {
            let mut body = Vec::new();
            std::io::stdin()
                .take(limit as u64 + 1)
                .read_to_end(&mut body)
                .map(|_| body)
        }),
    };
    let body = match read {
        Ok(body) => body,
        Err(e) => {
            eprintln!("smtpcodes: {shown}: {e}");
            return ExitCode::from(2);
        }
    };
    match smtpcodes::parse_webhook(&body) {
        Ok(hook) => {
            use std::io::Write;
            let json = serde_json::to_string_pretty(&hook).unwrap_or_default();
            match writeln!(std::io::stdout().lock(), "{json}") {
                // A reader that stopped early (`| head`) is not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("smtpcodes: writing the output: {e}");
                    ExitCode::from(3)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("smtpcodes: {shown}: {e}");
            ExitCode::from(2)
        }
    }
}
