#!/usr/bin/env python3
"""`smtpcodes scan` on all cores: MB/s of a synthetic mail log with 1 and 2 threads, beside
`zcat | wc -l` on the same gzipped file as the floor (reading and decompressing alone), in
alternating rounds of the same run, with the machine's load stated. Both units are measured:
`--by line` (each delivery line classified and written) and the default `--by message` (the
lines also joined into messages, in order, by one worker at a time). Last, the peak memory of
each unit with 1 and 2 threads, on the log and on one a tenth its size (flat memory: the same on both).

    python3 bench/scan_bench.py [--log-mb SIZE] [--rounds N]

The log is built from examples/mail.log as bench/run_bounces.py builds it (queue ids varied).
Each round runs every command once, in turn, so that a change in the machine's load falls on
all of them; the median of the rounds is reported, with the spread of the ratio.
"""

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bounces import CLI, build_log, peak_rss_mb  # noqa: E402


UNITS = ("line", "message")


def seconds(cmd, shell=False):
    t0 = time.perf_counter()
    subprocess.run(cmd, shell=shell, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--log-mb", type=int, default=100)
    p.add_argument("--rounds", type=int, default=7)
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="smtpcodes-bench-scan-")
    try:
        plain = os.path.join(tmp, "mail.log")
        size = build_log(plain, a.log_mb)
        packed = plain + ".gz"
        with open(plain, "rb") as f, gzip.open(packed, "wb", compresslevel=6) as g:
            shutil.copyfileobj(f, g)
        mb = size / 1024 / 1024
        commands = {"zcat | wc -l (floor)": (f"zcat {packed} | wc -l", True)}
        for by in UNITS:
            for kind, path in (("gzip", packed), ("plain", plain)):
                for jobs in ("1", "2"):
                    cmd = [CLI, "scan", "--format", "json", "--by", by, "--jobs", jobs, path]
                    commands[f"--by {by} --jobs {jobs}, {kind}"] = (cmd, False)
        times = {name: [] for name in commands}
        for _ in range(a.rounds):
            for name, (cmd, shell) in commands.items():
                times[name].append(seconds(cmd, shell))
        load = os.getloadavg()
        print(f"mail log: {mb:.0f} MB synthetic ({os.path.getsize(packed) / 1024 / 1024:.0f} MB gzipped), "
              f"{a.rounds} alternating rounds, {os.cpu_count()} cores, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"  {name:<34} {med:8.3f} s  {mb / med:8.1f} MB/s")
        for by in UNITS:
            for kind in ("gzip", "plain"):
                one, two = times[f"--by {by} --jobs 1, {kind}"], times[f"--by {by} --jobs 2, {kind}"]
                ratios = [a / b for a, b in zip(one, two)]
                print(f"  --by {by}, 2 threads vs 1 ({kind}): {statistics.median(ratios):.2f}x "
                      f"(rounds {min(ratios):.2f}-{max(ratios):.2f}; target >= 1.8x)")
        small = os.path.join(tmp, "small.log")
        small_mb = build_log(small, max(1, a.log_mb // 10)) / 1024 / 1024
        print(f"peak memory (RSS), scan --format json, {small_mb:.0f} MB and {mb:.0f} MB logs:")
        for by in UNITS:
            for jobs in ("1", "2"):
                rss = [peak_rss_mb([CLI, "scan", "--format", "json", "--by", by, "--jobs", jobs, f])
                       for f in (small, plain)]
                print(f"  --by {by} --jobs {jobs}: {rss[0]:.1f} MB and {rss[1]:.1f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
