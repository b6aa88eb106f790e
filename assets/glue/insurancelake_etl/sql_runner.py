"""Run the Consume job's Athena and Redshift SQL (reference §6.2 steps 4–5, §18.3, §18.4).

Athena: each statement is started in the workgroup with the Consume database as context and polled
once per ``poll_seconds`` up to ``max_attempts`` times (default 30). Redshift: the whole file is one
Data API ``execute_statement``, polled up to 120 times. Results are ignored; the intended use is
views. boto3 clients honour ``AWS_ENDPOINT_URL`` (a moto server locally).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from .errors import EtlError

logger = logging.getLogger(__name__)

ATHENA_MAX_ATTEMPTS = 30
REDSHIFT_MAX_ATTEMPTS = 120


class QueryError(EtlError):
    """An Athena or Redshift statement failed, was cancelled, or did not finish in time."""


def _client(service: str, client: Any | None) -> Any:
    if client is not None:
        return client
    import boto3

    return boto3.client(service)


def split_statements(text: str) -> list[str]:
    """The statements of an Athena SQL file: split on ``;``, stripped, empty parts dropped."""
    return [part.strip() for part in text.split(";") if part.strip()]


def athena_execute_query(
    database: str,
    query: str,
    workgroup: str,
    *,
    client: Any | None = None,
    max_attempts: int = ATHENA_MAX_ATTEMPTS,
    poll_seconds: float = 1.0,
) -> str:
    """Run one Athena statement and wait for it; returns ``SUCCEEDED``.

    ``FAILED``/``CANCELED`` raise ``athena_execute_query() failed with query engine error: <reason>``;
    running out of attempts raises ``… exceeded max_attempts waiting for query``.
    """
    athena = _client("athena", client)
    started = athena.start_query_execution(
        QueryString=query,
        QueryExecutionContext={"Database": database.lower()},
        WorkGroup=workgroup,
    )
    query_id = started["QueryExecutionId"]
    for attempt in range(max_attempts):
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        state = status["State"]
        logger.info("Athena query execution status: %s (%s)", state, query_id)
        if state == "SUCCEEDED":
            return str(state)
        if state in ("FAILED", "CANCELED"):
            raise QueryError(
                "athena_execute_query() failed with query engine error: "
                f"{status.get('StateChangeReason', state)}"
            )
        if attempt + 1 < max_attempts:
            time.sleep(poll_seconds)
    raise QueryError(f"athena_execute_query() query {query_id} exceeded max_attempts waiting for query")


def redshift_execute_query(
    sql: str,
    *,
    database: str,
    cluster_id: str | None = None,
    workgroup_name: str | None = None,
    secret_arn: str | None = None,
    client: Any | None = None,
    max_attempts: int = REDSHIFT_MAX_ATTEMPTS,
    poll_seconds: float = 1.0,
) -> str:
    """Send ``sql`` as one Redshift Data API statement and wait; returns ``FINISHED``.

    The cluster id is used when given, else the serverless workgroup name. ``FAILED``/``ABORTED``
    raise ``redshift_execute_query() failed with error: <Error>``.
    """
    redshift = _client("redshift-data", client)
    request: dict[str, Any] = {"Database": database, "Sql": sql}
    if cluster_id:
        request["ClusterIdentifier"] = cluster_id
    elif workgroup_name:
        request["WorkgroupName"] = workgroup_name
    else:
        raise ValueError("redshift_execute_query needs cluster_id or workgroup_name")
    if secret_arn:
        request["SecretArn"] = secret_arn
    statement_id = redshift.execute_statement(**request)["Id"]
    for attempt in range(max_attempts):
        described = redshift.describe_statement(Id=statement_id)
        state = described["Status"]
        logger.info("Redshift query execution status: %s (%s)", state, statement_id)
        if state == "FINISHED":
            return str(state)
        if state in ("FAILED", "ABORTED"):
            raise QueryError(f"redshift_execute_query() failed with error: {described.get('Error', state)}")
        if attempt + 1 < max_attempts:
            time.sleep(poll_seconds)
    raise QueryError(f"redshift_execute_query() statement {statement_id} exceeded max_attempts waiting for query")
