"""String manipulation transforms: ``filename``, ``columnfromcolumn``, ``columnreplace``, ``literal``,
``combinecolumns`` (reference module ``datatransform_stringmanipulation``).

All of them are batch transforms: every entry of a block is computed from the block's input and the
block is applied with one ``withColumns`` (the last entry for a field wins; new fields are appended,
existing ones replaced where they stand).
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from ..context import JobContext
from .registry import transform

LITERAL_SPEC: dict[str, Any] = {
    "type": "object",
    "description": "Field name → constant value (string, number, boolean, null or array of those).",
    "minProperties": 1,
    "additionalProperties": {
        "type": ["string", "number", "boolean", "null", "array"],
        "items": {"type": ["string", "number", "boolean", "null"]},
    },
}


@transform("literal", schema=LITERAL_SPEC)
def literal(df: DataFrame, spec: dict[str, Any], ctx: JobContext) -> DataFrame:
    """Set each field to a constant value (batch; a JSON null gives a void column)."""
    columns: dict[str, Column] = {field: F.lit(value) for field, value in spec.items()}
    return df.withColumns(columns)
