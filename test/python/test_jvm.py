"""py4j collections read without iterating them in Python (each iteration ends with a JVM exception
that PySpark converts, about 10 ms apiece)."""

from __future__ import annotations

import pyspark.errors.exceptions.captured as captured
import pytest

from insurancelake_etl.jvm import java_list, java_string_map, jvm


@pytest.fixture
def converted(monkeypatch):
    """The JVM exceptions PySpark converted during the test."""
    seen: list[object] = []
    original = captured.convert_exception

    def counting(error):
        seen.append(error)
        return original(error)

    monkeypatch.setattr(captured, "convert_exception", counting)
    return seen


def test_java_list_reads_every_element_in_order_without_a_jvm_exception(spark, converted):
    values = jvm(spark).java.util.ArrayList()
    for value in ("a", "b", "c"):
        values.add(value)
    assert java_list(values) == ["a", "b", "c"]
    assert java_list(jvm(spark).java.util.ArrayList()) == []
    assert java_list(None) == []
    assert converted == []


def test_java_string_map_reads_every_entry_as_text_without_a_jvm_exception(spark, converted):
    entries = jvm(spark).java.util.HashMap()
    entries.put("TargetColumn", "PolicyNumber")
    entries.put("Threshold", jvm(spark).java.lang.Integer(3))
    assert java_string_map(entries) == {"TargetColumn": "PolicyNumber", "Threshold": "3"}
    assert java_string_map(jvm(spark).java.util.HashMap()) == {}
    assert java_string_map(None) == {}
    assert converted == []


def test_iterating_a_py4j_list_does_convert_a_jvm_exception(spark, converted):
    """Why the helpers exist: if py4j stops raising at the end of an iteration, they can go."""
    values = jvm(spark).java.util.ArrayList()
    values.add("a")
    assert list(values) == ["a"]
    assert len(converted) == 1
