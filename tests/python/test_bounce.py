"""`parse_bounce()`: every fixture email of tests/emails/ gives, field by field, its golden file
(`X.json`, which the Rust and Node suites also hold the core to); emails that are no bounce
raise `NotABounceError` with the core's `what` and message; the argument forms; the result
objects; large emails and threads."""

from __future__ import annotations

import base64
import json
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, get_args

import pytest
from support import EMAILS, golden_bounce, steps_of_another_thread_during

import smtpcodes
from smtpcodes import BouncedRecipient, BounceReport, Classification, NotABounceError

FIXTURES = sorted(EMAILS.glob("*.eml"))
DSN = EMAILS / "dsn-postfix-user-unknown.eml"

# The fields of each object, in the order of the core's structs (the CLI's JSON keys).
REPORT_FIELDS = [
    "format", "reporting_mta", "original_message_id", "recipients", "complaints"
]  # fmt: skip
RECIPIENT_FIELDS = [
    "recipient", "original_recipient", "action", "status", "remote_mta", "diagnostic",
    "arrival_date", "last_attempt_date", "classification",
]  # fmt: skip
CLASSIFICATION_FIELDS = [
    "code", "enhanced", "severity", "reason", "bounce", "action", "retry_after", "suppress",
    "fault", "provider", "title", "description", "advice", "text", "matched",
]  # fmt: skip

# The fixtures that are no bounce, and what the core says they are.
NOT_BOUNCES = {
    "auto-reply.eml": "auto_reply",
    "ordinary.eml": "no_delivery_failure",
}


def test_the_fixtures_are_all_there() -> None:
    names = {p.name for p in FIXTURES}
    assert len(names) >= 10 and DSN.name in names
    assert set(NOT_BOUNCES) <= names


def differences(ours: Any, rust: Any, where: str = "") -> list[str]:
    """Every place where two JSON values differ, key order included, as readable lines."""
    if isinstance(rust, dict) and isinstance(ours, dict):
        if list(ours) != list(rust):
            return [f"{where or '.'}: keys {list(ours)}, Rust {list(rust)}"]
        return [d for k in rust for d in differences(ours[k], rust[k], f"{where}.{k}")]
    if isinstance(rust, list) and isinstance(ours, list):
        if len(ours) != len(rust):
            return [f"{where}: {len(ours)} items, Rust {len(rust)}"]
        pairs = enumerate(zip(ours, rust, strict=True))
        return [d for i, (o, r) in pairs for d in differences(o, r, f"{where}[{i}]")]
    if type(ours) is not type(rust) or ours != rust:
        return [f"{where}: Python {ours!r}, Rust {rust!r}"]
    return []


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_gives_its_golden_file(path: Path) -> None:
    rust = golden_bounce(path)
    raw = path.read_bytes()
    if "error" in rust:
        with pytest.raises(NotABounceError) as info:
            smtpcodes.parse_bounce(raw)
        want = rust["error"]
        assert (info.value.kind, info.value.what, str(info.value)) == (
            want["kind"], want["what"], want["message"]
        )  # fmt: skip
        assert info.value.what == NOT_BOUNCES.get(path.name), "a fixture changed its nature"
        return
    assert path.name not in NOT_BOUNCES, f"the golden file reads {path.name} as a bounce"
    report = smtpcodes.parse_bounce(raw)
    ours = report.to_dict()
    assert not differences(ours, rust), "\n".join(differences(ours, rust))
    assert ours == rust

    # Field by field, through the attributes: they say what to_dict() (and Rust) says.
    assert list(rust) == REPORT_FIELDS
    for key in REPORT_FIELDS[:3]:
        assert getattr(report, key) == rust[key], key
    assert report.complaints == rust["complaints"]
    assert isinstance(report.recipients, tuple)
    assert len(report.recipients) == len(rust["recipients"])
    assert len(report.recipients) + len(report.complaints) >= 1
    for r, want in zip(report.recipients, rust["recipients"], strict=True):
        assert isinstance(r, BouncedRecipient)
        assert list(want) == RECIPIENT_FIELDS
        for key in RECIPIENT_FIELDS[:-1]:
            assert getattr(r, key) == want[key], f"{r.recipient}: {key}"
        c = r.classification
        assert type(c) is Classification
        assert list(want["classification"]) == CLASSIFICATION_FIELDS
        for key in CLASSIFICATION_FIELDS:
            assert getattr(c, key) == want["classification"][key], f"{r.recipient}: {key}"
        assert r.action in smtpcodes.dsn_actions()
        assert r.action in get_args(smtpcodes.DsnAction)
    assert report.format in get_args(smtpcodes.BounceFormat)


def test_the_dsn_fixture_in_detail() -> None:
    report = smtpcodes.parse_bounce(DSN.read_bytes())
    assert (report.format, report.reporting_mta, report.original_message_id) == (
        "dsn", "mx.example.net", "report-42@example.com",
    )  # fmt: skip
    bob, carol = report.recipients
    assert (bob.recipient, bob.original_recipient, bob.action, bob.status, bob.remote_mta) == (
        "bob@example.org", "bob@example.org", "failed", "5.1.1", "mx1.example.org",
    )  # fmt: skip
    assert bob.diagnostic.startswith("smtp; 550 5.1.1 <bob@example.org>")
    assert bob.arrival_date == "Mon, 23 Nov 2026 09:59:58 +0000 (UTC)"
    assert bob.last_attempt_date is None
    assert (bob.classification.reason, bob.classification.suppress) == ("user_unknown", True)
    assert (carol.action, carol.status, carol.classification.reason) == (
        "delayed", "4.2.2", "mailbox_full",
    )  # fmt: skip
    assert carol.classification.action == "retry"


def test_every_format_and_every_refusal_is_typed() -> None:
    """Every value of the core's lists (drift-tested in test_types.py) is one that the fixtures
    show in use, and the fixtures show no other."""
    formats, whats = set(), set()
    for path in FIXTURES:
        try:
            formats.add(smtpcodes.parse_bounce(path.read_bytes()).format)
        except NotABounceError as e:
            whats.add(e.what)
    try:
        smtpcodes.parse_bounce(b"")
    except NotABounceError as e:
        whats.add(e.what)
    assert formats == set(get_args(smtpcodes.BounceFormat)) == set(smtpcodes.bounce_formats())
    assert whats == set(get_args(smtpcodes.NotABounceWhat)) == set(smtpcodes.not_a_bounce_whats())


# -- not a bounce ------------------------------------------------------------------------------

JUNK = bytes(random.Random(3464).randrange(256) for _ in range(4096))


@pytest.mark.parametrize(
    ("message", "what"),
    [
        *((EMAILS / name, what) for name, what in NOT_BOUNCES.items()),
        (b"", "not_an_email"),
        (b"   \r\n\r\n", "not_an_email"),
        (JUNK, "not_an_email"),
        (b"\x00" * 100_000, "not_an_email"),
        ("Hello, this is not an email at all.", "not_an_email"),
        (b"Subject: hi\r\n\r\nSee you tomorrow.\r\n", "no_delivery_failure"),
    ],
    ids=[*NOT_BOUNCES, "empty", "blank", "binary-junk", "nul", "plain-text", "no-failure"],
)
def test_not_a_bounce(message: Path | bytes | str, what: str) -> None:
    data = message.read_bytes() if isinstance(message, Path) else message
    with pytest.raises(NotABounceError) as info:
        smtpcodes.parse_bounce(data)
    err = info.value
    assert (err.kind, err.what) == ("not_a_bounce", what)
    assert err.kind in smtpcodes.error_kinds()
    assert isinstance(err, ValueError)
    assert smtpcodes.InvalidReplyError not in type(err).__mro__, "not a malformed reply"
    assert type(err).__module__ == "smtpcodes"
    assert str(err).startswith("not a bounce: ")


def test_not_a_bounce_error_can_be_caught_as_a_value_error() -> None:
    with pytest.raises(ValueError, match="automatic reply"):
        smtpcodes.parse_bounce((EMAILS / "auto-reply.eml").read_bytes())
    assert NotABounceError.kind == "not_a_bounce"
    assert issubclass(NotABounceError, ValueError)


# -- the argument ------------------------------------------------------------------------------


def test_every_argument_form_gives_the_same_report() -> None:
    raw = DSN.read_bytes()
    want = smtpcodes.parse_bounce(raw)

    class Raw(bytes):
        pass

    forms: list[Any] = [
        bytearray(raw),
        memoryview(raw),
        memoryview(b"xx" + raw + b"yy")[2:-2],
        memoryview(bytearray(raw)),
        raw.decode("utf-8"),
        Raw(raw),
    ]
    for form in forms:
        assert smtpcodes.parse_bounce(form) == want, type(form)
    assert smtpcodes.parse_bounce(message=raw) == want


def test_str_is_utf8_and_surrogateescape_gives_the_bytes_back() -> None:
    raw = DSN.read_bytes().replace(b"Mailbox full", b"Mailbox full \xe9t\xe9 \xff")
    escaped = raw.decode("utf-8", "surrogateescape")
    assert smtpcodes.parse_bounce(escaped) == smtpcodes.parse_bounce(raw)
    text = DSN.read_text(encoding="utf-8").replace("Mailbox full", "Bo\u00eete pleine \U0001f4e7")
    report = smtpcodes.parse_bounce(text)
    assert report == smtpcodes.parse_bounce(text.encode("utf-8"))
    assert "Bo\u00eete pleine \U0001f4e7" in report.recipients[1].diagnostic
    # A lone surrogate of no such origin is replaced, not an error.
    lone = text.replace("Bo\u00eete", "\ud800\u00eete")
    diagnostic = smtpcodes.parse_bounce(lone).recipients[1].diagnostic
    assert diagnostic.endswith("\ufffd\u00eete pleine \U0001f4e7")


def test_a_bytearray_is_read_as_it_was_at_the_call() -> None:
    buf = bytearray(DSN.read_bytes())
    report = smtpcodes.parse_bounce(buf)
    buf[:] = b"Subject: changed\r\n\r\nnothing\r\n"
    assert report == smtpcodes.parse_bounce(DSN.read_bytes())


@pytest.mark.parametrize("message", [1, None, [b"From: a"], 1.5, {"raw": b""}, True, object()])
def test_wrong_types_raise_type_error(message: Any) -> None:
    with pytest.raises(TypeError) as info:
        smtpcodes.parse_bounce(message)
    assert not isinstance(info.value, ValueError)
    assert str(info.value).startswith("message must be bytes, bytearray, memoryview or str, not ")


def test_mutated_emails_never_crash() -> None:
    rng = random.Random(1894)
    sources = [p.read_bytes() for p in FIXTURES]
    outcomes: set[str] = set()
    for _ in range(600):
        raw = bytearray(rng.choice(sources))
        roll = rng.random()
        if roll < 0.3:
            del raw[rng.randrange(len(raw)) :]
        elif roll < 0.6:
            for _ in range(rng.randrange(1, 20)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        elif roll < 0.8:
            a, b = sorted(rng.randrange(len(raw)) for _ in range(2))
            raw[a:a] = raw[a:b] * rng.randrange(1, 5)
        else:
            raw = raw.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n", b""]))
        try:
            report = smtpcodes.parse_bounce(bytes(raw))
        except NotABounceError as e:
            outcomes.add(e.what)
        else:
            assert report.recipients or report.complaints
            assert json.loads(json.dumps(report.to_dict()))
            outcomes.add("report")
    assert "report" in outcomes and len(outcomes) > 2
    assert outcomes - {"report"} <= set(get_args(smtpcodes.NotABounceWhat))


# -- the results -------------------------------------------------------------------------------


def test_results_are_immutable() -> None:
    report = smtpcodes.parse_bounce(DSN.read_bytes())
    r = report.recipients[0]
    with pytest.raises(AttributeError):
        report.format = "text"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        r.status = "5.0.0"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        r.extra = 1  # type: ignore[attr-defined]
    for cls in (BounceReport, BouncedRecipient):
        with pytest.raises(TypeError):
            cls()
        with pytest.raises(TypeError):
            type("Sub", (cls,), {})
    d = report.to_dict()
    d["recipients"][0]["classification"]["reason"] = "delivered"
    assert r.classification.reason == "user_unknown"
    assert report.to_dict() is not report.to_dict()


def test_the_same_objects_on_every_access() -> None:
    report = smtpcodes.parse_bounce(DSN.read_bytes())
    assert report.recipients == report.recipients
    assert all(a is b for a, b in zip(report.recipients, report.recipients, strict=True))
    r = report.recipients[0]
    assert r.classification is r.classification


def test_equality_and_hash() -> None:
    raw = DSN.read_bytes()
    a, b = smtpcodes.parse_bounce(raw), smtpcodes.parse_bounce(bytearray(raw))
    other = smtpcodes.parse_bounce((EMAILS / "qmail-text.eml").read_bytes())
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != other
    assert len({a, b, other}) == 2
    assert a.recipients[0] == b.recipients[0] and hash(a.recipients[0]) == hash(b.recipients[0])
    assert a.recipients[0] != a.recipients[1]
    assert len({*a.recipients, *b.recipients}) == 2
    assert a != a.to_dict()
    assert (a.recipients[0] == "bob@example.org") is False


def test_repr() -> None:
    report = smtpcodes.parse_bounce((EMAILS / "qmail-text.eml").read_bytes())
    text = repr(report)
    assert text.startswith(
        "BounceReport(format='text', reporting_mta=None, original_message_id=None, "
        "recipients=(BouncedRecipient(recipient='erin@example.org', original_recipient=None, "
        "action='failed', status='5.7.1', remote_mta=None, diagnostic='"
    )
    assert "classification=Classification(code=550, enhanced='5.7.1'" in text
    assert text.count("BouncedRecipient(") == 2 and text.endswith(")), complaints=[])")
    assert repr(report.recipients[1]).startswith("BouncedRecipient(recipient='frank@example.org'")
    assert report.recipients[0].classification.description not in text


def test_to_dict_is_the_json_shape() -> None:
    report = smtpcodes.parse_bounce(DSN.read_bytes())
    d = report.to_dict()
    assert list(d) == REPORT_FIELDS
    assert isinstance(d["recipients"], list)
    assert [list(r) for r in d["recipients"]] == [RECIPIENT_FIELDS] * 2
    assert d["recipients"][0]["classification"] == report.recipients[0].classification.to_dict()
    assert d["recipients"][1] == report.recipients[1].to_dict()
    assert json.loads(json.dumps(d)) == d


# -- large emails and threads ------------------------------------------------------------------


def with_attachment(size: int) -> bytes:
    """The DSN fixture returning the whole message, with an attachment of `size` bytes."""
    raw = DSN.read_bytes()
    head, _, _ = raw.rpartition(b"Content-Description: Undelivered Message Headers")
    boundary = b"--8B1F2C0A1B.1763892000/mx.example.net"
    payload = base64.encodebytes(random.Random(7).randbytes(size * 3 // 4))
    return (
        head + b"Content-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n\r\n"
        b"Return-Path: <alice@example.com>\r\nFrom: Alice <alice@example.com>\r\n"
        b"To: bob@example.org, carol@example.org\r\nSubject: Quarterly report\r\n"
        b"Message-ID: <report-42@example.com>\r\nDate: Mon, 23 Nov 2026 09:59:57 +0000\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="inner"\r\n\r\n'
        b"--inner\r\nContent-Type: text/plain\r\n\r\nThe report is attached.\r\n"
        b"--inner\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="report.pdf"\r\n\r\n'
        + payload
        + b"--inner--\r\n\r\n"
        + boundary
        + b"--\r\n"
    )


@pytest.fixture(scope="module")
def big_email() -> bytes:
    raw = with_attachment(20 * 1024 * 1024)
    assert len(raw) >= 20_000_000
    return raw


def test_a_20_mb_attachment(big_email: bytes) -> None:
    start = time.perf_counter()
    report = smtpcodes.parse_bounce(big_email)
    # A debug build reads it in about a second.
    assert time.perf_counter() - start < 30
    assert report == smtpcodes.parse_bounce(DSN.read_bytes())
    assert smtpcodes.parse_bounce(memoryview(big_email)) == report
    assert smtpcodes.parse_bounce(big_email.decode("ascii")) == report


def test_a_large_email_is_read_without_the_gil(big_email: bytes) -> None:
    assert steps_of_another_thread_during(lambda: smtpcodes.parse_bounce(big_email)) > 1000


def test_threads_calling_at_once() -> None:
    sources = [p.read_bytes() for p in FIXTURES] + [b"", JUNK, with_attachment(1 << 20)]

    def outcome(raw: bytes) -> dict[str, Any] | str:
        try:
            return smtpcodes.parse_bounce(raw).to_dict()
        except NotABounceError as e:
            return e.what

    expected = [outcome(raw) for raw in sources]
    calls = list(range(len(sources))) * 12
    random.Random(5).shuffle(calls)
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda i: outcome(sources[i]), calls))
    assert got == [expected[i] for i in calls]


# -- limits ------------------------------------------------------------------------------------

LIMITS = ["max_email_bytes", "max_header_bytes", "max_parts", "max_depth", "max_recipients"]
DEFAULTS = {
    "max_email_bytes": 64 * 1024 * 1024,
    "max_header_bytes": 1024 * 1024,
    "max_parts": 1000,
    "max_depth": 32,
    "max_recipients": 10_000,
    "max_line_bytes": 1024 * 1024,
}


def test_the_default_limits_are_the_documented_ones() -> None:
    assert smtpcodes.default_limits() == DEFAULTS
    assert list(smtpcodes.default_limits()) == list(get_args(smtpcodes.LimitName))
    assert smtpcodes.default_limits() is not smtpcodes.default_limits()


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_the_defaults_read_every_fixture_as_before(path: Path) -> None:
    raw = path.read_bytes()

    def outcome(**limits: Any) -> Any:
        try:
            return smtpcodes.parse_bounce(raw, **limits)
        except NotABounceError as e:
            return e.what

    want = outcome()
    assert outcome(**dict.fromkeys(LIMITS)) == want
    assert outcome(**{k: DEFAULTS[k] for k in LIMITS}) == want
    assert outcome(**{k: 10 * DEFAULTS[k] for k in LIMITS}) == want


def over_limit(raw: bytes | bytearray | memoryview | str, **limits: int) -> smtpcodes.TooLargeError:
    with pytest.raises(smtpcodes.TooLargeError) as info:
        smtpcodes.parse_bounce(raw, **limits)
    return info.value


@pytest.mark.parametrize(
    ("limit", "fits"),
    # The least value of each limit that the DSN fixture (with a returned message of two
    # parts, three levels deep) fits in.
    [("max_email_bytes", None), ("max_header_bytes", 396), ("max_parts", 7), ("max_depth", 3),
     ("max_recipients", 2)],
)  # fmt: skip
def test_each_limit_refuses_what_is_over_it(limit: str, fits: int | None) -> None:
    raw = with_attachment(1000)
    fits = fits or len(raw)
    want = smtpcodes.parse_bounce(raw)
    assert smtpcodes.parse_bounce(raw, **{limit: fits}) == want
    err = over_limit(raw, **{limit: fits - 1})
    assert (err.kind, err.limit, err.max) == ("too_large", limit, fits - 1)
    assert str(err) == (
        f"input too large: it is over the {limit} limit of {fits - 1}; nothing was read "
        "(raise the limit to read it)"
    )
    assert err.kind in smtpcodes.error_kinds()
    assert isinstance(err, ValueError) and type(err).__module__ == "smtpcodes"
    assert not issubclass(smtpcodes.TooLargeError, smtpcodes.InvalidReplyError | NotABounceError)
    assert smtpcodes.TooLargeError.kind == "too_large"
    # Every argument form is measured the same: a str by its UTF-8 bytes.
    for form in (bytearray(raw), memoryview(raw), raw.decode("ascii")):
        assert over_limit(form, **{limit: fits - 1}).limit == limit


def test_a_limit_is_checked_before_the_email_is_read() -> None:
    # Not a bounce, and not an email at all: the size is refused first.
    assert over_limit(b"\x00" * 1000, max_email_bytes=999).limit == "max_email_bytes"
    assert over_limit(JUNK, max_email_bytes=1).max == 1


def nested_multiparts(depth: int) -> bytes:
    inner = b"Content-Type: text/plain\n\nhello\n"
    for i in range(depth):
        inner = b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n%s--b%d--\n' % (
            i, i, inner, i,
        )  # fmt: skip
    return b"From: MAILER-DAEMON@example.net\nSubject: Undelivered\nMIME-Version: 1.0\n" + inner


def text_bounce(n: int) -> bytes:
    blocks = b"".join(
        b"<user%d@example.org>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n" % i
        for i in range(n)
    )
    return (
        b"From: MAILER-DAEMON@mail.example.com\nSubject: failure notice\n\n"
        b"Hi. This is the qmail-send program at mail.example.com.\n"
        b"I'm afraid I wasn't able to deliver your message to the following addresses.\n\n" + blocks
    )


def test_the_defaults_refuse_what_is_over_them() -> None:
    # 33 nested multiparts, 1,001 parts, 10,001 recipients, an email of 64 MiB + 1 byte.
    deep = nested_multiparts(33)
    err = over_limit(deep)
    assert (err.limit, err.max) == ("max_depth", 32)
    with pytest.raises(NotABounceError):
        smtpcodes.parse_bounce(deep, max_depth=33)
    with pytest.raises(NotABounceError):
        smtpcodes.parse_bounce(nested_multiparts(32))

    parts = b"".join(b"--b\nContent-Type: text/plain\n\npart %d\n" % i for i in range(1001))
    many = b'Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
    err = over_limit(many + parts + b"--b--\n")
    assert (err.limit, err.max) == ("max_parts", 1000)

    crowd = text_bounce(10_001)
    err = over_limit(crowd)
    assert (err.limit, err.max) == ("max_recipients", 10_000)
    report = smtpcodes.parse_bounce(crowd, max_recipients=10_001)
    assert len(report.recipients) == 10_001

    big = with_attachment(1000)
    big += b" " * (DEFAULTS["max_email_bytes"] + 1 - len(big))
    err = over_limit(big)
    assert (err.limit, err.max) == ("max_email_bytes", DEFAULTS["max_email_bytes"])


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize(
    ("value", "error"),
    [("10", TypeError), (10.0, TypeError), (True, TypeError), (False, TypeError),
     ([10], TypeError), (b"10", TypeError), (0, ValueError), (-1, ValueError),
     (2**64, ValueError), (-(2**100), ValueError)],
    ids=repr,
)  # fmt: skip
def test_limits_are_positive_ints(limit: str, value: Any, error: type[Exception]) -> None:
    raw = DSN.read_bytes()
    with pytest.raises(error) as info:
        smtpcodes.parse_bounce(raw, **{limit: value})
    if error is TypeError:
        assert not isinstance(info.value, ValueError)
        assert str(info.value) == f"{limit} must be an int or None, not {type(value).__name__}"
    else:
        assert type(info.value) is ValueError
        usize_max = 2 * sys.maxsize + 1
        assert str(info.value) == f"{limit} must be a whole number from 1 to {usize_max}"


def test_limits_are_keywords_for_parse_bounce_only() -> None:
    raw = DSN.read_bytes()
    with pytest.raises(TypeError):
        smtpcodes.parse_bounce(raw, 100)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        smtpcodes.parse_bounce(raw, max_line_bytes=100)  # type: ignore[call-arg]

    class Small(int):
        def __index__(self) -> int:
            return 10**9

    # An int subclass is read for the number it holds.
    assert over_limit(raw, max_recipients=Small(1)).max == 1


def test_complaint_reports_name_the_address_to_suppress() -> None:
    report = smtpcodes.parse_bounce((EMAILS / "complaint-arf-rcpt.eml").read_bytes())
    assert report.format == "arf"
    assert report.recipients == ()
    assert report.complaints == [
        {
            "recipient": "trent@example.net",
            "feedback_type": "abuse",
            "user_agent": "ExampleFBL/2.1",
            "source_ip": "192.0.2.1",
            "arrival_date": "Thu, 8 Mar 2026 13:59:58 +0000",
            "original_mail_from": "bounces+1234@example.com",
            "suppress": True,
        }
    ]
    assert report.to_dict()["complaints"] == report.complaints
    plain = smtpcodes.parse_bounce((EMAILS / "complaint-arf.eml").read_bytes())
    assert plain.complaints[0]["recipient"] == "mallory@example.net"
