"""The Python API as a caller relies on it: argument forms, typed errors, immutable results,
the retry policy, the batch call, threads, and inputs that must never crash."""

from __future__ import annotations

import enum
import json
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from support import steps_of_another_thread_during

import smtpcodes
from smtpcodes import Classification, InvalidReplyError, RetryPolicy

USER_UNKNOWN = "5.1.1 <bob@example.org>: Recipient address rejected: User unknown"
MAILBOX_FULL = (
    "host mx.example.org[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)"
)
GREYLISTED = "4.7.1 Greylisted, please try again in 180 seconds"


# -- classify: what a user gets ----------------------------------------------------------------


def test_the_issue_example() -> None:
    c = smtpcodes.classify(550, USER_UNKNOWN)
    assert (c.reason, c.action, c.suppress, c.retry_after) == ("user_unknown", "bounce", True, None)
    assert (c.code, c.enhanced, c.severity, c.bounce, c.fault) == (
        550, "5.1.1", "permanent", "hard", "recipient",
    )  # fmt: skip
    assert c.provider is None
    assert c.title == "Mailbox Unavailable"
    assert c.text == "<bob@example.org>: Recipient address rejected: User unknown"
    assert "user unknown" in c.matched
    assert c.advice and c.description
    assert smtpcodes.explain("421").title == "Service Not Available"


def test_enum_fields_are_plain_str() -> None:
    c = smtpcodes.classify(451, GREYLISTED)
    for field in ("severity", "reason", "bounce", "action", "fault"):
        assert type(getattr(c, field)) is str
    assert (c.reason, c.action, c.retry_after) == ("greylisted", "retry", 180)


def test_code_forms_agree() -> None:
    class Reply(enum.IntEnum):
        MAILBOX_UNAVAILABLE = 550

    given: list[int | str] = [550, "550", " 550 ", "550\n", Reply.MAILBOX_UNAVAILABLE]
    results = {smtpcodes.classify(code, USER_UNKNOWN) for code in given}
    assert len(results) == 1
    assert results.pop().code == 550


def test_absent_code_is_read_from_the_text() -> None:
    for code in (None, "", "   "):
        c = smtpcodes.classify(code, "smtp; 550 5.1.1 <bob@example.org>... User unknown")
        assert (c.code, c.enhanced, c.reason) == (550, "5.1.1", "user_unknown")
    c = smtpcodes.classify(None, MAILBOX_FULL)
    assert (c.reason, c.action, c.retry_after) == ("mailbox_full", "retry", 3600)


def test_given_code_wins_over_the_text() -> None:
    assert smtpcodes.classify(450, "550 5.1.1 User unknown").code == 450


def test_text_defaults_to_empty() -> None:
    assert smtpcodes.classify(421) == smtpcodes.classify(421, "")
    c = smtpcodes.classify(421)
    assert (c.reason, c.text) == ("service_unavailable", "")


def test_hints_are_keyword_only_and_sharpen() -> None:
    plain = smtpcodes.classify(550, "5.7.1 Access denied")
    hinted = smtpcodes.classify(
        550, "5.7.1 Access denied", command="MAIL FROM", host="mx.example.org"
    )
    assert hinted.reason == "sender_rejected"
    assert plain != hinted
    with pytest.raises(TypeError):
        smtpcodes.classify(550, "5.7.1 Access denied", "MAIL FROM")  # type: ignore[call-arg]
    google = smtpcodes.classify(421, "4.7.0 Try again later", host="gmail-smtp-in.l.google.com")
    assert google.provider == "google"
    for empty in (None, "", "  "):
        assert smtpcodes.classify(550, USER_UNKNOWN, command=empty) == smtpcodes.classify(
            550, USER_UNKNOWN
        )


def test_bytes_text_is_utf8_with_replacement() -> None:
    raw = "550 5.1.1 <jos\u00e9@example.org> unknown".encode()
    assert smtpcodes.classify(None, raw) == smtpcodes.classify(None, raw.decode())
    broken = b"550 5.1.1 <\xff\xfe@example.org>\x00 user unknown \xc3"
    c = smtpcodes.classify(None, broken)
    assert c.reason == "user_unknown"
    assert c == smtpcodes.classify(None, broken.decode("utf-8", "replace"))
    assert "\ufffd" in c.text


def test_surrogateescaped_str_equals_the_bytes() -> None:
    # How `email` and `os` keep undecodable bytes in a str.
    raw = b"550 5.1.1 <\xff@example.org> user unknown"
    escaped = raw.decode("utf-8", "surrogateescape")
    assert smtpcodes.classify(None, escaped) == smtpcodes.classify(None, raw)
    # A lone surrogate of no such origin is replaced, not an error.
    assert smtpcodes.classify(550, "\ud800 user unknown").reason == "user_unknown"
    for code in ("\ud800", "5\ud8000"):
        with pytest.raises(InvalidReplyError) as info:
            smtpcodes.classify(code, "x")
        assert info.value.kind == "invalid_code"


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (600, "code_out_of_range"),
        (199, "code_out_of_range"),
        (0, "code_out_of_range"),
        (-550, "code_out_of_range"),
        (2**63, "code_out_of_range"),
        (10**40, "code_out_of_range"),
        (-(10**40), "code_out_of_range"),
        ("600", "code_out_of_range"),
        ("99999999999999999999999", "code_out_of_range"),
        ("abc", "invalid_code"),
        ("5.1.1", "invalid_code"),
        ("550.0", "invalid_code"),
        ("+550", "invalid_code"),
        ("550 5.1.1", "invalid_code"),
        ("\x00", "invalid_code"),
    ],
)
def test_malformed_codes_raise_invalid_reply_error(code: Any, kind: str) -> None:
    with pytest.raises(InvalidReplyError) as info:
        smtpcodes.classify(code, "550 5.1.1 User unknown")
    err = info.value
    assert err.kind == kind
    assert err.kind in smtpcodes.error_kinds()
    assert isinstance(err, ValueError)
    assert "200" in str(err) and "599" in str(err)
    assert len(str(err)) < 200, "the message must not echo a huge input"


def test_unknown_command_hint_is_invalid_command() -> None:
    with pytest.raises(InvalidReplyError) as info:
        smtpcodes.classify(550, "x", command="make coffee")
    assert info.value.kind == "invalid_command"


def test_a_well_formed_unknown_code_is_not_an_error() -> None:
    c = smtpcodes.classify(599, "")
    assert (c.code, c.severity, c.reason, c.action) == (599, "permanent", "unknown", "bounce")


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((550.0, "x"), {}),
        ((True, "x"), {}),
        ((False, "x"), {}),
        (([550], "x"), {}),
        ((object(), "x"), {}),
        ((b"550", "x"), {}),
        ((550, None), {}),
        ((550, 550), {}),
        ((550, ["x"]), {}),
        ((550, bytearray(b"x")), {}),
        ((550, "x"), {"command": 3}),
        ((550, "x"), {"command": b"RCPT"}),
        ((550, "x"), {"host": 1.5}),
        ((550, "x"), {"host": ["mx"]}),
    ],
)
def test_wrong_types_raise_type_error(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError) as info:
        smtpcodes.classify(*args, **kwargs)
    assert not isinstance(info.value, ValueError)


def test_error_is_a_value_error_of_this_package() -> None:
    with pytest.raises(ValueError, match="abc") as info:
        smtpcodes.classify("abc")
    assert type(info.value) is InvalidReplyError
    assert type(info.value).__module__ == "smtpcodes"


# -- never a crash -----------------------------------------------------------------------------


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except (InvalidReplyError, TypeError):
        return "error"
    except BaseException as e:  # a pyo3 PanicException derives from BaseException
        pytest.fail(f"{type(e).__module__}.{type(e).__name__}: {e}")
    return "ok"


def test_random_inputs_never_crash() -> None:
    rng = random.Random(5321)
    alphabet = (
        "550 4.7.1 -;:<>@[]()\r\n\t\x00\u00e9\u2028\U0001f4e7\ud800smtp; said: retry in 5 min"
    )
    codes: list[Any] = [None, 550, 451, 200, 199, 600, -1, 2**64, "550", " 4 ", "5.5.0", "", 1.0]
    outcomes = set()
    for _ in range(3000):
        n = rng.choice([0, 1, 3, 10, 100, 1000])
        text: str | bytes = "".join(rng.choice(alphabet) for _ in range(n))
        if rng.random() < 0.3:
            text = bytes(rng.randrange(256) for _ in range(n))
        code = rng.choice(codes)
        command = rng.choice([None, "rcpt", "DATA", "bogus", ""])
        outcomes.add(_outcome(partial(smtpcodes.classify, code, text, command=command)))
        outcomes.add(_outcome(partial(smtpcodes.explain, text if isinstance(text, str) else code)))
    assert outcomes == {"ok", "error"}


def test_huge_and_hostile_texts_finish() -> None:
    rng = random.Random(42)
    garbage = bytes(rng.randrange(256) for _ in range(1 << 16)) * 160  # 10 MiB
    hostile: list[str | bytes] = [
        garbage,
        "\x00" * 1_000_000,
        "550-" * 250_000,
        "smtp; " * 150_000,
        "try again in " * 80_000,
        "5.1.1 " * 150_000,
        "host a[b] said: " * 60_000,
        "(" * 1_000_000,
    ]
    for text in hostile:
        start = time.perf_counter()
        c = smtpcodes.classify(None, text)
        assert c.reason in smtpcodes.reasons()
        # Linear time: a debug build reads 10 MB in about a second or two.
        assert time.perf_counter() - start < 30


# -- the result object -------------------------------------------------------------------------


def test_results_are_immutable() -> None:
    c = smtpcodes.classify(550, USER_UNKNOWN)
    with pytest.raises(AttributeError):
        c.reason = "delivered"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        c.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        del c.code
    with pytest.raises(TypeError):
        Classification()
    with pytest.raises(TypeError):
        type("Sub", (Classification,), {})
    d = c.to_dict()
    d["reason"] = "delivered"
    assert c.reason == "user_unknown"
    assert c.to_dict() is not c.to_dict()


def test_equality_and_hash() -> None:
    a = smtpcodes.classify(550, USER_UNKNOWN)
    b = smtpcodes.classify("550", USER_UNKNOWN.encode())
    other = smtpcodes.classify(551, USER_UNKNOWN)
    assert a == b and hash(a) == hash(b)
    assert a != other
    assert len({a, b, other}) == 2
    assert a != a.to_dict()
    assert (a == "user_unknown") is False


def test_repr() -> None:
    c = smtpcodes.classify(550, USER_UNKNOWN)
    r = repr(c)
    assert r.startswith("Classification(code=550, enhanced='5.1.1', severity='permanent', ")
    assert "reason='user_unknown'" in r and "retry_after=None" in r and "suppress=True" in r
    assert "matched='text \"user unknown\"'" in r
    assert c.description not in r, "the reference prose stays out of the repr"
    assert repr(smtpcodes.classify(250, 'it\'s "ok"\n')).count("\n") == 0


def test_to_dict_is_the_json_shape() -> None:
    d = smtpcodes.classify(
        421, "4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred"
    ).to_dict()
    assert list(d) == [
        "code", "enhanced", "severity", "reason", "bounce", "action", "retry_after", "suppress",
        "fault", "provider", "title", "description", "advice", "text", "matched",
    ]  # fmt: skip
    assert json.loads(json.dumps(d)) == d
    assert (d["provider"], d["reason"], d["action"], d["retry_after"]) == (
        "yahoo", "bad_reputation", "retry", 900,
    )  # fmt: skip


# -- explain -----------------------------------------------------------------------------------


def test_explain() -> None:
    e = smtpcodes.explain("421")
    assert (e.code, e.kind, e.severity, e.title, e.registered) == (
        "421", "basic", "transient", "Service Not Available", True,
    )  # fmt: skip
    assert smtpcodes.explain(421) == e and hash(smtpcodes.explain(421)) == hash(e)
    assert smtpcodes.explain(" 421 ") == e
    enhanced = smtpcodes.explain("5.1.1")
    assert enhanced.kind == "enhanced" and 550 in enhanced.basic
    assert isinstance(enhanced.basic, tuple) and isinstance(enhanced.classes, tuple)
    assert enhanced.class_title and enhanced.subject_title
    d = enhanced.to_dict()
    assert isinstance(d["basic"], list) and d["title"] == enhanced.title
    assert json.loads(json.dumps(d)) == d
    assert smtpcodes.explain("X.7.26").code == "X.7.26"
    assert smtpcodes.explain(599).registered is False
    assert repr(e).startswith("Explanation(code='421', kind='basic'")


@pytest.mark.parametrize(
    ("code", "kind"),
    [("abc", "invalid_code"), ("", "invalid_code"), ("600", "code_out_of_range"),
     (600, "code_out_of_range"), (10**30, "code_out_of_range"), ("5.1", "invalid_code")],
)  # fmt: skip
def test_explain_errors(code: Any, kind: str) -> None:
    with pytest.raises(InvalidReplyError) as info:
        smtpcodes.explain(code)
    assert info.value.kind == kind


@pytest.mark.parametrize("code", [True, 421.0, None, b"421", ["421"]])
def test_explain_type_errors(code: Any) -> None:
    with pytest.raises(TypeError):
        smtpcodes.explain(code)


# -- the retry policy --------------------------------------------------------------------------


def test_retry_policy_defaults_are_the_documented_ones() -> None:
    assert RetryPolicy().to_dict() == {
        "first_delay": 900, "backoff": 2.0, "max_delay": 14_400, "max_age": 432_000,
        "greylist_delay": 300, "rate_limit_delay": 1_800, "rate_limit_backoff": 1.5,
        "mailbox_full_delay": 3_600, "max_attempts": None, "soft_bounce_limit": 7,
        "jitter": 0.0, "seed": 0,
    }  # fmt: skip
    p = RetryPolicy()
    assert RetryPolicy(**p.to_dict()) == p
    assert all(getattr(p, k) == v for k, v in p.to_dict().items())
    # None means "the default", so a caller can pass settings through unconditionally.
    assert RetryPolicy(first_delay=None, max_attempts=None) == p


def test_retry_policy_issue_example() -> None:
    c = smtpcodes.classify(550, USER_UNKNOWN)
    d = RetryPolicy(max_age=3 * 86400).decide(c, attempts=2, elapsed=3600)
    assert (d.action, d.retry_after, d.why) == ("bounce", None, "not_retryable")


def test_decide_backs_off() -> None:
    c = smtpcodes.classify(None, MAILBOX_FULL)
    p = RetryPolicy()
    d = p.decide(c, 2, 3600)
    assert (d.action, d.retry_after, d.why) == ("retry", 7200, "backoff")
    assert p.decide(c, attempts=2, elapsed=3600) == d and hash(d) == hash(p.decide(c, 2, 3600))
    assert d.to_dict() == {"action": "retry", "retry_after": 7200, "why": "backoff"}
    assert repr(d) == "RetryDecision(action='retry', retry_after=7200, why='backoff')"
    late = p.decide(c, 30, 431_000)
    assert (late.action, late.retry_after, late.why) == ("retry", 1000, "final_attempt")
    assert p.decide(c, 3, 10**6).why == "max_age"
    assert RetryPolicy(max_attempts=3).decide(c, 3, 0).why == "max_attempts"
    assert p.decide(smtpcodes.classify(250, "OK"), 1, 0).why == "nothing_failed"


def test_decide_keeps_the_servers_stated_wait() -> None:
    c = smtpcodes.classify(451, GREYLISTED)
    d = RetryPolicy().decide(c, 1, 0)
    assert (d.action, d.retry_after, d.why) == ("retry", 180, "stated_wait")


def test_jitter_is_deterministic_for_a_seed() -> None:
    c = smtpcodes.classify(421, "")
    a = RetryPolicy(jitter=0.5, seed=7)
    assert a.decide(c, 3, 0) == RetryPolicy(jitter=0.5, seed=7).decide(c, 3, 0)
    delays = {RetryPolicy(jitter=0.5, seed=s).decide(c, 3, 0).retry_after for s in range(20)}
    assert len(delays) > 1


def test_should_suppress() -> None:
    p = RetryPolicy()
    hard = smtpcodes.classify(550, USER_UNKNOWN)
    soft = smtpcodes.classify(452, "4.2.2 Mailbox full")
    assert p.should_suppress(hard, 0) is True
    assert p.should_suppress(soft, 7) is False
    assert p.should_suppress(soft, 8) is True
    assert RetryPolicy(soft_bounce_limit=2).should_suppress(soft, consecutive_soft_bounces=3)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"backoff": 0.5}, "backoff"),
        ({"backoff": float("nan")}, "backoff"),
        ({"rate_limit_backoff": float("inf")}, "rate_limit_backoff"),
        ({"jitter": 1.0}, "jitter"),
        ({"jitter": -0.1}, "jitter"),
        ({"max_delay": 0}, "max_delay"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"first_delay": -1}, "first_delay"),
        ({"first_delay": 2**32}, "first_delay"),
        ({"max_age": -1}, "max_age"),
        ({"seed": 2**64}, "seed"),
    ],
)
def test_retry_policy_rejects_settings_that_cannot_work(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidReplyError) as info:
        RetryPolicy(**kwargs)
    assert info.value.kind == "invalid_policy"
    assert field in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [{"first_delay": 900.0}, {"first_delay": "900"}, {"max_attempts": True},
     {"backoff": "2"}, {"jitter": True}, {"seed": 1.5}],
)  # fmt: skip
def test_retry_policy_type_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        RetryPolicy(**kwargs)


def test_retry_policy_is_keyword_only_frozen_and_unhashable() -> None:
    with pytest.raises(TypeError):
        RetryPolicy(900)  # type: ignore[call-arg]
    p = RetryPolicy(backoff=3)
    assert p.backoff == 3.0 and isinstance(p.backoff, float)
    with pytest.raises(AttributeError):
        p.backoff = 2.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(p)
    assert p != RetryPolicy() and p == RetryPolicy(backoff=3.0)
    assert repr(RetryPolicy()).startswith("RetryPolicy(first_delay=900, backoff=2.0, ")


@pytest.mark.parametrize(
    ("attempts", "elapsed", "error"),
    [(1.0, 0, TypeError), (True, 0, TypeError), (1, 0.5, TypeError), (1, "0", TypeError),
     (-1, 0, ValueError), (1, -1, ValueError), (2**32, 0, ValueError)],
)  # fmt: skip
def test_decide_argument_errors(attempts: Any, elapsed: Any, error: type[Exception]) -> None:
    c = smtpcodes.classify(421, "")
    with pytest.raises(error):
        RetryPolicy().decide(c, attempts, elapsed)


def test_decide_wants_a_classification() -> None:
    with pytest.raises(TypeError):
        RetryPolicy().decide(smtpcodes.classify(421).to_dict(), 1, 0)  # type: ignore[arg-type]


# -- classify_many and threads -----------------------------------------------------------------

BATCH: list[Any] = [
    (421, "4.7.0 Try again later"),
    (None, "smtp; 550 5.1.1 <bob@example.org>... User unknown"),
    ("452", MAILBOX_FULL, "RCPT TO"),
    (550, b"5.7.1 Access denied", "MAIL FROM", "mx.example.org"),
    [451, GREYLISTED],
]


def test_classify_many_equals_one_at_a_time() -> None:
    got = smtpcodes.classify_many(BATCH)
    assert got == [
        smtpcodes.classify(
            item[0], item[1],
            command=item[2] if len(item) > 2 else None,
            host=item[3] if len(item) > 3 else None,
        )
        for item in BATCH
    ]  # fmt: skip
    assert smtpcodes.classify_many(iter(BATCH)) == got
    assert smtpcodes.classify_many(x for x in BATCH) == got
    assert smtpcodes.classify_many([]) == []


def test_classify_many_errors_name_the_item() -> None:
    with pytest.raises(InvalidReplyError) as info:
        smtpcodes.classify_many([(550, "x"), (600, "y")])
    assert info.value.kind == "code_out_of_range" and "item 1" in str(info.value)
    with pytest.raises(InvalidReplyError) as info:
        smtpcodes.classify_many([(550, "x", "nope")])
    assert info.value.kind == "invalid_command" and "item 0" in str(info.value)
    bad_batches: list[list[Any]] = [
        [(550,)], [(550, "x", None, None, None)], ["550 x"], [550], [(550.0, "x")],
        [(550, None)], [{"code": 550, "text": "x"}],
    ]  # fmt: skip
    for bad in bad_batches:
        with pytest.raises(TypeError):
            smtpcodes.classify_many(bad)
    for not_iterable in ("550 x", b"550 x", 550, None):
        with pytest.raises(TypeError):
            smtpcodes.classify_many(not_iterable)  # type: ignore[arg-type]


def test_classify_many_releases_the_gil() -> None:
    batch = [(None, MAILBOX_FULL * 4)] * 5_000
    assert steps_of_another_thread_during(lambda: smtpcodes.classify_many(batch)) > 1000


def test_a_long_text_is_classified_without_the_gil() -> None:
    text = "550 5.1.1 user unknown " + "x" * 5_000_000
    assert steps_of_another_thread_during(lambda: smtpcodes.classify(None, text)) > 1000


def test_threads_calling_at_once() -> None:
    rng = random.Random(3)
    texts = [USER_UNKNOWN, MAILBOX_FULL, GREYLISTED, "421 4.7.0 [TSS04] deferred", "", "250 OK"]
    calls = [(rng.choice([None, 421, 450, 550, "554"]), rng.choice(texts)) for _ in range(2000)]
    expected = [smtpcodes.classify(code, text).to_dict() for code, text in calls]

    def one(i: int) -> dict[str, Any]:
        return smtpcodes.classify(*calls[i]).to_dict()

    def batch(lo: int) -> list[dict[str, Any]]:
        return [c.to_dict() for c in smtpcodes.classify_many(calls[lo : lo + 100])]

    with ThreadPoolExecutor(max_workers=8) as pool:
        singles = list(pool.map(one, range(len(calls))))
        batches = [d for part in pool.map(batch, range(0, len(calls), 100)) for d in part]
    assert singles == expected
    assert batches == expected


# -- the module --------------------------------------------------------------------------------


def test_enum_lists() -> None:
    reasons = smtpcodes.reasons()
    assert isinstance(reasons, tuple) and len(reasons) == 33
    assert reasons[0] == "delivered" and reasons[-1] == "unknown"
    assert smtpcodes.severities() == (
        "success",
        "intermediate",
        "transient",
        "permanent",
        "unknown",
    )
    assert smtpcodes.bounces() == ("none", "soft", "hard", "block")
    assert smtpcodes.actions() == ("none", "retry", "bounce")
    assert {"google", "microsoft", "yahoo", "apple"} <= set(smtpcodes.providers())
    assert "rcpt" in smtpcodes.commands()
    assert "stated_wait" in smtpcodes.retry_whys()


def test_every_exported_name_exists() -> None:
    for name in smtpcodes.__all__:
        assert hasattr(smtpcodes, name), name
    smtpcodes.warm_up()
