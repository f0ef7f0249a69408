//! Wrappers: the words an MTA, a log or a DSN puts around the remote server's reply
//! (`host mx said: ...`, `SMTP error from remote mail server after RCPT TO:...`), taken off
//! with the command and host they name.

use std::sync::LazyLock;

use memchr::memmem;

use crate::types::Command;

use super::WRAPPER_WINDOW;

pub(super) struct Unwrapped<'a> {
    pub(super) reply: &'a str,
    pub(super) command: Option<Command>,
    pub(super) host: Option<&'a str>,
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
struct LowerPrefix {
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

impl LowerPrefix {
    fn new(s: &str) -> LowerPrefix {
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
        LowerPrefix { bytes }
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

impl Drop for LowerPrefix {
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
pub(super) fn tail(s: &str, mut i: usize) -> &str {
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
#[allow(
    clippy::too_many_lines,
    reason = "one wrapper after another, in the order they are tried"
)]
pub(super) fn unwrap(input: &str) -> Unwrapped<'_> {
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
    let w = LowerPrefix::new(s);

    // qmail: `192.0.2.1 does not like recipient.\nRemote host said: 550 ...\nGiving up on 192.0.2.1.`
    if let Some(at) = w.find(Needle::RemoteHostSaid) {
        let before = &w.lower()[..at];
        command = if LowerPrefix::holds(before, Needle::DoesNotLikeRecipient) {
            Some(Command::Rcpt)
        } else if LowerPrefix::holds(before, Needle::SenderWasRejected) {
            Some(Command::Mail)
        } else if LowerPrefix::holds(before, Needle::FailedAfterData) {
            Some(Command::Data)
        } else if LowerPrefix::holds(before, Needle::GreetingFailed) {
            Some(Command::Connect)
        } else if LowerPrefix::holds(before, Needle::NameRejected) {
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
fn exim_command_end(w: &LowerPrefix, from: usize) -> Option<(usize, usize)> {
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
    let w = LowerPrefix::new(window);
    let cut = [w.rfind(Needle::GivingUpOn), w.rfind(Needle::NotGoingToTry)]
        .into_iter()
        .flatten()
        .min();
    match cut {
        Some(at) => head(s, offset + at),
        None => s,
    }
}
