"""The local DQDL evaluator (Deequ through the JVM): every rule type the reference uses, on data that
passes and data that fails, plus row-level outcomes and the rule checks done before data is read."""

from __future__ import annotations

import datetime as dt

import pytest
from insurancelake_etl.dq.evaluator import DeequEvaluator, JvmDqdlParser
from insurancelake_etl.errors import ConfigError
from insurancelake_local.runtime import open_warehouse


@pytest.fixture(scope="module")
def evaluator(spark) -> DeequEvaluator:
    return DeequEvaluator(spark)


@pytest.fixture(scope="module")
def good(spark):
    """Every rule below passes on this data."""
    return spark.createDataFrame(
        [
            ("P-001", "NY", 100.0, "2024-01-05", "2024-01-05 10:00:00", "S", 1),
            ("P-002", "CA", 250.5, "2024-02-29", "2024-02-29 23:59:59", "N", 2),
            ("P-003", "TX", 0.0, "2023-12-31", "2023-12-31 00:00:00", "S", 3),
        ],
        "policy string, state string, premium double, effective string, created string, smoker string, n int",
    )


@pytest.fixture(scope="module")
def bad(spark):
    """Every rule below fails on this data."""
    return spark.createDataFrame(
        [
            ("P-001", "NY", -5.0, "2024-13-45", "not a time", "X", 1),
            ("P-001", None, 2000.0, "yesterday", "2024-01-01 10:00:00", "S", 1),
            (None, "CALIFORNIA", 10.0, "2024-01-01", "2024-01-01", "N", 1),
            ("P-4", "C", 20.0, "2024-01-01", "2024-01-01", None, 1),
        ],
        "policy string, state string, premium double, effective string, created string, smoker string, n int",
    )


RULES = [
    'ColumnValues "policy" matches "P-[0-9]{3}"',
    'ColumnValues "premium" >= 0',
    'ColumnValues "premium" < 1000',
    'ColumnValues "premium" <= 250.5',
    'ColumnValues "smoker" in [ "S","N" ]',
    'ColumnDataType "effective" = "DATE"',
    'ColumnDataType "created" = "TIMESTAMP"',
    'Completeness "state" > 0.80',
    'IsComplete "policy"',
    'IsUnique "policy"',
    'Uniqueness "policy" > 0.9',
    'RowCount between 1 and 4',
    'ColumnLength "state" = 2',
    'CustomSql "SELECT COUNT(*) FROM primary WHERE premium < 0" = 0',
    'CustomSql "SELECT COUNT(*) FROM primary WHERE n = 1" between 0 and 2',
    'CustomSql "SELECT SUM(n) FROM primary" >= 5',
    'CustomSql "SELECT state FROM primary WHERE premium >= 0"',
    '(IsComplete "policy") and (ColumnValues "premium" >= 0)',
    '(IsUnique "policy") or (RowCount > 100)',
]


@pytest.fixture(scope="module")
def outcomes_good(evaluator, good):
    """All rules evaluated together on the good data (one evaluation keeps the suite fast)."""
    return dict(zip(RULES, evaluator.evaluate(good, RULES, "test-good"), strict=True))


@pytest.fixture(scope="module")
def outcomes_bad(evaluator, bad):
    return dict(zip(RULES, evaluator.evaluate(bad, RULES, "test-bad"), strict=True))


@pytest.mark.parametrize("rule", RULES)
def test_rule_passes_on_good_data_and_fails_on_bad_data(outcomes_good, outcomes_bad, rule):
    passed, failed = outcomes_good[rule], outcomes_bad[rule]
    assert (passed.outcome, failed.outcome) == ("Passed", "Failed"), (passed, failed)
    assert failed.failed and not passed.failed


def test_column_exists_passes_for_a_present_column_and_fails_for_a_missing_one(evaluator, good):
    outcomes = evaluator.evaluate(good, ['ColumnExists "state"', 'ColumnExists "county"'], "test")
    assert [o.outcome for o in outcomes] == ["Passed", "Failed"]


def test_outcomes_keep_rule_order_and_report_metrics(evaluator, good):
    rules = ['IsComplete "policy"', 'RowCount = 3', 'Completeness "state" > 0.5']
    outcomes = evaluator.evaluate(good, rules, "test")
    assert [o.rule for o in outcomes] == rules
    assert outcomes[1].evaluated_metrics == {"Dataset.*.RowCount": 3.0}
    assert all(o.failure_reason is None for o in outcomes)


def test_composite_reports_only_the_composite_rule(evaluator, good):
    outcomes = evaluator.evaluate(good, ['(IsComplete "policy") and (IsComplete "state")'], "test")
    assert [o.rule for o in outcomes] == ['(IsComplete "policy") AND (IsComplete "state")']


def test_failure_reason_explains_the_failed_value(evaluator, bad):
    [outcome] = evaluator.evaluate(bad, ['Completeness "state" > 0.80'], "test")
    assert outcome.failure_reason and "0.75" in outcome.failure_reason


def test_row_level_outcomes_mark_exactly_the_rows_that_break_a_row_rule(evaluator, spark):
    df = spark.createDataFrame([(1, "a"), (2, None), (3, "c"), (4, "z")], "id int, code string")
    outcomes, rows = evaluator.evaluate_rows(df, ['IsComplete "code"', 'ColumnValues "code" in ["a","b","c"]'], "test")
    assert [o.outcome for o in outcomes] == ["Failed", "Failed"]
    result = {r.id: r.DataQualityEvaluationResult for r in rows.collect()}
    assert result == {1: "Passed", 2: "Failed", 3: "Passed", 4: "Failed"}
    assert rows.columns == [
        "id", "code", "DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip", "DataQualityEvaluationResult",
    ]
    row4 = [r for r in rows.collect() if r.id == 4][0]
    assert row4.DataQualityRulesFail == ['ColumnValues "code" in ["a","b","c"]']


def test_row_level_custom_sql_passes_the_rows_whose_key_is_returned(evaluator, spark):
    df = spark.createDataFrame([(1, 5.0), (2, -1.0), (3, 7.0)], "id int, amount double")
    _, rows = evaluator.evaluate_rows(df, ['CustomSql "SELECT id FROM primary WHERE amount > 0"'], "test")
    assert {r.id: r.DataQualityEvaluationResult for r in rows.collect()} == {1: "Passed", 2: "Failed", 3: "Passed"}


def test_dataset_level_rules_do_not_fail_rows(evaluator, spark):
    df = spark.createDataFrame([(1,), (2,)], "id int")
    outcomes, rows = evaluator.evaluate_rows(df, ["RowCount > 10"], "test")
    assert outcomes[0].outcome == "Failed"
    assert [r.DataQualityEvaluationResult for r in rows.collect()] == ["Passed", "Passed"]
    assert rows.collect()[0].DataQualityRulesSkip == ["RowCount > 10"]


def test_check_rule_reports_the_column_of_a_syntax_error(evaluator):
    problem = evaluator.check_rule('IsComplete "id" >')
    assert problem is not None and problem.column == 18
    assert "ends too early" in problem.message
    assert "no viable alternative" in problem.message


def test_check_rule_rejects_an_unknown_rule_type(evaluator):
    problem = evaluator.check_rule('IsCompleted "id"')
    assert problem is not None and "IsCompleted" in problem.message


def test_check_rule_rejects_a_rule_type_deequ_cannot_evaluate(evaluator):
    problem = evaluator.check_rule('DetectAnomalies "RowCount"')
    assert problem is not None and "DetectAnomalies cannot be evaluated" in problem.message


def test_check_rule_rejects_an_unsupported_rule_nested_in_a_composite(evaluator):
    problem = evaluator.check_rule('(IsComplete "a") and (DetectAnomalies "RowCount")')
    assert problem is not None and "DetectAnomalies" in problem.message


def test_check_rule_accepts_a_valid_rule(evaluator):
    assert evaluator.check_rule('ColumnValues "c" matches "[A-Z]+" where "id > 1"') is None


def test_the_parser_parses_each_rule_text_once_and_keeps_the_answer(evaluator):
    rule = 'IsComplete "kept_once"'
    first, problem = evaluator.parser.parse(rule)
    assert problem is None and str(first.getRuleType()) == "IsComplete"
    # The same JVM object again: no second round trip for validation, column check and plan.
    assert evaluator.parser.parse(rule)[0] is first
    assert evaluator.parser.parse('IsComplete "another"')[0] is not first
    bad = evaluator.parser.parse('IsComplete "id" >')[1]
    assert bad is not None and evaluator.parser.parse('IsComplete "id" >')[1] is bad



def test_a_prefetched_ruleset_gives_each_rule_the_answer_of_its_own_parse(spark):
    """One parse of the whole ruleset fills the answers; a ruleset with a syntax error keeps
    nothing, so each rule is parsed alone and the problem names its own column."""
    rules = ['IsComplete "a"', 'ColumnValues "c" in ["x","y"]', '(IsUnique "a") and (RowCount > 0)', 'IsComplete "a"']
    prefetched, alone = JvmDqdlParser(spark), JvmDqdlParser(spark)
    prefetched.prefetch(rules)
    assert sorted(prefetched._parsed) == sorted(set(rules))
    assert [prefetched.rule_text(r) for r in rules] == [alone.rule_text(r) for r in rules]
    assert [str(prefetched.parse(r)[0].getRuleType()) for r in rules] == ["IsComplete", "ColumnValues", "Composite", "IsComplete"]

    broken = JvmDqdlParser(spark)
    broken.prefetch(['IsComplete "a"', 'IsComplete "id" >'])
    assert broken._parsed == {}
    assert broken.parse('IsComplete "id" >')[1] == alone.parse('IsComplete "id" >')[1]
    # A text holding two rules is not one rule, whatever the ruleset parse found.
    two = JvmDqdlParser(spark)
    two.prefetch(['IsComplete "a", IsComplete "b"'])
    assert two._parsed == {} and two.parse('IsComplete "a", IsComplete "b"')[1] is not None

def test_an_unsupported_rule_fails_the_evaluation_naming_the_rule(evaluator, good):
    with pytest.raises(ConfigError, match='DetectAnomalies "RowCount".*cannot be evaluated by the deequ evaluator'):
        evaluator.evaluate(good, ['DetectAnomalies "RowCount"'], "test")


@pytest.fixture(scope="module")
def local_runtime(spark, tmp_path_factory):
    return open_warehouse(tmp_path_factory.mktemp("dq-warehouse").as_uri(), spark)


def test_the_local_runtime_supplies_deequ_by_default(local_runtime):
    assert local_runtime.dq_evaluator(None).name == "deequ"
    assert local_runtime.dq_evaluator("DEEQU").name == "deequ"


def test_the_local_runtime_refuses_glue_where_glue_data_quality_is_absent(local_runtime):
    with pytest.raises(ConfigError, match="--dq_evaluator glue needs AWS Glue Data Quality"):
        local_runtime.dq_evaluator("glue")


def test_an_unknown_evaluator_name_is_rejected(local_runtime):
    with pytest.raises(ConfigError, match="--dq_evaluator 'soda' is not supported"):
        local_runtime.dq_evaluator("soda")


def test_date_column_type_rule_passes_on_a_real_date_column(evaluator, spark):
    df = spark.createDataFrame([(dt.date(2024, 1, 1),)], "d date")
    [outcome] = evaluator.evaluate(df, ['ColumnDataType "d" = "DATE"'], "test")
    assert outcome.outcome == "Passed"


def test_a_runtime_refuses_an_evaluator_it_does_not_offer_with_the_reason(spark):
    """As the Glue runtime refuses Deequ (spark_packages.json)."""
    from insurancelake_etl.runtime import Runtime
    from insurancelake_etl.spark_packages import PACKAGES

    runtime = Runtime(
        name="glue", spark=spark, parquet_catalog=None, iceberg_catalog="glue_catalog", evaluators={},
        refused={"deequ": PACKAGES["deequ"].glue_note},
    )
    with pytest.raises(ConfigError, match="--dq_evaluator deequ is not available in the glue runtime: Glue jobs evaluate"):
        runtime.dq_evaluator("deequ")
