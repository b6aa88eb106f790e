/** One state the execution passed through, with its timing. */
export interface StepRecord {
  readonly name: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  readonly startedAt: number;
  readonly seconds: number;
  readonly detail?: string;
}

/** The outcome of one DQ rule in one stage. */
export interface RuleOutcome {
  readonly stage: string;
  readonly action: string;
  readonly rule: string;
  readonly outcome: string;
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
  lineage: { operation: string; info: string }[];
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
