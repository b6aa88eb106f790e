"""DynamoDB access for the lookup and data-protection transforms, and the lookup-table loaders.

Tables (reference §20.1; names come from the job arguments ``value_lookup_table``,
``multi_lookup_table`` and ``hash_value_table``):

- value lookup: key ``source_system`` + ``column_name``; ``lookup_data`` is a JSON string
  ``{original: replacement}``;
- multi lookup: key ``lookup_group`` + ``lookup_item``; one string attribute per returned column;
- hash values: key ``hash_key``; attribute ``raw_data`` (written by ``tokenize``).

boto3 is used as is: on Glue it reaches real DynamoDB; locally ``AWS_ENDPOINT_URL`` points it at a
moto server. The loaders replace the reference's ``resources/load_dynamodb_*`` scripts and read the
same input files::

    python -m insurancelake_etl.lookups load-value lookups.json --table T --source-system S
    python -m insurancelake_etl.lookups load-multi lookups.csv --table T --lookup-group G \\
        --lookup-columns originalprogram originalcoverage
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

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)


def _table(table_name: str) -> Any:
    """A boto3 DynamoDB Table resource (endpoint and region from the environment)."""
    return boto3.resource("dynamodb").Table(table_name)


def get_value_lookup(table_name: str, source_system: str, column_name: str) -> dict[str, Any] | None:
    """The ``{original: replacement}`` map stored for (``source_system``, ``column_name``), or None."""
    response = _table(table_name).get_item(
        Key={"source_system": source_system, "column_name": column_name}, ConsistentRead=True
    )
    item = response.get("Item")
    if item is None:
        return None
    data = item.get("lookup_data")
    loaded = json.loads(data) if isinstance(data, str) else data
    if not isinstance(loaded, dict):
        raise ValueError(
            f"lookup_data of ({source_system!r}, {column_name!r}) on table {table_name} is not a JSON object"
        )
    return loaded


def query_lookup_group(
    table_name: str, lookup_group: str, attributes: Sequence[str], *, page_size: int | None = None
) -> list[dict[str, Any]]:
    """Every item of ``lookup_group`` with ``lookup_item`` and ``attributes``, following all pages.

    ``page_size`` sets the query ``Limit`` (one page per that many items); without it DynamoDB
    pages by its 1 MB response limit.
    """
    names = {f"#a{i}": name for i, name in enumerate(["lookup_item", *attributes])}
    parameters: dict[str, Any] = {
        "KeyConditionExpression": Key("lookup_group").eq(lookup_group),
        # Placeholders, so attribute names that are DynamoDB reserved words (state, name, …) work.
        "ProjectionExpression": ",".join(names),
        "ExpressionAttributeNames": names,
    }
    if page_size:
        parameters["Limit"] = page_size
    table = _table(table_name)
    items: list[dict[str, Any]] = []
    pages = 0
    while True:
        response = table.query(**parameters)
        pages += 1
        items.extend(response.get("Items", []))
        last_key = response.get("LastEvaluatedKey")
        if not last_key:
            break
        parameters["ExclusiveStartKey"] = last_key
    logger.debug("lookup_group %s on %s: %d items in %d pages", lookup_group, table_name, len(items), pages)
    return items


def put_items(table_name: str, items: Iterable[dict[str, Any]], *, keys: Sequence[str] | None = None) -> int:
    """Write ``items`` with a batch writer (25 items per request, unprocessed items retried).

    ``keys`` lets the writer drop a repeated key within a batch (the last item wins) instead of
    failing. Returns the number of items written.
    """
    count = 0
    with _table(table_name).batch_writer(overwrite_by_pkeys=list(keys) if keys else None) as batch:
        for item in items:
            batch.put_item(Item=item)
            count += 1
    return count


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
        prog="python -m insurancelake_etl.lookups", description="Load lookup data into the lookup tables."
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
