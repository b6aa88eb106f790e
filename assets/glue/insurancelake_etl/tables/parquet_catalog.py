"""Where Parquet table definitions live: the Glue Data Catalog on AWS, a file registry locally."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..catalog import Column

PartitionValues = tuple[str, ...]


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
    """A catalog of Parquet tables."""

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
