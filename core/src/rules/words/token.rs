//! Normalisation: a reply's text as a sequence of word tokens that every word rule sees.
//!
//! Case is folded, contractions and elisions expanded (`couldn't` = `could not`, `n'existe` =
//! `ne existe`), simple English inflections removed (`mailboxes` = `mailbox`, `disabled` =
//! `disable`), frequent misspellings mapped, and addresses, hosts, URLs, numbers and ids
//! reduced to placeholders (`<addr>`, `<host>`, `<num>`, `<id>`) so that they cannot match
//! words. Han, Hiragana and Katakana, written without spaces, become one token per character,
//! so that phrases in those scripts are matched as sequences the same way.
//!
//! This file is also compiled into `build.rs`, which tokenises the lexicon with it: the data
//! and the text are normalised by the same code. It uses `std` only.

/// Receives each token, whether a clause boundary (`.`, `;`, `!`, `?`, a bracket, a line
/// break) comes before it, and the byte range of the text it came from.
pub trait Sink {
    /// One token.
    fn token(&mut self, token: &str, boundary_before: bool, from: usize, to: usize);
}

impl<F: FnMut(&str, bool, usize, usize)> Sink for F {
    fn token(&mut self, token: &str, boundary_before: bool, from: usize, to: usize) {
        self(token, boundary_before, from, to);
    }
}

/// A sink and the offset of the chunk being read, so the helpers below give ranges of the
/// whole text.
struct At<'s, S: Sink> {
    sink: &'s mut S,
    from: usize,
    to: usize,
}

impl<S: Sink> At<'_, S> {
    fn token(&mut self, token: &str, boundary: bool) {
        self.sink.token(token, boundary, self.from, self.to);
    }
}

/// Frequent misspellings and variant spellings, mapped before stemming; an expansion with a
/// space becomes two tokens.
#[allow(
    clippy::match_same_arms,
    reason = "one misspelling an arm, so the list reads as data"
)]
fn respell(word: &str) -> Option<&'static str> {
    // Every spelling below is 4 to 11 bytes long and starts with one of these letters.
    let first = word.as_bytes().first().copied().unwrap_or(0);
    if !(4..=11).contains(&word.len())
        || !matches!(
            first,
            b'r' | b'a' | b'm' | b'e' | b'u' | b'd' | b'c' | b'i' | b'w' | b'g' | b'o'
        )
    {
        return None;
    }
    Some(match word {
        "recipent" => "recipient",
        "revers" => "reverse",
        "reciepient" => "recipient",
        "recepient" => "recipient",
        "receipient" => "recipient",
        "recipiant" => "recipient",
        "adress" => "address",
        "addres" => "address",
        "mailbx" => "mailbox",
        "mail-box" => "mailbox",
        "exeeded" => "exceeded",
        "exceded" => "exceeded",
        "excedeed" => "exceeded",
        "recieve" => "receive",
        "recieved" => "received",
        "unkown" => "unknown",
        "unknow" => "unknown",
        "unknwon" => "unknown",
        "occured" => "occurred",
        "occuring" => "occurring",
        "doesnt" => "does not",
        "dont" => "do not",
        "cant" => "can not",
        "cannot" => "can not",
        "couldnt" => "could not",
        "isnt" => "is not",
        "wasnt" => "was not",
        "wont" => "will not",
        "e-mail" => "email",
        "graylisted" => "greylisted",
        "graylisting" => "greylisting",
        "graylist" => "greylist",
        "grey-listed" => "greylisted",
        "gray-listed" => "greylisted",
        _ => return None,
    })
}

/// Tokenises `text`, calling `sink` once per token. Linear in the text; `scratch` is reused
/// for each word, so no token allocates once it has grown to the longest word.
pub fn tokenize(text: &str, scratch: &mut String, sink: &mut impl Sink) {
    let b = text.as_bytes();
    let len = b.len();
    let mut boundary = true;
    let mut i = 0;
    while i < len {
        // The whitespace before a chunk: a line break in it is a boundary.
        while i < len {
            let c = b[i];
            if c < 0x80 {
                if BYTE_KINDS[usize::from(c)] & SPACE == 0 {
                    break;
                }
                if c == b'\n' {
                    boundary = true;
                }
                i += 1;
            } else {
                let (space, width) = space_at(text, i);
                if !space {
                    break;
                }
                i += width;
            }
        }
        if i >= len {
            break;
        }
        // The chunk, with what its bytes hold (see `BYTE_KINDS`), read once.
        let start = i;
        let mut kinds = 0u8;
        while i < len {
            let k = BYTE_KINDS[usize::from(b[i])];
            if k & (SPACE | NON_ASCII) == 0 {
                kinds |= k;
                i += 1;
                continue;
            }
            if k & SPACE != 0 {
                break;
            }
            let (space, width) = space_at(text, i);
            if space {
                break;
            }
            kinds |= k;
            i += width;
        }
        let chunk = &text[start..i];
        boundary = if kinds & NON_ASCII == 0 {
            ascii_chunk(chunk, start, boundary, kinds, scratch, sink)
        } else {
            chunk_tokens(chunk, start, boundary, scratch, sink)
        };
    }
}

/// Whether the character at byte `i` (a character boundary) is whitespace, and its length.
#[inline]
fn space_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (
            matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'),
            1,
        );
    }
    text[i..]
        .chars()
        .next()
        .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8()))
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '<' | '"' | '\'' | '`' | '«' | '“' | '‘' | '「' | '『' | '【' | '（'
    )
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        ')' | ']'
            | '}'
            | '>'
            | '"'
            | '\''
            | '`'
            | '»'
            | '”'
            | '’'
            | '.'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '」'
            | '』'
            | '】'
            | '）'
            | '。'
            | '，'
            | '、'
            | '！'
            | '？'
            | '；'
            | '：'
    )
}

fn is_hard_boundary(c: char) -> bool {
    matches!(
        c,
        '.' | ';'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '。'
            | '！'
            | '？'
            | '；'
            | '（'
            | '）'
            | '【'
            | '】'
    )
}

/// True for the scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F) // half-width Katakana
}

/// Punctuation of the scripts written without spaces, which separates the runs of a chunk.
fn is_cjk_punctuation(c: char) -> bool {
    matches!(
        c,
        '。' | '，'
            | '、'
            | '！'
            | '？'
            | '；'
            | '：'
            | '“'
            | '”'
            | '「'
            | '」'
            | '『'
            | '』'
            | '【'
            | '】'
            | '（'
            | '）'
            | '《'
            | '》'
            | '・'
            | '…'
    )
}

/// One whitespace-separated chunk; returns whether a boundary follows it.
fn chunk_tokens<S: Sink>(
    chunk: &str,
    offset: usize,
    boundary_in: bool,
    scratch: &mut String,
    sink: &mut S,
) -> bool {
    if chunk.is_ascii() {
        return ascii_chunk(chunk, offset, boundary_in, kinds_of(chunk), scratch, sink);
    }
    if chunk.chars().any(|c| is_cjk(c) || is_cjk_punctuation(c)) {
        return mixed_chunk(chunk, offset, boundary_in, scratch, sink);
    }
    let mut boundary = boundary_in;
    let core_start = chunk
        .char_indices()
        .find(|&(_, c)| !is_opening(c))
        .map_or(chunk.len(), |(i, _)| i);
    if chunk[..core_start].chars().any(is_hard_boundary) {
        boundary = true;
    }
    let inner = &chunk[core_start..];
    let core_end = inner
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_closing(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let core = &inner[..core_end];
    let after = inner[core_end..].chars().any(is_hard_boundary);
    if core.is_empty() {
        return boundary || after;
    }
    let base = offset + core_start;
    if let Some(placeholder) = placeholder(core) {
        sink.token(placeholder, boundary, base, base + core.len());
        return after;
    }
    if core.is_ascii() {
        ascii_words(core, base, boundary, scratch, sink);
        return after;
    }
    // Words inside the chunk: split at anything that is neither a letter, a digit nor an
    // apostrophe between letters. (A chunk with Han or Kana went to `mixed_chunk` above.)
    let mut word_start: Option<usize> = None;
    let bytes_end = core.len();
    let mut iter = core.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next_is_alnum = iter.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        let in_word =
            c.is_alphanumeric() || (c == '\'' || c == '’') && word_start.is_some() && next_is_alnum;
        if in_word {
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(s) = word_start.take() {
            let mut at = At {
                sink: &mut *sink,
                from: base + s,
                to: base + i,
            };
            word(&core[s..i], boundary, scratch, &mut at);
            boundary = false;
        }
        if is_hard_boundary(c) {
            boundary = true;
        }
    }
    if let Some(s) = word_start {
        let mut at = At {
            sink,
            from: base + s,
            to: base + bytes_end,
        };
        word(&core[s..bytes_end], boundary, scratch, &mut at);
    }
    after
}

/// [`chunk_tokens`] for a chunk of ASCII, byte by byte; `kinds` is what its bytes hold (the
/// `BYTE_KINDS` of each, combined).
fn ascii_chunk<S: Sink>(
    chunk: &str,
    offset: usize,
    boundary_in: bool,
    kinds: u8,
    scratch: &mut String,
    sink: &mut S,
) -> bool {
    let b = chunk.as_bytes();
    let mut boundary = boundary_in;
    let core_start = b
        .iter()
        .position(|&c| !is_opening(char::from(c)))
        .unwrap_or(b.len());
    if b[..core_start]
        .iter()
        .any(|&c| is_hard_boundary(char::from(c)))
    {
        boundary = true;
    }
    let inner = &b[core_start..];
    let core_end = inner
        .iter()
        .rposition(|&c| !is_closing(char::from(c)))
        .map_or(0, |i| i + 1);
    let after = inner[core_end..]
        .iter()
        .any(|&c| is_hard_boundary(char::from(c)));
    if core_end == 0 {
        return boundary || after;
    }
    let core = &chunk[core_start..core_start + core_end];
    let base = offset + core_start;
    // A chunk without `@`, `.` or `:` holds no placeholder.
    if kinds & PLACEHOLDER != 0 {
        if let Some(placeholder) = placeholder(core) {
            sink.token(placeholder, boundary, base, base + core.len());
            return after;
        }
    }
    ascii_words(core, base, boundary, scratch, sink);
    after
}

/// The words of an ASCII chunk, split as [`chunk_tokens`] does: runs of letters and digits,
/// with an apostrophe between a letter or digit and another. One pass over the bytes, which
/// also gathers what each word holds.
fn ascii_words<S: Sink>(
    core: &str,
    base: usize,
    mut boundary: bool,
    scratch: &mut String,
    sink: &mut S,
) {
    let b = core.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let k = BYTE_KINDS[usize::from(b[i])];
        if k & ALNUM == 0 {
            if k & HARD != 0 {
                boundary = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        let mut kinds = k;
        i += 1;
        while i < n {
            let k = BYTE_KINDS[usize::from(b[i])];
            if k & ALNUM == 0
                && !(b[i] == b'\'' && i + 1 < n && BYTE_KINDS[usize::from(b[i + 1])] & ALNUM != 0)
            {
                break;
            }
            kinds |= k;
            i += 1;
        }
        let mut at = At {
            sink: &mut *sink,
            from: base + start,
            to: base + i,
        };
        word_of_kinds(&core[start..i], kinds, boundary, scratch, &mut at);
        boundary = false;
    }
}

/// A chunk with Han or Kana in it (`您发送到“bob@example.com”的邮件`): each character is a
/// token, and each run of other characters between them is read as a chunk of its own, so an
/// address inside stays one placeholder.
fn mixed_chunk<S: Sink>(
    chunk: &str,
    offset: usize,
    boundary_in: bool,
    scratch: &mut String,
    sink: &mut S,
) -> bool {
    let mut boundary = boundary_in;
    let mut run: Option<usize> = None;
    for (i, c) in chunk.char_indices() {
        if !(is_cjk(c) || is_cjk_punctuation(c)) {
            run.get_or_insert(i);
            continue;
        }
        if let Some(s) = run.take() {
            boundary = chunk_tokens(&chunk[s..i], offset + s, boundary, scratch, sink);
        }
        if is_cjk(c) {
            let end = i + c.len_utf8();
            sink.token(&chunk[i..end], boundary, offset + i, offset + end);
            boundary = false;
        } else if is_hard_boundary(c) {
            boundary = true;
        }
    }
    if let Some(s) = run {
        boundary = chunk_tokens(&chunk[s..], offset + s, boundary, scratch, sink);
    }
    boundary
}

/// Addresses, URLs, hosts and dotted numbers (enhanced codes, IPs, versions) as placeholders.
fn placeholder(core: &str) -> Option<&'static str> {
    // Each form below needs one of these bytes: most words have none.
    if core.bytes().fold(0, |k, b| k | BYTE_KINDS[usize::from(b)]) & PLACEHOLDER == 0 {
        return None;
    }
    if core.contains('@') && core.len() > 2 {
        return Some("<addr>");
    }
    if core.contains("://") || core.starts_with("www.") {
        return Some("<url>");
    }
    if core.contains('.') {
        let fits = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':'))
        };
        if core.split('.').all(fits) {
            let digits = core.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            return Some(if digits { "<num>" } else { "<host>" });
        }
    }
    None
}

const UPPER: u8 = 1;
const DIGIT: u8 = 2;
const APOSTROPHE: u8 = 4;
const NON_ASCII: u8 = 8;
/// `@`, `.` or `:`, one of which every placeholder holds.
const PLACEHOLDER: u8 = 16;
/// ASCII whitespace, which separates chunks.
const SPACE: u8 = 32;
const LOWER: u8 = 64;
/// An ASCII letter or digit.
const ALNUM: u8 = UPPER | DIGIT | LOWER;
/// `.`, `;`, `!`, `?` or a bracket: ASCII that ends a clause.
const HARD: u8 = 128;

/// What [`word`], [`placeholder`] and the ASCII splitting look for in a byte.
#[allow(
    clippy::cast_possible_truncation,
    reason = "`b` counts bytes, below 256"
)]
static BYTE_KINDS: [u8; 256] = {
    let mut kinds = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        kinds[b] = if c.is_ascii_uppercase() {
            UPPER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_lowercase() {
            LOWER
        } else if c == b'\'' {
            APOSTROPHE
        } else if c >= 0x80 {
            NON_ASCII
        } else if c == b'@' || c == b':' {
            PLACEHOLDER
        } else if c == b'.' {
            PLACEHOLDER | HARD
        } else if matches!(
            c,
            b';' | b'!' | b'?' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
        ) {
            HARD
        } else if matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    kinds
};

/// The kinds of every byte of `s`, combined.
fn kinds_of(s: &str) -> u8 {
    s.bytes().fold(0u8, |k, b| k | BYTE_KINDS[usize::from(b)])
}

/// Expands, folds and stems one word, then hands it (or its parts) to the sink.
fn word<S: Sink>(raw: &str, boundary: bool, scratch: &mut String, sink: &mut At<'_, S>) {
    word_of_kinds(raw, kinds_of(raw), boundary, scratch, sink);
}

/// [`word`], given what the word's bytes hold (see [`kinds_of`]).
///
/// Long because it is one case after another of a word's forms (plain, digits,
/// non-ASCII, contractions, elisions), tried from the most frequent down.
fn word_of_kinds<S: Sink>(
    raw: &str,
    kinds: u8,
    boundary: bool,
    scratch: &mut String,
    sink: &mut At<'_, S>,
) {
    // A word of lower-case ASCII letters, the most frequent kind, goes on as it is, without a
    // copy.
    if kinds & (UPPER | DIGIT | APOSTROPHE | NON_ASCII) == 0 {
        emit(raw, boundary, sink);
        return;
    }
    let digits = if kinds & DIGIT == 0 {
        0
    } else {
        raw.bytes().filter(u8::is_ascii_digit).count()
    };
    if digits > 0 {
        sink.token(if digits == raw.len() { "<num>" } else { "<id>" }, boundary);
        return;
    }
    scratch.clear();
    if raw.is_ascii() {
        scratch.push_str(raw);
        scratch.make_ascii_lowercase();
    } else {
        for c in raw.chars() {
            if c == '’' {
                scratch.push('\'');
            } else {
                scratch.extend(c.to_lowercase());
            }
        }
    }
    if !scratch.contains('\'') {
        emit(scratch.as_str(), boundary, sink);
        return;
    }
    // English contractions: `couldn't` = `could not`; `user's` = `user`.
    if let Some(base) = scratch.strip_suffix("n't") {
        let base = match base {
            "ca" | "can" => "can",
            "wo" => "will",
            "sha" => "shall",
            other => other,
        };
        let base = base.to_owned();
        emit(&base, boundary, sink);
        sink.token("not", false);
        return;
    }
    for suffix in ["'s", "'re", "'ve", "'ll", "'d", "'m"] {
        if scratch.len() > suffix.len() + 1 && scratch.ends_with(suffix) {
            let keep = scratch.len() - suffix.len();
            scratch.truncate(keep);
            break;
        }
    }
    // Elisions of French and Italian: `n'existe` = `ne existe`, `l'indirizzo` = `le indirizzo`.
    if let Some(apostrophe) = scratch.find('\'') {
        let (head, tail) = scratch.split_at(apostrophe);
        let tail = &tail[1..];
        let expanded = match head {
            "n" => Some("ne"),
            "l" => Some("le"),
            "d" => Some("de"),
            "qu" => Some("que"),
            "j" => Some("je"),
            "s" => Some("se"),
            "c" => Some("ce"),
            "m" => Some("me"),
            "t" => Some("te"),
            "all" | "dell" | "nell" | "sull" | "dall" => Some(head),
            _ => None,
        };
        if let (Some(e), false) = (expanded, tail.is_empty()) {
            let tail = tail.to_owned();
            sink.token(e, boundary);
            emit(&tail, false, sink);
            return;
        }
        let joined: String = scratch.chars().filter(|&c| c != '\'').collect();
        emit(&joined, boundary, sink);
        return;
    }
    emit(scratch.as_str(), boundary, sink);
}

/// Maps spellings, splits the expansions they name, and stems. (A word holds no space: only
/// an expansion does.)
fn emit<S: Sink>(word: &str, boundary: bool, sink: &mut At<'_, S>) {
    let Some(word) = respell(word) else {
        sink.token(stem(word), boundary);
        return;
    };
    match word.split_once(' ') {
        None => sink.token(stem(word), boundary),
        Some((a, b)) => {
            sink.token(stem(a), boundary);
            sink.token(stem(b), false);
        }
    }
}

/// Removes simple English inflections: `mailboxes`, `users`, `disabled`, `exceeding`. The
/// stem must keep at least three letters, so short words stay as they are.
pub fn stem(word: &str) -> &str {
    let b = word.as_bytes();
    let n = b.len();
    let keep = |cut: usize| n - cut >= 3;
    if n >= 5 && word.ends_with("ies") && keep(3) {
        return &word[..n - 3];
    }
    if word.ends_with("ing") && keep(3) && n >= 6 {
        return &word[..n - 3];
    }
    if word.ends_with("ed") && keep(2) && n >= 5 {
        let s = &word[..n - 2];
        return s.strip_suffix('e').filter(|s| s.len() >= 3).unwrap_or(s);
    }
    if word.ends_with("es")
        && keep(2)
        && (word.ends_with("xes")
            || word.ends_with("sses")
            || word.ends_with("shes")
            || word.ends_with("ches"))
    {
        return &word[..n - 2];
    }
    if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && keep(1) && n >= 4 {
        let s = &word[..n - 1];
        return s.strip_suffix('e').filter(|s| s.len() >= 4).unwrap_or(s);
    }
    if word.ends_with('e') && n >= 5 {
        return &word[..n - 1];
    }
    word
}
