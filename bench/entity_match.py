"""Benchmark: the entity-match job at scale (default 1M incoming rows against a 1M-row primary table).

    python bench/entity_match.py --primary 1000000 --incoming 1000000

Generates customers with the engine's generator (``datagen.customers.bench_rows``): the primary
source A01 holds persons 0..N-1 unchanged; the incoming source C25 holds, per row, either one of
those persons as a variant (same, abbreviated name, moved, new phone and e-mail) or a new person
(a fifth of the rows). Both files are loaded into Consume tables (Iceberg) in ONE local Spark
session, with the columns the example Consume SQL produces, and then measures:

- ``bare``: copy the incoming partition into a new Iceberg table (read + write, the I/O floor);
- ``create``: entity match of A01 (the first load creates the primary table);
- ``match``: entity match of C25 against the primary table with ``examples/config``'s
  ``Customer-entitymatch.json`` (exact match, two blocked levels, MERGE).

Peak memory is the highest resident set size of this process plus all its children (the Spark JVM
and its Python workers), sampled every 0.2 s from ``/proc``. Nothing is collected to the driver.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "assets" / "glue"
LOCAL = ROOT / "packages" / "cli" / "python"
sys.path[:0] = [str(f) for f in (ENGINE, LOCAL) if str(f) not in sys.path]
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ENGINE), str(LOCAL), os.environ.get("PYTHONPATH")) if p
)

log = logging.getLogger("bench.entity_match")
PARTITION = ("2024", "03", "01")


class PeakRss:
    """Samples the summed RSS of a process tree (this process and every descendant)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _children(pid: int) -> list[int]:
        out: list[int] = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    out += [int(c) for c in f.read().split()]
        except OSError:
            pass
        return out

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def total(self) -> int:
        """The current summed RSS of the tree, in bytes."""
        seen, todo, total = set(), [os.getpid()], 0
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            total += self._rss(pid)
            todo += self._children(pid)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def generate(work: Path, primary: int, incoming: int, seed: int) -> tuple[Path, Path]:
    """The two CSV files (A01 primary load, C25 incoming)."""
    from insurancelake_local.datagen import customers

    a01 = customers.write_csv(
        work / "a01.csv", customers.bench_rows(seed, primary, "A01", population=primary)
    )
    c25 = customers.write_csv(
        work / "c25.csv",
        customers.bench_rows(
            seed, incoming, "C25", population=primary, offset=primary // 2 + 1
        ),
    )
    return a01, c25


def expected_new(seed: int, incoming: int) -> int:
    """How many incoming rows are new persons (the generator's truth)."""
    import numpy as np

    from insurancelake_local.datagen._core import mix

    j = np.arange(incoming, dtype=np.int64)
    return int(((mix(seed, j, 211) % np.uint64(5)) == 4).sum())


def load_consume(spark, path: Path, table: str) -> None:
    """The CSV as the example Consume table ``customer_consume.<table>`` (Iceberg, one partition)."""
    from pyspark.sql import functions as F

    df = spark.read.option("header", "true").csv(path.as_uri())
    df = df.select(
        F.col("partyid").alias("customerno"), "partytype", "firstname", "lastname", F.col("sex").alias("gender"),
        F.to_date("dob", "yyyy-MM-dd").alias("customerdob"), "maritalstatus",
        F.col("annualincome").cast("bigint").alias("annualincome"), "occupation", "phonenumber", "email",
        "addressstreet", "city", "state", "zip", "country",
        F.to_timestamp("lastupdated", "MM/dd/yyyy HH:mm:ss").alias("lastupdated"), "srcsystemid",
        F.lit(str(uuid.uuid4())).alias("execution_id"),
        F.lit(PARTITION[0]).alias("year"), F.lit(PARTITION[1]).alias("month"), F.lit(PARTITION[2]).alias("day"),
    )  # fmt: skip
    df.writeTo(f"local.customer_consume.{table}").partitionedBy(
        "year", "month", "day"
    ).createOrReplace()


def entity_args(scripts: Path, work: Path, table: str) -> dict[str, str]:
    """The entity-match job arguments (reference §7) for ``Customer/<table>``."""
    return {
        "JOB_NAME": "bench-entity-match", "JOB_RUN_ID": f"jr_bench-{uuid.uuid4()}",
        "state_machine_name": "bench", "execution_id": str(uuid.uuid4()), "source_key": f"Customer/{table}",
        "environment": "Dev", "TempDir": (work / "temp").as_uri(), "txn_bucket": scripts.as_uri(),
        "txn_spec_prefix_path": "/etl/transformation-spec/", "target_bucket": (work / "consume").as_uri(),
        "iceberg_catalog": "local", "database_name_prefix": "Customer", "table_name": table,
        "p_year": PARTITION[0], "p_month": PARTITION[1], "p_day": PARTITION[2],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one JSON document with the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--primary",
        type=int,
        default=1_000_000,
        help="rows of the primary load (default 1M)",
    )
    parser.add_argument(
        "--incoming",
        type=int,
        default=1_000_000,
        help="incoming rows to match (default 1M)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--work", default="build/bench-entity-match", help="work folder (emptied)"
    )
    parser.add_argument(
        "--driver-memory", default="2g", help="Spark driver heap (default 2g)"
    )
    parser.add_argument("--shuffle-partitions", type=int, default=16)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    (work / "scripts" / "etl" / "transformation-spec").mkdir(parents=True)
    shutil.copyfile(
        ROOT
        / "examples"
        / "config"
        / "etl"
        / "transformation-spec"
        / "Customer-entitymatch.json",
        work / "scripts" / "etl" / "transformation-spec" / "Customer-entitymatch.json",
    )
    os.environ["INSURANCELAKE_DRIVER_MEMORY"] = args.driver_memory

    started = time.perf_counter()
    a01, c25 = generate(work, args.primary, args.incoming, args.seed)
    generated = time.perf_counter() - started
    log.info("generated %s and %s in %.1f s", a01, c25, generated)

    from insurancelake_etl.jobs import consume_entity_match
    from insurancelake_local.runtime import build_local_runtime
    from insurancelake_local.spark import build_local_spark

    figures: dict[str, object] = {
        "primary_rows": args.primary, "incoming_rows": args.incoming, "seed": args.seed,
        "driver_memory": args.driver_memory, "shuffle_partitions": args.shuffle_partitions,
        "cpus": os.cpu_count(), "python": platform.python_version(), "generate_s": round(generated, 1),
    }  # fmt: skip
    with PeakRss() as peak:
        spark = build_local_spark(
            (work / "warehouse").as_uri(), app_name="bench-entity-match", master="local[2]",
            extra_conf={"spark.sql.shuffle.partitions": str(args.shuffle_partitions)},
        )  # fmt: skip
        spark.sparkContext.setLogLevel("WARN")
        load_consume(spark, a01, "a01")
        load_consume(spark, c25, "c25")

        t = time.perf_counter()
        spark.table("local.customer_consume.c25").where(
            "year = '2024' AND month = '03' AND day = '01'"
        ).writeTo("local.customer_consume.bare_copy").createOrReplace()
        figures["bare_s"] = round(time.perf_counter() - t, 1)

        for table, name in (("A01", "create"), ("C25", "match")):
            job_args = consume_entity_match.Args.parse_mapping(entity_args(work / "scripts", work, table))
            runtime = build_local_runtime(job_args.job, spark)
            t = time.perf_counter()
            result = consume_entity_match.run(job_args, runtime)
            figures[f"{name}_s"] = round(time.perf_counter() - t, 1)
            figures[f"{name}_rows"] = result.rows_written
            log.info("%s: %s in %s s", name, result, figures[f"{name}_s"])
        primary = spark.table("local.customer_consume.customer_primary")
        figures["primary_rows_after"] = primary.count()
        figures["c25_rows_in_primary"] = primary.where("srcsystemid = 'C25'").count()
        figures["new_ids"] = int(figures["primary_rows_after"]) - args.primary  # type: ignore[call-overload]
        figures["expected_new_ids"] = expected_new(args.seed, args.incoming)
        spark.stop()
    figures["peak_rss_mb"] = round(peak.peak / 2**20)
    figures["match_vs_bare"] = round(
        float(figures["match_s"]) / max(float(figures["bare_s"]), 0.1), 1
    )  # type: ignore[arg-type]
    sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
