"""The transformation-spec JSON Schema (draft 2020-12) and spec validation.

The schema is assembled from the ``input_spec`` sections every reader registers
(``readers/registry.py``) and the spec-value schema every transform registers
(``transforms/registry.py``), so a new reader or transform cannot forget its validation.
The shipped file ``assets/glue/insurancelake_etl/schemas/transformation-spec.schema.json`` is generated from it::

    python -m insurancelake_etl.spec_schema --write

and a test asserts the shipped file is up to date. Editors can use it through ``"$schema"``.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import logging
import re
import sys
from functools import lru_cache
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .catalog import SCHEMA_CHANGE_MODES
from .errors import ConfigError
from .schema_check import check, describe_type, make_validator

logger = logging.getLogger(__name__)

SCHEMA_ID = "https://github.com/cdk-insurancelake/cdk-insurancelake/assets/glue/insurancelake_etl/schemas/transformation-spec.schema.json"
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "transformation-spec.schema.json"

# The input_spec keys that are not a reader's section; each reader registers its own sections.
INPUT_SPEC_BASE: dict[str, Any] = {
    "table_description": {"type": "string", "description": "Glue table description of the Cleanse table."},
    "allow_schema_change": {
        "type": "string",
        "enum": list(SCHEMA_CHANGE_MODES),
        "description": "Schema-change policy of the Cleanse table (default from the environment).",
    },
    "strict_schema_mapping": {
        "type": "boolean",
        "description": "Fail when a mapped source field is missing from the input.",
    },
}


def input_spec_schema() -> dict[str, Any]:
    """The ``input_spec`` schema: the base keys, the keys every reader honours (``bad_records``,
    ``encoding``) plus every registered reader's sections. Other keys stay allowed (the reference
    ignores them, §13.2); :func:`validate_spec` rejects the ones that look like a misspelt key."""
    from .readers.bad_records import INPUT_SPEC_KEYS
    from .readers.registry import input_spec_sections

    return {
        "type": "object",
        "description": "How to read the input file and how to treat the Cleanse table (reference §13.2).",
        "properties": {
            **copy.deepcopy(INPUT_SPEC_BASE),
            **copy.deepcopy(INPUT_SPEC_KEYS),
            **_closed(copy.deepcopy(input_spec_sections())),
        },
    }


def _closed(node: Any) -> Any:
    """``node`` with ``additionalProperties: false`` on every object schema that lists its
    ``properties`` and says nothing else about other keys: a misspelt option is an error, not
    silently ignored."""
    if isinstance(node, dict):
        out = {key: _closed(value) for key, value in node.items()}
        if "properties" in out and not {"additionalProperties", "patternProperties"} & out.keys():
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


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
    defs: dict[str, Any] = {"input_spec": input_spec_schema()}
    pattern_properties: dict[str, Any] = {}
    for key in sorted(definitions):
        definition = definitions[key]
        def_name = f"transform.{definition.name}"
        if def_name not in defs:
            fragment = _closed(_rewrite_refs(copy.deepcopy(definition.schema), f"#/$defs/{def_name}"))
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
def _validator() -> Draft202012Validator:
    return make_validator(build_schema())


def validate_spec(spec: Any, spec_file: str) -> None:
    """Validate a transformation spec; a ConfigError names the file, the JSON path and the expected shape.

    Unknown transform names are rejected with the closest valid name (Decision D2).
    """
    from .transforms.registry import lookup

    if not isinstance(spec, dict):
        raise ConfigError(
            f"the spec is {describe_type(spec)}; expected an object with input_spec and transform_spec",
            file=spec_file,
            location="$",
        )
    _unknown_keys(spec, KNOWN_TOP_LEVEL, "$", spec_file)
    input_spec = spec.get("input_spec")
    if isinstance(input_spec, dict):
        _unknown_keys(input_spec, list(input_spec_schema()["properties"]), "$.input_spec", spec_file)
    transform_spec = spec.get("transform_spec")
    if isinstance(transform_spec, dict):
        for key in transform_spec:
            lookup(key, spec_file=spec_file)
    check(_validator(), spec, spec_file)
    if isinstance(input_spec, dict) and "encoding" in input_spec:
        from .readers.text_encoding import declared

        declared(input_spec, spec_file)


def _unknown_keys(section: dict[str, Any], known: Sequence[str], path: str, spec_file: str) -> None:
    """Keys the reference ignores (§13.2): a ConfigError for one that looks like a misspelt known key
    (``strict_schema_maping``), a warning for the others."""
    for key in section:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        if close:
            raise ConfigError(f"unknown key {key!r}; did you mean {close[0]!r}?", file=spec_file, location=f"{path}.{key}")
        logger.warning("%s: %s.%s: unknown key, ignored", spec_file, path, key)


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
