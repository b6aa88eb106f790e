"""Configuration loading: locations (§9), absent files, malformed files with line and column (D1)."""

from __future__ import annotations

import uuid
from pathlib import Path

import boto3
import pytest

from insurancelake_etl import config
from insurancelake_etl.config_location import ConfigLocation
from insurancelake_etl.errors import ConfigError

PREFIX = "/etl/transformation-spec/"


def location(bucket: str, spec_prefix: str = PREFIX) -> ConfigLocation:
    """The configuration location of a Collect run with ``--txn_spec_prefix_path spec_prefix``."""
    return ConfigLocation.from_arguments({"txn_bucket": bucket, "txn_spec_prefix_path": spec_prefix})


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    """A local ETL-scripts bucket with the reference folders."""
    for folder in ("etl/transformation-spec", "etl/dq-rules", "etl/transformation-sql"):
        (tmp_path / folder).mkdir(parents=True)
    return tmp_path


def write(root: Path, key: str, text: str | bytes) -> None:
    path = root / key
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def load(root: Path, db: str = "Sales", tbl: str = "Policies") -> config.JobConfig:
    return config.load_job_config(location(root.as_uri()), db, tbl)


def test_file_locations_follow_the_reference_names(scripts):
    cfg = load(scripts)
    base = scripts.as_uri()
    assert cfg.spec_file == f"{base}/etl/transformation-spec/Sales-Policies.json"
    assert cfg.mapping_file == f"{base}/etl/transformation-spec/Sales-Policies.csv"
    assert cfg.dq_file == f"{base}/etl/dq-rules/dq-Sales-Policies.json"


def test_dq_rules_folder_is_hard_coded_whatever_the_spec_prefix(scripts):
    cfg = config.load_job_config(location(scripts.as_uri(), "/custom/prefix/"), "Sales", "Policies")
    assert cfg.spec_file.endswith("/custom/prefix/Sales-Policies.json")
    assert cfg.dq_file.endswith("/etl/dq-rules/dq-Sales-Policies.json")


def test_absent_files_mean_no_spec_no_mapping_no_rules(scripts):
    cfg = load(scripts)
    assert (cfg.spec, cfg.mapping_rows, cfg.dq_rules) == ({}, [], {})


def test_file_names_are_case_sensitive(scripts):
    write(scripts, "etl/transformation-spec/sales-policies.json", '{"transform_spec": {}}')
    write(scripts, "etl/transformation-spec/Sales-Policies.json", '{"input_spec": {"csv": {}}}')
    assert load(scripts).spec == {"input_spec": {"csv": {}}}


def test_spec_is_parsed_and_duplicate_keys_keep_the_last_value(scripts):
    write(
        scripts,
        "etl/transformation-spec/Sales-Policies.json",
        '{"input_spec": {"csv": {"header": true}, "csv": {"delimiter": ";"}}, "transform_spec": {}}',
    )
    cfg = load(scripts)
    assert cfg.input_spec == {"csv": {"delimiter": ";"}}
    assert cfg.transform_spec == {}


def test_malformed_spec_names_file_line_and_column(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.json", '{\n  "input_spec": {\n    "csv": {,}\n  }\n}')
    with pytest.raises(ConfigError) as error:
        load(scripts)
    message = str(error.value)
    assert message.startswith(f"{scripts.as_uri()}/etl/transformation-spec/Sales-Policies.json: line 3, column 13:")
    assert "malformed JSON" in message


def test_empty_spec_file_is_malformed(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.json", "  \n")
    with pytest.raises(ConfigError, match=r"Sales-Policies.json: line 1, column 1: malformed JSON"):
        load(scripts)


def test_invalid_spec_fails_at_load_with_the_json_path(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.json", '{"input_spec": {"json": {"multiline": 3}}}')
    with pytest.raises(ConfigError, match=r"Sales-Policies.json: \$\.input_spec\.json\.multiline: "):
        load(scripts)


def test_mapping_headers_are_lowercased_and_bom_dropped(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", b"\xef\xbb\xbfSourceName,DESTNAME,Description\nA,a,x\n")
    assert load(scripts).mapping_rows == [{"sourcename": "A", "destname": "a", "description": "x"}]


def test_mapping_column_order_does_not_matter(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "DestName,SourceName\nnew,Old\n")
    assert load(scripts).mapping_rows == [{"destname": "new", "sourcename": "Old"}]


def test_mapping_quoted_line_break_is_kept(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", 'SourceName,DestName\n"Date\nClosed",date_closed\n')
    assert load(scripts).mapping_rows == [{"sourcename": "Date\nClosed", "destname": "date_closed"}]


def test_mapping_doubled_quote_is_one_quote(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", 'SourceName,DestName\n"Say ""hi""",hi\n')
    assert load(scripts).mapping_rows[0]["sourcename"] == 'Say "hi"'


def test_mapping_missing_trailing_cell_is_none(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "SourceName,DestName,Threshold,Scorer\nA,a\n")
    assert load(scripts).mapping_rows == [{"sourcename": "A", "destname": "a", "threshold": None, "scorer": None}]


def test_mapping_blank_lines_are_skipped(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "SourceName,DestName\n\nA,a\n\n")
    assert [r["destname"] for r in load(scripts).mapping_rows] == ["a"]


def test_mapping_text_after_closing_quote_names_line_and_column(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", 'SourceName,DestName\nA,a\n"B"x,b\n')
    with pytest.raises(ConfigError) as error:
        load(scripts)
    assert str(error.value) == (
        f"{scripts.as_uri()}/etl/transformation-spec/Sales-Policies.csv: line 3, column 4: "
        "malformed CSV: unexpected 'x' after a closing quote"
    )


def test_mapping_unclosed_quote_names_where_it_opened(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", 'SourceName,DestName\nA,"a\nB,b\n')
    with pytest.raises(ConfigError, match=r"Sales-Policies.csv: line 2, column 3: malformed CSV: quoted value is never closed"):
        load(scripts)


def test_mapping_without_destname_header_fails(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "Source,Target\nA,a\n")
    with pytest.raises(ConfigError, match=r"Sales-Policies.csv: line 1, column 1: .*no DestName column"):
        load(scripts)


def test_mapping_non_integer_threshold_names_line_and_column(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "SourceName,DestName,Threshold,Scorer\nA,a,high,ratio\n")
    with pytest.raises(ConfigError, match=r"Sales-Policies.csv: line 2, column 3: Threshold 'high' is not an integer"):
        load(scripts)


def test_mapping_unknown_scorer_lists_the_scorers(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "SourceName,DestName,Threshold,Scorer\nA,a,90,tokensort\n")
    with pytest.raises(ConfigError, match=r"line 2, column 4: Scorer 'tokensort' is not a rapidfuzz.fuzz scorer.*token_sort_ratio"):
        load(scripts)


def test_mapping_scorer_of_a_direct_row_is_ignored_by_the_job_as_by_the_reference(scripts):
    # insurancelake validate and the construct refuse it (the mapping schema); see test_validate.
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "SourceName,DestName,Threshold,Scorer\nA,a,,bogus\n")
    assert load(scripts).mapping_rows == [{"sourcename": "A", "destname": "a", "threshold": "", "scorer": "bogus"}]


def test_mapping_fuzzy_row_without_scorer_fails(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "SourceName,DestName,Threshold\nA,a,90\n")
    with pytest.raises(ConfigError, match=r"line 2, column 4: a fuzzy row \(Threshold set\) needs a Scorer"):
        load(scripts)


def test_empty_mapping_file_means_no_mapping(scripts):
    write(scripts, "etl/transformation-spec/Sales-Policies.csv", "")
    assert load(scripts).mapping_rows == []


def test_dq_rules_are_loaded(scripts):
    write(scripts, "etl/dq-rules/dq-Sales-Policies.json", '{"before_transform": {"warn": ["RowCount > 0"]}}')
    assert load(scripts).dq_rules == {"before_transform": {"warn": ["RowCount > 0"]}}


def test_malformed_dq_rules_name_file_line_and_column(scripts):
    write(scripts, "etl/dq-rules/dq-Sales-Policies.json", '{"before_transform": {"warn": ["x"]}\n"after": 1}')
    with pytest.raises(ConfigError, match=r"dq-Sales-Policies.json: line 2, column 1: malformed JSON"):
        load(scripts)


def test_dq_rules_that_are_not_an_object_fail(scripts):
    write(scripts, "etl/dq-rules/dq-Sales-Policies.json", '["RowCount > 0"]')
    with pytest.raises(ConfigError, match=r"dq-Sales-Policies.json: \$: DQ rules must be a JSON object"):
        load(scripts)


def test_entity_match_spec_absent_is_empty_and_malformed_fails(scripts):
    spec, uri = config.load_entity_match(location(scripts.as_uri()), "Customer")
    assert spec == {} and uri.endswith("/etl/transformation-spec/Customer-entitymatch.json")
    write(scripts, "etl/transformation-spec/Customer-entitymatch.json", '{"levels": [}')
    with pytest.raises(ConfigError, match=r"Customer-entitymatch.json: line 1, column 13: malformed JSON"):
        config.load_entity_match(location(scripts.as_uri()), "Customer")


def test_load_sql_returns_text_or_none_with_the_uri(scripts):
    write(scripts, "etl/transformation-sql/spark-Sales-Policies.sql", "SELECT * FROM sales.policies")
    sql = ConfigLocation.from_arguments({"txn_bucket": scripts.as_uri(), "txn_sql_prefix_path": "/etl/transformation-sql/"})
    text, uri = config.load_sql(sql, "spark", "Sales", "Policies")
    assert text == "SELECT * FROM sales.policies"
    assert uri == f"{scripts.as_uri()}/etl/transformation-sql/spark-Sales-Policies.sql"
    assert config.load_sql(sql, "athena", "Sales", "Policies")[0] is None


def test_config_is_read_from_s3(moto_endpoint):
    bucket = f"scripts-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="etl/transformation-spec/Sales-Policies.json", Body=b'{"input_spec": {"tsv": {}}}')
    s3.put_object(Bucket=bucket, Key="etl/transformation-spec/Sales-Policies.csv", Body=b"SourceName,DestName\nA,a\n")
    cfg = config.load_job_config(location(f"s3://{bucket}"), "Sales", "Policies")
    assert cfg.spec == {"input_spec": {"tsv": {}}}
    assert cfg.mapping_rows == [{"sourcename": "A", "destname": "a"}]
    assert cfg.spec_file == f"s3://{bucket}/etl/transformation-spec/Sales-Policies.json"


def test_loggable_spec_drops_the_excel_password_only_from_the_copy(scripts):
    write(
        scripts,
        "etl/transformation-spec/Sales-Policies.json",
        '{"input_spec": {"excel": {"sheet_names": ["0"], "data_address": "A1", "password": "pw"}}}',
    )
    cfg = load(scripts)
    assert cfg.loggable_spec() == {"input_spec": {"excel": {"sheet_names": ["0"], "data_address": "A1"}}}
    assert cfg.input_spec["excel"]["password"] == "pw"
