"""Fetch the local SparkSession's Maven jars into the Ivy cache once: the CLI's last first-run step.

``python -m insurancelake_local.fetch_jars --check`` exits 0 when a previous fetch of the same
artifacts (packages, exclusions and Ivy settings) succeeded in this Ivy folder, 3 otherwise; without
``--check`` it starts a one-core SparkSession, which makes Spark's Ivy resolve and download them, then
records the success. Later sessions start offline from the cache.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

from .maven import CORE_PACKAGES, DQ_EXCLUDES, ivy_settings_xml
from .spark import ivy_dir

MISSING = 3


def stamp_path() -> Path:
    """The file that records a successful fetch of exactly these artifacts in the Ivy folder."""
    what = "\n".join([*CORE_PACKAGES, *DQ_EXCLUDES, ivy_settings_xml()])
    return Path(ivy_dir()) / f".insurancelake-jars-{hashlib.sha256(what.encode()).hexdigest()[:16]}"


def fetch() -> None:
    """Start and stop a SparkSession with the local runtime's packages, then write the stamp."""
    from .spark import build_local_spark

    with tempfile.TemporaryDirectory(prefix="insurancelake-jars-") as warehouse:
        build_local_spark(Path(warehouse).as_uri(), app_name="insurancelake-fetch-jars", master="local[1]").stop()
    stamp_path().write_text(",".join(CORE_PACKAGES) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--check`` only reports; otherwise fetch."""
    parser = argparse.ArgumentParser(prog="python -m insurancelake_local.fetch_jars", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 0 if the jars were fetched, 3 if not")
    args = parser.parse_args(argv)
    if args.check:
        return 0 if stamp_path().exists() else MISSING
    fetch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
