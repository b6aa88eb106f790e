"""The lineage hook every step calls. Records are written by the DynamoDB recorder (see
``lineage_dynamodb``); when lineage is off the engine uses :class:`NoLineage`, which does nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from pyspark.sql import DataFrame

if TYPE_CHECKING:
    from .job_args import JobRun


class LineageRecorder(Protocol):
    """Receives one call per lineage-worthy operation, with the reference's keyword arguments:
    ``transform=<spec value>`` for transforms, ``map=<mapping rows>`` for mapping, ``info=`` otherwise."""

    def update_lineage(self, df: DataFrame | None, dataset: str, operation: str, **kwargs: Any) -> None:
        """Record ``operation`` on ``dataset``; ``df`` is given when the record needs counts or schema."""
        ...

    def observe(self, df: DataFrame, dataset: str, operation: str, **kwargs: Any) -> tuple[DataFrame, Any]:
        """Record ``read``/``write``/``numericaudit`` of ``df`` from counts observed during the job's
        next full pass over the returned frame; also returns a handle whose ``expected_rows`` the job
        may set (None when nothing is observed)."""
        ...

    def flush(self, *, observed: bool = True) -> None:
        """Write what is buffered (``observed=False`` when the job failed before its passes ran)."""
        ...


class NoLineage:
    """Lineage switched off (no ``--data_lineage_table`` argument): every call is a no-op."""

    def update_lineage(self, df: DataFrame | None, dataset: str, operation: str, **kwargs: Any) -> None:
        return None

    def observe(self, df: DataFrame, dataset: str, operation: str, **kwargs: Any) -> tuple[DataFrame, Any]:
        return df, None

    def flush(self, *, observed: bool = True) -> None:
        return None


class MemoryLineage:
    """Keeps the calls in a list. Used by tests to assert which operations a step recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def update_lineage(self, df: DataFrame | None, dataset: str, operation: str, **kwargs: Any) -> None:
        self.calls.append((dataset, operation, kwargs))

    def observe(self, df: DataFrame, dataset: str, operation: str, **kwargs: Any) -> tuple[DataFrame, Any]:
        self.calls.append((dataset, operation, kwargs))
        return df, None

    def flush(self, *, observed: bool = True) -> None:
        return None

    def operations(self) -> list[str]:
        """The operation names in call order."""
        return [op for _, op, _ in self.calls]


def make_lineage(run: JobRun, table_name: str | None) -> LineageRecorder:
    """The lineage recorder of a run: a DynamoDB recorder writing to ``table_name`` (the
    ``--data_lineage_table`` argument) when given (reference §17.1), else :class:`NoLineage`."""
    if not table_name:
        return NoLineage()
    from .lineage_dynamodb import DynamoDbLineage

    return DynamoDbLineage(table_name, run, buffered=True)
