"""One exception type per kind of failure, each carrying where the problem is.

The entry scripts turn any of these into one line for the job log and the audit record, so the
message must stand on its own: ``<file>: <location>: <what is wrong>; expected <what>``.
"""

from __future__ import annotations


class EtlError(RuntimeError):
    """Base of every error the engine raises on purpose.

    A ``RuntimeError`` so that code written against the reference (which raises ``RuntimeError``)
    still catches it.
    """

    def __init__(self, message: str, *, file: str | None = None, location: str | None = None) -> None:
        self.file = file
        self.location = location
        self.detail = message
        parts = [p for p in (file, location) if p]
        super().__init__(": ".join([*parts, message]))


class ConfigError(EtlError):
    """A configuration file (spec, mapping, DQ rules, SQL, entity-match spec) is malformed or invalid."""


class DataError(EtlError):
    """The input data cannot be processed as configured (empty file, missing field, no lookup match)."""


class SchemaChangeError(EtlError):
    """A table schema or partition-key change that the ``allow_schema_change`` policy refuses."""


class JobArgumentError(EtlError):
    """A required job argument is missing or malformed (the reference raises ``GlueArgumentError``)."""


class ArgumentValueError(JobArgumentError, ValueError):
    """A job argument has a value the job cannot use. Also a ``ValueError``, which is what the
    reference raises for it (``int()`` of a partition argument)."""
