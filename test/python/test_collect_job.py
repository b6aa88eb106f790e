"""The Collect→Cleanse job flow (reference §5.2) on a local runtime."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from insurancelake_etl.errors import ArgumentValueError, DataError, SchemaChangeError
from insurancelake_etl.job_args import CollectArgs
from insurancelake_etl.jobs import collect_to_cleanse
from insurancelake_local.runtime import build_local_runtime, open_warehouse

ENGINE = Path(__file__).resolve().parents[2] / "assets" / "glue"
CSV = "Policy Number,Insured Name,Premium\n1,Alice,100.5\n2,Bob,200.25\n"


class Lake:
    """Local buckets for one test: collect, cleanse, etl-scripts, glue-temp and a warehouse."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = "Db" + uuid.uuid4().hex[:8]
        self.table = "Policies"
        for name in ("collect", "cleanse", "etl", "temp", "warehouse"):
            (root / name).mkdir()
        self.catalog = "c" + uuid.uuid4().hex[:10]

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def put_input(self, text: str, name: str = "policies.csv") -> None:
        folder = self.root / "collect" / self.db / self.table
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)

    def put_config(self, name: str, text: str) -> None:
        path = self.root / "etl" / "etl" / "transformation-spec" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def args(self, **overrides: str) -> dict[str, str]:
        args = {
            "JOB_NAME": "collect",
            "environment": "unittest",
            "TempDir": self.uri("temp") + "/etl/collect_to_cleanse/",
            "txn_bucket": self.uri("etl"),
            "txn_spec_prefix_path": "/etl/transformation-spec/",
            "source_bucket": self.uri("collect"),
            "target_bucket": self.uri("cleanse"),
            "hash_value_table": "hash",
            "value_lookup_table": "lookup",
            "multi_lookup_table": "multilookup",
            "dq_results_table": "dq",
            "state_machine_name": "sm",
            "execution_id": "exec-1",
            "source_key": f"{self.db}/{self.table}",
            "source_path": f"{self.db}/{self.table}",
            "target_database_name": self.db,
            "table_name": self.table,
            "base_file_name": "policies.csv",
            "p_year": "2024",
            "p_month": "1",
            "p_day": "5",
            "iceberg_catalog": self.catalog,
            "warehouse": self.uri("warehouse"),
        }
        args.update(overrides)
        return args

    def run(self, spark, lineage=None, **overrides: str):
        args = CollectArgs.parse_mapping(self.args(**overrides))
        runtime = build_local_runtime(args.job, spark)
        result = collect_to_cleanse.run(args, runtime, lineage=lineage)
        return result, spark.table(result.table)


@pytest.fixture
def lake(tmp_path) -> Lake:
    return Lake(tmp_path)


def test_without_mapping_or_spec_writes_cleaned_columns_and_partition_columns(spark, lake):
    lake.put_input(CSV)
    result, table = lake.run(spark)
    assert table.columns == ["policy_number", "insured_name", "premium", "year", "month", "day", "execution_id"]
    rows = sorted(table.collect())
    assert [(r.policy_number, r.insured_name) for r in rows] == [(1, "Alice"), (2, "Bob")]
    assert {(r.year, r.month, r.day, r.execution_id) for r in rows} == {("2024", "01", "05", "exec-1")}
    assert (result.rows_read, result.rows_written, result.partition) == (2, 2, "year=2024/month=01/day=05")
    assert result.table == f"{lake.catalog}.{lake.db.lower()}.policies"


def test_without_mapping_or_spec_writes_the_recommendations_to_the_temp_dir(spark, lake):
    lake.put_input("Policy Number,Effective Date,Premium\n1,1/1/24,100.5\n")
    lake.run(spark)
    temp = lake.root / "temp" / "etl" / "collect_to_cleanse"
    mapping = (temp / f"{lake.db}-Policies.csv").read_text().splitlines()
    assert mapping == ["sourcename,destname", "Policy Number,policy_number", "Effective Date,effective_date", "Premium,premium"]
    spec = json.loads((temp / f"{lake.db}-Policies.json").read_text())
    assert spec["transform_spec"]["changetype"] == {"premium": "decimal(16,2)"}
    assert (temp / f"{lake.db}-Policies.json").read_text().startswith('{\n    "')


def test_mapping_and_spec_are_applied(spark, lake):
    lake.put_input(CSV)
    lake.put_config(f"{lake.db}-Policies.csv", "SourceName,DestName\nPolicy Number,policy_id\nInsured Name,null\nPremium,premium\n")
    lake.put_config(f"{lake.db}-Policies.json", json.dumps({"transform_spec": {"literal": {"source_system": "collect"}}}))
    _, table = lake.run(spark)
    assert table.columns == ["policy_id", "premium", "source_system", "year", "month", "day", "execution_id"]
    assert {r.source_system for r in table.collect()} == {"collect"}
    assert not (lake.root / "temp" / "etl" / "collect_to_cleanse" / f"{lake.db}-Policies.json").exists()


def test_lineage_records_read_and_numeric_audits_in_order(spark, lake, lineage):
    lake.put_input(CSV)
    lake.run(spark, lineage=lineage)
    operations = lineage.operations()
    assert operations[:2] == ["read", "numericaudit"]
    assert operations[-1] == "numericaudit"
    assert {dataset for dataset, _, _ in lineage.calls} == {f"{lake.db}/Policies"}


def test_rerun_of_a_partition_replaces_only_that_partition(spark, lake):
    lake.put_input(CSV)
    lake.run(spark)
    lake.run(spark, p_day="6", execution_id="exec-2")
    lake.put_input("Policy Number,Insured Name,Premium\n3,Carol,5.0\n")
    _, table = lake.run(spark, execution_id="exec-3")
    rows = sorted((r.day, r.policy_number, r.execution_id) for r in table.collect())
    assert rows == [("05", 3, "exec-3"), ("06", 1, "exec-2"), ("06", 2, "exec-2")]


def test_empty_input_aborts_before_writing(spark, lake):
    lake.put_input("Policy Number,Insured Name,Premium\n")
    with pytest.raises(DataError, match="No rows of data in source file; aborting"):
        lake.run(spark)
    assert not (lake.root / "cleanse" / lake.db).exists()


def test_environment_default_is_strict_outside_dev_and_test(spark, lake):
    lake.put_input(CSV)
    lake.run(spark)
    lake.put_input("Policy Number,Insured Name,Premium,Agent\n3,Carol,5.0,Zed\n")
    with pytest.raises(SchemaChangeError, match="allow_schema_change=strict"):
        lake.run(spark)
    _, table = lake.run(spark, environment="Dev")
    assert "agent" in table.columns


def test_spec_allow_schema_change_overrides_the_environment(spark, lake):
    lake.put_input(CSV)
    lake.run(spark, environment="Dev")
    lake.put_config(f"{lake.db}-Policies.json", json.dumps({"input_spec": {"allow_schema_change": "strict"}}))
    lake.put_input("Policy Number,Insured Name\n3,Carol\n")
    with pytest.raises(SchemaChangeError, match="removed premium"):
        lake.run(spark, environment="Dev")


def test_parquet_format_writes_the_hive_layout_under_the_cleanse_bucket(spark, lake):
    lake.put_input(CSV)
    result, table = lake.run(spark, table_format="PARQUET")
    partition = lake.root / "cleanse" / lake.db / "Policies" / "year=2024" / "month=01" / "day=05"
    assert list(partition.glob("*.parquet"))
    assert result.table == f"{lake.db.lower()}.policies"
    assert table.count() == 2


def test_non_numeric_partition_argument_fails_naming_the_argument(spark, lake):
    lake.put_input(CSV)
    # A ValueError, as the reference's int() raises, and a job-argument error with a clear message.
    with pytest.raises(ValueError, match=re.escape('--p_month "January" (the month folder of the Collect key): expected a month 1-12')) as info:
        lake.run(spark, p_month="January")
    assert isinstance(info.value, ArgumentValueError)


def test_month_out_of_range_fails_before_anything_is_read(spark, lake):
    with pytest.raises(ArgumentValueError, match=re.escape('--p_month "13" (the month folder of the Collect key): expected a month 1-12')):
        lake.run(spark, p_month="13")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target_database_name": "Bad Db"}, '--target_database_name "Bad Db" (the database folder of the Collect key): not a valid catalog name: it contains space; allowed: the letters A-Z and a-z, the digits 0-9 and _'),
        ({"table_name": "Pol+icies#"}, '--table_name "Pol+icies#" (the table folder of the Collect key): not a valid catalog name: it contains "+", "#"; allowed'),
        ({"table_name": "Policés"}, 'it contains "é" (U+00E9); allowed'),
        ({"table_name": "2024"}, "it starts with a digit"),
    ],
)  # fmt: skip
def test_names_the_catalog_cannot_hold_fail_before_anything_is_created(spark, lake, overrides, message):
    lake.put_input(CSV)
    with pytest.raises(ArgumentValueError, match=re.escape(message)):
        lake.run(spark, **overrides)
    assert [p.name for p in (lake.root / "warehouse").iterdir()] == []
    assert [p.name for p in (lake.root / "cleanse").iterdir()] == []


@pytest.mark.parametrize("fmt", ["PARQUET", "ICEBERG"])
def test_entry_script_runs_locally_and_its_table_is_readable_from_another_process(spark, lake, fmt):
    lake.put_input(CSV)
    args = lake.args(table_format=fmt)
    argv = [sys.executable, str(ENGINE / "etl_collect_to_cleanse.py"), *[f"--{k}={v}" for k, v in args.items()]]
    env = {"INSURANCELAKE_DRIVER_MEMORY": "512m", "PATH": "/usr/bin:/bin", "HOME": str(lake.root)}
    import os

    env.update({k: v for k, v in os.environ.items() if k.startswith(("JAVA", "SPARK", "INSURANCELAKE_IVY"))})
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env)
    assert completed.returncode == 0, completed.stderr[-2000:]
    reopened = open_warehouse(lake.uri("warehouse"), spark, lake.catalog)
    name = f"{lake.db.lower()}.policies" if fmt == "PARQUET" else f"{lake.catalog}.{lake.db.lower()}.policies"
    rows = reopened.spark.table(name).collect()
    assert sorted(r.insured_name for r in rows) == ["Alice", "Bob"]


def test_entry_script_without_a_required_argument_exits_with_the_message(lake):
    argv = [sys.executable, str(ENGINE / "etl_collect_to_cleanse.py"), "--JOB_NAME=x"]
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1
    assert "JobArgumentError: the following arguments are required: --environment" in completed.stderr
