"""String manipulation transforms against the reference expectations (behaviour reference §15.2, §23)."""

from __future__ import annotations

from insurancelake_etl.transforms import run_transforms
from insurancelake_etl.transforms.strings import literal
from pyspark.sql import types as T


def test_literal_adds_constant_columns_on_every_row(spark, ctx):
    df = spark.createDataFrame([(1,), (2,), (3,)], ["id"])
    out = literal(df, {"source": "literal", "year": "2024"}, ctx)
    assert out.columns == ["id", "source", "year"]
    assert [(r.source, r.year) for r in out.collect()] == [("literal", "2024")] * 3


def test_literal_keeps_json_types(spark, ctx):
    df = spark.createDataFrame([(1,)], ["id"])
    out = literal(df, {"n": 7, "x": 1.5, "flag": True, "nothing": None}, ctx)
    types = {f.name: f.dataType for f in out.schema.fields}
    assert types["n"] == T.IntegerType()
    assert types["x"] == T.DoubleType()
    assert types["flag"] == T.BooleanType()
    assert types["nothing"] == T.NullType()
    row = out.collect()[0]
    assert (row.n, row.x, row.flag, row.nothing) == (7, 1.5, True, None)


def test_literal_replaces_an_existing_field_in_place(spark, ctx):
    df = spark.createDataFrame([(1, "a", "b")], ["id", "year", "other"])
    out = literal(df, {"year": "2024"}, ctx)
    assert out.columns == ["id", "year", "other"]
    assert out.collect()[0].year == "2024"


def test_literal_records_one_lineage_call_with_the_spec(spark, ctx, lineage):
    df = spark.createDataFrame([(1,)], ["id"])
    spec = {"year": "2024", "month": "01"}
    run_transforms(df, {"literal": spec}, ctx)
    assert lineage.calls == [("TestDb/TestTable", "literal", {"transform": spec})]
