"""The DynamoDB lineage recorder (reference §17), read back from a moto server over HTTP."""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from insurancelake_etl.job_args import JobRun
from insurancelake_etl.lineage import NoLineage, make_lineage
from insurancelake_etl.lineage_dynamodb import DynamoDbLineage, numeric_audit
from spark_jobs import jobs_of


@pytest.fixture(scope="module")
def lineage_table(moto_endpoint) -> str:
    name = f"lineage-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "step_function_execution_id", "KeyType": "HASH"},
            {"AttributeName": "job_id_operation_seq", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "step_function_execution_id", "AttributeType": "S"},
            {"AttributeName": "job_id_operation_seq", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@pytest.fixture
def args(lineage_table) -> dict[str, str]:
    return {
        "JOB_NAME": "collect-job",
        "JOB_RUN_ID": "jr_unittest",
        "state_machine_name": "etl-state-machine",
        "execution_id": f"exec-{uuid.uuid4().hex[:8]}",
        "data_lineage_table": lineage_table,
    }


def items(args) -> list[dict]:
    table = boto3.resource("dynamodb").Table(args["data_lineage_table"])
    found = table.query(KeyConditionExpression=Key("step_function_execution_id").eq(args["execution_id"]))["Items"]
    return sorted(found, key=lambda i: i["operation_seq"])


@pytest.fixture
def policies(spark):
    return spark.createDataFrame(
        [("P1", 1.5, Decimal("10.25"), 3), ("P2", 2.0, Decimal("0.75"), 4)],
        "policy string, rate double, premium decimal(10,2), n int",
    )


def test_without_a_lineage_table_nothing_is_recorded():
    assert isinstance(make_lineage(JobRun(job_name="x"), None), NoLineage)


def test_with_a_lineage_table_the_dynamodb_recorder_is_used(args):
    assert isinstance(make_lineage(JobRun.from_arguments(args), args["data_lineage_table"]), DynamoDbLineage)


def test_read_writes_the_reference_item_shape(args, policies):
    recorder = DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args), uniid="fixed-uuid")
    recorder.update_lineage(policies, "Db/Tbl", "read")
    [item] = items(args)
    assert item["step_function_execution_id"] == args["execution_id"]
    assert item["job_id_operation_seq"] == "jr_unittest-1"
    assert item["operation_seq"] == 1
    assert (item["job_id"], item["job_name"], item["step_function_name"]) == ("jr_unittest", "collect-job", "etl-state-machine")
    assert (item["dataset"], item["dataset_operation"], item["uuid"]) == ("Db/Tbl", "read", "fixed-uuid")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", item["time_of_operation"])
    assert json.loads(item["info"]) == {
        "datasetname": "N/A",
        "dataset_counts": {"row": 2, "column": 4},
        "schema": "[('policy', 'string'), ('rate', 'double'), ('premium', 'decimal(10,2)'), ('n', 'int')]",
    }


def test_sequence_numbers_count_per_recorder_and_share_one_uuid(args, policies):
    recorder = DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args))
    recorder.update_lineage(policies, "Db/Tbl", "read")
    recorder.update_lineage(None, "Db/Tbl", "changetype", transform={"a": "int", "b": "date"})
    found = items(args)
    assert [i["job_id_operation_seq"] for i in found] == ["jr_unittest-1", "jr_unittest-2", "jr_unittest-3"]
    assert len({i["uuid"] for i in found}) == 1
    assert uuid.UUID(found[0]["uuid"])


def test_numericaudit_sums_double_and_decimal_columns_as_strings(args, policies):
    DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args)).update_lineage(policies, "Db/Tbl", "numericaudit")
    [item] = items(args)
    assert item["dataset_operation"] == "numericaudit"
    assert json.loads(item["info"]) == {
        "dataset_counts": {"row": 2, "column": 4},
        "field_total": {"rate": "3.5", "premium": "11.00"},
    }


def test_numericaudit_costs_no_more_spark_jobs_than_a_row_count(spark, policies):
    df = policies.cache()
    df.count()
    assert jobs_of(spark, lambda: numeric_audit(df)) == jobs_of(spark, df.count)


def test_numericaudit_of_a_table_without_numeric_columns_has_no_totals(spark):
    df = spark.createDataFrame([("a",)], "s string")
    assert numeric_audit(df) == {"dataset_counts": {"row": 1, "column": 1}, "field_total": {}}


def test_mapping_records_one_item_per_row_with_dropped_and_fuzzy_operations(args, policies):
    rows = [
        {"sourcename": "PolicyNo", "destname": "policy"},
        {"sourcename": "Legacy", "destname": "NULL"},
        {"sourcename": "Contact Name", "destname": "contact", "threshold": "90", "scorer": "partial_ratio", "match": "contactname"},
    ]
    DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args)).update_lineage(policies, "Db/Tbl", "mapping", map=rows)
    found = items(args)
    assert [i["dataset_operation"] for i in found] == ["mapping", "dropped", "fuzzymapping"]
    assert [json.loads(i["info"]) for i in found] == [rows[0], {"dropped": "Legacy"}, rows[2]]


def test_a_transform_given_as_a_dict_records_one_item_per_key(args):
    DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args)).update_lineage(None, "Db/Tbl", "changetype", transform={"a": "int", "b": "date"})
    assert [json.loads(i["info"]) for i in items(args)] == [{"changetype": "a"}, {"changetype": "b"}]


def test_a_transform_given_as_a_list_of_dicts_records_one_item_per_entry(args):
    spec = [{"field": "x", "format": "M/d/yyyy"}, {"field": "y", "format": "yyyy-MM-dd"}]
    DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args)).update_lineage(None, "Db/Tbl", "date", transform=spec)
    found = items(args)
    assert [i["dataset_operation"] for i in found] == ["date", "date"]
    assert [json.loads(i["info"]) for i in found] == [{"date": spec[0]}, {"date": spec[1]}]


def test_info_records_one_item_with_the_operation_as_key(args):
    DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args)).update_lineage(None, "Db/Tbl", "sparksql", info="SELECT * FROM x")
    [item] = items(args)
    assert (item["dataset_operation"], json.loads(item["info"])) == ("sparksql", {"sparksql": "SELECT * FROM x"})


def test_observed_records_keep_their_place_and_content_and_cost_no_pass_of_their_own(spark, args, policies):
    recorder = DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args), buffered=True)
    df, read = recorder.observe(policies, "Db/Tbl", "read")
    recorder.update_lineage(None, "Db/Tbl", "changetype", transform={"a": "int"})
    df, audit = recorder.observe(df, "Db/Tbl", "numericaudit")
    assert items(args) == []  # buffered until flush
    df.write.format("noop").mode("overwrite").save()
    read.expected_rows = audit.expected_rows = 2
    assert jobs_of(spark, recorder.flush) == 0
    found = items(args)
    assert [i["dataset_operation"] for i in found] == ["read", "changetype", "numericaudit"]
    assert json.loads(found[0]["info"])["dataset_counts"] == {"row": 2, "column": 4}
    assert json.loads(found[2]["info"]) == numeric_audit(policies)


def test_a_partial_first_action_makes_the_observed_record_count_again(spark, args, policies):
    recorder = DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args), buffered=True)
    df, audit = recorder.observe(policies.repartition(2), "Db/Tbl", "numericaudit")
    df.limit(1).collect()
    audit.expected_rows = 2
    recorder.flush()
    assert json.loads(items(args)[0]["info"]) == numeric_audit(policies)


class DroppingClient:
    """The real (moto) client, except that the first call leaves all but one item unprocessed."""

    def __init__(self, client):
        self.client, self.calls = client, []

    def batch_write_item(self, RequestItems):  # noqa: N803 - boto3's keyword
        [(table, requests)] = RequestItems.items()
        self.calls.append(len(requests))
        if len(self.calls) == 1:
            self.client.batch_write_item(RequestItems={table: requests[:1]})
            return {"UnprocessedItems": {table: requests[1:]}}
        return self.client.batch_write_item(RequestItems=RequestItems)


def test_records_go_in_batches_of_25_and_unprocessed_items_are_retried(args, policies):
    recorder = DynamoDbLineage(args["data_lineage_table"], JobRun.from_arguments(args), buffered=True)
    client = DroppingClient(recorder.client)
    recorder.client = client
    rows = [{"sourcename": f"c{i}", "destname": f"d{i}"} for i in range(30)]
    recorder.update_lineage(policies, "Db/Tbl", "mapping", map=rows)
    recorder.flush()
    assert client.calls == [25, 24, 5]
    assert [json.loads(i["info"]) for i in items(args)] == rows
