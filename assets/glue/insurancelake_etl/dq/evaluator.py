"""DQDL evaluators behind one interface (Decision D11: data quality is never silently skipped).

- :class:`DeequEvaluator` (``--dq_evaluator=deequ``, the default outside Glue) calls Deequ's
  ``com.amazon.deequ.dqdl.EvaluateDataQuality`` through the session's JVM: ``process`` for rule
  outcomes, ``processRows`` for the row-level outcomes quarantine needs. A stage's rule lists
  (warn, quarantine, halt) go to ``process`` together (:meth:`DqEvaluator.evaluate_lists`): Deequ
  computes every analyzer of one call in shared passes over the data, so one call per stage costs
  one set of passes instead of one per list (issue 12).
- ``GlueDqEvaluator`` (``--dq_evaluator=glue``, the default on Glue) calls ``awsgluedq``; it lives in
  ``assets/glue/glue_dq.py`` beside the entry scripts because it imports ``awsglue``. It evaluates
  each list on its own, because Glue publishes every evaluation under its own context.

The runtime supplies the evaluator (:meth:`insurancelake_etl.runtime.Runtime.dq_evaluator`).

Both return the same shapes: a list of :class:`RuleOutcome` in rule order (Glue's ``Rule``,
``Outcome``, ``FailureReason``, ``EvaluatedMetrics``) and, for rows, the input columns plus
``DataQualityRulesPass``, ``DataQualityRulesFail``, ``DataQualityRulesSkip`` and
``DataQualityEvaluationResult``.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pyspark.sql import DataFrame, SparkSession

from ..errors import ConfigError, DataError
from ..jvm import java_list, jvm
from .rules import RULESET_PREFIX, SyntaxProblem, ruleset_text

logger = logging.getLogger(__name__)

ROW_OUTCOME_COLUMNS: tuple[str, ...] = (
    "DataQualityRulesPass",
    "DataQualityRulesFail",
    "DataQualityRulesSkip",
    "DataQualityEvaluationResult",
)
# The --dq_evaluator values and what each needs in the runtime.
EVALUATORS: dict[str, str] = {
    "deequ": "Deequ's DQDL evaluator (com.amazon.deequ:deequ on the Spark classpath)",
    "glue": "AWS Glue Data Quality (awsgluedq)",
}
# CustomSql rules name the evaluated data ``primary`` (reference §16.7).
PRIMARY_VIEW = "primary"
DQDL_PARSER_CLASS = "software.amazon.glue.dqdl.parser.DQDLParser"
DEEQU_EVALUATOR_CLASS = "com.amazon.deequ.dqdl.EvaluateDataQuality"

# Rule types Deequ's DQDL translator can evaluate (DQDLRuleTranslator of Deequ 2.1.0); "Composite"
# stands for ``(A) and (B)`` / ``(A) or (B)``, whose nested rules are checked one by one.
DEEQU_RULE_TYPES: frozenset[str] = frozenset(
    {
        "RowCount", "ColumnCount", "ZerosCount", "Completeness", "IsComplete", "Uniqueness", "IsUnique",
        "ColumnCorrelation", "DistinctValuesCount", "Entropy", "Mean", "Range", "InterquartileRange",
        "StandardDeviation", "Variance", "Skewness", "Kurtosis", "Sum", "UniqueValueRatio", "CustomSql",
        "IsPrimaryKey", "ColumnLength", "ColumnExists", "ColumnValues", "DuplicateRowCount",
        "ColumnDataType", "Composite", "DataFreshness", "RowCountMatch", "ColumnNamesMatchPattern",
        "AggregateMatch", "ReferentialIntegrity", "SchemaMatch", "DatasetMatch",
    }
)
_NOT_SUPPORTED = "not supported"


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's result, in Glue Data Quality's field names."""

    rule: str
    outcome: str
    failure_reason: str | None = None
    evaluated_metrics: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Whether the outcome counts as failed (reference: the ``Outcome`` contains "Failed")."""
        return "Failed" in self.outcome


class DqEvaluator(Protocol):
    """Evaluates DQDL rules over a DataFrame."""

    name: str
    parser: JvmDqdlParser
    """The DQDL parser; the stage checker asks it too, so each rule text is parsed once per job."""

    def check_rule(self, rule: str) -> SyntaxProblem | None:
        """The problem with one rule's DQDL (syntax, or a rule type this evaluator cannot evaluate),
        or None. Reads no data."""
        ...

    def evaluate(self, df: DataFrame, rules: Sequence[str], context: str) -> list[RuleOutcome]:
        """Dataset-level outcomes of ``rules`` (one per rule, in order). ``context`` is Glue's
        ``dataQualityEvaluationContext``."""
        ...

    def evaluate_lists(self, df: DataFrame, lists: Sequence[tuple[Sequence[str], str]]) -> list[list[RuleOutcome]]:
        """Dataset-level outcomes of several rule lists over the same ``df``, each given with its
        context: per list, one outcome per rule in order (as :meth:`evaluate` of that list)."""
        ...

    def evaluate_rows(self, df: DataFrame, rules: Sequence[str], context: str) -> tuple[list[RuleOutcome], DataFrame]:
        """Rule outcomes plus the rows of ``df`` with the four row-level outcome columns."""
        ...


def outcomes_from_rows(rows: Sequence[Any], rules: Sequence[str], evaluator: str) -> list[RuleOutcome]:
    """Rule outcomes from collected result rows, in the order of ``rules``.

    Deequ also reports the nested rules of a composite as rows of their own; only the rules asked for
    are kept. A rule the evaluator reports as not supported fails the run, naming it (D11).
    """
    by_rule: dict[str, RuleOutcome] = {}
    for row in rows:
        data = row.asDict(recursive=True) if hasattr(row, "asDict") else dict(row)
        metrics = data.get("EvaluatedMetrics") or {}
        by_rule.setdefault(
            str(data["Rule"]),
            RuleOutcome(
                rule=str(data["Rule"]),
                outcome=str(data.get("Outcome") or ""),
                failure_reason=data.get("FailureReason"),
                evaluated_metrics={str(k): float(v) for k, v in metrics.items() if v is not None},
            ),
        )
    result = []
    for rule in rules:
        outcome = by_rule.get(rule) or _match_normalised(by_rule, rule)
        if outcome is None:
            raise DataError(f"the {evaluator} DQDL evaluator returned no outcome for rule {rule!r}")
        reason = outcome.failure_reason or ""
        if _NOT_SUPPORTED in reason and "Rule (or nested rule)" in reason:
            raise ConfigError(f"DQDL rule {rule!r} cannot be evaluated by the {evaluator} evaluator: {reason}")
        result.append(outcome)
    return result


def _normalise(rule: str) -> str:
    """A rule's text without insignificant whitespace and with upper-case logical operators, so that
    ``ColumnValues "c" in [ "a","b" ]`` matches the parser's ``ColumnValues "c" in ["a","b"]``."""
    parts = re.split(r'("(?:[^"\\]|\\.)*")', rule)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part)
        else:
            part = re.sub(r"\b(and|or)\b", lambda m: m.group(1).upper(), part, flags=re.IGNORECASE)
            out.append(re.sub(r"\s+", "", part))
    return "".join(out)


def _match_normalised(by_rule: dict[str, RuleOutcome], rule: str) -> RuleOutcome | None:
    wanted = _normalise(rule)
    for text, outcome in by_rule.items():
        if _normalise(text) == wanted:
            return outcome
    return None


def _java_class(spark: SparkSession, name: str) -> Any | None:
    """The py4j handle of JVM class ``name``, or None when it is not on the session's classpath."""
    from py4j.java_gateway import JavaClass

    handle: Any = jvm(spark)
    for part in name.split("."):
        handle = getattr(handle, part)
    return handle if isinstance(handle, JavaClass) else None


class JvmDqdlParser:
    """The DQDL grammar (``software.amazon.glue:dqdl``) through the session's JVM.

    Each rule is parsed alone as ``Rules = [ <rule> ]``; the parser's ``line 1:N`` position is turned
    into a column of the rule. Results are kept per rule text: a job asks about each rule several
    times (validation, column check, row-level plan, the text evaluators report), and every parse
    is a JVM round trip (56 of them, 0.9 s, for the example's 17 rules; issue 12).
    """

    def __init__(self, spark: SparkSession) -> None:
        self._class = _java_class(spark, DQDL_PARSER_CLASS)
        self._parsed: dict[str, tuple[Any | None, SyntaxProblem | None]] = {}
        self._texts: dict[str, str] = {}

    @property
    def available(self) -> bool:
        """Whether the parser is on the classpath."""
        return self._class is not None

    def parse(self, rule: str) -> tuple[Any | None, SyntaxProblem | None]:
        """The parsed top-level ``DQRule`` of ``rule``, or the syntax problem."""
        if self._class is None:
            return None, None
        if rule not in self._parsed:
            self._parsed[rule] = self._parse(self._class, rule)
        return self._parsed[rule]

    def prefetch(self, rules: Sequence[str]) -> None:
        """Parse ``rules`` as one ruleset and keep each rule's answer: one JVM parse instead of one
        per rule (17 rules: 11-25 ms against 134-168 ms). When that parse fails, or finds another
        number of rules, nothing is kept and each rule is parsed alone when asked about."""
        todo = list(dict.fromkeys(r for r in rules if r not in self._parsed))
        if self._class is None or not todo:
            return
        try:
            parsed = java_list(self._class().parse(ruleset_text(todo)).getRules())
        except Exception:  # a syntax error: the rules alone say which and where
            return
        if len(parsed) == len(todo):
            self._parsed.update((rule, (one, None)) for rule, one in zip(todo, parsed, strict=True))

    @staticmethod
    def _parse(parser_class: Any, rule: str) -> tuple[Any | None, SyntaxProblem | None]:
        try:
            ruleset = parser_class().parse(ruleset_text([rule]))
        except Exception as exc:  # py4j wraps the parser's InvalidDataQualityRulesetException
            java = getattr(exc, "java_exception", None)
            message = str(java.getMessage()) if java is not None else str(exc)
            return None, _syntax_problem(message, rule)
        parsed = java_list(ruleset.getRules())
        if len(parsed) != 1:
            return None, SyntaxProblem(f"expected one rule, the parser found {len(parsed)}")
        return parsed[0], None

    def rule_text(self, rule: str) -> str:
        """The rule as the parser prints it (the ``Rule`` text evaluators report); ``rule`` itself
        when the parser is unavailable or rejects it."""
        if rule not in self._texts:
            parsed, _ = self.parse(rule)
            self._texts[rule] = str(parsed.toString()) if parsed is not None else rule
        return self._texts[rule]

    def check(self, rule: str, supported: frozenset[str] | None = None) -> SyntaxProblem | None:
        """The syntax problem of ``rule``, or a rule type (also nested) outside ``supported``."""
        parsed, problem = self.parse(rule)
        if problem is not None or parsed is None or supported is None:
            return problem
        for rule_type in rule_types(parsed):
            if rule_type not in supported:
                return SyntaxProblem(f"rule type {rule_type} cannot be evaluated by the Deequ DQDL evaluator")
        return None


def rule_types(parsed: Any) -> list[str]:
    """The type of a parsed ``DQRule`` and of every rule nested in it."""
    types = [str(parsed.getRuleType())]
    for nested in java_list(parsed.getNestedRules()):
        types.extend(rule_types(nested))
    return types


_POSITION = re.compile(r"line (\d+):(\d+)\s*(.*)", re.DOTALL)


def _syntax_problem(message: str, rule: str) -> SyntaxProblem:
    """The parser's message with its position turned into a 1-based column of ``rule`` (a position
    past the rule, where more was expected, becomes the column just after its last character)."""
    message = message.replace("Parsing Error: ", "").replace("No rules or analyzers provided., ", "").strip()
    match = _POSITION.search(message)
    if not match:
        return SyntaxProblem(message)
    column = int(match.group(2)) - len(RULESET_PREFIX) + 1
    detail = match.group(3).strip() or message
    if column > len(rule):
        detail = f"{detail} (the rule ends too early)"
    return SyntaxProblem(detail, min(max(column, 1), len(rule) + 1))


class DeequEvaluator:
    """Deequ's DQDL evaluator through the JVM (the local runtime's evaluator, D11)."""

    name = "deequ"

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self._evaluator = _java_class(spark, DEEQU_EVALUATOR_CLASS)
        if self._evaluator is None:
            raise ConfigError(
                f"data quality rules need the DQDL evaluator {DEEQU_EVALUATOR_CLASS}, which is not on the Spark "
                "classpath; add com.amazon.deequ:deequ:2.1.0-spark-3.5 to the session (the local runtime does)"
            )
        self.parser = JvmDqdlParser(spark)

    def check_rule(self, rule: str) -> SyntaxProblem | None:
        return self.parser.check(rule, DEEQU_RULE_TYPES)

    def _prepare(self, df: DataFrame) -> None:
        df.createOrReplaceTempView(PRIMARY_VIEW)

    def _texts(self, rules: Sequence[str]) -> list[str]:
        return [self.parser.rule_text(r) for r in rules]

    def evaluate(self, df: DataFrame, rules: Sequence[str], context: str) -> list[RuleOutcome]:
        self._prepare(df)
        logger.info("evaluating %d DQDL rules with Deequ (%s)", len(rules), context)
        jdf = self._evaluator.process(df._jdf, ruleset_text(list(rules)))  # type: ignore[union-attr]
        rows = DataFrame(jdf, self.spark).collect()
        return outcomes_from_rows(rows, self._texts(rules), self.name)

    def evaluate_lists(self, df: DataFrame, lists: Sequence[tuple[Sequence[str], str]]) -> list[list[RuleOutcome]]:
        """One ``process`` call for every rule of ``lists`` (a rule listed twice is evaluated once),
        the outcomes split back per list. The contexts only name the evaluation in the log."""
        texts = [self._texts(rules) for rules, _ in lists]
        unique = list(dict.fromkeys(text for list_texts in texts for text in list_texts))
        if not unique:
            return [[] for _ in lists]
        contexts = ", ".join(context for rules, context in lists if rules)
        by_text = dict(zip(unique, self.evaluate(df, unique, contexts), strict=True))
        return [[by_text[text] for text in list_texts] for list_texts in texts]

    def evaluate_rows(self, df: DataFrame, rules: Sequence[str], context: str) -> tuple[list[RuleOutcome], DataFrame]:
        self._prepare(df)
        logger.info("evaluating %d DQDL rules row by row with Deequ (%s)", len(rules), context)
        result = self._evaluator.processRows(df._jdf, ruleset_text(list(rules)))  # type: ignore[union-attr]
        outcomes_df = DataFrame(result.apply("ruleOutcomes"), self.spark)
        rows_df = DataFrame(result.apply("rowLevelOutcomes"), self.spark)
        outcomes = outcomes_from_rows(outcomes_df.collect(), self._texts(rules), self.name)
        return outcomes, rows_df


def finite(value: float) -> bool:
    """Whether a metric value can be stored as a number (DynamoDB has no NaN or infinity)."""
    return not (math.isnan(value) or math.isinf(value))
