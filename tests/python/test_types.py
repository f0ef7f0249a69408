"""Types and versions: the typed enum lists against the core's (the drift test), the version
against the Cargo workspace, the shipped type information, and a type checker's verdict on
code that uses the API right and wrong."""

from __future__ import annotations

import importlib.metadata
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
from support import REPO

import smtpcodes

DRIFT = [
    ("Severity", smtpcodes.Severity, smtpcodes.severities),
    ("Reason", smtpcodes.Reason, smtpcodes.reasons),
    ("Bounce", smtpcodes.Bounce, smtpcodes.bounces),
    ("Action", smtpcodes.Action, smtpcodes.actions),
    ("Fault", smtpcodes.Fault, smtpcodes.faults),
    ("Command", smtpcodes.Command, smtpcodes.commands),
    ("RetryWhy", smtpcodes.RetryWhy, smtpcodes.retry_whys),
    ("ErrorKind", smtpcodes.ErrorKind, smtpcodes.error_kinds),
    ("DsnAction", smtpcodes.DsnAction, smtpcodes.dsn_actions),
    ("BounceFormat", smtpcodes.BounceFormat, smtpcodes.bounce_formats),
    ("NotABounceWhat", smtpcodes.NotABounceWhat, smtpcodes.not_a_bounce_whats),
    ("LimitName", smtpcodes.LimitName, lambda: tuple(smtpcodes.default_limits())),
    ("LogFormat", smtpcodes.LogFormat, smtpcodes.log_formats),
    ("DeliveryStatus", smtpcodes.DeliveryStatus, smtpcodes.delivery_statuses),
]


@pytest.mark.parametrize(("name", "alias", "core"), DRIFT, ids=[d[0] for d in DRIFT])
def test_typed_lists_match_the_core(
    name: str, alias: Any, core: Callable[[], tuple[str, ...]]
) -> None:
    typed, actual = get_args(alias), core()
    if typed != actual:
        values = ", ".join(f'"{v}"' for v in actual)
        pytest.fail(
            f"smtpcodes.{name} differs from the core's list; paste this into "
            f"bindings-python/python/smtpcodes/_types.py:\n\n"
            f"{name}: TypeAlias = Literal[{values}]\n"
        )


def test_explanation_kinds_are_typed() -> None:
    kinds = {smtpcodes.explain("421").kind, smtpcodes.explain("5.1.1").kind}
    assert kinds == set(get_args(smtpcodes.ExplanationKind))


def workspace_version() -> str:
    text = (REPO / "Cargo.toml").read_text(encoding="utf-8")
    section = text.split("[workspace.package]", 1)[1]
    match = re.search(r'^version\s*=\s*"([^"]+)"', section, re.M)
    assert match, "Cargo.toml has no [workspace.package] version"
    return match.group(1)


def test_version_is_the_cargo_workspace_version() -> None:
    assert smtpcodes.__version__ == workspace_version()
    assert importlib.metadata.version("smtpcodes") == smtpcodes.__version__


def test_type_information_is_shipped() -> None:
    package = Path(smtpcodes.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_smtpcodes.pyi").is_file()


GOOD = """
    import smtpcodes
    from typing import Literal

    from typing_extensions import assert_type

    c = smtpcodes.classify(550, b"5.1.1 User unknown", command="RCPT TO", host=None)
    assert_type(c.reason, smtpcodes.Reason)
    assert_type(c.code, int | None)
    assert_type(c.retry_after, int | None)
    assert_type(c.suppress, bool)
    if c.action == "retry":
        pass
    d = smtpcodes.RetryPolicy(max_age=86400, backoff=1.5).decide(c, attempts=2, elapsed=60)
    assert_type(d.why, smtpcodes.RetryWhy)
    many = smtpcodes.classify_many([(421, "x"), (None, b"y", "DATA"), ("550", "z", None, "mx")])
    assert_type(many, list[smtpcodes.Classification])
    assert_type(smtpcodes.explain(421).basic, tuple[int, ...])
    try:
        smtpcodes.classify("abc")
    except smtpcodes.InvalidReplyError as e:
        assert_type(e.kind, smtpcodes.ErrorKind)
    reason: Literal["user_unknown", "host_unknown"] | str = c.reason

    raw = b"From: MAILER-DAEMON@example.net"
    for message in (raw, bytearray(raw), memoryview(raw), raw.decode()):
        try:
            report = smtpcodes.parse_bounce(message)
        except smtpcodes.NotABounceError as e:
            assert_type(e.kind, Literal["not_a_bounce"])
            assert_type(e.what, smtpcodes.NotABounceWhat)
            if e.what == "auto_reply":
                continue
            raise
        assert_type(report, smtpcodes.BounceReport)
        assert_type(report.format, smtpcodes.BounceFormat)
        assert_type(report.reporting_mta, str | None)
        assert_type(report.recipients, tuple[smtpcodes.BouncedRecipient, ...])
        for r in report.recipients:
            assert_type(r.action, smtpcodes.DsnAction)
            assert_type(r.status, str | None)
            assert_type(r.classification, smtpcodes.Classification)
            if r.action == "failed" and r.classification.suppress:
                pass
            d = smtpcodes.RetryPolicy().decide(r.classification, attempts=1, elapsed=0)
    assert_type(smtpcodes.dsn_actions(), tuple[smtpcodes.DsnAction, ...])

    try:
        smtpcodes.parse_bounce(raw, max_email_bytes=1 << 20, max_parts=None, max_depth=8)
    except smtpcodes.TooLargeError as e:
        assert_type(e.kind, Literal["too_large"])
        webhook_limits = Literal["max_webhook_bytes", "max_webhook_events"]
        assert_type(e.limit, smtpcodes.LimitName | webhook_limits)
        assert_type(e.max, int)
        if e.limit == "max_parts":
            pass
    except smtpcodes.InternalError as e:
        assert_type(e.kind, Literal["internal"])
    except Exception:
        pass
    limits = smtpcodes.default_limits()
    assert_type(limits, dict[smtpcodes.LimitName, int])
    smtpcodes.parse_bounce(raw, max_recipients=2 * limits["max_recipients"])
"""

BAD = {
    "a misspelt reason": 'smtpcodes.classify(550).reason == "user_unkown"',
    "a float code": "smtpcodes.classify(550.0)",
    "a positional hint": 'smtpcodes.classify(550, "x", "RCPT TO")',
    "an assignment to a field": 'smtpcodes.classify(550).reason = "delivered"',
    "a misspelt policy setting": "smtpcodes.RetryPolicy(max_ages=1)",
    "a dict for a classification": "smtpcodes.RetryPolicy().decide({}, 1, 0)",
    "an int email": "smtpcodes.parse_bounce(42)",
    "a list of lines for an email": 'smtpcodes.parse_bounce([b"From: a@b"])',
    "a misspelt DSN action": 'smtpcodes.parse_bounce(b"").recipients[0].action == "failled"',
    "a classification action for a DSN action": (
        'smtpcodes.parse_bounce(b"").recipients[0].action == "bounce"'
    ),
    "a misspelt refusal": 'smtpcodes.NotABounceError().what == "autoreply"',
    "an assignment to a report": 'smtpcodes.parse_bounce(b"").format = "dsn"',
    "a str limit": 'smtpcodes.parse_bounce(b"", max_parts="10")',
    "a positional limit": 'smtpcodes.parse_bounce(b"", 10)',
    "a limit parse_bounce does not take": 'smtpcodes.parse_bounce(b"", max_line_bytes=10)',
    "a misspelt limit name": 'smtpcodes.TooLargeError().limit == "max_part"',
    "a misspelt default": 'smtpcodes.default_limits()["max_part"]',
}


def mypy_errors(tmp_path: Path, source: str) -> list[str]:
    api = pytest.importorskip("mypy.api")
    path = tmp_path / "sample.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    cache = REPO / "target" / "python" / "mypy-cache"
    out, err, status = api.run(
        ["--strict", "--cache-dir", str(cache), "--no-error-summary", str(path)]
    )
    assert status in (0, 1), err
    return [line for line in out.splitlines() if ": error:" in line]


def test_a_type_checker_accepts_right_use(tmp_path: Path) -> None:
    assert mypy_errors(tmp_path, GOOD) == []


def test_a_type_checker_rejects_wrong_use(tmp_path: Path) -> None:
    lines = ["import smtpcodes", *BAD.values()]
    errors = mypy_errors(tmp_path, "\n".join(lines))
    flagged = {int(e.split(":")[1]) for e in errors}
    missed = [what for n, what in enumerate(BAD, start=2) if n not in flagged]
    assert not missed, f"mypy accepted {missed}; it said {errors}"
