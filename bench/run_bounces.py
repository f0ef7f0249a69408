#!/usr/bin/env python3
"""Speed of bounce-email parsing and of log scanning, each against a baseline in the same run.

1. Bounce emails: `smtpcodes scan --format json` over REPEAT copies of a folder of bounce
   emails on one command line (one process; scan reads a file named twice only once), against Perl Sisimai's `Sisimai->make` over the
   same folder REPEAT times in one process (bench/sisimai_make.pl; Debian libsisimai-perl).
   Reports emails per second and the ratio.
2. Logs: a synthetic Postfix/Exim/Sendmail log of SIZE MB built from examples/mail.log (queue
   ids varied), scanned by `smtpcodes scan --format json`; reports MB/s, and peak memory for
   1/10 and the full size, to show that memory stays flat as the input grows.

    python3 bench/run_bounces.py [--emails DIR] [--repeat N] [--log-mb SIZE]
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "target", "release", "smtpcodes")


def run(cmd):
    """Runs a command; returns (seconds, peak RSS in MB of that child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(after, before) / 1024, out


def peak_rss_mb(cmd):
    """Peak RSS of one command, measured by GNU time when it is there, else by rusage."""
    if shutil.which("/usr/bin/time"):
        r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        return int(r.stderr.decode().strip().splitlines()[-1]) / 1024
    return run(cmd)[1]


def bounces(folder, repeat):
    emails = sum(1 for n in os.listdir(folder) if not n.startswith("."))
    # `scan` reads each file once however often it is named, so the folder is copied REPEAT
    # times (real copies: hard links are the same file to it).
    copies = tempfile.mkdtemp(prefix="smtpcodes-bench-emails-")
    try:
        folders = [shutil.copytree(folder, os.path.join(copies, str(i))) for i in range(repeat)]
        secs, _, out = run([CLI, "scan", "--format", "json"] + folders)
    finally:
        shutil.rmtree(copies, ignore_errors=True)
    ours = out.count(b"\n")
    print(f"bounce emails: {emails} emails x {repeat} = {emails * repeat}")
    print(f"  smtpcodes scan   {secs:8.3f} s  {emails * repeat / secs:10.0f} emails/s  ({ours} recipient results)")
    if shutil.which("perl") and subprocess.run(["perl", "-MSisimai", "-e", "1"], capture_output=True).returncode == 0:
        _, _, perl_out = run(["perl", os.path.join(ROOT, "bench", "sisimai_make.pl"), folder, str(repeat)])
        perl = json.loads(perl_out)
        print(f"  Perl Sisimai     {perl['seconds']:8.3f} s  {emails * repeat / perl['seconds']:10.0f} emails/s  ({perl['recipients']} records)")
        print(f"  ratio: smtpcodes is {perl['seconds'] / secs:.1f}x Sisimai's throughput")
    else:
        print("  Perl Sisimai: not installed (apt-get install libsisimai-perl); no ratio")


def build_log(path, megabytes):
    with open(os.path.join(ROOT, "examples", "mail.log"), "rb") as f:
        sample = [line for line in f if not line.startswith(b"#")]
    target = megabytes * 1024 * 1024
    written = 0
    round_no = 0
    with open(path, "wb") as out:
        while written < target:
            tag = b"%05X" % (round_no % 0xFFFFF)
            for line in sample:
                # Vary queue ids so that lines are not byte-identical across rounds.
                line = line.replace(b"]: ", b"]: " + tag, 1) if b"]: " in line else line
                out.write(line)
                written += len(line)
            round_no += 1
    return written


def logs(megabytes):
    tmp = tempfile.mkdtemp(prefix="smtpcodes-bench-")
    try:
        small, big = os.path.join(tmp, "small.log"), os.path.join(tmp, "big.log")
        size_small = build_log(small, max(1, megabytes // 10))
        size_big = build_log(big, megabytes)
        secs, _, out = run([CLI, "scan", "--format", "json", big])
        mb = size_big / 1024 / 1024
        results = out.count(b"\n")
        print(f"mail log: {mb:.0f} MB synthetic log ({results} recipient results)")
        print(f"  smtpcodes scan   {secs:8.3f} s  {mb / secs:8.1f} MB/s  (1 GB in about {1024 / (mb / secs):.0f} s)")
        rss_small = peak_rss_mb([CLI, "scan", small])
        rss_big = peak_rss_mb([CLI, "scan", big])
        print(f"  peak memory: {rss_small:.1f} MB for {size_small / 1024 / 1024:.0f} MB of log, {rss_big:.1f} MB for {mb:.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--emails", help="a folder of bounce emails (the labelled corpus's emails/); without it, skipped")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--log-mb", type=int, default=100)
    a = p.parse_args()
    if not os.path.exists(CLI):
        sys.exit("build first: cargo build --release -p smtpcodes-cli")
    if a.emails is None:
        print("bounce emails: skipped (no --emails folder given; make bench-bounces CORPUS=path/to/sisimai-dev.jsonl)")
    elif os.path.isdir(a.emails):
        bounces(a.emails, a.repeat)
    else:
        sys.exit(f"bounce emails: {a.emails} is not a folder")
    logs(a.log_mb)


if __name__ == "__main__":
    main()
