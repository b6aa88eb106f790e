"""One table write described as a value: which table, where, and under which policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pyspark.sql import DataFrame

from ..catalog import Column, dataframe_columns, split_partition_columns
from ..partition import PARTITION_KEYS


@dataclass(frozen=True)
class WriteRequest:
    """A write of a DataFrame into ``database.table`` with its data at ``location``.

    ``replace="partitions"`` replaces the partitions present in the data and keeps all others (a
    Cleanse partition, a quarantine partition); ``"table"`` replaces the whole table's contents (a
    Consume table). ``allow_schema_change`` is the policy checked before anything is written.
    ``shuffle=False`` writes straight from the DataFrame's partitions instead of first gathering
    each partition value's rows in one task: right when every row has one partition value (a Collect
    run), where the shuffle would put every row in one task. The rows written are the same either way.
    """

    database: str
    table: str
    location: str
    allow_schema_change: str
    replace: Literal["partitions", "table"] = "partitions"
    partition_keys: tuple[str, ...] = PARTITION_KEYS
    description: str | None = None
    database_description: str | None = None
    shuffle: bool = True

    @property
    def qualified(self) -> str:
        """``database.table`` in lower case, as the catalogs store it."""
        return f"{self.database.lower()}.{self.table.lower()}"

    @property
    def replace_all(self) -> bool:
        """Whether the whole table's contents are replaced."""
        return self.replace == "table"


@dataclass(frozen=True)
class PreparedWrite:
    """A request's data in catalog form: lower-case columns, split into data and partition columns."""

    df: DataFrame
    keys: list[str]
    data_columns: list[Column]
    partition_columns: list[Column]


def prepare(df: DataFrame, request: WriteRequest) -> PreparedWrite:
    """Lower-case the column names (the catalog stores them so, §8.3) and split off the partition
    columns; a SchemaChangeError when a partition key is missing from the data."""
    df = df.toDF(*[c.lower() for c in df.columns])
    keys = [k.lower() for k in request.partition_keys]
    data, parts = split_partition_columns(dataframe_columns(df), df.schema, keys, request.qualified)
    return PreparedWrite(df, keys, data, parts)
