"""Hive-style Parquet tables (``tableFormat: PARQUET``) with the same atomicity as Iceberg.

The data is written to a staging folder ``<location>/_staging_<token>/year=…/…`` (Spark and Hive
readers skip names starting with ``_``); only when it is complete does the catalog switch the
partition locations to it, in one atomic catalog update (:meth:`ParquetCatalog.commit`). The data is
then copied into the canonical Hive layout ``<location>/year=YYYY/month=MM/day=DD/`` and the catalog is
switched again, after which the staging folder is removed. At every moment the catalog points at a
complete copy; a staging folder left by a crash is removed by the next write to the table.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import unquote

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ..catalog import Column, enforce_schema_policy
from ..partition import Partition
from .hadoop_fs import HadoopFs
from .parquet_catalog import ParquetCatalog, PartitionValues, TableDef
from .request import PreparedWrite, WriteRequest, prepare
from .writer import Fault, no_fault

logger = logging.getLogger(__name__)

STAGING_PREFIX = "_staging_"


def _parent(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[0]


def _retyped(existing: Sequence[Column], new: Sequence[Column]) -> bool:
    """Whether a column kept in ``new`` changes its type."""
    types = {c["Name"]: c["Type"].lower() for c in new}
    return any(c["Name"] in types and types[c["Name"]] != c["Type"].lower() for c in existing)


def _staging_root(partition_location: str, table_location: str) -> str | None:
    """The ``<location>/_staging_<token>`` folder a partition location lies in, if any."""
    prefix = f"{table_location}/{STAGING_PREFIX}"
    if not partition_location.startswith(prefix):
        return None
    token = partition_location[len(prefix):].split("/", 1)[0]
    return prefix + token


class ParquetWriter:
    """Parquet tables catalogued in ``catalog``, written through a staging folder."""

    format = "PARQUET"

    def __init__(self, spark: SparkSession, catalog: ParquetCatalog, *, fault: Fault | None = None) -> None:
        self.spark = spark
        self.catalog = catalog
        self.fault = fault or no_fault
        self.fs = HadoopFs(spark)

    def table_name(self, database: str, table: str) -> str:
        return f"{database.lower()}.{table.lower()}"

    def write(self, df: DataFrame, request: WriteRequest) -> int | None:
        """Stage, switch, settle (module docstring); returns the rows of ``df``, counted once from a
        cached copy that the write then reads."""
        owned = not df.is_cached
        df = df.cache()
        try:
            rows = df.count()
            self._write(prepare(df, request), request)
        finally:
            if owned:
                df.unpersist()
        return rows

    def _staged_partitions(self, staging: str, keys: list[str]) -> dict[PartitionValues, str]:
        found: dict[PartitionValues, str] = {}

        def walk(base: str, rel: list[str], values: list[str]) -> None:
            depth = len(rel)
            if depth == len(keys):
                found[tuple(values)] = "/".join(rel)
                return
            prefix = f"{keys[depth]}="
            for name in self.fs.list_dirs(base):
                if name.startswith(prefix):
                    walk(f"{base}/{name}", [*rel, name], [*values, unquote(name[len(prefix):])])

        walk(staging, [], [])
        return found

    def _remove_stale_staging(self, location: str, existing: TableDef | None) -> None:
        referenced = set(existing.partitions.values()) if existing else set()
        for name in self.fs.list_dirs(location):
            folder = f"{location}/{name}"
            if name.startswith(STAGING_PREFIX) and not any(loc.startswith(folder + "/") for loc in referenced):
                logger.info("removing staging folder %s left by an earlier failed write", folder)
                self.fs.delete(folder)

    def _with_kept_partitions(self, df: DataFrame, qualified: str, keys: list[str]) -> DataFrame:
        """``df`` plus the table's rows of every partition ``df`` does not replace, cast to ``df``'s
        types (columns the old data lacks become nulls)."""
        old = self.spark.table(qualified).join(df.select(*keys).distinct(), on=keys, how="left_anti")
        present = {c.lower() for c in old.columns}
        aligned = old.select(
            *[
                (F.col(f.name) if f.name in present else F.lit(None)).cast(f.dataType).alias(f.name)
                for f in df.schema.fields
            ]
        )
        return df.unionByName(aligned)

    def _write(self, prepared: PreparedWrite, request: WriteRequest) -> None:
        location = request.location.rstrip("/")
        keys = prepared.keys
        self.catalog.ensure_database(request.database, _parent(location), request.database_description)
        existing = self.catalog.get_table(request.database, request.table)
        if existing is not None:
            enforce_schema_policy(
                request.qualified, existing.columns, existing.partition_keys, prepared.data_columns,
                prepared.partition_columns, request.allow_schema_change,
            )
        self._remove_stale_staging(location, existing)
        df, replace_all = prepared.df, request.replace_all
        if existing is not None and not replace_all and _retyped(existing.columns, prepared.data_columns):
            # Spark 3.5 cannot read a Parquet file whose physical type differs from the catalog's
            # (int files as bigint), so a type change rewrites the kept partitions with the new types,
            # in the same atomic switch as the new partition.
            df = self._with_kept_partitions(df, existing.qualified, keys)
            replace_all = True

        staging = f"{location}/{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        self.fault("before_write")
        (df.repartition(*keys) if request.shuffle else df).write.partitionBy(*keys).mode("errorifexists").parquet(staging)
        self.fault("after_stage")
        staged = self._staged_partitions(staging, keys)

        # 1. Switch the catalog to the complete staged data (one atomic catalog update).
        old_partitions = dict(existing.partitions) if existing else {}
        partitions = {} if replace_all else dict(old_partitions)
        partitions.update({values: f"{staging}/{rel}" for values, rel in staged.items()})
        definition = TableDef(
            database=request.database,
            name=request.table,
            location=location,
            columns=list(prepared.data_columns),
            partition_keys=list(prepared.partition_columns),
            description=request.description or (existing.description if existing else None),
            partitions=partitions,
        )
        self.catalog.commit(definition)
        self.fault("after_switch")

        # 2. Settle into the canonical Hive layout; the catalog keeps pointing at staging meanwhile.
        if replace_all:
            for values, old in old_partitions.items():
                if values not in staged and not old.startswith(f"{location}/{STAGING_PREFIX}"):
                    self.fs.delete(old)
        canonical: dict[PartitionValues, str] = {}
        for values, rel in staged.items():
            target = f"{location}/{rel}"
            self.fs.delete(target)
            self.fs.copy_tree(f"{staging}/{rel}", target)
            canonical[values] = target
        self.fault("after_copy")
        settled = {**partitions, **canonical}
        self.catalog.commit(replace(definition, partitions=settled))
        self.fs.delete(staging)
        # Staging folders of an earlier crashed write that nothing references any more.
        still_used = {_staging_root(loc, location) for loc in settled.values()}
        for old in old_partitions.values():
            root = _staging_root(old, location)
            if root and root not in still_used:
                self.fs.delete(root)

    def delete_partition(self, database: str, table: str, partition: Partition) -> None:
        existing = self.catalog.get_table(database, table)
        if existing is None or partition.values not in existing.partitions:
            return
        partitions = dict(existing.partitions)
        old = partitions.pop(partition.values)
        self.catalog.commit(replace(existing, partitions=partitions))
        self.fs.delete(old)

    def sql_scope(self) -> contextlib.nullcontext[None]:
        """Parquet tables are in the session catalog: nothing to switch."""
        return contextlib.nullcontext()
