"""The schema-mapping file ``<DB>-<TBL>.csv`` parsed as real CSV (reference §14.1, Decision D7).

Rows are dicts keyed by the lower-cased header names. Problems name the line and column: quoting
errors, a header without ``DestName``, a ``Threshold``/``Width`` that is not an integer, a fuzzy row
without a known ``Scorer`` (the scorers the mapping schema lists). ``insurancelake validate`` also
checks every row against ``schemas/mapping.schema.json``, the schema the construct checks at synth
time (:func:`check_mapping_schema`); the jobs keep the reference's leniency beyond the checks above.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from jsonschema.exceptions import best_match

from .errors import ConfigError
from .schema_check import describe, load_schema, shipped_validator

MAPPING_SCHEMA = "mapping"


def _csv_problem(text: str) -> tuple[int, int, str] | None:
    """Find the first quoting error in CSV text, as (line, column, what) with 1-based positions.

    Python's ``csv`` module (the reference's parser) reports only that a row is bad; this scan
    reports where: text after a closing quote, or a quote that is never closed.
    """
    line, col = 1, 0
    in_quotes = False
    field_start = True
    after_close = False
    open_at = (1, 1)
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        col += 1
        if in_quotes:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 2
                    col += 1
                    continue
                in_quotes = False
                after_close = True
            elif ch == "\n":
                line, col = line + 1, 0
        else:
            if ch in "\r\n":
                field_start, after_close = True, False
                if ch == "\n":
                    line, col = line + 1, 0
                elif i + 1 < n and text[i + 1] != "\n":
                    line, col = line + 1, 0
            elif ch == ",":
                field_start, after_close = True, False
            elif after_close:
                return line, col, f"unexpected {ch!r} after a closing quote"
            elif ch == '"' and field_start:
                in_quotes, open_at, field_start = True, (line, col), False
            else:
                field_start = False
        i += 1
    if in_quotes:
        return open_at[0], open_at[1], "quoted value is never closed"
    return None


def parse_mapping_csv(text: str, file: str) -> list[dict[str, Any]]:
    """Parse a schema-mapping CSV as real CSV (Decision D7): lowercased headers, BOM dropped.

    Rows are dicts keyed by lowercased header; a missing trailing cell is ``None`` and extra cells
    are ignored (the ``DictReader`` behaviour of the reference). A quoting error, a header without
    ``DestName``, a non-integer ``Threshold``/``Width`` or an unknown ``Scorer`` of a fuzzy row is a
    ConfigError with line and column.
    """
    return [row for _, _, row in _rows(text, file)]


def check_mapping_schema(text: str, file: str) -> None:
    """:func:`parse_mapping_csv` plus every row against the mapping-row schema (the construct's
    synth-time check); the first problem is a ConfigError naming the row's line and the cell's column."""
    for line_no, names, row in _rows(text, file):
        error = best_match(shipped_validator(MAPPING_SCHEMA).iter_errors(row))
        if error is not None:
            key = next((str(p) for p in error.absolute_path), "")
            column = names.index(key) + 1 if key in names else 1
            raise ConfigError(describe(error)[1], file=file, location=f"line {line_no}, column {column}")


def _rows(text: str, file: str) -> list[tuple[int, list[str], dict[str, Any]]]:
    """Every data row with its line number and the header names."""
    if text.startswith("\ufeff"):
        text = text[1:]
    problem = _csv_problem(text)
    if problem:
        line, col, what = problem
        raise ConfigError(f"malformed CSV: {what}", file=file, location=f"line {line}, column {col}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ConfigError(f"malformed CSV: {error}", file=file, location=f"line {reader.line_num}, column 1") from None
    records = [(num, row) for num, row in records if row]
    if not records:
        return []
    header_line, header = records[0]
    names = [h.strip().lower() for h in header]
    if "destname" not in names:
        raise ConfigError(
            f"mapping header {header!r} has no DestName column; expected at least SourceName,DestName",
            file=file,
            location=f"line {header_line}, column 1",
        )
    rows: list[tuple[int, list[str], dict[str, Any]]] = []
    for line_no, cells in records[1:]:
        row: dict[str, Any] = {name: (cells[i] if i < len(cells) else None) for i, name in enumerate(names)}
        _check_mapping_row(row, names, file, line_no)
        rows.append((line_no, names, row))
    return rows


def _check_mapping_row(row: dict[str, Any], names: list[str], file: str, line_no: int) -> None:
    for key in ("threshold", "width"):
        value = row.get(key)
        if value is None or str(value).strip() == "":
            continue
        try:
            int(str(value).strip())
        except ValueError:
            raise ConfigError(
                f"{key.capitalize()} {value!r} is not an integer",
                file=file,
                location=f"line {line_no}, column {names.index(key) + 1}",
            ) from None
    scorer = row.get("scorer")
    if row.get("threshold") not in (None, "") and scorer in (None, ""):
        column = names.index("scorer") + 1 if "scorer" in names else len(names) + 1
        raise ConfigError(
            "a fuzzy row (Threshold set) needs a Scorer; expected e.g. token_sort_ratio",
            file=file,
            location=f"line {line_no}, column {column}",
        )
    known = scorers()
    if row.get("threshold") not in (None, "") and scorer not in (None, "") and scorer not in known:
        raise ConfigError(
            f"Scorer {scorer!r} is not a rapidfuzz.fuzz scorer; expected one of {', '.join(known)}",
            file=file,
            location=f"line {line_no}, column {names.index('scorer') + 1}",
        )


def scorers() -> list[str]:
    """The rapidfuzz.fuzz scorers a fuzzy row may name (the mapping schema's list)."""
    return [str(s) for s in load_schema(MAPPING_SCHEMA)["properties"]["scorer"]["enum"] if s]

