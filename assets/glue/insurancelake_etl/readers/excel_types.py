"""Excel cell types, inferred the way spark-excel's (V2, ``format('excel')``) ``inferSchema`` does.

Whole numbers are int or bigint, other numbers double, date-formatted cells timestamp, boolean cells
boolean, text cells by parsing (int, bigint, decimal, double, ``yyyy-MM-dd HH:mm:ss`` timestamp,
boolean, else string); blank and error cells are null. Column types merge by Spark's tightest common
type (int+double → double), and any other mix is string. In a string column numbers are written in
plain notation (``usePlainNumberFormat``) and dates in ISO form.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from pyspark.sql.types import (
    BooleanType,
    DataType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    NullType,
    StringType,
    TimestampType,
)

from .excel_workbook import parse_data_address

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_TIMESTAMP_TEXT = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}:\d{2}(\.\d{1,9})?$")
_INTEGER_TEXT = re.compile(r"^[+-]?\d+$")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$")


def _number_type(value: float | int) -> DataType:
    """spark-excel: a whole number in int range is int, a whole number in long range is bigint, else double."""
    if isinstance(value, int) or float(value).is_integer():
        whole = int(value)
        if _INT32[0] <= whole <= _INT32[1]:
            return IntegerType()
        if _INT64[0] <= whole <= _INT64[1]:
            return LongType()
    return DoubleType()


def _text_type(text: str) -> DataType:
    """spark-excel's string-cell inference: int, bigint, decimal(p,0), double, timestamp, boolean, string."""
    stripped = text.strip()
    if _INTEGER_TEXT.match(text):
        whole = int(text)
        if _INT32[0] <= whole <= _INT32[1]:
            return IntegerType()
        if _INT64[0] <= whole <= _INT64[1]:
            return LongType()
        digits = len(text.lstrip("+-"))
        return DecimalType(digits, 0) if digits <= 38 else DoubleType()
    if _NUMBER_TEXT.match(stripped) or stripped in ("NaN", "Infinity", "+Infinity", "-Infinity"):
        return DoubleType()
    if _TIMESTAMP_TEXT.match(text):
        return TimestampType()
    if text.lower() in ("true", "false"):
        return BooleanType()
    return StringType()


def _cell_type(value: Any) -> DataType:
    if value is None or (isinstance(value, str) and value == ""):
        return NullType()
    if isinstance(value, bool):
        return BooleanType()
    if isinstance(value, (int, float)):
        return _number_type(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return TimestampType()
    if isinstance(value, str) and value.startswith("#") and value.rstrip("!?0/").upper() in _ERROR_TEXTS:
        return NullType()
    return _text_type(str(value))


_ERROR_TEXTS = {"#N/A", "#NULL", "#DIV", "#VALUE", "#REF", "#NAME", "#NUM", "#GETTING_DATA"}
_NUMERIC_ORDER = (IntegerType, LongType, DoubleType)


def _merge(a: DataType, b: DataType) -> DataType:
    """Spark's tightest common type plus spark-excel's rules (string wins, double beats decimal); else string."""
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType) or a == b:
        return a
    if isinstance(a, StringType) or isinstance(b, StringType):
        return StringType()
    numeric = [t for t in (a, b) if isinstance(t, _NUMERIC_ORDER)]
    decimals = [t for t in (a, b) if isinstance(t, DecimalType)]
    if len(numeric) == 2:
        return max((a, b), key=lambda t: _NUMERIC_ORDER.index(type(t)))
    if len(decimals) == 2:
        first, second = decimals
        scale = max(first.scale, second.scale)
        whole = max(first.precision - first.scale, second.precision - second.scale)
        return DoubleType() if whole + scale > 38 else DecimalType(whole + scale, scale)
    if decimals and numeric:
        other = numeric[0]
        if isinstance(other, DoubleType):
            return DoubleType()
        room = 10 if isinstance(other, IntegerType) else 20
        dec = decimals[0]
        return dec if dec.precision - dec.scale >= room else StringType()
    return StringType()


def _plain_number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(value, "f").rstrip("0").rstrip(".")
    return text


def _as_string(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _plain_number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _convert(value: Any, data_type: DataType) -> Any:
    if value is None or (isinstance(value, str) and value == "") or isinstance(_cell_type(value), NullType):
        return None
    if isinstance(data_type, StringType):
        return _as_string(value)
    if isinstance(data_type, BooleanType):
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if isinstance(data_type, TimestampType):
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        return dt.datetime.fromisoformat(str(value).replace("T", " "))
    if isinstance(data_type, (IntegerType, LongType)):
        return int(value)
    if isinstance(data_type, DecimalType):
        return Decimal(str(value))
    return float(str(value).strip().rstrip("dDfF")) if isinstance(value, str) else float(value)


def safe_header(names: list[Any]) -> list[str]:
    """Column names as Spark's CSV header handling makes them: blanks → ``_c<i>``, repeats get their index."""
    raw = [None if n is None or str(n) == "" else _as_string(n) for n in names]
    lowered = [r.lower() if r is not None else None for r in raw]
    out = []
    for i, name in enumerate(raw):
        if name is None:
            out.append(f"_c{i}")
        elif lowered.count(name.lower()) > 1:
            out.append(f"{name}{i}")
        else:
            out.append(name)
    return out


def excel_frame(cells: list[list[Any]], address: str, header: bool) -> tuple[list[str], list[DataType], list[list[Any]]]:
    """Cut the region at ``address`` out of the sheet's cells; (names, types, rows) as spark-excel infers them."""
    row0, col0, row1, col1 = parse_data_address(address)
    block = cells[row0 - 1 : row1 if row1 else None]
    last_col = col1 if col1 else max((len(r) for r in block), default=0)
    region = [(list(r) + [None] * max(0, last_col - len(r)))[col0 - 1 : last_col] for r in block]
    # Blank rows carry no data (trailing formatted rows are common in workbooks).
    region = [r for r in region if any(v is not None and v != "" for v in r)]
    ncols = max((len(r) for r in region), default=0)
    if header and region:
        names = safe_header(region[0] + [None] * (ncols - len(region[0])))
        body = region[1:]
    else:
        names = [f"_c{i}" for i in range(ncols)]
        body = region
    types: list[DataType] = []
    for c in range(ncols):
        column_type: DataType = NullType()
        for r in body:
            column_type = _merge(column_type, _cell_type(r[c] if c < len(r) else None))
        types.append(StringType() if isinstance(column_type, NullType) else column_type)
    rows = [[_convert(r[c] if c < len(r) else None, types[c]) for c in range(ncols)] for r in body]
    return names, types, rows

