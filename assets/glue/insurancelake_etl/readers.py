"""Input readers of the Collect→Cleanse job (reference §13): pick the reader, read the file.

Dispatch, first match wins: ``fixed`` in ``input_spec`` → fixed width; an Excel extension (``.xlsx``,
``.xlsm``, ``.xls``, Decision D5) → Excel; ``.json``/``.jsonl`` → JSON; ``.xml`` → XML; ``.parquet``
or ``parquet`` in ``input_spec`` → Parquet; anything else → delimited text.

Excel is read with openpyxl (``.xlsx``/``.xlsm``) or xlrd (``.xls``), decrypted with msoffcrypto when a
password is given, and typed the way spark-excel's (V2, ``format('excel')``) ``inferSchema`` types
cells: whole numbers are int or bigint, other numbers double, date-formatted cells timestamp, boolean
cells boolean, text cells by parsing (int, bigint, decimal, double, ``yyyy-MM-dd HH:mm:ss`` timestamp,
boolean, else string); blank and error cells are null. Column types merge by Spark's tightest common
type (int+double → double), and any other mix is string. In a string column numbers are written in
plain notation (``usePlainNumberFormat``) and dates in ISO form.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
from decimal import Decimal
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    BooleanType,
    DataType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    NullType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from . import objectstore
from .errors import ConfigError, DataError

logger = logging.getLogger(__name__)

EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls")
DELIMITED_DEFAULTS = {"csv": ",", "tsv": "\t", "pipe": "|"}
NO_ROWS_MESSAGE = "No rows of data in source file; aborting"


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def reader_kind(path: str, input_spec: dict[str, Any]) -> str:
    """Which reader §13.1 picks: fixed, excel, json, xml, parquet or delimited."""
    ext = os.path.splitext(path)[1]
    if "fixed" in input_spec:
        return "fixed"
    if ext.lower() in EXCEL_EXTENSIONS:
        return "excel"
    if ext in (".json", ".jsonl"):
        return "json"
    if ext == ".xml":
        return "xml"
    if ext == ".parquet" or "parquet" in input_spec:
        return "parquet"
    return "delimited"


def read_input(
    spark: SparkSession,
    path: str,
    input_spec: dict[str, Any],
    *,
    mapping_rows: list[dict[str, Any]],
    file_label: str,
) -> DataFrame:
    """Read the input file at ``path`` with the reader §13.1 selects and the ``input_spec`` options."""
    kind = reader_kind(path, input_spec)
    logger.info("reading %s as %s", file_label, kind)
    if kind == "fixed":
        return read_fixed_width(spark, path, mapping_rows, file_label=file_label)
    if kind == "excel":
        return read_excel(spark, path, input_spec.get("excel") or {}, file_label=file_label)
    if kind == "json":
        return read_json(spark, path, input_spec.get("json") or {})
    if kind == "xml":
        return read_xml(spark, path, input_spec.get("xml") or {})
    if kind == "parquet":
        return spark.read.format("parquet").load(path)
    return read_delimited(spark, path, input_spec)


def read_input_counted(
    spark: SparkSession,
    path: str,
    input_spec: dict[str, Any],
    *,
    mapping_rows: list[dict[str, Any]],
    file_label: str,
) -> tuple[DataFrame, int | None]:
    """:func:`read_input` plus the number of rows the frame has when the reader knows it without a
    Spark pass (a delimited file read line by line: one row per line after the header), else None."""
    if reader_kind(path, input_spec) == "delimited":
        logger.info("reading %s as delimited", file_label)
        return read_delimited_counted(spark, path, input_spec)
    return read_input(spark, path, input_spec, mapping_rows=mapping_rows, file_label=file_label), None


def check_not_empty(df: DataFrame) -> None:
    """Abort with ``No rows of data in source file; aborting`` when ``df`` has no rows."""
    if df.count() == 0:
        raise DataError(NO_ROWS_MESSAGE)


# ------------------------------------------------------------------------------------ delimited


def delimited_options(input_spec: dict[str, Any]) -> dict[str, str]:
    """Spark CSV options for the winning section (pipe > tsv > csv) of ``input_spec``."""
    section_name = "csv"
    for name in ("csv", "tsv", "pipe"):
        if name in input_spec:
            section_name = name
    section = input_spec.get(section_name) or {}
    return {
        "header": str(_flag(section.get("header"), True)).lower(),
        "delimiter": section.get("delimiter") or DELIMITED_DEFAULTS[section_name],
        "quote": section.get("quote_character", '"'),
        "escape": section.get("escape_character", '"'),
        "multiLine": "true",
        "inferSchema": "true",
        "mode": "PERMISSIVE",
    }


def read_delimited(spark: SparkSession, path: str, input_spec: dict[str, Any]) -> DataFrame:
    """CSV, TSV, pipe or any (multi-character) delimiter, with Spark's schema inference.

    The reference reads with ``multiLine=true``, which makes the file one unsplittable partition.
    When :func:`single_line_records` proves that no record of the file spans a line break, the file
    is read with ``multiLine=false`` instead: the same rows, values and inferred types, in as many
    partitions as the file has splits."""
    return read_delimited_counted(spark, path, input_spec)[0]


def read_delimited_counted(spark: SparkSession, path: str, input_spec: dict[str, Any]) -> tuple[DataFrame, int | None]:
    """:func:`read_delimited` plus its row count when the file is read line by line (PERMISSIVE
    mode makes one row of every line, so the scan's line count is exact), else None."""
    options = delimited_options(input_spec)
    records = single_line_records(path, options)
    if records is not None:
        options["multiLine"] = "false"
    logger.info("delimited %s read with multiLine=%s", path, options["multiLine"])
    return spark.read.format("csv").options(**options).load(path), records


# Why line mode may replace multiLine, and when it may not.
#
# With multiLine=true Spark hands the whole file to one univocity parser; with multiLine=false Hadoop
# cuts the file into lines (at \n, \r\n or \r), each split parses its lines with the same univocity
# settings, the first line of the file is dropped as the header, and lines whose ``trim()`` is empty
# are skipped. The two give the same records exactly when:
#
# 1. no record spans a line break: every quote character of the file belongs to a quoted field that
#    starts at a field start (line start or after the delimiter) and closes on the same line right
#    before a delimiter or the line end, with doubled quotes (escape = quote) inside. With a
#    one-character delimiter, field starts are unambiguous: a quote that is not such a field is
#    either inside an unquoted field or an unclosed quoted field, and stays after all well-formed
#    quoted fields are removed left to right, so "no quote left" is the test. Other delimiters
#    (several characters) are only accepted when the file has no quote at all;
# 2. every line ends the same way (all \n, or all \r\n): multiLine detects the first ending and
#    keeps any other \r as data, line mode cuts at every \r;
# 3. no blank or whitespace-only line (line mode drops them before parsing), no byte-order mark
#    (univocity drops it, line mode keeps it in the first column name), and, with a header, no data
#    line equal to the header line (line mode's schema inference skips such lines);
# 4. the file is plain (no compression codec, whose bytes this scan cannot read) and the escape
#    character is the quote or absent from the file.
#
# Anything else, and any file the scan cannot open (a scheme other than file:// and s3://), keeps
# multiLine=true: the reference's behaviour. The scan streams the file once on the driver in
# SCAN_CHUNK_BYTES pieces cut at line ends; its cost is a small fraction of one Spark pass.

SCAN_CHUNK_BYTES = 16 * 1024 * 1024
_CODEC_EXTENSIONS = (".gz", ".gzip", ".bz2", ".deflate", ".snappy", ".lz4", ".zst", ".xz", ".zip", ".br")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_BLANK_LINE = re.compile(rb"\n[\x00-\x09\x0b-\x20]*\n")


def _open_stream(path: str) -> Any:
    """A binary stream of the file at ``path`` (``file://``, a plain path or ``s3://``), else None."""
    if objectstore.is_s3(path):
        bucket, key = objectstore._split_s3(path)
        try:
            return objectstore.s3_client().get_object(Bucket=bucket, Key=key)["Body"]
        except Exception:  # absent or unreadable: Spark reports it when it reads
            return None
    if "://" in path and not path.startswith("file:"):
        return None
    local = objectstore._local_path(path)
    return open(local, "rb") if local.is_file() else None


def _chunks(stream: Any, size: int) -> Any:
    """The stream's bytes in pieces that end at a ``\n`` (the last one may not)."""
    rest = b""
    while True:
        data = stream.read(size)
        if not data:
            break
        data = rest + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest = data
            continue
        rest = data[cut:]
        yield data[:cut]
    if rest:
        yield rest


def single_line_records(path: str, options: dict[str, str]) -> int | None:
    """The number of records (data lines) of the delimited file at ``path`` when it parses to the
    same records line by line as with ``multiLine=true`` under ``options`` (the conditions are
    listed above this function), else None."""
    found = _scan_lines(path, options)
    if found is None:
        return None
    return max(found - 1, 0) if options.get("header") == "true" else found


def _scan_lines(path: str, options: dict[str, str]) -> int | None:
    """The file's line count when line mode is equivalent, else None."""
    if os.path.splitext(path)[1].lower() in _CODEC_EXTENSIONS:
        return None
    delimiter, quote, escape = options["delimiter"], options["quote"], options["escape"]
    if len(quote) > 1 or len(escape) > 1 or not delimiter or "\\" in delimiter:
        return None
    if quote and (quote in delimiter or quote in "\r\n"):
        return None
    quote_byte = quote.encode("utf-8") if quote else b"\x00"
    if escape != quote and not escape:
        return None
    escape_byte = escape.encode("utf-8") if escape != quote else None
    single = len(delimiter) == 1 and ord(delimiter) < 128 and delimiter not in "\r\n"
    quoted_field = None
    if single:
        q, d = re.escape(quote_byte), re.escape(delimiter.encode("ascii"))
        # The literal quote first (fast search), then "was it at a field start" as a look-behind.
        quoted_field = re.compile(q + rb"(?<=[\n" + d + rb"]" + q + rb")(?:[^\n" + q + rb"]++|" + q + q + rb")*" + q
                                  + rb"(?=[\n" + d + rb"])")  # fmt: skip
    header = options.get("header") == "true"
    stream = _open_stream(path)
    if stream is None:
        return None
    try:
        first = True
        header_line = b""
        header_seen = 0
        crlf: bool | None = None
        lines = 0
        for chunk in _chunks(stream, SCAN_CHUNK_BYTES):
            if first:
                if chunk.startswith(_BOMS):
                    return None
                first_end = chunk.find(b"\n")
                crlf = first_end > 0 and chunk[first_end - 1 : first_end] == b"\r"
                header_line = chunk[: first_end if first_end >= 0 else len(chunk)]
                header_line = header_line[:-1] if crlf else header_line
                # Overlapping matches: a header repeated on the next line must count too.
                header_pattern = re.compile(rb"(?<=\n)" + re.escape(header_line) + rb"(?=\n)")
            carriage = chunk.count(b"\r")
            if crlf:
                if not carriage == chunk.count(b"\r\n") == chunk.count(b"\n"):
                    return None
                chunk = chunk.replace(b"\r\n", b"\n")
            elif carriage:
                return None
            text = b"\n" + chunk + (b"" if chunk.endswith(b"\n") else b"\n")
            if _BLANK_LINE.search(text):
                return None
            if header:
                header_seen += sum(1 for _ in header_pattern.finditer(text))
                if header_seen > 1:
                    return None
            if escape_byte is not None and escape_byte in text:
                return None
            if quote_byte in text:
                if quoted_field is None or quote_byte in quoted_field.sub(b"", text):
                    return None
            lines += text.count(b"\n") - 1
            first = False
        return None if first else lines
    finally:
        stream.close()


# ------------------------------------------------------------------------------------ JSON / XML


def read_json(spark: SparkSession, path: str, options: dict[str, Any]) -> DataFrame:
    """JSON Lines (default) or multi-line JSON; decimals preferred over doubles, comments allowed."""
    return (
        spark.read.format("json")
        .option("prefersDecimal", "true")
        .option("allowComments", "true")
        .option("multiLine", str(_flag(options.get("multiline"), False)).lower())
        .option("mode", "PERMISSIVE")
        .load(path)
    )


def read_xml(spark: SparkSession, path: str, options: dict[str, Any]) -> DataFrame:
    """XML rows by ``row_tag`` (default ``row``) through spark-xml."""
    return (
        spark.read.format("xml")
        .option("rowTag", options.get("row_tag") or "row")
        .option("mode", "PERMISSIVE")
        .load(path)
    )


# ------------------------------------------------------------------------------------ fixed width


def read_fixed_width(
    spark: SparkSession, path: str, mapping_rows: list[dict[str, Any]], *, file_label: str = ""
) -> DataFrame:
    """Cut each line into trimmed string columns by the mapping's ``Width`` (null rows use up width)."""
    lines = spark.read.text(path)
    columns = []
    start = 1
    for number, row in enumerate(mapping_rows, start=1):
        width_text = row.get("width")
        try:
            width = int(str(width_text).strip())
        except ValueError:
            raise ConfigError(
                f"fixed-width mapping row {number} has Width {width_text!r}; expected an integer",
                file=file_label or None,
            ) from None
        dest = row.get("destname") or ""
        if dest.lower() != "null":
            columns.append(F.trim(F.col("value").substr(start, width)).alias(dest))
        start += width
    return lines.select(*columns)


# ------------------------------------------------------------------------------------ Excel

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - ord("A") + 1)
    return index


def parse_data_address(address: str) -> tuple[int, int, int | None, int | None]:
    """``A1`` or ``B3:F20`` (optionally after ``'Sheet'!``) → (first row, first col, last row, last col)."""
    if "!" in address:
        address = address.rsplit("!", 1)[1]
    parts = address.split(":")
    first = _CELL.match(parts[0].strip())
    if not first or len(parts) > 2:
        raise ConfigError(f"data_address {address!r} is not a cell or range; expected e.g. A1 or B3:F20")
    row0, col0 = int(first.group(2)), _column_index(first.group(1))
    if len(parts) == 1:
        return row0, col0, None, None
    last = _CELL.match(parts[1].strip())
    if not last:
        raise ConfigError(f"data_address {address!r} is not a cell or range; expected e.g. A1 or B3:F20")
    return row0, col0, int(last.group(2)), _column_index(last.group(1))


class _SheetNotFound(Exception):
    pass


def _decrypt(data: bytes, password: str | None, file_label: str) -> bytes:
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted = office.is_encrypted()
    except Exception:  # not an OLE/OOXML container msoffcrypto knows: read as is
        return data
    if not encrypted:
        return data
    if not password:
        raise DataError("Excel workbook is password protected; set input_spec.excel.password", file=file_label)
    out = io.BytesIO()
    try:
        office.load_key(password=password)
        office.decrypt(out)
    except Exception as error:
        raise DataError(f"cannot open password-protected Excel workbook: {error}", file=file_label) from None
    return out.getvalue()


def _pick_sheet(titles: list[str], sheet: Any) -> int:
    name = str(sheet)
    if name in titles:
        return titles.index(name)
    if re.fullmatch(r"[0-9]+", name) and int(name) < len(titles):
        return int(name)
    raise _SheetNotFound(name)


def _xlsx_cells(data: bytes, sheet: Any) -> list[list[Any]]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    worksheet = workbook.worksheets[_pick_sheet(workbook.sheetnames, sheet)]
    return [list(row) for row in worksheet.iter_rows(values_only=True)]


def _xls_cells(data: bytes, sheet: Any) -> list[list[Any]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    worksheet = book.sheet_by_index(_pick_sheet(book.sheet_names(), sheet))
    rows: list[list[Any]] = []
    for r in range(worksheet.nrows):
        row: list[Any] = []
        for c in range(worksheet.ncols):
            cell = worksheet.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            elif cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                row.append(bool(cell.value))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                row.append(xlrd.error_text_from_code.get(cell.value, "#ERR"))
            else:
                row.append(cell.value)
        rows.append(row)
    return rows


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
        scale = max(a.scale, b.scale)  # type: ignore[union-attr]
        whole = max(a.precision - a.scale, b.precision - b.scale)  # type: ignore[union-attr]
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


def read_excel(spark: SparkSession, path: str, options: dict[str, Any], *, file_label: str = "") -> DataFrame:
    """Read the first readable sheet of ``sheet_names`` at ``data_address`` (defaults ``['0']``, ``A1``)."""
    sheet_names = options.get("sheet_names") or ["0"]
    address = options.get("data_address") or "A1"
    header = _flag(options.get("header"), True)
    data = objectstore.read_bytes(path)
    if data is None:
        raise DataError("input file not found", file=file_label or path)
    data = _decrypt(data, options.get("password"), file_label or path)
    is_xls = os.path.splitext(path)[1].lower() == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    for sheet in sheet_names:
        try:
            cells = _xls_cells(data, sheet) if is_xls else _xlsx_cells(data, sheet)
        except _SheetNotFound:
            logger.info("sheet %r not found in %s", sheet, file_label or path)
            continue
        except Exception as error:
            raise DataError(f"cannot read Excel workbook: {error}", file=file_label or path) from None
        names, types, rows = excel_frame(cells, address, header)
        schema = StructType([StructField(n, t, True) for n, t in zip(names, types, strict=True)])
        logger.info("read sheet %r of %s", sheet, file_label or path)
        return spark.createDataFrame(rows, schema)
    raise DataError(f"None of sheet names {list(sheet_names)} found in Excel workbook", file=file_label or None)
