//! `scan`'s filters: which recipient results count, by time, reason, provider and domain.
//!
//! Times are compared as a person reads a log. A bound written without an offset
//! (`2026-11-23`, `2026-11-23 04:00`) is a wall-clock time, compared with each line's own
//! clock; a bound with an offset (`2026-11-23T04:00:00Z`) is an instant, and a line's time
//! with an offset is converted to UTC first (one without is taken as UTC). Syslog's traditional
//! timestamps (`Nov 23 04:26:01`) carry no year: they are read in the bound's year.

use smtpcodes::{Classification, Reason};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A `--since` or `--until` bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    at: PrimitiveDateTime,
    /// Written with an offset: an instant in UTC rather than a wall-clock time.
    instant: bool,
}

/// Reads a bound: RFC 3339 (`2026-11-23T04:00:00Z`), or a date with an optional time
/// (`2026-11-23`, `2026-11-23 04:00`, `2026-11-23T04:00:30`).
pub fn parse_bound(s: &str) -> Result<Bound, String> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        let utc = t.to_offset(UtcOffset::UTC);
        return Ok(Bound {
            at: PrimitiveDateTime::new(utc.date(), utc.time()),
            instant: true,
        });
    }
    wall_clock(s)
        .map(|at| Bound { at, instant: false })
        .ok_or_else(|| {
            format!(
                "{s:?} is not a time: write 2026-11-23, 2026-11-23 04:00 or 2026-11-23T04:00:00Z"
            )
        })
}

/// `YYYY-MM-DD`, then optionally `HH:MM` or `HH:MM:SS` (fractions ignored) after a space or `T`.
fn wall_clock(s: &str) -> Option<PrimitiveDateTime> {
    let (date, rest) = s.split_at_checked(10)?;
    let mut parts = date.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let rest = rest.trim_start_matches([' ', 'T']);
    if rest.is_empty() {
        return Some(PrimitiveDateTime::new(date, Time::MIDNIGHT));
    }
    Some(PrimitiveDateTime::new(date, clock(rest)?))
}

/// `HH:MM` or `HH:MM:SS`, with anything after the seconds (a fraction, a zone) ignored.
fn clock(s: &str) -> Option<Time> {
    let mut parts = s.splitn(3, ':');
    let hour: u8 = parts.next()?.trim().parse().ok()?;
    let minute: u8 = parts.next()?.get(..2)?.parse().ok()?;
    let second: u8 = match parts.next() {
        Some(rest) => rest.get(..2)?.parse().ok()?,
        None => 0,
    };
    Time::from_hms(hour, minute, second).ok()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The hour of a line's time as written, as `MM-DD HH:00` (syslog's year-less times and
/// RFC 3339 ones alike); `None` for a time this does not read (an email's RFC 5322 date). It
/// is written in place: an attempt is counted in its hour for every delivery line.
pub fn hour_key(written: &str) -> Option<HourKey> {
    let w = written.trim();
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    let key = |month: &[u8], day: &[u8], hour: &[u8]| {
        let mut k = *b"00-00 00:00";
        k[0..2].copy_from_slice(month);
        k[3..5].copy_from_slice(day);
        k[6..8].copy_from_slice(hour);
        HourKey(k)
    };
    // `2026-11-23T04:26:01...` or `2026-11-23 04:26:01`.
    if let (Some(month), Some(day), Some(hour)) = (w.get(5..7), w.get(8..10), w.get(11..13)) {
        if w.as_bytes().get(4) == Some(&b'-') && digits(month) && digits(day) && digits(hour) {
            return Some(key(month.as_bytes(), day.as_bytes(), hour.as_bytes()));
        }
    }
    // `Nov 23 04:26:01`.
    let month = MONTHS.iter().position(|m| w.starts_with(m))? + 1;
    let mut rest = w.get(3..)?.split_whitespace();
    let day: u8 = rest.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
    let hour = rest.next()?.get(..2).filter(|h| digits(h))?;
    // Both below 100: a month's number and a day of 1 to 31.
    let two = |n: u8| [b'0' + n / 10 % 10, b'0' + n % 10];
    let month = u8::try_from(month).ok()?;
    Some(key(&two(month), &two(day), hour.as_bytes()))
}

/// An hour as [`hour_key`] reads it (`11-23 04:00`), held in place.
#[derive(Clone, Copy)]
pub struct HourKey([u8; 11]);

impl HourKey {
    pub fn as_str(&self) -> &str {
        // Written from ASCII digits and the template's ASCII only.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// A line's time for comparison with `bound`; `None` when it has none this reads.
fn line_time(written: &str, bound: Bound) -> Option<PrimitiveDateTime> {
    let written = written.trim();
    if let Ok(t) = OffsetDateTime::parse(written, &Rfc3339) {
        let t = if bound.instant {
            t.to_offset(UtcOffset::UTC)
        } else {
            t
        };
        return Some(PrimitiveDateTime::new(t.date(), t.time()));
    }
    if let Some(t) = wall_clock(written) {
        return Some(t);
    }
    // `Nov 23 04:26:01`: in the bound's year.
    let month = MONTHS.iter().position(|m| written.starts_with(m))?;
    let rest = written.get(3..)?.trim_start();
    let (day, rest) = rest.split_once(' ')?;
    let date = Date::from_calendar_date(
        bound.at.year(),
        Month::try_from(u8::try_from(month + 1).ok()?).ok()?,
        day.parse().ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, clock(rest.trim_start())?))
}

/// What a scan keeps. Empty lists keep everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since: Option<Bound>,
    pub until: Option<Bound>,
    pub reasons: Vec<Reason>,
    pub providers: Vec<String>,
    pub domains: Vec<String>,
}

impl Filter {
    /// Whether any filter is set.
    pub fn is_set(&self) -> bool {
        self.since.is_some()
            || self.until.is_some()
            || !self.reasons.is_empty()
            || !self.providers.is_empty()
            || !self.domains.is_empty()
    }

    /// Whether a result passes. A result with no time this reads fails a time filter.
    pub fn keeps(&self, recipient: &str, timestamp: Option<&str>, c: &Classification) -> bool {
        if !self.reasons.is_empty() && !self.reasons.contains(&c.reason) {
            return false;
        }
        if !self.providers.is_empty()
            && !c
                .provider
                .is_some_and(|p| self.providers.iter().any(|q| q == p))
        {
            return false;
        }
        if !self.domains.is_empty() {
            let domain = recipient
                .rsplit_once('@')
                .map_or("", |(_, d)| d)
                .trim_end_matches('>')
                .to_ascii_lowercase();
            let inside = |d: &String| {
                domain == *d
                    || domain
                        .strip_suffix(d.as_str())
                        .is_some_and(|head| head.ends_with('.'))
            };
            if !self.domains.iter().any(inside) {
                return false;
            }
        }
        for (bound, after) in [(self.since, true), (self.until, false)] {
            let Some(bound) = bound else { continue };
            let Some(at) = timestamp.and_then(|t| line_time(t, bound)) else {
                return false;
            };
            if after && at < bound.at || !after && at >= bound.at {
                return false;
            }
        }
        true
    }
}

/// `--reason`: a reason of the contract.
pub fn parse_reason(s: &str) -> Result<Reason, String> {
    s.trim().parse().map_err(|_| {
        let all: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        format!("{s:?} is not a reason; the reasons are {}", all.join(", "))
    })
}

/// `--provider`: an id `smtpcodes` recognises.
pub fn parse_provider(s: &str) -> Result<String, String> {
    let s = s.trim().to_ascii_lowercase();
    if smtpcodes::providers().any(|p| p == s) {
        Ok(s)
    } else {
        let all: Vec<&str> = smtpcodes::providers().collect();
        Err(format!(
            "{s:?} is not a provider; the providers are {}",
            all.join(", ")
        ))
    }
}

/// `--domain`: a recipient domain (its subdomains count too).
pub fn parse_domain(s: &str) -> Result<String, String> {
    let s = s
        .trim()
        .trim_start_matches('@')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if s.is_empty() || s.contains(['@', ' ', '/']) {
        return Err(format!("{s:?} is not a domain"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: u16, text: &str) -> Classification {
        smtpcodes::classify(Some(code), text).expect("a reply")
    }

    #[test]
    fn wall_clock_bounds_compare_with_each_lines_own_clock() {
        let since = parse_bound("2026-11-23 04:00").expect("a bound");
        let f = Filter {
            since: Some(since),
            ..Filter::default()
        };
        let ok = c(250, "2.0.0 Ok");
        assert!(f.keeps("a@example.org", Some("Nov 23 04:26:01"), &ok));
        assert!(!f.keeps("a@example.org", Some("Nov 23 03:59:59"), &ok));
        assert!(f.keeps("a@example.org", Some("2026-11-23T04:00:00+05:00"), &ok));
        assert!(f.keeps("a@example.org", Some("2026-11-23 04:00:00"), &ok));
        assert!(
            !f.keeps("a@example.org", None, &ok),
            "no time fails a time filter"
        );
        let until = parse_bound("2026-11-23").expect("a bound");
        let f = Filter {
            until: Some(until),
            ..Filter::default()
        };
        assert!(f.keeps("a@example.org", Some("Nov 22 23:59:59"), &ok));
        assert!(!f.keeps("a@example.org", Some("Nov 23 00:00:00"), &ok));
    }

    #[test]
    fn instants_convert_offsets_to_utc() {
        let f = Filter {
            since: Some(parse_bound("2026-11-23T04:00:00Z").expect("a bound")),
            ..Filter::default()
        };
        let ok = c(250, "2.0.0 Ok");
        assert!(!f.keeps("a@example.org", Some("2026-11-23T08:00:00+05:00"), &ok));
        assert!(f.keeps("a@example.org", Some("2026-11-23T10:00:00+05:00"), &ok));
        assert!(parse_bound("yesterday").is_err());
        assert!(parse_bound("2026-13-01").is_err());
    }

    #[test]
    fn reasons_providers_and_domains_select() {
        let unknown = c(550, "5.1.1 <bob@mail.example.org>: User unknown");
        let f = Filter {
            reasons: vec![parse_reason("user_unknown").expect("a reason")],
            domains: vec![parse_domain("@Example.org").expect("a domain")],
            ..Filter::default()
        };
        assert!(f.is_set());
        assert!(f.keeps("bob@mail.example.org", None, &unknown));
        assert!(f.keeps("bob@example.org", None, &unknown));
        assert!(!f.keeps("bob@notexample.org", None, &unknown));
        assert!(!f.keeps("bob@example.org", None, &c(452, "4.2.2 Mailbox full")));
        assert!(parse_reason("nonsense").is_err());
        assert!(parse_provider("google").is_ok());
        assert!(parse_provider("nonsense").is_err());
        let f = Filter {
            providers: vec!["google".to_owned()],
            ..Filter::default()
        };
        assert!(!f.keeps("bob@example.org", None, &unknown));
    }
}
