"""Excel input (reference §13.4, Decision D5): ``.xlsx``, ``.xlsm`` and ``.xls``.

The first readable sheet of ``sheet_names`` is read at ``data_address``; cells are typed as
spark-excel types them (:mod:`.excel_types`).
"""

from __future__ import annotations

import logging

from pyspark.sql.types import StructField, StructType

from .. import objectstore
from ..errors import DataError
from .excel_types import excel_frame
from .excel_workbook import SheetNotFound, decrypt, xls_cells, xlsx_cells
from .options import BOOLEAN_LIKE, flag
from .registry import ReadRequest, ReadResult, reader

logger = logging.getLogger(__name__)

EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

SECTIONS = {
    "excel": {
        "type": "object",
        "description": "Excel options (.xlsx, .xlsm, .xls).",
        "required": ["sheet_names", "data_address"],
        "properties": {
            "sheet_names": {
                "type": "array",
                "minItems": 1,
                "items": {"type": ["string", "integer"]},
                "description": "Sheets to try in order, by name or 0-based index; the first readable wins.",
            },
            "data_address": {
                "type": "string",
                "pattern": "^\\$?[A-Za-z]{1,3}\\$?[0-9]+(:\\$?[A-Za-z]{1,3}\\$?[0-9]+)?$",
                "description": "Top-left cell (e.g. A1) or a range (e.g. B3:F20).",
            },
            "header": {**BOOLEAN_LIKE, "description": "The first row holds the column names (default true)."},
            "password": {"type": "string", "description": "Workbook password."},
        },
    }
}
# The recommended spec of an Excel file read without one (reference §8.7).
RECOMMENDED = {"excel": {"sheet_names": ["0"], "data_address": "A1", "header": True}}


@reader(
    "excel",
    order=20,
    matches=lambda extension, input_spec: extension.lower() in EXCEL_EXTENSIONS,
    sections=SECTIONS,
    recommended=RECOMMENDED,
)
def read_excel(request: ReadRequest) -> ReadResult:
    """Read the first readable sheet of ``sheet_names`` at ``data_address`` (defaults ``['0']``, ``A1``)."""
    options = request.section("excel")
    sheet_names = options.get("sheet_names") or ["0"]
    address = options.get("data_address") or "A1"
    header = flag(options.get("header"), True)
    label = request.label
    data = objectstore.read_bytes(request.path)
    if data is None:
        raise DataError("input file not found", file=label)
    data = decrypt(data, options.get("password"), label)
    is_xls = request.extension.lower() == ".xls" or data[:8] == OLE_SIGNATURE
    for sheet in sheet_names:
        try:
            cells = xls_cells(data, sheet) if is_xls else xlsx_cells(data, sheet)
        except SheetNotFound:
            logger.info("sheet %r not found in %s", sheet, label)
            continue
        except Exception as error:
            raise DataError(f"cannot read Excel workbook: {error}", file=label) from None
        names, types, rows = excel_frame(cells, address, header)
        schema = StructType([StructField(n, t, True) for n, t in zip(names, types, strict=True)])
        logger.info("read sheet %r of %s", sheet, label)
        return ReadResult(request.spark.createDataFrame(rows, schema))
    raise DataError(f"None of sheet names {list(sheet_names)} found in Excel workbook", file=request.file_label or None)
