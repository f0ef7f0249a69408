//! Any bytes as a bounce email.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = smtpcodes::parse_bounce(data) {
        for r in &report.recipients {
            assert!(!r.recipient.is_empty());
            assert!(r.diagnostic.len() <= 4096);
        }
    }
});
