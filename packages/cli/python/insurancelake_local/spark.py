"""Build the local SparkSession with the same extensions and catalog keys a Glue 5.1 job gets.

Maven artifacts come through ``spark.jars.packages`` and are cached in ``INSURANCELAKE_IVY_DIR``
(default: the user's cache folder, ``$XDG_CACHE_HOME/insurancelake/ivy`` or
``~/.cache/insurancelake/ivy``, as the ``insurancelake`` CLI uses), so the first session downloads them
once and later ones start offline. Jars of your own (the construct's ``extraJars``) come from
``INSURANCELAKE_EXTRA_JARS`` (comma-separated paths; the ``insurancelake`` CLI adds
``<config>/jars/*.jar`` to it) into ``spark.jars``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from pyspark.sql import SparkSession

import insurancelake_etl

from .maven import CORE_PACKAGES, DQ_EXCLUDES, write_ivy_settings


def ivy_dir() -> str:
    """Where Ivy caches the Maven jars: ``$INSURANCELAKE_IVY_DIR`` or ``<user cache>/insurancelake/ivy``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return os.environ.get("INSURANCELAKE_IVY_DIR") or str(Path(cache) / "insurancelake" / "ivy")


EXTRA_JARS_ENV = "INSURANCELAKE_EXTRA_JARS"


def extra_jars() -> list[str]:
    """The user's jar files for the session: the paths of ``$INSURANCELAKE_EXTRA_JARS``; a path that
    is not a file is an error naming the variable (Spark would only warn and miss the classes)."""
    jars = [entry.strip() for entry in os.environ.get(EXTRA_JARS_ENV, "").split(",") if entry.strip()]
    missing = [jar for jar in jars if not Path(jar).is_file()]
    if missing:
        raise ValueError(f"{EXTRA_JARS_ENV}: {', '.join(missing)} is not a file; expected comma-separated jar paths")
    return [str(Path(jar).resolve()) for jar in jars]


# The folders holding the engine (cdk-insurancelake's assets/glue) and this package (the CLI's python/).
PACKAGE_DIRS = (Path(insurancelake_etl.__file__).resolve().parents[1], Path(__file__).resolve().parents[1])


def _python_workers_use_this_interpreter() -> None:
    """Spark's Python workers (pandas UDFs) must run this interpreter, which has pandas and pyarrow,
    and import the engine. The JVM, and through it the workers, inherit this process's environment."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    missing = [str(d) for d in PACKAGE_DIRS if str(d) not in paths]
    if missing:
        os.environ["PYTHONPATH"] = os.pathsep.join([*missing, *paths])


def launched_by_spark_submit() -> bool:
    """Whether this Python process was started by ``spark-submit`` (its JVM gateway exists already)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def build_local_spark(
    warehouse: str,
    *,
    app_name: str = "insurancelake-local",
    master: str | None = None,
    packages: tuple[str, ...] = CORE_PACKAGES,
    extra_conf: dict[str, str] | None = None,
) -> SparkSession:
    """A local SparkSession whose Iceberg catalog ``local`` keeps its tables under ``warehouse``.

    ``master`` defaults to ``local[*]``, except under ``spark-submit`` (a cluster run), whose
    ``--master`` is kept."""
    _python_workers_use_this_interpreter()
    if master is None and not launched_by_spark_submit():
        master = "local[*]"
    builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
    builder = (
        builder.appName(app_name)
        .config("spark.jars.packages", ",".join(packages))
        .config("spark.jars.ivy", ivy_dir())
        .config("spark.jars.ivySettings", write_ivy_settings(ivy_dir()))
        .config("spark.jars.excludes", ",".join(DQ_EXCLUDES))
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config("spark.sql.catalog.local", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.local.type", "hadoop")
        .config("spark.sql.catalog.local.warehouse", warehouse)
        .config("spark.sql.iceberg.handle-timestamp-without-timezone", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # Small local data: a few shuffle partitions keep tests and the demo fast.
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", os.environ.get("INSURANCELAKE_DRIVER_MEMORY", "2g"))
        # The JVM's temporary files (Spark's local folders among them) where Python's go ($TMPDIR),
        # so the CLI's temporary folder holds them all; no perf-data file is left in /tmp either.
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={tempfile.gettempdir()} -XX:-UsePerfData")
    )
    jars = extra_jars()
    if jars:
        builder = builder.config("spark.jars", ",".join(jars))
    for key, value in (extra_conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
