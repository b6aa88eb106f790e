"""The partition of a run: parsed once from --p_year/--p_month/--p_day, with its own path and filters."""

from __future__ import annotations

import re

import pytest

from insurancelake_etl.errors import ArgumentValueError, JobArgumentError
from insurancelake_etl.partition import Partition


def test_values_are_strings_with_padded_month_and_day():
    assert Partition.parse("2024", "1", "5").values == ("2024", "01", "05")
    assert Partition.parse("0024", "12", "31").values == ("24", "12", "31")


def test_the_partition_produces_its_folder_and_sql_filter():
    partition = Partition.parse("2024", "3", "7")
    assert partition.path == "year=2024/month=03/day=07"
    assert partition.sql_filter() == "`year` = '2024' AND `month` = '03' AND `day` = '07'"
    assert partition.columns() == {"year": "2024", "month": "03", "day": "07"}


def test_the_column_filter_selects_the_same_rows_as_the_sql_filter(spark):
    df = spark.createDataFrame([("2024", "03", "07"), ("2024", "03", "08"), ("2023", "03", "07")], "year string, month string, day string")
    partition = Partition.parse("2024", "3", "7")
    assert df.where(partition.column_filter()).collect() == df.where(partition.sql_filter()).collect()
    assert df.where(partition.column_filter()).count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (("2024", "13", "1"), '--p_month "13" (the month folder of the Collect key): expected a month 1-12'),
        (("2024", "jan", "1"), '--p_month "jan" (the month folder of the Collect key): expected a month 1-12'),
        (("2024", "1", "32"), '--p_day "32" (the day folder of the Collect key): expected a day 1-31'),
        (("2024", "1", "0"), '--p_day "0" (the day folder of the Collect key): expected a day 1-31'),
        (("x", "1", "1"), '--p_year "x" (the year folder of the Collect key): expected a year 1-9999'),
        (("20x4", "1", "1"), '--p_year "20x4" (the year folder of the Collect key): expected a year 1-9999'),
        (("2024", "1", "45"), '--p_day "45" (the day folder of the Collect key): expected a day 1-31'),
        (("2023", "2", "29"), '--p_day "29" (the day folder of the Collect key): 2023-02 has 28 days'),
        (("2024", "4", "31"), '--p_day "31" (the day folder of the Collect key): 2024-04 has 30 days'),
    ],
)
def test_a_value_out_of_range_names_the_argument(values, message):
    with pytest.raises(ArgumentValueError, match="^" + re.escape(message) + "$"):
        Partition.parse(*values)


def test_a_leap_day_is_a_day():
    assert Partition.parse("2024", "2", "29").path == "year=2024/month=02/day=29"


def test_a_bad_value_is_a_value_error_like_the_reference_and_a_job_argument_error():
    with pytest.raises(ValueError) as info:
        Partition.parse("2024", "jan", "05")
    assert isinstance(info.value, JobArgumentError)
