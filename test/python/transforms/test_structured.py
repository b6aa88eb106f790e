"""Structured-data transforms against the reference expectations (behaviour reference §15.2 rows 28-32, §23)."""

from __future__ import annotations

import pytest
from insurancelake_etl.errors import DataError
from insurancelake_etl.transforms import registered, run_transforms
from insurancelake_etl.transforms.structured import (
    flatten,
    jsonexpandarray,
    jsonexpandmap,
    jsonstructured,
    xmlstructured,
)
from pyspark.sql import types as T

NESTED_ROWS = [
    (("James", None, "Smith"), "OH", "M", [], {"mother": "Sally", "father": "Bill"}),
    (("Anna", "Rose", ""), "NY", "F", [23, 75, 12, 9], {}),
    (("Julia", "", "Williams"), "OH", "F", [5, 6], {"mother": "Samantha", "son": "Terry"}),
]
NESTED_SCHEMA = T.StructType(
    [
        T.StructField(
            "name",
            T.StructType(
                [
                    T.StructField("firstname", T.StringType()),
                    T.StructField("middlename", T.StringType()),
                    T.StructField("lastname", T.StringType()),
                ]
            ),
        ),
        T.StructField("state", T.StringType()),
        T.StructField("gender", T.StringType()),
        T.StructField("picked_numbers", T.ArrayType(T.IntegerType())),
        T.StructField("relatives", T.MapType(T.StringType(), T.StringType())),
    ]
)


@pytest.fixture
def nested(spark):
    return spark.createDataFrame(NESTED_ROWS, schema=NESTED_SCHEMA)


def test_jsonexpandarray_into_new_field_gives_one_row_per_element_and_keeps_empty_arrays(nested, ctx):
    out = jsonexpandarray(
        nested, [{"field": "picked_number", "source": "picked_numbers", "index_field": "index"}], ctx
    )
    assert out.columns[-2:] == ["index", "picked_number"]
    assert "picked_numbers" in out.columns
    rows = [(r.state, r["index"], r.picked_number) for r in out.orderBy("name.firstname", "index").collect()]
    assert rows == [
        ("NY", 1, 23), ("NY", 2, 75), ("NY", 3, 12), ("NY", 4, 9),
        ("OH", None, None),
        ("OH", 1, 5), ("OH", 2, 6),
    ]  # fmt: skip
    assert dict((f.name, f.dataType) for f in out.schema.fields)["index"] == T.IntegerType()


def test_jsonexpandarray_in_place_moves_the_field_to_the_end(nested, ctx):
    out = jsonexpandarray(nested, [{"field": "picked_numbers", "index_field": "index"}], ctx)
    assert out.count() == 7
    assert out.columns == ["name", "state", "gender", "relatives", "index", "picked_numbers"]
    assert out.schema["picked_numbers"].dataType == T.IntegerType()


def test_jsonexpandarray_entries_are_sequential(spark, ctx):
    df = spark.createDataFrame([([[1, 2], [3]],)], "nested array<array<int>>")
    out = jsonexpandarray(
        df,
        [
            {"field": "inner", "source": "nested", "index_field": "outer_index"},
            {"field": "value", "source": "inner", "index_field": "inner_index"},
        ],
        ctx,
    )
    assert sorted((r.outer_index, r.inner_index, r.value) for r in out.collect()) == [
        (1, 1, 1), (1, 2, 2), (2, 1, 3),
    ]  # fmt: skip


def test_jsonexpandarray_on_a_string_column_names_the_entry(nested, ctx):
    with pytest.raises(DataError, match=r"jsonexpandarray\[0\]\.source: .*'state' is string; expected an array"):
        jsonexpandarray(nested, [{"field": "x", "source": "state", "index_field": "i"}], ctx)


def test_jsonexpandarray_missing_source_names_transform_and_spec_path(nested, ctx):
    with pytest.raises(DataError) as error:
        jsonexpandarray(nested, [{"field": "x", "source": "nope", "index_field": "i"}], ctx)
    message = str(error.value)
    assert "TestDb-TestTable.json" in message
    assert "$.transform_spec.jsonexpandarray[0].source" in message
    assert "'nope'" in message


def test_jsonexpandmap_on_a_map_gives_index_key_and_value(nested, ctx):
    out = jsonexpandmap(
        nested,
        [{"field": "relative_type", "source": "relatives", "index_field": "index", "key_field": "map_key"}],
        ctx,
    )
    assert out.columns[-3:] == ["index", "map_key", "relative_type"]
    assert out.count() == 5
    empty = out.where("state = 'NY'").collect()  # an empty map keeps its row, with nulls
    assert [(r["index"], r.map_key, r.relative_type) for r in empty] == [(None, None, None)]
    entries = {(r["index"], r.map_key, r.relative_type) for r in out.where("state = 'OH'").collect()}
    assert {(key, value) for _, key, value in entries} == {
        ("mother", "Sally"), ("father", "Bill"), ("mother", "Samantha"), ("son", "Terry"),
    }  # fmt: skip
    assert {index for index, _, _ in entries} == {1, 2}


def test_jsonexpandmap_on_a_struct_drops_null_fields(nested, ctx):
    out = jsonexpandmap(
        nested,
        [{"field": "name_part", "source": "name", "index_field": "index", "key_field": "map_key"}],
        ctx,
    )
    assert out.count() == 8  # James has a null middle name, which to_json leaves out
    james = sorted((r["index"], r.map_key, r.name_part) for r in out.where("state = 'OH' and gender = 'M'").collect())
    assert james == [(1, "firstname", "James"), (2, "lastname", "Smith")]


def test_jsonexpandmap_in_place_moves_the_field_to_the_end(nested, ctx):
    out = jsonexpandmap(nested, [{"field": "name", "index_field": "index", "key_field": "map_key"}], ctx)
    assert out.count() == 8
    assert out.columns == ["state", "gender", "picked_numbers", "relatives", "index", "map_key", "name"]
    assert out.schema["name"].dataType == T.StringType()


def test_jsonexpandmap_on_an_array_is_a_clear_error(nested, ctx):
    with pytest.raises(DataError, match=r"jsonexpandmap\[0\]\.source: .*expected a map or a struct"):
        jsonexpandmap(
            nested, [{"field": "x", "source": "picked_numbers", "index_field": "i", "key_field": "k"}], ctx
        )


def test_flatten_keeps_the_struct_and_appends_its_subfields(nested, ctx):
    out = flatten(nested, [{"field": "name"}], ctx)
    assert out.columns == [
        "name", "state", "gender", "picked_numbers", "relatives", "firstname", "middlename", "lastname",
    ]  # fmt: skip
    row = out.where("state = 'NY'").first()
    assert (row.firstname, row.middlename, row.lastname) == ("Anna", "Rose", "")


def test_flatten_without_keep_field_drops_the_struct(nested, ctx):
    out = flatten(nested, [{"field": "name", "keep_field": False}], ctx)
    assert out.columns == ["state", "gender", "picked_numbers", "relatives", "firstname", "middlename", "lastname"]


def test_flatten_of_a_non_struct_is_a_clear_error(nested, ctx):
    with pytest.raises(DataError, match=r"flatten\[0\]\.field: .*expected a struct"):
        flatten(nested, [{"field": "state"}], ctx)


JSON_ROWS = [
    (1, '{ "myjson": { "key1": "value1", "key2": "value2" }, "version": 1 }'),
    (2, '{ "myjson": {}, "version": 1 }'),
    (3, None),
]


def test_jsonstructured_infers_the_schema_and_parses(spark, ctx):
    df = spark.createDataFrame(JSON_ROWS, "id int, jsondata string")
    out = jsonstructured(df, ["jsondata"], ctx)
    assert out.columns == ["id", "jsondata"]
    assert out.schema["jsondata"].dataType.simpleString() == (
        "struct<myjson:struct<key1:string,key2:string>,version:bigint>"
    )
    rows = {r.id: r.jsondata for r in out.collect()}
    assert rows[1].myjson.key1 == "value1" and rows[1].version == 1
    assert rows[2].myjson.key1 is None
    assert rows[3] is None
    assert out.filter("`jsondata`.`myjson`.`key1` is not null").count() == 1


def test_json_alias_runs_jsonstructured_and_records_its_lineage(spark, ctx, lineage):
    df = spark.createDataFrame(JSON_ROWS, "id int, jsondata string")
    out = run_transforms(df, {"json": ["jsondata"]}, ctx)
    assert out.filter("`jsondata`.`myjson`.`key1` is not null").count() == 1
    assert lineage.calls == [("TestDb/TestTable", "jsonstructured", {"transform": ["jsondata"]})]


def test_aliases_resolve_to_the_structured_transforms():
    known = registered()
    assert known["json"].name == "jsonstructured"
    assert known["xml"].name == "xmlstructured"


def test_sequential_transforms_record_one_lineage_call_per_entry(nested, ctx, lineage):
    spec = [
        {"field": "picked_number", "source": "picked_numbers", "index_field": "i1"},
        {"field": "picked_numbers", "index_field": "i2"},
    ]
    run_transforms(nested, {"jsonexpandarray": spec}, ctx)
    assert lineage.calls == [
        ("TestDb/TestTable", "jsonexpandarray", {"transform": spec[0]}),
        ("TestDb/TestTable", "jsonexpandarray", {"transform": spec[1]}),
    ]


XML_ROWS = [
    (1, '<?xml version="1.0" encoding="UTF-8"?>\n<metadata>\n    <metd>20230541</metd>\n'
        "    <cntorgp>\n        <cntorg>TestData</cntorg>\n    </cntorgp>\n</metadata>"),
    (2, '<?xml version="1.0" encoding="UTF-8"?>\n<metadata>\n    <metd>20230551</metd>\n'
        "    <cntorgp>\n        <cntorg>TestData2</cntorg>\n    </cntorgp>\n</metadata>"),
]  # fmt: skip


def test_xmlstructured_parses_nested_tags(spark, ctx):
    df = spark.createDataFrame(XML_ROWS, "id int, xmldata string")
    out = xmlstructured(df, ["xmldata"], ctx)
    assert out.filter("`xmldata` is null").count() == 0
    rows = {r.id: r.xmldata for r in out.collect()}
    assert rows[1].cntorgp.cntorg == "TestData"
    assert rows[2].cntorgp.cntorg == "TestData2"
    assert rows[2].metd == 20230551


def test_jsonexpandmap_on_a_struct_of_structs_keeps_the_value_struct(spark, ctx):
    # The nested-policy sample expands the insured address struct {Primary: {...}, Billing: {...}}.
    address = "struct<city:string,state:string,zip:string>"
    df = spark.createDataFrame(
        [(1, (("Columbus", "OH", "43004"), ("Dayton", "OH", "45390")))],
        f"policy int, addresses struct<Primary:{address},Billing:{address}>",
    )
    spec = [{"field": "address", "source": "addresses", "index_field": "i", "key_field": "addresstype"}]
    out = jsonexpandmap(df, spec, ctx)
    assert out.schema["address"].dataType.simpleString() == address
    rows = sorted((r.i, r.addresstype, r.address.city) for r in out.collect())
    assert rows == [(1, "Primary", "Columbus"), (2, "Billing", "Dayton")]
