"""Job-argument parsing compatible with Glue's getResolvedOptions (reference §5.1, §6.1)."""

from __future__ import annotations

import pytest

from insurancelake_etl.args import (
    COLLECT_REQUIRED,
    COMMON_OPTIONAL,
    CONSUME_OPTIONAL,
    CONSUME_REQUIRED,
    default_allow_schema_change,
    partition_values,
    resolve_options,
)
from insurancelake_etl.errors import JobArgumentError


def _collect_argv(**overrides: str) -> list[str]:
    values = {name: f"v-{name}" for name in COLLECT_REQUIRED}
    values.update(overrides)
    return ["script.py", *[f"--{k}={v}" for k, v in values.items()]]


def test_equals_and_space_separated_forms_both_resolve():
    argv = ["script.py", "--JOB_NAME=job1", "--source_key", "Db/Tbl"]
    assert resolve_options(argv, ["JOB_NAME", "source_key"]) == {"JOB_NAME": "job1", "source_key": "Db/Tbl"}


def test_value_containing_equals_sign_is_kept_whole():
    argv = ["script.py", "--TempDir=s3://b/x=y/"]
    assert resolve_options(argv, ["TempDir"])["TempDir"] == "s3://b/x=y/"


def test_missing_required_argument_names_it_like_glue_argument_error():
    argv = [a for a in _collect_argv() if not a.startswith("--base_file_name")]
    with pytest.raises(JobArgumentError, match="the following arguments are required: --base_file_name"):
        resolve_options(argv, COLLECT_REQUIRED, COMMON_OPTIONAL)


def test_missing_required_argument_is_a_runtime_error_like_the_reference():
    with pytest.raises(RuntimeError):
        resolve_options(["script.py"], ["p_year"])


def test_every_missing_argument_is_listed():
    with pytest.raises(JobArgumentError) as info:
        resolve_options(["script.py", "--p_year=2024"], ["p_year", "p_month", "p_day"])
    assert "--p_month, --p_day" in str(info.value)


def test_optional_argument_present_only_when_given():
    args = resolve_options(_collect_argv(data_lineage_table="lineage"), COLLECT_REQUIRED, COMMON_OPTIONAL)
    assert args["data_lineage_table"] == "lineage"
    assert "data_lineage_table" not in resolve_options(_collect_argv(), COLLECT_REQUIRED, COMMON_OPTIONAL)


def test_unrequested_glue_arguments_are_ignored():
    argv = [*_collect_argv(), "--job-bookmark-option", "job-bookmark-disable", "--enable-metrics"]
    args = resolve_options(argv, COLLECT_REQUIRED, COMMON_OPTIONAL)
    assert "job-bookmark-option" not in args and "enable-metrics" not in args
    assert len(args) == len(COLLECT_REQUIRED)


def test_required_argument_without_value_is_refused():
    with pytest.raises(JobArgumentError, match="--p_year: expected one argument"):
        resolve_options(["script.py", "--p_year", "--p_month=1"], ["p_year", "p_month"])


def test_consume_redshift_and_athena_arguments_are_optional():
    values = {name: "x" for name in CONSUME_REQUIRED}
    argv = ["s", *[f"--{k}={v}" for k, v in values.items()], "--athena_workgroup=wg", "--redshift_database=dev"]
    args = resolve_options(argv, CONSUME_REQUIRED, CONSUME_OPTIONAL)
    assert args["athena_workgroup"] == "wg" and args["redshift_database"] == "dev"
    assert "redshift_cluster_id" not in args


def test_partition_values_are_strings_with_padded_month_and_day():
    assert partition_values("2024", "1", "5") == ("2024", "01", "05")
    assert partition_values("0024", "12", "31") == ("24", "12", "31")


def test_non_numeric_partition_value_raises_value_error():
    with pytest.raises(ValueError):
        partition_values("2024", "jan", "05")


@pytest.mark.parametrize(
    ("environment", "mode"),
    [("Dev", "permissive"), ("Test", "reorder"), ("Prod", "strict"), ("unittest", "strict"), ("dev", "strict")],
)
def test_environment_default_of_allow_schema_change(environment, mode):
    assert default_allow_schema_change(environment) == mode



def test_warehouse_argument_wins_over_environment(monkeypatch):
    from insurancelake_etl.runtime.local import resolve_warehouse

    monkeypatch.setenv("INSURANCELAKE_WAREHOUSE", "file:///env/wh")
    assert resolve_warehouse({"warehouse": "file:///arg/wh", "target_bucket": "file:///b"}) == "file:///arg/wh"
    assert resolve_warehouse({"target_bucket": "file:///b"}) == "file:///env/wh"


def test_default_warehouse_is_in_the_cleanse_bucket_for_collect_and_consume(monkeypatch):
    from insurancelake_etl.runtime.local import resolve_warehouse

    monkeypatch.delenv("INSURANCELAKE_WAREHOUSE", raising=False)
    collect = {"target_bucket": "file:///lake/cleanse", "source_bucket": "file:///lake/collect"}
    consume = {"source_database_name": "Db", "source_bucket": "file:///lake/cleanse", "target_bucket": "file:///lake/consume"}
    assert resolve_warehouse(collect) == "file:///lake/cleanse/warehouse"
    assert resolve_warehouse(consume) == "file:///lake/cleanse/warehouse"
