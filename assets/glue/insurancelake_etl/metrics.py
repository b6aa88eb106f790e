"""Custom CloudWatch metrics of a finished job run: rows read, written and quarantined, one file,
and the run's duration, per pipeline, job and table.

The construct passes ``--metrics_namespace`` to every Glue job; a job started without it (local
runs) publishes nothing. Names and dimensions come from ``contract.json`` (``metrics``), which the
construct's dashboard, alarms and ``metric*`` methods read too. Publishing happens after the job
committed its data and never fails the job: a metric that cannot be sent is a warning in the log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from .jobs import JobResult

logger = logging.getLogger("insurancelake_etl")


@lru_cache(maxsize=1)
def _contract_metrics() -> Mapping[str, Any]:
    """The ``metrics`` section of the contract shipped inside the package (also inside the Glue zip)."""
    text = resources.files(__package__).joinpath("contract.json").read_text(encoding="utf-8")
    metrics: Mapping[str, Any] = json.loads(text)["metrics"]
    return metrics


def metrics_table(args: Mapping[str, str]) -> str:
    """``<database>.<table>`` of the Collect folder the run processed, lower case: the same for the
    three jobs of one file (collect reads ``target_database_name``, consume ``source_database_name``,
    entity match ``database_name_prefix``)."""
    database = (
        args.get("source_database_name")
        or args.get("database_name_prefix")
        or args.get("target_database_name")
        or ""
    )
    return f"{database}.{args.get('table_name', '')}".lower()


def job_metric_data(
    args: Mapping[str, str], job_key: str, result: JobResult, seconds: float
) -> list[dict[str, Any]]:
    """The ``MetricData`` of one run: each metric once per dimension set (pipeline; pipeline and
    job; pipeline, job and table), so alarms can watch the totals and dashboards split them."""
    contract = _contract_metrics()
    dim, names = contract["dimensions"], contract["names"]
    pipeline = {"Name": dim["pipeline"], "Value": args.get("state_machine_name", "")}
    job = {"Name": dim["job"], "Value": job_key}
    table = {"Name": dim["table"], "Value": metrics_table(args)}
    values = [
        (names["rows_read"], float(result.rows_read), "Count"),
        (names["rows_written"], float(result.rows_written), "Count"),
        (names["rows_quarantined"], float(result.rows_quarantined), "Count"),
        (names["files"], 1.0, "Count"),
        (names["duration"], round(seconds, 3), "Seconds"),
    ]
    return [
        {"MetricName": name, "Dimensions": dimensions, "Value": value, "Unit": unit}
        for dimensions in ([pipeline], [pipeline, job], [pipeline, job, table])
        for name, value, unit in values
    ]


def publish_job_metrics(
    args: Mapping[str, str],
    job_key: str,
    result: JobResult,
    seconds: float,
    client: Any = None,
) -> bool:
    """Send the run's metrics to CloudWatch in ``args["metrics_namespace"]``. Returns whether they
    were sent; without the argument nothing is sent, and an error is logged, never raised."""
    namespace = args.get("metrics_namespace")
    if not namespace:
        return False
    try:
        if client is None:
            import boto3

            client = boto3.client("cloudwatch")
        client.put_metric_data(Namespace=namespace, MetricData=job_metric_data(args, job_key, result, seconds))
    except Exception as error:  # noqa: BLE001 - metrics must never fail a job whose data is written
        logger.warning("job metrics not published to CloudWatch namespace %s: %s", namespace, error)
        return False
    return True
