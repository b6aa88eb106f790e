import * as fs from 'node:fs';
import { InputError, UsageError } from '../errors';
import { ensurePython } from '../python';
import { SparkWorker, WorkerFailed } from '../spark-worker';
import { renderTable } from '../table';
import { Workdir } from '../workdir';

interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** `insurancelake query --workdir DIR "SQL"`: Spark SQL against the local catalog of a run. */
export async function queryCommand(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number> {
  const sql = positionals.join(' ').trim();
  if (!sql) throw new UsageError('query: give the SQL to run, e.g. insurancelake query "SHOW TABLES IN syntheticgeneraldata"');
  const workdir = Workdir.resolve(values.workdir as string | undefined);
  if (!workdir.hasTables) throw new InputError(`no tables in ${workdir.root}; run \`insurancelake run --workdir ${workdir.root}\` first`);
  const python = ensurePython();
  fs.mkdirSync(workdir.logs, { recursive: true }); // a run made it; the user may have removed it since
  // The audit, DQ results and lineage items of the runs (state.json) are the views audit, dq_results, lineage.
  const worker = SparkWorker.start(python, workdir.warehouse, { INSURANCELAKE_STATE: workdir.state }, `${workdir.logs}/query.log`);
  try {
    // The JVM takes half a minute or more to start: say so, on stderr (stdout is the result).
    process.stderr.write('insurancelake: starting local Spark for the query… ');
    try {
      const { seconds } = await worker.request<{ seconds: number }>('start');
      process.stderr.write(`${seconds.toFixed(1)} s\n`);
    } catch (error) {
      process.stderr.write('failed\n');
      throw error;
    }
    const result = await worker.request<QueryResult>('query', { sql, limit: 1000 });
    const names = result.columns.map((c) => c.name);
    if (values.json) {
      for (const row of result.rows) process.stdout.write(JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i]]))) + '\n');
    } else {
      process.stdout.write(renderTable(names, result.rows));
      process.stdout.write(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof WorkerFailed) throw error;
    process.stderr.write(`insurancelake: query failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await worker.close();
  }
}
