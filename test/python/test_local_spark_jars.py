"""Jars of your own for local runs: ``INSURANCELAKE_EXTRA_JARS`` (the CLI adds ``<config>/jars/*.jar``)
become the local session's ``spark.jars``; a path that is not a file is an error, not a Spark warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from insurancelake_local.spark import EXTRA_JARS_ENV, extra_jars


def test_extra_jars_are_the_variables_paths_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.jar", tmp_path / "b.jar"
    first.write_bytes(b"PK")
    second.write_bytes(b"PK")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(EXTRA_JARS_ENV, "a.jar, " + str(second) + ",")
    assert extra_jars() == [str(first), str(second)]


def test_no_variable_means_no_extra_jars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EXTRA_JARS_ENV, raising=False)
    assert extra_jars() == []


def test_a_missing_jar_names_the_variable_and_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXTRA_JARS_ENV, str(tmp_path / "gone.jar"))
    with pytest.raises(ValueError, match=rf"^{EXTRA_JARS_ENV}: .*gone\.jar is not a file"):
        extra_jars()
