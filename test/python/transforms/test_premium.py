"""Premium transforms: reference expectations (§23), the worked examples of §15.4 to the cent, and
the native expressions checked against the reference algorithms written out in plain Python."""

from __future__ import annotations

import datetime
import random
import sys
from decimal import Decimal

import pytest
from dateutil import relativedelta, rrule
from insurancelake_etl.errors import DataError
from insurancelake_etl.transforms import run_transforms
from insurancelake_etl.transforms.premium import (
    add_columns,
    addcolumns,
    earnedpremium,
    enddate,
    expandpolicymonths,
    flipsign,
    multiplycolumns,
    policymonths,
)
from pyspark import cloudpickle
from pyspark.sql import functions as F
from pyspark.sql import types as T

D = datetime.date
# The reference oracles below run in Spark's Python workers, which cannot import this test module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


# The reference algorithms (behaviour reference §15.4), as the oracle for the native expressions.


def ref_month_list(eff, exp):
    return list(rrule.rrule(freq=rrule.MONTHLY, dtstart=D(eff.year, eff.month, 1), until=exp))


def ref_normalized(exp, eff):
    if exp is None or eff is None:
        return None
    prior = exp - relativedelta.relativedelta(months=1)
    if prior < eff:
        prior = exp
    return len(ref_month_list(eff, prior))


def ref_straightline(total, eff, exp, start, end):
    if None in (total, eff, exp, start, end):
        return None
    months = ref_month_list(eff, exp)
    if not months or end < eff or end > months[-1].date():
        return None
    return total / ref_normalized(exp, eff)


def ref_byday(total, eff, exp, start, end):
    if None in (total, eff, exp, start, end):
        return None
    if end < eff or start > exp or (exp - eff).days < 0:
        return None
    first = eff if start < eff else start
    last = exp if end > exp else end
    return total * Decimal(((last - first).days + 1) / ((exp - eff).days + 1))


EXPAND = {
    "policy_effective_date": "eff",
    "policy_expiration_date": "exp",
    "policy_month_start_field": "period_start",
    "policy_month_end_field": "period_end",
    "policy_month_index": "month_index",
}
EARNED = {
    "written_premium_list": ["premium"],
    "policy_effective_date": "eff",
    "policy_expiration_date": "exp",
    "period_start_date": "period_start",
    "period_end_date": "period_end",
}


def monthly_periods(spark, ctx, eff, exp, total="1200.00"):
    df = spark.createDataFrame([(1, Decimal(total), eff, exp)], "id int, premium decimal(16,2), eff date, exp date")
    return expandpolicymonths(df, EXPAND, ctx)


def earned(spark, ctx, eff, exp, byday):
    periods = monthly_periods(spark, ctx, eff, exp)
    out = earnedpremium(periods, [{"field": "earned", **EARNED, "byday": byday}], ctx)
    assert out.schema["earned"].dataType == T.DecimalType(16, 2)
    return [r.earned for r in out.orderBy("month_index").collect()]


# earnedpremium: the worked examples


def test_straightline_worked_example_gives_100_per_month_and_null_for_the_expiration_month(spark, ctx):
    values = earned(spark, ctx, D(2022, 1, 13), D(2023, 1, 13), byday=False)
    assert values == [Decimal("100.00")] * 12 + [None]
    assert sum(v for v in values if v is not None) == Decimal("1200.00")


def test_byday_worked_example_matches_the_reference_to_the_cent(spark, ctx):
    values = earned(spark, ctx, D(2022, 1, 13), D(2023, 1, 13), byday=True)
    expected = "62.30 91.80 101.64 98.36 101.64 98.36 101.64 101.64 98.36 101.64 98.36 101.64 42.62"
    assert values == [Decimal(v) for v in expected.split()]
    assert sum(values) == Decimal("1200.00")


def test_straightline_calendar_year_gives_109_09_for_eleven_months_and_null_for_december(spark, ctx):
    values = earned(spark, ctx, D(2022, 1, 1), D(2022, 12, 31), byday=False)
    assert values == [Decimal("109.09")] * 11 + [None]
    assert sum(values[:11]) == Decimal("1199.99")


def test_byday_calendar_year_sums_to_1200_01(spark, ctx):
    values = earned(spark, ctx, D(2022, 1, 1), D(2022, 12, 31), byday=True)
    assert len(values) == 12 and None not in values
    assert sum(values) == Decimal("1200.01")


def test_earnedpremium_sums_the_written_premium_list_with_nulls_as_zero(spark, ctx):
    df = spark.createDataFrame(
        [(Decimal("1000.00"), None, Decimal("200.00"), D(2022, 1, 13), D(2023, 1, 13), D(2022, 2, 1), D(2022, 2, 28))],
        "a decimal(16,2), b decimal(16,2), c decimal(16,2), eff date, exp date, ps date, pe date",
    )
    spec = [
        {**EARNED, "field": "sl", "written_premium_list": ["a", "b", "c"], "period_start_date": "ps", "period_end_date": "pe"},
        {**EARNED, "field": "bd", "written_premium_list": ["a", "b", "c"], "period_start_date": "ps",
         "period_end_date": "pe", "byday": True},
    ]
    row = earnedpremium(df, spec, ctx).collect()[0]
    assert (row.sl, row.bd) == (Decimal("100.00"), Decimal("91.80"))


def test_earnedpremium_null_dates_and_out_of_range_periods_give_null(spark, ctx):
    rows = [
        (Decimal("100.00"), None, D(2022, 12, 31), D(2022, 1, 1), D(2022, 1, 31)),
        (Decimal("100.00"), D(2022, 1, 1), D(2022, 12, 31), D(2021, 12, 1), D(2021, 12, 31)),  # before
        (Decimal("100.00"), D(2022, 1, 1), D(2022, 12, 31), D(2023, 1, 1), D(2023, 1, 31)),  # after
        (Decimal("100.00"), D(2022, 5, 1), D(2022, 1, 1), D(2022, 1, 1), D(2022, 1, 31)),  # bad policy
    ]
    df = spark.createDataFrame(rows, "premium decimal(16,2), eff date, exp date, period_start date, period_end date")
    spec = [{**EARNED, "field": "sl"}, {**EARNED, "field": "bd", "byday": True}]
    assert [(r.sl, r.bd) for r in earnedpremium(df, spec, ctx).collect()] == [(None, None)] * 4


def test_earnedpremium_integer_premium_is_null_straightline_and_exact_by_day(spark, ctx):
    # The reference divides a Python int (a float result, which Spark nulls) but multiplies exactly by day.
    df = spark.createDataFrame(
        [(1200, D(2022, 1, 13), D(2023, 1, 13), D(2022, 2, 1), D(2022, 2, 28)),
         (None, D(2022, 1, 13), D(2023, 1, 13), D(2022, 2, 1), D(2022, 2, 28))],
        "premium int, eff date, exp date, period_start date, period_end date",
    )
    spec = [{**EARNED, "field": "sl"}, {**EARNED, "field": "bd", "byday": True}]
    rows = earnedpremium(df, spec, ctx).collect()
    assert [(r.sl, r.bd) for r in rows] == [(None, Decimal("91.80")), (None, Decimal("0.00"))]


def test_earnedpremium_double_premium_is_a_data_error_naming_the_entry(spark, ctx):
    df = spark.createDataFrame([(1200.0, D(2022, 1, 1), D(2022, 12, 31))], "premium double, eff date, exp date")
    df = df.withColumn("period_start", F.col("eff")).withColumn("period_end", F.col("exp"))
    with pytest.raises(DataError, match=r"earnedpremium\[0\]\.written_premium_list.*double"):
        earnedpremium(df, [{**EARNED, "field": "x", "byday": True}], ctx)


def test_earnedpremium_text_dates_are_a_data_error(spark, ctx):
    df = spark.createDataFrame([(Decimal(1), "2022-01-01", "2022-12-31", "2022-01-01", "2022-01-31")],
                               "premium decimal(16,2), eff string, exp string, period_start string, period_end string")
    with pytest.raises(DataError, match=r"earnedpremium\[0\]\.policy_effective_date.*'eff' is string"):
        earnedpremium(df, [{**EARNED, "field": "x"}], ctx)


def test_earnedpremium_missing_premium_column_names_the_entry(spark, ctx):
    df = monthly_periods(spark, ctx, D(2022, 1, 1), D(2022, 3, 1))
    with pytest.raises(DataError, match=r"earnedpremium\[0\]\.written_premium_list.*'nope'"):
        earnedpremium(df, [{**EARNED, "field": "x", "written_premium_list": ["premium", "nope"]}], ctx)


def random_policies(count, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        eff = D(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 800))
        exp = eff + datetime.timedelta(days=rng.choice([-40, 0, 1, 27, 30, 31, 59, 181, 364, 365, 366, 730]))
        start = eff + datetime.timedelta(days=rng.randrange(-60, 420))
        end = start + datetime.timedelta(days=rng.choice([0, 6, 27, 30, 90]))
        cents = rng.choice([1, 3, 5, 15, 33, 101, 99999, 120000, 1234567, rng.randrange(-10**9, 10**9)])
        rows.append((Decimal(cents).scaleb(-2), eff, exp, start, end))
    rows.append((None, D(2022, 1, 1), D(2022, 2, 1), D(2022, 1, 1), D(2022, 1, 31)))
    return rows


def test_native_straightline_and_vectorised_byday_equal_the_reference_row_udfs(spark, ctx):
    rows = random_policies(400, seed=20221)
    df = spark.createDataFrame(rows, "premium decimal(16,2), eff date, exp date, period_start date, period_end date")
    spec = [{**EARNED, "field": "sl"}, {**EARNED, "field": "bd", "byday": True}]
    straight = F.udf(ref_straightline, T.DecimalType(16, 2))
    byday = F.udf(ref_byday, T.DecimalType(16, 2))
    columns = [add_columns("premium"), "eff", "exp", "period_start", "period_end"]
    out = earnedpremium(df, spec, ctx).select("sl", "bd", straight(*columns).alias("rsl"), byday(*columns).alias("rbd"))
    result = out.collect()
    assert [(r.sl, r.bd) for r in result] == [(r.rsl, r.rbd) for r in result]
    assert sum(r.sl is not None for r in result) > 50 and sum(r.bd is not None for r in result) > 50


def test_byday_of_timestamps_counts_whole_days_as_python_does(spark, ctx):
    # timedelta.days floors: 23:00 to 01:00 two days later is one whole day, not two calendar days.
    at = datetime.datetime
    rows = [
        (Decimal("365.00"), at(2022, 1, 1, 23), at(2022, 12, 31, 1), at(2022, 1, 1, 23), at(2022, 1, 3, 1)),
        (Decimal("1000.00"), at(2022, 3, 1, 12), at(2023, 2, 28, 12), at(2022, 2, 1, 0), at(2022, 3, 31, 23)),
    ]
    df = spark.createDataFrame(rows, "premium decimal(16,2), eff timestamp, exp timestamp, period_start timestamp, period_end timestamp")
    byday = F.udf(ref_byday, T.DecimalType(16, 2))
    columns = [add_columns("premium"), "eff", "exp", "period_start", "period_end"]
    out = earnedpremium(df, [{**EARNED, "field": "bd", "byday": True}], ctx).select("bd", byday(*columns).alias("rbd"))
    result = out.collect()
    assert [r.bd for r in result] == [r.rbd for r in result]
    assert result[0].bd == Decimal("2.01")  # 365.00 × 2/364 (whole days), not × 3/365 (calendar days)


def test_earnedpremium_records_one_lineage_call(spark, ctx, lineage):
    periods = monthly_periods(spark, ctx, D(2022, 1, 1), D(2022, 3, 1))
    spec = [{**EARNED, "field": "x"}]
    run_transforms(periods, {"earnedpremium": spec}, ctx)
    assert lineage.calls == [("TestDb/TestTable", "earnedpremium", {"transform": spec})]


# policymonths


NORMALIZED_CASES = [
    (D(2022, 1, 13), D(2023, 1, 13), 12, Decimal("12.00")),
    (D(2022, 1, 1), D(2022, 12, 31), 11, Decimal("11.97")),
    (D(2022, 3, 1), D(2022, 8, 31), 5, Decimal("5.97")),
    (D(2022, 1, 15), D(2022, 2, 10), 2, Decimal("0.84")),
]


def test_policymonths_normalized_and_not_match_the_reference_table(spark, ctx):
    df = spark.createDataFrame([(e, x) for e, x, _, _ in NORMALIZED_CASES] + [(None, D(2022, 1, 1))], "eff date, exp date")
    spec = [
        {"field": "n", "policy_effective_date": "eff", "policy_expiration_date": "exp", "normalized": True},
        {"field": "m", "policy_effective_date": "eff", "policy_expiration_date": "exp", "written_premium_list": ["x"]},
    ]
    out = policymonths(df, spec, ctx)
    assert out.schema["n"].dataType == T.IntegerType()
    assert out.schema["m"].dataType == T.DecimalType(16, 2)
    assert [(r.n, r.m) for r in out.collect()] == [(n, m) for _, _, n, m in NORMALIZED_CASES] + [(None, None)]


def test_policymonths_normalized_equals_the_reference_for_month_ends_and_bad_policies(spark, ctx):
    rows = [(e, x) for _, e, x, _, _ in random_policies(300, seed=7)]
    rows += [(D(2022, 1, 31), D(2022, 2, 28)), (D(2022, 3, 31), D(2022, 4, 30)), (D(2024, 2, 29), D(2025, 2, 28)),
             (D(2022, 3, 31), D(2022, 3, 31)), (D(2022, 5, 10), D(2022, 4, 1))]
    df = spark.createDataFrame(rows, "eff date, exp date")
    out = policymonths(df, [{"field": "n", "policy_effective_date": "eff", "policy_expiration_date": "exp",
                             "normalized": True}], ctx)
    assert [r.n for r in out.collect()] == [ref_normalized(x, e) for e, x in rows]


def test_policymonths_missing_date_column_names_the_entry(spark, ctx):
    df = spark.createDataFrame([(D(2022, 1, 1),)], "eff date")
    with pytest.raises(DataError, match=r"policymonths\[0\]\.policy_expiration_date.*'exp'"):
        policymonths(df, [{"field": "n", "policy_effective_date": "eff", "policy_expiration_date": "exp"}], ctx)


# expandpolicymonths


def two_policies(spark):
    return spark.createDataFrame(
        [(1, D(2022, 1, 1), D(2022, 12, 31)), (2, D(2022, 3, 1), D(2022, 8, 31))], "id int, eff date, exp date"
    )


def test_expandpolicymonths_gives_one_row_per_month_with_a_one_based_index(spark, ctx):
    out = expandpolicymonths(two_policies(spark), EXPAND, ctx)
    assert out.columns == ["id", "eff", "exp", "month_index", "period_start", "period_end"]
    types = {f.name: f.dataType for f in out.schema.fields}
    assert types["period_start"] == T.DateType() and types["period_end"] == T.DateType()
    assert types["month_index"] == T.IntegerType()
    rows = out.collect()
    assert len(rows) == 18
    assert min(r.month_index for r in rows) == 1 and max(r.month_index for r in rows) == 12
    second = sorted((r.month_index, r.period_start, r.period_end) for r in rows if r.id == 2)
    assert second[0] == (1, D(2022, 3, 1), D(2022, 3, 31))
    assert second[-1] == (6, D(2022, 8, 1), D(2022, 8, 31))


def test_expandpolicymonths_month_list_matches_the_reference_rrule(spark, ctx):
    rows = [(i, e, x) for i, (_, e, x, _, _) in enumerate(random_policies(150, seed=3))]
    df = spark.createDataFrame(rows, "id int, eff date, exp date")
    out = expandpolicymonths(df, EXPAND, ctx).collect()
    got: dict[int, list] = {}
    for r in out:
        got.setdefault(r.id, []).append((r.month_index, r.period_start))
    for i, eff, exp in rows:
        expected = [(n + 1, m.date()) for n, m in enumerate(ref_month_list(eff, exp))] or [(None, None)]
        assert sorted(got[i], key=lambda t: t[0] or 0) == expected


def test_expandpolicymonths_null_date_gives_one_row_of_nulls(spark, ctx):
    df = spark.createDataFrame([(1, None, D(2022, 12, 31))], "id int, eff date, exp date")
    rows = expandpolicymonths(df, EXPAND, ctx).collect()
    assert [(r.id, r.month_index, r.period_start, r.period_end) for r in rows] == [(1, None, None, None)]


@pytest.mark.parametrize("key", ["uniqueid_field", "uniqueid"])
def test_expandpolicymonths_unique_id_is_one_uuid_per_policy_before_the_explode(spark, ctx, key):
    out = expandpolicymonths(two_policies(spark), {**EXPAND, key: "policy_uid"}, ctx)
    assert out.columns == ["id", "eff", "exp", "policy_uid", "month_index", "period_start", "period_end"]
    assert out.schema["policy_uid"].dataType == T.StringType()
    rows = out.collect()
    assert len({r.policy_uid for r in rows}) == 2
    assert len({(r.id, r.policy_uid) for r in rows}) == 2


def test_expandpolicymonths_missing_date_names_the_key(spark, ctx):
    with pytest.raises(DataError, match=r"expandpolicymonths\.policy_expiration_date.*'nope'"):
        expandpolicymonths(two_policies(spark), {**EXPAND, "policy_expiration_date": "nope"}, ctx)


def test_expandpolicymonths_records_lineage_with_the_spec_object(spark, ctx, lineage):
    run_transforms(two_policies(spark), {"expandpolicymonths": EXPAND}, ctx)
    assert lineage.calls == [("TestDb/TestTable", "expandpolicymonths", {"transform": EXPAND})]


# enddate


def test_enddate_adds_months_clamping_to_month_end(spark, ctx):
    df = spark.createDataFrame([(D(2022, 1, 31), 1), (D(2022, 3, 15), 12), (None, 1)], "eff date, months int")
    out = enddate(df, [{"field": "exp", "start_date": "eff", "num_months": "months"}], ctx)
    assert out.schema["exp"].dataType == T.DateType()
    assert [r.exp for r in out.collect()] == [D(2022, 2, 28), D(2023, 3, 15), None]


def test_enddate_missing_column_names_the_entry(spark, ctx):
    df = spark.createDataFrame([(D(2022, 1, 31),)], "eff date")
    with pytest.raises(DataError, match=r"enddate\[0\].*add_months\(eff,months\)"):
        enddate(df, [{"field": "exp", "start_date": "eff", "num_months": "months"}], ctx)


# addcolumns, flipsign, multiplycolumns


def amounts(spark):
    return spark.createDataFrame(
        [(Decimal("3000.00"), Decimal("2000.00"), Decimal("1000.00")), (Decimal("100.50"), None, None)],
        "a decimal(16,2), b decimal(16,2), c decimal(16,2)",
    )


def test_add_columns_function_sums_with_nulls_as_zero(spark):
    rows = amounts(spark).select(add_columns("a", "b", "c").alias("s")).collect()
    assert [r.s for r in rows] == [Decimal("6000.00"), Decimal("100.50")]


def test_addcolumns_sums_into_a_new_field_with_spark_decimal_type(spark, ctx):
    out = addcolumns(amounts(spark), [{"field": "total", "source_columns": ["a", "b", "c"]}], ctx)
    assert out.schema["total"].dataType == T.DecimalType(18, 2)
    assert [r.total for r in out.collect()] == [Decimal("6000.00"), Decimal("100.50")]


def test_addcolumns_is_batch_entries_read_the_block_input(spark, ctx):
    spec = [{"field": "a", "source_columns": ["a", "b"]}, {"field": "d", "source_columns": ["a"]}]
    row = addcolumns(amounts(spark), spec, ctx).collect()[0]
    assert (row.a, row.d) == (Decimal("5000.00"), Decimal("3000.00"))


def test_flipsign_negates_in_place_or_into_a_new_field(spark, ctx):
    out = flipsign(amounts(spark), [{"field": "a"}, {"field": "neg_b", "source": "b"}], ctx)
    assert out.columns == ["a", "b", "c", "neg_b"]
    assert [(r.a, r.neg_b) for r in out.collect()] == [(Decimal("-3000.00"), Decimal("-2000.00")), (Decimal("-100.50"), None)]


def test_flipsign_missing_source_names_the_entry(spark, ctx):
    with pytest.raises(DataError, match=r"flipsign\[0\]\.source.*'x'"):
        flipsign(amounts(spark), [{"field": "a", "source": "x"}], ctx)


def test_multiplycolumns_treats_null_as_one_by_default(spark, ctx):
    df = spark.createDataFrame(
        [(Decimal("3000.00"), Decimal("0.50"), Decimal("0.50")), (Decimal("100.50"), Decimal("0.70"), None)],
        "a decimal(16,2), b decimal(16,2), c decimal(16,2)",
    )
    out = multiplycolumns(df, [{"field": "p", "source_columns": ["a", "b", "c"]}], ctx)
    assert [r.p for r in out.collect()] == [Decimal("750.000000"), Decimal("70.350000")]
    zero = multiplycolumns(df, [{"field": "p", "source_columns": ["a", "b", "c"], "empty_value": 0}], ctx)
    assert [r.p for r in zero.collect()][1] == 0


def test_multiplycolumns_missing_column_names_the_entry(spark, ctx):
    with pytest.raises(DataError, match=r"multiplycolumns\[0\]\.source_columns.*'z'"):
        multiplycolumns(amounts(spark), [{"field": "p", "source_columns": ["a", "z"]}], ctx)


def test_addcolumns_records_lineage(spark, ctx, lineage):
    spec = [{"field": "t", "source_columns": ["a", "b"]}]
    run_transforms(amounts(spark), {"addcolumns": spec, "flipsign": [{"field": "t"}]}, ctx)
    assert lineage.operations() == ["addcolumns", "flipsign"]


@pytest.mark.parametrize(
    ("transform_spec", "path"),
    [
        ({"expandpolicymonths": [EXPAND]}, r"\$\.transform_spec\.expandpolicymonths: .*is an array; expected object"),
        ({"expandpolicymonths": {**EXPAND, "policy_month_index": 1}}, r"expandpolicymonths\.policy_month_index"),
        ({"earnedpremium": [{**EARNED, "field": "x", "written_premium_list": "p"}]}, r"earnedpremium\[0\]\.written_premium_list"),
        ({"earnedpremium": [{"field": "x", "written_premium_list": ["p"]}]}, r"earnedpremium\[0\]: missing required key"),
        ({"policymonths": [{"field": "x", "policy_effective_date": "e"}]}, r"policymonths\[0\]: missing required key"),
        ({"enddate": [{"field": "x", "start_date": "e"}]}, r"enddate\[0\]: missing required key 'num_months'"),
        ({"multiplycolumns": [{"field": "x", "source_columns": ["a"], "empty_value": "0"}]}, r"multiplycolumns\[0\]\.empty_value"),
        ({"addcolumns": [{"field": "x"}]}, r"addcolumns\[0\]: missing required key 'source_columns'"),
    ],
)
def test_bad_premium_specs_fail_validation_with_a_json_path(ctx, transform_spec, path):
    from insurancelake_etl.errors import ConfigError
    from insurancelake_etl.spec_schema import validate_spec

    with pytest.raises(ConfigError, match=path):
        validate_spec({"transform_spec": transform_spec}, ctx.spec_file)


def test_reference_example_premium_entries_validate(ctx):
    from insurancelake_etl.spec_schema import validate_spec

    validate_spec(
        {
            "transform_spec": {
                "addcolumns": [{"field": "Total", "source_columns": ["Written"]}],
                "multiplycolumns": [{"field": "Split", "source_columns": ["W", "P1", "P2"], "empty_value": 0}],
                "flipsign": [{"field": "Balance"}, {"field": "NewBalance", "source": "AccountBalance"}],
                "enddate": [{"field": "Exp", "start_date": "EffectiveDate", "num_months": "Term"}],
                "policymonths": [{"field": "n", "policy_effective_date": "e", "policy_expiration_date": "x",
                                  "normalized": True}],
                "expandpolicymonths": {**EXPAND, "uniqueid": "generated_policy_number"},
                "earnedpremium": [{**EARNED, "field": "Earned", "byday": True}],
            }
        },
        ctx.spec_file,
    )
