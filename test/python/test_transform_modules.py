"""The user's transform modules: loaded by name from a folder, their keys in the spec schema, and
every way a module can be wrong reported with its file and the reason."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from insurancelake_etl import spec_schema
from insurancelake_etl.errors import ConfigError
from insurancelake_etl.transform_modules import UserTransformError, load_transform_modules, module_names, unload
from insurancelake_etl.transforms import run_transforms
from insurancelake_etl.transforms.registry import registered

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_MODULES = ROOT / "examples" / "transforms"
SPEC_FILE = "etl/transformation-spec/RatingDemo-Policies.json"


@pytest.fixture
def unloaded() -> Iterator[list[str]]:
    """Module names to forget after the test, so the registry stays the built-in one for the others."""
    names: list[str] = []
    yield names
    for name in names:
        unload(name)


def _module(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


OK_MODULE = """
    from insurancelake_etl.transforms import transform
    from pyspark.sql import functions as F

    @transform("shout", schema={"type": "array", "items": {"type": "string"}})
    def shout(df, spec, ctx):
        \"\"\"Upper-case the listed columns.\"\"\"
        return df.withColumns({c: F.upper(F.col(c)) for c in spec})
"""


def test_module_names_are_the_top_level_modules_and_packages(tmp_path: Path) -> None:
    _module(tmp_path, "rating", "")
    _module(tmp_path, "_helpers", "")
    _module(tmp_path, "test_rating", "")
    (tmp_path / "pricing").mkdir()
    (tmp_path / "pricing" / "__init__.py").write_text("")
    (tmp_path / "data").mkdir()
    assert module_names(tmp_path) == ["pricing", "rating"]


def test_a_loaded_module_adds_its_key_to_the_spec_schema_and_the_spec_check(tmp_path: Path, unloaded: list[str]) -> None:
    unloaded.append("shouting")
    _module(tmp_path, "shouting", OK_MODULE)
    spec = {"transform_spec": {"shout": ["name"]}}
    with pytest.raises(ConfigError, match="unknown transform 'shout'"):
        spec_schema.validate_spec(spec, SPEC_FILE)

    loaded = load_transform_modules(["shouting"], str(tmp_path))

    assert [d.name for d in loaded] == ["shout"]
    assert not loaded[0].builtin and loaded[0].origin == str(tmp_path / "shouting.py")
    spec_schema.validate_spec(spec, SPEC_FILE)
    with pytest.raises(ConfigError, match=r"\$\.transform_spec\.shout: 3 is a number; expected array \(Upper-case the listed columns\.\)"):
        spec_schema.validate_spec({"transform_spec": {"shout": 3}}, SPEC_FILE)
    assert "shout" not in spec_schema.render_schema(), "the shipped schema keeps only built-in keys"


def test_a_loaded_transform_runs_through_run_transforms(spark, ctx, tmp_path: Path, unloaded: list[str]) -> None:
    unloaded.append("shouting")
    _module(tmp_path, "shouting", OK_MODULE)
    load_transform_modules(["shouting"], str(tmp_path))
    df = spark.createDataFrame([("alice",)], ["name"])
    assert run_transforms(df, {"shout": ["name"]}, ctx).collect()[0].name == "ALICE"
    assert ctx.lineage.operations() == ["shout"]


def test_a_module_that_does_not_import_names_its_file_and_the_reason(tmp_path: Path, unloaded: list[str]) -> None:
    unloaded.append("broken")
    path = _module(tmp_path, "broken", "import rating_sdk_that_is_not_installed\n")
    with pytest.raises(ConfigError) as error:
        load_transform_modules(["broken"], str(tmp_path))
    assert str(error.value) == (
        f"{path}: cannot import transform module 'broken': "
        "ModuleNotFoundError: No module named 'rating_sdk_that_is_not_installed'"
    )


def test_a_key_of_a_built_in_transform_is_refused_naming_both_files(tmp_path: Path, unloaded: list[str]) -> None:
    unloaded.append("clash")
    path = _module(
        tmp_path,
        "clash",
        """
        from insurancelake_etl.transforms import transform

        @transform("currency", schema={"type": "object"})
        def my_currency(df, spec, ctx):
            return df
        """,
    )
    with pytest.raises(ConfigError) as error:
        load_transform_modules(["clash"], str(tmp_path))
    message = str(error.value)
    assert message.startswith(f"{path}: cannot import transform module 'clash': ValueError: transform 'currency' of {path}")
    assert "is already registered by the built-in transform 'currency' of " in message
    assert message.endswith("insurancelake_etl/transforms/types.py; choose another name")
    assert registered()["currency"].builtin


def test_two_user_modules_with_the_same_key_name_both_files(tmp_path: Path, unloaded: list[str]) -> None:
    unloaded += ["first", "second"]
    first = _module(tmp_path, "first", OK_MODULE)
    second = _module(tmp_path, "second", OK_MODULE)
    with pytest.raises(ConfigError, match=f"transform 'shout' of {second} is already registered by the transform 'shout' of {first}"):
        load_transform_modules(["first", "second"], str(tmp_path))


def test_an_invalid_spec_schema_names_the_module_and_the_problem(tmp_path: Path, unloaded: list[str]) -> None:
    unloaded.append("badschema")
    path = _module(
        tmp_path,
        "badschema",
        """
        from insurancelake_etl.transforms import transform

        @transform("scale", schema={"type": "object", "properties": {"factor": {"type": "numbr"}}})
        def scale(df, spec, ctx):
            return df
        """,
    )
    with pytest.raises(ConfigError) as error:
        load_transform_modules(["badschema"], str(tmp_path))
    assert str(error.value).startswith(f"{path}: transform 'scale' declares an invalid spec schema at properties/factor/type: ")
    assert "scale" not in registered(), "a refused module's registrations are undone"


def test_a_name_that_is_not_in_the_folder_is_refused(tmp_path: Path) -> None:
    _module(tmp_path, "pricing", "")
    with pytest.raises(ConfigError, match=r"--transform_modules: no module pricingg in .*; it holds pricing"):
        load_transform_modules(["pricingg"], str(tmp_path))


def test_an_eager_failure_of_a_user_transform_names_key_module_and_message(spark, ctx, tmp_path: Path, unloaded: list[str]) -> None:
    unloaded.append("eager")
    path = _module(
        tmp_path,
        "eager",
        """
        from insurancelake_etl.transforms import transform

        @transform("needs_field", schema={"type": "string"})
        def needs_field(df, spec, ctx):
            raise KeyError(spec)
        """,
    )
    load_transform_modules(["eager"], str(tmp_path))
    with pytest.raises(UserTransformError) as error:
        run_transforms(spark.createDataFrame([(1,)], ["a"]), {"needs_field:2": "premium"}, ctx)
    assert str(error.value) == f"$.transform_spec.needs_field:2: transform 'needs_field:2' (module eager, {path}) failed: KeyError: 'premium'"


def test_the_example_modules_schema_file_is_up_to_date(unloaded: list[str]) -> None:
    unloaded.append("rating")
    assert spec_schema.main(["--modules", str(EXAMPLE_MODULES), "--check"]) == 0, (
        "run: python -m insurancelake_etl.spec_schema --modules examples/transforms --write"
    )


def test_a_changed_module_makes_its_schema_file_stale(tmp_path: Path, unloaded: list[str], capsys) -> None:
    unloaded.append("shouting")
    _module(tmp_path, "shouting", OK_MODULE)
    assert spec_schema.main(["--modules", str(tmp_path), "--write"]) == 0
    written = json.loads((tmp_path / "transforms.schema.json").read_text())
    assert written[spec_schema.USER_SECTION]["transforms"] == {
        "shout": {"module": "shouting", "file": "shouting.py", "def": "transform.shout"}
    }
    assert written["$defs"]["transform.shout"]["description"] == "Upper-case the listed columns."
    assert written["properties"]["transform_spec"]["patternProperties"]["^shout(:.*)?$"] == {"$ref": "#/$defs/transform.shout"}
    unload("shouting")
    _module(tmp_path, "shouting", OK_MODULE.replace('"string"', '"string", "minLength": 1'))
    assert spec_schema.main(["--modules", str(tmp_path), "--check"]) == 1
    assert "transforms.schema.json is out of date; run python -m insurancelake_etl.spec_schema --modules" in capsys.readouterr().err


def test_validate_with_transforms_knows_the_user_keys(unloaded: list[str]) -> None:
    from insurancelake_local.validate import validate_config

    config = ROOT / "examples" / "config-transforms"
    without = validate_config(config)
    assert [(p.file, p.path) for p in without] == [(SPEC_FILE, "$.transform_spec.rate_policies")]
    assert "unknown transform 'rate_policies'" in without[0].message
    unloaded.append("rating")
    assert validate_config(config, transforms=EXAMPLE_MODULES) == []


def test_validate_reports_a_module_that_does_not_load_and_a_stale_schema_file(tmp_path: Path, unloaded: list[str]) -> None:
    from insurancelake_local.validate import main, validate_config

    unloaded += ["broken", "shouting"]
    config = ROOT / "examples" / "config-transforms"
    broken = tmp_path / "broken"
    broken.mkdir()
    path = _module(broken, "broken", "raise RuntimeError('rating token not set')\n")
    problems = validate_config(config, transforms=broken)
    assert [p.line() for p in problems] == [f"{path}: cannot import transform module 'broken': RuntimeError: rating token not set"]
    assert main(["--config", str(config), "--transforms", str(broken)]) == 1

    stale = tmp_path / "stale"
    stale.mkdir()
    _module(stale, "shouting", OK_MODULE)
    problems = validate_config(config, transforms=stale)
    assert problems[0].file == str(stale / "transforms.schema.json")
    assert problems[0].message.startswith("missing or out of date (cdk synth refuses it); run python -m insurancelake_etl.spec_schema --modules")


def test_validate_accepts_a_schema_file_whose_built_in_part_is_from_another_engine(tmp_path: Path, unloaded: list[str]) -> None:
    # cdk synth checks only the modules' part; an engine upgrade changes the built-in definitions.
    from insurancelake_local.validate import validate_config

    unloaded.append("shouting")
    _module(tmp_path, "shouting", OK_MODULE)
    assert spec_schema.main(["--modules", str(tmp_path), "--write"]) == 0
    schema_file = tmp_path / "transforms.schema.json"
    written = json.loads(schema_file.read_text())
    written["$defs"]["transform.addcolumns"]["description"] = "an older engine's words"
    schema_file.write_text(json.dumps(written, indent=2))
    config = ROOT / "examples" / "config-transforms"
    problems = validate_config(config, transforms=tmp_path)
    assert not any(p.file == str(schema_file) for p in problems)

    written["$defs"]["transform.shout"]["description"] = "edited by hand"
    schema_file.write_text(json.dumps(written, indent=2))
    problems = validate_config(config, transforms=tmp_path)
    assert [p.file for p in problems] == [str(schema_file)]
