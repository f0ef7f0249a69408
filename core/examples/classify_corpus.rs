//! Classifies every reply of bench/replies.jsonl ROUNDS times (for instruction counts); with
//! `baseline` as second argument, runs the baseline instead: lower-case each text and look
//! for one phrase (what a hand-written `"user unknown" in text.lower()` costs).
use std::hint::black_box;

#[path = "../benches/support/replies.rs"]
mod replies;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let replies = replies::bench_replies();
    let baseline = std::env::args().nth(2).is_some_and(|a| a == "baseline");
    smtpcodes::warm_up();
    for _ in 0..rounds {
        for (code, t) in &replies {
            if baseline {
                black_box(black_box(t).to_ascii_lowercase().contains("user unknown"));
            } else {
                black_box(smtpcodes::classify(*code, t).ok());
            }
        }
    }
    eprintln!("{} replies", replies.len());
}
