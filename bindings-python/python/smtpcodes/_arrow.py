"""`classify_arrow`: Arrow arrays in, a `pyarrow.RecordBatch` out.

The arrays cross into Rust through the Arrow PyCapsule interface (`__arrow_c_array__`), so no
Python object is made per row; the result comes back the same way. pyarrow is needed only to
call this function (it is not a dependency of the package).
"""

from __future__ import annotations

from typing import Any

from smtpcodes._smtpcodes import _classify_arrow


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
