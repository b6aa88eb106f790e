"""Object store: file:// and s3:// (moto server over HTTP) read and write."""

from __future__ import annotations

import uuid

import boto3
import pytest

from insurancelake_etl import objectstore


@pytest.fixture
def bucket(moto_endpoint: str) -> str:
    name = f"objectstore-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=name)
    return name


def test_join_puts_exactly_one_slash_between_parts():
    assert objectstore.join("s3://bucket/", "/etl/", "x.json") == "s3://bucket/etl/x.json"


def test_file_uri_round_trip_creates_parent_folders(tmp_path):
    uri = (tmp_path / "a" / "b" / "spec.json").as_uri()
    objectstore.write_text(uri, '{"x": "é"}')
    assert objectstore.read_text(uri) == '{"x": "é"}'


def test_plain_local_path_is_read_like_a_file_uri(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("hello", encoding="utf-8")
    assert objectstore.read_text(str(path)) == "hello"


def test_absent_local_file_reads_as_none(tmp_path):
    assert objectstore.read_text((tmp_path / "missing.json").as_uri()) is None
    assert objectstore.exists((tmp_path / "missing.json").as_uri()) is False


def test_byte_order_mark_is_dropped_from_text(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfSourceName,DestName\n")
    assert objectstore.read_text(path.as_uri()) == "SourceName,DestName\n"


def test_s3_write_then_read_text_through_the_endpoint(bucket):
    uri = f"s3://{bucket}/etl/transformation-spec/Db-Tbl.json"
    objectstore.write_text(uri, '{"transform_spec": {}}')
    assert objectstore.read_text(uri) == '{"transform_spec": {}}'
    body = boto3.client("s3").get_object(Bucket=bucket, Key="etl/transformation-spec/Db-Tbl.json")["Body"].read()
    assert body == b'{"transform_spec": {}}'


def test_s3_bytes_round_trip(bucket):
    uri = f"s3://{bucket}/data/file.bin"
    objectstore.write_bytes(uri, b"\x00\x01\xff")
    assert objectstore.read_bytes(uri) == b"\x00\x01\xff"
    assert objectstore.exists(uri) is True


def test_absent_s3_key_reads_as_none(bucket):
    assert objectstore.read_text(f"s3://{bucket}/no/such/key.json") is None
    assert objectstore.exists(f"s3://{bucket}/no/such/key.json") is False


def test_absent_s3_bucket_reads_as_none(moto_endpoint):
    assert objectstore.read_text(f"s3://no-such-bucket-{uuid.uuid4().hex[:8]}/x.json") is None
