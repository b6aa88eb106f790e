"""Input readers of the Collect→Cleanse job (reference §13). Importing this package registers every
reader: each module in this folder registers its function with :func:`registry.reader`.

Dispatch, first match wins: ``fixed`` in ``input_spec`` → fixed width; an Excel extension (``.xlsx``,
``.xlsm``, ``.xls``, Decision D5) → Excel; ``.json``/``.jsonl`` → JSON; ``.xml`` → XML; ``.parquet``
or ``parquet`` in ``input_spec`` → Parquet; anything else → delimited text.
"""

import importlib
import pkgutil

from .registry import ReaderDef, ReadRequest, ReadResult, pick, read_input, reader, recommended_input_spec, registered

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("registry", "options"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "ReadRequest",
    "ReadResult",
    "ReaderDef",
    "pick",
    "read_input",
    "reader",
    "recommended_input_spec",
    "registered",
]
