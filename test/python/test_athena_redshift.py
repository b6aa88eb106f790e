"""Athena and Redshift Data API calls of the Consume job (reference §18.3, §18.4), against a moto
server over HTTP. moto's Athena always succeeds and its Redshift statements stay STARTED, so the
other outcomes go through a thin client that forwards every call to moto and changes only the
reported state."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from insurancelake_etl.jobs import cleanse_to_consume
from insurancelake_etl.job_args import ConsumeArgs
from insurancelake_local.runtime import build_local_runtime
from insurancelake_etl.sql_runner import (
    QueryError,
    athena_execute_query,
    redshift_execute_query,
    split_statements,
)


class ReportedState:
    """Forwards to a real boto3 client; rewrites the state field of status calls."""

    def __init__(self, client: Any, method: str, path: tuple[str, ...], state: str, extra: dict[str, str]) -> None:
        self._client, self._method, self._path, self._state, self._extra = client, method, path, state, extra

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name != self._method:
            return attr

        def call(**kwargs: Any) -> Any:
            response = attr(**kwargs)
            target = response
            for key in self._path[:-1]:
                target = target[key]
            target[self._path[-1]] = self._state
            target.update(self._extra)
            return response

        return call


def test_split_statements_drops_empty_parts():
    assert split_statements(" CREATE VIEW a AS SELECT 1;\n\n; CREATE VIEW b AS SELECT 2 ;  ") == [
        "CREATE VIEW a AS SELECT 1",
        "CREATE VIEW b AS SELECT 2",
    ]


def test_athena_query_succeeds_against_moto(moto_endpoint):
    client = boto3.client("athena")
    assert athena_execute_query("MyDb_consume", "CREATE OR REPLACE VIEW v AS SELECT 1", "primary", client=client) == "SUCCEEDED"
    executions = client.list_query_executions(WorkGroup="primary")["QueryExecutionIds"]
    details = client.get_query_execution(QueryExecutionId=executions[-1])["QueryExecution"]
    assert details["QueryExecutionContext"]["Database"] == "mydb_consume"


def test_athena_zero_attempts_exceeds_max_attempts(moto_endpoint):
    with pytest.raises(QueryError, match="exceeded max_attempts"):
        athena_execute_query("db", "SELECT 1", "primary", max_attempts=0)


def test_athena_failed_query_reports_the_engine_error(moto_endpoint):
    client = ReportedState(
        boto3.client("athena"), "get_query_execution", ("QueryExecution", "Status", "State"), "FAILED",
        {"StateChangeReason": "line 1:8: Table not found"},
    )
    with pytest.raises(QueryError, match="failed with query engine error: line 1:8: Table not found"):
        athena_execute_query("db", "SELECT * FROM nope", "primary", client=client, poll_seconds=0)


def test_redshift_statement_running_too_long_exceeds_max_attempts(moto_endpoint):
    with pytest.raises(QueryError, match="exceeded max_attempts"):
        redshift_execute_query("SELECT 1", database="dev", workgroup_name="wg-analytics", max_attempts=2, poll_seconds=0)


def test_redshift_aborted_statement_fails(moto_endpoint):
    real = boto3.client("redshift-data")

    class CancelAfterStart:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def execute_statement(self, **kwargs: Any) -> Any:
            response = real.execute_statement(**kwargs)
            real.cancel_statement(Id=response["Id"])
            return response

    with pytest.raises(QueryError, match="redshift_execute_query\\(\\) failed with error: ABORTED"):
        redshift_execute_query("SELECT 1", database="dev", cluster_id="cluster-1", client=CancelAfterStart(), poll_seconds=0)


def test_redshift_finished_statement_returns_finished(moto_endpoint):
    client = ReportedState(boto3.client("redshift-data"), "describe_statement", ("Status",), "FINISHED", {})
    assert redshift_execute_query("SELECT 1", database="dev", workgroup_name="wg-analytics", client=client, poll_seconds=0) == "FINISHED"


def test_redshift_failed_statement_reports_its_error(moto_endpoint):
    client = ReportedState(boto3.client("redshift-data"), "describe_statement", ("Status",), "FAILED", {"Error": "syntax error"})
    with pytest.raises(QueryError, match="failed with error: syntax error"):
        redshift_execute_query("SELEC 1", database="dev", cluster_id="c1", client=client, poll_seconds=0)


def test_consume_job_runs_athena_statements_and_redshift_file(moto_endpoint, spark, tmp_path):
    db = "db" + uuid.uuid4().hex[:8]
    sql_dir = tmp_path / "etl" / "etl" / "transformation-sql"
    sql_dir.mkdir(parents=True)
    (sql_dir / f"athena-{db}-policies.sql").write_text(
        "CREATE OR REPLACE VIEW {target_database_name}.a AS SELECT '{p_month}' AS m;\n"
        "CREATE OR REPLACE VIEW b AS SELECT 2;\n"
    )
    (sql_dir / f"redshift-{db}-policies.sql").write_text("CREATE VIEW r AS SELECT '{p_day}'; SELECT 1;")
    args = {
        "JOB_NAME": "consume", "environment": "unittest", "TempDir": tmp_path.as_uri(),
        "txn_bucket": (tmp_path / "etl").as_uri(), "txn_sql_prefix_path": "/etl/transformation-sql/",
        "source_bucket": (tmp_path / "cleanse").as_uri(), "target_bucket": (tmp_path / "consume").as_uri(),
        "dq_results_table": "dq", "state_machine_name": "sm", "execution_id": "e", "source_key": f"{db}/policies",
        "source_database_name": db, "target_database_name": f"{db}_consume", "table_name": "policies",
        "base_file_name": "f.csv", "p_year": "2024", "p_month": "3", "p_day": "9",
        "athena_workgroup": "primary", "redshift_workgroup_name": "wg-analytics", "redshift_database": "dev",
        "iceberg_catalog": "c" + uuid.uuid4().hex[:8], "warehouse": (tmp_path / "warehouse").as_uri(),
    }
    job_args = ConsumeArgs.parse_mapping(args)
    runtime = build_local_runtime(job_args.job, spark)
    redshift = ReportedState(boto3.client("redshift-data"), "describe_statement", ("Status",), "FINISHED", {})
    result = cleanse_to_consume.run(job_args, runtime, redshift_client=redshift, poll_seconds=0)
    assert result.statements == [
        f"CREATE OR REPLACE VIEW {db}_consume.a AS SELECT '3' AS m",
        "CREATE OR REPLACE VIEW b AS SELECT 2",
        "CREATE VIEW r AS SELECT '9'; SELECT 1;",
    ]
