import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { ENGINE_DIR, ENGINE_PYTHONPATH } from './paths';

/** A failure the engine reported for one request (the worker itself lives on). */
export class EngineError extends Error {
  constructor(message: string, readonly kind: string) {
    super(message);
  }
}

interface Pending {
  resolve: (value: any) => void;
  reject: (error: Error) => void;
}

/**
 * The long-lived local Spark worker (`python -m insurancelake_local.worker`): one JVM for every Glue
 * task of a run. Requests are JSON lines; the worker's own logs (Spark's included) go to `logFile`.
 */
export class SparkWorker {
  /** Start the worker process; Spark itself starts on the first request that needs it. */
  static start(python: string, warehouse: string, env: Record<string, string>, logFile: string): SparkWorker {
    const log = fs.openSync(logFile, 'a');
    const child = spawn(python, ['-m', 'insurancelake_local.worker', '--warehouse', warehouse], {
      cwd: ENGINE_DIR,
      env: { ...process.env, ...env, PYTHONPATH: ENGINE_PYTHONPATH, PYTHONUNBUFFERED: '1' },
      stdio: ['pipe', 'pipe', log],
    });
    return new SparkWorker(child, logFile);
  }

  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited = false;

  private constructor(private readonly child: ChildProcess, readonly logFile: string) {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => this.receive(line));
    child.on('exit', (code, signal) => {
      this.exited = true;
      const error = new Error(`the Spark worker stopped (${signal ?? `exit code ${code}`}); see ${logFile}`);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    });
    process.once('exit', () => this.kill());
  }

  /** Send one request and wait for its response. */
  request<T = any>(op: string, payload: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`the Spark worker is not running; see ${this.logFile}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
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

  /** Stop the worker at once (Ctrl-C, crash). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
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
