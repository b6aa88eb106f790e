"""A Spark read that runs while the driver checks the same file (issue 12).

Reading a delimited file takes two passes before the job's own: the line scan (Python, on the
driver, :mod:`.line_scan`) and Spark's schema inference (JVM tasks). The inference does not need the
scan's answer to start, only to be used: it runs in the background with the options the scan
usually confirms (line mode) while the scan runs, so the two passes overlap instead of following
each other. When the scan does not confirm them, the background read's Spark jobs are cancelled and
its result, or error, is dropped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from pyspark import InheritableThread
from pyspark.sql import DataFrame, SparkSession

logger = logging.getLogger(__name__)


class BackgroundRead:
    """``load()`` started in a thread of its own, in a Spark job group that :meth:`cancel` stops."""

    def __init__(self, spark: SparkSession, load: Callable[[], DataFrame]) -> None:
        self._spark = spark
        self._group = f"insurancelake-background-read-{uuid.uuid4().hex}"
        self._result: DataFrame | None = None
        self._error: BaseException | None = None
        # InheritableThread: the thread gets the caller's Spark local properties and its own JVM
        # thread, so the job group set in it applies to its jobs only.
        self._thread = InheritableThread(target=self._run, args=(load,), daemon=True)
        self._thread.start()

    def _run(self, load: Callable[[], DataFrame]) -> None:
        self._spark.sparkContext.setJobGroup(self._group, "schema inference during the line scan", interruptOnCancel=True)
        try:
            self._result = load()
        except BaseException as error:  # handed to the caller by result()
            self._error = error

    def result(self) -> DataFrame:
        """The loaded frame (waits for it), or the load's own error."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._result is None:
            raise RuntimeError("the background read returned nothing")
        return self._result

    def cancel(self) -> None:
        """Stop the read's Spark jobs and wait for its thread; its result or error is dropped."""
        self._spark.sparkContext.cancelJobGroup(self._group)
        self._thread.join()
        if self._error is not None:
            logger.debug("background read cancelled: %s", self._error)
