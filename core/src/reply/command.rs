//! Reading the SMTP command a hint or a wrapper names (`RCPT TO`, `end of DATA`, `after
//! sending message`), leniently, as MTAs and callers write it.

use crate::types::Command;
use crate::Error;

/// The words of a command hint that [`Command::recognize`] knows; the last ten name the
/// other commands.
const HINT_WORDS: [&str; 24] = [
    "data",
    "bdat",
    "rcpt",
    "mail",
    "helo",
    "ehlo",
    "lhlo",
    "starttls",
    "tls",
    "auth",
    "connect",
    "connection",
    "greeting",
    "banner",
    "rset",
    "vrfy",
    "expn",
    "noop",
    "quit",
    "help",
    "etrn",
    "atrn",
    "burl",
    "turn",
];

/// The bits of [`HINT_WORDS`] that name the other commands (`rset` ... `turn`).
const OTHER_WORDS: u32 = ((1 << 24) - 1) & !((1 << 14) - 1);

impl Command {
    /// Reads a command hint as callers and logs spell it: `"RCPT TO"`, `"rcpt"`,
    /// `"MAIL FROM:<a@b>"`, `"end of DATA"`, `"EHLO"`, `"initial connection"`.
    ///
    /// Unlike [`FromStr`](std::str::FromStr), which accepts only the exact wire names, this is lenient about
    /// case, arguments and surrounding words, and returns `None` when it recognises nothing.
    pub fn recognize(input: &str) -> Option<Command> {
        let s = input.trim().as_bytes();
        if s.is_empty() {
            return None;
        }
        // Commands and their phrases are short: look at the first 96 bytes, lower-cased on the
        // stack (called once per wrapped reply, so no allocation).
        let mut buf = [0u8; 96];
        let n = s.len().min(buf.len());
        for (b, c) in buf.iter_mut().zip(&s[..n]) {
            *b = c.to_ascii_lowercase();
        }
        let s = &buf[..n];
        if let Some(exact) = Command::ALL.iter().find(|c| c.as_str().as_bytes() == s) {
            return Some(*exact);
        }
        // The words of the hint (runs of ASCII letters and digits), read once.
        let mut words = 0u32;
        for part in s.split(|c| !c.is_ascii_alphanumeric()) {
            if let Some(i) = HINT_WORDS.iter().position(|w| w.as_bytes() == part) {
                words |= 1 << i;
            }
        }
        let has_word = |w: &str| {
            let i = HINT_WORDS.iter().position(|x| *x == w).unwrap_or(31);
            words & 1 << i != 0
        };
        let contains = |p: &[u8]| memchr::memchr_iter(p[0], s).any(|at| s[at..].starts_with(p));
        if contains(b"end of data")
            || has_word("data")
            || has_word("bdat")
            || contains(b"after sending message")
        {
            Some(Command::Data)
        } else if has_word("rcpt") || contains(b"rcpt to") || contains(b"recipient") {
            Some(Command::Rcpt)
        } else if has_word("mail") || contains(b"mail from") {
            Some(Command::Mail)
        } else if has_word("helo") || has_word("ehlo") || has_word("lhlo") {
            Some(Command::Helo)
        } else if has_word("starttls") || has_word("tls") {
            Some(Command::Starttls)
        } else if has_word("auth") {
            Some(Command::Auth)
        } else if has_word("connect")
            || has_word("connection")
            || has_word("greeting")
            || has_word("banner")
        {
            Some(Command::Connect)
        } else if words & OTHER_WORDS != 0 {
            Some(Command::Other)
        } else {
            None
        }
    }

    /// Like [`Command::recognize`], but an unrecognised non-empty hint is an error
    /// (`invalid_command`); an empty one is `None`.
    pub fn parse_hint(input: &str) -> Result<Option<Command>, Error> {
        if input.trim().is_empty() {
            return Ok(None);
        }
        match Command::recognize(input) {
            Some(c) => Ok(Some(c)),
            None => Err(Error::InvalidCommand {
                input: input.to_owned(),
            }),
        }
    }
}
