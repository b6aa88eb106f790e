import * as fs from 'node:fs';
import { InputError, UsageError } from '../errors';
import { plain } from '../local-aws';
import { FileOutcome, KeptExecution, LocalState } from '../local-state';
import { renderTable } from '../table';
import { Workdir } from '../workdir';

/** One execution as `audit` shows it: the audit item, with the row counts its run's summary gave. */
export interface AuditEntry extends FileOutcome {
  readonly execution_id: string | null;
  /** When the file arrived (the audit item's start date, UTC), `YYYY-MM-DD HH:MM:SS`. */
  readonly started: string;
}

/** `insurancelake audit [--workdir DIR] [--json] [--limit N]`: the executions of every run of a working folder. */
export async function auditCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`audit: --limit must be a whole number of at least 1, got "${String(values.limit)}"`);
  const workdir = Workdir.resolve(values.workdir as string | undefined);
  if (!fs.existsSync(workdir.state)) throw new InputError(`no runs recorded in ${workdir.root}; run \`insurancelake run --workdir ${workdir.root}\` first`);
  const all = auditEntries(new LocalState(workdir.state));
  const entries = all.slice(-limit);
  if (values.json) {
    process.stdout.write(JSON.stringify({ executions: entries }) + '\n');
    return 0;
  }
  const count = (n: number | null) => n ?? '-';
  process.stdout.write(renderTable(['started (UTC)', 'file', 'status', 'read', 'cleanse', 'consume', 'quarantined', 'error'], entries.map((e) => [
    e.started, [e.database, e.table, e.file].filter(Boolean).join('/'), e.status,
    count(e.rows_read), count(e.rows_cleanse), count(e.rows_consume), count(e.rows_quarantined), e.error ?? '',
  ])));
  const shown = entries.length < all.length ? `the last ${entries.length} of ${all.length}` : `${all.length}`;
  process.stdout.write(`(${shown} execution${all.length === 1 ? '' : 's'}; --json prints the whole error messages)\n`);
  return 0;
}

/**
 * Every execution the working folder's audit table holds, oldest first, with the row counts of the run
 * that processed it; files the trigger wrote no audit item for (IGNORED) come from the runs' summaries.
 */
export function auditEntries(state: LocalState): AuditEntry[] {
  const { tables, executions } = state.read();
  const kept = new Map(executions.filter((e) => e.execution_id).map((e) => [e.execution_id!, e]));
  const entries: { at: number; entry: AuditEntry }[] = [];
  for (const raw of tables.audit ?? []) {
    const item = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, plain(v)]));
    const summary = kept.get(item.execution_id);
    kept.delete(item.execution_id);
    const input = parseInput(item.sfn_input);
    const key = String(item.source_object ?? '').replace(/^s3:\/\/[^/]+\//, '');
    const [database = '', table = ''] = String(item.source_key ?? '').split('/');
    entries.push({
      at: Number(item.job_start_date_int ?? 0),
      entry: {
        execution_id: String(item.execution_id),
        started: String(item.job_start_date ?? '').slice(0, 19),
        database: summary?.database ?? database,
        table: summary?.table ?? table,
        file: summary?.file ?? String(input.base_file_name ?? key.split('/').pop() ?? ''),
        // A job run alone (`insurancelake job`) leaves the trigger's STARTED: its summary has the outcome.
        status: item.job_latest_status === 'STARTED' && summary ? summary.status : String(item.job_latest_status ?? ''),
        ...counts(summary),
        error: item.error_message === undefined ? summary?.error ?? null : String(item.error_message),
      },
    });
  }
  for (const e of executions.filter((x) => !x.execution_id || kept.has(x.execution_id))) {
    const at = Date.parse(e.run_started) / 1000;
    entries.push({
      at,
      entry: {
        execution_id: e.execution_id ?? null,
        started: new Date(at * 1000).toISOString().replace('T', ' ').slice(0, 19),
        database: e.database,
        table: e.table,
        file: e.file,
        status: e.status,
        ...counts(e),
        error: e.error,
      },
    });
  }
  return entries.sort((a, b) => a.at - b.at).map((e) => e.entry);
}

function counts(e: KeptExecution | undefined) {
  return {
    rows_read: e?.rows_read ?? null,
    rows_cleanse: e?.rows_cleanse ?? null,
    rows_consume: e?.rows_consume ?? null,
    rows_quarantined: e?.rows_quarantined ?? null,
  };
}

function parseInput(text: unknown): Record<string, unknown> {
  try {
    return typeof text === 'string' ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}
