"""The seam between the jobs and data quality (reference §16).

The jobs call ``make_data_quality(rules, ctx, tables).run(df, stage)`` at the stages
``before_transform``, ``after_transform`` (Collect) and ``after_sparksql`` (Consume). ``run`` returns
the DataFrame to continue with (quarantined rows removed) or raises when a halt rule fails.

Data quality is never silently skipped (Decision D11): with no rules the checker passes the data
through; with rules and no evaluator installed it fails the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from pyspark.sql import DataFrame

from .context import JobContext

if TYPE_CHECKING:
    from .dq.evaluator import DqEvaluator
    from .tables import TableWriter


class DataQuality(Protocol):
    """Runs one stage's rules over a DataFrame."""

    quarantined: int
    """Rows quarantined so far, over every stage run."""

    def run(self, df: DataFrame, stage: str) -> DataFrame:
        """The DataFrame to continue with after ``stage``'s rules (warn, quarantine, halt)."""
        ...

    def release(self) -> None:
        """Free what the checker cached (call once the job has written)."""
        ...


class PassThroughQuality:
    """No rules configured: every stage returns the data unchanged."""

    quarantined = 0

    def run(self, df: DataFrame, stage: str) -> DataFrame:
        return df

    def release(self) -> None:
        return None


def make_data_quality(
    rules: dict[str, Any], ctx: JobContext, tables: TableWriter, evaluator: Callable[[], DqEvaluator]
) -> DataQuality:
    """The data-quality checker for ``rules`` (the parsed ``dq-<DB>-<TBL>.json``, named by
    ``ctx.spec_file``).

    ``tables`` is the job's table writer (quarantine tables are written with it). Empty rules give a
    pass-through checker. Otherwise the rules are validated (shape and DQDL syntax, naming file,
    stage and rule) before this returns, with the evaluator ``evaluator`` makes (the runtime's, chosen
    by ``--dq_evaluator``; see :mod:`insurancelake_etl.dq`).
    """
    if not rules:
        return PassThroughQuality()
    from .dq import build_data_quality_check

    return build_data_quality_check(rules, ctx, tables, evaluator)
