"""The local lake's kept DynamoDB tables as Spark SQL views, for ``insurancelake query``.

``insurancelake run`` saves the audit, DQ results and lineage tables of a working folder in its
``state.json`` (items in DynamoDB JSON, see the CLI's ``local-state.ts``); the CLI names that file in
``INSURANCELAKE_STATE`` when it starts the worker for a query. :func:`register_state_views` makes
them the temporary views ``audit``, ``dq_results`` and ``lineage``, with the tables' own attribute
names as columns, so a query can join what happened with the data it produced.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from pyspark.sql import SparkSession
from pyspark.sql.types import StructType

# View name: the key of the table in state.json.
VIEWS = {"audit": "audit", "dq_results": "dqResults", "lineage": "lineage"}


def _plain(value: Any) -> Any:
    """A deserialized DynamoDB value as JSON can hold it (numbers are Decimals, sets are sets)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def register_state_views(spark: SparkSession, state_file: str) -> list[str]:
    """Create the views from ``state_file``; returns their names (none when the file is missing)."""
    path = Path(state_file)
    if not path.is_file():
        return []
    tables = json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    deserializer = TypeDeserializer()
    for view, key in VIEWS.items():
        items = [
            json.dumps({name: _plain(deserializer.deserialize(value)) for name, value in item.items()})
            for item in tables.get(key, [])
        ]
        if items:
            df = spark.read.json(spark.sparkContext.parallelize(items, 1))
        else:
            df = spark.createDataFrame([], StructType([]))
        df.createOrReplaceTempView(view)
    return list(VIEWS)
