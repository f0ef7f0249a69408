#!/usr/bin/env python3
"""Adds gathered replies of one source to tests/corpus/, putting a deterministic half aside.

    python3 scripts/corpus-split.py SOURCE gathered.jsonl

Each line of gathered.jsonl is one reply (see tests/corpus/README.md for the fields). The
SHA-256 of its text decides its half before any rule is written from the source: an even first
byte puts it in tests/corpus/SOURCE.jsonl (open: rules may be written from it), an odd one in
tests/corpus/blind/SOURCE.jsonl (blind: measured, never read to write a rule). A text already in
either half of any source is skipped, so the corpus holds distinct texts and a rerun adds only
what is new. Records are validated; a bad one stops the run with its line number.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
REQUIRED = {"id", "source", "origin", "lang", "code", "status", "text", "reason", "action"}
ACTIONS = {"retry", "bounce", "none"}


def reasons() -> set[str]:
    """The reason names, read from the core's `Reason` enum so the list is never kept twice."""
    import re

    source = (ROOT / "core" / "src" / "types.rs").read_text()
    block = source[source.index("pub enum Reason as") :]
    block = block[: block.index("\n    }")]
    return set(re.findall(r'= "([a-z_]+)"', block))


def half(text: str) -> str:
    return "open" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "blind"


def known_texts() -> set[str]:
    seen = set()
    for path in list(CORPUS.glob("*.jsonl")) + list((CORPUS / "blind").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                seen.add(json.loads(line)["text"])
    return seen


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, gathered = sys.argv[1], Path(sys.argv[2])
    valid = reasons()
    seen = known_texts()
    out = {"open": [], "blind": []}
    for n, line in enumerate(gathered.read_text().splitlines(), 1):
        if not line.strip():
            continue
        r = json.loads(line)
        missing = REQUIRED - r.keys()
        if missing:
            sys.exit(f"{gathered}:{n}: missing {sorted(missing)}")
        if r["source"] != source:
            sys.exit(f"{gathered}:{n}: source {r['source']!r} is not {source!r}")
        accept = r.get("accept", [r["reason"]])
        for reason in [r["reason"], *accept]:
            if reason not in valid:
                sys.exit(f"{gathered}:{n}: {reason!r} is not a reason")
        if r["action"] not in ACTIONS:
            sys.exit(f"{gathered}:{n}: action {r['action']!r} is not one of {sorted(ACTIONS)}")
        if not isinstance(r["text"], str) or not r["text"].strip():
            sys.exit(f"{gathered}:{n}: empty text")
        if r["code"] is not None and not (isinstance(r["code"], int) and 200 <= r["code"] <= 599):
            sys.exit(f"{gathered}:{n}: code {r['code']!r} is not 200..599 or null")
        if r["text"] in seen:
            continue
        seen.add(r["text"])
        out[half(r["text"])].append(r)
    for name, rows in out.items():
        path = CORPUS / (f"blind/{source}.jsonl" if name == "blind" else f"{source}.jsonl")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{source}: {len(out['open'])} open, {len(out['blind'])} blind")
    return 0


if __name__ == "__main__":
    sys.exit(main())
