"""Table writes: the allow_schema_change matrix (§8.4), partition-key protection, and atomic
replacement of a partition / a whole table in both formats (Decision D10)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from insurancelake_etl.catalog import check_schema_change, decimal_greater, default_allow_schema_change
from insurancelake_etl.errors import ConfigError, SchemaChangeError
from insurancelake_etl.tables import TableDef, WriteRequest
from insurancelake_local.local_catalog import LocalParquetCatalog
from insurancelake_local.runtime import open_warehouse

FORMATS = ["ICEBERG", "PARQUET"]


def cols(*pairs: str) -> list[dict[str, str]]:
    """``cols("a:int", "b:string")`` → catalog column list."""
    return [{"Name": p.split(":")[0], "Type": p.split(":", 1)[1]} for p in pairs]


# ---------------------------------------------------------------------------- policy matrix


@pytest.mark.parametrize(
    ("old", "new", "mode", "allowed"),
    [
        (["a:int", "b:string"], ["b:string", "a:int"], "strict", False),
        (["a:int", "b:string"], ["a:int", "b:string"], "strict", True),
        (["a:int", "b:string"], ["b:string", "a:int"], "reorder", True),
        (["a:int", "b:string"], ["a:int", "b:string", "c:int"], "reorder", False),
        (["a:int", "b:string"], ["a:int"], "reorder", False),
        (["a:int", "b:string"], ["a:int", "b:string", "c:int"], "evolve", True),
        (["a:int", "b:string"], ["a:int"], "evolve", False),
        (["a:int"], ["a:bigint"], "evolve", True),
        (["a:bigint"], ["a:int"], "evolve", False),
        (["a:string"], ["a:int"], "evolve", True),
        (["a:string"], ["a:double"], "evolve", False),
        (["a:byte"], ["a:tinyint"], "evolve", True),
        (["a:tinyint"], ["a:smallint"], "evolve", True),
        (["a:smallint"], ["a:bigint"], "evolve", True),
        (["a:smallint"], ["a:tinyint"], "evolve", False),
        (["a:float"], ["a:double"], "evolve", True),
        (["a:double"], ["a:float"], "evolve", False),
        (["a:date"], ["a:timestamp"], "evolve", True),
        (["a:date"], ["a:string"], "evolve", False),
        (["a:decimal(10,6)"], ["a:decimal(11,8)"], "evolve", True),
        (["a:decimal(11,8)"], ["a:decimal(10,6)"], "evolve", False),
        (["a:int"], ["a:INT"], "evolve", True),
        (["a:int"], ["a:int", "a:bigint"], "evolve", False),
        (["a:int", "b:string"], ["x:date"], "permissive", True),
    ],
)
def test_schema_change_matrix(old, new, mode, allowed):
    assert check_schema_change(cols(*old), cols(*new), mode) is allowed


def test_strict_counts_column_comments():
    old = [{"Name": "a", "Type": "int", "Comment": "policy id"}]
    assert check_schema_change(old, cols("a:int"), "strict") is False


def test_decimal_greater_than_rule():
    assert decimal_greater("decimal(10,6)", "decimal(10,2)")
    assert not decimal_greater("decimal(11,2)", "decimal(10,6)")


@pytest.mark.parametrize(
    ("environment", "mode"),
    [("Dev", "permissive"), ("Test", "reorder"), ("Prod", "strict"), ("unittest", "strict"), ("dev", "strict")],
)
def test_environment_default_of_allow_schema_change(environment, mode):
    assert default_allow_schema_change(environment) == mode


def test_unknown_mode_is_a_config_error():
    with pytest.raises(ConfigError, match="Unsupported value for allow_schema_change sloppy"):
        check_schema_change(cols("a:int"), cols("b:int"), "sloppy")


# ---------------------------------------------------------------------------- writes


@pytest.fixture
def runtime(spark, tmp_path):
    """A local runtime on a fresh warehouse with its own Iceberg catalog name."""
    return open_warehouse((tmp_path / "warehouse").as_uri(), spark, "t" + uuid.uuid4().hex[:10])


@pytest.fixture
def db() -> str:
    return "db" + uuid.uuid4().hex[:10]


def frame(spark, rows, day="05", schema="id int, name string"):
    df = spark.createDataFrame(rows, schema)
    return df.withColumns({"year": F.lit("2024"), "month": F.lit("01"), "day": F.lit(day)})


def read(runtime, writer, db, table="policies"):
    return sorted(tuple(r) for r in runtime.spark.table(writer.table_name(db, table)).collect())


@pytest.mark.parametrize("fmt", FORMATS)
def test_replacing_a_partition_keeps_other_partitions(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "cleanse" / "Db" / "policies").as_uri()
    writer.write(frame(spark, [(1, "a")], "05"), WriteRequest(db, "policies", location, allow_schema_change="strict"))
    writer.write(frame(spark, [(2, "b")], "06"), WriteRequest(db, "policies", location, allow_schema_change="strict"))
    writer.write(frame(spark, [(3, "c"), (4, "d")], "05"), WriteRequest(db, "policies", location, allow_schema_change="strict"))
    assert read(runtime, writer, db) == [
        (2, "b", "2024", "01", "06"),
        (3, "c", "2024", "01", "05"),
        (4, "d", "2024", "01", "05"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_partition_columns_are_strings(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    writer.write(frame(spark, [(1, "a")]), WriteRequest(db, "policies", (tmp_path / "t").as_uri(), allow_schema_change="strict"))
    types = dict(spark.table(writer.table_name(db, "policies")).dtypes)
    assert (types["year"], types["month"], types["day"]) == ("string", "string", "string")


@pytest.mark.parametrize("fmt", FORMATS)
def test_strict_refuses_a_new_column_and_leaves_the_table_unchanged(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "t").as_uri()
    writer.write(frame(spark, [(1, "a")]), WriteRequest(db, "policies", location, allow_schema_change="strict"))
    wider = frame(spark, [(9, "z", 1.5)], schema="id int, name string, premium double")
    with pytest.raises(SchemaChangeError, match="Nonpermissible schema change .*added premium"):
        writer.write(wider, WriteRequest(db, "policies", location, allow_schema_change="strict"))
    assert read(runtime, writer, db) == [(1, "a", "2024", "01", "05")]
    assert spark.table(writer.table_name(db, "policies")).columns == ["id", "name", "year", "month", "day"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_evolve_allows_widening_and_a_new_column(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "t").as_uri()
    writer.write(frame(spark, [(1, "a")]), WriteRequest(db, "policies", location, allow_schema_change="evolve"))
    wider = frame(spark, [(2, "b", 3)], day="06", schema="id bigint, name string, extra int")
    writer.write(wider, WriteRequest(db, "policies", location, allow_schema_change="evolve"))
    table = spark.table(writer.table_name(db, "policies"))
    assert dict(table.dtypes)["id"] == "bigint"
    assert sorted(r.extra for r in table.collect() if r.day == "06") == [3]


@pytest.mark.parametrize("fmt", FORMATS)
def test_evolve_refuses_narrowing_before_writing(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "t").as_uri()
    writer.write(frame(spark, [(1, "a")], schema="id bigint, name string"), WriteRequest(db, "policies", location, allow_schema_change="evolve"))
    with pytest.raises(SchemaChangeError, match="id bigint→int"):
        writer.write(frame(spark, [(2, "b")], day="06"), WriteRequest(db, "policies", location, allow_schema_change="evolve"))
    assert read(runtime, writer, db) == [(1, "a", "2024", "01", "05")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_partition_key_type_change_is_refused_even_when_permissive(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "t").as_uri()
    writer.write(frame(spark, [(1, "a")]), WriteRequest(db, "summary", location, allow_schema_change="permissive", replace="table"))
    typed = spark.createDataFrame([(2, "b", 2024, 1, 5)], "id int, name string, year int, month int, day int")
    with pytest.raises(SchemaChangeError, match="Nonpermissible change to partition keys"):
        writer.write(typed, WriteRequest(db, "summary", location, allow_schema_change="permissive", replace="table"))
    assert read(runtime, writer, db, "summary") == [(1, "a", "2024", "01", "05")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_partition_columns_are_refused(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    df = spark.createDataFrame([(1, "a")], "id int, name string")
    with pytest.raises(SchemaChangeError, match="Some or all specified partition keys"):
        writer.write(df, WriteRequest(db, "summary", (tmp_path / "t").as_uri(), allow_schema_change="permissive", replace="table"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_failure_midway_through_the_write_keeps_the_previous_partition(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "t").as_uri()
    writer.write(frame(spark, [(1, "a"), (2, "b")]), WriteRequest(db, "policies", location, allow_schema_change="strict"))

    @F.udf("int")
    def explode_on_three(value):
        if value == 3:
            raise ValueError("injected fault")
        return value

    bad = frame(spark, [(1, "new"), (2, "new"), (3, "new")]).withColumn("id", explode_on_three("id"))
    with pytest.raises(Exception, match="injected fault"):
        writer.write(bad, WriteRequest(db, "policies", location, allow_schema_change="strict"))
    assert read(runtime, writer, db) == [(1, "a", "2024", "01", "05"), (2, "b", "2024", "01", "05")]


@pytest.mark.parametrize("point", ["before_write", "after_stage", "after_switch", "after_copy"])
def test_parquet_partition_is_complete_whichever_step_fails(spark, runtime, db, tmp_path, point):
    location = (tmp_path / "t").as_uri()
    runtime.table_writer("PARQUET").write(frame(spark, [(1, "old"), (2, "old")]), WriteRequest(db, "policies", location, allow_schema_change="strict"))

    def fault(step):
        if step == point:
            raise RuntimeError(f"killed at {step}")

    writer = runtime.table_writer("PARQUET", fault=fault)
    with pytest.raises(RuntimeError, match=f"killed at {point}"):
        writer.write(frame(spark, [(7, "new"), (8, "new"), (9, "new")]), WriteRequest(db, "policies", location, allow_schema_change="strict"))
    # Before the catalog switch the old rows are visible; from the switch on the complete new rows.
    expected = ["old", "old"] if point in ("before_write", "after_stage") else ["new", "new", "new"]
    assert [r[1] for r in read(runtime, writer, db)] == expected
    # A fresh session's view (the registry on disk) agrees with this session's.
    fresh = LocalParquetCatalog(spark, runtime.warehouse).get_table(db, "policies")
    paths = list(fresh.partitions.values())
    files = [p for loc in paths for p in Path(loc.replace("file://", "")).glob("*.parquet")]
    assert len(paths) == 1 and files
    # The next successful write cleans up whatever the failure left behind.
    runtime.table_writer("PARQUET").write(frame(spark, [(5, "next")]), WriteRequest(db, "policies", location, allow_schema_change="strict"))
    assert read(runtime, writer, db) == [(5, "next", "2024", "01", "05")]
    assert not [n for n in os.listdir(tmp_path / "t") if n.startswith("_staging_")]


def test_parquet_failure_before_switch_shows_old_rows_and_after_switch_new_rows(spark, runtime, db, tmp_path):
    location = (tmp_path / "t").as_uri()
    results = {}
    for point in ("after_stage", "after_switch"):
        table = f"p_{point}"
        runtime.table_writer("PARQUET").write(frame(spark, [(1, "old")]), WriteRequest(db, table, location + point, allow_schema_change="strict"))

        def fault(step, point=point):
            if step == point:
                raise RuntimeError("killed")

        with pytest.raises(RuntimeError):
            runtime.table_writer("PARQUET", fault=fault).write(frame(spark, [(2, "new"), (3, "new")]), WriteRequest(db, table, location + point, allow_schema_change="strict"))
        results[point] = read(runtime, runtime.table_writer("PARQUET"), db, table)
    assert results["after_stage"] == [(1, "old", "2024", "01", "05")]
    assert results["after_switch"] == [(2, "new", "2024", "01", "05"), (3, "new", "2024", "01", "05")]


def test_parquet_layout_is_hive_style_under_the_table_location(spark, runtime, db, tmp_path):
    location = tmp_path / "cleanse" / "SalesDb" / "Policies"
    runtime.table_writer("PARQUET").write(frame(spark, [(1, "a")]), WriteRequest(db, "Policies", location.as_uri(), allow_schema_change="strict"))
    partition = location / "year=2024" / "month=01" / "day=05"
    assert list(partition.glob("*.parquet"))
    assert sorted(os.listdir(location)) == ["year=2024"]
    registry = json.loads((Path(runtime.warehouse.replace("file://", "")) / "_parquet_catalog" / db / "policies.json").read_text())
    expected = f"{location.as_uri()}/year=2024/month=01/day=05"
    assert registry["partitions"] == [{"values": ["2024", "01", "05"], "location": expected}]


@pytest.mark.parametrize("fmt", FORMATS)
def test_replace_table_drops_partitions_missing_from_the_new_data(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "consume" / "Db" / "summary").as_uri()
    writer.write(frame(spark, [(1, "a")], "05").unionByName(frame(spark, [(2, "b")], "06")), WriteRequest(db, "summary", location, allow_schema_change="permissive", replace="table"))
    writer.write(frame(spark, [(3, "c")], "07"), WriteRequest(db, "summary", location, allow_schema_change="permissive", replace="table"))
    assert read(runtime, writer, db, "summary") == [(3, "c", "2024", "01", "07")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_replace_table_is_atomic_when_the_write_fails(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "t").as_uri()
    writer.write(frame(spark, [(1, "a")], "05").unionByName(frame(spark, [(2, "b")], "06")), WriteRequest(db, "summary", location, allow_schema_change="permissive", replace="table"))

    @F.udf("string")
    def fail(value):
        raise ValueError("injected fault")

    with pytest.raises(Exception, match="injected fault"):
        writer.write(frame(spark, [(3, "c")], "07").withColumn("name", fail("name")), WriteRequest(db, "summary", location, allow_schema_change="permissive", replace="table"))
    assert read(runtime, writer, db, "summary") == [(1, "a", "2024", "01", "05"), (2, "b", "2024", "01", "06")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_permissive_replace_table_takes_the_new_schema(spark, runtime, db, tmp_path, fmt):
    writer = runtime.table_writer(fmt)
    location = (tmp_path / "t").as_uri()
    writer.write(frame(spark, [(1, "a")]), WriteRequest(db, "summary", location, allow_schema_change="permissive", replace="table"))
    writer.write(frame(spark, [("x", 2.5)], schema="code string, amount double"), WriteRequest(db, "summary", location, allow_schema_change="permissive", replace="table"))
    assert spark.table(writer.table_name(db, "summary")).columns == ["code", "amount", "year", "month", "day"]


def test_parquet_tables_are_registered_again_from_the_warehouse(spark, runtime, db, tmp_path):
    writer = runtime.table_writer("PARQUET")
    writer.write(frame(spark, [(1, "a")]), WriteRequest(db, "policies", (tmp_path / "t").as_uri(), allow_schema_change="strict"))
    spark.sql(f"DROP TABLE {db}.policies")
    reopened = open_warehouse(runtime.warehouse, spark, runtime.iceberg_catalog)
    assert read(reopened, writer, db) == [(1, "a", "2024", "01", "05")]


def test_unknown_table_format_is_refused(runtime):
    with pytest.raises(ConfigError, match="--table_format 'delta'"):
        runtime.table_writer("delta")


# ---------------------------------------------------------------------------- Glue Data Catalog


def _glue_table(db: str, partitions: dict) -> TableDef:
    return TableDef(
        database=db,
        name="Policies",
        location=f"s3://cleanse/{db}/Policies",
        columns=cols("id:int", "name:string"),
        partition_keys=cols("year:string", "month:string", "day:string"),
        description="policies",
        partitions=partitions,
    )


def test_glue_catalog_creates_the_reference_table_definition(moto_endpoint):
    import boto3

    from insurancelake_etl.runtime.glue_catalog import GlueParquetCatalog

    glue = boto3.client("glue")
    catalog = GlueParquetCatalog(glue)
    db = "Db" + uuid.uuid4().hex[:8]
    catalog.ensure_database(db, "s3://cleanse/" + db, "sales")
    catalog.commit(_glue_table(db, {("2024", "01", "05"): f"s3://cleanse/{db}/Policies/year=2024/month=01/day=05"}))
    table = glue.get_table(DatabaseName=db.lower(), Name="policies")["Table"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["Parameters"]["classification"] == "Parquet"
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"].endswith("ParquetHiveSerDe")
    assert [k["Name"] for k in table["PartitionKeys"]] == ["year", "month", "day"]
    assert glue.get_database(Name=db.lower())["Database"]["Description"] == "sales"


def test_glue_catalog_repoints_a_partition_and_drops_stale_ones(moto_endpoint):
    import boto3

    from insurancelake_etl.runtime.glue_catalog import GlueParquetCatalog

    catalog = GlueParquetCatalog(boto3.client("glue"))
    db = "Db" + uuid.uuid4().hex[:8]
    catalog.ensure_database(db, "s3://cleanse/" + db)
    assert catalog.get_table(db, "Policies") is None
    catalog.commit(_glue_table(db, {("2024", "01", "05"): "s3://x/a", ("2024", "01", "06"): "s3://x/b"}))
    catalog.commit(_glue_table(db, {("2024", "01", "05"): "s3://x/staging/c"}))
    table = catalog.get_table(db, "policies")
    assert table.partitions == {("2024", "01", "05"): "s3://x/staging/c"}
    assert table.columns == cols("id:int", "name:string")


@pytest.mark.parametrize(("mode", "fails"), [("permissive", False), ("strict", True)])
def test_glue_table_created_without_a_location_is_updated_or_refused_by_the_schema_policy(spark, tmp_path, moto_endpoint, mode, fails):
    import boto3

    from insurancelake_etl.runtime.glue_catalog import GlueParquetCatalog
    from insurancelake_etl.tables.parquet import ParquetWriter

    glue = boto3.client("glue")
    db = "db" + uuid.uuid4().hex[:8]
    glue.create_database(DatabaseInput={"Name": db})
    # As a console user or a crawler may leave it: partitioned, but no StorageDescriptor, so no
    # Location and no columns.
    keys = [{"Name": k, "Type": "string"} for k in ("year", "month", "day")]
    glue.create_table(DatabaseName=db, TableInput={"Name": "policies", "TableType": "EXTERNAL_TABLE", "PartitionKeys": keys})
    catalog = GlueParquetCatalog(glue)
    assert (catalog.get_table(db, "policies").columns, catalog.get_table(db, "policies").location) == ([], "")

    df = spark.createDataFrame([(1, "a", "2024", "01", "05")], "id int, name string, year string, month string, day string")
    request = WriteRequest(db, "policies", (tmp_path / "policies").as_uri(), allow_schema_change=mode)
    writer = ParquetWriter(spark, catalog)
    if fails:
        with pytest.raises(SchemaChangeError):
            writer.write(df, request)
        assert "StorageDescriptor" not in glue.get_table(DatabaseName=db, Name="policies")["Table"]
    else:
        writer.write(df, request)
        storage = glue.get_table(DatabaseName=db, Name="policies")["Table"]["StorageDescriptor"]
        assert [c["Name"] for c in storage["Columns"]] == ["id", "name"]
        assert storage["Location"] == (tmp_path / "policies").as_uri()
