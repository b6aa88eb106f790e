"""The columns a DQ rule names must exist in the frame it applies to (issue 13).

Checked against the frame's schema when a stage starts, before any rule is evaluated: a rule on a
column the data does not hold would otherwise fail every row (a quarantine of the whole file) or
fail inside the evaluator with a message that names neither the rule nor the file. ``ColumnExists``
is the one rule whose column may be absent.
"""

from __future__ import annotations

import difflib
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame

from ..errors import ConfigError
from ..jvm import java_list, java_string_map
from .evaluator import PRIMARY_VIEW
from .rules import RuleRef

# Rule parameters that name a column of the data.
COLUMN_PARAMETERS: tuple[str, ...] = ("TargetColumn", "TargetColumn1", "TargetColumn2")


def _hint(name: str, columns: list[str]) -> str:
    close = difflib.get_close_matches(name.lower(), [c.lower() for c in columns], n=1)
    if not close:
        return ""
    original = next(c for c in columns if c.lower() == close[0])
    return f" (did you mean {original!r}?)"


def missing_column(parsed: Any, df: DataFrame) -> tuple[str, str] | None:
    """The first column ``parsed`` (a ``DQRule``, nested rules included) names that ``df`` lacks, with
    a did-you-mean hint, or None."""
    rule_type = str(parsed.getRuleType())
    for nested in java_list(parsed.getNestedRules()):
        found = missing_column(nested, df)
        if found:
            return found
    if rule_type == "ColumnExists":
        return None
    columns = df.columns
    known = {c.lower() for c in columns}
    parameters = java_string_map(parsed.getParameters())
    for key in COLUMN_PARAMETERS:
        name = parameters.get(key)
        if name is not None and name.lower() not in known:
            return name, _hint(name, columns)
    statement = parameters.get("CustomSqlStatement")
    if statement is not None:
        df.createOrReplaceTempView(PRIMARY_VIEW)
        try:
            df.sparkSession.sql(statement).schema
        except AnalysisException as error:
            parameters_of: dict[str, Any] = getattr(error, "getMessageParameters", lambda: {})() or {}
            name = str(parameters_of.get("objectName", "")).strip("`") or str(error).splitlines()[0]
            return name, _hint(name.split(".")[-1].strip("`"), columns)
    return None


def check_rule_columns(file: str, refs: list[RuleRef], parsed: list[Any], df: DataFrame) -> None:
    """Raise a ConfigError naming the file, the rule and the column for the first rule of ``refs``
    (parsed as ``parsed``) that names a column ``df`` does not hold."""
    for ref, rule in zip(refs, parsed, strict=True):
        if rule is None:
            continue
        found = missing_column(rule, df)
        if found:
            name, hint = found
            raise ConfigError(
                f"{ref.stage} {ref.action} rule {ref.text!r} names column {name!r}, which the data at "
                f"{ref.stage} does not hold{hint}; the data has {len(df.columns)} columns",
                file=file,
                location=ref.location,
            )
