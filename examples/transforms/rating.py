"""Example transform module: enrich policies with a rating factor from a rating HTTP API.

A team's own transform, registered with the engine's public decorator and shipped to the jobs with
``TransformModules.fromAsset('examples/transforms')``. Spec usage::

    "rate_policies": {
        "endpoint": "https://rating.example.com/rate",
        "fields": ["PolicyNumber", "StateCode", "WrittenPremiumAmount"],
        "target": "RatingFactor",
        "batch_size": 200, "timeout_seconds": 5, "retries": 3
    }

The API takes ``POST {"policies": [{field: value, …}, …]}`` and answers ``{"factors": [x, …]}`` in
the same order. The calls run in a pandas UDF, so each Spark task sends its rows in batches of
``batch_size`` from the executors; a batch that times out or gets a 5xx answer is retried with a
growing pause, and a batch that still fails fails the job (the table keeps its previous data).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf

from insurancelake_etl.context import JobContext
from insurancelake_etl.transforms import transform

RATE_POLICIES_SPEC: dict[str, Any] = {
    "type": "object",
    "description": "Call a rating HTTP API in batches and store its factor per row.",
    "required": ["endpoint", "fields", "target"],
    "additionalProperties": False,
    "properties": {
        "endpoint": {"type": "string", "pattern": "^https?://", "description": "URL the batches are POSTed to."},
        "fields": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
            "description": "Columns sent for each row, by name.",
        },
        "target": {"type": "string", "minLength": 1, "description": "New double column with the factor."},
        "batch_size": {"type": "integer", "minimum": 1, "maximum": 10000, "description": "Rows per request (default 100)."},
        "timeout_seconds": {"type": "number", "exclusiveMinimum": 0, "description": "Per request (default 10)."},
        "retries": {"type": "integer", "minimum": 0, "maximum": 10, "description": "Retries of a failed request (default 3)."},
        "backoff_seconds": {"type": "number", "minimum": 0, "description": "First pause between tries, doubled each time (default 0.5)."},
    },
}


class RatingApiError(RuntimeError):
    """The rating API did not answer a batch after every retry, or answered something unusable."""


def _post(endpoint: str, rows: list[dict[str, Any]], timeout: float) -> list[float]:
    request = urllib.request.Request(
        endpoint,
        data=json.dumps({"policies": rows}, default=str).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the spec's URL
        factors = json.loads(response.read().decode("utf-8")).get("factors")
    if not isinstance(factors, list) or len(factors) != len(rows):
        raise RatingApiError(f"rating API {endpoint} answered {len(factors or [])} factors for {len(rows)} policies")
    return [float(f) for f in factors]


def rate_batch(endpoint: str, rows: list[dict[str, Any]], timeout: float, retries: int, backoff: float) -> list[float]:
    """The factors of one batch; retried on timeouts, connection errors and 5xx answers."""
    pause = backoff
    for attempt in range(retries + 1):
        try:
            return _post(endpoint, rows, timeout)
        except urllib.error.HTTPError as error:
            if error.code < 500 or attempt == retries:
                raise RatingApiError(f"rating API {endpoint} answered HTTP {error.code} after {attempt + 1} attempt(s)") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            if attempt == retries:
                reason = getattr(error, "reason", error)
                raise RatingApiError(f"rating API {endpoint} did not answer after {attempt + 1} attempt(s): {reason}") from None
        time.sleep(pause)
        pause *= 2
    raise AssertionError("unreachable")


@transform("rate_policies", schema=RATE_POLICIES_SPEC)
def rate_policies(df: DataFrame, spec: dict[str, Any], ctx: JobContext) -> DataFrame:
    """Add a rating factor per row from a rating HTTP API (batched, with timeouts and retries)."""
    endpoint, fields = spec["endpoint"], list(spec["fields"])
    batch_size = int(spec.get("batch_size", 100))
    timeout = float(spec.get("timeout_seconds", 10))
    retries = int(spec.get("retries", 3))
    backoff = float(spec.get("backoff_seconds", 0.5))
    missing = [f for f in fields if f not in df.columns]
    if missing:
        raise ValueError(f"fields {missing} are not columns of the data (columns: {', '.join(df.columns)})")
    ctx.logger.info("rate_policies: %s, %d fields, batches of %d", endpoint, len(fields), batch_size)

    @pandas_udf("double")  # type: ignore[call-overload]
    def factors(rows: pd.DataFrame) -> pd.Series:
        records = rows.astype(object).where(rows.notna(), None).to_dict("records")
        out: list[float] = []
        for start in range(0, len(records), batch_size):
            out += rate_batch(endpoint, records[start : start + batch_size], timeout, retries, backoff)
        return pd.Series(out, dtype="float64")

    return df.withColumn(spec["target"], factors(F.struct(*[F.col(f"`{f}`") for f in fields])))
