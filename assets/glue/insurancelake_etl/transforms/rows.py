"""Row and merge transforms: ``merge``, ``filldown``, ``rownumber``, ``filterrows`` (reference module
``datatransform_misc``).

``merge`` is a batch transform (one ``withColumns`` for the block). ``filldown``, ``rownumber`` and
``filterrows`` are sequential: each entry sees the result of the previous one.
"""

from __future__ import annotations

from typing import Any

from pyspark.errors import AnalysisException, ParseException
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from ..context import JobContext
from ..errors import ConfigError
from ._checks import COLUMN, COLUMN_LIST, location, require_columns
from .registry import transform

MERGE_SPEC: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "field": COLUMN,
            "source_list": COLUMN_LIST,
            "default": {"description": "Lowest-priority value (any JSON scalar) when every source is null."},
            "empty_string_is_null": {"type": "boolean", "default": False},
        },
        "required": ["field", "source_list"],
    },
}
FILLDOWN_SPEC: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"field": COLUMN, "sort": COLUMN_LIST},
        "required": ["field"],
    },
}
ROWNUMBER_SPEC: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"field": COLUMN, "partition": COLUMN_LIST, "sort": COLUMN_LIST},
        "required": ["field"],
    },
}
FILTERROWS_SPEC: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "condition": {"type": "string", "minLength": 1},
            "description": {"type": "string"},
        },
        "required": ["condition"],
    },
}

_FILLDOWN_GROUP = "transform_filldown_group_number"


@transform("merge", schema=MERGE_SPEC, lineage=False)
def merge(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set each field to the first non-null of its sources, else the optional default (batch, coalesce).

    With ``empty_string_is_null`` an empty string counts as null. Lineage is recorded once per entry.
    """
    require_columns(
        df, ctx, "merge", ((c, i, "source_list") for i, e in enumerate(spec) for c in e["source_list"])
    )
    columns: dict[str, Column] = {}
    for entry in spec:
        sources = [
            F.when(F.col(c) == "", None).otherwise(F.col(c)) if entry.get("empty_string_is_null", False) else F.col(c)
            for c in entry["source_list"]
        ]
        if "default" in entry:
            sources.append(F.lit(entry["default"]))
        columns[entry["field"]] = F.coalesce(*sources)
        # As the reference: one call per entry, with the entry itself as the transform payload.
        ctx.lineage.update_lineage(df, ctx.dataset, "merge", transform=entry)
    return df.withColumns(columns)


def _sort_columns(entry: dict[str, Any], key: str) -> list[Column]:
    return [F.col(c) for c in entry[key]] if entry.get(key) else [F.lit(1)]


@transform("filldown", schema=FILLDOWN_SPEC, lineage=False)
def filldown(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Fill nulls with the last non-null value above them, like pandas ffill (sequential).

    The order is ``sort`` (ascending) or the existing row order; leading nulls stay null.
    """
    for i, entry in enumerate(spec):
        field = entry["field"]
        require_columns(
            df, ctx, "filldown", [(field, i, "field"), *((c, i, "sort") for c in entry.get("sort") or [])]
        )
        order = _sort_columns(entry, "sort")
        running = Window.partitionBy(F.lit(1)).orderBy(*order).rowsBetween(Window.unboundedPreceding, Window.currentRow)
        grouped = df.withColumn(_FILLDOWN_GROUP, F.count(field).over(running))
        in_group = Window.partitionBy(_FILLDOWN_GROUP).orderBy(*order)
        filled = F.coalesce(F.col(field), F.first(F.col(field), ignorenulls=True).over(in_group))
        df = grouped.select(
            *(filled.alias(name) if name == field else F.col(name) for name in grouped.columns if name != _FILLDOWN_GROUP)
        )
        ctx.lineage.update_lineage(df, ctx.dataset, "filldown", transform=entry)
    return df


@transform("rownumber", schema=ROWNUMBER_SPEC, lineage=False)
def rownumber(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Number rows from 1 within ``partition`` in ``sort`` order (sequential; IntegerType)."""
    for i, entry in enumerate(spec):
        require_columns(
            df,
            ctx,
            "rownumber",
            [*((c, i, "partition") for c in entry.get("partition") or []), *((c, i, "sort") for c in entry.get("sort") or [])],
        )
        window = Window.partitionBy(*_sort_columns(entry, "partition")).orderBy(*_sort_columns(entry, "sort"))
        df = df.withColumn(entry["field"], F.row_number().over(window))
        ctx.lineage.update_lineage(df, ctx.dataset, "rownumber", transform=entry)
    return df


@transform("filterrows", schema=FILTERROWS_SPEC)
def filterrows(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Keep only the rows for which each Spark SQL condition is true (sequential; false or null drops)."""
    for i, entry in enumerate(spec):
        try:
            df = df.filter(entry["condition"])
        except (ParseException, AnalysisException) as error:
            detail = " ".join(str(error).split("\n")[0].split())
            raise ConfigError(
                f"transform 'filterrows': condition {entry['condition']!r} is not a valid Spark SQL condition "
                f"on the data ({detail})",
                file=ctx.spec_file,
                location=location("filterrows", i, "condition"),
            ) from None
    return df
