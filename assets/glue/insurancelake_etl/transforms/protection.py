"""Data protection transforms: ``hash``, ``redact`` and ``tokenize`` — reference module
``datatransform_dataprotection`` (behaviour reference §15.2 rows 7-9, §21).

The hash of a value is the lowercase hex SHA-256 of its Python ``str()`` form, as the reference's
Python UDF computes it, but built from native Spark expressions (:func:`python_str`), so no row
leaves the JVM. A null stays null (Decision D6). All three transforms stop the job when a field is
missing, before anything is changed, so a schema change cannot expose sensitive data.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .. import lookups as store
from ..context import JobContext
from ..errors import DataError
from ._checks import COLUMN, location
from .registry import transform

FIELD_LIST_SPEC: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": COLUMN,
    "description": "Names of the columns to protect.",
}

REDACT_SPEC: dict[str, Any] = {
    "type": "object",
    "minProperties": 1,
    "description": "Field name → the constant that replaces every value (null gives a void column).",
    "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
}

_INTEGRAL = (T.ByteType, T.ShortType, T.IntegerType, T.LongType)
_call = F.call_function


def _bind(value: Column, body: Any) -> Column:
    """``body(v)`` with ``v`` evaluated once (a one-element ``transform``), which keeps the expression
    tree small where a sub-expression is used many times."""
    return F.transform(F.array(value), body)[0]


def _float_layout(scientific: Column) -> Column:
    """Python's float repr layout of a non-zero magnitude given as ``d.ddde±x`` text."""
    lit = F.lit
    exponent = F.substring_index(scientific, "e", -1).cast("int")

    def layout(digits: Column) -> Column:
        count = F.length(digits)
        whole = F.when(
            count <= exponent + 1, F.concat(_call("rpad", digits, exponent + 1, lit("0")), lit(".0"))
        ).otherwise(F.concat(digits.substr(lit(1), exponent + 1), lit("."), digits.substr(exponent + 2, count)))
        fraction = F.concat(lit("0."), _call("repeat", lit("0"), -exponent - 1), digits)
        magnitude = F.abs(exponent).cast("string")
        exponential = F.concat(
            digits.substr(lit(1), lit(1)),
            F.when(count > 1, F.concat(lit("."), digits.substr(lit(2), count))).otherwise(lit("")),
            lit("e"),
            F.when(exponent < 0, lit("-")).otherwise(lit("+")),
            F.when(F.abs(exponent) < 10, F.concat(lit("0"), magnitude)).otherwise(magnitude),
        )
        return F.when(exponent.between(-4, 15), F.when(exponent >= 0, whole).otherwise(fraction)).otherwise(
            exponential
        )

    digits = F.regexp_replace(F.regexp_replace(F.substring_index(scientific, "e", 1), r"\.", ""), "0+$", "")
    return _bind(digits, layout)


def _float_text(value: Column) -> Column:
    """Python ``repr`` of a float (what ``str()`` gives): the shortest digits that round-trip, in
    fixed notation for exponents -4..15 (``100.0``, ``0.0001``) and ``1e+16``/``1.5e-05`` style
    otherwise, plus ``nan``, ``inf``, ``-inf`` and ``-0.0``.

    The shortest digits come from the first ``%.<p>e`` rendering (p = 0..16) that parses back to
    the same double; Java's ``Double.toString`` is not usable, as it is not always the shortest.
    """
    lit = F.lit
    number = value.cast("double")
    magnitude = F.abs(number)

    def shortest(m: Column) -> Column:
        renderings = F.transform(
            F.sequence(lit(0), lit(16)), lambda p: _call("format_string", F.concat(lit("%."), p, lit("e")), m)
        )
        exact = F.filter(renderings, lambda text: text.cast("double") == m)
        return F.coalesce(F.element_at(exact, 1), F.element_at(renderings, -1))

    sign = F.when(number.cast("string").startswith("-"), lit("-")).otherwise(lit(""))
    return (
        F.when(number.isNull(), lit(None).cast("string"))
        .when(F.isnan(number), lit("nan"))
        .when(magnitude == float("inf"), F.concat(sign, lit("inf")))
        .when(magnitude == 0, F.concat(sign, lit("0.0")))
        .otherwise(F.concat(sign, _bind(_bind(magnitude, shortest), _float_layout)))
    )


def _decimal_text(value: Column, data_type: T.DecimalType) -> Column:
    """Python ``str()`` of the Decimal a Python UDF receives.

    Spark's text is Java ``BigDecimal.toString``, whose rules are Python's (scale kept, E notation
    when the adjusted exponent is below -6). PySpark, however, hands a Decimal over as Java's
    *engineering* string, so in E notation the coefficient is padded with zeros up to the digits
    before an exponent that is a multiple of 3: 1E-10 arrives as ``100E-12`` and prints ``1.00E-10``.
    """
    if data_type.scale <= 6:  # the adjusted exponent cannot drop below -6
        return value.cast("string")
    lit = F.lit

    def python_form(text: Column) -> Column:
        exponent = F.substring_index(text, "E", -1).cast("int")
        coefficient = F.regexp_replace(F.substring_index(text, "E", 1), r"[-.]", "")
        width = F.pmod(exponent, lit(3)) + 1
        padded = F.when(F.length(coefficient) < width, _call("rpad", coefficient, width, lit("0"))).otherwise(
            coefficient
        )
        return F.concat(
            F.when(text.startswith("-"), lit("-")).otherwise(lit("")),
            padded.substr(lit(1), lit(1)),
            F.when(F.length(padded) > 1, F.concat(lit("."), padded.substr(lit(2), F.length(padded)))).otherwise(
                lit("")
            ),
            lit("E"),
            exponent.cast("string"),
        )

    def choose(text: Column) -> Column:
        return F.when(text.contains("E") & (value != 0), python_form(text)).otherwise(text)

    return _bind(value.cast("string"), choose)


def _timestamp_text(value: Column) -> Column:
    """Python ``str(datetime)``: ``YYYY-MM-DD HH:MM:SS`` plus ``.ffffff`` when there are microseconds.

    Rendered in the session time zone, which is what a Python worker sees when its process time zone
    is the same (UTC on Glue and in the local runtime).
    """
    seconds = F.date_format(value, "yyyy-MM-dd HH:mm:ss")
    micros = F.date_format(value, "SSSSSS")
    return F.when(micros == "000000", seconds).otherwise(F.concat(seconds, F.lit("."), micros))


def python_str(value: Column, data_type: T.DataType) -> Column | None:
    """A native expression equal to Python ``str()`` of the value a Python UDF would receive, or None
    for types whose ``str()`` form is not reproduced (binary, arrays, maps, structs, intervals)."""
    if isinstance(data_type, (T.StringType, T.VarcharType, T.CharType)):
        return value.cast("string")
    if isinstance(data_type, (*_INTEGRAL, T.DateType)):
        return value.cast("string")  # dates as YYYY-MM-DD, like Python
    if isinstance(data_type, T.DecimalType):
        return _decimal_text(value, data_type)
    if isinstance(data_type, T.BooleanType):
        return F.when(value.isNull(), F.lit(None).cast("string")).when(value, F.lit("True")).otherwise(F.lit("False"))
    if isinstance(data_type, (T.FloatType, T.DoubleType)):
        return _float_text(value)
    if isinstance(data_type, (T.TimestampType, T.TimestampNTZType)):
        return _timestamp_text(value)
    if isinstance(data_type, T.NullType):
        return F.lit(None).cast("string")
    return None


def sha256_of_str(value: Column, data_type: T.DataType) -> Column | None:
    """Lowercase hex SHA-256 of the value's Python ``str()`` form; null for a null value (Decision D6)."""
    text = python_str(value, data_type)
    return None if text is None else F.sha2(text, 256)


def _check_fields(df: DataFrame, fields: list[str], ctx: JobContext, name: str) -> None:
    for i, field in enumerate(fields):
        if field not in df.columns:
            raise DataError(
                f"Field '{field}' not found in incoming data", file=ctx.spec_file, location=location(name, i)
            )


def _hash_column(df: DataFrame, field: str, index: int, ctx: JobContext, name: str) -> Column:
    data_type = df.schema[field].dataType
    hashed = sha256_of_str(F.col("`" + field.replace("`", "``") + "`"), data_type)
    if hashed is None:
        raise DataError(
            f"transform {name!r}: field {field!r} is {data_type.simpleString()}, which cannot be hashed;"
            " convert it with changetype first (e.g. to string or json)",
            file=ctx.spec_file,
            location=location(name, index),
        )
    return hashed


@transform("hash", schema=FIELD_LIST_SPEC)
def hash_(df: DataFrame, spec: list[str], ctx: JobContext) -> DataFrame:
    """Replace values with the SHA-256 hex of their text, in place (batch; null stays null)."""
    _check_fields(df, spec, ctx, "hash")
    columns = {field: _hash_column(df, field, i, ctx, "hash") for i, field in enumerate(spec)}
    return df.withColumns(columns)


@transform("redact", schema=REDACT_SPEC)
def redact(df: DataFrame, spec: dict[str, Any], ctx: JobContext) -> DataFrame:
    """Replace every value of each field with a constant, in place (batch)."""
    _check_fields(df, list(spec), ctx, "redact")
    return df.withColumns({field: F.lit(value) for field, value in spec.items()})


@transform("tokenize", schema=FIELD_LIST_SPEC)
def tokenize(df: DataFrame, spec: list[str], ctx: JobContext) -> DataFrame:
    """Replace values with their SHA-256 token (column moved last) and store token → original in the
    hash-values table, each token once (sequential; null values give null tokens and no item)."""
    _check_fields(df, spec, ctx, "tokenize")
    table_name = ctx.tables.require("hash_value_table")
    pairs: DataFrame | None = None
    for i, field in enumerate(spec):
        token = _hash_column(df, field, i, ctx, "tokenize")
        original = F.col("`" + field.replace("`", "``") + "`")
        field_pairs = df.select(original.cast("string").alias("raw_data"), token.alias("hash_key"))
        pairs = field_pairs if pairs is None else pairs.unionByName(field_pairs)
        df = df.select(*[F.col("`" + c.replace("`", "``") + "`") for c in df.columns if c != field], token.alias(field))
    if pairs is None:
        return df
    to_store = pairs.where(F.col("hash_key").isNotNull()).dropDuplicates(["hash_key"])
    written = store.put_items(
        table_name,
        ({"hash_key": row.hash_key, "raw_data": row.raw_data} for row in to_store.toLocalIterator()),
        keys=["hash_key"],
    )
    ctx.logger.info("tokenize: %d token(s) written to %s", written, table_name)
    return df
