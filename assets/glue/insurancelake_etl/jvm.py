"""The session's JVM through py4j, for the few calls PySpark has no Python API for (DQDL, spark-xml,
Java regex, Hadoop FileSystem). py4j objects are untyped, so these handles are ``Any``."""

from __future__ import annotations

from typing import Any

from pyspark.sql import SparkSession


def jvm(spark: SparkSession) -> Any:
    """The py4j view of the session's JVM (``jvm.java.util…``)."""
    view = spark.sparkContext._jvm
    if view is None:
        raise RuntimeError("the Spark session has no JVM gateway (a stopped session?)")
    return view


def hadoop_configuration(spark: SparkSession) -> Any:
    """The session's Hadoop ``Configuration``."""
    context = spark.sparkContext._jsc
    if context is None:
        raise RuntimeError("the Spark session has no Java context (a stopped session?)")
    return context.hadoopConfiguration()
