#!/usr/bin/env python3
"""The shape of the tree, measured: `make lint` runs it.

- Fails when the core's top-level modules import each other in a cycle (`crate::a` in module
  `b` and `crate::b` in module `a`, directly or through others). Doc comments and comments
  do not count: a doc link is not a dependency.
- Prints the hand-written lines of the two binding crates against the core's (the lines of
  files marked `@generated` are counted apart).

    python3 scripts/structure.py
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = os.path.join(ROOT, "core", "src")


def rust_files(top):
    for dirpath, _, names in os.walk(top):
        for name in sorted(names):
            if name.endswith(".rs"):
                yield os.path.join(dirpath, name)


def module_of(path):
    """The top-level module a file of core/src belongs to (`lib` for lib.rs)."""
    rel = os.path.relpath(path, CORE)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first


def without_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def core_graph():
    graph = {}
    for path in rust_files(CORE):
        module = module_of(path)
        if module == "lib":
            continue
        with open(path, encoding="utf-8") as f:
            code = without_comments(f.read())
        code = re.sub(r"#\[cfg\(test\)\]\s*mod tests \{.*", "", code, flags=re.S)
        used = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", code))
        graph.setdefault(module, set()).update(used - {module})
    modules = set(graph)
    return {m: {u for u in deps if u in modules} for m, deps in graph.items()}


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def lines(paths):
    written = generated = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        n = sum(1 for line in text.splitlines() if line.strip())
        if "@generated" in text[:400] or "auto-generated" in text[:400]:
            generated += n
        else:
            written += n
    return written, generated


def binding_files(crate):
    top = os.path.join(ROOT, crate)
    skip = {"node_modules", "tests", "bench", "target", "__pycache__"}
    for dirpath, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in sorted(names):
            if name.endswith((".rs", ".py", ".pyi", ".js", ".mjs", ".ts")):
                yield os.path.join(dirpath, name)


def main():
    graph = core_graph()
    found = cycles(graph)
    core, _ = lines(rust_files(CORE))
    print(f"core/src: {len(graph)} modules, {core:,} non-blank lines")
    for crate in ("bindings-python", "bindings-node"):
        written, generated = lines(binding_files(crate))
        print(f"{crate}: {written:,} hand-written lines ({written / core:.0%} of the core), "
              f"{generated:,} generated")
    if found:
        for part in found:
            print("import cycle between core modules: " + " <-> ".join(part), file=sys.stderr)
        sys.exit(1)
    print("no import cycle between core modules")


if __name__ == "__main__":
    main()
