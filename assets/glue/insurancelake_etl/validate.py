"""Check a whole configuration folder before anything runs: ``insurancelake validate``.

The folder has the layout of the ETL-scripts bucket (reference §9)::

    etl/transformation-spec/<DB>-<TBL>.json   spec (JSON Schema)        <DB>-<TBL>.csv  mapping
    etl/transformation-spec/<DB>-entitymatch.json                       <DB>-<TBL>-dependent.json
    etl/transformation-sql/{spark,athena,redshift}-<DB>-<TBL>.sql
    etl/dq-rules/dq-<DB>-<TBL>.json

Every problem is collected (not only the first), each as ``file``, ``path`` and ``message``, with the
same loaders and validators the jobs use, so a folder that validates is one the jobs accept.
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

from . import config
from .args import CONSUME_OPTIONAL, CONSUME_REQUIRED
from .errors import EtlError

SPEC_DIR = "etl/transformation-spec"
SQL_DIR = "etl/transformation-sql"
DQ_DIR = "etl/dq-rules"
SQL_NAME = re.compile(r"^(spark|athena|redshift)-([^-]+)-(.+)\.sql$")
DQ_NAME = re.compile(r"^dq-([^-]+)-(.+)\.json$")
# What `{name}` may refer to in SQL: the Consume job's arguments plus target_table (reference §18.2).
SQL_VARIABLES = frozenset((*CONSUME_REQUIRED, *CONSUME_OPTIONAL, "target_table", "JOB_RUN_ID"))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration."""

    file: str
    path: str
    message: str

    def line(self) -> str:
        """``file: path: message`` (the path left out when it says nothing)."""
        return ": ".join(p for p in (self.file, self.path, self.message) if p)


RuleChecker = Callable[[str], Any]


def _from_error(error: EtlError, rel: str) -> Problem:
    """The problem an engine error describes, with the file named relative to the folder."""
    file = rel if not error.file or error.file.endswith("/" + rel) else error.file
    return Problem(file, error.location or "", error.detail)


def _check_spec(path: Path, rel: str, problems: list[Problem]) -> None:
    try:
        config.load_spec(path.as_uri())
    except EtlError as error:
        problems.append(_from_error(error, rel))


def _check_mapping(path: Path, rel: str, problems: list[Problem]) -> None:
    try:
        config.load_mapping(path.as_uri())
    except EtlError as error:
        problems.append(_from_error(error, rel))


def _check_json_object(path: Path, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        value = config.load_json(path.as_uri())
    except EtlError as error:
        problems.append(_from_error(error, rel))
        return None
    if not isinstance(value, dict):
        problems.append(Problem(rel, "$", "expected a JSON object"))
        return None
    return value


def _check_dependent(path: Path, rel: str, problems: list[Problem]) -> None:
    doc = _check_json_object(path, rel, problems)
    if doc is None:
        return
    depends_on = doc.get("depends_on")
    if depends_on is not None and not isinstance(depends_on, dict):
        problems.append(Problem(rel, "$.depends_on", "expected an object whose keys are <database>/<table> source keys"))
    elif isinstance(depends_on, dict):
        for key in depends_on:
            if key.count("/") != 1 or not all(key.split("/")):
                problems.append(Problem(rel, f"$.depends_on.{key}", "expected a <database>/<table> source key"))
    lookback = doc.get("lookback")
    units = {"years", "months", "weeks", "days", "hours", "minutes", "seconds", "microseconds"}
    if lookback is not None:
        if not isinstance(lookback, dict):
            problems.append(Problem(rel, "$.lookback", f"expected an object with relativedelta units ({', '.join(sorted(units))})"))
        else:
            for unit, amount in lookback.items():
                if unit not in units:
                    problems.append(Problem(rel, f"$.lookback.{unit}", f"unknown unit; expected one of {', '.join(sorted(units))}"))
                elif not isinstance(amount, int) or isinstance(amount, bool):
                    problems.append(Problem(rel, f"$.lookback.{unit}", f"expected a whole number, got {amount!r}"))


def _check_entity_match(path: Path, rel: str, problems: list[Problem]) -> None:
    spec = _check_json_object(path, rel, problems)
    if spec is None:
        return
    try:
        from .entity_match import validate_entity_match_spec  # type: ignore[attr-defined]
    except ImportError:
        return
    try:
        validate_entity_match_spec(spec, rel)
    except EtlError as error:
        problems.append(_from_error(error, rel))


def _check_sql(path: Path, rel: str, problems: list[Problem]) -> None:
    if not SQL_NAME.match(path.name):
        problems.append(Problem(rel, "", "not a SQL file name the jobs read; expected spark-, athena- or redshift-<DB>-<TBL>.sql"))
        return
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        problems.append(Problem(rel, "", "the SQL file is empty; the job would fail (delete it or write the query)"))
        return
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        problems.append(Problem(rel, "", f"cannot substitute variables: {error} (write literal braces as {{{{ and }}}})"))
        return
    for name in fields:
        base = re.split(r"[.\[]", name, maxsplit=1)[0]
        if base not in SQL_VARIABLES:
            problems.append(Problem(rel, f"{{{name}}}", f"unknown substitution variable; available: {', '.join(sorted(SQL_VARIABLES))}"))


def _check_dq(path: Path, rel: str, problems: list[Problem], checkers: list[RuleChecker]) -> None:
    from .dq.rules import DqRules, precheck, rule_error

    if not DQ_NAME.match(path.name):
        problems.append(Problem(rel, "", "not a DQ rules file name the jobs read; expected dq-<DB>-<TBL>.json"))
        return
    raw = _check_json_object(path, rel, problems)
    if raw is None:
        return
    try:
        model = DqRules.parse(raw, rel)
    except EtlError as error:
        problems.append(_from_error(error, rel))
        return
    for ref in model.all_rules():
        for check in (precheck, *checkers):
            problem = check(ref.text)
            if problem is not None:
                problems.append(_from_error(rule_error(rel, ref, problem), rel))
                break


def validate_config(root: Path, checkers: list[RuleChecker] | None = None) -> list[Problem]:
    """Every problem of the configuration folder ``root``; ``checkers`` add DQDL syntax checks."""
    problems: list[Problem] = []
    root = root.resolve()
    if not (root / "etl").is_dir():
        return [Problem(str(root), "", "no etl/ folder; expected etl/transformation-spec, etl/transformation-sql, etl/dq-rules")]
    for path in sorted((root / "etl").rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        rel = str(path.relative_to(root))
        folder = str(path.parent.relative_to(root))
        if folder == SPEC_DIR and path.name.endswith("-entitymatch.json"):
            _check_entity_match(path, rel, problems)
        elif folder == SPEC_DIR and path.name.endswith("-dependent.json"):
            _check_dependent(path, rel, problems)
        elif folder == SPEC_DIR and path.suffix == ".json":
            _check_spec(path, rel, problems)
        elif folder == SPEC_DIR and path.suffix == ".csv":
            _check_mapping(path, rel, problems)
        elif folder == SQL_DIR:
            _check_sql(path, rel, problems)
        elif folder == DQ_DIR:
            _check_dq(path, rel, problems, checkers or [])
        else:
            problems.append(Problem(rel, "", f"not read by any job; configuration files go in {SPEC_DIR}, {SQL_DIR} or {DQ_DIR}"))
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m insurancelake_etl.validate --config DIR [--json]`` (DQDL checked without Spark)."""
    parser = argparse.ArgumentParser(prog="python -m insurancelake_etl.validate", description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="configuration folder (with etl/...)")
    parser.add_argument("--json", action="store_true", help="print the problems as a JSON list")
    options = parser.parse_args(argv)
    problems = validate_config(Path(options.config).resolve())
    if options.json:
        sys.stdout.write(json.dumps([asdict(p) for p in problems]) + "\n")
    else:
        for problem in problems:
            sys.stdout.write(problem.line() + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
