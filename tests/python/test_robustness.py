"""Bounded work and contained bugs: a panic in the Rust code is an `InternalError` that
`except Exception` catches (never pyo3's `PanicException`, a `BaseException`); `parse_bounce`'s
time grows linearly on the adversarial shapes that once made it quadratic; and its memory stays
flat over thousands of calls."""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import smtpcodes
from smtpcodes import InternalError, _smtpcodes

# Private, not API: panics on purpose inside the path every exported function takes.
PANIC: Callable[..., None] = vars(_smtpcodes)["_panic_for_test"]


# -- panics ------------------------------------------------------------------------------------


@pytest.mark.parametrize("detached", [False, True], ids=["gil-held", "gil-released"])
def test_a_panic_is_an_internal_error(detached: bool) -> None:
    with pytest.raises(InternalError) as info:
        PANIC(detached)
    err = info.value
    assert err.kind == "internal" == InternalError.kind
    assert err.kind in smtpcodes.error_kinds()
    assert isinstance(err, RuntimeError) and not isinstance(err, ValueError)
    assert type(err).__module__ == "smtpcodes"
    assert "a deliberate panic, for the test suite" in str(err)
    assert str(err).startswith("internal error in smtpcodes (a bug")


def test_a_panic_is_caught_by_except_exception() -> None:
    caught: Exception | None = None
    try:
        PANIC()
    except Exception as e:  # what a web handler's catch-all does
        caught = e
    assert isinstance(caught, InternalError)
    # The module works on after it, from many threads at once too.
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda i: panic_or_answer(i % 2 == 0), range(40)))
    assert outcomes == ["internal", "user_unknown"] * 20


def panic_or_answer(panic: bool) -> str:
    try:
        if panic:
            PANIC(True)
        return smtpcodes.classify(550, "5.1.1 User unknown").reason
    except InternalError as e:
        return e.kind


def test_the_panic_function_is_hidden() -> None:
    assert "_panic_for_test" not in smtpcodes.__all__
    assert not hasattr(smtpcodes, "_panic_for_test")
    assert "_panic_for_test" not in getattr(_smtpcodes, "__all__", [])
    stub = Path(_smtpcodes.__file__).with_name("_smtpcodes.pyi")
    assert "_panic_for_test" not in stub.read_text(encoding="utf-8")


# -- parse_bounce grows linearly ---------------------------------------------------------------

# n and 8n recipients: linear work is 8x the time, quadratic 64x. Small enough that the debug
# build `make test-python` tests reads the larger one in well under a second, large enough that
# the core before issue 9's fix took 30x to 50x the time.
GROWTH = 8
MAX_RATIO = 20.0


def user(i: int) -> str:
    return f"user{i}@example.org"


def dsn_without_diagnostics(n: int) -> bytes:
    """A DSN whose recipients have no `Diagnostic-Code`, and a human-readable part that names
    each: every recipient's words must be found in the text."""
    human = "".join(
        f"<{user(i)}>: host mx.example.org[192.0.2.1] said: 550 5.1.1 "
        f"<{user(i)}>: Recipient address rejected: User unknown "
        "(in reply to RCPT TO command)\n\n"
        for i in range(n)
    )
    fields = "".join(
        f"Final-Recipient: rfc822; {user(i)}\nAction: failed\nStatus: 5.1.1\n\n" for i in range(n)
    )
    return (
        "From: MAILER-DAEMON@mx.example.net\nTo: alice@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nI could not deliver your message.\n\n"
        f"{human}--b\nContent-Type: message/delivery-status\n\n"
        f"Reporting-MTA: dns; mx.example.net\n\n{fields}--b--\n"
    ).encode()


def long_user(i: int) -> str:
    """Addresses of one length that differ only after 200 characters: comparing two costs the
    most."""
    return f"{'r' * 200}{i:06d}@example.org"


def text_bounce(n: int) -> bytes:
    """A text-only bounce (qmail's) of `n` recipient blocks."""
    blocks = "".join(
        f"<{long_user(i)}>:\nSorry, no mailbox here by that name (recipient {i}). (#5.1.1)\n\n"
        for i in range(n)
    )
    return (
        "From: MAILER-DAEMON@mail.example.com\nSubject: failure notice\n\n"
        "Hi. This is the qmail-send program at mail.example.com.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        f"This is a permanent error; I've given up. Sorry it didn't work out.\n\n{blocks}"
    ).encode()


def every_recipient_read(report: smtpcodes.BounceReport, n: int, fmt: str) -> None:
    assert report.format == fmt
    address, words = (user, "<{}>") if fmt == "dsn" else (long_user, "(recipient {})")
    assert [r.recipient for r in report.recipients] == [address(i) for i in range(n)]
    for i, r in enumerate(report.recipients):
        own = words.format(address(i) if fmt == "dsn" else i)
        assert own in r.diagnostic, "the recipient's own words"
        assert r.classification.reason == "user_unknown"


def best_time(call: Callable[[], object], runs: int = 3) -> float:
    """The least CPU time of this thread over `runs` calls (the core runs on it with the GIL
    released): other jobs on the machine slow the wall clock, not this."""
    times = []
    with gc_off():
        for _ in range(runs):
            start = time.thread_time()
            call()
            times.append(time.thread_time() - start)
    return min(times)


@contextmanager
def gc_off() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("shape", "n", "fmt"),
    [(dsn_without_diagnostics, 64, "dsn"), (text_bounce, 160, "text")],
    ids=["dsn-without-diagnostic-code", "text-recipient-blocks"],
)
def test_parse_bounce_time_grows_linearly(shape: Callable[[int], bytes], n: int, fmt: str) -> None:
    small, large = shape(n), shape(n * GROWTH)
    for count, raw in ((n, small), (n * GROWTH, large)):
        every_recipient_read(smtpcodes.parse_bounce(raw), count, fmt)
    ratio = best_time(lambda: smtpcodes.parse_bounce(large)) / best_time(
        lambda: smtpcodes.parse_bounce(small)
    )
    assert ratio <= MAX_RATIO, (
        f"{GROWTH}x the recipients took {ratio:.1f}x the time (linear is {GROWTH}x, "
        f"quadratic {GROWTH**2}x)"
    )


# -- parse_bounce's memory stays flat ----------------------------------------------------------


def dsn(n: int) -> bytes:
    """An ordinary DSN of `n` failed recipients, each with its diagnostic."""
    fields = "".join(
        f"Final-Recipient: rfc822; user{i}@example.org\nAction: failed\nStatus: 5.1.1\n"
        f"Remote-MTA: dns; mx.example.org\nDiagnostic-Code: smtp; 550 5.1.1 "
        f"<user{i}@example.org>: Recipient address rejected: User unknown\n\n"
        for i in range(n)
    )
    return (
        "From: MAILER-DAEMON@mx.example.net\nTo: alice@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nI could not deliver your message.\n\n"
        "--b\nContent-Type: message/delivery-status\n\n"
        f"Reporting-MTA: dns; mx.example.net\n\n{fields}--b--\n"
    ).encode()


def rss_bytes() -> int:
    """The resident memory of this process now (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        resource = pytest.importorskip("resource")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak) if sys.platform == "darwin" else int(peak) * 1024


CALLS = 5_000
# A leak of the size issue 9 found in the Node binding (~400 bytes per recipient per call) is
# 200 MB here; what the allocators keep for reuse is a few MB.
MAX_GROWTH = 20 * 1024 * 1024


def test_parse_bounce_memory_stays_flat() -> None:
    raw = dsn(100)
    first = smtpcodes.parse_bounce(raw)
    assert len(first.recipients) == 100

    def call(_: Any) -> int:
        report = smtpcodes.parse_bounce(raw)
        return len(report.recipients) + len(report.recipients[-1].classification.text)

    # Two threads (the core runs with the GIL released): half the wall time on two cores, and
    # every thread's allocator arena in use before the first measure.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(call, range(CALLS // 20)))
        gc.collect()
        before = rss_bytes()
        assert all(n > 100 for n in pool.map(call, range(CALLS)))
        gc.collect()
        after = rss_bytes()
    growth = after - before
    assert growth < MAX_GROWTH, f"RSS grew {growth / 1e6:.1f} MB over {CALLS} calls"
