"""Parquet input (reference §13.8): by extension, or forced by a ``parquet`` section."""

from __future__ import annotations

from .registry import ReadRequest, ReadResult, reader

SECTIONS = {"parquet": {"type": "object", "description": "Its presence forces the Parquet reader."}}


@reader(
    "parquet",
    order=50,
    matches=lambda extension, input_spec: extension == ".parquet" or "parquet" in input_spec,
    sections=SECTIONS,
)
def read_parquet(request: ReadRequest) -> ReadResult:
    """The file's own schema and rows."""
    return ReadResult(request.spark.read.format("parquet").load(request.path))
