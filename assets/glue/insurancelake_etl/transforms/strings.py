"""String manipulation transforms: ``filename``, ``columnfromcolumn``, ``columnreplace``, ``literal``,
``combinecolumns`` (reference module ``datatransform_stringmanipulation``).

All of them are batch transforms: every entry of a block is computed from the block's input and the
block is applied with one ``withColumns`` (the last entry for a field wins; new fields are appended,
existing ones replaced where they stand).
"""

from __future__ import annotations

import datetime
import decimal
import re
import string
from collections.abc import Callable
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..context import JobContext
from ..errors import ConfigError, DataError
from ..jvm import jvm
from ._checks import COLUMN, COLUMN_LIST, location, require_columns, source_of
from ._pandas_udf import series_udf
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


def _entries(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"field": COLUMN, **properties},
            "required": ["field", *required],
        },
    }


REGEX = {"type": "string", "minLength": 1}
FILENAME_SPEC = _entries({"pattern": REGEX, "required": {"type": "boolean"}}, ["pattern", "required"])
COLUMNFROMCOLUMN_SPEC = _entries({"source": COLUMN, "pattern": REGEX}, ["pattern"])
COLUMNREPLACE_SPEC = _entries(
    {"source": COLUMN, "pattern": REGEX, "replacement": {"type": "string"}}, ["pattern", "replacement"]
)
COMBINECOLUMNS_SPEC = _entries({"format": {"type": "string"}, "source_columns": COLUMN_LIST}, ["format", "source_columns"])


@transform("filename", schema=FILENAME_SPEC)
def filename(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set fields to the first regex group matched in the job's file name (batch; Python regex).

    A required pattern that does not match stops the job; an optional one gives a null string.
    """
    base_file_name = ctx.file_name()
    columns: dict[str, Column] = {}
    for i, entry in enumerate(spec):
        try:
            pattern = re.compile(entry["pattern"])
        except re.error as error:
            raise ConfigError(
                f"transform 'filename': {entry['pattern']!r} is not a valid Python regex ({error})",
                file=ctx.spec_file,
                location=location("filename", i, "pattern"),
            ) from None
        if pattern.groups < 1:
            raise ConfigError(
                f"transform 'filename': pattern {entry['pattern']!r} has no capture group; expected a "
                "group around the part of the file name to keep, e.g. '(\\d{8})'",
                file=ctx.spec_file,
                location=location("filename", i, "pattern"),
            )
        match = pattern.search(base_file_name)
        if match:
            columns[entry["field"]] = F.lit(match.group(1))
        elif entry["required"]:
            raise DataError(
                f"Filename '{base_file_name}' failed to match required pattern {entry['pattern']} "
                f"for field '{entry['field']}'",
                file=ctx.spec_file,
                location=location("filename", i, "pattern"),
            )
        else:
            columns[entry["field"]] = F.lit(None).cast(T.StringType())
    return df.withColumns(columns)


def _java_group_count(ctx: JobContext, pattern: str, name: str, index: int) -> int:
    """The capture-group count of a Java regex (as Spark compiles it); a ConfigError if it is invalid."""
    try:
        return int(jvm(ctx.spark).java.util.regex.Pattern.compile(pattern).matcher("").groupCount())
    except Exception as error:  # noqa: BLE001 - py4j/pyspark wrap java.util.regex.PatternSyntaxException
        detail = " ".join(str(error).split())
        raise ConfigError(
            f"transform {name!r}: {pattern!r} is not a valid Java regex ({detail.strip()})",
            file=ctx.spec_file,
            location=location(name, index, "pattern"),
        ) from None


def _sources(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext, name: str) -> list[str]:
    sources = [source_of(entry) for entry in spec]
    require_columns(df, ctx, name, ((src, i, key) for i, (src, key) in enumerate(sources)))
    return [src for src, _ in sources]


@transform("columnfromcolumn", schema=COLUMNFROMCOLUMN_SPEC)
def columnfromcolumn(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set fields to the first group of a Java regex on a column (batch; no match gives '')."""
    sources = _sources(df, spec, ctx, "columnfromcolumn")
    for i, entry in enumerate(spec):
        if _java_group_count(ctx, entry["pattern"], "columnfromcolumn", i) < 1:
            raise ConfigError(
                f"transform 'columnfromcolumn': pattern {entry['pattern']!r} has no capture group; "
                "expected a group around the part to extract, e.g. '(\\d+)'",
                file=ctx.spec_file,
                location=location("columnfromcolumn", i, "pattern"),
            )
    return df.withColumns(
        {e["field"]: F.regexp_extract(src, e["pattern"], 1) for e, src in zip(spec, sources)}
    )


@transform("columnreplace", schema=COLUMNREPLACE_SPEC)
def columnreplace(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Replace Java regex matches in a column; the replacement may use $n groups (batch)."""
    sources = _sources(df, spec, ctx, "columnreplace")
    for i, entry in enumerate(spec):
        _java_group_count(ctx, entry["pattern"], "columnreplace", i)
    return df.withColumns(
        {e["field"]: F.regexp_replace(src, e["pattern"], e["replacement"]) for e, src in zip(spec, sources)}
    )


# Python's str.strip() removes exactly these characters (str.isspace); Spark's trim only removes ' '.
_PY_WHITESPACE = r"[\t\n\x{0B}\f\r\x{1C}-\x{1F}\x{85}\p{Z}]"
_PY_STRIP = f"^{_PY_WHITESPACE}+|{_PY_WHITESPACE}+$"
# Source types whose Spark string cast equals Python's str() of the value the reference's UDF gets.
_NATIVE_TYPES = (T.StringType, T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.DateType)
# Types a vectorised UDF can rebuild exactly from Spark's string cast (see _python_value).
_PANDAS_TYPES = (*_NATIVE_TYPES, T.FloatType, T.DoubleType, T.DecimalType, T.BooleanType)


def _format_fields(fmt: str, count: int, ctx: JobContext, index: int) -> list[tuple[str, int | None]] | None:
    """Parse a Python format string into (literal text, positional index) pieces.

    Returns None when the format needs Python itself (format specs, conversions, attribute or item
    access); raises ConfigError when it can never work (keyword placeholders, mixed numbering, an
    index beyond the source columns).
    """
    pieces: list[tuple[str, int | None]] = []
    automatic: bool | None = None
    next_index = 0
    native = True
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as error:
        raise ConfigError(
            f"transform 'combinecolumns': {fmt!r} is not a valid Python format string ({error})",
            file=ctx.spec_file,
            location=location("combinecolumns", index, "format"),
        ) from None
    for literal_text, field_name, format_spec, conversion in parsed:
        if field_name is None:
            pieces.append((literal_text, None))
            continue
        head = re.match(r"[^.\[]*", field_name).group(0)  # type: ignore[union-attr]
        if head == "":
            if automatic is False:
                problem = "mixes automatic '{}' and numbered '{0}' placeholders"
            else:
                automatic, position, problem = True, next_index, ""
                next_index += 1
        elif head.isdigit():
            if automatic is True:
                problem = "mixes automatic '{}' and numbered '{0}' placeholders"
            else:
                automatic, position, problem = False, int(head), ""
        else:
            problem = f"uses the keyword placeholder {{{head}}}; only positional placeholders work"
        if not problem and position >= count:
            problem = f"refers to value {position} but only {count} source_columns are given"
        if problem:
            raise ConfigError(
                f"transform 'combinecolumns': format {fmt!r} {problem}",
                file=ctx.spec_file,
                location=location("combinecolumns", index, "format"),
            )
        if field_name != head or format_spec or conversion:
            native = False
        pieces.append((literal_text, position))
    return pieces if native else None


def _python_value(text: str | None, kind: str) -> Any:
    """The Python object the reference's row UDF receives, rebuilt from Spark's string cast."""
    if text is None:
        return None
    if kind == "string":
        return text
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "decimal":
        return decimal.Decimal(text)
    if kind == "boolean":
        return text == "true"
    return datetime.date.fromisoformat(text)


def _kind(data_type: T.DataType) -> str:
    if isinstance(data_type, T.StringType):
        return "string"
    if isinstance(data_type, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return "int"
    if isinstance(data_type, (T.FloatType, T.DoubleType)):
        return "float"
    if isinstance(data_type, T.DecimalType):
        return "decimal"
    if isinstance(data_type, T.BooleanType):
        return "boolean"
    return "date"


def _format_values(fmt: str, values: list[Any]) -> str | None:
    """The reference's formatting: None becomes '', then ``fmt.format(*values).strip()``."""
    if not fmt:
        return None
    return fmt.format(*["" if value is None else value for value in values]).strip()


def _pandas_format(fmt: str, kinds: list[str]) -> Callable[..., Column]:
    """A vectorised UDF formatting string-cast columns after rebuilding their Python values."""

    def format_columns(*columns: pd.Series) -> pd.Series:
        rows = zip(*(column.tolist() for column in columns))
        return pd.Series(
            [
                _format_values(fmt, [_python_value(None if pd.isna(v) else v, k) for v, k in zip(row, kinds)])
                for row in rows
            ],
            dtype=object,
        )

    return series_udf(format_columns, T.StringType())


def _row_format(fmt: str) -> Callable[..., Column]:
    """A row-at-a-time UDF, for source types only Python's own conversion reproduces (timestamps, structs)."""
    return F.udf(lambda *values: _format_values(fmt, list(values)), T.StringType())


def _as_text(column: Column, data_type: T.DataType) -> Column:
    # A float becomes a Python float (a double) in the reference's UDF; the double's string form
    # parses back to exactly that value.
    if isinstance(data_type, T.FloatType):
        return column.cast(T.DoubleType()).cast(T.StringType())
    return column.cast(T.StringType())


def _combine(df: DataFrame, entry: dict[str, Any], ctx: JobContext, index: int) -> Column:
    fmt: str = entry["format"]
    sources: list[str] = entry["source_columns"]
    if not fmt:
        return F.lit(None).cast(T.StringType())
    pieces = _format_fields(fmt, len(sources), ctx, index)
    types = [df.select(c).schema.fields[0].dataType for c in sources]
    if pieces is not None and all(isinstance(t, _NATIVE_TYPES) for t in types):
        parts: list[Column] = []
        for literal_text, position in pieces:
            if literal_text:
                parts.append(F.lit(literal_text))
            if position is not None:
                parts.append(F.coalesce(F.col(sources[position]).cast(T.StringType()), F.lit("")))
        text = F.concat(*parts) if parts else F.lit("")
        return F.regexp_replace(text, _PY_STRIP, "")
    if all(isinstance(t, _PANDAS_TYPES) for t in types):
        return _pandas_format(fmt, [_kind(t) for t in types])(
            *(_as_text(F.col(c), t) for c, t in zip(sources, types))
        )
    return _row_format(fmt)(*(F.col(c) for c in sources))


@transform("combinecolumns", schema=COMBINECOLUMNS_SPEC)
def combinecolumns(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set fields to a Python format string filled with column values, nulls as '' and stripped (batch)."""
    require_columns(
        df,
        ctx,
        "combinecolumns",
        ((c, i, "source_columns") for i, e in enumerate(spec) for c in e["source_columns"]),
    )
    return df.withColumns({e["field"]: _combine(df, e, ctx, i) for i, e in enumerate(spec)})
