"""Shared pytest fixtures: one local Spark for the whole session (a real Spark on Java 17)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Test data is small; a smaller driver heap leaves room for parallel runs on the 2-core machine.
os.environ.setdefault("INSURANCELAKE_DRIVER_MEMORY", "1g")
# Python UDF workers must run the venv interpreter (pandas, pyarrow), not whatever python3 is on PATH.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

ENGINE = Path(__file__).resolve().parents[2] / "assets" / "glue"
# The repository's Ivy cache of the Spark jars (the CLI's default is the user's cache folder).
os.environ.setdefault("INSURANCELAKE_IVY_DIR", str(Path(__file__).resolve().parents[2] / "build" / "ivy"))
LOCAL = Path(__file__).resolve().parents[2] / "packages" / "cli" / "python"
sys.path[:0] = [str(ENGINE), str(LOCAL)]
# Python UDF workers import the engine too (on Glue it arrives through --extra-py-files).
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ENGINE), str(LOCAL), os.environ.get("PYTHONPATH")) if p)

from insurancelake_etl.context import JobContext  # noqa: E402
from insurancelake_etl.job_args import JobRun  # noqa: E402
from insurancelake_etl.lineage import MemoryLineage  # noqa: E402
from insurancelake_etl.partition import Partition  # noqa: E402
from insurancelake_local.spark import build_local_spark  # noqa: E402


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory):
    """The session-wide ``local[2]`` SparkSession with the local Iceberg catalog in a temp warehouse."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    session = build_local_spark(warehouse.as_uri(), app_name="insurancelake-pytest", master="local[2]")
    yield session
    session.stop()


@pytest.fixture
def lineage() -> MemoryLineage:
    """A lineage recorder that keeps its calls, to assert what a step recorded."""
    return MemoryLineage()


@pytest.fixture
def ctx(spark, lineage) -> JobContext:
    """A job context with the argument values the reference tests use."""
    return JobContext(
        spark=spark,
        run=JobRun(job_name="pytest", job_run_id="jr_pytest", execution_id="test_execution_id", state_machine_name="test_state_machine"),
        dataset="TestDb/TestTable",
        partition=Partition.parse("2024", "01", "05"),
        base_file_name="testfile.csv",
        lineage=lineage,
        spec_file="etl/transformation-spec/TestDb-TestTable.json",
    )


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto server over HTTP on a free loopback port; boto3 in this process is pointed at it
    through ``AWS_ENDPOINT_URL`` with dummy credentials and region. Yields the endpoint URL.

    One server for the session: tests that create AWS resources should use unique names."""
    from insurancelake_local.moto_server import threaded_endpoint

    with threaded_endpoint() as url:
        yield url
