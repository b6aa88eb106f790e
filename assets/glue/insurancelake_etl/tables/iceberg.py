"""Iceberg tables (format v2, the default): one commit replaces partitions or a whole table.

A partition is replaced with ``writeTo(...).overwritePartitions()`` (dynamic overwrite of exactly the
partitions present in the data), a whole table with ``createOrReplace()``. Allowed schema changes are
applied by Iceberg's schema merge in the same commit.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.errors import AnalysisException

from ..catalog import Column, enforce_schema_policy, schema_columns
from ..errors import SchemaChangeError
from ..partition import Partition
from .request import WriteRequest, prepare
from .writer import Fault, no_fault

logger = logging.getLogger(__name__)

# Snapshot summary key of an Iceberg commit: a token that finds the commit of one write.
WRITE_ID_PROPERTY = "insurancelake.write-id"


class IcebergWriter:
    """Iceberg tables in the Spark catalog ``catalog``.

    ``set_location``: give new tables the S3-layout location of the request (Glue's catalog); hadoop
    catalogs place tables themselves and refuse a custom location.
    """

    format = "ICEBERG"

    def __init__(self, spark: SparkSession, catalog: str, *, set_location: bool = False, fault: Fault | None = None) -> None:
        self.spark = spark
        self.catalog = catalog
        self.set_location = set_location
        self.fault = fault or no_fault

    def table_name(self, database: str, table: str) -> str:
        return f"{self.catalog}.{database.lower()}.{table.lower()}"

    def _existing(self, ident: str) -> tuple[list[Column], list[Column]] | None:
        """(data columns, partition columns) of the table, None when it does not exist."""
        try:
            schema = self.spark.table(ident).schema
        except AnalysisException:
            return None
        part_names: list[str] = []
        in_parts = False
        for row in self.spark.sql(f"DESCRIBE TABLE {ident}").collect():
            name = row["col_name"] or ""
            if name.startswith("# Partition"):
                in_parts = True
            elif in_parts and name and not name.startswith("#"):
                part_names.append(name.lower())
        columns = schema_columns(schema)
        by_name = {c["Name"]: c for c in columns}
        data = [c for c in columns if c["Name"] not in part_names]
        return data, [by_name[n] for n in part_names if n in by_name]

    def write(self, df: DataFrame, request: WriteRequest) -> int | None:
        """One Iceberg commit; returns its ``added-records``."""
        prepared = prepare(df, request)
        ident = self.table_name(request.database, request.table)
        self.spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {self.catalog}.`{request.database.lower()}`")
        existing = self._existing(ident)
        changed = False
        if existing is not None:
            changed = enforce_schema_policy(
                ident, existing[0], existing[1], prepared.data_columns, prepared.partition_columns,
                request.allow_schema_change,
            )
        self.fault("before_write")
        # Tags the commit, so its added-records can be read back without counting the data again.
        write_id = uuid.uuid4().hex
        options = {f"snapshot-property.{WRITE_ID_PROPERTY}": write_id}
        out = prepared.df
        if request.shuffle:
            out = out.repartition(*prepared.keys)
        else:
            options.update({"distribution-mode": "none", "fanout-enabled": "true"})
        try:
            if existing is None or request.replace_all:
                writer = (
                    out.writeTo(ident)
                    .options(**options)
                    .using("iceberg")
                    .partitionedBy(*[F.col(k) for k in prepared.keys])
                    .tableProperty("format-version", "2")
                    .tableProperty("write.spark.accept-any-schema", "true")
                )
                if request.description:
                    writer = writer.tableProperty("comment", request.description)
                if self.set_location:
                    writer = writer.tableProperty("location", request.location.rstrip("/"))
                if existing is None:
                    writer.create()
                else:
                    writer.createOrReplace()
            else:
                appender = out.writeTo(ident).options(**options)
                if changed:
                    # Columns are matched by name; a new column may sit before the partition columns.
                    appender = appender.option("mergeSchema", "true").option("check-ordering", "false")
                appender.overwritePartitions()
        except AnalysisException as exc:
            if changed:
                raise SchemaChangeError(f"Iceberg cannot apply the schema change to {ident} in place: {exc}", file=ident) from exc
            raise
        self.fault("after_switch")
        return self._added_records(ident, write_id)

    def _added_records(self, ident: str, write_id: str) -> int | None:
        """``added-records`` of the snapshot tagged ``write_id`` (0 when the write committed nothing,
        None when the tag is not found)."""
        rows = self.spark.sql(
            f"SELECT summary FROM {ident}.snapshots WHERE summary['{WRITE_ID_PROPERTY}'] = '{write_id}'"
        ).collect()
        if not rows:
            logger.info("no snapshot of %s carries write id %s (nothing committed)", ident, write_id)
            return None
        return int(rows[0]["summary"].get("added-records") or 0)

    def delete_partition(self, database: str, table: str, partition: Partition) -> None:
        ident = self.table_name(database, table)
        if self.spark.catalog.tableExists(ident):
            self.spark.sql(f"DELETE FROM {ident} WHERE {partition.sql_filter()}")

    @contextlib.contextmanager
    def sql_scope(self) -> Iterator[None]:
        """The Iceberg catalog as the current catalog for the block."""
        previous = self.spark.catalog.currentCatalog()
        self.spark.catalog.setCurrentCatalog(self.catalog)
        try:
            yield
        finally:
            self.spark.catalog.setCurrentCatalog(previous)
