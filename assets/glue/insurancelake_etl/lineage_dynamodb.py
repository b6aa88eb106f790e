"""The DynamoDB lineage recorder (reference §17): one ``put_item`` per lineage event.

Table ``<env>-insurancelake-etl-data-lineage`` (``--data_lineage_table``): partition key
``step_function_execution_id``, sort key ``job_id_operation_seq`` = ``<JOB_RUN_ID>-<n>`` with ``n``
counting from 1 per recorder (a string, so ``-10`` sorts before ``-2``). Item attributes:
``operation_seq``, ``job_id``, ``job_name``, ``dataset``, ``uuid`` (one per recorder),
``time_of_operation`` (UTC, ``%Y-%m-%d %H:%M:%S``), ``dataset_operation``, ``step_function_name`` and
``info`` (JSON text).

``info`` per operation (§17.3):

- ``read``: ``{"datasetname": "N/A", "dataset_counts": {"row", "column"}, "schema": str(df.dtypes)}``;
- ``write``: the same plus ``format``;
- ``numericaudit``: ``{"dataset_counts": …, "field_total": {col: str(sum)}}`` for ``double`` and
  ``decimal`` columns; the row count and all sums come from **one** aggregation (one Spark job);
- ``mapping`` (``map=`` rows): per row, ``dropped`` ``{"dropped": sourcename}`` when destname is
  ``null``, ``fuzzymapping`` with the row when it has a threshold, else ``mapping`` with the row;
- anything else: one record ``{operation: item}`` per item of ``transform=`` (a dict yields its keys)
  or, with ``info=``, one record ``{operation: info}``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .job_args import JobRun

logger = logging.getLogger(__name__)

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def dataset_counts(df: DataFrame) -> dict[str, int]:
    """``{"row": <rows>, "column": <columns>}`` (one Spark job)."""
    return {"row": df.count(), "column": len(df.columns)}


def numeric_audit(df: DataFrame) -> dict[str, Any]:
    """Row and column counts plus the sum of every ``double``/``decimal`` column, as strings, from a
    single aggregation."""
    numeric = [name for name, dtype in df.dtypes if dtype == "double" or dtype.startswith("decimal")]
    aggregates = [F.count(F.lit(1)).alias("__rows")]
    aggregates += [F.sum(F.col(f"`{name}`")).alias(f"__sum{i}") for i, name in enumerate(numeric)]
    row = df.agg(*aggregates).collect()[0]
    return {
        "dataset_counts": {"row": int(row["__rows"]), "column": len(df.columns)},
        "field_total": {name: str(row[f"__sum{i}"]) for i, name in enumerate(numeric)},
    }


def _items(value: Any) -> Iterable[Any]:
    """What the reference iterates for ``transform=``: a dict's keys, a list's elements, a string
    as one item (the reference would iterate its characters; no caller passes a bare string)."""
    if isinstance(value, (str, bytes)):
        return [value]
    if isinstance(value, dict):
        return list(value.keys())
    return list(value)


class DynamoDbLineage:
    """Lineage records in the DynamoDB lineage table."""

    def __init__(self, table_name: str, run: JobRun, *, uniid: str | None = None, resource: Any = None) -> None:
        if resource is None:
            import boto3

            resource = boto3.resource("dynamodb")
        self.table = resource.Table(table_name)
        self.job_id = run.job_run_id
        self.job_name = run.job_name
        self.step_function_name = run.state_machine_name
        self.execution_id = run.execution_id
        self.uuid = uniid or str(uuid.uuid4())
        self.count = 1

    def insert(self, dataset: str, operation: str, info: Any) -> None:
        """Write one lineage item and advance the sequence number."""
        now = datetime.now(timezone.utc)
        self.table.put_item(
            Item={
                "step_function_execution_id": self.execution_id,
                "job_id_operation_seq": f"{self.job_id}-{self.count}",
                "operation_seq": self.count,
                "job_id": self.job_id,
                "job_name": self.job_name,
                "dataset": dataset,
                "uuid": self.uuid,
                "time_of_operation": now.strftime(TIME_FORMAT),
                "dataset_operation": operation,
                "step_function_name": self.step_function_name,
                "info": json.dumps(info, default=str),
            }
        )
        self.count += 1

    def update_lineage(self, df: DataFrame | None, dataset: str, operation: str, **kwargs: Any) -> None:
        """Record ``operation`` on ``dataset`` with the info the reference gives it (module docstring)."""
        if operation in ("read", "write"):
            if df is None:
                raise ValueError(f"lineage {operation} needs the DataFrame")
            info: dict[str, Any] = {"datasetname": "N/A"}
            if operation == "write":
                info["format"] = kwargs.get("format")
            info["dataset_counts"] = dataset_counts(df)
            info["schema"] = str(df.dtypes)
            self.insert(dataset, operation, info)
        elif operation == "numericaudit":
            if df is None:
                raise ValueError("lineage numericaudit needs the DataFrame")
            self.insert(dataset, operation, numeric_audit(df))
        elif operation == "mapping":
            for row in kwargs.get("map") or []:
                if str(row.get("destname", "")).lower() == "null":
                    self.insert(dataset, "dropped", {"dropped": row.get("sourcename")})
                elif row.get("threshold"):
                    self.insert(dataset, "fuzzymapping", row)
                else:
                    self.insert(dataset, operation, row)
        elif "transform" in kwargs:
            for item in _items(kwargs["transform"]):
                self.insert(dataset, operation, {operation: item})
        elif "info" in kwargs:
            self.insert(dataset, operation, {operation: kwargs["info"]})
        else:
            logger.warning("lineage %s on %s recorded without details", operation, dataset)
            self.insert(dataset, operation, {operation: None})
