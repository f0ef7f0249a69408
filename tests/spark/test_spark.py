"""smtpcodes.spark on a local Spark session (`make test-spark`): classify_column over a
generated dataset equals `classify` row by row on a sample, and the job writes Parquet."""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

import smtpcodes
from smtpcodes import spark as smtpcodes_spark

# At least a million rows unless told otherwise (SMTPCODES_SPARK_ROWS, for a quick try).
ROWS = int(os.environ.get("SMTPCODES_SPARK_ROWS", "1000000"))

REPLIES: list[tuple[int | None, str | None]] = [
    (550, "5.1.1 <bob@example.org>: Recipient address rejected: User unknown"),
    (452, "4.2.2 Mailbox full"),
    (None, "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred"),
    (250, "2.0.0 Ok: queued as 4BXyZ12abcz"),
    (None, None),
    (554, "5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org"),
    (450, "4.7.1 Greylisted, please try again in 180 seconds"),
    (550, None),
]


def generated(rows: int, seed: int = 15) -> pa.Table:
    """`rows` rows picked from REPLIES, each text made distinct by a message number."""
    rng = random.Random(seed)
    codes: list[int | None] = []
    texts: list[str | None] = []
    for i in range(rows):
        code, text = REPLIES[rng.randrange(len(REPLIES))]
        codes.append(code)
        texts.append(None if text is None else f"{text} (message {i})")
    return pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "status": pa.array(codes, pa.int64()),
            "diagnostic": pa.array(texts, pa.string()),
        }
    )


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    # The Python workers are this interpreter, whose venv has pyarrow (not the PATH's python3).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("smtpcodes-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("events") / "events.parquet"
    pq.write_table(generated(ROWS), path)
    return path


def expected(code: Any, text: Any) -> dict[str, Any]:
    return smtpcodes.classify(code, "" if text is None else text).to_dict()


def test_classify_column_equals_classify_on_a_sample(spark: SparkSession, events: Path) -> None:
    df = spark.read.parquet(str(events))
    out = smtpcodes_spark.classify_column(df, "status", "diagnostic", prefix="c_")
    assert out.count() == ROWS
    sample = out.sample(fraction=min(1.0, 2000 / ROWS), seed=15).collect()
    assert len(sample) > 100
    names = [n for n, _ in smtpcodes_spark.COLUMNS]
    for row in sample:
        got = {n: row["c_" + n] for n in names}
        assert got == expected(row["status"], row["diagnostic"]), row["id"]


def test_a_column_clash_needs_a_prefix(spark: SparkSession) -> None:
    df = spark.createDataFrame([(550, "5.1.1 unknown")], "code long, text string")
    with pytest.raises(ValueError, match="give a prefix"):
        smtpcodes_spark.classify_column(df, "code", "text")


def test_the_job_reads_json_and_writes_classified_parquet(tmp_path: Path) -> None:
    source = tmp_path / "events.json"
    source.write_text(
        '{"status": 550, "diagnostic": "5.1.1 User unknown"}\n'
        '{"status": null, "diagnostic": "452 4.2.2 Mailbox full"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.parquet"
    smtpcodes_spark.main(
        [
            "classify",
            "--input",
            str(source),
            "--format",
            "json",
            "--code-col",
            "status",
            "--text-col",
            "diagnostic",
            "--prefix",
            "c_",
            "--output",
            str(out),
        ]
    )
    table = pq.read_table(out).sort_by("diagnostic")
    assert table.column("c_reason").to_pylist() == ["mailbox_full", "user_unknown"]
