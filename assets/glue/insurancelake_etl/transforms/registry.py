"""The transform registry: every ``transform_spec`` key resolves here.

A transform is a function ``(df, spec_value, ctx) -> DataFrame`` registered with :func:`transform`
together with the JSON Schema of its spec value. The full spec JSON Schema is assembled from these
fragments, so a transform cannot exist without its validation.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pyspark.sql import DataFrame

from ..context import JobContext
from ..errors import ConfigError, EtlError

TransformFunc = Callable[[DataFrame, Any, JobContext], DataFrame]


@dataclass(frozen=True)
class TransformDef:
    """A registered transform: its spec key, function, spec-value schema and lineage operation."""

    name: str
    func: TransformFunc
    schema: dict[str, Any]
    aliases: tuple[str, ...] = ()
    # Operation name recorded in lineage after the transform ran; None when the function records
    # its own lineage (or none at all).
    lineage_operation: str | None = None

    @property
    def module_name(self) -> str:
        """The module that registered the transform (``insurancelake_etl.transforms.premium``, ``rating``)."""
        return self.func.__module__

    @property
    def builtin(self) -> bool:
        """True for the engine's own transforms, False for those of the user's transform modules."""
        return self.module_name.startswith(_BUILTIN_PREFIX)

    @property
    def origin(self) -> str:
        """The file of the function, for messages (the module name when it has none)."""
        try:
            return inspect.getsourcefile(self.func) or self.module_name
        except TypeError:
            return self.module_name

    @property
    def doc(self) -> str:
        """First line of the function's docstring: what the transform does."""
        return (self.func.__doc__ or "").strip().splitlines()[0] if self.func.__doc__ else ""


_REGISTRY: dict[str, TransformDef] = {}
_BUILTIN_PREFIX = (__package__ or "insurancelake_etl.transforms") + "."


def transform(
    name: str,
    *,
    schema: dict[str, Any],
    aliases: Iterable[str] = (),
    lineage: str | None | bool = True,
) -> Callable[[TransformFunc], TransformFunc]:
    """Register a transform under ``name`` (and ``aliases``): the public decorator of the built-in
    transforms and of the user's transform modules (see docs/authoring-transforms.md).

    ``schema`` is the JSON Schema (draft 2020-12) of the transform's spec value. ``lineage=True`` records ``update_lineage(df, source_key, name, transform=spec_value)`` after the
    function returns; a string records that operation name instead; ``False``/``None`` records
    nothing (the function does it itself).
    """

    def register(func: TransformFunc) -> TransformFunc:
        operation = name if lineage is True else (lineage or None)
        definition = TransformDef(name, func, schema, tuple(aliases), operation)
        keys = (name, *definition.aliases)
        for key in keys:
            if key in _REGISTRY:
                other = _REGISTRY[key]
                kind = "the built-in transform" if other.builtin else "the transform"
                raise ValueError(
                    f"transform {key!r} of {definition.origin} is already registered by {kind} "
                    f"{other.name!r} of {other.origin}; choose another name"
                )
        for key in keys:
            _REGISTRY[key] = definition
        return func

    return register


def _load_families() -> None:
    # Importing the package imports every family module, which fills the registry.
    importlib.import_module(__package__ or "insurancelake_etl.transforms")


def registered() -> dict[str, TransformDef]:
    """Every spec key the engine accepts (names and aliases), with its definition."""
    _load_families()
    return dict(_REGISTRY)


def forget(module: str) -> None:
    """Drop the transforms registered by module ``module`` (and its submodules) and the module
    itself, so that it can be loaded again (a failed load, tests, a long-lived local worker)."""
    for key, definition in list(_REGISTRY.items()):
        if not definition.builtin and (definition.module_name == module or definition.module_name.startswith(module + ".")):
            del _REGISTRY[key]
    for loaded in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        del sys.modules[loaded]


def spec_key_name(key: str) -> str:
    """The transform name of a spec key: ``date:2`` → ``date`` (the suffix only allows repeats)."""
    return key.split(":", 1)[0]


def lookup(key: str, *, spec_file: str = "transformation spec") -> TransformDef:
    """The transform for a spec key, or a ConfigError that suggests the closest valid name."""
    name = spec_key_name(key)
    known = registered()
    if name in known:
        return known[name]
    close = difflib.get_close_matches(name, known.keys(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ConfigError(
        f"unknown transform {name!r}{hint} (known: {', '.join(sorted(known))})",
        file=spec_file,
        location=f"$.transform_spec.{key}",
    )


def run_transforms(df: DataFrame, transform_spec: dict[str, Any], ctx: JobContext) -> DataFrame:
    """Apply ``transform_spec`` to ``df``: keys in file order, each through its registered function."""
    for key, value in transform_spec.items():
        definition = lookup(key, spec_file=ctx.spec_file)
        try:
            df = definition.func(df, value, ctx)
        except Exception as error:
            if definition.builtin or isinstance(error, EtlError):
                raise
            raise _user_failure(key, definition, error) from error
        if definition.lineage_operation:
            ctx.lineage.update_lineage(df, ctx.dataset, definition.lineage_operation, transform=value)
    return df


def _user_failure(key: str, definition: TransformDef, error: Exception) -> EtlError:
    from ..transform_modules import user_transform_error

    return user_transform_error(key, definition, f"{type(error).__name__}: {error}")
