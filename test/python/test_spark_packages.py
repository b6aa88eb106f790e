"""spark_packages.json: the one declaration of the engine's Spark packages."""

from __future__ import annotations

import pytest
from insurancelake_etl.errors import ConfigError
from insurancelake_etl.spark_packages import PACKAGES, SparkPackage, require_package
from insurancelake_local.maven import CORE_PACKAGES


def test_the_local_session_loads_exactly_the_declared_packages():
    assert CORE_PACKAGES == tuple(p.coordinate for p in PACKAGES.values())


def test_every_package_says_how_glue_gets_it():
    assert all(p.glue in ("native", "extra_jars", "refused") and p.glue_note for p in PACKAGES.values())
    assert all(p.glue_arguments for p in PACKAGES.values() if p.glue == "native")


def test_a_present_package_passes_the_check(spark):
    require_package(spark, "xml")


def test_a_missing_package_names_the_feature_the_coordinate_and_how_glue_gets_it(spark, monkeypatch):
    missing = SparkPackage("xml", "com.example:absent:1.0", "XML input", "extra_jars", "Pass it in extraJars.", {}, "com.example.Absent")
    monkeypatch.setitem(PACKAGES, "xml", missing)
    with pytest.raises(ConfigError, match=r"spec.json: \$.xml: XML input needs the Spark package com.example:absent:1.0.*extraJars"):
        require_package(spark, "xml", file="spec.json", location="$.xml")


def test_an_xml_file_without_spark_xml_fails_naming_the_file_and_extra_jars(spark, monkeypatch, tmp_path):
    from insurancelake_etl.readers import ReadRequest, read_input

    source = tmp_path / "policies.xml"
    source.write_text("<rows><row><id>1</id></row></rows>", encoding="utf-8")
    missing = SparkPackage("xml", "com.example:absent:1.0", "XML input", "extra_jars", "Pass it in extraJars.", {}, "com.example.Absent")
    monkeypatch.setitem(PACKAGES, "xml", missing)
    with pytest.raises(ConfigError, match=r"Db/Tbl/policies.xml: \$.input_spec.xml: XML input needs .*extraJars"):
        read_input(ReadRequest(spark, str(source), {}, (), "Db/Tbl/policies.xml"))
