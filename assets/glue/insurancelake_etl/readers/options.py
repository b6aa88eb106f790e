"""Option values shared by the readers."""

from __future__ import annotations

from typing import Any

BOOLEAN_LIKE: dict[str, Any] = {
    "description": "A boolean (the strings \"true\"/\"false\" are accepted, as Spark reads them).",
    "anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false", "True", "False"]}],
}


def flag(value: Any, default: bool) -> bool:
    """A boolean option: ``default`` when absent, a string is true only when it says ``true``."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)
