//! Reply codes as they are written: the enhanced status code (RFC 3463) and the basic code at
//! the start of a token.

use std::fmt;

use crate::Error;

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
pub(crate) fn leading_code(token: &str) -> Option<(u16, &str)> {
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

impl Enhanced {
    /// The first enhanced code in a text (`... (#5.1.1) ...`).
    pub(crate) fn parse_in(text: &str) -> Option<Enhanced> {
        text.split_whitespace().take(400).find_map(Enhanced::parse)
    }
}

/// Reads a reply code given as a string (`"550"`, `" 550 "`). An empty or blank string is no
/// code (`None`), as webhooks send for replies that had none.
pub fn parse_code(input: &str) -> Result<Option<u16>, Error> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidCode {
            input: input.to_owned(),
        });
    }
    match s.parse::<i64>() {
        Ok(n) => check_code(n).map(Some).map_err(|_| Error::CodeOutOfRange {
            input: input.to_owned(),
        }),
        // More digits than an i64 holds: a whole number, but far out of range.
        Err(_) => Err(Error::CodeOutOfRange {
            input: input.to_owned(),
        }),
    }
}

/// Checks a code that arrived as a floating-point number (JSON, JavaScript): a whole number
/// must be within 200..=599 (`code_out_of_range`), anything else (`550.5`, NaN, infinity) is
/// `invalid_code`.
pub fn check_code_number(code: f64) -> Result<u16, Error> {
    // Echoed as JSON and JavaScript write numbers: `NaN`, `Infinity`, `550.5`.
    let input = || {
        if code.is_nan() {
            "NaN".to_owned()
        } else if code.is_infinite() {
            if code > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        } else {
            code.to_string()
        }
    };
    if !code.is_finite() || code.fract() != 0.0 {
        return Err(Error::InvalidCode { input: input() });
    }
    if (200.0..=599.0).contains(&code) {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "Whole and within range, so the cast is exact."
        )]
        return Ok(code as u16);
    }
    Err(Error::CodeOutOfRange { input: input() })
}

/// Checks that a whole number is a reply code (200..=599).
pub fn check_code(code: i64) -> Result<u16, Error> {
    match u16::try_from(code) {
        Ok(c) if (200..=599).contains(&c) => Ok(c),
        _ => Err(Error::CodeOutOfRange {
            input: code.to_string(),
        }),
    }
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
}
