"""Job-argument parsing compatible with Glue's getResolvedOptions (reference §5.1, §6.1)."""

from __future__ import annotations

import pytest

from insurancelake_etl.args import as_argv, resolve_job_options, resolve_options
from insurancelake_etl.contract import CONTRACT
from insurancelake_etl.errors import JobArgumentError

COLLECT = CONTRACT.job("collect_to_cleanse")
CONSUME = CONTRACT.job("cleanse_to_consume")


def _collect_argv(**overrides: str) -> list[str]:
    values = {name: f"v-{name}" for name in COLLECT.required}
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
        resolve_job_options(argv, COLLECT)


def test_missing_required_argument_is_a_runtime_error_like_the_reference():
    with pytest.raises(RuntimeError):
        resolve_options(["script.py"], ["p_year"])


def test_every_missing_argument_is_listed():
    with pytest.raises(JobArgumentError) as info:
        resolve_options(["script.py", "--p_year=2024"], ["p_year", "p_month", "p_day"])
    assert "--p_month, --p_day" in str(info.value)


def test_optional_argument_present_only_when_given():
    args = resolve_job_options(_collect_argv(data_lineage_table="lineage"), COLLECT)
    assert args["data_lineage_table"] == "lineage"
    assert "data_lineage_table" not in resolve_job_options(_collect_argv(), COLLECT)


def test_unrequested_glue_arguments_are_ignored():
    argv = [*_collect_argv(), "--job-bookmark-option", "job-bookmark-disable", "--enable-metrics"]
    args = resolve_job_options(argv, COLLECT)
    assert "job-bookmark-option" not in args and "enable-metrics" not in args
    assert len(args) == len(COLLECT.required)


def test_required_argument_without_value_is_refused():
    with pytest.raises(JobArgumentError, match="--p_year: expected one argument"):
        resolve_options(["script.py", "--p_year", "--p_month=1"], ["p_year", "p_month"])


def test_consume_redshift_and_athena_arguments_are_optional():
    values = {name: "x" for name in CONSUME.required}
    argv = ["s", *[f"--{k}={v}" for k, v in values.items()], "--athena_workgroup=wg", "--redshift_database=dev"]
    args = resolve_job_options(argv, CONSUME)
    assert args["athena_workgroup"] == "wg" and args["redshift_database"] == "dev"
    assert "redshift_cluster_id" not in args


def test_mapping_arguments_keyed_with_or_without_dashes_become_an_argv():
    argv = as_argv({"--JOB_NAME": "j", "source_key": "Db/Tbl", "TempDir": "s3://b/x=y/"})
    assert resolve_options(argv, ["JOB_NAME", "source_key", "TempDir"]) == {
        "JOB_NAME": "j",
        "source_key": "Db/Tbl",
        "TempDir": "s3://b/x=y/",
    }
