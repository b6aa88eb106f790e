"""Load a job's configuration files from the ETL-scripts location (reference §9 names).

An **absent** file keeps its reference meaning (no spec, no mapping, no DQ rules, no SQL). A
**malformed** file fails the run with a :class:`ConfigError` naming the file and the line and column
of the problem (Decision D1). The transformation spec is validated against the spec JSON Schema here,
so a bad spec fails before any data is read.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from . import objectstore
from .errors import ConfigError

logger = logging.getLogger(__name__)

DQ_RULES_PREFIX = "etl/dq-rules/"
SQL_KINDS = ("spark", "athena", "redshift")
DQ_STAGES = ("before_transform", "after_transform", "after_sparksql")


@dataclass
class JobConfig:
    """The configuration of one Collect→Cleanse run; file URIs are kept for messages."""

    spec: dict[str, Any] = field(default_factory=dict)
    spec_file: str = ""
    mapping_rows: list[dict[str, Any]] = field(default_factory=list)
    mapping_file: str = ""
    dq_rules: dict[str, Any] = field(default_factory=dict)
    dq_file: str = ""

    @property
    def input_spec(self) -> dict[str, Any]:
        """The ``input_spec`` object, ``{}`` when the spec has none."""
        return self.spec.get("input_spec") or {}

    def loggable_spec(self) -> dict[str, Any]:
        """A copy of the spec safe to log: the Excel ``password`` is removed (as the reference pops it)."""
        spec = copy.deepcopy(self.spec)
        excel = (spec.get("input_spec") or {}).get("excel")
        if isinstance(excel, dict):
            excel.pop("password", None)
        return spec

    @property
    def transform_spec(self) -> dict[str, Any]:
        """The ``transform_spec`` object, ``{}`` when the spec has none."""
        return self.spec.get("transform_spec") or {}


def spec_folder(txn_bucket: str, txn_spec_prefix_path: str) -> str:
    """The spec folder URI: ``txn_bucket + '/' + prefix[1:]`` as the reference builds it."""
    prefix = txn_spec_prefix_path[1:] if txn_spec_prefix_path.startswith("/") else txn_spec_prefix_path
    return objectstore.join(txn_bucket, prefix.strip("/")).rstrip("/") + "/"


def spec_uri(txn_bucket: str, txn_spec_prefix_path: str, database: str, table: str) -> str:
    """``…/etl/transformation-spec/<DB>-<TBL>.json``."""
    return spec_folder(txn_bucket, txn_spec_prefix_path) + f"{database}-{table}.json"


def mapping_uri(txn_bucket: str, txn_spec_prefix_path: str, database: str, table: str) -> str:
    """``…/etl/transformation-spec/<DB>-<TBL>.csv``."""
    return spec_folder(txn_bucket, txn_spec_prefix_path) + f"{database}-{table}.csv"


def dq_rules_uri(txn_bucket: str, database: str, table: str) -> str:
    """``<txn_bucket>/etl/dq-rules/dq-<DB>-<TBL>.json`` (hard-coded folder, as the reference)."""
    return objectstore.join(txn_bucket, DQ_RULES_PREFIX, f"dq-{database}-{table}.json")


def entity_match_uri(txn_bucket: str, txn_spec_prefix_path: str, database: str) -> str:
    """``…/etl/transformation-spec/<DB>-entitymatch.json``."""
    return spec_folder(txn_bucket, txn_spec_prefix_path) + f"{database}-entitymatch.json"


def sql_uri(txn_bucket: str, txn_sql_prefix_path: str, kind: str, database: str, table: str) -> str:
    """``…/etl/transformation-sql/<kind>-<DB>-<TBL>.sql``."""
    return spec_folder(txn_bucket, txn_sql_prefix_path) + f"{kind}-{database}-{table}.sql"


# --------------------------------------------------------------------------------------- parsing


def parse_json(text: str, file: str) -> Any:
    """Parse JSON text; a syntax error becomes a ConfigError with line and column.

    Duplicate keys are allowed and the last value wins, as with Python's parser (reference §13.2).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"malformed JSON: {error.msg}", file=file, location=f"line {error.lineno}, column {error.colno}"
        ) from None


def load_json(uri: str) -> Any | None:
    """The parsed JSON at ``uri``, or ``None`` when the file is absent."""
    text = objectstore.read_text(uri)
    if text is None:
        return None
    if not text.strip():
        raise ConfigError("malformed JSON: the file is empty", file=uri, location="line 1, column 1")
    return parse_json(text, uri)


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
    ``DestName``, a non-integer ``Threshold``/``Width`` or an unknown ``Scorer`` is a ConfigError with
    line and column.
    """
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
    rows: list[dict[str, Any]] = []
    for line_no, cells in records[1:]:
        row: dict[str, Any] = {name: (cells[i] if i < len(cells) else None) for i, name in enumerate(names)}
        _check_mapping_row(row, names, file, line_no)
        rows.append(row)
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
    if row.get("threshold") not in (None, "") and scorer not in (None, ""):
        from rapidfuzz import fuzz

        if not callable(getattr(fuzz, str(scorer), None)) or str(scorer).startswith("_"):
            known = sorted(n for n in dir(fuzz) if not n.startswith("_") and callable(getattr(fuzz, n)))
            raise ConfigError(
                f"Scorer {scorer!r} is not a rapidfuzz.fuzz scorer; expected one of {', '.join(known)}",
                file=file,
                location=f"line {line_no}, column {names.index('scorer') + 1}",
            )


def load_mapping(uri: str) -> list[dict[str, Any]]:
    """The mapping rows at ``uri``; ``[]`` when the file is absent."""
    text = objectstore.read_text(uri)
    if text is None:
        return []
    return parse_mapping_csv(text, uri)


def load_spec(uri: str) -> dict[str, Any]:
    """The transformation spec at ``uri``, validated against the spec schema; ``{}`` when absent."""
    from .spec_schema import validate_spec

    spec = load_json(uri)
    if spec is None:
        logger.info("no transformation spec at %s", uri)
        return {}
    validate_spec(spec, uri)
    return spec


def load_dq_rules(uri: str) -> dict[str, Any]:
    """The data-quality rules at ``uri``; ``{}`` when absent. Shape: ``{stage: {action: [rules]}}``."""
    rules = load_json(uri)
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise ConfigError(
            f"DQ rules must be a JSON object; expected keys among {', '.join(DQ_STAGES)}",
            file=uri,
            location="$",
        )
    return rules


def load_entity_match(txn_bucket: str, txn_spec_prefix_path: str, database: str) -> tuple[dict[str, Any], str]:
    """The entity-match spec ``<DB>-entitymatch.json`` and its URI; ``{}`` when absent."""
    uri = entity_match_uri(txn_bucket, txn_spec_prefix_path, database)
    spec = load_json(uri)
    if spec is None:
        return {}, uri
    if not isinstance(spec, dict):
        raise ConfigError("entity-match spec must be a JSON object", file=uri, location="$")
    return spec, uri


def load_job_config(txn_bucket: str, txn_spec_prefix_path: str, database: str, table: str) -> JobConfig:
    """Load the spec, mapping and DQ rules of ``<database>-<table>`` (spec validated first)."""
    spec_file = spec_uri(txn_bucket, txn_spec_prefix_path, database, table)
    mapping_file = mapping_uri(txn_bucket, txn_spec_prefix_path, database, table)
    dq_file = dq_rules_uri(txn_bucket, database, table)
    spec = load_spec(spec_file)
    mapping_rows = load_mapping(mapping_file)
    dq_rules = load_dq_rules(dq_file)
    return JobConfig(
        spec=spec,
        spec_file=spec_file,
        mapping_rows=mapping_rows,
        mapping_file=mapping_file,
        dq_rules=dq_rules,
        dq_file=dq_file,
    )


def load_sql(
    txn_bucket: str, txn_sql_prefix_path: str, kind: str, database: str, table: str
) -> tuple[str | None, str]:
    """The ``<kind>-<DB>-<TBL>.sql`` text (``None`` when absent) and its URI; kind is spark/athena/redshift."""
    if kind not in SQL_KINDS:
        raise ValueError(f"SQL kind {kind!r}; expected one of {', '.join(SQL_KINDS)}")
    uri = sql_uri(txn_bucket, txn_sql_prefix_path, kind, database, table)
    return objectstore.read_text(uri), uri
