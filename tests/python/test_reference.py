"""The code reference: the shared vectors of tests/reference/vectors.json (which the Rust and Node
suites run too) through `explain()` and `compare()`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support import REPO

import smtpcodes

VECTORS = json.loads((REPO / "tests" / "reference" / "vectors.json").read_text(encoding="utf-8"))
KEYS = ["code", "causes", "checks", "retry", "related", "who", "seen"]


@pytest.mark.parametrize(
    "case", VECTORS["explain"], ids=[str(c["input"]) for c in VECTORS["explain"]]
)
def test_explain(case: dict[str, Any]) -> None:
    e = smtpcodes.explain(case["input"])
    d = e.to_dict()
    assert {k: d[k] for k in KEYS} == case["expect"]
    # The attributes say what the dict says (names as tuples, the rest as dicts and lists).
    assert e.causes == case["expect"]["causes"]
    assert e.checks == case["expect"]["checks"]
    assert e.retry == case["expect"]["retry"]
    assert list(e.related) == case["expect"]["related"]
    assert (list(e.who), list(e.seen)) == (case["expect"]["who"], case["expect"]["seen"])


@pytest.mark.parametrize(
    "case", VECTORS["compare"], ids=[f"{c['a']}-{c['b']}" for c in VECTORS["compare"]]
)
def test_compare(case: dict[str, Any]) -> None:
    got = smtpcodes.compare(case["a"], case["b"])
    assert isinstance(got["a"], smtpcodes.Explanation)
    assert got["a"] == smtpcodes.explain(case["a"])
    assert got["b"] == smtpcodes.explain(case["b"])
    assert {"differences": got["differences"], "common": got["common"]} == case["expect"]


@pytest.mark.parametrize(
    "case", VECTORS["errors"], ids=[f"{c['a']}-{c['b']}" for c in VECTORS["errors"]]
)
def test_compare_errors(case: dict[str, Any]) -> None:
    with pytest.raises(smtpcodes.InvalidReplyError) as raised:
        smtpcodes.compare(case["a"], case["b"])
    assert raised.value.kind == case["kind"]


def test_compare_takes_ints_and_refuses_other_types() -> None:
    assert (
        smtpcodes.compare(421, "521")["differences"]
        == smtpcodes.compare("421", "521")["differences"]
    )
    with pytest.raises(TypeError):
        smtpcodes.compare(421.0, "521")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        smtpcodes.compare(True, "521")
