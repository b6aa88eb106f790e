"""The engine's Spark packages, declared once in ``spark_packages.json`` (beside this module): the
Maven coordinates the local session loads and, per package, how a Glue 5.1 job gets the feature
(``native``: Glue provides it with the job arguments given; ``extra_jars``: the user adds the jar
with the construct's ``extraJars``; ``refused``: not offered on Glue).

The local session (``insurancelake_local.maven``) and the construct's jest test read the same file.
"""

from __future__ import annotations

import json
import pkgutil
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import SparkSession

from .errors import ConfigError
from .jvm import jvm

DECLARATION = "spark_packages.json"


@dataclass(frozen=True)
class SparkPackage:
    """One Maven package and how Glue gets its feature."""

    name: str
    coordinate: str
    feature: str
    glue: str
    glue_note: str
    glue_arguments: dict[str, str] = field(default_factory=dict)
    check_class: str | None = None


def _load() -> dict[str, SparkPackage]:
    # Read as package data: executors import the engine from the --py-files zip (a path inside a zip
    # cannot be opened as a file; the cluster test caught it).
    data = pkgutil.get_data(__package__ or "insurancelake_etl", DECLARATION)
    if data is None:
        raise RuntimeError(f"{DECLARATION} is missing from the insurancelake_etl package")
    raw: dict[str, Any] = json.loads(data.decode("utf-8"))
    return {
        p["name"]: SparkPackage(
            name=p["name"],
            coordinate=p["coordinate"],
            feature=p["feature"],
            glue=p["glue"],
            glue_note=p["glue_note"],
            glue_arguments=dict(p.get("glue_arguments", {})),
            check_class=p.get("check_class"),
        )
        for p in raw["packages"]
    }


PACKAGES: dict[str, SparkPackage] = _load()


def coordinates() -> tuple[str, ...]:
    """Every declared Maven coordinate, in declaration order (the local session's packages)."""
    return tuple(p.coordinate for p in PACKAGES.values())


def require_package(spark: SparkSession, name: str, *, file: str | None = None, location: str | None = None) -> None:
    """A ConfigError naming the feature, the package and how to get it when package ``name``'s
    check class is not on the session's classpath (e.g. spark-xml on a Glue job without the jar)."""
    package = PACKAGES[name]
    if package.check_class is None:
        return
    handle: Any = jvm(spark)
    for part in package.check_class.split("."):
        handle = getattr(handle, part)
    from py4j.java_gateway import JavaClass

    if not isinstance(handle, JavaClass):
        raise ConfigError(
            f"{package.feature} needs the Spark package {package.coordinate}, which is not on this job's "
            f"classpath. {package.glue_note}",
            file=file,
            location=location,
        )
