"""Job-argument parsing compatible with Glue's ``getResolvedOptions``.

Glue starts a job script as ``script.py --JOB_NAME x --source_key y …`` (and the local runner uses the
same form, or ``--name=value``). :func:`resolve_options` accepts both spellings, ignores arguments it
was not asked for (Glue adds its own, such as ``--job-bookmark-option``), and raises
:class:`JobArgumentError` (our ``GlueArgumentError``) for a missing required argument.

The argument lists of each job (reference §5.1, §6.1, §7) live here so the entry scripts, the local
runner and the tests agree on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .errors import JobArgumentError

COLLECT_REQUIRED: tuple[str, ...] = (
    "JOB_NAME",
    "environment",
    "TempDir",
    "txn_bucket",
    "txn_spec_prefix_path",
    "source_bucket",
    "target_bucket",
    "hash_value_table",
    "value_lookup_table",
    "multi_lookup_table",
    "dq_results_table",
    "state_machine_name",
    "execution_id",
    "source_key",
    "source_path",
    "target_database_name",
    "table_name",
    "base_file_name",
    "p_year",
    "p_month",
    "p_day",
)

CONSUME_REQUIRED: tuple[str, ...] = (
    "JOB_NAME",
    "environment",
    "TempDir",
    "txn_bucket",
    "txn_sql_prefix_path",
    "source_bucket",
    "target_bucket",
    "dq_results_table",
    "state_machine_name",
    "execution_id",
    "source_key",
    "source_database_name",
    "target_database_name",
    "table_name",
    "base_file_name",
    "p_year",
    "p_month",
    "p_day",
)

ENTITY_MATCH_REQUIRED: tuple[str, ...] = (
    "JOB_NAME",
    "state_machine_name",
    "execution_id",
    "source_key",
    "environment",
    "TempDir",
    "txn_bucket",
    "txn_spec_prefix_path",
    "target_bucket",
    "iceberg_catalog",
    "database_name_prefix",
    "table_name",
    "p_year",
    "p_month",
    "p_day",
)

# Arguments every job accepts when present. JOB_ID/JOB_RUN_ID are set by Glue itself; table_format,
# iceberg_catalog, warehouse, dq_evaluator (deequ|glue, default glue on Glue, deequ elsewhere) and
# metrics_namespace are this project's additions (Iceberg default, local warehouse, DQDL evaluator
# choice, custom CloudWatch metrics of the run).
COMMON_OPTIONAL: tuple[str, ...] = (
    "JOB_ID",
    "JOB_RUN_ID",
    "data_lineage_table",
    "table_format",
    "iceberg_catalog",
    "warehouse",
    "dq_evaluator",
    "metrics_namespace",
)
CONSUME_OPTIONAL: tuple[str, ...] = (
    *COMMON_OPTIONAL,
    "redshift_cluster_id",
    "redshift_workgroup_name",
    "redshift_database",
    "athena_workgroup",
)


def _scan(argv: Sequence[str]) -> dict[str, str]:
    """Every ``--name value`` / ``--name=value`` pair of ``argv`` (later occurrences win)."""
    found: dict[str, str] = {}
    i = 0
    while i < len(argv):
        token = argv[i]
        if token.startswith("--") and len(token) > 2:
            body = token[2:]
            if "=" in body:
                name, value = body.split("=", 1)
                found[name] = value
            elif i + 1 < len(argv) and not (argv[i + 1].startswith("--") and len(argv[i + 1]) > 2):
                found[body] = argv[i + 1]
                i += 1
            else:
                # A flag without a value: getResolvedOptions would refuse it for a named option.
                found[body] = ""
        i += 1
    return found


def resolve_options(
    argv: Sequence[str], required: Iterable[str], optional: Iterable[str] = ()
) -> dict[str, str]:
    """The values of ``required`` (all must be present) and of those ``optional`` names present in
    ``argv``; the first element of ``argv`` is the script name, as in ``sys.argv``.

    Raises :class:`JobArgumentError` naming every missing required argument, worded like argparse
    (``the following arguments are required: --a, --b``), which is what ``GlueArgumentError`` says.
    """
    found = _scan(list(argv[1:]))
    required = list(required)
    missing = [name for name in required if name not in found]
    if missing:
        raise JobArgumentError(
            "the following arguments are required: " + ", ".join(f"--{name}" for name in missing)
        )
    empty = [name for name in required if found[name] == ""]
    if empty:
        raise JobArgumentError(f"argument --{empty[0]}: expected one argument")
    resolved = {name: found[name] for name in required}
    for name in optional:
        if name in found and name not in resolved:
            resolved[name] = found[name]
    return resolved


def partition_values(p_year: str, p_month: str, p_day: str) -> tuple[str, str, str]:
    """The partition values as strings: ``year`` unpadded, ``month``/``day`` two digits (§5.2 step 3).

    A non-numeric value raises ``ValueError``, as the reference's ``int()`` does.
    """
    return str(int(p_year)), f"{int(p_month):02}", f"{int(p_day):02}"


def default_allow_schema_change(environment: str) -> str:
    """The environment default of ``allow_schema_change``: Dev → permissive, Test → reorder, anything
    else (Prod, unittest, …) → strict. Kept as the reference (§5.2 step 4)."""
    return {"Dev": "permissive", "Test": "reorder"}.get(environment, "strict")
