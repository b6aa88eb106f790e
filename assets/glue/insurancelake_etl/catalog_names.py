"""Which database and table names the catalog can hold, checked when a job's arguments are parsed,
before anything is read or created (no empty folders in the warehouse).

The Glue API takes any UTF-8 name, but the engine writes the names unquoted in Spark SQL and users
query them in Athena, which admit only letters, digits and ``_`` in database, table and column names;
Spark also reads a name of digits (``2024``, ``1e5``) as a number. Names are stored in lower case, so
upper case in a Collect folder name is fine. The trigger Lambda applies the same rule to Collect keys
(``src/orchestration/lambda/catalog-name.ts``); this is the engine's own check for jobs started
any other way.
"""

from __future__ import annotations

import re

from .errors import ArgumentValueError

GLUE_NAME_MAX = 255
# The longest names derived from a database or table folder: <db>_consume, <tbl>_quarantine_before_transform.
DATABASE_SUFFIX = "_consume"
TABLE_SUFFIX = "_quarantine_before_transform"
ALLOWED = (
    "allowed: the letters A-Z and a-z, the digits 0-9 and _, not starting with a digit "
    "(upper case is fine: names are stored in lower case)"
)
_ALLOWED_CHARACTER = re.compile(r"[A-Za-z0-9_]")


def _describe(ch: str) -> str:
    if ch == " ":
        return "space"
    code = f"U+{ord(ch):04X}"
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return code
    return f'"{ch}"' if ord(ch) < 0x80 else f'"{ch}" ({code})'


def check_catalog_name(name: str, argument: str, role: str) -> str:
    """``name`` when the catalog can hold it as a ``role`` (``database`` or ``table``) name; an
    ArgumentValueError naming ``--argument``, the characters that are wrong and those allowed."""
    bad = sorted({ch for ch in name if not _ALLOWED_CHARACTER.fullmatch(ch)}, key=name.index)
    prefix = f'--{argument} "{name}" (the {role} folder of the Collect key)'
    if not name:
        raise ArgumentValueError(f"{prefix}: is empty; {ALLOWED}")
    if bad:
        raise ArgumentValueError(f"{prefix}: not a valid catalog name: it contains {', '.join(map(_describe, bad))}; {ALLOWED}")
    if name[0].isdigit():
        raise ArgumentValueError(f"{prefix}: not a valid catalog name: it starts with a digit; {ALLOWED}")
    longest = GLUE_NAME_MAX - len(DATABASE_SUFFIX if role == "database" else TABLE_SUFFIX)
    if len(name) > longest:
        raise ArgumentValueError(f"{prefix}: is {len(name)} characters long; at most {longest} are allowed")
    return name
