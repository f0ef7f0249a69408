//! The lexicon (`data/lexicon.toml`) and the word rules (`data/words.toml`) as static tables.
//!
//! Every lexicon entry is tokenised by the same code that tokenises a reply at run time
//! (`src/rules/words/token.rs`), so an entry matches exactly the texts it reads as.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Deserialize;

#[path = "../src/rules/words/token.rs"]
#[allow(
    dead_code,
    reason = "the build reads the lexicon with the tokenizer; the engine's other uses of it are not needed here"
)]
mod token;

pub const LANGUAGES: &[&str] = &[
    "en", "de", "fr", "es", "pt", "it", "nl", "pl", "ru", "ja", "zh",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    concept: Vec<Concept>,
}

/// Every key other than `name` and `negatable` is a language (checked in `write`).
#[derive(Deserialize)]
struct Concept {
    name: String,
    #[serde(default)]
    negatable: bool,
    #[serde(flatten)]
    words: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordRules {
    rule: Vec<WordRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WordRule {
    id: String,
    reason: String,
    tier: String,
    concepts: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    window: Option<u8>,
    /// Only when the reply carries no code at all.
    #[serde(default)]
    without_code: bool,
    /// Not when the reply's enhanced code has one of these subjects (`3`: X.3.x).
    #[serde(default)]
    unless_subject: Vec<u8>,
    examples: Vec<String>,
}

/// A concept mask as a hex literal with its digits grouped (`0x0000_0000_0000_0800_0000_05c0`).
fn hex(mask: u128) -> String {
    let digits = format!("{mask:032x}");
    let groups: Vec<&str> = (0..8).map(|i| &digits[i * 4..i * 4 + 4]).collect();
    format!("0x{}", groups.join("_"))
}

/// One lexicon entry: its tokens (each with whether it is a prefix), its concept's index and
/// its language.
type Entry = (Vec<(String, bool)>, usize, String);

/// The tokens of one lexicon entry: each with whether it is a prefix (`word*`).
fn entry_tokens(raw: &str, ctx: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut scratch = String::new();
    for part in raw.split(' ').filter(|p| !p.is_empty()) {
        let (text, prefix) = match part.strip_suffix('*') {
            Some(p) => (p, true),
            None => (part, false),
        };
        let mut tokens = Vec::new();
        token::tokenize(
            text,
            &mut scratch,
            &mut |t: &str, _b: bool, _f: usize, _e: usize| {
                tokens.push(t.to_owned());
            },
        );
        assert!(!tokens.is_empty(), "{ctx}: entry {raw:?} has no words");
        assert!(
            !tokens.iter().any(|t| t.starts_with('<')),
            "{ctx}: entry {raw:?} reads as an address, host or number"
        );
        let last = tokens.len() - 1;
        for (i, t) in tokens.into_iter().enumerate() {
            out.push((t, prefix && i == last));
        }
    }
    for (t, prefix) in &out {
        assert!(
            !*prefix || t.chars().count() >= 2,
            "{ctx}: prefix {t:?} of {raw:?} is too short"
        );
    }
    out
}

/// Words whose raw spelling may differ from the token (see `token::respell`): never a trigger.
const RESPELLED: &[&str] = &[
    "recipient",
    "address",
    "mailbox",
    "exceed",
    "receive",
    "unknown",
    "not",
    "can",
    "could",
    "is",
    "was",
    "will",
    "email",
    "greylist",
];

/// Literal patterns that every strong word rule needs one of: for each strong rule, the group
/// of concepts with the fewest, and of each entry of that group its longest token, which is a
/// raw substring of the text wherever the entry occurs (a stem is a prefix of its word). A text
/// of ASCII with none of them cannot hold a strong rule, so its words need not be read for the
/// strong tier. `None` when some strong rule has no group that can be gated so.
pub fn strong_triggers(lexicon: &Lexicon, rules: &WordRules) -> Option<Vec<String>> {
    let mut all = BTreeSet::new();
    for r in rules.rule.iter().filter(|r| r.tier == "strong") {
        let mut best: Option<BTreeSet<String>> = None;
        for group in &r.concepts {
            let mut triggers = BTreeSet::new();
            let mut usable = true;
            for name in group.split('|') {
                let Some(c) = lexicon.concept.iter().find(|c| c.name == name) else {
                    usable = false;
                    break;
                };
                for raw in c.words.values().flatten() {
                    let tokens = entry_tokens(raw, "strong triggers");
                    let longest = tokens.iter().map(|(t, _)| t).max_by_key(|t| t.len());
                    match longest {
                        Some(t)
                            if t.is_ascii() && t.len() >= 3 && !RESPELLED.contains(&t.as_str()) =>
                        {
                            triggers.insert(t.clone());
                        }
                        // Not ASCII: a text that is not ASCII is always read.
                        Some(t) if !t.is_ascii() => {}
                        _ => usable = false,
                    }
                }
            }
            if usable && best.as_ref().is_none_or(|b| triggers.len() < b.len()) {
                best = Some(triggers);
            }
        }
        all.extend(best?);
    }
    Some(all.into_iter().collect())
}

/// Writes the concept names, the lexicon entries and the word rules.
pub fn write(out: &mut String, lexicon: &Lexicon, rules: &WordRules) {
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, c) in lexicon.concept.iter().enumerate() {
        assert!(
            names.insert(&c.name, i).is_none(),
            "lexicon.toml: concept {} twice",
            c.name
        );
        for lang in c.words.keys() {
            assert!(
                LANGUAGES.contains(&lang.as_str()),
                "lexicon.toml: concept {}: unknown language {lang}",
                c.name
            );
        }
    }
    assert!(
        names.len() <= 128,
        "lexicon.toml: more than 128 concepts do not fit the mask"
    );
    let _ = writeln!(out, "pub(crate) const CONCEPT_NAMES: &[&str] = &[");
    for c in &lexicon.concept {
        let _ = writeln!(out, "    {:?},", c.name);
    }
    let _ = writeln!(
        out,
        "];\npub(crate) const NEGATABLE: u128 = {};",
        hex(negatable_mask(lexicon))
    );
    for fixed in ["negation", "permanent", "temporary", "deny", "permission"] {
        let i = names
            .get(fixed)
            .unwrap_or_else(|| panic!("lexicon.toml: concept {fixed} is needed by the engine"));
        let _ = writeln!(
            out,
            "pub(crate) const {}: u8 = {i};",
            fixed.to_ascii_uppercase()
        );
    }
    write_entries(out, lexicon);
    write_rules(out, rules, &names);
}

fn negatable_mask(lexicon: &Lexicon) -> u128 {
    lexicon
        .concept
        .iter()
        .enumerate()
        .filter(|(_, c)| c.negatable)
        .fold(0, |m, (i, _)| m | 1 << i)
}

/// `ENTRIES`: every phrase with its concept, longest first within each first word, so that the
/// matcher can take the longest phrase at a position.
fn write_entries(out: &mut String, lexicon: &Lexicon) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen = HashSet::new();
    for (ci, c) in lexicon.concept.iter().enumerate() {
        for (lang, words) in &c.words {
            for raw in words {
                let ctx = format!("lexicon.toml: concept {} ({lang})", c.name);
                let tokens = entry_tokens(raw, &ctx);
                if seen.insert((tokens.clone(), ci)) {
                    entries.push((tokens, ci, lang.clone()));
                }
            }
        }
    }
    entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
    let _ = writeln!(out, "pub(crate) const ENTRIES: &[LexEntry] = &[");
    for (tokens, concept, lang) in &entries {
        let toks: Vec<String> = tokens
            .iter()
            .map(|(t, p)| format!("({t:?}, {p})"))
            .collect();
        let _ = writeln!(
            out,
            "    LexEntry {{ tokens: &[{}], concept: {concept}, lang: {lang:?} }},",
            toks.join(", ")
        );
    }
    let _ = writeln!(out, "];");
}

fn concept_mask(list: &str, names: &HashMap<&str, usize>, ctx: &str) -> u128 {
    list.split('|').fold(0, |m, name| {
        let i = names
            .get(name.trim())
            .unwrap_or_else(|| panic!("{ctx}: unknown concept {name:?}"));
        m | 1 << i
    })
}

fn write_rules(out: &mut String, rules: &WordRules, names: &HashMap<&str, usize>) {
    let mut ids = HashSet::new();
    let mut rows = String::new();
    let mut examples = String::new();
    // Strong words first, then specific ones, then the vague ones; within each tier the file's
    // order.
    let ordered = ["strong", "words", "vague"]
        .iter()
        .flat_map(|tier| rules.rule.iter().filter(move |r| r.tier == *tier));
    for r in ordered {
        let ctx = format!("words.toml: rule {}", r.id);
        assert!(ids.insert(r.id.as_str()), "{ctx}: id used twice");
        assert!(
            !r.concepts.is_empty() && r.concepts.len() <= 4,
            "{ctx}: one to four concepts"
        );
        assert!(!r.examples.is_empty(), "{ctx}: a rule needs examples");
        let groups: Vec<String> = r
            .concepts
            .iter()
            .map(|g| hex(concept_mask(g, names, &ctx)))
            .collect();
        let unless = r
            .unless
            .iter()
            .fold(0, |m, u| m | concept_mask(u, names, &ctx));
        assert!(
            r.unless_subject.iter().all(|&x| x <= 7),
            "{ctx}: an enhanced code's subject is 0 to 7"
        );
        let unless_subjects = r.unless_subject.iter().fold(0u8, |m, &x| m | 1 << x);
        let label = format!("words {}", r.concepts.join("+"));
        let _ = writeln!(
            rows,
            "    WordRule {{ id: {:?}, reason: {}, tier: Tier::{}, without_code: {}, unless_subjects: {unless_subjects}, groups: &[{}], unless: {}, window: {}, label: {label:?} }},",
            r.id,
            super::reason(&r.reason, &ctx),
            match r.tier.as_str() {
                "strong" => "Strong",
                "vague" => "Vague",
                _ => "Words",
            },
            r.without_code,
            groups.join(", "),
            hex(unless),
            r.window.unwrap_or(12),
        );
        for e in &r.examples {
            let (lang, text) = e
                .split_once(": ")
                .unwrap_or_else(|| panic!("{ctx}: example {e:?} is not `lang: text`"));
            assert!(LANGUAGES.contains(&lang), "{ctx}: example language {lang}");
            let _ = writeln!(
                examples,
                "    ({:?}, {:?}, {lang:?}, {text:?}),",
                r.id, r.reason
            );
        }
        assert!(
            matches!(r.tier.as_str(), "strong" | "words" | "vague"),
            "{ctx}: tier is strong, words or vague"
        );
    }
    let _ = writeln!(
        out,
        "pub(crate) const WORD_RULES: &[WordRule] = &[\n{rows}];"
    );
    let _ = writeln!(
        out,
        "/// (rule id, reason, language, text) of every example in data/words.toml.\npub const WORD_EXAMPLES: &[(&str, &str, &str, &str)] = &[\n{examples}];"
    );
}
