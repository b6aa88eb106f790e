"""The CLI's long-lived Spark worker: JSON-lines protocol, errors as responses, one JVM for all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ASSETS = Path(__file__).resolve().parents[2] / "assets"
LOCAL = Path(__file__).resolve().parents[2] / "packages" / "cli" / "python"


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory):
    warehouse = tmp_path_factory.mktemp("worker-warehouse")
    process = subprocess.Popen(
        [sys.executable, "-m", "insurancelake_local.worker", "--warehouse", warehouse.as_uri()],
        cwd=warehouse,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={
            "PYTHONPATH": os.pathsep.join(str(folder) for folder in (ASSETS / "glue", LOCAL)),
            "PATH": "/usr/bin:/bin",
            "INSURANCELAKE_DRIVER_MEMORY": "1g",
            **{k: v for k, v in os.environ.items() if k.startswith(("JAVA", "INSURANCELAKE_IVY"))},
        },
    )
    counter = iter(range(1, 1000))

    def call(op: str, **payload: object) -> dict:
        request = {"id": next(counter), "op": op, **payload}
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        reply = json.loads(process.stdout.readline())
        assert reply["id"] == request["id"]
        return reply

    yield call
    call("shutdown")
    assert process.wait(timeout=60) == 0


def test_ping_answers_with_the_worker_pid(worker):
    reply = worker("ping")
    assert reply["ok"] is True and isinstance(reply["result"]["pid"], int)


def test_query_returns_typed_columns_and_rows(worker):
    reply = worker("query", sql="SELECT 1 AS n, 'a' AS s, CAST(NULL AS DATE) AS d")
    assert reply["ok"] is True
    assert reply["result"]["columns"] == [
        {"name": "n", "type": "int"},
        {"name": "s", "type": "string"},
        {"name": "d", "type": "date"},
    ]
    assert reply["result"]["rows"] == [[1, "a", None]]


def test_a_failing_request_is_answered_and_the_worker_lives_on(worker):
    reply = worker("query", sql="SELECT * FROM no_such_table")
    assert reply["ok"] is False
    assert "no_such_table" in reply["error"] and "\n" not in reply["error"]
    assert worker("ping")["ok"] is True


def test_a_spark_error_is_answered_as_an_engine_error_in_one_line_without_py4j_text(worker):
    reply = worker("query", sql="SELEC 1")
    assert reply["ok"] is False and reply["kind"] == "ConfigError"
    assert reply["error"].startswith("line 1, column 1: Spark SQL: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'")
    assert "Py4J" not in reply["error"] and "occurred while calling" not in reply["error"]


def test_a_job_with_missing_arguments_names_them(worker):
    reply = worker("job", job="collect_to_cleanse", args={"--JOB_NAME": "x"})
    assert reply["ok"] is False
    assert reply["kind"] == "JobArgumentError"
    assert "--source_bucket" in reply["error"]


def test_an_unknown_job_is_refused(worker):
    reply = worker("job", job="nightly_batch", args={})
    assert reply["ok"] is False and "collect_to_cleanse" in reply["error"]
