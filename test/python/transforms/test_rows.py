"""Row and merge transforms against the reference expectations (behaviour reference §15.2, §23)."""

from __future__ import annotations

import pytest
from insurancelake_etl.errors import ConfigError, DataError
from insurancelake_etl.transforms import run_transforms
from insurancelake_etl.transforms.rows import filldown, filterrows, merge, rownumber
from pyspark.sql import types as T

POLICIES = [
    (1, "policyline1", "a"),
    (2, None, "b"),
    (3, None, "c"),
    (4, "policyline2", "d"),
    (5, None, "e"),
]


def policies(spark):
    return spark.createDataFrame(POLICIES, "id int, policyline string, other string")


# merge


def test_merge_without_flag_keeps_empty_string_and_falls_back_to_default(spark, ctx):
    df = spark.createDataFrame([("", "B"), (None, None), (None, "B")], "a string, b string")
    out = merge(df, [{"field": "m", "source_list": ["a", "b"], "default": "N/A"}], ctx)
    assert out.columns == ["a", "b", "m"]
    assert [r.m for r in out.collect()] == ["", "N/A", "B"]


def test_merge_with_empty_string_is_null_falls_through_to_next_source_or_default(spark, ctx):
    df = spark.createDataFrame([("", "coverageB"), ("", ""), ("A", "B")], "a string, b string")
    spec = [{"field": "m", "source_list": ["a", "b"], "default": "N/A", "empty_string_is_null": True}]
    assert [r.m for r in merge(df, spec, ctx).collect()] == ["coverageB", "N/A", "A"]


def test_merge_without_default_leaves_null(spark, ctx):
    df = spark.createDataFrame([(None, None)], "a string, b string")
    assert merge(df, [{"field": "m", "source_list": ["a", "b"]}], ctx).collect()[0].m is None


def test_merge_is_batch_later_entries_read_the_block_input(spark, ctx):
    df = spark.createDataFrame([(None, "x")], "a string, b string")
    spec = [
        {"field": "a", "source_list": ["a", "b"]},
        {"field": "c", "source_list": ["a"], "default": "input a was null"},
    ]
    row = merge(df, spec, ctx).collect()[0]
    assert (row.a, row.c) == ("x", "input a was null")


def test_merge_numeric_default_keeps_numeric_type(spark, ctx):
    df = spark.createDataFrame([(None,), (5,)], "a int")
    out = merge(df, [{"field": "a", "source_list": ["a"], "default": 0}], ctx)
    assert out.schema["a"].dataType == T.IntegerType()
    assert [r.a for r in out.collect()] == [0, 5]


def test_merge_missing_source_names_the_entry(spark, ctx):
    df = spark.createDataFrame([("x",)], "a string")
    with pytest.raises(DataError, match=r"merge\[0\]\.source_list.*'merge'.*'zz'"):
        merge(df, [{"field": "m", "source_list": ["a", "zz"]}], ctx)


def test_merge_records_one_lineage_call_per_entry_with_the_entry(spark, ctx, lineage):
    df = spark.createDataFrame([("x", "y")], "a string, b string")
    spec = [{"field": "m", "source_list": ["a"]}, {"field": "n", "source_list": ["b"]}]
    run_transforms(df, {"merge": spec}, ctx)
    assert lineage.calls == [
        ("TestDb/TestTable", "merge", {"transform": spec[0]}),
        ("TestDb/TestTable", "merge", {"transform": spec[1]}),
    ]


# filldown


def test_filldown_fills_nulls_with_the_value_above(spark, ctx):
    out = filldown(policies(spark), [{"field": "policyline"}], ctx)
    values = [r.policyline for r in out.orderBy("id").collect()]
    assert values == ["policyline1"] * 3 + ["policyline2"] * 2
    assert out.columns == ["id", "policyline", "other"]


def test_filldown_leading_nulls_stay_null_and_sort_orders_the_fill(spark, ctx):
    df = spark.createDataFrame([(3, "c"), (1, None), (2, "b"), (4, None)], "id int, v string")
    out = filldown(df, [{"field": "v", "sort": ["id"]}], ctx)
    assert [(r.id, r.v) for r in out.orderBy("id").collect()] == [(1, None), (2, "b"), (3, "c"), (4, "c")]


def test_filldown_is_sequential_and_removes_its_helper_column(spark, ctx):
    df = spark.createDataFrame([(1, "a", None), (2, None, None)], "id int, x string, y string")
    out = filldown(df, [{"field": "x", "sort": ["id"]}, {"field": "y", "sort": ["id"]}], ctx)
    assert out.columns == ["id", "x", "y"]
    assert [r.x for r in out.orderBy("id").collect()] == ["a", "a"]


def test_filldown_missing_field_names_the_entry(spark, ctx):
    with pytest.raises(DataError, match=r"filldown\[0\]\.sort.*'nope'"):
        filldown(policies(spark), [{"field": "policyline", "sort": ["nope"]}], ctx)


def test_filldown_records_lineage_per_entry(spark, ctx, lineage):
    spec = [{"field": "policyline"}]
    run_transforms(policies(spark), {"filldown": spec}, ctx)
    assert lineage.calls == [("TestDb/TestTable", "filldown", {"transform": spec[0]})]


# rownumber


def test_rownumber_numbers_all_rows_from_one(spark, ctx):
    out = rownumber(policies(spark), [{"field": "row", "sort": ["id"]}], ctx)
    assert out.schema["row"].dataType == T.IntegerType()
    assert [(r.id, r.row) for r in out.orderBy("id").collect()] == [(i, i) for i in range(1, 6)]


def test_rownumber_without_sort_numbers_one_to_n(spark, ctx):
    out = rownumber(policies(spark), [{"field": "row"}], ctx)
    assert sorted(r.row for r in out.collect()) == [1, 2, 3, 4, 5]


def test_rownumber_restarts_in_each_partition(spark, ctx):
    df = spark.createDataFrame([("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2)], "g string, n int")
    out = rownumber(df, [{"field": "row", "partition": ["g"], "sort": ["n"]}], ctx)
    maxima = {r.g: r["max(row)"] for r in out.groupBy("g").max("row").collect()}
    assert maxima == {"a": 3, "b": 2}


def test_rownumber_is_sequential_later_entries_see_earlier_rows(spark, ctx):
    df = spark.createDataFrame([(2,), (1,)], "n int")
    out = rownumber(df, [{"field": "first", "sort": ["n"]}, {"field": "second", "sort": ["first"]}], ctx)
    assert [(r.first, r.second) for r in out.orderBy("n").collect()] == [(1, 1), (2, 2)]


def test_rownumber_missing_partition_column_names_the_entry(spark, ctx):
    with pytest.raises(DataError, match=r"rownumber\[0\]\.partition"):
        rownumber(policies(spark), [{"field": "row", "partition": ["nope"]}], ctx)


# filterrows


def test_filterrows_keeps_rows_where_the_condition_is_true(spark, ctx):
    out = filterrows(policies(spark), [{"condition": "policyline is not null", "description": "x"}], ctx)
    assert sorted(r.id for r in out.collect()) == [1, 4]


def test_filterrows_drops_rows_where_the_condition_is_null(spark, ctx):
    out = filterrows(policies(spark), [{"condition": "policyline = 'policyline1' or id > 4"}], ctx)
    # Row 5: null = ... is null, but "or id > 4" is true, so it stays; rows 2 and 3 give null and go.
    assert sorted(r.id for r in out.collect()) == [1, 5]


def test_filterrows_applies_entries_in_turn(spark, ctx):
    spec = [{"condition": "id > 1"}, {"condition": "`other` != 'e'"}]
    assert sorted(r.id for r in filterrows(policies(spark), spec, ctx).collect()) == [2, 3, 4]


def test_filterrows_invalid_condition_is_a_config_error_naming_the_entry(spark, ctx):
    with pytest.raises(ConfigError, match=r"filterrows\[1\]\.condition.*'nope = 1'"):
        filterrows(policies(spark), [{"condition": "id > 0"}, {"condition": "nope = 1"}], ctx)


def test_filterrows_records_one_lineage_call_after_all_entries(spark, ctx, lineage):
    spec = [{"condition": "id > 1"}, {"condition": "id < 5"}]
    run_transforms(policies(spark), {"filterrows": spec}, ctx)
    assert lineage.calls == [("TestDb/TestTable", "filterrows", {"transform": spec})]


@pytest.mark.parametrize(
    ("transform_spec", "path"),
    [
        ({"merge": [{"field": "a", "source_list": []}]}, r"\$\.transform_spec\.merge\[0\]\.source_list"),
        ({"merge": [{"field": "a", "source_list": ["b"], "empty_string_is_null": "no"}]}, r"merge\[0\]\.empty_string_is_null"),
        ({"filldown": [{"field": "a", "sort": "b"}]}, r"\$\.transform_spec\.filldown\[0\]\.sort"),
        ({"rownumber": [{"partition": ["b"]}]}, r"rownumber\[0\]: missing required key 'field'"),
        ({"filterrows": [{"description": "x"}]}, r"filterrows\[0\]: missing required key 'condition'"),
    ],
)
def test_bad_row_specs_fail_validation_with_a_json_path(ctx, transform_spec, path):
    from insurancelake_etl.spec_schema import validate_spec

    with pytest.raises(ConfigError, match=path):
        validate_spec({"transform_spec": transform_spec}, ctx.spec_file)


def test_reference_example_row_entries_validate(ctx):
    from insurancelake_etl.spec_schema import validate_spec

    validate_spec(
        {
            "transform_spec": {
                "merge": [{"field": "m", "source_list": ["a", "b"], "default": "Unknown", "empty_string_is_null": False}],
                "filldown": [{"field": "category"}, {"field": "subcategory", "sort": ["timestamp"]}],
                "rownumber": [{"field": "row_number"}, {"field": "i", "partition": ["p"], "sort": ["s"]}],
                "filterrows": [{"description": "required", "condition": "claim_number is not null"}],
            }
        },
        ctx.spec_file,
    )
