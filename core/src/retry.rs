//! When to try a message again, and when to give up on it or on its address.
//!
//! The defaults follow RFC 5321 section 4.5.4.1 ("the retry interval SHOULD be at least 30
//! minutes", "give up ... at least 4-5 days") and the queues of Postfix and Exim, which start
//! retrying after minutes, back off exponentially to a cap of hours, and bounce after five days.

use serde::{Deserialize, Serialize};

use crate::classify::{Classification, Field, FieldType};
use crate::types::{first_waits, string_enum, Action, Bounce, Reason};
use crate::Error;

/// The knobs of the retry schedule. Every number is in seconds unless its name says otherwise.
///
/// ```
/// use smtpcodes::{RetryPolicy, Action};
/// let c = smtpcodes::classify(Some(451), "4.7.1 Greylisted, please try again in 180 seconds")?;
/// let next = RetryPolicy::default().decide(&c, 1, 0);
/// assert_eq!((next.action, next.retry_after), (Action::Retry, Some(180)));
/// # Ok::<(), smtpcodes::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetryPolicy {
    /// First delay for reasons without a delay of their own: 900 (Postfix's and Exim's 15 min).
    pub first_delay: u32,
    /// Growth of the delay per attempt: 2.0 (doubling).
    pub backoff: f64,
    /// Longest delay between two attempts: 14 400 (4 h, Postfix's `maximal_backoff_time` is 4000 s).
    pub max_delay: u32,
    /// Give up on a message this long after its first attempt: 432 000 (5 days, RFC 5321 4.5.4.1).
    pub max_age: u64,
    /// First delay after greylisting: 300 (greylisting daemons accept a retry after 1-5 min).
    pub greylist_delay: u32,
    /// First delay after a rate limit: 1 800 (30 min; retrying sooner prolongs the limit).
    pub rate_limit_delay: u32,
    /// Growth of the delay for rate limits: 1.5 (slower than `backoff`, the limit lifts gradually).
    pub rate_limit_backoff: f64,
    /// First delay for a full mailbox: 3 600 (a user rarely empties a mailbox within minutes).
    pub mailbox_full_delay: u32,
    /// Give up after this many attempts, if set: none (the age limit decides).
    pub max_attempts: Option<u32>,
    /// Suppress an address after more than this many consecutive soft bounces: 7.
    pub soft_bounce_limit: u32,
    /// Spread of each delay, as a fraction (0.1 = up to 10% earlier or later): 0.
    pub jitter: f64,
    /// Seed of the jitter, so that the same inputs always give the same delay: 0.
    pub seed: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::DEFAULT
    }
}

string_enum! {
    /// Why a [`RetryDecision`] is what it is.
    pub enum RetryWhy as "retry why" {
        /// The reply was a success: nothing to retry.
        NothingFailed = "nothing_failed",
        /// The classification itself says to give up (a permanent failure, or expiry).
        NotRetryable = "not_retryable",
        /// The message has been retried `max_attempts` times.
        MaxAttempts = "max_attempts",
        /// The message is older than `max_age`.
        MaxAge = "max_age",
        /// Retry after the server's stated wait.
        StatedWait = "stated_wait",
        /// Retry on the backoff schedule.
        Backoff = "backoff",
        /// The schedule would pass `max_age`: one last attempt at the deadline.
        FinalAttempt = "final_attempt",
    }
}

/// What to do next with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RetryDecision {
    /// `retry`, `bounce` (give up) or `none`.
    pub action: Action,
    /// Seconds until the next attempt when `action` is `retry`.
    pub retry_after: Option<u32>,
    /// Why.
    pub why: RetryWhy,
}

impl RetryPolicy {
    /// The settings, in their order, with their types and what each does (the defaults are
    /// [`RetryPolicy::DEFAULT`]'s). The bindings' declarations are generated from this list
    /// (`make contract`), and a test holds it to the struct's serialisation.
    pub const SETTINGS: &'static [Field] = &[
        Field {
            name: "first_delay",
            ty: FieldType::Seconds,
            nullable: false,
            doc: "First delay for reasons without a delay of their own.",
        },
        Field {
            name: "backoff",
            ty: FieldType::Float,
            nullable: false,
            doc: "Growth of the delay per attempt.",
        },
        Field {
            name: "max_delay",
            ty: FieldType::Seconds,
            nullable: false,
            doc: "Longest delay between two attempts.",
        },
        Field {
            name: "max_age",
            ty: FieldType::Seconds,
            nullable: false,
            doc: "Give up on a message this long after its first attempt.",
        },
        Field {
            name: "greylist_delay",
            ty: FieldType::Seconds,
            nullable: false,
            doc: "First delay after greylisting.",
        },
        Field {
            name: "rate_limit_delay",
            ty: FieldType::Seconds,
            nullable: false,
            doc: "First delay after a rate limit.",
        },
        Field {
            name: "rate_limit_backoff",
            ty: FieldType::Float,
            nullable: false,
            doc: "Growth of the delay for rate limits.",
        },
        Field {
            name: "mailbox_full_delay",
            ty: FieldType::Seconds,
            nullable: false,
            doc: "First delay for a full mailbox.",
        },
        Field {
            name: "max_attempts",
            ty: FieldType::Int,
            nullable: true,
            doc: "Give up after this many attempts, if set (else the age limit decides).",
        },
        Field {
            name: "soft_bounce_limit",
            ty: FieldType::Int,
            nullable: false,
            doc: "Suppress an address after more than this many consecutive soft bounces.",
        },
        Field {
            name: "jitter",
            ty: FieldType::Float,
            nullable: false,
            doc: "Spread of each delay as a fraction (0.1 = up to 10% earlier or later).",
        },
        Field {
            name: "seed",
            ty: FieldType::Wide,
            nullable: false,
            doc: "Seed of the jitter, so that the same inputs always give the same delay.",
        },
    ];

    /// The documented defaults.
    pub const DEFAULT: RetryPolicy = RetryPolicy {
        first_delay: first_waits::ANY,
        backoff: 2.0,
        max_delay: 14_400,
        max_age: 432_000,
        greylist_delay: first_waits::GREYLISTED,
        rate_limit_delay: first_waits::RATE_LIMITED,
        rate_limit_backoff: 1.5,
        mailbox_full_delay: first_waits::MAILBOX_FULL,
        max_attempts: None,
        soft_bounce_limit: 7,
        jitter: 0.0,
        seed: 0,
    };

    /// Checks that the settings can work together.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |field, why| Err(Error::InvalidPolicy { field, why });
        if !(self.backoff.is_finite() && self.backoff >= 1.0) {
            return bad("backoff", "must be a finite number of at least 1.0");
        }
        if !(self.rate_limit_backoff.is_finite() && self.rate_limit_backoff >= 1.0) {
            return bad(
                "rate_limit_backoff",
                "must be a finite number of at least 1.0",
            );
        }
        if !(self.jitter.is_finite() && (0.0..1.0).contains(&self.jitter)) {
            return bad("jitter", "must be at least 0.0 and below 1.0");
        }
        if self.max_delay == 0 {
            return bad("max_delay", "must be above 0");
        }
        if self.max_attempts == Some(0) {
            return bad("max_attempts", "must be at least 1 when set");
        }
        Ok(())
    }

    /// The first delay for a reason when the server states none: the `retry_after` of a
    /// classification with this reason.
    pub const fn first_delay(&self, reason: Reason) -> u32 {
        match reason {
            Reason::Greylisted => self.greylist_delay,
            Reason::RateLimited => self.rate_limit_delay,
            Reason::MailboxFull => self.mailbox_full_delay,
            _ => self.first_delay,
        }
    }

    fn growth(&self, reason: Reason) -> f64 {
        let g = if reason == Reason::RateLimited {
            self.rate_limit_backoff
        } else {
            self.backoff
        };
        if g.is_finite() {
            g.max(1.0)
        } else {
            1.0
        }
    }

    /// The next step for a message whose last attempt got `c`, after `attempts` attempts
    /// (counting that one) made over `elapsed` seconds since the first.
    pub fn decide(&self, c: &Classification, attempts: u32, elapsed: u64) -> RetryDecision {
        self.decide_parts(c.reason, c.action, c.stated_wait, attempts, elapsed)
    }

    /// [`decide`](Self::decide) from the parts of a classification that matter: its reason,
    /// its action and the wait its server stated.
    pub fn decide_parts(
        &self,
        reason: Reason,
        action: Action,
        stated_wait: Option<u32>,
        attempts: u32,
        elapsed: u64,
    ) -> RetryDecision {
        let give_up = |why| RetryDecision {
            action: Action::Bounce,
            retry_after: None,
            why,
        };
        match action {
            Action::None => {
                return RetryDecision {
                    action: Action::None,
                    retry_after: None,
                    why: RetryWhy::NothingFailed,
                }
            }
            Action::Bounce => return give_up(RetryWhy::NotRetryable),
            Action::Retry => {}
        }
        let attempts = attempts.max(1);
        if self.max_attempts.is_some_and(|m| attempts >= m) {
            return give_up(RetryWhy::MaxAttempts);
        }
        if elapsed >= self.max_age {
            return give_up(RetryWhy::MaxAge);
        }
        let exponent = i32::try_from(attempts - 1).unwrap_or(i32::MAX);
        let scheduled = f64::from(self.first_delay(reason)) * self.growth(reason).powi(exponent);
        let scheduled = scheduled.min(f64::from(self.max_delay.max(1)));
        let (mut delay, mut why) = match stated_wait {
            // The server's own word decides the first retry, and is a floor after that.
            Some(s) if attempts == 1 => (f64::from(s), RetryWhy::StatedWait),
            Some(s) if f64::from(s) >= scheduled => (f64::from(s), RetryWhy::StatedWait),
            _ => (scheduled, RetryWhy::Backoff),
        };
        if self.jitter > 0.0 && self.jitter.is_finite() {
            delay *= 1.0 + self.jitter.min(0.99) * unit_noise(self.seed, attempts);
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "Clamped to 1..=u32::MAX first, so the cast is exact."
        )]
        let mut delay = delay.round().clamp(1.0, f64::from(u32::MAX)) as u64;
        let left = self.max_age - elapsed;
        if delay > left {
            delay = left;
            why = RetryWhy::FinalAttempt;
        }
        RetryDecision {
            action: Action::Retry,
            retry_after: Some(u32::try_from(delay).unwrap_or(u32::MAX)),
            why,
        }
    }

    /// Whether to stop mailing an address: a hard bounce, or a soft bounce that makes more than
    /// `soft_bounce_limit` consecutive soft bounces (`consecutive_soft_bounces` counts this one).
    pub fn should_suppress(&self, c: &Classification, consecutive_soft_bounces: u32) -> bool {
        self.should_suppress_parts(c.suppress, c.bounce, consecutive_soft_bounces)
    }

    /// [`should_suppress`](Self::should_suppress) from the two fields of a classification it
    /// reads, for callers that hold the fields rather than the classification (bindings).
    pub fn should_suppress_parts(
        &self,
        suppress: bool,
        bounce: Bounce,
        consecutive_soft_bounces: u32,
    ) -> bool {
        suppress || (bounce == Bounce::Soft && consecutive_soft_bounces > self.soft_bounce_limit)
    }
}

/// A deterministic number in `[-1, 1)` from a seed and an attempt number (`SplitMix64`).
fn unit_noise(seed: u64, attempt: u32) -> f64 {
    let mut z = seed ^ u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    #[allow(
        clippy::cast_precision_loss,
        reason = "53 random bits to [0, 1), then to [-1, 1)."
    )]
    let unit = (z >> 11) as f64 / (1u64 << 53) as f64;
    unit * 2.0 - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `classify`'s `retry_after` and the default policy's first wait are one schedule.
    #[test]
    fn the_default_policy_starts_from_the_classification_waits() {
        for &reason in Reason::ALL {
            assert_eq!(
                RetryPolicy::DEFAULT.first_delay(reason),
                reason.first_wait(),
                "{reason:?}"
            );
        }
    }
}
