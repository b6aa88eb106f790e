// Jest global setup: one moto server (AWS APIs over loopback HTTP) for the whole run.
// Tests reach it through AWS_ENDPOINT_URL, which every AWS SDK v3 client honours; the credentials
// and region are dummies so that no test can ever talk to a real account.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as net from 'net';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** A free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port, rejects after the timeout. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto server exited with code ${child.exitCode} before listening on port ${port}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export default async function globalSetup(): Promise<void> {
  // Creates or refreshes .venv (idempotent, locked); the last stdout line is the venv's python.
  const out = execFileSync('bash', [path.join(ROOT, 'scripts', 'python-env.sh')], {
    cwd: ROOT,
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const python = out.trim().split('\n').pop()!.trim();
  const port = await freePort();
  // moto.server, with Step Functions timestamps as epoch numbers (insurancelake_local/moto_server.py,
  // the same endpoint the local runner starts).
  const local = path.join(ROOT, 'packages', 'cli', 'python');
  const child = spawn(python, ['-m', 'insurancelake_local.moto_server', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: local,
    env: { ...process.env, PYTHONPATH: local },
    stdio: 'ignore',
  });
  (globalThis as any).__MOTO_SERVER__ = child;
  await waitForPort(port, child, 60_000);

  const endpoint = `http://127.0.0.1:${port}`;
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.MOTO_ENDPOINT_URL = endpoint;
  // The venv's python, for tests that ask the engine for its contracts (e.g. required job arguments).
  process.env.INSURANCELAKE_TEST_PYTHON = python;
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_DEFAULT_REGION = 'us-east-1';
}
