//! Reading the SMTP command a hint or a wrapper names (`RCPT TO`, `end of DATA`, `after
//! sending message`), leniently, as MTAs and callers write it.

use crate::types::Command;
use crate::Error;

/// The words of a command hint that [`Command::recognize`] knows, one bit each.
mod word {
    pub const DATA: u32 = 1 << 0;
    pub const BDAT: u32 = 1 << 1;
    pub const RCPT: u32 = 1 << 2;
    pub const MAIL: u32 = 1 << 3;
    pub const HELO: u32 = 1 << 4;
    pub const EHLO: u32 = 1 << 5;
    pub const LHLO: u32 = 1 << 6;
    pub const STARTTLS: u32 = 1 << 7;
    pub const TLS: u32 = 1 << 8;
    pub const AUTH: u32 = 1 << 9;
    pub const CONNECT: u32 = 1 << 10;
    pub const CONNECTION: u32 = 1 << 11;
    pub const GREETING: u32 = 1 << 12;
    pub const BANNER: u32 = 1 << 13;
    /// `rset`, `vrfy`, `expn`, `noop`, `quit`, `help`, `etrn`, `atrn`, `burl`, `turn`: the
    /// other commands.
    pub const OTHER: u32 = 1 << 14;
}

/// The bit of one lower-case word of a hint (0 for a word that names no command).
fn hint_word(part: &[u8]) -> u32 {
    match part {
        b"data" => word::DATA,
        b"bdat" => word::BDAT,
        b"rcpt" => word::RCPT,
        b"mail" => word::MAIL,
        b"helo" => word::HELO,
        b"ehlo" => word::EHLO,
        b"lhlo" => word::LHLO,
        b"starttls" => word::STARTTLS,
        b"tls" => word::TLS,
        b"auth" => word::AUTH,
        b"connect" => word::CONNECT,
        b"connection" => word::CONNECTION,
        b"greeting" => word::GREETING,
        b"banner" => word::BANNER,
        b"rset" | b"vrfy" | b"expn" | b"noop" | b"quit" | b"help" | b"etrn" | b"atrn" | b"burl"
        | b"turn" => word::OTHER,
        _ => 0,
    }
}

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
        let words = s
            .split(|c| !c.is_ascii_alphanumeric())
            .fold(0u32, |w, part| w | hint_word(part));
        let has = |bits: u32| words & bits != 0;
        let contains = |p: &[u8]| memchr::memchr_iter(p[0], s).any(|at| s[at..].starts_with(p));
        if has(word::DATA | word::BDAT)
            || contains(b"end of data")
            || contains(b"after sending message")
        {
            Some(Command::Data)
        } else if has(word::RCPT) || contains(b"rcpt to") || contains(b"recipient") {
            Some(Command::Rcpt)
        } else if has(word::MAIL) || contains(b"mail from") {
            Some(Command::Mail)
        } else if has(word::HELO | word::EHLO | word::LHLO) {
            Some(Command::Helo)
        } else if has(word::STARTTLS | word::TLS) {
            Some(Command::Starttls)
        } else if has(word::AUTH) {
            Some(Command::Auth)
        } else if has(word::CONNECT | word::CONNECTION | word::GREETING | word::BANNER) {
            Some(Command::Connect)
        } else if has(word::OTHER) {
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
