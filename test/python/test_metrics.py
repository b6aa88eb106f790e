"""The custom CloudWatch metrics of a finished run, sent to a real CloudWatch API (moto over HTTP)."""

from __future__ import annotations

import json
import sys
import types
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from insurancelake_etl.jobs import JobResult
from insurancelake_etl.metrics import job_metric_data, metrics_table, publish_job_metrics

GLUE_DIR = Path(__file__).resolve().parents[2] / "assets" / "glue"
CONTRACT = json.loads((GLUE_DIR / "insurancelake_etl" / "contract.json").read_text())


def _args(pipeline: str, **extra: str) -> dict[str, str]:
    return {
        "metrics_namespace": "InsuranceLake",
        "state_machine_name": pipeline,
        "target_database_name": "SyntheticGeneralData",
        "table_name": "PolicyData",
        **extra,
    }


def _sum(cloudwatch, pipeline: str, metric: str, dimensions: dict[str, str]) -> float:
    now = datetime.now(timezone.utc)
    stats = cloudwatch.get_metric_statistics(
        Namespace="InsuranceLake",
        MetricName=metric,
        Dimensions=[{"Name": "Pipeline", "Value": pipeline}] + [{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=now - timedelta(minutes=10),
        EndTime=now + timedelta(minutes=10),
        Period=60,
        Statistics=["Sum"],
    )
    return sum(point["Sum"] for point in stats["Datapoints"])


def test_a_run_publishes_rows_files_and_duration_per_pipeline_job_and_table(moto_endpoint: str) -> None:
    pipeline = f"dev-lake-{uuid.uuid4().hex[:8]}-etl-state-machine"
    result = JobResult(rows_read=10000, rows_written=9992, rows_quarantined=8)
    assert publish_job_metrics(_args(pipeline), "collect_to_cleanse", result, 25.7) is True

    cloudwatch = boto3.client("cloudwatch")
    per_table = {"Job": "collect_to_cleanse", "Table": "syntheticgeneraldata.policydata"}
    assert _sum(cloudwatch, pipeline, "RowsRead", per_table) == 10000
    assert _sum(cloudwatch, pipeline, "RowsWritten", per_table) == 9992
    assert _sum(cloudwatch, pipeline, "RowsQuarantined", per_table) == 8
    assert _sum(cloudwatch, pipeline, "Files", per_table) == 1
    assert _sum(cloudwatch, pipeline, "JobDuration", per_table) == pytest.approx(25.7)
    # The totals an alarm watches are their own dimension sets: per job, and over the pipeline.
    # (moto's statistics match dimension subsets, unlike CloudWatch, so the sets are listed instead.)
    listed = cloudwatch.list_metrics(
        Namespace="InsuranceLake", MetricName="RowsQuarantined", Dimensions=[{"Name": "Pipeline", "Value": pipeline}]
    )["Metrics"]
    assert sorted(tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])) for m in listed) == sorted([
        (("Pipeline", pipeline),),
        (("Job", "collect_to_cleanse"), ("Pipeline", pipeline)),
        (("Job", "collect_to_cleanse"), ("Pipeline", pipeline), ("Table", "syntheticgeneraldata.policydata")),
    ])


def test_every_job_of_one_file_reports_the_same_table() -> None:
    collect = _args("p")
    consume = _args("p", source_database_name="SyntheticGeneralData", target_database_name="syntheticgeneraldata_consume")
    entity = {"state_machine_name": "p", "database_name_prefix": "SyntheticGeneralData", "table_name": "PolicyData"}
    assert {metrics_table(collect), metrics_table(consume), metrics_table(entity)} == {"syntheticgeneraldata.policydata"}


def test_names_and_dimensions_are_the_contracts() -> None:
    data = job_metric_data(_args("p"), "cleanse_to_consume", JobResult(), 1.0)
    assert {d["MetricName"] for d in data} == set(CONTRACT["metrics"]["names"].values())
    assert {tuple(x["Name"] for x in d["Dimensions"]) for d in data} == {
        ("Pipeline",), ("Pipeline", "Job"), ("Pipeline", "Job", "Table")}
    assert CONTRACT["arguments"]["metrics_namespace"]["value"] == "InsuranceLake"


def test_without_the_namespace_argument_nothing_is_sent() -> None:
    args = _args("p")
    del args["metrics_namespace"]
    unreachable = boto3.client("cloudwatch", endpoint_url="http://127.0.0.1:9", region_name="us-east-1")
    assert publish_job_metrics(args, "collect_to_cleanse", JobResult(), 1.0, client=unreachable) is False


def test_an_unreachable_cloudwatch_is_a_warning_not_a_failed_job(caplog: pytest.LogCaptureFixture) -> None:
    unreachable = boto3.client(
        "cloudwatch", endpoint_url="http://127.0.0.1:9", region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=Config(connect_timeout=1, retries={"max_attempts": 1}),
    )
    assert publish_job_metrics(_args("p"), "collect_to_cleanse", JobResult(), 1.0, client=unreachable) is False
    assert "job metrics not published to CloudWatch namespace InsuranceLake" in caplog.text


def test_the_entry_scripts_run_job_publishes_after_the_commit(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(GLUE_DIR))
    import glue_runtime

    pipeline = f"dev-lake-{uuid.uuid4().hex[:8]}-etl-state-machine"
    order: list[str] = []
    runtime = types.SimpleNamespace(spark=None, commit=lambda: order.append("commit"))
    monkeypatch.setattr(glue_runtime, "build_local_runtime", lambda job_args: runtime)
    monkeypatch.setattr(glue_runtime, "glue_available", lambda: False)

    # A job double: the engine's jobs are exercised elsewhere; this checks run_job's wiring.
    class Args:
        @staticmethod
        def parse(argv: list[str]) -> types.SimpleNamespace:
            values = dict(a[2:].split("=", 1) for a in argv[1:])
            return types.SimpleNamespace(job=types.SimpleNamespace(values=values))

    def run(args: types.SimpleNamespace, rt: object) -> JobResult:
        order.append("run")
        return JobResult(rows_read=5, rows_written=4, rows_quarantined=1)

    job = types.SimpleNamespace(Args=Args, run=run)
    monkeypatch.setattr(glue_runtime, "load_job", lambda key: job)
    argv = ["etl_cleanse_to_consume.py"] + [f"--{k}={v}" for k, v in _args(pipeline, JOB_NAME="j").items()]

    glue_runtime.run_job("cleanse_to_consume", argv)

    assert order == ["run", "commit"]
    cloudwatch = boto3.client("cloudwatch")
    per_table = {"Job": "cleanse_to_consume", "Table": "syntheticgeneraldata.policydata"}
    assert _sum(cloudwatch, pipeline, "RowsWritten", per_table) == 4
