"""The Collect→Cleanse speed paths keep its behaviour: delimited files without multi-line records are
read line by line (split over partitions) with the same rows and types as multiLine, and the
Iceberg partition write without a shuffle reports the rows its commit added."""

from __future__ import annotations

import gzip
import time
import uuid
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from insurancelake_etl.readers import ReadRequest
from insurancelake_etl.readers.delimited import delimited_options, read_delimited
from insurancelake_etl.readers import line_scan
from insurancelake_etl.readers.background_read import BackgroundRead
from insurancelake_etl.readers.line_scan import single_line_records
from insurancelake_etl.tables import WriteRequest
from insurancelake_local.runtime import open_warehouse


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_counted(spark, uri: str, spec: dict):
    """The delimited reader's frame and the row count it knows without a pass (or None)."""
    result = read_delimited(ReadRequest(spark, uri, spec))
    return result.df, result.rows


def multiline_reference(spark, path: Path, spec: dict):
    """The reference's read: the same options with multiLine=true."""
    return spark.read.format("csv").options(**delimited_options(spec)).load(path.as_uri())


@pytest.fixture
def small_splits(spark):
    """Split files every 256 bytes, so line mode reads a small file in several partitions."""
    old = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "256")
    yield
    spark.conf.set("spark.sql.files.maxPartitionBytes", old)


def policies(rows: int, newline: bytes = b"\n") -> bytes:
    lines = [b"id,name,premium,effective,note"]
    for i in range(rows):
        lines.append(f'{i},"Smith, J{i}",{i * 1.5},2024-01-{i % 28 + 1:02},"say ""hi"" {i}"'.encode())
    return newline.join(lines) + newline


# ------------------------------------------------------------------------------------ line mode


@pytest.mark.parametrize(
    ("name", "data", "spec"),
    [
        ("quoted.csv", policies(60), {}),
        ("crlf.csv", policies(60, b"\r\n"), {}),
        ("no-final-newline.csv", policies(60).rstrip(b"\n"), {}),
        ("empty-fields.csv", b"a,b,c\n" + b'1,,""\n,2,\n"",,3\n' * 20, {}),
        ("tabs.tsv", b"a\tb\n" + b"".join(f'{i}\t"x\ty {i}"\n'.encode() for i in range(60)), {"tsv": {}}),
        ("headerless.csv", b"".join(f'{i},"v {i}"\n'.encode() for i in range(60)), {"csv": {"header": False}}),
        ("four-spaces.txt", b"a    b\n" + b"".join(f"{i}    v {i}\n".encode() for i in range(60)),
         {"csv": {"delimiter": "    "}}),
    ],
)
def test_file_without_multiline_records_reads_in_line_mode_as_multiline_would(spark, tmp_path, small_splits, name, data, spec):
    path = write(tmp_path, name, data)
    df, rows = read_counted(spark, path.as_uri(), spec)
    expected = multiline_reference(spark, path, spec)
    assert df.rdd.getNumPartitions() > 1
    assert rows == expected.count() == df.count()
    assert df.schema == expected.schema
    assert sorted(map(tuple, df.collect()), key=repr) == sorted(map(tuple, expected.collect()), key=repr)


def test_quoted_line_break_keeps_multiline_and_reads_one_value(spark, tmp_path, small_splits):
    data = policies(40) + b'99,"two\nlines",1.0,2024-02-01,"x"\n' + policies(40).split(b"\n", 1)[1]
    path = write(tmp_path, "p.csv", data)
    df, rows = read_counted(spark, path.as_uri(), {})
    assert rows is None
    assert df.rdd.getNumPartitions() == 1
    assert df.count() == 81
    assert df.where("id = 99").collect()[0].name == "two\nlines"


@pytest.mark.parametrize(
    ("why", "data", "spec"),
    [
        ("quoted line break", b'a,b\n"x\ny",1\n', {}),
        ("quote inside an unquoted field", b'a,b\nx"y,1\n', {}),
        ("unclosed quote after a literal one (even count)", b'a,b\nx"y,"z\nw",2\n', {}),
        ("text after a closing quote", b'a,b\n"x"y,1\n', {}),
        ("byte-order mark", b"\xef\xbb\xbfa,b\n1,2\n", {}),
        ("mixed line endings", b"a,b\r\n1,2\n3,4\r\n", {}),
        ("carriage return inside a line", b"a,b\n1\r2,3\n", {}),
        ("blank line", b"a,b\n1,2\n\n3,4\n", {}),
        ("whitespace-only line", b"a\tb\n1\t2\n\t\n", {"tsv": {}}),
        ("data line equal to the header", b"a,b\n1,2\na,b\n", {}),
        ("header repeated on the next line", b"a,b\na,b\n1,2\n", {}),
        ("data line equal to the header, last and without a line end", b"a,b\n1,2\na,b", {}),
        ("data line equal to the header, CRLF", b"a,b\r\n1,2\r\na,b\r\n", {}),
        ("quote with a several-character delimiter", b'a||b\n"x"||1\n', {"csv": {"delimiter": "||"}}),
        ("escape character other than the quote", b"a,b\n'x\\'y',1\n", {"csv": {"quote_character": "'", "escape_character": "\\"}}),
    ],
)
def test_files_line_mode_could_read_differently_keep_multiline(tmp_path, why, data, spec):
    path = write(tmp_path, "p.csv", data)
    assert single_line_records(path.as_uri(), delimited_options(spec)) is None, why


def test_compressed_file_keeps_multiline(tmp_path):
    path = write(tmp_path, "p.csv.gz", gzip.compress(b"a,b\n1,2\n"))
    assert single_line_records(path.as_uri(), delimited_options({})) is None


def test_scan_reads_across_chunk_boundaries(tmp_path, monkeypatch):
    monkeypatch.setattr(line_scan, "SCAN_CHUNK_BYTES", 7)
    good = write(tmp_path, "good.csv", policies(30))
    bad = write(tmp_path, "bad.csv", policies(30) + b'1,"a\nb",2,2024-01-01,x\n')
    options = delimited_options({})
    assert single_line_records(good.as_uri(), options) == 30
    assert single_line_records(bad.as_uri(), options) is None
    header_later = write(tmp_path, "header.csv", policies(30) + policies(0))
    assert single_line_records(header_later.as_uri(), options) is None


def test_lines_containing_the_header_text_are_not_taken_for_it(tmp_path):
    path = write(tmp_path, "p.csv", b"a,b\nxa,b\na,bx\n\"a\",b\n")
    assert single_line_records(path.as_uri(), delimited_options({})) == 3


def test_header_only_and_empty_files_count_no_rows_or_keep_multiline(tmp_path):
    options = delimited_options({})
    assert single_line_records(write(tmp_path, "h.csv", b"a,b\n").as_uri(), options) == 0
    assert single_line_records(write(tmp_path, "e.csv", b"").as_uri(), options) is None


def test_line_mode_infers_the_same_types_as_multiline(spark, tmp_path, small_splits):
    # The first rows look like integers and dates, a later split holds the values that widen them.
    rows = [f"{i},2024-01-{i % 28 + 1:02},{i}" for i in range(80)] + ["1.5,2024-13-01,x"]
    path = write(tmp_path, "p.csv", ("a,b,c\n" + "\n".join(rows) + "\n").encode())
    df = read_delimited(ReadRequest(spark, path.as_uri(), {})).df
    assert df.schema == multiline_reference(spark, path, {}).schema
    assert [f.dataType.simpleString() for f in df.schema.fields] == ["double", "string", "string"]


# ------------------------------------------------------------------------------------ writes


@pytest.fixture
def runtime(spark, tmp_path):
    return open_warehouse((tmp_path / "warehouse").as_uri(), spark, "s" + uuid.uuid4().hex[:10])


def cleanse_frame(spark, ids, day="05"):
    df = spark.createDataFrame([(i, f"n{i}") for i in ids], "id int, name string").repartition(3)
    return df.withColumns({"year": F.lit("2024"), "month": F.lit("01"), "day": F.lit(day)})


def test_iceberg_partition_write_without_shuffle_returns_the_rows_added(runtime, spark, tmp_path):
    writer = runtime.table_writer("ICEBERG")
    db = "db" + uuid.uuid4().hex[:8]
    location = (tmp_path / "t").as_uri()
    created = writer.write(cleanse_frame(spark, range(10)), WriteRequest(db, "p", location, allow_schema_change="strict", shuffle=False))  # fmt: skip
    other = writer.write(cleanse_frame(spark, range(4), "06"), WriteRequest(db, "p", location, allow_schema_change="strict", shuffle=False))  # fmt: skip
    replaced = writer.write(cleanse_frame(spark, range(100, 107)), WriteRequest(db, "p", location, allow_schema_change="strict", shuffle=False))  # fmt: skip
    assert (created, other, replaced) == (10, 4, 7)
    table = spark.table(writer.table_name(db, "p"))
    assert sorted(r.id for r in table.where("day = '05'").collect()) == list(range(100, 107))
    assert table.where("day = '06'").count() == 4
    assert table.columns == ["id", "name", "year", "month", "day"]


def test_parquet_partition_write_without_shuffle_keeps_rows_and_counts_them_once(runtime, spark, tmp_path):
    writer = runtime.table_writer("PARQUET")
    db = "db" + uuid.uuid4().hex[:8]
    added = writer.write(cleanse_frame(spark, range(9)), WriteRequest(db, "p", (tmp_path / "t").as_uri(), allow_schema_change="strict", shuffle=False))  # fmt: skip
    assert added == 9
    assert sorted(r.id for r in spark.table(writer.table_name(db, "p")).collect()) == list(range(9))


# ------------------------------------------------------------------------------------ the job


@pytest.mark.parametrize("fmt", ["ICEBERG", "PARQUET"])
def test_job_on_a_split_file_writes_every_row_as_the_multiline_read_gives_it(spark, tmp_path, small_splits, fmt):
    from test_collect_job import Lake

    lake = Lake(tmp_path)
    lake.put_input(policies(120).decode())
    result, table = lake.run(spark, table_format=fmt)
    expected = multiline_reference(spark, tmp_path / "collect" / lake.db / lake.table / "policies.csv", {})
    assert (result.rows_read, result.rows_written) == (120, 120)
    assert table.columns[:5] == ["id", "name", "premium", "effective", "note"]
    assert [f.dataType for f in table.schema.fields[:5]] == [f.dataType for f in expected.schema.fields]
    assert sorted(tuple(r)[:5] for r in table.collect()) == sorted(tuple(r) for r in expected.collect())


def test_job_reads_a_quoted_line_break_and_counts_rows_with_lineage(spark, tmp_path, lineage):
    from test_collect_job import Lake

    lake = Lake(tmp_path)
    lake.put_input('id,note\n1,"two\nlines"\n2,plain\n')
    result, table = lake.run(spark, lineage=lineage)
    assert (result.rows_read, result.rows_written) == (2, 2)
    assert sorted((r.id, r.note) for r in table.collect()) == [(1, "two\nlines"), (2, "plain")]
    assert lineage.operations()[:2] == ["read", "numericaudit"]


def test_background_read_gives_the_frame_or_the_loads_own_error(spark):
    assert BackgroundRead(spark, lambda: spark.range(3)).result().count() == 3
    with pytest.raises(ValueError, match="no such file"):
        BackgroundRead(spark, lambda: (_ for _ in ()).throw(ValueError("no such file"))).result()


def test_cancelling_a_background_read_stops_its_spark_jobs_and_keeps_the_session_usable(spark):
    started = time.perf_counter()

    def slow(rows):
        for row in rows:
            time.sleep(60)
            yield row

    def load():
        spark.sparkContext.parallelize([1, 2], 2).mapPartitions(slow).count()
        return spark.range(1)

    background = BackgroundRead(spark, load)
    tracker = spark.sparkContext.statusTracker()
    while not tracker.getActiveJobsIds() and time.perf_counter() - started < 20:
        time.sleep(0.1)  # until the job runs
    assert tracker.getActiveJobsIds()
    background.cancel()
    assert time.perf_counter() - started < 30
    assert spark.range(5).count() == 5
