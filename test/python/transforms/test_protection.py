"""Data protection transforms (behaviour reference §15.2 rows 7-9, §21, §23, Decision D6).

The hash must equal ``hashlib.sha256(str(value).encode()).hexdigest()`` on the value Python receives
from Spark, which is what the reference's UDF computes; the tests compare against exactly that.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import math
import random
import struct
import uuid
from dataclasses import replace
from decimal import Decimal

import boto3
import pytest
from insurancelake_etl.context import JobContext
from insurancelake_etl.errors import DataError, JobArgumentError
from insurancelake_etl.job_args import LakeTables
from insurancelake_etl.transforms import run_transforms
from insurancelake_etl.transforms.protection import hash_, redact, tokenize
from pyspark.sql import types as T


def sha(value: object) -> str:
    return hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def assert_native_hash_equals_python(spark, ctx, rows: list[tuple], ddl: str) -> None:
    """Hash the column ``v`` natively and compare each row with hashlib on str(<collected value>)."""
    df = spark.createDataFrame([(i, *row) for i, row in enumerate(rows)], f"id int, {ddl}")
    originals = {r.id: r.v for r in df.collect()}
    hashed = {r.id: r.v for r in hash_(df, ["v"], ctx).collect()}
    mismatches = [
        (originals[i], str(originals[i]), hashed[i])
        for i in originals
        if hashed[i] != (None if originals[i] is None else sha(originals[i]))
    ]
    assert mismatches == []


def test_hash_of_strings_matches_python_sha256(spark, ctx):
    rows = [("555-0100",), ("",), (" padded ",), ("Ünïcödé ✓ 日本",), ("a" * 500,), ("line\nbreak",)]
    assert_native_hash_equals_python(spark, ctx, rows, "v string")


@pytest.mark.parametrize("ddl", ["v tinyint", "v smallint", "v int", "v bigint"])
def test_hash_of_integers_matches_python_sha256(spark, ctx, ddl):
    limit = {"v tinyint": 127, "v smallint": 32767, "v int": 2**31 - 1, "v bigint": 2**63 - 1}[ddl]
    rows = [(0,), (1,), (-1,), (limit,), (-limit - 1,), (42,)]
    assert_native_hash_equals_python(spark, ctx, rows, ddl)


@pytest.mark.parametrize("precision,scale", [(10, 0), (10, 2), (16, 2), (20, 10), (38, 18), (7, 7)])
def test_hash_of_decimals_keeps_the_scale_and_python_notation(spark, ctx, precision, scale):
    generator = random.Random(precision * 100 + scale)
    with decimal.localcontext() as context:
        context.prec = 50
        quantum = Decimal(1).scaleb(-scale)
        values = [Decimal(0), Decimal(1), Decimal(-1), quantum, -quantum, quantum * 12, quantum * 1234, Decimal("0.5")]
        values += [Decimal(generator.randrange(-(10**precision) + 1, 10**precision)).scaleb(-scale) for _ in range(40)]
        rows = [(v.quantize(quantum),) for v in values if abs(v) < Decimal(10) ** (precision - scale)]
    assert_native_hash_equals_python(spark, ctx, rows, f"v decimal({precision},{scale})")


def test_hash_of_a_decimal_is_the_hash_of_its_scaled_text(spark, ctx):
    df = spark.createDataFrame([(Decimal("1.50"),), (Decimal("0E-10"),)], "v decimal(20,2)")
    assert [r.v for r in hash_(df, ["v"], ctx).collect()] == [sha("1.50"), sha("0.00")]
    tiny = spark.createDataFrame([(Decimal("1E-7"),), (Decimal(0),), (Decimal("-1E-10"),)], "v decimal(20,10)")
    assert [r.v for r in hash_(tiny, ["v"], ctx).collect()] == [sha("1.000E-7"), sha("0E-10"), sha("-1.00E-10")]


def test_hash_of_dates_uses_iso_text(spark, ctx):
    rows = [(datetime.date(2022, 1, 1),), (datetime.date(1999, 12, 31),), (datetime.date(999, 3, 4),), (datetime.date(9999, 12, 31),)]
    assert_native_hash_equals_python(spark, ctx, rows, "v date")
    df = spark.createDataFrame([(datetime.date(2022, 1, 1),)], "v date")
    assert hash_(df, ["v"], ctx).first().v == sha("2022-01-01")


def _random_doubles(count: int, seed: int) -> list[float]:
    generator = random.Random(seed)
    values = []
    while len(values) < count:
        value = struct.unpack("<d", generator.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(value):
            values.append(value)
    return values


def test_hash_of_doubles_matches_python_repr(spark, ctx):
    special = [0.0, -0.0, 1.0, -1.0, 0.1, 100.0, 1e16, 1e15, 123456789012345.6, 1e-4, 1e-5, 1.5e-5, 8.41e21,
               2e-3, 5e-324, 1.7976931348623157e308, 2.0**53, 1 / 3, float("nan"), float("inf"), float("-inf")]  # fmt: skip
    generator = random.Random(7)
    everyday = [round(generator.uniform(-1e6, 1e6), generator.randrange(0, 6)) for _ in range(100)]
    rows = [(v,) for v in special + everyday + _random_doubles(200, 11)] + [(None,)]
    assert_native_hash_equals_python(spark, ctx, rows, "v double")


def test_hash_of_floats_matches_python_repr_of_the_widened_value(spark, ctx):
    rows = [(v,) for v in [0.1, 1.5, -2.25, 3.4e38, 1e-40, 16777217.0]] + [(None,)]
    assert_native_hash_equals_python(spark, ctx, rows, "v float")


def test_hash_of_booleans_and_timestamps_matches_python_str(spark, ctx):
    assert_native_hash_equals_python(spark, ctx, [(True,), (False,), (None,)], "v boolean")
    stamps = [datetime.datetime(2022, 1, 1, 0, 0), datetime.datetime(2024, 2, 29, 13, 45, 7, 120000), datetime.datetime(2024, 2, 29, 13, 45, 7, 5)]
    assert_native_hash_equals_python(spark, ctx, [(s,) for s in stamps], "v timestamp")


def test_hash_keeps_the_column_in_place_and_nulls_stay_null(spark, ctx):
    df = spark.createDataFrame([("a", "x@example.com", 1), ("b", None, 2), ("c", "y@example.com", 3)], "k string, email string, n int")
    out = hash_(df, ["email"], ctx)
    assert out.columns == ["k", "email", "n"]
    assert out.schema["email"].dataType == T.StringType()
    values = [r.email for r in out.orderBy("k").collect()]
    assert values == [sha("x@example.com"), None, sha("y@example.com")]
    assert all(len(v) == 64 and v == v.lower() for v in values if v)


def test_hash_is_batch_so_two_fields_hash_their_original_values(spark, ctx):
    df = spark.createDataFrame([("a", "b")], "x string, y string")
    row = hash_(df, ["x", "y"], ctx).first()
    assert (row.x, row.y) == (sha("a"), sha("b"))


def test_hash_of_a_missing_field_stops_with_the_reference_message(spark, ctx):
    df = spark.createDataFrame([("a",)], "x string")
    with pytest.raises(RuntimeError) as error:
        hash_(df, ["x", "phone"], ctx)
    assert isinstance(error.value, DataError)
    assert "$.transform_spec.hash[1]: Field 'phone' not found in incoming data" in str(error.value)


def test_hash_of_an_array_is_a_clear_error(spark, ctx):
    df = spark.createDataFrame([([1, 2],)], "v array<int>")
    with pytest.raises(DataError, match=r"hash\[0\]: .*'v' is array<int>, which cannot be hashed"):
        hash_(df, ["v"], ctx)


def test_redact_replaces_values_with_the_literal(spark, ctx):
    df = spark.createDataFrame([("1", "a"), ("2", "b"), ("3", None)], "customerno string, name string")
    out = redact(df, {"customerno": "****", "name": None}, ctx)
    assert out.columns == ["customerno", "name"]
    assert [(r.customerno, r.name) for r in out.collect()] == [("****", None)] * 3
    assert out.schema["name"].dataType == T.NullType()


def test_redact_of_a_missing_field_stops(spark, ctx):
    df = spark.createDataFrame([("1",)], "customerno string")
    with pytest.raises(DataError, match=r"redact\[0\]: Field 'ssn' not found in incoming data"):
        redact(df, {"ssn": "x"}, ctx)


@pytest.fixture
def hash_table(moto_endpoint) -> str:
    name = f"unittest-hash-values-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "hash_key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "hash_key", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@pytest.fixture
def token_ctx(ctx, hash_table) -> JobContext:
    """The job context with the hash-values table."""
    return replace(ctx, tables=LakeTables(hash_value_table=hash_table))


def _stored(table: str) -> dict[str, str]:
    items = boto3.resource("dynamodb").Table(table).scan()["Items"]
    return {item["hash_key"]: item["raw_data"] for item in items}


def test_tokenize_moves_tokens_last_and_stores_each_token_once(spark, token_ctx, hash_table):
    df = spark.createDataFrame(
        [("123-45-6789", 1, 7), ("123-45-6789", 2, 7), ("987-65-4321", 3, None)], "ssn string, id int, code int"
    )
    out = tokenize(df, ["ssn", "code"], token_ctx)
    assert out.columns == ["id", "ssn", "code"]
    rows = sorted((r.id, r.ssn, r.code) for r in out.collect())
    assert rows == [
        (1, sha("123-45-6789"), sha(7)),
        (2, sha("123-45-6789"), sha(7)),
        (3, sha("987-65-4321"), None),
    ]
    assert _stored(hash_table) == {sha("123-45-6789"): "123-45-6789", sha("987-65-4321"): "987-65-4321", sha(7): "7"}


def test_tokenize_null_values_give_null_tokens_and_no_items(spark, token_ctx, hash_table):
    df = spark.createDataFrame([(None,), (None,)], "ssn string")
    out = tokenize(df, ["ssn"], token_ctx)
    assert [r.ssn for r in out.collect()] == [None, None]
    assert _stored(hash_table) == {}


def test_tokenize_of_a_missing_field_stops_before_writing(spark, token_ctx, hash_table):
    df = spark.createDataFrame([("1",)], "ssn string")
    with pytest.raises(DataError, match=r"tokenize\[1\]: Field 'tin' not found in incoming data"):
        tokenize(df, ["ssn", "tin"], token_ctx)
    assert _stored(hash_table) == {}


def test_tokenize_without_the_table_argument_is_a_job_argument_error(spark, ctx):
    df = spark.createDataFrame([("1",)], "ssn string")
    with pytest.raises(JobArgumentError, match="hash_value_table"):
        tokenize(df, ["ssn"], ctx)


def test_protection_transforms_record_their_lineage_operation(spark, token_ctx, lineage, hash_table):
    df = spark.createDataFrame([("a", "b", "c")], "x string, y string, z string")
    run_transforms(df, {"hash": ["x"], "redact": {"y": "*"}, "tokenize": ["z"]}, token_ctx)
    assert lineage.calls == [
        ("TestDb/TestTable", "hash", {"transform": ["x"]}),
        ("TestDb/TestTable", "redact", {"transform": {"y": "*"}}),
        ("TestDb/TestTable", "tokenize", {"transform": ["z"]}),
    ]
