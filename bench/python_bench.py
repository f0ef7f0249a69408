#!/usr/bin/env python3
"""Speed, memory and size of the Python package, each against its baselines in the same run.

Run by `make bench-python` with the interpreter of a venv that has the release wheel installed
(target/python/bench-venv), over the corpus every benchmark shares (bench/replies.jsonl):

1. ns per reply, median of several repeats in this process, of `_noop` (a private function of
   the extension taking `classify`'s arguments and doing nothing: the cost of crossing into it),
   `_core_loop` (a private function that classifies the same replies in a loop in Rust: the
   core's own time, in the same process and build), `classify`, `classify` + reading all 15
   fields as attributes, `classify` + `to_dict()`, and `classify_many` in batches of 100 and
   1000; what `classify` costs beyond the core (target <= 150 ns), what reading the 15 fields
   of a new result costs (target <= 250 ns), and the ratio classify/floor (target <= 3x).
2. Perl Sisimai's `Sisimai->match($text)` over the same texts in one Perl process
   (bench/sisimai_match.pl), and the ratio Sisimai/smtpcodes (target >= 100x).
3. RSS before and after CALLS classify calls cycling over the corpus (target: < 5 MB growth),
   `import smtpcodes` time in a fresh interpreter, and the size of the wheel.

    python bench/python_bench.py [--wheel-dir DIR] [--calls N] [--repeats N] [--no-instructions]

It prints one block, with the machine, its load and the method, to paste into a README.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import smtpcodes
from smtpcodes import _smtpcodes

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "replies.jsonl"
SISIMAI = ROOT / "bench" / "sisimai_match.pl"

FLOOR_TARGET = 3.0  # classify within 3x of the crossing floor
CROSSING_TARGET_NS = 150.0  # classify minus the core's own time
FIELDS_TARGET_NS = 250.0  # reading the 15 fields of a new result
SISIMAI_TARGET = 100.0  # at least 100x Sisimai->match
RSS_TARGET_MB = 5.0  # RSS growth over CALLS calls
ICOUNT_REPLIES = 300  # replies of the corpus counted under callgrind
ICOUNT_PASSES = 10  # passes over them in the counted run
ICOUNT_MODES = ("noop", "core", "classify", "fields")


def load_pairs() -> list[tuple[int | None, str]]:
    with CORPUS.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [(r["code"], r["text"]) for r in rows]


class Timer:
    """timeit-style timing of several loops, interleaved: each loop (one pass over `items`
    items) gets a number of passes that lasts at least `min_s`, and the repeats go round the
    loops in turn, so that a change of load (other jobs on the cores) hits every loop alike.
    Each repeat is timed in CPU time of this thread (time spent waiting for a core while other
    jobs run is not the code's) and in wall-clock time. The garbage collector is off while
    timing."""

    def __init__(self, min_s: float = 0.2) -> None:
        self.min_s = min_s
        self.loops: dict[str, tuple[Callable[[], object], int, int]] = {}
        self.samples: dict[str, list[float]] = {}
        self.wall: dict[str, list[float]] = {}

    def add(self, name: str, loop: Callable[[], object], items: int) -> None:
        loop()  # warm up: caches, allocations, the branch predictor
        passes = 1
        while True:
            t0 = time.thread_time()
            for _ in range(passes):
                loop()
            if time.thread_time() - t0 >= self.min_s:
                break
            passes *= 2
        self.loops[name] = (loop, passes, items)
        self.samples[name] = []
        self.wall[name] = []

    def round(self) -> None:
        """One repeat of every loop, in turn."""
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            for name, (loop, passes, items) in self.loops.items():
                c0, w0 = time.thread_time_ns(), time.perf_counter_ns()
                for _ in range(passes):
                    loop()
                c1, w1 = time.thread_time_ns(), time.perf_counter_ns()
                self.samples[name].append((c1 - c0) / (passes * items))
                self.wall[name].append((w1 - w0) / (passes * items))
        finally:
            if gc_was_on:
                gc.enable()

    def median(self, name: str) -> float:
        """Median CPU ns per item."""
        return statistics.median(self.samples[name])

    def wall_median(self, name: str) -> float:
        return statistics.median(self.wall[name])


def batches_of(pairs: list[tuple[int | None, str]], size: int) -> list[list[Any]]:
    """The corpus cut into batches of `size`, the last one filled up from the start."""
    count = -(-len(pairs) // size)
    flat = [pairs[i % len(pairs)] for i in range(count * size)]
    return [flat[i : i + size] for i in range(0, len(flat), size)]


def rss_kb() -> int:
    """Current resident set size (VmRSS), in kB."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def sisimai_installed() -> bool:
    if not shutil.which("perl"):
        return False
    probe = subprocess.run(["perl", "-MSisimai", "-e", "1"], capture_output=True, check=False)
    return probe.returncode == 0


def sisimai(passes: int) -> dict[str, Any]:
    """`Sisimai->match` ns per reply, median of `passes` passes over the corpus in one Perl
    process (bench/sisimai_match.pl)."""
    out = subprocess.run(
        ["perl", str(SISIMAI), str(CORPUS), str(passes)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def import_ms(runs: int) -> tuple[float, float]:
    """Median ms of `import smtpcodes` and then of `warm_up()` (building the rule automaton,
    which the first classify would otherwise pay), each in a fresh isolated interpreter."""
    code = (
        "import time; t0 = time.perf_counter(); import smtpcodes; t1 = time.perf_counter(); "
        "smtpcodes.warm_up(); t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
    )
    imports, warmups = [], []
    with tempfile.TemporaryDirectory() as cwd:  # nothing in the checkout can shadow the install
        for _ in range(runs):
            argv = [sys.executable, "-I", "-c", code]
            out = subprocess.run(argv, capture_output=True, check=True, text=True, cwd=cwd)
            times = out.stdout.split()
            imports.append(float(times[0]) * 1e3)
            warmups.append(float(times[1]) * 1e3)
    return statistics.median(imports), statistics.median(warmups)


def read_every_field(classify: Any, pairs: list[tuple[Any, str]]) -> None:
    """Classifies each reply and reads every field of the new result as an attribute."""
    for code, text in pairs:
        c = classify(code, text)
        _ = c.code
        _ = c.enhanced
        _ = c.severity
        _ = c.reason
        _ = c.bounce
        _ = c.action
        _ = c.retry_after
        _ = c.suppress
        _ = c.fault
        _ = c.provider
        _ = c.title
        _ = c.description
        _ = c.advice
        _ = c.text
        _ = c.matched


def icount_worker(mode: str, passes: int) -> None:
    """What callgrind counts: one warm-up pass of `mode` over ICOUNT_REPLIES replies, then
    `passes` more. Loops in a function, so that names are locals, not dict entries."""
    pairs = load_pairs()[:ICOUNT_REPLIES]
    smtpcodes.warm_up()
    classify, noop = smtpcodes.classify, _smtpcodes._noop
    core_loop = vars(_smtpcodes)["_core_loop"]
    for _ in range(1 + passes):
        if mode == "noop":
            for code, text in pairs:
                noop(code, text)
        elif mode == "core":
            core_loop(pairs, 1)
        elif mode == "classify":
            for code, text in pairs:
                classify(code, text)
        else:
            read_every_field(classify, pairs)


def instructions() -> dict[str, float] | None:
    """Instructions per reply of each of ICOUNT_MODES under callgrind, or None without
    valgrind."""
    if not shutil.which("valgrind"):
        return None
    counts: dict[str, float] = {}
    for mode in ICOUNT_MODES:
        total = []
        for passes in (0, ICOUNT_PASSES):
            argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
            argv += [sys.executable, __file__, "--icount-worker", mode, str(passes)]
            run = subprocess.run(argv, capture_output=True, check=True, text=True)
            found = re.search(r"Collected : (\d+)", run.stderr)
            if found is None:
                raise RuntimeError(f"no instruction count from callgrind:\n{run.stderr[-2000:]}")
            total.append(int(found.group(1)))
        counts[mode] = (total[1] - total[0]) / (ICOUNT_PASSES * ICOUNT_REPLIES)
    return counts


def verdict(met: bool, miss: str) -> str:
    return "met" if met else f"MISSED: {miss}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel-dir", type=Path, default=ROOT / "target" / "python" / "wheels")
    ap.add_argument("--calls", type=int, default=10_000_000, help="calls for the RSS check")
    ap.add_argument("--repeats", type=int, default=11, help="timing rounds (median kept)")
    ap.add_argument(
        "--perl-passes", type=int, default=2, help="passes of Sisimai->match in each round"
    )
    ap.add_argument(
        "--no-instructions", action="store_true", help="skip the callgrind instruction counts"
    )
    ap.add_argument("--icount-worker", nargs=2, metavar=("MODE", "PASSES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.icount_worker:
        icount_worker(args.icount_worker[0], int(args.icount_worker[1]))
        return

    package = Path(smtpcodes.__file__).parent
    if "site-packages" not in package.parts:
        print(f"warning: smtpcodes comes from {package}, not from an installed wheel")
    pairs = load_pairs()
    n = len(pairs)
    load_start = load()
    t_start = time.perf_counter()

    classify, classify_many, noop = smtpcodes.classify, smtpcodes.classify_many, _smtpcodes._noop
    core_loop: Callable[[list[tuple[int | None, str]], int], int] = vars(_smtpcodes)["_core_loop"]
    smtpcodes.warm_up()
    # The core's loop runs CORE_PASSES passes over the corpus per call, so that converting the
    # corpus's arguments (once per call) is a fraction of a percent of its time.
    core_passes = 10

    def loop_empty() -> None:
        for _code, _text in pairs:
            pass

    def loop_noop() -> None:
        for code, text in pairs:
            noop(code, text)

    def loop_classify() -> None:
        for code, text in pairs:
            classify(code, text)

    # The call with the least work for the core: an empty text, so no rule search.
    empties = [(250, "")] * n

    def loop_empty_text() -> None:
        for code, text in empties:
            classify(code, text)

    def loop_core() -> None:
        core_loop(pairs, core_passes)

    def loop_fields() -> None:
        read_every_field(classify, pairs)

    def loop_to_dict() -> None:
        for code, text in pairs:
            classify(code, text).to_dict()

    def loop_many(batches: list[list[Any]]) -> Callable[[], None]:
        def run() -> None:
            for batch in batches:
                classify_many(batch)

        return run

    timer = Timer()
    timer.add("loop", loop_empty, n)
    timer.add("noop", loop_noop, n)
    timer.add("core", loop_core, n * core_passes)
    timer.add("classify", loop_classify, n)
    timer.add("fields", loop_fields, n)
    timer.add("to_dict", loop_to_dict, n)
    timer.add("empty_text", loop_empty_text, n)
    for size in (100, 1000):
        batches = batches_of(pairs, size)
        timer.add(f"many{size}", loop_many(batches), len(batches) * size)
    # Perl Sisimai takes its turn in every round too, in its own process.
    perl_ok = sisimai_installed()
    perl: dict[str, Any] = {}
    perl_ns: list[float] = []
    perl_best_ns: list[float] = []
    perl_wall_ns: list[float] = []
    for _ in range(args.repeats):
        timer.round()
        if perl_ok:
            perl = sisimai(args.perl_passes)
            perl_ns.append(perl["ns_per_reply"])
            perl_best_ns.append(perl["min_ns"])
            perl_wall_ns.append(perl["wall_ns"])
    empty_ns, noop_ns, classify_ns = (timer.median(k) for k in ("loop", "noop", "classify"))
    to_dict_ns, empty_text_ns = timer.median("to_dict"), timer.median("empty_text")
    core_ns, fields_ns = timer.median("core"), timer.median("fields")
    # What a call costs beyond the core's own work, the loop's time included (as in every
    # figure here), and what reading every field of the new result adds to the call: each the
    # median of the rounds' own differences (the loops run one after the other in a round, so
    # a change of load between rounds cancels out), and their spread.
    crossings = [
        c - k for c, k in zip(timer.samples["classify"], timer.samples["core"], strict=True)
    ]
    reads = [f - c for f, c in zip(timer.samples["fields"], timer.samples["classify"], strict=True)]
    crossing_ns, read_ns = statistics.median(crossings), statistics.median(reads)

    # Memory: RSS before and after CALLS calls cycling over the corpus.
    rounds = -(-args.calls // n)
    calls = rounds * n
    gc.collect()
    rss_before = rss_kb()
    rss_at: list[tuple[int, int]] = []
    checkpoint = max(1, rounds // 10)
    t0 = time.perf_counter()
    for i in range(1, rounds + 1):
        for code, text in pairs:
            classify(code, text)
        if i % checkpoint == 0 or i == rounds:
            rss_at.append((i * n, rss_kb()))
    mem_s = time.perf_counter() - t0
    gc.collect()
    rss_after = rss_kb()
    growth_mb = (rss_after - rss_before) / 1024
    # Growth after the first tenth: a leak keeps growing, a warm-up allocation does not.
    first_tenth_kb = rss_at[0][1]
    late_growth_mb = (rss_after - first_tenth_kb) / 1024

    icounts = None if args.no_instructions else instructions()
    import_median, warm_up_median = import_ms(9)
    wheels = sorted(args.wheel_dir.glob("*.whl")) if args.wheel_dir.is_dir() else []
    native = Path(_smtpcodes.__file__)

    load_end = load()
    total_s = time.perf_counter() - t_start

    def best(name: str) -> float:
        return min(timer.samples[name])

    def row(label: str, name: str, note: str = "") -> str:
        med = timer.median(name)
        return f"  {label:<34} {med:7.0f} {best(name):7.0f} {1e9 / med / 1e3:7.0f}  {note}".rstrip()

    def per_call(name: str) -> str:
        return f"{timer.median(name) / classify_ns:.2f}x a classify call"

    wall_excess = (timer.wall_median("classify") / classify_ns - 1) * 100
    perl_wall_excess = (
        f"{(statistics.median(perl_wall_ns) / statistics.median(perl_ns) - 1) * 100:+.0f}%"
        if perl_ok
        else "n/a"
    )
    ratio_floor, ratio_floor_best = classify_ns / noop_ns, best("classify") / best("noop")
    lines = [
        f"smtpcodes {smtpcodes.__version__}, Python package (release wheel, PyO3 abi3-py310)",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, Linux {platform.release()}; "
        f"{platform.python_implementation()} {platform.python_version()}",
        f"Load average (1/5/15 min): {load_start} at start, {load_end} at end "
        f"(other jobs shared the cores)",
        f"Corpus: bench/replies.jsonl, {n} replies ({sum(c is None for c, _ in pairs)} without a "
        f"code), mean text {sum(len(t) for _, t in pairs) / n:.0f} chars",
        f"Method: a Python loop over the corpus calling each function; {args.repeats} rounds, "
        f"each timing every loop in turn for >= 0.2 s (GC off), then Perl Sisimai; median and "
        f"best round; one Python process. Times are CPU time of the timing thread or process "
        f"(wall-clock medians were {wall_excess:+.0f}% for classify, {perl_wall_excess} for "
        f"Sisimai: time waiting for a core). ns include the loop ({empty_ns:.0f} ns by itself).",
        "",
        f"  {'per reply':<34} {'median':>7} {'best':>7} {'k/s':>7}",
        row("_noop(code, text): crossing floor", "noop"),
        row("_core_loop: the core alone, in Rust", "core", "the same replies, same build"),
        row("classify(code, text)", "classify", f"{classify_ns / core_ns:.2f}x the core"),
        row(
            "classify(...) + all 15 fields read",
            "fields",
            f"15 attributes: +{fields_ns - classify_ns:.0f}",
        ),
        row(
            "classify(...).to_dict()",
            "to_dict",
            f"every field read: +{to_dict_ns - classify_ns:.0f}",
        ),
        row(
            "classify(250, ''): least core work",
            "empty_text",
            f"{empty_text_ns / noop_ns:.1f}x floor",
        ),
        row("classify_many, batches of 100", "many100", per_call("many100")),
        row("classify_many, batches of 1000", "many1000", per_call("many1000")),
        f"  classify minus the core: {crossing_ns:.0f} ns, median of the rounds "
        f"({min(crossings):.0f} to {max(crossings):.0f}), {crossing_ns / noop_ns:.1f}x the "
        f"floor, {crossing_ns / classify_ns:.0%} of a call "
        f"(target <= {CROSSING_TARGET_NS:.0f} ns: "
        + verdict(
            crossing_ns <= CROSSING_TARGET_NS, f"{crossing_ns / CROSSING_TARGET_NS:.1f}x over"
        )
        + ")",
        f"  reading all 15 fields of a new result: {read_ns:.0f} ns, median of the rounds "
        f"({min(reads):.0f} to {max(reads):.0f}), {read_ns / noop_ns:.1f}x the floor "
        f"(target <= {FIELDS_TARGET_NS:.0f} ns: "
        + verdict(read_ns <= FIELDS_TARGET_NS, f"{read_ns / FIELDS_TARGET_NS:.1f}x over")
        + ")",
        f"  classify / floor: {ratio_floor:.1f}x median, {ratio_floor_best:.1f}x best "
        f"(target <= {FLOOR_TARGET:.0f}x: "
        + verdict(
            ratio_floor <= FLOOR_TARGET,
            f"{ratio_floor / FLOOR_TARGET:.1f}x over; a call spends "
            f"{classify_ns - noop_ns:.0f} ns beyond the {noop_ns:.0f} ns crossing",
        )
        + ")",
    ]
    if not perl_ok:
        lines += ["", "Perl Sisimai: not installed (apt-get install libsisimai-perl); no ratio"]
    else:
        perl_median, perl_best = statistics.median(perl_ns), min(perl_best_ns)
        ratio_sisimai, ratio_sisimai_best = perl_median / classify_ns, perl_best / best("classify")
        lines += [
            "",
            f"Perl Sisimai {perl['sisimai']} (perl {perl['perl']}): Sisimai->match($text) over "
            f"the same {perl['replies']} texts, in each round one Perl process, "
            f"{perl['passes']} passes after a warm-up pass",
            f"  {'Sisimai->match':<34} {perl_median:7.0f} {perl_best:7.0f} "
            f"{1e9 / perl_median / 1e3:7.1f}  {perl['matched']} texts given a reason "
            f"other than `undefined`",
            f"  Sisimai / classify: {ratio_sisimai:.0f}x median, {ratio_sisimai_best:.0f}x best "
            f"(target >= {SISIMAI_TARGET:.0f}x: "
            + verdict(
                ratio_sisimai >= SISIMAI_TARGET,
                f"{SISIMAI_TARGET / ratio_sisimai:.1f}x short",
            )
            + ")",
        ]
    if icounts is None:
        lines += ["", "Instructions: valgrind not installed (or --no-instructions); no counts"]
    else:
        ic = icounts
        lines += [
            "",
            f"Instructions per reply (callgrind; the first {ICOUNT_REPLIES} replies, "
            f"{ICOUNT_PASSES} passes, minus a run of none; the machine's load does not "
            f"change them; they do not count what cache misses cost)",
            f"  _noop {ic['noop']:.0f}, the core alone {ic['core']:.0f}, classify "
            f"{ic['classify']:.0f}, classify + 15 fields {ic['fields']:.0f}",
            f"  classify minus the core: {ic['classify'] - ic['core']:.0f} "
            f"({(ic['classify'] - ic['core']) / ic['noop']:.1f}x the floor); reading the 15 "
            f"fields: {ic['fields'] - ic['classify']:.0f} "
            f"({(ic['fields'] - ic['classify']) / ic['noop']:.1f}x the floor)",
        ]
    lines += [
        "",
        f"Memory: {calls:,} classify calls cycling over the corpus in {mem_s:.0f} s "
        f"({mem_s / calls * 1e9:.0f} ns/call)",
        f"  RSS {rss_before / 1024:.1f} MB before, {rss_after / 1024:.1f} MB after: "
        f"{growth_mb:+.2f} MB ({late_growth_mb:+.2f} MB after the first tenth) "
        f"(target < {RSS_TARGET_MB:.0f} MB: "
        + verdict(growth_mb < RSS_TARGET_MB, f"{growth_mb - RSS_TARGET_MB:.1f} MB over")
        + ")",
        f"Import: `import smtpcodes` {import_median:.1f} ms, then warm_up() "
        f"{warm_up_median:.1f} ms (median of 9 fresh `python -I` processes)",
    ]
    if wheels:
        for wheel in wheels:
            lines.append(f"Wheel: {wheel.name} {wheel.stat().st_size / 1024:.0f} KiB")
    else:
        lines.append(f"Wheel: none in {args.wheel_dir}")
    lines.append(f"  native module {native.name} {native.stat().st_size / 1024:.0f} KiB installed")
    lines.append(f"(the whole run took {total_s:.0f} s)")
    print("```text")
    print("\n".join(lines))
    print("```")


if __name__ == "__main__":
    main()
