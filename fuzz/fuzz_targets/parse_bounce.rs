//! Any bytes as a bounce email, read with the default limits; the first byte, when it is a
//! control byte, picks small limits instead, so that every `too_large` path is reached too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpcodes::{parse_bounce_with, Error, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = match data.first() {
        Some(&b) if b < 8 => Limits {
            max_email_bytes: 64 << (b % 4 * 4),
            max_header_bytes: 32 << b,
            max_parts: usize::from(b),
            max_depth: usize::from(b % 3),
            max_recipients: usize::from(b / 2),
            ..Limits::DEFAULT
        },
        _ => Limits::DEFAULT,
    };
    match parse_bounce_with(data, &limits) {
        Ok(report) => {
            assert!(!report.recipients.is_empty());
            assert!(report.recipients.len() <= limits.max_recipients);
            for r in &report.recipients {
                assert!(!r.recipient.is_empty());
                assert!(r.diagnostic.len() <= 4096);
            }
        }
        Err(Error::TooLarge { max, limit }) => {
            assert!(Limits::FIELDS.contains(&limit));
            assert!(max < usize::MAX);
        }
        Err(Error::NotABounce { what }) => assert!(Error::NOT_A_BOUNCE.contains(&what)),
        Err(other) => panic!("parse_bounce gave an error it does not document: {other:?}"),
    }
});
