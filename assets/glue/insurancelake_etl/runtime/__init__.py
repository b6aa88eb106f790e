"""Runtime adapters: how the engine reaches Spark, the catalogs and data quality on Glue and locally.

A :class:`Runtime` is what a job needs from its environment. The Glue runtime is built by
``glue_runtime.build_glue_runtime`` (beside the entry scripts, because it imports ``awsglue``); the
local runtime by ``insurancelake_local.runtime`` (a separate package, not shipped to Glue). Jobs call
``run(args, runtime)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pyspark.sql import SparkSession

from ..dq.evaluator import EVALUATORS, DeequEvaluator, DqEvaluator
from ..errors import ConfigError
from ..tables import Fault, IcebergWriter, ParquetCatalog, ParquetWriter, TableWriter, table_format

EvaluatorFactory = Callable[[SparkSession], DqEvaluator]


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Runtime:
    """The environment a job runs in.

    ``iceberg_catalog`` is the Spark catalog holding Iceberg tables (``glue_catalog`` on Glue, a
    hadoop catalog under the warehouse locally); ``parquet_catalog`` holds Parquet tables (the Glue
    Data Catalog on Glue, a file registry locally). ``iceberg_location``: whether Iceberg tables get
    the S3-layout location (False for hadoop catalogs, which place tables themselves).
    ``evaluators`` are the DQDL evaluators available here by ``--dq_evaluator`` name, the first being
    the default; ``refused`` maps an evaluator this runtime does not offer to the reason and what to
    use instead. ``commit`` ends the job (``job.commit()`` on Glue).
    """

    name: str
    spark: SparkSession
    parquet_catalog: ParquetCatalog
    iceberg_catalog: str
    iceberg_location: bool = False
    warehouse: str | None = None
    evaluators: Mapping[str, EvaluatorFactory] = field(default_factory=lambda: MappingProxyType({"deequ": DeequEvaluator}))
    refused: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    commit: Callable[[], None] = _nothing

    def table_writer(self, fmt: str | None, fault: Fault | None = None) -> TableWriter:
        """The writer for ``--table_format`` ``fmt`` (ICEBERG when None)."""
        writers: dict[str, Callable[[], TableWriter]] = {
            "ICEBERG": lambda: IcebergWriter(
                self.spark, self.iceberg_catalog, set_location=self.iceberg_location, fault=fault
            ),
            "PARQUET": lambda: ParquetWriter(self.spark, self.parquet_catalog, fault=fault),
        }
        return writers[table_format(fmt)]()

    def dq_evaluator(self, name: str | None) -> DqEvaluator:
        """The DQDL evaluator ``--dq_evaluator`` names (``deequ`` or ``glue``), else this runtime's default."""
        chosen = (name or next(iter(self.evaluators))).lower()
        if chosen not in EVALUATORS:
            raise ConfigError(f"--dq_evaluator {name!r} is not supported; expected one of {', '.join(EVALUATORS)}")
        factory = self.evaluators.get(chosen)
        if chosen in self.refused:
            raise ConfigError(f"--dq_evaluator {chosen} is not available in the {self.name} runtime: {self.refused[chosen]}")
        if factory is None:
            raise ConfigError(f"--dq_evaluator {chosen} needs {EVALUATORS[chosen]}, which is not available in the {self.name} runtime")
        return factory(self.spark)
