"""Which columns a stage's DQ rules read (dq/stage_columns.py): only those are cached and evaluated,
and every rule that could see more keeps the whole frame."""

from __future__ import annotations

import pytest
from insurancelake_etl.dq.evaluator import JvmDqdlParser
from insurancelake_etl.dq.stage_columns import evaluated_columns
from pyspark.sql import functions as F


@pytest.fixture(scope="module")
def wide(spark):
    return spark.createDataFrame(
        [("P1", "S", 10.0, "2024-01-01", "x", 1), ("P2", None, -2.0, None, "y", 2)],
        "policy string, smoker string, premium double, effective string, notes string, `Risk Band` int",
    )


def columns_of(spark, df, rules: list[str]) -> list[str] | None:
    parser = JvmDqdlParser(spark)
    return evaluated_columns([parser.parse(r)[0] for r in rules], rules, df)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (['IsComplete "smoker"', 'ColumnValues "premium" >= 0'], ["smoker", "premium"]),
        (['IsUnique "POLICY"'], ["policy"]),
        (['(IsComplete "smoker") and (ColumnValues "premium" >= 0)'], ["smoker", "premium"]),
        (['CustomSql "SELECT policy FROM primary WHERE effective >= \'2024-01-01\'"'], ["policy", "effective"]),
        (['CustomSql "SELECT COUNT(*) FROM primary" > 0'], ["policy"]),
        (["RowCount > 0"], ["policy"]),
        (['ColumnValues "Risk Band" > 0'], ["Risk Band"]),
        (['IsComplete "smoker" where "premium > 0"'], ["smoker", "premium"]),
        (['ColumnExists "absent"', 'IsComplete "notes"'], ["notes"]),
    ],
)
def test_a_stage_reads_the_columns_its_rules_name_in_the_frames_order(spark, wide, rules, expected):
    assert columns_of(spark, wide, rules) == expected


@pytest.mark.parametrize(
    "rules",
    [
        ["ColumnCount = 6"],
        ["DuplicateRowCount = 0"],
        ['CustomSql "SELECT * FROM primary WHERE premium > 0"'],
        ['CustomSql "SELECT COUNT(*) FROM (SELECT DISTINCT * FROM primary)" > 1'],
        ['IsComplete "smoker"', 'ColumnNamesMatchPattern "[a-z ]+"'],
        ['IsComplete "policy"', 'IsComplete "smoker"', 'IsComplete "premium"', 'IsComplete "effective"',
         'IsComplete "notes"', 'IsComplete "Risk Band"'],
    ],
)
def test_a_rule_that_can_see_more_than_its_columns_keeps_the_whole_frame(spark, wide, rules):
    assert columns_of(spark, wide, rules) is None


@pytest.mark.parametrize("expression", ["uuid()", "rand()", "current_timestamp()", "current_date()"])
def test_a_stage_input_that_differs_when_computed_again_keeps_the_whole_frame(spark, wide, expression):
    """The evaluation and the write must see the same values: a new uuid, random number or clock
    reading per computation rules narrowing out, even when no rule reads that column."""
    changing = wide.withColumn("generated", F.expr(expression))
    assert columns_of(spark, changing, ['IsComplete "smoker"']) is None
    assert columns_of(spark, wide.withColumn("generated", F.expr("upper(policy)")), ['IsComplete "smoker"']) == ["smoker"]
