"""Malformed input records and what the ``input_spec.bad_records`` policy does with them.

Every reader reports the records it cannot read as they are written (an unclosed quote, a wrong
number of fields, a corrupt JSON line, bytes the declared encoding cannot decode) as
:class:`BadRecord` values instead of letting Spark reshape them silently. ``bad_records: "fail"``
(the default) fails the file naming the first bad record; ``"quarantine"`` loads the good records and
the job writes the bad ones, with their line numbers and raw text, to ``<table>_quarantine_read``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError, DataError

POLICIES = ("fail", "quarantine")
# Bad records are reported with at most this much of their raw text (a runaway unclosed quote can
# swallow the rest of the file).
RAW_TEXT_LIMIT = 64 * 1024

# input_spec keys every reader honours (added to the spec schema beside the readers' sections).
INPUT_SPEC_KEYS: dict[str, Any] = {
    "bad_records": {
        "type": "string",
        "enum": list(POLICIES),
        "description": (
            "What to do with records the reader cannot read as written (unclosed quote, wrong field "
            "count, corrupt JSON/XML record, undecodable bytes): fail the file (default) or quarantine "
            "them to <table>_quarantine_read with their line numbers and load the rest."
        ),
    },
    "encoding": {
        "type": "string",
        "minLength": 1,
        "description": (
            "Character encoding of a text input (default UTF-8; e.g. latin-1, cp1252). A byte-order "
            "mark wins: UTF-8 BOM is stripped, UTF-16 LE/BE with BOM is decoded."
        ),
    },
}


@dataclass(frozen=True)
class BadRecord:
    """One record the reader could not read as written: where it starts (1-based line, or record
    number when the format has no lines), its raw text and what is wrong with it."""

    line: int
    text: str
    problem: str
    unit: str = "line"

    @property
    def where(self) -> str:
        """``line 3`` (or ``record 3``)."""
        return f"{self.unit} {self.line}"


def policy(input_spec: Mapping[str, Any], spec_file: str | None = None) -> str:
    """The ``bad_records`` policy of ``input_spec``: ``fail`` (default) or ``quarantine``."""
    value = input_spec.get("bad_records", "fail")
    if value not in POLICIES:
        raise ConfigError(f"bad_records is {value!r}; expected one of {', '.join(POLICIES)}", file=spec_file,
                          location="$.input_spec.bad_records")  # fmt: skip
    return str(value)


def enforce(bad: Sequence[BadRecord], input_spec: Mapping[str, Any], label: str) -> tuple[BadRecord, ...]:
    """Fail the file on its first bad record under the ``fail`` policy; the records to quarantine
    under ``quarantine`` (empty when there are none)."""
    if not bad:
        return ()
    if policy(input_spec) == "quarantine":
        return tuple(bad)
    first = bad[0]
    more = f" ({len(bad) - 1} more bad records)" if len(bad) > 1 else ""
    raise DataError(
        f"{first.problem}{more}; fix the file, or set input_spec.bad_records to \"quarantine\" to load the "
        "good records and keep the bad ones in the <table>_quarantine_read table",
        file=label,
        location=first.where,
    )


def clip(text: str) -> str:
    """A bad record's raw text, cut to :data:`RAW_TEXT_LIMIT` characters."""
    return text if len(text) <= RAW_TEXT_LIMIT else text[:RAW_TEXT_LIMIT] + "…"
