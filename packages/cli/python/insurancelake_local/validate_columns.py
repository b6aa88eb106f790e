"""Checks of ``insurancelake validate`` that look across files: DQ rules on columns the mapping and
the transforms cannot produce, and the lookups manifest ``lookups/lookups.json`` with the files it
lists (read as ``insurancelake run`` and ``load-lookups`` load them, :mod:`.lookup_loader`)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from insurancelake_etl import config, objectstore
from insurancelake_etl.contract import CONTRACT
from insurancelake_etl.dq.rules import DqRules
from insurancelake_etl.errors import EtlError
from insurancelake_etl.mapping_file import parse_mapping_csv
from insurancelake_etl.partition import PARTITION_KEYS

from .lookup_loader import value_lookup_items

if TYPE_CHECKING:
    from .validate import Problem

LAYOUT = CONTRACT.configuration
# DQDL rule types whose quoted arguments are column names.
_COLUMN_RULE = re.compile(
    r'^\s*(IsComplete|IsUnique|IsPrimaryKey|ColumnValues|ColumnLength|ColumnDataType|Completeness|Uniqueness|Mean|Sum|'
    r'StandardDeviation|Entropy|DistinctValuesCount|UniqueValueRatio|ColumnCorrelation)\s+((?:"[^"]+"\s*)+)'
)
# Transform keys whose value names a column the transform writes.
_OUTPUT_KEYS = ("field", "policy_month_start_field", "policy_month_end_field", "policy_month_index", "uniqueid_field",
                "index_field", "key_field")  # fmt: skip
# Transforms that make columns named by the data (nested fields): their output is not knowable.
_OPEN_OUTPUT = ("flatten", "jsonstructured", "xmlstructured", "jsonexpandmap")


def _produced(spec: dict[str, Any]) -> set[str] | None:
    """The columns the transforms of ``spec`` add (lower case), or None when that is not knowable."""
    out: set[str] = set()
    for key, value in (spec.get("transform_spec") or {}).items():
        name = key.split(":")[0]
        if name in _OPEN_OUTPUT:
            return None
        if name == "literal" and isinstance(value, dict):
            out.update(k.lower() for k in value)
        entries = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            out.update(str(entry[k]).lower() for k in _OUTPUT_KEYS if isinstance(entry.get(k), str))
            attributes = entry.get("return_attributes")
            if isinstance(attributes, list):
                out.update(str(a).lower() for a in attributes)
    return out


def unknown_rule_columns(root: Path, rel: str, rules: DqRules) -> list[Problem]:
    """The DQ rules of ``rel`` (``dq-<DB>-<TBL>.json``) on a column the table cannot have, where that
    is knowable: the table has a mapping file (only its DestNames survive the mapping), and for
    ``after_transform`` no transform makes columns named by the data."""
    from .validate import Problem

    match = LAYOUT.files["dq_rules"].regex({}).match(rel)
    if match is None:
        return []
    database, table = match.group("database"), match.group("table")
    mapping_file = root / LAYOUT.files["mapping"].pattern.format(database=database, table=table)
    spec_file = root / LAYOUT.files["spec"].pattern.format(database=database, table=table)
    if not mapping_file.is_file():
        return []
    try:
        rows = parse_mapping_csv(objectstore.read_text(mapping_file.as_uri()) or "", mapping_file.name)
        spec = config.load_spec(spec_file.as_uri()) if spec_file.is_file() else {}
    except EtlError:
        return []  # the mapping's or spec's own check reports it
    mapped = {str(r.get("destname") or "").lower() for r in rows} - {"", "null"}
    produced = _produced(spec)
    known = {
        "before_transform": mapped,
        "after_transform": None if produced is None else mapped | produced | set(PARTITION_KEYS) | {"execution_id"},
    }
    problems = []
    for ref in rules.all_rules():
        columns = known.get(ref.stage)
        found = _COLUMN_RULE.match(ref.text)
        if columns is None or found is None:
            continue
        for column in re.findall(r'"([^"]+)"', found.group(2)):
            if column.lower() not in columns:
                problems.append(Problem(rel, ref.location, (
                    f"column {column!r} is not produced by the mapping or the transforms at {ref.stage}; "
                    f"expected one of {', '.join(sorted(columns))}")))  # fmt: skip
    return problems


def check_lookups(root: Path) -> list[Problem]:
    """Problems of ``lookups/lookups.json`` and the files it lists (none when it is absent)."""
    from .validate import Problem

    manifest_rel = LAYOUT.files["lookups"].pattern
    manifest = root / manifest_rel
    if not manifest.is_file():
        return []
    try:
        data = config.parse_json(manifest.read_text(encoding="utf-8-sig"), manifest_rel)
    except EtlError as error:
        return [Problem(manifest_rel, error.location or "", error.detail)]
    if not isinstance(data, dict):
        return [Problem(manifest_rel, "$", "expected an object with value_lookups and multi_lookups lists")]
    problems = []
    folder = manifest.parent
    for section, needed in (("value_lookups", ("file", "source_system")), ("multi_lookups", ("file", "lookup_group", "lookup_columns"))):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            problems.append(Problem(manifest_rel, f"$.{section}", "expected a list"))
            continue
        for index, entry in enumerate(entries):
            where = f"$.{section}[{index}]"
            missing = [k for k in needed if not isinstance(entry, dict) or not entry.get(k)]
            if missing:
                problems.append(Problem(manifest_rel, where, f"missing {', '.join(missing)}; expected {', '.join(needed)}"))
                continue
            file_rel = (Path(manifest_rel).parent / str(entry["file"])).as_posix()
            path = folder / str(entry["file"])
            if not path.is_file():
                problems.append(Problem(file_rel, "", f"the file is not there; {manifest_rel} {where} lists it"))
                continue
            problems.extend(Problem(file_rel, loc, msg) for loc, msg in _lookup_file_problems(path, section, entry))
    return problems


def _lookup_file_problems(path: Path, section: str, entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(location, message) of one listed lookup file, read as the loader reads it."""
    text = path.read_text(encoding="utf-8-sig")
    if section == "value_lookups":
        try:
            value_lookup_items(json.loads(text), str(entry["source_system"]))
        except json.JSONDecodeError as error:
            return [(f"line {error.lineno}, column {error.colno}", f"malformed JSON: {error.msg}")]
        except ValueError as error:
            return [("$", str(error))]
        return []
    header = next(csv.reader(text.splitlines()), [])
    columns = entry["lookup_columns"] if isinstance(entry["lookup_columns"], list) else [entry["lookup_columns"]]
    missing = [c for c in columns if c not in header]
    return [("line 1", f"lookup column(s) {', '.join(missing)} not in the CSV header {header}")] if missing else []
