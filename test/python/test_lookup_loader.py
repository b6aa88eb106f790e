"""The lookup-table loaders (``python -m insurancelake_local.lookup_loader``) against a moto DynamoDB over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from insurancelake_etl import lookups as store
from insurancelake_local import lookup_loader as loader

ASSETS = Path(__file__).resolve().parents[2] / "assets"
LOCAL = Path(__file__).resolve().parents[2] / "packages" / "cli" / "python"


def _create_table(partition: str, sort: str) -> str:
    name = f"loader-{partition}-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": partition, "KeyType": "HASH"}, {"AttributeName": sort, "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": partition, "AttributeType": "S"},
            {"AttributeName": sort, "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(folder) for folder in (ASSETS / "glue", LOCAL))}
    return subprocess.run(
        [sys.executable, "-m", "insurancelake_local.lookup_loader", *args], env=env, capture_output=True, text=True, check=False
    )


def test_load_value_writes_one_item_per_column_with_lookup_data_as_json_text(moto_endpoint, tmp_path):
    table = _create_table("source_system", "column_name")
    data = {"LOB": {"AUTO": "Auto Insurance", "WC": "Worker's Compensation"}, "StateCd": {"OH": "Ohio"}}
    (tmp_path / "lookups.json").write_text(json.dumps(data), encoding="utf-8")
    result = _cli("load-value", str(tmp_path / "lookups.json"), "--table", table, "--source-system", "SyntheticGeneralData")
    assert result.returncode == 0, result.stderr
    assert "2 lookups written" in result.stderr
    item = boto3.resource("dynamodb").Table(table).get_item(
        Key={"source_system": "SyntheticGeneralData", "column_name": "LOB"}
    )["Item"]
    assert isinstance(item["lookup_data"], str)
    assert json.loads(item["lookup_data"]) == data["LOB"]
    assert store.get_value_lookup(table, "SyntheticGeneralData", "StateCd") == {"OH": "Ohio"}


def test_load_value_again_replaces_the_items(moto_endpoint, tmp_path):
    table = _create_table("source_system", "column_name")
    path = tmp_path / "lookups.json"
    path.write_text(json.dumps({"LOB": {"AUTO": "Auto"}}), encoding="utf-8")
    loader.load_value_lookups(path, table, "Sys")
    path.write_text(json.dumps({"LOB": {"AUTO": "Automobile"}}), encoding="utf-8")
    assert loader.load_value_lookups(path, table, "Sys") == 1
    assert store.get_value_lookup(table, "Sys", "LOB") == {"AUTO": "Automobile"}


def test_load_value_rejects_a_file_that_is_not_column_maps(moto_endpoint, tmp_path):
    table = _create_table("source_system", "column_name")
    (tmp_path / "bad.json").write_text(json.dumps({"LOB": ["AUTO"]}), encoding="utf-8")
    result = _cli("load-value", str(tmp_path / "bad.json"), "--table", table, "--source-system", "S")
    assert result.returncode == 1
    assert "bad.json: lookup 'LOB': expected an object" in result.stderr


def test_load_multi_joins_lookup_columns_in_order_and_keeps_the_rest_as_attributes(moto_endpoint, tmp_path):
    table = _create_table("lookup_group", "lookup_item")
    csv_text = "originalprogram,originalcoverage,program,coverage\nWC,Med,Workers Comp,Medical\nAUTO,,Auto,None\n"
    (tmp_path / "multi.csv").write_text(csv_text, encoding="utf-8")
    result = _cli(
        "load-multi", str(tmp_path / "multi.csv"), "--table", table, "--lookup-group", "PolicyData-LOBCoverage",
        "--lookup-columns", "originalprogram", "originalcoverage",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 rows written" in result.stderr
    items = boto3.resource("dynamodb").Table(table).query(
        KeyConditionExpression=Key("lookup_group").eq("PolicyData-LOBCoverage")
    )["Items"]
    assert sorted(items, key=lambda i: i["lookup_item"]) == [
        {"lookup_group": "PolicyData-LOBCoverage", "lookup_item": "AUTO-", "program": "Auto", "coverage": "None"},
        {"lookup_group": "PolicyData-LOBCoverage", "lookup_item": "WC-Med", "program": "Workers Comp", "coverage": "Medical"},
    ]


def test_load_multi_writes_more_items_than_one_batch(moto_endpoint, tmp_path):
    table = _create_table("lookup_group", "lookup_item")
    lines = ["code,label"] + [f"C{n},Label {n}" for n in range(60)]
    (tmp_path / "multi.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert loader.load_multi_lookups(tmp_path / "multi.csv", table, "g", ["code"]) == 60
    assert len(store.query_lookup_group(table, "g", ["label"])) == 60


def test_load_multi_with_an_unknown_lookup_column_fails_naming_it(moto_endpoint, tmp_path):
    table = _create_table("lookup_group", "lookup_item")
    (tmp_path / "multi.csv").write_text("code,label\nA,B\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2: lookup column.s. nope not in the CSV header"):
        loader.load_multi_lookups(tmp_path / "multi.csv", table, "g", ["nope"])
