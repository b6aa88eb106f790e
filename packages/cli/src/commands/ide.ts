import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationLayout, contractJob } from 'cdk-insurancelake/lib/local-runner';
import { requiredFolder } from '../command-line';
import { InputError, UsageError } from '../errors';
import { createTableInput } from '../local-aws';
import { EXTRA_JARS_ENV, extrasEnvironment, extrasOptions } from '../local-extras';
import { LOCAL_PSEUDO, LocalLake } from '../local-lake';
import { readLookupsManifest } from '../lookups-manifest';
import { ENGINE_DIR } from '../paths';
import { Progress } from '../progress';
import { ivyDir, venvDir } from '../python';
import { Workdir } from '../workdir';
import { JOB_COMMANDS, collectFile, runOneJob } from './job';

/** The module the launch runs: local AWS in-process, then the entry script (insurancelake_local/debug_job.py). */
export const DEBUG_MODULE = 'insurancelake_local.debug_job';
/** Where that module reads the tables and lookups to create (insurancelake_local.debug_job.LOCAL_AWS_ENV). */
const LOCAL_AWS_ENV = 'INSURANCELAKE_LOCAL_AWS';

/** One VS Code launch configuration of the Python debugger (debugpy). */
export interface LaunchConfiguration {
  readonly name: string;
  readonly type: 'debugpy';
  readonly request: 'launch';
  readonly python: string;
  readonly module: string;
  readonly args: string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly console: string;
  readonly justMyCode: boolean;
}

/**
 * `insurancelake ide vscode --job <job> --file F --config C [--collect DIR] [--workdir W]
 * [--transforms DIR] [--python-modules LIST]`: a debugpy launch configuration in
 * `.vscode/launch.json` (of the current folder) that runs the job's entry script with exactly the
 * arguments `insurancelake job --print-args` gives, on the working folder's tables.
 */
export async function ideCommand(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number> {
  const [ide, ...extra] = positionals;
  if (!ide) throw new UsageError('ide: give the editor: vscode (the only one so far)');
  if (ide !== 'vscode') throw new UsageError(`ide: unknown editor "${ide}"; only vscode so far`);
  if (extra.length) throw new UsageError(`ide: unexpected argument "${extra[0]}" after vscode; give the rest as options`);
  const jobName = values.job;
  if (typeof jobName !== 'string') throw new UsageError(`ide: --job is required: one of ${Object.keys(JOB_COMMANDS).join(', ')}`);
  const job = JOB_COMMANDS[jobName];
  if (!job) throw new UsageError(`ide: unknown job "${jobName}" in --job; expected one of: ${Object.keys(JOB_COMMANDS).join(', ')}`);
  if (typeof values.file !== 'string') throw new UsageError('ide: --file is required: the Collect file the job runs on');
  const configDir = requiredFolder('ide', values.config, '--config', `the configuration folder (the one that contains ${ConfigurationLayout.deployed_folder}/)`);
  const workdir = Workdir.resolve(values.workdir as string | undefined);
  const file = collectFile(values.file, values.collect as string | undefined);
  const run = await runOneJob({ job, file, configDir, workdir, execute: false, extras: extrasOptions(values) }, new Progress(process.stderr));
  if (run.error) throw new InputError(`ide: the ${jobName} task did not get its arguments: ${run.error}`);

  const localAws = path.join(workdir.root, 'ide', 'local-aws.json');
  fs.mkdirSync(path.dirname(localAws), { recursive: true });
  fs.writeFileSync(localAws, JSON.stringify(localAwsDescription(run.lake, configDir), null, 2) + '\n');
  const extras = extrasEnvironment(run.extras);
  const python = path.join(venvDir(), 'bin', 'python');
  const launch: LaunchConfiguration = {
    name: `insurancelake ${jobName} ${file.key}`,
    type: 'debugpy',
    request: 'launch',
    python,
    module: DEBUG_MODULE,
    args: [path.join(ENGINE_DIR, contractJob(job).script), ...Object.entries(run.args).flat()],
    cwd: workdir.root,
    env: {
      ...extras,
      PYSPARK_PYTHON: python,
      INSURANCELAKE_WAREHOUSE: `file://${workdir.warehouse}`,
      INSURANCELAKE_IVY_DIR: ivyDir(),
      [LOCAL_AWS_ENV]: localAws,
      AWS_REGION: LOCAL_PSEUDO.region,
    },
    console: 'integratedTerminal',
    justMyCode: false,
  };
  const launchFile = path.resolve('.vscode', 'launch.json');
  const { replaced, droppedComments } = mergeLaunchConfiguration(launchFile, launch);
  process.stdout.write(`${replaced ? 'replaced' : 'added'} "${launch.name}" in ${launchFile}\n`
    + `  runs ${launch.args[0]} with the ${Object.keys(run.args).length} arguments of insurancelake job ${jobName} --print-args\n`
    + `  on the tables of ${workdir.root}; the lookup and audit tables live in a moto server inside the debugged process\n`
    + (extras[EXTRA_JARS_ENV] ? `  jars: ${extras[EXTRA_JARS_ENV]}\n` : '')
    + (droppedComments ? '  (the comments of the existing launch.json were not kept)\n' : ''));
  return 0;
}

/**
 * What `insurancelake_local.debug_job` creates before the entry script runs: the lake's DynamoDB
 * tables (as `run` creates them) and the lookup files of `<config>/lookups/lookups.json`.
 */
export function localAwsDescription(lake: LocalLake, configDir: string): Record<string, unknown> {
  const manifestFile = path.join(configDir, ConfigurationLayout.files.lookups);
  const manifest = readLookupsManifest(manifestFile);
  const lookupsDir = path.dirname(manifestFile);
  return {
    region: LOCAL_PSEUDO.region,
    tables: lake.tables.map(createTableInput),
    lookups: [
      ...(manifest?.value_lookups ?? []).map((e) => ({
        kind: 'value', file: path.join(lookupsDir, e.file), table: lake.tableNames.valueLookup, source_system: e.source_system,
      })),
      ...(manifest?.multi_lookups ?? []).map((e) => ({
        kind: 'multi', file: path.join(lookupsDir, e.file), table: lake.tableNames.multiLookup, lookup_group: e.lookup_group, lookup_columns: e.lookup_columns ?? [],
      })),
    ],
  };
}

/**
 * Put `launch` into the launch.json at `file` (created when missing): a configuration of the same
 * name is replaced, every other entry and setting is kept. VS Code allows comments and trailing
 * commas in the file; they are read, but the file is written back as plain JSON.
 */
export function mergeLaunchConfiguration(file: string, launch: LaunchConfiguration): { replaced: boolean; droppedComments: boolean } {
  let document: { version?: string; configurations?: unknown[]; [key: string]: unknown } = { version: '0.2.0', configurations: [] };
  let droppedComments = false;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const plain = stripJsonComments(text);
    droppedComments = plain.replace(/\s/g, '') !== text.replace(/\s/g, '');
    try {
      document = JSON.parse(plain.trim() ? plain : '{}');
    } catch (error) {
      throw new InputError(`${file} is not valid JSON (${(error as Error).message}); fix it or move it away, it was left as it is`);
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)
      || (document.configurations !== undefined && !Array.isArray(document.configurations))) {
      throw new InputError(`${file}: expected an object with a "configurations" list; it was left as it is`);
    }
  }
  const configurations = [...(document.configurations ?? [])];
  const at = configurations.findIndex((c) => (c as { name?: unknown })?.name === launch.name);
  if (at >= 0) configurations[at] = launch;
  else configurations.push(launch);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ version: '0.2.0', ...document, configurations }, null, 2) + '\n');
  return { replaced: at >= 0, droppedComments };
}

/** JSON with comments (`//`, `/* *\/`) and trailing commas, as VS Code writes it, as plain JSON. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === ',' && /^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*[}\]]/.test(text.slice(i + 1))) {
      // a trailing comma: dropped
    } else {
      out += c;
    }
  }
  return out;
}
