"""The primary entity table: an Iceberg (format v2) table, one row per global id (reference §19.3, §19.4)."""

from __future__ import annotations

import logging

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.errors import AnalysisException

from ..errors import DataError, SchemaChangeError
from ..partition import PARTITION_KEYS

logger = logging.getLogger(__name__)

INCOMING_VIEW = "entity_incoming"


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def read_primary(spark: SparkSession, ident: str) -> DataFrame | None:
    """The primary table, or None when it does not exist yet."""
    try:
        df = spark.read.format("iceberg").load(ident)
        df.schema  # noqa: B018 - resolves the table
        return df
    except AnalysisException:
        return None
    except Exception as exc:  # Iceberg raises NoSuchTableException through py4j on some paths
        if "NoSuchTable" in str(exc) or "not found" in str(exc).lower():
            return None
        raise


def create_primary(df: DataFrame, ident: str) -> None:
    """Create the primary table from ``df``: Iceberg format v2, partitioned by year/month/day."""
    keys = [k for k in PARTITION_KEYS if k in df.columns]
    writer = df.writeTo(ident).using("iceberg").tableProperty("format-version", "2")
    if keys:
        writer = writer.partitionedBy(*[F.col(k) for k in keys])
    writer.create()


def check_cardinality(df: DataFrame, gid: str, ident: str, key_columns: list[str]) -> None:
    """MERGE allows one source row per target row: two incoming rows with one global id are an error
    that names the id and the rows' keys (Iceberg's own message does not)."""
    duplicates = df.groupBy(_quote(gid)).count().where(F.col("count") > 1).orderBy(_quote(gid)).limit(5).collect()
    if not duplicates:
        return
    ids = [row[0] for row in duplicates]
    detail = ""
    if key_columns:
        rows = df.where(F.col(_quote(gid)).isin(ids)).select(_quote(gid), *[_quote(c) for c in key_columns]).collect()
        detail = "; rows: " + ", ".join(
            f"{r[0]} ← " + "/".join(str(r[i + 1]) for i in range(len(key_columns))) for r in sorted(rows, key=str)
        )
    first = duplicates[0]
    raise DataError(
        f"MERGE INTO {ident} needs at most one incoming row per {gid}, but {first['count']} incoming rows "
        f"have {gid} {first[0]!r}" + (f" (and {len(duplicates) - 1} more ids)" if len(duplicates) > 1 else "") + detail
        + "; expected each incoming row to match a distinct entity",
    )


def merge_into_primary(spark: SparkSession, df: DataFrame, ident: str, gid: str) -> None:
    """``MERGE INTO <primary> USING entity_incoming ON gid`` updating every incoming column when
    matched and inserting otherwise (reference §19.3 step 10)."""
    target = [f.name for f in spark.table(ident).schema.fields]
    lower = {c.lower() for c in target}
    extra = [c for c in df.columns if c.lower() not in lower]
    if extra:
        raise SchemaChangeError(
            f"incoming column(s) {', '.join(extra)} are not in the primary table {ident}; "
            f"expected only its columns: {', '.join(target)}",
        )
    df.createOrReplaceTempView(INCOMING_VIEW)
    columns = [_quote(c) for c in df.columns]
    update = ", ".join(f"t.{c} = s.{c}" for c in columns)
    statement = (
        f"MERGE INTO {ident} t USING {INCOMING_VIEW} s ON t.{_quote(gid)} = s.{_quote(gid)} "
        f"WHEN MATCHED THEN UPDATE SET {update} "
        f"WHEN NOT MATCHED THEN INSERT ({', '.join(columns)}) VALUES ({', '.join('s.' + c for c in columns)})"
    )
    logger.info("entity match: MERGE INTO %s on %s", ident, gid)
    try:
        spark.sql(statement)
    finally:
        spark.catalog.dropTempView(INCOMING_VIEW)
