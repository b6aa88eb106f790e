"""The three jobs as functions ``run(args, spark, runtime) -> JobResult``.

The Glue entry scripts parse the arguments, build the runtime and call these; the local runner can
call them in-process on a SparkSession it already has.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class JobResult:
    """What a job did: rows read, written and quarantined, the table (``db.tbl``) and partition it wrote."""

    rows_read: int = 0
    rows_written: int = 0
    rows_quarantined: int = 0
    table: str | None = None
    partition: str | None = None
    statements: list[str] = field(default_factory=list)
