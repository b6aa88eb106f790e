"""The bad-input corpus (test/fixtures/bad-inputs, format in its README): every case through the
real jobs (Collect→Cleanse, then Cleanse→Consume when the case has Spark SQL) on local Spark, and
through ``validate``; each gets its expected answer and no table gains or loses a row it should not."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from insurancelake_etl.dq.evaluator import JvmDqdlParser
from insurancelake_etl.errors import one_line
from insurancelake_etl.job_args import CollectArgs, ConsumeArgs
from insurancelake_etl.jobs import cleanse_to_consume, collect_to_cleanse
from insurancelake_local.runtime import build_local_runtime
from insurancelake_local.validate import jvm_sql_parser, validate_config

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad-inputs"
CASES = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
SEED = "id,name,premium\n1,Alice,10.5\n2,Bob,20.25\n3,Carol,30\n"
SPARK_SQL = "etl/transformation-sql/spark-"


class CorpusLake:
    """Local buckets for one case; configuration and input laid out as in the case folder."""

    def __init__(self, root: Path, spark) -> None:
        self.root, self.spark = root, spark
        self.catalog = "c" + uuid.uuid4().hex[:10]
        for name in ("collect", "cleanse", "consume", "etl", "temp", "warehouse"):
            (root / name).mkdir()

    def lay(self, source: Path, rel: str) -> None:
        """Copy a case file to its place: ``collect/...`` to the Collect bucket, ``etl/...`` to the
        configuration bucket (its ``etl/`` folder)."""
        target = self.root / rel if rel.startswith("collect/") else self.root / "etl" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

    def common(self, database: str, table: str, name: str, overrides: dict[str, str]) -> dict[str, str]:
        args = {
            "JOB_NAME": "corpus", "environment": "Dev", "txn_bucket": (self.root / "etl").as_uri(),
            "state_machine_name": "sm", "execution_id": "exec-corpus", "source_key": f"{database}/{table}",
            "table_name": table, "base_file_name": name, "p_year": "2024", "p_month": "1", "p_day": "5",
            "iceberg_catalog": self.catalog, "warehouse": (self.root / "warehouse").as_uri(),
            "hash_value_table": "hash", "value_lookup_table": "lookup", "multi_lookup_table": "multilookup",
            "dq_results_table": "dq",
        }  # fmt: skip
        return {**args, **overrides}

    def collect(self, database: str, table: str, name: str, overrides: dict[str, str]) -> Any:
        args = self.common(database, table, name, overrides) | {
            "TempDir": (self.root / "temp").as_uri() + "/etl/collect_to_cleanse/",
            "txn_spec_prefix_path": "/etl/transformation-spec/", "source_bucket": (self.root / "collect").as_uri(),
            "target_bucket": (self.root / "cleanse").as_uri(), "source_path": f"{database}/{table}",
            "target_database_name": database,
        }  # fmt: skip
        parsed = CollectArgs.parse_mapping(args)
        return collect_to_cleanse.run(parsed, build_local_runtime(parsed.job, self.spark))

    def consume(self, database: str, table: str, name: str, overrides: dict[str, str]) -> Any:
        args = self.common(database, table, name, overrides) | {
            "TempDir": (self.root / "temp").as_uri() + "/etl/cleanse_to_consume/",
            "txn_sql_prefix_path": "/etl/transformation-sql/", "source_bucket": (self.root / "cleanse").as_uri(),
            "target_bucket": (self.root / "consume").as_uri(), "source_database_name": database,
            "target_database_name": f"{database}_consume",
        }  # fmt: skip
        parsed = ConsumeArgs.parse_mapping(args)
        return cleanse_to_consume.run(parsed, build_local_runtime(parsed.job, self.spark))

    def has_sql(self, database: str, table: str) -> bool:
        return (self.root / "etl" / f"{SPARK_SQL}{database}-{table}.sql").is_file()

    def pipeline(self, database: str, table: str, name: str, overrides: dict[str, str]) -> Any:
        """Collect, then Consume when there is Spark SQL for the table (as the state machine runs them)."""
        result = self.collect(database, table, name, overrides)
        if self.has_sql(database, table):
            self.consume(database, table, name, overrides)
        return result

    def count(self, table: str) -> int:
        """Rows of ``db.tbl`` (lower case), -1 when the table does not exist."""
        name = f"{self.catalog}.{table}"
        return self.spark.table(name).count() if self.spark.catalog.tableExists(name) else -1


def _input(case: dict[str, Any]) -> tuple[str, str, str] | None:
    """(database, table, file name) of the case's input file under ``collect/``, if it has one."""
    for rel in case["files"]:
        if rel.startswith("collect/"):
            _, database, table, name = rel.split("/", 3)
            return database, table, name
    return None


@pytest.mark.parametrize("case", [c for c in CASES if "data" in c["needs"]], ids=lambda c: c["id"])
def test_corpus_case_through_the_jobs(spark, tmp_path, case):
    folder = CORPUS / "cases" / case["id"]
    lake = CorpusLake(tmp_path, spark)
    found = _input(case)
    assert found is not None, "a data case needs a file under collect/"
    database, table, name = found
    # A good file loaded first into the same partition (with the case's seed configuration), so that
    # "unchanged" means the previous rows are still there. The dev environment's permissive schema
    # policy lets a case's own columns differ from the seed's: only the bad input may fail it.
    if case.get("seed", True) and case["unchanged_tables"]:
        for rel in case["files"]:
            if rel.startswith("seed/"):
                lake.lay(folder / rel, rel.removeprefix("seed/"))
        seed = lake.root / "collect" / database / table / "seed.csv"
        seed.parent.mkdir(parents=True, exist_ok=True)
        seed.write_text(SEED)
        lake.pipeline(database, table, "seed.csv", {})
        seed.unlink()
    for rel in case["files"]:
        if not rel.startswith("seed/"):
            lake.lay(folder / rel, rel)
    before = {t: lake.count(t) for t in case["unchanged_tables"]}

    expect = case["expect"]
    try:
        result = lake.pipeline(database, table, name, case.get("args", {}))
        outcome, message = "SUCCEEDED", ""
    except Exception as error:  # noqa: BLE001 - the one line a user sees is what the case checks
        result, outcome, message = None, "FAILED", one_line(error)

    assert {t: lake.count(t) for t in case["unchanged_tables"]} == before
    assert "Py4JJavaError" not in message and "An error occurred while calling" not in message
    if "error_contains" in expect:
        assert outcome == "FAILED", f"expected a failure with {expect['error_contains']!r}"
        assert expect["error_contains"] in message
    if "status" in expect:
        assert outcome == expect["status"], message
    if "rows" in expect:
        assert result is not None and result.rows_written == expect["rows"]
        assert lake.count(f"{database}.{table}".lower()) == expect["rows"]
    for stage, count in expect.get("quarantined", {}).items():
        assert lake.count(f"{database}.{table}_quarantine_{stage}".lower()) == count
        assert result.rows_read == result.rows_written + result.rows_quarantined + result.rows_filtered
    for column, values in expect.get("values", {}).items():
        rows = lake.spark.table(f"{lake.catalog}.{database}.{table}".lower()).select(column).collect()
        assert sorted(r[0] for r in rows) == sorted(values)


@pytest.fixture(scope="module")
def parsers(spark):
    dqdl = JvmDqdlParser(spark)
    checkers = [lambda rule: dqdl.parse(rule)[1]] if dqdl.available else []
    return checkers, jvm_sql_parser(spark)


@pytest.mark.parametrize("case", [c for c in CASES if "validate" in c["needs"]], ids=lambda c: c["id"])
def test_corpus_case_through_validate(tmp_path, parsers, case):
    folder = CORPUS / "cases" / case["id"]
    for rel in case["files"]:
        if rel.startswith(("etl/", "lookups/")):
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / rel, target)
    (tmp_path / "etl").mkdir(exist_ok=True)
    checkers, sql_parser = parsers
    lines = [p.line() for p in validate_config(tmp_path, checkers, sql_parser)]
    assert any(case["expect"]["error_contains"] in line for line in lines), lines


def test_corpus_has_at_least_sixty_cases_with_an_answer_each():
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert {"error_contains", "status"} & case["expect"].keys(), case["id"]
        assert set(case["needs"]) <= {"data", "validate", "trigger"}, case["id"]
        for rel in case["files"]:
            assert (CORPUS / "cases" / case["id"] / rel).is_file(), rel
