"""The spec JSON Schema: generated from the transform registry, shipped up to date, and the
validation errors name the file, the JSON path and the expected shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from insurancelake_etl import spec_schema
from insurancelake_etl.errors import ConfigError
from insurancelake_etl.transforms import registry

SPEC_FILE = "etl/transformation-spec/Sales-Policies.json"


def test_shipped_schema_file_is_up_to_date_with_the_registry():
    shipped = spec_schema.SCHEMA_FILE.read_text(encoding="utf-8")
    assert shipped == spec_schema.render_schema(), "run: python -m insurancelake_etl.spec_schema --write"


def test_schema_is_a_valid_draft_2020_12_schema():
    schema = spec_schema.build_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_registered_name_and_alias_has_a_pattern_property():
    patterns = spec_schema.build_schema()["properties"]["transform_spec"]["patternProperties"]
    for key in registry.registered():
        assert f"^{key}(:.*)?$" in patterns or any(p.startswith(f"^{key}") for p in patterns), key


def test_a_valid_spec_passes():
    spec = {
        "$schema": "../transformation-spec.schema.json",
        "input_spec": {
            "table_description": "Policies",
            "allow_schema_change": "evolve",
            "strict_schema_mapping": True,
            "csv": {"header": "false", "delimiter": "    ", "quote_character": "'", "escape_character": "\\"},
            "json": {"multiline": True},
            "xml": {"row_tag": "policy"},
            "excel": {"sheet_names": ["Policies", "0", 1], "data_address": "B3:F20", "header": True, "password": "x"},
            "description": "ignored",
        },
        "transform_spec": {"literal": {"source": "file"}, "literal:2": {"region": "EU"}},
    }
    spec_schema.validate_spec(spec, SPEC_FILE)


BAD_SPECS: list[tuple[str, Any, str]] = [
    ("spec is a list", [], "$"),
    ("input_spec is a string", {"input_spec": "csv"}, "$.input_spec"),
    ("unknown schema-change policy", {"input_spec": {"allow_schema_change": "loose"}}, "$.input_spec.allow_schema_change"),
    ("strict flag as text", {"input_spec": {"strict_schema_mapping": "yes"}}, "$.input_spec.strict_schema_mapping"),
    ("csv header as number", {"input_spec": {"csv": {"header": 3}}}, "$.input_spec.csv.header"),
    ("empty tsv delimiter", {"input_spec": {"tsv": {"delimiter": ""}}}, "$.input_spec.tsv.delimiter"),
    ("two-character quote", {"input_spec": {"pipe": {"quote_character": "ab"}}}, "$.input_spec.pipe.quote_character"),
    ("numeric escape", {"input_spec": {"csv": {"escape_character": 5}}}, "$.input_spec.csv.escape_character"),
    ("json multiline maybe", {"input_spec": {"json": {"multiline": "maybe"}}}, "$.input_spec.json.multiline"),
    ("empty xml row tag", {"input_spec": {"xml": {"row_tag": ""}}}, "$.input_spec.xml.row_tag"),
    ("excel without sheet names", {"input_spec": {"excel": {"data_address": "A1"}}}, "$.input_spec.excel"),
    ("excel empty sheet list", {"input_spec": {"excel": {"sheet_names": [], "data_address": "A1"}}}, "$.input_spec.excel.sheet_names"),
    ("excel boolean sheet", {"input_spec": {"excel": {"sheet_names": [True], "data_address": "A1"}}}, "$.input_spec.excel.sheet_names[0]"),
    ("excel bad address", {"input_spec": {"excel": {"sheet_names": ["0"], "data_address": "top"}}}, "$.input_spec.excel.data_address"),
    ("excel numeric password", {"input_spec": {"excel": {"sheet_names": ["0"], "data_address": "A1", "password": 123}}}, "$.input_spec.excel.password"),
    ("fixed as a list", {"input_spec": {"fixed": []}}, "$.input_spec.fixed"),
    ("table description number", {"input_spec": {"table_description": 5}}, "$.input_spec.table_description"),
    ("transform_spec is a list", {"transform_spec": []}, "$.transform_spec"),
    ("literal is a list", {"transform_spec": {"literal": []}}, "$.transform_spec.literal"),
    ("suffixed literal value is an object", {"transform_spec": {"literal:2": {"a": {}}}}, "$.transform_spec.literal:2.a"),
    ("empty literal", {"transform_spec": {"literal": {}}}, "$.transform_spec.literal"),
]


@pytest.mark.parametrize(("spec", "path"), [(s, p) for _, s, p in BAD_SPECS], ids=[n for n, _, _ in BAD_SPECS])
def test_bad_spec_error_names_file_and_json_path(spec: Any, path: str):
    with pytest.raises(ConfigError) as error:
        spec_schema.validate_spec(spec, SPEC_FILE)
    assert error.value.file == SPEC_FILE
    assert error.value.location == path
    assert str(error.value).startswith(f"{SPEC_FILE}: {path}: ")


def test_unknown_transform_is_rejected_with_the_closest_name():
    with pytest.raises(ConfigError) as error:
        spec_schema.validate_spec({"transform_spec": {"literl:2": {"a": 1}}}, SPEC_FILE)
    assert error.value.location == "$.transform_spec.literl:2"
    assert "unknown transform 'literl'; did you mean 'literal'?" in str(error.value)


def test_enum_error_lists_the_allowed_values():
    with pytest.raises(ConfigError) as error:
        spec_schema.validate_spec({"input_spec": {"allow_schema_change": "loose"}}, SPEC_FILE)
    assert 'expected one of "strict", "reorder", "evolve", "permissive"' in str(error.value)


def test_missing_required_key_is_named():
    with pytest.raises(ConfigError) as error:
        spec_schema.validate_spec({"input_spec": {"excel": {"sheet_names": ["0"]}}}, SPEC_FILE)
    assert "missing required key 'data_address'" in str(error.value)


def test_type_error_says_what_was_found_and_expected():
    with pytest.raises(ConfigError) as error:
        spec_schema.validate_spec({"input_spec": {"table_description": 5}}, SPEC_FILE)
    assert str(error.value) == f"{SPEC_FILE}: $.input_spec.table_description: 5 is a number; expected string (Glue table description of the Cleanse table.)"


def test_unknown_top_level_key_is_only_a_warning(caplog):
    spec_schema.validate_spec({"description": "x", "transform_spec": {}}, SPEC_FILE)
    assert "$.description: unknown key, ignored" in caplog.text


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"input_spec": {"strict_schema_maping": True}},
         "$.input_spec.strict_schema_maping: unknown key 'strict_schema_maping'; did you mean 'strict_schema_mapping'?"),
        ({"transfrom_spec": {}}, "$.transfrom_spec: unknown key 'transfrom_spec'; did you mean 'transform_spec'?"),
        ({"input_spec": {"csv": {"delimeter": ";"}}}, "$.input_spec.csv: unexpected key(s) delimeter (did you mean 'delimiter'?)"),
        ({"transform_spec": {"currency": [{"field": "a", "fromat": "x"}]}},
         "$.transform_spec.currency[0]: unexpected key(s) fromat (did you mean 'format'?)"),
        ({"input_spec": {"bad_records": "skip"}}, "$.input_spec.bad_records: \"skip\" is not allowed; expected one of \"fail\", \"quarantine\""),
    ],
)  # fmt: skip
def test_misspelt_keys_are_errors_with_the_key_they_were_meant_to_be(spec, message):
    with pytest.raises(ConfigError) as raised:
        spec_schema.validate_spec(spec, SPEC_FILE)
    assert message in str(raised.value)


@pytest.fixture
def fake_registry(monkeypatch):
    """The registry plus one transform whose fragment uses local $defs; the validator cache is reset."""

    def fake(df, spec, ctx):
        """Fake transform for the schema assembly test."""
        return df

    fragment = {
        "type": "array",
        "items": {"$ref": "#/$defs/entry"},
        "$defs": {"entry": {"type": "object", "required": ["field"], "properties": {"field": {"type": "string"}}}},
    }
    definitions = dict(registry.registered())
    definitions["fakeshape"] = registry.TransformDef("fakeshape", fake, fragment)
    monkeypatch.setattr(registry, "registered", lambda: definitions)
    spec_schema._validator.cache_clear()
    yield
    spec_schema._validator.cache_clear()


def test_generator_picks_up_any_registered_transform_and_rewrites_local_refs(fake_registry):
    schema = spec_schema.build_schema()
    assert schema["$defs"]["transform.fakeshape"]["items"] == {"$ref": "#/$defs/transform.fakeshape/$defs/entry"}
    assert schema["$defs"]["transform.fakeshape"]["description"] == "Fake transform for the schema assembly test."
    spec_schema.validate_spec({"transform_spec": {"fakeshape:1": [{"field": "a"}]}}, SPEC_FILE)
    with pytest.raises(ConfigError) as error:
        spec_schema.validate_spec({"transform_spec": {"fakeshape:1": [{"field": "a"}, {}]}}, SPEC_FILE)
    assert error.value.location == "$.transform_spec.fakeshape:1[1]"
    assert "missing required key 'field'" in str(error.value)


def test_input_spec_sections_come_from_the_reader_registry(monkeypatch):
    from insurancelake_etl.readers import registry as readers

    sections = {key for reader in readers.registered() for key in reader.sections}
    assert sections == {"csv", "tsv", "pipe", "json", "xml", "fixed", "parquet", "excel"}
    fake = readers.ReaderDef("avro", lambda request: None, lambda ext, spec: ext == ".avro", 60, {"avro": {"type": "object"}})
    monkeypatch.setitem(readers._REGISTRY, "avro", fake)
    spec_schema._validator.cache_clear()
    try:
        assert spec_schema.build_schema()["$defs"]["input_spec"]["properties"]["avro"] == {"type": "object"}
        spec_schema.validate_spec({"input_spec": {"avro": {}}}, SPEC_FILE)
        with pytest.raises(ConfigError, match=r"\$\.input_spec\.avro: 5 is a number; expected object"):
            spec_schema.validate_spec({"input_spec": {"avro": 5}}, SPEC_FILE)
    finally:
        spec_schema._validator.cache_clear()


def test_check_command_reports_an_outdated_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(spec_schema, "SCHEMA_FILE", stale)
    assert spec_schema.main(["--check"]) == 1
    assert spec_schema.main(["--write"]) == 0
    assert spec_schema.main(["--check"]) == 0
    assert json.loads(stale.read_text(encoding="utf-8"))["title"] == "InsuranceLake transformation spec"
