"""Premium transforms: ``enddate``, ``policymonths``, ``expandpolicymonths``, ``earnedpremium``,
``addcolumns``, ``flipsign``, ``multiplycolumns`` (reference module ``datatransform_premium``).

The reference computes policy months, month lists and straight-line earned premium with Python UDFs;
here they are native Spark expressions that give the same values (see the behaviour reference §15.4).
By-day earned premium stays a (vectorised) pandas UDF: its result depends on a Python float ratio
converted exactly to Decimal, which no Spark cast reproduces. Integer arithmetic on the double's
binary expansion does reproduce it within 38-digit decimals, but that expression made the example
job slower than this UDF (bench/README.md, issue 12 sixth pass).
"""

from __future__ import annotations

import datetime
import decimal
import logging
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import add, mul
from typing import Any

import pandas as pd
from pyspark.errors import AnalysisException, ParseException
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..context import JobContext
from ..errors import DataError
from ._checks import COLUMN, COLUMN_LIST, location, require_columns, source_of
from ._pandas_udf import series_udf
from .registry import transform

logger = logging.getLogger(__name__)

PREMIUM_TYPE = T.DecimalType(16, 2)
_CENT = Decimal("0.01")
_PREMIUM_LIMIT = Decimal(10) ** 14  # decimal(16,2) holds 14 integer digits

_DATE_COLUMN = {**COLUMN, "description": "Name of a DateType column."}


def _entries(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"field": COLUMN, **properties},
            "required": ["field", *required],
        },
    }


ENDDATE_SPEC = _entries(
    {
        "start_date": {**COLUMN, "description": "Column (pasted into add_months SQL text) with the start date."},
        "num_months": {**COLUMN, "description": "Column (pasted into add_months SQL text) with the months to add."},
    },
    ["start_date", "num_months"],
)
POLICYMONTHS_SPEC = _entries(
    {
        "policy_effective_date": _DATE_COLUMN,
        "policy_expiration_date": _DATE_COLUMN,
        "normalized": {"type": "boolean", "default": False},
    },
    ["policy_effective_date", "policy_expiration_date"],
)
EXPANDPOLICYMONTHS_SPEC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "policy_effective_date": _DATE_COLUMN,
        "policy_expiration_date": _DATE_COLUMN,
        "policy_month_start_field": COLUMN,
        "policy_month_end_field": COLUMN,
        "policy_month_index": COLUMN,
        "uniqueid_field": COLUMN,
        "uniqueid": {**COLUMN, "description": "Alias of uniqueid_field (Decision D4)."},
    },
    "required": [
        "policy_effective_date",
        "policy_expiration_date",
        "policy_month_start_field",
        "policy_month_end_field",
        "policy_month_index",
    ],
}
EARNEDPREMIUM_SPEC = _entries(
    {
        "written_premium_list": COLUMN_LIST,
        "policy_effective_date": _DATE_COLUMN,
        "policy_expiration_date": _DATE_COLUMN,
        "period_start_date": _DATE_COLUMN,
        "period_end_date": _DATE_COLUMN,
        "byday": {"type": "boolean", "default": False},
    },
    [
        "written_premium_list",
        "policy_effective_date",
        "policy_expiration_date",
        "period_start_date",
        "period_end_date",
    ],
)
ADDCOLUMNS_SPEC = _entries({"source_columns": COLUMN_LIST}, ["source_columns"])
FLIPSIGN_SPEC = _entries({"source": COLUMN}, [])
MULTIPLYCOLUMNS_SPEC = _entries(
    {"source_columns": COLUMN_LIST, "empty_value": {"type": "number", "default": 1}}, ["source_columns"]
)


def add_columns(*source_columns: str) -> Column:
    """The sum of the columns with nulls counted as 0 (a Spark expression; the type follows Spark arithmetic)."""
    return reduce(add, [F.coalesce(F.col(c), F.lit(0)) for c in source_columns])


def _require_dates(df: DataFrame, ctx: JobContext, name: str, index: int | None, keys: dict[str, str]) -> None:
    """Check that each ``spec key → column`` exists and holds dates (DateType or TimestampType)."""
    require_columns(df, ctx, name, ((column, index, key) for key, column in keys.items()))
    for key, column in keys.items():
        data_type = df.select(column).schema.fields[0].dataType
        if not isinstance(data_type, (T.DateType, T.TimestampType, T.TimestampNTZType)):
            raise DataError(
                f"transform {name!r}: column {column!r} is {data_type.simpleString()}; expected a date "
                "(convert it first with the date transform)",
                file=ctx.spec_file,
                location=location(name, index, key),
            )


def _month_number(column: Column) -> Column:
    return F.year(column) * 12 + F.month(column)


def normalized_months(expiration: Column, effective: Column) -> Column:
    """Whole policy months, floor-style (behaviour reference §15.4 ``months_between_normalized``).

    The expiration date less one month (or the expiration date itself when that falls before the
    effective date) gives the last month; the result counts the months from the effective date's
    month to that month inclusive. Null when either date is null. IntegerType.
    """
    prior = expiration - F.expr("INTERVAL 1 MONTH")
    last = F.when(prior < effective, expiration).otherwise(prior)
    count = F.greatest(_month_number(last) - _month_number(effective) + 1, F.lit(0))
    return F.when(expiration.isNull() | effective.isNull(), F.lit(None).cast(T.IntegerType())).otherwise(count)


def policy_month_starts(effective: Column, expiration: Column) -> Column:
    """The first day of every month from the effective date's month while it is on or before the
    expiration date (array<date>); an empty array when there is none, null when a date is null."""
    first = F.trunc(effective, "month")
    until = expiration.cast(T.DateType())
    months = F.sequence(first, until, F.expr("INTERVAL 1 MONTH"))
    return (
        F.when(effective.isNull() | expiration.isNull(), F.lit(None).cast(T.ArrayType(T.DateType())))
        .when(until < first, F.array().cast(T.ArrayType(T.DateType())))
        .otherwise(months)
    )


@transform("enddate", schema=ENDDATE_SPEC)
def enddate(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set fields to a start date plus a number of months (batch, Spark ``add_months``; DateType)."""
    columns: dict[str, Column] = {}
    for i, entry in enumerate(spec):
        # As the reference, the names are pasted into SQL text, so expressions work too.
        expression = F.expr(f"add_months({entry['start_date']},{entry['num_months']})")
        try:
            df.select(expression).schema
        except (AnalysisException, ParseException) as error:
            raise DataError(
                f"transform 'enddate': add_months({entry['start_date']},{entry['num_months']}) cannot be "
                f"computed on the data ({' '.join(str(error).splitlines()[0].split())})",
                file=ctx.spec_file,
                location=location("enddate", i),
            ) from None
        columns[entry["field"]] = expression
    return df.withColumns(columns)


@transform("policymonths", schema=POLICYMONTHS_SPEC)
def policymonths(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set fields to the months between effective and expiration dates (batch).

    Not normalized: Spark ``months_between`` as decimal(16,2) (fractions on a 31-day month).
    Normalized: whole months, floor-style, IntegerType (January 1 to December 31 gives 11).
    """
    columns: dict[str, Column] = {}
    for i, entry in enumerate(spec):
        eff, exp = entry["policy_effective_date"], entry["policy_expiration_date"]
        _require_dates(
            df, ctx, "policymonths", i, {"policy_effective_date": eff, "policy_expiration_date": exp}
        )
        if entry.get("normalized", False):
            columns[entry["field"]] = normalized_months(F.col(exp), F.col(eff))
        else:
            columns[entry["field"]] = F.months_between(exp, eff).cast(PREMIUM_TYPE)
    return df.withColumns(columns)


@transform("expandpolicymonths", schema=EXPANDPOLICYMONTHS_SPEC)
def expandpolicymonths(df: DataFrame, spec: dict[str, Any], ctx: JobContext) -> DataFrame:
    """Expand each policy into one row per policy month with a 1-based index, month start and month end.

    ``uniqueid_field`` (or its alias ``uniqueid``) first gives every input row a uuid. A null date
    gives one row with null index, start and end.
    """
    eff, exp = spec["policy_effective_date"], spec["policy_expiration_date"]
    _require_dates(df, ctx, "expandpolicymonths", None, {"policy_effective_date": eff, "policy_expiration_date": exp})
    index, start, end = spec["policy_month_index"], spec["policy_month_start_field"], spec["policy_month_end_field"]
    uniqueid = spec.get("uniqueid_field", spec.get("uniqueid"))
    if uniqueid is not None:
        df = df.withColumn(uniqueid, F.expr("uuid()"))
    months = "expandpolicymonths_transform_policy_months_list"
    df = df.withColumn(months, policy_month_starts(F.col(eff), F.col(exp)))
    df = df.selectExpr("*", f"posexplode_outer({months}) as (`{index}`, `{start}`)").drop(months)
    return df.withColumns({end: F.last_day(F.col(start)), index: F.col(index) + 1})


def _straightline(total: Column, eff: Column, exp: Column, start: Column, end: Column) -> Column:
    """Straight-line earned premium: the total spread evenly over the normalized policy months.

    Null when any input is null, when the policy has no month, or when the period ends before the
    policy starts or after the first day of the expiration month (so the expiration month is null,
    as the reference). decimal(16,2), rounded half-up.
    """
    first_month = F.trunc(eff, "month")
    last_month = F.trunc(exp, "month")
    # Spark divides decimals exactly to at least 6 decimals (half-up), then rounds half-up to cents:
    # the same cents as Python's 28-digit Decimal division for any realistic month count.
    rounded = F.round(total / normalized_months(exp, eff), 2)
    checked = F.when(
        F.abs(rounded) >= F.lit(_PREMIUM_LIMIT), F.raise_error(F.concat(F.lit(_overflow("")), rounded.cast("string")))
    ).otherwise(rounded.cast(PREMIUM_TYPE))
    out_of_range = (exp.cast(T.DateType()) < first_month) | (end < eff) | (end > last_month)
    any_null = total.isNull() | eff.isNull() | exp.isNull() | start.isNull() | end.isNull()
    return F.when(any_null | out_of_range, F.lit(None).cast(PREMIUM_TYPE)).otherwise(checked)


def _overflow(value: str) -> str:
    return f"earnedpremium: value does not fit decimal(16,2): {value}"


def _python_date(value: Any) -> datetime.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    date: datetime.date = value
    return date


def byday_value(
    total: Decimal | int | None,
    eff: datetime.date | None,
    exp: datetime.date | None,
    start: datetime.date | None,
    end: datetime.date | None,
) -> Decimal | None:
    """By-day earned premium of one row (behaviour reference §15.4), rounded half-up to cents."""
    if total is None or eff is None or exp is None or start is None or end is None:
        return None
    if end < eff or start > exp or (exp - eff).days < 0:
        return None
    first = eff if start < eff else start
    last = exp if end > exp else end
    # The ratio is a Python float, converted exactly to Decimal, as the reference computes it.
    earned = total * Decimal(((last - first).days + 1) / ((exp - eff).days + 1))
    rounded = earned.quantize(_CENT, rounding=ROUND_HALF_UP)
    if abs(rounded) >= _PREMIUM_LIMIT:
        raise ValueError(_overflow(str(rounded)))
    return rounded


def _byday_values(total: pd.Series, eff: pd.Series, exp: pd.Series, start: pd.Series, end: pd.Series) -> pd.Series:
    with decimal.localcontext(decimal.Context()):  # the default context (28 digits), as the reference
        values = [
            byday_value(
                None if t is None or (isinstance(t, float) and pd.isna(t)) else (Decimal(t) if isinstance(t, str) else t),
                _python_date(a),
                _python_date(b),
                _python_date(c),
                _python_date(d),
            )
            for t, a, b, c, d in zip(total.tolist(), eff.tolist(), exp.tolist(), start.tolist(), end.tolist())
        ]
    return pd.Series(values, dtype=object)


_byday_udf = series_udf(_byday_values, PREMIUM_TYPE)


def _byday(total: Column, total_type: T.DataType, eff: Column, exp: Column, start: Column, end: Column) -> Column:
    # Integral totals travel as text so that null-bearing integer columns keep exact integer values
    # (pandas would turn them into floats); byday_value gets int(...) back through Decimal(text).
    if isinstance(total_type, T.DecimalType):
        argument = total
    else:
        argument = total.cast(T.StringType())
    return _byday_udf(argument, eff, exp, start, end)


@transform("earnedpremium", schema=EARNEDPREMIUM_SPEC)
def earnedpremium(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set fields to the premium earned in a period, straight-line by month or by day (batch; decimal(16,2)).

    The written premium is the sum of ``written_premium_list`` with nulls counted as 0.
    """
    columns: dict[str, Column] = {}
    for i, entry in enumerate(spec):
        date_keys = ("policy_effective_date", "policy_expiration_date", "period_start_date", "period_end_date")
        require_columns(
            df, ctx, "earnedpremium", ((c, i, "written_premium_list") for c in entry["written_premium_list"])
        )
        _require_dates(df, ctx, "earnedpremium", i, {key: entry[key] for key in date_keys})
        total = add_columns(*entry["written_premium_list"])
        total_type = df.select(total).schema.fields[0].dataType
        eff, exp, start, end = (F.col(entry[key]) for key in date_keys)
        byday = bool(entry.get("byday", False))
        if isinstance(total_type, T.DecimalType):
            if byday:
                columns[entry["field"]] = _byday(total, total_type, eff, exp, start, end)
            else:
                columns[entry["field"]] = _straightline(total, eff, exp, start, end)
        elif isinstance(total_type, T.IntegralType) and byday:
            columns[entry["field"]] = _byday(total, total_type, eff, exp, start, end)
        elif isinstance(total_type, T.IntegralType):
            # The reference divides a Python int, gets a float, which Spark turns into null for a
            # decimal(16,2) UDF: kept, with a warning because it is almost never what is meant.
            logger.warning(
                "%s: %s: straight-line earned premium of integer premiums is always null (as the reference); "
                "convert the written premium columns to decimal first",
                ctx.spec_file,
                location("earnedpremium", i, "written_premium_list"),
            )
            columns[entry["field"]] = F.lit(None).cast(PREMIUM_TYPE)
        else:
            raise DataError(
                f"transform 'earnedpremium': the written premium ({', '.join(entry['written_premium_list'])}) "
                f"adds up to {total_type.simpleString()}; expected decimal or integer columns "
                "(convert them with currency or changetype to decimal(16,2))",
                file=ctx.spec_file,
                location=location("earnedpremium", i, "written_premium_list"),
            )
    return df.withColumns(columns)


@transform("addcolumns", schema=ADDCOLUMNS_SPEC)
def addcolumns(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set fields to the sum of columns with nulls counted as 0 (batch)."""
    require_columns(
        df, ctx, "addcolumns", ((c, i, "source_columns") for i, e in enumerate(spec) for c in e["source_columns"])
    )
    return df.withColumns({e["field"]: add_columns(*e["source_columns"]) for e in spec})


@transform("flipsign", schema=FLIPSIGN_SPEC)
def flipsign(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Negate a numeric column, in place or into a new field (batch)."""
    sources = [source_of(e) for e in spec]
    require_columns(df, ctx, "flipsign", ((src, i, key) for i, (src, key) in enumerate(sources)))
    return df.withColumns({e["field"]: -F.col(src) for e, (src, _) in zip(spec, sources)})


@transform("multiplycolumns", schema=MULTIPLYCOLUMNS_SPEC)
def multiplycolumns(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Set fields to the product of columns, nulls counted as ``empty_value`` (default 1) (batch)."""
    require_columns(
        df,
        ctx,
        "multiplycolumns",
        ((c, i, "source_columns") for i, e in enumerate(spec) for c in e["source_columns"]),
    )
    return df.withColumns(
        {
            e["field"]: reduce(mul, [F.coalesce(F.col(c), F.lit(e.get("empty_value", 1))) for c in e["source_columns"]])
            for e in spec
        }
    )
