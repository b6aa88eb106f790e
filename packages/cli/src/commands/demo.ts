import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPipeline } from './run';
import { UsageError } from '../errors';
import { ENGINE_DIR, ENGINE_PYTHONPATH, EXAMPLES_DIR } from '../paths';
import { ensurePython } from '../python';
import { Workdir } from '../workdir';

/** Where `datagen --all` writes the general policies, under the Collect folder. */
const GENERAL_POLICY_FILE = ['SyntheticGeneralData', 'PolicyData', 'syntheticgeneral-policy-data.csv'];

/** Rows the demo generates unless `--rows` says otherwise. */
export const DEFAULT_DEMO_ROWS = 10_000;

/**
 * `insurancelake demo [--rows N]`: generate general policies, claims and life policies with the
 * engine's generator (a few rows spoiled so the DQ rules quarantine them) and run them through the
 * local pipeline with the example configuration.
 */
export async function demoCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  const rows = values.rows === undefined ? DEFAULT_DEMO_ROWS : Number(values.rows);
  if (!Number.isInteger(rows) || rows < 10 || rows > 10_000_000) {
    throw new UsageError(`demo: --rows must be a whole number from 10 to 10000000, got "${values.rows}"`);
  }
  const workdir = Workdir.resolve((values.workdir as string | undefined) ?? 'insurancelake-demo');
  workdir.prepare();
  const out = values.json ? process.stderr : process.stdout;
  const python = ensurePython();
  const collect = path.join(workdir.root, 'collect');
  fs.rmSync(collect, { recursive: true, force: true });
  const badRows = Math.max(1, Math.round(rows / 1000));
  out.write(`Generating ${rows.toLocaleString('en-US')} rows per dataset (${badRows} spoiled for data quality) into ${collect}\n`);
  const datagen = (...args: string[]) =>
    execFileSync(python, ['-m', 'insurancelake_local.datagen', '--rows', String(rows), '--seed', '0', ...args], {
      cwd: ENGINE_DIR, env: { ...process.env, PYTHONPATH: ENGINE_PYTHONPATH }, stdio: ['ignore', 'ignore', 'inherit'],
    });
  datagen('--all', '--out-dir', collect);
  // The general policies again, with a few spoiled rows for the example DQ rules to quarantine.
  datagen('--kind', 'general-policy', '--bad-rows', String(badRows), '--out', path.join(collect, ...GENERAL_POLICY_FILE));
  const executions = await runPipeline({ collectDir: collect, configDir: path.join(EXAMPLES_DIR, 'config'), workdir, json: !!values.json });
  return executions.every((e) => e.status === 'SUCCEEDED') ? 0 : 1;
}
