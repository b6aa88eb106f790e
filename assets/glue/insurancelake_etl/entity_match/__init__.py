"""Entity match (reference §19): global ids for incoming Consume rows, kept in an Iceberg primary table.

- :mod:`.spec`: the ``<DB>-entitymatch.json`` JSON Schema and its parsed form;
- :mod:`.matching`: exact match, blocked candidate pairs, recordlinkage scoring and id assignment;
- :mod:`.primary`: creating the primary table and the ``MERGE INTO`` (with its cardinality guard).

The job itself is :func:`insurancelake_etl.jobs.consume_entity_match.run`.
"""

from .spec import EntityMatchSpec, validate

__all__ = ["EntityMatchSpec", "validate"]
