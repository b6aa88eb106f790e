"""String manipulation transforms against the reference expectations (behaviour reference §15.2, §23)."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from insurancelake_etl.errors import ConfigError, DataError
from insurancelake_etl.transforms import run_transforms
from insurancelake_etl.transforms.strings import (
    columnfromcolumn,
    columnreplace,
    combinecolumns,
    filename,
    literal,
)
from insurancelake_etl.transforms.strings import _format_values
from pyspark.sql import functions as F
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


# filename


def test_filename_sets_first_group_of_the_match(spark, ctx):
    ctx = replace(ctx, base_file_name="policies_20240105_v2.csv")
    df = spark.createDataFrame([(1,), (2,)], ["id"])
    spec = [
        {"field": "file_date", "pattern": r"_(\d{8})_", "required": True},
        {"field": "version", "pattern": r"_v(\d+)\.", "required": False},
    ]
    out = filename(df, spec, ctx)
    assert out.columns == ["id", "file_date", "version"]
    assert [(r.file_date, r.version) for r in out.collect()] == [("20240105", "2")] * 2


def test_filename_optional_pattern_without_match_gives_null_string(spark, ctx):
    df = spark.createDataFrame([(1,)], ["id"])
    out = filename(df, [{"field": "region", "pattern": r"region-(\w+)", "required": False}], ctx)
    assert out.schema["region"].dataType == T.StringType()
    assert out.collect()[0].region is None


def test_filename_required_pattern_without_match_stops_with_the_reference_message(spark, ctx):
    df = spark.createDataFrame([(1,)], ["id"])
    with pytest.raises(RuntimeError) as error:
        filename(df, [{"field": "region", "pattern": r"region-(\w+)", "required": True}], ctx)
    assert isinstance(error.value, DataError)
    assert (
        r"Filename 'testfile.csv' failed to match required pattern region-(\w+) for field 'region'"
        in str(error.value)
    )
    assert "$.transform_spec.filename[0].pattern" in str(error.value)


def test_filename_pattern_without_group_is_a_config_error(spark, ctx):
    df = spark.createDataFrame([(1,)], ["id"])
    with pytest.raises(ConfigError, match=r"filename\[0\]\.pattern.*no capture group"):
        filename(df, [{"field": "x", "pattern": "testfile", "required": False}], ctx)


def test_filename_invalid_regex_is_a_config_error(spark, ctx):
    df = spark.createDataFrame([(1,)], ["id"])
    with pytest.raises(ConfigError, match=r"filename\[0\]\.pattern.*not a valid Python regex"):
        filename(df, [{"field": "x", "pattern": "(unclosed", "required": False}], ctx)


# columnfromcolumn


def test_columnfromcolumn_extracts_group_and_no_match_gives_empty_string(spark, ctx):
    df = spark.createDataFrame([("POL-123-A",), ("none",), (None,)], ["policy"])
    out = columnfromcolumn(df, [{"field": "num", "source": "policy", "pattern": r"POL-(\d+)"}], ctx)
    assert out.columns == ["policy", "num"]
    assert [r.num for r in out.collect()] == ["123", "", None]


def test_columnfromcolumn_in_place_replaces_the_column_where_it_stands(spark, ctx):
    df = spark.createDataFrame([("ab-12", 1)], ["code", "id"])
    out = columnfromcolumn(df, [{"field": "code", "pattern": r"-(\d+)"}], ctx)
    assert out.columns == ["code", "id"]
    assert out.collect()[0].code == "12"


def test_columnfromcolumn_pattern_without_group_is_a_config_error(spark, ctx):
    df = spark.createDataFrame([("a",)], ["code"])
    with pytest.raises(ConfigError, match=r"columnfromcolumn\[0\]\.pattern.*no capture group"):
        columnfromcolumn(df, [{"field": "code", "pattern": r"\d+"}], ctx)


def test_columnfromcolumn_missing_source_names_the_entry(spark, ctx):
    df = spark.createDataFrame([("a",)], ["code"])
    with pytest.raises(DataError, match=r"columnfromcolumn\[0\]\.source.*'columnfromcolumn'.*'nope'"):
        columnfromcolumn(df, [{"field": "x", "source": "nope", "pattern": "(a)"}], ctx)


# columnreplace


def test_columnreplace_turns_zero_date_into_empty_string(spark, ctx):
    df = spark.createDataFrame([("0000-00-00",)], ["d"])
    out = columnreplace(df, [{"field": "d", "pattern": "0000-00-00", "replacement": ""}], ctx)
    rows = out.collect()
    assert len(rows) == 1 and rows[0].d == ""


def test_columnreplace_uses_java_group_references(spark, ctx):
    df = spark.createDataFrame([("2024-01-05",), (None,)], ["d"])
    spec = [{"field": "us", "source": "d", "pattern": r"(\d+)-(\d+)-(\d+)", "replacement": "$2/$3/$1"}]
    assert [r.us for r in columnreplace(df, spec, ctx).collect()] == ["01/05/2024", None]


def test_columnreplace_invalid_java_regex_is_a_config_error(spark, ctx):
    df = spark.createDataFrame([("a",)], ["d"])
    with pytest.raises(ConfigError, match=r"columnreplace\[0\]\.pattern.*not a valid Java regex"):
        columnreplace(df, [{"field": "d", "pattern": "([a-", "replacement": ""}], ctx)


# combinecolumns


def test_combinecolumns_formats_strings_with_nulls_as_empty_and_strips(spark, ctx):
    df = spark.createDataFrame([("John", None, "Smith"), (None, None, "Doe"), (" a ", "b", "c\t")], ["f", "m", "l"])
    spec = [{"field": "name", "format": "{} {} {}", "source_columns": ["f", "m", "l"]}]
    out = combinecolumns(df, spec, ctx)
    assert out.schema["name"].dataType == T.StringType()
    assert [r.name for r in out.collect()] == ["John  Smith", "Doe", "a  b c"]


def test_combinecolumns_numbered_placeholders_with_ints_and_dates(spark, ctx):
    df = spark.createDataFrame([(7, datetime.date(2024, 1, 5))], ["n", "d"])
    spec = [{"field": "key", "format": "{1}#{0}-{{x}}", "source_columns": ["n", "d"]}]
    assert combinecolumns(df, spec, ctx).collect()[0].key == "2024-01-05#7-{x}"


def test_combinecolumns_format_spec_and_doubles_follow_python_formatting(spark, ctx):
    df = spark.createDataFrame(
        [(3.14159, 1e20, Decimal("1.50"), True, 42)], "pi double, big double, dec decimal(10,2), flag boolean, n int"
    )
    spec = [{"field": "s", "format": "{:.2f}|{}|{}|{}|{:05d}", "source_columns": ["pi", "big", "dec", "flag", "n"]}]
    assert combinecolumns(df, spec, ctx).collect()[0].s == "3.14|1e+20|1.50|True|00042"


def test_combinecolumns_timestamp_formats_as_python_datetime(spark, ctx):
    df = spark.createDataFrame([(datetime.datetime(2024, 1, 5, 6, 7, 8),)], ["t"])
    spec = [{"field": "s", "format": "at {}", "source_columns": ["t"]}]
    assert combinecolumns(df, spec, ctx).collect()[0].s == "at 2024-01-05 06:07:08"


def test_combinecolumns_strips_python_whitespace_like_str_strip(spark, ctx):
    # Unicode spaces, the information separators and NEL are stripped by Python; zero-width space is not.
    df = spark.createDataFrame([("\u3000\x1c\x85x\u00a0\u2029",), ("\u200bx",)], ["a"])
    spec = [{"field": "s", "format": "{}", "source_columns": ["a"]}]
    assert [r.s for r in combinecolumns(df, spec, ctx).collect()] == ["x", "\u200bx"]


def test_combinecolumns_keyword_placeholder_is_a_config_error(spark, ctx):
    df = spark.createDataFrame([("a",)], ["a"])
    spec = [{"field": "s", "format": "{name}", "source_columns": ["a"]}]
    with pytest.raises(ConfigError, match=r"combinecolumns\[0\]\.format.*keyword placeholder"):
        combinecolumns(df, spec, ctx)


def test_combinecolumns_too_few_source_columns_is_a_config_error(spark, ctx):
    df = spark.createDataFrame([("a",)], ["a"])
    spec = [{"field": "s", "format": "{}-{}", "source_columns": ["a"]}]
    with pytest.raises(ConfigError, match="refers to value 1 but only 1 source_columns"):
        combinecolumns(df, spec, ctx)


def test_combinecolumns_missing_source_column_names_the_entry(spark, ctx):
    df = spark.createDataFrame([("a",)], ["a"])
    spec = [{"field": "s", "format": "{}{}", "source_columns": ["a", "b"]}]
    with pytest.raises(DataError, match=r"combinecolumns\[0\]\.source_columns.*'b' not found"):
        combinecolumns(df, spec, ctx)


def test_combinecolumns_empty_format_gives_null(spark, ctx):
    df = spark.createDataFrame([("a",)], ["a"])
    spec = [{"field": "s", "format": "", "source_columns": ["a"]}]
    assert combinecolumns(df, spec, ctx).collect()[0].s is None


def test_combinecolumns_records_lineage_as_combinecolumns(spark, ctx, lineage):
    df = spark.createDataFrame([("a", "b")], ["a", "b"])
    spec = [{"field": "s", "format": "{}{}", "source_columns": ["a", "b"]}]
    run_transforms(df, {"combinecolumns": spec}, ctx)
    assert lineage.operations() == ["combinecolumns"]


@pytest.mark.parametrize(
    "fmt",
    ["{} {} {} {} {} {} {}", "{6}/{0}/{1}", "{:>4}|{:>8}|{}|{}|{!r}|{}|{}", " {0} {0} "],
)
def test_combinecolumns_native_and_vectorised_paths_equal_python_row_formatting(spark, ctx, fmt):
    schema = "s string, i long, d double, m decimal(20,10), b boolean, f float, dt date"
    rows = [
        ("x ", 12, 0.1, Decimal("0.0000000100"), False, 0.1, datetime.date(2024, 2, 29)),
        (None, None, None, None, None, None, None),
        ("", -(2**62), float("nan"), Decimal("-12345.5000000000"), True, float("inf"), datetime.date(1999, 12, 31)),
        ("\u00e9", 0, 1e-7, Decimal("0E-10"), None, -2.5, None),
    ]
    df = spark.createDataFrame(rows, schema)
    columns = ["s", "i", "d", "m", "b", "f", "dt"]
    if fmt.startswith("{:>4}"):
        columns = ["i", "d", "m", "b", "s", "f", "dt"]
    reference = F.udf(lambda *values: _format_values(fmt, list(values)), T.StringType())
    expected = [r[0] for r in df.select(reference(*columns)).collect()]
    out = combinecolumns(df, [{"field": "out", "format": fmt, "source_columns": columns}], ctx)
    assert [r.out for r in out.collect()] == expected


@pytest.mark.parametrize(
    ("transform_spec", "path"),
    [
        ({"filename": [{"field": "a", "pattern": "(x)"}]}, r"filename\[0\]: missing required key 'required'"),
        ({"columnfromcolumn": [{"field": "a"}]}, r"columnfromcolumn\[0\]: missing required key 'pattern'"),
        ({"columnreplace": [{"field": "a", "pattern": "x"}]}, r"columnreplace\[0\]: missing required key 'replacement'"),
        ({"literal": {"a": {"b": 1}}}, r"\$\.transform_spec\.literal\.a"),
        ({"combinecolumns": [{"field": "a", "format": "{}", "source_columns": "b"}]}, r"combinecolumns\[0\]\.source_columns"),
    ],
)
def test_bad_string_specs_fail_validation_with_a_json_path(ctx, transform_spec, path):
    from insurancelake_etl.spec_schema import validate_spec

    with pytest.raises(ConfigError, match=path):
        validate_spec({"transform_spec": transform_spec}, ctx.spec_file)


def test_reference_example_string_entries_validate(ctx):
    from insurancelake_etl.spec_schema import validate_spec

    validate_spec(
        {
            "transform_spec": {
                "filename": [{"field": "valuationdate", "pattern": r"\S+-(\d{8})\.csv", "required": True}],
                "columnfromcolumn": [{"field": "username", "source": "emailaddress", "pattern": r"(\S+)@\S+"}],
                "columnreplace": [{"field": "f", "pattern": "[a-zA-z]{3,5}", "replacement": ""}],
                "literal": {"source": "syntheticdata", "line_of_business": "synthetic"},
                "combinecolumns": [{"field": "RowKey", "format": "{}-{}-{}", "source_columns": ["a", "b", "c"]}],
            }
        },
        ctx.spec_file,
    )
