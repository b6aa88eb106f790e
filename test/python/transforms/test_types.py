"""Type conversion transforms against the reference expectations (behaviour reference §15.2, §23)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from insurancelake_etl.errors import ConfigError, DataError
from insurancelake_etl.transforms import run_transforms
from insurancelake_etl.transforms.types import (
    changetype,
    currency,
    date,
    implieddecimal,
    timestamp,
    titlecase,
)
from pyspark.sql import types as T


def dtype(df, name):
    return df.schema[name].dataType


# date / timestamp


def test_date_parses_single_digit_months_and_days(spark, ctx):
    df = spark.createDataFrame([("1/1/2022",), ("12/31/2022",), ("2/9/2023",)], ["d"])
    out = date(df, [{"field": "d", "format": "M/d/yyyy"}], ctx)
    assert dtype(out, "d") == T.DateType()
    assert [r.d for r in out.collect()] == [
        datetime.date(2022, 1, 1),
        datetime.date(2022, 12, 31),
        datetime.date(2023, 2, 9),
    ]


def test_date_with_two_digit_pattern_on_single_digit_value_raises_legacy_parser_error(spark, ctx):
    df = spark.createDataFrame([("1/1/2022",)], ["d"])
    out = date(df, [{"field": "d", "format": "MM/dd/yyyy"}], ctx)
    # The task failure wraps Spark's SparkUpgradeException; the message names the setting to change.
    with pytest.raises(Exception, match="spark.sql.legacy.timeParserPolicy") as error:
        out.collect()
    assert "SparkUpgradeException" in str(error.value)


def test_date_unparseable_text_and_null_give_null(spark, ctx):
    df = spark.createDataFrame([("not a date",), (None,)], "d string")
    out = date(df, [{"field": "d", "format": "yyyy-MM-dd"}], ctx)
    assert [r.d for r in out.collect()] == [None, None]


def test_date_from_source_appends_new_field_and_keeps_source(spark, ctx):
    df = spark.createDataFrame([("2022-03-04", 1)], ["raw", "id"])
    out = date(df, [{"field": "eff", "source": "raw", "format": "yyyy-MM-dd"}], ctx)
    assert out.columns == ["raw", "id", "eff"]
    assert out.collect()[0].eff == datetime.date(2022, 3, 4)


def test_date_is_batch_entries_read_the_block_input(spark, ctx):
    df = spark.createDataFrame([("2022-03-04",)], ["raw"])
    spec = [
        {"field": "raw", "format": "yyyy-MM-dd"},
        # Reads the original text column, not the converted date of the first entry.
        {"field": "copy", "source": "raw", "format": "yyyy-MM-dd"},
    ]
    out = date(df, spec, ctx)
    assert out.collect()[0].copy == datetime.date(2022, 3, 4)


def test_date_last_entry_for_a_field_wins(spark, ctx):
    df = spark.createDataFrame([("2022-03-04", "04/03/2022")], ["a", "b"])
    spec = [
        {"field": "d", "source": "a", "format": "yyyy-MM-dd"},
        {"field": "d", "source": "b", "format": "dd/MM/yyyy"},
    ]
    out = date(df, spec, ctx)
    assert out.columns == ["a", "b", "d"]
    assert out.collect()[0].d == datetime.date(2022, 3, 4)


def test_date_missing_source_names_transform_field_and_spec_path(spark, ctx):
    df = spark.createDataFrame([("x",)], ["a"])
    spec = [{"field": "a", "format": "yyyy"}, {"field": "b", "source": "nope", "format": "yyyy"}]
    with pytest.raises(DataError) as error:
        date(df, spec, ctx)
    message = str(error.value)
    assert "etl/transformation-spec/TestDb-TestTable.json" in message
    assert "$.transform_spec.date[1].source" in message
    assert "'date'" in message and "'nope'" in message


def test_timestamp_parses_with_pattern(spark, ctx):
    df = spark.createDataFrame([("2022-01-02 03:04:05",), ("garbage",)], ["t"])
    out = timestamp(df, [{"field": "t", "format": "yyyy-MM-dd HH:mm:ss"}], ctx)
    assert dtype(out, "t") == T.TimestampType()
    assert [r.t for r in out.collect()] == [datetime.datetime(2022, 1, 2, 3, 4, 5), None]


def test_date_records_dateconversion_lineage(spark, ctx, lineage):
    df = spark.createDataFrame([("2022-01-01",)], ["d"])
    spec = [{"field": "d", "format": "yyyy-MM-dd"}]
    run_transforms(df, {"date:2": spec}, ctx)
    assert lineage.calls == [("TestDb/TestTable", "dateconversion", {"transform": spec})]


# changetype


def test_changetype_casts_to_bigint_decimal_and_string(spark, ctx):
    df = spark.createDataFrame([("12345678901", "12.345", 7)], ["big", "dec", "num"])
    out = changetype(df, {"big": "bigint", "dec": "decimal(10,2)", "num": "string"}, ctx)
    assert dtype(out, "big") == T.LongType()
    assert dtype(out, "dec") == T.DecimalType(10, 2)
    assert dtype(out, "num") == T.StringType()
    row = out.collect()[0]
    assert (row.big, row.dec, row.num) == (12345678901, Decimal("12.35"), "7")


def test_changetype_invalid_value_gives_null(spark, ctx):
    df = spark.createDataFrame([("abc",)], ["n"])
    assert changetype(df, {"n": "int"}, ctx).collect()[0].n is None


def test_changetype_json_turns_struct_into_json_text(spark, ctx):
    df = spark.createDataFrame([((1, "x"),)], "s struct<a:int,b:string>")
    out = changetype(df, {"s": "JSON"}, ctx)
    assert dtype(out, "s") == T.StringType()
    assert out.collect()[0].s == '{"a":1,"b":"x"}'


def test_changetype_struct_cast_renames_nested_fields_by_position(spark, ctx):
    df = spark.createDataFrame([((1, "x"),)], "s struct<a:int,b:string>")
    out = changetype(df, {"s": "struct<id:bigint,name:string>"}, ctx)
    assert dtype(out, "s").simpleString() == "struct<id:bigint,name:string>"
    assert out.collect()[0].s.asDict() == {"id": 1, "name": "x"}


def test_changetype_unknown_type_is_a_config_error_naming_the_field(spark, ctx):
    df = spark.createDataFrame([("1",)], ["n"])
    with pytest.raises(ConfigError, match=r"\$\.transform_spec\.changetype\.n: .*'integr'"):
        changetype(df, {"n": "integr"}, ctx)


def test_changetype_missing_field_is_a_data_error(spark, ctx):
    df = spark.createDataFrame([("1",)], ["n"])
    with pytest.raises(DataError, match=r"changetype\.missing.*'changetype'"):
        changetype(df, {"missing": "int"}, ctx)


def test_changetype_records_one_call_with_the_dict(spark, ctx, lineage):
    df = spark.createDataFrame([("1",)], ["n"])
    run_transforms(df, {"changetype": {"n": "int"}}, ctx)
    assert lineage.operations() == ["changetype"]


# implieddecimal


def test_implieddecimal_places_the_implied_point(spark, ctx):
    df = spark.createDataFrame([("12345",), ("-500",), ("7",), ("1.5",), (None,)], ["amt"])
    out = implieddecimal(df, [{"field": "amt", "format": "10,2"}], ctx)
    assert dtype(out, "amt") == T.DecimalType(10, 2)
    # Fewer than N+1 digits, or a value that already has a point, does not match: null.
    assert [r.amt for r in out.collect()] == [Decimal("123.45"), Decimal("-5.00"), None, None, None]


def test_implieddecimal_num_implied_as_string_and_numeric_source(spark, ctx):
    df = spark.createDataFrame([(123456,)], ["amt"])
    spec = [{"field": "out", "source": "amt", "format": "12,4", "num_implied": "3"}]
    out = implieddecimal(df, spec, ctx)
    assert out.collect()[0].out == Decimal("123.4560")


def test_implieddecimal_bad_format_names_the_entry(spark, ctx):
    df = spark.createDataFrame([("1",)], ["amt"])
    with pytest.raises(ConfigError, match=r"implieddecimal\[0\]\.format.*precision,scale"):
        implieddecimal(df, [{"field": "amt", "format": "10.2"}], ctx)


# currency


def test_currency_us_format_strips_symbols_and_thousands(spark, ctx):
    df = spark.createDataFrame([("$1,234,567.89",), ("-$2,000",), ("USD 0.5",), (None,)], ["p"])
    out = currency(df, [{"field": "p", "format": "10,2"}], ctx)
    assert dtype(out, "p") == T.DecimalType(10, 2)
    assert [r.p for r in out.collect()] == [
        Decimal("1234567.89"),
        Decimal("-2000.00"),
        Decimal("0.50"),
        None,
    ]


def test_currency_euro_treats_dots_as_thousands_and_comma_as_decimal(spark, ctx):
    df = spark.createDataFrame([("$1.234.567,89",), ("-$2.000",), ("€ 12,5",)], ["p"])
    out = currency(df, [{"field": "p", "euro": True}], ctx)
    assert dtype(out, "p") == T.DecimalType(16, 2)
    assert [r.p for r in out.collect()] == [Decimal("1234567.89"), Decimal("-2000.00"), Decimal("12.50")]


def test_currency_us_and_euro_sums_agree(spark, ctx):
    df = spark.createDataFrame(
        [("$1,234,567.89", "$1.234.567,89"), ("-$2,000", "-$2.000"), ("$600.00", "$600,00")], ["us", "eu"]
    )
    out = currency(df, [{"field": "us", "format": "10,2"}, {"field": "eu", "format": "10,2", "euro": True}], ctx)
    rows = out.collect()
    assert sum(r.us for r in rows) == sum(r.eu for r in rows) == Decimal("1233167.89")


def test_currency_double_source_is_cast_without_regex(spark, ctx):
    df = spark.createDataFrame([(1234.5,), (-1e-3,)], ["p"])
    out = currency(df, [{"field": "p"}], ctx)
    assert [r.p for r in out.collect()] == [Decimal("1234.50"), Decimal("0.00")]


def test_currency_empty_string_gives_null(spark, ctx):
    df = spark.createDataFrame([("",), ("$",)], ["p"])
    assert [r.p for r in currency(df, [{"field": "p"}], ctx).collect()] == [None, None]


def test_currency_missing_source_raises_a_key_error_naming_the_entry(spark, ctx):
    df = spark.createDataFrame([("1",)], ["p"])
    with pytest.raises(KeyError, match=r"currency\[0\]\.field.*'q' not found"):
        currency(df, [{"field": "q"}], ctx)


def test_currency_records_currencyconversion_lineage(spark, ctx, lineage):
    df = spark.createDataFrame([("1",)], ["p"])
    run_transforms(df, {"currency": [{"field": "p"}]}, ctx)
    assert lineage.operations() == ["currencyconversion"]


# titlecase


def test_titlecase_capitalises_words_and_lowercases_the_rest(spark, ctx):
    df = spark.createDataFrame([("test string",), ("McDONALD",), (None,), ("",)], ["name"])
    out = titlecase(df, ["name"], ctx)
    assert [r.name for r in out.collect()] == ["Test String", "Mcdonald", None, ""]


def test_titlecase_missing_field_names_the_index(spark, ctx):
    df = spark.createDataFrame([("a",)], ["name"])
    with pytest.raises(DataError, match=r"titlecase\[1\]"):
        titlecase(df, ["name", "other"], ctx)


def test_titlecase_records_titlecaseconversion_lineage(spark, ctx, lineage):
    df = spark.createDataFrame([("a",)], ["name"])
    run_transforms(df, {"titlecase": ["name"]}, ctx)
    assert lineage.calls == [("TestDb/TestTable", "titlecaseconversion", {"transform": ["name"]})]


def test_deprecated_decimal_transform_casts_like_changetype_and_records_changetype(spark, ctx, lineage):
    df = spark.createDataFrame([("12.345",)], ["amt"])
    out = run_transforms(df, {"decimal": [{"field": "amt", "format": "10,2"}]}, ctx)
    assert out.schema["amt"].dataType == T.DecimalType(10, 2)
    assert out.collect()[0].amt == Decimal("12.35")
    assert lineage.calls == [("TestDb/TestTable", "changetype", {"transform": {"amt": "decimal(10,2)"}})]


# spec validation of this family's fragments (the full spec schema is assembled from the registry)

REFERENCE_EXAMPLE = {
    "date": [
        {"field": "StartDate", "format": "M/d/yy"},
        {"field": "valuationdate", "source": "valuationdatestring", "format": "yyyyMMdd"},
    ],
    "date:2": [{"field": "EffectiveDate", "format": "yyyy-MM-dd"}],
    "timestamp": [{"field": "DataLoadTimestamp", "source": "DataLoadString", "format": "yyyy-MM-dd HH:mm:ss.SSSZ"}],
    "changetype": {"PrimaryKeyId": "bigint", "notes_struct": "json", "addr": "struct<a:string,b:struct<c:string>>"},
    "implieddecimal": [
        {"field": "paid", "num_implied": "4", "format": "16,4"},
        {"field": "claim_amount", "source": "claim_amount_string", "format": "16,2"},
    ],
    "currency": [{"field": "SmallDollars", "format": "6,2"}, {"field": "EuroValue", "source": "Euro", "euro": True}],
    "titlecase": ["CompanyName", "AddressStreet"],
}


def test_reference_example_entries_validate(ctx):
    from insurancelake_etl.spec_schema import validate_spec

    validate_spec({"transform_spec": REFERENCE_EXAMPLE}, ctx.spec_file)


@pytest.mark.parametrize(
    ("transform_spec", "path"),
    [
        ({"currency": [{"field": "a", "format": "10.2"}]}, r"\$\.transform_spec\.currency\[0\]\.format"),
        ({"date:2": [{"field": "a"}]}, r"\$\.transform_spec\.date:2\[0\]: missing required key 'format'"),
        ({"timestamp": [{"format": "yyyy"}]}, r"\$\.transform_spec\.timestamp\[0\]: missing required key 'field'"),
        ({"changetype": {"a": 1}}, r"\$\.transform_spec\.changetype\.a"),
        ({"implieddecimal": [{"field": "a", "format": "16,2", "num_implied": "x"}]}, r"implieddecimal\[0\]\.num_implied"),
        ({"currency": [{"field": "a", "euro": "yes"}]}, r"\$\.transform_spec\.currency\[0\]\.euro"),
        ({"titlecase": "name"}, r"\$\.transform_spec\.titlecase: .*expected array"),
    ],
)
def test_bad_type_conversion_specs_fail_validation_with_a_json_path(ctx, transform_spec, path):
    from insurancelake_etl.spec_schema import validate_spec

    with pytest.raises(ConfigError, match=path):
        validate_spec({"transform_spec": transform_spec}, ctx.spec_file)
