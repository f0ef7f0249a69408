//! Any bytes as a reply: the first two bytes choose the code and the hints, the rest is text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpcodes::{Command, Reply, RetryPolicy};

fuzz_target!(|data: &[u8]| {
    let (head, text) = data.split_at(data.len().min(2));
    let code = head.first().map(|&b| 200 + u16::try_from(u32::from(b) * 399 / 255).unwrap_or(0));
    let text = String::from_utf8_lossy(text);
    let command = head.get(1).map(|&b| Command::ALL[usize::from(b) % Command::ALL.len()]);
    let reply = Reply::new(&text).maybe_code(code).expect("the code is within 200..=599").maybe_command(command).maybe_host(Some("mx.example.org"));
    let c = reply.classify();
    assert_eq!(c.suppress, c.bounce == smtpcodes::Bounce::Hard);
    let _ = RetryPolicy::default().decide(&c, u32::from(head.first().copied().unwrap_or(1)), 3600);
    let _ = smtpcodes::parse_code(&text);
    let _ = smtpcodes::explain(&text);
    let _ = serde_json_free(&c);
});

/// Exercises Display of every field without pulling serde_json into the fuzzer.
fn serde_json_free(c: &smtpcodes::Classification) -> usize {
    c.text.len() + c.matched.len() + c.description.len() + c.enhanced.map_or(0, |e| e.to_string().len())
}
