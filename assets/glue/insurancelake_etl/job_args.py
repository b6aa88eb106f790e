"""A job's arguments, parsed once into typed, immutable objects.

The entry script (or the local worker) resolves the arguments against the contract's lists for the
job (:mod:`.args`) and builds the job's type here: :class:`CollectArgs`, :class:`ConsumeArgs` or
:class:`EntityMatchArgs`. Each holds the :class:`JobArgs` every job has (run identity, partition,
configuration location, DynamoDB tables, engine options) plus its own targets. Everything below the
jobs receives these objects (or parts of them), never the argument dictionary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, ClassVar, Literal, Self

from .args import as_argv, resolve_job_options
from .catalog_names import check_catalog_name
from .config_location import ConfigLocation
from .contract import CONTRACT
from .errors import JobArgumentError
from .partition import Partition
from .tables.formats import table_format


def _required(value: str | None, name: str, purpose: str = "") -> str:
    """``value`` of argument ``name``; a JobArgumentError when the job was started without it."""
    if not value:
        raise JobArgumentError(f"argument --{name} is required{purpose}")
    return value


@dataclass(frozen=True)
class LakeTables:
    """The DynamoDB tables a job may use; each field is named as its job argument."""

    value_lookup_table: str | None = None
    """Read by the ``lookup`` transform."""
    multi_lookup_table: str | None = None
    """Read by the ``multilookup`` transform."""
    hash_value_table: str | None = None
    """Written by the ``tokenize`` transform (token → original value)."""
    dq_results_table: str | None = None
    """Receives every data-quality rule outcome."""
    data_lineage_table: str | None = None
    """Receives the lineage records; lineage is off without it."""

    @classmethod
    def from_arguments(cls, values: Mapping[str, str]) -> LakeTables:
        """The tables named in resolved arguments (absent ones None)."""
        return cls(**{f.name: values.get(f.name) or None for f in fields(cls)})

    def require(self, name: Literal["value_lookup_table", "multi_lookup_table", "hash_value_table"]) -> str:
        """The named table; a JobArgumentError when the job was started without it."""
        value: str | None = getattr(self, name)
        return _required(value, name)


@dataclass(frozen=True)
class EngineOptions:
    """This project's additions: table format (normalised, ICEBERG by default), Iceberg catalog,
    local warehouse, DQDL evaluator and the user's transform modules (names, and their folder on
    local runs)."""

    table_format: str = "ICEBERG"
    iceberg_catalog: str | None = None
    warehouse: str | None = None
    dq_evaluator: str | None = None
    transform_modules: tuple[str, ...] = ()
    transform_modules_path: str | None = None

    @classmethod
    def from_arguments(cls, values: Mapping[str, str]) -> EngineOptions:
        """The options of resolved arguments; an unknown ``--table_format`` is a ConfigError here."""
        return cls(
            table_format=table_format(values.get("table_format")),
            iceberg_catalog=values.get("iceberg_catalog") or None,
            warehouse=values.get("warehouse") or None,
            dq_evaluator=values.get("dq_evaluator") or None,
            transform_modules=tuple(n.strip() for n in values.get("transform_modules", "").split(",") if n.strip()),
            transform_modules_path=values.get("transform_modules_path") or None,
        )


@dataclass(frozen=True)
class JobRun:
    """Who is running: the identity lineage, DQ results and logs carry."""

    job_name: str = ""
    job_run_id: str = ""
    execution_id: str = ""
    state_machine_name: str = ""

    @classmethod
    def from_arguments(cls, values: Mapping[str, str]) -> JobRun:
        """The run identity; a local run without ``--JOB_RUN_ID`` gets ``jr_local-<uuid>``."""
        return cls(
            job_name=values.get("JOB_NAME", ""),
            job_run_id=values.get("JOB_RUN_ID") or f"jr_local-{uuid.uuid4()}",
            execution_id=values.get("execution_id", ""),
            state_machine_name=values.get("state_machine_name", ""),
        )


@dataclass(frozen=True)
class TableTarget:
    """A table and the bucket its data lives in."""

    bucket: str
    database: str
    table: str

    @classmethod
    def checked(cls, bucket: str, database: str, table: str) -> TableTarget:
        """The target when the catalog can hold both names (:mod:`.catalog_names`); an
        ArgumentValueError naming the argument otherwise."""
        check_catalog_name(database, "target_database_name", "database")
        check_catalog_name(table, "table_name", "table")
        return cls(bucket, database, table)


@dataclass(frozen=True)
class SourceFile:
    """The collected file a Collect run reads."""

    bucket: str
    path: str
    name: str

    @property
    def uri(self) -> str:
        """``<source_bucket>/<source_path>/<base_file_name>``."""
        return f"{self.bucket}/{self.path}/{self.name}"

    @property
    def extension(self) -> str:
        """The file name's extension with its dot (``.csv``), as written."""
        return os.path.splitext(self.name)[1]


@dataclass(frozen=True)
class JobArgs:
    """What every job has: its resolved arguments, run identity, partition, configuration location,
    tables and engine options. ``cleanse_bucket`` is the bucket of the Cleanse layer (the local
    runtime keeps its warehouse there by default)."""

    values: Mapping[str, str]
    run: JobRun
    environment: str
    temp_dir: str
    source_key: str
    partition: Partition
    config: ConfigLocation
    tables: LakeTables
    engine: EngineOptions
    cleanse_bucket: str

    @classmethod
    def from_arguments(cls, values: Mapping[str, str], *, cleanse_bucket: str) -> JobArgs:
        """The common part of resolved arguments (partition values validated here)."""
        return cls(
            values=MappingProxyType(dict(values)),
            run=JobRun.from_arguments(values),
            environment=values["environment"],
            temp_dir=values["TempDir"],
            source_key=values["source_key"],
            partition=Partition.parse(values["p_year"], values["p_month"], values["p_day"]),
            config=ConfigLocation.from_arguments(values),
            tables=LakeTables.from_arguments(values),
            engine=EngineOptions.from_arguments(values),
            cleanse_bucket=cleanse_bucket,
        )

    def substitution(self) -> dict[str, str]:
        """SQL substitution data: every argument as given (``{p_month}`` is the raw string, kept as
        the reference) plus the run id."""
        return {**self.values, "JOB_RUN_ID": self.run.job_run_id}


# Field metadata key: how a job type's field is built from the resolved arguments.
_BUILD = "insurancelake.build"


def arguments(make: Callable[..., Any], *names: str) -> Any:
    """A job type's field made by ``make`` from the values of the arguments ``names``, in order."""
    return field(metadata={_BUILD: lambda values: make(*(values[name] for name in names))})


def optional_argument(name: str) -> Any:
    """A job type's field holding optional argument ``name`` (None when absent or empty)."""
    return field(default=None, metadata={_BUILD: lambda values: values.get(name) or None})


@dataclass(frozen=True)
class ParsedJobArgs:
    """Base of the three job types: ``key`` (a class keyword) names the contract job whose argument
    lists apply, ``cleanse_bucket`` the arguments that may name the Cleanse bucket (first given
    wins). Every other field is declared with :func:`arguments` or :func:`optional_argument`."""

    KEY: ClassVar[str]
    CLEANSE_BUCKET: ClassVar[tuple[str, ...]]
    job: JobArgs

    def __init_subclass__(cls, *, key: str, cleanse_bucket: tuple[str, ...], **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.KEY, cls.CLEANSE_BUCKET = key, cleanse_bucket

    @classmethod
    def build(cls, values: Mapping[str, str]) -> Self:
        """The job's arguments from resolved arguments."""
        bucket = next(values[name] for name in cls.CLEANSE_BUCKET if values.get(name))
        parts = {f.name: f.metadata[_BUILD](values) for f in fields(cls) if _BUILD in f.metadata}
        return cls(job=JobArgs.from_arguments(values, cleanse_bucket=bucket), **parts)

    @classmethod
    def parse(cls, argv: Sequence[str]) -> Self:
        """Resolve ``argv`` (``sys.argv`` form) against the contract and build the job's arguments."""
        return cls.build(resolve_job_options(argv, CONTRACT.job(cls.KEY)))

    @classmethod
    def parse_mapping(cls, arguments: Mapping[str, str]) -> Self:
        """:meth:`parse` for arguments keyed ``name`` or ``--name`` (Glue API and local runner form)."""
        return cls.parse(as_argv(arguments, CONTRACT.job(cls.KEY).script))


@dataclass(frozen=True)
class CollectArgs(ParsedJobArgs, key="collect_to_cleanse", cleanse_bucket=("target_bucket",)):
    """Collect → Cleanse: the collected file and the Cleanse table it goes to."""

    source: SourceFile = arguments(SourceFile, "source_bucket", "source_path", "base_file_name")
    target: TableTarget = arguments(TableTarget.checked, "target_bucket", "target_database_name", "table_name")


@dataclass(frozen=True)
class ConsumeArgs(ParsedJobArgs, key="cleanse_to_consume", cleanse_bucket=("source_bucket",)):
    """Cleanse → Consume: the Cleanse table the SQL reads, the Consume table it writes (both named
    ``--table_name``), and where the Athena and Redshift SQL run."""

    source: TableTarget = arguments(TableTarget, "source_bucket", "source_database_name", "table_name")
    target: TableTarget = arguments(TableTarget, "target_bucket", "target_database_name", "table_name")
    athena_workgroup: str | None = optional_argument("athena_workgroup")
    redshift_database: str | None = optional_argument("redshift_database")
    redshift_workgroup_name: str | None = optional_argument("redshift_workgroup_name")
    redshift_cluster_id: str | None = optional_argument("redshift_cluster_id")

    def athena(self) -> str:
        """The Athena workgroup; required once there is Athena SQL to run."""
        return _required(self.athena_workgroup, "athena_workgroup", " when executing Amazon Athena SQL")

    def redshift(self) -> tuple[str, str | None, str | None]:
        """``(database, cluster_id, workgroup_name)``: the cluster when given, else the serverless
        workgroup (reference §18.4); required once there is Redshift SQL to run."""
        if not self.redshift_cluster_id and not self.redshift_workgroup_name:
            raise JobArgumentError(
                "argument --redshift_cluster_id or --redshift_workgroup_name is required when executing Amazon Redshift SQL"
            )
        database = _required(self.redshift_database, "redshift_database", " when executing Amazon Redshift SQL")
        workgroup = None if self.redshift_cluster_id else self.redshift_workgroup_name
        return database, self.redshift_cluster_id, workgroup


@dataclass(frozen=True)
class EntityMatchArgs(ParsedJobArgs, key="consume_entity_match", cleanse_bucket=("source_bucket", "target_bucket")):
    """Consume entity match: the Consume table of ``<prefix>_consume`` whose rows get global ids."""

    database_name_prefix: str = arguments(str, "database_name_prefix")
    table_name: str = arguments(str, "table_name")

    @property
    def consume_database(self) -> str:
        """``<database_name_prefix>_consume`` in lower case."""
        return self.database_name_prefix.lower() + "_consume"
