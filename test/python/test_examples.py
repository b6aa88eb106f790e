"""The example configuration (``examples/config``): valid against the spec schema, consistent with
the generated data, and runnable through the Collect and Consume jobs on generated files."""

from __future__ import annotations

import csv
import json
import sys
import uuid
from pathlib import Path

import pytest

from insurancelake_local import lookup_loader as lookups
from insurancelake_local.datagen import DATASETS, write_dataset
from insurancelake_etl.spec_schema import validate_spec
from insurancelake_etl.transforms.registry import spec_key_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402

CONFIG = ROOT / "examples" / "config"
SPECS = CONFIG / "etl" / "transformation-spec"
SPEC_FILES = sorted(p for p in SPECS.glob("*.json") if not p.name.endswith("-entitymatch.json"))


def _spec(name: str) -> dict:
    return json.loads((SPECS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: p.name)
def test_every_example_spec_validates_against_the_spec_schema(path: Path) -> None:
    validate_spec(json.loads(path.read_text(encoding="utf-8")), f"etl/transformation-spec/{path.name}")


def test_the_general_policy_spec_uses_at_least_20_different_transforms() -> None:
    keys = _spec("SyntheticGeneralData-PolicyData.json")["transform_spec"]
    assert len({spec_key_name(key) for key in keys}) >= 20


@pytest.mark.parametrize("kind", ["general-policy", "claims", "life-policy"])
def test_mapping_source_names_are_columns_of_the_generated_file(kind: str) -> None:
    dataset = DATASETS[kind]
    with open(SPECS / f"{dataset.database}-{dataset.table}.csv", encoding="utf-8", newline="") as f:
        rows = [{k.lower(): v for k, v in row.items()} for row in csv.DictReader(f)]
    direct = {row["sourcename"] for row in rows if not row.get("threshold")}
    assert direct <= set(dataset.columns)
    assert len(rows) == len(dataset.columns)


def test_lookup_files_give_the_items_the_example_spec_reads() -> None:
    manifest = json.loads((CONFIG / "lookups" / "lookups.json").read_text(encoding="utf-8"))
    items = []
    for entry in manifest["value_lookups"]:
        data = json.loads((CONFIG / "lookups" / entry["file"]).read_text(encoding="utf-8"))
        items += lookups.value_lookup_items(data, entry["source_system"])
    keys = {(i["source_system"], i["column_name"]) for i in items}
    assert {("SyntheticGeneralData", "LOB"), ("SyntheticGeneralData", "StateCd"),
            ("SyntheticLifeData", "smokingclass"), ("SyntheticLifeData", "StateCd")} <= keys  # fmt: skip
    states = next(i for i in items if i["column_name"] == "StateCd")
    assert len(json.loads(states["lookup_data"])) == 51
    (multi,) = manifest["multi_lookups"]
    with open(CONFIG / "lookups" / multi["file"], encoding="utf-8", newline="") as f:
        groups = lookups.multi_lookup_items(csv.DictReader(f), multi["lookup_group"], multi["lookup_columns"])
    assert {g["lookup_item"] for g in groups} == {f"{lob}-{tier}" for lob in ("AUTO", "WC") for tier in (1, 2, 3)}
    assert {"RatingClass", "ReportingSegment"} <= set(groups[0])


def test_every_sql_and_dq_file_belongs_to_a_spec() -> None:
    workflows = {p.stem for p in SPEC_FILES}
    sql = {p.stem.split("-", 1)[1] for p in (CONFIG / "etl" / "transformation-sql").glob("*.sql")}
    dq = {p.stem.split("-", 1)[1] for p in (CONFIG / "etl" / "dq-rules").glob("*.json")}
    assert sql <= workflows and dq <= workflows
    assert "SyntheticGeneralData-PolicyData" in sql


@pytest.fixture
def lake(tmp_path: Path, moto_endpoint: str) -> tuple[harness.Workspace, dict[str, str]]:
    """A workspace with the example config and lookup tables loaded on the moto server."""
    ws = harness.prepare_workspace(tmp_path / "buckets")
    tables = harness.create_tables(f"ex-{uuid.uuid4().hex[:8]}")
    harness.load_lookups(tables)
    return ws, tables


def _lower(row) -> dict:
    """A Cleanse row as a dict with lower-case keys (the catalog stores lower-case column names)."""
    return {key.lower(): value for key, value in row.asDict(recursive=True).items()}


def _collect(spark, ws, tables, kind: str, rows: int, **options):
    dataset = DATASETS[kind]
    write_dataset(kind, ws.collect / dataset.collect_key, rows=rows, seed=11, **options)
    args = harness.collect_args(
        ws, tables, database=dataset.database, table=dataset.table, file_name=dataset.file_name
    )
    return harness.run_collect(spark, args)


def test_policies_and_claims_run_through_collect_and_consume(spark, lake) -> None:
    ws, tables = lake
    claims = _collect(spark, ws, tables, "claims", 300, policy_rows=200)
    assert claims.rows_written == 300
    policies = _collect(spark, ws, tables, "general-policy", 200, bad_rows=10)
    # The DQ rules quarantine the missing policy numbers and negative premiums before the
    # transforms, the unparseable effective dates and reversed terms after them (2 rows each).
    assert policies.rows_read == 200
    assert policies.rows_written == 192

    cleanse = spark.table(policies.table)
    row = _lower(cleanse.where("LOBCode = 'AUTO'").first())
    assert row["lob"] == "Auto Insurance"
    assert row["customerno"] == "****"
    assert len(row["insuredcontactemail"]) == 64
    assert row["policykey"] == f"AUTO-{row['policynumber']}"
    assert row["ratingclass"].startswith("AUTO-")
    assert row["sourcefileprefix"] == "syntheticgeneral"
    assert (row["year"], row["month"], row["day"]) == ("2024", "07", "01")
    # The unknown state code "ZZ" only warns: those 2 rows keep a null state name.
    assert cleanse.where("InsuredStateName IS NULL").count() == 2
    assert cleanse.where("EarnedPremiumToDate IS NULL").count() == 0

    dataset = DATASETS["general-policy"]
    consume = harness.run_consume(
        spark,
        harness.consume_args(ws, tables, database=dataset.database, table=dataset.table, file_name=dataset.file_name),
    )
    assert consume.rows_written == 192
    joined = spark.table(consume.table)
    assert joined.where("ClaimCount > 0").count() > 0
    assert {c.lower() for c in joined.columns} >= {"policynumber", "incurredamount", "lossratio", "year", "month", "day"}


def test_life_policies_run_through_collect_with_tokens_and_lookups(spark, lake) -> None:
    ws, tables = lake
    result = _collect(spark, ws, tables, "life-policy", 120)
    assert result.rows_written == 120
    row = _lower(spark.table(result.table).first())
    assert row["smokingclass"] in {"Smoker", "Non Smoker"}
    assert row["issuestatename"] not in {None, "N/A"}
    assert len(row["personalid"]) == 64
    assert isinstance(row["producer"], int)


def test_nested_policies_expand_to_one_row_per_address_and_email(spark, lake) -> None:
    ws, tables = lake
    result = _collect(spark, ws, tables, "nested-policy", 60)
    path = ws.collect / DATASETS["nested-policy"].collect_key
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    expected = sum(2 * max(1, len(r["Insured"]["InsuredContactEmail"])) for r in records)
    assert result.rows_written == expected
    cleanse = spark.table(result.table)
    columns = {c.lower() for c in cleanse.columns}
    assert {"city", "state", "zip", "insuredaddresstype", "insuredcontactemail"} <= columns
    types = {r[0] for r in cleanse.select("InsuredAddressType").distinct().collect()}
    assert types == {"Primary", "Billing"}
    producer = _lower(cleanse.first())["producer"]
    assert isinstance(producer["possible_channels"], list)
    assert {k.lower(): v for k, v in cleanse.dtypes}["effectivedate"] == "date"
