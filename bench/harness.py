"""Run the Collect→Cleanse job locally on generated data with the example configuration.

Shared by ``bench/run.py`` and the example tests: a workspace of ``file://`` buckets, the example
configuration copied into the ETL-scripts bucket, the DynamoDB tables on a local endpoint (a moto
server) with the example lookups loaded, and the Glue job arguments of reference §5.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "assets" / "glue"
LOCAL = ROOT / "packages" / "cli" / "python"
EXAMPLES = ROOT / "examples" / "config"
for folder in (LOCAL, ENGINE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
# Spark's Python workers (pandas UDFs) must run this interpreter, which has the engine's packages.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
# ... and import the engine (pandas UDFs defined in it are pickled by reference).
_paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (*[str(f) for f in (ENGINE, LOCAL) if str(f) not in _paths], *_paths) if p
)

# DynamoDB tables the Collect job names in its arguments, with their keys (reference §20.1, §16.6).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "value_lookup_table": ("source_system", "column_name"),
    "multi_lookup_table": ("lookup_group", "lookup_item"),
    "hash_value_table": ("hash_key",),
    "dq_results_table": ("execution_id", "job_id_action_rule"),
}


@dataclass(frozen=True)
class Workspace:
    """Local buckets of one run (folders under ``root``)."""

    root: Path

    @property
    def collect(self) -> Path:
        """The Collect bucket: ``<DB>/<TBL>/<file>``."""
        return self.root / "collect"

    @property
    def scripts(self) -> Path:
        """The ETL-scripts bucket: ``etl/transformation-spec``, ``etl/dq-rules``, …"""
        return self.root / "etl-scripts"

    @property
    def cleanse(self) -> Path:
        """The Cleanse bucket (its ``warehouse`` folder holds the local catalog)."""
        return self.root / "cleanse"

    @property
    def temp(self) -> Path:
        """The Glue temp bucket (recommended mappings and specs)."""
        return self.root / "glue-temp"


def prepare_workspace(
    root: Path, *, config: Path = EXAMPLES, with_dq: bool = True
) -> Workspace:
    """Empty buckets under ``root`` and ``config/etl`` copied into the scripts bucket.

    ``with_dq=False`` leaves out ``etl/dq-rules`` (the job then runs no data-quality stage)."""
    ws = Workspace(root)
    for path in (ws.collect, ws.cleanse, ws.temp, ws.scripts):
        path.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(ws.scripts / "etl", ignore_errors=True)
    ignore = None if with_dq else shutil.ignore_patterns("dq-rules")
    shutil.copytree(config / "etl", ws.scripts / "etl", ignore=ignore)
    return ws


def local_aws() -> contextlib.AbstractContextManager[str]:
    """A moto server on a free loopback port, with boto3 pointed at it through the environment."""
    from insurancelake_local.moto_server import threaded_endpoint

    return threaded_endpoint()


def create_tables(prefix: str) -> dict[str, str]:
    """Create the job's DynamoDB tables (on-demand) named ``<prefix>-<argument>``; returns
    ``{argument name: table name}``."""
    import boto3

    client = boto3.client("dynamodb")
    names = {}
    for argument, keys in TABLE_KEYS.items():
        name = f"{prefix}-{argument.replace('_', '-')}"
        client.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": k, "AttributeType": "S"} for k in keys
            ],
            KeySchema=[
                {"AttributeName": k, "KeyType": t}
                for k, t in zip(keys, ("HASH", "RANGE"))
            ],
        )
        names[argument] = name
    return names


def load_lookups(tables: dict[str, str], *, config: Path = EXAMPLES) -> int:
    """Load every lookup listed in ``config/lookups/lookups.json``; returns the item count."""
    from insurancelake_local import lookup_loader as lookups

    folder = config / "lookups"
    manifest = json.loads((folder / "lookups.json").read_text(encoding="utf-8"))
    count = 0
    for entry in manifest.get("value_lookups", []):
        count += lookups.load_value_lookups(
            folder / entry["file"], tables["value_lookup_table"], entry["source_system"]
        )
    for entry in manifest.get("multi_lookups", []):
        count += lookups.load_multi_lookups(
            folder / entry["file"],
            tables["multi_lookup_table"],
            entry["lookup_group"],
            entry["lookup_columns"],
        )
    return count


def collect_args(
    ws: Workspace,
    tables: dict[str, str],
    *,
    database: str,
    table: str,
    file_name: str,
    source_path: str | None = None,
    partition: tuple[str, str, str] = ("2024", "07", "01"),
    environment: str = "Dev",
) -> dict[str, str]:
    """The Collect→Cleanse job arguments (reference §5.1) for ``<DB>/<TBL>/<file>`` in ``ws``.

    ``source_path`` reads the file from another Collect folder than ``<DB>/<TBL>`` (to load one file
    into several tables)."""
    year, month, day = partition
    return {
        "JOB_NAME": "bench-collect-to-cleanse",
        "JOB_RUN_ID": f"jr_bench-{uuid.uuid4()}",
        "environment": environment,
        "TempDir": ws.temp.as_uri() + "/etl/collect_to_cleanse/",
        "txn_bucket": ws.scripts.as_uri(),
        "txn_spec_prefix_path": "/etl/transformation-spec/",
        "source_bucket": ws.collect.as_uri(),
        "target_bucket": ws.cleanse.as_uri(),
        "state_machine_name": "bench-state-machine",
        "execution_id": str(uuid.uuid4()),
        "source_key": f"{database}/{table}",
        "source_path": source_path or f"{database}/{table}",
        "target_database_name": database,
        "table_name": table,
        "base_file_name": file_name,
        "p_year": year,
        "p_month": month,
        "p_day": day,
        **tables,
    }


def run_collect(spark: Any, args: dict[str, str]) -> Any:
    """Run the Collect→Cleanse job in-process on ``spark``; returns its JobResult."""
    from insurancelake_etl.jobs import collect_to_cleanse
    from insurancelake_local.runtime import build_local_runtime

    job_args = collect_to_cleanse.Args.parse_mapping(args)
    return collect_to_cleanse.run(job_args, build_local_runtime(job_args.job, spark))


def consume_args(
    ws: Workspace,
    tables: dict[str, str],
    *,
    database: str,
    table: str,
    file_name: str,
    partition: tuple[str, str, str] = ("2024", "07", "01"),
    environment: str = "Dev",
) -> dict[str, str]:
    """The Cleanse→Consume job arguments (reference §6.1) after ``<DB>/<TBL>/<file>`` was collected."""
    year, month, day = partition
    return {
        "JOB_NAME": "bench-cleanse-to-consume",
        "JOB_RUN_ID": f"jr_bench-{uuid.uuid4()}",
        "environment": environment,
        "TempDir": ws.temp.as_uri() + "/etl/cleanse_to_consume/",
        "txn_bucket": ws.scripts.as_uri(),
        "txn_sql_prefix_path": "/etl/transformation-sql/",
        "source_bucket": ws.cleanse.as_uri(),
        "target_bucket": (ws.root / "consume").as_uri(),
        "dq_results_table": tables["dq_results_table"],
        "state_machine_name": "bench-state-machine",
        "execution_id": str(uuid.uuid4()),
        "source_key": f"{database}/{table}",
        "source_database_name": database,
        "target_database_name": f"{database}_consume",
        "table_name": table,
        "base_file_name": file_name,
        "p_year": year,
        "p_month": month,
        "p_day": day,
    }


def run_consume(spark: Any, args: dict[str, str]) -> Any:
    """Run the Cleanse→Consume job in-process on ``spark``; returns its JobResult."""
    from insurancelake_etl.jobs import cleanse_to_consume
    from insurancelake_local.runtime import build_local_runtime

    job_args = cleanse_to_consume.Args.parse_mapping(args)
    return cleanse_to_consume.run(job_args, build_local_runtime(job_args.job, spark))
