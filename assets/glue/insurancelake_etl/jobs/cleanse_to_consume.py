"""Cleanse → Consume: run the workflow's Spark SQL into a Consume table, then its Athena and Redshift
SQL (reference §6.2, §18).

The Spark SQL result replaces the whole Consume table atomically (Decision D10). Substitution uses
Python ``str.format`` with every job argument plus ``target_table``; ``{p_month}`` and friends are the
raw argument strings (kept as the reference).
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from ..transform_modules import load_for_job
from .. import config
from ..context import JobContext
from ..errors import ConfigError, EtlError, explained, with_consequence
from ..job_args import ConsumeArgs
from ..lineage import LineageRecorder, make_lineage
from ..quality_hooks import make_data_quality
from ..runtime import Runtime
from ..sql_runner import athena_execute_query, redshift_execute_query, split_statements
from ..tables import Fault, WriteRequest
from . import JobResult

logger = logging.getLogger(__name__)

Args = ConsumeArgs

# re.match, so anchored at the start; DOTALL and case-insensitive (§6.2 step 3).
CREATE_TABLE_AS = re.compile(r"\s*CREATE TABLE\s+[\"`']?([\w]+)[\"`']?\s+AS(.*)", re.IGNORECASE | re.DOTALL)


def table_override(sql: str, table_name: str) -> tuple[str, str]:
    """``(target_table, sql)``: a leading ``CREATE TABLE x AS`` names the table and is removed."""
    match = CREATE_TABLE_AS.match(sql)
    if match:
        return match.group(1), match.group(2)
    return table_name, sql


def substitute(sql: str, data: dict[str, Any], file: str) -> str:
    """``sql.format(**data)``; an unknown ``{key}`` becomes a ConfigError naming the file."""
    try:
        return sql.format(**data)
    except KeyError as exc:
        raise ConfigError(
            f"unknown substitution variable {{{exc.args[0]}}}; available: {', '.join(sorted(data))} "
            "(write literal braces as {{ and }})",
            file=file,
        ) from exc
    except (IndexError, ValueError) as exc:
        raise ConfigError(f"cannot substitute variables: {exc} (write literal braces as {{{{ and }}}})", file=file) from exc


def sql_line_offset(raw_sql: str, query: str) -> int:
    """How many lines of the SQL file come before the query Spark parses (after ``CREATE TABLE x AS``)."""
    start = raw_sql.find(query[:80]) if query else -1
    return raw_sql.count("\n", 0, start) if start > 0 else 0


def _not_updated(args: ConsumeArgs, target_db: str, target_table: str) -> str:
    """What a failed Consume step leaves: the Cleanse partition the Collect run wrote, the old Consume table."""
    cleanse = f"{args.source.database}.{args.source.table}".lower()
    consume = f"{target_db}.{target_table}".lower()
    return (
        f"Consume not updated: Cleanse {cleanse} {args.job.partition.path} holds the new rows; Consume {consume} "
        "keeps the previous table; re-run the file to repair both"
    )


def run(
    args: ConsumeArgs,
    runtime: Runtime,
    *,
    lineage: LineageRecorder | None = None,
    fault: Fault | None = None,
    athena_client: Any = None,
    redshift_client: Any = None,
    poll_seconds: float = 1.0,
) -> JobResult:
    """Run the Cleanse→Consume job (the Glue job arguments of reference §6.1, parsed)."""
    job, spark = args.job, runtime.spark
    load_for_job(job.engine.transform_modules, job.engine.transform_modules_path, spark)
    source_db, table = args.source.database, args.source.table

    # 1. Arrow on; substitution data = the arguments (partition values were validated at parsing).
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    substitution: dict[str, Any] = job.substitution()

    # 2. The Collect job's DQ rules file; its after_sparksql section applies here.
    dq_file = job.config.dq_rules_uri(source_db, table)
    dq_rules = config.load_dq_rules(dq_file)

    recorder = lineage if lineage is not None else make_lineage(job.run, job.tables.data_lineage_table)
    finished = False
    try:
        result = _steps(args, runtime, recorder, substitution, dq_file, dq_rules, fault, athena_client, redshift_client, poll_seconds)
        finished = True
        return result
    finally:
        recorder.flush(observed=finished)


def _steps(
    args: ConsumeArgs,
    runtime: Runtime,
    recorder: LineageRecorder,
    substitution: dict[str, Any],
    dq_file: str,
    dq_rules: dict[str, Any],
    fault: Fault | None,
    athena_client: Any,
    redshift_client: Any,
    poll_seconds: float,
) -> JobResult:
    """Steps 3 to 5; lineage records go to ``recorder``."""
    job, spark = args.job, runtime.spark
    source_db, table = args.source.database, args.source.table
    target_db = args.target.database
    target_table = table
    ctx = JobContext(
        spark=spark,
        run=job.run,
        dataset=job.source_key,
        partition=job.partition,
        target=args.target,
        tables=job.tables,
        lineage=recorder,
        spec_file=dq_file,
    )
    writer = runtime.table_writer(job.engine.table_format, fault=fault)
    result = JobResult()

    # The DQ rules are validated before the SQL runs.
    quality = make_data_quality(dq_rules, ctx, writer, functools.partial(runtime.dq_evaluator, job.engine.dq_evaluator))

    # 3. Spark SQL.
    spark_sql, spark_uri = config.load_sql(job.config, "spark", source_db, table)
    if spark_sql is not None:
        raw_sql = spark_sql
        target_table, spark_sql = table_override(spark_sql, table)
        substitution["target_table"] = target_table
        spark_sql = spark_sql.strip()
        if not spark_sql:
            raise ConfigError("Spark SQL file found but appears to be empty", file=spark_uri)
        spark.conf.set("spark.sql.mapKeyDedupPolicy", "LAST_WIN")
        spark.conf.set("spark.sql.hive.convertMetastoreParquet", "false")
        query = substitute(spark_sql, substitution, spark_uri)
        location = f"{args.target.bucket}/{source_db}/{target_table}"
        try:
            # SQL errors name the SQL file and the line in it (the query starts after any
            # CREATE TABLE ... AS prefix).
            with explained(file=spark_uri, sql_line_offset=sql_line_offset(raw_sql, spark_sql)):
                with writer.sql_scope():
                    df = spark.sql(query)
                    recorder.update_lineage(df, ctx.dataset, "sparksql", info=spark_sql)
                    df = quality.run(df, "after_sparksql")
                    # The numeric audit is observed during the count (a full pass), not computed by one of its own.
                    df, audit = recorder.observe(df, ctx.dataset, "numericaudit")
                    df = df.cache()
                    rows = df.count()
                    if audit is not None:
                        audit.expected_rows = rows
                try:
                    writer.write(df, WriteRequest(target_db, target_table, location, allow_schema_change="permissive", replace="table"))
                finally:
                    df.unpersist()
        except EtlError as error:
            raise with_consequence(error, _not_updated(args, target_db, target_table)) from error
        finally:
            # Also when the SQL or a DQ halt fails before the write: the local worker's session lives on.
            quality.release()
        result.rows_read = rows
        result.rows_written = rows
        result.rows_quarantined = quality.quarantined
        result.table = writer.table_name(target_db, target_table)
        logger.info("cleanse_to_consume wrote %d rows to %s", rows, result.table)

    # 4. Athena SQL, statement by statement.
    athena_sql, athena_uri = config.load_sql(job.config, "athena", source_db, table)
    if athena_sql is not None and athena_sql.strip():
        workgroup = args.athena()
        for statement in split_statements(athena_sql):
            query = substitute(statement, substitution, athena_uri)
            athena_execute_query(target_db, query, workgroup, client=athena_client, poll_seconds=poll_seconds)
            result.statements.append(query)

    # 5. Redshift SQL, the whole file as one Data API call.
    redshift_sql, redshift_uri = config.load_sql(job.config, "redshift", source_db, table)
    if redshift_sql is not None:
        database, cluster_id, workgroup_name = args.redshift()
        query = substitute(redshift_sql, substitution, redshift_uri)
        redshift_execute_query(
            query,
            database=database,
            cluster_id=cluster_id,
            workgroup_name=workgroup_name,
            client=redshift_client,
            poll_seconds=poll_seconds,
        )
        result.statements.append(query)
    return result
