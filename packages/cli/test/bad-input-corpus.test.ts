import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The bad-input corpus (test/fixtures/bad-inputs, format in its README) through the real CLI, as a
// user meets it: every data and trigger case through `insurancelake run --json`, every configuration
// case through `insurancelake validate`. Each case gets its expected answer, and no table loses or
// gains a row it should not.
//
// One Spark start per group, not per case: every case gets a table of its own (`Policies` becomes
// `Policies_07`, in its files, its configuration and its expected messages), so that all of them share
// one configuration folder, one seed run and one run; a second `run` in the same working folder, which
// also shows that the audit of the first is still there.
const PACKAGE = path.join(__dirname, '..');
const ROOT = path.join(PACKAGE, '..', '..');
const BIN = path.join(PACKAGE, 'lib', 'main.js');
const CORPUS = path.join(ROOT, 'test', 'fixtures', 'bad-inputs');
const SEED = 'id,name,premium\n1,Alice,10.5\n2,Bob,20.25\n3,Carol,30\n';
const DEFAULT_PARTITION = { p_year: '2024', p_month: '01', p_day: '05' };

interface Expectation {
  readonly status?: string;
  readonly error_contains?: string;
  readonly rows?: number;
  readonly quarantined?: Record<string, number>;
  readonly values?: Record<string, string[]>;
  /** `run` refuses the configuration before it starts anything (exit 2). */
  readonly refused?: boolean;
}

interface Case {
  readonly id: string;
  readonly files: string[];
  readonly expect: Expectation;
  readonly cli?: Expectation;
  readonly unchanged_tables: string[];
  readonly needs: string[];
  readonly args?: Record<string, string>;
  readonly seed?: boolean;
  readonly accepted?: string;
}

const CASES: Case[] = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8'));

/** A case under a table of its own: where its files go and how its names read there. */
class Placed {
  readonly database: string;
  readonly table: string;
  readonly newTable: string;

  constructor(readonly c: Case, index: number) {
    const input = c.files.find((f) => f.startsWith('collect/'));
    const folders = input ? input.split('/').slice(1, -1) : ['Corpus', 'Policies'];
    // A file in fewer than two folders has no table to rename (and is alone in its folder).
    [this.database = '', this.table = ''] = folders.length >= 2 ? folders : [];
    this.newTable = this.table ? `${this.table}_${String(index).padStart(2, '0')}` : '';
  }

  /** The case's answer through the CLI: its `cli` expectation over the engine's. */
  get answer(): Expectation & { status: string } {
    const merged = { ...this.c.expect, ...this.c.cli };
    return { ...merged, status: merged.status ?? (merged.error_contains ? 'FAILED' : 'SUCCEEDED') };
  }

  /** `text` with the case's table renamed wherever a path, file or catalog name holds it. */
  rename(text: string): string {
    if (!this.table) return text;
    const [d, t, n] = [this.database.toLowerCase(), this.table.toLowerCase(), this.newTable.toLowerCase()];
    const input = this.c.files.find((f) => f.startsWith('collect/'));
    const original = input?.slice('collect/'.length);
    // A message naming the input names it by its key, partition folders included.
    if (original && original.split('/').length === 3 && text.includes(original)) text = text.split(original).join(this.key);
    return text
      .split(`${this.database}/${this.table}/`).join(`${this.database}/${this.newTable}/`)
      .split(`${this.database}-${this.table}`).join(`${this.database}-${this.newTable}`)
      .split(`${d}.${t}`).join(`${d}.${n}`)
      .split(`${d}_consume.${t}`).join(`${d}_consume.${n}`);
  }

  /** The Collect key of the case's input: a plain `<DB>/<TBL>/<file>` gets the partition folders its `args` give. */
  get key(): string {
    const input = this.c.files.find((f) => f.startsWith('collect/'))!.slice('collect/'.length);
    const parts = input.split('/');
    if (parts.length >= 3) parts[1] = this.newTable;
    if (parts.length !== 3 || !this.c.needs.includes('data')) return parts.join('/');
    const p = { ...DEFAULT_PARTITION, ...this.c.args };
    const pad = (v: string) => (/^\d$/.test(v) ? `0${v}` : v);
    return [parts[0], parts[1], p.p_year, pad(p.p_month), pad(p.p_day), parts[2]].join('/');
  }

  get fileName(): string {
    return this.key.split('/').pop()!;
  }

  /** Copy the case's files under `prefix` (`etl/`, `lookups/`, `seed/etl/`) into `config`, renamed. */
  layConfig(prefix: string, config: string): string[] {
    const laid: string[] = [];
    for (const rel of this.c.files.filter((f) => f.startsWith(prefix))) {
      const target = this.rename(prefix.startsWith('seed/') ? rel.slice('seed/'.length) : rel);
      const source = path.join(CORPUS, 'cases', this.c.id, rel);
      fs.mkdirSync(path.dirname(path.join(config, target)), { recursive: true });
      const sql = target.endsWith('.sql');
      fs.writeFileSync(path.join(config, target), sql ? this.rename(fs.readFileSync(source, 'utf8')) : fs.readFileSync(source));
      laid.push(target);
    }
    return laid;
  }

  /** Copy the input file into `collect` at {@link key}. */
  layInput(collect: string): void {
    const input = this.c.files.find((f) => f.startsWith('collect/'))!;
    const target = path.join(collect, ...this.key.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(CORPUS, 'cases', this.c.id, input), target);
  }

  get seeded(): boolean {
    return this.c.seed !== false && this.c.unchanged_tables.length > 0;
  }
}

function cli(args: string[], timeout: number): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
}

const lastJson = (result: SpawnSyncReturns<string>) => JSON.parse(result.stdout.trim().split('\n').pop()!);

const placed = CASES.map((c, i) => new Placed(c, i + 1));
const runCases = placed.filter((p) => (p.c.needs.includes('data') || p.c.needs.includes('trigger')) && !p.answer.refused);
const refusedCases = placed.filter((p) => p.c.needs.includes('data') && p.answer.refused);
const validateCases = placed.filter((p) => p.c.needs.includes('validate'));

describe('the bad-input corpus through the CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-corpus-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const work = path.join(dir, 'work');
  const started = Date.now();
  let seedSummary: any[];
  let summary: any[];
  let runResult: SpawnSyncReturns<string>;
  const facts = new Map<string, string>(); // query results: `count:<table>` and `value:<table>:<column>`
  const validateLines = new Map<string, string[]>(); // validate output lines per case
  const refusals = new Map<string, SpawnSyncReturns<string>>();

  beforeAll(() => {
    // 1. Seed: a good three-row file in each table whose rows must stay, with the case's seed configuration.
    const seedCollect = path.join(dir, 'seed-collect');
    const seedConfig = path.join(dir, 'seed-config');
    fs.mkdirSync(path.join(seedConfig, 'etl'), { recursive: true });
    for (const p of runCases.filter((x) => x.seeded)) {
      p.layConfig('seed/etl/', seedConfig);
      const [database, table] = p.key.split('/');
      const folder = path.join(seedCollect, database, table, '2024', '01', '05');
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'seed.csv'), SEED);
    }
    const seed = cli(['run', '--collect', seedCollect, '--config', seedConfig, '--workdir', work, '--json'], 900_000);
    if (seed.status !== 0) throw new Error(`the seed run failed: ${seed.stdout}\n${seed.stderr}`);
    seedSummary = lastJson(seed).executions;

    // 2. Every case in one run, in the same working folder, with all the cases' configuration.
    const collect = path.join(dir, 'collect');
    const config = path.join(dir, 'config');
    fs.mkdirSync(path.join(config, 'etl'), { recursive: true });
    for (const p of runCases) {
      p.layConfig('etl/', config);
      p.layInput(collect);
    }
    runResult = cli(['run', '--collect', collect, '--config', config, '--workdir', work, '--json'], 1_800_000);
    summary = lastJson(runResult).executions;

    // 3. Cases whose configuration `run` refuses at the door: each alone (no Spark starts).
    for (const p of refusedCases) {
      const own = path.join(dir, `refused-${p.c.id}`);
      fs.mkdirSync(path.join(own, 'config', 'etl'), { recursive: true });
      p.layConfig('etl/', path.join(own, 'config'));
      p.layInput(path.join(own, 'collect'));
      refusals.set(p.c.id, cli(['run', '--collect', path.join(own, 'collect'), '--config', path.join(own, 'config'), '--workdir', path.join(own, 'work')], 120_000));
    }

    // 4. One query for every count and value the cases expect.
    const selects: string[] = [];
    for (const p of runCases) {
      for (const table of p.c.unchanged_tables.map((t) => p.rename(t))) {
        if (p.seeded) selects.push(`SELECT 'count:${table}' AS k, CAST(COUNT(*) AS STRING) AS v FROM ${table}`);
      }
      const table = `${p.database}.${p.newTable}`.toLowerCase();
      if (p.answer.rows !== undefined) selects.push(`SELECT 'count:${table}' AS k, CAST(COUNT(*) AS STRING) AS v FROM ${table}`);
      for (const stage of Object.keys(p.answer.quarantined ?? {})) {
        selects.push(`SELECT 'count:${table}_quarantine_${stage}' AS k, CAST(COUNT(*) AS STRING) AS v FROM ${table}_quarantine_${stage}`);
      }
      for (const column of Object.keys(p.answer.values ?? {})) {
        selects.push(`SELECT 'value:${table}:${column}' AS k, CAST(${column} AS STRING) AS v FROM ${table}`);
      }
    }
    // The working folder's kept audit and lineage items, as views.
    selects.push("SELECT 'count:audit' AS k, CAST(COUNT(*) AS STRING) AS v FROM audit");
    selects.push("SELECT 'executions-with-lineage' AS k, CAST(COUNT(DISTINCT step_function_execution_id) AS STRING) AS v FROM lineage");
    const query = cli(['query', '--workdir', work, '--json', [...new Set(selects)].join(' UNION ALL ')], 300_000);
    if (query.status !== 0) throw new Error(`the query failed: ${query.stderr}`);
    for (const line of query.stdout.trim().split('\n')) {
      const { k, v } = JSON.parse(line);
      facts.set(k, facts.has(k) && k.startsWith('value:') ? `${facts.get(k)}\n${v}` : v);
    }

    // 5. validate: one configuration folder for all the cases, except those with their own lookups.json.
    const groups = [
      validateCases.filter((p) => !p.c.files.some((f) => f.startsWith('lookups/'))),
      ...validateCases.filter((p) => p.c.files.some((f) => f.startsWith('lookups/'))).map((p) => [p]),
    ];
    groups.forEach((group, i) => {
      const folder = path.join(dir, `validate-${i}`);
      fs.mkdirSync(path.join(folder, 'etl'), { recursive: true });
      const files = new Map(group.map((p) => [p, [...p.layConfig('etl/', folder), ...p.layConfig('lookups/', folder)]]));
      const result = cli(['validate', '--config', folder], 300_000);
      const lines = result.stdout.trim().split('\n');
      // A problem line names its file first: each case gets the lines of its own files (a case alone, every line).
      for (const [p, laid] of files) {
        validateLines.set(p.c.id, group.length === 1 ? lines : lines.filter((l) => laid.some((f) => l.startsWith(f))));
      }
    });
    process.stdout.write(`bad-input corpus through the CLI: ${CASES.length} cases in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }, 3_600_000);

  const entryOf = (p: Placed) => {
    const [database = '', table = ''] = p.key.split('/').slice(0, -1);
    const found = summary.filter((e) => e.file === p.fileName && e.database === database && e.table === table);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('the corpus has at least 60 cases, each with an answer and its files', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    for (const c of CASES) {
      for (const rel of c.files) expect(fs.existsSync(path.join(CORPUS, 'cases', c.id, rel))).toBe(true);
    }
  });

  test('the seed run loaded every seed file', () => {
    expect(seedSummary.length).toBe(runCases.filter((p) => p.seeded).length);
    for (const e of seedSummary) expect(e).toMatchObject({ status: 'SUCCEEDED', rows_cleanse: 3 });
  });

  test('run exits 1 (files failed) and answers for every file of the corpus', () => {
    expect(runResult.status).toBe(1);
    expect(summary).toHaveLength(runCases.length);
  });

  test.each(runCases.map((p) => [p.c.id, p] as const))('%s: run --json gives its answer, and no table loses or gains a row', (_id, p) => {
    const answer = p.answer;
    const entry = entryOf(p);
    expect({ status: entry.status, error: entry.error }).toMatchObject({ status: answer.status });
    if (answer.error_contains) expect(entry.error).toContain(p.rename(answer.error_contains));
    else expect(entry.error).toBeNull();
    expect(String(entry.error)).not.toMatch(/Py4JJavaError|An error occurred while calling o\d+|^\s+at /m);
    const table = `${p.database}.${p.newTable}`.toLowerCase();
    if (answer.rows !== undefined) {
      expect(entry.rows_cleanse).toBe(answer.rows);
      expect(facts.get(`count:${table}`)).toBe(String(answer.rows));
    }
    if (answer.quarantined) {
      const total = Object.values(answer.quarantined).reduce((a, b) => a + b, 0);
      expect(entry.rows_quarantined).toBe(total);
      expect(entry.rows_read).toBe(entry.rows_cleanse + entry.rows_quarantined);
      for (const [stage, count] of Object.entries(answer.quarantined)) expect(facts.get(`count:${table}_quarantine_${stage}`)).toBe(String(count));
    }
    for (const [column, values] of Object.entries(answer.values ?? {})) {
      expect(facts.get(`value:${table}:${column}`)?.split('\n').sort()).toEqual([...values].sort());
    }
    // The tables that must keep their rows hold what the seed run wrote.
    for (const t of p.c.unchanged_tables.map((x) => p.rename(x))) {
      if (!p.seeded) continue;
      const seeded = seedSummary.find((e) => `${e.database}.${e.table}`.toLowerCase() === t.replace('_consume.', '.'));
      const before = t.includes('_consume.') ? seeded.rows_consume : seeded.rows_cleanse;
      expect(facts.get(`count:${t}`)).toBe(String(before));
    }
    // A file refused at the door leaves no table behind.
    if (answer.status === 'REJECTED' && !p.seeded && p.newTable) {
      expect(fs.existsSync(path.join(work, 'warehouse', p.database.toLowerCase(), p.newTable.toLowerCase()))).toBe(false);
    }
  });

  test.each(refusedCases.map((p) => [p.c.id, p] as const))('%s: run refuses the configuration before anything starts', (_id, p) => {
    const result = refusals.get(p.c.id)!;
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(p.rename(p.answer.error_contains!));
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  test.each(validateCases.map((p) => [p.c.id, p] as const))('%s: validate reports it in a line of its own file', (_id, p) => {
    const lines = validateLines.get(p.c.id)!;
    expect(lines.some((l) => l.includes(p.rename(p.c.expect.error_contains!)))).toBe(true);
  });

  test('a second run in the same working folder sees the first: audit and query list both runs', () => {
    const audit = cli(['audit', '--workdir', work, '--json', '--limit', '1000'], 60_000);
    expect(audit.status).toBe(0);
    const executions = JSON.parse(audit.stdout).executions;
    expect(executions.filter((e: any) => e.file === 'seed.csv' && e.status === 'SUCCEEDED')).toHaveLength(seedSummary.length);
    const rejected = executions.filter((e: any) => e.status === 'REJECTED').length;
    expect(rejected).toBe(summary.filter((e) => e.status === 'REJECTED').length);
    expect(executions).toHaveLength(seedSummary.length + summary.length);
    // query sees the same audit items, and the lineage of every file that loaded in either run.
    expect(facts.get('count:audit')).toBe(String(executions.filter((e: any) => e.execution_id).length));
    const loaded = executions.filter((e: any) => e.status === 'SUCCEEDED').length;
    expect(Number(facts.get('executions-with-lineage'))).toBeGreaterThanOrEqual(loaded);
  });

  test('the figures: every case tried, each one a clear error, a quarantine or an acceptance with its reason', () => {
    const answers = [...runCases, ...refusedCases, ...validateCases.filter((p) => !p.c.needs.includes('data'))].map((p) => p.answer);
    const clear = answers.filter((a) => a.error_contains).length;
    const quarantined = answers.filter((a) => a.quarantined).length;
    const accepted = placed.filter((p) => !p.answer.error_contains && !p.answer.quarantined);
    for (const p of accepted) expect(p.c.accepted).toEqual(expect.stringMatching(/\S/));
    expect(clear + quarantined + accepted.length).toBe(CASES.length);
    process.stdout.write(`bad-input corpus figures: tried ${CASES.length}, clear error ${clear}, quarantined ${quarantined}, `
      + `accepted with a reason ${accepted.length} (${accepted.map((p) => p.c.id).join(', ')})\n`);
  });
});
