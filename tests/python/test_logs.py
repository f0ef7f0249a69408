"""Mail logs: the golden files of tests/logs/ (which the Rust and Node suites run too) through
`parse_log_line()` and `read_log()`, the sample log's counts, the argument forms, the limits
and the typed errors."""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import pytest
from support import REPO

import smtpcodes
from smtpcodes import Classification, LogRecord

LOGS = REPO / "tests" / "logs"
LINES = json.loads((LOGS / "lines.json").read_text(encoding="utf-8"))["cases"]
READER = json.loads((LOGS / "reader.json").read_text(encoding="utf-8"))["cases"]
SAMPLE = REPO / "examples" / "mail.log"

# The keys of a record, in the order of the core's struct (the JSON of the golden files).
RECORD_FIELDS = [
    "format", "timestamp", "queue_id", "sender", "message_id", "recipient", "recipients",
    "original_recipient", "relay", "status", "dsn", "text",
]  # fmt: skip

BOUNCED = LINES[0]["line"]


def fields(record: LogRecord) -> dict[str, Any]:
    """A record without its classification, as the golden files state it."""
    return {k: v for k, v in record.items() if k != "classification"}


@pytest.mark.parametrize("case", LINES, ids=[c["id"] for c in LINES])
def test_line(case: dict[str, Any]) -> None:
    record = smtpcodes.parse_log_line(case["line"])
    if case["record"] is None:
        assert record is None
        return
    assert record is not None
    assert list(record) == [*RECORD_FIELDS, "classification"]
    assert fields(record) == case["record"]
    c = record["classification"]
    assert isinstance(c, Classification)
    want = case["classification"]
    assert {k: c.to_dict()[k] for k in want} == want
    # The same line as bytes reads the same.
    assert smtpcodes.parse_log_line(case["line"].encode()) == record


@pytest.mark.parametrize("case", READER, ids=[c["id"] for c in READER])
def test_reader(case: dict[str, Any]) -> None:
    options: dict[str, Any] = {k: case[k] for k in ("max_line_bytes", "long_lines") if k in case}
    # From the text in memory and from a binary file, read in small pieces.
    for source in (case["log"], io.BufferedReader(io.BytesIO(case["log"].encode()), 16)):
        reader = smtpcodes.read_log(source, **options)
        events = []
        for event in reader:
            if event["event"] == "record":
                record = event["record"]
                assert isinstance(record["classification"], Classification)
                events.append({"event": "record", "line": event["line"], "record": fields(record)})
            else:
                events.append(dict(event))
        assert events == case["events"]
        counts = (reader.lines_read, reader.lines_truncated, reader.lines_skipped)
        assert counts == (case["lines_read"], case["lines_truncated"], case["lines_skipped"])


def test_a_record_of_a_log_is_the_record_of_its_line() -> None:
    for event in smtpcodes.read_log(BOUNCED + "\n"):
        assert event["event"] == "record"
        assert event["record"] == smtpcodes.parse_log_line(BOUNCED)


def test_the_sample_log_has_the_records_its_generator_wrote() -> None:
    want = json.loads((LOGS / "sample-counts.json").read_text(encoding="utf-8"))
    counts: Counter[tuple[str, str]] = Counter()
    recipients = 0
    with SAMPLE.open("rb") as f:
        reader = smtpcodes.read_log(f)
        for event in reader:
            assert event["event"] == "record"
            record = event["record"]
            counts[(record["format"], record["status"])] += 1
            recipients += len(record["recipients"])
    expected = {
        (fmt, status): n for fmt, per in want["by_format"].items() for status, n in per.items()
    }
    assert dict(counts) == expected
    assert sum(counts.values()) == want["records"]
    assert recipients == want["recipients"]
    assert reader.lines_read == want["lines"]


def test_a_path_is_opened_and_read() -> None:
    assert [e["line"] for e in smtpcodes.read_log(SAMPLE)] == [
        e["line"] for e in smtpcodes.read_log(SAMPLE.read_bytes())
    ]
    with pytest.raises(FileNotFoundError):
        smtpcodes.read_log(SAMPLE.with_name("no-such.log"))


def test_a_gzipped_log_reads_as_the_plain_one(tmp_path: Path) -> None:
    packed = tmp_path / "mail.log.gz"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    with gzip.open(packed, "rb") as f:
        zipped = [e["line"] for e in smtpcodes.read_log(f)]
    assert zipped == [e["line"] for e in smtpcodes.read_log(SAMPLE.read_bytes())]


def test_argument_forms() -> None:
    want = smtpcodes.parse_log_line(BOUNCED)
    raw = BOUNCED.encode()
    assert smtpcodes.parse_log_line(bytearray(raw)) == want
    assert smtpcodes.parse_log_line(memoryview(raw)) == want
    # Invalid UTF-8 is replaced, not refused; so are the lone surrogates of surrogateescape.
    odd = raw.replace(b"User unknown", b"User unknown \xff")
    record = smtpcodes.parse_log_line(odd)
    assert record is not None
    assert record["text"].endswith("User unknown \ufffd (in reply to RCPT TO command)")
    assert smtpcodes.parse_log_line(odd.decode("utf-8", "surrogateescape")) == record
    assert smtpcodes.parse_log_line("noise") is None
    assert smtpcodes.parse_log_line("") is None
    for log in (raw, bytearray(raw), memoryview(raw), BOUNCED):
        assert [e["line"] for e in smtpcodes.read_log(log)] == [1]


def test_wrong_types_are_type_errors() -> None:
    for bad in (None, 5, 1.5, ["x"]):
        with pytest.raises(TypeError):
            smtpcodes.parse_log_line(bad)  # type: ignore[arg-type]
    for bad in (None, 5, ["x"]):
        with pytest.raises(TypeError):
            smtpcodes.read_log(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        smtpcodes.read_log("", long_lines=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        smtpcodes.parse_log_line(BOUNCED, max_line_bytes="10")  # type: ignore[arg-type]
    # A text file gives str: the reader says to open it in binary mode.
    with pytest.raises(TypeError, match="'rb'"):
        next(smtpcodes.read_log(io.StringIO(BOUNCED)))  # type: ignore[arg-type]


def test_a_line_over_the_limit_is_too_large() -> None:
    default = smtpcodes.default_limits()["max_line_bytes"]
    with pytest.raises(smtpcodes.TooLargeError) as raised:
        smtpcodes.parse_log_line(BOUNCED, max_line_bytes=len(BOUNCED) - 1)
    e = raised.value
    assert (e.kind, e.limit, e.max) == ("too_large", "max_line_bytes", len(BOUNCED) - 1)
    assert smtpcodes.parse_log_line(BOUNCED, max_line_bytes=len(BOUNCED)) is not None
    with pytest.raises(smtpcodes.TooLargeError):
        smtpcodes.parse_log_line("x" * (default + 1))
    for bad in (0, -1):
        with pytest.raises(ValueError, match="max_line_bytes must be a whole number"):
            smtpcodes.parse_log_line(BOUNCED, max_line_bytes=bad)
        with pytest.raises(ValueError, match="max_line_bytes must be a whole number"):
            smtpcodes.read_log(BOUNCED, max_line_bytes=bad)


def test_an_unknown_long_lines_policy_is_an_invalid_name() -> None:
    with pytest.raises(smtpcodes.InvalidReplyError) as raised:
        smtpcodes.read_log(BOUNCED, long_lines="trim")  # type: ignore[arg-type]
    assert raised.value.kind == "invalid_name"
    assert set(get_args(smtpcodes.LongLines)) == {"skip", "cut"}


def test_the_file_s_own_errors_are_raised_as_they_are() -> None:
    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            raise PermissionError("no access")

    with pytest.raises(PermissionError, match="no access"):
        list(smtpcodes.read_log(Failing()))


def test_the_golden_lines_cover_every_format_and_status() -> None:
    seen = {(c["record"]["format"], c["record"]["status"]) for c in LINES if c["record"]}
    assert {f for f, _ in seen} == set(smtpcodes.log_formats())
    assert {s for _, s in seen} == set(smtpcodes.delivery_statuses())
