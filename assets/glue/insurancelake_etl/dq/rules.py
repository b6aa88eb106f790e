"""The data-quality rules file ``etl/dq-rules/dq-<DB>-<TBL>.json`` (reference §16.1, §16.2).

Shape::

    {
      "convert_single_quotes": true,                  # optional, default true
      "before_transform": {"warn_rules": [...], "quarantine_rules": [...], "halt_rules": [...]},
      "after_transform": {...},
      "after_sparksql": {...}
    }

Every rule is a DQDL rule string. With ``convert_single_quotes`` on (the default), every ``'`` of the
ruleset becomes ``"`` (kept as the reference: a literal single quote needs the option off).

:meth:`DqRules.parse` checks the shape and :meth:`DqRules.validate` checks every rule's DQDL syntax
(through an evaluator's parser) before any data is read. A problem fails the run with the file, the
JSON location (``$.<stage>.<action>_rules[<i>]``) and, for syntax errors, the column in the rule.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError

logger = logging.getLogger(__name__)

STAGES: tuple[str, ...] = ("before_transform", "after_transform", "after_sparksql")
# The order the actions run in (reference §16.4).
ACTIONS: tuple[str, ...] = ("warn", "quarantine", "halt")
RULESET_PREFIX = "Rules = [ "
RULESET_SUFFIX = " ]"


def action_key(action: str) -> str:
    """The JSON key of an action's rule list: ``warn`` → ``warn_rules``."""
    return f"{action}_rules"


def ruleset_text(rules: list[str]) -> str:
    """The DQDL ruleset for ``rules``: ``Rules = [ r1,r2 ]`` (quote conversion already applied)."""
    return RULESET_PREFIX + ",".join(rules) + RULESET_SUFFIX


@dataclass(frozen=True)
class RuleRef:
    """One rule of the file: where it is (stage, action, index) and its text as evaluated."""

    stage: str
    action: str
    index: int
    text: str
    raw: str

    @property
    def location(self) -> str:
        """The JSON location of the rule, e.g. ``$.before_transform.quarantine_rules[1]``."""
        return f"$.{self.stage}.{action_key(self.action)}[{self.index}]"


@dataclass(frozen=True)
class SyntaxProblem:
    """A rule the DQDL parser rejects: the 1-based column in the rule (when known) and why."""

    message: str
    column: int | None = None


# A parser check: the problem with one rule's DQDL, or None when it parses (and can be evaluated).
RuleChecker = Callable[[str], "SyntaxProblem | None"]


@dataclass
class DqRules:
    """The parsed rules file: ``rules[stage][action]`` holds the rule strings ready for DQDL."""

    file: str
    convert_single_quotes: bool = True
    rules: dict[str, dict[str, list[RuleRef]]] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: dict[str, Any], file: str) -> DqRules:
        """Check the shape of the rules file content ``raw`` and build the model.

        A key that is neither a stage nor ``convert_single_quotes`` is ignored as the reference does,
        with a warning that names the closest stage.
        """
        if not isinstance(raw, dict):
            raise ConfigError("DQ rules must be a JSON object", file=file, location="$")
        convert = raw.get("convert_single_quotes", True)
        if not isinstance(convert, bool):
            raise ConfigError(
                f"convert_single_quotes must be true or false, got {convert!r}",
                file=file,
                location="$.convert_single_quotes",
            )
        model = cls(file=file, convert_single_quotes=convert)
        for key, section in raw.items():
            if key == "convert_single_quotes":
                continue
            if key not in STAGES:
                close = difflib.get_close_matches(key, STAGES, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                logger.warning("%s: $.%s is not a data-quality stage and is ignored%s", file, key, hint)
                continue
            if not isinstance(section, dict):
                raise ConfigError(
                    f"a stage must be an object with warn_rules, quarantine_rules or halt_rules, got {type(section).__name__}",
                    file=file,
                    location=f"$.{key}",
                )
            stage_rules: dict[str, list[RuleRef]] = {}
            for action in ACTIONS:
                values = section.get(action_key(action))
                if values is None:
                    continue
                where = f"$.{key}.{action_key(action)}"
                if not isinstance(values, list):
                    raise ConfigError(f"expected a list of DQDL rule strings, got {type(values).__name__}", file=file, location=where)
                refs = []
                for i, value in enumerate(values):
                    if not isinstance(value, str) or not value.strip():
                        raise ConfigError(
                            f"expected a non-empty DQDL rule string, got {value!r}", file=file, location=f"{where}[{i}]"
                        )
                    text = value.replace("'", '"') if convert else value
                    refs.append(RuleRef(stage=key, action=action, index=i, text=text.strip(), raw=value))
                stage_rules[action] = refs
            for other in section:
                if other not in {action_key(a) for a in ACTIONS}:
                    logger.warning("%s: $.%s.%s is not a rule list and is ignored", file, key, other)
            model.rules[key] = stage_rules
        return model

    def stage_rules(self, stage: str, action: str) -> list[RuleRef]:
        """The rules of ``stage`` for ``action`` (empty when none)."""
        return self.rules.get(stage, {}).get(action, [])

    def has_rules(self, stage: str) -> bool:
        """Whether ``stage`` has at least one rule."""
        return any(self.rules.get(stage, {}).get(a) for a in ACTIONS)

    def all_rules(self) -> list[RuleRef]:
        """Every rule of the file, stage by stage in file order."""
        return [ref for stage in self.rules.values() for refs in stage.values() for ref in refs]

    def validate(self, checkers: list[RuleChecker]) -> None:
        """Check every rule with :func:`precheck` and then each of ``checkers`` (the evaluator's DQDL
        parser); the first problem raises a ConfigError naming the file, stage, rule and column."""
        for ref in self.all_rules():
            for check in (precheck, *checkers):
                problem = check(ref.text)
                if problem is not None:
                    raise rule_error(self.file, ref, problem)


def rule_error(file: str, ref: RuleRef, problem: SyntaxProblem) -> ConfigError:
    """The ConfigError for a rule the parser rejects."""
    where = f" at column {problem.column}" if problem.column else ""
    return ConfigError(
        f"DQDL error{where} in {ref.stage} {ref.action} rule {ref.text!r}: {problem.message}",
        file=file,
        location=ref.location,
    )


_PAIRS = {"(": ")", "[": "]"}


def precheck(rule: str) -> SyntaxProblem | None:
    """A parser-independent check for the mistakes that make DQDL unreadable: an unclosed string,
    an unbalanced bracket or parenthesis, a rule that starts with neither a rule type nor ``(``."""
    first = rule.lstrip()[:1]
    if not (first.isalpha() or first == "("):
        return SyntaxProblem("a rule starts with a rule type such as IsComplete, or ( for a composite rule", 1)
    stack: list[tuple[str, int]] = []
    quote_at: int | None = None
    for pos, char in enumerate(rule, start=1):
        if quote_at is not None:
            if char == '"':
                quote_at = None
            continue
        if char == '"':
            quote_at = pos
        elif char in _PAIRS:
            stack.append((char, pos))
        elif char in _PAIRS.values():
            if not stack or _PAIRS[stack[-1][0]] != char:
                return SyntaxProblem(f"unbalanced {char!r}", pos)
            stack.pop()
    if quote_at is not None:
        hint = "" if "'" not in rule else " (convert_single_quotes is off, so single quotes are literal)"
        return SyntaxProblem(f"string opened here is never closed{hint}", quote_at)
    if stack:
        char, pos = stack[-1]
        return SyntaxProblem(f"{char!r} opened here is never closed", pos)
    return None
