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
    [['launch'], /unknown command "launch"; expected one of: run, demo, validate, job, ide, query, audit, load-lookups/],
    [['run', '--config', EXAMPLES], /run: --collect is required/],
    [['run', '--collect', '/no/such/folder', '--config', EXAMPLES], /run: --collect \/no\/such\/folder is not a folder/],
    [['run', '--collect', ROOT, '--config', EXAMPLES, '--colour'], /run: unknown option --colour \(options: --collect <dir>, --config <dir>, --workdir <dir>/],
    [['run', '--colect', ROOT, '--config', EXAMPLES], /run: unknown option --colect; did you mean --collect\?/],
    [['run', '--collect', ROOT, '--config', EXAMPLES, '--workdir'], /run: --workdir needs a value: --workdir <dir>/],
    [['run', '--collect', ROOT, '--config', EXAMPLES, '--json=yes'], /run: --json takes no value/],
    [['run', '--collect', ROOT, '--config', EXAMPLES, './work'], /run: unexpected argument "\.\/work": every value of run follows its option \(--collect <dir>/],
    [['validate', EXAMPLES], /validate: unexpected argument ".*examples\/config"/],
    [['job', 'collect-to-clense', '--file', 'x.csv', '--config', EXAMPLES], /job: unknown job "collect-to-clense"; expected one of: collect-to-cleanse, cleanse-to-consume, entity-match/],
    [['job', 'collect-to-cleanse', '--file', path.join(EXAMPLES, 'README.md'), '--config', '/no/such/config'], /job: --config \/no\/such\/config is not a folder/],
    [['ide', 'idea'], /ide: unknown editor "idea"; only vscode so far/],
    [['load-lookups'], /load-lookups: --config is required: the configuration folder \(the one that contains lookups\/lookups\.json\)/],
    [['load-lookups', '--config', '/no/such/config'], /load-lookups: --config \/no\/such\/config is not a folder/],
    [['job', 'cleanse-to-consume', '--file', path.join(EXAMPLES, 'README.md'), '--config', EXAMPLES, '--aws', '--account', '1111-2222-3333', '--region', 'eu-west-1'],
      /job: --account must be the 12-digit AWS account id, got "1111-2222-3333"/],
    [['ide', 'vscode', '--job', 'cleanse'], /ide: unknown job "cleanse" in --job; expected one of: collect-to-cleanse/],
    [['demo', '--rows', 'lots'], /demo: --rows must be a whole number from 10 to 10000000, got "lots"/],
    [['query'], /query: give the SQL to run/],
    [['validate'], /validate: --config is required/],
    [['audit', '--limit', '0'], /audit: --limit must be a whole number of at least 1, got "0"/],
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

  describe('bad input is one line naming the file, exit 1, no stack trace, and nothing is created', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-input-'));
    const config = path.join(dir, 'config');
    const collect = path.join(dir, 'collect');
    const workdir = path.join(dir, 'work');
    const manifest = path.join(config, 'lookups', 'lookups.json');
    beforeAll(() => {
      fs.cpSync(EXAMPLES, config, { recursive: true });
      fs.mkdirSync(path.join(collect, 'Db', 'Tbl'), { recursive: true });
      fs.writeFileSync(path.join(collect, 'Db', 'Tbl', 'f.csv'), 'a\n1\n');
    });
    const oneLine = (result: SpawnSyncReturns<string>) => {
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(fs.existsSync(workdir)).toBe(false);
    };

    test('a lookups.json that does not parse: the file, line and column, and the expected shape', () => {
      fs.writeFileSync(manifest, '{\n  "value_lookups": [\n    {"file": "x.json",}\n  ]\n}\n');
      const result = cli(['run', '--collect', collect, '--config', config, '--workdir', workdir]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^insurancelake: \S+\/lookups\/lookups\.json: not valid JSON at line 3, column 23: .*; expected \{"value_lookups": \[/);
      oneLine(result);
    });

    test('a lookups.json entry without its fields: the JSON path', () => {
      fs.writeFileSync(manifest, JSON.stringify({ multi_lookups: [{ file: 'multi/LOBTier.csv' }] }));
      const result = cli(['run', '--collect', collect, '--config', config, '--workdir', workdir]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/lookups\.json: \$\.multi_lookups\[0\]\.lookup_group: is missing or not a non-empty string; expected/);
      oneLine(result);
    });

    test('a lookup file the manifest lists that does not exist: the entry and the file', () => {
      fs.writeFileSync(manifest, JSON.stringify({ value_lookups: [{ source_system: 'Db', file: 'value/Nope.json' }] }));
      const result = cli(['run', '--collect', collect, '--config', config, '--workdir', workdir]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/lookups\.json: \$\.value_lookups\[0\]\.file: lists \S+\/lookups\/value\/Nope\.json, which does not exist/);
      oneLine(result);
    });

    test('a listed lookup file that does not parse: the lookup file and the loader\'s line and column', () => {
      fs.copyFileSync(path.join(EXAMPLES, 'lookups', 'lookups.json'), manifest);
      fs.writeFileSync(path.join(config, 'lookups', 'value', 'SyntheticLifeData.json'), '{"broken": \n');
      const result = cli(['run', '--collect', collect, '--config', config, '--workdir', path.join(dir, 'work-lookups')], 180_000);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^insurancelake: lookup file \S+\/value\/SyntheticLifeData\.json could not be loaded: .*line 2 column 1/m);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }, 200_000);

    test('--workdir naming a file', () => {
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, '');
      const result = cli(['run', '--collect', collect, '--config', EXAMPLES, '--workdir', file]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^insurancelake: --workdir \S+\/a-file is a file; name a folder/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    });

    test('audit on a workdir that never held a run says to run first and creates no folder', () => {
      const result = cli(['audit', '--workdir', workdir]);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`insurancelake: no runs recorded in ${workdir}; run \`insurancelake run --workdir ${workdir}\` first\n`);
      oneLine(result);
    });

    test('query on a workdir that never held a run says to run first and creates no folder', () => {
      const result = cli(['query', '--workdir', workdir, 'SHOW TABLES']);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`insurancelake: no tables in ${workdir}; run \`insurancelake run --workdir ${workdir}\` first\n`);
      oneLine(result);
    });
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
    for (const command of ['run', 'demo', 'validate', 'job', 'ide', 'query', 'audit', 'load-lookups']) expect(result.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    for (const variable of ['INSURANCELAKE_VENV', 'INSURANCELAKE_PYTHON', 'INSURANCELAKE_IVY_DIR', 'INSURANCELAKE_DRIVER_MEMORY', 'INSURANCELAKE_EXTRA_JARS', 'INSURANCELAKE_LOG_LEVEL', 'INSURANCELAKE_DEBUG', 'XDG_CACHE_HOME']) {
      expect(result.stdout).toContain(variable);
    }
  });

  test.each(['run', 'demo', 'validate', 'job', 'ide', 'query', 'audit', 'load-lookups'])('insurancelake %s --help prints its usage, every option and an example', (command) => {
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

describe('the first-run set-up', () => {
  test('names the log of the pip install on its progress line, before the minutes it takes, and keeps it when it fails', () => {
    const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'il-setup-'));
    // An environment whose python runs, but whose pip install fails: the set-up's install step.
    fs.mkdirSync(path.join(venv, 'bin'));
    fs.writeFileSync(path.join(venv, 'bin', 'python'), '#!/bin/sh\necho "ERROR: no matching distribution for pyspark" >&2\nexit 3\n', { mode: 0o755 });
    const result = spawnSync(process.execPath, [BIN, 'validate', '--config', EXAMPLES],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, INSURANCELAKE_VENV: venv } });
    const log = path.join(venv, 'insurancelake-setup.log');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/insurancelake: installing \d+ packages \(pyspark /);
    expect(result.stderr).toContain(`, …) (output in ${log})… failed after `);
    expect(result.stderr).toMatch(new RegExp(`installing .* failed \\(exit code 3\\); the log is kept in ${log.replace(/[.]/g, '\\.')}\n$`));
    expect(fs.readFileSync(log, 'utf8')).toContain('no matching distribution for pyspark');
    fs.rmSync(venv, { recursive: true, force: true });
  });
});

describe('a Spark that does not start', () => {
  test('names the worker log, which is kept and holds the JVM error', () => {
    const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-nospark-'));
    // A working folder that held a run (query refuses one without tables before Spark starts).
    fs.mkdirSync(path.join(workdir, 'warehouse', 'somedb'), { recursive: true });
    const result = spawnSync(process.execPath, [BIN, 'query', '--workdir', workdir, 'SELECT 1'],
      { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, INSURANCELAKE_DRIVER_MEMORY: 'lots' } });
    expect(result.status).toBe(1);
    const log = path.join(workdir, 'logs', 'query.log');
    expect(result.stderr).toMatch(/insurancelake: starting local Spark for the query… failed\ninsurancelake: local Spark did not start: \S+: .*JAVA_GATEWAY_EXITED/);
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
    // Files the trigger refuses, as on AWS: in no folder, in one folder only, and empty.
    fs.writeFileSync(path.join(collect, 'stray.csv'), 'a,b\n1,2\n');
    fs.writeFileSync(path.join(collect, 'SyntheticGeneralData', 'loose.csv'), 'a,b\n1,2\n');
    fs.writeFileSync(path.join(collect, 'SyntheticGeneralData', 'ClaimData', 'empty.csv'), '');
    result = cli(['run', '--collect', collect, '--config', EXAMPLES, '--workdir', path.join(workdir, 'work'), '--json'], 600_000);
    summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
  }, 620_000);

  const byFile = (file: string) => summary.executions.find((e) => e.file === file);

  test('exits 1 because files failed or were rejected, and prints one JSON summary on stdout', () => {
    expect(result.status).toBe(1);
    expect(summary.executions.map((e) => `${e.database}/${e.table}/${e.file}`)).toEqual([
      'SyntheticGeneralData/ClaimData/claims.csv',
      'SyntheticGeneralData/ClaimData/empty.csv',
      'SyntheticGeneralData/PolicyData/policies.csv',
      'SyntheticGeneralData//loose.csv',
      'SyntheticLifeData/PolicyData/life.csv',
      '//stray.csv',
    ]);
    expect(Object.keys(summary.executions[0]).sort()).toEqual([
      'database', 'duration_s', 'error', 'file', 'rows_cleanse', 'rows_consume', 'rows_quarantined', 'rows_read', 'status', 'table',
    ]);
  });

  test('claims land in Cleanse; with no Consume SQL nothing is written to Consume', () => {
    expect(byFile('claims.csv')).toMatchObject({ status: 'SUCCEEDED', rows_read: 60, rows_cleanse: 60, rows_consume: null, error: null });
  });

  test('policies: the DQ rules quarantine spoiled rows and the rest reach Cleanse and Consume', () => {
    const policies = byFile('policies.csv');
    expect(policies.status).toBe('SUCCEEDED');
    expect(policies.rows_read).toBe(120);
    expect(policies.rows_quarantined).toBeGreaterThan(0);
    expect(policies.rows_cleanse).toBe(120 - policies.rows_quarantined);
    expect(policies.rows_consume).toBe(policies.rows_cleanse);
  });

  test('the malformed file fails with the engine error and the others still ran', () => {
    expect(byFile('life.csv')).toMatchObject({ status: 'FAILED', rows_cleanse: null });
    expect(byFile('life.csv').error).toMatch(/No rows of data in source file; aborting/);
  });

  test('the progress of the failed file shows the engine message, not the JobRun JSON, and no ✓ on the failed task', () => {
    const lines = result.stderr.split('\n');
    const start = lines.findIndex((l) => l.includes('▶ SyntheticLifeData/PolicyData/life.csv'));
    const end = lines.findIndex((l, i) => i > start && l.includes('✘ SyntheticLifeData/PolicyData/life.csv FAILED'));
    const progress = lines.slice(start, end).join('\n');
    expect(progress).toMatch(/✗ DevInsuranceLakeCollectGlueJobTask failed: States\.TaskFailed: dev-insurancelake-collect-to-cleanse-job FAILED: .*No rows of data in source file/);
    expect(progress).toMatch(/✗ DevInsuranceLakeCollectGlueJobTask \(\d+\.\d s\)/);
    expect(progress).not.toMatch(/✓ DevInsuranceLakeCollectGlueJobTask|"JobName"|"Arguments"/);
  });

  test('files at the wrong depth and empty files are REJECTED with the trigger\'s reason, not QUEUED', () => {
    // The reasons are the audit item's error_message, which the trigger wrote (decision I11).
    expect(byFile('stray.csv')).toMatchObject({ database: '', table: '', status: 'REJECTED', rows_read: null });
    expect(byFile('stray.csv').error).toMatch(/^Rejected Collect object "stray\.csv": it is at the top of the bucket, in no folder; /);
    expect(byFile('loose.csv')).toMatchObject({ database: 'SyntheticGeneralData', table: '', status: 'REJECTED' });
    expect(byFile('loose.csv').error).toMatch(/"SyntheticGeneralData\/loose\.csv": it is in one folder \("SyntheticGeneralData"\) instead of a database and a table folder/);
    expect(byFile('empty.csv')).toMatchObject({ database: 'SyntheticGeneralData', table: 'ClaimData', status: 'REJECTED', rows_read: null });
    expect(byFile('empty.csv').error).toMatch(/^Rejected Collect object "SyntheticGeneralData\/ClaimData\/empty\.csv": .*empty/);
  });

  test('the rejected files are in summary.json and report.html with their reasons', () => {
    const json = JSON.parse(fs.readFileSync(path.join(workdir, 'work', 'summary.json'), 'utf8'));
    expect(json).toEqual(summary);
    const html = fs.readFileSync(path.join(workdir, 'work', 'report.html'), 'utf8');
    expect(html).toMatch(/<span class="path">stray\.csv<\/span> <span class="status rejected">REJECTED<\/span>/);
    expect(html).toContain('it is at the top of the bucket, in no folder');
    expect(html).toMatch(/SyntheticGeneralData\/ClaimData\/empty\.csv<\/span> <span class="status rejected">REJECTED/);
  });

  test('the Consume table is queryable with insurancelake query', () => {
    const query = cli(['query', '--workdir', path.join(workdir, 'work'), '--json',
      'SELECT COUNT(*) AS policies, SUM(ClaimCount) AS claims FROM syntheticgeneraldata_consume.policydata'], 180_000);
    expect(query.status).toBe(0);
    expect(query.stderr).toMatch(/insurancelake: starting local Spark for the query… \d+\.\d s\n/);
    const row = JSON.parse(query.stdout.trim().split('\n')[0]);
    expect(row.policies).toBe(byFile('policies.csv').rows_consume);
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
