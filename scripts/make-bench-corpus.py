#!/usr/bin/env python3
"""Writes bench/replies.jsonl: the one corpus of realistic replies that the Rust, Python and
Node benchmarks share.

Sources: the reply texts of tests/vectors/ (this project's), and the real replies of the
labelled JSON Lines corpora named on the command line (one object per line with `text` and
`code`; reply texts are quoted as facts, see NOTICE). The committed file was written with the
Sisimai-labelled corpus that `make agreement CORPUS=...` also reads; without it, the corpus
holds the vectors' replies only. Each reply is also written in the other forms a bounce handler meets (DSN
`smtp;` prefix, Postfix and Exim wrappers, code read from the text), so the corpus exercises parsing as
well as the rules. The output is committed; rerun after the vectors change:

    python3 scripts/make-bench-corpus.py [path/to/corpus.jsonl ...]
"""

import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def replies(corpora):
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "*.json"))):
        with open(path, encoding="utf-8") as f:
            for case in json.load(f)["cases"]:
                if "expect" in case and case["input"].get("text"):
                    inp = case["input"]
                    yield inp.get("code"), inp["text"]
    for path in corpora:
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if r.get("text"):
                    yield r.get("code"), r["text"]


def main():
    seen = set()
    out = []
    for code, text in replies(sys.argv[1:]):
        code = code if isinstance(code, int) else None
        forms = [(code, text)]
        if code is not None and not text.lstrip()[:3].isdigit():
            forms.append((None, f"smtp; {code} {text}"))
            forms.append((None, f"host mx.example.org[192.0.2.1] said: {code} {text} (in reply to RCPT TO command)"))
            forms.append((None, f"SMTP error from remote mail server after RCPT TO:<bob@example.org>: host mx.example.org [192.0.2.1]: {code} {text}"))
        for c, t in forms:
            if (c, t) not in seen:
                seen.add((c, t))
                out.append({"code": c, "text": t})
    path = os.path.join(ROOT, "bench", "replies.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(out)} replies -> {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
