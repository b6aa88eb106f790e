"""Data quality (reference §16, Decision D11): DQDL rules evaluated by Glue Data Quality or Deequ,
with the warn, quarantine and halt actions, the quarantine tables and the DQ results table.

Nothing here imports ``awsglue``: the runtime supplies the evaluator (the Glue runtime its Glue Data
Quality evaluator from ``glue_dq.py`` beside the entry scripts, every runtime the Deequ evaluator).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..context import JobContext
from ..tables import TableWriter
from .check import DataQualityCheck
from .evaluator import DqEvaluator
from .results import DynamoDbResults, NoResults, ResultsSink
from .rules import DqRules

__all__ = ["DataQualityCheck", "DqRules", "build_data_quality_check"]


def build_data_quality_check(
    raw_rules: dict[str, Any],
    ctx: JobContext,
    tables: TableWriter | None,
    evaluator: Callable[[], DqEvaluator],
    *,
    results: ResultsSink | None = None,
) -> DataQualityCheck:
    """Parse and validate the rules (shape and DQDL of every rule, before any data is read) and
    return the checker. ``evaluator`` makes the DQDL evaluator (the runtime's choice for
    ``--dq_evaluator``); outcomes go to ``--dq_results_table`` when given. ``ctx.spec_file`` is the
    rules file."""
    rules = DqRules.parse(raw_rules, ctx.spec_file)
    chosen = evaluator()
    chosen.parser.prefetch([r.text for r in rules.all_rules()])
    rules.validate([chosen.check_rule])
    if results is None:
        table = ctx.tables.dq_results_table
        results = DynamoDbResults(table, ctx.run) if table else NoResults()
    return DataQualityCheck(rules, ctx, tables, chosen, results)
