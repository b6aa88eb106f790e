import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Whatever ends `insurancelake run`, no process it started (moto server, Spark worker, JVM, Spark's
// Python workers) outlives it by more than a few seconds, and its temporary folder goes. Processes are
// found by descent from the CLI's pid in /proc (Linux), never by name: other Spark runs share the machine.
const PACKAGE = path.join(__dirname, '..');
const ROOT = path.join(PACKAGE, '..', '..');
const BIN = path.join(PACKAGE, 'lib', 'main.js');
const GONE_WITHIN_MS = 10_000;

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly state: string;
  readonly command: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
      const close = stat.lastIndexOf(')');
      const [state, ppid, pgid] = stat.slice(close + 2).split(' ');
      const command = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), state, command });
    } catch {
      // ended while being read
    }
  }
  return out;
}

/** Every living process descended from `root` (not `root` itself). */
function descendants(root: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  let frontier = [root];
  while (frontier.length) {
    const children = all.filter((p) => frontier.includes(p.ppid));
    found.push(...children);
    frontier = children.map((p) => p.pid);
  }
  return found.filter((p) => p.state !== 'Z');
}

/** Those of `procs` still alive (zombies count as ended: they only wait to be reaped). */
function alive(procs: Proc[]): Proc[] {
  const now = new Map(processes().map((p) => [p.pid, p]));
  return procs.filter((p) => {
    const current = now.get(p.pid);
    return current && current.state !== 'Z' && current.command === p.command;
  });
}

async function until<T>(what: string, ms: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('no orphans', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-orphans-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const collect = path.join(dir, 'collect');
  const config = path.join(dir, 'config');
  beforeAll(() => {
    fs.mkdirSync(path.join(config, 'etl', 'transformation-spec'), { recursive: true });
    for (const day of ['01', '02', '03', '04', '05', '06']) {
      const folder = path.join(collect, 'Orphans', 'Policies', '2024', '01', day);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'policies.csv'), `id,name,premium\n1,A${day},1\n2,B${day},2\n`);
    }
  });

  /** `insurancelake run` with its own $TMPDIR, its stdout collected as it comes. */
  function startRun(name: string): { child: ChildProcess; tmp: string; workdir: string; stdout: () => string } {
    const tmp = fs.mkdtempSync(path.join(dir, `tmp-${name}-`));
    const workdir = path.join(dir, `work-${name}`);
    const child = spawn(process.execPath, [BIN, 'run', '--collect', collect, '--config', config, '--workdir', workdir], {
      cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (out += chunk));
    return { child, tmp, workdir, stdout: () => out };
  }

  test('SIGKILL mid-run: moto, the Spark worker, its JVM end within seconds; the temporary folder goes; the saved state stays whole', async () => {
    const run = startRun('kill');
    const state = path.join(run.workdir, 'state.json');
    // Mid-run: the first file is done (and saved), the next one is in its Glue job.
    const started = (text: string) => (text.match(/^\s*[\d.]+s\s+▶ /gm) ?? []).length;
    const finished = (text: string) => (text.match(/^\s*[\d.]+s\s+[✔✘…] /gm) ?? []).length;
    await until('the first file to finish and the next to start', 300_000, () => {
      const out = run.stdout();
      return fs.existsSync(state) && started(out) > finished(out) && finished(out) >= 1;
    });
    const children = await until('the JVM', 30_000, () => {
      const d = descendants(run.child.pid!);
      return d.some((p) => /\bjava\b/.test(p.command)) && d;
    });
    expect(children.some((p) => p.command.includes('insurancelake_local.moto_server'))).toBe(true);
    expect(children.some((p) => p.command.includes('insurancelake_local.worker'))).toBe(true);
    // Each long-lived child leads its own process group, which the JVM belongs to.
    const worker = children.find((p) => p.command.includes('insurancelake_local.worker'))!;
    expect(worker.pgid).toBe(worker.pid);
    expect(children.find((p) => /\bjava\b/.test(p.command))!.pgid).toBe(worker.pid);
    expect(fs.readdirSync(run.tmp)).toEqual([expect.stringMatching(/^insurancelake-\d+-/)]);

    const before = descendants(run.child.pid!);
    run.child.kill('SIGKILL');
    await exited(run.child);
    const killedAt = Date.now();
    await until('every process of the run to end', GONE_WITHIN_MS, () => alive(before).length === 0);
    await until('the temporary folder to be removed', GONE_WITHIN_MS, () => fs.readdirSync(run.tmp).length === 0);
    process.stdout.write(`no-orphans: every process of the killed run ended ${Date.now() - killedAt} ms after SIGKILL\n`);

    // The state saved before the kill is whole and lists the finished file.
    const audit = spawnSync(process.execPath, [BIN, 'audit', '--workdir', run.workdir, '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(audit.status).toBe(0);
    const executions = JSON.parse(audit.stdout).executions;
    expect(executions.length).toBeGreaterThanOrEqual(1);
    expect(executions[0]).toMatchObject({ database: 'Orphans', table: 'Policies', file: 'policies.csv', status: 'SUCCEEDED', rows_read: 2 });
  }, 400_000);

  test('SIGTERM during start-up leaves no process and no temporary folder', async () => {
    const run = startRun('term');
    // Start-up: the moto server answers, the Spark worker is starting its JVM, nothing has run yet.
    const children = await until('the Spark worker to start', 120_000, () => {
      const d = descendants(run.child.pid!);
      return d.some((p) => p.command.includes('insurancelake_local.worker')) && d;
    });
    expect(run.stdout()).not.toMatch(/local Spark ready/);
    const before = [...children, ...descendants(run.child.pid!)];
    run.child.kill('SIGTERM');
    const { code } = await exited(run.child);
    expect(code).toBe(143); // 128 + SIGTERM, as a shell reports it
    expect(run.stdout()).toMatch(/insurancelake: stopped by SIGTERM: a file in progress did not finish and its tables keep their previous data; the finished files are in .*state\.json/);
    await until('every process of the run to end', GONE_WITHIN_MS, () => alive(before).length === 0);
    await until('the temporary folder to be removed', GONE_WITHIN_MS, () => fs.readdirSync(run.tmp).length === 0);
  }, 200_000);
});
