"""Delimited text: CSV, TSV, pipe or any (multi-character) delimiter, with Spark's schema inference
(reference §13.3). The fallback reader: a file no other reader claims is read as CSV."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from .line_scan import single_line_records
from .options import BOOLEAN_LIKE, flag
from .registry import ReadRequest, ReadResult, reader

logger = logging.getLogger(__name__)

DELIMITED_DEFAULTS = {"csv": ",", "tsv": "\t", "pipe": "|"}


def _section_schema(default: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"Delimited text, default delimiter {default}.",
        "properties": {
            "header": {**BOOLEAN_LIKE, "description": "The first line holds the column names (default true)."},
            "delimiter": {
                "type": "string",
                "minLength": 1,
                "description": "Field separator; may be several characters (default: the section's own).",
            },
            "quote_character": {"type": "string", "maxLength": 1, "description": "Quote character (default \")."},
            "escape_character": {"type": "string", "maxLength": 1, "description": "Escape character (default \")."},
        },
    }


SECTIONS = {"csv": _section_schema("','"), "tsv": _section_schema("tab"), "pipe": _section_schema("'|'")}


def delimited_options(input_spec: Mapping[str, Any]) -> dict[str, str]:
    """Spark CSV options for the winning section (pipe > tsv > csv) of ``input_spec``."""
    section_name = "csv"
    for name in DELIMITED_DEFAULTS:
        if name in input_spec:
            section_name = name
    section = input_spec.get(section_name) or {}
    return {
        "header": str(flag(section.get("header"), True)).lower(),
        "delimiter": section.get("delimiter") or DELIMITED_DEFAULTS[section_name],
        "quote": section.get("quote_character", '"'),
        "escape": section.get("escape_character", '"'),
        "multiLine": "true",
        "inferSchema": "true",
        "mode": "PERMISSIVE",
    }


@reader("delimited", order=100, matches=lambda extension, input_spec: True, sections=SECTIONS)
def read_delimited(request: ReadRequest) -> ReadResult:
    """Read with ``multiLine=true`` as the reference does, or line by line when
    :func:`single_line_records` proves no record spans a line break: the same rows, values and
    inferred types in as many partitions as the file has splits, and the row count without a pass
    (PERMISSIVE mode makes one row of every line)."""
    options = delimited_options(request.input_spec)
    records = single_line_records(request.path, options)
    if records is not None:
        options["multiLine"] = "false"
    logger.info("delimited %s read with multiLine=%s", request.path, options["multiLine"])
    return ReadResult(request.spark.read.format("csv").options(**options).load(request.path), records)
