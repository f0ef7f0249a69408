#!/usr/bin/env python3
"""Prints the Rust benchmark's results as ratios, from criterion's estimates (target/criterion).

Run after `cargo bench -p smtpcodes --bench classify`: replies per second on the shared corpus
(bench/replies.jsonl) against the one-phrase baseline measured in the same run, and the cost
per byte at each text length, to show that the time is linear in the length.
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRITERION = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "criterion")


def ns(*parts):
    path = os.path.join(CRITERION, *parts, "new", "estimates.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)["median"]["point_estimate"]


def main():
    with open(os.path.join(ROOT, "bench", "replies.jsonl"), encoding="utf-8") as f:
        replies = sum(1 for line in f if line.strip())
    try:
        ours = ns("corpus", "classify") / replies
        base = ns("corpus", "baseline_one_phrase") / replies
    except FileNotFoundError:
        sys.exit("no criterion results: run cargo bench -p smtpcodes --bench classify first")
    print(f"Rust core, {replies} replies of bench/replies.jsonl, one thread:")
    print(f"  classify             {ours:8.0f} ns/reply  {1e9 / ours / 1e6:6.2f} M replies/s")
    print(f"  baseline (lower-case + one phrase) {base:6.0f} ns/reply: classify costs {ours / base:.1f}x reading the text once")
    print("  by text length (ns per byte, flat = linear):")
    for size in (100, 1_000, 10_000, 100_000, 1_000_000):
        try:
            t = ns("length", "classify", str(size))
        except FileNotFoundError:
            continue
        print(f"    {size:>9} bytes  {t / 1000:10.1f} us  {t / size:6.2f} ns/byte")


if __name__ == "__main__":
    main()
