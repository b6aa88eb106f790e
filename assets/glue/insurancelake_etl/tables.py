"""Table writes for Cleanse and Consume: Iceberg (default, format v2) or Hive-style Parquet.

Both formats give the same guarantees (DESIGN.md §4, Decision D10):

- the ``allow_schema_change`` policy and the partition-key check run **before** anything is written
  (:func:`insurancelake_etl.catalog.enforce_schema_policy`);
- replacing one partition (Cleanse) or the whole table (Consume) is atomic: a failure at any point
  leaves the previous data readable and complete.

**Iceberg**: one commit does it. A partition is replaced with ``writeTo(...).overwritePartitions()``
(dynamic overwrite of exactly the partitions present in the data); a whole table with
``createOrReplace()``. Allowed schema changes are applied by Iceberg's schema merge in the same commit.

**Parquet**: the data is written to a staging folder ``<location>/_staging_<token>/year=…/…`` (Spark and
Hive readers skip names starting with ``_``); only when it is complete does the catalog switch the
partition locations to it, in one atomic catalog update (:meth:`ParquetCatalog.commit`). The data is
then copied into the canonical Hive layout ``<location>/year=YYYY/month=MM/day=DD/`` and the catalog is
switched again, after which the staging folder is removed. At every moment the catalog points at a
complete copy; a staging folder left by a crash is removed by the next write to the table.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.utils import AnalysisException

from .catalog import Column, dataframe_columns, enforce_schema_policy, split_partition_columns
from .errors import ConfigError, SchemaChangeError

logger = logging.getLogger(__name__)

PARTITION_KEYS: tuple[str, ...] = ("year", "month", "day")
TABLE_FORMATS = ("ICEBERG", "PARQUET")
STAGING_PREFIX = "_staging_"
# Snapshot summary key of an Iceberg commit: a token that finds the commit of one write.
WRITE_ID_PROPERTY = "insurancelake.write-id"

PartitionValues = tuple[str, ...]
Fault = Callable[[str], None]


@dataclass
class TableDef:
    """A Parquet table as the catalog knows it: schema, partition keys and partition locations."""

    database: str
    name: str
    location: str
    columns: list[Column]
    partition_keys: list[Column]
    description: str | None = None
    partitions: dict[PartitionValues, str] = field(default_factory=dict)

    @property
    def qualified(self) -> str:
        """``database.name`` in lower case, as the catalog stores it."""
        return f"{self.database.lower()}.{self.name.lower()}"


class ParquetCatalog(Protocol):
    """Where Parquet table definitions live: the Glue Data Catalog on AWS, a file registry locally."""

    def ensure_database(self, name: str, location: str, description: str | None = None) -> None:
        """Create database ``name`` when absent (location and description are set only on creation)."""
        ...

    def get_table(self, database: str, name: str) -> TableDef | None:
        """The table definition, or None when the table does not exist."""
        ...

    def commit(self, table: TableDef) -> None:
        """Make ``table`` (columns and the complete partition → location map) current, atomically,
        and visible to Spark SQL in this session."""
        ...


def table_format(value: str | None) -> str:
    """The ``--table_format`` value normalised (ICEBERG when absent), or a ConfigError."""
    fmt = (value or "ICEBERG").upper()
    if fmt not in TABLE_FORMATS:
        raise ConfigError(f"--table_format {value!r} is not supported; expected ICEBERG or PARQUET")
    return fmt


def partition_path(keys: Sequence[str], values: Sequence[str]) -> str:
    """The Hive-style relative folder ``year=2024/month=01/day=05``."""
    return "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))


def _parent(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[0]


class HadoopFs:
    """Folder operations on any URI Spark can write (``file://``, ``s3://``) through Hadoop's
    FileSystem API; local folders use the OS directly (hard links make the settle copy cheap)."""

    def __init__(self, spark: SparkSession) -> None:
        self._spark = spark

    @staticmethod
    def _local(uri: str) -> str | None:
        parsed = urlparse(uri)
        if parsed.scheme in ("", "file"):
            return unquote(parsed.path) if parsed.scheme else uri
        return None

    def _jpath(self, uri: str) -> tuple[Any, Any]:
        jvm = self._spark.sparkContext._jvm  # type: ignore[attr-defined]
        conf = self._spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
        path = jvm.org.apache.hadoop.fs.Path(uri)
        return path, path.getFileSystem(conf)

    def exists(self, uri: str) -> bool:
        """Whether the file or folder exists."""
        local = self._local(uri)
        if local is not None:
            return os.path.exists(local)
        path, fs = self._jpath(uri)
        return bool(fs.exists(path))

    def delete(self, uri: str) -> None:
        """Delete a folder recursively (nothing when absent)."""
        local = self._local(uri)
        if local is not None:
            shutil.rmtree(local, ignore_errors=True)
            return
        path, fs = self._jpath(uri)
        fs.delete(path, True)

    def list_dirs(self, uri: str) -> list[str]:
        """Names of the sub-folders of ``uri`` (empty when absent)."""
        local = self._local(uri)
        if local is not None:
            if not os.path.isdir(local):
                return []
            return sorted(n for n in os.listdir(local) if os.path.isdir(os.path.join(local, n)))
        path, fs = self._jpath(uri)
        if not fs.exists(path):
            return []
        return sorted(s.getPath().getName() for s in fs.listStatus(path) if s.isDirectory())

    def copy_tree(self, src: str, dst: str) -> None:
        """Copy folder ``src`` to ``dst`` (hard links locally, a Hadoop copy elsewhere)."""
        local_src, local_dst = self._local(src), self._local(dst)
        if local_src is not None and local_dst is not None:
            shutil.copytree(local_src, local_dst, copy_function=_link_or_copy)
            return
        jvm = self._spark.sparkContext._jvm  # type: ignore[attr-defined]
        conf = self._spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
        spath, sfs = self._jpath(src)
        dpath, dfs = self._jpath(dst)
        jvm.org.apache.hadoop.fs.FileUtil.copy(sfs, spath, dfs, dpath, False, conf)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _no_fault(point: str) -> None:
    return None


class TableWriter:
    """Writes Cleanse partitions and Consume tables in the chosen format with the D10 guarantees.

    ``fault`` is called with the name of each step (``before_write``, ``after_stage``,
    ``after_switch``, ``after_copy``) so tests can stop a write at any point.
    """

    def __init__(
        self,
        spark: SparkSession,
        *,
        table_format: str = "ICEBERG",
        iceberg_catalog: str = "local",
        parquet_catalog: ParquetCatalog | None = None,
        iceberg_location: bool = False,
        fault: Fault | None = None,
    ) -> None:
        self.spark = spark
        self.format = table_format.upper()
        self.iceberg_catalog = iceberg_catalog
        self.parquet_catalog = parquet_catalog
        # Hadoop-type catalogs choose the location themselves and refuse a custom one.
        self.iceberg_location = iceberg_location
        self.fault = fault or _no_fault
        self.fs = HadoopFs(spark)
        if self.format == "PARQUET" and parquet_catalog is None:
            raise ValueError("PARQUET tables need a parquet_catalog")

    # -- public API -------------------------------------------------------------------------------

    def table_name(self, database: str, table: str) -> str:
        """The name Spark SQL reads the table by in this session."""
        if self.format == "ICEBERG":
            return f"{self.iceberg_catalog}.{database.lower()}.{table.lower()}"
        return f"{database.lower()}.{table.lower()}"

    def replace_partition(
        self,
        df: DataFrame,
        database: str,
        table: str,
        location: str,
        *,
        allow_schema_change: str,
        partition_keys: Sequence[str] = PARTITION_KEYS,
        table_description: str | None = None,
        database_description: str | None = None,
        shuffle: bool = True,
    ) -> int | None:
        """Replace the partitions present in ``df`` (Cleanse: exactly one), keeping all others.

        ``shuffle=False`` writes straight from ``df``'s partitions (Iceberg's fanout writer) instead
        of first gathering each partition value's rows in one task: the right choice when all rows
        share one partition value (a Collect run), where the shuffle would put every row in one task.
        The rows written are the same either way; only the number of data files differs.

        Returns the number of rows written when the format reports it without another pass over
        ``df`` (Iceberg: the commit's ``added-records``), else None."""
        return self._write(
            df, database, table, location, partition_keys, allow_schema_change, False,
            table_description, database_description, shuffle,
        )

    def replace_table(
        self,
        df: DataFrame,
        database: str,
        table: str,
        location: str,
        *,
        allow_schema_change: str = "permissive",
        partition_keys: Sequence[str] = PARTITION_KEYS,
        table_description: str | None = None,
        database_description: str | None = None,
    ) -> int | None:
        """Replace the whole table's contents with ``df`` (Consume), atomically; returns the rows
        written when the format reports them (see :meth:`replace_partition`)."""
        return self._write(
            df, database, table, location, partition_keys, allow_schema_change, True,
            table_description, database_description, True,
        )

    # -- shared -----------------------------------------------------------------------------------

    def _write(
        self,
        df: DataFrame,
        database: str,
        table: str,
        location: str,
        partition_keys: Sequence[str],
        mode: str,
        replace_all: bool,
        table_description: str | None,
        database_description: str | None,
        shuffle: bool,
    ) -> int | None:
        location = location.rstrip("/")
        # The catalog stores lower-case column names (§8.3); write the data the same way.
        df = df.toDF(*[c.lower() for c in df.columns])
        keys = [k.lower() for k in partition_keys]
        columns = dataframe_columns(df)
        qualified = f"{database.lower()}.{table.lower()}"
        data_columns, part_columns = split_partition_columns(columns, df.schema, keys, qualified)
        if self.format == "ICEBERG":
            return self._write_iceberg(
                df, database, table, location, keys, data_columns, part_columns, mode, replace_all,
                table_description, database_description, shuffle,
            )
        self._write_parquet(
            df, database, table, location, keys, data_columns, part_columns, mode, replace_all,
            table_description, database_description, shuffle,
        )
        return None

    # -- Iceberg ----------------------------------------------------------------------------------

    def _iceberg_existing(self, ident: str) -> tuple[list[Column], list[Column]] | None:
        try:
            schema = self.spark.table(ident).schema
        except AnalysisException:
            return None
        rows = self.spark.sql(f"DESCRIBE TABLE {ident}").collect()
        part_names: list[str] = []
        in_parts = False
        for row in rows:
            name = row["col_name"] or ""
            if name.startswith("# Partition"):
                in_parts = True
                continue
            if in_parts and name and not name.startswith("#"):
                part_names.append(name.lower())
        from .catalog import schema_columns

        columns = schema_columns(schema)
        by_name = {c["Name"]: c for c in columns}
        data = [c for c in columns if c["Name"] not in part_names]
        return data, [by_name[n] for n in part_names if n in by_name]

    def _write_iceberg(
        self,
        df: DataFrame,
        database: str,
        table: str,
        location: str,
        keys: list[str],
        data_columns: list[Column],
        part_columns: list[Column],
        mode: str,
        replace_all: bool,
        table_description: str | None,
        database_description: str | None,
        shuffle: bool,
    ) -> int | None:
        ident = self.table_name(database, table)
        namespace = f"{self.iceberg_catalog}.`{database.lower()}`"
        self.spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {namespace}")
        existing = self._iceberg_existing(ident)
        changed = False
        if existing is not None:
            changed = enforce_schema_policy(ident, existing[0], existing[1], data_columns, part_columns, mode)
        self.fault("before_write")
        # Tags the commit, so its added-records can be read back without counting the data again.
        write_id = uuid.uuid4().hex
        options = {f"snapshot-property.{WRITE_ID_PROPERTY}": write_id}
        if shuffle:
            out = df.repartition(*keys)
        else:
            out = df
            options.update({"distribution-mode": "none", "fanout-enabled": "true"})
        try:
            if existing is None or replace_all:
                writer = (
                    out.writeTo(ident)
                    .options(**options)
                    .using("iceberg")
                    .partitionedBy(*[F.col(k) for k in keys])
                    .tableProperty("format-version", "2")
                    .tableProperty("write.spark.accept-any-schema", "true")
                )
                if table_description:
                    writer = writer.tableProperty("comment", table_description)
                if self.iceberg_location:
                    writer = writer.tableProperty("location", location)
                if existing is None:
                    writer.create()
                else:
                    writer.createOrReplace()
            else:
                writer = out.writeTo(ident).options(**options)
                if changed:
                    # Columns are matched by name; a new column may sit before the partition columns.
                    writer = writer.option("mergeSchema", "true").option("check-ordering", "false")
                writer.overwritePartitions()
        except AnalysisException as exc:
            if changed:
                raise SchemaChangeError(
                    f"Iceberg cannot apply the schema change to {ident} in place: {exc}", file=ident
                ) from exc
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

    # -- Parquet ----------------------------------------------------------------------------------

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
            if not name.startswith(STAGING_PREFIX):
                continue
            folder = f"{location}/{name}"
            if any(loc.startswith(folder + "/") for loc in referenced):
                continue
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

    def _write_parquet(
        self,
        df: DataFrame,
        database: str,
        table: str,
        location: str,
        keys: list[str],
        data_columns: list[Column],
        part_columns: list[Column],
        mode: str,
        replace_all: bool,
        table_description: str | None,
        database_description: str | None,
        shuffle: bool,
    ) -> None:
        catalog = self.parquet_catalog
        assert catalog is not None
        qualified = f"{database.lower()}.{table.lower()}"
        catalog.ensure_database(database, _parent(location), database_description)
        existing = catalog.get_table(database, table)
        if existing is not None:
            enforce_schema_policy(
                qualified, existing.columns, existing.partition_keys, data_columns, part_columns, mode
            )
        self._remove_stale_staging(location, existing)
        if existing is not None and not replace_all and _retyped(existing.columns, data_columns):
            # Spark 3.5 cannot read a Parquet file whose physical type differs from the catalog's
            # (int files as bigint), so a type change rewrites the kept partitions with the new types,
            # in the same atomic switch as the new partition.
            df = self._with_kept_partitions(df, existing.qualified, keys)
            replace_all = True

        staging = f"{location}/{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        self.fault("before_write")
        (df.repartition(*keys) if shuffle else df).write.partitionBy(*keys).mode("errorifexists").parquet(staging)
        self.fault("after_stage")
        staged = self._staged_partitions(staging, keys)

        # 1. Switch the catalog to the complete staged data (one atomic catalog update).
        old_partitions = dict(existing.partitions) if existing else {}
        partitions = {} if replace_all else dict(old_partitions)
        partitions.update({values: f"{staging}/{rel}" for values, rel in staged.items()})
        definition = TableDef(
            database=database,
            name=table,
            location=location,
            columns=list(data_columns),
            partition_keys=list(part_columns),
            description=table_description or (existing.description if existing else None),
            partitions=partitions,
        )
        catalog.commit(definition)
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
        settled = dict(partitions)
        settled.update(canonical)
        catalog.commit(replace(definition, partitions=settled))
        self.fs.delete(staging)
        # Staging folders of an earlier crashed write that nothing references any more.
        still_used = {_staging_root(loc, location) for loc in settled.values()}
        for old in old_partitions.values():
            root = _staging_root(old, location)
            if root and root not in still_used:
                self.fs.delete(root)


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
