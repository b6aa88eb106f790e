import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SetupError } from './errors';
import { ENGINE_DIR, ENGINE_PYTHONPATH, LOCAL_ENGINE_DIR } from './paths';

/**
 * The Python side of the CLI: a virtual environment with the engine's and the local runner's run-time
 * requirements (no test tools), in the user's cache folder, and the Spark jars in an Ivy cache beside
 * it. Set up on first use, with each step and its duration on stderr; later runs check a stamp only.
 */

/** `$XDG_CACHE_HOME/insurancelake` or `~/.cache/insurancelake`. */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'insurancelake');
}

/** The requirement files of the environment: what gets installed, and with which transitive versions. */
export function requirementFiles(): { engine: string; local: string; lock: string } {
  return {
    engine: path.join(ENGINE_DIR, 'requirements.txt'),
    local: path.join(LOCAL_ENGINE_DIR, 'requirements.txt'),
    lock: path.join(ENGINE_DIR, 'requirements.lock'),
  };
}

/** The hash of the requirement files: a new release with other pins gets a new environment. */
export function requirementsHash(): string {
  const hash = createHash('sha256');
  for (const file of Object.values(requirementFiles())) hash.update(fs.readFileSync(file));
  return hash.digest('hex');
}

/** `$INSURANCELAKE_VENV`, or `<cache>/venv-<hash of the requirements>`. */
export function venvDir(): string {
  const own = process.env.INSURANCELAKE_VENV;
  return own ? path.resolve(own) : path.join(cacheDir(), `venv-${requirementsHash().slice(0, 12)}`);
}

/** `$INSURANCELAKE_IVY_DIR`, or `<cache>/ivy`: where Spark's Ivy keeps the Maven jars. */
export function ivyDir(): string {
  return process.env.INSURANCELAKE_IVY_DIR ? path.resolve(process.env.INSURANCELAKE_IVY_DIR) : path.join(cacheDir(), 'ivy');
}

/** The pinned top-level requirements (`name==version` lines) of the environment: the CLI's (Spark first), then the engine's. */
export function pinnedRequirements(): { name: string; version: string }[] {
  const { engine, local } = requirementFiles();
  return [local, engine].flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'))
    .map((line) => line.replace(/#.*/, '').trim())
    .map((line) => /^([A-Za-z0-9_.\-[\]]+)==(\S+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], version: m[2] }));
}

/**
 * The Python 3.11 of the CLI's environment, created or brought up to date first; also fetches the
 * Spark jars on first use and points every Python process the CLI starts at the Ivy cache.
 */
export function ensurePython(): string {
  requireJava();
  const venv = venvDir();
  const python = path.join(venv, 'bin', 'python');
  const stamp = path.join(venv, '.insurancelake-requirements.sha256');
  const want = requirementsHash();
  const ready = () => fs.existsSync(python) && readOr(stamp) === want;
  if (!ready()) {
    withLock(path.join(cacheDir(), 'locks', createHash('sha256').update(venv).digest('hex').slice(0, 16)), () => {
      if (ready()) return; // another insurancelake finished it while this one waited
      setUp(venv, python, stamp, want);
    });
  }
  process.env.INSURANCELAKE_IVY_DIR = ivyDir();
  ensureSparkJars(python);
  return python;
}

function setUp(venv: string, python: string, stamp: string, want: string): void {
  process.stderr.write(`insurancelake: setting up the Python environment in ${venv} (once; again only when the requirements change)\n`);
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  if (!fs.existsSync(python)) {
    const base = findPython311();
    step('creating venv', () => run(base, ['-m', 'venv', venv]), undefined);
  }
  const log = path.join(venv, 'insurancelake-setup.log');
  const pins = pinnedRequirements();
  const { engine, local, lock } = requirementFiles();
  step(`installing ${pins.length} packages (${pins.slice(0, 3).map((p) => `${p.name} ${p.version}`).join(', ')}, …)`,
    () => run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', engine, '-r', local, '-c', lock], log), log);
  fs.writeFileSync(stamp, want);
}

/** Fetch the local SparkSession's Maven jars into the Ivy cache unless a previous run did. */
function ensureSparkJars(python: string): void {
  const env = { ...process.env, PYTHONPATH: ENGINE_PYTHONPATH };
  const check = spawnSync(python, ['-m', 'insurancelake_local.fetch_jars', '--check'], { env, stdio: 'ignore' });
  if (check.status === 0) return;
  fs.mkdirSync(ivyDir(), { recursive: true });
  const log = path.join(ivyDir(), 'insurancelake-fetch.log');
  step('fetching Spark jars from Maven Central', () => run(python, ['-m', 'insurancelake_local.fetch_jars'], log, env), log);
}

/**
 * Run one set-up step, showing `what (output in LOG)… N s` on stderr: a step of several minutes
 * names up front the log to follow it in. A failure names the log and keeps it (`failure` words it).
 */
export function step(what: string, action: () => number | null, log: string | undefined,
  failure: (status: number | null) => string = (status) => `${what} failed (exit code ${status})${log ? `; the log is kept in ${log}` : ''}`): void {
  process.stderr.write(`insurancelake: ${what}${log ? ` (output in ${log})` : ''}… `);
  const started = Date.now();
  const status = action();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (status === 0) {
    process.stderr.write(`${seconds} s\n`);
    return;
  }
  process.stderr.write(`failed after ${seconds} s\n`);
  throw new SetupError(failure(status));
}

/** Run a command with its output in `log` (or discarded); returns its exit code. */
export function run(command: string, args: string[], log?: string, env: NodeJS.ProcessEnv = process.env): number | null {
  const out = log ? fs.openSync(log, 'w') : 'ignore';
  try {
    return spawnSync(command, args, { env, stdio: ['ignore', out, out] }).status;
  } finally {
    if (typeof out === 'number') fs.closeSync(out);
  }
}

function requireJava(): void {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).error) {
    throw new SetupError('Java 17 is required for local Spark; install a JDK 17 (e.g. apt-get install openjdk-17-jdk) and put java on PATH');
  }
}

function findPython311(): string {
  for (const candidate of [process.env.INSURANCELAKE_PYTHON, 'python3.11', 'python3']) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  throw new SetupError('Python 3.11 is required (the Glue 5.1 Python); install it and put python3.11 on PATH, or set INSURANCELAKE_PYTHON');
}

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Run `action` holding a lock folder (parallel runs and tests may set up the same environment at
 * once). A lock whose owner process is gone is taken over.
 */
function withLock(lock: string, action: () => void): void {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const owner = path.join(lock, 'pid');
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readOr(owner));
      if (pid && !alive(pid)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) process.stderr.write('insurancelake: waiting for another insurancelake that is setting up the same Python environment…\n');
      told = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    action();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
