"""The stage runner: warn → quarantine → halt, quarantine tables, DQ results in DynamoDB (moto)."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

import boto3
import pytest
from pyspark.sql import functions as F
from insurancelake_etl.context import JobContext
from insurancelake_etl.dq.evaluator import DeequEvaluator
from insurancelake_etl.errors import ConfigError, DataError
from insurancelake_etl.job_args import JobRun, LakeTables, TableTarget
from insurancelake_etl.lineage import MemoryLineage
from insurancelake_etl.partition import Partition
from insurancelake_etl.quality_hooks import PassThroughQuality, make_data_quality
from insurancelake_etl.tables import IcebergWriter, ParquetWriter
from insurancelake_local.local_catalog import LocalParquetCatalog
from insurancelake_local.runtime import open_warehouse

DQ_COLUMNS = ["DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip", "DataQualityEvaluationResult"]


@pytest.fixture(scope="module")
def results_table(moto_endpoint) -> str:
    name = f"dq-results-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "execution_id", "KeyType": "HASH"},
            {"AttributeName": "job_id_action_rule", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "execution_id", "AttributeType": "S"},
            {"AttributeName": "job_id_action_rule", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@pytest.fixture
def make_ctx(spark, tmp_path, results_table):
    def build(day: str = "05", table: str | None = None, bucket: str | None = None, database: str = "dqdb") -> JobContext:
        return JobContext(
            spark=spark,
            run=JobRun("collect-job", "jr_dq", f"exec-{uuid.uuid4().hex[:8]}", "etl-state-machine"),
            dataset="DqDb/Policies",
            partition=Partition.parse("2024", "1", day),
            target=TableTarget(bucket or (tmp_path / "cleanse").as_uri(), database, table or f"Policies{uuid.uuid4().hex[:6]}"),
            tables=LakeTables(dq_results_table=results_table),
            lineage=MemoryLineage(),
            spec_file="etl/dq-rules/dq-DqDb-Policies.json",
        )

    return build


def checker(rules, ctx, writer):
    """The checker of ``rules`` with the local evaluator (Deequ)."""
    return make_data_quality(rules, ctx, writer, lambda: DeequEvaluator(ctx.spark))


@pytest.fixture
def writer(spark) -> IcebergWriter:
    return IcebergWriter(spark, "local")


@pytest.fixture
def policies(spark):
    return spark.createDataFrame(
        [("P1", "S", 10.0), ("P2", None, 20.0), ("P3", "N", 30.0), ("P4", "Q", 40.0), ("P5", "S", 50.0)],
        "policy string, smoker string, premium double",
    )


def quarantined(spark, writer, ctx, stage):
    return spark.table(writer.table_name("dqdb", f"{ctx.target.table}_quarantine_{stage}"))


def test_quarantine_keeps_passing_rows_without_outcome_columns(make_ctx, writer, policies):
    ctx = make_ctx()
    check = checker({"before_transform": {"quarantine_rules": ["ColumnValues 'smoker' in [ 'S','N' ]"]}}, ctx, writer)
    out = check.run(policies, "before_transform")
    assert out.columns == ["policy", "smoker", "premium"]
    assert sorted(r.policy for r in out.collect()) == ["P1", "P3", "P5"]


def test_quarantine_writes_exactly_the_failing_rows_with_outcomes_partition_and_timestamp(spark, make_ctx, writer, policies):
    ctx = make_ctx()
    rule = "ColumnValues 'smoker' in [ 'S','N' ]"
    checker({"before_transform": {"quarantine_rules": [rule]}}, ctx, writer).run(policies, "before_transform")
    table = quarantined(spark, writer, ctx, "before_transform")
    assert table.columns == [
        "policy", "smoker", "premium", *[c.lower() for c in DQ_COLUMNS], "year", "month", "day", "execution_id",
        "quarantine_timestamp",
    ]
    rows = sorted(table.collect(), key=lambda r: r.policy)
    assert [r.policy for r in rows] == ["P2", "P4"]
    assert {(r.year, r.month, r.day, r.execution_id) for r in rows} == {("2024", "01", "05", ctx.execution_id)}
    assert rows[1].dataqualityrulesfail == ['ColumnValues "smoker" in ["S","N"]']
    assert rows[1].dataqualityevaluationresult == "Failed"
    assert all(r.quarantine_timestamp is not None for r in rows)
    assert dict(table.dtypes)["quarantine_timestamp"] == "timestamp"


def test_quarantine_table_is_created_even_when_no_row_fails(spark, make_ctx, writer, policies):
    ctx = make_ctx()
    rules = {"before_transform": {"quarantine_rules": ["IsComplete 'policy'"]}}
    out = checker(rules, ctx, writer).run(policies, "before_transform")
    assert out.count() == 5
    table = quarantined(spark, writer, ctx, "before_transform")
    assert table.count() == 0
    assert "dataqualityevaluationresult" in table.columns


def test_a_clean_rerun_clears_the_partition_of_earlier_quarantined_rows(spark, make_ctx, writer, policies):
    rules = {"before_transform": {"quarantine_rules": ["ColumnValues 'smoker' in [ 'S','N' ]"]}}
    first = make_ctx(day="05")
    other_day = make_ctx(day="06", table=first.target.table)
    checker(rules, first, writer).run(policies, "before_transform")
    checker(rules, other_day, writer).run(policies, "before_transform")
    clean = policies.filter("smoker in ('S', 'N')")
    rerun = make_ctx(day="05", table=first.target.table)
    checker(rules, rerun, writer).run(clean, "before_transform")
    table = quarantined(spark, writer, first, "before_transform")
    assert sorted((r.day, r.policy) for r in table.collect()) == [("06", "P2"), ("06", "P4")]


class CountingWriter(IcebergWriter):
    """The Iceberg writer, counting the tables it is asked to write."""

    def __init__(self, spark) -> None:
        super().__init__(spark, "local")
        self.written: list[str] = []

    def write(self, df, request):
        self.written.append(request.table)
        return super().write(df, request)


def test_a_clean_run_into_an_unchanged_quarantine_table_writes_nothing_and_clears_the_partition(spark, make_ctx, policies):
    writer = CountingWriter(spark)
    rules = {"before_transform": {"quarantine_rules": ["ColumnValues 'smoker' in [ 'S','N' ]"]}}
    first = make_ctx(day="05")
    checker(rules, first, writer).run(policies, "before_transform")
    clean = policies.filter("smoker in ('S', 'N')")
    rerun = make_ctx(day="05", table=first.target.table)
    out = checker(rules, rerun, writer).run(clean, "before_transform")
    assert out.count() == 3
    assert writer.written == [f"{first.target.table}_quarantine_before_transform"]
    assert quarantined(spark, writer, first, "before_transform").count() == 0


def test_a_clean_run_with_a_new_column_still_adds_it_to_the_quarantine_table(spark, make_ctx, policies):
    writer = CountingWriter(spark)
    rules = {"before_transform": {"quarantine_rules": ["IsComplete 'policy'"]}}
    first = make_ctx()
    checker(rules, first, writer).run(policies, "before_transform")
    wider = policies.withColumn("agent", F.lit("A7"))
    checker(rules, make_ctx(table=first.target.table), writer).run(wider, "before_transform")
    assert "agent" in quarantined(spark, writer, first, "before_transform").columns
    assert len(writer.written) == 2


def test_quarantining_every_row_fails_the_run_after_writing_them(spark, make_ctx, writer, policies):
    ctx = make_ctx()
    rules = {"before_transform": {"quarantine_rules": ["ColumnValues 'premium' > 100"]}}
    with pytest.raises(DataError) as info:
        checker(rules, ctx, writer).run(policies, "before_transform")
    message = str(info.value)
    assert message.startswith("etl/dq-rules/dq-DqDb-Policies.json: Data quality check quarantined all rows: 5 rows")
    assert 'ColumnValues "premium" > 100' in message and f"{ctx.target.table}_quarantine_before_transform" in message
    assert info.value.rows_quarantined == 5
    assert isinstance(info.value, RuntimeError)
    assert quarantined(spark, writer, ctx, "before_transform").count() == 5


def test_halt_evaluates_the_data_before_quarantine(make_ctx, writer, policies):
    ctx = make_ctx()
    rules = {
        "before_transform": {
            "quarantine_rules": ["IsComplete 'smoker'"],
            "halt_rules": ["IsComplete 'smoker'"],
        }
    }
    with pytest.raises(DataError) as info:
        checker(rules, ctx, writer).run(policies, "before_transform")
    assert str(info.value).startswith("etl/dq-rules/dq-DqDb-Policies.json: Data quality check failed: ")


def test_a_halt_names_every_failing_rule_its_outcome_and_observed_value(make_ctx, writer, policies):
    rules = {"after_sparksql": {"halt_rules": ["RowCount > 10", "IsComplete 'policy'", "Completeness 'smoker' > 0.9"]}}
    with pytest.raises(DataError) as info:
        checker(rules, make_ctx(), writer).run(policies, "after_sparksql")
    message = str(info.value)
    assert message.startswith("etl/dq-rules/dq-DqDb-Policies.json: Data quality check failed: after_sparksql halt rule")
    assert "'RowCount > 10' Failed" in message and "observed Dataset.*.RowCount=5" in message
    assert "'Completeness \"smoker\" > 0.9' Failed" in message and "Column.smoker.Completeness=0.8" in message
    assert "IsComplete" not in message


@pytest.mark.parametrize(
    ("rule", "column"),
    [
        ("IsComplete 'smokr'", "smokr"),
        ("ColumnValues 'premum' >= 0", "premum"),
        ("(IsComplete 'policy') and (IsComplete 'smokr')", "smokr"),
        ("CustomSql 'SELECT policy FROM primary WHERE premiumm > 0'", "premiumm"),
    ],
)
def test_a_rule_on_an_unknown_column_fails_before_any_rule_is_evaluated(make_ctx, writer, policies, rule, column):
    ctx = make_ctx()
    check = checker({"before_transform": {"quarantine_rules": ["IsComplete 'policy'", rule]}}, ctx, writer)
    with pytest.raises(ConfigError) as info:
        check.run(policies, "before_transform")
    message = str(info.value)
    assert message.startswith("etl/dq-rules/dq-DqDb-Policies.json: $.before_transform.quarantine_rules[1]: ")
    assert f"names column {column!r}" in message and "did you mean" in message
    # Nothing was evaluated: no quarantine table, no DQ results.
    assert check.quarantined == 0 and check.row_level_kinds == []


def test_quarantine_row_outcomes_are_native_for_predicates_and_custom_sql(make_ctx, writer, policies):
    rules = ["IsComplete 'smoker'", "CustomSql 'SELECT policy FROM primary WHERE premium < 45'", "RowCount > 0"]
    check = checker({"before_transform": {"quarantine_rules": rules}}, make_ctx(), writer)
    out = check.run(policies, "before_transform")
    assert sorted(r.policy for r in out.collect()) == ["P1", "P3", "P4"]
    assert check.row_level_kinds == [["predicate", "join", "dataset"]]


def test_passing_halt_rules_let_the_data_through(make_ctx, writer, policies):
    ctx = make_ctx()
    out = checker({"after_sparksql": {"halt_rules": ["RowCount = 5"]}}, ctx, writer).run(policies, "after_sparksql")
    assert out.count() == 5


def test_failing_warn_rules_only_warn(make_ctx, writer, policies, caplog):
    ctx = make_ctx()
    with caplog.at_level(logging.WARNING):
        out = checker({"after_transform": {"warn_rules": ["IsComplete 'smoker'"]}}, ctx, writer).run(
            policies, "after_transform"
        )
    assert out is policies
    assert "Data quality checks failed: warning only" in caplog.text


def test_a_stage_without_rules_returns_the_data_unchanged(make_ctx, writer, policies):
    check = checker({"after_sparksql": {"halt_rules": ["RowCount = 0"]}}, make_ctx(), writer)
    assert check.run(policies, "before_transform") is policies


def test_after_transform_quarantine_uses_the_data_partition_columns(spark, make_ctx, writer, policies):
    ctx = make_ctx()
    df = policies.selectExpr("*", "'2024' as year", "'01' as month", "'05' as day", "'x' as execution_id")
    checker({"after_transform": {"quarantine_rules": ["IsComplete 'smoker'"]}}, ctx, writer).run(df, "after_transform")
    table = quarantined(spark, writer, ctx, "after_transform")
    assert table.columns[:7] == ["policy", "smoker", "premium", "year", "month", "day", "execution_id"]
    assert [(r.policy, r.execution_id) for r in table.collect()] == [("P2", "x")]


def test_after_sparksql_quarantine_goes_under_the_target_bucket_quarantine_folder(spark, make_ctx, tmp_path, policies):
    catalog = LocalParquetCatalog(spark, (tmp_path / "wh").as_uri())
    parquet = ParquetWriter(spark, catalog)
    ctx = make_ctx(bucket=(tmp_path / "consume").as_uri(), database="dqdb_consume")
    df = policies.selectExpr("*", "'2024' as year", "'01' as month", "'05' as day")
    checker({"after_sparksql": {"quarantine_rules": ["IsComplete 'smoker'"]}}, ctx, parquet).run(df, "after_sparksql")
    table = catalog.get_table("dqdb_consume", f"{ctx.target.table}_quarantine_after_sparksql")
    assert table is not None
    assert table.location == f"{(tmp_path / 'consume').as_uri()}/quarantine/after_sparksql/DqDb/Policies"
    assert list(table.partitions) == [("2024", "01", "05")]


def test_quarantine_records_lineage_once_per_rule(make_ctx, writer, policies):
    ctx = make_ctx()
    rules = ["IsComplete 'smoker'", "ColumnValues 'premium' < 45"]
    checker({"before_transform": {"quarantine_rules": rules}}, ctx, writer).run(policies, "before_transform")
    assert ctx.lineage.calls[-1][1:] == ("dataqualityquarantine", {"transform": rules})


def test_every_action_writes_its_outcomes_to_the_results_table(make_ctx, writer, policies, results_table):
    ctx = make_ctx()
    rules = {
        "after_transform": {
            "warn_rules": ["RowCount > 10"],
            "quarantine_rules": ["IsComplete 'smoker'"],
            "halt_rules": ["ColumnExists 'policy'"],
        }
    }
    df = policies.selectExpr("*", "'2024' as year", "'01' as month", "'05' as day")
    checker(rules, ctx, writer).run(df, "after_transform")
    items = boto3.resource("dynamodb").Table(results_table).query(
        KeyConditionExpression=boto3.dynamodb.conditions.Key("execution_id").eq(ctx.execution_id)
    )["Items"]
    by_key = {i["job_id_action_rule"]: i for i in items}
    assert sorted(by_key) == [
        "jr_dq-halt-after_transform-ColumnExists \"policy\"",
        "jr_dq-quarantine-after_transform-IsComplete \"smoker\"",
        "jr_dq-warn-after_transform-RowCount > 10",
    ]
    warn = by_key["jr_dq-warn-after_transform-RowCount > 10"]
    assert warn["Outcome"] == "Failed"
    assert warn["rule_action"] == "warn-on-failure"
    assert warn["ruleset_name"] == "after_transform"
    assert (warn["job_id"], warn["job_name"], warn["step_function_name"]) == ("jr_dq", "collect-job", "etl-state-machine")
    assert warn["EvaluatedMetrics"] == {"Dataset.*.RowCount": Decimal("5.0")}
    assert "does not meet" in warn["FailureReason"]
    halt = by_key["jr_dq-halt-after_transform-ColumnExists \"policy\""]
    assert (halt["Outcome"], halt["FailureReason"], halt["rule_action"]) == ("Passed", "", "halt-on-failure")


def test_a_dqdl_syntax_error_fails_before_any_data_is_read(make_ctx, writer):
    rules = {"after_transform": {"halt_rules": ["IsComplete 'a'", "ColumnValues 'b' >"]}}
    with pytest.raises(ConfigError) as info:
        checker(rules, make_ctx(), writer)
    message = str(info.value)
    assert message.startswith("etl/dq-rules/dq-DqDb-Policies.json: $.after_transform.halt_rules[1]: DQDL error at column 19")
    assert "after_transform halt rule 'ColumnValues \"b\" >'" in message


def test_a_rule_the_local_evaluator_cannot_evaluate_fails_the_run_naming_it(make_ctx, writer):
    rules = {"before_transform": {"warn_rules": ["DetectAnomalies 'RowCount'"]}}
    with pytest.raises(ConfigError, match=r"\$.before_transform.warn_rules\[0\]: .*DetectAnomalies cannot be evaluated"):
        checker(rules, make_ctx(), writer)


def test_no_rules_give_a_pass_through_checker(make_ctx, writer):
    assert isinstance(checker({}, make_ctx(), writer), PassThroughQuality)


def test_the_runtime_supplies_the_evaluator_the_dq_evaluator_argument_names(spark, tmp_path, make_ctx, writer):
    runtime = open_warehouse((tmp_path / "wh").as_uri(), spark)
    rules = {"after_transform": {"halt_rules": ["RowCount > 0"]}}
    assert make_data_quality(rules, make_ctx(), writer, lambda: runtime.dq_evaluator("deequ")).evaluator.name == "deequ"
    with pytest.raises(ConfigError, match="--dq_evaluator glue needs AWS Glue Data Quality"):
        make_data_quality(rules, make_ctx(), writer, lambda: runtime.dq_evaluator("glue"))


def test_release_unpersists_the_stage_input_and_the_failing_keys(make_ctx, writer, policies):
    """Native row outcomes are expressions over the cached stage input (not cached themselves); a
    row-level CustomSql caches only its failing keys."""
    rules = ["IsComplete 'smoker'", "CustomSql 'SELECT policy FROM primary WHERE premium < 45'"]
    check = checker({"before_transform": {"quarantine_rules": rules}}, make_ctx(), writer)
    continuing = check.run(policies, "before_transform")
    stage_input, failing_keys = check.cached
    assert stage_input.is_cached and failing_keys.is_cached
    assert [r[0] for r in failing_keys.collect()] == ["P5"]
    assert sorted(r["policy"] for r in continuing.collect()) == ["P1", "P3", "P4"]
    check.release()
    assert not stage_input.is_cached and not failing_keys.is_cached and check.cached == []


def test_a_stage_evaluates_its_warn_quarantine_and_halt_lists_in_one_evaluator_call(make_ctx, writer, policies):
    """Deequ's passes are shared by one call; the outcomes still go to each action in order."""
    ctx = make_ctx()
    rules = {
        "before_transform": {
            "warn_rules": ["RowCount > 10", "IsComplete 'smoker'"],
            "quarantine_rules": ["ColumnValues 'premium' < 45"],
            "halt_rules": ["RowCount > 10", "ColumnExists 'policy'"],
        }
    }
    check = checker(rules, ctx, writer)
    calls: list[list[str]] = []
    evaluate = check.evaluator.evaluate

    def counted(df, rules, context):
        calls.append(list(rules))
        return evaluate(df, rules, context)

    check.evaluator.evaluate = counted
    recorded: list[tuple[str, list[str]]] = []
    write = check.results.write
    check.results.write = lambda outcomes, stage, action: (recorded.append((action, [o.outcome for o in outcomes])), write(outcomes, stage, action))
    with pytest.raises(DataError, match="halt rule 'RowCount > 10' Failed"):
        check.run(policies, "before_transform")
    assert calls == [['RowCount > 10', 'IsComplete "smoker"', 'ColumnValues "premium" < 45', 'ColumnExists "policy"']]
    assert recorded == [
        ("warn", ["Failed", "Failed"]),
        ("quarantine", ["Failed"]),
        ("halt", ["Failed", "Passed"]),
    ]
    assert quarantined(ctx.spark, writer, ctx, "before_transform").count() == 1


def test_a_stage_releases_what_the_earlier_stage_cached_once_it_has_read_its_input(make_ctx, writer, policies):
    """A stage that caches every column (here: ColumnCount reads them all) makes the earlier stages'
    caches unneeded once its own is read; a stage that caches only its rules' columns releases that
    cache when it ends, and the rows it lets through keep every column."""
    rules = {
        "before_transform": {"quarantine_rules": ["IsComplete 'smoker'"], "warn_rules": ["ColumnCount = 3"]},
        "after_transform": {"halt_rules": ["RowCount > 0"], "warn_rules": ["ColumnCount = 6"]},
        "after_sparksql": {"quarantine_rules": ["ColumnValues 'premium' < 45"]},
    }
    check = checker(rules, make_ctx(), writer)
    continuing = check.run(policies, "before_transform")
    [before_input] = check.cached
    transformed = continuing.selectExpr("*", "premium * 2 AS doubled", "'2024' AS year", "'01' AS month", "'05' AS day")
    after = check.run(transformed, "after_transform")
    assert not before_input.is_cached
    [after_input] = check.cached
    assert after_input.is_cached and len(after_input.columns) == 7
    last = check.run(after.drop("doubled"), "after_sparksql")
    # The narrow stage's cache is gone; the whole cache it computed its rows from stays until release.
    assert after_input.is_cached and check.stage_inputs == [after_input]
    assert last.columns == ["policy", "smoker", "premium", "year", "month", "day"]
    assert sorted(r["policy"] for r in last.collect()) == ["P1", "P3", "P4"]
    check.release()
    assert not after_input.is_cached


def test_a_stage_evaluates_only_the_columns_its_rules_read_with_the_same_outcomes(spark, make_ctx, writer, policies):
    """The stage caches the rules' columns only; outcomes, quarantined rows (every column) and the
    rows that continue are those of the evaluation over every column."""
    wide = policies.selectExpr("*", "upper(policy) AS code", "premium / 2 AS half", "'2024' AS year", "'01' AS month", "'05' AS day")
    rules = {
        "after_transform": {
            "warn_rules": ["Completeness 'smoker' > 0.9"],
            "quarantine_rules": ["ColumnValues 'premium' < 45", "CustomSql 'SELECT policy FROM primary WHERE premium <> 40 AND smoker IS NOT NULL'"],
            "halt_rules": ["IsUnique 'policy'"],
        }
    }

    def run(narrowing: bool):
        ctx = make_ctx()
        check = checker(rules, ctx, writer)
        if not narrowing:
            check._evaluated_columns = lambda df, stage: None
        evaluated: list[list[str]] = []
        evaluate_lists = check.evaluator.evaluate_lists
        check.evaluator.evaluate_lists = lambda df, lists: (evaluated.append(df.columns), evaluate_lists(df, lists))[1]
        recorded: list[tuple[str, list[tuple[str, str]]]] = []
        write = check.results.write
        check.results.write = lambda outcomes, stage, action: (
            recorded.append((action, [(o.outcome, o.failure_reason or "") for o in outcomes])),
            write(outcomes, stage, action),
        )
        out = check.run(wide, "after_transform")
        table = quarantined(spark, writer, ctx, "after_transform").drop("quarantine_timestamp")
        result = (recorded, sorted(map(tuple, out.collect())), out.columns, sorted(map(tuple, table.collect())), table.columns)
        check.release()
        return result, evaluated

    narrow, narrow_columns = run(True)
    whole, whole_columns = run(False)
    assert narrow_columns == [["policy", "smoker", "premium"]] and whole_columns == [wide.columns]
    assert narrow == whole
    recorded, continuing, columns, rows, _ = narrow
    assert [action for action, _ in recorded] == ["warn", "quarantine", "halt"]
    assert [outcome for outcome, _ in recorded[1][1]] == ["Failed", "Failed"]
    assert columns == wide.columns and [r[0] for r in continuing] == ["P1", "P3"]
    assert [r[0] for r in rows] == ["P2", "P4", "P5"] and len(rows[0]) == len(wide.columns) + 4


@pytest.mark.parametrize("before", [None, "true"])
def test_a_stage_builds_its_cache_uncompressed_and_restores_the_setting_even_when_it_halts(spark, make_ctx, writer, policies, before):
    """The stage input's cache is built by the stage's first action (the evaluation) while Spark's
    columnar compression is off; the session's own setting is back afterwards, also after a halt."""
    key = "spark.sql.inMemoryColumnarStorage.compressed"
    if before is None:
        spark.conf.unset(key)
    else:
        spark.conf.set(key, before)
    rules = {"before_transform": {"warn_rules": ["IsComplete 'smoker'"], "halt_rules": ["RowCount > 10"]}}
    check = checker(rules, make_ctx(), writer)
    seen: list[str | None] = []
    evaluate = check.evaluator.evaluate

    def recording(df, rules, context):
        seen.append(spark.conf.get(key))
        return evaluate(df, rules, context)

    check.evaluator.evaluate = recording
    with pytest.raises(DataError, match="halt rule 'RowCount > 10' Failed"):
        check.run(policies, "before_transform")
    assert seen == ["false"]
    assert spark.conf.get(key, None) == before
    [stage_input] = check.cached
    assert stage_input.is_cached and stage_input.count() == 5
    check.release()
