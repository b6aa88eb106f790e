"""Consume entity match (reference §7, §19, Decisions D8 and D12).

Reads one partition of a Consume table, gives every row a global id and merges the rows into the
Iceberg primary entity table of ``<db>_consume``:

1. the spec ``<DB>-entitymatch.json`` is required and validated before any data is read;
2. the global id column is added when absent (lineage ``add_column``);
3. first load: null ids are filled with new uuids, the id column goes first (lineage
   ``fill_global_id``) and the primary table is created (Iceberg v2, partitioned by year/month/day);
4. later loads: rows that already carry an id keep it; the others are matched exactly on the source
   primary and system keys, then by the probabilistic levels (:mod:`..entity_match.matching`); with
   no levels only the exact match runs (Decision D12); rows still unmatched get new ids;
5. the rows are merged into the primary table on the global id; two incoming rows with one id are a
   clear error before anything is written.

The incoming partition is selected with zero-padded ``month``/``day`` values (the values the Collect
job writes), so ``--p_month 3`` and ``--p_month 03`` read the same rows.
"""

from __future__ import annotations

import logging

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..transform_modules import load_for_job
from .. import config
from ..config_location import ConfigLocation
from ..entity_match import matching
from ..entity_match.primary import check_cardinality, create_primary, merge_into_primary, read_primary
from ..entity_match.spec import MISSING_SPEC_MESSAGE, EntityMatchSpec, check_columns, validate
from ..errors import ConfigError
from ..job_args import EntityMatchArgs
from ..lineage import LineageRecorder, make_lineage
from ..runtime import Runtime
from . import JobResult

logger = logging.getLogger(__name__)

Args = EntityMatchArgs


def load_spec(location: ConfigLocation, database: str) -> EntityMatchSpec:
    """The validated entity-match spec of ``database`` (``--database_name_prefix``); the reference
    error when absent."""
    raw, uri = config.load_entity_match(location, database)
    if not raw:
        raise ConfigError(MISSING_SPEC_MESSAGE, file=uri)
    return validate(raw, uri)


def _union(frames: list[DataFrame]) -> DataFrame:
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out


def match(incoming: DataFrame, primary: DataFrame, spec: EntityMatchSpec) -> DataFrame:
    """Global ids for ``incoming`` (which has the id column) against ``primary`` (reference §19.3
    steps 5-9): prematched ∪ exact matches ∪ record-linkage matches ∪ new ids, id column first."""
    gid = spec.global_id_field
    prematched, to_match = matching.split_by_id(incoming, gid)
    prematched = prematched.withColumn(gid, F.col(f"`{gid}`").cast("string"))
    found: list[DataFrame] = [matching.move_first(prematched, gid)]
    if spec.exact_match:
        exact, to_match = matching.exact_match(to_match, primary, spec)
        found.append(exact)
    if spec.levels:
        to_match = to_match.withColumn(matching.ROW_ID, F.monotonically_increasing_id()).localCheckpoint(eager=True)
        if not to_match.isEmpty():
            best = matching.probabilistic_match(to_match, primary, spec)
            linked, to_match = matching.apply_matches(to_match, best, spec)
            found.append(linked)
        else:
            to_match = to_match.drop(matching.ROW_ID)
    found.append(matching.fill_global_id(to_match, gid))
    return _union([matching.move_first(f, gid) for f in found])


def run(args: EntityMatchArgs, runtime: Runtime, *, lineage: LineageRecorder | None = None) -> JobResult:
    """Run the entity-match job (the Glue job arguments of reference §7, parsed)."""
    recorder = lineage if lineage is not None else make_lineage(args.job.run, args.job.tables.data_lineage_table)
    finished = False
    try:
        result = _match(args, runtime, recorder)
        finished = True
        return result
    finally:
        recorder.flush(observed=finished)


def _match(args: EntityMatchArgs, runtime: Runtime, recorder: LineageRecorder) -> JobResult:
    """The job's steps; lineage records go to ``recorder``."""
    job, spark, partition = args.job, runtime.spark, args.job.partition
    load_for_job(job.engine.transform_modules, job.engine.transform_modules_path, spark)
    spec = load_spec(job.config, args.database_name_prefix)
    dataset = job.source_key
    gid = spec.global_id_field

    consume_db = args.consume_database
    source_ident = runtime.table_writer(job.engine.table_format).table_name(consume_db, args.table_name.lower())
    primary_ident = f"{runtime.iceberg_catalog}.{consume_db}.{spec.primary_entity_table.lower()}"

    incoming = spark.table(source_ident).where(partition.column_filter())
    check_columns(spec, incoming.columns, source_ident)
    if gid not in incoming.columns:
        incoming = incoming.withColumn(gid, F.lit(None).cast("string"))
        recorder.update_lineage(incoming, dataset, "add_column", transform=[gid])

    result = JobResult(table=primary_ident, partition=partition.path, partition_filter=partition.sql_filter())
    primary = read_primary(spark, primary_ident)
    if primary is None:
        filled = matching.fill_global_id(incoming, gid)
        recorder.update_lineage(filled, dataset, "fill_global_id", transform=[gid])
        create_primary(filled, primary_ident)
        result.rows_written = spark.table(primary_ident).count()
        result.rows_read = result.rows_written
        logger.info("entity match created %s with %d rows", primary_ident, result.rows_written)
        return result

    check_columns(spec, primary.columns, primary_ident)
    merged = match(incoming, primary, spec).localCheckpoint(eager=True)
    recorder.update_lineage(merged, dataset, "fill_global_id", transform=[gid])
    keys = [c for c in (spec.source_primary_key, spec.source_system_key) if c]
    check_cardinality(merged, gid, primary_ident, keys)
    rows = merged.count()
    if rows:
        merge_into_primary(spark, merged, primary_ident, gid)
    result.rows_read = rows
    result.rows_written = rows
    logger.info("entity match merged %d rows into %s", rows, primary_ident)
    return result
