"""Where a job finds its configuration files: the ETL-scripts bucket and the folders in it.

The file names come from the contract's ``configuration.files`` patterns. A folder that a job
argument can move (``--txn_spec_prefix_path`` for ``etl/transformation-spec``, ``--txn_sql_prefix_path``
for ``etl/transformation-sql``) is read where the argument says; the others (``etl/dq-rules``) are
fixed, as in the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from . import objectstore
from .contract import CONTRACT, ConfigLayout


def _folder_uri(txn_bucket: str, prefix: str) -> str:
    """``txn_bucket + '/' + prefix`` without its leading slash, as the reference builds it, ending in ``/``."""
    prefix = prefix[1:] if prefix.startswith("/") else prefix
    return objectstore.join(txn_bucket, prefix.strip("/")).rstrip("/") + "/"


@dataclass(frozen=True)
class ConfigLocation:
    """The configuration of a job run: ``txn_bucket`` plus the folder prefixes the job's arguments set."""

    txn_bucket: str
    prefixes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    layout: ConfigLayout = CONTRACT.configuration

    @classmethod
    def from_arguments(cls, values: Mapping[str, str]) -> ConfigLocation:
        """The location given by a job's resolved arguments: ``txn_bucket`` and whichever folder
        arguments the job has."""
        prefixes: dict[str, str] = {}
        for folder in CONTRACT.configuration.folders.values():
            argument = CONTRACT.folder_argument(folder)
            if argument and values.get(argument):
                prefixes[folder] = values[argument]
        return cls(values["txn_bucket"], MappingProxyType(prefixes))

    def uri(self, file: str, **names: str) -> str:
        """The URI of configuration file ``file`` (a key of the contract's ``configuration.files``)."""
        pattern = self.layout.file(file)
        folder = self.layout.folder_of(file)
        name = pattern.format(**names)[len(folder) + 1 :]
        return _folder_uri(self.txn_bucket, self.prefixes.get(folder, folder)) + name

    def spec_uri(self, database: str, table: str) -> str:
        """``…/etl/transformation-spec/<DB>-<TBL>.json``."""
        return self.uri("spec", database=database, table=table)

    def mapping_uri(self, database: str, table: str) -> str:
        """``…/etl/transformation-spec/<DB>-<TBL>.csv``."""
        return self.uri("mapping", database=database, table=table)

    def dq_rules_uri(self, database: str, table: str) -> str:
        """``<txn_bucket>/etl/dq-rules/dq-<DB>-<TBL>.json``."""
        return self.uri("dq_rules", database=database, table=table)

    def sql_uri(self, kind: str, database: str, table: str) -> str:
        """``…/etl/transformation-sql/<kind>-<DB>-<TBL>.sql`` (kind: one of the contract's SQL kinds)."""
        if kind not in self.layout.sql_kinds:
            raise ValueError(f"SQL kind {kind!r}; expected one of {', '.join(self.layout.sql_kinds)}")
        return self.uri("sql", kind=kind, database=database, table=table)

    def entity_match_uri(self, database: str) -> str:
        """``…/etl/transformation-spec/<DB>-entitymatch.json``."""
        return self.uri("entity_match", database=database)
