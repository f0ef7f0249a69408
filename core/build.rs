//! Turns the reviewable data files in `data/` into static Rust tables.
//!
//! The data stays the single source: a person reviews `data/*.toml` line by line, and this
//! script checks it (unknown reasons, commands or providers, duplicate ids, rules no pattern
//! can reach) and fails the build with a message naming the line's rule when something is off.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

use serde::Deserialize;

#[path = "build/bounces.rs"]
mod bounces;
#[path = "build/reasons.rs"]
mod reasons;
#[path = "build/reference.rs"]
mod reference;
#[path = "build/words.rs"]
mod words;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyCodes {
    code: Vec<ReplyCode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyCode {
    code: u16,
    title: String,
    description: String,
    when: String,
    fix: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnhancedCodes {
    class: Vec<Class>,
    subject: Vec<Subject>,
    detail: Vec<Detail>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::struct_field_names, reason = "the TOML keys")]
struct Class {
    class: u8,
    title: String,
    description: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::struct_field_names, reason = "the TOML keys")]
struct Subject {
    subject: u16,
    title: String,
    description: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Detail {
    code: String,
    title: String,
    description: String,
    when: String,
    fix: String,
    basic: Vec<u16>,
    classes: Vec<u8>,
    source: String,
}

/// Every rule and code mapping, gathered from data/rules.toml, data/codes.toml and
/// data/providers/*.toml.
struct Rules {
    provider: Vec<Provider>,
    enhanced: Vec<EnhancedMap>,
    basic: Vec<BasicMap>,
    rule: Vec<Rule>,
}

/// data/rules.toml: the order of the providers and the text rules.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRules {
    providers: Vec<String>,
    rule: Vec<Rule>,
}

/// data/codes.toml: what the codes alone mean.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Codes {
    enhanced: Vec<EnhancedMap>,
    basic: Vec<BasicMap>,
}

/// data/providers/<id>.toml: one provider and its own rules.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderFile {
    provider: Provider,
    #[serde(default)]
    rule: Vec<Rule>,
}

/// A reply a rule must decide.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Example {
    #[serde(default)]
    code: Option<u16>,
    text: String,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    host: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Provider {
    id: String,
    name: String,
    markers: Vec<String>,
    hosts: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnhancedMap {
    code: String,
    reason: String,
    #[serde(default)]
    weak: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BasicMap {
    code: u16,
    reason: String,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    weak: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    id: String,
    reason: String,
    /// `provider` (a provider's file), `text` or `weak` (data/rules.toml).
    tier: String,
    /// Set from the file the rule is in.
    #[serde(skip)]
    provider: Option<String>,
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    all: Vec<Vec<String>>,
    #[serde(default)]
    not: Vec<String>,
    #[serde(default)]
    status: Vec<String>,
    #[serde(default)]
    codes: Vec<u16>,
    #[serde(default)]
    command: Vec<String>,
    /// From `tier`.
    #[serde(skip)]
    weak: bool,
    #[serde(default)]
    advice: Option<String>,
    examples: Vec<Example>,
}

// Reason and command names become enum paths (`user_unknown` -> `Reason::UserUnknown`): a
// name the crate does not know fails to compile, naming the variant, so the lists are not
// repeated here.

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn reason(name: &str, context: &str) -> String {
    assert!(
        name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "{context}: reason {name:?} is not snake_case"
    );
    format!("Reason::{}", camel(name))
}

fn command(name: &str, context: &str) -> String {
    assert!(
        name.bytes().all(|b| b.is_ascii_lowercase()),
        "{context}: command {name:?} is not lower case"
    );
    format!("Command::{}", camel(name))
}

/// A status pattern: `5.7.26` or `X.7.26` -> (class, subject, detail), class 0 for X.
fn status(code: &str, context: &str) -> (u8, u16, u16) {
    let parts: Vec<&str> = code.split('.').collect();
    assert!(parts.len() == 3, "{context}: bad status {code:?}");
    let class = match parts[0] {
        "X" | "x" => 0,
        c => c
            .parse()
            .unwrap_or_else(|_| panic!("{context}: bad status {code:?}")),
    };
    assert!(
        matches!(class, 0 | 2 | 4 | 5),
        "{context}: bad status class in {code:?}"
    );
    let subject = parts[1]
        .parse()
        .unwrap_or_else(|_| panic!("{context}: bad status {code:?}"));
    let detail = parts[2]
        .parse()
        .unwrap_or_else(|_| panic!("{context}: bad status {code:?}"));
    (class, subject, detail)
}

/// Interns literal patterns: `\b` at either end asks for a word boundary there.
#[derive(Default)]
struct Patterns {
    list: Vec<(String, bool, bool)>,
    index: HashMap<(String, bool, bool), usize>,
}

impl Patterns {
    fn add(&mut self, raw: &str, context: &str) -> usize {
        let mut s = raw;
        let start = s.starts_with("\\b");
        if start {
            s = &s[2..];
        }
        let end = s.ends_with("\\b");
        if end {
            s = &s[..s.len() - 2];
        }
        assert!(!s.is_empty(), "{context}: empty pattern");
        assert!(
            s.len() >= 3 || start || end,
            "{context}: pattern {raw:?} is too short to mean anything without \\b"
        );
        let lower = s.to_ascii_lowercase();
        assert!(
            lower == s,
            "{context}: write pattern {raw:?} in lower case (matching ignores ASCII case)"
        );
        let key = (lower, start, end);
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.list.len();
        self.list.push(key.clone());
        self.index.insert(key, i);
        i
    }
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("data");
    for f in [
        "reply_codes.toml",
        "enhanced_codes.toml",
        "codes.toml",
        "rules.toml",
        "providers",
        "lexicon.toml",
        "words.toml",
    ] {
        println!("cargo:rerun-if-changed={}", dir.join(f).display());
    }
    let read = |name: &str| -> String {
        fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("reading data/{name}: {e}"))
    };
    let codes: ReplyCodes = toml::from_str(&read("reply_codes.toml"))
        .unwrap_or_else(|e| panic!("data/reply_codes.toml: {e}"));
    let enhanced: EnhancedCodes = toml::from_str(&read("enhanced_codes.toml"))
        .unwrap_or_else(|e| panic!("data/enhanced_codes.toml: {e}"));
    let rules = read_rules(&dir, &read);

    let mut out = String::from(
        "// @generated by core/build.rs from core/data/*.toml. Edit the data, not this file.\n\n",
    );
    let lexicon: words::Lexicon =
        toml::from_str(&read("lexicon.toml")).unwrap_or_else(|e| panic!("data/lexicon.toml: {e}"));
    let word_rules: words::WordRules =
        toml::from_str(&read("words.toml")).unwrap_or_else(|e| panic!("data/words.toml: {e}"));
    let strong = words::strong_triggers(&lexicon, &word_rules);

    write_reference(&mut out, &codes, &enhanced);
    write_rules(&mut out, &rules, &codes, &enhanced, strong.as_deref());

    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("tables.rs"), out).expect("writing tables.rs");
    reference::write(&dir, &codes, &enhanced, &out_dir);
    reasons::write(&dir, &dir.join("../src"), &out_dir);
    bounces::write(&dir, &out_dir);

    let mut out = String::from(
        "// @generated by core/build.rs from core/data/lexicon.toml and words.toml.\n\n",
    );
    words::write(&mut out, &lexicon, &word_rules);
    fs::write(out_dir.join("words.rs"), out).expect("writing words.rs");
    println!("cargo:rerun-if-changed=src/rules/words/token.rs");
    println!("cargo:rerun-if-changed=build/words.rs");
}

/// Reads the rules of data/rules.toml and each provider's file, in the order `providers`
/// gives, and the code mappings of data/codes.toml; checks each rule's tier against its file.
fn read_rules(dir: &Path, read: &dyn Fn(&str) -> String) -> Rules {
    let text: TextRules =
        toml::from_str(&read("rules.toml")).unwrap_or_else(|e| panic!("data/rules.toml: {e}"));
    let codes: Codes =
        toml::from_str(&read("codes.toml")).unwrap_or_else(|e| panic!("data/codes.toml: {e}"));
    let mut files: Vec<String> = fs::read_dir(dir.join("providers"))
        .expect("reading data/providers")
        .map(|e| {
            e.expect("reading data/providers")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|f| Path::new(f).extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let listed: Vec<String> = text.providers.iter().map(|p| format!("{p}.toml")).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert!(
        sorted == files,
        "data/rules.toml: `providers` must name each file of data/providers once: {files:?}"
    );
    let mut provider = Vec::new();
    let mut rule = Vec::new();
    for file in &listed {
        let name = format!("providers/{file}");
        let mut f: ProviderFile =
            toml::from_str(&read(&name)).unwrap_or_else(|e| panic!("data/{name}: {e}"));
        assert!(
            format!("{}.toml", f.provider.id) == *file,
            "data/{name}: the provider's id names its file"
        );
        for r in &mut f.rule {
            assert!(
                r.tier == "provider",
                "data/{name}: rule {}: a provider's rules have tier \"provider\"",
                r.id
            );
            r.provider = Some(f.provider.id.clone());
        }
        provider.push(f.provider);
        rule.extend(f.rule);
    }
    let mut text_rules = text.rule;
    for r in &mut text_rules {
        assert!(
            matches!(r.tier.as_str(), "text" | "weak"),
            "data/rules.toml: rule {}: tier is \"text\" or \"weak\" (provider rules live in data/providers/)",
            r.id
        );
        r.weak = r.tier == "weak";
    }
    rule.extend(text_rules);
    Rules {
        provider,
        enhanced: codes.enhanced,
        basic: codes.basic,
        rule,
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "the basic codes' table, then the enhanced codes' table by subject and detail, each checked as it is written."
)]
fn write_reference(out: &mut String, codes: &ReplyCodes, enhanced: &EnhancedCodes) {
    let mut seen = HashSet::new();
    let mut sorted: Vec<&ReplyCode> = codes.code.iter().collect();
    sorted.sort_by_key(|c| c.code);
    out.push_str("pub(crate) static REPLY_CODES: &[ReplyCodeEntry] = &[\n");
    for c in &sorted {
        assert!(
            (200..=599).contains(&c.code),
            "reply_codes.toml: code {} out of range",
            c.code
        );
        assert!(
            seen.insert(c.code),
            "reply_codes.toml: code {} twice",
            c.code
        );
        writeln!(
            out,
            "    ReplyCodeEntry {{ code: {}, title: {}, description: {}, when: {}, fix: {}, source: {}, label: {} }},",
            c.code, lit(&c.title), lit(&c.description), lit(&c.when), lit(&c.fix), lit(&c.source),
            lit(&format!("code {}", c.code))
        ).ok();
    }
    out.push_str("];\n\n");

    out.push_str("pub(crate) static CLASSES: &[ClassEntry] = &[\n");
    for c in &enhanced.class {
        writeln!(
            out,
            "    ClassEntry {{ class: {}, title: {}, description: {}, source: {} }},",
            c.class,
            lit(&c.title),
            lit(&c.description),
            lit(&c.source)
        )
        .ok();
    }
    out.push_str("];\n\npub(crate) static SUBJECTS: &[SubjectEntry] = &[\n");
    for s in &enhanced.subject {
        writeln!(
            out,
            "    SubjectEntry {{ subject: {}, title: {}, description: {}, source: {} }},",
            s.subject,
            lit(&s.title),
            lit(&s.description),
            lit(&s.source)
        )
        .ok();
    }
    out.push_str("];\n\npub(crate) static DETAILS: &[DetailEntry] = &[\n");
    let mut seen = HashSet::new();
    let mut details: Vec<(u16, u16, &Detail)> = enhanced
        .detail
        .iter()
        .map(|d| {
            let (class, subject, detail) = status(&d.code, "enhanced_codes.toml");
            assert_eq!(
                class, 0,
                "enhanced_codes.toml: write details as X.s.d, not {}",
                d.code
            );
            (subject, detail, d)
        })
        .collect();
    details.sort_by_key(|&(s, d, _)| (s, d));
    for (subject, detail, d) in details {
        assert!(
            seen.insert((subject, detail)),
            "enhanced_codes.toml: {} twice",
            d.code
        );
        assert!(
            enhanced.subject.iter().any(|s| s.subject == subject),
            "enhanced_codes.toml: {} has no subject entry",
            d.code
        );
        writeln!(
            out,
            "    DetailEntry {{ subject: {subject}, detail: {detail}, title: {}, description: {}, when: {}, fix: {}, basic: &{:?}, classes: &{:?}, source: {} }},",
            lit(&d.title), lit(&d.description), lit(&d.when), lit(&d.fix), d.basic, d.classes, lit(&d.source)
        ).ok();
    }
    out.push_str("];\n\n");
}

/// The providers' ids by index, and each provider's marker patterns (added to `patterns`).
fn provider_markers<'a>(
    rules: &'a Rules,
    patterns: &mut Patterns,
) -> (BTreeMap<&'a str, usize>, Vec<Vec<usize>>) {
    let mut provider_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut marker_rows = Vec::new();
    for (i, p) in rules.provider.iter().enumerate() {
        assert!(
            provider_ids.insert(&p.id, i).is_none(),
            "data/providers: provider {} twice",
            p.id
        );
        assert!(
            !p.markers.is_empty() || !p.hosts.is_empty(),
            "data/providers: provider {} has no markers and no hosts",
            p.id
        );
        // The name is for the people who read the data; the engine reports the id.
        assert!(
            !p.name.trim().is_empty(),
            "data/providers: provider {} has no name",
            p.id
        );
        let ids: Vec<usize> = p
            .markers
            .iter()
            .map(|m| patterns.add(m, &format!("provider {}", p.id)))
            .collect();
        marker_rows.push(ids);
    }

    (provider_ids, marker_rows)
}

/// The rules in evaluation order: provider rules first, then the text rules that beat enhanced
/// codes, then the weak ones; within each tier the file's order.
fn ordered_rules(rules: &Rules) -> Vec<&Rule> {
    let mut ordered: Vec<&Rule> = Vec::new();
    ordered.extend(rules.rule.iter().filter(|r| r.provider.is_some()));
    ordered.extend(
        rules
            .rule
            .iter()
            .filter(|r| r.provider.is_none() && !r.weak),
    );
    ordered.extend(rules.rule.iter().filter(|r| r.provider.is_none() && r.weak));

    ordered
}

/// The rules' table rows and their examples, with which rules list each pattern in `any`, and
/// the rules that match on codes alone.
#[derive(Default)]
struct RuleTables {
    rule_rows: String,
    example_rows: String,
    by_pattern: BTreeMap<usize, Vec<usize>>,
    textless: Vec<usize>,
}

fn rule_tables(
    ordered: &[&Rule],
    provider_ids: &BTreeMap<&str, usize>,
    patterns: &mut Patterns,
) -> RuleTables {
    let mut t = RuleTables::default();
    let mut ids = HashSet::new();
    for (index, r) in ordered.iter().enumerate() {
        let ctx = format!("rule {}", r.id);
        assert!(ids.insert(r.id.as_str()), "{ctx}: id used twice");
        let any = rule_row(&mut t.rule_rows, r, &ctx, provider_ids, patterns);
        if any.is_empty() {
            t.textless.push(index);
        }
        for &p in &any {
            t.by_pattern.entry(p).or_default().push(index);
        }
        example_rows(&mut t.example_rows, r, &ctx);
    }
    t
}

/// Checks a rule and writes its `RuleEntry` row; returns its `any` patterns.
fn rule_row(
    rows: &mut String,
    r: &Rule,
    ctx: &str,
    provider_ids: &BTreeMap<&str, usize>,
    patterns: &mut Patterns,
) -> Vec<usize> {
    let reason = reason(&r.reason, ctx);
    let provider = match &r.provider {
        Some(p) => format!(
            "Some({})",
            provider_ids
                .get(p.as_str())
                .unwrap_or_else(|| panic!("{ctx}: unknown provider {p}"))
        ),
        None => "None".to_owned(),
    };
    assert!(
        r.provider.is_some() || !r.any.is_empty(),
        "{ctx}: a rule without a provider needs text (`any`)"
    );
    assert!(
        !r.any.is_empty() || !r.status.is_empty() || !r.codes.is_empty(),
        "{ctx}: rule matches nothing specific"
    );
    assert!(
        !(r.weak && r.provider.is_some()),
        "{ctx}: provider rules are never weak"
    );
    let any: Vec<usize> = r.any.iter().map(|p| patterns.add(p, ctx)).collect();
    let all: Vec<Vec<usize>> = r
        .all
        .iter()
        .map(|g| g.iter().map(|p| patterns.add(p, ctx)).collect())
        .collect();
    let not: Vec<usize> = r.not.iter().map(|p| patterns.add(p, ctx)).collect();
    let statuses: Vec<(u8, u16, u16)> = r.status.iter().map(|s| status(s, ctx)).collect();
    let commands: Vec<String> = r.command.iter().map(|c| command(c, ctx)).collect();
    let who = match &r.provider {
        Some(p) => format!("provider {p} "),
        None => "text ".to_owned(),
    };
    let labels: Vec<String> = if any.is_empty() {
        r.status
            .iter()
            .map(|s| format!("{who}{s}"))
            .chain(r.codes.iter().map(|c| format!("{who}code {c}")))
            .collect()
    } else {
        r.any
            .iter()
            .map(|p| format!("{who}{:?}", p.replace("\\b", "")))
            .collect()
    };
    let advice = r
        .advice
        .as_ref()
        .map_or("None".to_owned(), |a| format!("Some({})", lit(a)));
    writeln!(
        rows,
        "    RuleEntry {{ id: {}, reason: {reason}, provider: {provider}, weak: {}, any: &{any:?}, all: &[{}], not: &{not:?}, status: &{statuses:?}, codes: &{:?}, commands: &[{}], labels: &[{}], advice: {advice} }},",
        lit(&r.id),
        r.weak,
        all.iter().map(|g| format!("&{g:?}")).collect::<Vec<_>>().join(", "),
        r.codes,
        commands.join(", "),
        labels.iter().map(|l| lit(l)).collect::<Vec<_>>().join(", "),
    ).ok();
    any
}

/// Checks that a rule has examples and writes their `RuleExample` rows.
fn example_rows(rows: &mut String, r: &Rule, ctx: &str) {
    assert!(!r.examples.is_empty(), "{ctx}: a rule needs examples");
    let opt = |v: &Option<String>| {
        v.as_ref()
            .map_or("None".to_owned(), |x| format!("Some({})", lit(x)))
    };
    for e in &r.examples {
        writeln!(
            rows,
            "    crate::testing::RuleExample {{ id: {}, reason: {}, code: {:?}, text: {}, command: {}, host: {} }},",
            lit(&r.id),
            lit(&r.reason),
            e.code,
            lit(&e.text),
            opt(&e.command),
            opt(&e.host)
        )
        .ok();
    }
}

/// The enhanced-code map's rows, each checked against the registry.
fn enhanced_rows(rules: &Rules, enhanced: &EnhancedCodes) -> String {
    let mut enhanced_rows = String::new();
    let mut seen = HashSet::new();
    for e in &rules.enhanced {
        let ctx = format!("codes.toml: enhanced {}", e.code);
        let (class, subject, detail) = status(&e.code, &ctx);
        assert!(seen.insert((class, subject, detail)), "{ctx}: mapped twice");
        assert!(
            enhanced
                .detail
                .iter()
                .any(|d| status(&d.code, "enhanced_codes.toml") == (0, subject, detail)),
            "{ctx}: not in enhanced_codes.toml"
        );
        let labels: Vec<String> = [2, 4, 5]
            .iter()
            .map(|c| lit(&format!("enhanced {c}.{subject}.{detail}")))
            .collect();
        writeln!(
            enhanced_rows,
            "    EnhancedMapEntry {{ class: {class}, subject: {subject}, detail: {detail}, reason: {}, weak: {}, labels: [{}] }},",
            reason(&e.reason, &ctx), e.weak, labels.join(", ")
        ).ok();
    }
    enhanced_rows
}

/// The basic-code map's rows, each checked against the reply codes.
fn basic_rows(rules: &Rules, codes: &ReplyCodes) -> String {
    let mut basic_rows = String::new();
    let mut seen = HashSet::new();
    for b in &rules.basic {
        let ctx = format!("codes.toml: basic {}", b.code);
        assert!(
            codes.code.iter().any(|c| c.code == b.code),
            "{ctx}: not in reply_codes.toml"
        );
        assert!(
            seen.insert((b.code, b.command.clone())),
            "{ctx}: mapped twice"
        );
        let (cmd, label) = match &b.command {
            Some(c) => (
                format!("Some({})", command(c, &ctx)),
                format!("code {} after {}", b.code, c.to_ascii_uppercase()),
            ),
            None => ("None".to_owned(), format!("code {}", b.code)),
        };
        writeln!(
            basic_rows,
            "    BasicMapEntry {{ code: {}, command: {cmd}, reason: {}, weak: {}, label: {} }},",
            b.code,
            reason(&b.reason, &ctx),
            b.weak,
            lit(&label)
        )
        .ok();
    }

    basic_rows
}

/// Writes the rule tables: the providers and their markers, the rules in evaluation order and
/// their examples, the code maps, and the patterns they all share (whose indexes the tables
/// hold, so the patterns are added in one order: markers, rules, then strong word triggers).
fn write_rules(
    out: &mut String,
    rules: &Rules,
    codes: &ReplyCodes,
    enhanced: &EnhancedCodes,
    strong: Option<&[String]>,
) {
    let mut patterns = Patterns::default();
    let (provider_ids, marker_rows) = provider_markers(rules, &mut patterns);
    let ordered = ordered_rules(rules);
    let RuleTables {
        rule_rows,
        example_rows,
        by_pattern,
        textless,
    } = rule_tables(&ordered, &provider_ids, &mut patterns);
    let enhanced_rows = enhanced_rows(rules, enhanced);
    let basic_rows = basic_rows(rules, codes);
    write_patterns(out, &mut patterns, strong, &marker_rows);
    out.push_str("pub(crate) static PROVIDERS: &[ProviderEntry] = &[\n");
    for p in &rules.provider {
        let hosts: Vec<String> = p
            .hosts
            .iter()
            .map(|h| lit(&h.to_ascii_lowercase()))
            .collect();
        writeln!(
            out,
            "    ProviderEntry {{ id: {}, hosts: &[{}] }},",
            lit(&p.id),
            hosts.join(", ")
        )
        .ok();
    }
    out.push_str("];\n\npub(crate) static RULES: &[RuleEntry] = &[\n");
    out.push_str(&rule_rows);
    out.push_str("];\n\n/// For each pattern, the rules (by index) that list it in `any`.\npub(crate) static RULES_BY_PATTERN: &[&[u16]] = &[\n");
    for p in 0..patterns.list.len() {
        let list = by_pattern.get(&p).cloned().unwrap_or_default();
        writeln!(out, "    &{list:?},").ok();
    }
    writeln!(out, "];\n\n/// Rules that match on codes alone, with no text.\npub(crate) static TEXTLESS_RULES: &[u16] = &{textless:?};\n").ok();
    out.push_str("pub(crate) static ENHANCED_MAP: &[EnhancedMapEntry] = &[\n");
    out.push_str(&enhanced_rows);
    out.push_str("];\n\npub(crate) static BASIC_MAP: &[BasicMapEntry] = &[\n");
    out.push_str(&basic_rows);
    out.push_str("];\n\n/// Every example of a text or provider rule.\npub static RULE_EXAMPLES: &[crate::testing::RuleExample] = &[\n");
    out.push_str(&example_rows);
    out.push_str("];\n");
}

/// Writes the strong word triggers' patterns, then `PATTERNS` and `MARKER_PROVIDER`.
fn write_patterns(
    out: &mut String,
    patterns: &mut Patterns,
    strong: Option<&[String]>,
    marker_rows: &[Vec<usize>],
) {
    // The words of the strong word rules, found by the same scan (see words::strong_triggers).
    match strong {
        Some(triggers) => {
            let ids: Vec<usize> = triggers
                .iter()
                .map(|t| patterns.add(t, "strong word trigger"))
                .collect();
            writeln!(out, "/// Patterns one of which every strong word rule needs (an ASCII text without any holds none).\npub(crate) static STRONG_TRIGGERS: Option<&[usize]> = Some(&{ids:?});").ok();
        }
        None => {
            writeln!(
                out,
                "pub(crate) static STRONG_TRIGGERS: Option<&[usize]> = None;"
            )
            .ok();
        }
    }
    writeln!(
        out,
        "pub(crate) const PATTERN_COUNT: usize = {};",
        patterns.list.len()
    )
    .ok();
    out.push_str("pub(crate) static PATTERNS: &[PatternEntry] = &[\n");
    for (text, start, end) in &patterns.list {
        writeln!(
            out,
            "    PatternEntry {{ text: {}, word_start: {start}, word_end: {end} }},",
            lit(text)
        )
        .ok();
    }
    // For each pattern, the first provider (in table order) that has it as a marker.
    let mut marker_provider = vec![u8::MAX; patterns.list.len()];
    for (i, markers) in marker_rows.iter().enumerate().rev() {
        for &m in markers {
            marker_provider[m] = u8::try_from(i).expect("fewer than 255 providers");
        }
    }
    writeln!(
        out,
        "];\n\n/// For each pattern, the provider it marks (`u8::MAX`: none).\npub(crate) static MARKER_PROVIDER: &[u8] = &{marker_provider:?};\n"
    )
    .ok();
}
