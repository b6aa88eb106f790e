"""The DynamoDB lineage recorder (reference §17).

Records go to DynamoDB with ``BatchWriteItem`` (25 items a call, unprocessed items retried with
exponential backoff): at once for a recorder made with ``buffered=False`` (one call per
``update_lineage``), or, as the jobs use it, buffered until :meth:`DynamoDbLineage.flush`.
Counts and numeric audits of the frames the job writes are taken with :meth:`DynamoDbLineage.observe`
(``DataFrame.observe``) during the passes the job makes anyway; the record keeps its place in the
sequence (its number is taken when ``observe`` is called) and its content (module text below).

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
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pyspark.sql import DataFrame, Observation
from pyspark.sql import functions as F

from .job_args import JobRun

logger = logging.getLogger(__name__)

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def dataset_counts(df: DataFrame) -> dict[str, int]:
    """``{"row": <rows>, "column": <columns>}`` (one Spark job)."""
    return {"row": df.count(), "column": len(df.columns)}


def _numeric_columns(df: DataFrame) -> list[str]:
    return [name for name, dtype in df.dtypes if dtype == "double" or dtype.startswith("decimal")]


def _audit_aggregates(df: DataFrame) -> list[Any]:
    aggregates = [F.count(F.lit(1)).alias("__rows")]
    aggregates += [F.sum(F.col(f"`{name}`")).alias(f"__sum{i}") for i, name in enumerate(_numeric_columns(df))]
    return aggregates


def _audit_info(values: dict[str, Any], df: DataFrame) -> dict[str, Any]:
    return {
        "dataset_counts": {"row": int(values["__rows"]), "column": len(df.columns)},
        "field_total": {name: str(values[f"__sum{i}"]) for i, name in enumerate(_numeric_columns(df))},
    }


def numeric_audit(df: DataFrame) -> dict[str, Any]:
    """Row and column counts plus the sum of every ``double``/``decimal`` column, as strings, from a
    single aggregation."""
    return _audit_info(df.agg(*_audit_aggregates(df)).collect()[0].asDict(), df)


def _record_info(operation: str, values: dict[str, Any], df: DataFrame, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The ``info`` of a read, write or numericaudit record from the audit values of ``df``."""
    audit = _audit_info(values, df)
    if operation == "numericaudit":
        return audit
    info: dict[str, Any] = {"datasetname": "N/A"}
    if operation == "write":
        info["format"] = kwargs.get("format")
    info["dataset_counts"] = audit["dataset_counts"]
    info["schema"] = str(df.dtypes)
    return info


@dataclass
class ObservedRecord:
    """A record whose counts come from a ``DataFrame.observe`` on the frame the job goes on with.

    ``expected_rows`` (set by the job when it knows the true row count) guards against an earlier
    partial action (``take``) having filled the observation: then the audit is computed again."""

    item: dict[str, Any]
    operation: str
    df: DataFrame
    observation: Observation
    kwargs: dict[str, Any]
    expected_rows: int | None = None


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

    OBSERVED = ("read", "write", "numericaudit")

    def __init__(
        self, table_name: str, run: JobRun, *, uniid: str | None = None, resource: Any = None, buffered: bool = False
    ) -> None:
        if resource is None:
            import boto3

            resource = boto3.resource("dynamodb")
        self.table = resource.Table(table_name)
        self.client = self.table.meta.client
        self.buffered = buffered
        self.pending: list[dict[str, Any] | ObservedRecord] = []
        self.job_id = run.job_run_id
        self.job_name = run.job_name
        self.step_function_name = run.state_machine_name
        self.execution_id = run.execution_id
        self.uuid = uniid or str(uuid.uuid4())
        self.count = 1

    def _item(self, dataset: str, operation: str) -> dict[str, Any]:
        """A new item (without ``info``) with the next sequence number."""
        item = {
            "step_function_execution_id": self.execution_id,
            "job_id_operation_seq": f"{self.job_id}-{self.count}",
            "operation_seq": self.count,
            "job_id": self.job_id,
            "job_name": self.job_name,
            "dataset": dataset,
            "uuid": self.uuid,
            "time_of_operation": datetime.now(timezone.utc).strftime(TIME_FORMAT),
            "dataset_operation": operation,
            "step_function_name": self.step_function_name,
        }
        self.count += 1
        return item

    def insert(self, dataset: str, operation: str, info: Any) -> None:
        """Add one lineage item (written now, or at :meth:`flush` when buffered)."""
        item = self._item(dataset, operation)
        item["info"] = json.dumps(info, default=str)
        self.pending.append(item)

    def observe(self, df: DataFrame, dataset: str, operation: str, **kwargs: Any) -> tuple[DataFrame, ObservedRecord]:
        """``df`` with the record's counts and sums observed during the next full pass over it.

        Only ``read``, ``write`` and ``numericaudit``; the record is written at :meth:`flush`."""
        if operation not in self.OBSERVED:
            raise ValueError(f"lineage {operation} is not observed")
        observation = Observation(f"lineage_{self.uuid.replace('-', '')}_{self.count}")
        record = ObservedRecord(self._item(dataset, operation), operation, df, observation, kwargs)
        self.pending.append(record)
        return df.observe(observation, *_audit_aggregates(df)), record

    def flush(self, *, observed: bool = True) -> None:
        """Write the buffered records with BatchWriteItem. ``observed=False`` (the job failed before
        its passes ran) computes the observed records with an aggregation instead of waiting."""
        items = []
        for entry in self.pending:
            if isinstance(entry, ObservedRecord):
                values = entry.observation.get if observed else None
                if values is None or (entry.expected_rows is not None and values.get("__rows") != entry.expected_rows):
                    values = entry.df.agg(*_audit_aggregates(entry.df)).collect()[0].asDict()
                entry.item["info"] = json.dumps(_record_info(entry.operation, values, entry.df, entry.kwargs), default=str)
                items.append(entry.item)
            else:
                items.append(entry)
        self.pending = []
        write_batches(self.client, self.table.name, items)

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
        if not self.buffered and not any(isinstance(e, ObservedRecord) for e in self.pending):
            self.flush()


BATCH_SIZE = 25  # BatchWriteItem's limit


def write_batches(client: Any, table_name: str, items: list[dict[str, Any]], *, attempts: int = 8) -> None:
    """``BatchWriteItem`` in batches of 25, retrying unprocessed items with exponential backoff.

    ``client`` is a DynamoDB resource's client, which converts Python values to attribute values."""
    for start in range(0, len(items), BATCH_SIZE):
        requests = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_SIZE]]
        for attempt in range(attempts):
            response = client.batch_write_item(RequestItems={table_name: requests})
            requests = (response.get("UnprocessedItems") or {}).get(table_name) or []
            if not requests:
                break
            time.sleep(min(0.05 * 2**attempt, 2.0))
        else:
            raise RuntimeError(f"lineage: {len(requests)} records not written to {table_name} after {attempts} attempts")
