"""DynamoDB access for the lookup and data-protection transforms.

Tables (reference §20.1; names come from the job arguments ``value_lookup_table``,
``multi_lookup_table`` and ``hash_value_table``):

- value lookup: key ``source_system`` + ``column_name``; ``lookup_data`` is a JSON string
  ``{original: replacement}``;
- multi lookup: key ``lookup_group`` + ``lookup_item``; one string attribute per returned column;
- hash values: key ``hash_key``; attribute ``raw_data`` (written by ``tokenize``).

boto3 is used as is: on Glue it reaches real DynamoDB; locally ``AWS_ENDPOINT_URL`` points it at a
moto server. Loading lookup files into the tables is the local runner's job
(``insurancelake_local.lookup_loader``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

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
