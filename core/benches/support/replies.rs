//! The shared benchmark corpus, bench/replies.jsonl, as (code, text) pairs: read by the
//! criterion bench and by the instruction and allocation counters, so that all measure the
//! same replies.

/// Every reply of bench/replies.jsonl, in file order.
pub fn bench_replies() -> Vec<(Option<u16>, String)> {
    include_str!("../../../bench/replies.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let code = v["code"].as_u64().and_then(|c| u16::try_from(c).ok());
            (code, v["text"].as_str().unwrap_or("").to_owned())
        })
        .collect()
}
