//! Waits a reply states in words (`try again in 5 minutes`), bounded to a week.

use super::unwrap::tail;

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
