//! One line of reply text without its codes: continuation prefixes and repeated codes taken
//! out, whitespace folded, and the codes a text holds elsewhere than its start.

use crate::codes::{leading_code, Enhanced};

/// Joins the lines of a reply into one line without its codes: the leading basic code and the
/// enhanced code after it are taken out, and so are the continuation prefixes (`550-5.7.1`)
/// that multi-line replies repeat at the start of each line, also when a DSN has folded the
/// lines into one.
#[allow(clippy::too_many_lines, reason = "one pass, clearer in one piece")]
pub(super) fn normalise(reply: &str) -> (Option<u16>, Option<Enhanced>, String) {
    let mut code = None;
    let mut enhanced = None;
    let mut out = Joined::new(reply);
    for (index, (base, line)) in lines(reply).enumerate() {
        let mut tokens = Tokens { line, base, pos: 0 }.peekable();
        if index == 0 {
            // The leading code, and an enhanced code right after it (`550 5.1.1`, `550-5.1.1`, `550 #5.1.1`).
            if let Some(&(at, first)) = tokens.peek() {
                if let Some((c, rest)) = leading_code(first) {
                    code = Some(c);
                    tokens.next();
                    if rest.is_empty() {
                        if let Some(e) = tokens.peek().and_then(|&(_, t)| Enhanced::parse(t)) {
                            enhanced = Some(e);
                            tokens.next();
                        }
                    } else if let Some(e) = Enhanced::parse(rest) {
                        enhanced = Some(e);
                    } else {
                        out.push(at + 4, rest);
                    }
                } else if let Some(e) = Enhanced::parse(first).filter(|_| is_bare_enhanced(first)) {
                    // `5.1.1 <bob@example.org>: ...` with no basic code.
                    enhanced = Some(e);
                    tokens.next();
                }
            }
        } else if let (Some(c), Some(&(at, first))) = (code, tokens.peek()) {
            // A continuation line: `550-5.7.1 ...`, `550 5.7.1 ...`, `550 ...`.
            if let Some((_, rest)) = leading_code(first).filter(|&(tc, _)| tc == c) {
                tokens.next();
                if rest.is_empty() {
                    if tokens.peek().is_some_and(|&(_, t)| {
                        is_bare_enhanced(t) && Enhanced::parse(t) == enhanced
                    }) {
                        tokens.next();
                    }
                } else if Enhanced::parse(rest) != enhanced || enhanced.is_none() {
                    out.push(at + 4, rest);
                }
            }
        }
        while let Some((at, token)) = tokens.next() {
            if let Some(c) = code {
                if let Some((_, rest)) = leading_code(token).filter(|&(tc, _)| tc == c) {
                    if rest.is_empty() {
                        // `550 5.7.1` repeated mid-line (a continuation line a DSN folded): drop both.
                        if let (Some(e), Some(&(_, next))) = (enhanced, tokens.peek()) {
                            if Enhanced::parse(next) == Some(e) && is_bare_enhanced(next) {
                                tokens.next();
                                continue;
                            }
                        }
                        if token.len() > 3 {
                            // `550-` or `550:` alone.
                            continue;
                        }
                    } else if Enhanced::parse(rest).is_some_and(|e| Some(e) == enhanced) {
                        continue;
                    } else if token.as_bytes()[3] == b'-' {
                        out.push(at + 4, rest);
                        continue;
                    }
                }
            }
            if enhanced.is_none() {
                enhanced = Enhanced::parse(token);
            }
            out.push(at, token);
        }
    }
    (code, enhanced, out.finish())
}

/// The tokens of a line (runs of bytes other than ASCII whitespace), each with its offset in
/// the text.
struct Tokens<'a> {
    line: &'a str,
    /// The line's offset in the text.
    base: usize,
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let b = self.line.as_bytes();
        let mut i = self.pos;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            self.pos = i;
            return None;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        self.pos = i;
        Some((self.base + start, &self.line[start..i]))
    }
}

/// Tokens of a text joined by single spaces. Tokens that already stand one space apart in the
/// text are copied as one run.
struct Joined<'a> {
    source: &'a str,
    text: String,
    /// The run not yet copied.
    run: Option<(usize, usize)>,
}

impl<'a> Joined<'a> {
    fn new(source: &'a str) -> Joined<'a> {
        Joined {
            source,
            text: String::new(),
            run: None,
        }
    }

    /// Appends the token found at `at` in the source.
    fn push(&mut self, at: usize, token: &str) {
        if token.is_empty() {
            return;
        }
        let end = at + token.len();
        match self.run {
            Some((start, last)) if at == last + 1 && self.source.as_bytes()[last] == b' ' => {
                self.run = Some((start, end));
            }
            _ => {
                self.flush();
                self.run = Some((at, end));
            }
        }
    }

    fn flush(&mut self) {
        if let Some((start, end)) = self.run.take() {
            if self.text.is_empty() {
                self.text.reserve(self.source.len().min(1 << 16));
            } else {
                self.text.push(' ');
            }
            self.text.push_str(&self.source[start..end]);
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        self.text
    }
}

/// The lines of a text (LF, CRLF or CR breaks), found with `memchr`, each with its offset.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let at = text.len() - rest.len();
        match memchr::memchr2(b'\n', b'\r', rest.as_bytes()) {
            Some(i) => {
                let line = &rest[..i];
                let skip =
                    if rest.as_bytes()[i] == b'\r' && rest.as_bytes().get(i + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                rest = &rest[i + skip..];
                Some((at, line))
            }
            None => Some((at, std::mem::take(&mut rest))),
        }
    })
}

/// True when the token is an enhanced code and nothing else (not `5.1.1.1`, not `x5.1.1`).
fn is_bare_enhanced(token: &str) -> bool {
    let t = token
        .trim_start_matches(['#', '(', '['])
        .trim_end_matches([')', ']', ':', ',']);
    t.bytes().all(|b| b.is_ascii_digit() || b == b'.') && Enhanced::parse(t).is_some()
}

/// Reads a code that the text holds somewhere other than its start: only when it stands right
/// before an enhanced code of the same class (`returned '441 4.4.1 ...'`), so that numbers in
/// prose ("delivery attempts: 0", "Winsock error 10060") are not taken for codes.
pub(crate) fn embedded_code(text: &str) -> Option<u16> {
    let mut tokens = text.split_ascii_whitespace().peekable();
    while let Some(token) = tokens.next() {
        let token = token.trim_start_matches(['<', '(', '[', '\'', '"']);
        if let Some((code, rest)) = leading_code(token) {
            let class = u8::try_from(code / 100).unwrap_or(0);
            let next = if rest.is_empty() {
                tokens.peek().copied()
            } else {
                Some(rest)
            };
            if next
                .and_then(Enhanced::parse)
                .is_some_and(|e| e.class == class)
            {
                return Some(code);
            }
        }
    }
    None
}

/// True when a text quotes a server: a basic reply code starting a token, or an enhanced code.
pub(crate) fn has_reply_code(text: &str) -> bool {
    text.split_ascii_whitespace().take(2000).any(|t| {
        let t = t.trim_start_matches(['[', '(', '\'', '"']);
        leading_code(t).is_some() || Enhanced::parse(t).is_some()
    })
}
