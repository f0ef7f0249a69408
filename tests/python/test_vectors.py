"""The shared vectors of tests/vectors/ through the Python API, and the proof that Python and
Rust give identical answers: every field, including the prose (title, description, advice,
text, matched), on every vector and on a few thousand generated replies."""

from __future__ import annotations

import random
from typing import Any

import pytest
from support import Vector, load_vectors, python_answer, run_input, rust_classify, strip_messages

import smtpcodes

VECTORS = load_vectors()
# The fields every `expect` must state (the Rust runner insists on the same).
REQUIRED = {
    "code", "enhanced", "severity", "reason", "bounce", "action",
    "retry_after", "suppress", "fault", "provider",
}  # fmt: skip
# The contract's fields, in the contract's order (docs/contract.md, "Output").
FIELDS = [
    "code", "enhanced", "severity", "reason", "bounce", "action", "retry_after", "suppress",
    "fault", "provider", "title", "description", "advice", "text", "matched",
]  # fmt: skip


def test_the_corpus_is_all_there() -> None:
    assert len(VECTORS) >= 400, f"only {len(VECTORS)} vectors"
    assert len({v.id for v in VECTORS}) == len(VECTORS), "vector ids must be unique"
    assert sum(v.error is not None for v in VECTORS) >= 10


@pytest.mark.parametrize("vector", VECTORS, ids=[v.id for v in VECTORS])
def test_vector(vector: Vector) -> None:
    assert (vector.expect is None) != (vector.error is None), "exactly one of expect and error"
    if vector.error is not None:
        with pytest.raises(smtpcodes.InvalidReplyError) as info:
            run_input(vector.input)
        assert info.value.kind == vector.error["kind"]
        assert isinstance(info.value, ValueError)
        return
    assert vector.expect is not None
    assert vector.expect.keys() >= REQUIRED, f"expect lacks {REQUIRED - vector.expect.keys()}"
    c = run_input(vector.input)
    got = c.to_dict()
    mismatches = {k: (got.get(k), want) for k, want in vector.expect.items() if got.get(k) != want}
    assert not mismatches, f"(got, vector) per field: {mismatches}; matched {c.matched!r}"
    # The attributes say what to_dict() says.
    assert {k: getattr(c, k) for k in FIELDS} == got


@pytest.fixture(scope="module")
def rust_answers() -> dict[str, dict[str, Any]]:
    answers = list(strip_messages(rust_classify(v.input for v in VECTORS)))
    return {v.id: a for v, a in zip(VECTORS, answers, strict=True)}


@pytest.mark.parametrize("vector", VECTORS, ids=[v.id for v in VECTORS])
def test_vector_identical_to_rust(vector: Vector, rust_answers: dict[str, dict[str, Any]]) -> None:
    rust = rust_answers[vector.id]
    ours = python_answer(vector.input)
    if "error" not in rust:
        assert list(rust) == FIELDS, "the CLI's shape is the contract's"
        assert list(ours) == FIELDS, "to_dict() has the contract's keys, in its order"
    for key in rust.keys() | ours.keys():
        assert ours.get(key) == rust.get(key), (
            f"{key}: Python {ours.get(key)!r}, Rust {rust.get(key)!r}"
        )


def generated_inputs(n: int, seed: int) -> list[dict[str, Any]]:
    """Replies recombined from the vectors' texts: cut, joined, wrapped, re-cased, with and
    without codes and hints. Deterministic for a seed."""
    rng = random.Random(seed)
    texts = [v.input.get("text") or "" for v in VECTORS]
    hosts = [
        None,
        "",
        "mx.example.org",
        "gmail-smtp-in.l.google.com",
        "mail.protection.outlook.com",
    ]
    codes: list[Any] = [None, None, 250, 421, 450, 451, 452, 550, 552, 554, 599, "550", " 451 ", ""]
    commands = [None, None, "RCPT TO", "DATA", "MAIL FROM:<a@b>", "end of data", "ehlo"]
    out = []
    for _ in range(n):
        text = rng.choice(texts)
        roll = rng.random()
        if roll < 0.2:
            text = text + rng.choice(["\r\n", "\n", " ", "; "]) + rng.choice(texts)
        elif roll < 0.35 and text:
            a, b = sorted(rng.randrange(len(text) + 1) for _ in range(2))
            text = text[a:b]
        elif roll < 0.45:
            text = text.upper() if rng.random() < 0.5 else text.lower()
        elif roll < 0.55:
            text = f"smtp; {rng.choice([550, 451, 421])} {text}"
        elif roll < 0.6:
            text = text.replace(" ", "\x00", 1) + "\u00e9\u2019\U0001f4e7"
        out.append(
            {
                "code": rng.choice(codes),
                "text": text,
                "command": rng.choice(commands),
                "host": rng.choice(hosts),
            }
        )
    return out


def test_generated_replies_identical_to_rust() -> None:
    inputs = generated_inputs(3000, seed=20240611)
    rust = list(strip_messages(rust_classify(inputs)))
    ours = [python_answer(i) for i in inputs]
    differ = [(i, o, r) for i, o, r in zip(inputs, ours, rust, strict=True) if o != r]
    assert not differ, f"{len(differ)} of {len(inputs)} differ; first: {differ[0]}"
    # The batch call gives the same answers as one call at a time.
    batch = smtpcodes.classify_many(
        (i["code"], i["text"], i["command"], i["host"])
        for i, r in zip(inputs, rust, strict=True)
        if "error" not in r
    )
    assert [c.to_dict() for c in batch] == [r for r in rust if "error" not in r]
