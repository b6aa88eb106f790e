"""Table writes for Cleanse and Consume: a :class:`TableWriter` per table format, each taking a
:class:`WriteRequest`.

- :mod:`.writer`: the protocol and its guarantees (policy before write, atomic replacement, D10);
- :mod:`.iceberg`: Iceberg v2 (the default), one commit per write;
- :mod:`.parquet`: Hive-style Parquet through a staging folder and catalog switches, with the
  catalog protocol in :mod:`.parquet_catalog` and folder operations in :mod:`.hadoop_fs`.
"""

from .formats import TABLE_FORMATS, table_format
from .iceberg import IcebergWriter
from .parquet import ParquetWriter
from .parquet_catalog import ParquetCatalog, TableDef
from .request import WriteRequest
from .writer import Fault, TableWriter

__all__ = [
    "TABLE_FORMATS",
    "Fault",
    "IcebergWriter",
    "ParquetCatalog",
    "ParquetWriter",
    "TableDef",
    "TableWriter",
    "WriteRequest",
    "table_format",
]
