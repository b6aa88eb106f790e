import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { SetupError } from './errors';
import { ENGINE_DIR, ENGINE_PYTHONPATH } from './paths';
import { cliTempDir, killGroup, spawnGroup } from './process-group';

/** A failure the engine reported for one job (the worker itself lives on). */
export class EngineError extends Error {
  constructor(message: string, readonly kind: string) {
    super(message);
  }
}

/**
 * Spark or the worker failed outside a job (the JVM did not start, the process died, a query or
 * validation broke): printed as one line that names the worker's log, which is kept.
 */
export class WorkerFailed extends SetupError {
  constructor(what: string, readonly logFile: string) {
    super(`${what}; the Spark worker's log (Spark's output included) is kept in ${logFile}`);
  }
}

interface Pending {
  resolve: (value: any) => void;
  reject: (error: Error) => void;
}

/**
 * The long-lived local Spark worker (`python -m insurancelake_local.worker`): one JVM for every Glue
 * task of a run. Requests are JSON lines; the worker's own logs (Spark's included) go to `logFile`.
 * It leads a process group with its JVM and ends with the CLI (see process-group.ts); its temporary
 * files (Python's, the JVM's, Spark's local folders) are in the CLI's temporary folder.
 */
export class SparkWorker {
  /** Start the worker process; Spark itself starts on the first request that needs it. */
  static start(python: string, warehouse: string, env: Record<string, string>, logFile: string): SparkWorker {
    const log = fs.openSync(logFile, 'a');
    const temp = fs.mkdtempSync(path.join(cliTempDir(), 'worker-'));
    const child = spawnGroup(python, ['-m', 'insurancelake_local.worker', '--warehouse', warehouse], {
      cwd: ENGINE_DIR,
      // `env` may carry a longer PYTHONPATH (the engine's, then --python-modules).
      env: { ...process.env, PYTHONPATH: ENGINE_PYTHONPATH, ...env, PYTHONUNBUFFERED: '1', TMPDIR: temp },
      stdio: ['pipe', 'pipe', log],
    });
    fs.closeSync(log);
    return new SparkWorker(child, logFile);
  }

  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited = false;

  private constructor(private readonly child: ChildProcess, readonly logFile: string) {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => this.receive(line));
    child.on('exit', (code, signal) => {
      this.exited = true;
      const error = new WorkerFailed(`the Spark worker stopped (${signal ?? `exit code ${code}`})`, logFile);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    });
  }

  /** Send one request and wait for its response. */
  request<T = any>(op: string, payload: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new WorkerFailed('the Spark worker is not running', this.logFile));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      // A job's own failure is its outcome (the audit and the summary carry it) and a query's is the
      // user's SQL; any other failure is the worker's.
      const fail = op === 'job' || op === 'query' ? reject : (error: Error) => reject(error instanceof EngineError
        ? new WorkerFailed(`${op === 'start' ? 'local Spark did not start' : `the Spark worker failed (${op})`}: ${error.kind}: ${firstLine(error.message)}`, this.logFile)
        : error);
      this.pending.set(id, { resolve, reject: fail });
      this.child.stdin!.write(JSON.stringify({ id, op, ...payload }) + '\n');
    });
  }

  /** Ask the worker to stop Spark and exit; kill it if it does not within `graceMs`. */
  async close(graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.request('shutdown').catch(() => undefined);
    this.child.stdin!.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stop the worker, its JVM and Spark's Python workers at once (Ctrl-C, crash). */
  kill(): void {
    if (!this.exited) killGroup(this.child, 'SIGKILL');
  }

  private receive(line: string): void {
    let message: { id: number; ok: boolean; result?: unknown; error?: string; kind?: string };
    try {
      message = JSON.parse(line);
    } catch {
      return; // not a protocol line
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new EngineError(message.error ?? 'unknown engine error', message.kind ?? 'Error'));
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim()) ?? text;
}
