import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from 'cdk-insurancelake';
import { ConfigurationLayout, InsuranceLakeError, configurationFileKind } from 'cdk-insurancelake/lib/local-runner';
import { requiredFolder } from '../command-line';
import { InputError, UsageError } from '../errors';
import { LocalAws, listFiles } from '../local-aws';
import { ExtrasOptions, extrasEnvironment, extrasOptions, localJobArguments, resolveExtras } from '../local-extras';
import { synthesizeLocalLake, LocalLake } from '../local-lake';
import { LocalPipeline } from '../local-pipeline';
import { LocalState } from '../local-state';
import { LookupsManifest, readLookupsManifest } from '../lookups-manifest';
import { MotoServer } from '../moto-server';
import { ENGINE_DIR, ENGINE_PYTHONPATH } from '../paths';
import { parentWatchEnv } from '../process-group';
import { Progress } from '../progress';
import { ensurePython } from '../python';
import { renderReport } from '../report';
import { SparkWorker } from '../spark-worker';
import { ExecutionSummary, jsonSummary, summaryLabel } from '../summary';
import { renderTable } from '../table';
import { Workdir } from '../workdir';

/** Options of one local pipeline run. */
export interface RunOptions {
  readonly collectDir: string;
  readonly configDir: string;
  readonly workdir: Workdir;
  readonly json: boolean;
  /** `--transforms` and `--python-modules`. */
  readonly extras?: ExtrasOptions;
}

/** `insurancelake run --collect DIR --config DIR [--workdir DIR] [--json]`. */
export async function runCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  const collectDir = requiredFolder('run', values.collect, '--collect', 'the folder whose <Database>/<Table>/<file> layout mirrors the Collect bucket');
  const configDir = requiredFolder('run', values.config, '--config', `the configuration folder (the one that contains ${ConfigurationLayout.deployed_folder}/)`);
  const workdir = Workdir.resolve(values.workdir as string | undefined);
  const executions = await runPipeline({ collectDir, configDir, workdir, json: !!values.json, extras: extrasOptions(values) });
  return executions.every((e) => e.status === 'SUCCEEDED') ? 0 : 1;
}

/** Run every Collect file through the local pipeline; prints progress, the summary and writes report.html. */
export async function runPipeline(options: RunOptions): Promise<ExecutionSummary[]> {
  const started = Date.now();
  const runStarted = new Date(started);
  const { workdir } = options;
  const configuration = configurationOf(options.configDir);
  const progress = new Progress(options.json ? process.stderr : process.stdout);
  const files = arrivalOrder(listFiles(options.collectDir).map((f) => path.relative(options.collectDir, f)));
  if (!files.length) throw new UsageError(`run: no files under ${options.collectDir}; expected <Database>/<Table>/<file>`);
  const lookups = readLookupsManifest(path.join(options.configDir, ConfigurationLayout.files.lookups));
  workdir.prepare();
  const python = ensurePython();
  const extras = resolveExtras('run', options.extras ?? {}, options.configDir, python);

  const moto = await MotoServer.start(python);
  const env = { ...moto.awsEnvironment(), INSURANCELAKE_WAREHOUSE: `file://${workdir.warehouse}` };
  Object.assign(process.env, env);
  progress.line(`local AWS endpoint (moto) on ${moto.endpoint}`);
  const worker = SparkWorker.start(python, `file://${workdir.warehouse}`, { ...env, ...extrasEnvironment(extras) }, path.join(workdir.logs, 'spark-worker.log'));
  const onSignal = (signal: NodeJS.Signals) => {
    worker.kill();
    moto.stop();
    process.stderr.write(`\ninsurancelake: stopped by ${signal}: a file in progress did not finish and its tables keep their previous data; `
      + `the finished files are in ${path.join(workdir.root, 'state.json')} (insurancelake audit --workdir ${workdir.root})\n`);
    process.exit(128 + os.constants.signals[signal]); // as a shell reports a process the signal ended: 130, 143
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // The JVM starts while the construct synthesizes: the two slow start-up steps overlap.
    const sparkReady = worker.request<{ seconds: number }>('start');
    sparkReady.catch(() => undefined); // awaited below; a failure must not count as unhandled meanwhile
    const { transformModules } = extras;
    const lake = synthesizeLocalLake({ entityMatch: hasEntityMatchSpec(options.configDir), configuration, transformModules });
    progress.line(`synthesized InsuranceLake (${lake.asl.StartAt} → ${Object.keys(lake.asl.States).length} states) in ${lake.synthSeconds.toFixed(1)} s`);
    const aws = new LocalAws(moto.endpoint);
    await aws.provision(lake, options.configDir);
    // The audit, DQ results and lineage of earlier runs here: the trigger's dependency checks see them too.
    const state = new LocalState(workdir.state);
    const restored = await state.restore(aws, lake);
    if (restored) progress.line(`restored ${restored} audit, DQ and lineage items of earlier runs from ${workdir.state}`);
    if (lookups) loadLookups(python, options.configDir, lookups, lake, env, progress);
    const spark = await sparkReady;
    progress.line(`local Spark ready (${spark.seconds.toFixed(1)} s)`);

    const pipeline = new LocalPipeline(lake, aws, worker, {
      collect: options.collectDir,
      cleanse: workdir.bucket('cleanse'),
      consume: workdir.bucket('consume'),
      etlScripts: options.configDir,
      glueTemp: workdir.bucket('glue-temp'),
    }, progress, (line) => fs.appendFileSync(path.join(workdir.logs, 'lambda.log'), line + '\n'), localJobArguments(extras));
    const executions: ExecutionSummary[] = [];
    for (const file of files) {
      executions.push(...await pipeline.runFile(file));
      await state.save(aws, lake, runStarted, executions);
    }

    const seconds = (Date.now() - started) / 1000;
    fs.writeFileSync(workdir.report, renderReport('InsuranceLake local run', executions, graphOf(lake), seconds));
    fs.writeFileSync(path.join(workdir.root, 'summary.json'), JSON.stringify(jsonSummary(executions), null, 2));
    if (options.json) {
      process.stdout.write(JSON.stringify(jsonSummary(executions)) + '\n');
    } else {
      printSummary(executions, seconds, workdir);
    }
    return executions;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await worker.close();
    moto.stop();
  }
}

/**
 * The order files are dropped in: by the partition date their folders give (`<DB>/<TBL>/<yyyy>/<mm>/<dd>/…`,
 * as the trigger reads it), files without one last (they take today's date), then by path. So two
 * days of several source systems arrive day by day, as they would in the Collect bucket.
 */
export function arrivalOrder(files: string[]): string[] {
  const dateOf = (file: string) => {
    const folders = file.split(path.sep).slice(2, -1);
    const parts = folders.filter((f) => /^\d+$/.test(f));
    return parts.length === folders.length && parts.length ? parts.map((p) => p.padStart(4, '0')).join('/') : '~';
  };
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...files].sort((a, b) => byCodePoint(dateOf(a), dateOf(b)) || byCodePoint(a, b));
}

/**
 * The configuration folder as the construct takes it (`Configuration.fromAsset`): the same layout
 * check and the same synth-time validation, before anything starts.
 */
export function configurationOf(configDir: string): Configuration {
  try {
    return Configuration.fromAsset(configDir);
  } catch (error) {
    if (error instanceof InsuranceLakeError) throw new UsageError(`run: --config ${configDir}: ${error.message}`);
    throw error;
  }
}

export function hasEntityMatchSpec(configDir: string): boolean {
  const folder = ConfigurationLayout.folders.transformation_spec;
  const specs = path.join(configDir, folder);
  return fs.existsSync(specs) && fs.readdirSync(specs).some((f) => configurationFileKind(`${folder}/${f}`) === 'entity_match');
}

/** Load the lookups manifest's (`lookups/lookups.json`) value and multi lookups into the local lookup tables. */
export function loadLookups(
  python: string, configDir: string, manifest: LookupsManifest, lake: LocalLake, env: Record<string, string>, progress: Progress,
): void {
  const lookupsDir = path.dirname(path.join(configDir, ConfigurationLayout.files.lookups));
  const run = (file: string, args: string[]) => {
    try {
      execFileSync(python, ['-m', 'insurancelake_local.lookup_loader', ...args], {
        cwd: ENGINE_DIR, env: { ...process.env, ...env, ...parentWatchEnv(), PYTHONPATH: ENGINE_PYTHONPATH }, stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      // The loader's last line of stderr is its message (a Python error names what it could not read).
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n').filter(Boolean);
      throw new InputError(`lookup file ${file} could not be loaded: ${stderr.pop() ?? (error as Error).message}`);
    }
  };
  let count = 0;
  for (const entry of manifest.value_lookups) {
    const file = path.join(lookupsDir, entry.file);
    run(file, ['load-value', file, '--table', lake.tableNames.valueLookup, '--source-system', entry.source_system]);
    count++;
  }
  for (const entry of manifest.multi_lookups) {
    const file = path.join(lookupsDir, entry.file);
    run(file, ['load-multi', file, '--table', lake.tableNames.multiLookup, '--lookup-group', entry.lookup_group,
      ...(entry.lookup_columns ? ['--lookup-columns', ...entry.lookup_columns] : [])]);
    count++;
  }
  progress.line(`loaded ${count} lookup file${count === 1 ? '' : 's'} into the local lookup tables`);
}

function graphOf(lake: LocalLake) {
  return {
    states: Object.entries<any>(lake.asl.States).map(([name, s]) => ({
      name,
      type: s.Type,
      next: [s.Next, s.Default, ...(s.Choices ?? []).map((c: any) => c.Next), ...(s.Catch ?? []).map((c: any) => c.Next)].filter(Boolean),
    })),
  };
}

function printSummary(executions: ExecutionSummary[], seconds: number, workdir: Workdir): void {
  const dq = (e: ExecutionSummary) => {
    if (!e.dq.length) return '-';
    const passed = e.dq.filter((d) => /pass/i.test(d.outcome)).length;
    return `${passed}/${e.dq.length} passed`;
  };
  const rows = executions.map((e) => [
    summaryLabel(e), e.status, e.rows_read ?? '-', e.rows_cleanse ?? '-', e.rows_consume ?? '-', e.rows_quarantined ?? '-', dq(e), e.duration_s.toFixed(1),
  ]);
  process.stdout.write('\n' + renderTable(['file', 'status', 'read', 'cleanse', 'consume', 'quarantined', 'DQ rules', 'seconds'], rows));
  for (const e of executions.filter((x) => x.error)) process.stdout.write(`\n${e.status} ${summaryLabel(e)}:\n  ${e.error}\n`);
  const ok = executions.filter((e) => e.status === 'SUCCEEDED').length;
  process.stdout.write(`\n${ok} of ${executions.length} succeeded in ${seconds.toFixed(1)} s. Report: ${workdir.report}\n`);
  if (ok < executions.length) process.stdout.write(`Logs of the Spark worker and the Lambdas: ${workdir.logs}\n`);
  process.stdout.write(`Query the tables: insurancelake query --workdir ${workdir.root} "SHOW TABLES IN <database>"\n`);
  process.stdout.write(`Every run's executions: insurancelake audit --workdir ${workdir.root}\n`);
}
