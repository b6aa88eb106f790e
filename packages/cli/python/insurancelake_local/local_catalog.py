"""The local catalog for Parquet tables: a small file registry under the warehouse folder.

Choice and reasons. Parquet tables must outlive the process that wrote them, so that a later job or
``insurancelake query`` (another process) reads them by name. Spark's Hive support with an embedded
Derby metastore would do that but allows one process at a time (a second session fails on Derby's
lock), and Iceberg's ``SparkSessionCatalog`` still needs a Hive metastore for non-Iceberg tables. So
the registry is plain JSON:

``<warehouse>/_parquet_catalog/<database>/_database.json``  name, location, description
``<warehouse>/_parquet_catalog/<database>/<table>.json``     columns, partition keys, location,
                                                             description, partition → location map

One table is one document, so :meth:`LocalParquetCatalog.commit` swaps schema and partition locations
together with a single atomic ``os.replace`` (the Parquet half of Decision D10). Each Spark session
that opens the warehouse registers the tables in its (in-memory) session catalog as external Parquet
tables with explicit partition locations, so ``spark.sql("SELECT … FROM db.tbl")`` works; dropping the
session copy never deletes data. Names are stored in lower case, as the Glue Data Catalog does.
Iceberg tables do not use this registry: they live in the Iceberg hadoop catalog of the same warehouse.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pyspark.sql import SparkSession

from insurancelake_etl.tables import TableDef

logger = logging.getLogger(__name__)

REGISTRY_FOLDER = "_parquet_catalog"


def local_path(uri: str) -> Path:
    """The local file-system path of a ``file://`` URI or plain path."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme:
        raise ValueError(f"the local warehouse must be a file:// URI or a path, not {uri!r}")
    return Path(uri)


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _atomic_write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class LocalParquetCatalog:
    """:class:`insurancelake_etl.tables.ParquetCatalog` backed by JSON files under the warehouse."""

    def __init__(self, spark: SparkSession, warehouse: str) -> None:
        self.spark = spark
        self.root = local_path(warehouse) / REGISTRY_FOLDER

    # -- registry ---------------------------------------------------------------------------------

    def _db_dir(self, database: str) -> Path:
        return self.root / database.lower()

    def _table_file(self, database: str, name: str) -> Path:
        return self._db_dir(database) / f"{name.lower()}.json"

    def ensure_database(self, name: str, location: str, description: str | None = None) -> None:
        """Create the database record when absent; an existing one is never changed (§8.2)."""
        record = self._db_dir(name) / "_database.json"
        if not record.exists():
            data: dict[str, Any] = {"name": name.lower(), "location": location}
            if description:
                data["description"] = description
            _atomic_write(record, data)
        self.spark.sql(f"CREATE DATABASE IF NOT EXISTS `{name.lower()}`")

    def get_database(self, name: str) -> dict[str, Any] | None:
        """The database record, or None."""
        record = self._db_dir(name) / "_database.json"
        return json.loads(record.read_text(encoding="utf-8")) if record.exists() else None

    def get_table(self, database: str, name: str) -> TableDef | None:
        """The table definition from the registry, or None."""
        path = self._table_file(database, name)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return TableDef(
            database=data["database"],
            name=data["name"],
            location=data["location"],
            columns=data["columns"],
            partition_keys=data["partition_keys"],
            description=data.get("description"),
            partitions={tuple(p["values"]): p["location"] for p in data["partitions"]},
        )

    def commit(self, table: TableDef) -> None:
        """Replace the table's document in one ``os.replace``, then refresh this session's copy."""
        data = {
            "database": table.database.lower(),
            "name": table.name.lower(),
            "format": "PARQUET",
            "location": table.location,
            "columns": table.columns,
            "partition_keys": table.partition_keys,
            "description": table.description,
            "partitions": [
                {"values": list(values), "location": loc} for values, loc in sorted(table.partitions.items())
            ],
        }
        _atomic_write(self._table_file(table.database, table.name), data)
        self.register(table)

    def tables(self) -> list[TableDef]:
        """Every registered table."""
        found: list[TableDef] = []
        if not self.root.exists():
            return found
        for db_dir in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for path in sorted(db_dir.glob("*.json")):
                if path.name.startswith("_"):
                    continue
                table = self.get_table(db_dir.name, path.stem)
                if table:
                    found.append(table)
        return found

    # -- Spark session ----------------------------------------------------------------------------

    def register(self, table: TableDef) -> None:
        """(Re)create the table in this session's catalog as an external partitioned Parquet table."""
        name = f"`{table.database.lower()}`.`{table.name.lower()}`"
        columns = [*table.columns, *table.partition_keys]
        ddl_columns = ", ".join(f"`{c['Name']}` {c['Type']}" for c in columns)
        keys = ", ".join(f"`{c['Name']}`" for c in table.partition_keys)
        self.spark.sql(f"CREATE DATABASE IF NOT EXISTS `{table.database.lower()}`")
        self.spark.sql(f"DROP TABLE IF EXISTS {name}")
        comment = f" COMMENT {_quote(table.description)}" if table.description else ""
        self.spark.sql(
            f"CREATE TABLE {name} ({ddl_columns}) USING parquet PARTITIONED BY ({keys})"
            f"{comment} LOCATION {_quote(table.location)}"
        )
        if table.partitions:
            specs = []
            for values, loc in sorted(table.partitions.items()):
                spec = ", ".join(
                    f"`{k['Name']}` = {_quote(v)}" for k, v in zip(table.partition_keys, values, strict=True)
                )
                specs.append(f"PARTITION ({spec}) LOCATION {_quote(loc)}")
            self.spark.sql(f"ALTER TABLE {name} ADD IF NOT EXISTS " + " ".join(specs))
        self.spark.catalog.refreshTable(f"{table.database.lower()}.{table.name.lower()}")

    def register_all(self) -> int:
        """Register every table of the registry in this session; returns how many."""
        tables = self.tables()
        for table in tables:
            self.register(table)
        return len(tables)
