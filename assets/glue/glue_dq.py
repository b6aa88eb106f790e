"""AWS Glue Data Quality (``awsgluedq``) as the engine's DQDL evaluator (``--dq_evaluator glue``).

Lives beside the entry scripts because it imports ``awsglue``/``awsgluedq`` (only inside the
methods, so importing this module never needs them). The Glue runtime (``glue_runtime``) offers it as
its default evaluator. Results are published to CloudWatch and the Glue Data Quality console under the
evaluation context the checker passes (reference §16.5).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from insurancelake_etl.dq.evaluator import JvmDqdlParser, RuleOutcome, outcomes_from_rows
from insurancelake_etl.dq.rules import SyntaxProblem, ruleset_text
from pyspark.sql import DataFrame, SparkSession

logger = logging.getLogger("insurancelake_etl")


def publishing_options(context: str) -> dict[str, Any]:
    """Glue's publishing options: the evaluation context, CloudWatch metrics and results on."""
    return {
        "dataQualityEvaluationContext": context,
        "enableDataQualityCloudWatchMetrics": True,
        "enableDataQualityResultsPublishing": True,
    }


class GlueDqEvaluator:
    """``EvaluateDataQuality.apply`` for rule outcomes and ``process_rows`` for row-level outcomes."""

    name = "glue"

    def __init__(self, spark: SparkSession) -> None:
        from awsglue.context import GlueContext

        self.spark = spark
        self.glue_context = GlueContext(spark.sparkContext)
        self.parser = JvmDqdlParser(spark)
        if not self.parser.available:
            logger.info("DQDL parser not on the classpath; Glue Data Quality checks the rules when it runs them")

    def check_rule(self, rule: str) -> SyntaxProblem | None:
        # Glue evaluates every rule type the grammar defines; only the syntax is checked here.
        return self.parser.check(rule)

    def _frame(self, df: DataFrame, context: str) -> Any:
        from awsglue.dynamicframe import DynamicFrame

        return DynamicFrame.fromDF(df, self.glue_context, f"{context}-fordq_dyf")

    def _texts(self, rules: Sequence[str]) -> list[str]:
        return [self.parser.rule_text(r) for r in rules]

    def evaluate(self, df: DataFrame, rules: Sequence[str], context: str) -> list[RuleOutcome]:
        from awsgluedq.transforms import EvaluateDataQuality

        results = EvaluateDataQuality.apply(
            frame=self._frame(df, context),
            ruleset=ruleset_text(list(rules)),
            publishing_options=publishing_options(context),
        )
        return outcomes_from_rows(results.toDF().collect(), self._texts(rules), self.name)

    def evaluate_lists(self, df: DataFrame, lists: Sequence[tuple[Sequence[str], str]]) -> list[list[RuleOutcome]]:
        """Each list evaluated on its own: Glue publishes every evaluation under its context."""
        return [self.evaluate(df, rules, context) if rules else [] for rules, context in lists]

    def evaluate_rows(self, df: DataFrame, rules: Sequence[str], context: str) -> tuple[list[RuleOutcome], DataFrame]:
        from awsglue.transforms import SelectFromCollection
        from awsgluedq.transforms import EvaluateDataQuality

        collection = EvaluateDataQuality().process_rows(
            frame=self._frame(df, context),
            ruleset=ruleset_text(list(rules)),
            publishing_options=publishing_options(context),
            additional_options={"performanceTuning.caching": "CACHE_NOTHING"},
        )
        outcomes_df = SelectFromCollection.apply(dfc=collection, key="ruleOutcomes").toDF()
        rows_df = SelectFromCollection.apply(dfc=collection, key="rowLevelOutcomes").toDF()
        return outcomes_from_rows(outcomes_df.collect(), self._texts(rules), self.name), rows_df


__all__ = ["GlueDqEvaluator", "publishing_options"]
