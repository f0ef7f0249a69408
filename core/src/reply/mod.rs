//! Reading a reply as servers and logs write it: wrappers, continuation lines, codes, stated
//! waits.
//!
//! Everything here is a single pass (or a bounded look at the first bytes) over the input, so
//! any text, however long or strange, is read in linear time.

mod command;
mod normalise;
mod unwrap;
mod wait;

use crate::codes::Enhanced;
use crate::types::Command;

pub(crate) use normalise::{embedded_code, has_reply_code};
pub(crate) use wait::wait_after;

use normalise::normalise;
use unwrap::unwrap;

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

#[cfg(test)]
mod tests {
    use super::*;

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
