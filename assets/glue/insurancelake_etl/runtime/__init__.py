"""Runtime adapters: how the engine reaches Spark, the catalog and AWS on Glue and locally.

A :class:`Runtime` is what a job needs from its environment. The Glue entry scripts build one with
``glue_runtime.build_glue_runtime`` (AWS Glue, next to the entry scripts because it imports
``awsglue``) or :func:`insurancelake_etl.runtime.local.build_local_runtime`, then call the job's
``run(args, spark, runtime)``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pyspark.sql import SparkSession

from ..tables import ParquetCatalog, TableWriter, table_format


def _nothing() -> None:
    return None


@dataclass
class Runtime:
    """The environment a job runs in.

    ``iceberg_catalog`` is the Spark catalog holding Iceberg tables (``glue_catalog`` on Glue, a
    hadoop catalog under the warehouse locally); ``parquet_catalog`` holds Parquet tables (the Glue
    Data Catalog on Glue, a file registry locally). ``iceberg_location``: whether Iceberg tables get
    the S3-layout location (False for hadoop catalogs, which place tables themselves). ``commit`` ends
    the job (``job.commit()`` on Glue).
    """

    name: str
    spark: SparkSession
    parquet_catalog: ParquetCatalog
    iceberg_catalog: str
    iceberg_location: bool = False
    warehouse: str | None = None
    commit: Callable[[], None] = field(default=_nothing)

    def table_writer(self, fmt: str | None, fault: Callable[[str], None] | None = None) -> TableWriter:
        """A writer for ``--table_format`` ``fmt`` (ICEBERG when None)."""
        return TableWriter(
            self.spark,
            table_format=table_format(fmt),
            iceberg_catalog=self.iceberg_catalog,
            parquet_catalog=self.parquet_catalog,
            iceberg_location=self.iceberg_location,
            fault=fault,
        )

    @contextlib.contextmanager
    def sql_catalog(self, fmt: str | None) -> Iterator[None]:
        """Within the block, unqualified ``db.table`` names in Spark SQL resolve where tables of format
        ``fmt`` live (the Iceberg catalog for ICEBERG, the session catalog for PARQUET)."""
        if table_format(fmt) != "ICEBERG":
            yield
            return
        previous = self.spark.catalog.currentCatalog()
        self.spark.catalog.setCurrentCatalog(self.iceberg_catalog)
        try:
            yield
        finally:
            self.spark.catalog.setCurrentCatalog(previous)
