"""Runs the customer example (three source systems, two days) through Collect → Cleanse → Consume →
entity match with the example configuration, and reads the resulting global-id groups."""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402

from insurancelake_local.datagen import customers  # noqa: E402
from insurancelake_etl.jobs import consume_entity_match  # noqa: E402
from insurancelake_local.runtime import build_local_runtime  # noqa: E402

PRIMARY = "customer_consume.customer_primary"


def entity_args(ws: harness.Workspace, system: str, partition: tuple[str, str, str], catalog: str) -> dict[str, str]:
    """The entity-match job arguments (reference §7) after ``Customer/<system>`` reached Consume."""
    year, month, day = partition
    return {
        "JOB_NAME": "test-entity-match",
        "JOB_RUN_ID": f"jr_test-{uuid.uuid4()}",
        "state_machine_name": "test-state-machine",
        "execution_id": str(uuid.uuid4()),
        "source_key": f"{customers.DATABASE}/{system}",
        "environment": "Dev",
        "TempDir": ws.temp.as_uri() + "/etl/consume_entity_match/",
        "txn_bucket": ws.scripts.as_uri(),
        "txn_spec_prefix_path": "/etl/transformation-spec/",
        "target_bucket": (ws.root / "consume").as_uri(),
        "iceberg_catalog": catalog,
        "database_name_prefix": customers.DATABASE,
        "table_name": system,
        "p_year": year,
        "p_month": month,
        "p_day": day,
    }


@dataclass
class CustomerLake:
    """A workspace where the example customer files are loaded one by one."""

    spark: Any
    ws: harness.Workspace
    tables: dict[str, str]
    catalog: str = "local"
    seen: set[tuple[str, str, str]] = field(default_factory=set)

    @property
    def primary(self) -> str:
        """The primary table's Spark name."""
        return f"{self.catalog}.{PRIMARY}"

    def collect_and_consume(self, system: str, day: int) -> tuple[str, str, str]:
        """Write one example file and run Collect and Consume on it; returns its partition."""
        key = customers.example_key(system, day)
        customers.write_csv(self.ws.collect / key, customers.example_rows(system, day))
        when = customers.DAYS[day]
        partition = (f"{when:%Y}", f"{when:%m}", f"{when:%d}")
        file_name = customers.example_file(system, day)
        args = harness.collect_args(
            self.ws, self.tables, database=customers.DATABASE, table=system, file_name=file_name,
            source_path=key.rsplit("/", 1)[0], partition=partition,
        )  # fmt: skip
        harness.run_collect(self.spark, args)
        consume = harness.consume_args(
            self.ws, self.tables, database=customers.DATABASE, table=system, file_name=file_name, partition=partition
        )
        harness.run_consume(self.spark, consume)
        return partition

    def match(self, system: str, partition: tuple[str, str, str], **kwargs: Any) -> Any:
        """Run the entity-match job on one Consume partition and remember the rows it left."""
        args = consume_entity_match.Args.parse_mapping(entity_args(self.ws, system, partition, self.catalog))
        result = consume_entity_match.run(args, build_local_runtime(args.job, self.spark), **kwargs)
        self.observe()
        return result

    def load(self, system: str, day: int, **kwargs: Any) -> Any:
        """Collect, Consume and entity match for one example file."""
        return self.match(system, self.collect_and_consume(system, day), **kwargs)

    def observe(self) -> None:
        """Remember every (global id, source system, record id) now in the primary table."""
        rows = self.spark.table(self.primary).select("globalid", "srcsystemid", "customerno").collect()
        self.seen |= {(r.globalid, r.srcsystemid, r.customerno) for r in rows}

    def groups(self) -> set[frozenset[tuple[str, str]]]:
        """The records seen under each global id so far, as sets of (srcsystemid, customerno)."""
        by_id: dict[str, set[tuple[str, str]]] = {}
        for gid, system, record in self.seen:
            by_id.setdefault(gid, set()).add((system, record))
        return {frozenset(g) for g in by_id.values()}

    def table_rows(self) -> list[tuple]:
        """The primary table's rows, sorted, without the load-specific execution id."""
        df = self.spark.table(self.primary).drop("execution_id")
        return sorted(tuple(r) for r in df.collect())
