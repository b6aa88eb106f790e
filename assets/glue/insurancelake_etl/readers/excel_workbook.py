"""Excel workbooks: decrypting, choosing a sheet, reading its cells, and the data address.

``.xlsx``/``.xlsm`` are read with openpyxl, ``.xls`` with xlrd, after msoffcrypto decrypts a
password-protected workbook. A data address is a top-left cell (``A1``) or a range (``B3:F20``).
"""

from __future__ import annotations

import io
import re
from typing import Any

from ..errors import ConfigError, DataError

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


class SheetNotFound(Exception):
    """The workbook has no sheet of that name or index."""

    pass


def decrypt(data: bytes, password: str | None, file_label: str) -> bytes:
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
    raise SheetNotFound(name)


def xlsx_cells(data: bytes, sheet: Any) -> list[list[Any]]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    worksheet = workbook.worksheets[_pick_sheet(workbook.sheetnames, sheet)]
    return [list(row) for row in worksheet.iter_rows(values_only=True)]


def xls_cells(data: bytes, sheet: Any) -> list[list[Any]]:
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

