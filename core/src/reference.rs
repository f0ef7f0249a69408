//! `explain()`: the reference entry of a basic or an enhanced code.

use serde::Serialize;

use crate::classify::parse_code;
use crate::parse::Enhanced;
use crate::tables;
use crate::types::Severity;
use crate::Error;

/// The reference entry of a code, from the tables in `data/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The code as asked for, normalised: `421`, `5.1.1` or `X.1.1`.
    pub code: String,
    /// `basic` or `enhanced`.
    pub kind: &'static str,
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
}

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
        kind: "basic",
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
    };
    if let Some(e) = tables::reply_code(code) {
        return Explanation {
            title: e.title,
            description: e.description,
            when: e.when,
            fix: e.fix,
            source: e.source,
            registered: true,
            ..base
        };
    }
    let class = tables::class(u8::try_from(code / 100).unwrap_or(0));
    Explanation {
        title: class.map_or("Unassigned Reply Code", |c| c.title),
        description: class.map_or("", |c| c.description),
        when: "No standard assigns this code; a server used it with its class's meaning.",
        fix: "Treat it as its class says: retry a 4xx, give up on a 5xx, and read the reply text.",
        source: class.map_or("", |c| c.source),
        ..base
    }
}

fn explain_enhanced(e: Enhanced) -> Explanation {
    let class = (e.class != 0).then(|| tables::class(e.class)).flatten();
    let subject = tables::subject(e.subject);
    let severity = Severity::from_class(u16::from(e.class));
    let base = Explanation {
        code: e.to_string(),
        kind: "enhanced",
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
    };
    if let Some(d) = tables::detail(e.subject, e.detail) {
        return Explanation {
            title: d.title,
            description: d.description,
            when: d.when,
            fix: d.fix,
            basic: d.basic,
            classes: d.classes,
            source: d.source,
            registered: true,
            ..base
        };
    }
    Explanation {
        title: subject.map_or("Unassigned Status", |s| s.title),
        description: subject.map_or("", |s| s.description),
        when: "No registry entry has this detail number; the sender used it with its subject's meaning.",
        fix: "Read the reply text: the code only says which area (subject) the failure was in.",
        source: subject.map_or("", |s| s.source),
        ..base
    }
}
