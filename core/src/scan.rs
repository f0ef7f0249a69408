//! One pass of one automaton over the reply text finds every rule pattern and provider marker;
//! the rules are then decided from that set of hits, never by scanning again.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::tables::{MARKER_PROVIDER, PATTERNS, PATTERN_COUNT, PROVIDERS};

const WORDS: usize = PATTERN_COUNT.div_ceil(64);

/// Every pattern of `data/rules.toml`, compiled once, on first use.
static AUTOMATON: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(PATTERNS.iter().map(|p| p.text))
        .unwrap_or_else(|e| unreachable!("the generated patterns always build: {e}"))
});

/// Forces the automaton to be built now rather than on the first call.
pub(crate) fn warm_up() {
    LazyLock::force(&AUTOMATON);
}

/// Which patterns occur in a text.
pub(crate) struct Hits {
    bits: [u64; WORDS],
    /// The patterns hit, in order of first occurrence, without repeats.
    order: Vec<u16>,
}

impl Hits {
    pub(crate) fn has(&self, pattern: usize) -> bool {
        self.bits[pattern / 64] & (1 << (pattern % 64)) != 0
    }

    pub(crate) fn any(&self, patterns: &[usize]) -> bool {
        patterns.iter().any(|&p| self.has(p))
    }

    /// The patterns found, in the order they first occur in the text.
    pub(crate) fn found(&self) -> &[u16] {
        &self.order
    }

    fn set(&mut self, pattern: usize) -> bool {
        let word = &mut self.bits[pattern / 64];
        let bit = 1 << (pattern % 64);
        let new = *word & bit == 0;
        *word |= bit;
        new
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Finds every pattern in `text`, honouring the word-boundary marks of the patterns.
pub(crate) fn scan(text: &str) -> Hits {
    let mut hits = Hits {
        bits: [0; WORDS],
        order: Vec::new(),
    };
    let bytes = text.as_bytes();
    for m in AUTOMATON.find_overlapping_iter(text) {
        let p = m.pattern().as_usize();
        let entry = &PATTERNS[p];
        if entry.word_start && m.start() > 0 && is_word_byte(bytes[m.start() - 1]) {
            continue;
        }
        if entry.word_end && m.end() < bytes.len() && is_word_byte(bytes[m.end()]) {
            continue;
        }
        if hits.set(p) {
            hits.order.push(u16::try_from(p).unwrap_or(u16::MAX));
        }
    }
    hits
}

/// The first provider, in table order, that one of these patterns marks.
fn marked_provider(found: &[u16]) -> Option<usize> {
    found
        .iter()
        .filter_map(|&p| MARKER_PROVIDER.get(usize::from(p)).copied())
        .filter(|&i| i != u8::MAX)
        .min()
        .map(usize::from)
}

/// The provider named by markers in the text, else by the host hint (a host name or a
/// recipient domain, matched on whole labels: `mx.gmail.com` and `gmail.com`, not `notgmail.com`).
pub(crate) fn provider(hits: &Hits, host: Option<&str>) -> Option<usize> {
    if let Some(i) = marked_provider(hits.found()) {
        return Some(i);
    }
    let host = host?.trim().trim_end_matches('.');
    // The host may carry a marker itself (`us-smtp-inbound-1.mimecast.com`, `ironport.example.org`).
    if !host.is_empty() && host.len() <= 255 {
        let mut found = Vec::new();
        for m in AUTOMATON.find_overlapping_iter(host) {
            found.push(u16::try_from(m.pattern().as_usize()).unwrap_or(u16::MAX));
        }
        if let Some(i) = marked_provider(&found) {
            return Some(i);
        }
    }
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    let host = host.as_bytes();
    PROVIDERS.iter().position(|p| {
        p.hosts.iter().any(|suffix| {
            let suffix = suffix.as_bytes();
            host.len() >= suffix.len()
                && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                && (host.len() == suffix.len() || host[host.len() - suffix.len() - 1] == b'.')
        })
    })
}
