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

/**
 * What became of one file: the audit item's final status of its execution (SUCCEEDED, FAILED), or,
 * when none ran, REJECTED (the trigger refused the file: wrong folders, empty file; `error` says why),
 * QUEUED (it waits for the tables it depends on) or IGNORED (the trigger started nothing, e.g. a
 * duplicate event). A string, because the audit item's status is passed through as written.
 */
export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'REJECTED' | 'QUEUED' | 'IGNORED' | (string & {});

/** Everything the summary table, `--json` and report.html say about one file. */
export interface ExecutionSummary {
  /** The Collect key's first folder; empty when the file is in none. */
  database: string;
  /** The Collect key's second folder; empty when the file is in fewer than two. */
  table: string;
  file: string;
  status: ExecutionStatus;
  rows_read: number | null;
  rows_cleanse: number | null;
  rows_consume: number | null;
  rows_quarantined: number | null;
  duration_s: number;
  error: string | null;
  /** The audit item's `execution_id`; absent when the trigger wrote none. */
  executionId?: string;
  executionName?: string;
  steps: StepRecord[];
  dq: RuleOutcome[];
  lineage: LineageRecord[];
  tables: TableSample[];
}

/** How a file is named to the user: its folders and name, without empty levels. */
export function summaryLabel(e: ExecutionSummary): string {
  return [e.database, e.table, e.file].filter(Boolean).join('/');
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
