"""The three jobs, one module per contract job key: ``run(args, runtime) -> JobResult``.

Each module names its argument type as ``Args`` (a :class:`~insurancelake_etl.job_args.ParsedJobArgs`).
The Glue entry scripts and the local worker find a job with :func:`load_job`, parse its arguments
once and call ``run``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from ..contract import CONTRACT

if TYPE_CHECKING:
    from ..job_args import ParsedJobArgs
    from ..runtime import Runtime


@dataclass
class JobResult:
    """What a job did: rows read, written and quarantined, the table (``db.tbl``) it wrote and, for a
    partition write, the partition's path and the Spark SQL filter that selects it.

    The counts add up: ``rows_read = rows_written + rows_quarantined + rows_filtered``.
    ``rows_read`` counts every record of the input, bad ones included; ``rows_quarantined`` the rows
    written to quarantine tables (``rows_bad`` of them at read, the rest by data-quality rules);
    ``rows_filtered`` the rows the transforms removed (``filterrows``), net of rows they added
    (``expandpolicymonths``, ``jsonexpandarray``), so it is what is left after the other three."""

    rows_read: int = 0
    rows_written: int = 0
    rows_quarantined: int = 0
    rows_bad: int = 0
    rows_filtered: int = 0
    table: str | None = None
    partition: str | None = None
    partition_filter: str | None = None
    statements: list[str] = field(default_factory=list)


class JobModule(Protocol):
    """A job module: its argument type and its ``run``."""

    Args: type[ParsedJobArgs]

    def run(self, args: Any, runtime: Runtime) -> JobResult:
        """Run the job."""
        ...


def load_job(key: str) -> JobModule:
    """The module of contract job ``key``; a ValueError naming the known jobs otherwise."""
    CONTRACT.job(key)
    return cast(JobModule, importlib.import_module(f"{__name__}.{key}"))
