"""Run one Glue entry script in this process with the lake's DynamoDB tables at hand: the program of
the launch configuration ``insurancelake ide vscode`` writes.

    INSURANCELAKE_LOCAL_AWS=<workdir>/ide/local-aws.json \\
        python -m insurancelake_local.debug_job <entry script> --JOB_NAME … (the job's arguments)

A job reads the lookup tables and writes the DQ results, lineage and hash tables. Before the entry
script starts, this module starts a moto server on a free loopback port in this process (Spark's
Python workers reach it over HTTP through ``AWS_ENDPOINT_URL``), creates the tables the file
describes and loads the lookup files into them, exactly as ``insurancelake run`` does. The entry
script then runs as ``__main__`` with ``sys.argv`` = the script and the arguments, so breakpoints in
it and in the engine hit as in a direct run; the server stops when the script ends.

The file (written by the CLI): ``{"region": …, "tables": [CreateTable requests],
"lookups": [{"kind": "value", "file", "table", "source_system"} |
{"kind": "multi", "file", "table", "lookup_group", "lookup_columns"}]}``.
"""

from __future__ import annotations

import json
import logging
import os
import runpy
import sys
from pathlib import Path
from typing import Any

from .lookup_loader import load_multi_lookups, load_value_lookups
from .moto_server import threaded_endpoint

LOCAL_AWS_ENV = "INSURANCELAKE_LOCAL_AWS"
LOG = logging.getLogger("insurancelake_local.debug_job")


def provision(description: dict[str, Any]) -> None:
    """Create the described tables in the endpoint boto3 points at and load the lookup files."""
    import boto3

    dynamodb = boto3.client("dynamodb", region_name=description["region"])
    for table in description.get("tables", []):
        dynamodb.create_table(**table)
    for lookup in description.get("lookups", []):
        if lookup["kind"] == "value":
            count = load_value_lookups(lookup["file"], lookup["table"], lookup["source_system"])
        else:
            count = load_multi_lookups(lookup["file"], lookup["table"], lookup["lookup_group"], lookup["lookup_columns"])
        LOG.info("%d lookup items from %s into %s", count, lookup["file"], lookup["table"])


def main(argv: list[str]) -> None:
    """``python -m insurancelake_local.debug_job <entry script> <arguments…>``."""
    if not argv or not argv[0].endswith(".py"):
        raise SystemExit("usage: python -m insurancelake_local.debug_job <entry script>.py --name value …")
    location = os.environ.get(LOCAL_AWS_ENV)
    if not location or not Path(location).is_file():
        raise SystemExit(f"{LOCAL_AWS_ENV} must name the local AWS description insurancelake ide vscode writes; got {location!r}")
    description = json.loads(Path(location).read_text(encoding="utf-8"))
    logging.basicConfig(level=os.environ.get("INSURANCELAKE_LOG_LEVEL", "INFO"), stream=sys.stderr)
    script = str(Path(argv[0]).resolve())
    with threaded_endpoint(description["region"]) as endpoint:
        LOG.info("local AWS endpoint (moto) on %s", endpoint)
        provision(description)
        sys.argv = [script, *argv[1:]]
        runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
