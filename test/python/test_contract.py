"""The contract (contract.json) as the engine reads it, and the engine zip Glue gets in --extra-py-files:
the contract and schemas load from the zip, and the local-only parts are not in it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from insurancelake_etl.contract import CONTRACT
from insurancelake_etl.jobs import load_job

ENGINE = Path(__file__).resolve().parents[2] / "assets" / "glue"
LOCAL_ONLY = ("worker.py", "moto_server.py", "validate.py", "lookup_loader.py", "datagen/", "spark.py", "local_catalog.py")


def engine_zip(target: Path) -> Path:
    """The engine zip as the construct's ``engineAsset`` (src/etl/etl-jobs.ts) builds it from
    ``assets/glue``: the ``insurancelake_etl`` package and the top-level ``*.py`` files except the
    ``etl_*.py`` entry scripts (which Glue gets as the job scripts), without caches."""
    path = target / "engine.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(ENGINE.rglob("*")):
            rel = file.relative_to(ENGINE).as_posix()
            if not file.is_file() or "__pycache__" in rel or rel.endswith(".pyc"):
                continue
            top_level_module = "/" not in rel and rel.endswith(".py") and not rel.startswith("etl_")
            if rel.startswith("insurancelake_etl/") or top_level_module:
                archive.write(file, rel)
    return path


def test_every_job_names_declared_arguments_and_has_an_engine_module():
    assert set(CONTRACT.jobs) == {"collect_to_cleanse", "cleanse_to_consume", "consume_entity_match"}
    for key, job in CONTRACT.jobs.items():
        assert set(job.arguments) <= set(CONTRACT.arguments)
        assert load_job(key).Args.KEY == key
        assert (ENGINE / job.script).is_file()


def test_an_unknown_job_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="expected one of collect_to_cleanse, cleanse_to_consume, consume_entity_match"):
        load_job("entity_match")


@pytest.mark.parametrize("key", sorted(CONTRACT.jobs))
def test_each_entry_script_checks_its_own_jobs_required_arguments(key):
    job = CONTRACT.job(key)
    completed = subprocess.run(
        [sys.executable, str(ENGINE / job.script), "--JOB_NAME=x"], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 1
    missing = ", ".join(f"--{name}" for name in job.required if name != "JOB_NAME")
    assert f"the following arguments are required: {missing}" in completed.stderr


def test_the_engine_zip_holds_the_contract_and_schemas_but_no_local_only_part(tmp_path):
    names = zipfile.ZipFile(engine_zip(tmp_path)).namelist()
    assert "insurancelake_etl/contract.json" in names
    assert "insurancelake_etl/schemas/dq-rules.schema.json" in names
    assert {"glue_runtime.py", "glue_dq.py"} <= set(names)
    assert not [n for n in names if n.startswith("etl_") or n.startswith("insurancelake_local")]
    assert not [n for n in names if n.endswith(LOCAL_ONLY) or any(f"/{part}" in n for part in LOCAL_ONLY)]


def test_the_engine_imports_from_the_zip_and_reads_its_contract_and_schemas(tmp_path):
    archive = engine_zip(tmp_path)
    code = f"""
import importlib.util, json, sys
sys.path.insert(0, {str(archive)!r})
import glue_runtime, insurancelake_etl
from insurancelake_etl.contract import CONTRACT
from insurancelake_etl.jobs import load_job
from insurancelake_etl.schema_check import shipped_validator
from insurancelake_etl.spec_schema import build_schema
for key in CONTRACT.jobs:
    load_job(key)
for name in ("dq-rules", "dependent", "mapping", "entitymatch-spec", "transformation-spec"):
    shipped_validator(name)
print(json.dumps({{
    "engine": insurancelake_etl.__file__,
    "jobs": {{key: list(job.required) for key, job in CONTRACT.jobs.items()}},
    "schema": build_schema(),
    "local": importlib.util.find_spec("insurancelake_local") is not None,
}}))
"""
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    found = json.loads(completed.stdout.strip().splitlines()[-1])
    assert found["engine"].startswith(str(archive))
    assert found["jobs"] == {key: list(job.required) for key, job in CONTRACT.jobs.items()}
    shipped = json.loads((ENGINE / "insurancelake_etl" / "schemas" / "transformation-spec.schema.json").read_text())
    assert found["schema"] == shipped
    assert found["local"] is False
