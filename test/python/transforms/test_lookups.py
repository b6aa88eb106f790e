"""Lookup transforms against a moto DynamoDB over HTTP (behaviour reference §15.2 rows 10-11, §20, §23)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import boto3
import pytest
from insurancelake_etl import lookups as store
from insurancelake_etl.context import JobContext
from insurancelake_etl.errors import DataError, JobArgumentError
from insurancelake_etl.job_args import LakeTables, TableTarget
from insurancelake_etl.transforms import run_transforms
from insurancelake_etl.transforms import lookups as lookup_transforms
from insurancelake_etl.transforms.lookups import lookup, multilookup
from pyspark.sql import types as T

ROWS = [(1, "1/1/2022"), (2, "12/31/2022")]
SCHEMA = "id int, date string"


def _create_table(partition: str, sort: str) -> str:
    name = f"unittest-{partition}-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": partition, "KeyType": "HASH"},
            {"AttributeName": sort, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": partition, "AttributeType": "S"},
            {"AttributeName": sort, "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@pytest.fixture
def value_table(moto_endpoint) -> str:
    name = _create_table("source_system", "column_name")
    table = boto3.resource("dynamodb").Table(name)
    table.put_item(
        Item={"source_system": "TestDb", "column_name": "unittest", "lookup_data": json.dumps({"1": "First", "2": "Second"})}
    )
    table.put_item(
        Item={"source_system": "global", "column_name": "states", "lookup_data": json.dumps({"OH": "Ohio", "NY": "New York"})}
    )
    table.put_item(Item={"source_system": "global", "column_name": "numbers", "lookup_data": json.dumps({"OH": 17, "NY": None})})
    return name


@pytest.fixture(autouse=True, params=["map", "join"])
def lookup_way(request, monkeypatch) -> str:
    """Every test runs with small lookups as map literals and, with the limit at 0, as joins."""
    if request.param == "join":
        monkeypatch.setattr(lookup_transforms, "MAP_LOOKUP_MAX_ENTRIES", 0)
    return str(request.param)


@pytest.fixture
def multi_table(moto_endpoint) -> str:
    name = _create_table("lookup_group", "lookup_item")
    table = boto3.resource("dynamodb").Table(name)
    table.put_item(Item={"lookup_group": "unittest-lookup", "lookup_item": "1-1/1/2022", "b": "2", "a": "1"})
    table.put_item(Item={"lookup_group": "unittest-lookup", "lookup_item": "2-12/31/2022", "b": "4", "a": "3"})
    table.put_item(Item={"lookup_group": "other-group", "lookup_item": "1-1/1/2022", "a": "x", "b": "y"})
    return name


@pytest.fixture
def lookup_ctx(ctx: JobContext, value_table: str, multi_table: str) -> JobContext:
    return replace(
        ctx,
        target=TableTarget("file:///cleanse", "TestDb", "TestTable"),
        tables=LakeTables(value_lookup_table=value_table, multi_lookup_table=multi_table),
    )


def test_lookup_from_a_source_adds_the_replacement_last(spark, lookup_ctx):
    df = spark.createDataFrame(ROWS, SCHEMA)
    out = lookup(df, [{"field": "order", "source": "id", "lookup": "unittest"}], lookup_ctx)
    assert out.columns == ["id", "date", "order"]
    assert sorted((r.id, r.order) for r in out.collect()) == [(1, "First"), (2, "Second")]


def test_lookup_in_place_replaces_the_field_and_moves_it_last(spark, lookup_ctx):
    df = spark.createDataFrame([("OH", 1), ("TX", 2), (None, 3)], "state string, id int")
    out = lookup(df, [{"field": "state", "lookup": "states", "source_system": "global"}], lookup_ctx)
    assert out.columns == ["id", "state"]
    assert sorted((r.id, r.state) for r in out.collect()) == [(1, "Ohio"), (2, None), (3, None)]


def test_lookup_of_numbers_keeps_the_type_spark_infers_from_the_json(spark, lookup_ctx):
    df = spark.createDataFrame([("OH",), ("NY",), ("TX",)], "state string")
    out = lookup(df, [{"field": "n", "source": "state", "lookup": "numbers", "source_system": "global"}], lookup_ctx)
    assert out.schema["n"].dataType == T.LongType()
    assert sorted((r.state, r.n) for r in out.collect()) == [("NY", None), ("OH", 17), ("TX", None)]


def test_small_string_keyed_lookups_need_no_join_and_large_ones_broadcast(spark, lookup_ctx, lookup_way):
    df = spark.createDataFrame([("OH", 1)], "state string, id int")
    spec = [{"field": "name", "source": "state", "lookup": "states", "source_system": "global"}]
    by_string = lookup(df, spec, lookup_ctx)._jdf.queryExecution().executedPlan().toString()
    by_int = lookup(df, [{"field": "order", "source": "id", "lookup": "unittest"}], lookup_ctx)
    multi = multilookup(
        spark.createDataFrame(ROWS, SCHEMA),
        [{"lookup_group": "unittest-lookup", "match_columns": ["id", "date"], "return_attributes": ["a"]}],
        lookup_ctx,
    )._jdf.queryExecution().executedPlan().toString()
    # An int key compares as the join coerces it (the string parsed as a number): always a join.
    assert "BroadcastHashJoin" in by_int._jdf.queryExecution().executedPlan().toString()
    assert ("BroadcastHashJoin" in by_string) == (lookup_way == "join")
    assert ("BroadcastHashJoin" in multi) == (lookup_way == "join")


def test_lookup_nomatch_fills_unmatched_and_null_values(spark, lookup_ctx):
    df = spark.createDataFrame([("OH",), ("TX",), (None,)], "state string")
    spec = [{"field": "state_name", "source": "state", "lookup": "states", "source_system": "global", "nomatch": "N/A"}]
    out = lookup(df, spec, lookup_ctx)
    assert sorted((r.state or "", r.state_name) for r in out.collect()) == [("", "N/A"), ("OH", "Ohio"), ("TX", "N/A")]


def test_lookup_nomatch_of_another_type_leaves_nulls(spark, lookup_ctx):
    df = spark.createDataFrame([("TX",)], "state string")
    spec = [{"field": "name", "source": "state", "lookup": "states", "source_system": "global", "nomatch": 0}]
    out = lookup(df, spec, lookup_ctx)
    assert out.collect()[0].name is None


def test_lookup_source_system_defaults_to_the_collect_database_as_cased(spark, lookup_ctx):
    lookup_ctx = replace(lookup_ctx, target=TableTarget("file:///cleanse", "testdb", "TestTable"))  # no item under this key
    df = spark.createDataFrame(ROWS, SCHEMA)
    with pytest.raises(DataError) as error:
        lookup(df, [{"field": "order", "source": "id", "lookup": "unittest"}], lookup_ctx)
    table = lookup_ctx.tables.value_lookup_table
    assert (
        f"No lookup data found for key values {{'source_system': 'testdb', 'column_name': 'unittest'}} on table {table}"
        in str(error.value)
    )
    assert "$.transform_spec.lookup[0].lookup" in str(error.value)
    assert isinstance(error.value, RuntimeError)


def test_lookup_missing_item_stops_before_later_entries(spark, lookup_ctx):
    df = spark.createDataFrame(ROWS, SCHEMA)
    spec = [
        {"field": "order", "source": "id", "lookup": "unittest"},
        {"field": "x", "source": "id", "lookup": "absent"},
    ]
    with pytest.raises(DataError, match=r"lookup\[1\]\.lookup: No lookup data found .*'column_name': 'absent'"):
        lookup(df, spec, lookup_ctx)


def test_lookup_missing_source_column_names_the_entry(spark, lookup_ctx):
    df = spark.createDataFrame(ROWS, SCHEMA)
    with pytest.raises(DataError, match=r"lookup\[0\]\.source: .*'policy'"):
        lookup(df, [{"field": "order", "source": "policy", "lookup": "unittest"}], lookup_ctx)


def test_lookup_without_the_table_argument_is_a_job_argument_error(spark, ctx):
    df = spark.createDataFrame(ROWS, SCHEMA)
    with pytest.raises(JobArgumentError, match="value_lookup_table"):
        lookup(df, [{"field": "order", "source": "id", "lookup": "unittest"}], ctx)


def test_lookup_records_one_lineage_call_per_entry(spark, lookup_ctx, lineage):
    df = spark.createDataFrame(ROWS, SCHEMA)
    spec = [
        {"field": "order", "source": "id", "lookup": "unittest"},
        {"field": "order2", "source": "id", "lookup": "unittest"},
    ]
    run_transforms(df, {"lookup": spec}, lookup_ctx)
    assert lineage.calls == [
        ("TestDb/TestTable", "lookup", {"transform": spec[0]}),
        ("TestDb/TestTable", "lookup", {"transform": spec[1]}),
    ]


def test_multilookup_adds_the_return_attributes_in_alphabetical_order(spark, lookup_ctx):
    df = spark.createDataFrame(ROWS, SCHEMA)
    spec = [{"lookup_group": "unittest-lookup", "match_columns": ["id", "date"], "return_attributes": ["b", "a"]}]
    out = multilookup(df, spec, lookup_ctx)
    assert out.columns == ["id", "date", "a", "b"]
    assert out.schema["a"].dataType == T.StringType()
    assert sorted((r.id, r.a, r.b) for r in out.collect()) == [(1, "1", "2"), (2, "3", "4")]


def test_multilookup_nomatch_fills_every_return_attribute(spark, lookup_ctx):
    df = spark.createDataFrame([(1, "1/1/2021"), (2, "12/31/2021")], SCHEMA)
    spec = [
        {"lookup_group": "unittest-lookup", "match_columns": ["id", "date"], "return_attributes": ["a", "b"], "nomatch": "N/A"}
    ]
    out = multilookup(df, spec, lookup_ctx)
    assert [(r.a, r.b) for r in out.collect()] == [("N/A", "N/A"), ("N/A", "N/A")]


def test_multilookup_key_skips_null_match_columns(spark, lookup_ctx):
    table = boto3.resource("dynamodb").Table(lookup_ctx.tables.multi_lookup_table)
    table.put_item(Item={"lookup_group": "nulls", "lookup_item": "7", "a": "seven"})
    df = spark.createDataFrame([(7, None)], SCHEMA)
    spec = [{"lookup_group": "nulls", "match_columns": ["id", "date"], "return_attributes": ["a"]}]
    assert multilookup(df, spec, lookup_ctx).collect()[0].a == "seven"


def test_multilookup_empty_group_is_an_error_naming_the_group(spark, lookup_ctx):
    df = spark.createDataFrame(ROWS, SCHEMA)
    spec = [{"lookup_group": "no-such-group", "match_columns": ["id", "date"], "return_attributes": ["a", "b"]}]
    with pytest.raises(DataError, match=r"multilookup\[0\]\.lookup_group: No lookup data found for lookup_group no-such-group"):
        multilookup(df, spec, lookup_ctx)


def test_multilookup_return_attribute_already_in_the_data_is_an_error(spark, lookup_ctx):
    df = spark.createDataFrame([(1, "1/1/2022", "old")], "id int, date string, a string")
    spec = [{"lookup_group": "unittest-lookup", "match_columns": ["id", "date"], "return_attributes": ["a"]}]
    with pytest.raises(DataError, match=r"multilookup\[0\]\.return_attributes: .*'a' already exist"):
        multilookup(df, spec, lookup_ctx)


def test_multilookup_entries_are_sequential(spark, lookup_ctx):
    table = boto3.resource("dynamodb").Table(lookup_ctx.tables.multi_lookup_table)
    table.put_item(Item={"lookup_group": "second", "lookup_item": "1-2", "c": "chained"})
    df = spark.createDataFrame(ROWS, SCHEMA)
    spec = [
        {"lookup_group": "unittest-lookup", "match_columns": ["id", "date"], "return_attributes": ["a", "b"]},
        {"lookup_group": "second", "match_columns": ["a", "b"], "return_attributes": ["c"]},
    ]
    out = multilookup(df, spec, lookup_ctx)
    assert sorted((r.id, r.c) for r in out.collect()) == [(1, "chained"), (2, None)]


def test_query_lookup_group_follows_every_page(lookup_ctx):
    table_name = lookup_ctx.tables.multi_lookup_table
    items = store.query_lookup_group(table_name, "unittest-lookup", ["a", "b"], page_size=1)
    assert sorted((i["lookup_item"], i["a"], i["b"]) for i in items) == [("1-1/1/2022", "1", "2"), ("2-12/31/2022", "3", "4")]


def test_query_lookup_group_reads_many_pages_and_reserved_attribute_names(moto_endpoint):
    table_name = _create_table("lookup_group", "lookup_item")
    store.put_items(
        table_name,
        ({"lookup_group": "big", "lookup_item": f"{n:04}", "state": f"S{n}", "name": f"N{n}"} for n in range(250)),
    )
    items = store.query_lookup_group(table_name, "big", ["state", "name"], page_size=7)
    assert len(items) == 250
    assert {i["state"] for i in items} == {f"S{n}" for n in range(250)}
    assert set(items[0]) == {"lookup_item", "state", "name"}
