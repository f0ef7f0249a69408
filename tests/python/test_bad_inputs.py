"""The bad-input matrix (tests/bad_inputs.json) through the Python API, and the inputs the
matrix leaves to each suite: floats that are not numbers, huge and negative ints, bools, lone
surrogates, invalid UTF-8, a 10 MB text, 100,000 continuation lines. Each gives a typed error or
a correct answer, and finishes: no crash, no hang, no panic."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from support import REPO, python_answer, rust_classify, strip_messages

import smtpcodes
from smtpcodes import Classification, InvalidReplyError

MATRIX = json.loads((REPO / "tests" / "bad_inputs.json").read_text(encoding="utf-8"))["cases"]
OUTCOMES = {"ok", "TypeError", *smtpcodes.error_kinds()}
# A debug build (what `make test-python` tests) reads 10 MB in a second or two; a hang never ends.
LIMIT_S = 60.0


def outcome(call: Callable[[], object]) -> str:
    """What a call gave: `ok` (a Classification, or a list of them), `TypeError`, or the `kind`
    of an `InvalidReplyError`. Anything else (a pyo3 PanicException derives from
    BaseException) fails the test."""
    error: BaseException | None = None
    try:
        result = call()
    except (InvalidReplyError, TypeError) as e:
        error = e
    except BaseException as e:
        pytest.fail(f"{type(e).__module__}.{type(e).__name__}: {e}")
    if isinstance(error, InvalidReplyError):
        assert error.kind in smtpcodes.error_kinds()
        assert len(str(error)) < 300, "the message must not echo a huge input"
        return str(error.kind)
    if error is not None:
        assert isinstance(error, TypeError) and not isinstance(error, ValueError)
        return "TypeError"
    items = result if isinstance(result, list) else [result]
    for c in items:
        assert isinstance(c, Classification)
        assert c.reason in smtpcodes.reasons()
    return "ok"


def finishes(call: Callable[[], object], limit: float = LIMIT_S) -> object:
    """Runs `call` in a thread and fails if it has not returned after `limit` seconds (texts this
    long are classified with the GIL released, so this thread can tell). Returns its result,
    or raises what it raised."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = call()
        except BaseException as e:
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    start = time.perf_counter()
    t.start()
    t.join(limit)
    if t.is_alive():
        pytest.fail(f"no answer after {limit:.0f} s: a hang")
    assert time.perf_counter() - start < limit
    if "error" in box:
        raise box["error"]
    return box.get("result")


def case_call(case: dict[str, Any]) -> Callable[[], object]:
    """A matrix case as a `classify` call, passing exactly what the case gives (a `null` text
    is an explicit None, not an omitted argument)."""
    kwargs = {k: case[k] for k in ("command", "host") if k in case}
    return lambda: smtpcodes.classify(case["code"], case["text"], **kwargs)


def case_item(case: dict[str, Any]) -> tuple[Any, ...]:
    """A matrix case as an item of `classify_many`."""
    return (case["code"], case["text"], case.get("command"), case.get("host"))


def test_the_matrix_is_well_formed() -> None:
    assert len(MATRIX) >= 15
    assert len({c["id"] for c in MATRIX}) == len(MATRIX), "case ids must be unique"
    for case in MATRIX:
        assert case["expect"]["python"] in OUTCOMES | {"skip"}, case["id"]


@pytest.mark.parametrize("case", MATRIX, ids=[c["id"] for c in MATRIX])
def test_matrix_case(case: dict[str, Any]) -> None:
    want = case["expect"]["python"]
    if want == "skip":
        pytest.skip(case.get("note", "Python cannot express this input"))
    assert outcome(case_call(case)) == want
    # The batch call gives the same outcome for the same input.
    assert outcome(lambda: smtpcodes.classify_many([case_item(case)])) == want
    if want == "ok":
        assert smtpcodes.classify_many([case_item(case)]) == [case_call(case)()]


def test_matrix_answers_are_rusts() -> None:
    """Where Rust and Python expect the same thing, they give the same answer, field by field
    (an error's kind, or every field of the classification)."""
    shared = [
        c for c in MATRIX if c["expect"]["python"] == c["expect"]["rust"] != "skip"
    ]  # fmt: skip
    assert shared
    inputs = [{k: c[k] for k in ("code", "text", "command", "host") if k in c} for c in shared]
    rust = list(strip_messages(rust_classify(inputs)))
    for case, inp, want in zip(shared, inputs, rust, strict=True):
        assert python_answer(inp) == want, case["id"]


# -- the inputs built in code ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "want"),
    [
        (float("nan"), "TypeError"),
        (float("inf"), "TypeError"),
        (float("-inf"), "TypeError"),
        (-0.0, "TypeError"),
        (550.0, "TypeError"),
        (True, "TypeError"),
        (False, "TypeError"),
        (10**30, "code_out_of_range"),
        (-(10**30), "code_out_of_range"),
        (2**64, "code_out_of_range"),
        (-(2**63) - 1, "code_out_of_range"),
        (-1, "code_out_of_range"),
        ("nan", "invalid_code"),
        ("inf", "invalid_code"),
        ("-550", "code_out_of_range"),
        ("5\ud800", "invalid_code"),
        ("\ud800", "invalid_code"),
        ("\x00", "invalid_code"),
        (b"550", "TypeError"),
        (bytearray(b"550"), "TypeError"),
        (550, "ok"),
        ("550", "ok"),
        (None, "ok"),
    ],
    ids=repr,
)
def test_codes(code: Any, want: str) -> None:
    assert outcome(lambda: smtpcodes.classify(code, "5.1.1 user unknown")) == want
    assert outcome(lambda: smtpcodes.classify_many([(code, "5.1.1 user unknown")])) == want


def test_int_codes_at_the_edges() -> None:
    for code in (200, 421, 599):
        assert smtpcodes.classify(code, "").code == code
    for code in (-0, 199, 600, 65_536 + 550):  # no wrap-around to a valid u16
        assert outcome(partial(smtpcodes.classify, code, "")) == "code_out_of_range"


def test_lone_surrogates_in_text_and_hints() -> None:
    # A lone surrogate is replaced by U+FFFD, as invalid UTF-8 bytes are.
    c = smtpcodes.classify(550, "5.1.1 \ud800 user unknown \udfff")
    assert c == smtpcodes.classify(550, "5.1.1 \ufffd user unknown \ufffd")
    assert c.reason == "user_unknown"
    # One of `surrogateescape` is the byte it stands for.
    assert smtpcodes.classify(550, "x \udcff y") == smtpcodes.classify(550, b"x \xff y")
    assert smtpcodes.classify(550, "\ud800" * 100_000).code == 550
    assert outcome(lambda: smtpcodes.classify(550, "x", command="\ud800")) == "invalid_command"
    assert smtpcodes.classify(550, "x", command="rcpt\ud800") == smtpcodes.classify(
        550, "x", command="rcpt\ufffd"
    )
    # Mixed: each kind of surrogate read as its own.
    mixed = smtpcodes.classify(550, "a \ud800 b \udcc3\udca9 c")
    assert mixed.text == "a \ufffd b \u00e9 c"
    c = smtpcodes.classify(550, "x", host="mx\ud800.example.org")
    assert c == smtpcodes.classify(550, "x", host="mx\ufffd.example.org")
    assert outcome(lambda: smtpcodes.classify_many([(550, "\ud800", "\udcff", "\ud800")])) == (
        "invalid_command"
    )
    assert outcome(lambda: smtpcodes.classify_many([(550, "\ud800", None, "\ud800")])) == "ok"


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe\xfd",
        b"550 5.1.1 \xc3\x28 user unknown",  # invalid 2-byte sequence
        b"550 5.1.1 \xe2\x82 user unknown",  # truncated 3-byte sequence
        b"550 5.1.1 \xed\xa0\x80 user unknown",  # an encoded surrogate (CESU-8)
        b"550 5.1.1 \xf4\x90\x80\x80 user unknown",  # beyond U+10FFFF
        b"550 5.1.1 \xc0\xaf user unknown",  # overlong "/"
        b"550 5.1.1 user unknown \xf0\x9f\x93",  # cut in the middle of a 4-byte sequence
        b"\x00\x80" * 1000,
    ],
    ids=repr,
)
def test_invalid_utf8_bytes_are_replaced(raw: bytes) -> None:
    c = smtpcodes.classify(None, raw)
    assert c == smtpcodes.classify(None, raw.decode("utf-8", "replace"))
    assert smtpcodes.classify_many([(None, raw)]) == [c]


def test_empty_and_whitespace_texts() -> None:
    for text in ("", " ", "\t\r\n", "\r\n" * 10_000, "\x00", b"", b"  ", "\u00a0\u2028"):
        assert outcome(partial(smtpcodes.classify, 550, text)) == "ok"
        assert outcome(partial(smtpcodes.classify, None, text)) == "ok"
        assert outcome(partial(smtpcodes.classify_many, [(None, text)])) == "ok"


def test_a_10_mb_text() -> None:
    tail = " 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown"
    text = "x" * (10 * 1024 * 1024 - len(tail)) + tail
    c = finishes(lambda: smtpcodes.classify(550, text))
    assert isinstance(c, Classification)
    assert (c.code, c.reason) == (550, "user_unknown")
    assert finishes(lambda: smtpcodes.classify(550, text.encode())) == c
    # The same reply after 10 MB of NUL and of continuation dashes.
    for filler in ("\x00", "-"):
        big = filler * (10 * 1024 * 1024)
        r = finishes(partial(smtpcodes.classify, None, big + tail))
        assert isinstance(r, Classification) and r.reason in smtpcodes.reasons()
    many = finishes(lambda: smtpcodes.classify_many([(550, text), (None, text)]))
    assert isinstance(many, list) and many[0] == c


def test_100000_continuation_lines() -> None:
    text = "550-5.7.1 x\r\n" * 100_000 + "550 5.7.1 Message rejected as spam"
    c = finishes(lambda: smtpcodes.classify(None, text))
    assert isinstance(c, Classification)
    assert (c.code, c.enhanced, c.severity) == (550, "5.7.1", "permanent")
    assert "550-" not in c.text, "continuation prefixes are removed"
    assert finishes(lambda: smtpcodes.classify(550, text.encode())) == c
    # Continuation lines whose codes disagree, and ones that never end.
    mixed = "".join(f"{450 + i % 2 * 100}-4.2.2 x\n" for i in range(100_000))
    for hostile in (mixed, "550-5.7.1 x\r\n" * 100_000, "550-\n" * 100_000):
        r = finishes(partial(smtpcodes.classify, None, hostile))
        assert isinstance(r, Classification) and r.reason in smtpcodes.reasons()


# -- integers too large to print, and int subclasses that lie ----------------------------------


@pytest.mark.parametrize(
    "code",
    [10**100000, -(10**100000), 10**5000, 2**2048, 2**64 + 550, -(2**63) - 550],
    ids=["10**100000", "-10**100000", "10**5000", "2**2048", "2**64+550", "-2**63-550"],
)
def test_integers_of_any_size_are_out_of_range(code: int) -> None:
    # Python refuses to print an int of more than 4300 digits: the code must not need to.
    for call in (
        partial(smtpcodes.classify, code, "5.1.1 user unknown"),
        partial(smtpcodes.classify_many, [(code, "5.1.1 user unknown")]),
        partial(smtpcodes.explain, code),
    ):
        with pytest.raises(InvalidReplyError) as info:
            finishes(call, limit=10)
        assert info.value.kind == "code_out_of_range"
        assert len(str(info.value)) < 300
    with pytest.raises(InvalidReplyError, match="-" if code < 0 else "out of range"):
        smtpcodes.classify(code)


def test_the_message_shows_the_digits_or_the_size() -> None:
    with pytest.raises(InvalidReplyError, match='"18446744073709552166" is out of range'):
        smtpcodes.classify(2**64 + 550)
    with pytest.raises(InvalidReplyError, match='"an integer of 332193 bits" is out of range'):
        smtpcodes.classify(10**100000)
    with pytest.raises(InvalidReplyError, match='"-an integer of 332193 bits"'):
        smtpcodes.classify(-(10**100000))


class Liar(int):
    """An int whose every method says 550, whatever it holds."""

    def __index__(self) -> int:
        return 550

    def __int__(self) -> int:
        return 550

    def __float__(self) -> float:
        return 550.0

    def __str__(self) -> str:
        return "550"

    __repr__ = __str__

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __lt__(self, other: int) -> bool:
        return False

    def __hash__(self) -> int:
        return hash(550)

    def bit_length(self) -> int:
        return 10


class Raiser(int):
    """An int whose every method raises."""

    def _fail(self, *args: object) -> Any:
        raise RuntimeError("asked")

    __index__ = __int__ = __float__ = __str__ = __repr__ = __format__ = _fail
    __eq__ = __ne__ = __lt__ = __hash__ = bit_length = _fail


SUBCLASSED = {"550": 550, "600": 600, "199": 199, "-550": -550, "2**70": 2**70,
              "-2**70": -(2**70), "10**100000": 10**100000}  # fmt: skip


@pytest.mark.parametrize("cls", [Liar, Raiser])
@pytest.mark.parametrize(
    ("value", "want"),
    [(v, "ok" if v == 550 else "code_out_of_range") for v in SUBCLASSED.values()],
    ids=list(SUBCLASSED),
)
def test_an_int_subclass_is_read_for_the_number_it_holds(
    cls: type[int], value: int, want: str
) -> None:
    code = cls(value)
    assert outcome(partial(smtpcodes.classify, code, "5.1.1 user unknown")) == want
    assert outcome(partial(smtpcodes.classify_many, [(code, "5.1.1 user unknown")])) == want
    if want == "ok":
        assert smtpcodes.classify(code, "x") == smtpcodes.classify(value, "x")
        assert smtpcodes.explain(code) == smtpcodes.explain(value)
    else:
        with pytest.raises(InvalidReplyError):
            smtpcodes.explain(code)


@pytest.mark.parametrize("cls", [Liar, Raiser])
def test_retry_settings_read_the_number_an_int_subclass_holds(cls: type[int]) -> None:
    policy = smtpcodes.RetryPolicy(first_delay=cls(60), backoff=cls(3), max_age=cls(7200))
    assert (policy.first_delay, policy.backoff, policy.max_age) == (60, 3.0, 7200)
    c = smtpcodes.classify(421, "")
    assert policy.decide(c, cls(2), cls(60)) == policy.decide(c, 2, 60)
    assert policy.should_suppress(c, cls(8)) is True


@pytest.mark.parametrize(
    "factor", [10**400, -(10**400), 10**100000], ids=["10**400", "-10**400", "10**100000"]
)
def test_a_factor_too_large_for_a_float_is_an_invalid_policy(factor: int) -> None:
    for field in ("backoff", "rate_limit_backoff", "jitter"):
        with pytest.raises(InvalidReplyError) as info:
            smtpcodes.RetryPolicy(**{field: factor})
        assert info.value.kind == "invalid_policy" and field in str(info.value)


def test_a_str_subclass_is_read_for_the_text_it_holds() -> None:
    class Encodes(str):
        def encode(self, *args: Any, **kwargs: Any) -> bytes:
            return b"250 2.0.0 Ok"

        def __str__(self) -> str:
            return "250 2.0.0 Ok"

    text = "550 5.1.1 user unknown \ud800"
    want = smtpcodes.classify(None, text)
    assert smtpcodes.classify(None, Encodes(text)) == want
    assert want.reason == "user_unknown"
    assert smtpcodes.classify(Encodes("550"), "x").code == 550
