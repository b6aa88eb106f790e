"""insurancelake validate: every broken configuration is reported as file, path and message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from insurancelake_local.validate import jvm_sql_parser, validate_config

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "config"
SPEC = "etl/transformation-spec/SyntheticGeneralData-ClaimData.json"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A copy of the example configuration to break."""
    root = tmp_path / "config"
    shutil.copytree(EXAMPLES, root)
    return root


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def lines(root: Path) -> list[str]:
    return [p.line() for p in validate_config(root)]


def test_the_example_configuration_is_valid():
    assert validate_config(EXAMPLES) == []


def test_the_example_configuration_is_valid_with_the_jvm_sql_parser(spark):
    assert validate_config(EXAMPLES, [], jvm_sql_parser(spark)) == []


def test_spark_sql_syntax_is_parsed_naming_the_line_after_a_create_table_prefix(spark, config):
    write(config, "etl/transformation-sql/spark-SyntheticGeneralData-ClaimData.sql",
          "CREATE TABLE claims AS\nSELECT claim_id FROM syntheticgeneraldata.claimdata WHERE year = {p_year}\nGROUP claim_id\n")
    found = [p.line() for p in validate_config(config, [], jvm_sql_parser(spark))]
    assert found == [
        "etl/transformation-sql/spark-SyntheticGeneralData-ClaimData.sql: line 3, column 7: "
        "Spark SQL: [PARSE_SYNTAX_ERROR] Syntax error at or near 'claim_id'"
    ]


def test_duplicate_mapping_targets_literal_nulls_and_unknown_dq_columns_are_reported(config):
    write(config, "etl/transformation-spec/Test-Policies.csv", "SourceName,DestName\na,policy_id\nb,policy_id\n")
    write(config, "etl/transformation-spec/Test-Other.csv", "SourceName,DestName\na,policy_id\nb,premium\n")
    write(config, "etl/transformation-spec/Test-Other.json", '{"transform_spec": {"literal": {"note": null}, "currency": [{"field": "premium_usd", "source": "premium"}]}}')
    write(config, "etl/dq-rules/dq-Test-Other.json",
          '{"before_transform": {"warn_rules": ["IsComplete \\"premium_usd\\""]}, "after_transform": {"warn_rules": ["IsComplete \\"premium_usd\\"", "ColumnValues \\"polcy_id\\" > 0"]}}')
    found = lines(config)
    assert "etl/transformation-spec/Test-Policies.csv: line 3: DestName 'policy_id' is the target of rows 2 and 3; expected each DestName once" in found
    assert any(f.startswith("etl/transformation-spec/Test-Other.json: $.transform_spec.literal.note: column 'note' has no type") for f in found)
    dq = [f for f in found if f.startswith("etl/dq-rules/dq-Test-Other.json")]
    assert [f.split(": column ")[1].split(" is")[0] for f in dq] == ["'premium_usd'", "'polcy_id'"]
    assert dq[0].startswith("etl/dq-rules/dq-Test-Other.json: $.before_transform.warn_rules[0]: column 'premium_usd' is not produced")


def test_lookups_manifest_and_its_files_are_checked(config):
    write(config, "lookups/lookups.json", '{"value_lookups": [{"file": "gone.json", "source_system": "X"}, {"file": "bad.json", "source_system": "X"}],'
          ' "multi_lookups": [{"file": "m.csv", "lookup_group": "g", "lookup_columns": ["a", "zz"]}]}')
    write(config, "lookups/bad.json", '{"col": ["not", "a map"]}')
    write(config, "lookups/m.csv", "a,b\n1,2\n")
    found = [f for f in lines(config) if f.startswith("lookups/")]
    assert found == [
        "lookups/gone.json: the file is not there; lookups/lookups.json $.value_lookups[0] lists it",
        "lookups/bad.json: $: lookup 'col': expected an object {original: replacement}",
        "lookups/m.csv: line 1: lookup column(s) zz not in the CSV header ['a', 'b']",
    ]
    write(config, "lookups/lookups.json", '{"value_lookups": [\n  {"file": "x.json",}\n]}')
    assert [f for f in lines(config) if f.startswith("lookups/")] == [
        "lookups/lookups.json: line 2, column 21: malformed JSON: Expecting property name enclosed in double quotes"
    ]


def test_a_folder_without_etl_says_what_layout_is_expected(tmp_path: Path):
    assert "expected etl/transformation-spec" in lines(tmp_path)[0]


def test_malformed_spec_json_names_line_and_column(config: Path):
    write(config, SPEC, '{\n  "input_spec": {,\n}')
    [line] = lines(config)
    assert line.startswith(SPEC) and "line 2" in line and "column" in line


def test_unknown_transform_suggests_the_closest_name(config: Path):
    write(config, SPEC, '{"transform_spec": {"titelcase": ["a"]}}')
    [line] = lines(config)
    assert "$.transform_spec.titelcase" in line and "did you mean 'titlecase'" in line


def test_wrong_shape_of_a_transform_entry_names_the_json_path(config: Path):
    write(config, SPEC, '{"transform_spec": {"date": [{"field": 5, "format": "MM/dd/yyyy"}]}}')
    [line] = lines(config)
    assert "$.transform_spec.date[0].field" in line


def test_malformed_mapping_csv_names_the_line(config: Path):
    write(config, "etl/transformation-spec/X-Y.csv", 'SourceName,DestName\n"unterminated,x\n')
    [line] = lines(config)
    assert line.startswith("etl/transformation-spec/X-Y.csv") and "line 2" in line


def test_mapping_rows_are_checked_against_the_mapping_schema(config: Path):
    write(config, "etl/transformation-spec/X-Y.csv", "SourceName,DestName,Threshold,Scorer\nA,a,,bogus\n")
    [line] = lines(config)
    assert line.startswith('etl/transformation-spec/X-Y.csv: line 2, column 4: "bogus" is not allowed; expected one of')


def test_dependent_file_needs_database_table_keys_and_known_lookback_units(config: Path):
    write(config, "etl/transformation-spec/A-B-dependent.json", '{"depends_on": {"justonefolder": 1}, "lookback": {"fortnights": 1}}')
    found = lines(config)
    assert any("$.depends_on.justonefolder" in line for line in found)
    assert any("$.lookback: unexpected key(s) fortnights; allowed keys: years" in line for line in found)


def test_sql_file_name_must_be_one_the_jobs_read(config: Path):
    write(config, "etl/transformation-sql/policies.sql", "SELECT 1")
    [line] = lines(config)
    assert "expected spark-, athena- or redshift-<DB>-<TBL>.sql" in line


def test_empty_sql_file_is_reported(config: Path):
    write(config, "etl/transformation-sql/athena-A-B.sql", "  \n")
    [line] = lines(config)
    assert "the SQL file is empty" in line


def test_unknown_sql_substitution_variable_lists_the_available_ones(config: Path):
    write(config, "etl/transformation-sql/spark-A-B.sql", "SELECT * FROM t WHERE year = '{p_yaer}'")
    [line] = lines(config)
    assert "{p_yaer}" in line and "p_year" in line


def test_unbalanced_braces_in_sql_explain_how_to_write_literal_braces(config: Path):
    write(config, "etl/transformation-sql/spark-A-B.sql", "SELECT map('a', 1)['a'] FROM t WHERE x = '{'")
    [line] = lines(config)
    assert "write literal braces as {{ and }}" in line


def test_dq_rules_with_an_unclosed_string_name_stage_rule_and_column(config: Path):
    write(config, "etl/dq-rules/dq-A-B.json", '{"after_transform": {"warn_rules": ["IsComplete \\"policy"]}}')
    [line] = lines(config)
    assert line.startswith("etl/dq-rules/dq-A-B.json: $.after_transform.warn_rules[0]: DQDL error at column 12")


def test_dq_rules_are_checked_against_the_dq_rules_schema(config: Path):
    write(config, "etl/dq-rules/dq-A-B.json", '{"before_transfrom": {"warn_rules": ["RowCount > 0"]}, "after_transform": {"warn_rules": "x"}}')
    found = lines(config)
    assert "etl/dq-rules/dq-A-B.json: $: unexpected key(s) before_transfrom" in found[0]
    assert found[1].startswith("etl/dq-rules/dq-A-B.json: $.after_transform.warn_rules: \"x\" is a string; expected array")


def test_entity_match_specs_are_validated(config: Path):
    write(config, "etl/transformation-spec/X-entitymatch.json", '{"primary_entity_table": "p"}')
    [line] = lines(config)
    assert line.startswith("etl/transformation-spec/X-entitymatch.json: $: missing required key")


def test_dq_rules_file_name_must_match_a_table(config: Path):
    write(config, "etl/dq-rules/rules.json", "{}")
    assert "expected dq-<DB>-<TBL>.json" in lines(config)[0]


def test_files_outside_the_read_folders_are_reported(config: Path):
    write(config, "etl/transformation-specs/A-B.json", "{}")
    assert "not read by any job" in lines(config)[0]


def test_every_problem_is_reported_not_only_the_first(config: Path):
    write(config, "etl/transformation-sql/athena-A-B.sql", "")
    write(config, "etl/dq-rules/rules.json", "{}")
    write(config, SPEC, '{"transform_spec": {"titelcase": ["a"]}}')
    assert len(lines(config)) == 3
