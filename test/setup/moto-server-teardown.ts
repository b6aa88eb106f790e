// Jest global teardown: stop the moto server that moto-server.ts started (by its own handle).
import { ChildProcess } from 'child_process';

export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as any).__MOTO_SERVER__ as ChildProcess | undefined;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 5_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}
