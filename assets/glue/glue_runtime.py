"""The AWS Glue runtime: GlueContext/Job, the Glue Data Catalog and Iceberg's ``glue_catalog``.

This module imports ``awsglue`` and therefore lives beside the entry scripts, never inside the
``insurancelake_etl`` package. :func:`build_runtime` picks it when ``awsglue`` imports and the local
runtime otherwise.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from insurancelake_etl.runtime import Runtime

logger = logging.getLogger("insurancelake_etl")


def glue_available() -> bool:
    """True inside an AWS Glue job (``awsglue`` importable)."""
    try:
        import awsglue.context  # noqa: F401
    except ImportError:
        return False
    return True


def build_glue_runtime(args: dict[str, Any]) -> Runtime:
    """GlueContext, Job (initialised with the job name and arguments) and the Glue catalogs."""
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from pyspark.context import SparkContext

    from insurancelake_etl.runtime.glue_catalog import GlueParquetCatalog

    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)
    return Runtime(
        name="glue",
        spark=spark,
        parquet_catalog=GlueParquetCatalog(spark=spark),
        iceberg_catalog=args.get("iceberg_catalog") or "glue_catalog",
        iceberg_location=True,
        commit=job.commit,
    )


def build_runtime(args: dict[str, Any]) -> Runtime:
    """The Glue runtime when ``awsglue`` imports, else the local runtime."""
    if glue_available():
        return build_glue_runtime(args)
    from insurancelake_etl.runtime.local import build_local_runtime

    return build_local_runtime(args)


def run_job(job: Any, argv: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> Any:
    """Parse ``argv``, build the runtime, run ``job.run(args, spark, runtime)``, commit, and publish the
    run's metrics (``insurancelake_etl.metrics``, when ``--metrics_namespace`` is given).

    An engine error is logged as one line (kind and message) and re-raised on Glue, so the job run
    fails with that message; locally the process exits with status 1.
    """
    from insurancelake_etl.args import resolve_options
    from insurancelake_etl.errors import EtlError
    from insurancelake_etl.metrics import publish_job_metrics

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    on_glue = glue_available()
    try:
        args = resolve_options(argv, required, optional)
        runtime = build_runtime(args)
        started = time.monotonic()
        result = job.run(args, runtime.spark, runtime)
        runtime.commit()
        publish_job_metrics(args, job.__name__.rsplit(".", 1)[-1], result, time.monotonic() - started)
    except EtlError as exc:
        logger.error("%s: %s", type(exc).__name__, exc)
        if on_glue:
            raise
        sys.exit(1)
    logger.info("job result: %s", result)
    return result
