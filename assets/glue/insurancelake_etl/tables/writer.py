"""The table-writer protocol: what a job needs from a table format.

Both formats give the same guarantees (DESIGN.md §4, Decision D10): the ``allow_schema_change`` policy
and the partition-key check run **before** anything is written, and replacing partitions or a whole
table is atomic: a failure at any point leaves the previous data readable and complete. The runtime
picks the implementation by ``--table_format`` (:meth:`insurancelake_etl.runtime.Runtime.table_writer`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol

from pyspark.sql import DataFrame, SparkSession

from ..partition import Partition
from .request import WriteRequest

# Called with the name of each step of a write (``before_write``, ``after_stage``, ``after_switch``,
# ``after_copy``) so that tests can stop a write at any point.
Fault = Callable[[str], None]


def no_fault(point: str) -> None:
    """The fault hook of a normal run: nothing happens."""
    return None


class TableWriter(Protocol):
    """Writes Cleanse partitions and Consume tables in one table format."""

    spark: SparkSession

    @property
    def format(self) -> str:
        """``ICEBERG`` or ``PARQUET``."""
        ...

    def table_name(self, database: str, table: str) -> str:
        """The name Spark SQL reads the table by in this session."""
        ...

    def write(self, df: DataFrame, request: WriteRequest) -> int | None:
        """Write ``df`` as ``request`` says, atomically; the rows written when the format tells them
        without another pass over uncached data, else None."""
        ...

    def delete_partition(self, database: str, table: str, partition: Partition) -> None:
        """Remove one partition of an existing table (nothing when the table or partition is absent)."""
        ...

    def sql_scope(self) -> AbstractContextManager[None]:
        """Within the block, unqualified ``db.table`` names in Spark SQL resolve where this format's
        tables live."""
        ...
