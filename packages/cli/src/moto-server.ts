import { ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { ENGINE_DIR, ENGINE_PYTHONPATH } from './paths';
import { killGroup, spawnGroup } from './process-group';

/** A moto server on a free loopback port: the local stand-in for every AWS API the pipeline calls. */
export class MotoServer {
  /** Start the moto server bound to 127.0.0.1 and wait until it answers. */
  static async start(python: string): Promise<MotoServer> {
    const port = await freePort();
    // moto's server with Step Functions timestamps as the real API returns them (epoch seconds).
    const child = spawnGroup(python, ['-m', 'insurancelake_local.moto_server', '-H', '127.0.0.1', '-p', String(port)], {
      cwd: ENGINE_DIR,
      env: { ...process.env, PYTHONPATH: ENGINE_PYTHONPATH },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const server = new MotoServer(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`moto server exited at start: ${stderr.trim()}`);
      try {
        const response = await fetch(`${server.endpoint}/moto-api/`);
        if (response.ok || response.status < 500) return server;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    server.stop();
    throw new Error(`moto server did not answer on ${server.endpoint} within 30 s: ${stderr.trim()}`);
  }

  // Never left behind: spawnGroup kills it when the CLI exits, and it ends itself when the CLI is killed.
  private constructor(private readonly child: ChildProcess, readonly endpoint: string) {}

  /** Stop the server (idempotent). */
  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) killGroup(this.child, 'SIGKILL');
  }

  /** Environment that points the AWS SDKs (JavaScript and boto3) at this server. */
  awsEnvironment(region = 'us-east-2'): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_ACCESS_KEY_ID: 'insurancelake-local',
      AWS_SECRET_ACCESS_KEY: 'insurancelake-local',
      AWS_SESSION_TOKEN: 'insurancelake-local',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    };
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
