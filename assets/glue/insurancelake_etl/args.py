"""Job-argument parsing compatible with Glue's ``getResolvedOptions``.

Glue starts a job script as ``script.py --JOB_NAME x --source_key y …`` (and the local runner uses the
same form, or ``--name=value``). :func:`resolve_options` accepts both spellings, ignores arguments it
was not asked for (Glue adds its own, such as ``--job-bookmark-option``), and raises
:class:`JobArgumentError` (our ``GlueArgumentError``) for a missing required argument. Which
arguments a job requires and accepts is the contract's (:mod:`.contract`), not this module's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .contract import JobSpec
from .errors import JobArgumentError


def _scan(argv: Sequence[str]) -> dict[str, str]:
    """Every ``--name value`` / ``--name=value`` pair of ``argv`` (later occurrences win)."""
    found: dict[str, str] = {}
    i = 0
    while i < len(argv):
        token = argv[i]
        if token.startswith("--") and len(token) > 2:
            body = token[2:]
            if "=" in body:
                name, value = body.split("=", 1)
                found[name] = value
            elif i + 1 < len(argv) and not (argv[i + 1].startswith("--") and len(argv[i + 1]) > 2):
                found[body] = argv[i + 1]
                i += 1
            else:
                # A flag without a value: getResolvedOptions would refuse it for a named option.
                found[body] = ""
        i += 1
    return found


def resolve_options(argv: Sequence[str], required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, str]:
    """The values of ``required`` (all must be present) and of those ``optional`` names present in
    ``argv``; the first element of ``argv`` is the script name, as in ``sys.argv``.

    Raises :class:`JobArgumentError` naming every missing required argument, worded like argparse
    (``the following arguments are required: --a, --b``), which is what ``GlueArgumentError`` says.
    """
    found = _scan(list(argv[1:]))
    required = list(required)
    missing = [name for name in required if name not in found]
    if missing:
        raise JobArgumentError(
            "the following arguments are required: " + ", ".join(f"--{name}" for name in missing)
        )
    empty = [name for name in required if found[name] == ""]
    if empty:
        raise JobArgumentError(f"argument --{empty[0]}: expected one argument")
    resolved = {name: found[name] for name in required}
    for name in optional:
        if name in found and name not in resolved:
            resolved[name] = found[name]
    return resolved


def resolve_job_options(argv: Sequence[str], job: JobSpec) -> dict[str, str]:
    """:func:`resolve_options` with the job's required and optional arguments from the contract."""
    return resolve_options(argv, job.required, job.optional)


def as_argv(arguments: Mapping[str, str], script: str = "job.py") -> list[str]:
    """An ``argv`` (``script --name=value …``) for arguments keyed ``name`` or ``--name``, as the Glue
    API and the local runner hand them over."""
    return [script, *(f"--{name.removeprefix('--')}={value}" for name, value in arguments.items())]
