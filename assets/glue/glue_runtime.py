"""The AWS Glue runtime (GlueContext/Job, the Glue Data Catalog, Iceberg's ``glue_catalog``, Glue
Data Quality) and the start of every job.

This module imports ``awsglue`` and therefore lives beside the entry scripts, never inside the
``insurancelake_etl`` package. :func:`run_job` builds the Glue runtime when ``awsglue`` imports and
otherwise the local runtime of ``insurancelake_local`` (the CLI package's ``packages/cli/python``; it
is not shipped to Glue).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from insurancelake_etl.contract import CONTRACT
from insurancelake_etl.errors import explain, one_line
from insurancelake_etl.job_args import JobArgs
from insurancelake_etl.jobs import JobResult, load_job
from insurancelake_etl.metrics import publish_job_metrics
from insurancelake_etl.runtime import Runtime
from insurancelake_etl.spark_packages import PACKAGES

logger = logging.getLogger("insurancelake_etl")

# The local runner's package in the source tree (an entry script run by hand); the insurancelake CLI,
# which ships it in its own npm package, puts it on PYTHONPATH itself.
LOCAL_PACKAGE_DIR = Path(__file__).resolve().parents[2] / "packages" / "cli" / "python"


def glue_available() -> bool:
    """True inside an AWS Glue job (``awsglue`` importable)."""
    try:
        import awsglue.context  # noqa: F401
    except ImportError:
        return False
    return True


def build_glue_runtime(args: JobArgs) -> Runtime:
    """GlueContext, Job (initialised with the job name and arguments), the Glue catalogs and the Glue
    Data Quality evaluator (``--dq_evaluator deequ`` is refused on Glue)."""
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from glue_dq import GlueDqEvaluator
    from pyspark.context import SparkContext

    from insurancelake_etl.runtime.glue_catalog import GlueParquetCatalog

    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    job = Job(glue_context)
    job.init(args.run.job_name, dict(args.values))
    return Runtime(
        name="glue",
        spark=spark,
        parquet_catalog=GlueParquetCatalog(spark=spark),
        iceberg_catalog=args.engine.iceberg_catalog or str(CONTRACT.arguments["iceberg_catalog"].value),
        iceberg_location=True,
        # Deequ is not offered on Glue (spark_packages.json): Glue Data Quality evaluates DQDL there.
        evaluators={"glue": GlueDqEvaluator},
        refused={"deequ": PACKAGES["deequ"].glue_note},
        commit=job.commit,
    )


def build_local_runtime(args: JobArgs) -> Runtime:
    """The local runtime (``insurancelake_local``), found in the source tree when not on the path."""
    if LOCAL_PACKAGE_DIR.is_dir() and str(LOCAL_PACKAGE_DIR) not in sys.path:
        sys.path.append(str(LOCAL_PACKAGE_DIR))
    from insurancelake_local.runtime import build_local_runtime as build

    return build(args)


def run_job(key: str, argv: Sequence[str]) -> JobResult:
    """Parse ``argv`` for contract job ``key``, build the runtime, run the job and commit, and publish the
    run\'s metrics (``insurancelake_etl.metrics``, when ``--metrics_namespace`` is given).

    Any failure is logged as one line (kind, file, location, message; a Spark or Python error is first
    explained as an engine error, :func:`insurancelake_etl.errors.explain`) and re-raised on Glue as
    that engine error, so the job run fails with that message; locally the process exits with status 1.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    on_glue = glue_available()
    try:
        job = load_job(key)
        args = job.Args.parse(argv)
        runtime = build_glue_runtime(args.job) if on_glue else build_local_runtime(args.job)
        started = time.monotonic()
        result = job.run(args, runtime)
        runtime.commit()
        publish_job_metrics(args.job.values, key, result, time.monotonic() - started)
    except Exception as exc:
        error = explain(exc)
        logger.debug("job failed", exc_info=True)
        logger.error("%s", one_line(error))
        if on_glue:
            raise error from exc
        sys.exit(1)
    logger.info("job result: %s", result)
    return result
