"""The Collect→Cleanse and Cleanse→Consume jobs on a real Spark standalone cluster (issue 12 item 4).

A master and two worker JVMs, started with pyspark's own ``spark-class`` launcher and bound to
127.0.0.1, run the jobs through their entry scripts with ``spark-submit``. The engine reaches the
executors only as the zip passed in ``--py-files``, built with the construct's engine-asset rule
(``insurancelake_etl/`` plus the top-level helper modules, no ``etl_*.py``; never
``insurancelake_local``); the workers' environment has no PYTHONPATH. Lookups (moto over HTTP), DQ
(the example rules) and lineage are on. The rows must equal those of the same file run in-process.

The test starts and stops every process itself (own process groups, stopped in ``finally``); on a
failure it prints where the executors' logs are.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pyspark
import pytest
from insurancelake_local.datagen import DATASETS, write_dataset
from insurancelake_local.maven import CORE_PACKAGES, DQ_EXCLUDES, write_ivy_settings
from insurancelake_local.spark import ivy_dir

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "assets" / "glue"
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402

SPARK_HOME = Path(pyspark.__file__).resolve().parent
ROWS, SEED = 400, 7


def in_engine_asset(relative: str) -> bool:
    """The construct's engine-asset rule (src/etl/etl-jobs.ts ``exclude``): every file excluded, then
    ``insurancelake_etl/**`` and top-level ``*.py`` included, ``etl_*.py`` and caches excluded again."""
    parts = relative.split("/")
    if "__pycache__" in parts or relative.endswith(".pyc") or ".pytest_cache" in parts:
        return False
    if parts[0] == "insurancelake_etl":
        return True
    return len(parts) == 1 and relative.endswith(".py") and not relative.startswith("etl_")


def engine_zip(target: Path) -> Path:
    """The engine zip as the construct's asset holds it."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(ENGINE.rglob("*")):
            relative = path.relative_to(ENGINE).as_posix()
            if path.is_file() and in_engine_asset(relative):
                archive.write(path, relative)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(log: Path, text: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    raise AssertionError(f"{text!r} not in {log} (process {process.pid}, exit {process.poll()}):\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop the process group the process leads (the JVM and anything it started)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[dict]:
    """A master and two workers (1 core, 512 MB each) on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("cluster")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SPARK_HOME")}
    env.update(SPARK_HOME=str(SPARK_HOME), SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable,
               SPARK_LOG_DIR=str(folder), SPARK_WORKER_DIR=str(folder / "work"))  # fmt: skip
    port = free_port()
    master_url = f"spark://127.0.0.1:{port}"
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    processes: list[subprocess.Popen] = []
    try:
        log = folder / "master.log"
        with log.open("w") as out:
            master = subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(free_port())],
                env={**env, "SPARK_DAEMON_MEMORY": "256m"}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        processes.append(master)
        wait_for(log, "I have been elected leader", master)
        for i in range(2):
            wlog = folder / f"worker{i}.log"
            with wlog.open("w") as out:
                worker = subprocess.Popen(
                    [spark_class, "org.apache.spark.deploy.worker.Worker", master_url, "--host", "127.0.0.1",
                     "--cores", "1", "--memory", "512m", "--webui-port", str(free_port()),
                     "--work-dir", str(folder / "work")],
                    env={**env, "SPARK_DAEMON_MEMORY": "256m"}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            processes.append(worker)
            wait_for(wlog, "Successfully registered with master", worker)
        yield {"url": master_url, "env": env, "folder": folder}
    finally:
        for process in reversed(processes):
            stop(process)


def submit(cluster: dict, script: str, args: dict[str, str], py_files: Path, log: Path) -> None:
    """``spark-submit`` the entry script on the cluster; fails naming the executors' log folder."""
    argv = [
        str(SPARK_HOME / "bin" / "spark-submit"), "--master", cluster["url"],
        "--py-files", str(py_files),
        "--packages", ",".join(CORE_PACKAGES),
        "--conf", f"spark.jars.ivy={ivy_dir()}",
        "--conf", f"spark.jars.ivySettings={write_ivy_settings(ivy_dir())}",
        "--conf", f"spark.jars.excludes={','.join(DQ_EXCLUDES)}",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.executor.memory=450m", "--conf", "spark.executor.cores=1",
        "--conf", f"spark.pyspark.python={sys.executable}",
        "--driver-memory", "1g",
        str(ENGINE / script),
    ]  # fmt: skip
    for key, value in args.items():
        argv += [f"--{key}", value]
    # The driver runs the entry script from the source tree (as Glue runs it from S3); it finds the
    # local runtime beside it. Executors get nothing but the zip.
    env = {**cluster["env"], "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"]}
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION", "INSURANCELAKE_IVY_DIR"):
        if key in os.environ:
            env[key] = os.environ[key]
    with log.open("w") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = process.wait(timeout=900)
        finally:
            stop(process)
    if code != 0:
        raise AssertionError(
            f"{script} failed on the cluster (exit {code}); driver log {log}, executor logs under "
            f"{cluster['folder'] / 'work'}:\n{log.read_text(errors='replace')[-4000:]}"
        )


def test_the_jobs_on_a_standalone_cluster_write_the_rows_of_the_local_run(spark, cluster, moto_endpoint, tmp_path):
    zip_path = engine_zip(tmp_path / "engine.zip")
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    assert "insurancelake_etl/__init__.py" in names and "glue_runtime.py" in names
    assert not any(n.startswith("insurancelake_local") or n.startswith("etl_") for n in names)

    dataset = DATASETS["general-policy"]
    tables = harness.create_tables(f"cl-{uuid.uuid4().hex[:6]}")
    harness.load_lookups(tables)
    lineage = f"cl-lineage-{uuid.uuid4().hex[:6]}"
    boto3.client("dynamodb").create_table(
        TableName=lineage, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "step_function_execution_id", "AttributeType": "S"},
                              {"AttributeName": "job_id_operation_seq", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "step_function_execution_id", "KeyType": "HASH"},
                   {"AttributeName": "job_id_operation_seq", "KeyType": "RANGE"}],
    )  # fmt: skip

    outcomes = {}
    for where in ("local", "cluster"):
        ws = harness.prepare_workspace(tmp_path / where)
        claims = DATASETS["claims"]
        write_dataset("claims", ws.collect / claims.collect_key, rows=100, seed=SEED, policy_rows=ROWS)
        write_dataset("general-policy", ws.collect / dataset.collect_key, rows=ROWS, seed=SEED, bad_rows=8)
        jobs = [
            ("etl_collect_to_cleanse.py", harness.collect_args(ws, tables, database=claims.database, table=claims.table, file_name=claims.file_name)),
            ("etl_collect_to_cleanse.py", {**harness.collect_args(ws, tables, database=dataset.database, table=dataset.table, file_name=dataset.file_name), "data_lineage_table": lineage}),
            ("etl_cleanse_to_consume.py", harness.consume_args(ws, tables, database=dataset.database, table=dataset.table, file_name=dataset.file_name)),
        ]  # fmt: skip
        warehouse = (ws.cleanse / "warehouse").as_uri()
        for i, (script, args) in enumerate(jobs):
            if where == "local":
                run = harness.run_collect if "collect" in script else harness.run_consume
                outcomes[(where, i)] = run(spark, args)
            else:
                submit(cluster, script, {**args, "warehouse": warehouse}, zip_path, tmp_path / f"driver{i}.log")
        outcomes[where] = warehouse

    # The local run wrote into the session's catalog; the cluster run into its own warehouse.
    local = outcomes[("local", 1)]
    cleanse = f"{dataset.database.lower()}/{dataset.table.lower()}"

    def rows(frame) -> list[tuple]:
        frame = frame.where(local.partition_filter)
        columns = sorted(c for c in frame.columns if c != "execution_id")
        return sorted(tuple(str(v) for v in r) for r in frame.select(*columns).collect())

    local_rows = rows(spark.table(local.table))
    cluster_rows = rows(spark.read.format("iceberg").load(f"{outcomes['cluster']}/{cleanse}"))
    assert 0 < len(local_rows) < ROWS  # the example rules quarantined the spoiled rows
    assert cluster_rows == local_rows
    lineage_items = boto3.resource("dynamodb").Table(lineage).scan()["Items"]
    assert {i["dataset_operation"] for i in lineage_items} >= {"read", "numericaudit", "lookup", "dataqualityquarantine"}
