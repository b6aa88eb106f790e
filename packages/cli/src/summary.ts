/** One state the execution passed through, with its timing. */
export interface StepRecord {
  readonly name: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  readonly startedAt: number;
  readonly seconds: number;
  readonly detail?: string;
}

/** The outcome of one DQ rule in one stage, as the dq-results table holds it. */
export interface RuleOutcome {
  /** `before_transform`, `after_transform` or `after_sparksql` (the item's `ruleset_name`). */
  readonly stage: string;
  /** `warn-on-failure`, `quarantine-on-failure` or `halt-on-failure` (the item's `rule_action`). */
  readonly action: string;
  readonly rule: string;
  /** `Passed` or `Failed` (the item's `Outcome`). */
  readonly outcome: string;
  /** Why the rule failed; empty when it passed (the item's `FailureReason`). */
  readonly reason: string;
}

/** One item of the lineage table: an operation a job recorded, its details as JSON text. */
export interface LineageRecord {
  /** The Glue job that recorded it (`job_name`). */
  readonly job: string;
  /** Its position in that job's records, from 1 (`operation_seq`). */
  readonly seq: number;
  readonly operation: string;
  readonly info: string;
}

/** Columns and a few rows of a table a run wrote. */
export interface TableSample {
  readonly table: string;
  readonly columns: { name: string; type: string }[];
  readonly rows: unknown[][];
  readonly count: number;
}

/** Everything the summary table, `--json` and report.html say about one file. */
export interface ExecutionSummary {
  database: string;
  table: string;
  file: string;
  status: string;
  rows_read: number | null;
  rows_cleanse: number | null;
  rows_consume: number | null;
  rows_quarantined: number | null;
  duration_s: number;
  error: string | null;
  executionName?: string;
  steps: StepRecord[];
  dq: RuleOutcome[];
  lineage: LineageRecord[];
  tables: TableSample[];
}

/** What `--json` prints: exactly the keys the issue promises, per execution. */
export function jsonSummary(executions: ExecutionSummary[]): object {
  return {
    executions: executions.map((e) => ({
      database: e.database,
      table: e.table,
      file: e.file,
      status: e.status,
      rows_read: e.rows_read,
      rows_cleanse: e.rows_cleanse,
      rows_consume: e.rows_consume,
      rows_quarantined: e.rows_quarantined,
      duration_s: e.duration_s,
      error: e.error,
    })),
  };
}
