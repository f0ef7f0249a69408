//! Reading what the words of a reply mean: the text is normalised into tokens
//! ([`token`]), the tokens are looked up in the lexicon of concepts (`data/lexicon.toml`), and
//! the word rules (`data/words.toml`) hold when their concepts occur together in one clause.
//!
//! One pass over the text, then one pass over the concept hits per rule that could hold: the
//! work is linear in the text.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::types::Reason;

pub(crate) mod token;

/// A phrase of the lexicon: its tokens (each with whether it is a prefix) and its concept.
#[derive(Debug)]
pub(crate) struct LexEntry {
    pub tokens: &'static [(&'static str, bool)],
    pub concept: u8,
    pub lang: &'static str,
}

/// A word rule of `data/words.toml`, in evaluation order.
#[derive(Debug)]
pub(crate) struct WordRule {
    pub id: &'static str,
    pub reason: Reason,
    /// Strong words: they outrank the literal text rules of no provider.
    pub strong: bool,
    /// Vague words: they yield to a specific code.
    pub vague: bool,
    /// Holds only for a reply without any code.
    pub without_code: bool,
    /// One concept mask per group; a hit of each must occur together.
    pub groups: &'static [u64],
    /// No concept of this mask may occur anywhere in the reply.
    pub unless: u64,
    /// The most words from the first hit to the last.
    pub window: u8,
    /// `matched` text: `words recipient+not_exist`.
    pub label: &'static str,
}

/// Where a word rule stands among the evidence (see `classify::decide`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    Strong,
    Words,
    Vague,
}

impl WordRule {
    fn tier(&self) -> Tier {
        if self.strong {
            Tier::Strong
        } else if self.vague {
            Tier::Vague
        } else {
            Tier::Words
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/words.rs"));

/// Entries by their first token: exact words by the word, prefixes (`пользовател*`) by their
/// first two characters, so that each token costs one lookup in each map.
struct Index {
    exact: FxHashMap<&'static str, Vec<u16>>,
    prefix: FxHashMap<&'static str, Vec<u16>>,
}

/// The first two characters of a word (all of it when shorter).
fn head(word: &str) -> &str {
    let end = word.char_indices().nth(2).map_or(word.len(), |(i, _)| i);
    &word[..end]
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut index = Index {
        exact: FxHashMap::default(),
        prefix: FxHashMap::default(),
    };
    // ENTRIES is sorted longest first, so each list is too.
    for (i, e) in ENTRIES.iter().enumerate() {
        let i = u16::try_from(i).unwrap_or(u16::MAX);
        let (first, is_prefix) = e.tokens[0];
        if is_prefix {
            index.prefix.entry(head(first)).or_default().push(i);
        } else {
            index.exact.entry(first).or_default().push(i);
        }
    }
    index
});

/// Builds the lexicon's index now rather than on the first reply.
pub(crate) fn warm_up() {
    LazyLock::force(&INDEX);
}

struct Token {
    /// Range in the arena of normalised tokens.
    start: u32,
    end: u32,
    clause: u32,
    /// Position in thirds of a word: a word counts three, a Han or Kana character one, so
    /// that a window of words spans about as much text in every script.
    at: u32,
    /// Range in the original text.
    from: u32,
    to: u32,
}

/// One occurrence of a concept.
#[derive(Debug, Clone, Copy)]
struct Hit {
    concept: u8,
    /// Positions of its first and last word (see `Token::at`).
    pos: u32,
    end: u32,
    clause: u32,
    /// Byte range in the text.
    from: u32,
    to: u32,
}

/// The concepts a reply's words name, in order.
pub(crate) struct Words {
    hits: Vec<Hit>,
    /// Concepts that occur, not negated.
    present: u64,
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Normalises `text` and finds every concept in it.
pub(crate) fn read(text: &str) -> Words {
    let mut arena = String::with_capacity(text.len());
    let mut tokens: Vec<Token> = Vec::new();
    let mut scratch = String::new();
    let mut clause = 0u32;
    let mut at = 0u32;
    token::tokenize(
        text,
        &mut scratch,
        &mut |t: &str, boundary: bool, from: usize, to: usize| {
            if boundary && !tokens.is_empty() {
                clause += 1;
            }
            at += if t.chars().next().is_some_and(token::is_cjk) {
                1
            } else {
                3
            };
            let start = offset(arena.len());
            arena.push_str(t);
            tokens.push(Token {
                start,
                end: offset(arena.len()),
                clause,
                at,
                from: offset(from),
                to: offset(to),
            });
        },
    );
    let bytes = arena.as_bytes();
    let word = |i: usize| &bytes[tokens[i].start as usize..tokens[i].end as usize];
    let index = &*INDEX;
    let mut hits: Vec<Hit> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let len = longest_at(
            i,
            tokens.len(),
            &word,
            &tokens,
            index,
            &mut |e: &LexEntry, len| {
                let last = i + len - 1;
                hits.push(Hit {
                    concept: e.concept,
                    pos: tokens[i].at,
                    end: tokens[last].at,
                    clause: tokens[i].clause,
                    from: tokens[i].from,
                    to: tokens[last].to,
                });
            },
        );
        i += len.max(1);
    }
    let present = negate(&mut hits);
    Words { hits, present }
}

/// Calls `found` for every entry of the longest length that matches at token `i`; returns
/// that length (0 when none matches).
fn longest_at<'w>(
    i: usize,
    count: usize,
    word: &impl Fn(usize) -> &'w [u8],
    tokens: &[Token],
    index: &Index,
    found: &mut impl FnMut(&LexEntry, usize),
) -> usize {
    // Tokens are whole UTF-8 strings: the arena holds only what the tokenizer emitted.
    let first = std::str::from_utf8(word(i)).unwrap_or("");
    let exact = index.exact.get(first).map_or(&[][..], Vec::as_slice);
    let prefixed = if index.prefix.is_empty() {
        &[][..]
    } else {
        index.prefix.get(head(first)).map_or(&[][..], Vec::as_slice)
    };
    if exact.is_empty() && prefixed.is_empty() {
        return 0;
    }
    let matches = |e: &LexEntry| {
        let n = e.tokens.len();
        i + n <= count
            && tokens[i + n - 1].clause == tokens[i].clause
            && e.tokens.iter().enumerate().all(|(k, &(t, prefix))| {
                let w = word(i + k);
                if prefix {
                    w.starts_with(t.as_bytes())
                } else {
                    w == t.as_bytes()
                }
            })
    };
    // Each list is sorted longest first: its first match is its longest.
    let longest = |list: &[u16]| {
        list.iter()
            .map(|&c| &ENTRIES[usize::from(c)])
            .find(|e| matches(e))
            .map_or(0, |e| e.tokens.len())
    };
    let best = longest(exact).max(longest(prefixed));
    if best == 0 {
        return 0;
    }
    let mut concepts = 0u64;
    for &c in exact.iter().chain(prefixed) {
        let e = &ENTRIES[usize::from(c)];
        if e.tokens.len() == best && concepts & 1 << e.concept == 0 && matches(e) {
            concepts |= 1 << e.concept;
            found(e, best);
        }
    }
    best
}

/// Marks negated hits (a negation at most three words before, in the same clause, of a
/// negatable concept) by removing them, and returns the mask of the concepts left.
fn negate(hits: &mut Vec<Hit>) -> u64 {
    let mut last_negation: Option<(u32, u32)> = None; // (clause, end)
    let mut present = 0u64;
    hits.retain(|h| {
        if h.concept == NEGATION {
            last_negation = Some((h.clause, h.end));
        }
        let negated = NEGATABLE & 1 << h.concept != 0
            && last_negation
                .is_some_and(|(c, end)| c == h.clause && end < h.pos && h.pos - end <= 3 * 3);
        if !negated {
            present |= 1 << h.concept;
        }
        !negated
    });
    present
}

impl Words {
    /// Whether a concept occurs, not negated.
    pub(crate) fn has(&self, concept: u8) -> bool {
        self.present & 1 << concept != 0
    }

    /// The first word rule, in evaluation order, that holds; with the byte range of the words
    /// that made it hold.
    pub(crate) fn decide(
        &self,
        tier: Tier,
        has_code: bool,
    ) -> Option<(&'static WordRule, (usize, usize))> {
        WORD_RULES
            .iter()
            .filter(|r| r.tier() == tier && !(r.without_code && has_code))
            .find_map(|r| self.holds(r).map(|span| (r, span)))
    }

    fn holds(&self, rule: &WordRule) -> Option<(usize, usize)> {
        if rule.unless & self.present != 0 || rule.groups.iter().any(|g| g & self.present == 0) {
            return None;
        }
        // The latest hit of each group in the current clause.
        let mut last: [Option<Hit>; 4] = [None; 4];
        let mut clause = u32::MAX;
        for h in &self.hits {
            if h.clause != clause {
                clause = h.clause;
                last = [None; 4];
            }
            for (g, mask) in rule.groups.iter().enumerate() {
                if mask & 1 << h.concept != 0 {
                    last[g] = Some(*h);
                }
            }
            let group = &last[..rule.groups.len()];
            if group.iter().all(Option::is_some) {
                let first = group.iter().flatten().map(|x| x.pos).min().unwrap_or(0);
                if h.end.saturating_sub(first) < 3 * u32::from(rule.window) {
                    let from = group.iter().flatten().map(|x| x.from).min().unwrap_or(0);
                    let to = group.iter().flatten().map(|x| x.to).max().unwrap_or(0);
                    return Some((from as usize, to as usize));
                }
            }
        }
        None
    }
}

/// The languages the lexicon covers, for the tests that check each is exercised.
#[doc(hidden)]
pub fn lexicon_languages() -> Vec<&'static str> {
    let mut langs: Vec<&str> = ENTRIES.iter().map(|e| e.lang).collect();
    langs.sort_unstable();
    langs.dedup();
    langs
}

/// The id of the word rule that decides `text` (without code), if one does.
#[doc(hidden)]
pub fn word_rule_of(text: &str) -> Option<&'static str> {
    let w = read(text);
    w.decide(Tier::Strong, false)
        .or_else(|| w.decide(Tier::Words, false))
        .or_else(|| w.decide(Tier::Vague, false))
        .map(|(r, _)| r.id)
}

/// The concept names that `text` reads as, in order (for tests and for `explain`ing a miss).
#[doc(hidden)]
pub fn concepts_of(text: &str) -> Vec<&'static str> {
    read(text)
        .hits
        .iter()
        .map(|h| CONCEPT_NAMES[usize::from(h.concept)])
        .collect()
}
