import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { ConfigurationLayout, JobKey, resolveLakeSettings } from 'cdk-insurancelake/lib/local-runner';
import { requiredFolder } from '../command-line';
import { UsageError } from '../errors';
import { LocalAws } from '../local-aws';
import { ExtrasOptions, LocalExtras, extrasEnvironment, extrasOptions, localJobArguments, resolveExtras } from '../local-extras';
import { LocalLake, synthesizeLocalLake } from '../local-lake';
import { JobTaskRun, LocalPipeline } from '../local-pipeline';
import { LocalState } from '../local-state';
import { readLookupsManifest } from '../lookups-manifest';
import { MotoServer } from '../moto-server';
import { Progress } from '../progress';
import { ensurePython } from '../python';
import { SparkWorker } from '../spark-worker';
import { ExecutionSummary } from '../summary';
import { Workdir } from '../workdir';
import { configurationOf, hasEntityMatchSpec, loadLookups } from './run';

/** The jobs `insurancelake job` runs, by their command-line name. */
export const JOB_COMMANDS: Record<string, JobKey> = {
  'collect-to-cleanse': 'collect_to_cleanse',
  'cleanse-to-consume': 'cleanse_to_consume',
  'entity-match': 'consume_entity_match',
};

/** Where a file sits: the local Collect folder and its key there (`<Database>/<Table>[/<y>/<m>/<d>]/<file>`). */
export interface CollectFile {
  readonly collectDir: string;
  readonly key: string;
}

/**
 * `--file` as a key under `--collect`, or a path inside it; without `--collect`, the path's last
 * folders name the key: the file, up to three numeric partition folders, the table, the database.
 */
export function collectFile(file: string, collect: string | undefined): CollectFile {
  if (collect) {
    const collectDir = path.resolve(collect);
    const absolute = path.isAbsolute(file) ? file : fs.existsSync(path.join(collectDir, file)) ? path.join(collectDir, file) : path.resolve(file);
    const key = path.relative(collectDir, absolute);
    if (key.startsWith('..') || !fs.existsSync(absolute)) throw new UsageError(`job: --file ${file} is not a file under --collect ${collect}`);
    return { collectDir, key: key.split(path.sep).join('/') };
  }
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) throw new UsageError(`job: --file ${file} is not a file`);
  const parts = absolute.split(path.sep);
  let start = parts.length - 1;
  for (let partitions = 0; partitions < 3 && /^\d+$/.test(parts[start - 1] ?? ''); partitions++) start--;
  start -= 2;
  if (start < 1) throw new UsageError(`job: --file ${file}: expected a path ending in <Database>/<Table>[/<year>/<month>/<day>]/<file>, or give --collect`);
  return { collectDir: parts.slice(0, start).join(path.sep) || path.sep, key: parts.slice(start).join('/') };
}

/** Options of `insurancelake job`. */
export interface JobOptions {
  readonly job: JobKey;
  readonly file: CollectFile;
  readonly configDir: string;
  readonly workdir: Workdir;
  /** Run the job (false: only work out its arguments). */
  readonly execute: boolean;
  /** `--transforms` and `--python-modules`. */
  readonly extras?: ExtrasOptions;
}

/** `insurancelake job <job> --file F --config DIR [--collect DIR] [--workdir DIR] [--print-args | --aws ...]`. */
export async function jobCommand(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number> {
  const [name, ...extra] = positionals;
  const job = JOB_COMMANDS[name ?? ''];
  if (!name) throw new UsageError(`job: give one job: ${Object.keys(JOB_COMMANDS).join(', ')}`);
  if (!job) throw new UsageError(`job: unknown job "${name}"; expected one of: ${Object.keys(JOB_COMMANDS).join(', ')}`);
  if (extra.length) throw new UsageError(`job: unexpected argument "${extra[0]}" after the job ${name}; give one job and the rest as options`);
  if (typeof values.file !== 'string') throw new UsageError('job: --file is required: the Collect file (a key under --collect, or a path ending in <Database>/<Table>/<file>)');
  const configDir = requiredFolder('job', values.config, '--config', `the configuration folder (the one that contains ${ConfigurationLayout.deployed_folder}/)`);
  if (values.aws && typeof values.account !== 'string') throw new UsageError('job: --aws needs --account <id>: the account the lake is deployed in');
  if (values.aws && !/^\d{12}$/.test(String(values.account))) throw new UsageError(`job: --account must be the 12-digit AWS account id, got "${values.account}"`);
  const region = (values.region as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (values.aws && !region) throw new UsageError('job: --aws needs --region <name> (or AWS_REGION): the region the lake is deployed in');
  if (values.aws) checkDeployedNaming(values, values.account as string, region!);
  const options: JobOptions = {
    job,
    file: collectFile(values.file, values.collect as string | undefined),
    configDir,
    workdir: Workdir.resolve(values.workdir as string | undefined),
    execute: !values['print-args'] && !values.aws,
    extras: extrasOptions(values),
  };
  const run = await runOneJob(options, new Progress(process.stderr));
  if (values['print-args']) {
    process.stdout.write(argumentLines(run.args));
    return 0;
  }
  if (values.aws) {
    const deployed = synthesizeLocalLake({
      entityMatch: hasEntityMatchSpec(options.configDir),
      configuration: configurationOf(options.configDir),
      transformModules: run.extras.transformModules,
      environmentName: values.environment as string | undefined,
      resourcePrefix: values['lake-prefix'] as string | undefined,
      pseudo: { partition: 'aws', urlSuffix: 'amazonaws.com', accountId: values.account as string, region: region! },
    });
    process.stdout.write(startJobRunCommand(run, run.lake, deployed) + '\n');
    return 0;
  }
  if (run.error) {
    process.stdout.write(`FAILED ${run.jobName}: ${run.error}\nLogs of the Spark worker: ${options.workdir.logs}\n`);
    return 1;
  }
  const o = run.outcome!;
  process.stdout.write(`SUCCEEDED ${run.jobName}: read ${o.rows_read ?? '-'}, wrote ${o.rows_written ?? '-'}${o.table ? ` to ${o.table}` : ''}`
    + `${o.partition ? ` (${o.partition})` : ''}, quarantined ${o.rows_quarantined ?? 0}\n`
    // `query` resolves <database>.<table> in the local Iceberg catalog first: no catalog name needed.
    + `Query the table: insurancelake query --workdir ${options.workdir.root} "SELECT * FROM ${o.table?.split('.').slice(-2).join('.') ?? '<database>.<table>'} LIMIT 10"\n`);
  return 0;
}

/**
 * Run (or only prepare) one engine job locally: the real trigger Lambda makes the execution input
 * from the file, then the state machine's Glue task for the job runs alone on it, through the same
 * code the full local pipeline uses. Starts and stops its own moto server and Spark worker.
 */
export async function runOneJob(options: JobOptions, progress: Progress): Promise<JobTaskRun & { lake: LocalLake; extras: LocalExtras }> {
  const { workdir } = options;
  const started = new Date();
  const configuration = configurationOf(options.configDir);
  // A broken lookups.json is reported before anything starts, as `run` does.
  const lookups = readLookupsManifest(path.join(options.configDir, ConfigurationLayout.files.lookups));
  workdir.prepare();
  const python = ensurePython();
  const extras = resolveExtras('job', options.extras ?? {}, options.configDir, python);
  const moto = await MotoServer.start(python);
  const env = { ...moto.awsEnvironment(), INSURANCELAKE_WAREHOUSE: `file://${workdir.warehouse}` };
  Object.assign(process.env, env);
  const worker = SparkWorker.start(python, `file://${workdir.warehouse}`, { ...env, ...extrasEnvironment(extras) }, path.join(workdir.logs, 'spark-worker.log'));
  try {
    const { transformModules } = extras;
    const lake = synthesizeLocalLake({ entityMatch: hasEntityMatchSpec(options.configDir), configuration, transformModules });
    const aws = new LocalAws(moto.endpoint);
    await aws.provision(lake, options.configDir);
    // As `run`: the working folder's earlier audit, DQ results and lineage, for the trigger and for `audit` after.
    const state = new LocalState(workdir.state);
    const restored = await state.restore(aws, lake);
    if (restored) progress.line(`restored ${restored} audit, DQ and lineage items of earlier runs from ${workdir.state}`);
    const pipeline = new LocalPipeline(lake, aws, worker, {
      collect: options.file.collectDir,
      cleanse: workdir.bucket('cleanse'),
      consume: workdir.bucket('consume'),
      etlScripts: options.configDir,
      glueTemp: workdir.bucket('glue-temp'),
    }, progress, (line) => fs.appendFileSync(path.join(workdir.logs, 'lambda.log'), line + '\n'), localJobArguments(extras));
    const { executions: [execution], notStarted } = await pipeline.triggerOnly(options.file.key);
    if (!execution) {
      throw new UsageError(`job: the trigger started no execution for ${options.file.key}: ${notStarted} (trigger log: ${path.join(workdir.logs, 'lambda.log')})`);
    }
    if (options.execute) {
      if (lookups) loadLookups(python, options.configDir, lookups, lake, env, progress);
      progress.line(`local Spark ready (${(await worker.request<{ seconds: number }>('start')).seconds.toFixed(1)} s)`);
    }
    const run = await pipeline.runJobTask(options.job, execution.name, execution.input, options.execute);
    // Only a job that ran is history (with --print-args nothing did). The lone task updates no audit
    // status (as a Glue job started by hand), so the job's outcome is kept with the file's summary.
    if (options.execute) await state.save(aws, lake, started, [jobSummary(options, run, execution.input?.execution_id, started)]);
    return { ...run, lake, extras };
  } finally {
    await worker.close();
    moto.stop();
  }
}

/**
 * `--environment` and `--lake-prefix` checked as the construct checks its props, before anything
 * starts; the construct's message names its props, the user typed options.
 */
function checkDeployedNaming(values: Record<string, string | boolean | undefined>, account: string, region: string): void {
  const stack = new Stack(new App(), 'Deployed', { env: { account, region } });
  try {
    resolveLakeSettings(stack, { environmentName: values.environment as string | undefined, resourcePrefix: values['lake-prefix'] as string | undefined });
  } catch (error) {
    const naming = /^\[Naming\.(\w+)\] [^:]+: (.*)$/s.exec((error as Error).message);
    if (!naming) throw error;
    const option = { EnvironmentName: '--environment', ResourcePrefix: '--lake-prefix' }[naming[1]] ?? '--environment and --lake-prefix';
    throw new UsageError(`job: ${option}: ${naming[2]}`);
  }
}

/** What `audit` shows for a file one job ran on: the job's outcome and row counts, in the columns of its stage. */
function jobSummary(options: JobOptions, run: JobTaskRun, executionId: string | undefined, started: Date): ExecutionSummary {
  const [database = '', table = ''] = options.file.key.split('/');
  const o = run.outcome;
  const written = o?.rows_written ?? null;
  return {
    database,
    table,
    file: path.posix.basename(options.file.key),
    status: run.error ? 'FAILED' : 'SUCCEEDED',
    rows_read: o?.rows_read ?? null,
    rows_cleanse: options.job === 'collect_to_cleanse' ? written : null,
    rows_consume: options.job === 'cleanse_to_consume' ? written : null,
    rows_quarantined: o?.rows_quarantined ?? null,
    duration_s: (Date.now() - started.getTime()) / 1000,
    error: run.error ?? null,
    executionId,
    steps: [],
    dq: [],
    lineage: [],
    tables: [],
  };
}

/** One `--name value` per line, each value quoted for a POSIX shell when it needs it. */
export function argumentLines(args: Record<string, string>): string {
  return Object.entries(args).map(([name, value]) => `${name} ${shellQuote(value)}\n`).join('');
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/**
 * `aws glue start-job-run` for the same run in a deployed lake: the task's arguments (the job's
 * defaults are on the deployed job already), with every name of the local lake replaced by the same
 * resource's name in `deployed` (a synthesis with the deployed lake's naming).
 */
export function startJobRunCommand(run: JobTaskRun, local: LocalLake, deployed: LocalLake): string {
  const engineJob = local.jobs.get(run.jobName)!.engineJob;
  const deployedJob = [...deployed.jobs.values()].find((j) => j.engineJob === engineJob)!;
  const pairs: [string, string][] = [
    ...Object.keys(local.bucketNames).map((k) => [(local.bucketNames as any)[k], (deployed.bucketNames as any)[k]] as [string, string]),
    ...Object.keys(local.tableNames).map((k) => [(local.tableNames as any)[k], (deployed.tableNames as any)[k]] as [string, string]),
    [local.stateMachineName, deployed.stateMachineName],
  ].filter(([from, to]) => from && to) as [string, string][];
  const rename = (value: string) => pairs.reduce((v, [from, to]) => v.split(from).join(to), value);
  const args = Object.fromEntries(Object.entries(run.runArgs).map(([k, v]) => [k, rename(v)]));
  return `aws glue start-job-run --job-name ${shellQuote(deployedJob.name)} --arguments ${shellQuote(JSON.stringify(args))}`;
}
