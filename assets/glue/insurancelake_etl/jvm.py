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


def java_list(value: Any) -> list[Any]:
    """The elements of a py4j ``java.util.List`` (None: empty), read by index.

    Iterating a py4j collection ends with the JVM iterator's ``NoSuchElementException``, which
    PySpark converts into a Python exception at about 10 ms each: 19 of them, 0.2 s, per job with
    the example DQ rules (issue 12). Reading by position raises nothing."""
    if value is None:
        return []
    size = int(value.size())
    return [value.get(i) for i in range(size)]


def java_string_map(value: Any) -> dict[str, str]:
    """A py4j ``java.util.Map`` (None: empty) as a dict of strings, without iterating it in Python
    (see :func:`java_list`)."""
    if value is None:
        return {}
    keys = value.keySet().toArray()  # a py4j JavaArray: len() and [i] are single round trips
    return {str(key): str(value.get(key)) for key in (keys[i] for i in range(len(keys)))}
