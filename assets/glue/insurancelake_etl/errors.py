"""One exception type per kind of failure, each carrying where the problem is.

The entry scripts turn any of these into one line for the job log and the audit record, so the
message must stand on its own: ``<file>: <location>: <what is wrong>; expected <what>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager


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


class EngineError(EtlError):
    """Spark or Python failed in a way no engine check foresaw; the message is the root cause
    (never a ``Py4JJavaError … oNNN`` wrapper)."""


# Root causes the engine knows, as (pattern, error type, message): what went wrong and what to fix.
_KNOWN_CAUSES: tuple[tuple[re.Pattern[str], type[EtlError], str], ...] = (
    (re.compile(r"Not in GZIP format|incorrect header check|invalid (block type|distance|stored block)|Unexpected end of "
                r"(ZLIB|input stream)|ZipException|CompressorException|Stream is not in the BZip2 format", re.I),
     DataError, "the compressed file is damaged or not in its codec's format ({cause}); expected a file its extension "
                "describes"),  # fmt: skip
    (re.compile(r"\bEmpty name\b|empty (column )?name", re.I), DataError,
     "a column has an empty name (a header cell of spaces?); expected every column to have a name ({cause})"),
    (re.compile(r"Not a supported type: void|\"VOID\"|\bvoid type\b|NullType", re.I), ConfigError,
     "a column has no type: every value is null (a literal null?); expected a typed value, or a changetype entry "
     "for the column ({cause})"),
    (re.compile(r"FileNotFoundException|PATH_NOT_FOUND|Path does not exist", re.I), DataError,
     "the file is not there ({cause}); expected the object the job was started for"),
)
_SQL_POSITION = re.compile(r"line (\d+),? pos (\d+)")
_WRAPPER = re.compile(r"^An error occurred while calling o\d+\.\w+\.\s*:?\s*", re.S)


def root_cause(error: BaseException) -> str:
    """The innermost cause of ``error`` as one line: for a Py4J error the JVM root exception (class
    and message), for others the first line of the message."""
    java = getattr(error, "java_exception", None)
    if java is not None:
        try:
            while java.getCause() is not None:
                java = java.getCause()
            return f"{java.getClass().getSimpleName()}: {java.getMessage()}"
        except Exception:  # noqa: BLE001 - the JVM may be gone; the Python text still says something
            pass
    cause = error
    while cause.__cause__ is not None and not isinstance(cause, EtlError):
        cause = cause.__cause__
    text = _WRAPPER.sub("", str(cause).strip()) or type(cause).__name__
    return " ".join(text.splitlines()[0].split())


def _sql_problem(error: BaseException, file: str | None, line_offset: int) -> EtlError | None:
    """A Spark SQL analysis or parse error as a ConfigError naming the SQL file, line and column."""
    if type(error).__name__ not in ("AnalysisException", "ParseException"):
        return None
    return sql_error(str(error), file, line_offset)


def sql_error(text: str, file: str | None, line_offset: int = 0) -> ConfigError:
    """A ConfigError from the text of a Spark SQL parse or analysis error (its first line, and the
    ``line N, pos M`` it gives as the location in ``file``, shifted by ``line_offset`` lines)."""
    position = _SQL_POSITION.search(text)
    location = None
    if position:
        location = f"line {int(position.group(1)) + line_offset}, column {int(position.group(2)) + 1}"
    first = text.strip().splitlines()[0]
    first = _SQL_POSITION.sub("", first).rstrip(" ;.()")
    # "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column ... cannot be resolved. Did you mean ..." reads well as is.
    return ConfigError(f"Spark SQL: {first}", file=file, location=location)


def explain(error: BaseException, *, file: str | None = None, sql_line_offset: int = 0) -> EtlError:
    """``error`` as an engine error naming ``file``: an EtlError unchanged, a Spark SQL error with its
    line and column, a known root cause with what to fix, anything else an :class:`EngineError` with
    the root cause (one line)."""
    if isinstance(error, EtlError):
        return error
    sql = _sql_problem(error, file, sql_line_offset)
    if sql is not None:
        return sql
    cause = root_cause(error)
    for pattern, kind, message in _KNOWN_CAUSES:
        if pattern.search(cause):
            return kind(message.format(cause=cause), file=file)
    return EngineError(cause, file=file)


@contextmanager
def explained(*, file: str | None = None, sql_line_offset: int = 0) -> Iterator[None]:
    """Within the block, any exception but an EtlError is re-raised as :func:`explain` makes it."""
    try:
        yield
    except EtlError:
        raise
    except Exception as error:
        raise explain(error, file=file, sql_line_offset=sql_line_offset) from error


def with_consequence(error: EtlError, consequence: str) -> EtlError:
    """A copy of ``error`` (same type, file and location) whose message ends with ``consequence``."""
    copy = type(error).__new__(type(error))
    EtlError.__init__(copy, f"{error.detail}; {consequence}", file=error.file, location=error.location)
    return copy


def one_line(error: BaseException) -> str:
    """``<kind>: <file>: <location>: <message>`` for the job log, the audit record and the CLI."""
    explained_error = explain(error)
    return f"{type(explained_error).__name__}: {explained_error}"
