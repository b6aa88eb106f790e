"""Type conversion transforms: ``date``, ``timestamp``, ``changetype``, ``implieddecimal``,
``currency``, ``titlecase`` (reference module ``datatransform_typeconversion``).

All are batch transforms: every entry is computed from the block's input DataFrame and the block is
applied with one ``withColumns`` (the last entry for a field wins; new fields are appended, existing
fields are replaced where they stand).
"""

from __future__ import annotations

from typing import Any

from pyspark.errors import ParseException
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..context import JobContext
from ..errors import ConfigError
from ._checks import COLUMN, DECIMAL_FORMAT, decimal_format, location, require_columns, source_of
from .registry import transform


def _entry_schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"field": COLUMN, "source": COLUMN, **properties},
            "required": ["field", *required],
        },
    }


DATE_SPEC = _entry_schema({"format": {"type": "string", "minLength": 1}}, ["format"])
TIMESTAMP_SPEC = DATE_SPEC
CHANGETYPE_SPEC: dict[str, Any] = {
    "type": "object",
    "description": "Field name → Spark type (simpleString, e.g. bigint, decimal(10,2), struct<a:int>) or json.",
    "additionalProperties": {"type": "string", "minLength": 1},
}
IMPLIEDDECIMAL_SPEC = _entry_schema(
    {
        "format": DECIMAL_FORMAT,
        "num_implied": {
            "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^\d+$"}],
            "default": 2,
        },
    },
    ["format"],
)
CURRENCY_SPEC = _entry_schema(
    {"format": {**DECIMAL_FORMAT, "default": "16,2"}, "euro": {"type": "boolean", "default": False}}, []
)
TITLECASE_SPEC: dict[str, Any] = {"type": "array", "items": COLUMN}


def _sources(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext, name: str) -> list[str]:
    """The source column of every entry, after checking that each one exists."""
    sources = [source_of(entry) for entry in spec]
    require_columns(df, ctx, name, ((src, i, key) for i, (src, key) in enumerate(sources)))
    return [src for src, _ in sources]


@transform("date", schema=DATE_SPEC, lineage="dateconversion")
def date(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Parse text into DateType with a Spark datetime pattern (batch; unparseable values give null)."""
    sources = _sources(df, spec, ctx, "date")
    return df.withColumns({e["field"]: F.to_date(src, e["format"]) for e, src in zip(spec, sources)})


@transform("timestamp", schema=TIMESTAMP_SPEC, lineage="timestampconversion")
def timestamp(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Parse text into TimestampType with a Spark datetime pattern (batch; unparseable values give null)."""
    sources = _sources(df, spec, ctx, "timestamp")
    return df.withColumns(
        {e["field"]: F.to_timestamp(F.col(src), e["format"]) for e, src in zip(spec, sources)}
    )


@transform("changetype", schema=CHANGETYPE_SPEC)
def changetype(df: DataFrame, spec: dict[str, str], ctx: JobContext) -> DataFrame:
    """Cast fields to Spark types, or to JSON text with ``json`` (batch; invalid values give null).

    A cast to a struct type renames the nested fields by position.
    """
    require_columns(df, ctx, "changetype", ((field, None, field) for field in spec))
    columns: dict[str, Column] = {}
    for field, field_type in spec.items():
        if field_type.lower() == "json":
            columns[field] = F.to_json(field)
            continue
        try:
            columns[field] = F.col(field).cast(field_type)
        except ParseException:
            raise ConfigError(
                f"transform 'changetype': {field_type!r} is not a Spark data type; expected e.g. "
                f"bigint, decimal(10,2), string, struct<a:int> or json",
                file=ctx.spec_file,
                location=location("changetype", None, field),
            ) from None
    return df.withColumns(columns)


@transform("implieddecimal", schema=IMPLIEDDECIMAL_SPEC, lineage="implieddecimalconversion")
def implieddecimal(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Cast digits with an implied decimal point (last ``num_implied`` digits are decimals) to decimal (batch)."""
    sources = _sources(df, spec, ctx, "implieddecimal")
    columns: dict[str, Column] = {}
    for i, (entry, src) in enumerate(zip(spec, sources)):
        precision, scale = decimal_format(entry["format"], ctx, "implieddecimal", i)
        implied = int(entry.get("num_implied", 2))
        pattern = rf"([+-]?\d+)(\d{{{implied}}})$"
        # No match gives '' for both groups, so '.', which casts to null.
        text = F.concat_ws(".", F.regexp_extract(src, pattern, 1), F.regexp_extract(src, pattern, 2))
        columns[entry["field"]] = text.cast(T.DecimalType(precision, scale))
    return df.withColumns(columns)


@transform("currency", schema=CURRENCY_SPEC, lineage="currencyconversion")
def currency(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Strip currency symbols and separators and cast to decimal (batch; US or euro separators).

    A source that is not a string is cast without any text clean-up.
    """
    sources = _sources(df, spec, ctx, "currency")
    columns: dict[str, Column] = {}
    for i, (entry, src) in enumerate(zip(spec, sources)):
        precision, scale = decimal_format(entry.get("format", "16,2"), ctx, "currency", i)
        if df.select(src).schema.fields[0].dataType != T.StringType():
            value = F.col(src)
        elif entry.get("euro", False):
            # Decimal separator ',' and thousands separator '.'.
            value = F.regexp_replace(F.regexp_replace(src, r"[^\-\d,-]+", ""), ",", ".")
        else:
            # Decimal separator '.' and thousands separator ','.
            value = F.regexp_replace(src, r"[^\-\d\.]+", "")
        columns[entry["field"]] = value.cast(T.DecimalType(precision, scale))
    return df.withColumns(columns)


@transform("titlecase", schema=TITLECASE_SPEC, lineage="titlecaseconversion")
def titlecase(df: DataFrame, spec: list[str], ctx: JobContext) -> DataFrame:
    """Uppercase the first letter of every word and lowercase the others (batch, Spark ``initcap``)."""
    require_columns(df, ctx, "titlecase", ((field, i, None) for i, field in enumerate(spec)))
    return df.withColumns({field: F.initcap(F.col(field)) for field in spec})


DECIMAL_SPEC: dict[str, Any] = {
    "type": "array",
    "deprecated": True,
    "items": {
        "type": "object",
        "properties": {"field": COLUMN, "format": DECIMAL_FORMAT},
        "required": ["field", "format"],
    },
}


@transform("decimal", schema=DECIMAL_SPEC, lineage=False)
def decimal_(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Deprecated: cast fields to decimal(format); the same as changetype (and recorded as changetype)."""
    ctx.logger.warning(
        "%s: $.transform_spec.decimal: the decimal transform is deprecated; use changetype with decimal(p,s)",
        ctx.spec_file,
    )
    field_types: dict[str, str] = {}
    for i, entry in enumerate(spec):
        precision, scale = decimal_format(entry["format"], ctx, "decimal", i)
        field_types[entry["field"]] = f"decimal({precision},{scale})"
    out = changetype(df, field_types, ctx)
    ctx.lineage.update_lineage(df, ctx.dataset, "changetype", transform=field_types)
    return out
