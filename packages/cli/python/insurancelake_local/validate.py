"""Check a whole configuration folder before anything runs: ``insurancelake validate``.

The folder has the contract's configuration layout (``configuration`` in ``contract.json``)::

    etl/transformation-spec/<DB>-<TBL>.json   spec (JSON Schema)        <DB>-<TBL>.csv  mapping
    etl/transformation-spec/<DB>-entitymatch.json                       <DB>-<TBL>-dependent.json
    etl/transformation-sql/{spark,athena,redshift}-<DB>-<TBL>.sql
    etl/dq-rules/dq-<DB>-<TBL>.json

Every problem is collected (not only the first), each as ``file``, ``path`` and ``message``. Files are
checked against the JSON Schemas in ``insurancelake_etl/schemas`` (the ones the construct checks at
synth time) and with the loaders and deeper checks the jobs use (transform names, CSV quoting, DQDL
syntax, SQL variables), so a folder that validates is one both accept.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from insurancelake_etl import config, objectstore
from insurancelake_etl.contract import CONTRACT, FilePattern
from insurancelake_etl.dq.rules import DqRules, SyntaxProblem, precheck, rule_error
from insurancelake_etl.entity_match.spec import validate as validate_entity_match
from insurancelake_etl.errors import EtlError, sql_error
from insurancelake_etl.jobs.cleanse_to_consume import sql_line_offset, table_override
from insurancelake_etl.mapping import check_unique_targets
from insurancelake_etl.mapping_file import check_mapping_schema, parse_mapping_csv

from .validate_columns import check_lookups, unknown_rule_columns
from insurancelake_etl.schema_check import problems as schema_problems
from insurancelake_etl.schema_check import shipped_validator

LAYOUT = CONTRACT.configuration
# What `{name}` may refer to in SQL: the Consume job's arguments plus target_table (reference §18.2).
SQL_VARIABLES = frozenset((*CONTRACT.job("cleanse_to_consume").arguments, "target_table"))
# The schema of each configuration file kind that has one besides the spec (which the loader checks).
SCHEMAS = {"dq_rules": "dq-rules", "dependent": "dependent"}
# How messages name the files of the folders that hold one kind of file.
FILE_NOUNS = {LAYOUT.folders["transformation_sql"]: "SQL", LAYOUT.folders["dq_rules"]: "DQ rules"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration."""

    file: str
    path: str
    message: str

    def line(self) -> str:
        """``file: path: message`` (the path left out when it says nothing)."""
        return ": ".join(p for p in (self.file, self.path, self.message) if p)


RuleChecker = Callable[[str], SyntaxProblem | None]
# Parses one Spark SQL text; the parser's error message, or None when it parses.
SqlParser = Callable[[str], str | None]


@dataclass(frozen=True)
class Tools:
    """What the checks may use besides the file: the folder, DQDL checkers and a Spark SQL parser."""

    root: Path
    checkers: list[RuleChecker]
    sql_parser: SqlParser | None = None


def jvm_sql_parser(spark: Any) -> SqlParser:
    """Spark's own SQL parser (parse only: no table or column is looked up)."""
    parser = spark._jsparkSession.sessionState().sqlParser()

    def parse(sql: str) -> str | None:
        try:
            parser.parsePlan(sql)
        except Exception as error:  # noqa: BLE001 - a Py4J error carrying the ParseException
            java = getattr(error, "java_exception", None)
            return str(java.getMessage()) if java is not None else str(error)
        return None

    return parse


def _alternatives(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def display(pattern: FilePattern) -> str:
    """A pattern's file name as people write it: ``<DB>-<TBL>.json``, ``spark-, athena- or redshift-<DB>-<TBL>.sql``."""
    name = pattern.pattern.rsplit("/", 1)[-1].replace("{database}", "<DB>").replace("{table}", "<TBL>")
    return name.replace("{kind}-", _alternatives([f"{kind}-" for kind in LAYOUT.sql_kinds]))


def _by_specificity() -> list[FilePattern]:
    """The deployed file patterns, most literal characters first, so ``<DB>-entitymatch.json`` wins
    over ``<DB>-<TBL>.json``."""
    patterns = [p for p in LAYOUT.files.values() if p.pattern.startswith(LAYOUT.deployed_folder + "/")]
    return sorted(patterns, key=lambda p: -len(re.sub(r"\{[^}]*\}", "", p.pattern)))


def classify(rel: str) -> str | None:
    """The kind of configuration file at ``rel`` (relative to the folder), or None."""
    kinds = {"kind": "|".join(re.escape(k) for k in LAYOUT.sql_kinds)}
    for pattern in _by_specificity():
        if pattern.regex(kinds).match(rel):
            return pattern.kind
    return None


def _from_error(error: EtlError, rel: str) -> Problem:
    """The problem an engine error describes, with the file named relative to the folder."""
    file = rel if not error.file or error.file.endswith("/" + rel) else error.file
    return Problem(file, error.location or "", error.detail)


def _json_object(path: Path, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        value = config.load_json(path.as_uri())
    except EtlError as error:
        problems.append(_from_error(error, rel))
        return None
    if not isinstance(value, dict):
        problems.append(Problem(rel, "$", "expected a JSON object"))
        return None
    return value


def _check_schema(kind: str, value: dict[str, Any], rel: str, problems: list[Problem]) -> bool:
    """Add the schema problems of ``value``; True when there are none."""
    found = schema_problems(shipped_validator(SCHEMAS[kind]), value)
    problems.extend(Problem(rel, location, message) for location, message in found)
    return not found


def _check_spec(path: Path, rel: str, problems: list[Problem], tools: Tools) -> None:
    try:
        spec = config.load_spec(path.as_uri())
    except EtlError as error:
        problems.append(_from_error(error, rel))
        return
    for key, value in (spec.get("transform_spec") or {}).items():
        if key.split(":")[0] == "literal" and isinstance(value, dict):
            for column, literal in value.items():
                if literal is None:
                    problems.append(Problem(rel, f"$.transform_spec.{key}.{column}", (
                        f"column {column!r} has no type: every value is null (transform {key!r} sets it to null); "
                        f"expected a typed value (e.g. \"\" or 0) or a changetype entry giving {column!r} a type")))


def _check_mapping(path: Path, rel: str, problems: list[Problem], tools: Tools) -> None:
    try:
        text = objectstore.read_text(path.as_uri()) or ""
        check_mapping_schema(text, path.as_uri())
        check_unique_targets(parse_mapping_csv(text, rel), rel)
    except EtlError as error:
        problems.append(_from_error(error, rel))


def _check_dependent(path: Path, rel: str, problems: list[Problem], tools: Tools) -> None:
    value = _json_object(path, rel, problems)
    if value is not None:
        _check_schema("dependent", value, rel, problems)


def _check_entity_match(path: Path, rel: str, problems: list[Problem], tools: Tools) -> None:
    value = _json_object(path, rel, problems)
    if value is None:
        return
    try:
        validate_entity_match(value, rel)
    except EtlError as error:
        problems.append(_from_error(error, rel))


def _check_sql(path: Path, rel: str, problems: list[Problem], tools: Tools) -> None:
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        problems.append(Problem(rel, "", "the SQL file is empty; the job would fail (delete it or write the query)"))
        return
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        problems.append(Problem(rel, "", f"cannot substitute variables: {error} (write literal braces as {{{{ and }}}})"))
        return
    available = ", ".join(sorted(SQL_VARIABLES))
    unknown = False
    for name in fields:
        base = re.split(r"[.\[]", name, maxsplit=1)[0]
        if base not in SQL_VARIABLES:
            unknown = True
            problems.append(Problem(rel, f"{{{name}}}", f"unknown substitution variable; available: {available}"))
    if tools.sql_parser is not None and not unknown and path.name.startswith("spark-"):
        _, query = table_override(text, "")
        query = query.strip()
        placeholder = {name: "x1" for name in SQL_VARIABLES}
        message = tools.sql_parser(query.format(**placeholder))
        if message is not None:
            found = sql_error(message, rel, sql_line_offset(text, query))
            problems.append(Problem(rel, found.location or "", found.detail))


def _check_dq(path: Path, rel: str, problems: list[Problem], tools: Tools) -> None:
    raw = _json_object(path, rel, problems)
    if raw is None or not _check_schema("dq_rules", raw, rel, problems):
        return
    try:
        model = DqRules.parse(raw, rel)
    except EtlError as error:
        problems.append(_from_error(error, rel))
        return
    unreadable = set()
    for ref in model.all_rules():
        for check in (precheck, *tools.checkers):
            problem = check(ref.text)
            if problem is not None:
                problems.append(_from_error(rule_error(rel, ref, problem), rel))
                unreadable.add(ref.location)
                break
    # A rule that does not parse is reported once, by its syntax error.
    problems.extend(p for p in unknown_rule_columns(tools.root, rel, model) if p.path not in unreadable)


CHECKS: dict[str, Callable[[Path, str, list[Problem], Tools], None]] = {
    "spec": _check_spec,
    "mapping": _check_mapping,
    "dependent": _check_dependent,
    "entity_match": _check_entity_match,
    "sql": _check_sql,
    "dq_rules": _check_dq,
}


def _unread(rel: str) -> Problem:
    """The problem of a file no job reads: a wrong name in the SQL or DQ rules folder, or a file
    anywhere else."""
    folder = rel.rsplit("/", 1)[0]
    noun = FILE_NOUNS.get(folder)
    if noun:
        names = [display(p) for p in LAYOUT.files.values() if LAYOUT.folder_of(p.kind) == folder]
        return Problem(rel, "", f"not a {noun} file name the jobs read; expected {_alternatives(names)}")
    folders = [f for f in LAYOUT.folders.values() if f.startswith(LAYOUT.deployed_folder + "/")]
    return Problem(rel, "", f"not read by any job; configuration files go in {_alternatives(folders)}")


def _load_transforms(folder: Path) -> list[Problem]:
    """Load the user's transform modules of ``folder`` (their keys become valid in specs); the
    problems of a module that does not load, or of a stale ``transforms.schema.json``."""
    from insurancelake_etl.spec_schema import MODULES_SCHEMA_FILE, build_modules_schema
    from insurancelake_etl.transform_modules import load_transform_modules, module_names

    folder = folder.resolve()
    try:
        load_transform_modules(module_names(folder), str(folder))
        generated = build_modules_schema(folder)
    except EtlError as error:
        return [Problem(error.file or str(folder), error.location or "", error.detail)]
    schema_file = folder / MODULES_SCHEMA_FILE
    try:
        written = json.loads(schema_file.read_text(encoding="utf-8")) if schema_file.is_file() else None
    except ValueError:
        written = None
    # What cdk synth checks (the modules' keys, definitions and file digests), not the built-in part:
    # an engine upgrade changes that part, and the construct still accepts the file.
    if written is None or _modules_part(written) != _modules_part(generated):
        command = f"python -m insurancelake_etl.spec_schema --modules {folder} --write"
        return [Problem(str(schema_file), "", f"missing or out of date (cdk synth refuses it); run {command}")]
    return []


def _modules_part(schema: dict[str, Any]) -> tuple[Any, Any]:
    """The part of a ``transforms.schema.json`` that belongs to the modules: their section and definitions."""
    from insurancelake_etl.spec_schema import USER_SECTION

    section = schema.get(USER_SECTION)
    entries = section.get("transforms") if isinstance(section, dict) else None
    defs = schema.get("$defs") or {}
    own = {e.get("def"): defs.get(e.get("def")) for e in entries.values() if isinstance(e, dict)} if isinstance(entries, dict) else None
    return section, own


def validate_config(
    root: Path,
    checkers: list[RuleChecker] | None = None,
    sql_parser: SqlParser | None = None,
    transforms: Path | None = None,
) -> list[Problem]:
    """Every problem of the configuration folder ``root``; ``checkers`` add DQDL syntax checks and
    ``sql_parser`` Spark SQL syntax checks (both need the JVM: the worker passes them);
    ``transforms`` is a folder of the user's transform modules, loaded first."""
    problems: list[Problem] = _load_transforms(transforms) if transforms else []
    if problems:
        return problems
    root = root.resolve()
    tools = Tools(root, checkers or [], sql_parser)
    problems.extend(check_lookups(root))
    deployed = root / LAYOUT.deployed_folder
    if not deployed.is_dir():
        folders = ", ".join(f for f in LAYOUT.folders.values() if f.startswith(LAYOUT.deployed_folder + "/"))
        return [Problem(str(root), "", f"no {LAYOUT.deployed_folder}/ folder; expected {folders}")]
    for path in sorted(deployed.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        rel = path.relative_to(root).as_posix()
        kind = classify(rel)
        if kind is None:
            problems.append(_unread(rel))
        else:
            CHECKS[kind](path, rel, problems, tools)
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m insurancelake_local.validate --config DIR [--json]`` (DQDL checked without Spark)."""
    parser = argparse.ArgumentParser(prog="python -m insurancelake_local.validate", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--config", required=True, help="configuration folder (with etl/...)")
    parser.add_argument("--json", action="store_true", help="print the problems as a JSON list")
    parser.add_argument("--transforms", metavar="DIR", help="folder of your transform modules (TransformModules)")
    options = parser.parse_args(argv)
    problems = validate_config(Path(options.config).resolve(), transforms=Path(options.transforms) if options.transforms else None)
    if options.json:
        sys.stdout.write(json.dumps([asdict(p) for p in problems]) + "\n")
    else:
        for problem in problems:
            sys.stdout.write(problem.line() + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
