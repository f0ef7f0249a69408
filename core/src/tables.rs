//! The static tables that `build.rs` generates from `data/*.toml`, and the shapes of their rows.

use std::borrow::Cow;
use std::hash::Hash;
use std::sync::{LazyLock, PoisonError, RwLock};

use rustc_hash::FxHashMap;

use crate::codes::Enhanced;
use crate::types::{Command, Reason};

/// A basic reply code of `data/reply_codes.toml`.
#[derive(Debug)]
pub(crate) struct ReplyCodeEntry {
    pub code: u16,
    pub title: &'static str,
    pub description: &'static str,
    pub when: &'static str,
    pub fix: &'static str,
    pub source: &'static str,
    /// `matched` text when this code alone decided (`code 421`).
    pub label: &'static str,
}

/// An enhanced-code class (2, 4, 5).
#[derive(Debug)]
pub(crate) struct ClassEntry {
    pub class: u8,
    pub title: &'static str,
    pub description: &'static str,
    pub source: &'static str,
}

/// An enhanced-code subject (X.1 ...).
#[derive(Debug)]
pub(crate) struct SubjectEntry {
    pub subject: u16,
    pub title: &'static str,
    pub description: &'static str,
    pub source: &'static str,
}

/// A registered enhanced code (X.1.1 ...).
#[derive(Debug)]
pub(crate) struct DetailEntry {
    pub subject: u16,
    pub detail: u16,
    pub title: &'static str,
    pub description: &'static str,
    pub when: &'static str,
    pub fix: &'static str,
    pub basic: &'static [u16],
    pub classes: &'static [u8],
    pub source: &'static str,
}

/// A literal the text scan looks for, lower case; matching ignores ASCII case.
#[derive(Debug)]
pub(crate) struct PatternEntry {
    pub text: &'static str,
    pub word_start: bool,
    pub word_end: bool,
}

/// A receiving provider, recognised by marker patterns in the text or by the host hint.
#[derive(Debug)]
pub(crate) struct ProviderEntry {
    pub id: &'static str,
    pub hosts: &'static [&'static str],
}

/// A text or provider rule of `data/rules.toml`, in evaluation order.
#[derive(Debug)]
pub(crate) struct RuleEntry {
    pub id: &'static str,
    pub reason: Reason,
    pub provider: Option<usize>,
    pub weak: bool,
    /// At least one of these patterns (empty: no text condition).
    pub any: &'static [usize],
    /// At least one pattern of each group.
    pub all: &'static [&'static [usize]],
    /// None of these patterns.
    pub not: &'static [usize],
    /// The enhanced code must be one of these (class 0 matches any class).
    pub status: &'static [(u8, u16, u16)],
    /// The basic code must be one of these.
    pub codes: &'static [u16],
    /// The command must be one of these.
    pub commands: &'static [Command],
    /// `matched` text: one per `any` pattern, else one per status then per code.
    pub labels: &'static [&'static str],
    pub advice: Option<&'static str>,
}

/// What an enhanced code means for the reason, when words do not say more.
#[derive(Debug)]
pub(crate) struct EnhancedMapEntry {
    /// 0 for any class.
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
    pub reason: Reason,
    /// A weak mapping yields to vague words and to the command.
    pub weak: bool,
    /// `matched` text for classes 2, 4 and 5.
    pub labels: [&'static str; 3],
}

/// What a basic code (optionally after a given command) means for the reason.
#[derive(Debug)]
pub(crate) struct BasicMapEntry {
    pub code: u16,
    pub command: Option<Command>,
    pub reason: Reason,
    pub weak: bool,
    pub label: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

/// The reference entry of a basic code.
pub(crate) fn reply_code(code: u16) -> Option<&'static ReplyCodeEntry> {
    REPLY_CODES
        .binary_search_by_key(&code, |e| e.code)
        .ok()
        .map(|i| &REPLY_CODES[i])
}

/// The registry entry of an enhanced code's subject and detail.
pub(crate) fn detail(subject: u16, detail: u16) -> Option<&'static DetailEntry> {
    DETAILS
        .binary_search_by_key(&(subject, detail), |e| (e.subject, e.detail))
        .ok()
        .map(|i| &DETAILS[i])
}

pub(crate) fn subject(subject: u16) -> Option<&'static SubjectEntry> {
    SUBJECTS.iter().find(|s| s.subject == subject)
}

pub(crate) fn class(class: u8) -> Option<&'static ClassEntry> {
    CLASSES.iter().find(|c| c.class == class)
}

/// The highest detail any enhanced mapping names, plus one.
fn detail_span() -> usize {
    ENHANCED_MAP
        .iter()
        .map(|m| usize::from(m.detail) + 1)
        .max()
        .unwrap_or(0)
}

/// The slot of an enhanced code's class in [`ENHANCED_INDEX`] (`X` is 0).
fn class_slot(class: u8) -> Option<usize> {
    match class {
        0 => Some(0),
        2 => Some(1),
        4 => Some(2),
        5 => Some(3),
        _ => None,
    }
}

/// [`ENHANCED_MAP`] by class slot, subject (0..=7) and detail: the entry's index plus one, 0
/// for none.
static ENHANCED_INDEX: LazyLock<Vec<u16>> = LazyLock::new(|| {
    let span = detail_span();
    let mut index = vec![0u16; 4 * 8 * span];
    for (i, m) in ENHANCED_MAP.iter().enumerate() {
        if let Some(slot) = class_slot(m.class).filter(|_| m.subject < 8) {
            let at = (slot * 8 + usize::from(m.subject)) * span + usize::from(m.detail);
            if index[at] == 0 {
                index[at] = u16::try_from(i + 1).unwrap_or(0);
            }
        }
    }
    index
});

/// The mapping of exactly this class, subject and detail (class 0: `X.s.d`).
pub(crate) fn enhanced_entry(class: u8, e: Enhanced) -> Option<&'static EnhancedMapEntry> {
    let span = detail_span();
    let slot = class_slot(class)?;
    if e.subject >= 8 || usize::from(e.detail) >= span {
        return None;
    }
    let at = (slot * 8 + usize::from(e.subject)) * span + usize::from(e.detail);
    match ENHANCED_INDEX[at] {
        0 => None,
        i => Some(&ENHANCED_MAP[usize::from(i) - 1]),
    }
}

/// Reply codes are below this.
const CODES: usize = 600;

/// [`BASIC_MAP`] by code and command slot (0 for no command, else the command's index plus
/// one): the entry's index plus one, 0 for none.
static BASIC_INDEX: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let slots = Command::ALL.len() + 1;
    let mut index = vec![0u8; CODES * slots];
    for (i, b) in BASIC_MAP.iter().enumerate() {
        if usize::from(b.code) < CODES {
            let at = usize::from(b.code) * slots + b.command.map_or(0, |c| c.index() + 1);
            if index[at] == 0 {
                index[at] = u8::try_from(i + 1).unwrap_or(0);
            }
        }
    }
    index
});

/// The mapping of a basic code after this command (or with none).
pub(crate) fn basic_entry(code: u16, command: Option<Command>) -> Option<&'static BasicMapEntry> {
    if usize::from(code) >= CODES {
        return None;
    }
    let at = usize::from(code) * (Command::ALL.len() + 1) + command.map_or(0, |c| c.index() + 1);
    match BASIC_INDEX[at] {
        0 => None,
        i => Some(&BASIC_MAP[usize::from(i) - 1]),
    }
}

/// Builds the lookup indexes now rather than on first use.
pub(crate) fn warm_up() {
    LazyLock::force(&ENHANCED_INDEX);
    LazyLock::force(&BASIC_INDEX);
}

/// Strings made from table strings (a description with the enhanced code's meaning, a label
/// that says what it outranked), made once and then shared: a reply that needs one again
/// borrows it instead of allocating. The cache keeps at most [`Interned::LIMIT`] strings
/// (their keys are table entries and codes, so real traffic needs far fewer); past that a
/// string is made for each reply.
pub(crate) struct Interned<K> {
    map: LazyLock<RwLock<FxHashMap<K, &'static str>>>,
}

impl<K: Hash + Eq + Copy> Interned<K> {
    const LIMIT: usize = 4096;

    pub(crate) const fn new() -> Interned<K> {
        Interned {
            map: LazyLock::new(|| RwLock::new(FxHashMap::default())),
        }
    }

    /// The string for `key`, made by `build` the first time.
    pub(crate) fn get(&self, key: K, build: impl FnOnce() -> String) -> Cow<'static, str> {
        if let Some(&s) = self
            .map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Cow::Borrowed(s);
        }
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&s) = map.get(&key) {
            return Cow::Borrowed(s);
        }
        let made = build();
        if map.len() >= Self::LIMIT {
            return Cow::Owned(made);
        }
        let s: &'static str = Box::leak(made.into_boxed_str());
        map.insert(key, s);
        Cow::Borrowed(s)
    }
}
