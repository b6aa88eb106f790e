"""The user's own transform modules: loaded at job start, before the spec is checked.

A team extends the engine with a folder of Python modules (``TransformModules`` in the construct)
whose functions are registered with the same :func:`~insurancelake_etl.transforms.transform`
decorator as the built-in transforms. On Glue the folder arrives as a zip in ``--extra-py-files``
(so its top-level modules are importable) and ``--transform_modules`` names them; the local runner
passes the folder itself as ``--transform_modules_path``. :func:`load_transform_modules` imports
them, which fills the registry, so the spec schema, the spec check and ``run_transforms`` know the
new keys.

What can go wrong is reported with the module's file: a module that does not import, a key that is
already registered (naming both files), a spec-value schema that is not a valid JSON Schema. A user
transform that fails while the job runs is reported as a :class:`UserTransformError` naming the
transform key, the module and the message (:func:`attributed_failure`).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import io
import os
import re
import sys
import tempfile
import traceback
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .errors import ConfigError, EtlError
from .transforms.registry import TransformDef, forget, registered

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Files of a module folder that are not modules the jobs import.
_NOT_MODULES = ("conftest.py", "setup.py")


class UserTransformError(EtlError):
    """A transform from the user's modules failed while the job ran."""


def module_names(folder: Path) -> list[str]:
    """The top-level modules of ``folder``: its ``*.py`` files and package folders (with an
    ``__init__.py``), without private (``_x``) and test (``test_x``) modules. The construct reads the
    folder the same way."""
    names = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(("_", ".", "test_")) or entry.name in _NOT_MODULES:
            continue
        if entry.is_file() and entry.suffix == ".py":
            names.append(entry.stem)
        elif entry.is_dir() and (entry / "__init__.py").is_file():
            names.append(entry.name)
    return names


def module_file(name: str) -> str:
    """Where module ``name`` is (its file, or the name when it cannot be found), for messages."""
    loaded = sys.modules.get(name)
    origin = getattr(loaded, "__file__", None)
    if not origin:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec else None
    return origin or f"{name}.py"


def _local_folder(path: str) -> Path:
    folder = Path(path.removeprefix("file://")).resolve()
    if not folder.is_dir():
        raise ConfigError(f"transform module folder {folder} does not exist", location="--transform_modules_path")
    return folder


def _ship_to_python_workers(spark: SparkSession, folder: Path, names: Sequence[str]) -> None:
    """Zip the modules and add the zip to Spark's Python path: a pandas UDF defined in a user module
    runs in a Python worker that imports the module, as Glue's ``--extra-py-files`` provides."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if relative.parts[0].removesuffix(".py") in names and path.is_file() and "__pycache__" not in relative.parts:
                archive.write(path, relative.as_posix())
    data = buffer.getvalue()
    # Spark refuses a second file of the same name with other content: the name carries a digest.
    target = Path(tempfile.gettempdir()) / f"insurancelake-transforms-{hashlib.sha256(data).hexdigest()[:16]}.zip"
    if not target.exists():
        target.write_bytes(data)
    if target.name not in (spark.sparkContext._python_includes or []):
        spark.sparkContext.addPyFile(str(target))


def _check_definitions(definitions: Iterable[TransformDef]) -> None:
    """Each key is a plain name (a ``:`` would read as a repeat suffix) and each spec-value schema a
    valid JSON Schema."""
    for definition in definitions:
        for key in (definition.name, *definition.aliases):
            if not _KEY.match(key):
                raise ConfigError(
                    f"transform key {key!r} is not a plain name; expected letters, digits and underscores",
                    file=definition.origin,
                )
        try:
            Draft202012Validator.check_schema(definition.schema)
        except SchemaError as error:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            raise ConfigError(
                f"transform {definition.name!r} declares an invalid spec schema at {where}: {error.message}",
                file=definition.origin,
            ) from None


def load_transform_modules(
    names: Sequence[str], path: str | None = None, spark: SparkSession | None = None
) -> list[TransformDef]:
    """Import the user's transform modules ``names`` (``--transform_modules``) and return the
    transforms they registered.

    ``path`` (``--transform_modules_path``, local runs) is the folder holding them: it is put on
    ``sys.path`` and, with ``spark``, shipped to Spark's Python workers. On Glue the modules are
    already importable from the ``--extra-py-files`` zip. Modules imported before are not imported
    again. A ConfigError names the module file and the reason when a module does not import,
    registers a key twice or declares an invalid schema; its registrations are then undone.
    """
    if path:
        folder = _local_folder(path)
        # First on the path, so that a module of the same name elsewhere does not win.
        if str(folder) in sys.path:
            sys.path.remove(str(folder))
        sys.path.insert(0, str(folder))
        missing = [n for n in names if n not in module_names(folder)]
        if missing:
            raise ConfigError(
                f"no module {', '.join(missing)} in {folder}; it holds {', '.join(module_names(folder)) or 'none'}",
                location="--transform_modules",
            )
        if spark is not None and names:
            _ship_to_python_workers(spark, folder, names)
    loaded: list[TransformDef] = []
    before = set(registered())
    for name in names:
        if name in sys.modules:
            if path and not Path(module_file(name)).resolve().is_relative_to(_local_folder(path)):
                raise ConfigError(
                    f"transform module {name!r} is already imported from {module_file(name)}, not from {path}",
                    location="--transform_modules",
                )
            loaded += [d for d in registered().values() if d.module_name == name or d.module_name.startswith(name + ".")]
            continue
        try:
            importlib.import_module(name)
        except EtlError:
            raise
        except Exception as error:  # noqa: BLE001 - any import failure is the user's module's
            unload(name)
            reason = traceback.format_exception_only(type(error), error)[-1].strip()
            raise ConfigError(f"cannot import transform module {name!r}: {reason}", file=module_file(name)) from error
        new = [d for key, d in registered().items() if key not in before and key == d.name]
        try:
            _check_definitions(new)
        except ConfigError:
            unload(name)
            raise
        loaded += new
        before |= {key for key in registered()}
    _schema_changed()
    return sorted({d.name: d for d in loaded}.values(), key=lambda d: d.name)


def unload(name: str) -> None:
    """Forget module ``name`` and its transforms (tests; a local worker that loads another folder)."""
    forget(name)
    _schema_changed()


def _schema_changed() -> None:
    from .spec_schema import _validator

    _validator.cache_clear()


def load_for_job(modules: Sequence[str], path: str | None, spark: SparkSession) -> list[TransformDef]:
    """What every job does first: load ``--transform_modules`` (from ``--transform_modules_path``
    on local runs), so the spec is checked against the built-in and the user's transforms."""
    return load_transform_modules(modules, path, spark) if modules else []


def attributed_failure(error: BaseException, transform_spec: dict[str, object]) -> UserTransformError | None:
    """The user transform a job failure comes from, as a :class:`UserTransformError`, or None.

    A pandas UDF fails when Spark runs it, which is at the write, long after ``run_transforms``
    returned; Spark's message carries the Python traceback, whose frames name the module file. The
    first user transform of ``transform_spec`` whose module file appears there is named.
    """
    if isinstance(error, EtlError):
        return None
    text = "".join(traceback.format_exception(error))
    known = registered()
    for key in transform_spec:
        definition = known.get(key.split(":", 1)[0])
        if definition is None or definition.builtin:
            continue
        file = definition.origin
        if file in text or os.path.basename(file) in text and definition.module_name in text:
            return user_transform_error(key, definition, _last_python_error(str(error)))
    return None


def user_transform_error(key: str, definition: TransformDef, message: str) -> UserTransformError:
    """The error of user transform ``key`` failing with ``message``."""
    return UserTransformError(
        f"transform {key!r} (module {definition.module_name}, {definition.origin}) failed: {message}",
        location=f"$.transform_spec.{key}",
    )


def _last_python_error(text: str) -> str:
    """The exception line of the Python traceback inside a Spark error (``RatingError: …``), else
    the first line of the text. Java frames (``\tat …``) and Java exception names are skipped."""
    python_part = text.split("\n\tat ", 1)[0]
    lines = [line.strip() for line in python_part.splitlines() if line.strip()]
    for line in reversed(lines):
        if _PYTHON_EXCEPTION_LINE.match(line) and not line.startswith(("org.", "java.", "py4j.", "scala.")):
            return line
    return lines[0] if lines else "unknown error"


_PYTHON_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Timeout|Failure|Refused)\b: \S")
