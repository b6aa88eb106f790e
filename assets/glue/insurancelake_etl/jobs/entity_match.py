"""Consume entity match (reference §7, §19): not implemented yet."""

from __future__ import annotations

from typing import Any

from pyspark.sql import SparkSession

from ..errors import EtlError
from . import JobResult


def run(args: dict[str, str], spark: SparkSession, runtime: Any) -> JobResult:
    """Match incoming Consume rows against the primary entity table (to be implemented)."""
    raise EtlError("entity match is not implemented yet", file=args.get("source_key"))
