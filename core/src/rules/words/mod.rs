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
    /// Where it stands among the evidence.
    pub tier: Tier,
    /// Holds only for a reply without any code.
    pub without_code: bool,
    /// Does not hold when the reply's enhanced code has one of these subjects (bit `s`).
    pub unless_subjects: u8,
    /// One concept mask per group; a hit of each must occur together.
    pub groups: &'static [u128],
    /// No concept of this mask may occur anywhere in the reply.
    pub unless: u128,
    /// The most words from the first hit to the last.
    pub window: u8,
    /// `matched` text: `words recipient+not_exist`.
    pub label: &'static str,
}

/// Where a word rule stands among the evidence (see `classify::decide`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    /// Words that outrank the literal text rules of no provider.
    Strong,
    /// Words that name the failure: they outrank the codes.
    Words,
    /// Vague words: they yield to a specific code.
    Vague,
}

include!(concat!(env!("OUT_DIR"), "/words.rs"));

/// The lexicon as a trie over tokens: exact tokens are numbered (the vocabulary), so that a
/// text token costs one hash lookup, and following an entry is comparing numbers; prefix
/// tokens (`пользовател*`) are edges tried by `starts_with`.
struct Index {
    /// Every exact token of the lexicon, numbered.
    vocab: FxHashMap<&'static str, u32>,
    /// The root's child by the first token's number.
    root: Vec<u32>,
    /// The child of a node (not the root) by the next token's number.
    edges: FxHashMap<(u32, u32), u32>,
    /// The root's prefix edges by the first two bytes of the prefix.
    root_prefixes: FxHashMap<[u8; 2], Vec<(&'static str, u32)>>,
    /// Whether some root prefix starts with this byte.
    /// Whether some root prefix starts with these two bytes (bit `b0 << 8 | b1`).
    prefix_pairs: Vec<u64>,
    nodes: Vec<Node>,
}

impl Index {
    /// Whether a root prefix may start `w`: one starts with its first two bytes.
    fn starts_prefix(&self, w: &[u8]) -> bool {
        let [b0, b1, ..] = *w else {
            return false;
        };
        let pair = usize::from(b0) << 8 | usize::from(b1);
        self.prefix_pairs[pair / 64] & 1 << (pair % 64) != 0
    }
}

#[derive(Default)]
struct Node {
    /// Prefix edges (below the root).
    prefixes: Vec<(&'static str, u32)>,
    /// The entries that end here, in lexicon order.
    ends: Vec<u16>,
}

/// No token number: the token is in no entry.
const UNKNOWN: u32 = u32::MAX;

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut vocab: FxHashMap<&'static str, u32> = FxHashMap::default();
    for e in ENTRIES {
        for &(t, prefix) in e.tokens {
            if !prefix {
                let next = u32::try_from(vocab.len()).unwrap_or(UNKNOWN);
                vocab.entry(t).or_insert(next);
            }
        }
    }
    let mut index = Index {
        root: vec![UNKNOWN; vocab.len()],
        vocab,
        edges: FxHashMap::default(),
        root_prefixes: FxHashMap::default(),
        prefix_pairs: vec![0; 1024],
        nodes: vec![Node::default()],
    };
    for (i, e) in ENTRIES.iter().enumerate() {
        let mut node = 0u32;
        for &(t, prefix) in e.tokens {
            let fresh = u32::try_from(index.nodes.len()).unwrap_or(UNKNOWN);
            let child = if prefix {
                let list = if node == 0 {
                    let b = t.as_bytes();
                    let pair = usize::from(b[0]) << 8 | usize::from(b[1]);
                    index.prefix_pairs[pair / 64] |= 1 << (pair % 64);
                    index.root_prefixes.entry([b[0], b[1]]).or_default()
                } else {
                    &mut index.nodes[node as usize].prefixes
                };
                if let Some(&(_, c)) = list.iter().find(|(p, _)| *p == t) {
                    c
                } else {
                    list.push((t, fresh));
                    fresh
                }
            } else {
                let id = index.vocab[t];
                let slot = if node == 0 {
                    &mut index.root[id as usize]
                } else {
                    index.edges.entry((node, id)).or_insert(UNKNOWN)
                };
                if *slot == UNKNOWN {
                    *slot = fresh;
                }
                *slot
            };
            if child == fresh {
                index.nodes.push(Node::default());
            }
            node = child;
        }
        index.nodes[node as usize]
            .ends
            .push(u16::try_from(i).unwrap_or(u16::MAX));
    }
    index
});

/// The word rules of each tier (in [`Tier`] order), in evaluation order.
static BY_TIER: LazyLock<[Vec<u16>; 3]> = LazyLock::new(|| {
    let mut tiers: [Vec<u16>; 3] = Default::default();
    for (i, r) in WORD_RULES.iter().enumerate() {
        tiers[r.tier as usize].push(u16::try_from(i).unwrap_or(u16::MAX));
    }
    tiers
});

/// The lexicon's concepts (at most 128, the width of a concept mask: the build checks it).
const CONCEPTS: usize = CONCEPT_NAMES.len();

/// For the rules of one tier (numbered in evaluation order, at most 64), which could hold
/// given the concepts present: a rule can only if each of its groups has a concept present,
/// none of its `unless` concepts is, and it does not ask for a reply without code when there
/// is a code. Each mask has a bit per rule.
struct TierIndex {
    /// By group position and concept: the rules whose group at that position holds it.
    group: [[u64; CONCEPTS]; 4],
    /// By group position: the rules with no group at that position.
    no_group: [u64; 4],
    /// By concept: the rules that it rules out.
    unless: [u64; CONCEPTS],
    without_code: u64,
}

/// [`TierIndex`] of each tier, or `None` for a tier it cannot describe (more than 64 rules,
/// or a rule with more than four groups), whose rules are then tried one by one.
static TIER_INDEX: LazyLock<[Option<TierIndex>; 3]> = LazyLock::new(|| {
    BY_TIER.each_ref().map(|rules| {
        if rules.len() > 64 {
            return None;
        }
        let mut index = TierIndex {
            group: [[0; CONCEPTS]; 4],
            no_group: [0; 4],
            unless: [0; CONCEPTS],
            without_code: 0,
        };
        for (j, &r) in rules.iter().enumerate() {
            let rule = &WORD_RULES[usize::from(r)];
            let bit = 1u64 << j;
            if rule.groups.len() > 4 {
                return None;
            }
            for k in 0..4 {
                match rule.groups.get(k) {
                    Some(&mask) => {
                        for (c, slot) in index.group[k].iter_mut().enumerate() {
                            if mask & 1u128 << c != 0 {
                                *slot |= bit;
                            }
                        }
                    }
                    None => index.no_group[k] |= bit,
                }
            }
            for (c, slot) in index.unless.iter_mut().enumerate() {
                if rule.unless & 1u128 << c != 0 {
                    *slot |= bit;
                }
            }
            if rule.without_code {
                index.without_code |= bit;
            }
        }
        Some(index)
    })
});

impl TierIndex {
    /// The rules that could hold with these concepts present.
    fn candidates(&self, present: u128, has_code: bool) -> u64 {
        let mut groups = self.no_group;
        let mut unless = 0u64;
        let mut rest = present;
        while rest != 0 {
            let c = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            for (k, g) in groups.iter_mut().enumerate() {
                *g |= self.group[k][c];
            }
            unless |= self.unless[c];
        }
        let mut all = groups[0] & groups[1] & groups[2] & groups[3] & !unless;
        if has_code {
            all &= !self.without_code;
        }
        all
    }
}

/// Builds the lexicon's index now rather than on the first reply.
pub(crate) fn warm_up() {
    LazyLock::force(&INDEX);
    LazyLock::force(&BY_TIER);
    LazyLock::force(&TIER_INDEX);
}

struct Token {
    /// Range of the normalised token: in the text when `in_text`, else in the arena of
    /// normalised tokens.
    start: u32,
    end: u32,
    in_text: bool,
    /// The token's number in the lexicon's vocabulary ([`UNKNOWN`] if none).
    id: u32,
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
    present: u128,
}

/// Where `part` starts in `text`, when it is a part of it (the same bytes, not a copy).
fn within(text: &str, part: &str) -> Option<usize> {
    let at = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (at + part.len() <= text.len()).then_some(at)
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The buffers of [`read`], kept per thread so that reading allocates nothing once they have
/// grown to the longest text.
#[derive(Default)]
struct Buffers {
    arena: String,
    tokens: Vec<Token>,
    scratch: String,
    found: Vec<(usize, bool, u16)>,
    stack: Vec<(u32, usize, bool)>,
    /// The hits of the last [`Words`] dropped, to be reused.
    hits: Vec<Hit>,
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// Normalises `text` and finds every concept in it.
pub(crate) fn read(text: &str) -> Words {
    BUFFERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffers) => read_with(text, &mut buffers),
        Err(_) => read_with(text, &mut Buffers::default()),
    })
}

// Long because it is the hot loop: tokens are read, looked up and their clause and
// position kept in one pass over the reused buffers, which a split would have to hand around.
fn read_with(text: &str, buffers: &mut Buffers) -> Words {
    let Buffers {
        arena,
        tokens,
        scratch,
        found,
        stack,
        hits,
    } = buffers;
    let mut hits = std::mem::take(hits);
    hits.clear();
    arena.clear();
    tokens.clear();
    let index = &*INDEX;
    let mut clause = 0u32;
    let mut at = 0u32;
    token::tokenize(
        text,
        scratch,
        &mut |t: &str, boundary: bool, from: usize, to: usize| {
            if boundary && !tokens.is_empty() {
                clause += 1;
            }
            let first = t.as_bytes().first().copied().unwrap_or(0);
            at += if first >= 0x80 && t.chars().next().is_some_and(token::is_cjk) {
                1
            } else {
                3
            };
            let id = if first == b'<' {
                UNKNOWN
            } else {
                index.vocab.get(t).copied().unwrap_or(UNKNOWN)
            };
            // Most tokens are the text's own bytes (a lower-case word, or its stem): those are
            // not copied.
            let (start, in_text) = if let Some(at) = within(text, t) {
                (at, true)
            } else {
                let at = arena.len();
                arena.push_str(t);
                (at, false)
            };
            tokens.push(Token {
                start: offset(start),
                end: offset(start + t.len()),
                in_text,
                id,
                clause,
                at,
                from: offset(from),
                to: offset(to),
            });
        },
    );
    let mut i = 0;
    while i < tokens.len() {
        let len = longest_at(i, tokens, text, arena, index, found, stack);
        if len > 0 {
            let last = i + len - 1;
            let mut concepts = 0u128;
            for &(_, _, e) in found.iter() {
                let e = &ENTRIES[usize::from(e)];
                if concepts & 1 << e.concept == 0 {
                    concepts |= 1 << e.concept;
                    hits.push(Hit {
                        concept: e.concept,
                        pos: tokens[i].at,
                        end: tokens[last].at,
                        clause: tokens[i].clause,
                        from: tokens[i].from,
                        to: tokens[last].to,
                    });
                }
            }
        }
        i += len.max(1);
    }
    let present = negate(&mut hits);
    Words { hits, present }
}

/// The entries of the longest length that match at token `i`, into `found` in the order the
/// concepts are reported (entries whose first token is exact, then those whose first token is
/// a prefix, each in lexicon order); returns that length (0 when none matches).
fn longest_at(
    i: usize,
    tokens: &[Token],
    text: &str,
    arena: &str,
    index: &Index,
    found: &mut Vec<(usize, bool, u16)>,
    stack: &mut Vec<(u32, usize, bool)>,
) -> usize {
    let word = |t: &Token| {
        let bytes = if t.in_text { text } else { arena }.as_bytes();
        bytes
            .get(t.start as usize..t.end as usize)
            .unwrap_or_default()
    };
    let first = &tokens[i];
    // A token that starts no entry, the most frequent kind, is done with at once.
    if first.id == UNKNOWN {
        let w = word(first);
        if !index.starts_prefix(w) {
            return 0;
        }
    }
    found.clear();
    stack.clear();
    // Every node reached: with the number of tokens read, and whether the first was a prefix.
    if first.id != UNKNOWN {
        let child = index.root[first.id as usize];
        if child != UNKNOWN {
            stack.push((child, 1, false));
        }
    }
    let w = word(first);
    if index.starts_prefix(w) {
        if let Some(list) = index.root_prefixes.get(&[w[0], w[1]]) {
            for &(p, child) in list {
                if w.starts_with(p.as_bytes()) {
                    stack.push((child, 1, true));
                }
            }
        }
    }
    let mut best = 0usize;
    while let Some((node, len, prefix)) = stack.pop() {
        let n = &index.nodes[node as usize];
        if !n.ends.is_empty() && len >= best {
            if len > best {
                best = len;
                found.clear();
            }
            found.extend(n.ends.iter().map(|&e| (len, prefix, e)));
        }
        let Some(next) = tokens.get(i + len).filter(|t| t.clause == first.clause) else {
            continue;
        };
        if next.id != UNKNOWN {
            if let Some(&child) = index.edges.get(&(node, next.id)) {
                stack.push((child, len + 1, prefix));
            }
        }
        if !n.prefixes.is_empty() {
            let w = word(next);
            for &(p, child) in &n.prefixes {
                if w.starts_with(p.as_bytes()) {
                    stack.push((child, len + 1, prefix));
                }
            }
        }
    }
    if found.len() > 1 {
        found.sort_unstable_by_key(|&(_, prefix, e)| (prefix, e));
    }
    best
}

/// Marks negated hits (a negation at most three words before, in the same clause, of a
/// negatable concept) by removing them, and returns the mask of the concepts left.
fn negate(hits: &mut Vec<Hit>) -> u128 {
    let mut last_negation: Option<(u32, u32)> = None; // (clause, end)
    let mut present = 0u128;
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

impl Drop for Words {
    /// Hands the hits back to this thread's buffers, so the next reading need not allocate.
    fn drop(&mut self) {
        let hits = std::mem::take(&mut self.hits);
        let _ = BUFFERS.try_with(|cell| {
            if let Ok(mut buffers) = cell.try_borrow_mut() {
                if buffers.hits.capacity() < hits.capacity() {
                    buffers.hits = hits;
                }
            }
        });
    }
}

impl Words {
    /// Whether a concept occurs, not negated.
    pub(crate) fn has(&self, concept: u8) -> bool {
        self.present & 1 << concept != 0
    }

    /// The first word rule, in evaluation order, that holds; with the byte range of the words
    /// that made it hold.
    /// `subject` is the subject of the reply's enhanced code, if it has one.
    pub(crate) fn decide(
        &self,
        tier: Tier,
        has_code: bool,
        subject: Option<u16>,
    ) -> Option<(&'static WordRule, (usize, usize))> {
        let subject_bit = subject
            .and_then(|s| 1u8.checked_shl(u32::from(s)))
            .unwrap_or(0);
        let rules = &BY_TIER[tier as usize];
        let Some(index) = &TIER_INDEX[tier as usize] else {
            return rules
                .iter()
                .map(|&i| &WORD_RULES[usize::from(i)])
                .filter(|r| !(r.without_code && has_code) && r.unless_subjects & subject_bit == 0)
                .find_map(|r| self.holds(r).map(|span| (r, span)));
        };
        // Only the rules whose concepts are present are tried, in evaluation order.
        let mut candidates = index.candidates(self.present, has_code);
        while candidates != 0 {
            let j = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let r = &WORD_RULES[usize::from(rules[j])];
            if r.unless_subjects & subject_bit != 0 {
                continue;
            }
            if let Some(span) = self.holds(r) {
                return Some((r, span));
            }
        }
        None
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
                // The window is the distance between the phrases, from the last word of the
                // one that ends first to the first word of the one that starts last: a phrase
                // of several words ("email from that domain") costs no more of it than one.
                let earliest_end = group.iter().flatten().map(|x| x.end).min().unwrap_or(0);
                let latest_start = group.iter().flatten().map(|x| x.pos).max().unwrap_or(0);
                if latest_start.saturating_sub(earliest_end) < 3 * u32::from(rule.window) {
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
    w.decide(Tier::Strong, false, None)
        .or_else(|| w.decide(Tier::Words, false, None))
        .or_else(|| w.decide(Tier::Vague, false, None))
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
