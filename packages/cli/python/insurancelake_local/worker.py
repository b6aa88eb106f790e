"""A long-lived local Spark worker for the ``insurancelake`` CLI.

The CLI starts ``python -m insurancelake_local.worker --warehouse DIR`` once and sends it one JSON
request per line; every Glue task of every execution runs in this process on the same SparkSession,
so the JVM starts once per ``insurancelake run`` instead of once per job.

Protocol (one JSON object per line each way):
  request  ``{"id": 1, "op": "job", "job": "collect_to_cleanse", "args": {...}}`` (``job`` is a
           job key of the contract: collect_to_cleanse, cleanse_to_consume, consume_entity_match)
  response ``{"id": 1, "ok": true, "result": {...}}`` or
           ``{"id": 1, "ok": false, "error": "<one line>", "kind": "ConfigError"}``
Operations: ``ping``, ``start``, ``job``, ``query``, ``validate``, ``shutdown``.

Anything else that writes to stdout (Spark, libraries) is redirected to stderr, so the protocol
stream carries only responses.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import subprocess
import sys
import time
import traceback
from typing import Any, TextIO

from insurancelake_etl.errors import explain
from insurancelake_etl.jobs import load_job
from pyspark.sql import SparkSession

from .parent_watch import watch_parent
from .runtime import DEFAULT_ICEBERG_CATALOG, build_local_runtime, open_warehouse
from .state_views import register_state_views

LOG = logging.getLogger("insurancelake_local.worker")

# The Iceberg catalog ``open_warehouse`` attaches to the warehouse; queries resolve names there first.
QUERY_CATALOG = DEFAULT_ICEBERG_CATALOG


def _protocol_stream() -> TextIO:
    """Keep the real stdout for responses and point fd 1 at stderr for everything else."""
    private = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(private, "w", buffering=1, encoding="utf-8")


def _error_kind(error: BaseException) -> str:
    return type(explain(error)).__name__


def _one_line(error: BaseException) -> str:
    """The engine's one-line message (file, location, what to fix); never a Py4J wrapper or stack."""
    return " ".join(str(explain(error)).split())


class Worker:
    """Holds the SparkSession and dispatches requests to the engine."""

    def __init__(self, warehouse: str) -> None:
        self.warehouse = warehouse
        self._spark: SparkSession | None = None

    @property
    def spark(self) -> SparkSession:
        """The worker's SparkSession, started on first use (the JVM start is the slow part)."""
        if self._spark is None:
            self._spark = open_warehouse(self.warehouse).spark
        return self._spark

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one request and return its result payload (raises on failure)."""
        op = request.get("op")
        if op == "ping":
            return {"pid": os.getpid()}
        if op == "start":
            started = time.perf_counter()
            self.spark.sql("SELECT 1").collect()
            return {"seconds": round(time.perf_counter() - started, 3)}
        if op == "job":
            return self._job(request["job"], request.get("args", {}))
        if op == "query":
            return self._query(request["sql"], int(request.get("limit", 1000)))
        if op == "validate":
            return self._validate(request["config"], request.get("transforms"))
        raise ValueError(f"unknown worker operation {op!r}")

    def _job(self, job: str, arguments: dict[str, str]) -> dict[str, Any]:
        """Run one Glue job in-process with exactly the arguments Glue would pass it.

        ``arguments`` are the job's default arguments merged with the run's, keyed ``--name`` as in
        the Glue API; they are checked like the entry script checks ``sys.argv``. ``--warehouse``
        defaults to the worker's.
        """
        module = load_job(job)
        # One line per job run with its arguments, so a run can be compared with `insurancelake job --print-args`.
        LOG.info("job %s arguments %s", job, json.dumps(arguments, sort_keys=True))
        values = {key.removeprefix("--"): str(value) for key, value in arguments.items()}
        values.setdefault("warehouse", self.warehouse)
        args = module.Args.parse_mapping(values)
        started = time.perf_counter()
        runtime = build_local_runtime(args.job, self.spark)
        result = module.run(args, runtime)
        runtime.commit()
        return {"job": job, "seconds": round(time.perf_counter() - started, 3), **dataclasses.asdict(result)}

    def _query(self, sql: str, limit: int) -> dict[str, Any]:
        """Run ``sql`` with unqualified ``db.table`` names resolved in the Iceberg catalog (the
        default table format); when a name is not found there, in the session catalog (Parquet).
        ``audit``, ``dq_results`` and ``lineage`` are the working folder's kept tables when the CLI
        names its state file in ``INSURANCELAKE_STATE``."""
        spark = self.spark
        # The working folder's audit, DQ results and lineage (state.json) as views, when the CLI names it.
        if os.environ.get("INSURANCELAKE_STATE"):
            register_state_views(spark, os.environ["INSURANCELAKE_STATE"])
        previous = spark.catalog.currentCatalog()
        try:
            spark.catalog.setCurrentCatalog(QUERY_CATALOG)
            try:
                df = spark.sql(sql)
            except Exception as error:  # noqa: BLE001 - retried once in the session catalog
                if "NOT_FOUND" not in str(error):
                    raise
                spark.catalog.setCurrentCatalog("spark_catalog")
                df = spark.sql(sql)
            rows = df.limit(limit).collect()
        finally:
            spark.catalog.setCurrentCatalog(previous)
        return {
            "columns": [{"name": f.name, "type": f.dataType.simpleString()} for f in df.schema.fields],
            "rows": [[_jsonable(v) for v in row] for row in rows],
        }

    def _validate(self, config_dir: str, transforms: str | None = None) -> dict[str, Any]:
        """Every problem of a configuration folder, DQDL and Spark SQL checked by the real parsers (JVM);
        ``transforms`` is the folder of the user's transform modules, loaded first."""
        from pathlib import Path

        from insurancelake_etl.dq.evaluator import JvmDqdlParser

        from .validate import jvm_sql_parser, validate_config

        parser = JvmDqdlParser(self.spark)
        checkers = [lambda rule: parser.parse(rule)[1]] if parser.available else []
        modules = Path(transforms) if transforms else None
        problems = validate_config(Path(config_dir), checkers, jvm_sql_parser(self.spark), transforms=modules)
        return {"problems": [dataclasses.asdict(p) for p in problems]}

    def _jvm_process(self) -> Any:
        """The spark-submit process (which execs java) PySpark launched, if Spark started."""
        if self._spark is None:
            return None
        return getattr(self._spark.sparkContext._gateway, "proc", None)

    def kill_jvm(self) -> None:
        """Kill the JVM at once (the CLI is gone), so nothing writes to its temporary folder any more."""
        process = self._jvm_process()
        if process is not None:
            process.kill()
            process.wait(timeout=10)

    def close(self) -> None:
        """Stop Spark, then the JVM: its end of the gateway pipe closes, so it exits with its shutdown
        hooks run (they remove Spark's temporary folders); killed if it takes longer than 10 s."""
        if self._spark is not None:
            process = self._jvm_process()
            self._spark.stop()
            self._spark = None
            if process is not None and process.stdin is not None:
                process.stdin.close()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "asDict"):
        return _jsonable(value.asDict(recursive=True))
    return str(value)


def serve(worker: Worker, requests: TextIO, responses: TextIO) -> None:
    """Answer requests until ``shutdown`` or end of input."""
    for line in requests:
        if not line.strip():
            continue
        request: dict[str, Any] = {}
        try:
            request = json.loads(line)
            if request.get("op") == "shutdown":
                responses.write(json.dumps({"id": request.get("id"), "ok": True, "result": {}}) + "\n")
                return
            result = worker.handle(request)
            reply = {"id": request.get("id"), "ok": True, "result": result}
        except Exception as error:  # noqa: BLE001 - every failure becomes a response, the worker lives on
            LOG.debug("request failed", exc_info=True)
            traceback.print_exc(file=sys.stderr)
            reply = {"id": request.get("id"), "ok": False, "error": _one_line(error), "kind": _error_kind(error)}
            # A run that fails after quarantining (every row quarantined) still reports the count.
            rows_quarantined = getattr(error, "rows_quarantined", None)
            if isinstance(rows_quarantined, int):
                reply["rows_quarantined"] = rows_quarantined
        responses.write(json.dumps(reply, default=str) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``python -m insurancelake_local.worker --warehouse DIR``."""
    parser = argparse.ArgumentParser(prog="insurancelake_local.worker", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--warehouse", required=True, help="local catalog and table data folder")
    options = parser.parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("INSURANCELAKE_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    responses = _protocol_stream()
    worker = Worker(options.warehouse)
    watch_parent(worker.kill_jvm)
    try:
        serve(worker, sys.stdin, responses)
    finally:
        worker.close()


if __name__ == "__main__":
    main()
