"""Counting the Spark jobs an action runs (tests that assert a pass was saved)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any


def jobs_of(spark: Any, action: Callable[[], object]) -> int:
    """How many Spark jobs ``action()`` ran (its own job group, so other work is not counted)."""
    sc = spark.sparkContext
    group = f"jobs-{uuid.uuid4().hex}"
    sc.setJobGroup(group, "counting jobs")
    try:
        action()
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    return len(sc.statusTracker().getJobIdsForGroup(group))
