import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The insurancelake CLI as a user runs it: the compiled bin (its test task compiles first).
const PACKAGE = path.join(__dirname, '..');
const ROOT = path.join(PACKAGE, '..', '..');
const BIN = path.join(PACKAGE, 'lib', 'main.js');
const LOCAL_ENGINE = path.join(PACKAGE, 'python');
const EXAMPLES = path.join(ROOT, 'examples', 'config');

function cli(args: string[], timeout = 60_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout });
}

describe('command line errors', () => {
  test.each([
    [[], /Usage:/],
    [['launch'], /unknown command "launch"; expected one of: run, demo, validate, job, query, load-lookups/],
    [['run', '--config', EXAMPLES], /run: --collect is required/],
    [['run', '--collect', '/no/such/folder', '--config', EXAMPLES], /run: --collect \/no\/such\/folder is not a folder/],
    [['run', '--collect', ROOT, '--config', EXAMPLES, '--colour'], /run: Unknown option '--colour'/],
    [['demo', '--rows', 'lots'], /demo: --rows must be a whole number from 10 to 10000000, got "lots"/],
    [['query'], /query: give the SQL to run/],
    [['validate'], /validate: --config is required/],
  ])('insurancelake %j exits 2 with a message that says what to change', (args, message) => {
    const result = cli(args as string[]);
    expect(result.status).toBe(2);
    expect(result.stdout + result.stderr).toMatch(message as RegExp);
  });

  test('run takes the folder configurationPath takes: the etl/ folder itself is refused with the same expected tree, before anything starts', () => {
    const result = cli(['run', '--collect', ROOT, '--config', path.join(EXAMPLES, 'etl')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/run: --config .*\/examples\/config\/etl: \[Configuration\.Layout\] configuration folder ".*" looks like the etl\/ folder itself/);
    expect(result.stderr).toMatch(/Expected the layout of the ETL scripts bucket:\n<configuration folder>\/\n {2}etl\//);
  });

  test('run validates the configuration as synth does: a broken spec stops it with file, JSON path and expectation', () => {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'il-config-'));
    fs.cpSync(EXAMPLES, config, { recursive: true });
    const spec = path.join(config, 'etl', 'transformation-spec', 'SyntheticGeneralData-ClaimData.json');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('"input_spec": {', '"input_spec": { "allow_schema_change": "sometimes",'));
    const result = cli(['run', '--collect', ROOT, '--config', config]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('[Configuration.Invalid]');
    expect(result.stderr).toMatch(/etl\/transformation-spec\/SyntheticGeneralData-ClaimData\.json: \$\.input_spec\.allow_schema_change: "sometimes" is not allowed; expected one of "strict", "reorder", "evolve", "permissive"/);
  });

  test('--help prints the commands, the environment variables and exits 0', () => {
    const result = cli(['--help']);
    expect(result.status).toBe(0);
    for (const command of ['run', 'demo', 'validate', 'job', 'query', 'load-lookups']) expect(result.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    for (const variable of ['INSURANCELAKE_VENV', 'INSURANCELAKE_PYTHON', 'INSURANCELAKE_IVY_DIR', 'INSURANCELAKE_DRIVER_MEMORY', 'INSURANCELAKE_LOG_LEVEL', 'XDG_CACHE_HOME']) {
      expect(result.stdout).toContain(variable);
    }
  });

  test.each(['run', 'demo', 'validate', 'job', 'query', 'load-lookups'])('insurancelake %s --help prints its usage, every option and an example', (command) => {
    const result = cli([command, '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: insurancelake ${command}`, 'm'));
    const options = result.stdout.split('Options:\n')[1].split('\n\n')[0];
    const usage = result.stdout.match(/^Usage: (.*)$/m)![1];
    // every --option the usage line names is described under Options
    for (const option of usage.match(/--[a-z-]+/g) ?? []) expect(options).toMatch(new RegExp(`^  ${option}\\b.* \\S`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`Example:\n  insurancelake ${command} `));
  });

  test('--version prints the CLI version and the construct library version', () => {
    const result = cli(['--version']);
    expect(result.status).toBe(0);
    const own = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')).version;
    const construct = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(result.stdout).toBe(`insurancelake ${own} (cdk-insurancelake-cli), cdk-insurancelake ${construct}\n`);
  });
});

describe('a Spark that does not start', () => {
  test('names the worker log, which is kept and holds the JVM error', () => {
    const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-nospark-'));
    const result = spawnSync(process.execPath, [BIN, 'query', '--workdir', workdir, 'SELECT 1'],
      { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, INSURANCELAKE_DRIVER_MEMORY: 'lots' } });
    expect(result.status).toBe(1);
    const log = path.join(workdir, 'logs', 'query.log');
    expect(result.stderr).toMatch(/insurancelake: local Spark did not start: \S+: .*JAVA_GATEWAY_EXITED/);
    expect(result.stderr).toContain(`the Spark worker's log (Spark's output included) is kept in ${log}`);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/Invalid maximum heap size|lots/);
  }, 200_000);
});

describe('insurancelake validate', () => {
  test('reports each problem of a broken configuration as file: path: message and exits 1', () => {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'il-config-'));
    fs.cpSync(EXAMPLES, config, { recursive: true });
    const spec = path.join(config, 'etl', 'transformation-spec', 'SyntheticGeneralData-ClaimData.json');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('"transform_spec": {', '"transform_spec": {\n        "currencyy": [{"field": "x"}],'));
    fs.writeFileSync(path.join(config, 'etl', 'transformation-sql', 'spark-Orphan.sql'), 'SELECT 1');
    fs.writeFileSync(path.join(config, 'etl', 'dq-rules', 'dq-SyntheticLifeData-PolicyData.json'), '{"before_transform": {"halt_rules": ["ColumnValues \\"a\\" >"]}}');
    const result = cli(['validate', '--config', config], 180_000);
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^etl\/dq-rules\/dq-SyntheticLifeData-PolicyData\.json: \$\.before_transform\.halt_rules\[0\]: DQDL error/),
      expect.stringMatching(/SyntheticGeneralData-ClaimData\.json: \$\.transform_spec\.currencyy: unknown transform 'currencyy'; did you mean 'currency'\?/),
      expect.stringMatching(/^etl\/transformation-sql\/spark-Orphan\.sql: not a SQL file name the jobs read/),
    ]));
    expect(lines[lines.length - 1]).toMatch(/^3 problems in /);
  });

  test('a folder without the layout is one problem: the expected tree, as at synth', () => {
    const result = cli(['validate', '--config', path.join(EXAMPLES, 'lookups')]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^\[Configuration\.Layout\] configuration folder ".*\/lookups" has no etl\/ folder\. Expected the layout of the ETL scripts bucket:\n/);
    expect(result.stdout.trim().split('\n').pop()).toMatch(/^1 problem in /);
  });

  test('passes the example configuration', () => {
    const result = cli(['validate', '--config', EXAMPLES], 180_000);
    expect(result.stdout).toMatch(/configuration is valid/);
    expect(result.status).toBe(0);
  });
});

describe('insurancelake run, end to end on the local pipeline', () => {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-run-'));
  const collect = path.join(workdir, 'collect');
  let result: SpawnSyncReturns<string>;
  let summary: { executions: any[] };

  beforeAll(() => {
    const python = path.join(process.env.INSURANCELAKE_VENV!, 'bin', 'python'); // test/setup/dev-python.ts
    const datagen = (...args: string[]) => {
      const r = spawnSync(python, ['-m', 'insurancelake_local.datagen', '--seed', '7', ...args], { cwd: LOCAL_ENGINE, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    datagen('--kind', 'claims', '--rows', '60', '--policy-rows', '120', '--out', path.join(collect, 'SyntheticGeneralData', 'ClaimData', 'claims.csv'));
    datagen('--kind', 'general-policy', '--rows', '120', '--bad-rows', '6', '--out', path.join(collect, 'SyntheticGeneralData', 'PolicyData', 'policies.csv'));
    datagen('--kind', 'life-policy', '--rows', '50', '--malformed', 'header-only', '--out', path.join(collect, 'SyntheticLifeData', 'PolicyData', 'life.csv'));
    result = cli(['run', '--collect', collect, '--config', EXAMPLES, '--workdir', path.join(workdir, 'work'), '--json'], 600_000);
    summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
  }, 620_000);

  test('exits 1 because one file failed, and prints one JSON summary on stdout', () => {
    expect(result.status).toBe(1);
    expect(summary.executions.map((e) => `${e.database}/${e.table}/${e.file}`)).toEqual([
      'SyntheticGeneralData/ClaimData/claims.csv',
      'SyntheticGeneralData/PolicyData/policies.csv',
      'SyntheticLifeData/PolicyData/life.csv',
    ]);
    expect(Object.keys(summary.executions[0]).sort()).toEqual([
      'database', 'duration_s', 'error', 'file', 'rows_cleanse', 'rows_consume', 'rows_quarantined', 'rows_read', 'status', 'table',
    ]);
  });

  test('claims land in Cleanse; with no Consume SQL nothing is written to Consume', () => {
    expect(summary.executions[0]).toMatchObject({ status: 'SUCCEEDED', rows_read: 60, rows_cleanse: 60, rows_consume: null, error: null });
  });

  test('policies: the DQ rules quarantine spoiled rows and the rest reach Cleanse and Consume', () => {
    const policies = summary.executions[1];
    expect(policies.status).toBe('SUCCEEDED');
    expect(policies.rows_read).toBe(120);
    expect(policies.rows_quarantined).toBeGreaterThan(0);
    expect(policies.rows_cleanse).toBe(120 - policies.rows_quarantined);
    expect(policies.rows_consume).toBe(policies.rows_cleanse);
  });

  test('the malformed file fails with the engine error and the others still ran', () => {
    expect(summary.executions[2]).toMatchObject({ status: 'FAILED', rows_cleanse: null });
    expect(summary.executions[2].error).toMatch(/No rows of data in source file; aborting/);
  });

  test('the Consume table is queryable with insurancelake query', () => {
    const query = cli(['query', '--workdir', path.join(workdir, 'work'), '--json',
      'SELECT COUNT(*) AS policies, SUM(ClaimCount) AS claims FROM syntheticgeneraldata_consume.policydata'], 180_000);
    expect(query.status).toBe(0);
    const row = JSON.parse(query.stdout.trim().split('\n')[0]);
    expect(row.policies).toBe(summary.executions[1].rows_consume);
    expect(row.claims).toBeGreaterThan(0);
  });

  test('writes a self-contained HTML report with the graph, timings, DQ outcomes and samples', () => {
    const html = fs.readFileSync(path.join(workdir, 'work', 'report.html'), 'utf8');
    expect(html).toMatch(/<svg[^>]*aria-label="state machine"/);
    expect(html).toContain('policies.csv');
    expect(html).toContain('No rows of data in source file; aborting');
    expect(html).toMatch(/<h3>Data quality<\/h3><table>/);
    expect(html).toMatch(/syntheticgeneraldata_consume\.policydata/);
    expect(html).not.toMatch(/<script|<link /);
  });
});
