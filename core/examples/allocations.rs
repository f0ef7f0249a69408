//! Heap allocations per `classify` call on bench/replies.jsonl, counted by a wrapping global
//! allocator, beside a baseline counted the same way in the same run: copying each reply's
//! text once (`String::from`), what returning an owned `text` costs at least.
//!
//!     cargo run --release -p smtpcodes --example allocations [ROUNDS]
#![allow(
    clippy::cast_precision_loss,
    reason = "counts of a few thousand, printed as ratios"
)]

use std::alloc::System;
use std::hint::black_box;

use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[path = "../benches/support/replies.rs"]
mod replies;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let replies = replies::bench_replies();
    smtpcodes::warm_up();
    // One round first, so that buffers kept per thread have grown (as in a long-running process).
    for (code, t) in &replies {
        black_box(smtpcodes::classify(*code, t).ok());
    }

    let mut per_reply = vec![0usize; replies.len()];
    let mut total = 0usize;
    for _ in 0..rounds {
        for (i, (code, t)) in replies.iter().enumerate() {
            let region = Region::new(GLOBAL);
            let c = black_box(smtpcodes::classify(*code, t).ok());
            drop(c);
            let n = region.change().allocations;
            per_reply[i] = n;
            total += n;
        }
    }
    let region = Region::new(GLOBAL);
    for _ in 0..rounds {
        for (_, t) in &replies {
            black_box(String::from(black_box(t.as_str())));
        }
    }
    let baseline = region.change().allocations;

    let calls = (rounds * replies.len()) as f64;
    // Replies whose text comes out as it went in (trimmed): nothing to rewrite.
    let unchanged: Vec<usize> = replies
        .iter()
        .enumerate()
        .filter(|(_, (code, t))| smtpcodes::classify(*code, t).is_ok_and(|c| c.text == t.trim()))
        .map(|(i, _)| i)
        .collect();
    let unchanged_allocs: usize = unchanged.iter().map(|&i| per_reply[i]).sum();
    let histogram =
        |lo: usize, hi: usize| per_reply.iter().filter(|&&n| n >= lo && n <= hi).count();
    println!(
        "Rust core, {} replies of bench/replies.jsonl, {rounds} rounds: {:.2} allocations per classify",
        replies.len(),
        total as f64 / calls
    );
    println!(
        "  baseline (copy the text once): {:.2} allocations per reply",
        baseline as f64 / calls
    );
    println!(
        "  replies whose text needs no rewriting ({}): {:.2} allocations per classify",
        unchanged.len(),
        unchanged_allocs as f64 / unchanged.len().max(1) as f64
    );
    println!(
        "  replies by allocations: 0: {}, 1: {}, 2: {}, 3 or more: {}",
        histogram(0, 0),
        histogram(1, 1),
        histogram(2, 2),
        histogram(3, usize::MAX)
    );
}
