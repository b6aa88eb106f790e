"""The transformation-spec JSON Schema (draft 2020-12) and spec validation.

The schema is assembled from the ``input_spec`` sections every reader registers
(``readers/registry.py``) and the spec-value schema every transform registers
(``transforms/registry.py``), so a new reader or transform cannot forget its validation.
The shipped file ``assets/glue/insurancelake_etl/schemas/transformation-spec.schema.json`` is generated from it::

    python -m insurancelake_etl.spec_schema --write

and a test asserts the shipped file is up to date. Editors can use it through ``"$schema"``.

A folder of the user's transform modules carries its own generated schema, ``transforms.schema.json``:
the whole spec schema with the folder's transforms added (editors use it through ``"$schema"``), plus
a section :data:`USER_SECTION` that the construct reads at synth time (which keys come from which
module, and a digest of every module file so that a stale file is noticed)::

    python -m insurancelake_etl.spec_schema --modules DIR --write
"""

from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
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
# The generated schema file of a transform-modules folder and its section for the construct.
MODULES_SCHEMA_FILE = "transforms.schema.json"
USER_SECTION = "x-insurancelake-transforms"


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


def build_schema(*, user: bool = True) -> dict[str, Any]:
    """The whole spec schema: ``input_spec`` plus one entry per registered transform name or alias,
    those of loaded user modules included unless ``user`` is false (the shipped file's case)."""
    from .transforms.registry import registered

    definitions = {key: d for key, d in registered().items() if user or d.builtin}
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
    """The schema as the shipped file's text (2-space indent, trailing newline): built-in transforms only."""
    return json.dumps(build_schema(user=False), indent=2, ensure_ascii=False) + "\n"


def _file_digest(path: Path) -> str:
    """sha256 of a module file with its line endings made LF (the construct computes the same)."""
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def module_sources(folder: Path, modules: list[str]) -> dict[str, str]:
    """``relative path -> digest`` of every ``.py`` file of the top-level ``modules`` of ``folder``."""
    sources: dict[str, str] = {}
    for name in modules:
        files = [folder / f"{name}.py"] if (folder / f"{name}.py").is_file() else sorted((folder / name).rglob("*.py"))
        for path in files:
            if "__pycache__" not in path.parts:
                sources[path.relative_to(folder).as_posix()] = _file_digest(path)
    return sources


def build_modules_schema(folder: Path) -> dict[str, Any]:
    """The ``transforms.schema.json`` of a transform-modules folder: the spec schema with the folder's
    transforms (loaded here), and :data:`USER_SECTION` for the construct's synth-time check."""
    from .transform_modules import load_transform_modules, module_names

    folder = folder.resolve()
    names = module_names(folder)
    definitions = load_transform_modules(names, str(folder))
    schema = build_schema(user=True)
    schema["$id"] = MODULES_SCHEMA_FILE
    schema["description"] = (
        f"{schema['description']} With the transforms of the modules in this folder: generated by "
        f"`python -m insurancelake_etl.spec_schema --modules <this folder> --write`; do not edit."
    )
    transforms: dict[str, Any] = {}
    for definition in definitions:
        file = Path(definition.origin).resolve()
        relative = file.relative_to(folder).as_posix() if file.is_relative_to(folder) else definition.origin
        for key in (definition.name, *definition.aliases):
            transforms[key] = {"module": definition.module_name, "file": relative, "def": f"transform.{definition.name}"}
    schema[USER_SECTION] = {
        "$comment": "Read by the construct at synth time (TransformModules): which spec keys the modules "
        "register, and the sha256 of each module file (LF line endings) to notice a stale file.",
        "modules": names,
        "sources": module_sources(folder, names),
        "transforms": dict(sorted(transforms.items())),
    }
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    """The spec schema's validator, with the transforms of the user modules loaded so far (loading
    and unloading a module clears this cache)."""
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
    """Print the schema, ``--write`` it to the shipped file, or ``--check`` that the file is current;
    with ``--modules DIR``, the same for ``DIR/transforms.schema.json`` of a transform-modules folder."""
    parser = argparse.ArgumentParser(prog="python -m insurancelake_etl.spec_schema", description=main.__doc__)
    parser.add_argument("--modules", metavar="DIR", help=f"a folder of transform modules: its {MODULES_SCHEMA_FILE}")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write the schema file")
    group.add_argument("--check", action="store_true", help="fail when the schema file is out of date")
    options = parser.parse_args(argv)
    if options.modules:
        target = Path(options.modules).resolve() / MODULES_SCHEMA_FILE
        command = f"python -m insurancelake_etl.spec_schema --modules {options.modules} --write"
        try:
            text = json.dumps(build_modules_schema(Path(options.modules)), indent=2, ensure_ascii=False) + "\n"
        except ConfigError as error:
            sys.stderr.write(f"{error}\n")
            return 1
    else:
        target, command, text = SCHEMA_FILE, "python -m insurancelake_etl.spec_schema --write", render_schema()
    if options.write:
        target.write_text(text, encoding="utf-8")
        logger.info("wrote %s", target)
        return 0
    if options.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            sys.stderr.write(f"{target} is out of date; run {command}\n")
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
