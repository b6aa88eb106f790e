"""Transform families. Importing this package registers every transform: each module in this
folder (``types``, ``strings``, ``premium``, …) registers its functions with
:func:`registry.transform` at import time."""

import importlib
import pkgutil

from .registry import TransformDef, lookup, registered, run_transforms, transform

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "registry":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["TransformDef", "lookup", "registered", "run_transforms", "transform"]
