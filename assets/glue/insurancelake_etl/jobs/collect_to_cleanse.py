"""Collect → Cleanse: read one collected file, map, transform, check and write its Cleanse partition.

The steps follow reference §5.2 in order; the comments carry the step numbers.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql.types import NullType

from .. import config, mapping, objectstore
from ..catalog import default_allow_schema_change, validate_mode
from ..context import JobContext
from ..errors import ConfigError, DataError, explained
from ..job_args import CollectArgs
from ..lineage import LineageRecorder, make_lineage
from ..quality_hooks import DataQuality, make_data_quality
from ..readers import ReadRequest, read_input, recommended_input_spec
from ..runtime import Runtime
from ..tables import Fault, TableWriter, WriteRequest
from ..transform_modules import attributed_failure, load_for_job
from ..transforms import run_transforms
from . import JobResult
from .read_quarantine import write_read_quarantine

logger = logging.getLogger(__name__)

Args = CollectArgs


def run(args: CollectArgs, runtime: Runtime, *, lineage: LineageRecorder | None = None, fault: Fault | None = None) -> JobResult:
    """Run the Collect→Cleanse job (the Glue job arguments of reference §5.1, parsed)."""
    job = args.job
    # The user's transform modules register their keys before the spec is checked.
    load_for_job(job.engine.transform_modules, job.engine.transform_modules_path, runtime.spark)
    # 1. Arrow for pandas conversions. (2-3: input path and partition values come parsed.)
    runtime.spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    # 4. Environment default of allow_schema_change.
    default_mode = default_allow_schema_change(job.environment)
    # 5-7. Spec (validated), mapping and DQ rules; absent files keep their reference meaning (D1).
    job_config = config.load_job_config(job.config, args.target.database, args.target.table)
    mode = validate_mode(job_config.input_spec.get("allow_schema_change", default_mode), job_config.spec_file)
    mapping.check_unique_targets(job_config.mapping_rows, job_config.mapping_file)

    ctx = JobContext(
        spark=runtime.spark,
        run=job.run,
        dataset=job.source_key,
        partition=job.partition,
        target=args.target,
        base_file_name=args.source.name,
        tables=job.tables,
        lineage=lineage if lineage is not None else make_lineage(job.run, job.tables.data_lineage_table),
        spec_file=job_config.spec_file or "transformation spec",
    )
    writer = runtime.table_writer(job.engine.table_format, fault=fault)
    # 8. Cached frames are released when the job ends, so a later run in the same session (the local
    # runner) reads the file again instead of reusing an equal cached plan.
    cached: list[DataFrame] = []
    # The DQ rules are validated (shape and DQDL syntax) before any data is read.
    evaluator = functools.partial(runtime.dq_evaluator, job.engine.dq_evaluator)
    quality = make_data_quality(job_config.dq_rules, ctx.for_file(job_config.dq_file), writer, evaluator)
    finished = False
    try:
        # Spark and Python failures become engine errors naming the file (no Py4J wrapper text);
        # a user's pandas UDF fails when the write runs it, so its transform key and module are named.
        with explained(file=f"{args.source.path}/{args.source.name}"):
            try:
                result = _steps(args, ctx, job_config, writer, cached, quality, mode)
            except Exception as error:
                failure = attributed_failure(error, job_config.transform_spec)
                if failure is None:
                    raise
                raise failure from error
        finished = True
        return result
    finally:
        ctx.lineage.flush(observed=finished)
        quality.release()
        for frame in cached:
            frame.unpersist()


def _steps(
    args: CollectArgs,
    ctx: JobContext,
    job_config: config.JobConfig,
    writer: TableWriter,
    cached: list[DataFrame],
    quality: DataQuality,
    mode: str,
) -> JobResult:
    """Steps 8 to 19 of §5.2."""
    job, target, partition = args.job, args.target, args.job.partition
    src_dashes = f"{target.database}-{target.table}"
    input_spec = job_config.input_spec
    recorder = ctx.lineage
    input_path = args.source.uri

    # Messages name the file by its Collect key (<database>/<table>/<file>), as the user put it.
    label = f"{args.source.path}/{args.source.name}"
    read = read_input(ReadRequest(ctx.spark, input_path, input_spec, job_config.mapping_rows, label))
    df = read.df
    _check_column_names(df, label)
    # 9. Lineage, cache. The read record and the input's numeric audit are observed during the
    # job's first full pass (DataFrame.observe), not computed by passes of their own. The input is
    # cached only for the row count when the reader did not know it without a pass (see
    # readers.delimited); before_transform DQ rules cache the mapped rows they read themselves.
    df, read_record = recorder.observe(df, ctx.dataset, "read", info={"format": args.source.extension, "path": input_path})
    df, input_audit = recorder.observe(df, ctx.dataset, "numericaudit")
    if read.rows is None:
        df = df.cache()
        cached.append(df)
    # 10. Empty input aborts before anything else.
    rows_good = read.rows if read.rows is not None else df.count()
    for record in (read_record, input_audit):
        if record is not None:
            record.expected_rows = rows_good
    if rows_good == 0:
        more = f" ({len(read.bad_records)} bad records)" if read.bad_records else ""
        raise DataError(f"No rows of data in source file{more}; aborting", file=label)
    rows_read = rows_good + len(read.bad_records)

    # 11. Schema mapping, or clean names and recommend a mapping.
    if "fixed" not in input_spec:
        if job_config.mapping_rows:
            strict = bool(input_spec.get("strict_schema_mapping", False))
            df = mapping.apply_mapping(df, job_config.mapping_rows, ctx, strict=strict)
        else:
            recommendation = mapping.recommended_mapping_csv(df)
            df = mapping.clean_column_names(df)
            objectstore.write_text(objectstore.join(job.temp_dir, f"{src_dashes}.csv"), recommendation)

    # 12. before_transform data quality.
    df = quality.run(df, "before_transform")

    # 13. Transforms, or the recommended spec when there are none.
    if job_config.transform_spec:
        df = run_transforms(df, job_config.transform_spec, ctx)
    else:
        recommended = mapping.recommended_spec(df, recommended_input_spec(input_path))
        objectstore.write_text(objectstore.join(job.temp_dir, f"{src_dashes}.json"), json.dumps(recommended, indent=4))

    # 14. Partition columns and execution_id, appended in this order.
    df = run_transforms(df, {"literal": {**partition.columns(), "execution_id": ctx.execution_id}}, ctx)

    # 15. after_transform data quality (which caches the transformed rows when it has rules: they
    # read them besides the write), numeric audit, observed during the write.
    df = quality.run(df, "after_transform")
    df, output_audit = recorder.observe(df, ctx.dataset, "numericaudit")

    # 16-19. Catalog policy, then atomic replacement of the partition (D10). Every row carries the
    # same partition values (step 14), so the write needs no shuffle.
    request = WriteRequest(
        target.database,
        target.table,
        f"{target.bucket}/{job.source_key}",
        allow_schema_change=mode,
        description=input_spec.get("table_description"),
        shuffle=False,
    )
    _check_typed(df, job_config.transform_spec, ctx.spec_file)
    table = writer.table_name(target.database, target.table)
    write_read_quarantine(ctx, writer, read.bad_records, input_path)
    rows_written = writer.write(df, request)
    if rows_written is None:
        rows_written = writer.spark.table(table).where(partition.sql_filter()).count()
    if output_audit is not None:
        output_audit.expected_rows = rows_written
    rows_quarantined = quality.quarantined + len(read.bad_records)
    result = JobResult(
        rows_read=rows_read,
        rows_written=rows_written,
        rows_quarantined=rows_quarantined,
        rows_bad=len(read.bad_records),
        rows_filtered=rows_read - rows_written - rows_quarantined,
        table=table,
        partition=partition.path,
        partition_filter=partition.sql_filter(),
    )
    logger.info("collect_to_cleanse wrote %d rows to %s %s", rows_written, result.table, result.partition)
    return result


def _check_column_names(df: DataFrame, label: str) -> None:
    """A DataError for a column without a name (a header cell of spaces): no catalog can hold it."""
    for position, name in enumerate(df.columns, start=1):
        if not name.strip():
            raise DataError(
                f"header cell {position} is blank ({name!r}); expected every column to have a name",
                file=label,
                location="line 1",
            )


def _check_typed(df: DataFrame, transform_spec: dict[str, Any], spec_file: str) -> None:
    """A ConfigError for a column whose type is null (no table format can store it), naming the
    ``literal`` entry that made it when there is one."""
    untyped = [f.name for f in df.schema.fields if isinstance(f.dataType, NullType)]
    if not untyped:
        return
    column = untyped[0]
    origin = next(
        (key for key, value in transform_spec.items() if key.split(":")[0] == "literal" and isinstance(value, dict) and column in value),
        None,
    )
    made_by = f" (transform {origin!r} sets it to null)" if origin else ""
    raise ConfigError(
        f"column {column!r} has no type: every value is null{made_by}; expected a typed value (e.g. \"\" or 0) "
        f"or a changetype entry giving {column!r} a type",
        file=spec_file,
        location=f"$.transform_spec.{origin}.{column}" if origin else None,
    )

