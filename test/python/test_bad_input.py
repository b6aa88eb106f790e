"""Bad source files through the real Collect→Cleanse job: rejected naming file and line, or
quarantined with their line numbers, never reshaped silently; the counts add up (issue 13 item 1)."""

from __future__ import annotations

import codecs
import json
import uuid

import boto3

import pytest
from test_collect_job import Lake

from insurancelake_etl.errors import DataError
from insurancelake_etl.readers import delimited

HEADER = "id,name,premium\n"


@pytest.fixture
def lake(tmp_path) -> Lake:
    return Lake(tmp_path)


@pytest.fixture(scope="module")
def dq_results_table(moto_endpoint) -> str:
    """A DQ results table on the moto server (the DQ checker writes every rule outcome)."""
    name = f"dq-results-{uuid.uuid4().hex[:8]}"
    keys = [("execution_id", "HASH"), ("job_id_action_rule", "RANGE")]
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in keys],
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k, _ in keys],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def table_count(spark, name: str) -> int:
    return spark.table(name).count() if spark.catalog.tableExists(name) else -1


def put_dq(lake: Lake, rules: dict) -> None:
    path = lake.root / "etl" / "etl" / "dq-rules" / f"dq-{lake.db}-{lake.table}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rules))


def test_unclosed_quote_fails_naming_file_line_and_column_and_writes_nothing(spark, lake):
    lake.put_input(HEADER + '1,Alice,10\n2,Bob,20\n3,"Carol,30\n4,Dan,40\n5,Eve,50\n')
    with pytest.raises(DataError) as raised:
        lake.run(spark)
    assert str(raised.value).startswith(
        f"{lake.db}/{lake.table}/policies.csv: line 4: quoted value is never closed (started at column 3)"
    )
    assert table_count(spark, f"{lake.catalog}.{lake.db.lower()}.policies") == -1


def test_failed_bad_file_leaves_the_previous_partition_as_it_was(spark, lake):
    lake.put_input(HEADER + "1,Alice,10\n2,Bob,20\n")
    _, table = lake.run(spark)
    before = table.count()
    lake.put_input(HEADER + "1,Alice,10,extra\n2,Bob,20\n")
    with pytest.raises(DataError, match=r"line 2: has 4 fields; expected 3 like the header"):
        lake.run(spark)
    assert spark.table(f"{lake.catalog}.{lake.db.lower()}.policies").count() == before == 2


def test_quarantine_counts_add_up_with_bad_records_dq_quarantine_and_filtered_rows(spark, lake, dq_results_table):
    lines = [f"{i},name{i},{i * 10}" for i in range(1, 11)]
    lines[2] = "3,name3,30,extra"  # bad: too many fields
    lines[5] = "6,name6"  # bad: too few
    lines[7] = "8,,80"  # DQ quarantine: no name
    lake.put_input(HEADER + "\n".join(lines) + "\n")
    lake.put_config(f"{lake.db}-{lake.table}.json", json.dumps({
        "input_spec": {"bad_records": "quarantine"},
        "transform_spec": {"filterrows": [{"condition": "id <> 10"}]},
    }))  # fmt: skip
    put_dq(lake, {"before_transform": {"quarantine_rules": ["IsComplete 'name'"]}})
    result, table = lake.run(spark, dq_results_table=dq_results_table)

    read_quarantine = spark.table(f"{lake.catalog}.{lake.db.lower()}.policies_quarantine_read")
    dq_quarantine = spark.table(f"{lake.catalog}.{lake.db.lower()}.policies_quarantine_before_transform")
    bad = sorted((r.line_number, r.raw_record) for r in read_quarantine.collect())
    assert bad == [(4, "3,name3,30,extra"), (7, "6,name6")]
    assert dq_quarantine.count() == 1
    assert table.count() == result.rows_written == 6
    assert (result.rows_read, result.rows_bad, result.rows_quarantined, result.rows_filtered) == (10, 2, 3, 1)
    assert result.rows_read == result.rows_written + result.rows_quarantined + result.rows_filtered
    assert sorted(r.id for r in table.collect()) == [1, 2, 4, 5, 7, 9]


def test_rerun_of_the_fixed_file_clears_its_read_quarantine_partition(spark, lake):
    lake.put_config(f"{lake.db}-{lake.table}.json", json.dumps({"input_spec": {"bad_records": "quarantine"}}))
    lake.put_input(HEADER + "1,a,1\n2,b\n")
    result, _ = lake.run(spark)
    assert result.rows_bad == 1
    lake.put_input(HEADER + "1,a,1\n2,b,2\n")
    result, table = lake.run(spark)
    assert (result.rows_bad, table.count()) == (0, 2)
    assert spark.table(f"{lake.catalog}.{lake.db.lower()}.policies_quarantine_read").count() == 0


@pytest.mark.parametrize(
    ("data", "spec", "expected"),
    [
        ("id,name\n1,café\n".encode("latin-1"), {"encoding": "latin-1"}, "café"),
        ("id,name\n1,café\n".encode("cp1252"), {"encoding": "cp1252"}, "café"),
        ("id,name\n1,café\n".encode("utf-16"), {}, "café"),
        (codecs.BOM_UTF16_BE + "id,name\n1,café\n".encode("utf-16-be"), {}, "café"),
        ("id,name\n1,café\n".encode("utf-8-sig"), {}, "café"),
    ],
    ids=["latin-1", "cp1252", "utf-16-le-bom", "utf-16-be-bom", "utf-8-bom"],
)
def test_declared_encoding_and_byte_order_marks_are_honoured(spark, lake, data, spec, expected):
    lake.put_config(f"{lake.db}-{lake.table}.json", json.dumps({"input_spec": spec}))
    (lake.root / "collect" / lake.db / lake.table).mkdir(parents=True, exist_ok=True)
    (lake.root / "collect" / lake.db / lake.table / "policies.csv").write_bytes(data)
    _, table = lake.run(spark)
    assert table.columns[:2] == ["id", "name"]
    assert [(r.id, r.name) for r in table.collect()] == [(1, expected)]


def test_latin1_bytes_in_a_utf8_file_are_an_error_not_replacement_characters(spark, lake):
    (lake.root / "collect" / lake.db / lake.table).mkdir(parents=True)
    (lake.root / "collect" / lake.db / lake.table / "policies.csv").write_bytes("id,name\n1,ok\n2,café\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"policies.csv: line 3: byte 0xE9 at column 6 cannot be decoded"):
        lake.run(spark)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\n", "the file is a PDF document, not delimited text"),
        (bytes((i * 97 + 13) % 256 for i in range(3000)), "the file holds binary content"),
    ],
    ids=["pdf", "random-bytes"],
)
def test_binary_content_named_csv_is_refused(spark, lake, data, message):
    (lake.root / "collect" / lake.db / lake.table).mkdir(parents=True)
    (lake.root / "collect" / lake.db / lake.table / "policies.csv").write_bytes(data)
    with pytest.raises(DataError, match=message):
        lake.run(spark)


def test_file_above_the_scan_limit_takes_the_multiline_fallback_with_the_same_rows(spark, lake, monkeypatch):
    data = HEADER + "".join(f'{i},"name, {i}",{i}.5\n' for i in range(200))
    lake.put_input(data)
    _, table = lake.run(spark)
    expected = sorted(map(tuple, table.drop("execution_id").collect()))
    monkeypatch.setattr(delimited, "SCAN_LIMIT_BYTES", len(data) - 1)
    scanned = []
    monkeypatch.setattr(delimited, "line_records", lambda *a: scanned.append(a))
    result, table = lake.run(spark)
    assert scanned == []
    assert result.rows_read == 200
    assert sorted(map(tuple, table.drop("execution_id").collect())) == expected
