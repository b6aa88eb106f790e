"""Fixed-width input (reference §13.7): the mapping file's ``Width`` column cuts each line."""

from __future__ import annotations

from pyspark.sql import functions as F

from ..errors import ConfigError
from .registry import ReadRequest, ReadResult, reader

SECTIONS = {"fixed": {"type": "object", "description": "Fixed width; the column widths come from the mapping file."}}


@reader("fixed", order=10, matches=lambda extension, input_spec: "fixed" in input_spec, sections=SECTIONS)
def read_fixed_width(request: ReadRequest) -> ReadResult:
    """Cut each line into trimmed string columns by the mapping's ``Width`` (null rows use up width)."""
    columns = []
    start = 1
    for number, row in enumerate(request.mapping_rows, start=1):
        width_text = row.get("width")
        try:
            width = int(str(width_text).strip())
        except ValueError:
            raise ConfigError(
                f"fixed-width mapping row {number} has Width {width_text!r}; expected an integer",
                file=request.file_label or None,
            ) from None
        dest = row.get("destname") or ""
        if dest.lower() != "null":
            columns.append(F.trim(F.col("value").substr(start, width)).alias(dest))
        start += width
    return ReadResult(request.spark.read.text(request.path).select(*columns))
