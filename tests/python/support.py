"""Shared helpers of the Python test suite: the repository's paths, the shared vectors, and the
Rust command-line tool used as the reference for cross-language identity."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import smtpcodes

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
EMAILS = REPO / "tests" / "emails"


@dataclass(frozen=True)
class Vector:
    """One case of tests/vectors/*.json."""

    file: str
    id: str
    input: dict[str, Any]
    expect: dict[str, Any] | None
    error: dict[str, Any] | None


def load_vectors() -> list[Vector]:
    """Every case of every vector file, in file order (the Rust runner's order)."""
    out = []
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append(
                Vector(path.name, case["id"], case["input"], case.get("expect"), case.get("error"))
            )
    return out


def run_input(inp: dict[str, Any]) -> smtpcodes.Classification:
    """Runs a vector's input through the Python API, as a caller would pass it."""
    return smtpcodes.classify(
        inp.get("code"),
        inp.get("text", ""),
        command=inp.get("command"),
        host=inp.get("host"),
    )


def cli_path() -> Path:
    """The Rust CLI (`cargo build -p smtpcodes-cli`); SMTPCODES_CLI overrides the path."""
    return Path(os.environ.get("SMTPCODES_CLI", REPO / "target" / "debug" / "smtpcodes"))


def rust_classify(inputs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Classifies JSON Lines inputs with the Rust CLI: one answer (or `{"error": ...}`) each."""
    cli = cli_path()
    if not cli.is_file():
        pytest.fail(f"{cli} is missing: run `cargo build -p smtpcodes-cli` (make test-python does)")
    lines = [json.dumps({**inp, "id": i}) for i, inp in enumerate(inputs)]
    proc = subprocess.run(
        [str(cli), "classify"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    answers = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert [a.pop("id") for a in answers] == list(range(len(lines))), (
        "the CLI lost or reordered lines"
    )
    return answers


def python_answer(inp: dict[str, Any]) -> dict[str, Any]:
    """The Python API's answer in the CLI's shape: the classification, or the error's kind."""
    try:
        return run_input(inp).to_dict()
    except smtpcodes.InvalidReplyError as e:
        return {"error": {"kind": e.kind}}


def strip_messages(answers: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The CLI's answers with error messages removed (the kinds are the contract)."""
    for a in answers:
        if "error" in a:
            yield {"error": {"kind": a["error"]["kind"]}}
        else:
            yield a


def golden_bounce(path: Path) -> dict[str, Any]:
    """The golden file of a fixture email (`X.json` beside `X.eml`): the report `parse_bounce`
    gives, or `{"error": {"kind", "what", "message"}}`. Rust's tests/bounce.rs holds the core
    to the same files (and rewrites them with SMTPCODES_BLESS=1)."""
    golden = path.with_suffix(".json")
    if not golden.is_file():
        pytest.fail(f"{golden} is missing: SMTPCODES_BLESS=1 cargo test -p smtpcodes --test bounce")
    with golden.open(encoding="utf-8") as f:
        parsed: dict[str, Any] = json.load(f)
    return parsed


def steps_of_another_thread_during(call: Callable[[], object]) -> int:
    """How far a pure-Python thread gets while `call` runs: ~0 when the GIL is held."""
    steps = 0
    stop = False

    def spin() -> None:
        nonlocal steps
        while not stop:
            steps += 1

    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.05)  # let it spin up
    before = steps
    call()
    during = steps - before
    stop = True
    t.join()
    return during
