"""Row-level DQ outcomes for quarantine from native Spark expressions and hash joins (issue 12).

Deequ's ``processRows`` (and the join it makes for a row-level ``CustomSql``) grows with the square
of the rows on wide frames; the rule outcomes themselves (``process``, Glue's ``apply``) are linear.
So quarantine takes the rule outcomes from the evaluator and computes which rows fail here:

- ``IsComplete "c"`` / ``Completeness "c" …``: ``c`` is not null;
- ``ColumnValues "c" > | >= | < | <= n``: the comparison, a null fails; ``between a and b`` is
  exclusive (``a < c < b``), a null fails;
- ``ColumnValues "c" in [...]`` / ``= "s"`` on strings: the test, a null fails;
  ``not in [...]`` / ``!= "s"``: the test, a null passes;
- ``(A) and (B)`` / ``(A) or (B)`` of the above;
- ``CustomSql "SELECT cols FROM primary WHERE …"`` (no condition): a row passes when its values of
  the selected columns are among the query's rows. The frame's distinct key values minus the query's
  (null-safe; for ``SELECT cols FROM primary WHERE cond``, the key groups where no row meets
  ``cond``) are the failing keys, computed on the narrow key columns and cached; the
  frame is left-joined with them broadcast, so its wide rows are never shuffled and never duplicated.
  When every row meets ``cond`` (found by the stage's count, :meth:`RowLevelPlan.count`) no key
  fails: nothing is computed or joined;
- ``RowCount``, ``ColumnCount``, ``ColumnExists`` and a ``CustomSql`` with a condition are
  dataset-level: every row lists them under ``DataQualityRulesSkip``.

The rule outcome of a row-level ``CustomSql`` is computed here too when Deequ is the evaluator
(:func:`custom_sql_outcome`): Deequ evaluates it, even dataset-level, through the same per-row
join. DQDL defines it as the compliance — the share of rows the query returns — which must be 1.

These are the semantics of Deequ 2.1.0's row-level outcomes (test/python/dq/test_dq_row_level.py
compares them rule by rule). A rule outside this list (a threshold, a ``where`` clause, keyword
operands, another rule type) makes :func:`plan_row_level` return None and the evaluator's own
row-level evaluation is used for that rule set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..jvm import java_list, java_string_map
from .evaluator import PRIMARY_VIEW, ROW_OUTCOME_COLUMNS, RuleOutcome

logger = logging.getLogger(__name__)

PASS, FAIL, SKIP, RESULT = ROW_OUTCOME_COLUMNS
DATASET_LEVEL_TYPES: frozenset[str] = frozenset({"RowCount", "ColumnCount", "ColumnExists"})
_NUMBER_OPERATORS: dict[str, Callable[[Column, float], Column]] = {
    "GREATER_THAN": lambda c, n: c > n,
    "GREATER_THAN_EQUAL_TO": lambda c, n: c >= n,
    "LESS_THAN": lambda c, n: c < n,
    "LESS_THAN_EQUAL_TO": lambda c, n: c <= n,
}
_JOIN_MARK = "__insurancelake_dq_sql_{}"
_JOIN_KEY = "__insurancelake_dq_key_{}_{}"
_MET = "__insurancelake_dq_met"


class NotNative(Exception):
    """A rule this module does not translate (the evaluator's row-level evaluation is used)."""


@dataclass(frozen=True)
class SqlMembership:
    """A row-level CustomSql: the statement, the selected columns (as the data names them) and, for
    ``SELECT <columns> FROM primary WHERE <condition>``, the condition as SQL over ``primary``."""

    statement: str
    columns: tuple[str, ...]
    condition: str | None = None


@dataclass(frozen=True)
class OutcomeCounts:
    """How many rows of a stage pass and fail its quarantine rules; per row-level CustomSql counted
    here (by rule position), how many rows it passes (its compliance's numerator)."""

    passed: int
    failed: int
    sql_passed: dict[int, int] = field(default_factory=dict)


@dataclass
class RowLevelPlan:
    """How the row-level outcomes of one rule set are computed natively."""

    texts: list[str]
    predicates: list[Column | SqlMembership | None] = field(default_factory=list)
    cached: list[DataFrame] = field(default_factory=list)
    """Frames :meth:`apply` cached (the failing keys of each row-level CustomSql); the caller
    unpersists them when the job has written."""
    failing: dict[int, DataFrame] = field(default_factory=dict)
    """Per row-level CustomSql (by rule position): its failing keys, computed at the first
    :meth:`apply` (or :meth:`passing`) and joined by every later one."""
    none_failing: set[int] = field(default_factory=set)
    """Row-level CustomSql rules (by position) that :meth:`count` found to fail no row: nothing to
    compute or join for them."""

    @property
    def kinds(self) -> list[str]:
        """Per rule: ``predicate``, ``join`` or ``dataset`` (for logs and the benchmark)."""
        return [
            "dataset" if p is None else "join" if isinstance(p, SqlMembership) else "predicate" for p in self.predicates
        ]

    def apply(self, df: DataFrame) -> DataFrame:
        """``df`` plus the four row-level outcome columns (Deequ's names, types and rule texts).

        The first call (of this or :meth:`passing`) computes the failing keys of each row-level
        CustomSql from its ``df`` (the evaluated frame); a later call on another frame with the
        same rows (the stage input with every column, when the stage evaluated only some) joins the
        same keys."""
        df, passes, extra = self._joined(df)
        strings = T.ArrayType(T.StringType())
        row_rules = [(text, ok) for text, ok in zip(self.texts, passes, strict=True) if ok is not None]
        skipped = [text for text, ok in zip(self.texts, passes, strict=True) if ok is None]

        def listed(pairs: list[tuple[str, Column]]) -> Column:
            if not pairs:
                return F.array().cast(strings)
            return F.filter(F.array(*[F.when(ok, F.lit(text)) for text, ok in pairs]), lambda x: x.isNotNull())

        failed = [(text, ~ok) for text, ok in row_rules]
        out = df.withColumns(
            {
                PASS: listed(row_rules),
                FAIL: listed(failed),
                SKIP: F.array(*[F.lit(t) for t in skipped]).cast(strings) if skipped else F.array().cast(strings),
            }
        )
        out = out.withColumn(RESULT, F.when(F.size(F.col(FAIL)) > 0, F.lit("Failed")).otherwise(F.lit("Passed")))
        return out.drop(*extra)

    def count(self, df: DataFrame, sql_positions: list[int]) -> OutcomeCounts:
        """The rows of ``df`` that pass and fail, and the rows each row-level CustomSql at
        ``sql_positions`` passes, in one aggregation when it can.

        When every row-level CustomSql is a ``SELECT … WHERE <condition>`` and every row meets its
        condition (the usual case), each returns every key and fails no row: one aggregation gives
        the counts, and no failing keys are computed or joined, here or later. Otherwise (a row not
        meeting a condition, another statement form) the failing keys are computed and the outcome
        columns counted (two aggregations more)."""
        quick = self._count_without_joins(df, sql_positions)
        if quick is not None:
            return quick
        return count_outcome_columns(self.apply(df), {i: self.texts[i] for i in sql_positions})

    def _count_without_joins(self, df: DataFrame, sql_positions: list[int]) -> OutcomeCounts | None:
        """:meth:`count` when no row-level CustomSql fails a row, else None (after one aggregation
        when it took one to find out)."""
        conditions = {i: p.condition for i, p in enumerate(self.predicates) if isinstance(p, SqlMembership)}
        sql = {i: c for i, c in conditions.items() if c is not None and i not in self.failing}
        if len(sql) < len(conditions):
            return None
        failures = [F.coalesce(~p, F.lit(False)) for p in self.predicates if isinstance(p, Column)]
        failed = F.lit(False)
        for failure in failures:
            failed = failed | failure
        unmet = {
            i: F.sum((~F.coalesce(F.expr(condition), F.lit(False))).cast("long")).alias(f"unmet{i}")
            for i, condition in sql.items()
        }
        row = (
            df.alias(PRIMARY_VIEW)
            .agg(F.count(F.lit(1)).alias("rows"), F.sum(failed.cast("long")).alias("failed"), *unmet.values())
            .collect()[0]
        )
        if any(row[f"unmet{i}"] for i in sql):
            return None
        self.none_failing.update(sql)
        rows, failed_rows = int(row["rows"]), int(row["failed"] or 0)
        return OutcomeCounts(rows - failed_rows, failed_rows, {i: rows for i in sql_positions})

    def passing(self, df: DataFrame) -> DataFrame:
        """The rows of ``df`` whose outcome :meth:`apply` gives as ``Passed``, without outcome
        columns: the rows that continue, by one boolean filter instead of outcome arrays per row.
        A row fails a rule when its predicate is false (a null one fails none, as in ``apply``).
        A row-level CustomSql without failing keys (the usual case) fails no row: its join is left
        out, so the job's write carries no join it does not need."""
        df, passes, extra = self._joined(df, skip_empty=True)
        condition = F.lit(True)
        for ok in passes:
            if ok is not None:
                condition = condition & F.coalesce(ok, F.lit(True))
        return df.filter(condition).drop(*extra)

    def _joined(self, df: DataFrame, *, skip_empty: bool = False) -> tuple[DataFrame, list[Column | None], list[str]]:
        """``df`` joined with the failing keys of each row-level CustomSql (computed at the first
        call; with ``skip_empty``, not joined when there are none), each rule's pass predicate
        (None: dataset-level) and the mark columns to drop."""
        spark = df.sparkSession
        passes: list[Column | None] = []
        extra: list[str] = []
        for i, predicate in enumerate(self.predicates):
            if isinstance(predicate, SqlMembership):
                if i in self.none_failing:
                    passes.append(F.lit(True))
                    continue
                if i not in self.failing:
                    self.failing[i] = _failing_keys(spark, df, predicate, i)
                    self.cached.append(self.failing[i])
                if skip_empty and self.failing[i].isEmpty():
                    passes.append(F.lit(True))
                    continue
                df, mark = _join_failing_keys(df, self.failing[i], predicate, i)
                extra.append(mark)
                passes.append(F.col(mark).isNull())
            else:
                passes.append(predicate)
        return df, passes, extra


def java_double(value: float) -> str:
    """``value`` as Java's ``Double.toString`` prints it (the text of Deequ's failure reasons):
    the shortest digits that round-trip, scientific below 10^-3 and from 10^7."""
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(float(value))
        return text
    import numpy as np

    mantissa, exponent = np.format_float_scientific(value, unique=True, trim="0").split("e")
    return f"{mantissa}E{int(exponent)}"


def count_outcome_columns(frame: DataFrame, sql_texts: dict[int, str]) -> OutcomeCounts:
    """The rows of ``frame`` (with the four outcome columns) that pass and fail, and per rule
    position in ``sql_texts`` the rows whose passed list holds that rule's text: one aggregation."""
    result = F.col(RESULT)
    row = frame.agg(
        F.sum(F.when(result.contains("Passed"), 1).otherwise(0)).alias("passed"),
        F.sum(F.when(result.contains("Failed"), 1).otherwise(0)).alias("failed"),
        *[F.sum(F.array_contains(F.col(PASS), text).cast("long")).alias(f"sql{i}") for i, text in sql_texts.items()],
    ).collect()[0]
    return OutcomeCounts(int(row["passed"] or 0), int(row["failed"] or 0), {i: int(row[f"sql{i}"] or 0) for i in sql_texts})


def custom_sql_outcome(text: str, passed: int, total: int) -> RuleOutcome:
    """The outcome of a row-level CustomSql rule: compliance = passing rows ÷ rows, which must be 1
    (Deequ's metric name and failure reason)."""
    compliance = passed / total if total else 1.0
    metrics = {"Dataset.*.CustomSQL.Compliance": compliance}
    if compliance == 1.0:
        return RuleOutcome(rule=text, outcome="Passed", failure_reason=None, evaluated_metrics=metrics)
    reason = f"Value: {java_double(compliance)} does not meet the constraint requirement."
    return RuleOutcome(rule=text, outcome="Failed", failure_reason=reason, evaluated_metrics=metrics)


def _failing_keys(spark: SparkSession, df: DataFrame, sql: SqlMembership, index: int) -> DataFrame:
    """The key values ``df`` holds that the statement does not return (nulls equal), with a mark
    column, cached: normally few, so the wide frame is joined with them broadcast, neither shuffled
    nor cached again.

    A statement ``SELECT <columns> FROM primary WHERE <condition>`` returns a key exactly when one of
    its rows meets the condition: the failing keys are the groups where none does, one aggregation
    (one shuffle of the narrow keys). Any other statement: ``EXCEPT DISTINCT`` of the frame's keys
    and the statement's rows (a distinct and an anti join: two shuffles; 1M rows: 2.5 s with the
    quarantine count, issue 12)."""
    keys = [_JOIN_KEY.format(index, j) for j in range(len(sql.columns))]
    present = [F.col(f"`{c}`").alias(k) for c, k in zip(sql.columns, keys, strict=True)]
    if sql.condition is not None:
        failing = _keys_meeting_no_condition(df, present, sql.condition)
    else:
        df.createOrReplaceTempView(PRIMARY_VIEW)
        returned = spark.sql(sql.statement)
        selected = returned.select(*[F.col(f"`{c}`").alias(k) for c, k in zip(returned.columns, keys, strict=True)])
        failing = df.select(*present).subtract(selected)
    return failing.withColumn(_JOIN_MARK.format(index), F.lit(True)).cache()


def _keys_meeting_no_condition(df: DataFrame, keys: list[Column], condition: str) -> DataFrame:
    """The ``keys`` groups of ``df`` where no row meets ``condition`` (SQL over ``primary``)."""
    met = F.max(F.coalesce(F.expr(condition), F.lit(False))).alias(_MET)
    return df.alias(PRIMARY_VIEW).groupBy(*keys).agg(met).filter(~F.col(_MET)).drop(_MET)


def _where_condition(statement: str, returned: DataFrame) -> str | None:
    """The condition, as SQL over ``primary``, of a statement that only selects columns of
    ``primary`` where a deterministic condition holds (no subquery, grouping, distinct, order or
    limit: the analysed plan is a projection of columns over a filter of the view); else None, also
    when the printed condition does not read back (an analysed lambda prints as
    ``lambdafunction(...)``, which no parser accepts)."""
    if statement.upper().count("SELECT") != 1:
        return None  # a subquery
    plan = returned._jdf.queryExecution().analyzed()
    if _simple_name(plan) != "Project" or _simple_name(plan.child()) != "Filter":
        return None
    projections = plan.projectList()
    if any(_simple_name(projections.apply(i)) != "AttributeReference" for i in range(projections.size())):
        return None
    where = plan.child()
    view = where.child()
    if _simple_name(view) != "SubqueryAlias" or str(view.alias()) != PRIMARY_VIEW or not where.condition().deterministic():
        return None
    condition = str(where.condition().sql())
    try:
        returned.sparkSession.table(PRIMARY_VIEW).alias(PRIMARY_VIEW).select(F.expr(condition)).schema
    except AnalysisException:  # ParseException included
        return None
    return condition


def _join_failing_keys(df: DataFrame, failing: DataFrame, sql: SqlMembership, index: int) -> tuple[DataFrame, str]:
    """Left-join ``df`` with the failing keys (null-safe equality on the selected columns); the mark
    column is non-null exactly for the failing rows."""
    keys = [_JOIN_KEY.format(index, j) for j in range(len(sql.columns))]
    condition = None
    for column, key in zip(sql.columns, keys, strict=True):
        term = F.col(f"`{column}`").eqNullSafe(F.col(key))
        condition = term if condition is None else condition & term
    joined = df.join(F.broadcast(failing), condition, "left")
    return joined.drop(*keys), _JOIN_MARK.format(index)


def plan_row_level(parsed_rules: list[Any], df: DataFrame) -> RowLevelPlan | None:
    """The native plan for the parsed DQDL rules (``DQRule`` JVM objects) over ``df``, or None when
    one of them is not translated (module docstring)."""
    plan = RowLevelPlan(texts=[str(r.toString()) for r in parsed_rules])
    try:
        for rule in parsed_rules:
            plan.predicates.append(_translate(rule, df, top_level=True))
    except NotNative as reason:
        logger.info("row-level DQ outcomes from the evaluator: %s", reason)
        return None
    return plan


def _column(df: DataFrame, name: str) -> tuple[Column, T.DataType]:
    for struct_field in df.schema.fields:
        if struct_field.name.lower() == name.lower():
            return F.col("`" + struct_field.name.replace("`", "``") + "`"), struct_field.dataType
    raise NotNative(f"column {name!r} is not in the data")


def _simple_name(obj: Any) -> str:
    return str(obj.getClass().getSimpleName()) if obj is not None else ""


def _translate(rule: Any, df: DataFrame, *, top_level: bool) -> Column | SqlMembership | None:
    rule_type = str(rule.getRuleType())
    if rule.getWhereClause() is not None:
        raise NotNative(f"{rule_type} with a where clause")
    if rule.getThresholdCondition() is not None and _simple_name(rule.getThresholdCondition()) != "Condition":
        raise NotNative(f"{rule_type} with a threshold")
    parameters = java_string_map(rule.getParameters())
    condition = rule.getCondition()
    if rule_type == "Composite":
        nested = [_translate(n, df, top_level=False) for n in java_list(rule.getNestedRules())]
        if any(not isinstance(n, Column) for n in nested):
            raise NotNative("a composite rule with a nested rule that is not a row predicate")
        columns = [n for n in nested if isinstance(n, Column)]
        operator = str(rule.getOperator().name())
        combined = columns[0]
        for other in columns[1:]:
            combined = (combined & other) if operator == "AND" else (combined | other)
        return combined
    if rule_type in DATASET_LEVEL_TYPES and top_level:
        return None
    if rule_type == "CustomSql" and top_level:
        return _custom_sql(df, parameters["CustomSqlStatement"], condition)
    if rule_type in ("IsComplete", "Completeness"):
        column, _ = _column(df, parameters["TargetColumn"])
        return column.isNotNull()
    if rule_type == "ColumnValues":
        column, data_type = _column(df, parameters["TargetColumn"])
        return _column_values(column, data_type, condition)
    raise NotNative(f"rule type {rule_type}")


def _custom_sql(df: DataFrame, statement: str, condition: Any) -> SqlMembership | None:
    if condition is not None and _simple_name(condition) != "Condition":
        return None  # a CustomSql with a condition compares one value: dataset level
    df.createOrReplaceTempView(PRIMARY_VIEW)
    returned = df.sparkSession.sql(statement)
    selected = returned.columns
    names = {c.lower(): c for c in df.columns}
    missing = [c for c in selected if c.lower() not in names]
    if missing:
        raise NotNative(f"CustomSql selects {', '.join(missing)}, which the data does not hold")
    return SqlMembership(statement, tuple(names[c.lower()] for c in selected), _where_condition(statement, returned))


def _column_values(column: Column, data_type: T.DataType, condition: Any) -> Column:
    kind = _simple_name(condition)
    operator = str(condition.getOperator().name()) if condition is not None else ""
    if kind == "NumberBasedCondition" and isinstance(data_type, T.NumericType):
        operands = java_list(condition.getOperands())
        if any(_simple_name(o) != "AtomicNumberOperand" for o in operands):
            raise NotNative("ColumnValues with a computed operand")
        numbers = [float(str(o.getOperand())) for o in operands]
        if operator in _NUMBER_OPERATORS:
            return F.coalesce(_NUMBER_OPERATORS[operator](column, numbers[0]), F.lit(False))
        if operator == "BETWEEN":
            return F.coalesce((column > numbers[0]) & (column < numbers[1]), F.lit(False))
        raise NotNative(f"ColumnValues {operator} on numbers")
    if kind == "StringBasedCondition" and isinstance(data_type, T.StringType):
        operands = java_list(condition.getOperands())
        if any(_simple_name(o) != "QuotedStringOperand" for o in operands):
            raise NotNative("ColumnValues with a keyword operand (NULL, EMPTY, …)")
        values = [str(o.getOperand()) for o in operands]
        if operator == "IN":
            return F.coalesce(column.isin(values), F.lit(False))
        if operator == "NOT_IN":
            return column.isNull() | ~column.isin(values)
        if operator == "EQUALS":
            return F.coalesce(column == values[0], F.lit(False))
        if operator == "NOT_EQUALS":
            return column.isNull() | (column != values[0])
        raise NotNative(f"ColumnValues {operator} on strings")
    raise NotNative(f"ColumnValues {kind} {operator} on {data_type.simpleString()}")


__all__ = ["RowLevelPlan", "plan_row_level"]
