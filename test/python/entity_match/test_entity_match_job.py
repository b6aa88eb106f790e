"""The entity-match job (reference §7, §19) on small Consume tables written inline."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from insurancelake_etl.errors import ConfigError, DataError
from insurancelake_etl.job_args import EntityMatchArgs
from insurancelake_etl.jobs import consume_entity_match
from insurancelake_local.runtime import build_local_runtime

SCHEMA = "customerno string, srcsystemid string, firstname string, lastname string, phone string, year string, month string, day string"
EXACT_ONLY = {
    "primary_entity_table": "customer_primary",
    "global_id_field": "globalid",
    "exact_match_fields": {"source_primary_key": "customerno", "source_system_key": "srcsystemid"},
}
WITH_LEVEL = {
    **EXACT_ONLY,
    "levels": [
        {
            "id": 1,
            "blocks": ["phone"],
            "fields": [{"fieldname": "lastname", "type": "string", "method": "jarowinkler", "weight": 1}],
            "threshold": 0.9,
        }
    ],
}


class Lake:
    """A Consume database with one table per source and the scripts bucket of one test."""

    def __init__(self, spark, root: Path) -> None:
        self.spark = spark
        self.root = root
        self.db = "Em" + uuid.uuid4().hex[:8]
        self.consume_db = self.db.lower() + "_consume"
        (root / "etl" / "etl" / "transformation-spec").mkdir(parents=True)

    @property
    def primary(self) -> str:
        return f"local.{self.consume_db}.customer_primary"

    def put_spec(self, spec: dict | str) -> None:
        text = spec if isinstance(spec, str) else json.dumps(spec)
        (self.root / "etl" / "etl" / "transformation-spec" / f"{self.db}-entitymatch.json").write_text(text)

    def put_rows(self, table: str, rows: list[tuple], schema: str = SCHEMA) -> None:
        df = self.spark.createDataFrame(rows, schema)
        df.writeTo(f"local.{self.consume_db}.{table.lower()}").partitionedBy("year", "month", "day").createOrReplace()

    def args(self, table: str = "A01", day: str = "1") -> dict[str, str]:
        return {
            "JOB_NAME": "em",
            "JOB_RUN_ID": "jr_em",
            "state_machine_name": "sm",
            "execution_id": "exec-1",
            "source_key": f"{self.db}/{table}",
            "environment": "unittest",
            "TempDir": (self.root / "temp").as_uri(),
            "txn_bucket": (self.root / "etl").as_uri(),
            "txn_spec_prefix_path": "/etl/transformation-spec/",
            "target_bucket": (self.root / "consume").as_uri(),
            "iceberg_catalog": "local",
            "database_name_prefix": self.db,
            "table_name": table,
            "p_year": "2024",
            "p_month": "3",
            "p_day": day,
        }

    def run(self, table: str = "A01", day: str = "1", lineage=None):
        args = EntityMatchArgs.parse_mapping(self.args(table, day))
        return consume_entity_match.run(args, build_local_runtime(args.job, self.spark), lineage=lineage)

    def ids(self) -> dict[tuple[str, str], str]:
        return {(r.srcsystemid, r.customerno): r.globalid for r in self.spark.table(self.primary).collect()}


@pytest.fixture
def lake(spark, tmp_path) -> Lake:
    return Lake(spark, tmp_path)


def row(no, system="A01", first="Ann", last="Lee", phone="555-0100", day="01"):
    return (no, system, first, last, phone, "2024", "03", day)


def test_a_missing_spec_fails_with_the_reference_message_and_the_file(lake):
    with pytest.raises(ConfigError, match="Entity matching spec file required and none found") as err:
        lake.run()
    assert err.value.file.endswith(f"etl/transformation-spec/{lake.db}-entitymatch.json")


@pytest.mark.parametrize(
    ("spec", "location", "message"),
    [
        ({"global_id_field": "g"}, "$", "missing required key 'primary_entity_table'"),
        ({**WITH_LEVEL, "levels": [{**WITH_LEVEL["levels"][0], "blocks": ["phone[a:]"]}]}, "$.levels[0].blocks[0]", "phone[a:]"),
        ({**WITH_LEVEL, "levels": [{**WITH_LEVEL["levels"][0], "fields": [{"fieldname": "x", "type": "fuzzy", "weight": 1}]}]},
         "$.levels[0].fields[0].type", "\"fuzzy\" is not allowed"),
        ({**WITH_LEVEL, "levels": [{**WITH_LEVEL["levels"][0], "fields": [{"fieldname": "x", "type": "exact", "weight": 0}]}]},
         "$.levels[0].fields", "weights of a level sum to 0"),
        ({**WITH_LEVEL, "levels": [{**WITH_LEVEL["levels"][0], "fields": [{"fieldname": "x", "type": "exact", "weight": 1, "method": "jaro"}]}]},
         "$.levels[0].fields[0]", "unexpected key(s) method"),
        ({**WITH_LEVEL, "levels": [WITH_LEVEL["levels"][0], WITH_LEVEL["levels"][0]]}, "$.levels[1].id", "duplicate level id '1'"),
        ({**EXACT_ONLY, "exact_match_fields": {"source_primary_key": "customerno"}}, "$.exact_match_fields", "source_system_key"),
    ],
)  # fmt: skip
def test_an_invalid_spec_fails_before_any_data_is_read(lake, spec, location, message):
    lake.put_spec(spec)  # no Consume table exists: validation must come first
    with pytest.raises(ConfigError) as err:
        lake.run()
    assert err.value.location == location
    assert message in err.value.detail
    assert err.value.file.endswith(f"{lake.db}-entitymatch.json")


def test_malformed_spec_json_names_the_position(lake):
    lake.put_spec('{"primary_entity_table": "p",\n "global_id_field": }')
    with pytest.raises(ConfigError, match="malformed JSON") as err:
        lake.run()
    assert err.value.location == "line 2, column 21"


def test_a_spec_column_missing_from_the_consume_table_is_named(lake):
    lake.put_spec({**WITH_LEVEL, "levels": [{**WITH_LEVEL["levels"][0], "blocks": ["mobile"]}]})
    lake.put_rows("A01", [row("A1")])
    with pytest.raises(ConfigError, match="column\\(s\\) mobile named in the spec are not in"):
        lake.run()


def test_first_load_creates_an_iceberg_v2_table_partitioned_by_day_with_the_global_id_first(spark, lake, lineage):
    lake.put_spec(WITH_LEVEL)
    lake.put_rows("A01", [row("A1"), row("A2", first="Bo", phone="555-0101"), row("A3", day="02")])
    result = lake.run(lineage=lineage)
    table = spark.table(lake.primary)
    assert table.columns[0] == "globalid"
    assert table.columns[1:] == ["customerno", "srcsystemid", "firstname", "lastname", "phone", "year", "month", "day"]
    rows = table.collect()
    assert sorted(r.customerno for r in rows) == ["A1", "A2"]  # only the job's partition
    assert len({r.globalid for r in rows}) == 2 and all(len(r.globalid) == 36 for r in rows)
    props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {lake.primary}").collect()}
    assert props["format-version"] == "2"
    partitions = spark.sql(f"SELECT * FROM {lake.primary}.partitions").schema["partition"].dataType.names
    assert partitions == ["year", "month", "day"]
    assert lineage.operations() == ["add_column", "fill_global_id"]
    assert (result.rows_written, result.table, result.partition) == (2, lake.primary, "year=2024/month=03/day=01")


def test_without_levels_only_the_exact_match_runs_and_the_rest_get_new_ids(lake):
    # Decision D12: the reference crashes here.
    lake.put_spec(EXACT_ONLY)
    lake.put_rows("A01", [row("A1"), row("A2", last="Kim", phone="555-0101")])
    lake.run()
    before = lake.ids()
    lake.put_rows("A01", [row("A1", first="Annie", day="02"), row("A3", day="02")])  # A3: same phone, not compared
    lake.run(day="2")
    after = lake.ids()
    assert after[("A01", "A1")] == before[("A01", "A1")]
    assert after[("A01", "A3")] not in before.values()
    assert len(after) == 3


def test_a_probabilistic_match_takes_the_primary_id_and_overwrites_the_stored_values(spark, lake):
    lake.put_spec(WITH_LEVEL)
    lake.put_rows("A01", [row("A1")])
    lake.run()
    gid = lake.ids()[("A01", "A1")]
    lake.put_rows("C25", [row("C7", system="C25", first="A.")])
    lake.run("C25")
    rows = spark.table(lake.primary).collect()
    assert [(r.globalid, r.customerno, r.srcsystemid, r.firstname) for r in rows] == [(gid, "C7", "C25", "A.")]


def test_rows_that_carry_a_global_id_keep_it(spark, lake):
    lake.put_spec(WITH_LEVEL)
    lake.put_rows("A01", [row("A1")])
    lake.run()
    schema = "globalid string, " + SCHEMA
    lake.put_rows("C25", [("G-given", "C1", "C25", "Ann", "Lee", "555-0100", "2024", "03", "01")], schema)
    lake.run("C25")
    assert lake.ids()[("C25", "C1")] == "G-given"
    assert len(lake.ids()) == 2


def test_two_incoming_rows_with_one_global_id_fail_before_the_merge(spark, lake):
    lake.put_spec(WITH_LEVEL)
    lake.put_rows("A01", [row("A1")])
    lake.run()
    gid = lake.ids()[("A01", "A1")]
    before = sorted(spark.table(lake.primary).collect())
    # Both rows match the stored person by phone and last name.
    lake.put_rows("C25", [row("C1", system="C25"), row("C2", system="C25", first="Anne")])
    with pytest.raises(DataError) as err:
        lake.run("C25")
    message = str(err.value)
    assert f"2 incoming rows have globalid '{gid}'" in message
    assert "C1/C25" in message and "C2/C25" in message
    assert sorted(spark.table(lake.primary).collect()) == before


def test_a_rerun_with_the_same_input_leaves_the_same_table(spark, lake):
    lake.put_spec(WITH_LEVEL)
    lake.put_rows("A01", [row("A1"), row("A2", last="Kim", phone="555-0101")])
    lake.run()
    lake.put_rows("C25", [row("C1", system="C25", last="Leee"), row("C2", system="C25", last="Park", phone="555-0199")])
    lake.run("C25")
    first = sorted(spark.table(lake.primary).collect())
    lake.run("C25")
    assert sorted(spark.table(lake.primary).collect()) == first
    assert len(first) == 3
