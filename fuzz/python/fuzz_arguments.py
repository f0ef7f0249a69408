"""Fuzzes the Python entry points' argument handling with atheris.

Every call gets values of any type the fuzzer builds (ints of any size and int subclasses
whose methods lie, floats, strings with lone surrogates, bytes, bytearrays, memoryviews,
None, bools, lists, dicts), and must either answer or raise one of the documented errors.
An `InternalError` (a contained panic) or any other exception is a finding. The engine is
native code that atheris does not see; the harness's own branches (which type went where)
guide it.

    python fuzz/python/fuzz_arguments.py -max_total_time=600 -timeout=5
"""

from __future__ import annotations

import sys
from typing import Any

import atheris

with atheris.instrument_imports():
    import smtpcodes

DOCUMENTED = (
    smtpcodes.InvalidReplyError,
    smtpcodes.NotABounceError,
    smtpcodes.TooLargeError,
    TypeError,
    ValueError,
)


class Liar(int):
    """An int whose methods say something else than the number it holds."""

    def __index__(self) -> int:
        return 550

    def __int__(self) -> int:
        return 550

    def __str__(self) -> str:
        return "550"


@atheris.instrument_func
def value(fdp: atheris.FuzzedDataProvider, depth: int = 0) -> Any:
    kind = fdp.ConsumeIntInRange(0, 12)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeBool()
    if kind == 2:
        return fdp.ConsumeIntInRange(-(2**70), 2**70)
    if kind == 3:
        return 10 ** fdp.ConsumeIntInRange(0, 5000) + fdp.ConsumeIntInRange(-600, 600)
    if kind == 4:
        return Liar(fdp.ConsumeIntInRange(-(2**70), 2**70))
    if kind == 5:
        return fdp.ConsumeFloat()
    if kind == 6:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 300))
    if kind == 7:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 300))
    if kind == 8:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 2000))
    if kind == 9:
        return bytearray(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 2000)))
    if kind == 10:
        return memoryview(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 2000)))
    if kind == 11 and depth < 2:
        return [value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    if depth < 2:
        return {str(value(fdp, depth + 1)): value(fdp, depth + 1)}
    return "550 5.1.1 user unknown"


@atheris.instrument_func
def call(fdp: atheris.FuzzedDataProvider) -> None:
    which = fdp.ConsumeIntInRange(0, 7)
    if which == 0:
        c = smtpcodes.classify(value(fdp), value(fdp), command=value(fdp), host=value(fdp))
        c.to_dict()
    elif which == 1:
        items = value(fdp)
        smtpcodes.classify_many(items if isinstance(items, list) else [items])
    elif which == 2:
        smtpcodes.explain(value(fdp))
    elif which == 3:
        limits = {
            name: value(fdp)
            for name in ("max_email_bytes", "max_parts", "max_depth", "max_recipients")
            if fdp.ConsumeBool()
        }
        smtpcodes.parse_bounce(value(fdp), **limits).to_dict()
    elif which == 4:
        settings = {
            name: value(fdp)
            for name in ("first_delay", "backoff", "max_delay", "max_age", "jitter", "seed")
            if fdp.ConsumeBool()
        }
        policy = smtpcodes.RetryPolicy(**settings)
        c = smtpcodes.classify(451, "4.7.1 try again later")
        policy.decide(c, value(fdp), value(fdp))
    elif which == 5:
        policy = smtpcodes.RetryPolicy()
        c = smtpcodes.classify(452, "4.2.2 mailbox full")
        policy.should_suppress(c, value(fdp))
    elif which == 6:
        limit = {"max_line_bytes": value(fdp)} if fdp.ConsumeBool() else {}
        smtpcodes.parse_log_line(value(fdp), **limit)
    else:
        options = {
            name: value(fdp) for name in ("max_line_bytes", "long_lines") if fdp.ConsumeBool()
        }
        for _ in smtpcodes.read_log(value(fdp), **options):
            pass


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    try:
        call(fdp)
    except smtpcodes.InternalError:
        raise
    except DOCUMENTED:
        pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
