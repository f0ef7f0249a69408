#!/usr/bin/env python3
"""Instructions per reply of the Rust core, counted by callgrind (stable on a busy machine).

Runs core/examples/classify_corpus.rs over bench/replies.jsonl once and eleven times under
`valgrind --tool=callgrind`; the difference divided by ten rounds of the corpus is the cost of
classifying, without start-up, reading the corpus and building the tables. The baseline, a
lower-cased copy of each text searched for one phrase, is counted the same way.

    python3 bench/instructions.py [--target-dir DIR]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def instructions(binary, rounds, *mode):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, str(rounds), *mode],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
        total = re.search(r"Collected : (\d+)", run.stderr)
        replies = re.search(r"(\d+) replies", run.stderr)
        if not total or not replies:
            sys.exit(f"could not read callgrind's summary:\n{run.stderr}")
        return int(total.group(1)), int(replies.group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--target-dir",
                   default=os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")))
    a = p.parse_args()
    env = dict(os.environ, CARGO_TARGET_DIR=a.target_dir)
    subprocess.run(["cargo", "build", "--quiet", "--release", "--locked", "-p", "smtpcodes",
                    "--example", "classify_corpus"], cwd=ROOT, env=env, check=True)
    binary = os.path.join(a.target_dir, "release", "examples", "classify_corpus")
    one, replies = instructions(binary, 1)
    eleven, _ = instructions(binary, 11)
    per = (eleven - one) / (10 * replies)
    base_one, _ = instructions(binary, 1, "baseline")
    base_eleven, _ = instructions(binary, 11, "baseline")
    base = (base_eleven - base_one) / (10 * replies)
    print(f"Rust core, {replies} replies of bench/replies.jsonl: {per:,.0f} instructions per reply (callgrind)")
    print(f"  baseline (lower-case + one phrase): {base:,.0f} instructions per reply: classify costs {per / base:.1f}x")


if __name__ == "__main__":
    main()
