"""Configuration files checked against the JSON Schemas in ``schemas/`` (draft 2020-12).

The same schema files are what the construct checks at synth time (in Node) and what editors use
through ``"$schema"``, so a file that passes here passes there. Problems read
``<file>: <$.json.path>: <what is wrong>; expected <what>``. The schema files are package resources,
read with :mod:`importlib.resources`, so this works from the zip Glue gets as well.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from .errors import ConfigError

SCHEMA_FOLDER = "schemas"


@lru_cache(maxsize=None)
def load_schema(name: str) -> Mapping[str, Any]:
    """The schema ``schemas/<name>.schema.json`` (``dq-rules``, ``dependent``, ``mapping``, …)."""
    folder = resources.files(__package__ or "insurancelake_etl").joinpath(SCHEMA_FOLDER)
    schema: dict[str, Any] = json.loads(folder.joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
    return schema


def make_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator of ``schema`` (the schema itself checked first)."""
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@lru_cache(maxsize=None)
def shipped_validator(name: str) -> Draft202012Validator:
    """The validator of the shipped schema ``name`` (built once)."""
    return make_validator(load_schema(name))


def json_path(parts: Iterable[Any]) -> str:
    """``$.transform_spec.currency[1].format`` from a jsonschema error path."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def describe_type(value: Any) -> str:
    """``a string``, ``an array``, ``null``, …: what ``value`` is, for messages."""
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


def _shape(schema: Mapping[str, Any]) -> str:
    """A short description of what a (sub)schema expects."""
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v) for v in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf") or []
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


def describe(error: ValidationError) -> tuple[str, str]:
    """(JSON path, what is wrong and what was expected) of one jsonschema error."""
    path = list(error.absolute_path)
    validator = str(error.validator)
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        return json_path(path), f"missing required key {name!r}; expected {_shape(schema)}"
    if validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message.split("(")[-1])
        known = list(schema.get("properties", {}))
        hints = [f"did you mean {close[0]!r}?" for close in (difflib.get_close_matches(e, known, n=1) for e in extra) if close]
        hint = f" ({' '.join(hints)})" if hints else ""
        return json_path(path), f"unexpected key(s) {', '.join(extra)}{hint}; allowed keys: {', '.join(known)}"
    if validator == "propertyNames" or "propertyNames" in error.relative_schema_path:
        # An object key that breaks propertyNames: the error is about the key, not a value.
        return json_path([*path, error.instance]), f"invalid key {error.instance!r}; expected {_shape(schema)}"
    value = json.dumps(error.instance)[:80]
    if validator in ("anyOf", "oneOf", "enum", "const"):
        return json_path(path), f"{value} is not allowed; expected {_shape(schema)}"
    if validator == "type":
        return json_path(path), f"{value} is {describe_type(error.instance)}; expected {_shape(schema)}"
    return json_path(path), f"{value} is not valid ({error.message}); expected {_shape(schema)}"


def check(validator: Draft202012Validator, instance: Any, file: str) -> None:
    """Raise a ConfigError for the most relevant problem of ``instance``, naming ``file``."""
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        location, message = describe(error)
        raise ConfigError(message, file=file, location=location)


def problems(validator: Draft202012Validator, instance: Any) -> list[tuple[str, str]]:
    """Every top-level problem of ``instance`` as (JSON path, message), in document order."""
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return [describe(error) for error in errors]
