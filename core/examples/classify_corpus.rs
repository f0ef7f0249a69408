//! Classifies every reply of bench/replies.jsonl ROUNDS times (for instruction counts).
use std::hint::black_box;
fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let text = std::fs::read_to_string("bench/replies.jsonl").expect("corpus");
    let replies: Vec<(Option<u16>, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            (
                v["code"].as_u64().and_then(|c| u16::try_from(c).ok()),
                v["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    smtpcodes::warm_up();
    for _ in 0..rounds {
        for (code, t) in &replies {
            black_box(smtpcodes::classify(*code, t).ok());
        }
    }
    eprintln!("{} replies", replies.len());
}
