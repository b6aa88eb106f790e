"""The DQ rules file model: shape checks, single-quote conversion and the syntax pre-check."""

from __future__ import annotations

import pytest
from insurancelake_etl.dq.rules import DqRules, SyntaxProblem, precheck, ruleset_text
from insurancelake_etl.errors import ConfigError

FILE = "etl/dq-rules/dq-Db-Tbl.json"


def test_single_quotes_become_double_quotes_by_default():
    rules = DqRules.parse({"before_transform": {"warn_rules": ["IsComplete 'a'"]}}, FILE)
    assert [r.text for r in rules.stage_rules("before_transform", "warn")] == ['IsComplete "a"']


def test_convert_single_quotes_false_keeps_them():
    raw = {"convert_single_quotes": False, "after_transform": {"halt_rules": ['ColumnValues "a" = "it\'s"']}}
    rules = DqRules.parse(raw, FILE)
    assert rules.stage_rules("after_transform", "halt")[0].text == 'ColumnValues "a" = "it\'s"'


def test_ruleset_joins_rules_with_commas():
    assert ruleset_text(['IsComplete "a"', 'RowCount > 0']) == 'Rules = [ IsComplete "a",RowCount > 0 ]'


def test_rules_keep_stage_action_and_json_location():
    raw = {"after_sparksql": {"quarantine_rules": ["IsComplete 'a'", "IsComplete 'b'"]}}
    ref = DqRules.parse(raw, FILE).stage_rules("after_sparksql", "quarantine")[1]
    assert (ref.stage, ref.action, ref.index, ref.location) == (
        "after_sparksql", "quarantine", 1, "$.after_sparksql.quarantine_rules[1]",
    )


def test_a_stage_without_rules_has_none():
    rules = DqRules.parse({"before_transform": {"warn_rules": []}}, FILE)
    assert not rules.has_rules("before_transform")
    assert not rules.has_rules("after_transform")


def test_a_rule_list_that_is_not_a_list_names_its_location():
    with pytest.raises(ConfigError, match=r"dq-Db-Tbl.json: \$.before_transform.halt_rules: expected a list"):
        DqRules.parse({"before_transform": {"halt_rules": "IsComplete 'a'"}}, FILE)


def test_a_rule_that_is_not_a_string_names_its_index():
    with pytest.raises(ConfigError, match=r"\$.after_transform.warn_rules\[1\]: expected a non-empty DQDL rule string"):
        DqRules.parse({"after_transform": {"warn_rules": ["IsComplete 'a'", 5]}}, FILE)


def test_a_stage_that_is_not_an_object_fails():
    with pytest.raises(ConfigError, match=r"\$.after_transform: a stage must be an object"):
        DqRules.parse({"after_transform": ["IsComplete 'a'"]}, FILE)


def test_convert_single_quotes_must_be_boolean():
    with pytest.raises(ConfigError, match=r"\$.convert_single_quotes: convert_single_quotes must be true or false"):
        DqRules.parse({"convert_single_quotes": "yes"}, FILE)


def test_an_unknown_stage_is_ignored_with_a_hint(caplog):
    rules = DqRules.parse({"before_transforms": {"warn_rules": ["IsComplete 'a'"]}}, FILE)
    assert rules.all_rules() == []
    assert "did you mean 'before_transform'" in caplog.text


def test_precheck_finds_an_unclosed_string_and_its_column():
    assert precheck('ColumnValues "a" matches "[0-9]') == SyntaxProblem("string opened here is never closed", 26)


def test_precheck_finds_an_unclosed_bracket():
    assert precheck('ColumnValues "a" in [ "x", "y"') == SyntaxProblem("'[' opened here is never closed", 21)


def test_precheck_finds_a_stray_closing_parenthesis():
    assert precheck('IsComplete "a")') == SyntaxProblem("unbalanced ')'", 15)


def test_precheck_ignores_brackets_inside_strings():
    assert precheck('ColumnValues "a" matches "[(]"') is None


def test_validate_reports_file_stage_rule_and_column():
    raw = {"after_transform": {"quarantine_rules": ["IsComplete 'a'", "ColumnValues 'b' in [ 'x'"]}}
    rules = DqRules.parse(raw, FILE)
    with pytest.raises(ConfigError) as info:
        rules.validate([])
    assert str(info.value) == (
        f"{FILE}: $.after_transform.quarantine_rules[1]: DQDL error at column 21 in after_transform quarantine "
        "rule 'ColumnValues \"b\" in [ \"x\"': '[' opened here is never closed"
    )


def test_validate_runs_the_evaluator_check_on_every_rule():
    rules = DqRules.parse({"before_transform": {"warn_rules": ["IsComplete 'a'"], "halt_rules": ["Bogus 'b'"]}}, FILE)
    seen: list[str] = []

    def checker(rule: str) -> SyntaxProblem | None:
        seen.append(rule)
        return SyntaxProblem("Rule Type: Bogus is not valid") if rule.startswith("Bogus") else None

    with pytest.raises(ConfigError, match=r"\$.before_transform.halt_rules\[0\]: DQDL error in before_transform halt rule"):
        rules.validate([checker])
    assert seen == ['IsComplete "a"', 'Bogus "b"']
