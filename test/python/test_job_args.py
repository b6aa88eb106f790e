"""A job's arguments parsed once into typed objects, and the configuration location they give."""

from __future__ import annotations

import pytest

from insurancelake_etl.config_location import ConfigLocation
from insurancelake_etl.contract import CONTRACT
from insurancelake_etl.errors import JobArgumentError
from insurancelake_etl.job_args import CollectArgs, ConsumeArgs, EntityMatchArgs
from insurancelake_local.runtime import resolve_warehouse


NAMES = ("target_database_name", "table_name")


def arguments(key: str, **overrides: str) -> dict[str, str]:
    """Every required argument of contract job ``key`` with a recognisable value."""
    # Catalog names may hold only letters, digits and _ (catalog_names.py): v_<name> for those.
    values = {name: f"v_{name}" if name in NAMES else f"v-{name}" for name in CONTRACT.job(key).required}
    values.update(p_year="2024", p_month="3", p_day="7", txn_bucket="s3://etl", **overrides)
    return values


def test_collect_arguments_are_typed_once():
    args = CollectArgs.parse_mapping(arguments("collect_to_cleanse", JOB_RUN_ID="jr_1", table_format="parquet"))
    assert args.source.uri == "v-source_bucket/v-source_path/v-base_file_name"
    assert (args.target.bucket, args.target.database, args.target.table) == ("v-target_bucket", "v_target_database_name", "v_table_name")
    assert args.job.partition.path == "year=2024/month=03/day=07"
    assert args.job.run.job_run_id == "jr_1" and args.job.run.execution_id == "v-execution_id"
    assert args.job.tables.hash_value_table == "v-hash_value_table"
    assert args.job.engine.table_format == "PARQUET"  # normalised once, at parsing
    assert args.job.cleanse_bucket == "v-target_bucket"


def test_a_local_run_without_a_run_id_gets_one():
    args = CollectArgs.parse_mapping(arguments("collect_to_cleanse"))
    assert args.job.run.job_run_id.startswith("jr_local-")


def test_consume_arguments_keep_the_raw_values_for_sql_substitution():
    args = ConsumeArgs.parse_mapping(arguments("cleanse_to_consume", JOB_RUN_ID="jr_9"))
    substitution = args.job.substitution()
    assert substitution["p_month"] == "3"  # the raw argument, not the padded partition value
    assert substitution["JOB_RUN_ID"] == "jr_9"
    assert set(substitution) >= set(CONTRACT.job("cleanse_to_consume").required)


def test_redshift_needs_a_cluster_or_workgroup_and_a_database():
    with pytest.raises(JobArgumentError, match="--redshift_cluster_id or --redshift_workgroup_name is required"):
        ConsumeArgs.parse_mapping(arguments("cleanse_to_consume")).redshift()
    args = ConsumeArgs.parse_mapping(arguments("cleanse_to_consume", redshift_cluster_id="c", redshift_workgroup_name="w", redshift_database="d"))
    assert args.redshift() == ("d", "c", None)


def test_entity_match_works_in_the_consume_database_of_the_prefix():
    args = EntityMatchArgs.parse_mapping(arguments("consume_entity_match", database_name_prefix="Customer"))
    assert args.consume_database == "customer_consume"
    assert args.job.cleanse_bucket == "v-target_bucket"


def test_missing_arguments_are_named_from_the_contract_list():
    missing = ", ".join(f"--{name}" for name in CONTRACT.job("consume_entity_match").required[1:])
    with pytest.raises(JobArgumentError, match=f"the following arguments are required: {missing}$"):
        EntityMatchArgs.parse_mapping({"JOB_NAME": "x"})


def test_spec_folder_follows_its_argument_and_dq_rules_folder_is_fixed():
    location = ConfigLocation.from_arguments({"txn_bucket": "s3://etl", "txn_spec_prefix_path": "/custom/prefix/"})
    assert location.spec_uri("Sales", "Policies") == "s3://etl/custom/prefix/Sales-Policies.json"
    assert location.mapping_uri("Sales", "Policies") == "s3://etl/custom/prefix/Sales-Policies.csv"
    assert location.entity_match_uri("Customer") == "s3://etl/custom/prefix/Customer-entitymatch.json"
    assert location.dq_rules_uri("Sales", "Policies") == "s3://etl/etl/dq-rules/dq-Sales-Policies.json"
    assert location.sql_uri("athena", "Sales", "Policies") == "s3://etl/etl/transformation-sql/athena-Sales-Policies.sql"


def test_an_unknown_sql_kind_is_refused():
    with pytest.raises(ValueError, match="expected one of spark, athena, redshift"):
        ConfigLocation("s3://etl").sql_uri("hive", "A", "B")


def test_warehouse_argument_wins_over_environment(monkeypatch):
    monkeypatch.setenv("INSURANCELAKE_WAREHOUSE", "file:///env/wh")
    assert resolve_warehouse("file:///arg/wh", "file:///b") == "file:///arg/wh"
    assert resolve_warehouse(None, "file:///b") == "file:///env/wh"


def test_default_warehouse_is_in_the_cleanse_bucket_for_collect_and_consume(monkeypatch):
    monkeypatch.delenv("INSURANCELAKE_WAREHOUSE", raising=False)
    collect = CollectArgs.parse_mapping(arguments("collect_to_cleanse", target_bucket="file:///lake/cleanse"))
    consume = ConsumeArgs.parse_mapping(arguments("cleanse_to_consume", source_bucket="file:///lake/cleanse"))
    assert resolve_warehouse(None, collect.job.cleanse_bucket) == "file:///lake/cleanse/warehouse"
    assert resolve_warehouse(None, consume.job.cleanse_bucket) == "file:///lake/cleanse/warehouse"
