"""Schema mapping (reference §14) and the recommendations written when there is none (§8.6, §8.7).

The mapping file renames, selects and drops source fields: direct rows first (in file order), then
fuzzy rows (rapidfuzz) over the fields still unmapped. Fields no row selects are dropped.
"""

from __future__ import annotations

import copy
import csv
import io
import logging
import sys
from collections.abc import Mapping
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DataType, DoubleType, FloatType, StructType

from .context import JobContext
from .errors import ConfigError

logger = logging.getLogger(__name__)

def escape(name: str) -> str:
    """Wrap a column name in backticks unless it already contains one (nested names come pre-escaped)."""
    return name if "`" in name else f"`{name}`"


def unescape(name: str) -> str:
    """Remove every backtick: `` `a`.`b` `` → ``a.b``."""
    return name.replace("`", "")


def _quote(part: str) -> str:
    return "`" + part.replace("`", "``") + "`"


def flatten_schema(schema: StructType) -> dict[str, str]:
    """Every field at every nesting level as ``dotted name → column reference`` (escaped level by level).

    Structs are descended into; arrays of structs are descended into with the same prefix. Order is
    depth-first in schema order, as the reference's ``flatten_schema``.
    """
    out: dict[str, str] = {}

    def walk(data_type: DataType, name_prefix: str, ref_prefix: str) -> None:
        if isinstance(data_type, ArrayType):
            walk(data_type.elementType, name_prefix, ref_prefix)
            return
        if not isinstance(data_type, StructType):
            return
        for struct_field in data_type.fields:
            name = f"{name_prefix}{struct_field.name}"
            ref = f"{ref_prefix}{_quote(struct_field.name)}"
            out.setdefault(name, ref)
            walk(struct_field.dataType, name + ".", ref + ".")

    walk(schema, "", "")
    return out


def _is_blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def check_unique_targets(rows: list[dict[str, Any]], file: str) -> None:
    """A ConfigError when two mapping rows have the same ``DestName`` (``null`` excepted): Spark would
    make two columns of one name, which no table can hold. Rows are numbered as lines of the CSV
    file (the header is line 1)."""
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        dest = str(row.get("destname") or "").strip()
        if not dest or dest.lower() == "null":
            continue
        first = seen.setdefault(dest.lower(), number)
        if first != number:
            raise ConfigError(
                f"DestName {dest!r} is the target of rows {first} and {number}; expected each DestName once",
                file=file,
                location=f"line {number}",
            )


def _say(message: str) -> None:
    """A mapping diagnostic on stdout and in the job log, where the reference prints it."""
    sys.stdout.write(message + "\n")
    logger.info(message)


def apply_mapping(df: DataFrame, rows: list[dict[str, Any]], ctx: JobContext, *, strict: bool) -> DataFrame:
    """Select, rename and drop fields as the mapping rows say (reference ``custommapping``).

    Direct rows (no threshold) select ``SourceName`` as ``DestName`` in file order; ``null`` drops the
    field; a missing source field is skipped, or under ``strict`` left in the select so that Spark
    fails. Fuzzy rows then match the still-unmapped flattened names (``score >= threshold``) and come
    after all direct columns. Nested names work in both passes (Decision D7). Everything unmapped is
    dropped. Records lineage ``mapping`` with the rows (a fuzzy match is stored in ``row['match']``).
    """
    flat = flatten_schema(df.schema)
    unmapped = list(flat)
    direct: list[Any] = []
    fuzzy: list[Any] = []

    for row in rows:
        if not _is_blank(row.get("threshold")):
            continue
        source = row.get("sourcename") or ""
        dest = row.get("destname") or ""
        plain = unescape(source)
        # As the reference: "in the schema" means "still unmapped", so a second row for the same
        # source field is treated like a missing field.
        in_schema = plain in unmapped
        if in_schema:
            unmapped.remove(plain)
        if dest.lower() == "null":
            if not in_schema and strict:
                # Decision D13: the reference documentation says this fails; the code does not.
                logger.warning("Mapping drops field %r, which is not in the source data", source)
            continue
        if in_schema or strict:
            direct.append(F.col(escape(source)).alias(dest))
        else:
            logger.info("Mapped field %r not found in source data; skipped", source)

    if unmapped:
        from rapidfuzz import fuzz, process, utils

        for row in rows:
            threshold = row.get("threshold")
            if _is_blank(threshold) or not unmapped:
                continue
            source = row.get("sourcename") or ""
            dest = row.get("destname") or ""
            scorer = getattr(fuzz, str(row.get("scorer")))
            result = process.extractOne(source, unmapped, processor=utils.default_process, scorer=scorer)
            if result is None:
                continue
            match, score = result[0], result[1]
            passed = score >= int(str(threshold).strip())
            _say(
                f"Fuzzy matched {source!r} to {match!r} with score {score} (threshold {threshold}): "
                + ("mapped" if passed else "not mapped")
            )
            if not passed:
                continue
            unmapped.remove(match)
            row["match"] = match
            if dest.lower() != "null":
                fuzzy.append(F.col(flat[match]).alias(dest))

    _say(f"Discarded unmapped fields {unmapped}")
    out = df.select(*direct, *fuzzy)
    ctx.lineage.update_lineage(out, ctx.dataset, "mapping", map=rows)
    return out


def clean_name(name: str) -> str:
    """The cleaned column name of §8.6: trimmed, ≤ 255 chars, lowercased, punctuation removed/replaced."""
    out = name.strip()[:255].lower()
    for ch in ",;{}()=\n\r\t":
        out = out.replace(ch, "")
    for ch in " .:":
        out = out.replace(ch, "_")
    out = out.replace("_-_", "-")
    out = out.replace("__", "_")
    out = out.replace("__", "_")
    return out


def clean_names(df: DataFrame) -> list[dict[str, str]]:
    """``[{'sourcename': original, 'destname': cleaned}, …]`` for every top-level field."""
    return [{"sourcename": name, "destname": clean_name(name)} for name in df.columns]


def clean_column_names(df: DataFrame) -> DataFrame:
    """Rename every top-level field to its cleaned name (used when there is no mapping file)."""
    return df.select(*[F.col(_quote(row["sourcename"])).alias(row["destname"]) for row in clean_names(df)])


def recommended_mapping_csv(df: DataFrame) -> str:
    """The recommended mapping CSV (header ``sourcename,destname``) for the fields of ``df`` as read."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["sourcename", "destname"])
    writer.writeheader()
    writer.writerows(clean_names(df))
    return buffer.getvalue()


def recommended_spec(df: DataFrame, input_spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """The recommended spec of §8.7 for ``df`` (after mapping or name cleaning).

    ``input_spec`` when the file's reader recommends one (Excel: sheet and address, see
    ``readers.excel``); ``changetype`` to decimal(16,2) for double/float fields, ``date`` (format
    MM/dd/yy) for names containing "date" (any case) and ``timestamp`` (format yyyy-MM-dd HH:mm:ss)
    for names containing "time". Empty suggestions are left out.
    """
    spec: dict[str, Any] = {}
    if input_spec:
        spec["input_spec"] = copy.deepcopy(dict(input_spec))
    changetype = {f.name: "decimal(16,2)" for f in df.schema.fields if isinstance(f.dataType, (DoubleType, FloatType))}
    dates = [{"field": f.name, "format": "MM/dd/yy"} for f in df.schema.fields if "date" in f.name.lower()]
    times = [{"field": f.name, "format": "yyyy-MM-dd HH:mm:ss"} for f in df.schema.fields if "time" in f.name]
    transform_spec: dict[str, Any] = {}
    if changetype:
        transform_spec["changetype"] = changetype
    if dates:
        transform_spec["date"] = dates
    if times:
        transform_spec["timestamp"] = times
    spec["transform_spec"] = transform_spec
    return spec
