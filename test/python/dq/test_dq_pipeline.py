"""Data quality end to end: generated policies with spoiled rows through the Collect→Cleanse and
Cleanse→Consume jobs with the example rules (``examples/config/etl/dq-rules``), on local Spark with
DQ results and lineage in a moto DynamoDB."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from insurancelake_local.datagen import DATASETS, iter_chunks, write_dataset
from insurancelake_local.datagen.general import POLICY_COLUMNS

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402

ROWS, BAD_ROWS, SEED = 200, 10, 11
DATASET = DATASETS["general-policy"]


def spoiled_policies() -> dict[int, list[str | None]]:
    """The policy numbers of the spoiled rows by kind of damage (0 missing number, 1 bad effective
    date, 2 negative premium, 3 reversed term, 4 unknown state and e-mail), from the generator."""
    kinds: dict[int, list[str | None]] = {k: [] for k in range(5)}
    step = ROWS // BAD_ROWS
    index = 0
    for chunk in iter_chunks("general-policy", ROWS, SEED, bad_rows=BAD_ROWS):
        for row in chunk:
            if index % step == step - 1:
                record = dict(zip(POLICY_COLUMNS, row, strict=True))
                kinds[(index // step) % 5].append(record["PolicyNumber"] or None)
            index += 1
    return kinds


@pytest.fixture(scope="module")
def pipeline(spark, moto_endpoint, tmp_path_factory):
    """Collect then Consume of 200 policies (10 spoiled) with the example rules."""
    ws = harness.prepare_workspace(tmp_path_factory.mktemp("dq-pipeline"))
    tables = harness.create_tables(f"dq-{uuid.uuid4().hex[:8]}")
    harness.load_lookups(tables)
    lineage = f"dq-lineage-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=lineage,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "step_function_execution_id", "AttributeType": "S"},
            {"AttributeName": "job_id_operation_seq", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "step_function_execution_id", "KeyType": "HASH"},
            {"AttributeName": "job_id_operation_seq", "KeyType": "RANGE"},
        ],
    )
    # The Consume SQL joins the claims, so they are collected first.
    claims = DATASETS["claims"]
    write_dataset("claims", ws.collect / claims.collect_key, rows=100, seed=SEED, policy_rows=ROWS)
    harness.run_collect(
        spark, harness.collect_args(ws, tables, database=claims.database, table=claims.table, file_name=claims.file_name)
    )
    write_dataset("general-policy", ws.collect / DATASET.collect_key, rows=ROWS, seed=SEED, bad_rows=BAD_ROWS)
    collect_args = harness.collect_args(
        ws, tables, database=DATASET.database, table=DATASET.table, file_name=DATASET.file_name
    )
    collect_args["data_lineage_table"] = lineage
    collected = harness.run_collect(spark, collect_args)
    consume_args = harness.consume_args(
        ws, tables, database=DATASET.database, table=DATASET.table, file_name=DATASET.file_name
    )
    consumed = harness.run_consume(spark, consume_args)
    return {
        "ws": ws,
        "tables": tables,
        "lineage": lineage,
        "collect_args": collect_args,
        "consume_args": consume_args,
        "collected": collected,
        "consumed": consumed,
    }


def quarantine(spark, result, stage: str, database: str | None = None):
    catalog, db, table = result.table.split(".")
    return spark.table(f"{catalog}.{database or db}.{table}_quarantine_{stage}")


def test_before_transform_quarantines_missing_numbers_and_negative_premiums(spark, pipeline):
    kinds = spoiled_policies()
    table = quarantine(spark, pipeline["collected"], "before_transform")
    assert sorted(map(str, (r.policynumber for r in table.collect()))) == sorted(map(str, kinds[0] + kinds[2]))
    assert {(r.year, r.month, r.day) for r in table.collect()} == {("2024", "07", "01")}
    assert {r.execution_id for r in table.collect()} == {pipeline["collect_args"]["execution_id"]}


def test_after_transform_quarantines_bad_effective_dates_and_reversed_terms(spark, pipeline):
    kinds = spoiled_policies()
    table = quarantine(spark, pipeline["collected"], "after_transform")
    rows = table.collect()
    assert sorted(str(r.policynumber) for r in rows) == sorted(str(p) for p in kinds[1] + kinds[3])
    failed_rules = {rule for r in rows for rule in r.dataqualityrulesfail}
    assert 'IsComplete "EffectiveDate"' in failed_rules and 'ColumnValues "PolicyMonths" >= 1' in failed_rules


def test_cleanse_keeps_exactly_the_rows_no_quarantine_rule_selected(spark, pipeline):
    kinds = spoiled_policies()
    collected = pipeline["collected"]
    assert (collected.rows_read, collected.rows_written, collected.rows_quarantined) == (ROWS, ROWS - 8, 8)
    cleanse = {r.policynumber for r in spark.table(collected.table).select("policynumber").collect()}
    assert not cleanse & {int(p) for k in (1, 2, 3) for p in kinds[k]}
    assert {int(p) for p in kinds[4]} <= cleanse
    assert "DataQualityEvaluationResult" not in spark.table(collected.table).columns


def test_after_sparksql_quarantine_table_exists_and_is_empty_when_nothing_fails(spark, pipeline):
    consumed = pipeline["consumed"]
    assert consumed.rows_written == ROWS - 8
    table = quarantine(spark, consumed, "after_sparksql")
    assert table.count() == 0
    assert "quarantine_timestamp" in table.columns


def test_dq_results_hold_every_action_of_every_stage(pipeline):
    results = boto3.resource("dynamodb").Table(pipeline["tables"]["dq_results_table"])
    keys = set()
    for args in (pipeline["collect_args"], pipeline["consume_args"]):
        items = results.query(KeyConditionExpression=Key("execution_id").eq(args["execution_id"]))["Items"]
        keys |= {(i["rule_action"], i["ruleset_name"], i["Outcome"]) for i in items}
        assert all(i["job_id_action_rule"].startswith(args["JOB_RUN_ID"] + "-") for i in items)
    rules = json.loads((ROOT / "examples/config/etl/dq-rules/dq-SyntheticGeneralData-PolicyData.json").read_text())
    for stage, actions in rules.items():
        for key in actions:
            assert any(a == f"{key[:-6]}-on-failure" and s == stage for a, s, _ in keys), (stage, key)
    assert ("warn-on-failure", "before_transform", "Failed") in keys
    assert ("quarantine-on-failure", "after_transform", "Failed") in keys
    assert ("halt-on-failure", "after_sparksql", "Passed") in keys


def test_lineage_records_the_collect_job_in_order(pipeline):
    table = boto3.resource("dynamodb").Table(pipeline["lineage"])
    args = pipeline["collect_args"]
    items = table.query(KeyConditionExpression=Key("step_function_execution_id").eq(args["execution_id"]))["Items"]
    operations = [i["dataset_operation"] for i in sorted(items, key=lambda i: i["operation_seq"])]
    assert operations[:2] == ["read", "numericaudit"]
    assert operations[-1] == "numericaudit"
    assert operations.count("dataqualityquarantine") == 5
    assert {"mapping", "dropped", "fuzzymapping", "literal", "changetype", "lookup"} <= set(operations)
    read = json.loads(sorted(items, key=lambda i: i["operation_seq"])[0]["info"])
    assert read["dataset_counts"] == {"row": ROWS, "column": len(POLICY_COLUMNS)}
