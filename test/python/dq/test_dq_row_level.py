"""Native row-level DQ outcomes (dq/row_level.py) against Deequ's own ``processRows``, rule by rule,
on a real local Spark; and the example rules all translate natively."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyspark.sql import functions as F
from insurancelake_etl.dq.evaluator import DeequEvaluator, JvmDqdlParser
from insurancelake_etl.dq.row_level import count_outcome_columns, custom_sql_outcome, java_double, plan_row_level
from insurancelake_etl.dq.rules import DqRules
from spark_jobs import jobs_of

ROOT = Path(__file__).resolve().parents[3]
OUTCOME_COLUMNS = ("DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip", "DataQualityEvaluationResult")

RULES = [
    'IsComplete "code"',
    'Completeness "code" > 0.5',
    'ColumnValues "amt" >= 0',
    'ColumnValues "amt" > 0',
    'ColumnValues "amt" < 4',
    'ColumnValues "amt" <= 3',
    'ColumnValues "amt" between 0 and 4',
    'ColumnValues "code" in ["a","b","c"]',
    'ColumnValues "code" not in ["a"]',
    'ColumnValues "s" = "y"',
    'ColumnValues "code" != "a"',
    'CustomSql "SELECT id FROM primary WHERE amt > 0"',
    'CustomSql "SELECT id, code FROM primary WHERE amt >= 0 OR code IS NULL"',
    'CustomSql "SELECT COUNT(*) FROM primary" > 0',
    'CustomSql "SELECT DISTINCT id FROM primary WHERE amt > 0"',
    'CustomSql "SELECT id FROM primary WHERE amt > (SELECT MIN(amt) FROM primary)"',
    'CustomSql "SELECT id AS id FROM primary WHERE code IN (\'a\', \'b\') ORDER BY id"',
    '(IsComplete "code") and (ColumnValues "amt" >= 0)',
    '(IsComplete "code") or (ColumnValues "amt" >= 0)',
    "RowCount > 10",
    'ColumnExists "code"',
]


@pytest.fixture(scope="module")
def frame(spark):
    return spark.createDataFrame(
        [(1, "a", 5.0, None), (2, None, -1.0, "x"), (3, "c", None, "y"), (4, "z", 0.0, "y"), (None, "a", 3.0, None),
         (6, "b", 4.0, "y")],
        "id int, code string, amt double, s string",
    )


def by_id(rows):
    return {r["id"]: tuple(r[c] for c in OUTCOME_COLUMNS) for r in rows.collect()}


@pytest.mark.parametrize("rule", RULES)
def test_native_row_outcomes_equal_deequ_process_rows(spark, frame, rule):
    deequ = DeequEvaluator(spark)
    _, expected = deequ.evaluate_rows(frame, [rule], "test")
    plan = plan_row_level([deequ.parser.parse(rule)[0]], frame)
    assert plan is not None, rule
    native = plan.apply(frame)
    assert native.columns == expected.columns
    assert by_id(native) == by_id(expected)


def test_a_rule_set_keeps_rule_order_in_the_outcome_lists(spark, frame):
    rules = ['ColumnValues "amt" >= 0', 'IsComplete "code"', "RowCount > 10", 'ColumnValues "s" = "y"']
    deequ = DeequEvaluator(spark)
    _, expected = deequ.evaluate_rows(frame, rules, "test")
    plan = plan_row_level([deequ.parser.parse(r)[0] for r in rules], frame)
    assert plan is not None and plan.kinds == ["predicate", "predicate", "dataset", "predicate"]
    assert by_id(plan.apply(frame)) == by_id(expected)


@pytest.mark.parametrize("rules", [[rule] for rule in RULES] + [RULES])
def test_the_rows_that_pass_are_those_deequ_gives_as_passed(spark, frame, rules):
    """``passing`` (one boolean filter, the rows that continue) keeps exactly the rows whose
    ``processRows`` result is Passed, with the frame's columns only."""
    deequ = DeequEvaluator(spark)
    _, expected = deequ.evaluate_rows(frame, rules, "test")
    plan = plan_row_level([deequ.parser.parse(r)[0] for r in rules], frame)
    assert plan is not None
    passed = plan.passing(frame)
    assert passed.columns == frame.columns
    wanted = sorted(r["id"] or 0 for r in expected.filter("DataQualityEvaluationResult = 'Passed'").collect())
    assert sorted(r["id"] or 0 for r in passed.collect()) == wanted


ALL_MEET = 'CustomSql "SELECT id, code FROM primary WHERE amt > -5 OR amt IS NULL"'
ONLY_NULL_UNMET = 'CustomSql "SELECT id FROM primary WHERE amt > -5"'  # id 3 (amt null) alone does not meet it


@pytest.mark.parametrize(
    "rules", [[rule] for rule in RULES] + [RULES, [RULES[0], RULES[2], ALL_MEET], [ONLY_NULL_UNMET], [ALL_MEET, ONLY_NULL_UNMET]]
)
def test_the_counts_equal_those_of_deequs_process_rows(spark, frame, rules):
    """``count`` (one aggregation when no row-level CustomSql fails a row, else over the outcome
    columns) gives the passed and failed rows of ``processRows`` and, per row-level CustomSql, the
    rows its passed list holds."""
    deequ = DeequEvaluator(spark)
    _, expected = deequ.evaluate_rows(frame, rules, "test")
    plan = plan_row_level([deequ.parser.parse(r)[0] for r in rules], frame)
    assert plan is not None
    joins = [i for i, kind in enumerate(plan.kinds) if kind == "join"]
    assert plan.count(frame, joins) == count_outcome_columns(expected, {i: plan.texts[i] for i in joins})


def test_a_custom_sql_every_row_meets_is_counted_in_one_aggregation_and_never_joined(spark, frame):
    """The usual case: no failing keys to compute, so the stage's count is one aggregation (the
    Spark jobs of any one aggregation: two with adaptive execution) and the rows (kept and
    quarantined) carry no join."""
    rules = ['IsComplete "code"', ALL_MEET]
    plan = plan_row_level([JvmDqdlParser(spark).parse(r)[0] for r in rules], frame)
    assert plan is not None and plan.kinds == ["predicate", "join"]
    counts: list = []
    one_aggregation = jobs_of(spark, lambda: frame.agg(F.count(F.lit(1))).collect())
    assert jobs_of(spark, lambda: counts.append(plan.count(frame, [1]))) == one_aggregation
    assert (counts[0].passed, counts[0].failed, counts[0].sql_passed) == (5, 1, {1: 6})
    assert plan.none_failing == {1} and plan.failing == {} and plan.cached == []
    for rows in (plan.apply(frame), plan.passing(frame)):
        assert "Join" not in str(rows._jdf.queryExecution().optimizedPlan().toString())


def test_a_custom_sql_some_row_does_not_meet_still_gets_its_failing_keys(spark, frame):
    rule = 'CustomSql "SELECT id FROM primary WHERE amt > 0"'
    plan = plan_row_level([JvmDqdlParser(spark).parse(rule)[0]], frame)
    assert plan is not None
    counts = plan.count(frame, [0])
    assert plan.none_failing == set() and list(plan.failing) == [0]
    # ids 1, 6 and the null id pass (amt > 0); ids 2, 3, 4 fail
    assert (counts.passed, counts.failed, counts.sql_passed) == (3, 3, {0: 3})


def test_the_rows_that_pass_carry_no_join_for_a_custom_sql_without_failing_keys(spark, frame):
    """Every row passes the statement: no failing keys, so the rows that continue (the job's write)
    are filtered without the join; a statement with failing keys still joins them."""
    deequ = DeequEvaluator(spark)
    every = 'CustomSql "SELECT id FROM primary"'
    some = 'CustomSql "SELECT id FROM primary WHERE amt > 0"'

    def plan_of(rule):
        plan = plan_row_level([deequ.parser.parse(rule)[0]], frame)
        assert plan is not None
        return plan

    kept = plan_of(every).passing(frame)
    assert "Join" not in str(kept._jdf.queryExecution().optimizedPlan().toString())
    assert kept.count() == frame.count()
    joined = plan_of(some).passing(frame)
    assert "Join" in str(joined._jdf.queryExecution().optimizedPlan().toString())
    # amt > 0 returns ids 1, 6 and the null id (null-safe membership: the null-id row passes)
    assert sorted(r["id"] or 0 for r in joined.collect()) == [0, 1, 6]


def _failing_keys_plan(spark, frame, rule) -> str:
    plan = plan_row_level([JvmDqdlParser(spark).parse(rule)[0]], frame)
    assert plan is not None and plan.kinds == ["join"]
    plan.apply(frame)
    return str(plan.failing[0]._jdf.queryExecution().optimizedPlan().toString())


def test_a_select_where_statement_finds_its_failing_keys_in_one_aggregation(spark, frame):
    simple = _failing_keys_plan(spark, frame, 'CustomSql "SELECT id, code FROM primary WHERE amt >= 0 OR code IS NULL"')
    assert "Aggregate" in simple and "Join" not in simple
    distinct = _failing_keys_plan(spark, frame, 'CustomSql "SELECT DISTINCT id FROM primary WHERE amt > 0"')
    assert "Join" in distinct  # another form: EXCEPT DISTINCT, an anti join


def test_a_select_where_statement_whose_condition_does_not_print_back_as_sql_still_works(spark):
    """An analysed lambda prints as lambdafunction(...): the failing keys then come from EXCEPT."""
    rows = spark.createDataFrame([(1, ["a"]), (2, ["b"]), (3, None)], "id int, tags array<string>")
    rule = 'CustomSql "SELECT id FROM primary WHERE exists(tags, t -> t = \'a\')"'
    plan = plan_row_level([JvmDqdlParser(spark).parse(rule)[0]], rows)
    assert plan is not None
    assert sorted((r["id"], r["DataQualityEvaluationResult"]) for r in plan.apply(rows).collect()) == [
        (1, "Passed"), (2, "Failed"), (3, "Failed"),
    ]


def test_a_key_passes_when_any_of_its_rows_meets_the_condition(spark):
    rows = spark.createDataFrame([(1, 5.0), (1, -1.0), (2, -1.0), (None, 2.0), (None, None), (3, None)], "id int, amt double")
    rule = 'CustomSql "SELECT id FROM primary WHERE amt > 0"'
    plan = plan_row_level([JvmDqdlParser(spark).parse(rule)[0]], rows)
    assert plan is not None
    outcome = sorted(((r["id"] or 0), r["amt"] or 0.0, r["DataQualityEvaluationResult"]) for r in plan.apply(rows).collect())
    assert outcome == [
        (0, 0.0, "Passed"), (0, 2.0, "Passed"), (1, -1.0, "Passed"), (1, 5.0, "Passed"), (2, -1.0, "Failed"), (3, 0.0, "Failed"),
    ]


@pytest.mark.parametrize(
    "rule",
    ['ColumnValues "amt" > 0 with threshold > 0.5', 'IsUnique "id"', 'ColumnLength "code" = 1', 'ColumnValues "code" matches "[a-c]"'],
)
def test_rules_without_a_native_translation_fall_back_to_the_evaluator(spark, frame, rule):
    parser = JvmDqdlParser(spark)
    assert plan_row_level([parser.parse(rule)[0]], frame) is None


def test_a_row_level_custom_sql_is_a_hash_join_not_a_nested_loop(spark, frame):
    rule = 'CustomSql "SELECT id FROM primary WHERE amt > 0"'
    plan = plan_row_level([JvmDqdlParser(spark).parse(rule)[0]], frame)
    assert plan is not None and plan.kinds == ["join"]
    physical = plan.apply(frame)._jdf.queryExecution().executedPlan().toString()
    assert "NestedLoopJoin" not in physical and "CartesianProduct" not in physical
    assert "HashJoin" in physical or "SortMergeJoin" in physical


def test_every_example_quarantine_rule_translates_natively(spark):
    """The example rule files' quarantine rules, on frames with the columns they name."""
    parser = JvmDqdlParser(spark)
    for path in sorted((ROOT / "examples/config/etl/dq-rules").glob("*.json")):
        rules = DqRules.parse(json.loads(path.read_text()), path.name)
        for ref in rules.all_rules():
            if ref.action != "quarantine":
                continue
            parsed = parser.parse(ref.text)[0]
            columns = _named_columns(parsed)
            frame = spark.createDataFrame([], ", ".join(f"`{c}` {_type(c)}" for c in columns) or "x int")
            plan = plan_row_level([parsed], frame)
            assert plan is not None, (path.name, ref.location, ref.text)
            assert "evaluator" not in plan.kinds


def _named_columns(parsed) -> list[str]:
    names = [str(v) for k, v in dict(parsed.getParameters() or {}).items() if str(k) == "TargetColumn"]
    statement = dict(parsed.getParameters() or {}).get("CustomSqlStatement")
    if statement:
        names += ["PolicyNumber", "ExpirationDate", "EffectiveDate"]
    for nested in list(parsed.getNestedRules() or []):
        names += _named_columns(nested)
    return list(dict.fromkeys(names))


def _type(column: str) -> str:
    if "date" in column.lower():
        return "date"
    if column in ("PolicyMonths", "WrittenPremiumAmount"):
        return "double"
    return "string"


@pytest.mark.parametrize(
    "rule",
    ['CustomSql "SELECT id FROM primary WHERE amt > 0"', 'CustomSql "SELECT id FROM primary WHERE amt > -5 OR amt IS NULL"'],
)
def test_the_native_custom_sql_outcome_equals_deequs(spark, frame, rule):
    """Unique keys (Deequ's join repeats rows whose key the query returns twice)."""
    deequ = DeequEvaluator(spark)
    [expected] = deequ.evaluate(frame, [rule], "test")
    plan = plan_row_level([deequ.parser.parse(rule)[0]], frame)
    rows = plan.apply(frame).collect()
    passed = sum(1 for r in rows if plan.texts[0] in r["DataQualityRulesPass"])
    assert custom_sql_outcome(plan.texts[0], passed, len(rows)) == expected


def test_java_double_prints_as_deequ_does():
    assert [java_double(x) for x in (0.39995, 5 / 6, 1e-4, 1.0)] == ["0.39995", "0.8333333333333334", "1.0E-4", "1.0"]
