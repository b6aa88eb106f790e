"""Helpers shared by the transform families: spec locations, source-column checks, decimal formats.

Every run-time error a transform raises names the spec file, the JSON path of the offending entry
(``$.transform_spec.<name>[i].<key>``) and the transform, so a user can find the line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame

from ..context import JobContext
from ..errors import ConfigError, DataError


class MissingColumnError(DataError, KeyError):
    """A column named by the spec is not in the data.

    Also a ``KeyError``, the exception the reference raises for a missing ``currency`` source, so
    code written against the reference still catches it.
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return RuntimeError.__str__(self)


def location(name: str, index: int | None = None, key: str | None = None) -> str:
    """The JSON path of a spec entry: ``$.transform_spec.date[1].source``."""
    path = f"$.transform_spec.{name}"
    if index is not None:
        path += f"[{index}]"
    if key is not None:
        path += f".{key}" if re.fullmatch(r"\w+", key) else f"[{key!r}]"
    return path


def has_column(df: DataFrame, column: str) -> bool:
    """Whether ``column`` (a top-level name, or a dotted/backticked nested path) resolves on ``df``."""
    if column in df.columns:
        return True
    try:
        df.select(column).schema  # analysis only, no Spark job
    except AnalysisException:
        return False
    return True


def require_columns(
    df: DataFrame,
    ctx: JobContext,
    transform: str,
    columns: Iterable[tuple[str, int | None, str | None]],
) -> None:
    """Raise :class:`MissingColumnError` for the first ``(column, index, spec key)`` not in ``df``."""
    for column, index, key in columns:
        if not has_column(df, column):
            raise MissingColumnError(
                f"transform {transform!r}: column {column!r} not found in the data"
                f" (columns: {', '.join(df.columns)})",
                file=ctx.spec_file,
                location=location(transform, index, key),
            )


def source_of(entry: dict[str, Any]) -> tuple[str, str]:
    """The column an entry reads and the spec key it came from: ``source`` if given, else ``field``."""
    if entry.get("source") is not None:
        return entry["source"], "source"
    return entry["field"], "field"


_PRECISION_SCALE = re.compile(r"^\s*(\d+)\s*,\s*(\d+)\s*$")


def decimal_format(
    value: str, ctx: JobContext, transform: str, index: int, key: str = "format"
) -> tuple[int, int]:
    """Parse a ``"p,s"`` decimal format; a ConfigError naming the entry when it is not one."""
    match = _PRECISION_SCALE.match(str(value))
    if match:
        precision, scale = int(match.group(1)), int(match.group(2))
        if 1 <= precision <= 38 and scale <= precision:
            return precision, scale
    raise ConfigError(
        f"transform {transform!r}: {value!r} is not a precision,scale pair (precision 1-38, scale <= "
        "precision); expected e.g. \"16,2\"",
        file=ctx.spec_file,
        location=location(transform, index, key),
    )


# JSON Schema pieces used by the spec fragments.
COLUMN = {"type": "string", "minLength": 1}
COLUMN_LIST = {"type": "array", "items": COLUMN, "minItems": 1}
DECIMAL_FORMAT = {"type": "string", "pattern": r"^\s*\d+\s*,\s*\d+\s*$"}
