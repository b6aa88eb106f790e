"""Lookup transforms: ``lookup`` (value lookup table) and ``multilookup`` (multi lookup table) —
reference module ``datatransform_lookup``.

Both are sequential and record one lineage call per spec entry. Each entry reads DynamoDB once, on
the driver (:mod:`insurancelake_etl.lookups`), so the rows never call DynamoDB themselves. A lookup
of at most :data:`MAP_LOOKUP_MAX_ENTRIES` items keyed by a string is a map literal indexed by the row's
key: no join and no broadcast job (a broadcast costs one Spark job per entry before the write even
starts). Spark scans a map's keys one by one, so a larger lookup (or one keyed by another type,
whose comparison the join coerces differently) is a broadcast hash join. Both give the same column,
type and place (issue 12; test/python/transforms/test_lookups.py runs every case both ways).
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .. import lookups as store
from ..context import JobContext
from ..errors import DataError
from ._checks import COLUMN, COLUMN_LIST, location, require_columns
from .registry import transform

_NOMATCH = {
    "type": ["string", "number", "boolean"],
    "description": "Value for rows without a match; fills only columns of a compatible type.",
}

LOOKUP_SPEC: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["field", "lookup"],
        "properties": {
            "field": {**COLUMN, "description": "Column that receives the looked-up value (moved to the end)."},
            "source": {**COLUMN, "description": "Column to look up (default: field, replaced)."},
            "lookup": {**COLUMN, "description": "column_name key of the value-lookup item."},
            "nomatch": _NOMATCH,
            "source_system": {
                **COLUMN,
                "description": "source_system key of the value-lookup item (default: the Collect database).",
            },
        },
    },
}

MULTILOOKUP_SPEC: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["lookup_group", "match_columns", "return_attributes"],
        "properties": {
            "lookup_group": {**COLUMN, "description": "lookup_group key of the multi-lookup items."},
            "match_columns": {
                **COLUMN_LIST,
                "description": "Columns joined with '-' (nulls skipped) to match lookup_item.",
            },
            "return_attributes": {**COLUMN_LIST, "description": "Item attributes added as new columns."},
            "nomatch": _NOMATCH,
        },
    },
}

# Lookups up to this size are map literals (module docstring); larger ones broadcast joins.
MAP_LOOKUP_MAX_ENTRIES = 128
# Python values a map literal holds as createDataFrame would type them.
_ATOMIC_VALUES = (str, bool, int, float, type(None))
_ATOMIC_TYPES = (T.StringType, T.BooleanType, T.LongType, T.DoubleType, T.NullType)

# Join-side column names that cannot collide with data columns.
_ORIGINAL = "__insurancelake_lookup_original"
_REPLACEMENT = "__insurancelake_lookup_replacement"
_ITEM = "__insurancelake_lookup_item"


def _column(df: DataFrame, name: str) -> Column:
    """A top-level column by exact name, or a (dotted) nested path when no top-level column matches."""
    return F.col("`" + name.replace("`", "``") + "`") if name in df.columns else F.col(name)


def _source_system(ctx: JobContext) -> str:
    """The default source_system: the database the job writes (``--target_database_name``, the
    Collect database as cased), or the first folder of ``source_key`` when there is none."""
    return ctx.target.database if ctx.target else ctx.dataset.split("/", 1)[0]


@transform("lookup", schema=LOOKUP_SPEC, lineage=False)
def lookup(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Replace values (or add a column) from the value-lookup table; the result column goes last (sequential)."""
    table_name = ctx.tables.require("value_lookup_table")
    for i, entry in enumerate(spec):
        field = entry["field"]
        source = entry.get("source", field)
        require_columns(df, ctx, "lookup", [(source, i, "source" if "source" in entry else "field")])
        key_values = {"source_system": entry.get("source_system", _source_system(ctx)), "column_name": entry["lookup"]}
        data = store.get_value_lookup(table_name, key_values["source_system"], key_values["column_name"])
        if data is None:
            raise DataError(
                f"No lookup data found for key values {key_values} on table {table_name}",
                file=ctx.spec_file,
                location=location("lookup", i, "lookup"),
            )
        pairs = list(data.items())
        if pairs:
            # Types as Spark infers them from the JSON values (keys are always strings).
            table = ctx.spark.createDataFrame(pairs, [_ORIGINAL, _REPLACEMENT])
        else:
            table = ctx.spark.createDataFrame([], f"{_ORIGINAL} string, {_REPLACEMENT} string")
        key = _column(df, source)
        replacement = table.schema[_REPLACEMENT].dataType
        if _as_map(pairs, replacement) and isinstance(df.select(key).schema[0].dataType, T.StringType):
            entries = [c for k, v in pairs for c in (F.lit(k), F.lit(v).cast(replacement))]
            joined = df.withColumn(_REPLACEMENT, F.create_map(*entries)[key] if entries else F.lit(None).cast(replacement))
        else:
            joined = df.join(F.broadcast(table), key == F.col(_ORIGINAL), "left").drop(_ORIGINAL)
        # In place: the original column goes. With a source, an existing column of the target name
        # is replaced too (the reference would leave two columns of that name).
        joined = joined.drop(field) if field in df.columns else joined
        df = joined.withColumnRenamed(_REPLACEMENT, field)
        if "nomatch" in entry:
            df = df.fillna(entry["nomatch"], subset=[field])
        ctx.lineage.update_lineage(df, ctx.dataset, "lookup", transform=entry)
    return df


@transform("multilookup", schema=MULTILOOKUP_SPEC, lineage=False)
def multilookup(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Add columns from the multi-lookup table, matched on the '-'-joined match columns (sequential)."""
    table_name = ctx.tables.require("multi_lookup_table")
    for i, entry in enumerate(spec):
        match_columns: list[str] = entry["match_columns"]
        # The reference builds the join table from dicts, whose keys PySpark sorts: the new columns
        # come in alphabetical order.
        attributes = sorted(dict.fromkeys(entry["return_attributes"]))
        require_columns(df, ctx, "multilookup", [(c, i, "match_columns") for c in match_columns])
        clashes = [a for a in attributes if a in df.columns]
        if clashes:
            raise DataError(
                f"transform 'multilookup': return attribute(s) {', '.join(map(repr, clashes))} already exist"
                " in the data; the result would hold two columns of that name",
                file=ctx.spec_file,
                location=location("multilookup", i, "return_attributes"),
            )
        items = store.query_lookup_group(table_name, entry["lookup_group"], attributes)
        if not items:
            raise DataError(
                f"No lookup data found for lookup_group {entry['lookup_group']}",
                file=ctx.spec_file,
                location=location("multilookup", i, "lookup_group"),
            )
        schema = T.StructType([T.StructField(_ITEM, T.StringType())] + [T.StructField(a, T.StringType()) for a in attributes])
        rows = [
            tuple(_text(item.get(name)) for name in ["lookup_item", *attributes])
            for item in items
        ]
        key = F.concat_ws("-", *[_column(df, c) for c in match_columns])
        if len(rows) <= MAP_LOOKUP_MAX_ENTRIES and len({row[0] for row in rows}) == len(rows):
            found = F.create_map(
                *[c for row in rows for c in (F.lit(row[0]), F.struct(*[F.lit(v).cast("string").alias(a) for a, v in zip(attributes, row[1:], strict=True)]))]
            )[key]
            df = df.select("*", *[found.getField(a).alias(a) for a in attributes])
        else:
            table = ctx.spark.createDataFrame(rows, schema)
            df = df.join(F.broadcast(table), key == F.col(_ITEM), "left").drop(_ITEM)
        if "nomatch" in entry:
            df = df.fillna({a: entry["nomatch"] for a in attributes})
        ctx.lineage.update_lineage(df, ctx.dataset, "multilookup", transform=entry)
    return df


def _as_map(pairs: list[tuple[str, Any]], replacement: T.DataType) -> bool:
    """Whether a value lookup becomes a map literal: few items of atomic values (module docstring)."""
    return (
        len(pairs) <= MAP_LOOKUP_MAX_ENTRIES
        and isinstance(replacement, _ATOMIC_TYPES)
        and all(isinstance(v, _ATOMIC_VALUES) for _, v in pairs)
    )


def _text(value: Any) -> str | None:
    """A DynamoDB attribute as the string the loader stored (numbers in their decimal form)."""
    return None if value is None else value if isinstance(value, str) else str(value)
