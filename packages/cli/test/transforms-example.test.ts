import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// The worked example of docs/authoring-transforms.md end to end: examples/config-transforms with the
// modules of examples/transforms through the whole local pipeline (`insurancelake run --transforms`),
// the rating API a fake server on loopback that this test starts and stops.
const PACKAGE = path.join(__dirname, '..');
const ROOT = path.join(PACKAGE, '..', '..');
const BIN = path.join(PACKAGE, 'lib', 'main.js');
const MODULES = path.join(ROOT, 'examples', 'transforms');
const CONFIG = path.join(ROOT, 'examples', 'config-transforms');
const EXAMPLE_ENDPOINT = 'http://127.0.0.1:8765/rate';
const FACTORS: Record<string, number> = { NY: 1.25, CA: 1.1, TX: 0.9, FL: 1.5 };

/** The CLI, without blocking this process (the fake server answers from its event loop). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('examples/config-transforms with examples/transforms through insurancelake run', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'il-transforms-'));
  const config = path.join(tmp, 'config');
  const batches: number[] = [];
  let server: http.Server;

  beforeAll(async () => {
    // POST /rate {"policies": [...]} → {"factors": [...]}, one factor per policy from its state.
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const policies: { statecode: string }[] = JSON.parse(body).policies;
        batches.push(policies.length);
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ factors: policies.map((p) => FACTORS[p.statecode]) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // The example configuration as it is, with the endpoint pointed at this test's server.
    fs.cpSync(CONFIG, config, { recursive: true });
    const spec = path.join(config, 'etl', 'transformation-spec', 'RatingDemo-Policies.json');
    const text = fs.readFileSync(spec, 'utf8');
    expect(text).toContain(EXAMPLE_ENDPOINT);
    fs.writeFileSync(spec, text.replace(EXAMPLE_ENDPOINT, `http://127.0.0.1:${(server.address() as AddressInfo).port}/rate`));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('the Cleanse table carries the factor the API gave each policy, and the rated premium', async () => {
    const workdir = path.join(tmp, 'work');
    const run = await cli(['run', '--collect', path.join(config, 'sample'), '--config', config, '--transforms', MODULES, '--workdir', workdir, '--json']);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const [execution] = JSON.parse(run.stdout.trim().split('\n').pop()!).executions;
    expect(execution).toMatchObject({ database: 'RatingDemo', table: 'Policies', status: 'SUCCEEDED', rows_cleanse: 5 });
    expect(Math.max(...batches)).toBeLessThanOrEqual(2); // batch_size 2 in the spec
    expect(batches.reduce((a, b) => a + b, 0)).toBe(5);

    const query = spawnSync(process.execPath, [BIN, 'query', '--workdir', workdir, '--json',
      'SELECT policynumber, statecode, ratingfactor, CAST(ratedpremium AS STRING) AS ratedpremium FROM ratingdemo.policies ORDER BY policynumber'],
    { cwd: ROOT, encoding: 'utf8' });
    expect(query.status).toBe(0);
    const rows = query.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.map((r) => [r.policynumber, r.ratingfactor])).toEqual([
      ['P-1001', 1.25], ['P-1002', 1.1], ['P-1003', 0.9], ['P-1004', 1.25], ['P-1005', 1.5],
    ]);
    expect(Number(rows[0].ratedpremium)).toBeCloseTo(1200 * 1.25, 2);
    expect(Number(rows[4].ratedpremium)).toBeCloseTo(4100.25 * 1.5, 2);
  }, 900_000);

  test('without --transforms the spec\'s rate_policies is refused before anything runs, with a pointer to --transforms', async () => {
    const run = await cli(['run', '--collect', path.join(config, 'sample'), '--config', config, '--workdir', path.join(tmp, 'refused')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/RatingDemo-Policies\.json.*rate_policies/);
    expect(run.stderr).toMatch(/--transforms/);
    const validate = await cli(['validate', '--config', config]);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toMatch(/unknown transform 'rate_policies'.*\nA key that is a transform of your own modules needs the modules folder: --transforms <folder>\.\n1 problem in /);
  }, 300_000);

  test('a module that does not import fails validate naming the module file and the reason', async () => {
    const broken = path.join(tmp, 'broken');
    fs.cpSync(MODULES, broken, { recursive: true });
    fs.appendFileSync(path.join(broken, 'rating.py'), '\nimport not_a_library_anyone_installed  # noqa\n');
    const validate = await cli(['validate', '--config', config, '--transforms', broken]);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain(path.join(broken, 'rating.py'));
    expect(validate.stdout).toMatch(/cannot import transform module 'rating': ModuleNotFoundError: No module named 'not_a_library_anyone_installed'/);
    const valid = await cli(['validate', '--config', config, '--transforms', MODULES]);
    expect(valid.stdout).toMatch(/configuration is valid/);
    expect(valid.status).toBe(0);
  }, 300_000);
});
