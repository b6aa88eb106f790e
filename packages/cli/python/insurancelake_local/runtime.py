"""The local runtime: a plain SparkSession, ``file://`` buckets and a warehouse folder.

**Warehouse.** All local tables (Iceberg tables in a hadoop catalog, plus the Parquet registry of
:mod:`.local_catalog`) live in one warehouse folder, chosen in this order:

1. the job argument ``--warehouse``;
2. the environment variable ``INSURANCELAKE_WAREHOUSE``;
3. ``<Cleanse bucket>/warehouse`` (:attr:`insurancelake_etl.job_args.JobArgs.cleanse_bucket`): the
   Collect job's ``--target_bucket``, the Consume and entity-match jobs' ``--source_bucket`` when they
   have one (else their ``--target_bucket``). So a Collect run and a later Consume run share the
   catalog without configuration. ``insurancelake run`` sets ``INSURANCELAKE_WAREHOUSE`` explicitly.

**Iceberg catalog.** Named by ``--iceberg_catalog`` (default ``local``), type hadoop, warehouse = the
warehouse folder. When the job is given an existing SparkSession that already defines that catalog,
its warehouse wins (the session's catalog cannot be re-pointed once loaded). A hadoop catalog places
each table itself at ``<warehouse>/<db>/<table>`` (it refuses a custom location) and matches names
case-sensitively, so Iceberg namespaces and tables are created in lower case and Spark SQL should
name them in lower case. Read them as ``<catalog>.<db>.<table>``; the Consume job's Spark SQL runs
with the Iceberg catalog as current catalog, so ``<db>.<table>`` works there.

**Parquet tables** (``--table_format=PARQUET``) keep the S3 layout ``<bucket>/<DB>/<TBL>/year=…/…``
and are catalogued in the warehouse's file registry (:mod:`.local_catalog`); every runtime registers
them in its session catalog, so ``<db>.<table>`` works in any later process.
"""

from __future__ import annotations

import logging
import os

from insurancelake_etl.job_args import JobArgs
from insurancelake_etl.objectstore import join
from insurancelake_etl.runtime import Runtime
from pyspark.sql import SparkSession

from .local_catalog import LocalParquetCatalog

logger = logging.getLogger(__name__)

WAREHOUSE_ENV = "INSURANCELAKE_WAREHOUSE"
DEFAULT_ICEBERG_CATALOG = "local"


def resolve_warehouse(warehouse: str | None, cleanse_bucket: str | None) -> str:
    """The warehouse URI: ``warehouse`` (``--warehouse``), else the environment, else the Cleanse
    bucket's ``warehouse`` folder (see the module docstring)."""
    if warehouse:
        return warehouse
    if os.environ.get(WAREHOUSE_ENV):
        return os.environ[WAREHOUSE_ENV]
    if not cleanse_bucket:
        raise ValueError(f"no warehouse: pass --warehouse, set {WAREHOUSE_ENV} or give the Cleanse bucket")
    return join(cleanse_bucket, "warehouse")


def _as_uri(location: str) -> str:
    if "://" in location:
        return location
    return "file://" + os.path.abspath(location)


def attach_iceberg_catalog(spark: SparkSession, name: str, warehouse: str) -> str:
    """Make sure ``spark`` has Iceberg hadoop catalog ``name``; returns the warehouse it uses."""
    key = f"spark.sql.catalog.{name}"
    if spark.conf.get(key, None):
        return spark.conf.get(f"{key}.warehouse", warehouse) or warehouse
    spark.conf.set(key, "org.apache.iceberg.spark.SparkCatalog")
    spark.conf.set(f"{key}.type", "hadoop")
    spark.conf.set(f"{key}.warehouse", warehouse)
    return warehouse


def build_local_runtime(args: JobArgs, spark: SparkSession | None = None) -> Runtime:
    """The local runtime of a job's arguments (warehouse, Iceberg catalog); builds a SparkSession on
    the warehouse when none is given."""
    warehouse = resolve_warehouse(args.engine.warehouse, args.cleanse_bucket)
    return open_warehouse(warehouse, spark, args.engine.iceberg_catalog, app_name=args.run.job_name)


def open_warehouse(
    warehouse: str,
    spark: SparkSession | None = None,
    iceberg_catalog: str | None = None,
    *,
    app_name: str = "",
) -> Runtime:
    """A runtime on the warehouse ``warehouse`` (an existing one for reading, as ``insurancelake
    query`` does, or a new one). Registers every Parquet table of the warehouse in the session so that
    Spark SQL finds them."""
    warehouse = _as_uri(warehouse)
    catalog_name = iceberg_catalog or DEFAULT_ICEBERG_CATALOG
    if spark is None:
        from .spark import build_local_spark

        extra: dict[str, str] = {}
        if catalog_name != "local":
            extra = {
                f"spark.sql.catalog.{catalog_name}": "org.apache.iceberg.spark.SparkCatalog",
                f"spark.sql.catalog.{catalog_name}.type": "hadoop",
                f"spark.sql.catalog.{catalog_name}.warehouse": warehouse,
            }
        spark = build_local_spark(warehouse, app_name=app_name or "insurancelake-local", extra_conf=extra)
    warehouse = attach_iceberg_catalog(spark, catalog_name, warehouse)
    parquet = LocalParquetCatalog(spark, warehouse)
    count = parquet.register_all()
    logger.info("local runtime: warehouse %s, Iceberg catalog %s, %d Parquet tables", warehouse, catalog_name, count)
    return Runtime(
        name="local",
        spark=spark,
        parquet_catalog=parquet,
        iceberg_catalog=catalog_name,
        iceberg_location=False,
        warehouse=warehouse,
    )
