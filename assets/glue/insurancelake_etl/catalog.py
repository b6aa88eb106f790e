"""Catalog policy: the column lists a table is catalogued with and the ``allow_schema_change`` rules
(reference §8.3, §8.4, §12).

These functions decide whether a write may change a table's schema. The table writers
(:mod:`insurancelake_etl.tables`) call :func:`enforce_schema_policy` before anything touches the
table, in both formats, so a refused change leaves the table exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql.types import StructType

from .errors import ConfigError, SchemaChangeError

Column = dict[str, str]

SCHEMA_CHANGE_MODES = ("strict", "reorder", "evolve", "permissive")

# evolve: old type → the new types it may become (besides staying the same). Reference §8.4.
_WIDENING: dict[str, frozenset[str]] = {
    "string": frozenset({"byte", "tinyint", "smallint", "int", "bigint"}),
    "byte": frozenset({"tinyint", "smallint", "int", "bigint"}),
    "tinyint": frozenset({"smallint", "int", "bigint"}),
    "smallint": frozenset({"int", "bigint"}),
    "int": frozenset({"bigint"}),
    "float": frozenset({"double"}),
    "date": frozenset({"timestamp"}),
}

_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")


def schema_columns(schema: StructType) -> list[Column]:
    """The catalog column list of a Spark schema: ``{'Name': lowercased, 'Type': simpleString}`` plus
    ``'Comment'`` when the field's metadata carries one (§8.3 step 2)."""
    columns: list[Column] = []
    for field in schema.fields:
        entry = {"Name": field.name.lower(), "Type": field.dataType.simpleString()}
        comment = (field.metadata or {}).get("comment")
        if comment:
            entry["Comment"] = str(comment)
        columns.append(entry)
    return columns


def dataframe_columns(df: DataFrame) -> list[Column]:
    """:func:`schema_columns` of a DataFrame."""
    return schema_columns(df.schema)


def split_partition_columns(
    columns: Sequence[Column], schema: StructType, partition_keys: Sequence[str], table: str
) -> tuple[list[Column], list[Column]]:
    """Split ``columns`` into (data columns, partition columns) by the original-case field names.

    Raises :class:`SchemaChangeError` (``Some or all specified partition keys …``) when not every key
    is in the data, e.g. a Consume SQL that returns no ``year``/``month``/``day`` (§6.2 step 3).
    """
    data: list[Column] = []
    parts: dict[str, Column] = {}
    for column, field in zip(columns, schema.fields, strict=True):
        if field.name in partition_keys:
            parts[field.name] = column
        else:
            data.append(column)
    if set(parts) != set(partition_keys):
        raise SchemaChangeError(
            f"Some or all specified partition keys {list(partition_keys)} not found in Dataframe schema "
            f"{[f.name for f in schema.fields]}",
            file=table,
        )
    return data, [parts[key] for key in partition_keys]


def _decimal(type_name: str) -> tuple[int, int] | None:
    match = _DECIMAL.match(type_name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def decimal_greater(new: str, old: str) -> bool:
    """True when decimal type ``new`` is "greater" than ``old``: (p↑ and s≥) or (p≥ and s↑) (§8.4)."""
    n, o = _decimal(new), _decimal(old)
    if n is None or o is None:
        return False
    return (n[0] > o[0] and n[1] >= o[1]) or (n[0] >= o[0] and n[1] > o[1])


def type_change_allowed(old: str, new: str) -> bool:
    """Whether ``evolve`` lets a column of type ``old`` become ``new`` (lower-cased comparison)."""
    old, new = old.lower(), new.lower()
    if old == new:
        return True
    if new in _WIDENING.get(old, frozenset()):
        return True
    return decimal_greater(new, old)


def check_schema_change(existing: Sequence[Column], new: Sequence[Column], mode: str) -> bool:
    """Whether the column list may change from ``existing`` to ``new`` under ``mode`` (§8.4).

    ``strict``: identical lists (order and comments count). ``reorder``: same set of names, no
    duplicates. ``evolve``: no duplicates, no removed column, and every kept column's type either the
    same or widened along the §8.4 matrix; new columns allowed. ``permissive``: anything.
    An unknown mode raises :class:`ConfigError`.
    """
    new_names = [c["Name"] for c in new]
    old_names = [c["Name"] for c in existing]
    if mode == "permissive":
        return True
    if mode == "strict":
        return [dict(c) for c in existing] == [dict(c) for c in new]
    if mode == "reorder":
        return len(new_names) == len(set(new_names)) and set(new_names) == set(old_names)
    if mode == "evolve":
        if len(new_names) != len(set(new_names)):
            return False
        new_types = {c["Name"]: c["Type"] for c in new}
        for column in existing:
            if column["Name"] not in new_types:
                return False
            if not type_change_allowed(column["Type"], new_types[column["Name"]]):
                return False
        return True
    raise ConfigError(
        f"Input schema configuration is not valid: Unsupported value for allow_schema_change {mode}; "
        f"expected one of {', '.join(SCHEMA_CHANGE_MODES)}",
        location="$.input_spec.allow_schema_change",
    )


def describe_change(existing: Sequence[Column], new: Sequence[Column]) -> str:
    """A short human description of how ``new`` differs from ``existing`` (for error messages)."""
    old = {c["Name"]: c["Type"] for c in existing}
    cur = {c["Name"]: c["Type"] for c in new}
    parts: list[str] = []
    removed = [n for n in old if n not in cur]
    added = [n for n in cur if n not in old]
    retyped = [f"{n} {old[n]}→{cur[n]}" for n in old if n in cur and old[n] != cur[n]]
    if removed:
        parts.append("removed " + ", ".join(removed))
    if added:
        parts.append("added " + ", ".join(added))
    if retyped:
        parts.append("type changed " + ", ".join(retyped))
    if not parts and [c["Name"] for c in existing] != [c["Name"] for c in new]:
        parts.append("columns reordered")
    if not parts:
        parts.append("column comments changed")
    return "; ".join(parts)


def enforce_schema_policy(
    table: str,
    existing_columns: Sequence[Column],
    existing_partitions: Sequence[Column],
    new_columns: Sequence[Column],
    new_partitions: Sequence[Column],
    mode: str,
) -> bool:
    """Refuse a write whose schema the policy does not allow; True when the columns change.

    The partition keys must be exactly the existing ones whatever ``mode`` says (§8.3 step 6).
    Raises :class:`SchemaChangeError` naming the table, the mode and what changed.
    """
    old_parts = [{"Name": c["Name"], "Type": c["Type"]} for c in existing_partitions]
    cur_parts = [{"Name": c["Name"], "Type": c["Type"]} for c in new_partitions]
    if old_parts != cur_parts:
        raise SchemaChangeError(
            f"Nonpermissible change to partition keys detected with existing catalog table {table}: "
            f"{old_parts} → {cur_parts}",
            file=table,
        )
    if [dict(c) for c in existing_columns] == [dict(c) for c in new_columns]:
        return False
    if mode not in SCHEMA_CHANGE_MODES:
        check_schema_change(existing_columns, new_columns, mode)  # raises ConfigError
    if not check_schema_change(existing_columns, new_columns, mode):
        raise SchemaChangeError(
            f"Nonpermissible schema change detected with existing catalog table {table} "
            f"(allow_schema_change={mode}: {describe_change(existing_columns, new_columns)})",
            file=table,
        )
    return True


def validate_mode(mode: Any, spec_file: str | None = None) -> str:
    """``mode`` if it is one of the four ``allow_schema_change`` values, else a ConfigError."""
    if mode not in SCHEMA_CHANGE_MODES:
        raise ConfigError(
            f"Input schema configuration is not valid: Unsupported value for allow_schema_change {mode}; "
            f"expected one of {', '.join(SCHEMA_CHANGE_MODES)}",
            file=spec_file,
            location="$.input_spec.allow_schema_change",
        )
    return str(mode)


def default_allow_schema_change(environment: str) -> str:
    """The environment default of ``allow_schema_change``: Dev → permissive, Test → reorder, anything
    else (Prod, unittest, …) → strict. Kept as the reference (§5.2 step 4)."""
    return {"Dev": "permissive", "Test": "reorder"}.get(environment, "strict")
