"""The DQ results table (reference §16.6): one item per rule outcome of every action that ran.

Table ``<env>-insurancelake-etl-dq-results`` (``--dq_results_table``): partition key
``execution_id``, sort key ``job_id_action_rule`` = ``<JOB_RUN_ID>-<action>-<stage>-<Rule>``. Each
item is Glue's outcome record (``Rule``, ``Outcome``, ``FailureReason`` with null as ``''``,
``EvaluatedMetrics``) plus ``execution_id``, ``job_id_action_rule``, ``rule_action``
(``<action>-on-failure``), ``ruleset_name`` (the stage), ``job_id``, ``job_name`` and
``step_function_name``. boto3 honours ``AWS_ENDPOINT_URL`` (a moto server locally).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from ..job_args import JobRun
from .evaluator import RuleOutcome, finite

logger = logging.getLogger(__name__)


def result_items(outcomes: Sequence[RuleOutcome], run: JobRun, stage: str, action: str) -> list[dict[str, Any]]:
    """The DynamoDB items for ``outcomes`` of ``action`` at ``stage`` in ``run``."""
    job_id = run.job_run_id
    items = []
    for outcome in outcomes:
        items.append(
            {
                "Rule": outcome.rule,
                "Outcome": outcome.outcome,
                "FailureReason": outcome.failure_reason or "",
                "EvaluatedMetrics": {
                    k: Decimal(repr(v)) if finite(v) else str(v) for k, v in outcome.evaluated_metrics.items()
                },
                "execution_id": run.execution_id,
                "job_id_action_rule": f"{job_id}-{action}-{stage}-{outcome.rule}",
                "rule_action": f"{action}-on-failure",
                "ruleset_name": stage,
                "job_id": job_id,
                "job_name": run.job_name,
                "step_function_name": run.state_machine_name,
            }
        )
    return items


class ResultsSink(Protocol):
    """Where rule outcomes go."""

    def write(self, outcomes: Sequence[RuleOutcome], stage: str, action: str) -> None:
        """Store the outcomes of ``action`` at ``stage``."""
        ...


class DynamoDbResults:
    """Writes outcome items to the DQ results table with a batch writer."""

    def __init__(self, table_name: str, run: JobRun, resource: Any = None) -> None:
        if resource is None:
            import boto3

            resource = boto3.resource("dynamodb")
        self.table = resource.Table(table_name)
        self.run = run

    def write(self, outcomes: Sequence[RuleOutcome], stage: str, action: str) -> None:
        items = result_items(outcomes, self.run, stage, action)
        with self.table.batch_writer(overwrite_by_pkeys=["execution_id", "job_id_action_rule"]) as batch:
            for item in items:
                batch.put_item(Item=item)
        logger.info("wrote %d %s results of %s to %s", len(items), action, stage, self.table.name)


class NoResults:
    """No ``--dq_results_table``: outcomes are only logged."""

    def write(self, outcomes: Sequence[RuleOutcome], stage: str, action: str) -> None:
        for outcome in outcomes:
            logger.info("DQ %s %s: %s -> %s %s", stage, action, outcome.rule, outcome.outcome, outcome.failure_reason or "")
