"""What a transform, the mapping or the data-quality checker may know about the running job."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from pyspark.sql import SparkSession

from .errors import JobArgumentError
from .job_args import JobRun, LakeTables, TableTarget
from .lineage import LineageRecorder, NoLineage
from .partition import Partition


@dataclass(frozen=True)
class JobContext:
    """The running job as the steps see it, passed to every transform as ``ctx``.

    ``dataset`` is the Collect object key (``--source_key``), the lineage dataset name. ``target`` is
    the table the job writes (quarantine tables sit beside it), ``base_file_name`` the collected
    file's name. ``spec_file`` is the configuration file being applied, for error messages.
    """

    spark: SparkSession
    run: JobRun = field(default_factory=JobRun)
    dataset: str = ""
    partition: Partition | None = None
    target: TableTarget | None = None
    base_file_name: str | None = None
    tables: LakeTables = field(default_factory=LakeTables)
    lineage: LineageRecorder = field(default_factory=NoLineage)
    spec_file: str = "transformation spec"
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("insurancelake_etl"))

    @property
    def execution_id(self) -> str:
        """The Step Functions execution id the trigger Lambda generated (``--execution_id``)."""
        return self.run.execution_id

    def file_name(self) -> str:
        """The collected file's name; a JobArgumentError when the job was started without it."""
        if not self.base_file_name:
            raise JobArgumentError("argument --base_file_name is required")
        return self.base_file_name

    def for_file(self, spec_file: str) -> JobContext:
        """The same context applying another configuration file (named in error messages)."""
        return replace(self, spec_file=spec_file)
