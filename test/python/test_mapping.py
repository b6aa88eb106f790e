"""Schema mapping (reference §14, matrix §14.3, D7, D13) and the recommendations (§8.6, §8.7)."""

from __future__ import annotations

import logging

import pytest
from pyspark.errors import AnalysisException
from pyspark.sql.types import ArrayType, DoubleType, FloatType, LongType, StringType, StructField, StructType

from insurancelake_etl import mapping
from insurancelake_etl.errors import ConfigError
from insurancelake_etl.readers import recommended_input_spec


def row(source: str, dest: str, threshold: str | None = None, scorer: str | None = None, **extra) -> dict:
    return {"sourcename": source, "destname": dest, "threshold": threshold, "scorer": scorer, **extra}


@pytest.fixture(scope="module")
def policies(spark):
    return spark.createDataFrame([("P1", 100.5, "CA"), ("P2", 200.0, "NY")], ["Policy Number", "Premium", "State"])


def test_escape_adds_backticks_unless_present():
    assert mapping.escape("a.b") == "`a.b`"
    assert mapping.escape("`a`.`b`") == "`a`.`b`"
    assert mapping.unescape("`a`.`b`") == "a.b"


def test_direct_rows_rename_in_mapping_file_order(policies, ctx):
    out = mapping.apply_mapping(policies, [row("State", "state"), row("Policy Number", "policy_number")], ctx, strict=False)
    assert out.columns == ["state", "policy_number"]
    assert [tuple(r) for r in out.collect()] == [("CA", "P1"), ("NY", "P2")]


def test_field_present_and_mapped_is_included_in_strict_mode(policies, ctx):
    out = mapping.apply_mapping(policies, [row("Premium", "premium")], ctx, strict=True)
    assert out.schema["premium"].dataType == DoubleType()


def test_missing_field_is_silently_skipped_when_not_strict(policies, ctx):
    out = mapping.apply_mapping(policies, [row("Missing", "missing"), row("State", "state")], ctx, strict=False)
    assert out.columns == ["state"]


def test_missing_field_fails_with_analysis_exception_when_strict(policies, ctx):
    with pytest.raises(AnalysisException):
        mapping.apply_mapping(policies, [row("Missing", "missing"), row("State", "state")], ctx, strict=True)


@pytest.mark.parametrize("null", ["null", "NULL", "Null"])
def test_null_destination_drops_the_field_in_any_case(policies, ctx, null):
    out = mapping.apply_mapping(policies, [row("State", "state"), row("Premium", null)], ctx, strict=True)
    assert out.columns == ["state"]


def test_null_row_for_missing_field_under_strict_only_warns(policies, ctx, caplog):
    caplog.set_level(logging.WARNING)
    out = mapping.apply_mapping(policies, [row("State", "state"), row("Gone", "null")], ctx, strict=True)
    assert out.columns == ["state"]
    assert "'Gone', which is not in the source data" in caplog.text


def test_unlisted_fields_are_dropped_and_logged_as_discarded(policies, ctx, caplog):
    caplog.set_level(logging.INFO)
    out = mapping.apply_mapping(policies, [row("State", "state")], ctx, strict=False)
    assert out.columns == ["state"]
    assert "discarded unmapped fields ['policy number', 'premium']" in caplog.text.lower()


def test_discarded_and_fuzzy_diagnostics_are_printed_on_stdout_as_the_reference_prints_them(spark, ctx, capsys):
    df = spark.createDataFrame([(1, 2, "x")], ["test_column_1", "Premium", "extra"])
    mapping.apply_mapping(df, [row("Premium", "premium"), row("1_column_test", "mapped", "90", "token_sort_ratio")], ctx, strict=False)
    out = capsys.readouterr().out
    assert "Fuzzy matched '1_column_test' to 'test_column_1' with score 100.0 (threshold 90): mapped" in out
    assert "Discarded unmapped fields ['extra']" in out


def test_two_rows_with_the_same_destname_are_a_config_error_naming_both_lines():
    rows = [row("A", "policy_id"), row("B", "premium"), row("C", "Policy_ID"), row("D", "null"), row("E", "null")]
    with pytest.raises(ConfigError, match=r"^m.csv: line 4: DestName 'Policy_ID' is the target of rows 2 and 4; expected each DestName once$"):
        mapping.check_unique_targets(rows, "m.csv")


def test_second_row_for_an_already_mapped_source_is_skipped(policies, ctx):
    out = mapping.apply_mapping(policies, [row("State", "state"), row("State", "state_copy")], ctx, strict=False)
    assert out.columns == ["state"]


def test_fuzzy_token_sort_ratio_maps_reordered_words(spark, ctx):
    df = spark.createDataFrame([(1, "a")], ["test_column_1", "other"])
    out = mapping.apply_mapping(df, [row("1_column_test", "mapped", "90", "token_sort_ratio")], ctx, strict=False)
    assert out.columns == ["mapped"]
    assert out.collect()[0].mapped == 1


def test_fuzzy_row_below_threshold_is_dropped_even_when_strict(spark, ctx):
    df = spark.createDataFrame([(1,)], ["policy_effective_date"])
    out = mapping.apply_mapping(df, [row("expiry", "expiry", "95", "ratio")], ctx, strict=True)
    assert out.columns == []


def test_fuzzy_columns_come_after_direct_columns(spark, ctx):
    df = spark.createDataFrame([(1, 2, 3)], ["claim_amount", "Policy Holder", "state"])
    rows = [row("policy holder name", "holder", "80", "token_set_ratio"), row("state", "state")]
    out = mapping.apply_mapping(df, rows, ctx, strict=False)
    assert out.columns == ["state", "holder"]
    assert tuple(out.collect()[0]) == (3, 2)


def test_fuzzy_matching_ignores_extra_columns_and_records_the_match(spark, ctx, lineage):
    df = spark.createDataFrame([(1,)], ["test_column_1"])
    rows = [row("1 column test", "mapped", "90", "token_set_ratio", description="extra key")]
    mapping.apply_mapping(df, rows, ctx, strict=False)
    assert rows[0]["match"] == "test_column_1"
    assert lineage.calls == [("TestDb/TestTable", "mapping", {"map": rows})]


def test_fuzzy_only_considers_fields_still_unmapped(spark, ctx):
    df = spark.createDataFrame([(1, 2)], ["premium", "premium_amt"])
    rows = [row("premium", "p"), row("premium", "fuzzy", "50", "ratio")]
    out = mapping.apply_mapping(df, rows, ctx, strict=False)
    assert out.columns == ["p", "fuzzy"]
    assert tuple(out.collect()[0]) == (1, 2)


NESTED = StructType(
    [
        StructField("id", LongType()),
        StructField(
            "name",
            StructType([StructField("firstname", StringType()), StructField("lastname", StringType())]),
        ),
        StructField("claims", ArrayType(StructType([StructField("amount", LongType())]))),
        StructField("a.b", StringType()),
    ]
)


@pytest.fixture(scope="module")
def nested(spark):
    return spark.createDataFrame([(1, ("Ann", "Lee"), [(10,), (20,)], "dotted")], NESTED)


def test_flatten_schema_lists_every_level_with_escaped_references(nested):
    flat = mapping.flatten_schema(nested.schema)
    assert list(flat) == ["id", "name", "name.firstname", "name.lastname", "claims", "claims.amount", "a.b"]
    assert flat["name.firstname"] == "`name`.`firstname`"
    assert flat["a.b"] == "`a.b`"


def test_nested_direct_mapping_lifts_value_to_top_level(nested, ctx):
    out = mapping.apply_mapping(nested, [row("`name`.`firstname`", "first_name")], ctx, strict=False)
    assert out.columns == ["first_name"]
    assert out.collect()[0].first_name == "Ann"


def test_dotted_name_without_backticks_is_a_top_level_column(nested, ctx):
    out = mapping.apply_mapping(nested, [row("a.b", "ab")], ctx, strict=False)
    assert out.collect()[0].ab == "dotted"


def test_field_inside_array_of_structs_gives_an_array(nested, ctx):
    out = mapping.apply_mapping(nested, [row("`claims`.`amount`", "amounts")], ctx, strict=False)
    assert out.schema["amounts"].dataType == ArrayType(LongType())
    assert out.collect()[0].amounts == [10, 20]


def test_fuzzy_match_of_a_nested_name_selects_the_nested_field(nested, ctx):
    out = mapping.apply_mapping(nested, [row("id", "id"), row("lastname name", "surname", "90", "token_sort_ratio")], ctx, strict=False)
    assert out.columns == ["id", "surname"]
    assert out.collect()[0].surname == "Lee"


def test_source_name_with_line_break_maps_exactly(spark, ctx):
    df = spark.createDataFrame([("2024-01-01",)], ["Date\nClosed"])
    out = mapping.apply_mapping(df, [row("Date\nClosed", "date_closed")], ctx, strict=True)
    assert out.collect()[0].date_closed == "2024-01-01"


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("  Policy Number  ", "policy_number"),
        ("Claim(s); {Paid}=Yes,\tNow", "claims_paidyesnow"),
        ("Loss.Date:Time", "loss_date_time"),
        ("Start - End", "start-end"),
        ("a  b", "a_b"),
        ("a" + "_" * 8 + "b", "a__b"),
        ("X" * 300, "x" * 255),
    ],
)
def test_clean_name_rules(name, clean):
    assert mapping.clean_name(name) == clean


def test_clean_column_names_renames_every_top_level_field(spark):
    df = spark.createDataFrame([(1, 2)], ["Policy Number", "premium"])
    assert mapping.clean_column_names(df).columns == ["policy_number", "premium"]


def test_recommended_mapping_csv_lists_every_field(spark):
    df = spark.createDataFrame([(1, 2)], ["Policy Number", "premium"])
    assert mapping.recommended_mapping_csv(df) == "sourcename,destname\r\nPolicy Number,policy_number\r\npremium,premium\r\n"


def test_recommended_spec_suggests_decimal_date_and_timestamp(spark):
    schema = StructType(
        [
            StructField("premium", DoubleType()),
            StructField("rate", FloatType()),
            StructField("EffectiveDate", StringType()),
            StructField("update_datetime", StringType()),
            StructField("count", LongType()),
        ]
    )
    spec = mapping.recommended_spec(spark.createDataFrame([], schema), recommended_input_spec("s3://collect/Db/Tbl/p.csv"))
    assert spec == {
        "transform_spec": {
            "changetype": {"premium": "decimal(16,2)", "rate": "decimal(16,2)"},
            "date": [
                {"field": "EffectiveDate", "format": "MM/dd/yy"},
                {"field": "update_datetime", "format": "MM/dd/yy"},
            ],
            "timestamp": [{"field": "update_datetime", "format": "yyyy-MM-dd HH:mm:ss"}],
        }
    }


@pytest.mark.parametrize("ext", [".xlsx", ".XLSM", ".xls"])
def test_recommended_spec_adds_excel_input_for_excel_files(spark, ext):
    spec = mapping.recommended_spec(spark.createDataFrame([("x",)], ["name"]), recommended_input_spec(f"s3://collect/Db/Tbl/p{ext}"))
    assert spec["input_spec"] == {"excel": {"sheet_names": ["0"], "data_address": "A1", "header": True}}
    assert spec["transform_spec"] == {}
