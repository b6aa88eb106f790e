"""Load a job's configuration files from its :class:`~insurancelake_etl.config_location.ConfigLocation`.

An **absent** file keeps its reference meaning (no spec, no mapping, no DQ rules, no SQL). A
**malformed** file fails the run with a :class:`ConfigError` naming the file and the line and column
of the problem (Decision D1). The transformation spec is validated against the spec JSON Schema here,
so a bad spec fails before any data is read.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from . import objectstore
from .config_location import ConfigLocation
from .errors import ConfigError
from .mapping_file import parse_mapping_csv

logger = logging.getLogger(__name__)


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
        value: dict[str, Any] = self.spec.get("input_spec") or {}
        return value

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
        value: dict[str, Any] = self.spec.get("transform_spec") or {}
        return value


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
    return dict(spec)


def load_dq_rules(uri: str) -> dict[str, Any]:
    """The data-quality rules at ``uri``; ``{}`` when absent. Shape: ``{stage: {action: [rules]}}``."""
    from .dq.rules import STAGES

    rules = load_json(uri)
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise ConfigError(
            f"DQ rules must be a JSON object; expected keys among {', '.join(STAGES)}",
            file=uri,
            location="$",
        )
    return rules


def load_entity_match(location: ConfigLocation, database: str) -> tuple[dict[str, Any], str]:
    """The entity-match spec ``<DB>-entitymatch.json`` and its URI; ``{}`` when absent."""
    uri = location.entity_match_uri(database)
    spec = load_json(uri)
    if spec is None:
        return {}, uri
    if not isinstance(spec, dict):
        raise ConfigError("entity-match spec must be a JSON object", file=uri, location="$")
    return spec, uri


def load_job_config(location: ConfigLocation, database: str, table: str) -> JobConfig:
    """Load the spec, mapping and DQ rules of ``<database>-<table>`` (spec validated first)."""
    spec_file = location.spec_uri(database, table)
    mapping_file = location.mapping_uri(database, table)
    dq_file = location.dq_rules_uri(database, table)
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


def load_sql(location: ConfigLocation, kind: str, database: str, table: str) -> tuple[str | None, str]:
    """The ``<kind>-<DB>-<TBL>.sql`` text (``None`` when absent) and its URI; kind is spark/athena/redshift."""
    uri = location.sql_uri(kind, database, table)
    return objectstore.read_text(uri), uri
