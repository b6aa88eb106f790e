import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Children that end with the CLI. A long-lived child (the moto server, the Spark worker) leads its own
 * process group, so the JVM and Spark's Python workers it starts can be killed with it in one call;
 * and it watches this process (`insurancelake_local.parent_watch`, told by INSURANCELAKE_PARENT_PID),
 * so that it kills its group and removes the CLI's temporary folder even when the CLI is SIGKILLed,
 * which no handler here can see.
 */

let temp: string | undefined;

/**
 * The CLI's temporary folder (`$TMPDIR/insurancelake-<pid>-*`), created on first use: the synthesized
 * cloud assembly and the Spark worker's temporary files go in it. Removed when the CLI exits, and by
 * the watching children when it is killed.
 */
export function cliTempDir(): string {
  if (!temp) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `insurancelake-${process.pid}-`));
    temp = dir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return temp;
}

/** Environment of a Python child that must end with the CLI (see `insurancelake_local.parent_watch`). */
export function parentWatchEnv(): Record<string, string> {
  return { INSURANCELAKE_PARENT_PID: String(process.pid), INSURANCELAKE_TEMP_DIR: cliTempDir() };
}

/** Spawn `command` as the leader of a new process group that watches this process. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions & { env: NodeJS.ProcessEnv }): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true, env: { ...options.env, ...parentWatchEnv() } });
  // The group is killed on exit (an exception, process.exit in a signal handler), not only when closed;
  // only while its leader runs, so that the group id cannot have been reused by then.
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
  });
  return child;
}

/** Send `signal` to every process of the group `child` leads; a group that is gone already is no error. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
