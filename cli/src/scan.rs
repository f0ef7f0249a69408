//! `smtpcodes scan PATH...`: bounce emails, mbox files, Maildirs and mail logs (plain or gzip),
//! recognised by content, read as streams, summarised for a person or written out one record
//! per recipient for other tools.
//!
//! Nothing is lost without a word: every input is either read or named on stderr with the
//! reason, a summary of what was skipped ends every run, and the exit status says whether an
//! input could not be read. Every line and every email is read within the [`Limits`]; an
//! over-long one is drained without being stored and reported as `too_large`, never cut.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs::{self, File, Metadata};
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use flate2::read::MultiGzDecoder;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use smtpcodes::logs::{
    parse_message_line, read_line_capped, MessageLine, OwnedLogRecord, OwnedMessageInfo,
};
use smtpcodes::messages::{JoinStats, Joiner, Message, Outcome as Fate, RecipientState};
use smtpcodes::{Action, Classification, DsnAction, Limits, RetryDecision, RetryPolicy};

use crate::filter::{hour_key, Filter};

mod html;
mod report;

/// How `scan` writes its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A summary for a person: counts, top domains and providers, addresses to suppress.
    Text,
    /// One JSON object per result (JSON Lines): per message, recipient or line (`--by`).
    Json,
    /// One CSV row per result, with a header row.
    Csv,
    /// The summary as one self-contained HTML page (inline CSS and SVG charts, no network).
    Html,
}

/// What one result of `scan` is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// One result per message: a log's lines joined by queue id (Exim: message id) into
    /// attempts, first and last seen, the final outcome and the reply that decided it; one per
    /// bounce email. The default for logs.
    Message,
    /// One result per recipient of a message: a log's lines joined as for `message`, each
    /// recipient with its own attempts and last reply; one per recipient of a bounce email.
    /// The default for emails.
    Recipient,
    /// One result per recipient of each delivery line of a log, as the line says it (an email
    /// has no lines: per recipient).
    Line,
}

/// What `--help` says about the exit status of `scan`.
pub const EXIT_STATUS: &str = "\
Exit status:
  0  every input was read. Emails that are not bounces, and files of no known kind found
     inside a folder, are listed in the summary but are not errors.
  1  some input was skipped: unreadable (permissions, a broken gzip stream), not a regular
     file (a FIFO, a device, a socket), a symbolic link leading out of the folder given, an
     email or a line over a limit (too_large), or a file named on the command line that is of
     no known kind. Each one is named on stderr with the reason; the rest was read. When
     nothing at all could be read, no summary is written.
  2  usage error (bad arguments).
  3  the output could not be written (a reader that stops early, as `| head` does, is not
     an error: the scan ends quietly with the status it had).

Every line of a mailbox or a log, and every email, is read within the --max-* limits; an
over-long one is skipped whole and reported as too_large, never cut. Symbolic links are
followed only inside the folder given, and each file is read once. CSV cells that begin with
=, +, -, @, ', a tab or a carriage return get a leading ' so that a spreadsheet does not run
them as formulas; file names with control characters are written escaped (\\n, \\x1b, \\\\).";

/// The resource bounds of a scan, as command-line flags (the defaults are
/// [`Limits::DEFAULT`]'s).
#[derive(Debug, Clone, clap::Args)]
#[allow(
    clippy::struct_field_names,
    reason = "named as the fields of `Limits` and the flags"
)]
pub struct LimitArgs {
    /// The largest email read, in bytes (64 MiB; K, M and G suffixes count in 1024s). A larger
    /// one is skipped and reported as `too_large`.
    #[arg(long, value_name = "BYTES", value_parser = parse_size,
          default_value_t = Limits::DEFAULT.max_email_bytes)]
    max_email_bytes: usize,
    /// The longest line of a mailbox or a log, in bytes (1 MiB). A longer line is skipped and
    /// reported as `too_large` (in a mailbox, with the email it is in).
    #[arg(long, value_name = "BYTES", value_parser = parse_size,
          default_value_t = Limits::DEFAULT.max_line_bytes)]
    max_line_bytes: usize,
    /// The largest header block of an email, in bytes (1 MiB).
    #[arg(long, value_name = "BYTES", value_parser = parse_size,
          default_value_t = Limits::DEFAULT.max_header_bytes)]
    max_header_bytes: usize,
    /// The most MIME parts in an email.
    #[arg(long, value_name = "N", value_parser = parse_size,
          default_value_t = Limits::DEFAULT.max_parts)]
    max_parts: usize,
    /// The deepest nesting of MIME parts in an email.
    #[arg(long, value_name = "N", value_parser = parse_size,
          default_value_t = Limits::DEFAULT.max_depth)]
    max_depth: usize,
    /// The most recipients one bounce may report.
    #[arg(long, value_name = "N", value_parser = parse_size,
          default_value_t = Limits::DEFAULT.max_recipients)]
    max_recipients: usize,
}

impl LimitArgs {
    /// The limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            max_email_bytes: self.max_email_bytes,
            max_header_bytes: self.max_header_bytes,
            max_parts: self.max_parts,
            max_depth: self.max_depth,
            max_recipients: self.max_recipients,
            max_line_bytes: self.max_line_bytes,
        }
    }
}

/// A positive whole number, optionally with a K, M or G suffix (powers of 1024; `KiB`, `MB`
/// and the like are accepted too).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, suffix) = s.split_at(digits);
    let scale: u32 = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 1,
        "m" | "mb" | "mib" => 2,
        "g" | "gb" | "gib" => 3,
        other => return Err(format!("unknown size suffix {other:?}: use K, M or G")),
    };
    let n: usize = number
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number"))?;
    let n = 1024usize
        .checked_pow(scale)
        .and_then(|f| n.checked_mul(f))
        .ok_or_else(|| format!("{s:?} is too large"))?;
    if n == 0 {
        return Err("a limit must be at least 1".to_owned());
    }
    Ok(n)
}

/// What `scan` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// How results are written.
    pub format: Format,
    /// Rows per table of the text summary.
    pub top: usize,
    /// The bounds of every email and line read.
    pub limits: Limits,
    /// Which results count (in the output and in the summary).
    pub filter: Filter,
    /// Where results go: a file (created or truncated), else stdout.
    pub output: Option<PathBuf>,
    /// Threads that classify (1: all on this one). The output is the same for any number.
    pub jobs: usize,
    /// The unit of a result; `None`: per message for logs, per recipient for emails.
    pub by: Option<By>,
}

/// How a scan ended, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every input was read (exit status 0).
    AllRead,
    /// Some input could not be read; each was named on stderr (exit status 1).
    Skipped,
    /// No input could be read at all; each was named on stderr, and no summary was written
    /// (exit status 1).
    NothingRead,
}

/// One result, about a message, a recipient or a log line's recipient (`unit`): what JSON and
/// CSV output carry. The classification is the one of the reply that decided the result.
#[derive(Debug, Serialize)]
struct Row<'a> {
    source: Cow<'a, str>,
    /// The line number in a log (of the result's last line; a message's first line), the
    /// message number in an mbox, none for a single email.
    position: Option<u64>,
    kind: &'static str,
    /// `message`, `recipient` or `line`.
    unit: By,
    /// The queue id (Postfix, Sendmail) or message id (Exim) of a log's message.
    queue_id: Option<Cow<'a, str>>,
    /// The Message-ID header, without angle brackets, when a line of the log names it.
    message_id: Option<Cow<'a, str>>,
    /// The envelope sender (empty for the null sender), when a line of the log names it.
    sender: Option<Cow<'a, str>>,
    /// The recipient (of a message: the one whose reply decided its outcome).
    recipient: Cow<'a, str>,
    /// The recipients the result covers: a message's, else 1.
    recipients: usize,
    /// The DSN action of an email (`failed`, `delayed`) or the status of a log line (`bounced`).
    status: Cow<'a, str>,
    /// `delivered`, `bounced`, `expired` or `deferred` (still in the queue at the last line).
    outcome: &'static str,
    /// Delivery attempts: lines read for the recipient (a message: the most of any recipient).
    attempts: u32,
    /// The time of the message's first line, as written.
    first_seen: Option<Cow<'a, str>>,
    /// The time of the result's last line, as written (an email: its last attempt).
    timestamp: Option<Cow<'a, str>>,
    /// Seconds from `first_seen` to `timestamp`, when both can be read.
    elapsed: Option<u64>,
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
    /// Which rule decided the reason.
    matched: Cow<'a, str>,
    /// What the default `RetryPolicy` decides now, given the attempts and the elapsed time
    /// (`retry`, `bounce` or `none`); log messages and recipients only.
    decision: Option<&'static str>,
    /// Seconds until the next attempt when `decision` is `retry`.
    decision_after: Option<u32>,
    text: Cow<'a, str>,
    /// How the result counts in the delivered / deferred / bounced tables.
    #[serde(skip)]
    counts_as: Action,
}

impl Row<'_> {
    /// The row with every cell that a spreadsheet would run as a formula made inert.
    fn defused(&self) -> Row<'_> {
        fn opt<'b>(v: Option<&'b Cow<'_, str>>) -> Option<Cow<'b, str>> {
            v.map(|v| defuse(v))
        }
        Row {
            source: defuse(&self.source),
            position: self.position,
            kind: self.kind,
            unit: self.unit,
            queue_id: opt(self.queue_id.as_ref()),
            message_id: opt(self.message_id.as_ref()),
            sender: opt(self.sender.as_ref()),
            recipient: defuse(&self.recipient),
            recipients: self.recipients,
            status: defuse(&self.status),
            outcome: self.outcome,
            attempts: self.attempts,
            first_seen: opt(self.first_seen.as_ref()),
            timestamp: opt(self.timestamp.as_ref()),
            elapsed: self.elapsed,
            code: self.code,
            enhanced: self.enhanced.clone(),
            severity: self.severity,
            reason: self.reason,
            bounce: self.bounce,
            action: self.action,
            retry_after: self.retry_after,
            suppress: self.suppress,
            fault: self.fault,
            provider: self.provider,
            matched: defuse(&self.matched),
            decision: self.decision,
            decision_after: self.decision_after,
            text: defuse(&self.text),
            counts_as: self.counts_as,
        }
    }
}

/// A CSV cell that begins with `=`, `+`, `-` or `@` (or a tab or a carriage return) is a
/// formula to a spreadsheet (Excel, Google Sheets and others): OWASP's advice is to prefix it
/// with a single quote, which makes the spreadsheet show it as text. A cell that already
/// begins with a quote gets one too, so that removing one leading quote from every cell that
/// has one gives back exactly what was read.
fn defuse(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A file name as it can be shown on a terminal or written to a CSV cell: control characters
/// (`\n`, `\x1b`, ...), Unicode direction overrides and bytes that are not UTF-8 (`\xff`) are
/// escaped, and so is the backslash itself (`\\`), so that the name cannot rewrite what the
/// reader sees and different names never look the same.
pub fn shown(path: &Path) -> String {
    escape(path.as_os_str().as_encoded_bytes())
}

/// The invisible marks that reorder text on screen (the "Trojan Source" characters).
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// [`shown`] for any bytes.
fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_ascii_control() => {
                    let _ = write!(out, "\\x{:02x}", u32::from(c));
                }
                c if c.is_control() || is_direction_mark(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    files: u64,
    emails: u64,
    log_lines: u64,
    results: u64,
    /// Results the filters left out.
    filtered: u64,
    by_reason: BTreeMap<&'static str, u64>,
    by_action: BTreeMap<&'static str, u64>,
    by_fault: BTreeMap<&'static str, u64>,
    /// Addresses to stop mailing, with the reason and code that condemned them.
    suppress: BTreeMap<String, (&'static str, String)>,
    /// Delivered, deferred and bounced results per provider and per recipient domain (the
    /// tables of providers and of failing domains are read from them too).
    outcomes_by_provider: BTreeMap<&'static str, Outcomes>,
    outcomes_by_domain: HashMap<String, Outcomes>,
    /// Deferred attempts, and all attempts, per hour (`11-23 04:00`) of the lines' own clock.
    by_hour: BTreeMap<String, (u64, u64)>,
    /// Results per unit (`message`, `recipient`, `line`).
    by_unit: BTreeMap<By, u64>,
    /// Results not delivered per provider and reason.
    failed_by_provider: BTreeMap<(&'static str, &'static str), u64>,
    /// The replies of results not delivered, by reason and deciding rule.
    replies: Replies,
    /// Messages of a log handed out before their last line, to keep within the joiner's
    /// bounds.
    flushed_early: u64,
    /// Messages of a log with no delivery result in it (received, never attempted).
    without_delivery: u64,
}

/// The most groups of (reason, deciding rule) that the summary keeps apart; replies of
/// further groups are counted under their reason as `(other rules)`.
const MAX_REPLY_GROUPS: usize = 4096;

/// The longest example text kept per group, in characters (a longer one is shown shortened,
/// ending in `...`).
const EXAMPLE_CHARS: usize = 160;

/// Replies grouped by reason and by the rule that decided them.
#[derive(Default)]
struct Replies {
    groups: BTreeMap<&'static str, BTreeMap<String, Example>>,
    count: usize,
}

/// How many replies a group holds, and its first one's code and text.
#[derive(Clone)]
struct Example {
    replies: u64,
    code: String,
    text: String,
}

impl Replies {
    fn add(&mut self, reason: &'static str, matched: &str, c: &Classification, text: &str) {
        let full = self.count >= MAX_REPLY_GROUPS;
        let group = self.groups.entry(reason).or_default();
        if let Some(e) = group.get_mut(matched) {
            e.replies += 1;
            return;
        }
        let key = if full { "(other rules)" } else { matched };
        if let Some(e) = group.get_mut(key) {
            e.replies += 1;
            return;
        }
        let text = match text.char_indices().nth(EXAMPLE_CHARS) {
            Some((at, _)) => format!("{}...", &text[..at]),
            None => text.to_owned(),
        };
        group.insert(
            key.to_owned(),
            Example {
                replies: 1,
                code: code_of(c),
                text,
            },
        );
        self.count += 1;
    }

    fn merge(&mut self, other: Replies) {
        for (reason, groups) in other.groups {
            for (matched, e) in groups {
                let full = self.count >= MAX_REPLY_GROUPS;
                let mine = self.groups.entry(reason).or_default();
                if let Some(m) = mine.get_mut(&matched) {
                    m.replies += e.replies;
                } else if full {
                    mine.entry("(other rules)".to_owned())
                        .or_insert_with(|| Example {
                            replies: 0,
                            ..e.clone()
                        })
                        .replies += e.replies;
                } else {
                    mine.insert(matched, e);
                    self.count += 1;
                }
            }
        }
    }
}

/// Delivered, deferred and bounced results of one provider or domain.
#[derive(Default, Clone, Copy)]
struct Outcomes {
    delivered: u64,
    deferred: u64,
    bounced: u64,
}

impl Outcomes {
    fn add(&mut self, action: Action) {
        match action {
            Action::None => self.delivered += 1,
            Action::Retry => self.deferred += 1,
            Action::Bounce => self.bounced += 1,
        }
    }

    fn merge(&mut self, other: Outcomes) {
        self.delivered += other.delivered;
        self.deferred += other.deferred;
        self.bounced += other.bounced;
    }

    fn total(self) -> u64 {
        self.delivered + self.deferred + self.bounced
    }
}

/// Why an input was not read, or not read as a bounce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// It could not be opened, listed or read to the end.
    Unreadable,
    /// A FIFO, a device or a socket: never opened.
    NotRegular,
    /// A symbolic link whose target is outside the folder given: not followed.
    OutOfTree,
    /// Over one of the [`Limits`].
    TooLarge,
    /// Not an email, an mbox or a mail log.
    NoKnownKind,
    /// A bug in the reader, contained.
    Internal,
    /// An email that reports no delivery failure (the `what` of `not_a_bounce`).
    NotABounce(&'static str),
    /// A dot file or folder.
    Hidden,
    /// A Maildir's `tmp`: mail still being delivered.
    MaildirTmp,
    /// Another name for a file or folder already read.
    ReadOnce,
}

impl Cause {
    fn label(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Cause::Unreadable => "unreadable",
            Cause::NotRegular => "not a regular file",
            Cause::OutOfTree => "link out of the folder",
            Cause::TooLarge => "too_large",
            Cause::NoKnownKind => "no known kind",
            Cause::Internal => "internal error",
            Cause::NotABounce(what) => {
                return Cow::Owned(format!("not a bounce ({})", what.replace('_', " ")))
            }
            Cause::Hidden => "hidden",
            Cause::MaildirTmp => "Maildir tmp",
            Cause::ReadOnce => "already read",
        })
    }
}

/// The most skipped inputs the summary lists by name, of errors and of the rest each; every
/// one of them is named on stderr as it is skipped.
const LISTED: usize = 50;

/// What was skipped, named on stderr as it happens and summarised at the end.
#[derive(Default)]
struct Skips {
    error_counts: BTreeMap<Cow<'static, str>, u64>,
    note_counts: BTreeMap<Cow<'static, str>, u64>,
    errors: Vec<String>,
    notes: Vec<String>,
    progress: Option<ProgressBar>,
}

impl Skips {
    /// Records a skipped input: `error` when it means data went unread (exit status 1).
    fn add(&mut self, name: &str, cause: Cause, error: bool, detail: &str) {
        let label = cause.label();
        let item = if detail.is_empty() {
            format!("{name}: {label}")
        } else {
            format!("{name}: {label}: {detail}")
        };
        let say = || {
            let _ = writeln!(io::stderr().lock(), "smtpcodes: {item}");
        };
        match &self.progress {
            Some(bar) => bar.suspend(say),
            None => say(),
        }
        let (counts, list) = if error {
            (&mut self.error_counts, &mut self.errors)
        } else {
            (&mut self.note_counts, &mut self.notes)
        };
        *counts.entry(label).or_default() += 1;
        if list.len() < LISTED {
            list.push(item);
        }
    }

    fn error_total(&self) -> u64 {
        self.error_counts.values().sum()
    }

    fn note_total(&self) -> u64 {
        self.note_counts.values().sum()
    }

    /// The summary line: how many were skipped, why, and what it does to the exit status.
    fn summary(&self) -> String {
        let (errors, notes) = (self.error_total(), self.note_total());
        let counts = |map: &BTreeMap<Cow<'static, str>, u64>| {
            map.iter()
                .map(|(label, n)| format!("{label} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (errors, notes) {
            (0, 0) => "Nothing was skipped.".to_owned(),
            (0, _) => format!(
                "Skipped {notes}, none of them an error: {}.",
                counts(&self.note_counts)
            ),
            (_, 0) => format!(
                "Skipped {errors}, not read (exit status 1): {}.",
                counts(&self.error_counts)
            ),
            _ => format!(
                "Skipped {}: {errors} not read (exit status 1): {}; {notes} not errors: {}.",
                errors + notes,
                counts(&self.error_counts),
                counts(&self.note_counts)
            ),
        }
    }

    /// The skipped inputs by name, errors first, at most [`LISTED`] of each.
    fn listing(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (list, total) in [
            (&self.errors, self.error_total()),
            (&self.notes, self.note_total()),
        ] {
            lines.extend(list.iter().map(|item| format!("  {item}")));
            let more = total.saturating_sub(list.len() as u64);
            if more > 0 {
                lines.push(format!("  ... and {more} more, each named on stderr"));
            }
        }
        lines
    }
}

/// A file's identity, to read each file once whatever the names that lead to it.
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(unix)]
#[allow(
    clippy::unnecessary_wraps,
    reason = "`None` on other systems when the path cannot be resolved"
)]
fn file_id(_path: &Path, meta: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &Metadata) -> Option<FileId> {
    fs::canonicalize(path).ok()
}

/// What a file that is neither a regular file nor a folder is.
fn what_it_is(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "neither a file nor a folder"
}

/// A file to read.
struct Input {
    path: PathBuf,
    /// The name as shown (escaped).
    name: String,
    /// Named on the command line, rather than found in a folder.
    explicit: bool,
    size: u64,
    /// `-`: standard input (plain or gzip).
    stdin: bool,
}

/// Lists the files under the paths given: each path itself, the files of a folder in name
/// order (a Maildir's `cur` and `new` among them), without dot files and a Maildir's `tmp`.
/// Links are followed only while they stay inside the folder given; each file is listed once.
struct Walker<'s> {
    seen: HashMap<FileId, String>,
    inputs: Vec<Input>,
    skips: &'s mut Skips,
}

impl Walker<'_> {
    fn given(&mut self, path: &Path) {
        if path.as_os_str() == "-" {
            if self.inputs.iter().any(|i| i.stdin) {
                return self
                    .skips
                    .add("stdin", Cause::ReadOnce, false, "named twice");
            }
            return self.inputs.push(Input {
                path: path.to_owned(),
                name: "stdin".to_owned(),
                explicit: true,
                size: 0,
                stdin: true,
            });
        }
        let name = shown(path);
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                return self
                    .skips
                    .add(&name, Cause::Unreadable, true, &e.to_string())
            }
        };
        if !meta.is_dir() {
            return self.file(path, name, &meta, true);
        }
        match fs::canonicalize(path) {
            Ok(root) => self.folder(path, &name, &root, &meta),
            Err(e) => self
                .skips
                .add(&name, Cause::Unreadable, true, &e.to_string()),
        }
    }

    /// Lists a file once; anything that is not a regular file is skipped unopened.
    fn file(&mut self, path: &Path, name: String, meta: &Metadata, explicit: bool) {
        if !meta.is_file() {
            let detail = format!("{}; not opened", what_it_is(meta));
            return self.skips.add(&name, Cause::NotRegular, true, &detail);
        }
        if let Some(id) = file_id(path, meta) {
            if let Some(first) = self.seen.get(&id) {
                let detail = format!("the same file as {first}");
                return self.skips.add(&name, Cause::ReadOnce, false, &detail);
            }
            self.seen.insert(id, name.clone());
        }
        self.inputs.push(Input {
            path: path.to_owned(),
            name,
            explicit,
            size: meta.len(),
            stdin: false,
        });
    }

    fn folder(&mut self, dir: &Path, name: &str, root: &Path, meta: &Metadata) {
        if let Some(id) = file_id(dir, meta) {
            if let Some(first) = self.seen.get(&id) {
                let detail = format!("the same folder as {first}");
                return self.skips.add(name, Cause::ReadOnce, false, &detail);
            }
            self.seen.insert(id, name.to_owned());
        }
        let listing = match fs::read_dir(dir) {
            Ok(l) => l,
            Err(e) => {
                let detail = format!("the folder cannot be listed: {e}");
                return self.skips.add(name, Cause::Unreadable, true, &detail);
            }
        };
        let mut entries = Vec::new();
        for entry in listing {
            match entry {
                Ok(e) => entries.push(e),
                Err(e) => {
                    let detail = format!("the folder cannot be listed to the end: {e}");
                    self.skips.add(name, Cause::Unreadable, true, &detail);
                    break;
                }
            }
        }
        entries.sort_by_key(fs::DirEntry::file_name);
        let maildir = dir.join("cur").is_dir();
        for entry in entries {
            let path = entry.path();
            let entry_name = shown(&path);
            let file_name = entry.file_name();
            if file_name.as_encoded_bytes().first() == Some(&b'.') {
                let detail = "the name starts with a dot; not scanned";
                self.skips.add(&entry_name, Cause::Hidden, false, detail);
                continue;
            }
            if maildir && file_name == "tmp" {
                let detail = "mail still being delivered; not scanned";
                self.skips
                    .add(&entry_name, Cause::MaildirTmp, false, detail);
                continue;
            }
            let is_link = match entry.file_type() {
                Ok(t) => t.is_symlink(),
                Err(e) => {
                    self.skips
                        .add(&entry_name, Cause::Unreadable, true, &e.to_string());
                    continue;
                }
            };
            let meta = if is_link {
                match fs::canonicalize(&path) {
                    Ok(target) if target.starts_with(root) => fs::metadata(&path),
                    Ok(target) => {
                        let detail = format!(
                            "it leads to {}, outside {}; not followed",
                            shown(&target),
                            shown(root)
                        );
                        self.skips.add(&entry_name, Cause::OutOfTree, true, &detail);
                        continue;
                    }
                    Err(e) => {
                        let detail = format!("a symbolic link that leads nowhere: {e}");
                        self.skips
                            .add(&entry_name, Cause::Unreadable, true, &detail);
                        continue;
                    }
                }
            } else {
                entry.metadata()
            };
            match meta {
                Ok(m) if m.is_dir() => self.folder(&path, &entry_name, root, &m),
                Ok(m) => self.file(&path, entry_name, &m, false),
                Err(e) => self
                    .skips
                    .add(&entry_name, Cause::Unreadable, true, &e.to_string()),
            }
        }
    }
}

/// Opens a file for reading without ever blocking: with `O_NONBLOCK`, a FIFO put in place of
/// a listed file cannot hang the scan, and the opened file is checked to be a regular file
/// before a byte is read (on a regular file the flag changes nothing).
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() {
        Ok((file, meta))
    } else {
        Err(io::Error::other(format!(
            "not a regular file: {}",
            what_it_is(&meta)
        )))
    }
}

/// Reads a whole email of at most `max` bytes; `None` when it is longer (then at most `max` + 1
/// bytes were read).
pub fn read_email(reader: &mut dyn Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(limit).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= max).then_some(bytes))
}

/// The flag that raises a limit, for the `too_large` message.
fn flag(limit: &str) -> String {
    format!("--{}", limit.replace('_', "-"))
}

/// Why an email over a limit was skipped.
fn over(limit: &str, max: usize) -> String {
    format!(
        "over the {limit} limit of {max}; raise it with {}",
        flag(limit)
    )
}

/// One piece of the scan's work, in the order of the inputs: read by one thread, worked on by
/// any, and merged back in this order, so that every thread count gives the same output.
enum Unit {
    /// Consecutive lines of a log, the first numbered `first`.
    Lines {
        source: Arc<str>,
        first: u64,
        data: Vec<u8>,
        pieces: Vec<Piece>,
        /// Where the lines' events go: empty, and on more than one thread, the emptied list of
        /// an earlier unit (see `Joining::trash`).
        events: Vec<Event>,
    },
    /// One email: a file (no `position`), or a message of an mbox.
    Email {
        source: Arc<str>,
        position: Option<u64>,
        bytes: Vec<u8>,
    },
    /// What the reader noted in its place in the order: a skip, a file or an email counted.
    Note(Note),
}

/// A line of a [`Unit::Lines`]: its end in `data`, or a line over `max_line_bytes` that was
/// drained unread (its length in bytes).
enum Piece {
    Line(usize),
    Long(u64),
}

enum Note {
    Skip(SkipNote),
    File,
    /// An email counted without being read (over a limit).
    Email,
    /// The last line of this log was read: the messages still open in it end here.
    LogEnd(Arc<str>),
}

/// A line about a message, read and classified by a worker, to be joined in the order of the
/// log by whichever worker has the join (see [`InOrder`]): the record travels parsed, so the
/// join does not read it again. A delivery is boxed: the record and its classification are
/// close to 400 bytes, which the join would otherwise copy from one core's cache to the
/// other's once more for each move of the event.
enum Event {
    /// A delivery result and its classification.
    Delivery(u64, Box<(OwnedLogRecord, Classification)>),
    /// A line that names the sender or the Message-ID, or ends the message.
    Info(u64, OwnedMessageInfo),
}

struct SkipNote {
    name: String,
    cause: Cause,
    error: bool,
    detail: String,
}

/// What a unit gave: the output's bytes, the counts and the skips.
#[derive(Default)]
struct Part {
    out: Vec<u8>,
    tally: Tally,
    skips: Vec<SkipNote>,
    /// The log the events and the end are of.
    source: Option<Arc<str>>,
    /// Lines about messages, to be joined (when results are per message or per recipient).
    events: Vec<Event>,
    /// The log ended.
    log_end: bool,
}

/// What every worker needs to turn a unit into a part.
struct Work {
    format: Format,
    limits: Limits,
    filter: Filter,
    by: Option<By>,
}

/// Lines of a log per unit (512 KiB), chosen by timing 256 KiB, 512 KiB and 1 MiB in
/// alternating rounds of one and two threads: smaller units were slower on two threads (more
/// hand-overs), larger ones held more memory in flight.
const CHUNK_BYTES: usize = 1 << 19;

/// The buffers of a [`Unit::Lines`], emptied by the worker that read them and handed back to
/// the reader for its next unit: a fresh buffer per unit, freed on another thread, went back
/// to the system and was faulted in again (`perf stat`: several times the page faults of one
/// thread).
type Spare = (Vec<u8>, Vec<Piece>);

impl Tally {
    /// Adds another part's counts; the first reason given for an address stays.
    fn merge(&mut self, other: Tally) {
        self.files += other.files;
        self.emails += other.emails;
        self.log_lines += other.log_lines;
        self.results += other.results;
        self.filtered += other.filtered;
        let add = |to: &mut BTreeMap<&'static str, u64>, from: BTreeMap<&'static str, u64>| {
            for (k, v) in from {
                *to.entry(k).or_default() += v;
            }
        };
        add(&mut self.by_reason, other.by_reason);
        add(&mut self.by_action, other.by_action);
        add(&mut self.by_fault, other.by_fault);
        for (k, v) in other.suppress {
            self.suppress.entry(k).or_insert(v);
        }
        for (k, v) in other.outcomes_by_provider {
            self.outcomes_by_provider.entry(k).or_default().merge(v);
        }
        for (k, v) in other.outcomes_by_domain {
            self.outcomes_by_domain.entry(k).or_default().merge(v);
        }
        for (k, (deferred, all)) in other.by_hour {
            let e = self.by_hour.entry(k).or_default();
            e.0 += deferred;
            e.1 += all;
        }
        for (k, v) in other.by_unit {
            *self.by_unit.entry(k).or_default() += v;
        }
        for (k, v) in other.failed_by_provider {
            *self.failed_by_provider.entry(k).or_default() += v;
        }
        self.replies.merge(other.replies);
        self.flushed_early += other.flushed_early;
        self.without_delivery += other.without_delivery;
    }
}

impl Work {
    /// The part of one unit; a unit of lines gives its emptied buffers to `spare`.
    fn part(&self, unit: Unit, spare: &mpsc::Sender<Spare>) -> Part {
        #[cfg(debug_assertions)]
        if matches!(&unit, Unit::Lines { first, .. } if *first > 1)
            && std::env::var_os("SMTPCODES_TEST_PANIC_IN_WORKER").is_some()
        {
            // How the tests check that a bug in a worker ends the scan rather than hanging it.
            panic!("a worker failed (SMTPCODES_TEST_PANIC_IN_WORKER)");
        }
        let mut part = Part::default();
        let mut rows = Rows::new(self.format);
        match unit {
            Unit::Lines {
                source,
                first,
                mut data,
                mut pieces,
                events,
            } => {
                part.events = events;
                self.lines(&mut part, &mut rows, &source, first, &data, &pieces);
                data.clear();
                pieces.clear();
                // The reader may have ended already; the buffers are then freed here.
                let _ = spare.send((data, pieces));
            }
            Unit::Email {
                source,
                position,
                bytes,
            } => self.email(&mut part, &mut rows, &source, position, &bytes),
            Unit::Note(Note::Skip(skip)) => part.skips.push(skip),
            Unit::Note(Note::File) => part.tally.files += 1,
            Unit::Note(Note::Email) => part.tally.emails += 1,
            Unit::Note(Note::LogEnd(source)) => {
                part.source = Some(source);
                part.log_end = true;
            }
        }
        part.out = rows.finish();
        part
    }

    fn lines(
        &self,
        part: &mut Part,
        rows: &mut Rows,
        source: &Arc<str>,
        first: u64,
        data: &[u8],
        pieces: &[Piece],
    ) {
        let joined = self.by != Some(By::Line);
        if joined {
            part.source = Some(Arc::clone(source));
        }
        let mut start = 0;
        let mut text = String::new();
        for (number, piece) in (first..).zip(pieces) {
            part.tally.log_lines += 1;
            let end = match *piece {
                Piece::Line(end) => end,
                Piece::Long(bytes) => {
                    let max = self.limits.max_line_bytes;
                    part.skips.push(SkipNote {
                        name: format!("{source} line {number}"),
                        cause: Cause::TooLarge,
                        error: true,
                        detail: format!("a line of {bytes} bytes, {}", over("max_line_bytes", max)),
                    });
                    continue;
                }
            };
            let mut line = &data[start..end];
            start = end;
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            let text = as_text(line, &mut text);
            if joined {
                // Classified here, on any thread; joined into messages in order by one worker at a time.
                match parse_message_line(text) {
                    Some(MessageLine::Delivery(record)) => {
                        let c = record.classify();
                        for recipient in &record.recipients {
                            if self.filter.keeps(recipient, record.timestamp, &c) {
                                count_hour(&mut part.tally, record.timestamp, c.action);
                            }
                        }
                        part.events
                            .push(Event::Delivery(number, Box::new((record.into_owned(), c))));
                    }
                    Some(MessageLine::Info(info)) => {
                        part.events.push(Event::Info(number, info.into_owned()));
                    }
                    None => {}
                }
                continue;
            }
            let Some(record) = smtpcodes::logs::parse_line(text) else {
                continue;
            };
            let c = record.classify();
            let status = record.status.as_str();
            let outcome = Fate::of(record.status).as_str();
            for recipient in &record.recipients {
                let mut row = row(
                    source,
                    Some(number),
                    "log",
                    By::Line,
                    recipient,
                    status,
                    outcome,
                    record.timestamp,
                    &c,
                    record.text,
                );
                row.queue_id = Some(Cow::Borrowed(record.queue_id));
                row.sender = record.sender.map(Cow::Borrowed);
                row.message_id = record.message_id.map(Cow::Borrowed);
                rows.emit(&mut part.tally, &self.filter, &row, &c);
            }
        }
    }

    fn email(
        &self,
        part: &mut Part,
        rows: &mut Rows,
        source: &str,
        position: Option<u64>,
        bytes: &[u8],
    ) {
        part.tally.emails += 1;
        let limits = self.limits;
        let name = || match position {
            Some(n) => format!("{source} message {n}"),
            None => source.to_owned(),
        };
        let skip = |cause, error, detail: String| SkipNote {
            name: name(),
            cause,
            error,
            detail,
        };
        match smtpcodes::contain(|| smtpcodes::parse_bounce_with(bytes, &limits)) {
            Ok(report) => {
                if self.by == Some(By::Message) {
                    // One result for the email: the recipient that failed (else the one
                    // delayed, else the first); every recipient that failed for good is
                    // still listed to suppress.
                    let worst = |a: DsnAction| report.recipients.iter().find(|r| r.action == a);
                    let deciding = worst(DsnAction::Failed)
                        .or_else(|| worst(DsnAction::Delayed))
                        .or(report.recipients.first());
                    if let Some(r) = deciding {
                        let mut row = email_row(source, position, r, By::Message);
                        row.recipients = report.recipients.len();
                        rows.emit(&mut part.tally, &self.filter, &row, &r.classification);
                    }
                    for r in &report.recipients {
                        let ts = r.last_attempt_date.as_deref();
                        if self.filter.keeps(&r.recipient, ts, &r.classification) {
                            suppress(&mut part.tally, &r.recipient, &r.classification);
                        }
                    }
                } else {
                    for r in &report.recipients {
                        let row = email_row(source, position, r, By::Recipient);
                        rows.emit(&mut part.tally, &self.filter, &row, &r.classification);
                    }
                }
            }
            Err(smtpcodes::Error::NotABounce { what }) => {
                part.skips
                    .push(skip(Cause::NotABounce(what.as_str()), false, String::new()));
            }
            Err(smtpcodes::Error::TooLarge { limit, max }) => {
                part.skips
                    .push(skip(Cause::TooLarge, true, over(limit, max)));
            }
            Err(e) => part.skips.push(skip(Cause::Internal, true, e.to_string())),
        }
    }
}

/// The output of one part, as JSON Lines or CSV rows (the CSV header is written once, by the
/// merger).
struct Rows {
    format: Format,
    json: Vec<u8>,
    csv: Option<csv::Writer<Vec<u8>>>,
}

impl Rows {
    fn new(format: Format) -> Rows {
        Rows {
            format,
            json: Vec::new(),
            csv: (format == Format::Csv).then(|| csv_writer(false).from_writer(Vec::new())),
        }
    }

    /// Counts a result and writes it, when the filters keep it.
    fn emit(&mut self, t: &mut Tally, filter: &Filter, row: &Row<'_>, c: &Classification) {
        if !filter.keeps(&row.recipient, row.timestamp.as_deref(), c) {
            t.filtered += 1;
            return;
        }
        t.results += 1;
        *t.by_unit.entry(row.unit).or_default() += 1;
        *t.by_reason.entry(row.reason).or_default() += 1;
        *t.by_action.entry(row.action).or_default() += 1;
        *t.by_fault.entry(row.fault).or_default() += 1;
        if let Some(p) = row.provider {
            t.outcomes_by_provider
                .entry(p)
                .or_default()
                .add(row.counts_as);
        }
        let domain = row.recipient.rsplit_once('@').map_or("", |(_, d)| d);
        match t.outcomes_by_domain.get_mut(domain) {
            Some(seen) if !domain.bytes().any(|b| b.is_ascii_uppercase()) => {
                seen.add(row.counts_as);
            }
            _ => t
                .outcomes_by_domain
                .entry(domain.to_ascii_lowercase())
                .or_default()
                .add(row.counts_as),
        }
        if row.unit == By::Line || row.kind == "email" {
            // Joined results were counted per attempt, line by line, by the worker.
            count_hour(t, row.timestamp.as_deref(), c.action);
        }
        suppress(t, &row.recipient, c);
        if row.counts_as != Action::None {
            t.replies.add(row.reason, &row.matched, c, &row.text);
            if let Some(p) = row.provider {
                *t.failed_by_provider.entry((p, row.reason)).or_default() += 1;
            }
        }
        // Writing into memory cannot fail.
        match self.format {
            Format::Json => {
                let _ = serde_json::to_writer(&mut self.json, row);
                self.json.push(b'\n');
            }
            Format::Csv => {
                if let Some(w) = &mut self.csv {
                    let _ = w.serialize(row.defused());
                }
            }
            Format::Text | Format::Html => {}
        }
    }

    fn finish(self) -> Vec<u8> {
        match self.csv {
            Some(w) => w.into_inner().unwrap_or_default(),
            None => self.json,
        }
    }
}

/// Counts a delivery attempt in its hour of the lines' own clock.
fn count_hour(t: &mut Tally, timestamp: Option<&str>, action: Action) {
    if let Some(hour) = timestamp.and_then(hour_key) {
        let hour = hour.as_str();
        if !t.by_hour.contains_key(hour) {
            t.by_hour.insert(hour.to_owned(), (0, 0));
        }
        let Some(e) = t.by_hour.get_mut(hour) else {
            return;
        };
        e.0 += u64::from(action == Action::Retry);
        e.1 += 1;
    }
}

/// Lists the address to suppress when its classification condemns it (the first reason
/// given for an address stays).
fn suppress(t: &mut Tally, recipient: &str, c: &Classification) {
    if !c.suppress {
        return;
    }
    // Most addresses are written in lower case, and most are counted again: neither needs a
    // copy to be looked up.
    let lower = !recipient.bytes().any(|b| b.is_ascii_uppercase());
    if lower && t.suppress.contains_key(recipient) {
        return;
    }
    t.suppress
        .entry(recipient.to_ascii_lowercase())
        .or_insert_with(|| (c.reason.as_str(), code_of(c)));
}

/// `550 5.1.1`, `550`, `5.1.1` or nothing.
fn code_of(c: &Classification) -> String {
    match (c.code, &c.enhanced) {
        (Some(code), Some(e)) => format!("{code} {e}"),
        (Some(code), None) => code.to_string(),
        (None, Some(e)) => e.to_string(),
        (None, None) => String::new(),
    }
}

/// The CSV header: the names of [`Row`]'s fields, in order, as serde writes them for a row.
fn csv_header() -> io::Result<Vec<u8>> {
    let c = smtpcodes::classify(Some(250), "").map_err(|e| io::Error::other(e.to_string()))?;
    let r = row("", None, "log", By::Line, "", "", "", None, &c, "");
    let mut w = csv_writer(true).from_writer(Vec::new());
    w.serialize(&r)
        .map_err(|e| io::Error::other(e.to_string()))?;
    let mut bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| n + 1);
    bytes.truncate(end);
    Ok(bytes)
}

/// Every text cell quoted: a spreadsheet that splits on `;` or tabs still keeps each cell
/// whole.
fn csv_writer(headers: bool) -> csv::WriterBuilder {
    let mut b = csv::WriterBuilder::new();
    b.quote_style(csv::QuoteStyle::NonNumeric)
        .has_headers(headers);
    b
}

/// Reads the inputs in order and hands each unit of work to `send`; stops early when `send`
/// says so (the output went away).
struct Reader<'a> {
    limits: Limits,
    progress: ProgressBar,
    send: &'a mut dyn FnMut(Unit) -> bool,
    /// Buffers of earlier units, to be filled again.
    spare: &'a mpsc::Receiver<Spare>,
}

/// The reader stopped because the output went away.
struct Stopped;

impl Reader<'_> {
    fn note(&mut self, note: Note) -> Result<(), Stopped> {
        if (self.send)(Unit::Note(note)) {
            Ok(())
        } else {
            Err(Stopped)
        }
    }

    fn unit(&mut self, unit: Unit) -> Result<(), Stopped> {
        if (self.send)(unit) {
            Ok(())
        } else {
            Err(Stopped)
        }
    }

    fn skip(&mut self, name: &str, cause: Cause, error: bool, detail: &str) -> Result<(), Stopped> {
        self.note(Note::Skip(SkipNote {
            name: name.to_owned(),
            cause,
            error,
            detail: detail.to_owned(),
        }))
    }

    fn file(&mut self, input: &Input) -> Result<(), Stopped> {
        self.progress.set_message(input.name.clone());
        match self.read(input) {
            Ok(result) => result,
            Err(e) => self.skip(&input.name, Cause::Unreadable, true, &e.to_string()),
        }
    }

    /// Reads one input; an error of reading before any unit was sent skips the input.
    fn read(&mut self, input: &Input) -> io::Result<Result<(), Stopped>> {
        let (mut reader, known_size): (Box<dyn BufRead>, Option<u64>) = if input.stdin {
            (
                Box::new(BufReader::with_capacity(256 * 1024, io::stdin())),
                None,
            )
        } else {
            let (file, meta) = open_regular(&input.path)?;
            let counted = self.progress.wrap_read(file);
            (
                Box::new(BufReader::with_capacity(256 * 1024, counted)),
                Some(meta.len()),
            )
        };
        let gzip = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
        if gzip {
            reader = Box::new(BufReader::with_capacity(
                256 * 1024,
                MultiGzDecoder::new(reader),
            ));
        }
        let head = reader.fill_buf()?;
        let kind = kind_of(&head[..head.len().min(64 * 1024)]);
        let empty = head.is_empty();
        let source: Arc<str> = Arc::from(input.name.as_str());
        Ok(match kind {
            Kind::Log => self
                .note(Note::File)
                .and_then(|()| self.log(&source, reader))
                .and_then(|()| self.note(Note::LogEnd(Arc::clone(&source)))),
            Kind::Mbox => self
                .note(Note::File)
                .and_then(|()| self.mbox(&source, reader)),
            Kind::Email => {
                let max = self.limits.max_email_bytes;
                let plain_over =
                    !gzip && known_size.is_some_and(|n| n > u64::try_from(max).unwrap_or(u64::MAX));
                let bytes = if plain_over {
                    None
                } else {
                    read_email(&mut reader, max)?
                };
                let sent = self.note(Note::File);
                sent.and_then(|()| match bytes {
                    Some(bytes) => self.unit(Unit::Email {
                        source,
                        position: None,
                        bytes,
                    }),
                    None => self.note(Note::Email).and_then(|()| {
                        self.skip(
                            &input.name,
                            Cause::TooLarge,
                            true,
                            &over("max_email_bytes", max),
                        )
                    }),
                })
            }
            Kind::Unknown => {
                let detail = if empty {
                    "an empty file"
                } else {
                    "not an email, mbox or mail log"
                };
                // A stray file in a folder is no error; a file named on purpose is.
                self.skip(&input.name, Cause::NoKnownKind, input.explicit, detail)
            }
        })
    }

    /// Cuts a log into units of whole lines; a line over `max_line_bytes` is drained without
    /// being stored.
    fn log(&mut self, source: &Arc<str>, mut reader: Box<dyn BufRead>) -> Result<(), Stopped> {
        let max = self.limits.max_line_bytes;
        let mut next = 1u64;
        let spare = self.spare;
        let buffers = || {
            spare.try_recv().unwrap_or_else(|_| {
                (
                    Vec::with_capacity(CHUNK_BYTES + 64 * 1024),
                    Vec::with_capacity(CHUNK_BYTES / 64),
                )
            })
        };
        let (mut data, mut pieces) = buffers();
        let mut failed = None;
        let mut line = Vec::new();
        loop {
            line.clear();
            match read_line_capped(&mut reader, &mut line, max) {
                Ok(read) if read.bytes == 0 => break,
                Ok(read) if read.cut => pieces.push(Piece::Long(read.bytes)),
                Ok(_) => {
                    data.extend_from_slice(&line);
                    pieces.push(Piece::Line(data.len()));
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
            if data.len() >= CHUNK_BYTES || pieces.len() >= CHUNK_BYTES / 64 {
                let lines = pieces.len() as u64;
                let (fresh_data, fresh_pieces) = buffers();
                self.unit(Unit::Lines {
                    source: Arc::clone(source),
                    first: next,
                    data: std::mem::replace(&mut data, fresh_data),
                    pieces: std::mem::replace(&mut pieces, fresh_pieces),
                    events: Vec::new(),
                })?;
                next += lines;
            }
        }
        let lines = pieces.len() as u64;
        if lines > 0 {
            self.unit(Unit::Lines {
                source: Arc::clone(source),
                first: next,
                data,
                pieces,
                events: Vec::new(),
            })?;
        }
        if let Some(e) = failed {
            let detail = format!("stopped reading after line {}: {e}", next + lines - 1);
            self.skip(source, Cause::Unreadable, true, &detail)?;
        }
        Ok(())
    }

    /// Splits an mbox on its `From ` separator lines, one message at a time, holding at most
    /// one line (`max_line_bytes`) and one email (`max_email_bytes`). A message with a longer
    /// line, or longer itself, is read to its end without being stored, and reported.
    fn mbox(&mut self, source: &Arc<str>, mut reader: Box<dyn BufRead>) -> Result<(), Stopped> {
        let (max_line, max_email) = (self.limits.max_line_bytes, self.limits.max_email_bytes);
        let mut message = Vec::new();
        let mut line = Vec::new();
        let mut number = 0u64;
        // The limit the current message is over, if any.
        let mut over_limit: Option<(&'static str, usize)> = None;
        loop {
            line.clear();
            let read = match read_line_capped(&mut reader, &mut line, max_line) {
                Ok(read) => read,
                Err(e) => {
                    let detail = format!("stopped reading in message {}: {e}", number + 1);
                    return self.skip(source, Cause::Unreadable, true, &detail);
                }
            };
            let end = read.bytes == 0;
            if end || line.starts_with(b"From ") {
                if over_limit.is_some() || !message.is_empty() {
                    number += 1;
                    match over_limit {
                        Some((limit, max)) => {
                            self.note(Note::Email)?;
                            let name = format!("{source} message {number}");
                            self.skip(&name, Cause::TooLarge, true, &over(limit, max))?;
                        }
                        None => self.unit(Unit::Email {
                            source: Arc::clone(source),
                            position: Some(number),
                            bytes: std::mem::take(&mut message),
                        })?,
                    }
                }
                message.clear();
                over_limit = read.cut.then_some(("max_line_bytes", max_line));
                if end {
                    return Ok(());
                }
                continue;
            }
            if over_limit.is_some() {
                continue;
            }
            let body = unquoted(&line);
            if read.cut {
                over_limit = Some(("max_line_bytes", max_line));
            } else if message.len() + body.len() + usize::from(read.newline) > max_email {
                over_limit = Some(("max_email_bytes", max_email));
            } else {
                message.extend_from_slice(body);
                if read.newline {
                    message.push(b'\n');
                }
                continue;
            }
            message.clear();
        }
    }
}

/// Where the parts of a log are joined into messages, in the order the units were read.
struct Joining {
    /// The unit of a log's results, when they are joined (per message or per recipient).
    joined: Option<By>,
    /// The messages of the log being read.
    joiner: Joiner,
    /// Where the lines read but not handed over to a message go, to be freed on the reader's
    /// thread when there is one (joining is the step every worker waits its turn for); the
    /// reader sends the emptied lists out again with its next units.
    trash: Option<mpsc::Sender<Vec<Event>>>,
    /// An empty list, for the next part's events that are read but not handed over.
    read: Vec<Event>,
}

/// A part with the messages its lines completed, ready to be written.
struct Joined {
    part: Part,
    /// What was joined, when the part is of a log whose results are joined.
    log: Option<JoinedLog>,
}

/// The messages a part of a log completed.
struct JoinedLog {
    /// The unit of the results.
    by: By,
    source: Arc<str>,
    messages: Vec<Message>,
    /// How the log's messages were joined, when this part ended the log.
    stats: Option<JoinStats>,
}

/// A joined part with its messages' rows and counts, ready to be written.
struct Rendered {
    part: Part,
    rows: Vec<u8>,
    /// The counts of the messages' rows, when the part is of a log whose results are joined.
    tally: Option<Tally>,
}

/// The merged result, written as the joined parts arrive in order.
struct Scanner {
    format: Format,
    filter: Filter,
    out: io::BufWriter<Box<dyn Write + Send>>,
    tally: Tally,
    skips: Skips,
}

impl Joining {
    /// Joins a part's events into the messages of its log, handing out those that are done.
    fn join(&mut self, mut part: Part) -> Joined {
        let mut events = std::mem::take(&mut part.events);
        let (Some(by), Some(source)) = (self.joined, part.source.take()) else {
            return Joined { part, log: None };
        };
        // Deliveries are handed over to their messages; the lines that only name a message's
        // sender or id are kept aside, to be freed on the reader's thread (see `trash`).
        let mut read = std::mem::take(&mut self.read);
        for e in events.drain(..) {
            match e {
                Event::Delivery(line, delivery) => {
                    let (record, c) = *delivery;
                    self.joiner.delivery_owned(line, record, c);
                }
                Event::Info(line, info) => {
                    self.joiner.info(line, &info.as_info());
                    read.push(Event::Info(line, info));
                }
            }
        }
        self.read = events;
        if let Some(trash) = &self.trash {
            let _ = trash.send(read);
        }
        if part.log_end {
            self.joiner.finish();
        }
        let messages = std::iter::from_fn(|| self.joiner.pop()).collect();
        let stats = part.log_end.then(|| {
            let stats = self.joiner.stats();
            self.joiner = Joiner::new();
            stats
        });
        Joined {
            part,
            log: Some(JoinedLog {
                by,
                source,
                messages,
                stats,
            }),
        }
    }
}

impl Work {
    /// Turns the messages a part completed into rows and counts, on any thread; the part's
    /// own output goes first.
    fn render(&self, joined: Joined) -> Rendered {
        let Joined { part, log } = joined;
        let Some(JoinedLog {
            by,
            source,
            messages,
            stats,
        }) = log
        else {
            return Rendered {
                part,
                rows: Vec::new(),
                tally: None,
            };
        };
        let mut tally = Tally::default();
        let mut rows = Rows::new(self.format);
        for m in &messages {
            for (row, c) in message_rows(&source, by, m) {
                rows.emit(&mut tally, &self.filter, &row, c);
            }
            if by == By::Message {
                // Every recipient that bounced for good is one to suppress, beside the one
                // whose reply decided the message.
                for r in &m.recipients {
                    let ts = r.last_seen.as_deref();
                    if self.filter.keeps(&r.recipient, ts, &r.classification) {
                        suppress(&mut tally, &r.recipient, &r.classification);
                    }
                }
            }
        }
        if let Some(stats) = stats {
            tally.flushed_early += stats.flushed_early;
            tally.without_delivery += stats.without_delivery;
        }
        Rendered {
            part,
            rows: rows.finish(),
            tally: Some(tally),
        }
    }
}

impl Scanner {
    fn absorb(&mut self, rendered: Rendered) -> io::Result<()> {
        let Rendered { part, rows, tally } = rendered;
        self.out.write_all(&part.out)?;
        self.tally.merge(part.tally);
        for s in part.skips {
            self.skips.add(&s.name, s.cause, s.error, &s.detail);
        }
        if let Some(tally) = tally {
            self.tally.merge(tally);
        }
        self.out.write_all(&rows)
    }
}

/// Reads the inputs in order, handing each unit of work to `send`, until one of them fails or
/// `send` says to stop.
fn read_inputs(
    inputs: &[Input],
    options: &Options,
    progress: &ProgressBar,
    send: &mut dyn FnMut(Unit) -> bool,
    spare: &mpsc::Receiver<Spare>,
) {
    let mut reader = Reader {
        limits: options.limits,
        progress: progress.clone(),
        send,
        spare,
    };
    for input in inputs {
        if reader.file(input).is_err() {
            break;
        }
    }
}

/// Reads, classifies and writes on this one thread, in the order of the inputs.
fn sequential(
    inputs: &[Input],
    work: &Work,
    options: &Options,
    progress: &ProgressBar,
    joining: &mut Joining,
    scanner: &mut Scanner,
) -> io::Result<()> {
    let mut failed = None;
    let (spare_tx, spare_rx) = mpsc::channel();
    let mut send =
        |unit: Unit| match scanner.absorb(work.render(joining.join(work.part(unit, &spare_tx)))) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        };
    read_inputs(inputs, options, progress, &mut send, &spare_rx);
    failed.map_or(Ok(()), Err)
}

/// A line as text: most lines are valid UTF-8 and are read where they lie; the others are
/// copied into `buf` with U+FFFD for each invalid sequence.
fn as_text<'a>(line: &'a [u8], buf: &'a mut String) -> &'a str {
    if let Ok(valid) = std::str::from_utf8(line) {
        return valid;
    }
    buf.clear();
    for chunk in line.utf8_chunks() {
        buf.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            buf.push(char::REPLACEMENT_CHARACTER);
        }
    }
    buf
}

/// A progress bar on stderr for `total` bytes of input, when stderr is a terminal and the
/// input is large enough to wait for; hidden otherwise.
fn progress_bar(total: u64) -> ProgressBar {
    if !io::stderr().is_terminal() || total <= 8 * 1024 * 1024 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} {bar:30} {eta} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Runs the scan. Errors are errors of writing the output; every input error is named on
/// stderr, listed in the summary, and makes the outcome [`Outcome::Skipped`].
pub fn run(paths: &[PathBuf], options: &Options) -> io::Result<Outcome> {
    let mut skips = Skips::default();
    let mut walker = Walker {
        seen: HashMap::new(),
        inputs: Vec::new(),
        skips: &mut skips,
    };
    for p in paths {
        walker.given(p);
    }
    let inputs = std::mem::take(&mut walker.inputs);
    let progress = progress_bar(inputs.iter().map(|f| f.size).sum());
    skips.progress = Some(progress.clone());
    let format = options.format;
    let out: Box<dyn Write + Send> = match &options.output {
        Some(path) => Box::new(File::create(path)?),
        // Not locked for the whole run: on several threads the workers write in turn, and a
        // lock stays on the thread that took it.
        None => Box::new(io::stdout()),
    };
    let mut joining = Joining {
        joined: match options.by {
            None => Some(By::Message),
            Some(By::Line) => None,
            Some(by) => Some(by),
        },
        joiner: Joiner::new(),
        trash: None,
        read: Vec::new(),
    };
    let mut scanner = Scanner {
        format,
        filter: options.filter.clone(),
        out: io::BufWriter::new(out),
        tally: Tally::default(),
        skips,
    };
    if format == Format::Csv {
        scanner.out.write_all(&csv_header()?)?;
    }
    let work = Work {
        format,
        limits: options.limits,
        filter: options.filter.clone(),
        by: options.by,
    };
    let written = if options.jobs <= 1 {
        sequential(
            &inputs,
            &work,
            options,
            &progress,
            &mut joining,
            &mut scanner,
        )
    } else {
        parallel(&inputs, &work, options, &progress, joining, &mut scanner)
    };
    progress.finish_and_clear();
    scanner.skips.progress = None;
    if let Err(e) = written {
        if e.kind() == io::ErrorKind::BrokenPipe {
            // The reader went away (`| head`): not an error of the scan.
            return Ok(scanner.outcome());
        }
        return Err(e);
    }
    if scanner.tally.files == 0 && scanner.skips.error_total() > 0 {
        // Nothing was read: the errors named on stderr are the whole answer.
        let _ = writeln!(
            io::stderr().lock(),
            "smtpcodes: {}",
            scanner.skips.summary()
        );
        return Ok(Outcome::NothingRead);
    }
    match scanner.finish(options.top) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(scanner.outcome()),
    }
}

/// The same scan on `options.jobs` threads: one reads, `jobs` workers turn units into parts,
/// join the parts' lines into messages in the order the units were read, render the joined
/// messages' rows and write them in that order. Joining and writing are each done by one worker
/// at a time, whichever has the next part in order (see [`InOrder`]); the others go on with
/// their own units meanwhile rather than wait for a joining or a writing thread to be woken.
/// At most `4 * jobs` units are between reading and writing, so memory stays bounded.
fn parallel(
    inputs: &[Input],
    work: &Work,
    options: &Options,
    progress: &ProgressBar,
    mut joining: Joining,
    scanner: &mut Scanner,
) -> io::Result<()> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;
    let jobs = options.jobs;
    let stop = AtomicBool::new(false);
    let (unit_tx, unit_rx) = mpsc::sync_channel::<(u64, Unit)>(jobs);
    let unit_rx = Mutex::new(unit_rx);
    // A unit is read only with a token, and its token comes back once it is written.
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(4 * jobs);
    for _ in 0..4 * jobs {
        let _ = token_tx.send(());
    }
    let (trash_tx, trash_rx) = mpsc::channel::<Vec<Event>>();
    joining.trash = Some(trash_tx);
    let (spare_tx, spare_rx) = mpsc::channel::<Spare>();
    let joins = InOrder::new(joining);
    // Written in order by whichever worker has the next part, as parts are joined: the rows are
    // written by the core that rendered them, most of the time, and no thread waits to write.
    let writes = InOrder::new((scanner, Ok(())));
    let write = |(scanner, result): &mut (&mut Scanner, io::Result<()>), rendered: Rendered| {
        if result.is_ok() {
            *result = scanner.absorb(rendered);
            stop.store(result.is_err(), Ordering::Relaxed);
        }
        // Its unit is written: another may be read.
        let _ = token_tx.send(());
    };
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let (spare_rx, trash_rx, token_rx) = (spare_rx, trash_rx, token_rx); // its own
            let _bug = EndOnPanic;
            let send = |unit| {
                token_rx.recv().is_ok()
                    && !stop.load(Ordering::Relaxed)
                    && unit_tx.send(unit).is_ok()
            };
            feed(inputs, options, progress, send, &spare_rx, &trash_rx);
            // The last unit is sent: the workers end when the channel is empty.
            drop(unit_tx);
        });
        for _ in 0..jobs {
            let spare_tx = spare_tx.clone();
            let (unit_rx, joins, writes, write) = (&unit_rx, &joins, &writes, &write);
            scope.spawn(move || {
                let _bug = EndOnPanic;
                while let Some((seq, unit)) = next_of(unit_rx) {
                    let part = work.part(unit, &spare_tx);
                    for (seq, joined) in joins.offer(seq, part, Joining::join) {
                        writes.offer(seq, work.render(joined), write);
                    }
                }
            });
        }
        drop(spare_tx);
    });
    writes.into_step().1
}

/// Ends the process when the thread that holds it panics (a bug): the threads of [`parallel`]
/// wait for one another's units, so one that ended would leave the others waiting for ever.
/// The panic's message is already on stderr; the status is the one Rust gives a panic on the
/// main thread, as the scan on one thread ends.
struct EndOnPanic;

impl Drop for EndOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            std::process::exit(101);
        }
    }
}

/// A step that has to take numbered items in the order of their numbers (from 0, with no gaps)
/// while several threads make them: a thread that offers an item takes the step itself when no
/// other has it, for every item that is next, and returns what it made of them; otherwise it
/// leaves its item to the thread that has the step.
struct InOrder<S, T> {
    step: std::sync::Mutex<S>,
    /// The number of the next item, and the items that came early.
    waiting: std::sync::Mutex<(u64, BTreeMap<u64, T>)>,
}

impl<S, T> InOrder<S, T> {
    fn new(step: S) -> Self {
        InOrder {
            step: std::sync::Mutex::new(step),
            waiting: std::sync::Mutex::new((0, BTreeMap::new())),
        }
    }

    fn offer<R>(&self, seq: u64, item: T, mut take: impl FnMut(&mut S, T) -> R) -> Vec<(u64, R)> {
        let mut made = Vec::new();
        if let Ok(mut waiting) = self.waiting.lock() {
            waiting.1.insert(seq, item);
        }
        loop {
            let Ok(mut step) = self.step.try_lock() else {
                // The thread that has the step looks for this item after it lets go of it.
                return made;
            };
            while let Some((n, item)) = self.next() {
                made.push((n, take(&mut step, item)));
            }
            drop(step);
            // An item offered while this thread had the step, by a thread that left it here,
            // is taken now.
            let ready = self.waiting.lock().is_ok_and(|w| w.1.contains_key(&w.0));
            if !ready {
                return made;
            }
        }
    }

    /// The step, once no thread offers any more.
    fn into_step(self) -> S {
        self.step
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next item in order, when it has come.
    fn next(&self) -> Option<(u64, T)> {
        let mut waiting = self.waiting.lock().ok()?;
        let n = waiting.0;
        let item = waiting.1.remove(&n)?;
        waiting.0 += 1;
        Some((n, item))
    }
}

/// The reading thread of [`parallel`]: reads the inputs and hands out their units, numbered
/// in order, while `send` takes them. What the joining thread is done with (`trash`) is freed
/// here, and its emptied lists go out again with the next units.
fn feed(
    inputs: &[Input],
    options: &Options,
    progress: &ProgressBar,
    send: impl Fn((u64, Unit)) -> bool,
    spare: &mpsc::Receiver<Spare>,
    trash: &mpsc::Receiver<Vec<Event>>,
) {
    let mut seq = 0u64;
    let mut lists: Vec<Vec<Event>> = Vec::new();
    let mut numbered = |mut unit: Unit| {
        while let Ok(mut list) = trash.try_recv() {
            list.clear();
            lists.push(list);
        }
        if let Unit::Lines { events, .. } = &mut unit {
            if let Some(list) = lists.pop() {
                *events = list;
            }
        }
        seq += 1;
        send((seq - 1, unit))
    };
    read_inputs(inputs, options, progress, &mut numbered, spare);
}

/// The next item of a channel that several threads take from; `None` once it is empty and
/// closed.
fn next_of<T>(rx: &std::sync::Mutex<mpsc::Receiver<T>>) -> Option<T> {
    rx.lock().map_or(None, |rx| rx.recv().ok())
}

/// `1 file`, `2 files`.
fn counted(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
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

/// mboxrd quoting: `>From `, `>>From `, ... in a body stand for one `>` fewer.
fn unquoted(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

impl Scanner {
    fn outcome(&self) -> Outcome {
        if self.skips.error_total() > 0 {
            Outcome::Skipped
        } else {
            Outcome::AllRead
        }
    }

    /// Ends the run: the text or HTML report, or the summary on stderr after JSON or CSV.
    fn finish(&mut self, top: usize) -> io::Result<()> {
        let t = &self.tally;
        let filtered = if self.filter.is_set() {
            format!(" ({} left out by the filters)", t.filtered)
        } else {
            String::new()
        };
        let messages = t.by_unit.get(&By::Message).copied().unwrap_or(0);
        let results = t.results - messages;
        let counts = match (messages, results) {
            (0, n) => counted(n, "recipient result"),
            (m, 0) => counted(m, "message"),
            (m, n) => format!(
                "{}, {}",
                counted(m, "message"),
                counted(n, "recipient result")
            ),
        };
        let totals = format!(
            "Scanned {}: {}, {}; {counts}{filtered}.",
            counted(t.files, "file"),
            counted(t.emails, "email"),
            counted(t.log_lines, "log line"),
        );
        if matches!(self.format, Format::Text | Format::Html) {
            let summary =
                report::Summary::new(t, totals, self.skips.summary(), self.skips.listing(), top);
            if self.format == Format::Text {
                summary.text(&mut self.out)?;
            } else {
                html::write(&summary, &mut self.out)?;
            }
            return self.out.flush();
        }
        self.out.flush()?;
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "smtpcodes: {totals}");
        let _ = writeln!(err, "smtpcodes: {}", self.skips.summary());
        Ok(())
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "the parts of one output row, which every unit fills from its own source"
)]
fn row<'a>(
    source: &'a str,
    position: Option<u64>,
    kind: &'static str,
    unit: By,
    recipient: &'a str,
    status: &'a str,
    outcome: &'static str,
    timestamp: Option<&'a str>,
    c: &'a Classification,
    text: &'a str,
) -> Row<'a> {
    Row {
        source: Cow::Borrowed(source),
        position,
        kind,
        unit,
        queue_id: None,
        message_id: None,
        sender: None,
        recipient: Cow::Borrowed(recipient),
        recipients: 1,
        status: Cow::Borrowed(status),
        outcome,
        attempts: 1,
        first_seen: None,
        timestamp: timestamp.map(Cow::Borrowed),
        elapsed: None,
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
        matched: Cow::Borrowed(c.matched.as_ref()),
        decision: None,
        decision_after: None,
        text: Cow::Borrowed(text),
        counts_as: c.action,
    }
}

/// The row of one recipient of a bounce email.
fn email_row<'a>(
    source: &'a str,
    position: Option<u64>,
    r: &'a smtpcodes::BouncedRecipient,
    unit: By,
) -> Row<'a> {
    row(
        source,
        position,
        "email",
        unit,
        &r.recipient,
        r.action.as_str(),
        email_outcome(r.action).as_str(),
        r.last_attempt_date.as_deref(),
        &r.classification,
        &r.diagnostic,
    )
}

/// What a bounce email's DSN action says happened to the recipient.
fn email_outcome(action: DsnAction) -> Fate {
    match action {
        DsnAction::Failed => Fate::Bounced,
        DsnAction::Delayed => Fate::Deferred,
        DsnAction::Delivered | DsnAction::Relayed | DsnAction::Expanded => Fate::Delivered,
    }
}

/// How an outcome counts in the delivered / deferred / bounced tables.
fn counts_as(outcome: Fate) -> Action {
    match outcome {
        Fate::Delivered => Action::None,
        Fate::Deferred => Action::Retry,
        Fate::Bounced | Fate::Expired => Action::Bounce,
    }
}

/// The rows of a message joined from a log: one for the message (its deciding recipient's
/// reply) or one per recipient.
fn message_rows<'a>(source: &'a str, by: By, m: &'a Message) -> Vec<(Row<'a>, &'a Classification)> {
    let policy = RetryPolicy::DEFAULT;
    let base = |r: &'a RecipientState, outcome: Fate, decision: RetryDecision| {
        let mut row = row(
            source,
            Some(r.last_line),
            "log",
            by,
            &r.recipient,
            r.status.as_str(),
            outcome.as_str(),
            r.last_seen.as_deref(),
            &r.classification,
            &r.text,
        );
        row.queue_id = Some(Cow::Borrowed(&m.queue_id));
        row.message_id = m.message_id.as_deref().map(Cow::Borrowed);
        row.sender = m.sender.as_deref().map(Cow::Borrowed);
        row.first_seen = m.first_seen.as_deref().map(Cow::Borrowed);
        row.attempts = r.attempts;
        row.elapsed = m
            .first_seen
            .as_deref()
            .zip(r.last_seen.as_deref())
            .and_then(|(a, b)| smtpcodes::messages::elapsed(a, b));
        row.decision = Some(decision.action.as_str());
        row.decision_after = decision.retry_after;
        row.counts_as = counts_as(outcome);
        row
    };
    match by {
        By::Message => {
            // Both are there exactly when the message has a delivery result, which every
            // message the joiner hands out has.
            let (Some(r), Some(decision)) = (m.deciding(), m.decision(&policy)) else {
                return Vec::new();
            };
            let mut row = base(r, m.outcome(), decision);
            row.position = Some(m.first_line);
            row.recipients = m.recipients.len();
            row.attempts = m.attempts();
            row.timestamp = m.last_seen.as_deref().map(Cow::Borrowed);
            row.elapsed = m.elapsed();
            vec![(row, &r.classification)]
        }
        By::Recipient | By::Line => m
            .recipients
            .iter()
            .map(|r| {
                let row = base(r, r.outcome, m.recipient_decision(r, &policy));
                (row, &r.classification)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_header_names_every_field_of_a_row_in_order() {
        let header = String::from_utf8(csv_header().expect("a header")).expect("UTF-8");
        let names: Vec<&str> = header.trim_end().split(',').collect();
        assert_eq!(names.len(), 29, "{header}");
        assert_eq!(
            names[..4],
            ["\"source\"", "\"position\"", "\"kind\"", "\"unit\""]
        );
        assert_eq!(names.last(), Some(&"\"text\""));
    }

    #[test]
    fn over_two_days_of_hours_the_deferrals_are_per_day() {
        let mut by_hour = BTreeMap::new();
        for day in 1..=3 {
            for hour in 0..24 {
                by_hour.insert(format!("11-{day:02} {hour:02}:00"), (1, 4));
            }
        }
        let d = report::deferrals(&by_hour).expect("rows");
        assert_eq!(d.unit, "day");
        assert_eq!(d.rows[1], ("11-02".to_owned(), 24, 96));
        by_hour.retain(|k, _| k.starts_with("11-01"));
        let d = report::deferrals(&by_hour).expect("rows");
        assert_eq!((d.unit, d.rows.len()), ("hour", 24));
        assert!(report::deferrals(&BTreeMap::new()).is_none());
    }

    #[test]
    fn hours_are_read_from_every_log_time() {
        let hour = |w: &str| hour_key(w).map(|k| k.as_str().to_owned());
        assert_eq!(hour("Nov 23 04:26:01").as_deref(), Some("11-23 04:00"));
        assert_eq!(hour("Nov  3 04:26:01").as_deref(), Some("11-03 04:00"));
        assert_eq!(
            hour("2026-11-23T04:26:01.2+00:00").as_deref(),
            Some("11-23 04:00")
        );
        assert_eq!(hour("2026-11-23 04:26:01").as_deref(), Some("11-23 04:00"));
        assert_eq!(hour("Thu, 8 Mar 2026 14:00:00 +0000"), None);
        assert_eq!(hour(""), None);
        assert_eq!(hour("Nov 32 04:26:01"), None);
    }

    #[test]
    fn sizes_read_with_suffixes() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("-5").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_defused() {
        for cell in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'quoted"] {
            assert_eq!(defuse(cell), format!("'{cell}"));
        }
        for cell in ["550 5.1.1 User unknown", "bob@example.org", "", "5.1.1"] {
            assert_eq!(defuse(cell), cell);
        }
    }

    #[test]
    fn names_are_escaped() {
        assert_eq!(escape(b"a\nb\x1b[31m\\c\td"), "a\\nb\\x1b[31m\\\\c\\td");
        assert_eq!(escape(b"caf\xc3\xa9 \xff"), "caf\u{e9} \\xff");
        assert_eq!(escape("x\u{202e}y\u{85}".as_bytes()), "x\\u{202e}y\\u{85}");
        assert_eq!(escape(b"plain/name.eml"), "plain/name.eml");
    }

    #[test]
    fn mboxrd_quoting_removes_one_level() {
        assert_eq!(unquoted(b">From here"), b"From here");
        assert_eq!(unquoted(b">>From here"), b">From here");
        assert_eq!(unquoted(b">not from"), b">not from");
        assert_eq!(unquoted(b"From x"), b"From x");
    }

    #[test]
    fn items_offered_by_many_threads_in_any_order_are_each_taken_once_in_order() {
        let step = InOrder::new(Vec::new());
        let returned = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for t in 0..4u64 {
                let (step, returned) = (&step, &returned);
                scope.spawn(move || {
                    // Each thread offers every fourth number, the last of them first.
                    for seq in (0..250u64).rev().map(|k| k * 4 + t) {
                        let made = step.offer(seq, seq * 10, |taken: &mut Vec<u64>, item| {
                            taken.push(item);
                            item + 1
                        });
                        if let Ok(mut r) = returned.lock() {
                            r.extend(made);
                        }
                    }
                });
            }
        });
        let taken = step.step.into_inner().expect("not poisoned");
        assert_eq!(taken, (0..1000u64).map(|n| n * 10).collect::<Vec<_>>());
        let mut made = returned.into_inner().expect("not poisoned");
        made.sort_unstable();
        assert_eq!(
            made,
            (0..1000u64).map(|n| (n, n * 10 + 1)).collect::<Vec<_>>()
        );
    }
}
