"""smtpcodes on Spark: `classify_column` classifies a DataFrame's reply columns with
`DataFrame.mapInArrow`, each executor calling `classify_arrow` on its Arrow batches.

Needs pyspark and pyarrow, and smtpcodes installed where the executors run. As a job:

    python -m smtpcodes.spark classify --input events.parquet --code-col status \\
        --text-col diagnostic --output classified.parquet

reads Parquet (or JSON Lines with `--format json`) and writes Parquet with the classification
columns added.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from typing import Any

from smtpcodes._arrow import classify_arrow

# The classification's columns and their Spark SQL types, in classify_arrow's order.
COLUMNS: list[tuple[str, str]] = [
    ("code", "int"),
    ("enhanced", "string"),
    ("severity", "string"),
    ("reason", "string"),
    ("bounce", "string"),
    ("action", "string"),
    ("retry_after", "bigint"),
    ("suppress", "boolean"),
    ("fault", "string"),
    ("provider", "string"),
    ("title", "string"),
    ("description", "string"),
    ("advice", "string"),
    ("text", "string"),
    ("matched", "string"),
]


def _classify_batches(
    batches: Iterator[Any], code_col: str, text_col: str, prefix: str
) -> Iterator[Any]:
    """mapInArrow's function: each batch with the classification columns appended."""
    import pyarrow as pa

    types = {"int": pa.int32(), "bigint": pa.int64()}
    for batch in batches:
        result = classify_arrow(batch.column(code_col), batch.column(text_col))
        arrays = list(batch.columns)
        names = list(batch.schema.names)
        for name, sql in COLUMNS:
            column = result.column(name)
            if sql in types:
                column = column.cast(types[sql])
            arrays.append(column)
            names.append(prefix + name)
        yield pa.RecordBatch.from_arrays(arrays, names=names)


def classify_column(df: Any, code_col: str, text_col: str, *, prefix: str = "") -> Any:
    """`df` with one column per field of `Classification` appended (named `prefix` + the
    attribute), classifying `code_col` (an integer column, nulls read from the text) and
    `text_col` (a string column, null as the empty text) row by row, as `classify` does."""
    taken = set(df.columns)
    clash = [prefix + n for n, _ in COLUMNS if prefix + n in taken]
    if clash:
        raise ValueError(f"the DataFrame already has the columns {clash}: give a prefix")
    schema = ", ".join(
        [f"`{f.name}` {f.dataType.simpleString()}" for f in df.schema.fields]
        + [f"`{prefix}{n}` {t}" for n, t in COLUMNS]
    )
    return df.mapInArrow(lambda it: _classify_batches(it, code_col, text_col, prefix), schema)


def main(argv: Sequence[str] | None = None) -> None:
    """The `classify` job: read events, classify two of their columns, write Parquet."""
    parser = argparse.ArgumentParser(prog="python -m smtpcodes.spark")
    commands = parser.add_subparsers(dest="command", required=True)
    job = commands.add_parser("classify", help="classify a column of replies into Parquet")
    job.add_argument("--input", required=True, help="Parquet or JSON Lines file or folder")
    job.add_argument("--format", choices=["parquet", "json"], default="parquet")
    job.add_argument("--code-col", required=True)
    job.add_argument("--text-col", required=True)
    job.add_argument("--prefix", default="", help="prefix of the added columns' names")
    job.add_argument("--output", required=True, help="Parquet folder to write (overwritten)")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    # A session already running (a notebook's, a test's) is used and left running.
    ours = SparkSession.getActiveSession() is None
    spark = SparkSession.builder.appName("smtpcodes-classify").getOrCreate()
    try:
        df = spark.read.format(args.format).load(args.input)
        out = classify_column(df, args.code_col, args.text_col, prefix=args.prefix)
        out.write.mode("overwrite").parquet(args.output)
    finally:
        if ours:
            spark.stop()


if __name__ == "__main__":
    main()
