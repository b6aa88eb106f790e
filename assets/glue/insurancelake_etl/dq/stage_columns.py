"""The columns a stage's DQ rules read, so that the stage evaluates (and caches) only those (issue 12).

A stage evaluates its rules over its input several times (the evaluator's passes, the quarantine
counts, the failing keys of a row-level ``CustomSql``), so it caches that input. Cached whole, a
transformed frame of a million wide rows cost as much to build and to write again from as the job
itself; the rules of a stage usually read a handful of its columns. So the stage caches only the
columns its rules name, and the rows that continue are the stage input itself, filtered by the
quarantine predicates, computed once more in the job's write (Spark computes only the columns the
evaluation needs for the cache).

Narrowing never changes an outcome; a stage keeps every column (:func:`evaluated_columns` returns
None) when that cannot be shown from the rules:

- a rule type that reads more than the columns it names (``ColumnCount``, ``SchemaMatch``,
  ``DuplicateRowCount``, ``DatasetMatch``, …: anything outside :data:`NAMED_COLUMN_TYPES`);
- a ``*`` in a rule other than ``COUNT(*)`` (``SELECT *`` or ``DISTINCT *`` depend on every column);
- a ``CustomSql`` statement that does not analyse to the same schema over the narrow columns;
- a stage input that is not the same when computed twice: a non-deterministic expression in its
  plan (``uuid()``, e.g. from ``expandpolicymonths``' unique ids, ``rand()``, a UDF marked so) or
  the clock (``current_timestamp()``, …, a new value per query). The evaluation and the write
  must see the same rows and values.

A column is read by a rule when its name (case-insensitive) is a word or a quoted string of the
rule's text: DQDL names columns in quotes, SQL statements and where clauses by words. A word that
only happens to equal a column name adds that column: harmless, the cache is one column wider.
"""

from __future__ import annotations

import re
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame

from ..jvm import java_list
from .evaluator import PRIMARY_VIEW, rule_types

# Rule types whose outcome depends only on the rows' values in the columns the rule names (and on
# the number of rows), per DQDL; "Composite" when every nested rule is one of them.
NAMED_COLUMN_TYPES: frozenset[str] = frozenset(
    {
        "RowCount", "Completeness", "IsComplete", "Uniqueness", "IsUnique", "IsPrimaryKey",
        "ColumnCorrelation", "DistinctValuesCount", "Entropy", "Mean", "StandardDeviation", "Sum",
        "UniqueValueRatio", "ColumnLength", "ColumnExists", "ColumnValues", "ColumnDataType",
        "DataFreshness", "CustomSql", "Composite",
    }
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9_]+")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|`([^`]*)`')
_COUNT_STAR = re.compile(r"count\s*\(\s*\*\s*\)", re.IGNORECASE)
# How the analysed plan prints the clock functions (each query gets its own value).
_CLOCK = re.compile(r"\b(current_timestamp|current_date|now|localtimestamp)\(", re.IGNORECASE)


def _statements(parsed: Any) -> list[str]:
    """The SQL statements of a parsed rule's CustomSql rules (each JVM call is a round trip: only
    what holds one is asked)."""
    rule_type = str(parsed.getRuleType())
    if rule_type == "CustomSql":
        return [str(parsed.getParameters().get("CustomSqlStatement"))]
    if rule_type == "Composite":
        return [s for nested in java_list(parsed.getNestedRules()) for s in _statements(nested)]
    return []


def _names(text: str) -> set[str]:
    """Every word and every quoted string of ``text``, lower-cased."""
    names = {word.lower() for word in _WORD.findall(text)}
    for groups in _QUOTED.findall(text):
        names.update(g.lower() for g in groups if g)
    return names


def _repeatable(df: DataFrame) -> bool:
    """Whether computing ``df`` again gives the same rows and values (module docstring)."""
    plan = df._jdf.queryExecution().analyzed()
    return bool(plan.deterministic()) and not _CLOCK.search(str(plan.toString()))


def _same_result_schema(df: DataFrame, narrow: DataFrame, statement: str) -> bool:
    """Whether ``statement`` analyses over ``narrow`` to the schema it has over ``df``."""
    spark = df.sparkSession
    try:
        df.createOrReplaceTempView(PRIMARY_VIEW)
        full_schema = spark.sql(statement).schema
        narrow.createOrReplaceTempView(PRIMARY_VIEW)
        return spark.sql(statement).schema == full_schema
    except AnalysisException:
        return False
    finally:
        df.createOrReplaceTempView(PRIMARY_VIEW)


def select_columns(df: DataFrame, columns: list[str]) -> DataFrame:
    """``df`` with only ``columns`` (names taken literally: dots and backticks are no paths)."""
    return df.select(*["`" + c.replace("`", "``") + "`" for c in columns])


def evaluated_columns(parsed_rules: list[Any], texts: list[str], df: DataFrame) -> list[str] | None:
    """The columns of ``df`` (in its order) that the rules (parsed ``DQRule`` objects and their
    texts) read, or None when the stage must evaluate every column (module docstring)."""
    if any(p is None for p in parsed_rules):
        return None
    if any(t not in NAMED_COLUMN_TYPES for p in parsed_rules for t in rule_types(p)):
        return None
    if any("*" in _COUNT_STAR.sub("", text) for text in texts):
        return None
    read = set().union(*(_names(text) for text in texts))
    columns = [c for c in df.columns if c.lower() in read] or df.columns[:1]
    if len(columns) == len(df.columns) or not _repeatable(df):
        return None
    narrow = select_columns(df, columns)
    statements = [s for p in parsed_rules for s in _statements(p)]
    if not all(_same_result_schema(df, narrow, s) for s in statements):
        return None
    return columns
