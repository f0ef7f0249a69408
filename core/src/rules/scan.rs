//! One pass of one automaton over the reply text finds every rule pattern and provider marker;
//! the rules are then decided from that set of hits, never by scanning again.
//!
//! The automaton is a dense DFA built once from the patterns (Aho-Corasick with its failure
//! transitions resolved), over byte classes that fold ASCII case: a text byte costs one table
//! load, and states that end a pattern are numbered last, so one comparison tells whether any
//! pattern ends at a byte.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::reply;
use crate::tables::{MARKER_PROVIDER, PATTERNS, PATTERN_COUNT, PROVIDERS, STRONG_TRIGGERS};

const WORDS: usize = PATTERN_COUNT.div_ceil(64);
// `Hits::used` has a bit per word of 64 patterns.
const _: () = assert!(WORDS <= 64, "more than 4096 patterns: widen Hits::used");

/// The triggers after which a server states its wait (`try again in 5 minutes`), matched in
/// any case and anywhere: the automaton numbers them after the rule patterns.
const WAIT_TRIGGERS: [&str; 17] = [
    "again in",
    "retry in",
    "back in",
    "resend in",
    "again after",
    "retry after",
    "retry-after:",
    "retry-after",
    "wait",
    "waiting",
    "greylisted for",
    "greylisting for",
    "graylisted for",
    "deferred for",
    "delayed for",
    "try later in",
    "reconnect in",
];

/// How many trigger occurrences a scan keeps; a text with more is read again for them.
const KEPT_TRIGGERS: usize = 16;

/// The patterns of `data/rules.toml` as one DFA.
struct Dfa {
    /// The class of each byte; ASCII upper case folds to lower case, bytes no pattern holds
    /// are class 0.
    classes: [u8; 256],
    /// Transitions, premultiplied: a state is the index of its row (`id * stride`).
    trans: Vec<u32>,
    stride: usize,
    /// The first state (premultiplied) that ends a pattern; every later state does too.
    first_out: u32,
    /// For output state `k` (counted from `first_out`), its patterns are
    /// `out_pats[out_index[k]..out_index[k + 1]]`.
    out_index: Vec<u32>,
    out_pats: Vec<u16>,
}

impl Dfa {
    #[allow(
        clippy::too_many_lines,
        reason = "the four steps of building the automaton (byte classes, trie, failure transitions, state numbering) share their tables, and read in order here."
    )]
    fn build(patterns: &[&[u8]]) -> Dfa {
        const NONE: u32 = u32::MAX;
        // Byte classes: one per distinct byte of the patterns (written in lower case).
        let mut classes = [0u8; 256];
        let mut next = 1usize;
        let mut used = [false; 256];
        for p in patterns {
            for &b in *p {
                used[usize::from(b.to_ascii_lowercase())] = true;
            }
        }
        for b in 0..=255u8 {
            if used[usize::from(b)] && !b.is_ascii_uppercase() {
                classes[usize::from(b)] = u8::try_from(next)
                    .unwrap_or_else(|_| unreachable!("at most 255 distinct pattern bytes"));
                next += 1;
            }
        }
        for b in b'A'..=b'Z' {
            classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
        }
        let stride = next;

        // The trie.
        let mut goto: Vec<u32> = vec![NONE; stride];
        let mut outputs: Vec<Vec<u16>> = vec![Vec::new()];
        for (i, p) in patterns.iter().enumerate() {
            let mut s = 0usize;
            for &b in *p {
                let c = usize::from(classes[usize::from(b)]);
                let t = goto[s * stride + c];
                s = if t == NONE {
                    let id = outputs.len();
                    goto[s * stride + c] = u32::try_from(id).unwrap_or(NONE);
                    goto.extend(std::iter::repeat_n(NONE, stride));
                    outputs.push(Vec::new());
                    id
                } else {
                    t as usize
                };
            }
            outputs[s].push(u16::try_from(i).unwrap_or(u16::MAX));
        }
        let states = outputs.len();

        // Failure transitions, breadth first, folded into a complete transition table.
        let mut fail = vec![0usize; states];
        let mut delta = goto;
        let mut queue = std::collections::VecDeque::new();
        for t in &mut delta[..stride] {
            match *t {
                NONE => *t = 0,
                next => queue.push_back(next as usize),
            }
        }
        while let Some(s) = queue.pop_front() {
            let inherited = outputs[fail[s]].clone();
            outputs[s].extend(inherited);
            for c in 0..stride {
                let t = delta[s * stride + c];
                let via_fail = delta[fail[s] * stride + c];
                if t == NONE {
                    delta[s * stride + c] = via_fail;
                } else {
                    fail[t as usize] = via_fail as usize;
                    queue.push_back(t as usize);
                }
            }
        }

        // Number the states that end a pattern last.
        let mut order: Vec<usize> = (0..states).filter(|&s| outputs[s].is_empty()).collect();
        let quiet = order.len();
        order.extend((0..states).filter(|&s| !outputs[s].is_empty()));
        let mut new_id = vec![0u32; states];
        for (n, &s) in order.iter().enumerate() {
            new_id[s] = u32::try_from(n * stride).unwrap_or(u32::MAX);
        }
        let mut trans = vec![0u32; states * stride];
        for (n, &s) in order.iter().enumerate() {
            for c in 0..stride {
                trans[n * stride + c] = new_id[delta[s * stride + c] as usize];
            }
        }
        let mut out_index = Vec::with_capacity(states - quiet + 1);
        let mut out_pats = Vec::new();
        for &s in &order[quiet..] {
            out_index.push(u32::try_from(out_pats.len()).unwrap_or(u32::MAX));
            out_pats.extend_from_slice(&outputs[s]);
        }
        out_index.push(u32::try_from(out_pats.len()).unwrap_or(u32::MAX));
        Dfa {
            classes,
            trans,
            stride,
            first_out: u32::try_from(quiet * stride).unwrap_or(u32::MAX),
            out_index,
            out_pats,
        }
    }

    /// Calls `found(pattern, end)` for every occurrence of every pattern, overlapping ones
    /// included, in order of their end.
    #[inline]
    fn each(&self, text: &[u8], mut found: impl FnMut(usize, usize)) {
        let mut s = 0u32;
        let mut i = 0usize;
        loop {
            (i, s) = self.run(text, i, s);
            if s < self.first_out {
                return;
            }
            let k = (s - self.first_out) as usize / self.stride;
            let (from, to) = (self.out_index[k] as usize, self.out_index[k + 1] as usize);
            for &p in &self.out_pats[from..to] {
                found(usize::from(p), i);
            }
            if i >= text.len() {
                return;
            }
        }
    }

    /// Runs from state `s` at byte `i` to just after the next byte that ends a pattern (or to
    /// the end of the text); returns that position and the state there.
    #[inline]
    fn run(&self, text: &[u8], mut i: usize, s: u32) -> (usize, u32) {
        let (trans, classes) = (&self.trans[..], &self.classes);
        let first_out = self.first_out as usize;
        let mut s = s as usize;
        while i < text.len() {
            s = trans[s + usize::from(classes[usize::from(text[i])])] as usize;
            i += 1;
            if s >= first_out {
                break;
            }
        }
        (i, u32::try_from(s).unwrap_or(u32::MAX))
    }
}

/// Every pattern of `data/rules.toml`, compiled once, on first use.
static AUTOMATON: LazyLock<Dfa> = LazyLock::new(|| {
    let patterns: Vec<&[u8]> = PATTERNS
        .iter()
        .map(|p| p.text.as_bytes())
        .chain(WAIT_TRIGGERS.iter().map(|t| t.as_bytes()))
        .collect();
    Dfa::build(&patterns)
});

/// Forces the automaton to be built now rather than on the first call.
pub(crate) fn warm_up() {
    LazyLock::force(&AUTOMATON);
    LazyLock::force(&STRONG_MASK);
    LazyLock::force(&HOSTS);
    crate::tables::warm_up();
}

/// Which patterns occur in a text, and where the wait triggers are.
pub(crate) struct Hits {
    bits: [u64; WORDS],
    /// Which words of `bits` are not zero, so that the patterns found are listed without
    /// looking at the others.
    used: u64,
    /// The first provider, in table order, that a pattern found marks (`u8::MAX`: none).
    marker: u8,
    /// Trigger occurrences (start, end), in order of their end.
    triggers: [(u32, u32); KEPT_TRIGGERS],
    /// How many occurred (more than [`KEPT_TRIGGERS`]: not all are kept).
    trigger_count: usize,
}

impl Hits {
    pub(crate) fn has(&self, pattern: usize) -> bool {
        self.bits[pattern / 64] & (1 << (pattern % 64)) != 0
    }

    pub(crate) fn any(&self, patterns: &[usize]) -> bool {
        // The strong word triggers, asked of most replies, are a long list: one mask instead.
        if STRONG_TRIGGERS.is_some_and(|strong| std::ptr::eq(strong, patterns)) {
            return self
                .bits
                .iter()
                .zip(STRONG_MASK.iter())
                .any(|(&bits, &mask)| bits & mask != 0);
        }
        patterns.iter().any(|&p| self.has(p))
    }

    /// The patterns found, in pattern order.
    pub(crate) fn found(&self) -> Found<'_> {
        Found {
            bits: &self.bits,
            used: self.used,
            word: 0,
            rest: 0,
        }
    }

    fn set(&mut self, pattern: usize) {
        self.bits[pattern / 64] |= 1 << (pattern % 64);
        self.used |= 1 << (pattern / 64);
        if let Some(&provider) = MARKER_PROVIDER.get(pattern) {
            self.marker = self.marker.min(provider);
        }
    }

    fn empty() -> Hits {
        Hits {
            bits: [0; WORDS],
            used: 0,
            marker: u8::MAX,
            triggers: [(0, 0); KEPT_TRIGGERS],
            trigger_count: 0,
        }
    }

    /// The first wait `text` (the text scanned) states, in seconds: the triggers are taken as a
    /// leftmost-longest search finds them (the leftmost start, the longest there, then on from
    /// its end), and the first one followed by a wait decides.
    pub(crate) fn stated_wait(&self, text: &str) -> Option<u32> {
        if self.trigger_count <= KEPT_TRIGGERS {
            let mut kept = self.triggers;
            return leftmost_wait(&mut kept[..self.trigger_count], text);
        }
        let mut all = Vec::new();
        AUTOMATON.each(text.as_bytes(), |p, end| {
            if let Some(t) = p.checked_sub(PATTERN_COUNT) {
                all.push((offset(end - WAIT_TRIGGERS[t].len()), offset(end)));
            }
        });
        leftmost_wait(&mut all, text)
    }
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// See [`Hits::stated_wait`]; `found` holds every trigger occurrence.
fn leftmost_wait(found: &mut [(u32, u32)], text: &str) -> Option<u32> {
    found.sort_unstable_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
    let mut from = 0u32;
    for &(start, end) in found.iter() {
        if start < from {
            continue;
        }
        if let Some(wait) = reply::wait_after(text, end as usize) {
            return Some(wait);
        }
        from = end;
    }
    None
}

/// The set bits of a [`Hits`], in order.
pub(crate) struct Found<'h> {
    bits: &'h [u64; WORDS],
    /// The words not yet started that hold a pattern.
    used: u64,
    word: usize,
    rest: u64,
}

impl Iterator for Found<'_> {
    type Item = u16;

    #[inline]
    fn next(&mut self) -> Option<u16> {
        while self.rest == 0 {
            if self.used == 0 {
                return None;
            }
            self.word = self.used.trailing_zeros() as usize;
            self.used &= self.used - 1;
            self.rest = self.bits[self.word];
        }
        let bit = self.rest.trailing_zeros() as usize;
        self.rest &= self.rest - 1;
        u16::try_from(self.word * 64 + bit).ok()
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Finds every pattern in `text`, honouring the word-boundary marks of the patterns.
#[inline(never)]
pub(crate) fn scan(text: &str) -> Hits {
    let mut hits = Hits::empty();
    let bytes = text.as_bytes();
    AUTOMATON.each(bytes, |p, end| {
        if let Some(t) = p.checked_sub(PATTERN_COUNT) {
            if let Some(slot) = hits.triggers.get_mut(hits.trigger_count) {
                *slot = (offset(end - WAIT_TRIGGERS[t].len()), offset(end));
            }
            hits.trigger_count += 1;
            return;
        }
        let entry = &PATTERNS[p];
        let start = end - entry.text.len();
        if entry.word_start && start > 0 && is_word_byte(bytes[start - 1]) {
            return;
        }
        if entry.word_end && end < bytes.len() && is_word_byte(bytes[end]) {
            return;
        }
        hits.set(p);
    });
    hits
}

/// The strong word triggers (`tables::STRONG_TRIGGERS`) as a mask of patterns.
static STRONG_MASK: LazyLock<[u64; WORDS]> = LazyLock::new(|| {
    let mut mask = [0u64; WORDS];
    for &p in STRONG_TRIGGERS.unwrap_or(&[]) {
        mask[p / 64] |= 1 << (p % 64);
    }
    mask
});

/// The first provider, in table order, that one of these patterns marks.
fn marked_provider(hits: &Hits) -> Option<usize> {
    (hits.marker != u8::MAX).then_some(usize::from(hits.marker))
}

/// The provider named by markers in the text, else by the host hint (a host name or a
/// recipient domain, matched on whole labels: `mx.gmail.com` and `gmail.com`, not `notgmail.com`).
pub(crate) fn provider(hits: &Hits, host: Option<&str>) -> Option<usize> {
    if let Some(i) = marked_provider(hits) {
        return Some(i);
    }
    let host = host?.trim().trim_end_matches('.');
    // The host may carry a marker itself (`us-smtp-inbound-1.mimecast.com`, `ironport.example.org`),
    // with no word boundaries asked.
    if !host.is_empty() && host.len() <= 255 {
        let mut marked = Hits::empty();
        AUTOMATON.each(host.as_bytes(), |p, _| {
            if p < PATTERN_COUNT {
                marked.set(p);
            }
        });
        if let Some(i) = marked_provider(&marked) {
            return Some(i);
        }
    }
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    // The host's suffixes that start a label (the whole host, and after each dot), lower-cased.
    let mut lower = [0u8; 256];
    let Some(lower) = lower.get_mut(..host.len()) else {
        return host_provider_slow(host.as_bytes());
    };
    for (l, b) in lower.iter_mut().zip(host.bytes()) {
        *l = b.to_ascii_lowercase();
    }
    let lower = &*lower;
    let index = &*HOSTS;
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'.', lower).map(|dot| dot + 1))
        .filter_map(|at| index.get(&lower[at..]).copied())
        .min()
}

/// Each host suffix of the providers, with the first provider (in table order) that names it.
static HOSTS: LazyLock<FxHashMap<&'static [u8], usize>> = LazyLock::new(|| {
    let mut map = FxHashMap::default();
    for (i, p) in PROVIDERS.iter().enumerate() {
        for suffix in p.hosts {
            map.entry(suffix.as_bytes()).or_insert(i);
        }
    }
    map
});

/// The provider whose host suffix ends `host` on a label boundary, the first in table order:
/// what [`HOSTS`] finds, for a host too long for its buffer.
fn host_provider_slow(host: &[u8]) -> Option<usize> {
    PROVIDERS.iter().position(|p| {
        p.hosts.iter().any(|suffix| {
            let suffix = suffix.as_bytes();
            host.len() >= suffix.len()
                && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                && (host.len() == suffix.len() || host[host.len() - suffix.len() - 1] == b'.')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A host names the provider whose suffix it ends with on a label boundary.
    #[test]
    fn host_suffixes() {
        let none = Hits::empty();
        let mut hosts: Vec<String> = Vec::new();
        for p in PROVIDERS {
            for h in p.hosts {
                hosts.extend([
                    (*h).to_owned(),
                    format!("mx1.{h}"),
                    format!("x{h}"),
                    format!("a.b.{}", h.to_ascii_uppercase()),
                    format!("bob@{h}."),
                    format!("{h}.example.org"),
                    format!("{}.{h}", "a".repeat(300)),
                ]);
            }
        }
        hosts.extend(["", ".", "@", "com", "co.uk", "a..b"].map(str::to_owned));
        for host in &hosts {
            let trimmed = host.trim().trim_end_matches('.');
            let tail = trimmed.rsplit('@').next().unwrap_or(trimmed);
            let slow = (!tail.is_empty())
                .then(|| host_provider_slow(tail.as_bytes()))
                .flatten();
            let marked = (!trimmed.is_empty() && trimmed.len() <= 255)
                .then(|| {
                    let mut m = Hits::empty();
                    AUTOMATON.each(trimmed.as_bytes(), |p, _| {
                        if p < PATTERN_COUNT {
                            m.set(p);
                        }
                    });
                    marked_provider(&m)
                })
                .flatten();
            assert_eq!(provider(&none, Some(host)), marked.or(slow), "{host}");
        }
    }

    /// The stated wait is the one a leftmost-longest search of the triggers finds first.
    #[test]
    fn stated_wait_is_leftmost_longest() {
        let reference = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(WAIT_TRIGGERS)
            .expect("triggers build");
        let wait = |text: &str| {
            reference
                .find_iter(text)
                .find_map(|m| reply::wait_after(text, m.end()))
        };
        let many = "wait, ".repeat(20) + "retry in 5 minutes";
        let texts = [
            "Retry-After: 120",
            "retry after 5 minutes",
            "retry-after 60",
            "please wait waiting 30 seconds",
            "WAITING 30 seconds",
            "try again in again in 10 minutes",
            "greylisted for 300 seconds, try again in 5 minutes",
            "try later in again after 7 hours",
            "wait again in 3 minutes",
            "waitwait 5",
            "retry-after:retry after 9",
            many.as_str(),
            "again in again in again in again in again in again in again in again in again in again in again in again in again in again in again in again in again in again in 4",
            "deferred for 2 hours; reconnect in 10 minutes",
            "no wait here",
            "",
        ];
        for text in texts {
            assert_eq!(scan(text).stated_wait(text), wait(text), "{text}");
        }
    }

    /// The DFA finds what a naive search finds: every occurrence, overlapping, case folded.
    #[test]
    fn dfa_agrees_with_a_naive_search() {
        let patterns: Vec<&[u8]> = vec![b"he", b"she", b"his", b"hers", b"e", b"s-h", b"\xc3\xa9t"];
        let dfa = Dfa::build(&patterns);
        for text in [
            "ushers",
            "USHERS she said",
            "this is HIS s-h",
            "",
            "e",
            "\u{e9}t\u{c9}t",
        ] {
            let mut got = Vec::new();
            dfa.each(text.as_bytes(), |p, end| got.push((end, p)));
            got.sort_unstable();
            let lower = text.as_bytes().to_ascii_lowercase();
            let mut want = Vec::new();
            for (p, pat) in patterns.iter().enumerate() {
                for end in pat.len()..=lower.len() {
                    if &lower[end - pat.len()..end] == *pat {
                        want.push((end, p));
                    }
                }
            }
            want.sort_unstable();
            assert_eq!(got, want, "{text}");
        }
    }
}
