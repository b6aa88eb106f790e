"""Structured (nested) data transforms: ``jsonexpandarray``, ``jsonexpandmap``, ``flatten``,
``jsonstructured`` (alias ``json``) and ``xmlstructured`` (alias ``xml``) — reference module
``datatransform_structureddata``.

``jsonexpandarray``, ``jsonexpandmap`` and ``flatten`` are sequential (each entry sees the result of
the previous one) and put their new columns at the end of the schema. ``jsonstructured`` and
``xmlstructured`` are batch: every field is parsed from the block's input with one ``withColumns``.
The keys ``json`` and ``xml`` are aliases (Decision D3) and record the same lineage operation.
"""

from __future__ import annotations

import json
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..context import JobContext
from ..errors import DataError
from ..jvm import jvm
from ..spark_packages import require_package
from ._checks import COLUMN, location, require_columns
from .registry import transform

# Spec entries may carry keys the transform does not read (the reference ignores them), so the
# fragments do not forbid additional properties: a spec that runs on the reference validates here.
JSONEXPANDARRAY_SPEC: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["field", "index_field"],
        "properties": {
            "field": {**COLUMN, "description": "Column that receives the array elements."},
            "source": {**COLUMN, "description": "Array column to expand (default: field, in place)."},
            "index_field": {**COLUMN, "description": "New column with the 1-based element position."},
        },
    },
}

JSONEXPANDMAP_SPEC: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["field", "index_field", "key_field"],
        "properties": {
            "field": {**COLUMN, "description": "Column that receives the map values."},
            "source": {**COLUMN, "description": "Map or struct column to expand (default: field, in place)."},
            "index_field": {**COLUMN, "description": "New column with the 1-based entry position."},
            "key_field": {**COLUMN, "description": "New column with the map key (struct field name)."},
        },
    },
}

FLATTEN_SPEC: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["field"],
        "properties": {
            "field": {**COLUMN, "description": "Struct column whose subfields become top-level columns."},
            "keep_field": {"type": "boolean", "default": True, "description": "Keep the struct column."},
        },
    },
}

FIELD_LIST_SPEC: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": COLUMN,
    "description": "Names of string columns to parse.",
}


def _quote(name: str) -> str:
    """A column name as a backticked identifier (backticks inside doubled)."""
    return "`" + name.replace("`", "``") + "`"


def _column(df: DataFrame, name: str) -> Column:
    """A top-level column by exact name, or a (dotted) nested path when no top-level column matches."""
    return F.col(_quote(name)) if name in df.columns else F.col(name)


def _data_type(df: DataFrame, name: str) -> T.DataType:
    return df.select(_column(df, name)).schema.fields[0].dataType


def _record(ctx: JobContext, df: DataFrame, operation: str, entry: Any) -> None:
    ctx.lineage.update_lineage(df, ctx.dataset, operation, transform=entry)


@transform("jsonexpandarray", schema=JSONEXPANDARRAY_SPEC, lineage=False)
def jsonexpandarray(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Explode an array column into one row per element with a 1-based index (sequential; new columns last)."""
    for i, entry in enumerate(spec):
        field, index_field = entry["field"], entry["index_field"]
        source = entry.get("source", field)
        require_columns(df, ctx, "jsonexpandarray", [(source, i, "source" if "source" in entry else "field")])
        source_type = _data_type(df, source)
        if not isinstance(source_type, T.ArrayType):
            raise DataError(
                f"transform 'jsonexpandarray': column {source!r} is {source_type.simpleString()}; expected an"
                " array",
                file=ctx.spec_file,
                location=location("jsonexpandarray", i, "source" if "source" in entry else "field"),
            )
        exploded = F.posexplode_outer(_column(df, source)).alias(index_field, field)
        df = df.select(*[F.col(_quote(c)) for c in df.columns if c != field], exploded)
        df = df.withColumn(index_field, F.col(_quote(index_field)) + 1)
        _record(ctx, df, "jsonexpandarray", entry)
    return df


@transform("jsonexpandmap", schema=JSONEXPANDMAP_SPEC, lineage=False)
def jsonexpandmap(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Explode a map (or key-value struct) column into one row per entry with index, key and value (sequential)."""
    for i, entry in enumerate(spec):
        field, index_field, key_field = entry["field"], entry["index_field"], entry["key_field"]
        source = entry.get("source", field)
        source_key = "source" if "source" in entry else "field"
        require_columns(df, ctx, "jsonexpandmap", [(source, i, source_key)])
        source_type = _data_type(df, source)
        source_col = _column(df, source)
        if isinstance(source_type, T.StructType):
            if not source_type.fields:
                raise DataError(
                    f"Column {source} of type Struct does not have key-value pair schema needed for Spark"
                    " explode",
                    file=ctx.spec_file,
                    location=location("jsonexpandmap", i, source_key),
                )
            # Every value is assumed to have the type of the first struct field. to_json leaves out
            # null fields, so their keys do not appear in the map (kept as the reference).
            value_type = source_type.fields[0].dataType.simpleString()
            source_col = F.from_json(F.to_json(source_col), f"map<string,{value_type}>")
        elif not isinstance(source_type, T.MapType):
            raise DataError(
                f"transform 'jsonexpandmap': column {source!r} is {source_type.simpleString()}; expected a map"
                " or a struct",
                file=ctx.spec_file,
                location=location("jsonexpandmap", i, source_key),
            )
        exploded = F.posexplode_outer(source_col).alias(index_field, key_field, field)
        df = df.select(*[F.col(_quote(c)) for c in df.columns if c != field], exploded)
        df = df.withColumn(index_field, F.col(_quote(index_field)) + 1)
        _record(ctx, df, "jsonexpandmap", entry)
    return df


@transform("flatten", schema=FLATTEN_SPEC, lineage=False)
def flatten(df: DataFrame, spec: list[dict[str, Any]], ctx: JobContext) -> DataFrame:
    """Turn the subfields of a struct column into top-level columns at the end (sequential)."""
    for i, entry in enumerate(spec):
        field = entry["field"]
        require_columns(df, ctx, "flatten", [(field, i, "field")])
        field_type = _data_type(df, field)
        if not isinstance(field_type, T.StructType):
            raise DataError(
                f"transform 'flatten': column {field!r} is {field_type.simpleString()}; expected a struct",
                file=ctx.spec_file,
                location=location("flatten", i, "field"),
            )
        keep = entry.get("keep_field", True)
        kept = [F.col(_quote(c)) for c in df.columns if keep or c != field]
        parent = _quote(field) if field in df.columns else field
        df = df.select(*kept, F.col(f"{parent}.*"))
        _record(ctx, df, "flatten", entry)
    return df


def _json_schema_of(df: DataFrame, field: str, ctx: JobContext) -> T.StructType:
    """The schema Spark's JSON reader infers from the column's strings (null values skipped).

    Inference runs in the JVM on a ``Dataset[String]`` (no Python round trip); it is the same
    inference ``spark.read.json(<RDD of strings>)`` performs.
    """
    spark = ctx.spark
    strings = df.select(_column(df, field).cast("string").alias("value")).where(F.col("value").isNotNull())
    dataset = getattr(strings._jdf, "as")(jvm(spark).org.apache.spark.sql.Encoders.STRING())
    inferred = spark._jsparkSession.read().json(dataset).schema().json()
    return T.StructType.fromJson(json.loads(inferred))


@transform("jsonstructured", schema=FIELD_LIST_SPEC, aliases=("json",))
def jsonstructured(df: DataFrame, spec: list[str], ctx: JobContext) -> DataFrame:
    """Parse JSON text columns into structs, with the schema inferred from the data (batch)."""
    require_columns(df, ctx, "jsonstructured", [(field, i, None) for i, field in enumerate(spec)])
    columns = {field: F.from_json(_column(df, field), _json_schema_of(df, field, ctx)) for field in spec}
    return df.withColumns(columns)


def _spark_xml(ctx: JobContext) -> tuple[Any, Any]:
    """The spark-xml ``functions`` object and package module, or a ConfigError (naming the package
    and how a Glue job gets it, ``spark_packages.json``) when the jar is absent."""
    require_package(ctx.spark, "xml", file=ctx.spec_file, location=location("xmlstructured"))
    view = jvm(ctx.spark)
    functions = view.com.databricks.spark.xml.functions
    module = getattr(getattr(view.com.databricks.spark.xml, "package$"), "MODULE$")
    return functions, module


@transform("xmlstructured", schema=FIELD_LIST_SPEC, aliases=("xml",))
def xmlstructured(df: DataFrame, spec: list[str], ctx: JobContext) -> DataFrame:
    """Parse XML text columns into structs with spark-xml, the schema inferred from the data (batch)."""
    require_columns(df, ctx, "xmlstructured", [(field, i, None) for i, field in enumerate(spec)])
    functions, module = _spark_xml(ctx)
    options = jvm(ctx.spark).PythonUtils.toScalaMap({})
    columns: dict[str, Column] = {}
    for field in spec:
        source = _column(df, field)
        schema_json = module.schema_of_xml_df(df.select(source)._jdf, options).json()
        schema = ctx.spark._jsparkSession.parseDataType(schema_json)
        columns[field] = Column(functions.from_xml(source._jc, schema, options))
    return df.withColumns(columns)
