"""Load lookup data into the lookup tables: the local runner's replacement for the reference's
``resources/load_dynamodb_*`` scripts, reading the same input files::

    python -m insurancelake_local.lookup_loader load-value lookups.json --table T --source-system S
    python -m insurancelake_local.lookup_loader load-multi lookups.csv --table T --lookup-group G \\
        --lookup-columns originalprogram originalcoverage

Table keys are those the transforms read (``insurancelake_etl.lookups``). boto3 reaches the endpoint
``AWS_ENDPOINT_URL`` names (the local moto server).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from insurancelake_etl.lookups import put_items

from .parent_watch import watch_parent

logger = logging.getLogger(__name__)


def value_lookup_items(data: dict[str, Any], source_system: str) -> list[dict[str, str]]:
    """Value-lookup items from a ``{column_name: {original: replacement}}`` document, one per column."""
    if not isinstance(data, dict):
        raise ValueError("the lookup file must hold a JSON object {column_name: {original: replacement}}")
    items = []
    for column_name, mapping in data.items():
        if not isinstance(mapping, dict):
            raise ValueError(f"lookup {column_name!r}: expected an object {{original: replacement}}")
        items.append(
            {"source_system": source_system, "column_name": column_name, "lookup_data": json.dumps(mapping)}
        )
    return items


def multi_lookup_items(
    rows: Iterable[dict[str, str]], lookup_group: str, lookup_columns: Sequence[str]
) -> list[dict[str, str]]:
    """Multi-lookup items from CSV rows: ``lookup_item`` is the lookup columns' values joined by ``-``
    (in the given order, removed from the row); the other columns become attributes."""
    items = []
    for line, row in enumerate(rows, start=2):
        missing = [column for column in lookup_columns if column not in row]
        if missing:
            raise ValueError(f"row {line}: lookup column(s) {', '.join(missing)} not in the CSV header")
        values = dict(row)
        lookup_item = "-".join(values.pop(column) or "" for column in lookup_columns)
        item = {name: value for name, value in values.items() if name is not None and value is not None}
        item.update({"lookup_group": lookup_group, "lookup_item": lookup_item})
        items.append(item)
    return items


def load_value_lookups(path: str | Path, table_name: str, source_system: str) -> int:
    """Put a value-lookup JSON file into ``table_name`` under ``source_system``; returns the item count."""
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    return put_items(table_name, value_lookup_items(data, source_system), keys=["source_system", "column_name"])


def load_multi_lookups(path: str | Path, table_name: str, lookup_group: str, lookup_columns: Sequence[str]) -> int:
    """Put a multi-lookup CSV file into ``table_name`` as ``lookup_group``; returns the item count."""
    with open(path, encoding="utf-8", newline="") as file:
        items = multi_lookup_items(csv.DictReader(file), lookup_group, lookup_columns)
    return put_items(table_name, items, keys=["lookup_group", "lookup_item"])


def main(argv: list[str] | None = None) -> int:
    """Command line: ``load-value`` and ``load-multi``."""
    parser = argparse.ArgumentParser(
        prog="python -m insurancelake_local.lookup_loader", description="Load lookup data into the lookup tables."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    value = commands.add_parser("load-value", help="value-lookup JSON {column_name: {original: replacement}}")
    value.add_argument("file", help="JSON file")
    value.add_argument("--table", required=True, help="value-lookup DynamoDB table")
    value.add_argument(
        "--source-system", required=True, help="source system: the Collect database name the lookups serve"
    )
    multi = commands.add_parser("load-multi", help="multi-lookup CSV with a header row")
    multi.add_argument("file", help="CSV file")
    multi.add_argument("--table", required=True, help="multi-lookup DynamoDB table")
    multi.add_argument("--lookup-group", required=True, help="lookup_group value for every row")
    multi.add_argument(
        "--lookup-columns", required=True, nargs="+", help="columns joined with '-' into lookup_item, in order"
    )
    args = parser.parse_args(argv)
    watch_parent()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args.command == "load-value":
            count = load_value_lookups(args.file, args.table, args.source_system)
            logger.info("%d lookups written to %s for source_system %s", count, args.table, args.source_system)
        else:
            count = load_multi_lookups(args.file, args.table, args.lookup_group, args.lookup_columns)
            logger.info("%d rows written to %s for lookup_group %s", count, args.table, args.lookup_group)
    except (OSError, ValueError, csv.Error, ClientError) as error:
        logger.error("%s: %s", args.file, error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
