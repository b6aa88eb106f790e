import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { InsuranceLake } from 'cdk-insurancelake';

// `insurancelake job`: one engine job at a time, with the arguments the full pipeline passes.
const PACKAGE = path.join(__dirname, '..');
const ROOT = path.join(PACKAGE, '..', '..');
const BIN = path.join(PACKAGE, 'lib', 'main.js');
const LOCAL_ENGINE = path.join(PACKAGE, 'python');
const EXAMPLES = path.join(ROOT, 'examples', 'config');

function cli(args: string[], timeout = 300_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout });
}

/** `--name value` lines (values single-quoted for the shell when needed) back to a map. */
function parseArgLines(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((line) => {
    const m = /^(--\S+) (.*)$/.exec(line)!;
    const value = m[2].startsWith("'") ? m[2].slice(1, -1).split("'\\''").join("'") : m[2];
    return [m[1], value];
  }));
}

/** The arguments the Spark worker logged for each job run of its log, in order. */
function workerJobArgs(logFile: string, job: string): Record<string, string>[] {
  const pattern = new RegExp(`insurancelake_local\\.worker: job ${job} arguments (\\{.*\\})$`, 'gm');
  return [...fs.readFileSync(logFile, 'utf8').matchAll(pattern)].map((m) => JSON.parse(m[1]));
}

/** Arguments that differ on every run: the execution the trigger starts and Glue's run id. */
function withoutRunIds(args: Record<string, string>): Record<string, string> {
  const { '--execution_id': _e, '--JOB_RUN_ID': _r, ...rest } = args;
  return rest;
}

describe('insurancelake job', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'il-job-'));
  const collect = path.join(tmp, 'collect');
  const file = path.join(collect, 'SyntheticGeneralData', 'PolicyData', 'policies.csv');
  // The policies' Consume SQL joins the claims' Cleanse table, so the claims come first.
  const claims = path.join(collect, 'SyntheticGeneralData', 'ClaimData', 'claims.csv');

  beforeAll(() => {
    const python = path.join(process.env.INSURANCELAKE_VENV!, 'bin', 'python'); // test/setup/dev-python.ts
    const datagen = (...args: string[]) => {
      const r = spawnSync(python, ['-m', 'insurancelake_local.datagen', '--seed', '11', ...args], { cwd: LOCAL_ENGINE, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    datagen('--kind', 'claims', '--rows', '40', '--policy-rows', '80', '--out', claims);
    datagen('--kind', 'general-policy', '--rows', '80', '--out', file);
  });

  test('collect-to-cleanse then cleanse-to-consume on one file fill both tables, without the state machine', () => {
    const workdir = path.join(tmp, 'jobs');
    expect(cli(['job', 'collect-to-cleanse', '--file', claims, '--config', EXAMPLES, '--workdir', workdir]).status).toBe(0);
    const cleanse = cli(['job', 'collect-to-cleanse', '--file', file, '--config', EXAMPLES, '--workdir', workdir]);
    expect(cleanse.stderr).not.toMatch(/Error/);
    expect(cleanse.status).toBe(0);
    expect(cleanse.stdout).toMatch(/^SUCCEEDED dev-insurancelake-collect-to-cleanse-job: read 80, wrote 80 to \S+/);
    const consume = cli(['job', 'cleanse-to-consume', '--file', file, '--config', EXAMPLES, '--workdir', workdir]);
    expect(consume.status).toBe(0);
    expect(consume.stdout).toMatch(/^SUCCEEDED dev-insurancelake-cleanse-to-consume-job: .*wrote 80 to (glue_catalog\.)?syntheticgeneraldata_consume\.policydata, quarantined 0\n/);
    expect(consume.stdout).toContain('insurancelake query --workdir');
    const counts = cli(['query', '--workdir', workdir, '--json',
      'SELECT (SELECT COUNT(*) FROM syntheticgeneraldata.policydata) AS cleanse, (SELECT COUNT(*) FROM syntheticgeneraldata_consume.policydata) AS consume']);
    expect(counts.status).toBe(0);
    expect(JSON.parse(counts.stdout.trim())).toEqual({ cleanse: 80, consume: 80 });
    // The working folder keeps what each job did, as `run` keeps its files.
    const audit = cli(['audit', '--workdir', workdir, '--json']);
    expect(audit.status).toBe(0);
    const entries = JSON.parse(audit.stdout.trim()).executions.filter((e: any) => e.file === 'policies.csv');
    expect(entries.map((e: any) => [e.status, e.rows_read, e.rows_cleanse, e.rows_consume])).toEqual([
      ['SUCCEEDED', 80, 80, null],
      ['SUCCEEDED', expect.any(Number), null, 80],
    ]);
  }, 900_000);

  test('--print-args prints what the worker receives for the same file in a full run', () => {
    const workdir = path.join(tmp, 'run');
    const run = cli(['run', '--collect', collect, '--config', EXAMPLES, '--workdir', workdir, '--json'], 600_000);
    expect(run.status).toBe(0);
    const log = path.join(workdir, 'logs', 'spark-worker.log');
    for (const [command, job] of [['collect-to-cleanse', 'collect_to_cleanse'], ['cleanse-to-consume', 'cleanse_to_consume']]) {
      const [received] = workerJobArgs(log, job).filter((args) => args['--base_file_name'] === 'policies.csv');
      expect(received).toBeDefined();
      const printed = cli(['job', command, '--file', 'SyntheticGeneralData/PolicyData/policies.csv', '--collect', collect, '--config', EXAMPLES, '--workdir', workdir, '--print-args']);
      expect(printed.status).toBe(0);
      const args = parseArgLines(printed.stdout);
      expect(withoutRunIds(args)).toEqual(withoutRunIds(received));
      expect(args['--execution_id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  }, 900_000);

  test('--aws prints aws glue start-job-run with the deployed lake\'s job, bucket and state machine names', () => {
    const printed = cli(['job', 'cleanse-to-consume', '--file', file, '--config', EXAMPLES, '--aws',
      '--account', '111122223333', '--region', 'eu-west-1', '--environment', 'prod', '--lake-prefix', 'acme']);
    expect(printed.status).toBe(0);
    const m = /^aws glue start-job-run --job-name (\S+) --arguments '(.*)'\n$/.exec(printed.stdout);
    expect(m).not.toBeNull();
    const args = JSON.parse(m![2].split("'\\''").join("'"));

    // The names the construct gives a lake deployed with that naming, in that account and region.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Deployed', { env: { account: '111122223333', region: 'eu-west-1' } });
    new InsuranceLake(stack, 'Lake', { environmentName: 'prod', resourcePrefix: 'acme' });
    const resources = Object.values<any>(app.synth().getStackByName('Deployed').template.Resources);
    const jobNames = resources.filter((r) => r.Type === 'AWS::Glue::Job').map((r) => r.Properties.Name);
    const machine = resources.find((r) => r.Type === 'AWS::StepFunctions::StateMachine').Properties.StateMachineName;
    expect(jobNames).toContain(m![1]);
    expect(m![1]).toMatch(/cleanse-to-consume/);
    expect(args).toMatchObject({
      '--state_machine_name': machine,
      '--source_key': 'SyntheticGeneralData/PolicyData',
      '--source_database_name': 'SyntheticGeneralData',
      '--target_database_name': 'SyntheticGeneralData_consume',
      '--table_name': 'PolicyData',
      '--base_file_name': 'policies.csv',
    });
    expect(JSON.stringify(args)).not.toMatch(/123456789012|file:|dev-insurancelake/);
  }, 300_000);

  test('a file outside the Collect layout and an unknown job are usage errors', () => {
    expect(cli(['job', 'collect-to-cleanse', '--file', '/etc/hostname', '--config', EXAMPLES]).stderr)
      .toMatch(/job: --file \/etc\/hostname: expected a path ending in <Database>\/<Table>/);
    const unknown = cli(['job', 'cleanse', '--file', file, '--config', EXAMPLES]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/job: unknown job "cleanse"; expected one of: collect-to-cleanse, cleanse-to-consume, entity-match/);
    // --aws names are checked as the construct checks them, before moto or Spark start, in the options' words.
    const aws = ['job', 'collect-to-cleanse', '--file', file, '--config', EXAMPLES, '--aws', '--account', '111122223333', '--region', 'eu-west-1'];
    const prefix = cli([...aws, '--lake-prefix', 'Acme_1']);
    expect(prefix.status).toBe(2);
    expect(prefix.stderr).toMatch(/job: --lake-prefix: resourcePrefix "Acme_1" may only contain lower-case letters, digits and hyphens/);
    expect(cli([...aws, '--environment', 'a'.repeat(30), '--lake-prefix', 'b'.repeat(20)]).stderr).toMatch(/job: --environment and --lake-prefix: .* are too long/);
  });
});
