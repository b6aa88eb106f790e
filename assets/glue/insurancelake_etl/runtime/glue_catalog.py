"""The Glue Data Catalog as :class:`insurancelake_etl.tables.ParquetCatalog` (boto3 ``glue``).

Table definitions follow reference §8.3: Parquet SerDe, MapReduce Parquet formats, ``classification=
Parquet``, ``EXTERNAL_TABLE``; names in lower case. A commit updates the table, then creates or
re-points each partition (``UpdatePartition`` is atomic per partition, which is what a Cleanse
partition replacement needs) and finally deletes partitions that a whole-table replacement dropped.
No ``awsglue`` import: it is testable against a moto server.
"""

from __future__ import annotations

from typing import Any

from ..tables import TableDef

SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


def _storage(columns: list[dict[str, str]], location: str) -> dict[str, Any]:
    return {
        "Columns": columns,
        "Location": location,
        "InputFormat": INPUT_FORMAT,
        "OutputFormat": OUTPUT_FORMAT,
        "SerdeInfo": {"SerializationLibrary": SERDE, "Parameters": {"serialization.format": "1"}},
    }


class GlueParquetCatalog:
    """Parquet tables in the Glue Data Catalog."""

    def __init__(self, client: Any | None = None, spark: Any | None = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("glue")
        self.glue = client
        self.spark = spark

    def ensure_database(self, name: str, location: str, description: str | None = None) -> None:
        """Create the database when absent (LocationUri/Description only on creation, §8.2)."""
        try:
            self.glue.get_database(Name=name.lower())
        except self.glue.exceptions.EntityNotFoundException:
            database: dict[str, Any] = {"Name": name.lower(), "LocationUri": location}
            if description:
                database["Description"] = description
            self.glue.create_database(DatabaseInput=database)

    def get_table(self, database: str, name: str) -> TableDef | None:
        """The table and its partitions, or None (``EntityNotFoundException``)."""
        try:
            table = self.glue.get_table(DatabaseName=database.lower(), Name=name.lower())["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            return None
        partitions: dict[tuple[str, ...], str] = {}
        paginator = self.glue.get_paginator("get_partitions")
        for page in paginator.paginate(DatabaseName=database.lower(), TableName=name.lower()):
            for part in page["Partitions"]:
                partitions[tuple(part["Values"])] = part.get("StorageDescriptor", {}).get("Location", "")
        # A table created elsewhere (the console, a crawler, CREATE TABLE without LOCATION) may have no
        # StorageDescriptor or Location: it reads as a table without columns, so the write's schema
        # policy decides (permissive: the columns are set; strict: a schema-change error), as the
        # reference does.
        storage = table.get("StorageDescriptor") or {}
        return TableDef(
            database=table["DatabaseName"],
            name=table["Name"],
            location=storage.get("Location", ""),
            columns=storage.get("Columns", []),
            partition_keys=table.get("PartitionKeys", []),
            description=table.get("Description"),
            partitions=partitions,
        )

    def commit(self, table: TableDef) -> None:
        """Write the table definition, then point every partition at its location."""
        db, name = table.database.lower(), table.name.lower()
        table_input: dict[str, Any] = {
            "Name": name,
            "StorageDescriptor": _storage(table.columns, table.location),
            "PartitionKeys": table.partition_keys,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "Parquet", "SourceType": "s3", "SourceTableName": name, "TableVersion": "0"},
        }
        if table.description:
            table_input["Description"] = table.description
        existing = self.get_table(db, name)
        if existing is None:
            self.glue.create_table(DatabaseName=db, TableInput=table_input)
            current: dict[tuple[str, ...], str] = {}
        else:
            self.glue.update_table(DatabaseName=db, TableInput=table_input)
            current = existing.partitions
        for values, location in table.partitions.items():
            part_input = {"Values": list(values), "StorageDescriptor": _storage(table.columns, location)}
            if values in current:
                if current[values] != location:
                    self.glue.update_partition(
                        DatabaseName=db, TableName=name, PartitionValueList=list(values), PartitionInput=part_input
                    )
            else:
                self.glue.create_partition(DatabaseName=db, TableName=name, PartitionInput=part_input)
        stale = [values for values in current if values not in table.partitions]
        for start in range(0, len(stale), 25):
            self.glue.batch_delete_partition(
                DatabaseName=db,
                TableName=name,
                PartitionsToDelete=[{"Values": list(v)} for v in stale[start : start + 25]],
            )
        if self.spark is not None:
            self.spark.catalog.refreshTable(f"{db}.{name}")
