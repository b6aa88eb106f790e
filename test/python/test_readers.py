"""Input readers (reference §13): dispatch, every format with its options, malformed variants."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pyspark.sql.types import (
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructType,
    TimestampType,
)

from insurancelake_etl import readers
from insurancelake_etl.errors import ConfigError, DataError
from insurancelake_etl.readers.delimited import delimited_options
from insurancelake_etl.readers.excel_workbook import parse_data_address


def read(spark, path: Path, input_spec: dict | None = None, mapping_rows: list | None = None):
    request = readers.ReadRequest(spark, path.as_uri(), input_spec or {}, mapping_rows or [], f"TestDb/TestTable/{path.name}")
    return readers.read_input(request).df


def text_file(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------ dispatch


@pytest.mark.parametrize(
    ("name", "spec", "kind"),
    [
        ("policies.xlsx", {"fixed": {}}, "fixed"),
        ("policies.XLSX", {}, "excel"),
        ("policies.xlsm", {}, "excel"),
        ("policies.xls", {}, "excel"),
        ("policies.xlm", {}, "delimited"),
        ("policies.json", {}, "json"),
        ("policies.jsonl", {}, "json"),
        ("policies.JSON", {}, "delimited"),
        ("policies.xml", {}, "xml"),
        ("policies.XML", {}, "delimited"),
        ("policies.parquet", {}, "parquet"),
        ("policies.dat", {"parquet": {}}, "parquet"),
        ("policies.txt", {}, "delimited"),
        ("policies", {}, "delimited"),
        ("policies.csv.gz", {}, "delimited"),
    ],
)
def test_dispatch_first_match_wins(name, spec, kind):
    assert readers.pick(f"s3://collect/Db/Tbl/{name}", spec).name == kind


# ------------------------------------------------------------------------------------ delimited


def test_csv_infers_spark_types_from_a_header_file(spark, tmp_path):
    path = text_file(
        tmp_path,
        "p.csv",
        "id,amount,effective,updated,active,state\n1,10.5,2024-01-31,2024-01-31 10:11:12,true,CA\n2,20,2024-02-29,2024-02-01 00:00:00,false,NY\n",
    )
    df = read(spark, path)
    assert [f.dataType for f in df.schema.fields] == [
        IntegerType(), DoubleType(), DateType(), TimestampType(), BooleanType(), StringType(),
    ]
    first = df.orderBy("id").collect()[0]
    assert (first.id, first.amount, first.effective, first.state) == (1, 10.5, dt.date(2024, 1, 31), "CA")


def test_csv_without_header_names_columns_by_position(spark, tmp_path):
    path = text_file(tmp_path, "p.csv", "P1,10\nP2,20\n")
    df = read(spark, path, {"csv": {"header": False}})
    assert df.columns == ["_c0", "_c1"]
    assert df.count() == 2


def test_header_given_as_string_false_is_honoured(spark, tmp_path):
    path = text_file(tmp_path, "p.csv", "P1,10\n")
    assert read(spark, path, {"csv": {"header": "false"}}).columns == ["_c0", "_c1"]


def test_tsv_section_defaults_to_tab(spark, tmp_path):
    path = text_file(tmp_path, "p.tsv", "a\tb\n1\tx,y\n")
    df = read(spark, path, {"tsv": {}})
    assert df.collect()[0].b == "x,y"


def test_pipe_section_defaults_to_pipe(spark, tmp_path):
    path = text_file(tmp_path, "p.txt", "a|b\n1|x,y\n")
    assert read(spark, path, {"pipe": {}}).collect()[0].b == "x,y"


def test_pipe_beats_tsv_beats_csv_and_options_come_from_the_winner(spark, tmp_path):
    path = text_file(tmp_path, "p.txt", "1|2\n")
    df = read(spark, path, {"csv": {"header": True}, "tsv": {"header": True}, "pipe": {"header": False}})
    assert df.columns == ["_c0", "_c1"]
    assert delimited_options({"csv": {}, "tsv": {}})["delimiter"] == "\t"


def test_multi_character_delimiter(spark, tmp_path):
    path = text_file(tmp_path, "p.txt", "policy    premium\nP 1    10\n")
    df = read(spark, path, {"csv": {"delimiter": "    "}})
    assert df.columns == ["policy", "premium"]
    assert tuple(df.collect()[0]) == ("P 1", 10)


def test_custom_quote_and_escape_characters(spark, tmp_path):
    path = text_file(tmp_path, "p.csv", "a,b\n'x, y','it\\'s'\n")
    df = read(spark, path, {"csv": {"quote_character": "'", "escape_character": "\\"}})
    assert tuple(df.collect()[0]) == ("x, y", "it's")


def test_default_escape_is_a_doubled_quote(spark, tmp_path):
    path = text_file(tmp_path, "p.csv", 'a,b\n"say ""hi""",2\n')
    assert read(spark, path).collect()[0].a == 'say "hi"'


def test_quoted_line_breaks_are_read_as_one_value(spark, tmp_path):
    path = text_file(tmp_path, "p.csv", 'a,b\n"line one\nline two",2\n3,4\n')
    df = read(spark, path)
    assert df.count() == 2
    assert df.collect()[0].a == "line one\nline two"


def test_repeated_header_names_get_their_position_appended(spark, tmp_path):
    path = text_file(tmp_path, "p.csv", "Claim AMT,x,Claim AMT\n1,2,3\n")
    assert read(spark, path).columns == ["Claim AMT0", "x", "Claim AMT2"]


def test_short_row_fails_the_file_naming_its_line_instead_of_padding_nulls(spark, tmp_path):
    path = text_file(tmp_path, "p.csv", "a,b,c\n1,2,3\n4\n")
    with pytest.raises(DataError, match=r"^TestDb/TestTable/p.csv: line 3: has 1 fields; expected 3 like the header"):
        read(spark, path)


def test_non_numeric_value_makes_the_column_a_string(spark, tmp_path):
    path = text_file(tmp_path, "p.csv", "a\n1\nn/a\n")
    assert read(spark, path).schema["a"].dataType == StringType()


def test_gzip_csv_is_decompressed_transparently(spark, tmp_path):
    path = tmp_path / "p.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    assert tuple(read(spark, path).collect()[0]) == (1, 2)


def test_file_without_extension_is_read_as_csv(spark, tmp_path):
    path = text_file(tmp_path, "policies", "a,b\n1,2\n")
    assert read(spark, path).columns == ["a", "b"]


def test_empty_file_reads_no_rows(spark, tmp_path):
    # The job aborts on no rows (test_collect_job); the reader must not invent any.
    assert read(spark, text_file(tmp_path, "p.csv", "")).count() == 0


def test_header_only_file_reads_no_rows(spark, tmp_path):
    assert read(spark, text_file(tmp_path, "p.csv", "a,b\n")).count() == 0


# ------------------------------------------------------------------------------------ JSON


def test_json_lines_is_the_default_with_decimals_and_alphabetical_structs(spark, tmp_path):
    path = text_file(tmp_path, "p.json", '{"id": 1, "premium": 10.25, "insured": {"zip": "1", "city": "X"}}\n{"id": 2, "premium": 3.5}\n')
    df = read(spark, path)
    assert df.schema["premium"].dataType == DecimalType(4, 2)
    assert [f.name for f in df.schema["insured"].dataType.fields] == ["city", "zip"]
    assert df.orderBy("id").collect()[0].premium == Decimal("10.25")


def test_jsonl_extension_is_json(spark, tmp_path):
    path = text_file(tmp_path, "p.jsonl", '{"a": 1}\n{"a": 2}\n')
    assert read(spark, path).count() == 2


def test_multiline_json_document(spark, tmp_path):
    path = text_file(tmp_path, "p.json", '[\n  {"a": 1},\n  {"a": 2}\n]\n')
    df = read(spark, path, {"json": {"multiline": True}})
    assert sorted(r.a for r in df.collect()) == [1, 2]


def test_json_comments_are_allowed(spark, tmp_path):
    path = text_file(tmp_path, "p.json", '{"a": 1 /* note */}\n')
    assert read(spark, path).collect()[0].a == 1


def test_malformed_json_line_fails_the_file_naming_its_line(spark, tmp_path):
    path = text_file(tmp_path, "p.json", '{"a": 1}\n{"a": \n')
    with pytest.raises(DataError, match=r"^TestDb/TestTable/p.json: line 2: not valid JSON"):
        read(spark, path)


def test_malformed_json_line_is_quarantined_without_a_corrupt_record_column(spark, tmp_path):
    path = text_file(tmp_path, "p.json", '{"a": 1}\n{"a": \n{"a": 3}\n')
    request = readers.ReadRequest(spark, path.as_uri(), {"bad_records": "quarantine"}, [], "p.json")
    result = readers.read_input(request)
    assert result.df.columns == ["a"]
    assert sorted(r.a for r in result.df.collect()) == [1, 3]
    assert [(b.line, b.text) for b in result.bad_records] == [(2, '{"a": ')]


# ------------------------------------------------------------------------------------ XML


def test_xml_reads_rows_by_row_tag_with_nested_elements(spark, tmp_path):
    path = text_file(
        tmp_path,
        "p.xml",
        "<policies><policy><id>1</id><insured><city>X</city></insured></policy>"
        "<policy><id>2</id><insured><city>Y</city></insured></policy></policies>",
    )
    df = read(spark, path, {"xml": {"row_tag": "policy"}})
    assert df.count() == 2
    assert isinstance(df.schema["insured"].dataType, StructType)
    assert sorted(r.insured.city for r in df.collect()) == ["X", "Y"]


def test_xml_default_row_tag_is_row(spark, tmp_path):
    path = text_file(tmp_path, "p.xml", "<rows><row><a>1</a></row><row><a>2</a></row></rows>")
    assert read(spark, path).count() == 2


def test_xml_without_the_row_tag_reads_no_rows(spark, tmp_path):
    path = text_file(tmp_path, "p.xml", "<rows><item><a>1</a></item></rows>")
    assert read(spark, path, {"xml": {"row_tag": "policy"}}).count() == 0


# ------------------------------------------------------------------------------------ fixed width


def test_fixed_width_cuts_trims_and_counts_null_widths(spark, tmp_path):
    path = text_file(tmp_path, "p.xlsx", "P001  XXCA 10.50\nP002  XXNY  7.00\n")
    rows = [
        {"sourcename": "ignored", "destname": "policy", "width": "6"},
        {"sourcename": "filler", "destname": "NULL", "width": "2"},
        {"sourcename": "x", "destname": "state", "width": "2"},
        {"sourcename": "y", "destname": "premium", "width": " 6 "},
    ]
    df = read(spark, path, {"fixed": {}}, rows)
    assert df.columns == ["policy", "state", "premium"]
    assert all(f.dataType == StringType() for f in df.schema.fields)
    assert [tuple(r) for r in df.collect()] == [("P001", "CA", "10.50"), ("P002", "NY", "7.00")]


def test_fixed_width_without_mapping_selects_no_columns(spark, tmp_path):
    path = text_file(tmp_path, "p.txt", "abc\n")
    assert read(spark, path, {"fixed": {}}).columns == []


def test_fixed_width_row_without_integer_width_fails(spark, tmp_path):
    path = text_file(tmp_path, "p.txt", "abc\n")
    with pytest.raises(ConfigError, match="fixed-width mapping row 2 has Width 'wide'; expected an integer"):
        read(spark, path, {"fixed": {}}, [{"destname": "a", "width": "1"}, {"destname": "b", "width": "wide"}])


# ------------------------------------------------------------------------------------ Parquet


def test_parquet_extension_reads_the_file(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"id": [1, 2], "name": ["a", "b"]}), path)
    df = read(spark, path)
    assert df.columns == ["id", "name"]
    assert df.count() == 2


def test_parquet_key_forces_parquet_whatever_the_extension(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "p.dat"
    pq.write_table(pa.table({"id": [7]}), path)
    assert read(spark, path, {"parquet": {}}).collect()[0].id == 7


# ------------------------------------------------------------------------------------ Excel


def workbook(path: Path, sheets: dict[str, list[list]], password: str | None = None) -> Path:
    """Write an .xlsx/.xlsm workbook with openpyxl (encrypted with msoffcrypto when a password is given)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if password:
        from msoffcrypto.format.ooxml import OOXMLFile

        out = io.BytesIO()
        OOXMLFile(io.BytesIO(data)).encrypt(password, out)
        data = out.getvalue()
    path.write_bytes(data)
    return path


POLICIES = [
    ["Policy", "Premium", "Effective", "Active", "Mixed"],
    ["P1", 10.5, dt.datetime(2024, 1, 31), True, 12345678901],
    ["P2", 7, dt.datetime(2024, 2, 1, 8, 30), False, "n/a"],
    ["P3", None, None, None, None],
]


def test_xlsx_defaults_read_first_sheet_with_header_and_spark_excel_types(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"Policies": POLICIES, "Other": [["x"], [1]]})
    df = read(spark, path)
    assert df.columns == ["Policy", "Premium", "Effective", "Active", "Mixed"]
    assert [f.dataType for f in df.schema.fields] == [StringType(), DoubleType(), TimestampType(), BooleanType(), StringType()]
    rows = df.collect()
    assert tuple(rows[0]) == ("P1", 10.5, dt.datetime(2024, 1, 31), True, "12345678901")
    assert tuple(rows[1]) == ("P2", 7.0, dt.datetime(2024, 2, 1, 8, 30), False, "n/a")
    assert tuple(rows[2]) == ("P3", None, None, None, None)


@pytest.mark.parametrize(
    ("values", "data_type", "expected"),
    [
        ([1, 2], IntegerType(), [1, 2]),
        ([1, 3_000_000_000], LongType(), [1, 3_000_000_000]),
        ([1, 2.5], DoubleType(), [1.0, 2.5]),
        (["5", "007"], IntegerType(), [5, 7]),
        (["5", 2.5], DoubleType(), [5.0, 2.5]),
        (["12345678901234567890"], DecimalType(20, 0), [Decimal("12345678901234567890")]),
        (["TRUE", "false"], BooleanType(), [True, False]),
        (["2024-01-31 10:11:12"], TimestampType(), [dt.datetime(2024, 1, 31, 10, 11, 12)]),
        ([dt.datetime(2024, 1, 31), 5], StringType(), ["2024-01-31 00:00:00", "5"]),
        ([True, 1], StringType(), ["TRUE", "1"]),
        ([None, None], StringType(), [None, None]),
        (["#N/A", 3], IntegerType(), [None, 3]),
    ],
)
def test_excel_column_types_follow_spark_excel_inference(spark, tmp_path, values, data_type, expected):
    path = workbook(tmp_path / "p.xlsx", {"S": [["key", "v"], *[[i, v] for i, v in enumerate(values)]]})
    df = read(spark, path)
    assert df.schema["v"].dataType == data_type
    assert [r.v for r in df.orderBy("key").collect()] == expected


def test_xlsm_is_read_as_excel(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsm", {"Sheet": [["a"], ["x"]]})
    assert read(spark, path).collect()[0].a == "x"


def test_excel_without_header_names_columns_by_position(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"S": [["a", 1], ["b", 2]]})
    df = read(spark, path, {"excel": {"sheet_names": ["0"], "data_address": "A1", "header": False}})
    assert df.columns == ["_c0", "_c1"]
    assert df.count() == 2


def test_excel_data_address_sets_the_top_left_cell(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"S": [["title"], [None, "id", "name"], [None, 1, "a"], [None, 2, "b"]]})
    df = read(spark, path, {"excel": {"sheet_names": ["S"], "data_address": "B2"}})
    assert df.columns == ["id", "name"]
    assert [tuple(r) for r in df.collect()] == [(1, "a"), (2, "b")]


def test_excel_data_address_range_limits_rows_and_columns(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"S": [["id", "name", "extra"], [1, "a", "x"], [2, "b", "y"], [3, "c", "z"]]})
    df = read(spark, path, {"excel": {"sheet_names": ["S"], "data_address": "A1:B3"}})
    assert df.columns == ["id", "name"]
    assert df.count() == 2


def test_excel_sheet_by_name_and_by_index(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"First": [["a"], ["1st"]], "Second": [["a"], ["2nd"]]})
    by_name = read(spark, path, {"excel": {"sheet_names": ["Second"], "data_address": "A1"}})
    by_index = read(spark, path, {"excel": {"sheet_names": ["1"], "data_address": "A1"}})
    assert by_name.collect()[0].a == by_index.collect()[0].a == "2nd"


def test_excel_first_found_sheet_of_the_list_is_used(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"First": [["a"], ["1st"]], "Second": [["a"], ["2nd"]]})
    df = read(spark, path, {"excel": {"sheet_names": ["Missing", "Second", "First"], "data_address": "A1"}})
    assert df.collect()[0].a == "2nd"


def test_excel_none_of_the_sheets_found_raises_the_reference_message(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"First": [["a"], [1]]})
    with pytest.raises(DataError, match=r"None of sheet names \['Nope', '5'\] found in Excel workbook"):
        read(spark, path, {"excel": {"sheet_names": ["Nope", "5"], "data_address": "A1"}})


def test_excel_blank_and_repeated_header_cells(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"S": [["amt", None, "amt"], [1, 2, 3]]})
    assert read(spark, path).columns == ["amt0", "_c1", "amt2"]


def test_excel_blank_rows_are_skipped(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"S": [["a"], ["x"], [None], ["y"]]})
    assert [r.a for r in read(spark, path).collect()] == ["x", "y"]


def test_excel_header_only_sheet_reads_no_rows(spark, tmp_path):
    assert read(spark, workbook(tmp_path / "p.xlsx", {"S": [["a", "b"]]})).count() == 0


def test_password_protected_workbook_is_read_with_the_password(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"S": [["a"], ["secret"]]}, password="pw")
    df = read(spark, path, {"excel": {"sheet_names": ["0"], "data_address": "A1", "password": "pw"}})
    assert df.collect()[0].a == "secret"


def test_password_protected_workbook_without_password_fails_clearly(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"S": [["a"], ["secret"]]}, password="pw")
    with pytest.raises(DataError, match="p.xlsx: Excel workbook is password protected"):
        read(spark, path)


def test_wrong_password_fails_clearly(spark, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"S": [["a"], ["secret"]]}, password="pw")
    with pytest.raises(DataError, match="cannot open password-protected Excel workbook"):
        read(spark, path, {"excel": {"sheet_names": ["0"], "data_address": "A1", "password": "wrong"}})


def test_xls_workbook_is_read_with_types(spark, tmp_path):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Legacy")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, value in enumerate(["id", "name", "effective"]):
        sheet.write(0, c, value)
    sheet.write(1, 0, 1)
    sheet.write(1, 1, "a")
    sheet.write(1, 2, dt.datetime(2024, 3, 1), date_style)
    path = tmp_path / "p.xls"
    book.save(str(path))
    df = read(spark, path, {"excel": {"sheet_names": ["Legacy"], "data_address": "A1"}})
    assert [f.dataType for f in df.schema.fields] == [IntegerType(), StringType(), TimestampType()]
    assert tuple(df.collect()[0]) == (1, "a", dt.datetime(2024, 3, 1))


def test_corrupt_excel_file_fails(spark, tmp_path):
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(DataError, match="p.xlsx: cannot read Excel workbook: "):
        read(spark, path)


@pytest.mark.parametrize(
    ("address", "expected"),
    [("A1", (1, 1, None, None)), ("$B$3", (3, 2, None, None)), ("B3:F20", (3, 2, 20, 6)), ("'Sheet 1'!AA10", (10, 27, None, None))],
)
def test_parse_data_address(address, expected):
    assert parse_data_address(address) == expected


def test_parse_data_address_rejects_garbage():
    with pytest.raises(ConfigError, match="data_address 'top' is not a cell or range"):
        parse_data_address("top")
