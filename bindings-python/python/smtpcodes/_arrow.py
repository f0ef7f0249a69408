"""`classify_arrow`: Arrow arrays in, a `pyarrow.RecordBatch` out; `read_log_arrow`: a mail
log's records as record batches.

The arrays cross into Rust through the Arrow PyCapsule interface (`__arrow_c_array__`), so no
Python object is made per row; the result comes back the same way. `read_log_arrow` builds its
batches from `read_log`'s records, which are Python objects already. pyarrow is needed only to
call this function (it is not a dependency of the package).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from smtpcodes._smtpcodes import _classify_arrow, read_log


class _Exported:
    """Hands the Rust side's (schema, array) capsules to `pyarrow.record_batch`."""

    def __init__(self, capsules: tuple[object, object]) -> None:
        self._capsules = capsules

    def __arrow_c_array__(self, requested_schema: object = None) -> tuple[object, object]:
        return self._capsules


def classify_arrow(codes: Any, texts: Any) -> Any:
    """Classify each row of `codes` (an integer array) and `texts` (a string array).

    Returns a `pyarrow.RecordBatch` with one column per field of `Classification`, named as its
    attributes, row `i` being `classify(codes[i], texts[i])`. A null code is no code (the code is
    read from the text, as `classify(None, text)`); a null text is the empty text. A chunked
    array is combined into one array first.
    """
    import pyarrow as pa

    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    return pa.record_batch(_Exported(_classify_arrow(codes, texts)))


def _log_schema() -> Any:
    """The columns of `read_log_arrow`'s batches: the line, the record's keys, and its
    classification as a struct of `classify_arrow`'s columns."""
    import pyarrow as pa

    empty = classify_arrow(pa.array([], pa.int64()), pa.array([], pa.string()))
    text = pa.string()
    return pa.schema(
        [
            pa.field("line", pa.uint64(), nullable=False),
            pa.field("format", text, nullable=False),
            pa.field("timestamp", text),
            pa.field("queue_id", text, nullable=False),
            pa.field("sender", text),
            pa.field("message_id", text),
            pa.field("recipient", text),
            pa.field("recipients", pa.list_(text), nullable=False),
            pa.field("original_recipient", text),
            pa.field("relay", text),
            pa.field("status", text, nullable=False),
            pa.field("dsn", text),
            pa.field("text", text, nullable=False),
            pa.field("classification", pa.struct(list(empty.schema)), nullable=False),
        ]
    )


def read_log_arrow(
    log: Any,
    *,
    batch_size: int = 65536,
    max_line_bytes: int | None = None,
    long_lines: Any = None,
) -> Iterator[Any]:
    """The delivery records of a mail log as `pyarrow.RecordBatch`es of up to `batch_size` rows.

    `log`, `max_line_bytes` and `long_lines` are those of `read_log`, which reads the log; each
    record event becomes a row (its `line`, the record's keys, and `classification` as a struct
    column of `classify_arrow`'s fields); `long_line` events are not rows.
    """
    import pyarrow as pa

    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise TypeError(f"batch_size must be an int, not {type(batch_size).__name__}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, not {batch_size}")
    schema = _log_schema()
    reader = read_log(log, max_line_bytes=max_line_bytes, long_lines=long_lines)
    rows: list[dict[str, Any]] = []
    for event in reader:
        if event["event"] != "record":
            continue
        record: dict[str, Any] = dict(event["record"])
        record["classification"] = record["classification"].to_dict()
        rows.append({"line": event["line"], **record})
        if len(rows) == batch_size:
            yield pa.RecordBatch.from_pylist(rows, schema=schema)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=schema)
