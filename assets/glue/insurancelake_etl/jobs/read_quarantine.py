"""The ``<table>_quarantine_read`` table: the input records a reader could not read as written
(``input_spec.bad_records: "quarantine"``), one row each with its line number, raw text and problem.

It sits beside the DQ quarantine tables (``<table>_quarantine_<stage>``, at
``<target_bucket>/quarantine/read/<source_key>``) and is partitioned the same way; a run replaces its
partition, so re-running a fixed file leaves no stale bad records behind.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from ..context import JobContext
from ..errors import ConfigError
from ..readers.bad_records import BadRecord
from ..tables import TableWriter, WriteRequest

logger = logging.getLogger(__name__)

STAGE = "read"
SCHEMA = StructType(
    [
        StructField("line_number", IntegerType(), False),
        StructField("raw_record", StringType(), True),
        StructField("problem", StringType(), True),
        StructField("source_file", StringType(), True),
    ]
)


def write_read_quarantine(ctx: JobContext, writer: TableWriter, bad: Sequence[BadRecord], source_file: str) -> None:
    """Replace the job's partition of ``<table>_quarantine_read`` with ``bad`` (only clear it when
    there are none and the table exists)."""
    if ctx.target is None or ctx.partition is None:
        raise ConfigError("the read quarantine needs the job's target table and partition")
    target, partition = ctx.target, ctx.partition
    table = f"{target.table}_quarantine_{STAGE}"
    writer.delete_partition(target.database, table, partition)
    if not bad:
        return
    rows = [(b.line, b.text, b.problem, source_file) for b in bad]
    values = {**partition.columns(), "execution_id": ctx.execution_id}
    df = ctx.spark.createDataFrame(rows, SCHEMA).withColumns({k: F.lit(v) for k, v in values.items()})
    df = df.withColumn("quarantine_timestamp", F.current_timestamp())
    location = f"{target.bucket}/quarantine/{STAGE}/{ctx.dataset}"
    writer.write(df, WriteRequest(target.database, table, location, allow_schema_change="permissive"))
    logger.warning("%d bad input records written to %s", len(bad), writer.table_name(target.database, table))
