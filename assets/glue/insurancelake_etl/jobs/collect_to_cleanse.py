"""Collect → Cleanse: read one collected file, map, transform, check and write its Cleanse partition.

The steps follow reference §5.2 in order; the comments carry the step numbers.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from .. import config, mapping, objectstore, readers
from ..args import default_allow_schema_change, partition_values
from ..catalog import validate_mode
from ..context import JobContext
from ..errors import DataError
from ..lineage import LineageRecorder, NoLineage, make_lineage
from ..quality_hooks import DataQuality, make_data_quality
from ..runtime import Runtime
from ..tables import PARTITION_KEYS, TableWriter, partition_path
from ..transforms import run_transforms
from . import JobResult

logger = logging.getLogger(__name__)


def run(
    args: dict[str, str],
    spark: SparkSession,
    runtime: Runtime,
    *,
    lineage: LineageRecorder | None = None,
    fault: Any = None,
) -> JobResult:
    """Run the Collect→Cleanse job for ``args`` (the Glue job arguments of reference §5.1)."""
    args = dict(args)
    args.setdefault("JOB_RUN_ID", f"jr_local-{uuid.uuid4()}")
    database, table = args["target_database_name"], args["table_name"]

    # 1. Arrow for pandas conversions.
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    # 2. Extension and input path: see _steps.
    # 3. Partition values (strings; month/day zero-padded).
    year, month, day = partition_values(args["p_year"], args["p_month"], args["p_day"])
    # 4. Environment default of allow_schema_change.
    default_mode = default_allow_schema_change(args["environment"])
    # 5-7. Spec (validated), mapping and DQ rules; absent files keep their reference meaning (D1).
    job_config = config.load_job_config(args["txn_bucket"], args["txn_spec_prefix_path"], database, table)
    input_spec = job_config.input_spec
    mode = validate_mode(input_spec.get("allow_schema_change", default_mode), job_config.spec_file)

    recorder = lineage if lineage is not None else make_lineage(args)
    ctx = JobContext(spark=spark, args=args, lineage=recorder, spec_file=job_config.spec_file or "transformation spec")
    writer = runtime.table_writer(args.get("table_format"), fault=fault)

    # 8. Read the input. Cached frames are released when the job ends, so a later run in the same
    # session (the local runner) reads the file again instead of reusing an equal cached plan.
    cached: list[DataFrame] = []
    # The DQ rules are validated (shape and DQDL syntax) before any data is read.
    quality = make_data_quality(job_config.dq_rules, _dq_ctx(ctx, job_config.dq_file), writer)
    try:
        return _steps(args, spark, ctx, job_config, writer, cached, quality, mode=mode, partition=(year, month, day))
    finally:
        quality.release()
        for frame in cached:
            frame.unpersist()


def _steps(
    args: dict[str, str],
    spark: SparkSession,
    ctx: JobContext,
    job_config: config.JobConfig,
    writer: TableWriter,
    cached: list[DataFrame],
    quality: DataQuality,
    *,
    mode: str,
    partition: tuple[str, str, str],
) -> JobResult:
    """Steps 8 to 19 of §5.2."""
    database, table = args["target_database_name"], args["table_name"]
    src_dashes = f"{database}-{table}"
    input_spec = job_config.input_spec
    recorder = ctx.lineage
    ext = os.path.splitext(args["base_file_name"])[1]
    input_path = f"{args['source_bucket']}/{args['source_path']}/{args['base_file_name']}"
    year, month, day = partition

    df, rows_known = readers.read_input_counted(
        spark, input_path, input_spec, mapping_rows=job_config.mapping_rows, file_label=input_path
    )
    # 9. Cache, lineage. The input is cached when more than the write reads it: lineage's counts,
    # before_transform DQ rules, or the row count (unless the reader knew it without a pass, see
    # readers.read_delimited_counted). Otherwise the write is the only pass over the file.
    if rows_known is None or _has_rules(job_config.dq_rules, "before_transform") or not isinstance(recorder, NoLineage):
        df = df.cache()
        cached.append(df)
    recorder.update_lineage(df, ctx.dataset, "read", info={"format": ext, "path": input_path})
    recorder.update_lineage(df, ctx.dataset, "numericaudit")
    # 10. Empty input aborts before anything else.
    rows_read = rows_known if rows_known is not None else df.count()
    if rows_read == 0:
        raise DataError("No rows of data in source file; aborting", file=input_path)

    # 11. Schema mapping, or clean names and recommend a mapping.
    if "fixed" not in input_spec:
        if job_config.mapping_rows:
            df = mapping.apply_mapping(
                df, job_config.mapping_rows, ctx, strict=bool(input_spec.get("strict_schema_mapping", False))
            )
        else:
            recommendation = mapping.recommended_mapping_csv(df)
            df = mapping.clean_column_names(df)
            objectstore.write_text(objectstore.join(args["TempDir"], f"{src_dashes}.csv"), recommendation)

    # 12. before_transform data quality.
    df = quality.run(df, "before_transform")

    # 13. Transforms, or the recommended spec when there are none.
    transform_spec = job_config.transform_spec
    if transform_spec:
        df = run_transforms(df, transform_spec, ctx)
    else:
        spec_text = json.dumps(mapping.recommended_spec(df, ext), indent=4)
        objectstore.write_text(objectstore.join(args["TempDir"], f"{src_dashes}.json"), spec_text)

    # 14. Partition columns and execution_id, appended in this order.
    df = run_transforms(
        df,
        {"literal": {"year": year, "month": month, "day": day, "execution_id": args["execution_id"]}},
        ctx,
    )

    # 15. after_transform data quality, numeric audit. The transformed rows are cached only when
    # something besides the write reads them (DQ rules of this stage, lineage's numeric audit);
    # otherwise the write is their only pass.
    if _has_rules(job_config.dq_rules, "after_transform") or not isinstance(recorder, NoLineage):
        df = df.cache()
        cached.append(df)
    df = quality.run(df, "after_transform")
    recorder.update_lineage(df, ctx.dataset, "numericaudit")

    # 16-19. Catalog policy, then atomic replacement of the partition (D10). Every row carries the
    # same partition values (step 14), so the write needs no shuffle. Iceberg reports the rows its
    # commit added; Parquet rows are counted before the write.
    location = f"{args['target_bucket']}/{args['source_key']}"
    rows_counted: int | None = None
    if writer.format != "ICEBERG":
        df = df.cache()
        cached.append(df)
        rows_counted = df.count()
    rows_added = writer.replace_partition(
        df,
        database,
        table,
        location,
        allow_schema_change=mode,
        partition_keys=PARTITION_KEYS,
        table_description=input_spec.get("table_description"),
        shuffle=False,
    )
    if rows_counted is not None:
        rows_written = rows_counted
    elif rows_added is not None:
        rows_written = rows_added
    else:
        rows_written = writer.spark.table(writer.table_name(database, table)).where(
            " AND ".join(f"`{k}` = '{v}'" for k, v in zip(PARTITION_KEYS, partition, strict=True))
        ).count()
    result = JobResult(
        rows_read=rows_read,
        rows_written=rows_written,
        rows_quarantined=quality.quarantined,
        table=writer.table_name(database, table),
        partition=partition_path(PARTITION_KEYS, partition),
    )
    logger.info("collect_to_cleanse wrote %d rows to %s %s", rows_written, result.table, result.partition)
    return result


def _has_rules(dq_rules: dict[str, Any], stage: str) -> bool:
    """Whether the DQ rules file has any rule for ``stage``."""
    section = (dq_rules or {}).get(stage)
    if not isinstance(section, dict):
        return bool(section)
    return any(bool(v) for k, v in section.items() if k.endswith("_rules"))


def _dq_ctx(ctx: JobContext, dq_file: str) -> JobContext:
    """The context the data-quality checker gets: the job's, plus the rules file for messages."""
    args = dict(ctx.args)
    if dq_file:
        args.setdefault("dq_file", dq_file)
    return JobContext(spark=ctx.spark, args=args, lineage=ctx.lineage, spec_file=dq_file or ctx.spec_file)
