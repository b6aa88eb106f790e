"""Running one stage's rules: warn → quarantine → halt (reference §16.4, §16.5).

- **warn**: dataset-level evaluation; failures are logged (``Data quality checks failed: warning
  only``) and the job goes on.
- **quarantine**: row-level evaluation. Rows whose ``DataQualityEvaluationResult`` contains
  ``Passed`` continue without the outcome columns; rows whose result contains ``Failed`` are written,
  with the outcome columns (plus ``year``/``month``/``day``/``execution_id`` at ``before_transform``)
  and ``quarantine_timestamp``, to ``<target_database_name>.<table_name>_quarantine_<stage>`` at
  ``<target_bucket>/quarantine/<stage>/<source_key>``. That table is created and the job's partition
  cleared even when no row failed. Quarantining every row fails the run.
- **halt**: dataset-level evaluation of the data **as it entered the stage** (before quarantine); a
  failure stops the run with ``Data quality check failed: …`` naming every failing rule, its file,
  stage, outcome and observed value.

A stage caches its input for the evaluation, with only the columns its rules read when that changes
no outcome (:mod:`.stage_columns`): the rows that continue are then the stage input filtered by the
quarantine predicates, computed by the job's write, instead of a cache of every column the write
reads again. Row-level outcomes for quarantine are computed natively (:mod:`.row_level`) when every
rule of the list translates, as expressions over the cached input (not cached again); the rule
outcomes come from the evaluator, the three lists of a stage in one evaluation
(:meth:`~.evaluator.DqEvaluator.evaluate_lists`), with the actions then taken in their order. Before
a stage evaluates anything, every column its rules name is checked against the frame's schema
(:mod:`.rule_columns`).

Every action's outcomes go to the DQ results table; quarantine also records lineage
``dataqualityquarantine`` (one record per rule).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ..context import JobContext
from ..errors import ConfigError, DataError
from ..job_args import TableTarget
from ..partition import PARTITION_KEYS, Partition
from ..tables import TableWriter, WriteRequest
from .evaluator import ROW_OUTCOME_COLUMNS, DqEvaluator, RuleOutcome
from .results import ResultsSink
from .row_level import RowLevelPlan, count_outcome_columns, custom_sql_outcome, plan_row_level
from .rule_columns import check_rule_columns
from .stage_columns import evaluated_columns, select_columns
from .rules import DqRules, RuleRef

logger = logging.getLogger(__name__)

RESULT_COLUMN = "DataQualityEvaluationResult"
COMPRESSED_CACHE_CONF = "spark.sql.inMemoryColumnarStorage.compressed"


def evaluation_context(source_key: str, stage: str, action: str) -> str:
    """Glue's ``dataQualityEvaluationContext``: ``<source_key with - for />-<stage>-<action>``."""
    return f"{source_key.replace('/', '-')}-{stage}-{action}"


def quarantine_table_name(table: str, stage: str) -> str:
    """``<table>_quarantine_<stage>`` (singular stage names, kept as the reference)."""
    return f"{table}_quarantine_{stage}"


class QuarantinedAllRows(DataError):
    """Every row of a stage was quarantined: the run fails, and says how many rows went where."""

    def __init__(self, message: str, rows_quarantined: int, *, file: str | None = None) -> None:
        super().__init__(message, file=file)
        self.rows_quarantined = rows_quarantined


class DataQualityCheck:
    """The data-quality checker the jobs call at each stage (``run(df, stage)``)."""

    def __init__(
        self,
        rules: DqRules,
        ctx: JobContext,
        tables: TableWriter | None,
        evaluator: DqEvaluator,
        results: ResultsSink,
    ) -> None:
        self.rules = rules
        self.ctx = ctx
        self.tables = tables
        self.evaluator = evaluator
        self.results = results
        self.cached: list[DataFrame] = []
        # Each stage's cached input still held (a narrow one is released when its stage ends).
        self.stage_inputs: list[DataFrame] = []
        self.quarantined = 0
        # The evaluator's parser, which keeps its parses per rule text (JVM round trips).
        self.parser = evaluator.parser
        # Per quarantine list evaluated: how its row-level outcomes were computed (logs, benchmark).
        self.row_level_kinds: list[list[str]] = []

    @property
    def target(self) -> TableTarget:
        """The table the job writes; its quarantine tables sit beside it."""
        if self.ctx.target is None:
            raise ConfigError("quarantine rules need the job's target table", file=self.ctx.spec_file)
        return self.ctx.target

    @property
    def partition(self) -> Partition:
        """The job's partition: quarantined rows are written to it."""
        if self.ctx.partition is None:
            raise ConfigError("quarantine rules need the job's partition", file=self.ctx.spec_file)
        return self.ctx.partition

    def run(self, df: DataFrame, stage: str) -> DataFrame:
        """Apply ``stage``'s warn, quarantine and halt rules; the rows that continue."""
        if not self.rules.has_rules(stage):
            return df
        self._check_columns(df, stage)
        # The stage's first full action builds its cache, with the setting in force at that moment.
        with uncompressed_cache(self.ctx.spark):
            return self._run(df, stage)

    def _run(self, df: DataFrame, stage: str) -> DataFrame:
        warn = [r.text for r in self.rules.stage_rules(stage, "warn")]
        quarantine = self.rules.stage_rules(stage, "quarantine")
        halt = [r.text for r in self.rules.stage_rules(stage, "halt")]
        texts = [r.text for r in quarantine]
        # Every action reads the stage's input (warn, the row-level quarantine, halt on the
        # unfiltered data): computed once and cached, with only the columns the rules read when
        # that changes no outcome (.stage_columns). The rows that continue are then the stage input
        # itself, filtered, which the job's write computes; else they are read from the cache.
        columns = self._evaluated_columns(df, stage)
        narrow = df if columns is None else select_columns(df, columns)
        plan, native_sql = self._row_level_plan(narrow, texts, stage) if quarantine else (None, [])
        if plan is None and quarantine and columns is not None:
            columns, narrow = None, df  # the evaluator's row-level outcomes come with every column
        if columns is not None:
            logger.info("DQ %s: the rules read %d of %d columns: %s", stage, len(columns), len(df.columns), ", ".join(columns))
        earlier = self._releasable(whole=columns is None)
        original = narrow.cache()
        self.cached.append(original)
        self.stage_inputs.append(original)
        # The stage's dataset-level outcomes in one evaluation (the evaluator's passes are shared);
        # a quarantine list without a native plan gets its outcomes with the rows instead.
        by_evaluator = [t for i, t in enumerate(texts) if i not in native_sql] if plan is not None else []
        contexts = [evaluation_context(self.ctx.dataset, stage, action) for action in ("warn", "quarantine", "halt")]
        started = time.perf_counter()
        warned, evaluated, halted = self.evaluator.evaluate_lists(
            original, [(warn, contexts[0]), (by_evaluator, contexts[1]), (halt, contexts[2])]
        )
        # Stage timings for the job log (and bench/run.py --profile): the first evaluation also
        # computes and caches the stage input.
        logger.info("DQ %s: %d rules evaluated in %.1f s", stage, len(warn) + len(by_evaluator) + len(halt), time.perf_counter() - started)
        self._release_earlier(earlier)
        if warn:
            self.results.write(warned, stage, "warn")
            if any(o.failed for o in warned):
                logger.warning("Data quality checks failed: warning only")
                self._log_failures(warned, stage, "warn")

        if quarantine:
            started = time.perf_counter()
            # Without narrowing, original is df itself (cache() marks the frame and returns it).
            df = self._quarantine(original, df, texts, [r.raw for r in quarantine], stage, plan, native_sql, evaluated)
            logger.info("DQ %s: quarantine counted and written in %.1f s", stage, time.perf_counter() - started)

        if halt:
            self.results.write(halted, stage, "halt")
            if any(o.failed for o in halted):
                self._log_failures(halted, stage, "halt")
                raise DataError(halt_message(halted, stage), file=self.rules.file)
        if columns is not None:
            # Nothing reads the narrow cache any more: the counts are taken, the failing keys cached.
            self._release_earlier([original])
        return df

    def _evaluated_columns(self, df: DataFrame, stage: str) -> list[str] | None:
        """The columns of ``df`` the stage's rules read, or None for every column."""
        if not self.parser.available:
            return None
        refs = [r for action in ("warn", "quarantine", "halt") for r in self.rules.stage_rules(stage, action)]
        parsed = [self.parser.parse(r.text)[0] for r in refs]
        return evaluated_columns(parsed, [r.text for r in refs], df)

    def _releasable(self, *, whole: bool) -> list[DataFrame]:
        """The earlier stages' inputs this stage's evaluation makes unneeded once it has read its
        own: every one when this stage caches every column (the job then reads its cache), none
        otherwise (the rows that continue are computed from them again)."""
        return list(self.stage_inputs) if whole else []

    def _check_columns(self, df: DataFrame, stage: str) -> None:
        """Every column the stage's rules name exists in ``df`` (schema only, no data read)."""
        if not self.parser.available:
            return
        refs: list[RuleRef] = [r for action in ("warn", "quarantine", "halt") for r in self.rules.stage_rules(stage, action)]
        parsed = [self.parser.parse(r.text)[0] for r in refs]
        check_rule_columns(self.rules.file, refs, parsed, df)

    def release(self) -> None:
        """Unpersist the row-level outcomes cached for quarantine (call when the job has written)."""
        for frame in self.cached:
            frame.unpersist()
        self.cached.clear()

    def _release_earlier(self, earlier: list[DataFrame]) -> None:
        """Unpersist what earlier stages cached, once this stage's evaluation has read (and so
        cached) its whole input: nothing reads those frames any more, and a loaded cache keeps its
        data when a frame it was computed from is unpersisted (Spark recomputes only a cache not yet
        loaded). At a million rows both stage inputs would otherwise share the memory and spill."""
        for frame in earlier:
            frame.unpersist()
        self.cached = [frame for frame in self.cached if all(frame is not e for e in earlier)]
        self.stage_inputs = [frame for frame in self.stage_inputs if all(frame is not e for e in earlier)]

    # -- actions ----------------------------------------------------------------------------------

    def _row_level_plan(self, df: DataFrame, rules: list[str], stage: str) -> tuple[RowLevelPlan | None, list[int]]:
        """The native row-level plan of a quarantine list (None: the evaluator's row-level
        evaluation) and the positions of the row-level CustomSql rules whose outcome it gives too."""
        parsed = [self.parser.parse(r)[0] for r in rules] if self.parser.available else []
        plan = plan_row_level(parsed, df) if parsed and all(p is not None for p in parsed) else None
        if plan is None:
            self.row_level_kinds.append(["evaluator"] * len(rules))
            logger.warning("quarantine at %s: row-level outcomes from the %s evaluator", stage, self.evaluator.name)
            return None, []
        # Which rows fail: Spark expressions and joins; rule outcomes: the evaluator (linear), but
        # Deequ's row-level CustomSql outcome from the native rows (its per-row join, row_level).
        self.row_level_kinds.append(plan.kinds)
        logger.info("quarantine at %s: row-level outcomes native (%s)", stage, ", ".join(plan.kinds))
        native_sql = [i for i, kind in enumerate(plan.kinds) if kind == "join"] if self.evaluator.name == "deequ" else []
        return plan, native_sql

    def _quarantine(
        self,
        df: DataFrame,
        whole: DataFrame,
        rules: list[str],
        raw_rules: list[str],
        stage: str,
        plan: RowLevelPlan | None,
        native_sql: list[int],
        evaluated: list[RuleOutcome],
    ) -> DataFrame:
        if plan is not None:
            # Expressions over the cached stage input (and a join with the few failing keys of a
            # row-level CustomSql, when it has any): cheaper to recompute for the count and both
            # writes than to cache. Counted over the evaluated columns (the rows passing each native
            # CustomSql too); the rows written are the stage input's, whole.
            counts = plan.count(df, native_sql)
            rows = plan.apply(whole)
            self.cached.extend(plan.cached)
        else:
            context = evaluation_context(self.ctx.dataset, stage, "quarantine")
            evaluated, rows = self.evaluator.evaluate_rows(df, rules, context)
            # Cached: the counts, the quarantine write and the rows that continue all read it.
            rows = rows.cache()
            self.cached.append(rows)
            counts = count_outcome_columns(rows, {})
        result = F.col(RESULT_COLUMN)
        passed_count, failed_count = counts.passed, counts.failed
        texts = plan.texts if plan is not None else []
        outcomes = _merge_outcomes(
            evaluated,
            {i: custom_sql_outcome(texts[i], counts.sql_passed[i], passed_count + failed_count) for i in native_sql},
            len(rules),
        )
        self.results.write(outcomes, stage, "quarantine")
        self._log_failures(outcomes, stage, "quarantine")
        self.quarantined += failed_count

        failed = rows.filter(result.contains("Failed"))
        if stage == "before_transform":
            values = {**self.partition.columns(), "execution_id": self.ctx.execution_id}
            failed = failed.withColumns({name: F.lit(value) for name, value in values.items()})
        failed = failed.withColumn("quarantine_timestamp", F.current_timestamp())
        self._write_quarantine(failed, stage, failed_count)
        self.ctx.lineage.update_lineage(failed, self.ctx.dataset, "dataqualityquarantine", transform=raw_rules)

        if failed_count and not passed_count:
            failing = "; ".join(o.rule for o in outcomes if o.failed) or "; ".join(rules)
            raise QuarantinedAllRows(
                f"Data quality check quarantined all rows: {failed_count} rows at {stage} failed the "
                f"quarantine rules ({failing}), written to {quarantine_table_name(self.target.table, stage)}",
                self.quarantined,
                file=self.rules.file,
            )
        if failed_count:
            logger.warning("Data quality check quarantined %d rows at %s", failed_count, stage)
        if plan is not None:
            return plan.passing(whole)
        return rows.filter(result.contains("Passed")).drop(*ROW_OUTCOME_COLUMNS)

    def _write_quarantine(self, failed: DataFrame, stage: str, failed_count: int) -> None:
        """Create the quarantine table when absent, clear the job's partition, write the failed rows."""
        if self.tables is None:
            raise ConfigError("quarantine rules need a table writer for the quarantine table")
        target = self.target
        table = quarantine_table_name(target.table, stage)
        location = f"{target.bucket}/quarantine/{stage}/{self.ctx.dataset}"
        missing = [k for k in PARTITION_KEYS if k not in failed.columns]
        if missing:
            raise DataError(
                f"quarantine rows at {stage} need the partition columns {', '.join(PARTITION_KEYS)}; "
                f"the data has no {', '.join(missing)}"
            )
        self.tables.delete_partition(target.database, table, self.partition)
        name = self.tables.table_name(target.database, table)
        if not failed_count and self._holds_columns(name, failed):
            # An empty write would change nothing here, for a schema check and a Spark job (issue 12).
            logger.info("quarantine table %s: no rows at %s", name, stage)
            return
        to_write = failed if failed_count else failed.limit(0)
        self.tables.write(to_write, WriteRequest(target.database, table, location, allow_schema_change="permissive"))
        logger.info("quarantine table %s: %d rows at %s", name, failed_count, stage)

    def _holds_columns(self, name: str, df: DataFrame) -> bool:
        """Whether table ``name`` exists with exactly the columns of ``df`` (names in any case, same
        types): an empty write of ``df`` then neither creates nor changes it."""
        spark = self.ctx.spark
        if not spark.catalog.tableExists(name):
            return False
        table = {f.name.lower(): f.dataType for f in spark.table(name).schema.fields}
        return table == {f.name.lower(): f.dataType for f in df.schema.fields}

    def _log_failures(self, outcomes: list[RuleOutcome], stage: str, action: str) -> None:
        for outcome in outcomes:
            if outcome.failed:
                logger.warning("DQ %s %s rule failed: %s (%s)", stage, action, outcome.rule, outcome.failure_reason or "")


@contextlib.contextmanager
def uncompressed_cache(spark: SparkSession) -> Iterator[None]:
    """Within the block, cached frames are built without Spark's columnar compression.

    A stage cache is read a few times, right away, and released when the next stage has read its
    own: compressing it costs more than it saves. Spark tries every encoding on every value of every
    column; at 1M rows of the example (39 columns, load 6-7) building the mapped input's cache took
    51.0 s compressed and 23.3 s uncompressed (streaming it to a no-op sink: 18.7 s), and Deequ's
    pass over it 6.9 s and 2.4 s (issue 12, bench/README.md). The values are the same either way;
    the cost is memory (a cache that does not fit spills to disk, as before)."""
    previous = spark.conf.get(COMPRESSED_CACHE_CONF, None)
    spark.conf.set(COMPRESSED_CACHE_CONF, "false")
    try:
        yield
    finally:
        if previous is None:
            spark.conf.unset(COMPRESSED_CACHE_CONF)
        else:
            spark.conf.set(COMPRESSED_CACHE_CONF, previous)


def halt_message(outcomes: list[RuleOutcome], stage: str) -> str:
    """``Data quality check failed: …`` with every failing halt rule, its outcome, its reason and the
    values DQDL observed."""
    parts = []
    for outcome in outcomes:
        if not outcome.failed:
            continue
        observed = ", ".join(f"{k}={v:g}" for k, v in outcome.evaluated_metrics.items())
        reason = " ".join((outcome.failure_reason or "").split())
        detail = "; ".join(p for p in (reason, f"observed {observed}" if observed else "") if p)
        parts.append(f"{stage} halt rule {outcome.rule!r} {outcome.outcome}" + (f" ({detail})" if detail else ""))
    return "Data quality check failed: " + "; ".join(parts)


def _merge_outcomes(evaluated: list[RuleOutcome], native: dict[int, RuleOutcome], count: int) -> list[RuleOutcome]:
    """The outcomes of ``count`` rules in rule order: ``native[i]`` where given, else the next of
    ``evaluated`` (the evaluator's outcomes of the other rules, in order)."""
    rest = iter(evaluated)
    return [native[i] if i in native else next(rest) for i in range(count)]
