"""The entity-match spec ``<DB>-entitymatch.json`` (reference §19.2): JSON Schema validation and the
parsed form the matcher works from.

The schema ships in ``insurancelake_etl/schemas/entitymatch-spec.schema.json`` (editors can point ``$schema``
at it). Validation runs before any data is read, so a bad spec fails the job with the file, the JSON
path and the expected shape, and nothing is written.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..schema_check import check, json_path, shipped_validator

SCHEMA_NAME = "entitymatch-spec"
MISSING_SPEC_MESSAGE = "Entity matching spec file required and none found"

# A block is a column name or a slice of one: ``firstname[:1]`` (reference regex, Decision D8).
BLOCK_SLICE = re.compile(r"(\w+)\[(\d*):(\d*)\]")
BLOCK_NAME = re.compile(r"\w+")

# Keys of a field entry that are ours, not recordlinkage keyword arguments.
FIELD_KEYS = ("fieldname", "type", "weight", "label")


@dataclass(frozen=True)
class Block:
    """One block expression: ``column`` and, for a slice, Python slice bounds ``start:stop``."""

    column: str
    start: int | None = None
    stop: int | None = None
    sliced: bool = False

    @classmethod
    def parse(cls, text: str) -> Block:
        """``name`` or ``name[a:b]`` (either bound may be empty)."""
        match = BLOCK_SLICE.fullmatch(text)
        if match:
            start, stop = match.group(2), match.group(3)
            return cls(match.group(1), int(start) if start else None, int(stop) if stop else None, True)
        return cls(text)


@dataclass(frozen=True)
class FieldCompare:
    """One field comparison: recordlinkage ``Compare.<kind>(fieldname, fieldname, **options)``."""

    fieldname: str
    kind: str
    weight: float
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Level:
    """A probabilistic match level."""

    id: str
    blocks: tuple[Block, ...]
    fields: tuple[FieldCompare, ...]
    threshold: float

    @property
    def blocking_column(self) -> str:
        """The reference's blocking column name ``recordlinkage_blocking_<id>``."""
        return f"recordlinkage_blocking_{self.id}"


@dataclass(frozen=True)
class EntityMatchSpec:
    """A validated entity-match spec."""

    primary_entity_table: str
    global_id_field: str
    source_primary_key: str | None = None
    source_system_key: str | None = None
    levels: tuple[Level, ...] = ()
    file: str = "entity-match spec"

    @property
    def exact_match(self) -> bool:
        """True when ``exact_match_fields`` is given."""
        return self.source_primary_key is not None

    def columns_needed(self) -> list[str]:
        """Every incoming column the spec refers to (keys, block columns, compared fields)."""
        names: list[str] = []
        if self.source_primary_key and self.source_system_key:
            names += [self.source_primary_key, self.source_system_key]
        for level in self.levels:
            names += [b.column for b in level.blocks] + [f.fieldname for f in level.fields]
        return list(dict.fromkeys(names))


def validate(raw: Any, file: str) -> EntityMatchSpec:
    """Validate a parsed spec against the schema and return its parsed form.

    A ConfigError names the file, the JSON path and what was expected.
    """
    if not isinstance(raw, dict):
        raise ConfigError("entity-match spec must be a JSON object", file=file, location="$")
    check(shipped_validator(SCHEMA_NAME), raw, file)
    raw = copy.deepcopy(raw)
    levels: list[Level] = []
    seen: set[str] = set()
    for n, level in enumerate(raw.get("levels") or []):
        level_id = str(level["id"])
        if level_id in seen:
            raise ConfigError(
                f"duplicate level id {level_id!r}; expected unique ids", file=file, location=json_path(["levels", n, "id"])
            )
        seen.add(level_id)
        fields = tuple(
            FieldCompare(
                fieldname=f["fieldname"],
                kind=f["type"],
                weight=float(f["weight"]),
                options={k: v for k, v in f.items() if k not in FIELD_KEYS},
            )
            for f in level["fields"]
        )
        if sum(f.weight for f in fields) <= 0:
            raise ConfigError(
                "the weights of a level sum to 0; expected at least one positive weight",
                file=file,
                location=json_path(["levels", n, "fields"]),
            )
        levels.append(Level(level_id, tuple(Block.parse(b) for b in level["blocks"]), fields, float(level["threshold"])))
    exact = raw.get("exact_match_fields") or {}
    return EntityMatchSpec(
        primary_entity_table=raw["primary_entity_table"],
        global_id_field=raw["global_id_field"],
        source_primary_key=exact.get("source_primary_key"),
        source_system_key=exact.get("source_system_key"),
        levels=tuple(levels),
        file=file,
    )


def check_columns(spec: EntityMatchSpec, columns: list[str], what: str) -> None:
    """Every column the spec refers to exists in ``columns`` (case-insensitive, as Spark resolves)."""
    have = {c.lower() for c in columns}
    missing = [c for c in spec.columns_needed() if c.lower() not in have]
    if missing:
        raise ConfigError(
            f"column(s) {', '.join(missing)} named in the spec are not in {what}; available: {', '.join(columns)}",
            file=spec.file,
        )
