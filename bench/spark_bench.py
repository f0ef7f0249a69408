"""Spark throughput of smtpcodes.spark.classify_column against classify_many on the same rows.

    PYTHONPATH=bindings-python/python target/python/spark-venv/bin/python \
        bench/spark_bench.py [ROWS]

Generates ROWS rows (default 1,000,000) as tests/spark/ does, times `classify_many` over them in
this process (one core), then `classify_arrow` over the same columns (one core, no Python object
per row), then `classify_column` on a local Spark session of 2 cores writing to Spark's `noop`
sink (the whole plan runs, nothing is stored); prints rows/s per core of each and their ratios
to `classify_many`. Spark's time includes reading the Parquet file and moving the batches to the
Python workers and back; its session start is not timed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import SparkSession

import smtpcodes
from smtpcodes import spark as smtpcodes_spark

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "spark"))
from test_spark import generated

CORES = 2


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    table = generated(rows)
    codes, texts = table.column("status").to_pylist(), table.column("diagnostic").to_pylist()
    items = [(c, "" if t is None else t) for c, t in zip(codes, texts, strict=True)]
    start = time.perf_counter()
    smtpcodes.classify_many(items)
    many = rows / (time.perf_counter() - start)
    start = time.perf_counter()
    smtpcodes.classify_arrow(table.column("status"), table.column("diagnostic"))
    arrow = rows / (time.perf_counter() - start)

    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master(f"local[{CORES}]")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "events.parquet")
        pq.write_table(table, path)
        df = spark.read.parquet(path)
        start = time.perf_counter()
        smtpcodes_spark.classify_column(df, "status", "diagnostic", prefix="c_").write.format(
            "noop"
        ).mode("overwrite").save()
        seconds = time.perf_counter() - start
    spark.stop()
    per_core = rows / seconds / CORES
    print(f"rows: {rows}")
    print(f"classify_many, 1 core: {many:,.0f} rows/s")
    print(f"classify_arrow, 1 core: {arrow:,.0f} rows/s ({arrow / many:.2f}x classify_many)")
    print(
        f"Spark classify_column, {CORES} cores: {rows / seconds:,.0f} rows/s, "
        f"{per_core:,.0f} rows/s per core"
    )
    print(f"ratio (Spark per core / classify_many): {per_core / many:.2f}")


if __name__ == "__main__":
    main()
