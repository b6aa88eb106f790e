"""The contract between the construct, the state machine, the jobs and the local runner, read from
``contract.json`` (the one place it is written; ``src/contract.ts`` imports the same file).

The file ships inside the package, so it is read with :mod:`importlib.resources`: that works from the
source tree and from the zip Glue gets in ``--extra-py-files``. Everything here is an immutable view:
frozen dataclasses, tuples and read-only mappings.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

CONTRACT_FILE = "contract.json"


@dataclass(frozen=True)
class Argument:
    """One job argument (without the leading ``--``): who sets it, what it means and, for fixed
    construct arguments, its value."""

    name: str
    set_by: str
    description: str
    value: str | None = None


@dataclass(frozen=True)
class JobSpec:
    """One Glue job: its key (temp folder, engine module ``jobs.<key>``, local job id), entry script
    and the arguments it requires and accepts."""

    key: str
    name_suffix: str
    script: str
    description: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def arguments(self) -> tuple[str, ...]:
        """Every argument the job reads: required, then optional."""
        return (*self.required, *self.optional)


@dataclass(frozen=True)
class FilePattern:
    """A configuration file name pattern such as ``etl/dq-rules/dq-{database}-{table}.json``."""

    kind: str
    pattern: str

    @property
    def fields(self) -> tuple[str, ...]:
        """The ``{names}`` the pattern needs, in order."""
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.pattern) if name)

    def format(self, **names: str) -> str:
        """The file's path relative to the configuration folder."""
        return self.pattern.format(**names)

    def regex(self, values: Mapping[str, str]) -> re.Pattern[str]:
        """A regex of the whole relative path: a field with an entry in ``values`` (a regex
        alternative) takes that, other fields take one or more characters; literals are literal."""
        parts: list[str] = []
        for literal, name, _, _ in string.Formatter().parse(self.pattern):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P<{name}>{values.get(name, '.+')})")
        return re.compile("^" + "".join(parts) + "$")


@dataclass(frozen=True)
class ConfigLayout:
    """The configuration folder's layout (also the ETL-scripts bucket's): the deployed folder, the
    named folders and the file patterns, SQL kinds and local-only folders."""

    deployed_folder: str
    folders: Mapping[str, str]
    files: Mapping[str, FilePattern]
    sql_kinds: tuple[str, ...]
    local_only_folders: tuple[str, ...]

    def file(self, kind: str) -> FilePattern:
        """The pattern of file ``kind`` (``spec``, ``mapping``, ``dq_rules``, ``sql``, …)."""
        return self.files[kind]

    def folder_of(self, kind: str) -> str:
        """The named folder file ``kind`` lives in (its pattern's directory)."""
        return self.files[kind].pattern.rsplit("/", 1)[0]


@dataclass(frozen=True)
class Contract:
    """The whole contract: arguments, jobs, configuration layout and bucket prefixes."""

    arguments: Mapping[str, Argument]
    jobs: Mapping[str, JobSpec]
    configuration: ConfigLayout
    bucket_prefixes: Mapping[str, str]

    def job(self, key: str) -> JobSpec:
        """The job with ``key``; a ValueError listing the keys otherwise."""
        if key not in self.jobs:
            raise ValueError(f"unknown job {key!r}; expected one of {', '.join(self.jobs)}")
        return self.jobs[key]

    def folder_argument(self, folder: str) -> str | None:
        """The construct argument whose fixed value is ``/<folder>/`` (``txn_spec_prefix_path`` for
        ``etl/transformation-spec``): a job that has it reads that folder where the argument says."""
        for argument in self.arguments.values():
            if argument.value == f"/{folder}/":
                return argument.name
        return None


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _without_comments(node: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if not k.startswith("$")}


def parse_contract(document: Mapping[str, Any]) -> Contract:
    """The typed view of a parsed ``contract.json``."""
    arguments = {
        name: Argument(name, str(a["set_by"]), str(a["description"]), a.get("value"))
        for name, a in _without_comments(document["arguments"]).items()
    }
    jobs = {
        key: JobSpec(
            key=key,
            name_suffix=str(j["name_suffix"]),
            script=str(j["script"]),
            description=str(j["description"]),
            required=tuple(j["required"]),
            optional=tuple(j["optional"]),
        )
        for key, j in _without_comments(document["jobs"]).items()
    }
    unknown = sorted({n for j in jobs.values() for n in j.arguments} - set(arguments))
    if unknown:
        raise ValueError(f"{CONTRACT_FILE}: jobs name undeclared arguments {', '.join(unknown)}")
    config = document["configuration"]
    layout = ConfigLayout(
        deployed_folder=str(config["deployed_folder"]),
        folders=_frozen(config["folders"]),
        files=_frozen({kind: FilePattern(kind, str(p)) for kind, p in config["files"].items()}),
        sql_kinds=tuple(config["sql_kinds"]),
        local_only_folders=tuple(config["local_only_folders"]),
    )
    return Contract(
        arguments=_frozen(arguments),
        jobs=_frozen(jobs),
        configuration=layout,
        bucket_prefixes=_frozen(_without_comments(document["bucket_prefixes"])),
    )


@lru_cache(maxsize=1)
def load_contract() -> Contract:
    """The contract shipped with this package (read once)."""
    text = resources.files(__package__ or "insurancelake_etl").joinpath(CONTRACT_FILE).read_text(encoding="utf-8")
    return parse_contract(json.loads(text))


CONTRACT = load_contract()
