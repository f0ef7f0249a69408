//! Reading a reply as servers and logs write it: wrappers, continuation lines, codes.
//!
//! Everything here is a single pass (or a bounded look at the first bytes) over the input, so
//! any text, however long or strange, is read in linear time.

use std::fmt;

use std::sync::LazyLock;

use memchr::memmem;

use crate::types::Command;

/// An enhanced status code (RFC 3463): `class.subject.detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Enhanced {
    /// 2, 4 or 5.
    pub class: u8,
    /// The subject (0..=7 in the registry).
    pub subject: u16,
    /// The detail within the subject (0..=999).
    pub detail: u16,
}

impl Enhanced {
    /// Reads `5.1.1`, `#5.1.1`, `(#5.1.1)`, `[5.1.1]` or `X.1.1` (class given as `X` reads as 0).
    pub fn parse(input: &str) -> Option<Enhanced> {
        let b = input.trim_ascii().as_bytes();
        let start = b
            .iter()
            .position(|c| !matches!(c, b'#' | b'(' | b'[' | b'<' | b'\'' | b'"' | b':'))?;
        // The class and the dot after it, before anything else is looked at: most tokens are words.
        if b.get(start + 1) != Some(&b'.') || !matches!(b[start], b'2' | b'4' | b'5' | b'X' | b'x')
        {
            return None;
        }
        let end = b.iter().rposition(|c| {
            !matches!(
                c,
                b')' | b']' | b'>' | b',' | b';' | b':' | b'\'' | b'"' | b'.'
            )
        })? + 1;
        let b = b.get(start..end)?;
        // class '.' subject '.' detail: at least five bytes, the second a dot.
        if b.len() < 5 || b[1] != b'.' {
            return None;
        }
        let class = match b[0] {
            b'2' => 2,
            b'4' => 4,
            b'5' => 5,
            b'X' | b'x' => 0,
            _ => return None,
        };
        let rest = &b[2..];
        let dot = rest.iter().position(|&c| c == b'.')?;
        let subject = small_number(&rest[..dot])?;
        let detail = small_number(&rest[dot + 1..])?;
        // Registered subjects are 0..=7; `4.16.1` (a Yahoo error number) is not a status code.
        if subject > 7 {
            return None;
        }
        Some(Enhanced {
            class,
            subject,
            detail,
        })
    }
}

impl Enhanced {
    /// Appends the code as text (`5.1.1`, `X.7.26`) without the formatting machinery.
    pub(crate) fn push_to(self, out: &mut String) {
        out.push(if self.class == 0 {
            'X'
        } else {
            char::from(b'0' + self.class)
        });
        for n in [self.subject, self.detail] {
            out.push('.');
            if n >= 100 {
                out.push(char::from(b'0' + u8::try_from(n / 100 % 10).unwrap_or(0)));
            }
            if n >= 10 {
                out.push(char::from(b'0' + u8::try_from(n / 10 % 10).unwrap_or(0)));
            }
            out.push(char::from(b'0' + u8::try_from(n % 10).unwrap_or(0)));
        }
    }
}

impl fmt::Display for Enhanced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.class == 0 {
            write!(f, "X.{}.{}", self.subject, self.detail)
        } else {
            write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
        }
    }
}

impl serde::Serialize for Enhanced {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One to three ASCII digits.
fn small_number(s: &[u8]) -> Option<u16> {
    if s.is_empty() || s.len() > 3 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, &d| n * 10 + u16::from(d - b'0')))
}

/// A basic reply code at the start of a token: `550`, `550-...`, `550:`.
/// Returns the code and what follows the separator.
fn leading_code(token: &str) -> Option<(u16, &str)> {
    let b = token.as_bytes();
    if b.len() < 3
        || !(b'2'..=b'5').contains(&b[0])
        || !b[1].is_ascii_digit()
        || !b[2].is_ascii_digit()
    {
        return None;
    }
    let code = u16::from(b[0] - b'0') * 100 + u16::from(b[1] - b'0') * 10 + u16::from(b[2] - b'0');
    match b.get(3) {
        None => Some((code, "")),
        Some(b'-' | b':') => Some((code, &token[4..])),
        Some(_) => None,
    }
}

/// What [`parse`] read from a reply text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parsed<'a> {
    /// The basic code the reply starts with (after any wrapper).
    pub code: Option<u16>,
    /// The enhanced code: the one right after the basic code, else the first in the text.
    pub enhanced: Option<Enhanced>,
    /// The command a wrapper says the reply answered.
    pub command: Option<Command>,
    /// The remote host a wrapper names (`host mx.example.com[192.0.2.1] said: ...`).
    pub host: Option<&'a str>,
    /// The reply text without wrapper, code prefixes and extra whitespace.
    pub text: String,
}

/// How far into the text wrappers are looked for. Real wrappers start within the first few
/// hundred bytes; bounding the look keeps a 10 MB input linear and the look cheap.
const WRAPPER_WINDOW: usize = 2048;

/// Reads a reply text in any of the forms the contract lists.
pub(crate) fn parse(input: &str) -> Parsed<'_> {
    let unwrapped = unwrap(input);
    let (code, enhanced, text) = normalise(unwrapped.reply);
    Parsed {
        code,
        enhanced,
        command: unwrapped.command,
        host: unwrapped.host,
        text,
    }
}

struct Unwrapped<'a> {
    reply: &'a str,
    command: Option<Command>,
    host: Option<&'a str>,
}

/// Whether the first bytes of a text hold one of the parts of the phrases wrappers start
/// with, as the MTAs write them: a reply that holds none of them is read as it stands, without
/// looking for each wrapper in turn. They are matched case-sensitively, each a part that MTAs
/// write in lower case: `SMTP error from remote mail server` and `Remote host said:` are found
/// by `rror from remote` and ` said:`. Every part holds a `:`, a `'` or an `f`/`F` at a fixed
/// place, so one `memchr` pass finds the places to compare.
fn has_cue(window: &[u8]) -> bool {
    let at_colon = |p: usize| {
        let before = &window[..=p];
        [
            &b" said:"[..],
            b" refused to talk to me:",
            b" returned was:",
            b"remote server was:",
            b" SAID:",
        ]
        .iter()
        .any(|cue| before.ends_with(cue))
    };
    let from_remote = |p: usize, cue: &[u8]| p >= 5 && window[p - 5..].starts_with(cue);
    memchr::memchr3_iter(b':', b'\'', b'f', window).any(|p| match window[p] {
        b':' => at_colon(p),
        b'\'' => window[..=p].ends_with(b" returned '"),
        _ => from_remote(p, b"rror from remote "),
    }) || memchr::memchr_iter(b'F', window).any(|p| from_remote(p, b"RROR FROM REMOTE "))
}

/// The phrases looked for in a lower-cased window, each with its searcher built once.
#[derive(Clone, Copy)]
enum Needle {
    RemoteHostSaid,
    DoesNotLikeRecipient,
    SenderWasRejected,
    FailedAfterData,
    GreetingFailed,
    NameRejected,
    EximAfter,
    Host,
    BracketSaid,
    Said,
    RefusedToTalk,
    EximFor,
    Reason,
    Command,
    GmailOtherServer,
    GmailRemoteServer,
    Returned,
    ColonSpace,
    GivingUpOn,
    NotGoingToTry,
}

const NEEDLES: [&str; 20] = [
    "remote host said:",
    "does not like recipient",
    "sender was rejected",
    "failed after i sent the message",
    "greeting failed",
    "my name was rejected",
    "smtp error from remote mail server after ",
    "host ",
    "] said:",
    " said:",
    " refused to talk to me:",
    "smtp error from remote server for ",
    "reason:",
    " command",
    "the error that the other server returned was:",
    "the response from the remote server was:",
    " returned '",
    ": ",
    "giving up on ",
    "i'm not going to try again",
];

impl Needle {
    fn text(self) -> &'static str {
        NEEDLES[self as usize]
    }

    fn len(self) -> usize {
        self.text().len()
    }
}

type Finders = (memmem::Finder<'static>, memmem::FinderRev<'static>);

static FINDERS: LazyLock<Vec<Finders>> = LazyLock::new(|| {
    NEEDLES
        .iter()
        .map(|n| (memmem::Finder::new(n), memmem::FinderRev::new(n)))
        .collect()
});

fn finder(needle: Needle) -> &'static Finders {
    &FINDERS[needle as usize]
}

/// Case-insensitive (ASCII) search in the first [`WRAPPER_WINDOW`] bytes.
struct Window {
    /// The lower-cased bytes, in a buffer kept per thread (see [`SPARE_WINDOWS`]).
    bytes: Vec<u8>,
}

thread_local! {
    /// Buffers of windows no longer used, so that a window allocates nothing once they have
    /// grown (a qmail reply needs two at once).
    static SPARE_WINDOWS: std::cell::RefCell<[Vec<u8>; 2]> = const {
        std::cell::RefCell::new([Vec::new(), Vec::new()])
    };
}

impl Window {
    fn new(s: &str) -> Window {
        let len = s.len().min(WRAPPER_WINDOW);
        let mut bytes = SPARE_WINDOWS
            .try_with(|cell| {
                cell.try_borrow_mut()
                    .map(|mut spare| {
                        let i = usize::from(spare[0].capacity() == 0);
                        std::mem::take(&mut spare[i])
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        bytes.clear();
        bytes.reserve(WRAPPER_WINDOW);
        bytes.extend_from_slice(&s.as_bytes()[..len]);
        bytes.make_ascii_lowercase();
        Window { bytes }
    }

    fn lower(&self) -> &[u8] {
        &self.bytes
    }

    fn find(&self, needle: Needle) -> Option<usize> {
        self.find_from(0, needle)
    }

    fn find_from(&self, from: usize, needle: Needle) -> Option<usize> {
        let hay = self.lower().get(from..)?;
        finder(needle).0.find(hay).map(|i| i + from)
    }

    fn rfind(&self, needle: Needle) -> Option<usize> {
        finder(needle).1.rfind(self.lower())
    }

    /// Whether `before` (a part of the window) holds `needle`.
    fn holds(before: &[u8], needle: Needle) -> bool {
        finder(needle).0.find(before).is_some()
    }
}

impl Drop for Window {
    /// Hands the buffer back for the next window.
    fn drop(&mut self) {
        let bytes = std::mem::take(&mut self.bytes);
        let _ = SPARE_WINDOWS.try_with(|cell| {
            if let Ok(mut spare) = cell.try_borrow_mut() {
                let i = usize::from(spare[0].capacity() != 0);
                if spare[i].capacity() < bytes.capacity() {
                    spare[i] = bytes;
                }
            }
        });
    }
}

/// `s[i..]` when `i` is a char boundary, else the nearest valid start after it.
fn tail(s: &str, mut i: usize) -> &str {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    s.get(i..).unwrap_or("")
}

fn head(s: &str, mut i: usize) -> &str {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    s.get(..i).unwrap_or(s)
}

/// Strips the wrappers that MTAs, DSNs and logs put around a reply, keeping what they say
/// about the command and the remote host.
#[allow(clippy::too_many_lines)] // one wrapper after another, in the order they are tried
fn unwrap(input: &str) -> Unwrapped<'_> {
    let mut s = input.trim_start();
    let mut command = None;
    let mut host = None;

    // A header line passed whole: `Diagnostic-Code: smtp; 550 ...`.
    if s.len() >= 16 && s.as_bytes()[..16].eq_ignore_ascii_case(b"diagnostic-code:") {
        s = s[16..].trim_start();
    }
    s = strip_diagnostic_type(s);

    if !has_cue(&s.as_bytes()[..s.len().min(WRAPPER_WINDOW)]) {
        return Unwrapped {
            reply: s,
            command,
            host,
        };
    }
    let w = Window::new(s);

    // qmail: `192.0.2.1 does not like recipient.\nRemote host said: 550 ...\nGiving up on 192.0.2.1.`
    if let Some(at) = w.find(Needle::RemoteHostSaid) {
        let before = &w.lower()[..at];
        command = if Window::holds(before, Needle::DoesNotLikeRecipient) {
            Some(Command::Rcpt)
        } else if Window::holds(before, Needle::SenderWasRejected) {
            Some(Command::Mail)
        } else if Window::holds(before, Needle::FailedAfterData) {
            Some(Command::Data)
        } else if Window::holds(before, Needle::GreetingFailed) {
            Some(Command::Connect)
        } else if Window::holds(before, Needle::NameRejected) {
            Some(Command::Helo)
        } else {
            None
        };
        let reply = tail(s, at + Needle::RemoteHostSaid.len());
        return Unwrapped {
            reply: strip_qmail_trailer(reply),
            command,
            host,
        };
    }
    // Exim: `SMTP error from remote mail server after RCPT TO:<a@b>: host mx [192.0.2.1]: 550 ...`
    // or `host mx [192.0.2.1] SMTP error from remote mail server after MAIL FROM:<a@b> SIZE=1: 550 ...`.
    if let Some(at) = w.find(Needle::EximAfter) {
        if let Some(h) = w.find(Needle::Host).filter(|&h| h < at) {
            host = s.get(h + 5..at).and_then(remote_host);
        }
        let after = at + Needle::EximAfter.len();
        if let Some((cmd_end, reply_start)) = exim_command_end(&w, after) {
            command = Command::recognize(&s[after..cmd_end]);
            let mut rest = tail(s, reply_start).trim_start();
            // `host mx.example.com [192.0.2.1]: ` before the reply.
            if rest.len() > 5 && rest.as_bytes()[..5].eq_ignore_ascii_case(b"host ") {
                if let Some(colon) = rest.find("]:") {
                    host = rest.get(5..=colon).and_then(remote_host);
                    rest = &rest[colon + 2..];
                }
            }
            return Unwrapped {
                reply: rest,
                command,
                host,
            };
        }
    }
    // Postfix: `host mx.example.com[192.0.2.1] said: 550 ... (in reply to RCPT TO command)`.
    if let Some(at) = w.find(Needle::BracketSaid).or_else(|| w.find(Needle::Said)) {
        // `host NAME[IP]` or `host NAME [IP]`: one or two words between `host` and `said:`.
        let h = w.lower()[..at].windows(5).rposition(|x| x == b"host ");
        let is_host = |h: usize| {
            let Some(between) = w.lower().get(h + 5..=at) else {
                return false;
            };
            between.contains(&b'[')
                && !between.iter().any(|&b| b == b'\n' || b == b'\r')
                && memchr::memchr_iter(b' ', between).count() <= 1
        };
        if let Some(h) = h.filter(|&h| is_host(h)) {
            host = s.get(h + 5..=at).and_then(remote_host);
            let (reply, cmd) =
                strip_in_reply_to(tail(s, at + if s.as_bytes()[at] == b']' { 7 } else { 6 }));
            return Unwrapped {
                reply,
                command: cmd,
                host,
            };
        }
    }
    // Postfix, greeting refused: `host mx[192.0.2.1] refused to talk to me: 554 ...`.
    if let Some(at) = w.find(Needle::RefusedToTalk) {
        if let Some(h) = w.find(Needle::Host).filter(|&h| h < at) {
            host = s.get(h + 5..at).and_then(remote_host);
        }
        return Unwrapped {
            reply: tail(s, at + Needle::RefusedToTalk.len()),
            command: Some(Command::Connect),
            host,
        };
    }
    // 1&1 and others: `SMTP error from remote server for TEXT command, host: h (ip) reason: 550 ...`.
    if let Some(at) = w.find(Needle::EximFor) {
        let after = at + Needle::EximFor.len();
        if let Some(reason) = w.find_from(after, Needle::Reason) {
            if let Some(cmd_end) = w.find_from(after, Needle::Command) {
                command = Command::recognize(&s[after..cmd_end]).or(Some(Command::Data));
            }
            return Unwrapped {
                reply: tail(s, reason + 7),
                command,
                host,
            };
        }
    }
    // Gmail's own DSN texts: `... The error that the other server returned was: 550 ...`.
    for cue in [Needle::GmailOtherServer, Needle::GmailRemoteServer] {
        if let Some(at) = w.find(cue) {
            let reply = tail(s, at + cue.len());
            return Unwrapped {
                reply,
                command,
                host,
            };
        }
    }
    // Exchange: `Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'`.
    if let Some(at) = w.find(Needle::Returned) {
        let start = at + Needle::Returned.len();
        let reply = tail(s, start);
        let end = reply.rfind('\'').unwrap_or(reply.len());
        return Unwrapped {
            reply: &reply[..end],
            command,
            host,
        };
    }
    Unwrapped {
        reply: s,
        command,
        host,
    }
}

/// Strips a DSN diagnostic type (`smtp;`, `X-Postfix;`, `X-Unix;`) from the start.
fn strip_diagnostic_type(s: &str) -> &str {
    let head = &s.as_bytes()[..s.len().min(24)];
    let Some(semi) = memchr::memchr(b';', head) else {
        return s;
    };
    let kind = s[..semi].trim();
    let known = kind.eq_ignore_ascii_case("smtp")
        || kind.eq_ignore_ascii_case("esmtp")
        || kind.eq_ignore_ascii_case("lmtp")
        || (kind.len() > 2
            && kind.as_bytes()[..2].eq_ignore_ascii_case(b"x-")
            && kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if known {
        s[semi + 1..].trim_start()
    } else {
        s
    }
}

/// The host name in `mx.example.com[192.0.2.1]` or `mx.example.com [192.0.2.1]`.
fn remote_host(s: &str) -> Option<&str> {
    let name = s.split(['[', ' ']).next()?.trim();
    (!name.is_empty()).then_some(name)
}

/// Where an Exim command phrase ends: `RCPT TO:<a@b>:`, `MAIL FROM:<a@b> SIZE=1543:`,
/// `end of data:`, `initial connection:`. Returns the end of the phrase and the start of what
/// follows the colon.
fn exim_command_end(w: &Window, from: usize) -> Option<(usize, usize)> {
    let rest = w.lower().get(from..)?;
    let search_from = if rest.starts_with(b"rcpt to:") || rest.starts_with(b"mail from:") {
        // The address may itself hold colons; the phrase ends after its closing bracket.
        let gt = memchr::memchr(b'>', rest.get(..rest.len().min(600))?)?;
        from + gt
    } else {
        from
    };
    let colon = w.find_from(search_from, Needle::ColonSpace)?;
    Some((colon, colon + 2))
}

/// Strips Postfix's trailing `(in reply to RCPT TO command)` and reads the command from it.
fn strip_in_reply_to(s: &str) -> (&str, Option<Command>) {
    const CUE: &[u8] = b"(in reply to ";
    let window = tail(s, s.len().saturating_sub(WRAPPER_WINDOW));
    let offset = s.len() - window.len();
    let bytes = window.as_bytes();
    // The last `(in reply to `, in any case.
    let found = memchr::memrchr_iter(b'(', bytes).find(|&at| {
        bytes
            .get(at..at + CUE.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(CUE))
    });
    if let Some(at) = found {
        let inner = &window[at + CUE.len()..];
        let end = find_ignoring_case(inner.as_bytes(), b" command")
            .or_else(|| memchr::memchr(b')', inner.as_bytes()))
            .unwrap_or(inner.len());
        let command = Command::recognize(&inner[..end]);
        return (head(s, offset + at), command);
    }
    (s, None)
}

/// The first place `needle` (lower case) occurs in `hay`, ignoring ASCII case.
fn find_ignoring_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), hay).find(|&at| {
        hay.get(at + 1..at + needle.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(rest))
    })
}

/// Strips qmail's closing words: `Giving up on 192.0.2.1.` and `I'm not going to try again; ...`.
fn strip_qmail_trailer(s: &str) -> &str {
    let lower_window_start = s.len().saturating_sub(WRAPPER_WINDOW);
    let window = tail(s, lower_window_start);
    let offset = s.len() - window.len();
    let w = Window::new(window);
    let cut = [w.rfind(Needle::GivingUpOn), w.rfind(Needle::NotGoingToTry)]
        .into_iter()
        .flatten()
        .min();
    match cut {
        Some(at) => head(s, offset + at),
        None => s,
    }
}

/// Joins the lines of a reply into one line without its codes: the leading basic code and the
/// enhanced code after it are taken out, and so are the continuation prefixes (`550-5.7.1`)
/// that multi-line replies repeat at the start of each line, also when a DSN has folded the
/// lines into one.
#[allow(clippy::too_many_lines)] // one pass, clearer in one piece
fn normalise(reply: &str) -> (Option<u16>, Option<Enhanced>, String) {
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

/// Units a stated wait may be written in, with their length in seconds.
const UNITS: &[(&str, u32)] = &[
    ("seconds", 1),
    ("second", 1),
    ("secs", 1),
    ("sec", 1),
    ("s", 1),
    ("minutes", 60),
    ("minute", 60),
    ("mins", 60),
    ("min", 60),
    ("m", 60),
    ("hours", 3600),
    ("hour", 3600),
    ("hrs", 3600),
    ("hr", 3600),
    ("h", 3600),
    ("days", 86400),
    ("day", 86400),
];

/// Words that may stand between a trigger and the number: `wait for at least 5 minutes`.
const FILLERS: &[&str] = &[
    "for ",
    "at least ",
    "about ",
    "approximately ",
    "another ",
    "in ",
    "after ",
];

/// The longest stated wait believed (a week); a larger number is not a wait.
const MAX_STATED_WAIT: u64 = 7 * 86400;

/// Reads the wait a server states after a trigger phrase found at `after` in `text`:
/// `5 minutes`, `60 seconds`, `120`, `00:05:00`.
pub(crate) fn wait_after(text: &str, after: usize) -> Option<u32> {
    let mut rest = tail(text, after).trim_start();
    loop {
        let before = rest.len();
        for filler in FILLERS {
            if rest.len() >= filler.len()
                && rest.as_bytes()[..filler.len()].eq_ignore_ascii_case(filler.as_bytes())
            {
                rest = rest[filler.len()..].trim_start();
            }
        }
        if rest.len() == before {
            break;
        }
    }
    let digits = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b':')
        .count();
    let number = &rest[..digits];
    if number.is_empty() || number.starts_with(':') {
        return None;
    }
    let seconds = if number.contains(':') {
        // hh:mm:ss (two parts would be ambiguous with a clock time, so only three count).
        let parts: Vec<&str> = number.split(':').collect();
        let [h, m, s] = parts.as_slice() else {
            return None;
        };
        if h.is_empty() || h.len() > 3 || m.len() != 2 || s.len() != 2 {
            return None;
        }
        let (h, m, s): (u64, u64, u64) = (h.parse().ok()?, m.parse().ok()?, s.parse().ok()?);
        if m > 59 || s > 59 {
            return None;
        }
        h * 3600 + m * 60 + s
    } else {
        if number.len() > 9 {
            return None;
        }
        let n: u64 = number.parse().ok()?;
        let unit_text = rest[digits..].trim_start();
        let word_len = unit_text
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let word = &unit_text[..word_len];
        let unit = if word.is_empty() {
            1
        } else {
            match UNITS
                .iter()
                .find(|(name, _)| word.eq_ignore_ascii_case(name))
            {
                Some(&(_, secs)) => u64::from(secs),
                // `in 5 more days`, `after 3 attempts`: not a wait we understand.
                None => return None,
            }
        };
        n.checked_mul(unit)?
    };
    (seconds > 0 && seconds <= MAX_STATED_WAIT).then(|| u32::try_from(seconds).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enhanced_forms() {
        for form in [
            "5.1.1",
            "#5.1.1",
            "(#5.1.1)",
            "[5.1.1]",
            "5.1.1:",
            "(#5.1.1).",
        ] {
            assert_eq!(
                Enhanced::parse(form),
                Some(Enhanced {
                    class: 5,
                    subject: 1,
                    detail: 1
                }),
                "{form}"
            );
        }
        for not in [
            "4.16.55.1",
            "192.0.2.1",
            "5.1",
            "6.1.1",
            "5.1.1.1",
            "5.16.1",
            "1.2.3",
            "5.1.1000",
        ] {
            assert_eq!(Enhanced::parse(not), None, "{not}");
        }
        assert_eq!(
            Enhanced::parse("X.7.26").map(|e| e.to_string()),
            Some("X.7.26".to_owned())
        );
    }

    #[test]
    fn postfix_wrapper() {
        let p = parse("host mx.example.org[192.0.2.1] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)");
        assert_eq!(p.code, Some(550));
        assert_eq!(p.enhanced.map(|e| e.to_string()).as_deref(), Some("5.1.1"));
        assert_eq!(p.command, Some(Command::Rcpt));
        assert_eq!(p.host, Some("mx.example.org"));
        assert_eq!(
            p.text,
            "<bob@example.org>: Recipient address rejected: User unknown"
        );
    }

    #[test]
    fn exim_wrapper() {
        let p = parse("SMTP error from remote mail server after RCPT TO:<bob@example.org>: host mx.example.org [192.0.2.1]: 550 5.1.1 User unknown");
        assert_eq!(
            (p.code, p.command, p.host),
            (Some(550), Some(Command::Rcpt), Some("mx.example.org"))
        );
        assert_eq!(p.text, "User unknown");
        let p = parse("host mx.example.org [192.0.2.1] SMTP error from remote mail server after MAIL FROM:<a@example.com> SIZE=1543: 550 5.7.0 Please use the smtp server of your ISP.");
        assert_eq!(
            (p.code, p.command, p.host),
            (Some(550), Some(Command::Mail), Some("mx.example.org"))
        );
        assert_eq!(p.text, "Please use the smtp server of your ISP.");
    }

    #[test]
    fn multiline_and_folded() {
        let crlf = "550-5.7.26 Unauthenticated email is not accepted\r\n550-5.7.26 due to DMARC policy.\r\n550 5.7.26 Learn more - gsmtp";
        let folded = "550-5.7.26 Unauthenticated email is not accepted 550-5.7.26 due to DMARC policy. 550 5.7.26 Learn more - gsmtp";
        for form in [crlf, folded] {
            let p = parse(form);
            assert_eq!(p.code, Some(550));
            assert_eq!(
                p.text,
                "Unauthenticated email is not accepted due to DMARC policy. Learn more - gsmtp"
            );
        }
    }

    #[test]
    fn embedded_codes() {
        assert_eq!(
            embedded_code("Remote Server at x (10.1.1.3) returned '441 4.4.1 Error'"),
            Some(441)
        );
        assert_eq!(embedded_code("delivery attempts: 0, 550 sorry"), None);
    }

    #[test]
    fn waits() {
        let w = |s: &str| wait_after(s, 0);
        assert_eq!(w("5 minutes"), Some(300));
        assert_eq!(w(" for at least 60 seconds"), Some(60));
        assert_eq!(w("120"), Some(120));
        assert_eq!(w("00:05:00"), Some(300));
        assert_eq!(w("2 more days"), None);
        assert_eq!(w("14:30"), None);
        assert_eq!(
            w("99999999999999999999:00:00"),
            None,
            "no overflow on a huge hour count"
        );
        assert_eq!(w("1:5:00"), None);
        assert_eq!(w("99999999999999999999 seconds"), None);
        assert_eq!(w("a few minutes"), None);
    }
}
