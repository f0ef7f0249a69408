//! data/reference.toml: the causes, checks, retry behaviour and related codes of each reply
//! code, checked against the code tables and written as `OUT_DIR/reference.rs`.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde::Deserialize;

use super::{lit, status, EnhancedCodes, ReplyCodes};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reference {
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// `421` or `X.1.1`.
    code: String,
    who: Vec<String>,
    seen: Vec<String>,
    retry: Retry,
    /// For an enhanced code also used with class 4: how a 4.s.d is retried.
    #[serde(default)]
    retry_transient: Option<Retry>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    causes: Vec<Cause>,
    #[serde(default)]
    checks: Vec<Check>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Retry {
    kind: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cause {
    title: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    text: String,
    #[serde(default)]
    command: Option<String>,
}

/// The values `retry.kind` may take.
const RETRY_KINDS: &[&str] = &["never", "queue", "after_wait"];
/// Who must act.
const PARTIES: &[&str] = &[
    "nobody",
    "sender",
    "sending_system",
    "recipient",
    "receiving_system",
];
/// Where in a session (or outside it) the code is seen.
const STAGES: &[&str] = &[
    "greeting", "ehlo", "starttls", "auth", "mail", "rcpt", "data", "message", "quit", "any",
    "other", "local",
];

fn text(s: &str, ctx: &str, what: &str) {
    assert!(!s.trim().is_empty(), "{ctx}: empty {what}");
    assert!(s.trim() == s, "{ctx}: {what} {s:?} has spaces at an end");
}

/// A code of `reference.toml`: a basic code of `reply_codes.toml` or an `X.s.d` of
/// `enhanced_codes.toml` (the build fails for one that is in neither).
enum Key {
    Basic(u16),
    Enhanced(u16, u16),
}

fn key(code: &str, codes: &ReplyCodes, enhanced: &EnhancedCodes, ctx: &str) -> Key {
    if code.contains('.') {
        assert!(
            code.starts_with("X."),
            "{ctx}: write enhanced codes as X.s.d, not {code:?}"
        );
        let (_, subject, detail) = status(code, ctx);
        assert!(
            enhanced
                .detail
                .iter()
                .any(|d| status(&d.code, "enhanced_codes.toml") == (0, subject, detail)),
            "{ctx}: {code} is not in enhanced_codes.toml"
        );
        Key::Enhanced(subject, detail)
    } else {
        let n: u16 = code
            .parse()
            .unwrap_or_else(|_| panic!("{ctx}: bad code {code:?}"));
        assert!(
            codes.code.iter().any(|c| c.code == n),
            "{ctx}: {code} is not in reply_codes.toml"
        );
        Key::Basic(n)
    }
}

fn retry(r: &Retry, ctx: &str) -> String {
    assert!(
        RETRY_KINDS.contains(&r.kind.as_str()),
        "{ctx}: retry kind {:?} is not one of {RETRY_KINDS:?}",
        r.kind
    );
    text(&r.text, ctx, "retry text");
    format!("Retry {{ kind: {}, text: {} }}", lit(&r.kind), lit(&r.text))
}

fn names(list: &[String], allowed: &[&str], ctx: &str, what: &str) -> String {
    assert!(!list.is_empty(), "{ctx}: `{what}` is empty");
    let mut seen = HashSet::new();
    for n in list {
        assert!(
            allowed.contains(&n.as_str()),
            "{ctx}: {what} {n:?} is not one of {allowed:?}"
        );
        assert!(seen.insert(n), "{ctx}: {what} {n:?} twice");
    }
    assert!(
        !(list.len() > 1 && list.iter().any(|n| n == "nobody")),
        "{ctx}: `nobody` stands alone"
    );
    format!(
        "&[{}]",
        list.iter().map(|n| lit(n)).collect::<Vec<_>>().join(", ")
    )
}

fn row(e: &Entry, codes: &ReplyCodes, enhanced: &EnhancedCodes, ctx: &str) -> String {
    let who = names(&e.who, PARTIES, ctx, "who");
    let seen = names(&e.seen, STAGES, ctx, "seen");
    let mut related = HashSet::new();
    for r in &e.related {
        key(r, codes, enhanced, &format!("{ctx}: related"));
        assert!(r != &e.code, "{ctx}: related to itself");
        assert!(related.insert(r), "{ctx}: related {r} twice");
    }
    let mut causes = HashSet::new();
    let causes: Vec<String> = e
        .causes
        .iter()
        .map(|c| {
            text(&c.title, ctx, "cause title");
            text(&c.text, ctx, "cause text");
            assert!(causes.insert(&c.title), "{ctx}: cause {:?} twice", c.title);
            format!(
                "Cause {{ title: {}, text: {} }}",
                lit(&c.title),
                lit(&c.text)
            )
        })
        .collect();
    let checks: Vec<String> = e
        .checks
        .iter()
        .map(|c| {
            text(&c.text, ctx, "check text");
            if let Some(cmd) = &c.command {
                text(cmd, ctx, "check command");
            }
            format!(
                "Check {{ text: {}, command: {} }}",
                lit(&c.text),
                c.command
                    .as_ref()
                    .map_or("None".to_owned(), |c| format!("Some({})", lit(c)))
            )
        })
        .collect();
    let transient = e
        .retry_transient
        .as_ref()
        .map_or("None".to_owned(), |r| format!("Some({})", retry(r, ctx)));
    format!(
        "ReferenceEntry {{ who: {who}, seen: {seen}, retry: {}, retry_transient: {transient}, related: &[{}], causes: &[{}], checks: &[{}] }}",
        retry(&e.retry, ctx),
        e.related.iter().map(|r| lit(r)).collect::<Vec<_>>().join(", "),
        causes.join(", "),
        checks.join(", "),
    )
}

/// Reads data/reference.toml, checks it against the code tables and writes
/// `out_dir/reference.rs`: `BASIC_REFERENCE` by code and `ENHANCED_REFERENCE` by subject and
/// detail.
#[allow(
    clippy::too_many_lines,
    reason = "reading, checking every entry against the code tables, and writing the two tables happen in one place so that a check failure names the entry it is about."
)]
pub(crate) fn write(dir: &Path, codes: &ReplyCodes, enhanced: &EnhancedCodes, out_dir: &Path) {
    let path = dir.join("reference.toml");
    println!("cargo:rerun-if-changed={}", path.display());
    println!("cargo:rerun-if-changed=build/reference.rs");
    let source =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading data/reference.toml: {e}"));
    let data: Reference =
        toml::from_str(&source).unwrap_or_else(|e| panic!("data/reference.toml: {e}"));

    let mut basic: Vec<(u16, String)> = Vec::new();
    let mut detail: Vec<((u16, u16), String)> = Vec::new();
    let mut seen = HashSet::new();
    for e in &data.entry {
        let ctx = format!("data/reference.toml: {}", e.code);
        assert!(seen.insert(e.code.clone()), "{ctx}: listed twice");
        let row = row(e, codes, enhanced, &ctx);
        match key(&e.code, codes, enhanced, &ctx) {
            Key::Basic(n) => {
                assert!(
                    e.retry_transient.is_none(),
                    "{ctx}: retry_transient is for enhanced codes"
                );
                let class = n / 100;
                assert!(
                    class != 5 || e.retry.kind == "never" || n == 552,
                    "{ctx}: a 5xx code is never retried (552 alone has RFC 5321's 452 reading)"
                );
                assert!(
                    class != 4 || e.retry.kind != "never",
                    "{ctx}: a 4xx code is retried"
                );
                basic.push((n, row));
            }
            Key::Enhanced(s, d) => {
                let classes = &enhanced
                    .detail
                    .iter()
                    .find(|x| status(&x.code, "enhanced_codes.toml") == (0, s, d))
                    .expect("checked by key()")
                    .classes;
                assert!(
                    e.retry_transient.is_some() == (classes.contains(&4) && classes.contains(&5)),
                    "{ctx}: retry_transient is given exactly when the code is used with both class 4 and 5"
                );
                if let Some(t) = &e.retry_transient {
                    assert!(t.kind != "never", "{ctx}: a class 4 code is retried");
                }
                assert!(
                    !classes.contains(&5) || e.retry.kind == "never",
                    "{ctx}: `retry` is the class 5 code's, which is never retried"
                );
                assert!(
                    classes.contains(&5) || e.retry.kind != "never",
                    "{ctx}: a code used with class 4 alone is retried"
                );
                detail.push(((s, d), row));
            }
        }
    }
    for c in &codes.code {
        assert!(
            basic.iter().any(|(n, _)| *n == c.code),
            "data/reference.toml: reply code {} of reply_codes.toml has no entry",
            c.code
        );
    }
    basic.sort_by_key(|(n, _)| *n);
    detail.sort_by_key(|(k, _)| *k);

    let mut out = String::from(
        "// @generated by core/build.rs from core/data/reference.toml. Edit the data, not this file.\n\n",
    );
    out.push_str("pub(crate) static BASIC_REFERENCE: &[(u16, ReferenceEntry)] = &[\n");
    for (n, row) in &basic {
        writeln!(out, "    ({n}, {row}),").ok();
    }
    out.push_str(
        "];\n\npub(crate) static ENHANCED_REFERENCE: &[((u16, u16), ReferenceEntry)] = &[\n",
    );
    for ((s, d), row) in &detail {
        writeln!(out, "    (({s}, {d}), {row}),").ok();
    }
    out.push_str("];\n");
    fs::write(out_dir.join("reference.rs"), out).expect("writing reference.rs");
}
