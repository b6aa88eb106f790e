"""The transformation-spec JSON Schema (draft 2020-12) and spec validation.

The schema is assembled from the ``input_spec`` definition below and the spec-value schema every
transform registers (``transforms/registry.py``), so a new transform cannot forget its validation.
The shipped file ``assets/glue/insurancelake_etl/schemas/transformation-spec.schema.json`` is generated from it::

    python -m insurancelake_etl.spec_schema --write

and a test asserts the shipped file is up to date. Editors can use it through ``"$schema"``.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ConfigError

logger = logging.getLogger(__name__)

SCHEMA_ID = "https://github.com/cdk-insurancelake/cdk-insurancelake/assets/glue/insurancelake_etl/schemas/transformation-spec.schema.json"
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "transformation-spec.schema.json"

_BOOLEAN_LIKE: dict[str, Any] = {
    "description": "A boolean (the strings \"true\"/\"false\" are accepted, as Spark reads them).",
    "anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false", "True", "False"]}],
}

_DELIMITED: dict[str, Any] = {
    "type": "object",
    "description": "Delimited-text options.",
    "properties": {
        "header": {**_BOOLEAN_LIKE, "description": "The first line holds the column names (default true)."},
        "delimiter": {
            "type": "string",
            "minLength": 1,
            "description": "Field separator; may be several characters (default: the section's own).",
        },
        "quote_character": {"type": "string", "maxLength": 1, "description": "Quote character (default \")."},
        "escape_character": {"type": "string", "maxLength": 1, "description": "Escape character (default \")."},
    },
}

INPUT_SPEC_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "How to read the input file and how to treat the Cleanse table (reference §13.2).",
    "properties": {
        "table_description": {"type": "string", "description": "Glue table description of the Cleanse table."},
        "allow_schema_change": {
            "type": "string",
            "enum": ["strict", "reorder", "evolve", "permissive"],
            "description": "Schema-change policy of the Cleanse table (default from the environment).",
        },
        "strict_schema_mapping": {
            "type": "boolean",
            "description": "Fail when a mapped source field is missing from the input.",
        },
        "csv": {**_DELIMITED, "description": "Delimited text, default delimiter ','."},
        "tsv": {**_DELIMITED, "description": "Delimited text, default delimiter tab."},
        "pipe": {**_DELIMITED, "description": "Delimited text, default delimiter '|'."},
        "json": {
            "type": "object",
            "description": "JSON options; JSON Lines unless multiline is true.",
            "properties": {"multiline": {**_BOOLEAN_LIKE, "description": "One JSON document over several lines."}},
        },
        "xml": {
            "type": "object",
            "description": "XML options.",
            "properties": {"row_tag": {"type": "string", "minLength": 1, "description": "Row element (default row)."}},
        },
        "fixed": {"type": "object", "description": "Fixed width; the column widths come from the mapping file."},
        "parquet": {"type": "object", "description": "Its presence forces the Parquet reader."},
        "excel": {
            "type": "object",
            "description": "Excel options (.xlsx, .xlsm, .xls).",
            "required": ["sheet_names", "data_address"],
            "properties": {
                "sheet_names": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": ["string", "integer"]},
                    "description": "Sheets to try in order, by name or 0-based index; the first readable wins.",
                },
                "data_address": {
                    "type": "string",
                    "pattern": "^\\$?[A-Za-z]{1,3}\\$?[0-9]+(:\\$?[A-Za-z]{1,3}\\$?[0-9]+)?$",
                    "description": "Top-left cell (e.g. A1) or a range (e.g. B3:F20).",
                },
                "header": {**_BOOLEAN_LIKE, "description": "The first row holds the column names (default true)."},
                "password": {"type": "string", "description": "Workbook password."},
            },
        },
    },
}

KNOWN_TOP_LEVEL = ("$schema", "input_spec", "transform_spec")


def _rewrite_refs(node: Any, prefix: str) -> Any:
    """Point a fragment's local ``#/$defs/...`` references at its new home under ``prefix``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
                out[key] = prefix + value[1:]
            else:
                out[key] = _rewrite_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node


def build_schema() -> dict[str, Any]:
    """The whole spec schema: ``input_spec`` plus one entry per registered transform name or alias."""
    from .transforms.registry import registered

    definitions = registered()
    defs: dict[str, Any] = {"input_spec": copy.deepcopy(INPUT_SPEC_SCHEMA)}
    pattern_properties: dict[str, Any] = {}
    for key in sorted(definitions):
        definition = definitions[key]
        def_name = f"transform.{definition.name}"
        if def_name not in defs:
            fragment = _rewrite_refs(copy.deepcopy(definition.schema), f"#/$defs/{def_name}")
            if definition.doc and "description" not in fragment:
                fragment["description"] = definition.doc
            defs[def_name] = fragment
        pattern_properties[f"^{re.escape(key)}(:.*)?$"] = {"$ref": f"#/$defs/{def_name}"}
    names = "|".join(re.escape(key) for key in sorted(definitions))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "InsuranceLake transformation spec",
        "description": (
            "The <DB>-<TBL>.json file of etl/transformation-spec/: how to read the input file "
            "(input_spec) and which transforms to run, in key order (transform_spec). A key may carry "
            "a ':suffix' so that a transform can be used more than once. Generated from the engine's "
            "transform registry by `python -m insurancelake_etl.spec_schema --write`; do not edit."
        ),
        "type": "object",
        "properties": {
            "$schema": {"type": "string"},
            "input_spec": {"$ref": "#/$defs/input_spec"},
            "transform_spec": {
                "type": "object",
                "description": "Transforms in execution order; keys are name[:suffix].",
                "propertyNames": {"pattern": f"^({names})(:.*)?$"} if names else {"not": {}},
                "patternProperties": pattern_properties,
            },
        },
        "$defs": defs,
    }


def render_schema() -> str:
    """The schema as the shipped file's text (2-space indent, trailing newline)."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = build_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def json_path(parts: Any) -> str:
    """``$.transform_spec.currency[1].format`` from a jsonschema error path."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _shape(schema: dict[str, Any]) -> str:
    """A short description of what a (sub)schema expects."""
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v) for v in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf")
        return " or ".join(_shape(option) for option in options)
    kind = schema.get("type")
    parts: list[str] = []
    if isinstance(kind, list):
        parts.append(" or ".join(kind))
    elif kind:
        parts.append(str(kind))
    if "required" in schema:
        parts.append("with keys " + ", ".join(schema["required"]))
    if "pattern" in schema:
        parts.append(f"matching {schema['pattern']}")
    shape = " ".join(parts) or "a valid value"
    if schema.get("description"):
        shape += f" ({schema['description']})"
    return shape


def _message(error: Any) -> tuple[str, str]:
    """(location, what and expected) for the most relevant jsonschema error."""
    path = list(error.absolute_path)
    validator = error.validator
    if validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        return json_path(path), f"missing required key {name!r}; expected {_shape(error.schema)}"
    if validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message.split("(")[-1])
        allowed = ", ".join(error.schema.get("properties", {}))
        return json_path(path), f"unexpected key(s) {', '.join(extra)}; allowed keys: {allowed}"
    if validator == "propertyNames":
        return json_path([*path, error.instance]), f"invalid key {error.instance!r}"
    value = json.dumps(error.instance)[:80]
    if validator in ("anyOf", "oneOf", "enum", "const"):
        return json_path(path), f"{value} is not allowed; expected {_shape(error.schema)}"
    if validator == "type":
        return json_path(path), f"{value} is {_type_name(error.instance)}; expected {_shape(error.schema)}"
    return json_path(path), f"{value} is not valid ({error.message}); expected {_shape(error.schema)}"


def validate_spec(spec: Any, spec_file: str) -> None:
    """Validate a transformation spec; a ConfigError names the file, the JSON path and the expected shape.

    Unknown transform names are rejected with the closest valid name (Decision D2).
    """
    from jsonschema.exceptions import best_match

    from .transforms.registry import lookup

    if not isinstance(spec, dict):
        raise ConfigError(
            f"the spec is {_type_name(spec)}; expected an object with input_spec and transform_spec",
            file=spec_file,
            location="$",
        )
    for key in spec:
        if key not in KNOWN_TOP_LEVEL:
            logger.warning("%s: $.%s: unknown top-level key, ignored", spec_file, key)
    transform_spec = spec.get("transform_spec")
    if isinstance(transform_spec, dict):
        for key in transform_spec:
            lookup(key, spec_file=spec_file)
    errors = list(_validator().iter_errors(spec))
    if not errors:
        return
    error = best_match(errors)
    location, message = _message(error)
    raise ConfigError(message, file=spec_file, location=location)


def main(argv: list[str] | None = None) -> int:
    """Print the schema, ``--write`` it to the shipped file, or ``--check`` that the file is current."""
    parser = argparse.ArgumentParser(prog="python -m insurancelake_etl.spec_schema", description=main.__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help=f"write {SCHEMA_FILE.name}")
    group.add_argument("--check", action="store_true", help=f"fail when {SCHEMA_FILE.name} is out of date")
    options = parser.parse_args(argv)
    text = render_schema()
    if options.write:
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        logger.info("wrote %s", SCHEMA_FILE)
        return 0
    if options.check:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.is_file() else ""
        if current != text:
            sys.stderr.write(f"{SCHEMA_FILE} is out of date; run python -m insurancelake_etl.spec_schema --write\n")
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
