//! `explain()`: the reference entry of a basic or an enhanced code; `compare()`: two entries and
//! how they differ.

use serde::Serialize;

use crate::codes::parse_code;
use crate::codes::Enhanced;
use crate::tables;
use crate::types::{string_enum, Severity};
use crate::Error;

string_enum! {
    /// Which kind of code an [`Explanation`] is about.
    pub enum ExplanationKind as "explanation kind" {
        /// A basic reply code (`421`).
        Basic = "basic",
        /// An enhanced status code (`5.1.1`, `X.1.1`).
        Enhanced = "enhanced",
    }
}

/// The reference entry of a code, from the tables in `data/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The code as asked for, normalised: `421`, `5.1.1` or `X.1.1`.
    pub code: String,
    /// `basic` or `enhanced`.
    pub kind: ExplanationKind,
    /// From the class digit (`unknown` for an `X.` code, which names no class).
    pub severity: Severity,
    /// Short name.
    pub title: &'static str,
    /// What the code means.
    pub description: &'static str,
    /// When a sender typically sees it.
    pub when: &'static str,
    /// What to do about it.
    pub fix: &'static str,
    /// For an enhanced code: the basic codes the registry associates with it.
    pub basic: &'static [u16],
    /// For an enhanced code: the classes (2, 4, 5) the registry uses it with.
    pub classes: &'static [u8],
    /// For an enhanced code: the title of its class (`Permanent Failure`).
    pub class_title: Option<&'static str>,
    /// For an enhanced code: the title of its subject (`Addressing Status`).
    pub subject_title: Option<&'static str>,
    /// The RFC or registry that defines it.
    pub source: &'static str,
    /// False for a well-formed code that no table lists (`599`, `5.9.9`): the entry then
    /// describes its class.
    pub registered: bool,
    /// What commonly makes a server send it (empty where the data says nothing).
    pub causes: &'static [Cause],
    /// What to look at, and the command to run where there is one.
    pub checks: &'static [Check],
    /// Whether and how a client retries after it. `None` for an `X.` code that may be sent
    /// with class 4 or 5 (or whose classes no table lists): the class it is sent with decides.
    pub retry: Option<Retry>,
    /// The codes people confuse it with (`421`, `X.1.1`).
    pub related: &'static [&'static str],
    /// Who must act: `nobody`, `sender` (who wrote or addressed the message),
    /// `sending_system` (who runs the sending server or client), `recipient` (the mailbox's
    /// owner), `receiving_system` (who runs the receiving server).
    pub who: &'static [&'static str],
    /// When it is seen: a stage of the session (`greeting`, `ehlo`, `starttls`, `auth`,
    /// `mail`, `rcpt`, `data`, `message` after the final dot, `quit`), `any` (in reply to any
    /// command), `other` (other commands: `VRFY`, `ETRN`, `HELP` ...), or `local` (made by the
    /// sending side's own mail server, not received).
    pub seen: &'static [&'static str],
}

/// A common cause of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// A few words.
    pub title: &'static str,
    /// A sentence.
    pub text: &'static str,
}

/// A diagnostic step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What to look at, as a sentence.
    pub text: &'static str,
    /// The command a person runs for it, with example names (`dig MX example.org +short`).
    pub command: Option<&'static str>,
}

/// Whether and how a client retries after a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retry {
    /// `never`, `queue` (on the sending queue's schedule) or `after_wait` (after the wait the
    /// reply or the protocol states).
    pub kind: &'static str,
    /// A sentence.
    pub text: &'static str,
}

/// A row of data/reference.toml.
#[derive(Debug)]
pub(crate) struct ReferenceEntry {
    who: &'static [&'static str],
    seen: &'static [&'static str],
    retry: Retry,
    retry_transient: Option<Retry>,
    related: &'static [&'static str],
    causes: &'static [Cause],
    checks: &'static [Check],
}

include!(concat!(env!("OUT_DIR"), "/reference.rs"));

fn basic_reference(code: u16) -> Option<&'static ReferenceEntry> {
    BASIC_REFERENCE
        .binary_search_by_key(&code, |(c, _)| *c)
        .ok()
        .map(|i| &BASIC_REFERENCE[i].1)
}

fn enhanced_reference(subject: u16, detail: u16) -> Option<&'static ReferenceEntry> {
    ENHANCED_REFERENCE
        .binary_search_by_key(&(subject, detail), |(k, _)| *k)
        .ok()
        .map(|i| &ENHANCED_REFERENCE[i].1)
}

/// Every basic code the reference lists, in order.
///
/// ```
/// assert!(smtpcodes::basic_codes().any(|c| c == 421));
/// ```
pub fn basic_codes() -> impl Iterator<Item = u16> {
    tables::REPLY_CODES.iter().map(|c| c.code)
}

/// The retry, who and seen of a code no reference row covers, from its class.
fn by_class(
    class: u16,
) -> (
    Option<Retry>,
    &'static [&'static str],
    &'static [&'static str],
) {
    match class {
        2 | 3 => (Some(NOTHING_TO_RETRY), &["nobody"], &["any"]),
        4 => (
            Some(Retry {
                kind: "queue",
                text: "Class 4 is temporary: the message stays queued and is tried again on the queue's schedule.",
            }),
            &["sending_system", "receiving_system"],
            &["any"],
        ),
        5 => (
            Some(Retry {
                kind: "never",
                text: "Class 5 is permanent: the message is returned to the sender, not tried again unchanged.",
            }),
            &["sender", "sending_system", "receiving_system"],
            &["any"],
        ),
        _ => (None, &["sender", "sending_system", "receiving_system"], &["any"]),
    }
}

const NOTHING_TO_RETRY: Retry = Retry {
    kind: "never",
    text: "Nothing failed, so nothing is retried.",
};

/// The reference entry of a basic code (`"421"`) or an enhanced one (`"5.1.1"`, `"X.7.26"`).
///
/// ```
/// let e = smtpcodes::explain("421")?;
/// assert_eq!(e.title, "Service Not Available");
/// let e = smtpcodes::explain("5.1.1")?;
/// assert!(e.basic.contains(&550));
/// # Ok::<(), smtpcodes::Error>(())
/// ```
pub fn explain(code: &str) -> Result<Explanation, Error> {
    let trimmed = code.trim();
    if trimmed.contains('.') {
        let e = Enhanced::parse(trimmed).ok_or_else(|| Error::InvalidCode {
            input: code.to_owned(),
        })?;
        return Ok(explain_enhanced(e));
    }
    match parse_code(trimmed)? {
        Some(c) => Ok(explain_basic(c)),
        None => Err(Error::InvalidCode {
            input: code.to_owned(),
        }),
    }
}

/// The reference entry of a basic code that is already known to be within 200..=599.
pub fn explain_basic(code: u16) -> Explanation {
    let severity = Severity::from_class(code / 100);
    let base = Explanation {
        code: code.to_string(),
        kind: ExplanationKind::Basic,
        severity,
        title: "",
        description: "",
        when: "",
        fix: "",
        basic: &[],
        classes: &[],
        class_title: None,
        subject_title: None,
        source: "",
        registered: false,
        causes: &[],
        checks: &[],
        retry: None,
        related: &[],
        who: &[],
        seen: &[],
    };
    if let (Some(e), Some(r)) = (tables::reply_code(code), basic_reference(code)) {
        return Explanation {
            title: e.title,
            description: e.description,
            when: e.when,
            fix: e.fix,
            source: e.source,
            registered: true,
            causes: r.causes,
            checks: r.checks,
            retry: Some(r.retry),
            related: r.related,
            who: r.who,
            seen: r.seen,
            ..base
        };
    }
    let (retry, who, seen) = by_class(code / 100);
    let class = tables::class(u8::try_from(code / 100).unwrap_or(0));
    Explanation {
        title: class.map_or("Unassigned Reply Code", |c| c.title),
        description: class.map_or("", |c| c.description),
        when: "No standard assigns this code; a server used it with its class's meaning.",
        fix: "Treat it as its class says: retry a 4xx, give up on a 5xx, and read the reply text.",
        source: class.map_or("", |c| c.source),
        retry,
        who,
        seen,
        ..base
    }
}

fn explain_enhanced(e: Enhanced) -> Explanation {
    let class = (e.class != 0).then(|| tables::class(e.class)).flatten();
    let subject = tables::subject(e.subject);
    let severity = Severity::from_class(u16::from(e.class));
    let base = Explanation {
        code: e.to_string(),
        kind: ExplanationKind::Enhanced,
        severity,
        title: "",
        description: "",
        when: "",
        fix: "",
        basic: &[],
        classes: &[],
        class_title: class.map(|c| c.title),
        subject_title: subject.map(|s| s.title),
        source: "",
        registered: false,
        causes: &[],
        checks: &[],
        retry: None,
        related: &[],
        who: &[],
        seen: &[],
    };
    let (retry, who, seen) = by_class(u16::from(e.class));
    if let Some(d) = tables::detail(e.subject, e.detail) {
        let registered = Explanation {
            title: d.title,
            description: d.description,
            when: d.when,
            fix: d.fix,
            basic: d.basic,
            classes: d.classes,
            source: d.source,
            registered: true,
            retry: match (e.class, d.classes) {
                (0, [only]) => by_class(u16::from(*only)).0,
                _ => retry,
            },
            who,
            seen,
            ..base
        };
        // A code with a row of its own in the reference data: its lists replace the class's.
        return match enhanced_reference(e.subject, e.detail) {
            Some(r) => Explanation {
                causes: r.causes,
                checks: r.checks,
                retry: enhanced_retry(e.class, r, d.classes),
                related: r.related,
                who: r.who,
                seen: r.seen,
                ..registered
            },
            None => registered,
        };
    }
    Explanation {
        title: subject.map_or("Unassigned Status", |s| s.title),
        description: subject.map_or("", |s| s.description),
        when: "No registry entry has this detail number; the sender used it with its subject's meaning.",
        fix: "Read the reply text: the code only says which area (subject) the failure was in.",
        source: subject.map_or("", |s| s.source),
        retry,
        who,
        seen,
        ..base
    }
}

/// The retry of an enhanced code with a reference row: by the class it was sent with, and for
/// an `X.` code by the only failure class the registry uses it with.
fn enhanced_retry(class: u8, r: &ReferenceEntry, classes: &[u8]) -> Option<Retry> {
    let class = if class == 0 {
        let failures: Vec<u8> = classes.iter().copied().filter(|&c| c != 2).collect();
        match failures.as_slice() {
            [only] => *only,
            [] => 2,
            _ => return None,
        }
    } else {
        class
    };
    match class {
        4 if r.retry_transient.is_some() => r.retry_transient,
        4 | 5 if classes.contains(&class) => Some(r.retry),
        _ => by_class(u16::from(class)).0,
    }
}

/// Two reference entries side by side, and what sets them apart: the result of [`compare`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The first code's entry.
    pub a: Explanation,
    /// The second code's entry.
    pub b: Explanation,
    /// Where they differ, in a fixed order of aspects: `class`, `retry`, `who`, `seen`, `fix`.
    pub differences: Vec<Difference>,
    /// What they share, and how the registry links them, as sentences.
    pub common: Vec<String>,
}

/// One aspect in which two codes differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `class` (class and permanence), `retry` (whether and how each is retried), `who` (who
    /// must act), `seen` (when each is seen) or `fix` (what to do).
    pub aspect: &'static str,
    /// The first code's side, in a few words (for `fix`, its whole advice).
    pub a: String,
    /// The second code's side.
    pub b: String,
    /// The difference as a sentence that names both codes.
    pub text: String,
}

/// Two codes, basic or enhanced in any mix, and their key differences, computed from the
/// reference data.
///
/// ```
/// let c = smtpcodes::compare("421", "521")?;
/// assert_eq!(c.differences[0].aspect, "class");
/// assert!(c.differences.iter().any(|d| d.aspect == "retry"));
/// # Ok::<(), smtpcodes::Error>(())
/// ```
// Long because it is one block per aspect compared (class, retry, who, seen, fix),
// in the order the comparison lists them; a helper per block would only move the list away.
pub fn compare(a: &str, b: &str) -> Result<Comparison, Error> {
    let a = explain(a)?;
    let b = explain(b)?;
    let mut differences = Vec::new();
    let mut common = Vec::new();
    let (an, bn) = (a.code.as_str(), b.code.as_str());

    if a.severity == b.severity {
        common.push(format!("Both are {}.", class_plural(a.severity)));
    } else {
        differences.push(Difference {
            aspect: "class",
            a: class_label(&a),
            b: class_label(&b),
            text: format!(
                "{an} is {}; {bn} is {}.",
                class_sentence(a.severity),
                class_sentence(b.severity)
            ),
        });
    }

    let (ar, br) = (retry_label(a.retry), retry_label(b.retry));
    if ar == br {
        common.push(match a.retry.map(|r| r.kind) {
            Some("never") => "Neither is retried.".to_owned(),
            _ => format!("Both are {ar}."),
        });
    } else {
        differences.push(Difference {
            aspect: "retry",
            text: format!("{an} is {ar}; {bn} is {br}."),
            a: ar.to_owned(),
            b: br.to_owned(),
        });
    }

    if same_set(a.who, b.who) {
        common.push(match a.who {
            ["nobody"] => "Neither needs anyone to act.".to_owned(),
            who => format!("For both, {} must act.", parties(who)),
        });
    } else {
        let (aw, bw) = (parties(a.who), parties(b.who));
        differences.push(Difference {
            aspect: "who",
            text: format!(
                "For {an}, {}; for {bn}, {}.",
                acts(a.who, &aw),
                acts(b.who, &bw)
            ),
            a: aw,
            b: bw,
        });
    }

    if same_set(a.seen, b.seen) {
        common.push(format!("Both come {}.", stages(a.seen)));
    } else {
        let (aw, bw) = (stages(a.seen), stages(b.seen));
        differences.push(Difference {
            aspect: "seen",
            text: format!("{an} comes {aw}; {bn} comes {bw}."),
            a: aw,
            b: bw,
        });
    }

    if a.fix != b.fix {
        differences.push(Difference {
            aspect: "fix",
            text: format!("For {an}: {} For {bn}: {}", a.fix, b.fix),
            a: a.fix.to_owned(),
            b: b.fix.to_owned(),
        });
    }

    links(&a, &b, &mut common);
    Ok(Comparison {
        a,
        b,
        differences,
        common,
    })
}

/// The registry's and the data's links between the two codes, as sentences.
fn links(a: &Explanation, b: &Explanation, common: &mut Vec<String>) {
    for (x, y) in [(a, b), (b, a)] {
        if x.kind == ExplanationKind::Enhanced && y.kind == ExplanationKind::Basic {
            if let Ok(n) = y.code.parse::<u16>() {
                if x.basic.contains(&n) {
                    common.push(format!(
                        "The registry lists {} as a basic code {} is sent with.",
                        y.code, x.code
                    ));
                }
            }
        }
    }
    let listed = |x: &Explanation, y: &Explanation| {
        x.related.iter().any(|r| {
            *r == y.code || (y.kind == ExplanationKind::Enhanced && same_detail(r, &y.code))
        })
    };
    let confused = match (listed(a, b), listed(b, a)) {
        (true, true) => {
            Some("Each is listed among the codes the other is confused with.".to_owned())
        }
        (true, false) => Some(format!(
            "{} is listed among the codes {} is confused with.",
            b.code, a.code
        )),
        (false, true) => Some(format!(
            "{} is listed among the codes {} is confused with.",
            a.code, b.code
        )),
        (false, false) => None,
    };
    common.extend(confused);
    if a.kind == ExplanationKind::Enhanced
        && b.kind == ExplanationKind::Enhanced
        && a.subject_title == b.subject_title
    {
        if let Some(subject) = a.subject_title {
            common.push(format!("Both are in the subject {subject}."));
        }
    }
}

/// The same names, in any order (the data lists the main one first).
fn same_set(a: &[&str], b: &[&str]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// `X.1.1` names the same detail as `5.1.1`.
fn same_detail(x: &str, code: &str) -> bool {
    x.split_once('.').map(|(_, rest)| rest) == code.split_once('.').map(|(_, rest)| rest)
}

fn class_label(e: &Explanation) -> String {
    let digit = e.code.chars().next().unwrap_or('X');
    let shape = if e.kind == ExplanationKind::Basic {
        format!("{digit}xx")
    } else {
        format!("{digit}.x.x")
    };
    match e.severity {
        Severity::Success => format!("success ({shape})"),
        Severity::Intermediate => format!("intermediate ({shape})"),
        Severity::Transient => format!("transient failure ({shape})"),
        Severity::Permanent => format!("permanent failure ({shape})"),
        Severity::Unknown => "no class of its own (X.x.x)".to_owned(),
    }
}

fn class_sentence(s: Severity) -> &'static str {
    match s {
        Severity::Success => "a success: the command was carried out",
        Severity::Intermediate => {
            "an intermediate reply: the command was accepted and the server waits for more"
        }
        Severity::Transient => "a transient failure: the same command may work later",
        Severity::Permanent => "a permanent failure: sending it again unchanged will fail again",
        Severity::Unknown => "written without a class: it takes the class it is sent with",
    }
}

fn class_plural(s: Severity) -> &'static str {
    match s {
        Severity::Success => "successes",
        Severity::Intermediate => "intermediate replies",
        Severity::Transient => "transient failures",
        Severity::Permanent => "permanent failures",
        Severity::Unknown => "written without a class",
    }
}

fn retry_label(r: Option<Retry>) -> &'static str {
    match r.map(|r| r.kind) {
        Some("never") => "never retried",
        Some("queue") => "retried on the sending queue's schedule",
        Some("after_wait") => "retried after the stated wait",
        _ => "retried or not by the class it is sent with",
    }
}

fn party(p: &str) -> &'static str {
    match p {
        "sender" => "the sender",
        "sending_system" => "the sending system's operator",
        "recipient" => "the recipient",
        "receiving_system" => "the receiving system's operator",
        _ => "nobody",
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn parties(who: &[&str]) -> String {
    or_list(&who.iter().map(|p| party(p)).collect::<Vec<_>>())
}

fn acts(who: &[&str], phrase: &str) -> String {
    if who == ["nobody"] {
        "nobody needs to act".to_owned()
    } else {
        format!("{phrase} must act")
    }
}

fn stage(s: &str) -> &'static str {
    match s {
        "greeting" => "as the greeting",
        "ehlo" => "after EHLO",
        "starttls" => "after STARTTLS",
        "auth" => "during AUTH",
        "mail" => "after MAIL FROM",
        "rcpt" => "after RCPT TO",
        "data" => "after DATA",
        "message" => "after the message's final dot",
        "quit" => "after QUIT",
        "any" => "in reply to any command",
        "other" => "after VRFY, EXPN, ETRN, HELP or another less common command",
        _ => "from the sending side's own mail server, in a bounce, not from the receiver",
    }
}

fn stages(seen: &[&str]) -> String {
    or_list(&seen.iter().map(|s| stage(s)).collect::<Vec<_>>())
}
