"""`classify_arrow`: the same answers as `classify`, row by row, from Arrow arrays; its nulls,
its typed errors, and the Polars example over it."""

from __future__ import annotations

import glob
import json
import os
from typing import Any

import polars as pl
import pyarrow as pa
import pytest

import smtpcodes

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def vector_rows() -> list[tuple[int | None, str]]:
    """The (code, text) of every shared vector whose code is an int or absent."""
    rows: list[tuple[int | None, str]] = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "reasons_*.json"))):
        with open(path, encoding="utf-8") as f:
            for case in json.load(f)["cases"]:
                code, text = case["input"]["code"], case["input"]["text"]
                if (code is None or isinstance(code, int)) and isinstance(text, str):
                    rows.append((code, text))
    return rows


ROWS = vector_rows()


def expected(code: int | None, text: str | None) -> dict[str, Any]:
    return smtpcodes.classify(code, "" if text is None else text).to_dict()


def test_the_vectors_give_classify_answers_row_by_row() -> None:
    assert len(ROWS) >= 100
    codes = pa.array([c for c, _ in ROWS], pa.int64())
    texts = pa.array([t for _, t in ROWS])
    batch = smtpcodes.classify_arrow(codes, texts)
    assert isinstance(batch, pa.RecordBatch)
    assert batch.num_rows == len(ROWS)
    assert batch.to_pylist() == [expected(c, t) for c, t in ROWS]


def test_the_columns_are_the_attributes_of_classification() -> None:
    batch = smtpcodes.classify_arrow(pa.array([550]), pa.array(["5.1.1 unknown"]))
    assert batch.schema.names == list(smtpcodes.classify(550, "5.1.1 unknown").to_dict())
    assert batch.schema.field("code").type == pa.uint16()
    assert batch.schema.field("retry_after").type == pa.uint32()
    assert batch.schema.field("suppress").type == pa.bool_()
    assert batch.schema.field("reason").type == pa.string()


@pytest.mark.parametrize(
    "kind", [pa.int16(), pa.int32(), pa.int64(), pa.uint16(), pa.uint32(), pa.uint64()]
)
def test_every_integer_type_is_read(kind: pa.DataType) -> None:
    batch = smtpcodes.classify_arrow(pa.array([421, 250], kind), pa.array(["busy", "ok"]))
    assert batch.to_pylist() == [expected(421, "busy"), expected(250, "ok")]


def test_large_string_gives_the_same_answers_as_string() -> None:
    codes = pa.array([c for c, _ in ROWS[:50]], pa.int32())
    small = smtpcodes.classify_arrow(codes, pa.array([t for _, t in ROWS[:50]], pa.string()))
    large = smtpcodes.classify_arrow(codes, pa.array([t for _, t in ROWS[:50]], pa.large_string()))
    assert small.to_pylist() == large.to_pylist()


def test_a_null_code_is_read_from_the_text_and_a_null_text_is_empty() -> None:
    codes = pa.array([None, 550, None], pa.int64())
    texts = pa.array(["452 4.2.2 Mailbox full", None, None])
    rows = smtpcodes.classify_arrow(codes, texts).to_pylist()
    assert rows == [
        expected(None, "452 4.2.2 Mailbox full"),
        expected(550, None),
        expected(None, None),
    ]
    assert rows[0]["code"] == 452
    assert rows[2]["code"] is None


def test_chunked_arrays_are_accepted() -> None:
    codes = pa.chunked_array([[550, 421], [None]], pa.int64())
    texts = pa.chunked_array([["5.1.1 unknown"], ["busy", "250 ok"]])
    assert smtpcodes.classify_arrow(codes, texts).to_pylist() == [
        expected(550, "5.1.1 unknown"),
        expected(421, "busy"),
        expected(None, "250 ok"),
    ]


def test_empty_arrays_give_an_empty_batch() -> None:
    batch = smtpcodes.classify_arrow(pa.array([], pa.int64()), pa.array([], pa.string()))
    assert batch.num_rows == 0
    assert batch.num_columns == 15


def test_an_out_of_range_code_is_the_invalid_reply_error_of_classify_naming_the_row() -> None:
    with pytest.raises(smtpcodes.InvalidReplyError, match=r"^row 1: ") as e:
        smtpcodes.classify_arrow(pa.array([550, 999]), pa.array(["a", "b"]))
    assert e.value.kind == "code_out_of_range"


def test_unequal_lengths_are_a_value_error() -> None:
    with pytest.raises(ValueError, match="same length, not 2 and 1"):
        smtpcodes.classify_arrow(pa.array([550, 421]), pa.array(["a"]))


@pytest.mark.parametrize(
    ("codes", "texts", "message"),
    [
        (pa.array([1.5]), pa.array(["a"]), "codes must be an integer array, not Float64"),
        (pa.array(["550"]), pa.array(["a"]), "codes must be an integer array, not Utf8"),
        (pa.array([550]), pa.array([b"a"]), "texts must be a string or large_string array"),
        ([550], pa.array(["a"]), "codes must be an Arrow array, not list"),
        (pa.array([550]), "a", "texts must be an Arrow array, not str"),
    ],
)
def test_wrong_types_are_type_errors(codes: Any, texts: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        smtpcodes.classify_arrow(codes, texts)


def classify_struct(s: pl.Series) -> pl.Series:
    """The Polars example's function: a struct column of (code, text) to a struct column of
    the classification."""
    codes, texts = s.struct.field("code").to_arrow(), s.struct.field("text").to_arrow()
    result = pl.from_arrow(smtpcodes.classify_arrow(codes, texts).to_struct_array())
    assert isinstance(result, pl.Series)
    return result


# The classification's columns as a Polars struct type, for `return_dtype`.
EMPTY = pl.from_arrow(smtpcodes.classify_arrow(pa.array([], pa.int64()), pa.array([], pa.string())))
assert isinstance(EMPTY, pl.DataFrame)
CLASSIFICATION = pl.Struct(EMPTY.schema)


def test_polars_map_batches_example() -> None:
    """The example of docs/python.md: a Polars frame's columns classified in one call."""
    df = pl.DataFrame({"code": [550, 421, None], "text": ["5.1.1 unknown", "busy", "250 ok"]})
    out = df.with_columns(
        pl.struct("code", "text")
        .map_batches(classify_struct, return_dtype=CLASSIFICATION)
        .alias("c")
    ).unnest("c", separator=".")
    rows = [(550, "5.1.1 unknown"), (421, "busy"), (None, "250 ok")]
    assert out["c.reason"].to_list() == [expected(c, t)["reason"] for c, t in rows]
    assert out["c.retry_after"].to_list() == [expected(c, t)["retry_after"] for c, t in rows]
    assert out["code"].to_list() == [550, 421, None]


# -- read_log_arrow ------------------------------------------------------------------------------

LOG = (
    b"Nov 23 04:26:01 mail postfix/smtpd[98]: connect from app.example.com[192.0.2.50]\n"
    b"Nov 23 04:26:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<carol@example.org>, "
    b"relay=mx.example.org[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n"
    b"2026-11-23 04:26:03 1rXyZb-000ABC-DE ** hana@nonexistent.example.net: Unrouteable address\n"
    + b"y"
    * 300
    + b"\n"
    b"Nov 23 04:26:04 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, "
    b"relay=mx.example.org[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced (host "
    b"mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n"
)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 1000])
def test_read_log_arrow_rows_are_read_log_records_in_batches(batch_size: int) -> None:
    batches = list(smtpcodes.read_log_arrow(LOG, batch_size=batch_size, max_line_bytes=300))
    assert all(isinstance(b, pa.RecordBatch) for b in batches)
    assert [b.num_rows for b in batches][:-1] == [batch_size] * (len(batches) - 1)
    rows = [row for b in batches for row in b.to_pylist()]
    want = []
    for event in smtpcodes.read_log(LOG, max_line_bytes=300):
        if event["event"] == "record":
            record: dict[str, Any] = dict(event["record"])
            record["classification"] = record["classification"].to_dict()
            want.append({"line": event["line"], **record})
    assert [r["line"] for r in rows] == [2, 3, 5]
    assert rows == want


def test_read_log_arrow_of_a_log_without_records_yields_nothing() -> None:
    assert list(smtpcodes.read_log_arrow(b"no delivery here\n")) == []


@pytest.mark.parametrize(("size", "error"), [(0, ValueError), (True, TypeError), ("2", TypeError)])
def test_read_log_arrow_refuses_a_bad_batch_size(size: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="batch_size"):
        next(smtpcodes.read_log_arrow(LOG, batch_size=size))
