"""The Cleanse→Consume job flow (reference §6.2, §18) on a local runtime."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from insurancelake_etl.errors import ConfigError, JobArgumentError, SchemaChangeError
from insurancelake_etl.job_args import ConsumeArgs
from insurancelake_etl.jobs import cleanse_to_consume
from insurancelake_etl.jobs.cleanse_to_consume import table_override
from insurancelake_etl.tables import WriteRequest
from insurancelake_local.runtime import build_local_runtime


class ConsumeLake:
    """Local buckets with one Cleanse table ``<db>.policies`` (two rows, partition 2024/01/05)."""

    def __init__(self, root: Path, spark, fmt: str) -> None:
        self.root = root
        self.spark = spark
        self.fmt = fmt
        # Lower case: the local Iceberg (hadoop) catalog matches names case-sensitively.
        self.db = "db" + uuid.uuid4().hex[:8]
        self.catalog = "c" + uuid.uuid4().hex[:10]
        for name in ("cleanse", "consume", "etl", "temp", "warehouse"):
            (root / name).mkdir()
        self.runtime = build_local_runtime(ConsumeArgs.parse_mapping(self.args()).job, spark)
        cleanse = spark.createDataFrame([(1, "Alice", 100.5), (2, "Bob", 200.25)], "policy_id int, name string, premium double")
        cleanse = cleanse.withColumns({"year": F.lit("2024"), "month": F.lit("01"), "day": F.lit("05")})
        location = (root / "cleanse" / self.db / "policies").as_uri()
        self.runtime.table_writer(fmt).write(cleanse, WriteRequest(self.db, "policies", location, allow_schema_change="strict"))

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def put_sql(self, kind: str, text: str) -> None:
        path = self.root / "etl" / "etl" / "transformation-sql" / f"{kind}-{self.db}-policies.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def args(self, **overrides: str) -> dict[str, str]:
        args = {
            "JOB_NAME": "consume",
            "environment": "unittest",
            "TempDir": self.uri("temp") + "/etl/cleanse_to_consume/",
            "txn_bucket": self.uri("etl"),
            "txn_sql_prefix_path": "/etl/transformation-sql/",
            "source_bucket": self.uri("cleanse"),
            "target_bucket": self.uri("consume"),
            "dq_results_table": "dq",
            "state_machine_name": "sm",
            "execution_id": "exec-9",
            "source_key": f"{self.db}/policies",
            "source_database_name": self.db,
            "target_database_name": f"{self.db}_consume",
            "table_name": "policies",
            "base_file_name": "policies.csv",
            "p_year": "2024",
            "p_month": "1",
            "p_day": "5",
            "table_format": self.fmt,
            "iceberg_catalog": self.catalog,
            "warehouse": self.uri("warehouse"),
        }
        args.update(overrides)
        return args

    def run(self, lineage=None, **overrides: str):
        return cleanse_to_consume.run(ConsumeArgs.parse_mapping(self.args(**overrides)), self.runtime, lineage=lineage)


@pytest.fixture(params=["ICEBERG", "PARQUET"])
def lake(request, tmp_path, spark) -> ConsumeLake:
    return ConsumeLake(tmp_path, spark, request.param)


@pytest.fixture
def iceberg_lake(tmp_path, spark) -> ConsumeLake:
    return ConsumeLake(tmp_path, spark, "ICEBERG")


SELECT = "SELECT policy_id, name, '{p_month}' AS raw_month, '{target_table}' AS target, year, month, day FROM {source_database_name}.policies"


def test_spark_sql_substitutes_arguments_with_the_raw_unpadded_month(lake):
    lake.put_sql("spark", SELECT)
    result = lake.run()
    rows = sorted(lake.spark.table(result.table).collect())
    assert [(r.policy_id, r.raw_month, r.target, r.month) for r in rows] == [(1, "1", "policies", "01"), (2, "1", "policies", "01")]
    assert result.rows_written == 2


def test_consume_table_is_in_the_consume_database(lake):
    lake.put_sql("spark", SELECT)
    result = lake.run()
    assert result.table.endswith(f"{lake.db}_consume.policies")


def test_create_table_as_prefix_names_the_consume_table(lake):
    lake.put_sql("spark", "  create table `policysummary` AS\n" + SELECT)
    result = lake.run()
    assert result.table.endswith(f"{lake.db}_consume.policysummary")
    assert {r.target for r in lake.spark.table(result.table).collect()} == {"policysummary"}


def test_table_override_regex_is_anchored_at_the_start():
    assert table_override("CREATE TABLE summary AS SELECT 1", "t") == ("summary", " SELECT 1")
    assert table_override("SELECT 1 -- CREATE TABLE x AS", "t") == ("t", "SELECT 1 -- CREATE TABLE x AS")
    assert table_override('create table "q1"   as\nselect 2', "t") == ("q1", "\nselect 2")


def test_empty_spark_sql_is_an_error(iceberg_lake):
    iceberg_lake.put_sql("spark", "  \n\t ")
    with pytest.raises(ConfigError, match="Spark SQL file found but appears to be empty"):
        iceberg_lake.run()


def test_create_table_prefix_without_a_query_is_an_empty_sql_error(iceberg_lake):
    iceberg_lake.put_sql("spark", "CREATE TABLE summary AS   \n")
    with pytest.raises(ConfigError, match="appears to be empty"):
        iceberg_lake.run()


def test_sql_without_year_month_day_is_refused(lake):
    lake.put_sql("spark", "SELECT policy_id, name FROM {source_database_name}.policies")
    with pytest.raises(SchemaChangeError, match="Some or all specified partition keys"):
        lake.run()


def test_unknown_substitution_variable_names_the_file(iceberg_lake):
    iceberg_lake.put_sql("spark", "SELECT '{nope}' AS x, year, month, day FROM {source_database_name}.policies")
    with pytest.raises(ConfigError, match=r"spark-.*-policies\.sql.*\{nope\}"):
        iceberg_lake.run()


def test_each_run_rewrites_the_whole_table(lake):
    lake.put_sql("spark", SELECT)
    lake.run()
    lake.put_sql("spark", "SELECT 7 AS policy_id, 'new' AS name, '2025' AS year, '02' AS month, '03' AS day")
    result = lake.run()
    assert [tuple(r) for r in lake.spark.table(result.table).collect()] == [(7, "new", "2025", "02", "03")]


def test_parquet_consume_table_uses_the_consume_bucket_layout(tmp_path, spark):
    lake = ConsumeLake(tmp_path, spark, "PARQUET")
    lake.put_sql("spark", SELECT)
    lake.run()
    partition = tmp_path / "consume" / lake.db / "policies" / "year=2024" / "month=01" / "day=05"
    assert list(partition.glob("*.parquet"))


def test_lineage_records_sparksql_with_the_unformatted_text_then_numericaudit(iceberg_lake, lineage):
    iceberg_lake.put_sql("spark", SELECT)
    iceberg_lake.run(lineage=lineage)
    assert lineage.operations() == ["sparksql", "numericaudit"]
    assert lineage.calls[0][2]["info"] == SELECT


def test_without_any_sql_file_the_job_does_nothing(iceberg_lake):
    result = iceberg_lake.run()
    assert (result.table, result.rows_written, result.statements) == (None, 0, [])


def test_athena_sql_needs_a_workgroup(iceberg_lake):
    iceberg_lake.put_sql("athena", "CREATE OR REPLACE VIEW v AS SELECT 1")
    with pytest.raises(JobArgumentError, match="argument --athena_workgroup is required when executing Amazon Athena SQL"):
        iceberg_lake.run()


def test_redshift_sql_needs_a_cluster_or_workgroup(iceberg_lake):
    iceberg_lake.put_sql("redshift", "SELECT 1")
    with pytest.raises(JobArgumentError, match="--redshift_cluster_id or --redshift_workgroup_name is required"):
        iceberg_lake.run()


def test_redshift_workgroup_without_database_is_refused(iceberg_lake):
    iceberg_lake.put_sql("redshift", "SELECT 1")
    with pytest.raises(JobArgumentError, match="--redshift_database is required"):
        iceberg_lake.run(redshift_workgroup_name="wg-analytics")


def test_missing_partition_argument_is_a_job_argument_error():
    from insurancelake_etl.args import resolve_job_options
    from insurancelake_etl.contract import CONTRACT

    job = CONTRACT.job("cleanse_to_consume")
    argv = ["s", *[f"--{name}=x" for name in job.required if name not in ("p_year", "p_month", "p_day")]]
    with pytest.raises(JobArgumentError, match="--p_year, --p_month, --p_day"):
        resolve_job_options(argv, job)


def test_failed_consume_says_cleanse_holds_the_new_rows_and_a_rerun_repairs_both(lake):
    lake.put_sql("spark", "SELECT policy_id, name, year, month, day FROM {source_database_name}.policies")
    table = lake.run().table
    consume = f"{lake.db}_consume.policies"
    assert lake.spark.table(table).count() == 2
    lake.put_sql("spark", "SELECT policy_id,\n  insured_name, year, month, day\nFROM {source_database_name}.policies")
    with pytest.raises(ConfigError) as raised:
        lake.run()
    message = str(raised.value)
    assert message.startswith(f"{lake.uri('etl')}/etl/transformation-sql/spark-{lake.db}-policies.sql: line 2, column 3: Spark SQL: [UNRESOLVED_COLUMN")
    assert "`insured_name`" in message
    assert message.endswith(
        f"Consume not updated: Cleanse {lake.db}.policies year=2024/month=01/day=05 holds the new rows; "
        f"Consume {consume} keeps the previous table; re-run the file to repair both"
    )
    assert lake.spark.table(table).columns == ["policy_id", "name", "year", "month", "day"]
    lake.put_sql("spark", "SELECT policy_id, name, premium, year, month, day FROM {source_database_name}.policies")
    result = lake.run()
    assert result.rows_written == 2
    assert lake.spark.table(result.table).columns == ["policy_id", "name", "premium", "year", "month", "day"]


def test_spark_sql_syntax_error_names_the_file_line_and_column_after_a_create_table_prefix(lake):
    lake.put_sql("spark", "CREATE TABLE other AS\nSELECT policy_id FROM {source_database_name}.policies\nGROUP policy_id")
    with pytest.raises(ConfigError, match=r"spark-.*\.sql: line 3, column 7: Spark SQL: \[PARSE_SYNTAX_ERROR\] Syntax error at or near 'policy_id'"):
        lake.run()
