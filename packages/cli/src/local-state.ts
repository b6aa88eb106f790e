import * as fs from 'node:fs';
import * as path from 'node:path';
import { AttributeValue, BatchWriteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InputError } from './errors';
import { LocalAws } from './local-aws';
import { LocalLake } from './local-lake';
import { ExecutionSummary, jsonSummary } from './summary';

/** The tables of the lake whose items outlive a run: what happened (audit, DQ results, lineage) and tokens. */
export const KEPT_TABLES = ['audit', 'dqResults', 'lineage', 'hashValues'] as const;

/** One of {@link KEPT_TABLES}. */
export type KeptTable = typeof KEPT_TABLES[number];

/** What became of one file: where it was, its status, its row counts per stage and its error (the `--json` keys). */
export interface FileOutcome {
  readonly database: string;
  readonly table: string;
  readonly file: string;
  readonly status: string;
  readonly rows_read: number | null;
  readonly rows_cleanse: number | null;
  readonly rows_consume: number | null;
  readonly rows_quarantined: number | null;
  readonly error: string | null;
}

/** What a run's summary said about one file, kept with the audit item it belongs to. */
export interface KeptExecution extends FileOutcome {
  /** The audit item's `execution_id`; absent when the trigger wrote none (an IGNORED file). */
  readonly execution_id?: string;
  /** When the run that processed the file started (ISO 8601). */
  readonly run_started: string;
  readonly duration_s: number;
}

/** The content of `state.json`. */
export interface StateFile {
  readonly version: 1;
  /** Items of each kept table, in DynamoDB JSON as Scan returns them. */
  readonly tables: Partial<Record<KeptTable, Record<string, AttributeValue>[]>>;
  /** Every file every run of the working folder processed, oldest first. */
  readonly executions: KeptExecution[];
}

/**
 * The local lake's state that outlives a run, in one file of the working folder (`state.json`). moto
 * keeps everything in memory and ends with the run; so after every file the run scans the kept tables
 * into this file, and the next run writes the items back into its moto before the first file. The
 * file is replaced whole (written beside, then renamed): a run killed at any moment leaves the
 * previous or the new state, never half of one.
 */
export class LocalState {
  constructor(readonly file: string) {}

  /** What the file holds; an empty state when there is none yet. */
  read(): StateFile {
    if (!fs.existsSync(this.file)) return { version: 1, tables: {}, executions: [] };
    let state: StateFile;
    try {
      state = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (error) {
      throw new InputError(`${this.file}: not valid JSON (${(error as Error).message}); move it away to start the working folder's history afresh`);
    }
    if (state.version !== 1 || typeof state.tables !== 'object' || !Array.isArray(state.executions)) {
      throw new InputError(`${this.file}: not a state file of this insurancelake (version ${String(state.version)}); move it away to start afresh`);
    }
    return state;
  }

  /** Write the kept items back into the freshly provisioned tables of `lake`; returns how many. */
  async restore(aws: LocalAws, lake: LocalLake): Promise<number> {
    const { tables } = this.read();
    let count = 0;
    for (const kept of KEPT_TABLES) {
      const name = lake.tableNames[kept];
      const items = tables[kept] ?? [];
      if (!name) continue;
      for (let i = 0; i < items.length; i += 25) {
        let requests: any = { [name]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
        while (requests && Object.keys(requests).length) {
          requests = (await aws.dynamodb.send(new BatchWriteItemCommand({ RequestItems: requests }))).UnprocessedItems;
        }
      }
      count += items.length;
    }
    return count;
  }

  /**
   * Save the kept tables as they are now, with this run's file summaries added to the earlier runs'
   * (a file's entry is replaced by a later one for the same audit item).
   */
  async save(aws: LocalAws, lake: LocalLake, runStarted: Date, executions: ExecutionSummary[]): Promise<void> {
    const tables: StateFile['tables'] = {};
    for (const kept of KEPT_TABLES) {
      const name = lake.tableNames[kept];
      if (name) tables[kept] = await scan(aws, name);
    }
    const started = runStarted.toISOString();
    const summaries = (jsonSummary(executions) as { executions: Omit<KeptExecution, 'execution_id' | 'run_started'>[] }).executions;
    const fresh: KeptExecution[] = summaries.map((s, i) => ({ execution_id: executions[i].executionId, run_started: started, ...s }));
    const ids = new Set(fresh.map((e) => e.execution_id).filter(Boolean));
    // This run's earlier saves are replaced by its list so far, and so is a file an earlier run left.
    const earlier = this.read().executions.filter((e) => e.run_started !== started && !(e.execution_id && ids.has(e.execution_id)));
    const state: StateFile = { version: 1, tables, executions: [...earlier, ...fresh] };
    writeAtomically(this.file, JSON.stringify(state));
  }
}

async function scan(aws: LocalAws, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await aws.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Replace `file` with `content` in one step: written to a file beside it, flushed, then renamed over it. */
export function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}
