//! Throughput of `classify` on the shared corpus (bench/replies.jsonl), and its cost by text
//! length, each beside a baseline measured in the same run: one case-insensitive search of the
//! same text for one phrase (what a hand-written `if "user unknown" in text.lower()` costs).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

#[path = "support/replies.rs"]
mod replies;

use replies::bench_replies as corpus;

/// The baseline: lower-case the text and look for one phrase.
fn one_phrase(text: &str) -> bool {
    text.to_ascii_lowercase().contains("user unknown")
}

fn bench_corpus(c: &mut Criterion) {
    let replies = corpus();
    smtpcodes::warm_up();
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Elements(replies.len() as u64));
    g.bench_function("classify", |b| {
        b.iter(|| {
            for (code, text) in &replies {
                black_box(smtpcodes::classify(*code, black_box(text)).ok());
            }
        });
    });
    g.bench_function("baseline_one_phrase", |b| {
        b.iter(|| {
            for (_, text) in &replies {
                black_box(one_phrase(black_box(text)));
            }
        });
    });
    g.finish();
}

fn bench_length(c: &mut Criterion) {
    let line = "550-5.7.1 Our system has detected that this message is likely unsolicited mail from a blocked sender.\r\n";
    let mut g = c.benchmark_group("length");
    g.sample_size(20);
    for size in [100usize, 1_000, 10_000, 100_000, 1_000_000] {
        let text: String = line.repeat(size / line.len() + 1)[..size].to_owned();
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_with_input(BenchmarkId::new("classify", size), &text, |b, t| {
            b.iter(|| smtpcodes::classify(None, black_box(t)).ok());
        });
        g.bench_with_input(
            BenchmarkId::new("baseline_one_phrase", size),
            &text,
            |b, t| {
                b.iter(|| one_phrase(black_box(t)));
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench_corpus, bench_length);
criterion_main!(benches);
