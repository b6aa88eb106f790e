"""The reader registry: every input format the Collect job reads resolves here.

A reader is a function ``(ReadRequest) -> ReadResult`` registered with :func:`reader` together with
when it applies (``matches``: the file extension and ``input_spec``), its place in the dispatch order
(first match wins, reference §13.1) and the JSON Schema of the ``input_spec`` sections it reads. The
spec JSON Schema is assembled from these sections (:mod:`insurancelake_etl.spec_schema`), so a
reader cannot exist without its validation.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from .bad_records import BadRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadRequest:
    """One input file to read: where, with which ``input_spec`` and mapping rows (fixed width takes
    its widths from them); ``file_label`` names the file in messages."""

    spark: SparkSession
    path: str
    input_spec: Mapping[str, Any]
    mapping_rows: Sequence[Mapping[str, Any]] = ()
    file_label: str = ""

    @property
    def extension(self) -> str:
        """The file's extension with its dot, as written (``.CSV`` stays upper case)."""
        return os.path.splitext(self.path)[1]

    @property
    def label(self) -> str:
        """The file's name for messages."""
        return self.file_label or self.path

    def section(self, name: str) -> Mapping[str, Any]:
        """The ``input_spec`` section ``name`` (``{}`` when absent or null)."""
        value = self.input_spec.get(name)
        return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class ReadResult:
    """The rows read, and their number when the reader knows it without a Spark pass; the bad records
    left out of ``df`` under ``bad_records: "quarantine"`` (under ``fail`` a bad record raises)."""

    df: DataFrame
    rows: int | None = None
    bad_records: tuple[BadRecord, ...] = ()


ReadFunc = Callable[[ReadRequest], ReadResult]
# (extension as written, input_spec) -> whether the reader applies.
Matcher = Callable[[str, Mapping[str, Any]], bool]


@dataclass(frozen=True)
class ReaderDef:
    """A registered reader: its name, function, when it applies, dispatch order, the ``input_spec``
    sections it reads (name → schema fragment) and the ``input_spec`` recommended for its files."""

    name: str
    read: ReadFunc
    matches: Matcher
    order: int
    sections: Mapping[str, Mapping[str, Any]]
    recommended: Mapping[str, Any] | None = None


_REGISTRY: dict[str, ReaderDef] = {}


def reader(
    name: str,
    *,
    order: int,
    matches: Matcher,
    sections: Mapping[str, Mapping[str, Any]] | None = None,
    recommended: Mapping[str, Any] | None = None,
) -> Callable[[ReadFunc], ReadFunc]:
    """Register a reader under ``name``; lower ``order`` is tried first."""

    def register(func: ReadFunc) -> ReadFunc:
        if name in _REGISTRY:
            raise ValueError(f"reader {name!r} is registered twice")
        _REGISTRY[name] = ReaderDef(name, func, matches, order, dict(sections or {}), recommended)
        return func

    return register


def registered() -> list[ReaderDef]:
    """Every reader, in dispatch order."""
    # Importing the package imports every reader module, which fills the registry.
    importlib.import_module(__package__ or "insurancelake_etl.readers")
    return sorted(_REGISTRY.values(), key=lambda r: r.order)


def pick(path: str, input_spec: Mapping[str, Any]) -> ReaderDef:
    """The first reader that applies to ``path`` with ``input_spec``."""
    extension = os.path.splitext(path)[1]
    for definition in registered():
        if definition.matches(extension, input_spec):
            return definition
    raise LookupError(f"no reader applies to {path}")


def read_input(request: ReadRequest) -> ReadResult:
    """Read the file with the reader dispatch picks (reference §13.1)."""
    definition = pick(request.path, request.input_spec)
    logger.info("reading %s as %s", request.label, definition.name)
    return definition.read(request)


def input_spec_sections() -> dict[str, Mapping[str, Any]]:
    """Every reader's ``input_spec`` sections, name → schema fragment, by reader name."""
    return {key: schema for d in sorted(registered(), key=lambda r: r.name) for key, schema in d.sections.items()}


def recommended_input_spec(path: str) -> Mapping[str, Any] | None:
    """The ``input_spec`` recommended for a file at ``path`` read without a spec (Excel needs one)."""
    return pick(path, {}).recommended
