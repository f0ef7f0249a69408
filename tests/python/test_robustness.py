"""Contained bugs: a panic in the Rust code is an `InternalError` that `except Exception`
catches (never pyo3's `PanicException`, a `BaseException`)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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
