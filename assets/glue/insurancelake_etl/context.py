"""What a transform (or any step) may know about the running job."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import SparkSession

from .lineage import LineageRecorder, NoLineage


@dataclass
class JobContext:
    """The job's arguments and adapters, passed to every transform as ``ctx``.

    ``args`` holds the Glue job arguments exactly as the reference names them (``source_key``,
    ``base_file_name``, ``value_lookup_table``, ``hash_value_table``, ``execution_id``, …).
    ``spec_file`` is the configuration file being applied, for error messages.
    """

    spark: SparkSession
    args: dict[str, str] = field(default_factory=dict)
    lineage: LineageRecorder = field(default_factory=NoLineage)
    spec_file: str = "transformation spec"
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("insurancelake_etl"))

    @property
    def execution_id(self) -> str:
        """The Step Functions execution id the trigger Lambda generated (``--execution_id``)."""
        return self.args.get("execution_id", "")

    @property
    def dataset(self) -> str:
        """The lineage dataset name: the Collect object key (``--source_key``)."""
        return self.args.get("source_key", "")

    def arg(self, name: str) -> str:
        """A required job argument; a clear error when the job was started without it."""
        from .errors import JobArgumentError

        value: Any = self.args.get(name)
        if value is None or value == "":
            raise JobArgumentError(f"argument --{name} is required")
        return str(value)
