"""The Maven artifacts of the local SparkSession and how Spark's Ivy resolves them.

**Glue 5.1 components.** Iceberg 1.10.0 for Spark 3.5 / Scala 2.12, and spark-xml for XML input files
and the xmlstructured transform (Spark 3.5 has no built-in XML source).

**Deequ.** ``com.amazon.deequ.dqdl.EvaluateDataQuality`` (DQDL parsing and evaluation, with the
row-level outcomes Glue's ``process_rows`` gives) ships in ``com.amazon.deequ:deequ``. pyspark 3.5 is
a Scala 2.12 build, so only the ``*-spark-3.5`` 2.x line fits (Deequ 3.x is Scala 2.13). Of that line,
Maven Central serves ``2.0.7-spark-3.5`` (no DQDL evaluator) and ``2.1.0-spark-3.5`` (with it); the
2.0.9 … 2.0.21 releases named elsewhere are not obtainable from the registry.

**The DQDL parser.** Deequ 2.1.0 declares ``software.amazon.glue:dqdl:1.0.7``, which Maven Central
does not serve; ``1.0.0`` is the only published version. Deequ 2.1.0 references no class that 1.0.0
lacks, and the rules the reference uses evaluate correctly with it, so Ivy is told to fetch 1.0.0
whenever 1.0.7 is asked for: an Ivy *namespace* on the resolver used for that one module rewrites the
revision (:func:`write_ivy_settings`). The retrieved jar keeps the requested name
(``software.amazon.glue_dqdl-1.0.7.jar``) but holds 1.0.0.

**Exclusions.** Deequ declares Spark, Scala and Breeze as compile dependencies and the DQDL parser
declares the ANTLR tool and Jackson; pyspark already ships all of these (Spark excludes its own
modules and ``scala-library`` by itself), so the session would otherwise get a second, conflicting copy.
"""

from __future__ import annotations

import os
from pathlib import Path

from insurancelake_etl.spark_packages import PACKAGES, coordinates

# Declared once, with how Glue gets each one, in insurancelake_etl/spark_packages.json.
ICEBERG_PACKAGE = PACKAGES["iceberg"].coordinate
XML_PACKAGE = PACKAGES["xml"].coordinate
# The DQDL evaluator (Deequ) for data quality without Glue (Decision D11).
DEEQU_PACKAGE = PACKAGES["deequ"].coordinate
CORE_PACKAGES: tuple[str, ...] = coordinates()
DQ_EXCLUDES: tuple[str, ...] = (
    "org.scala-lang:scala-reflect",
    "org.scalanlp:breeze_2.12",
    "com.fasterxml.jackson.core:jackson-databind",
    "org.antlr:antlr4",
)
DQDL_REQUESTED = "1.0.7"
DQDL_PUBLISHED = "1.0.0"
SETTINGS_NAME = "ivysettings-insurancelake.xml"


def _central_root() -> str:
    # Spark's own default, including its override variable.
    return os.environ.get("DEFAULT_ARTIFACT_REPOSITORY", "https://repo1.maven.org/maven2/")


def ivy_settings_xml() -> str:
    """Ivy settings equivalent to Spark's defaults (local Maven repository, then Maven Central) plus
    the DQDL revision rewrite."""
    m2 = Path.home() / ".m2" / "repository"
    central = _central_root()
    requested = DQDL_REQUESTED.replace(".", r"\.")
    published = DQDL_PUBLISHED.replace(".", r"\.")
    return f"""<ivysettings>
  <settings defaultResolver="insurancelake-chain"/>
  <namespaces>
    <namespace name="dqdl-published">
      <rule>
        <fromsystem><src org="software\\.amazon\\.glue" module="dqdl" rev="{requested}"/><dest rev="{DQDL_PUBLISHED}"/></fromsystem>
        <tosystem><src org="software\\.amazon\\.glue" module="dqdl" rev="{published}"/><dest rev="{DQDL_REQUESTED}"/></tosystem>
      </rule>
    </namespace>
  </namespaces>
  <resolvers>
    <ibiblio name="central-dqdl" m2compatible="true" root="{central}" namespace="dqdl-published"/>
    <chain name="insurancelake-chain" returnFirst="true">
      <ibiblio name="local-m2-cache" m2compatible="true" root="{m2.as_uri()}"/>
      <ibiblio name="central" m2compatible="true" root="{central}"/>
    </chain>
  </resolvers>
  <modules>
    <module organisation="software.amazon.glue" name="dqdl" resolver="central-dqdl"/>
  </modules>
</ivysettings>
"""


def write_ivy_settings(ivy_dir: str) -> str:
    """Write the Ivy settings file into ``ivy_dir`` (atomically, unchanged content is not rewritten)
    and return its path, for ``spark.jars.ivySettings``."""
    folder = Path(ivy_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SETTINGS_NAME
    text = ivy_settings_xml()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = folder / f".{SETTINGS_NAME}.{os.getpid()}"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return str(path)
