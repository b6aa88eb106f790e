"""Data quality (reference §16, Decision D11): DQDL rules evaluated by Glue Data Quality or Deequ,
with the warn, quarantine and halt actions, the quarantine tables and the DQ results table.

Nothing here imports ``awsglue``: the Glue evaluator lives in ``assets/glue/glue_dq.py`` and is
loaded by name only when ``--dq_evaluator glue`` is in effect.
"""

from __future__ import annotations

from typing import Any

from ..context import JobContext
from ..tables import TableWriter
from .check import DataQualityCheck
from .evaluator import DqEvaluator, make_evaluator
from .results import DynamoDbResults, NoResults, ResultsSink
from .rules import DqRules

__all__ = ["DataQualityCheck", "DqRules", "build_data_quality_check"]


def build_data_quality_check(
    raw_rules: dict[str, Any],
    ctx: JobContext,
    tables: TableWriter | None,
    *,
    evaluator: DqEvaluator | None = None,
    results: ResultsSink | None = None,
) -> DataQualityCheck:
    """Parse and validate the rules (shape and DQDL of every rule, before any data is read) and
    return the checker. The evaluator is ``--dq_evaluator`` (default: Glue on Glue, Deequ elsewhere);
    outcomes go to ``--dq_results_table`` when given."""
    file = str(ctx.args.get("dq_file") or ctx.spec_file or "DQ rules")
    rules = DqRules.parse(raw_rules, file)
    chosen = evaluator or make_evaluator(ctx.spark, ctx.args.get("dq_evaluator"))
    rules.validate([chosen.check_rule])
    if results is None:
        table = ctx.args.get("dq_results_table")
        results = DynamoDbResults(str(table), ctx.args) if table else NoResults()
    return DataQualityCheck(rules, ctx, tables, chosen, results)
